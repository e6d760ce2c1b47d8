/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The userspace packet path: frame -> decoder -> fragment cache -> flow table,
 * with the counters that say what happened to every frame.
 *
 * Links only libc: no libpcap, libbpf or curses, so tests and benchmarks drive it
 * directly with bytes.
 */
#ifndef XDT_ENGINE_H
#define XDT_ENGINE_H

#include <stdint.h>
#include <stddef.h>

#include "dpi/dpi.h"
#include "dpi/pdns.h"
#include "proc/proc.h"
#include "flow/table.h"
#include "pkt/parse.h"

struct xdt_engine_stats {
	uint64_t packets;	/* frames handed in */
	uint64_t parsed;	/* decoded as IPv4, IPv6 or ARP */
	uint64_t unsupported;	/* well-formed, other protocols */
	uint64_t malformed;
	uint64_t malformed_by[XDT_MAL__COUNT];
	uint64_t frag_unattributed;	/* later fragments whose first was not seen */
};

/* Called when DPI has all it wants of @f: a kernel backend stops its prefixes. */
typedef void (*xdt_dpi_done_fn)(const struct xdt_flow *f, void *ctx);

struct xdt_engine_opts {
	size_t max_flows;
	unsigned int frag_slots;
	uint64_t seed;
	xdt_flow_end_fn on_flow_end;	/* called before a flow leaves the table */
	void *ctx;
	struct xdt_dpi_opts dpi;
	xdt_dpi_done_fn on_dpi_done;	/* may be NULL */
	/* Enrichment for the output (not used on the packet path); may be NULL. */
	struct xdt_geoip *geoip;
	struct xdt_rdns *rdns;
};

struct xdt_engine;

/* NULL + errno on failure. */
struct xdt_engine *xdt_engine_new(const struct xdt_engine_opts *opts);
void xdt_engine_free(struct xdt_engine *e);

/* Account one frame of link type @link captured at @ts_ns. */
void xdt_engine_packet(struct xdt_engine *e, int link, const uint8_t *buf, size_t caplen,
		       size_t wirelen, uint64_t ts_ns);

/*
 * A payload prefix the kernel sent for flow key @k (a kernel backend): counts it
 * on the flow and gives it to DPI. @f is the flow if the caller has it, or NULL.
 */
void xdt_engine_prefix(struct xdt_engine *e, struct xdt_flow *f, const struct xdt_dpi_payload *pl);

/*
 * The flow the last xdt_engine_packet() counted its frame on, or NULL (not IP,
 * malformed, a fragment nobody claimed). Valid until the next engine call.
 */
struct xdt_flow *xdt_engine_last_flow(const struct xdt_engine *e);

/* Advance the clock to @now_ns: expires idle flows (at most once a second). */
void xdt_engine_tick(struct xdt_engine *e, uint64_t now_ns);

/* Latest time seen (packet timestamps and ticks). */
uint64_t xdt_engine_now(const struct xdt_engine *e);

struct xdt_flow_table *xdt_engine_flows(struct xdt_engine *e);
const struct xdt_engine_stats *xdt_engine_stats(const struct xdt_engine *e);
const struct xdt_dpi_stats *xdt_engine_dpi_stats(const struct xdt_engine *e);
const struct xdt_dpi_opts *xdt_engine_dpi_opts(const struct xdt_engine *e);
/* Descriptions of the processes that own flows (user/proc/proc.h). */
struct xdt_proc_cache *xdt_engine_procs(struct xdt_engine *e);

/* Names learnt from DNS answers (passive DNS). */
const struct xdt_pdns *xdt_engine_pdns(const struct xdt_engine *e);

/* What xdt_engine_opts gave, or NULL. */
struct xdt_geoip *xdt_engine_geoip(const struct xdt_engine *e);
struct xdt_rdns *xdt_engine_rdns(const struct xdt_engine *e);

/* For kernel backends, which count packets in the kernel and store totals here. */
struct xdt_engine_stats *xdt_engine_stats_mut(struct xdt_engine *e);

#endif
