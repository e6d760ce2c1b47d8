/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * JSON lines output: the stable machine interface, documented in xdptop(8)
 * "JSON OUTPUT". Add members, never rename or retype one.
 */
#ifndef XDT_EXPORT_JSON_H
#define XDT_EXPORT_JSON_H

#include <stdint.h>
#include <stdio.h>

#include "../engine.h"
#include "../sandbox/report.h"
#include "../enrich/geoip.h"
#include "../enrich/rdns.h"

/* Capture-level counters that only a live capture has. */
struct xdt_capture_stats {
	int valid;
	uint64_t dropped;	/* pcap: dropped by the kernel, buffer full */
	uint64_t if_dropped;	/* pcap: dropped by the interface/driver */
	const char *backend;	/* "pcap", "xdp", "afxdp" */
	const char *xdp_mode;	/* kernel backends: "native" or "generic" */
	int kernel;		/* the fields below are valid */
	uint64_t prefixes;	/* payload prefix records received */
	uint64_t prefix_bad;	/* records that failed the header checks */
	uint64_t prefix_lost;	/* not delivered: ring buffer or AF_XDP socket full */
	uint64_t map_full;	/* packets not counted: kernel flow map full */
	uint64_t redirected;	/* mirror mode: frames sent to AF_XDP */
	uint64_t done_marked;	/* flows DPI finished with: the kernel was told to stop */
	uint64_t kernel_flows;	/* entries in the kernel flow map at the last read */
	uint64_t kernel_flows_created;
	uint64_t kernel_flows_evicted;	/* dropped by the kernel's LRU map for room */
	int xsk;		/* afxdp: the two below are valid */
	uint64_t xsk_rx_ring_full;	/* redirected, lost: socket receive ring full */
	uint64_t xsk_rx_dropped;	/* redirected, lost: no free frame (fill ring empty) */
	/* Any run, live or not: the lock-down's layers (NULL: none to report). */
	const struct xdt_sandbox_report *sandbox;
};

/* What a flow line may be enriched with; any member may be NULL. */
struct xdt_json_ctx {
	const struct xdt_pdns *names;	/* endpoint names DNS resolved */
	struct xdt_proc_cache *procs;	/* descriptions of owning processes */
	struct xdt_geoip *geo;		/* countries, cities, ASes */
	struct xdt_rdns *rdns;		/* PTR names (asking is queued on a miss) */
};

/* One {"type":"flow",...} line. Rates are decayed to @now_ns; @ctx may be NULL. */
void xdt_json_flow(FILE *out, const struct xdt_flow *f, uint64_t now_ns,
		   const struct xdt_json_ctx *ctx);

/* The same object without the newline, to nest in another (the --json-log events). */
void xdt_json_flow_obj(FILE *out, const struct xdt_flow *f, uint64_t now_ns,
		       const struct xdt_json_ctx *ctx);
void xdt_json_stats_obj(FILE *out, struct xdt_engine *e, const struct xdt_capture_stats *cap);

/* One {"type":"stats",...} line. @cap may be NULL. */
void xdt_json_stats(FILE *out, struct xdt_engine *e, const struct xdt_capture_stats *cap);

/* Every flow in the table (oldest first), then the stats line. 0 or -errno. */
int xdt_json_table(FILE *out, struct xdt_engine *e, const struct xdt_capture_stats *cap);

/* RFC 3339 UTC with nanoseconds into @buf (at least 32 bytes). */
void xdt_json_time(char *buf, size_t len, uint64_t ns);

/* @s as a JSON string, quoted: quotes, backslashes and control bytes escaped. */
void xdt_json_str(FILE *out, const char *s);

#endif
