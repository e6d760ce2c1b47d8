// SPDX-License-Identifier: GPL-2.0-only
/* The Details tab. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "details.h"
#include "fmt.h"
#include "graph.h"
#include "jsonview.h"
#include "table.h"

#define JSON_MAX (1 << 20)

void xdt_details_reset(struct xdt_ui *u)
{
	free(u->det_text);
	u->det_text = NULL;
	u->det_lines = 0;
	u->det_seq = 0;
	u->det_scroll = 0;
	u->det_row_valid = 0;
	u->det_gone = 0;
}

/* The snapshot's record of our connection as lines; the last one stays if it is gone. */
static void take_record(struct xdt_ui *u)
{
	const struct xdt_snapshot *s = u->snap;
	size_t cap = 0, n;
	char *text = NULL;
	int lines = -ENOSPC;

	if (!s->have_selected || !xdt_rowset_same_key(&s->selected, &u->det_key) ||
	    !s->selected_json || s->seq == u->det_seq)
		return;
	n = strlen(s->selected_json);
	/* Indentation makes lines longer than the JSON: grow until it fits. */
	for (size_t want = 2 * n + 1024; lines == -ENOSPC && want <= JSON_MAX; want *= 2) {
		char *p = realloc(text, want);

		if (!p)
			break;
		text = p;
		cap = want;
		lines = xdt_jsonview_render(s->selected_json, u->term.utf8, text, cap);
	}
	if (lines < 0 && text && n + 80 <= cap) {
		/* Not JSON we can read: show it raw rather than nothing. */
		snprintf(text, cap, "(record not shown member by member: %s)\n%s\n",
			 lines == -EINVAL ? "not valid JSON" : "too large", s->selected_json);
		lines = 2;
	}
	if (lines < 0) {
		free(text);
		return;
	}
	free(u->det_text);
	u->det_text = text;
	u->det_lines = (size_t)lines;
	u->det_seq = s->seq;
}

static void find_row(struct xdt_ui *u)
{
	const struct xdt_snapshot *s = u->snap;

	for (size_t i = 0; i < s->n_rows; i++)
		if (xdt_rowset_same_key(&s->rows[i].key, &u->det_key)) {
			u->det_row = s->rows[i];
			u->det_row_valid = 1;
			u->det_gone = 0;
			return;
		}
	u->det_gone = 1;
}

static void clock_text(char *b, size_t len, uint64_t ns)
{
	time_t sec = (time_t)(ns / 1000000000ULL);
	struct tm tm;

	if (!ns || !localtime_r(&sec, &tm))
		snprintf(b, len, "-");
	else
		strftime(b, len, "%Y-%m-%d %H:%M:%S", &tm);
}

static int draw_summary(struct xdt_ui *u, int y)
{
	const struct xdt_term *t = &u->term;
	const struct xdt_row *r = &u->det_row;
	char a[160], b[160], line[512], proc[64];
	int x;

	xdt_fmt_endpoint(a, sizeof(a), r, 1, u->names, NULL);
	xdt_fmt_endpoint(b, sizeof(b), r, 0, u->names, u->services ? r->service : NULL);
	snprintf(line, sizeof(line), "%s  %s %s %s  %s", r->proto_name, a, t->arrow, b, r->state);
	x = 1 + xdt_term_put(t, y, 1, COLS - 2, line, xdt_term_look(t, XDT_LOOK_TITLE), 0);
	if (r->ended || u->det_gone) {
		snprintf(line, sizeof(line), "  %s %s", r->ended ? t->ended : "",
			 u->det_gone ? "no longer in the table" : "ended");
		xdt_term_put(t, y, x, COLS - x - 1, line, xdt_term_look(t, XDT_LOOK_ENDED), 0);
	}
	xdt_fmt_process(proc, sizeof(proc), r->pid, r->process);
	snprintf(line, sizeof(line), "App: %s %s%sService: %s%sProcess: %s%sCountry: %s",
		 r->app_proto[0] ? r->app_proto : "-", r->app, t->sep,
		 r->service[0] ? r->service : "-", t->sep, proc[0] ? proc : "unknown", t->sep,
		 r->country[0] ? r->country : "-");
	xdt_term_put(t, y + 1, 1, COLS - 2, line, A_NORMAL, 0);
	if (r->src_name[0] || r->dst_name[0]) {
		snprintf(line, sizeof(line), "Names: %s %s %s", r->src_name[0] ? r->src_name : r->src,
			 t->arrow, r->dst_name[0] ? r->dst_name : r->dst);
		xdt_term_put(t, y + 2, 1, COLS - 2, line, A_NORMAL, 0);
		return 3;
	}
	return 2;
}

