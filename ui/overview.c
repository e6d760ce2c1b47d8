// SPDX-License-Identifier: GPL-2.0-only
/* The Overview tab. */
#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "graph.h"
#include "overview.h"
#include "table.h"

#define LABEL_W 22

const struct xdt_row *xdt_overview_current(const struct xdt_ui *u)
{
	if (!u->snap || u->ov.cur >= u->rs.n)
		return NULL;
	return &u->snap->rows[u->rs.idx[u->ov.cur]];
}

/*
 * Once the user has moved the cursor, it follows that connection as the order
 * changes; if the connection left, it stays on the line. Until then (and after
 * Home) it stays on the first line: the busiest connection, whichever it is.
 */
static void follow(struct xdt_ui *u, int page)
{
	if (u->ov_have_key) {
		size_t pos = xdt_rowset_find(&u->rs, u->snap, &u->ov_key);

		if (pos != XDT_ROWSET_NONE)
			u->ov.cur = pos;
	}
	xdt_ui_clamp(&u->ov, u->rs.n, page);
	if (u->ov_have_key && xdt_overview_current(u))
		u->ov_key = xdt_overview_current(u)->key;
}

/* Two graphs of the total rates on one scale, so their heights compare. */
static int draw_graphs(struct xdt_ui *u, int y, int gh)
{
	const struct xdt_snapshot *s = u->snap;
	const struct xdt_term *t = &u->term;
	int gw = COLS - LABEL_W - 1;
	double peak = 0;
	char b[64], r[32];

	if (gw < 8)
		return 0;
	peak = xdt_graph_peak(s->hist_in, s->n_history, gw);
	if (xdt_graph_peak(s->hist_out, s->n_history, gw) > peak)
		peak = xdt_graph_peak(s->hist_out, s->n_history, gw);
	for (int g = 0; g < 2; g++) {
		int gy = y + g * gh;

		xdt_fmt_rate(r, sizeof(r), g ? s->bps_out : s->bps_in);
		snprintf(b, sizeof(b), "%-5s %12s", g ? "Up" : "Down", r);
		xdt_term_put(t, gy, 1, LABEL_W - 1, b,
			     xdt_term_look(t, g ? XDT_LOOK_UP : XDT_LOOK_DOWN) | A_BOLD, 0);
		if (gh > 1 && g == 0) {
			xdt_fmt_rate(r, sizeof(r), peak);
			snprintf(b, sizeof(b), "%-5s %12s", "peak", r);
			xdt_term_put(t, gy + 1, 1, LABEL_W - 1, b, A_DIM, 0);
		}
		xdt_graph_draw(t, gy, LABEL_W, gh, gw, g ? s->hist_out : s->hist_in, s->n_history,
			       peak, xdt_term_look(t, g ? XDT_LOOK_UP : XDT_LOOK_DOWN));
	}
	return 2 * gh;
}

static void draw_totals(struct xdt_ui *u, int y)
{
	const struct xdt_snapshot *s = u->snap;
	char in[32], out[32], b[256];

	xdt_fmt_bytes(in, sizeof(in), s->bytes_in);
	xdt_fmt_bytes(out, sizeof(out), s->bytes_out);
	snprintf(b, sizeof(b), "Total down %s  up %s%s%zu of %zu connections%s%llu packets", in,
		 out, u->term.sep, u->rs.n, s->n_rows, u->term.sep,
		 (unsigned long long)s->packets);
	xdt_term_put(&u->term, y, 1, COLS - 2, b, A_NORMAL, 0);
}

void xdt_overview_draw(struct xdt_ui *u, int y, int h)
{
	struct xdt_table_layout l;
	int gh = h >= 20 ? 2 : (h >= 12 ? 1 : 0), used = 0, page;

	if (!u->snap) {
		xdt_term_put(&u->term, y + 1, 2, COLS - 4, "waiting for the first snapshot...",
			     A_NORMAL, 0);
		return;
	}
	if (gh)
		used += draw_graphs(u, y, gh);
	draw_totals(u, y + used++);
	xdt_table_layout(&l, COLS);
	xdt_table_header(u, &l, y + used++, 0, COLS);
	page = h - used;
	u->list_y = y + used;
	u->page = page;
	follow(u, page);
	for (int i = 0; i < page && u->ov.top + (size_t)i < u->rs.n; i++) {
		size_t pos = u->ov.top + (size_t)i;

		xdt_table_row(u, &l, y + used + i, 0, COLS, &u->snap->rows[u->rs.idx[pos]],
			      pos == u->ov.cur);
	}
	if (!u->rs.n)
		xdt_term_put(&u->term, y + used + 1, 2, COLS - 4,
			     u->snap->n_rows ? "no connection matches the filter (Esc clears it)" :
					       "no connection seen yet",
			     A_DIM, 0);
}

/* The user put the cursor on a connection: follow it from now on. */
static void took(struct xdt_ui *u)
{
	const struct xdt_row *r = xdt_overview_current(u);

	u->ov_have_key = r != NULL && u->ov.cur > 0;
	if (r)
		u->ov_key = r->key;
}

int xdt_overview_key(struct xdt_ui *u, int ch)
{
	const struct xdt_row *r;

	if (xdt_ui_move(&u->ov, ch, u->rs.n, u->page)) {
		took(u);
		return 1;
	}
	switch (ch) {
	case '\n':
	case '\r':
	case KEY_ENTER:
		r = xdt_overview_current(u);
		if (r)
			xdt_ui_open_details(u, &r->key);
		return 1;
	case 27:
		if (u->filter_text[0]) {
			u->filter_text[0] = '\0';
			xdt_filter_parse("", &u->filter);
			xdt_ui_say(u, "filter cleared");
		}
		return 1;
	}
	return 0;
}

void xdt_overview_click(struct xdt_ui *u, int line)
{
	if (line < 0 || u->ov.top + (size_t)line >= u->rs.n)
		return;
	u->ov.cur = u->ov.top + (size_t)line;
	took(u);
}
