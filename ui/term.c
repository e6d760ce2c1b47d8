// SPDX-License-Identifier: GPL-2.0-only
/* Screen setup and text output for the terminal UI. */
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <wchar.h>

#include "term.h"

static SCREEN *screen;

static const struct xdt_term utf8_glyphs = {
	.bar = { " ", "\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586", "\u2587",
		 "\u2588" },
	.sort_up = "\u25b2",
	.sort_down = "\u25bc",
	.ended = "\u2715",
	.open = "\u25be",
	.closed = "\u25b8",
	.ellipsis = "\u2026",
	.arrow = "\u2192",
	.sep = " \u2502 ",
	.hline = "\u2500",
};

static const struct xdt_term ascii_glyphs = {
	.bar = { " ", "_", "_", ".", ".", "-", "-", "=", "#" },
	.sort_up = "^",
	.sort_down = "v",
	.ended = "x",
	.open = "-",
	.closed = "+",
	.ellipsis = "~",
	.arrow = ">",
	.sep = " | ",
	.hline = "-",
};

static chtype looks[XDT_LOOK__COUNT];

/*
 * Colours: foregrounds on the terminal's own background (-1), so the UI follows
 * its palette. Without colours the same roles use attributes only.
 */
static void setup_looks(struct xdt_term *t)
{
	static const short fg[XDT_LOOK__COUNT] = {
		[XDT_LOOK_WARN] = COLOR_YELLOW, [XDT_LOOK_ALERT] = COLOR_RED,
		[XDT_LOOK_HEADER] = COLOR_CYAN, [XDT_LOOK_DOWN] = COLOR_GREEN,
		[XDT_LOOK_UP] = COLOR_CYAN,	[XDT_LOOK_TITLE] = COLOR_CYAN,
	};

	memset(looks, 0, sizeof(looks));
	looks[XDT_LOOK_HEADER] = A_REVERSE;
	looks[XDT_LOOK_TAB] = A_REVERSE | A_BOLD;
	looks[XDT_LOOK_ENDED] = A_DIM;
	looks[XDT_LOOK_STATUS] = A_REVERSE;
	looks[XDT_LOOK_TITLE] = A_BOLD;
	looks[XDT_LOOK_SELECTED] = A_REVERSE;
	if (!t->color)
		return;
	for (int l = 0; l < XDT_LOOK__COUNT; l++) {
		if (!fg[l])
			continue;
		init_pair((short)l, fg[l], -1);
		looks[l] |= COLOR_PAIR(l);
	}
}

int xdt_term_init(struct xdt_term *t, int no_color, char *err, size_t errlen)
{
	const char *term = getenv("TERM");
	const char *cs;
	int utf8;

	/*
	 * LC_CTYPE only: curses needs the character set, but LC_ALL would also
	 * switch LC_NUMERIC, and the capture thread prints JSON numbers.
	 */
	setlocale(LC_CTYPE, "");
	cs = nl_langinfo(CODESET);
	utf8 = cs && (!strcasecmp(cs, "UTF-8") || !strcasecmp(cs, "utf8"));
	*t = utf8 ? utf8_glyphs : ascii_glyphs;
	t->utf8 = utf8;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		snprintf(err, errlen, "the screen needs a terminal on standard input and output; "
				      "use --json to print the flow table instead");
		return -ENOTTY;
	}
	if (!term || !*term || !strcmp(term, "dumb")) {
		snprintf(err, errlen, "TERM is %s: the screen cannot be drawn; set TERM (e.g. "
				      "xterm-256color) or use --json", term && *term ? term : "unset");
		return -ENOTTY;
	}
	/* newterm, not initscr: initscr exits on failure, and only main() exits. */
	screen = newterm(NULL, stdout, stdin);
	if (!screen) {
		snprintf(err, errlen, "cannot set up the terminal \"%s\" (no terminfo entry?); "
				      "set TERM or use --json", term);
		return -ENOTTY;
	}
	/* raw, not cbreak: Ctrl-C is a key that quits through the cleanup below. */
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
	set_escdelay(25);
	mousemask(BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	mouseinterval(0);
	t->color = !no_color && has_colors() && start_color() == OK;
	if (t->color)
		use_default_colors();
	setup_looks(t);
	return 0;
}

void xdt_term_fini(struct xdt_term *t)
{
	(void)t;
	if (!screen)
		return;
	mousemask(0, NULL);
	curs_set(1);
	endwin();
	delscreen(screen);
	screen = NULL;
}

