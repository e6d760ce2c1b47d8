/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The layers of the sandbox, each applied by one function that fills its line of
 * the report: ON, PARTIAL or UNAVAILABLE with a reason. Private to user/sandbox/.
 */
#ifndef XDT_SANDBOX_LAYERS_H
#define XDT_SANDBOX_LAYERS_H

#include "sandbox.h"

void xdt_sb_landlock(const struct xdt_sandbox_opts *o, struct xdt_sb_layer_report *r);
void xdt_sb_caps(const struct xdt_sandbox_opts *o, struct xdt_sb_layer_report *r);
void xdt_sb_seccomp(const struct xdt_sandbox_opts *o, struct xdt_sb_layer_report *r);

/* printf into @r->detail and set @r->state. */
void xdt_sb_set(struct xdt_sb_layer_report *r, enum xdt_sb_state st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
