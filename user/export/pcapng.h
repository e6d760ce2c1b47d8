/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A pcapng writer (draft-ietf-opsawg-pcapng) for --pcap-export: one Section
 * Header Block, one Interface Description Block per capture interface, and an
 * Enhanced Packet Block per packet, written in the host's byte order as the
 * format allows. Readers: tshark, Wireshark, tcpdump, libpcap >= 1.1.
 *
 * Rotation by size: when the current file has reached rotate_bytes, the next
 * packet goes to a new file (FILE, FILE.1, FILE.2, ...). The new file is opened
 * and given its header and interfaces before the old one is closed, so no packet
 * is lost at the switch; if the new file cannot be opened, writing goes on in the
 * old one and the error is reported once.
 *
 * Writes are buffered (stdio); xdt_pcapng_flush() pushes them to the kernel.
 * Not thread-safe: one writer per thread.
 */
#ifndef XDT_EXPORT_PCAPNG_H
#define XDT_EXPORT_PCAPNG_H

#include <stddef.h>
#include <stdint.h>

/* Link types (LINKTYPE_*, tcpdump.org/linktypes.html). */
#define XDT_LINKTYPE_ETHERNET 1
#define XDT_LINKTYPE_RAW 101		/* IPv4 or IPv6, no link header */
#define XDT_LINKTYPE_LINUX_SLL 113

#define XDT_PCAPNG_MAX_IFACES 16

/* Called before a file is closed (rotation or xdt_pcapng_close): seq 0 is FILE. */
typedef void (*xdt_pcapng_close_fn)(void *ctx, unsigned int seq, const char *path);

struct xdt_pcapng_opts {
	const char *path;		/* FILE; rotated files are FILE.1, FILE.2, ... */
	uint64_t rotate_bytes;		/* 0: one file */
	const char *shb_comment;	/* opt_comment of every section header; may be NULL */
	const char *shb_appl;		/* shb_userappl, e.g. "xdptop 0.9"; may be NULL */
	xdt_pcapng_close_fn on_close;	/* may be NULL */
	void *ctx;
};

struct xdt_pcapng_stats {
	uint64_t packets;	/* enhanced packet blocks written, over all files */
	uint64_t bytes;		/* bytes written, over all files */
	uint64_t write_errors;	/* packets not written (disk full, I/O error) */
	unsigned int files;	/* files opened */
};

struct xdt_pcapng;

/*
 * Create (truncate) FILE and write its section header. NULL with a message that
 * names the path in @err on failure.
 */
struct xdt_pcapng *xdt_pcapng_open(const struct xdt_pcapng_opts *o, char *err, size_t errlen);

/*
 * Declare a capture interface (written at once, and again at the start of every
 * rotated file). @name and @description may be NULL. Returns the interface id
 * for xdt_pcapng_write(), or -errno (-ENOSPC after XDT_PCAPNG_MAX_IFACES).
 */
int xdt_pcapng_add_iface(struct xdt_pcapng *w, uint16_t linktype, uint32_t snaplen,
			 const char *name, const char *description);

/*
 * One packet seen on interface @iface at @ts_ns (CLOCK_REALTIME nanoseconds):
 * @caplen bytes of it in @data, @origlen on the wire. @comment (NULL: none) is
 * written as the block's opt_comment. Rotates first if the file is full.
 * 0 written, -errno not written (counted; the first failure is reported through
 * xdt_pcapng_error()).
 */
int xdt_pcapng_write(struct xdt_pcapng *w, int iface, uint64_t ts_ns, const uint8_t *data,
		     uint32_t caplen, uint32_t origlen, const char *comment);

/* The file packets go to now, and its number (0 for FILE, n for FILE.n). */
const char *xdt_pcapng_path(const struct xdt_pcapng *w);
unsigned int xdt_pcapng_seq(const struct xdt_pcapng *w);

/* Push buffered blocks to the file. 0 or -errno. */
int xdt_pcapng_flush(struct xdt_pcapng *w);

/*
 * The first write error not yet reported, as a message naming the file, or NULL.
 * Each distinct failure is returned once, so the caller can say it once.
 */
const char *xdt_pcapng_error(struct xdt_pcapng *w);

void xdt_pcapng_stats(const struct xdt_pcapng *w, struct xdt_pcapng_stats *out);

/* Flush, call on_close for the current file, close. NULL is accepted. */
void xdt_pcapng_close(struct xdt_pcapng *w);

/*
 * For a kernel backend's payload prefix, which arrives without its headers:
 * build IPv4 or IPv6 + TCP or UDP headers from what the prefix record says
 * (addresses and ports of the key and direction, TCP sequence number, payload
 * length), then @caplen payload bytes, into @out (room for @outlen bytes).
 * Fields the record does not carry are fixed and documented: TTL/hop limit 64,
 * IP ID 0, TCP flags PSH|ACK, ack 0, window 0, no options; checksums 0 (not
 * computed: the payload is truncated). Returns the bytes written and sets
 * @origlen to the length the packet had on the wire at the IP layer, or -EINVAL
 * for a protocol other than TCP or UDP (or a key family other than IPv4/IPv6),
 * -ENOSPC if @out is too small.
 */
struct xdt_flow_key;
int xdt_pcapng_synth(const struct xdt_flow_key *k, int from_b, uint32_t tcp_seq, int has_seq,
		     uint32_t payload_len, const uint8_t *payload, uint32_t caplen, uint8_t *out,
		     size_t outlen, uint32_t *origlen);

#endif