chtype xdt_term_look(const struct xdt_term *t, enum xdt_look l)
{
	(void)t;
	return l < XDT_LOOK__COUNT ? looks[l] : 0;
}

/* Bytes of @s that fit in @w columns, and the columns they take. */
static size_t fit(const struct xdt_term *t, const char *s, int w, int *cols)
{
	mbstate_t st;
	size_t i = 0, n = strlen(s);
	int c = 0;

	if (!t->utf8) {
		*cols = (int)(n < (size_t)w ? n : (size_t)w);
		return (size_t)*cols;
	}
	memset(&st, 0, sizeof(st));
	while (i < n) {
		wchar_t wc;
		size_t k = mbrtowc(&wc, s + i, n - i, &st);
		int cw;

		if (k == (size_t)-1 || k == (size_t)-2) {
			memset(&st, 0, sizeof(st));
			k = 1;
			cw = 1;	/* shown as '?' */
		} else {
			if (k == 0)
				break;
			cw = wcwidth(wc);
			if (cw < 0)
				cw = 1;
		}
		if (c + cw > w)
			break;
		c += cw;
		i += k;
	}
	*cols = c;
	return i;
}

int xdt_term_width(const struct xdt_term *t, const char *s)
{
	int cols;

	fit(t, s, 1 << 20, &cols);
	return cols;
}

/* Write @n bytes of @s, replacing what the terminal cannot show. */
static void out(const struct xdt_term *t, const char *s, size_t n)
{
	char buf[512];
	size_t k = 0;
	mbstate_t st;

	memset(&st, 0, sizeof(st));
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		size_t len = 1;
		int bad = 0;

		if (c >= 0x80 && t->utf8) {
			wchar_t wc;

			len = mbrtowc(&wc, s + i, n - i, &st);
			if (len == (size_t)-1 || len == (size_t)-2 || len == 0 || wcwidth(wc) < 0) {
				memset(&st, 0, sizeof(st));
				len = 1;
				bad = 1;
			}
		} else {
			bad = c < 0x20 || c == 0x7f || c >= 0x80;
		}
		if (k + len >= sizeof(buf)) {
			addnstr(buf, (int)k);
			k = 0;
		}
		if (bad)
			buf[k] = '?';
		else
			memcpy(buf + k, s + i, len);
		k += len;
		i += len;
	}
	if (k)
		addnstr(buf, (int)k);
}

int xdt_term_put(const struct xdt_term *t, int y, int x, int w, const char *s, chtype a,
		 int right)
{
	int cols, ecols;
	size_t n;

	if (w <= 0 || y < 0 || y >= LINES || x >= COLS)
		return 0;
	if (x + w > COLS)
		w = COLS - x;
	n = fit(t, s, w, &cols);
	attrset(a);
	if (s[n]) {
		/* Clipped: leave room for the ellipsis. */
		ecols = xdt_term_width(t, t->ellipsis);
		n = fit(t, s, w - ecols, &cols);
		move(y, x);
		out(t, s, n);
		addstr(t->ellipsis);
		cols += ecols;
	} else {
		move(y, right ? x + w - cols : x);
		out(t, s, n);
	}
	attrset(A_NORMAL);
	return cols;
}

void xdt_term_fill(int y, int x, int w, chtype a)
{
	if (y < 0 || y >= LINES || x >= COLS || w <= 0)
		return;
	if (x + w > COLS)
		w = COLS - x;
	attrset(a);
	mvhline(y, x, ' ', w);
	attrset(A_NORMAL);
}

int xdt_term_copy(const char *s)
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t n = strlen(s), k = 0;
	char buf[512];
	ssize_t wr;

	if (n > 256)
		return -E2BIG;
	k += (size_t)snprintf(buf, sizeof(buf), "\033]52;c;");
	for (size_t i = 0; i < n; i += 3) {
		unsigned int v = (unsigned char)s[i] << 16;

		if (i + 1 < n)
			v |= (unsigned char)s[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned char)s[i + 2];
		buf[k++] = b64[v >> 18 & 63];
		buf[k++] = b64[v >> 12 & 63];
		buf[k++] = i + 1 < n ? b64[v >> 6 & 63] : '=';
		buf[k++] = i + 2 < n ? b64[v & 63] : '=';
	}
	buf[k++] = '\a';
	/* Around curses, not through it: the sequence must reach the terminal verbatim. */
	fflush(stdout);
	wr = write(STDOUT_FILENO, buf, k);
	if (wr < 0)
		return -errno;
	return wr == (ssize_t)k ? 0 : -EIO;
}
