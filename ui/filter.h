/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The connection filter typed after '/': terms separated by blanks, all of which
 * must match (AND). A term is free text, matched case-insensitively against every
 * text field of a row, or KEY:VALUE with KEY one of
 *   port sport dport   a port number (port: either end)
 *   src dst            an address (exact when VALUE is a whole address) or a
 *                      substring of the address or of its DNS name
 *   proto              protocol name ("tcp") or number, exact
 *   state app sni process   substrings (sni: is app:, which also matches app_proto)
 *   pid                a process id, exact
 *   country            an ISO code, exact
 * A value may be quoted ("..."). An unknown KEY is free text, so "fe80::1" works.
 * Pure (no curses): parsed once per change, matched per row.
 */
#ifndef XDT_UI_FILTER_H
#define XDT_UI_FILTER_H

#include <stdint.h>

#include "view/snapshot.h"

#define XDT_FILTER_TERMS 16
#define XDT_FILTER_TEXT 64

enum xdt_filter_kind {
	XDT_FILTER_TEXT_ANY,
	XDT_FILTER_PORT,
	XDT_FILTER_SPORT,
	XDT_FILTER_DPORT,
	XDT_FILTER_SRC,
	XDT_FILTER_DST,
	XDT_FILTER_PROTO,
	XDT_FILTER_STATE,
	XDT_FILTER_APP,
	XDT_FILTER_PROCESS,
	XDT_FILTER_PID,
	XDT_FILTER_COUNTRY,
};

struct xdt_filter_term {
	enum xdt_filter_kind kind;
	uint32_t num;			/* port, pid, protocol number */
	int numeric;			/* proto: given as a number */
	int exact_addr;			/* src/dst: text is a whole address */
	int digits;			/* free text of digits only: also try ports, pid */
	char text[XDT_FILTER_TEXT];	/* lower-cased */
};

struct xdt_filter {
	unsigned int n;			/* 0: matches everything */
	struct xdt_filter_term t[XDT_FILTER_TERMS];
	const char *why;		/* after a failed parse: what to fix */
};

/*
 * Parse @s into @f. 0, or -EINVAL (a number that is not one), -E2BIG (too many
 * terms, or a value longer than XDT_FILTER_TEXT - 1), with f->why set. A keyword
 * without a value yet ("port:") is ignored, so a filter applied while it is being
 * typed never fails on that.
 */
int xdt_filter_parse(const char *s, struct xdt_filter *f);

/* 1 if @r matches every term of @f, else 0. */
int xdt_filter_match(const struct xdt_filter *f, const struct xdt_row *r);

#endif
