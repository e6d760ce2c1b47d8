/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * From "the kernel saw pid P (comm C) use this socket at time T" or "a sock_diag
 * snapshot says pid P holds this socket" to the process a user recognises: its
 * full name, and never the name of a later process that reused P.
 */
#ifndef XDT_PROC_OWNER_H
#define XDT_PROC_OWNER_H

#include <stddef.h>

#include "../flow/table.h"
#include "diag.h"
#include "proc.h"

/*
 * Fill @o->name and @o->start_ticks for a kernel-recorded owner (@o->pid, comm,
 * uid, ts_boot_ns set). /proc is believed only if that process had started by
 * ts_boot_ns; else the executable the kernel recorded at exec (@exec_path, may be
 * NULL, only if that exec came before ts_boot_ns), else the kernel comm.
 */
void xdt_owner_resolve(struct xdt_proc_cache *c, struct xdt_flow_owner *o,
		       const char *exec_path, uint64_t exec_ts_boot_ns);

/*
 * The fallback: give every flow of @t that has no owner the one @s names (exact
 * socket first, then a listener or unbound UDP socket on the local port).
 * Returns how many flows it attributed.
 */
size_t xdt_owner_fallback(struct xdt_flow_table *t, const struct xdt_proc_snapshot *s,
			  struct xdt_proc_cache *c);

/* The same for one flow. 1 if it got an owner. */
int xdt_owner_fallback_one(struct xdt_flow *f, const struct xdt_proc_snapshot *s,
			   struct xdt_proc_cache *c);

/* The description to print for @o (cached); NULL when @o has no process. */
const struct xdt_proc_info *xdt_owner_info(struct xdt_proc_cache *c,
					   const struct xdt_flow_owner *o);

#endif
