// SPDX-License-Identifier: GPL-2.0-only
/*
 * The terminal UI's main loop: take the latest snapshot, redraw when it or the
 * user changed something (or once per refresh period, for the clocks), read one
 * key with a timeout, dispatch it. Nothing here waits on the capture thread but
 * the mailbox's pointer swap.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "details.h"
#include "fmt.h"
#include "help.h"
#include "interfaces.h"
#include "overview.h"
#include "processes.h"
#include "state.h"
#include "ui.h"

#define POLL_MS 100		/* longest time a new snapshot or a signal waits */
#define MSG_NS (3ULL * 1000000000ULL)
#define WHEEL_LINES 3

static const char *const tab_names[XDT_TAB__COUNT] = {
	"Overview", "Details", "Processes", "Interfaces", "Security", "Help",
};

/* Columns of each tab's label on the tab bar, for mouse clicks. */
static int tab_x[XDT_TAB__COUNT + 1];

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void xdt_ui_say(struct xdt_ui *u, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(u->msg, sizeof(u->msg), fmt, ap);
	va_end(ap);
	u->msg_until_ns = clock_ns(CLOCK_MONOTONIC) + MSG_NS;
}

void xdt_ui_clamp(struct xdt_cursor *c, size_t n, int page)
{
	size_t p = page > 0 ? (size_t)page : 1;

	if (c->cur >= n)
		c->cur = n ? n - 1 : 0;
	if (c->top > c->cur)
		c->top = c->cur;
	if (c->cur >= c->top + p)
		c->top = c->cur - p + 1;
	/* No empty space below the last line while there are lines above. */
	if (n > p && c->top > n - p)
		c->top = n - p;
	if (n <= p)
		c->top = 0;
}

int xdt_ui_move(struct xdt_cursor *c, int ch, size_t n, int page)
{
	size_t p = page > 1 ? (size_t)page - 1 : 1;

	switch (ch) {
	case KEY_UP:
	case 'k':
		c->cur = c->cur ? c->cur - 1 : 0;
		break;
	case KEY_DOWN:
	case 'j':
		c->cur++;
		break;
	case KEY_PPAGE:
		c->cur = c->cur > p ? c->cur - p : 0;
		break;
	case KEY_NPAGE:
		c->cur += p;
		break;
	case KEY_HOME:
	case 'g':
		c->cur = 0;
		break;
	case KEY_END:
	case 'G':
		c->cur = n ? n - 1 : 0;
		break;
	default:
		return 0;
	}
	xdt_ui_clamp(c, n, page);
	return 1;
}

int xdt_ui_scroll(size_t *top, int ch, size_t n, int page)
{
	size_t p = page > 0 ? (size_t)page : 1;
	size_t max = n > p ? n - p : 0;
	size_t step = p > 1 ? p - 1 : 1;

	switch (ch) {
	case KEY_UP:
	case 'k':
		*top = *top ? *top - 1 : 0;
		break;
	case KEY_DOWN:
	case 'j':
		*top = *top < max ? *top + 1 : max;
		break;
	case KEY_PPAGE:
		*top = *top > step ? *top - step : 0;
		break;
	case KEY_NPAGE:
		*top = *top + step < max ? *top + step : max;
		break;
	case KEY_HOME:
	case 'g':
		*top = 0;
		break;
	case KEY_END:
	case 'G':
		*top = max;
		break;
	default:
		return 0;
	}
	return 1;
}

void xdt_ui_open_details(struct xdt_ui *u, const struct xdt_flow_key *k)
{
	if (!u->det_have || !xdt_rowset_same_key(&u->det_key, k))
		xdt_details_reset(u);
	u->det_key = *k;
	u->det_have = 1;
	/* The producer adds this connection's record and history from its next snapshot. */
	xdt_snapbox_select(u->box, k);
	if (u->tab != XDT_TAB_DETAILS)
		u->back = u->tab;
	u->tab = XDT_TAB_DETAILS;
}

static void set_tab(struct xdt_ui *u, enum xdt_tab t)
{
	if (t == XDT_TAB_DETAILS && !u->det_have) {
		const struct xdt_row *r = xdt_overview_current(u);

		if (r) {
			xdt_ui_open_details(u, &r->key);
			return;
		}
	}
	if (t == XDT_TAB_DETAILS && u->tab != XDT_TAB_DETAILS)
		u->back = u->tab;
	u->tab = t;
}

/* The latest snapshot, unless paused. 1 if it is a new one. */
static int pull(struct xdt_ui *u)
{
	struct xdt_snapshot *s;

	if (u->paused)
		return 0;
	s = xdt_snapbox_get(u->box);
	if (!s)
		return 0;
	if (u->snap && s->seq == u->snap->seq) {
		xdt_snapshot_put(u->box, s);
		return 0;
	}
	xdt_snapshot_put(u->box, u->snap);
	u->snap = s;
	xdt_interfaces_sample(u);
	return 1;
}

