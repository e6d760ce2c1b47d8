/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The connection table's columns: which fit the width (the least important are
 * dropped, never wrapped), how wide each is, and one row or the header drawn
 * with them. Shared by the Overview and the Processes tab.
 *
 * Local is the initiator (src), Remote the responder (dst), whatever the machine's
 * own addresses are: a row does not say which end is this host, and the initiator
 * is usually the client. Down is responder to initiator (bps_in), Up the other way.
 */
#ifndef XDT_UI_TABLE_H
#define XDT_UI_TABLE_H

#include "state.h"

enum xdt_col {
	XDT_COL_PROTO,
	XDT_COL_LOCAL,
	XDT_COL_REMOTE,
	XDT_COL_STATE,
	XDT_COL_SERVICE,
	XDT_COL_APP,
	XDT_COL_PROCESS,
	XDT_COL_COUNTRY,
	XDT_COL_DOWN,
	XDT_COL_UP,
	XDT_COL_TOTAL,
	XDT_COL__COUNT,
};

struct xdt_table_layout {
	int n;				/* columns shown, left to right */
	struct {
		enum xdt_col col;
		int x, w;		/* relative to the table's left edge */
	} c[XDT_COL__COUNT];
};

/* The columns that fit @width, with the space left over given to the text columns. */
void xdt_table_layout(struct xdt_table_layout *l, int width);

/* The header line at (y, x), the sort column marked. */
void xdt_table_header(const struct xdt_ui *u, const struct xdt_table_layout *l, int y, int x,
		      int width);

/* One connection at (y, x); @selected draws it reversed. */
void xdt_table_row(const struct xdt_ui *u, const struct xdt_table_layout *l, int y, int x,
		   int width, const struct xdt_row *r, int selected);

/* The look of a row: normal, fading to WARN then ALERT as it nears its idle timeout. */
enum xdt_look xdt_table_staleness(const struct xdt_row *r, uint64_t now_ns);

/* The column sorted by @k (DOWN for the total rate, which also marks UP). */
int xdt_table_sorted(enum xdt_col c, enum xdt_sort_key k);

#endif
