// SPDX-License-Identifier: GPL-2.0-only
/* Column layout and row drawing of the connection table. */
#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "table.h"

/* The marker column (ended connections) before the first column. */
#define MARK_W 2

/*
 * Minimum widths fit an IPv4 address and port (the responder's in full, the
 * initiator's usually); longer ones are clipped before their port. Down, Up and
 * Total are 11, 11 and 9 wide ("999.9 MB/s" and "999.9 GB" and a blank: the
 * geometry tests/ui/screen.py reads).
 */
static const struct {
	const char *title;
	int min, max;
	int drop;		/* dropped in this order when the width is short; -1 never */
	int grow;		/* share of the spare width */
	int right;		/* numbers: right-aligned */
	enum xdt_sort_key sort;
} cols[XDT_COL__COUNT] = {
	[XDT_COL_PROTO] = { "Proto", 6, 6, 7, 0, 0, XDT_SORT_PROTO },
	[XDT_COL_LOCAL] = { "Local", 18, 54, 4, 2, 0, XDT_SORT_LOCAL },
	[XDT_COL_REMOTE] = { "Remote", 21, 54, -1, 3, 0, XDT_SORT_REMOTE },
	[XDT_COL_STATE] = { "State", 11, 11, 3, 0, 0, XDT_SORT_STATE },
	[XDT_COL_SERVICE] = { "Service", 8, 14, 1, 1, 0, XDT_SORT_SERVICE },
	[XDT_COL_APP] = { "App", 12, 48, 6, 3, 0, XDT_SORT_APP },
	[XDT_COL_PROCESS] = { "Process", 12, 28, 5, 2, 0, XDT_SORT_PROCESS },
	[XDT_COL_COUNTRY] = { "CC", 3, 3, 0, 0, 0, XDT_SORT_COUNTRY },
	[XDT_COL_DOWN] = { "Down", 11, 11, 9, 0, 1, XDT_SORT_DOWN },
	[XDT_COL_UP] = { "Up", 11, 11, 8, 0, 1, XDT_SORT_UP },
	[XDT_COL_TOTAL] = { "Total", 9, 9, 2, 0, 1, XDT_SORT_TOTAL },
};

void xdt_table_layout(struct xdt_table_layout *l, int width)
{
	int shown[XDT_COL__COUNT], w[XDT_COL__COUNT];
	int used = MARK_W, spare, grew;

	for (int c = 0; c < XDT_COL__COUNT; c++) {
		shown[c] = 1;
		w[c] = cols[c].min;
		used += w[c] + 1;
	}
	/* Drop the least important column until the rest fit. */
	for (int d = 0; used > width && d < XDT_COL__COUNT; d++)
		for (int c = 0; c < XDT_COL__COUNT; c++)
			if (cols[c].drop == d && shown[c]) {
				shown[c] = 0;
				used -= w[c] + 1;
			}
	if (used > width)	/* only Remote left: it takes what there is */
		w[XDT_COL_REMOTE] -= used - width;
	/* Share the spare width by weight, one round at a time, up to each maximum. */
	spare = width - used;
	do {
		grew = 0;
		for (int c = 0; c < XDT_COL__COUNT && spare > 0; c++) {
			int g = cols[c].grow;

			if (!shown[c])
				continue;
			while (g-- > 0 && spare > 0 && w[c] < cols[c].max) {
				w[c]++;
				spare--;
				grew = 1;
			}
		}
	} while (grew && spare > 0);
	l->n = 0;
	for (int c = 0, x = MARK_W; c < XDT_COL__COUNT; c++) {
		if (!shown[c])
			continue;
		l->c[l->n].col = (enum xdt_col)c;
		l->c[l->n].x = x;
		l->c[l->n].w = w[c] > 0 ? w[c] : 0;
		x += w[c] + 1;
		l->n++;
	}
}

int xdt_table_sorted(enum xdt_col c, enum xdt_sort_key k)
{
	if (k == XDT_SORT_RATE)
		return c == XDT_COL_DOWN || c == XDT_COL_UP;
	return cols[c].sort == k;
}

void xdt_table_header(const struct xdt_ui *u, const struct xdt_table_layout *l, int y, int x,
		      int width)
{
	chtype a = xdt_term_look(&u->term, XDT_LOOK_HEADER);

	xdt_term_fill(y, x, width, a);
	for (int i = 0; i < l->n; i++) {
		enum xdt_col c = l->c[i].col;
		char t[48];

		snprintf(t, sizeof(t), "%s%s", cols[c].title,
			 !xdt_table_sorted(c, u->sort.key) ? "" :
			 u->sort.desc			   ? u->term.sort_down :
							     u->term.sort_up);
		xdt_term_put(&u->term, y, x + l->c[i].x, l->c[i].w, t,
			     a | (xdt_table_sorted(c, u->sort.key) ? A_BOLD : 0), cols[c].right);
	}
}