static void draw_tabs(struct xdt_ui *u)
{
	const struct xdt_term *t = &u->term;
	int x = 1;

	xdt_term_fill(0, 0, COLS, A_NORMAL);
	for (int i = 0; i < XDT_TAB__COUNT; i++) {
		char b[32];

		snprintf(b, sizeof(b), " %d %s ", i + 1, tab_names[i]);
		tab_x[i] = x;
		x += xdt_term_put(t, 0, x, COLS - x, b,
				  xdt_term_look(t, i == (int)u->tab ? XDT_LOOK_TAB : XDT_LOOK_NORMAL),
				  0);
		x++;
	}
	tab_x[XDT_TAB__COUNT] = x;
	if (COLS - x > 8)
		xdt_term_put(t, 0, COLS - 7, 6, "xdptop", A_BOLD, 1);
}

static void draw_status(struct xdt_ui *u)
{
	const struct xdt_term *t = &u->term;
	const struct xdt_snapshot *s = u->snap;
	chtype a = xdt_term_look(t, XDT_LOOK_STATUS);
	char b[512], age[32];
	size_t k = 0;

#define ADD(...) (k += (size_t)snprintf(b + k, k < sizeof(b) ? sizeof(b) - k : 0, __VA_ARGS__))
	xdt_term_fill(LINES - 1, 0, COLS, a);
	if (!s) {
		ADD(" waiting for the capture%sh: help", t->sep);
	} else {
		xdt_fmt_duration(age, sizeof(age), u->now_ns > s->now_ns ? u->now_ns - s->now_ns : 0);
		ADD(" %s%s%s%s%zu/%zu connections%ssort: %s %s", s->backend ? s->backend : "?",
		    s->xdp_mode ? " " : "", s->xdp_mode ? s->xdp_mode : "", t->sep, u->rs.n,
		    s->n_rows, t->sep, xdt_sort_name(u->sort.key),
		    u->sort.desc ? t->sort_down : t->sort_up);
		/* Losses are what must not go unseen; the Interfaces tab says more. */
		if (s->capture_dropped)
			ADD("%sdropped: %llu", t->sep, (unsigned long long)s->capture_dropped);
		if (s->prefix_lost)
			ADD("%sprefixes lost: %llu", t->sep, (unsigned long long)s->prefix_lost);
		if (s->map_full)
			ADD("%smap full: %llu", t->sep, (unsigned long long)s->map_full);
		if (u->filter_text[0])
			ADD("%sfilter: %s", t->sep, u->filter_text);
		if (u->hide_local)
			ADD("%slocal hidden", t->sep);
		if (u->paused)
			ADD("%sPAUSED", t->sep);
		ADD("%ssnapshot %s old", t->sep, age);
	}
	if (u->msg[0] && clock_ns(CLOCK_MONOTONIC) < u->msg_until_ns)
		ADD("%s%s", t->sep, u->msg);
#undef ADD
	xdt_term_put(t, LINES - 1, 0, COLS, b, a, 0);
	if (u->paused) /* the one state the user must not miss */
		mvchgat(LINES - 1, 0, 1, a | A_BOLD, 0, NULL);
}

static void draw_prompt(struct xdt_ui *u)
{
	const struct xdt_term *t = &u->term;
	char b[XDT_UI_FILTER_MAX + 8];
	int x;

	xdt_term_fill(LINES - 1, 0, COLS, A_NORMAL);
	snprintf(b, sizeof(b), "/%s", u->prompt_text);
	x = xdt_term_put(t, LINES - 1, 0, COLS - 1, b, A_BOLD, 0);
	if (u->prompt_why)
		xdt_term_put(t, LINES - 1, x + 2, COLS - x - 2, u->prompt_why,
			     xdt_term_look(t, XDT_LOOK_ALERT), 0);
	move(LINES - 1, x < COLS ? x : COLS - 1);
}

static void draw(struct xdt_ui *u)
{
	int y = 1, h = LINES - 2;

	u->now_ns = clock_ns(CLOCK_REALTIME);
	erase();
	if (LINES < 6 || COLS < 30) {
		mvaddnstr(0, 0, "xdptop: terminal too small", COLS);
		refresh();
		return;
	}
	if (u->snap &&
	    xdt_rowset_update(&u->rs, u->snap, &u->sort, &u->filter, u->filter_text,
			      u->hide_local) < 0)
		xdt_ui_say(u, "out of memory sorting the connections");
	draw_tabs(u);
	u->list_y = y;
	u->page = h;
	switch (u->tab) {
	case XDT_TAB_OVERVIEW:
		xdt_overview_draw(u, y, h);
		break;
	case XDT_TAB_DETAILS:
		xdt_details_draw(u, y, h);
		break;
	case XDT_TAB_PROCESSES:
		xdt_processes_draw(u, y, h);
		break;
	case XDT_TAB_INTERFACES:
		xdt_interfaces_draw(u, y, h);
		break;
	case XDT_TAB_SECURITY:
		xdt_help_draw_security(u, y, h);
		break;
	case XDT_TAB_HELP:
	case XDT_TAB__COUNT:
		xdt_help_draw(u, y, h);
		break;
	}
	if (u->prompt) {
		draw_prompt(u);
		curs_set(1);
	} else {
		draw_status(u);
		curs_set(0);
	}
	refresh();
}

