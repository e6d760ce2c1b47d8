/* SPDX-License-Identifier: GPL-2.0-only */
/* The Security and Help tabs: text pages that only scroll. */
#ifndef XDT_UI_HELP_H
#define XDT_UI_HELP_H

#include "state.h"

/* The snapshot's confinement layers as they are, or that none is in force yet. */
void xdt_help_draw_security(struct xdt_ui *u, int y, int h);

/* Every key, the filter syntax and what the columns and colours mean. */
void xdt_help_draw(struct xdt_ui *u, int y, int h);

#endif
