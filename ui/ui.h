/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The terminal UI: tabs over the snapshots the capture thread publishes. It reads
 * struct xdt_snapshot from the mailbox and nothing else, never waits on the
 * capture, and is the only part of xdptop that draws.
 */
#ifndef XDT_UI_UI_H
#define XDT_UI_UI_H

#include <signal.h>
#include <stddef.h>

#include "view/snapshot.h"

struct xdt_ui_opts {
	unsigned int refresh_ms;	/* redraw period; 0: 1000 */
	int no_color;			/* NO_COLOR set or --no-color: attributes only */
};

struct xdt_ui;

/*
 * Set up the terminal for @box's snapshots: NULL with a message for the user in
 * @err if it cannot be (not a terminal, unknown TERM). Reads terminfo, so it
 * comes before the sandbox locks the filesystem.
 *
 * Sets LC_CTYPE from the environment (UTF-8 glyphs when the codeset is UTF-8,
 * ASCII otherwise); other locale categories are left alone. Puts the terminal
 * in raw mode, so Ctrl-C is read as a key (quit) rather than raising SIGINT.
 * Call the three functions from one thread only; curses is not thread-safe.
 */
struct xdt_ui *xdt_ui_open(struct xdt_snapbox *box, const struct xdt_ui_opts *o, char *err,
			  size_t errlen);

/*
 * Run until the user quits or *@stop becomes non-zero (a signal). Never blocks
 * on anything but the terminal, which is polled at least every 100 ms and every
 * refresh_ms.
 */
void xdt_ui_loop(struct xdt_ui *u, volatile sig_atomic_t *stop);

/* Restore the terminal and free. NULL is fine. */
void xdt_ui_close(struct xdt_ui *u);

#endif
