/* SPDX-License-Identifier: GPL-2.0-only */
/* The Overview tab: total bandwidth graphs and totals, then the connection table. */
#ifndef XDT_UI_OVERVIEW_H
#define XDT_UI_OVERVIEW_H

#include "state.h"

void xdt_overview_draw(struct xdt_ui *u, int y, int h);

/* Handle @ch if it is this tab's; 1 if it was. */
int xdt_overview_key(struct xdt_ui *u, int ch);

/* The mouse picked list line @line (0: the first row on screen). */
void xdt_overview_click(struct xdt_ui *u, int line);

/* The connection under the cursor, or NULL. */
const struct xdt_row *xdt_overview_current(const struct xdt_ui *u);

#endif
