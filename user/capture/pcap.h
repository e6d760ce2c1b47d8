/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libpcap capture: live on an interface (TPACKET_V3 ring, batched wake-ups) or
 * offline from a pcap/pcapng file. Frames go straight into the engine.
 */
#ifndef XDT_CAPTURE_PCAP_H
#define XDT_CAPTURE_PCAP_H

#include <stddef.h>
#include <stdint.h>

#include "../engine.h"
#include "../export/json.h"

struct xdt_pcap;

struct xdt_pcap_live_opts {
	const char *ifname;
	int snaplen;
	int buffer_bytes;
	int timeout_ms;	/* longest a packet waits in the ring before a wake-up */
	int promisc;	/* a mirror port: frames are addressed to other hosts */
};

/* Open @path ("-" for standard input). NULL with a message in @err on failure. */
struct xdt_pcap *xdt_pcap_open_offline(const char *path, char *err, size_t errlen);

/* Open a live capture. NULL with a message in @err on failure. */
struct xdt_pcap *xdt_pcap_open_live(const struct xdt_pcap_live_opts *o, char *err,
				    size_t errlen);

void xdt_pcap_close(struct xdt_pcap *c);

/* DLT_* link type of the capture. */
int xdt_pcap_link(const struct xdt_pcap *c);

/* Descriptor to poll() for readability (live captures), or -1. */
int xdt_pcap_fd(const struct xdt_pcap *c);

/*
 * Feed up to @max frames (-1: all that are ready) into @e.
 * Returns the number of frames, 0 when none were ready (live) or at the end of the
 * file (offline: check xdt_pcap_eof()), -EIO with a message in @err on error.
 */
int xdt_pcap_dispatch(struct xdt_pcap *c, struct xdt_engine *e, int max, char *err,
		      size_t errlen);

/* True once an offline capture is read to its end. */
int xdt_pcap_eof(const struct xdt_pcap *c);

/*
 * Called for every frame after the engine counted it, with the flow it was
 * counted on (NULL: none); @iface is what xdt_pcap_set_tap() was given.
 */
typedef void (*xdt_pcap_tap_fn)(void *ctx, int iface, const uint8_t *buf, uint32_t caplen,
				uint32_t wirelen, uint64_t ts_ns, struct xdt_flow *f);
void xdt_pcap_set_tap(struct xdt_pcap *c, xdt_pcap_tap_fn fn, void *ctx, int iface);

/*
 * A live capture whose interface was deleted: capture on @ifindex (the interface
 * created again under that name) with the same socket and ring, which needs no
 * privilege. 0 or -errno.
 */
int xdt_pcap_rebind(struct xdt_pcap *c, int ifindex);

/* The capture's link type as capture files name it (LINKTYPE_*), and its snapshot length. */
int xdt_pcap_linktype(const struct xdt_pcap *c);
int xdt_pcap_snaplen(const struct xdt_pcap *c);

/* Frames read so far and their bytes on the wire. */
void xdt_pcap_counts(const struct xdt_pcap *c, uint64_t *packets, uint64_t *bytes);

/* Kernel drop counters of a live capture. 0 or -EIO. */
int xdt_pcap_stats(struct xdt_pcap *c, struct xdt_capture_stats *out);

#endif
