/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The Processes tab: the shown connections grouped by process (pid and name),
 * busiest first, each expandable into its connections.
 */
#ifndef XDT_UI_PROCESSES_H
#define XDT_UI_PROCESSES_H

#include "state.h"

void xdt_processes_draw(struct xdt_ui *u, int y, int h);
int xdt_processes_key(struct xdt_ui *u, int ch);
void xdt_processes_click(struct xdt_ui *u, int line);

/* The connection under the cursor (NULL on a process line). */
const struct xdt_row *xdt_processes_current(const struct xdt_ui *u);

#endif
