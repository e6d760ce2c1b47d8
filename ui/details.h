/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The Details tab: one connection, everything known about it: its row, its
 * counters per direction, its rate history and its JSON record, member by member.
 */
#ifndef XDT_UI_DETAILS_H
#define XDT_UI_DETAILS_H

#include "state.h"

void xdt_details_draw(struct xdt_ui *u, int y, int h);
int xdt_details_key(struct xdt_ui *u, int ch);

/* Forget the record shown (another connection was chosen). */
void xdt_details_reset(struct xdt_ui *u);

#endif
