/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Orders of the connection table. The table sorts an array of row indices, never
 * the rows: a snapshot is immutable and shared with the producer. Pure (no curses).
 */
#ifndef XDT_UI_SORT_H
#define XDT_UI_SORT_H

#include <stddef.h>
#include <stdint.h>

#include "view/snapshot.h"

enum xdt_sort_key {
	XDT_SORT_RATE,		/* down + up rate: the default */
	XDT_SORT_DOWN,		/* bps_in: responder to initiator */
	XDT_SORT_UP,		/* bps_out */
	XDT_SORT_TOTAL,		/* bytes_in + bytes_out */
	XDT_SORT_PROTO,
	XDT_SORT_LOCAL,		/* src, then sport */
	XDT_SORT_REMOTE,	/* dst, then dport */
	XDT_SORT_STATE,
	XDT_SORT_SERVICE,
	XDT_SORT_APP,		/* app, or app_proto when there is none: as shown */
	XDT_SORT_PROCESS,	/* name, then pid */
	XDT_SORT_COUNTRY,
	XDT_SORT__COUNT,
};

struct xdt_sort {
	enum xdt_sort_key key;
	int desc;		/* descending */
	int names;		/* LOCAL/REMOTE: order by the DNS name where one is shown */
};

/* Total rate, descending. */
void xdt_sort_init(struct xdt_sort *s);

/* The next key in the cycle, in its natural direction (numbers down, text up). */
void xdt_sort_next(struct xdt_sort *s);

/* "rate", "down", ..., for the status line. */
const char *xdt_sort_name(enum xdt_sort_key k);

/*
 * <0, 0, >0 as @a goes before, with, after @b. Unknown values ("" text, pid 0)
 * go last in both directions: reversing the order must not bring blanks to the top.
 */
int xdt_sort_cmp(const struct xdt_row *a, const struct xdt_row *b, const struct xdt_sort *s);

/*
 * Sort @idx[0..n) (indices into @rows) by @s; equal rows keep their index order,
 * so the table does not shuffle between snapshots. 0, or -ENOMEM when the
 * per-row address keys could not be allocated: @idx is sorted all the same, only
 * more slowly.
 */
int xdt_sort_index(const struct xdt_row *rows, uint32_t *idx, size_t n, const struct xdt_sort *s);

#endif
