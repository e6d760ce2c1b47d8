/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The rows a snapshot shows: filtered, sorted, and grouped by process. Cached by
 * (snapshot seq, sort, filter text, hide-local), so a redraw for a key press or
 * a clock tick costs nothing, and 100,000 rows are sorted once per snapshot.
 * Pure (no curses): sorts an index array, never the snapshot.
 */
#ifndef XDT_UI_ROWSET_H
#define XDT_UI_ROWSET_H

#include <stddef.h>
#include <stdint.h>

#include "filter.h"
#include "sort.h"
#include "view/snapshot.h"

#define XDT_ROWSET_NONE ((size_t)-1)

/* One process of the Processes tab: its rows are by_group[first .. first + n). */
struct xdt_group {
	int32_t pid;
	const char *name;	/* into the snapshot's rows; "" when unknown */
	uint32_t first, n;
	double bps_in, bps_out;
	uint64_t bytes;
};

struct xdt_rowset {
	uint32_t *idx;		/* rows shown, in table order */
	size_t n, cap;
	/* What idx was built from. */
	int valid;
	uint64_t seq;
	struct xdt_sort sort;
	char filter[128];
	int hide_local;
	/* Process groups, built on demand from idx. */
	int groups_valid;
	uint32_t *by_group;	/* idx, each group's rows together, table order inside */
	struct xdt_group *groups;
	size_t n_groups;
};

void xdt_rowset_init(struct xdt_rowset *rs);
void xdt_rowset_fini(struct xdt_rowset *rs);

/*
 * Make rs->idx the rows of @s that match @f (whose text is @ftext) and are not
 * hidden by @hide_local, in @sort order. 1 if rebuilt, 0 if the cache held,
 * -ENOMEM (then rs->n is 0).
 */
int xdt_rowset_update(struct xdt_rowset *rs, const struct xdt_snapshot *s,
		      const struct xdt_sort *sort, const struct xdt_filter *f, const char *ftext,
		      int hide_local);

/* Build rs->groups for @s (the snapshot of the last update), busiest first. 0 / -ENOMEM. */
int xdt_rowset_groups(struct xdt_rowset *rs, const struct xdt_snapshot *s);

/* Position in rs->idx of the row with key @k, or XDT_ROWSET_NONE. */
size_t xdt_rowset_find(const struct xdt_rowset *rs, const struct xdt_snapshot *s,
		       const struct xdt_flow_key *k);

/* Whether @a and @b name the same connection. */
int xdt_rowset_same_key(const struct xdt_flow_key *a, const struct xdt_flow_key *b);

#endif
