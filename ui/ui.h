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

/*
 * Run the UI until the user quits or *@stop becomes non-zero (a signal). Reads
 * snapshots from @box; never blocks on anything else: the terminal is polled at
 * least every 100 ms and every refresh_ms. 0 on a clean quit, -errno if the
 * terminal could not be set up (-ENOTTY: not a terminal, unknown TERM), with a
 * message for the user in @err. Restores the terminal on every return path.
 *
 * Sets LC_CTYPE from the environment (UTF-8 glyphs when the codeset is UTF-8,
 * ASCII otherwise); other locale categories are left alone. Puts the terminal
 * in raw mode, so Ctrl-C is read as a key (quit) rather than raising SIGINT.
 * Call it from one thread only; curses is not thread-safe.
 */
int xdt_ui_run(struct xdt_snapbox *box, const struct xdt_ui_opts *o, volatile sig_atomic_t *stop,
	       char *err, size_t errlen);

#endif
