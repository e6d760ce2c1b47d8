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

/* Capture-level counters that only a live capture has. */
struct xdt_capture_stats {
	int valid;
	uint64_t dropped;	/* dropped by the kernel: buffer full */
	uint64_t if_dropped;	/* dropped by the interface/driver */
};

/* One {"type":"flow",...} line. Rates are decayed to @now_ns. */
void xdt_json_flow(FILE *out, const struct xdt_flow *f, uint64_t now_ns);

/* One {"type":"stats",...} line. @cap may be NULL. */
void xdt_json_stats(FILE *out, struct xdt_engine *e, const struct xdt_capture_stats *cap);

/* Every flow in the table (oldest first), then the stats line. 0 or -errno. */
int xdt_json_table(FILE *out, struct xdt_engine *e, const struct xdt_capture_stats *cap);

/* RFC 3339 UTC with nanoseconds into @buf (at least 32 bytes). */
void xdt_json_time(char *buf, size_t len, uint64_t ns);

#endif
