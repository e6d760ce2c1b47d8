// SPDX-License-Identifier: GPL-2.0-only
/* Filtered, sorted and grouped rows of a snapshot, cached between redraws. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rowset.h"

void xdt_rowset_init(struct xdt_rowset *rs)
{
	memset(rs, 0, sizeof(*rs));
}

void xdt_rowset_fini(struct xdt_rowset *rs)
{
	free(rs->idx);
	free(rs->by_group);
	free(rs->groups);
	memset(rs, 0, sizeof(*rs));
}

int xdt_rowset_same_key(const struct xdt_flow_key *a, const struct xdt_flow_key *b)
{
	return !memcmp(a, b, sizeof(*a));
}

static int same_inputs(const struct xdt_rowset *rs, const struct xdt_snapshot *s,
		       const struct xdt_sort *sort, const char *ftext, int hide_local)
{
	return rs->valid && rs->seq == s->seq && rs->sort.key == sort->key &&
	       rs->sort.desc == sort->desc && rs->sort.names == sort->names &&
	       rs->hide_local == hide_local && !strcmp(rs->filter, ftext);
}

int xdt_rowset_update(struct xdt_rowset *rs, const struct xdt_snapshot *s,
		      const struct xdt_sort *sort, const struct xdt_filter *f, const char *ftext,
		      int hide_local)
{
	if (same_inputs(rs, s, sort, ftext, hide_local))
		return 0;
	rs->valid = 0;
	rs->groups_valid = 0;
	rs->n = 0;
	if (s->n_rows > rs->cap) {
		uint32_t *p = realloc(rs->idx, s->n_rows * sizeof(*p));

		if (!p)
			return -ENOMEM;
		rs->idx = p;
		rs->cap = s->n_rows;
	}
	for (size_t i = 0; i < s->n_rows; i++) {
		const struct xdt_row *r = &s->rows[i];

		if (hide_local && r->local)
			continue;
		if (!xdt_filter_match(f, r))
			continue;
		rs->idx[rs->n++] = (uint32_t)i;
	}
	/* -ENOMEM from the sort still leaves idx sorted (slowly): not an error here. */
	xdt_sort_index(s->rows, rs->idx, rs->n, sort);
	rs->seq = s->seq;
	rs->sort = *sort;
	snprintf(rs->filter, sizeof(rs->filter), "%s", ftext);
	rs->hide_local = hide_local;
	rs->valid = 1;
	return 1;
}

/* A row's process and its table position: small, so the grouping sort stays in cache. */
struct gitem {
	const char *name;
	int32_t pid;
	uint32_t pos;
};

/* By process (pid, then name), then table position, so each group keeps table order. */
static int cmp_gitem(const void *pa, const void *pb)
{
	const struct gitem *a = pa, *b = pb;
	int r;

	if (a->pid != b->pid)
		return a->pid < b->pid ? -1 : 1;
	r = strcmp(a->name, b->name);
	if (r)
		return r;
	return (a->pos > b->pos) - (a->pos < b->pos);
}

/* Busiest first; unknown processes last; then by name and pid for a stable order. */
static int cmp_group(const void *pa, const void *pb)
{
	const struct xdt_group *a = pa, *b = pb;
	int ua = a->pid <= 0 && !a->name[0], ub = b->pid <= 0 && !b->name[0];
	double ra = a->bps_in + a->bps_out, rb = b->bps_in + b->bps_out;
	int r;

	if (ua != ub)
		return ua - ub;
	if (ra != rb)
		return ra > rb ? -1 : 1;
	r = strcasecmp(a->name, b->name);
	if (r)
		return r;
	return (a->pid > b->pid) - (a->pid < b->pid);
}

int xdt_rowset_groups(struct xdt_rowset *rs, const struct xdt_snapshot *s)
{
	size_t n = rs->n ? rs->n : 1, ng = 0;
	struct gitem *it;
	struct xdt_group *g;
	uint32_t *by;

	if (rs->groups_valid)
		return 0;
	it = malloc(n * sizeof(*it));
	by = malloc(n * sizeof(*by));
	g = malloc(n * sizeof(*g));
	if (!it || !by || !g) {
		free(it);
		free(by);
		free(g);
		return -ENOMEM;
	}
	for (size_t i = 0; i < rs->n; i++) {
		const struct xdt_row *r = &s->rows[rs->idx[i]];

		it[i] = (struct gitem){ r->process, r->pid, (uint32_t)i };
	}
	qsort(it, rs->n, sizeof(*it), cmp_gitem);
	for (size_t i = 0; i < rs->n; i++) {
		const struct xdt_row *r = &s->rows[rs->idx[it[i].pos]];

		by[i] = rs->idx[it[i].pos];
		if (!ng || g[ng - 1].pid != r->pid || strcmp(g[ng - 1].name, r->process)) {
			memset(&g[ng], 0, sizeof(g[ng]));
			g[ng].pid = r->pid;
			g[ng].name = r->process;
			g[ng].first = (uint32_t)i;
			ng++;
		}
		g[ng - 1].n++;
		g[ng - 1].bps_in += r->bps_in;
		g[ng - 1].bps_out += r->bps_out;
		g[ng - 1].bytes += r->bytes_in + r->bytes_out;
	}
	qsort(g, ng, sizeof(*g), cmp_group);
	free(it);
	free(rs->by_group);
	free(rs->groups);
	rs->by_group = by;
	rs->groups = g;
	rs->n_groups = ng;
	rs->groups_valid = 1;
	return 0;
}

size_t xdt_rowset_find(const struct xdt_rowset *rs, const struct xdt_snapshot *s,
		       const struct xdt_flow_key *k)
{
	for (size_t i = 0; i < rs->n; i++)
		if (xdt_rowset_same_key(&s->rows[rs->idx[i]].key, k))
			return i;
	return XDT_ROWSET_NONE;
}
