/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * --pcap-export FILE: the packets xdptop received, as pcapng (user/export/pcapng.h),
 * and beside each capture file a sidecar FILE.connections.jsonl that names the
 * process of every connection with a packet in that file, so a reader can join
 * packets to processes by their 5-tuple.
 *
 * A sidecar line is the --json flow object ({"type":"flow",...}, xdptop(8) JSON
 * OUTPUT) of one connection: written when the connection leaves the table (final
 * counters, "end" member), and, for connections still open, when their capture
 * file is closed (rotation or exit: counters as of then). A connection whose
 * packets span rotated files has a line in each of their sidecars.
 */
#ifndef XDT_EXPORT_PCAPEXP_H
#define XDT_EXPORT_PCAPEXP_H

#include <stddef.h>
#include <stdint.h>

#include "json.h"
#include "pcapng.h"

struct xdt_pcapexp_stats {
	uint64_t packets;	/* packets written (the writer's count, after losses) */
	uint64_t connections;	/* sidecar lines written */
	uint64_t errors;	/* packets or lines lost to write errors, packets refused */
	unsigned int files;
};

struct xdt_pcapexp;

/*
 * Create FILE (and its sidecar). @note goes into every section header's comment:
 * what the packets are (every packet, or payload prefixes with rebuilt headers).
 * NULL with a message naming the path in @err.
 */
struct xdt_pcapexp *xdt_pcapexp_open(const char *path, uint64_t rotate_bytes, const char *appl,
				     const char *note, char *err, size_t errlen);

/*
 * The table whose open connections go to a sidecar when its file closes, and
 * their context: @now gives the time to stamp them with, and @refresh (may be
 * NULL) is called first, so owners a periodic lookup has not found yet are
 * looked up before the lines are written.
 */
void xdt_pcapexp_bind(struct xdt_pcapexp *x, struct xdt_flow_table *t,
		      const struct xdt_json_ctx *ctx, uint64_t (*now)(void *arg),
		      void (*refresh)(void *arg), void *arg);

/* An interface of the capture (xdt_pcapng_add_iface). */
int xdt_pcapexp_iface(struct xdt_pcapexp *x, uint16_t linktype, uint32_t snaplen,
		      const char *name, const char *description);

/* One packet of flow @f (NULL: not a flow, e.g. malformed or not IP). */
void xdt_pcapexp_packet(struct xdt_pcapexp *x, int iface, uint64_t ts_ns, const uint8_t *data,
			uint32_t caplen, uint32_t origlen, struct xdt_flow *f);

/* @f leaves the table: its line, if it has packets in the current file. */
void xdt_pcapexp_flow_end(struct xdt_pcapexp *x, const struct xdt_flow *f, uint64_t now_ns);

/* Push what is buffered to the files (once per output interval). */
void xdt_pcapexp_flush(struct xdt_pcapexp *x);

/* The first write error not yet reported, or NULL (each distinct one once). */
const char *xdt_pcapexp_error(struct xdt_pcapexp *x);

void xdt_pcapexp_stats(const struct xdt_pcapexp *x, struct xdt_pcapexp_stats *out);

/* Lines for the open connections of the last file, then close everything. NULL accepted. */
void xdt_pcapexp_close(struct xdt_pcapexp *x);

#endif