enum xdt_look xdt_table_staleness(const struct xdt_row *r, uint64_t now_ns)
{
	double idle;

	if (!r->timeout_ns || now_ns <= r->last_ns)
		return XDT_LOOK_NORMAL;
	idle = (double)(now_ns - r->last_ns) / (double)r->timeout_ns;
	if (idle >= 0.8)
		return XDT_LOOK_ALERT;
	if (idle >= 0.5)
		return XDT_LOOK_WARN;
	return XDT_LOOK_NORMAL;
}

static void cell(const struct xdt_ui *u, const struct xdt_row *r, enum xdt_col c, char *b,
		 size_t len)
{
	switch (c) {
	case XDT_COL_PROTO:
		snprintf(b, len, "%s", r->proto_name);
		break;
	case XDT_COL_LOCAL:
		xdt_fmt_endpoint(b, len, r, 1, u->names, NULL);
		break;
	case XDT_COL_REMOTE:
		/* The responder's port is the one with a service name. */
		xdt_fmt_endpoint(b, len, r, 0, u->names, u->services ? r->service : NULL);
		break;
	case XDT_COL_STATE:
		snprintf(b, len, "%s", r->state);
		break;
	case XDT_COL_SERVICE:
		snprintf(b, len, "%s", r->service);
		break;
	case XDT_COL_APP:
		snprintf(b, len, "%s", r->app[0] ? r->app : r->app_proto);
		break;
	case XDT_COL_PROCESS:
		xdt_fmt_process(b, len, r->pid, r->process);
		break;
	case XDT_COL_COUNTRY:
		snprintf(b, len, "%s", r->country);
		break;
	case XDT_COL_DOWN:
		xdt_fmt_rate(b, len, r->bps_in);
		break;
	case XDT_COL_UP:
		xdt_fmt_rate(b, len, r->bps_out);
		break;
	case XDT_COL_TOTAL:
		xdt_fmt_bytes(b, len, r->bytes_in + r->bytes_out);
		break;
	case XDT_COL__COUNT:
		b[0] = '\0';
		break;
	}
}

/*
 * An endpoint too wide for its column loses the end of its address, not its
 * port: "192.168.100.1…:443" says more than "192.168.100.100:4…".
 */
static void put_endpoint(const struct xdt_ui *u, const struct xdt_row *r, int y, int x, int w,
			 char *b, chtype a)
{
	char *colon = strrchr(b, ':');
	int pw;

	if (!xdt_fmt_has_ports(r->proto) || !colon || xdt_term_width(&u->term, b) <= w) {
		xdt_term_put(&u->term, y, x, w, b, a, 0);
		return;
	}
	if (colon > b && colon[-1] == ']')
		colon--;	/* "[2001:db8:…]:443": the bracket stays with the port */
	pw = xdt_term_width(&u->term, colon);
	if (pw * 2 > w) {
		xdt_term_put(&u->term, y, x, w, b, a, 0);
		return;
	}
	xdt_term_put(&u->term, y, x + w - pw, pw, colon, a, 0);
	*colon = '\0';	/* @b is the caller's scratch copy */
	xdt_term_put(&u->term, y, x, w - pw, b, a, 0);
}

void xdt_table_row(const struct xdt_ui *u, const struct xdt_table_layout *l, int y, int x,
		   int width, const struct xdt_row *r, int selected)
{
	const struct xdt_term *t = &u->term;
	uint64_t now = u->snap ? u->snap->now_ns : u->now_ns;
	chtype a = xdt_term_look(t, r->ended ? XDT_LOOK_ENDED : xdt_table_staleness(r, now));

	if (selected)
		a |= xdt_term_look(t, XDT_LOOK_SELECTED);
	xdt_term_fill(y, x, width, a);
	if (r->ended)
		xdt_term_put(t, y, x, 1, t->ended, a, 0);
	for (int i = 0; i < l->n; i++) {
		char b[160];

		enum xdt_col c = l->c[i].col;

		cell(u, r, c, b, sizeof(b));
		if (c == XDT_COL_LOCAL || c == XDT_COL_REMOTE)
			put_endpoint(u, r, y, x + l->c[i].x, l->c[i].w, b, a);
		else
			xdt_term_put(t, y, x + l->c[i].x, l->c[i].w, b, a, cols[c].right);
	}
}
