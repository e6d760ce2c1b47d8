// SPDX-License-Identifier: GPL-2.0-only
/* The Security and Help tabs. */
#include <stdio.h>
#include <string.h>

#include "help.h"

/* Lines of a page; a line starting with '#' is a title. */
static const char *const help[] = {
	"#Keys",
	"  q  Ctrl-C        quit",
	"  Tab  Shift-Tab   next / previous tab;  1-6 a tab by number",
	"  Up Down PgUp PgDn Home End   move (also j k g G; the mouse wheel scrolls, a click",
	"                   selects a row or a tab). The cursor stays on the first line (the",
	"                   busiest connection) until moved; then it follows its connection",
	"  Enter            Overview: details of the connection;  Processes: open or close a",
	"                   process, or details of a connection",
	"  + -  Right Left  Processes: open / close the process under the cursor",
	"  Esc  Backspace   back from Details and the other tabs; in Overview, clear the filter",
	"  /                filter (below): applied while typing, Enter keeps it, Esc clears it",
	"  s  S             sort by the next column / reverse the order",
	"  p                service names instead of port numbers (remote port)",
	"  d                host names (from DNS answers seen) instead of addresses",
	"  l                hide / show connections between loopback addresses",
	"  space            pause: keep showing the same snapshot (capture goes on)",
	"  c                copy the selected remote address to the clipboard (OSC 52)",
	"  h  ?             this help",
	"",
	"#Filter",
	"  Words separated by blanks; a connection is shown when every word matches.",
	"  text             any text field contains it (case does not matter)",
	"  port:N           either port is N;  sport:N  dport:N  the initiator's / responder's",
	"  src:X  dst:X     the initiator's / responder's address is X (a whole address), or its",
	"                   address or DNS name contains X",
	"  proto:tcp        the protocol (name or number)",
	"  state:X  app:X (sni:X)  process:X   the field contains X",
	"  pid:N  country:CC                   exactly",
	"  \"quoted values\" may contain blanks. Example:  proto:tcp dport:443 firefox",
	"",
	"#Columns",
	"  Local            the initiator (src): who sent the first packet (SYN); usually this",
	"                   host's client side, but a server's accepted connections show the",
	"                   remote client here",
	"  Remote           the responder (dst)",
	"  Down / Up        bytes per second from the responder to the initiator / back",
	"  Total            bytes both ways since the connection was first seen",
	"  Rates are smoothed; 1 KB = 1000 bytes.",
	"",
	"#Colours",
	"  A connection turns yellow after half of its idle timeout without a packet, and red",
	"  after 80%. A dim row marked with an x (or a cross) has left the flow table.",
	"  With NO_COLOR set in the environment: no colours, attributes only.",
};

static int put(const struct xdt_ui *u, int y, int h, size_t top, size_t n, const char *s,
	       chtype a)
{
	if (n >= top && n - top < (size_t)h)
		xdt_term_put(&u->term, y + (int)(n - top), 1, COLS - 2, s, a, 0);
	return 1;
}

static size_t clamp_top(struct xdt_ui *u, size_t total, int h)
{
	size_t *top = &u->scroll[u->tab];

	if (total <= (size_t)h)
		*top = 0;
	else if (*top > total - (size_t)h)
		*top = total - (size_t)h;
	u->lines = total;
	u->page = h;
	return *top;
}

void xdt_help_draw(struct xdt_ui *u, int y, int h)
{
	size_t n = sizeof(help) / sizeof(help[0]);
	size_t top = clamp_top(u, n, h);

	for (size_t i = 0; i < n; i++) {
		int title = help[i][0] == '#';

		put(u, y, h, top, i, help[i] + title,
		    title ? xdt_term_look(&u->term, XDT_LOOK_TITLE) : A_NORMAL);
	}
}

void xdt_help_draw_security(struct xdt_ui *u, int y, int h)
{
	const struct xdt_snapshot *s = u->snap;
	chtype title = xdt_term_look(&u->term, XDT_LOOK_TITLE);
	size_t n, top;
	char b[200];

	if (!s) {
		put(u, y, h, 0, 0, "waiting for the first snapshot...", A_NORMAL);
		return;
	}
	n = s->n_sandbox ? 2 + s->n_sandbox : 3;
	top = clamp_top(u, n, h);
	snprintf(b, sizeof(b), "Confinement of xdptop itself%s%s", s->n_sandbox ? ": " : "",
		 s->n_sandbox ? s->sandbox_summary : "");
	put(u, y, h, top, 0, b, title);
	if (!s->n_sandbox) {
		put(u, y, h, top, 2, "no confinement layer is in force yet", A_NORMAL);
		return;
	}
	/* As the capture side states them: the UI does not judge what is enough. */
	for (size_t i = 0; i < s->n_sandbox && i < sizeof(s->sandbox) / sizeof(s->sandbox[0]);
	     i++) {
		snprintf(b, sizeof(b), "  %-14s %s", s->sandbox[i].layer, s->sandbox[i].state);
		put(u, y, h, top, 2 + i, b, A_NORMAL);
	}
}
