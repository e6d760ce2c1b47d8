/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The producer side of the UI's snapshots: runs in the capture thread, reads the
 * engine, copies what the screen needs into a struct xdt_snapshot.
 */
#ifndef XDT_VIEW_BUILD_H
#define XDT_VIEW_BUILD_H

#include "sandbox/report.h"
#include "../engine.h"
#include "snapshot.h"

/* Rows of flows that ended stay this long, marked, so a closed connection is seen. */
#define XDT_VIEW_LINGER_NS (3ULL * 1000000000ULL)

/* What the capture knows that the engine does not. */
struct xdt_view_info {
	const char *backend;
	const char *xdp_mode;
	uint64_t capture_dropped, prefix_lost, map_full;
	const char *const *ifnames;
	unsigned int n_ifnames;
	const struct xdt_sandbox_report *sandbox;	/* NULL before lock-down */
};

struct xdt_view;

struct xdt_view *xdt_view_new(void);
void xdt_view_free(struct xdt_view *v);

/* @f is leaving the table at @now_ns: keep its last row for XDT_VIEW_LINGER_NS. */
void xdt_view_flow_ended(struct xdt_view *v, struct xdt_engine *e, const struct xdt_flow *f,
			 uint64_t now_ns);

/* A snapshot of @e at @now_ns (wall clock); details for @selected if not NULL. NULL + errno. */
struct xdt_snapshot *xdt_view_build(struct xdt_view *v, struct xdt_engine *e,
				    const struct xdt_view_info *info,
				    const struct xdt_flow_key *selected, uint64_t now_ns);

/* The application name shown for @f ("" when none): SNI, Host, DNS name, ... */
void xdt_view_app(const struct xdt_flow *f, char *proto, size_t proto_len, char *app,
		  size_t app_len);

#endif
