/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The terminal: the one header of xdptop that includes curses. Sets up and
 * restores the screen, picks colours (or none) and the glyph set (UTF-8 or
 * ASCII), and writes text clipped to a number of columns.
 */
#ifndef XDT_UI_TERM_H
#define XDT_UI_TERM_H

#include <stddef.h>

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <curses.h>

/* What a piece of the screen is, mapped to a colour pair or, without colour, to attributes. */
enum xdt_look {
	XDT_LOOK_NORMAL,
	XDT_LOOK_WARN,		/* a row getting stale */
	XDT_LOOK_ALERT,		/* a row about to time out; errors */
	XDT_LOOK_HEADER,	/* column headers */
	XDT_LOOK_TAB,		/* the current tab */
	XDT_LOOK_DOWN,		/* the down (in) graph */
	XDT_LOOK_UP,		/* the up (out) graph */
	XDT_LOOK_ENDED,		/* a connection that left the table */
	XDT_LOOK_STATUS,	/* the status line */
	XDT_LOOK_TITLE,		/* section titles */
	XDT_LOOK_SELECTED,	/* the row under the cursor */
	XDT_LOOK__COUNT,
};

struct xdt_term {
	int utf8;		/* the locale's codeset is UTF-8 */
	int color;		/* colours in use (not NO_COLOR, terminal has them) */
	/* Glyphs, UTF-8 or ASCII. */
	const char *bar[9];	/* 0..8 eighths of a cell, for graphs */
	const char *sort_up, *sort_down;
	const char *ended;	/* marks a connection that left the table */
	const char *open, *closed;	/* an expanded / collapsed process */
	const char *ellipsis;	/* a clipped cell */
	const char *arrow;	/* initiator to responder */
	const char *sep;	/* between fields of the status line */
	const char *hline;	/* one cell of a horizontal rule */
};

/* Set up the screen on the controlling terminal. 0, or -errno with a message in @err. */
int xdt_term_init(struct xdt_term *t, int no_color, char *err, size_t errlen);

/* Restore the terminal; safe to call after a failed init. */
void xdt_term_fini(struct xdt_term *t);

chtype xdt_term_look(const struct xdt_term *t, enum xdt_look l);

/* Display columns of @s (UTF-8 when t->utf8, else one per byte). */
int xdt_term_width(const struct xdt_term *t, const char *s);

/*
 * Write @s at (y, x) in at most @w columns with attributes @a, clipped with an
 * ellipsis; @right aligns it to the right of the @w columns. Returns the columns
 * written. Bytes the terminal cannot show come out as '?'.
 */
int xdt_term_put(const struct xdt_term *t, int y, int x, int w, const char *s, chtype a,
		 int right);

/* @w blank columns at (y, x) in @a: a bar behind headers and the status line. */
void xdt_term_fill(int y, int x, int w, chtype a);

/*
 * Put @s in the terminal's clipboard with OSC 52. 0, or -errno if it could not be
 * written. Terminals that do not support it ignore the sequence.
 */
int xdt_term_copy(const char *s);

#endif