/* Apply the text typed so far, if it parses; otherwise keep the last filter and say why. */
static void prompt_apply(struct xdt_ui *u)
{
	struct xdt_filter f;

	if (xdt_filter_parse(u->prompt_text, &f)) {
		u->prompt_why = f.why;
		return;
	}
	u->prompt_why = NULL;
	u->filter = f;
	snprintf(u->filter_text, sizeof(u->filter_text), "%s", u->prompt_text);
}

static void prompt_key(struct xdt_ui *u, int ch)
{
	size_t n = strlen(u->prompt_text);

	switch (ch) {
	case 27:
		u->prompt_text[0] = '\0';
		prompt_apply(u);
		u->prompt = 0;
		return;
	case '\n':
	case '\r':
	case KEY_ENTER:
		u->prompt = 0;
		if (u->prompt_why) {
			/* The prefixes applied while typing go: the old filter is back. */
			u->filter = u->filter_before;
			memcpy(u->filter_text, u->filter_text_before, sizeof(u->filter_text));
			xdt_ui_say(u, "filter not changed: %s", u->prompt_why);
		}
		return;
	case KEY_BACKSPACE:
	case 127:
	case 8:
		if (n)
			u->prompt_text[n - 1] = '\0';
		break;
	case 21:	/* Ctrl-U */
		u->prompt_text[0] = '\0';
		break;
	case 23:	/* Ctrl-W: the last word */
		while (n && u->prompt_text[n - 1] == ' ')
			n--;
		while (n && u->prompt_text[n - 1] != ' ')
			n--;
		u->prompt_text[n] = '\0';
		break;
	default:
		if (ch < ' ' || ch > 255 || ch == 127 || n + 1 >= sizeof(u->prompt_text))
			return;
		u->prompt_text[n] = (char)ch;
		u->prompt_text[n + 1] = '\0';
		break;
	}
	prompt_apply(u);
}

static const struct xdt_row *selected_row(const struct xdt_ui *u)
{
	switch (u->tab) {
	case XDT_TAB_OVERVIEW:
		return xdt_overview_current(u);
	case XDT_TAB_PROCESSES:
		return xdt_processes_current(u);
	case XDT_TAB_DETAILS:
		return u->det_row_valid ? &u->det_row : NULL;
	default:
		return NULL;
	}
}

static void copy_remote(struct xdt_ui *u)
{
	const struct xdt_row *r = selected_row(u);
	int err;

	if (!r) {
		xdt_ui_say(u, "nothing to copy: select a connection first");
		return;
	}
	err = xdt_term_copy(r->dst);
	if (err)
		xdt_ui_say(u, "could not copy %s: %s", r->dst, strerror(-err));
	else
		xdt_ui_say(u, "copied %s (OSC 52: the terminal must allow it)", r->dst);
}

static void tab_key(struct xdt_ui *u, int ch)
{
	switch (u->tab) {
	case XDT_TAB_OVERVIEW:
		xdt_overview_key(u, ch);
		break;
	case XDT_TAB_DETAILS:
		xdt_details_key(u, ch);
		break;
	case XDT_TAB_PROCESSES:
		xdt_processes_key(u, ch);
		break;
	default:
		xdt_ui_scroll(&u->scroll[u->tab], ch, u->lines, u->page);
		break;
	}
}

static void mouse(struct xdt_ui *u)
{
	MEVENT ev;

	if (getmouse(&ev) != OK)
		return;
	if (ev.bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED)) {
		for (int i = 0; i < WHEEL_LINES; i++)
			tab_key(u, ev.bstate & BUTTON4_PRESSED ? KEY_UP : KEY_DOWN);
		return;
	}
	if (!(ev.bstate & BUTTON1_PRESSED))
		return;
	if (ev.y == 0) {
		for (int i = 0; i < XDT_TAB__COUNT; i++)
			if (ev.x >= tab_x[i] && ev.x < tab_x[i + 1])
				set_tab(u, (enum xdt_tab)i);
		return;
	}
	if (ev.y < u->list_y || ev.y >= u->list_y + u->page)
		return;
	if (u->tab == XDT_TAB_OVERVIEW)
		xdt_overview_click(u, ev.y - u->list_y);
	else if (u->tab == XDT_TAB_PROCESSES)
		xdt_processes_click(u, ev.y - u->list_y);
}

