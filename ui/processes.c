// SPDX-License-Identifier: GPL-2.0-only
/* The Processes tab. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "processes.h"
#include "table.h"

#define CHILD_X 4

static int expanded_at(const struct xdt_ui *u, int32_t pid, const char *name)
{
	for (unsigned int i = 0; i < u->n_expanded; i++)
		if (u->expanded[i].pid == pid && !strcmp(u->expanded[i].name, name))
			return (int)i;
	return -1;
}

static void set_expanded(struct xdt_ui *u, int32_t pid, const char *name, int on)
{
	int i = expanded_at(u, pid, name);

	if (on && i < 0) {
		if (u->n_expanded == XDT_UI_EXPANDED) {
			xdt_ui_say(u, "at most %d processes open at once", XDT_UI_EXPANDED);
			return;
		}
		u->expanded[u->n_expanded].pid = pid;
		snprintf(u->expanded[u->n_expanded].name, sizeof(u->expanded[0].name), "%s", name);
		u->n_expanded++;
	} else if (!on && i >= 0) {
		u->expanded[i] = u->expanded[--u->n_expanded];
	}
}

static const struct xdt_group *group_of(const struct xdt_ui *u, const struct xdt_pline *l)
{
	return &u->rs.groups[l->group];
}

static const struct xdt_row *row_of(const struct xdt_ui *u, const struct xdt_pline *l)
{
	if (l->row == XDT_PLINE_GROUP)
		return NULL;
	return &u->snap->rows[u->rs.by_group[l->row]];
}

/* The lines: every process, and the connections of the expanded ones. */
static int build_lines(struct xdt_ui *u)
{
	size_t need = 0, n = 0;

	if (!u->snap || xdt_rowset_groups(&u->rs, u->snap)) {
		u->pr_n = 0;
		return -1;
	}
	for (size_t g = 0; g < u->rs.n_groups; g++) {
		const struct xdt_group *gr = &u->rs.groups[g];

		need += 1 + (expanded_at(u, gr->pid, gr->name) >= 0 ? gr->n : 0);
	}
	if (need > u->pr_cap) {
		struct xdt_pline *p = realloc(u->pr_lines, need * sizeof(*p));

		if (!p) {
			u->pr_n = 0;
			return -1;
		}
		u->pr_lines = p;
		u->pr_cap = need;
	}
	for (size_t g = 0; g < u->rs.n_groups; g++) {
		const struct xdt_group *gr = &u->rs.groups[g];

		u->pr_lines[n++] = (struct xdt_pline){ (uint32_t)g, XDT_PLINE_GROUP };
		if (expanded_at(u, gr->pid, gr->name) < 0)
			continue;
		for (uint32_t i = 0; i < gr->n; i++)
			u->pr_lines[n++] = (struct xdt_pline){ (uint32_t)g, gr->first + i };
	}
	u->pr_n = n;
	return 0;
}

/*
 * The user put the cursor on a line: remember what is there, to find it again
 * in the next snapshot (the order changes with the rates). On the first line it
 * stays on the first line, like the Overview.
 */
static void took(struct xdt_ui *u)
{
	const struct xdt_pline *l;
	const struct xdt_row *r;

	u->pr_have = u->pr.cur < u->pr_n && u->pr.cur > 0;
	if (!u->pr_have)
		return;
	l = &u->pr_lines[u->pr.cur];
	u->pr_pid = group_of(u, l)->pid;
	snprintf(u->pr_name, sizeof(u->pr_name), "%s", group_of(u, l)->name);
	r = row_of(u, l);
	u->pr_child = r != NULL;
	if (r)
		u->pr_key = r->key;
}

static void follow(struct xdt_ui *u, int page)
{
	size_t group_line = XDT_ROWSET_NONE;

	if (u->pr_have) {
		for (size_t i = 0; i < u->pr_n; i++) {
			const struct xdt_pline *l = &u->pr_lines[i];
			const struct xdt_group *g = group_of(u, l);
			const struct xdt_row *r = row_of(u, l);

			if (g->pid != u->pr_pid || strcmp(g->name, u->pr_name))
				continue;
			if (!r)
				group_line = i;
			if (!r && !u->pr_child) {
				u->pr.cur = i;
				break;
			}
			if (r && u->pr_child && xdt_rowset_same_key(&r->key, &u->pr_key)) {
				u->pr.cur = i;
				group_line = XDT_ROWSET_NONE;
				break;
			}
		}
		/* The connection left: stay on its process. */
		if (group_line != XDT_ROWSET_NONE && u->pr_child)
			u->pr.cur = group_line;
	}
	xdt_ui_clamp(&u->pr, u->pr_n, page);
	if (u->pr_have)
		took(u);
}

