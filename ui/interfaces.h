/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The Interfaces tab: the capture backend, each capture point's kernel counters
 * and rates, and what the capture lost (kernel and ring-buffer drops).
 */
#ifndef XDT_UI_INTERFACES_H
#define XDT_UI_INTERFACES_H

#include "state.h"

void xdt_interfaces_draw(struct xdt_ui *u, int y, int h);

/* Take the interface counters of a new snapshot, for rates. */
void xdt_interfaces_sample(struct xdt_ui *u);

#endif