static void toggle(struct xdt_ui *u, int *flag, const char *on, const char *off)
{
	*flag = !*flag;
	xdt_ui_say(u, "%s", *flag ? on : off);
}

/* 1 to quit. */
static int key(struct xdt_ui *u, int ch)
{
	if (ch == 3)	/* Ctrl-C, read as a key in raw mode */
		return 1;
	if (u->prompt) {
		prompt_key(u, ch);
		return 0;
	}
	switch (ch) {
	case 'q':
		return 1;
	case '\t':
		set_tab(u, (enum xdt_tab)((u->tab + 1) % XDT_TAB__COUNT));
		break;
	case KEY_BTAB:
		set_tab(u, (enum xdt_tab)((u->tab + XDT_TAB__COUNT - 1) % XDT_TAB__COUNT));
		break;
	case '1': case '2': case '3': case '4': case '5': case '6':
		set_tab(u, (enum xdt_tab)(ch - '1'));
		break;
	case 'h':
	case '?':
		set_tab(u, XDT_TAB_HELP);
		break;
	case 'p':
		toggle(u, &u->services, "service names", "port numbers");
		break;
	case 'd':
		toggle(u, &u->names, "host names where known", "addresses");
		u->sort.names = u->names;
		break;
	case 'l':
		toggle(u, &u->hide_local, "loopback connections hidden",
		       "loopback connections shown");
		break;
	case ' ':
		u->paused = !u->paused;
		break;
	case 's':
		xdt_sort_next(&u->sort);
		xdt_ui_say(u, "sorted by %s", xdt_sort_name(u->sort.key));
		break;
	case 'S':
		u->sort.desc = !u->sort.desc;
		break;
	case '/':
		u->prompt = 1;
		u->filter_before = u->filter;
		memcpy(u->filter_text_before, u->filter_text, sizeof(u->filter_text_before));
		snprintf(u->prompt_text, sizeof(u->prompt_text), "%s", u->filter_text);
		u->prompt_why = NULL;
		break;
	case 'c':
		copy_remote(u);
		break;
	case KEY_MOUSE:
		mouse(u);
		break;
	case KEY_RESIZE:
		break;	/* curses has new LINES/COLS; the redraw lays out again */
	case 27:
	case KEY_BACKSPACE:
	case 127:
	case 8:
		if (u->tab == XDT_TAB_OVERVIEW)
			tab_key(u, 27);
		else
			u->tab = u->tab == XDT_TAB_DETAILS ? u->back : XDT_TAB_OVERVIEW;
		break;
	default:
		tab_key(u, ch);
		break;
	}
	return 0;
}

struct xdt_ui *xdt_ui_open(struct xdt_snapbox *box, const struct xdt_ui_opts *o, char *err,
			  size_t errlen)
{
	struct xdt_ui *u = calloc(1, sizeof(*u));

	if (!u) {
		snprintf(err, errlen, "out of memory for the screen");
		return NULL;
	}
	u->box = box;
	u->period = o && o->refresh_ms ? o->refresh_ms : 1000;
	xdt_sort_init(&u->sort);
	xdt_filter_parse("", &u->filter);
	xdt_rowset_init(&u->rs);
	if (xdt_term_init(&u->term, o ? o->no_color : 0, err, errlen)) {
		xdt_rowset_fini(&u->rs);
		free(u);
		return NULL;
	}
	u->term_up = 1;
	timeout((int)(u->period < POLL_MS ? u->period : POLL_MS));
	return u;
}

void xdt_ui_loop(struct xdt_ui *u, volatile sig_atomic_t *stop)
{
	uint64_t last = 0;
	int dirty = 1;

	while (!(stop && *stop)) {
		uint64_t now;
		int ch;

		if (pull(u))
			dirty = 1;
		now = clock_ns(CLOCK_MONOTONIC);
		if (dirty || now - last >= (uint64_t)u->period * 1000000ULL) {
			draw(u);
			last = now;
			dirty = 0;
		}
		ch = getch();
		if (ch == ERR)
			continue;
		if (key(u, ch))
			break;
		dirty = 1;
	}
}

void xdt_ui_close(struct xdt_ui *u)
{
	if (!u)
		return;
	if (u->term_up)
		xdt_term_fini(&u->term);
	if (u->det_have)
		xdt_snapbox_select(u->box, NULL);
	xdt_snapshot_put(u->box, u->snap);
	xdt_rowset_fini(&u->rs);
	free(u->det_text);
	free(u->pr_lines);
	free(u);
}