static void group_line(const struct xdt_ui *u, int y, const struct xdt_group *g, int open,
		       int selected, int name_w)
{
	const struct xdt_term *t = &u->term;
	chtype a = selected ? xdt_term_look(t, XDT_LOOK_SELECTED) : A_NORMAL;
	char pid[16], down[32], up[32], total[32], conns[16];
	int x = 0;

	xdt_term_fill(y, 0, COLS, a);
	xdt_term_put(t, y, 1, 1, open ? t->open : t->closed, a, 0);
	snprintf(pid, sizeof(pid), "%d", g->pid);
	x = 3;
	xdt_term_put(t, y, x, 8, g->pid > 0 ? pid : "-", a, 1);
	x += 9;
	xdt_term_put(t, y, x, name_w, g->name[0] ? g->name : "(unknown process)",
		     a | (g->name[0] ? A_BOLD : 0), 0);
	x += name_w + 1;
	snprintf(conns, sizeof(conns), "%u", g->n);
	xdt_fmt_rate(down, sizeof(down), g->bps_in);
	xdt_fmt_rate(up, sizeof(up), g->bps_out);
	xdt_fmt_bytes(total, sizeof(total), g->bytes);
	xdt_term_put(t, y, x, 6, conns, a, 1);
	xdt_term_put(t, y, x + 7, 11, down, a, 1);
	xdt_term_put(t, y, x + 19, 11, up, a, 1);
	xdt_term_put(t, y, x + 31, 9, total, a, 1);
}

void xdt_processes_draw(struct xdt_ui *u, int y, int h)
{
	const struct xdt_term *t = &u->term;
	struct xdt_table_layout l;
	int name_w = COLS - 3 - 9 - 1 - 41;
	chtype hd = xdt_term_look(t, XDT_LOOK_HEADER);
	char title[64];

	if (!u->snap || build_lines(u)) {
		xdt_term_put(t, y + 1, 2, COLS - 4, "waiting for the first snapshot...", A_NORMAL, 0);
		return;
	}
	/* Numbers near their names: a wide name column only spreads the eye. */
	if (name_w > 40)
		name_w = 40;
	if (name_w < 8)
		name_w = 8;
	snprintf(title, sizeof(title), "%zu processes, %zu connections", u->rs.n_groups, u->rs.n);
	xdt_term_put(t, y, 1, COLS - 2, title, A_NORMAL, 0);
	xdt_term_fill(y + 1, 0, COLS, hd);
	xdt_term_put(t, y + 1, 3, 8, "PID", hd, 1);
	xdt_term_put(t, y + 1, 12, name_w, "Process", hd, 0);
	xdt_term_put(t, y + 1, 13 + name_w, 6, "Conns", hd, 1);
	xdt_term_put(t, y + 1, 20 + name_w, 11, "Down", hd, 1);
	xdt_term_put(t, y + 1, 32 + name_w, 11, "Up", hd, 1);
	xdt_term_put(t, y + 1, 44 + name_w, 9, "Total", hd, 1);
	u->list_y = y + 2;
	u->page = h - 2;
	follow(u, u->page);
	xdt_table_layout(&l, COLS - CHILD_X);
	for (int i = 0; i < u->page && u->pr.top + (size_t)i < u->pr_n; i++) {
		size_t pos = u->pr.top + (size_t)i;
		const struct xdt_pline *pl = &u->pr_lines[pos];
		const struct xdt_group *g = group_of(u, pl);
		const struct xdt_row *r = row_of(u, pl);

		if (r)
			xdt_table_row(u, &l, u->list_y + i, CHILD_X, COLS - CHILD_X, r,
				      pos == u->pr.cur);
		else
			group_line(u, u->list_y + i, g, expanded_at(u, g->pid, g->name) >= 0,
				   pos == u->pr.cur, name_w);
	}
	if (!u->pr_n)
		xdt_term_put(t, u->list_y + 1, 2, COLS - 4, "no connection to group", A_DIM, 0);
}

const struct xdt_row *xdt_processes_current(const struct xdt_ui *u)
{
	if (!u->snap || u->pr.cur >= u->pr_n)
		return NULL;
	return row_of(u, &u->pr_lines[u->pr.cur]);
}

int xdt_processes_key(struct xdt_ui *u, int ch)
{
	const struct xdt_pline *l;
	const struct xdt_group *g;
	const struct xdt_row *r;

	if (xdt_ui_move(&u->pr, ch, u->pr_n, u->page)) {
		took(u);
		return 1;
	}
	if (u->pr.cur >= u->pr_n)
		return 0;
	l = &u->pr_lines[u->pr.cur];
	g = group_of(u, l);
	r = row_of(u, l);
	switch (ch) {
	case '\n':
	case '\r':
	case KEY_ENTER:
		if (r)
			xdt_ui_open_details(u, &r->key);
		else
			set_expanded(u, g->pid, g->name, expanded_at(u, g->pid, g->name) < 0);
		return 1;
	case '+':
	case KEY_RIGHT:
		set_expanded(u, g->pid, g->name, 1);
		return 1;
	case '-':
	case KEY_LEFT:
		/* On a connection: close its process and stand on it. */
		set_expanded(u, g->pid, g->name, 0);
		took(u);
		u->pr_child = 0;
		build_lines(u);
		follow(u, u->page);
		return 1;
	}
	return 0;
}

void xdt_processes_click(struct xdt_ui *u, int line)
{
	if (line < 0 || u->pr.top + (size_t)line >= u->pr_n)
		return;
	u->pr.cur = u->pr.top + (size_t)line;
	took(u);
}