static int draw_counters(struct xdt_ui *u, int y)
{
	const struct xdt_term *t = &u->term;
	const struct xdt_row *r = &u->det_row;
	uint64_t now = u->snap->now_ns;
	char a[32], b[32], c[40], d[40], line[256];

	snprintf(line, sizeof(line), "%-12s %16s %16s", "", "Down (in)", "Up (out)");
	xdt_term_put(t, y, 1, COLS - 2, line, xdt_term_look(t, XDT_LOOK_TITLE), 0);
	xdt_fmt_rate(a, sizeof(a), r->bps_in);
	xdt_fmt_rate(b, sizeof(b), r->bps_out);
	snprintf(line, sizeof(line), "%-12s %16s %16s", "Rate", a, b);
	xdt_term_put(t, y + 1, 1, COLS - 2, line, A_NORMAL, 0);
	xdt_fmt_bytes(a, sizeof(a), r->bytes_in);
	xdt_fmt_bytes(b, sizeof(b), r->bytes_out);
	snprintf(line, sizeof(line), "%-12s %16s %16s   (%llu / %llu bytes)", "Bytes", a, b,
		 (unsigned long long)r->bytes_in, (unsigned long long)r->bytes_out);
	xdt_term_put(t, y + 2, 1, COLS - 2, line, A_NORMAL, 0);
	snprintf(line, sizeof(line), "%-12s %16llu %16llu", "Packets",
		 (unsigned long long)r->pkts_in, (unsigned long long)r->pkts_out);
	xdt_term_put(t, y + 3, 1, COLS - 2, line, A_NORMAL, 0);
	clock_text(c, sizeof(c), r->first_ns);
	xdt_fmt_duration(a, sizeof(a), now > r->first_ns ? now - r->first_ns : 0);
	xdt_fmt_duration(b, sizeof(b), now > r->last_ns ? now - r->last_ns : 0);
	xdt_fmt_duration(d, sizeof(d), r->timeout_ns);
	snprintf(line, sizeof(line), "First seen %s (%s ago)%sLast packet %s ago%sIdle timeout %s",
		 c, a, t->sep, b, t->sep, r->timeout_ns ? d : "-");
	xdt_term_put(t, y + 4, 1, COLS - 2, line,
		     xdt_term_look(t, r->ended ? XDT_LOOK_ENDED : xdt_table_staleness(r, now)), 0);
	return 5;
}

static int draw_history(struct xdt_ui *u, int y, int gh)
{
	const struct xdt_snapshot *s = u->snap;
	const struct xdt_term *t = &u->term;
	int gw = COLS - 16;
	double peak;

	if (gw < 8 || gh < 1)
		return 0;
	if (!s->have_selected || !xdt_rowset_same_key(&s->selected, &u->det_key) ||
	    !s->sel_n_history) {
		xdt_term_put(t, y, 1, COLS - 2, "rate history: from the next snapshot on", A_DIM, 0);
		return 1;
	}
	peak = xdt_graph_peak(s->sel_hist_in, s->sel_n_history, gw);
	if (xdt_graph_peak(s->sel_hist_out, s->sel_n_history, gw) > peak)
		peak = xdt_graph_peak(s->sel_hist_out, s->sel_n_history, gw);
	for (int g = 0; g < 2; g++) {
		enum xdt_look look = g ? XDT_LOOK_UP : XDT_LOOK_DOWN;
		char r[32];

		xdt_term_put(t, y + g * gh, 1, 13, g ? "Up" : "Down", xdt_term_look(t, look), 0);
		if (g == 0 && gh > 1) {
			xdt_fmt_rate(r, sizeof(r), peak);
			xdt_term_put(t, y + 1, 1, 13, r, A_DIM, 0);
		}
		xdt_graph_draw(t, y + g * gh, 15, gh, gw, g ? s->sel_hist_out : s->sel_hist_in,
			       s->sel_n_history, peak, xdt_term_look(t, look));
	}
	return 2 * gh;
}

static void draw_record(struct xdt_ui *u, int y, int h)
{
	const struct xdt_term *t = &u->term;
	const char *p = u->det_text;
	char title[64];

	snprintf(title, sizeof(title), " record (%zu lines) ", u->det_lines);
	for (int x = 0; x < COLS; x++)
		mvaddstr(y, x, t->hline);
	xdt_term_put(t, y, 2, COLS - 4, title, xdt_term_look(t, XDT_LOOK_TITLE), 0);
	y++;
	h--;
	u->list_y = y;
	u->page = h;
	if (!p) {
		xdt_term_put(t, y, 2, COLS - 4, "waiting for the capture thread's record...", A_DIM,
			     0);
		return;
	}
	if (u->det_lines > (size_t)h && u->det_scroll > u->det_lines - (size_t)h)
		u->det_scroll = u->det_lines - (size_t)h;
	if (u->det_lines <= (size_t)h)
		u->det_scroll = 0;
	for (size_t i = 0; i < u->det_scroll && p; i++) {
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	for (int i = 0; i < h && p && *p; i++) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char line[512];

		snprintf(line, sizeof(line), "%.*s", (int)(len < sizeof(line) ? len : sizeof(line) - 1),
			 p);
		xdt_term_put(t, y + i, 2, COLS - 3, line, A_NORMAL, 0);
		p = nl ? nl + 1 : NULL;
	}
}

void xdt_details_draw(struct xdt_ui *u, int y, int h)
{
	int used = 0;

	u->page = 0;
	if (!u->det_have) {
		xdt_term_put(&u->term, y + 1, 2, COLS - 4,
			     "No connection chosen: select one in Overview or Processes and press "
			     "Enter.",
			     A_NORMAL, 0);
		return;
	}
	if (!u->snap)
		return;
	find_row(u);
	take_record(u);
	if (!u->det_row_valid) {
		xdt_term_put(&u->term, y + 1, 2, COLS - 4,
			     "This connection is not in the table any more.", A_NORMAL, 0);
		return;
	}
	used += draw_summary(u, y);
	used++;
	if (used + 5 <= h)
		used += draw_counters(u, y + used) + 1;
	if (used + 4 <= h)
		used += draw_history(u, y + used, h - used >= 16 ? 2 : 1);
	if (used + 2 <= h)
		draw_record(u, y + used, h - used);
}

int xdt_details_key(struct xdt_ui *u, int ch)
{
	return xdt_ui_scroll(&u->det_scroll, ch, u->det_lines, u->page);
}
