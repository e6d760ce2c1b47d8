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

struct gctx {
	const struct xdt_row *rows;
	const uint32_t *idx;
};

/* By process (pid, then name), then table position, so each group keeps table order. */
static int cmp_pos(const void *pa, const void *pb, void *arg)
{
	const struct gctx *c = arg;
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	const struct xdt_row *ra = &c->rows[c->idx[a]], *rb = &c->rows[c->idx[b]];
	int r;

	if (ra->pid != rb->pid)
		return ra->pid < rb->pid ? -1 : 1;
	r = strcmp(ra->process, rb->process);
	if (r)
		return r;
	return (a > b) - (a < b);
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
	struct gctx c = { s->rows, rs->idx };
	uint32_t *pos, *by;
	struct xdt_group *g;
	size_t ng = 0;

	if (rs->groups_valid)
		return 0;
	pos = malloc((rs->n ? rs->n : 1) * sizeof(*pos));
	by = malloc((rs->n ? rs->n : 1) * sizeof(*by));
	g = malloc((rs->n ? rs->n : 1) * sizeof(*g));
	if (!pos || !by || !g) {
		free(pos);
		free(by);
		free(g);
		return -ENOMEM;
	}
	for (size_t i = 0; i < rs->n; i++)
		pos[i] = (uint32_t)i;
	qsort_r(pos, rs->n, sizeof(*pos), cmp_pos, &c);
	for (size_t i = 0; i < rs->n; i++) {
		const struct xdt_row *r = &s->rows[rs->idx[pos[i]]];

		by[i] = rs->idx[pos[i]];
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
	free(pos);
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
