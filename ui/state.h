/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the tabs of the terminal UI share: the snapshot being shown, the user's
 * choices (sort, filter, toggles) and each tab's cursor. Owned by ui.c; the tab
 * modules read it to draw and change their own part on keys.
 */
#ifndef XDT_UI_STATE_H
#define XDT_UI_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "filter.h"
#include "rowset.h"
#include "sort.h"
#include "term.h"
#include "view/snapshot.h"

enum xdt_tab {
	XDT_TAB_OVERVIEW,
	XDT_TAB_DETAILS,
	XDT_TAB_PROCESSES,
	XDT_TAB_INTERFACES,
	XDT_TAB_SECURITY,
	XDT_TAB_HELP,
	XDT_TAB__COUNT,
};

/* A line of the Processes tab: a process, or one of its connections. */
struct xdt_pline {
	uint32_t group;		/* into rowset groups */
	uint32_t row;		/* into rowset by_group, or XDT_PLINE_GROUP */
};

#define XDT_PLINE_GROUP UINT32_MAX

/* A cursor over lines, and the first line on screen. */
struct xdt_cursor {
	size_t cur, top;
};

#define XDT_UI_FILTER_MAX 128
#define XDT_UI_EXPANDED 64
#define XDT_UI_IFACES 16

struct xdt_ui {
	struct xdt_term term;
	struct xdt_snapbox *box;
	struct xdt_snapshot *snap;	/* our reference, or NULL before the first */
	unsigned int period;		/* redraw period, ms */
	int term_up;			/* curses set up: restore the terminal on close */
	uint64_t now_ns;		/* wall clock of this redraw */
	enum xdt_tab tab;
	enum xdt_tab back;		/* where Esc from Details returns */

	/* Choices. */
	struct xdt_sort sort;
	int names;			/* 'd': DNS names instead of addresses */
	int services;			/* 'p': service names instead of port numbers */
	int hide_local;			/* 'l' */
	int paused;			/* space: keep showing the same snapshot */

	/* The filter in force, and the '/' prompt being edited. */
	char filter_text[XDT_UI_FILTER_MAX];
	struct xdt_filter filter;
	/* The filter in force when the prompt opened: Enter on a bad one goes back to it. */
	struct xdt_filter filter_before;
	char filter_text_before[XDT_UI_FILTER_MAX];
	int prompt;
	char prompt_text[XDT_UI_FILTER_MAX];
	const char *prompt_why;		/* why the text typed is not in force */

	struct xdt_rowset rs;

	/* Overview: once moved, the cursor follows a connection, not a line. */
	struct xdt_cursor ov;
	struct xdt_flow_key ov_key;
	int ov_have_key;

	/* Processes: expanded groups, and the line under the cursor by identity. */
	struct xdt_cursor pr;
	struct {
		int32_t pid;
		char name[XDT_ROW_PROC];
	} expanded[XDT_UI_EXPANDED];
	unsigned int n_expanded;
	int32_t pr_pid;
	char pr_name[XDT_ROW_PROC];
	int pr_child;			/* the cursor is on a connection of that process */
	struct xdt_flow_key pr_key;
	int pr_have;
	struct xdt_pline *pr_lines;
	size_t pr_n, pr_cap;

	/* Details: the connection shown; its last row stays when it leaves. */
	struct xdt_flow_key det_key;
	int det_have;
	struct xdt_row det_row;
	int det_row_valid;
	int det_gone;
	char *det_text;			/* the JSON record as lines */
	size_t det_lines;
	uint64_t det_seq;		/* snapshot det_text came from */
	size_t det_scroll;

	/* Interfaces: rates from the counters of consecutive snapshots. */
	struct xdt_iface_view if_prev[XDT_UI_IFACES];
	size_t if_n_prev;
	uint64_t if_prev_ns, if_seq;
	double if_rx_bps[XDT_UI_IFACES], if_tx_bps[XDT_UI_IFACES];

	size_t scroll[XDT_TAB__COUNT];	/* tabs that only scroll */

	/* A transient message on the status line. */
	char msg[160];
	uint64_t msg_until_ns;

	/* Geometry of the last redraw, for the mouse and paging. */
	int list_y;			/* first line of the current tab's list */
	int page;			/* lines of that list */
	size_t lines;			/* lines of the current text tab, for scrolling */
};

/* Show @fmt on the status line for a few seconds. */
void xdt_ui_say(struct xdt_ui *u, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Open the Details tab on connection @k, and ask the producer for its record. */
void xdt_ui_open_details(struct xdt_ui *u, const struct xdt_flow_key *k);

/* Move @c over @n lines for movement key @ch in a list @page lines high. 1 if it was one. */
int xdt_ui_move(struct xdt_cursor *c, int ch, size_t n, int page);

/* Scroll a view of @n lines, @page shown from line *@top. 1 if @ch scrolls. */
int xdt_ui_scroll(size_t *top, int ch, size_t n, int page);

/* Keep @c->cur inside @n lines and visible in @page lines. */
void xdt_ui_clamp(struct xdt_cursor *c, size_t n, int page);

#endif
