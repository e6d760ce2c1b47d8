// SPDX-License-Identifier: GPL-2.0-only
/* Comparators for the connection table, and the index sort that uses them. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sort.h"

static const char *const names[XDT_SORT__COUNT] = {
	[XDT_SORT_RATE] = "rate",	[XDT_SORT_DOWN] = "down",
	[XDT_SORT_UP] = "up",		[XDT_SORT_TOTAL] = "total",
	[XDT_SORT_PROTO] = "proto",	[XDT_SORT_LOCAL] = "local",
	[XDT_SORT_REMOTE] = "remote",	[XDT_SORT_STATE] = "state",
	[XDT_SORT_SERVICE] = "service", [XDT_SORT_APP] = "app",
	[XDT_SORT_PROCESS] = "process", [XDT_SORT_COUNTRY] = "country",
};

void xdt_sort_init(struct xdt_sort *s)
{
	s->key = XDT_SORT_RATE;
	s->desc = 1;
	s->names = 0;
}

static int numeric(enum xdt_sort_key k)
{
	return k == XDT_SORT_RATE || k == XDT_SORT_DOWN || k == XDT_SORT_UP ||
	       k == XDT_SORT_TOTAL;
}

void xdt_sort_next(struct xdt_sort *s)
{
	s->key = (enum xdt_sort_key)((s->key + 1) % XDT_SORT__COUNT);
	s->desc = numeric(s->key);
}

const char *xdt_sort_name(enum xdt_sort_key k)
{
	return k < XDT_SORT__COUNT ? names[k] : "?";
}

static int cmp_num(double a, double b)
{
	return (a > b) - (a < b);
}

/*
 * What one row is sorted by, extracted once: comparing these small items instead
 * of reaching into ~600-byte rows keeps a 100,000-row sort cache-friendly, and
 * inet_pton runs once per row instead of twice per comparison. 32 bytes: glibc's
 * qsort moves items that small directly instead of sorting pointers to them.
 */
struct item {
	union {
		struct {
			double num;	/* the number, or the pid for PROCESS */
			const char *str; /* the text; for endpoints the DNS name shown */
		};
		uint8_t addr[16];	/* endpoints without a name shown */
	};
	uint32_t idx;
	uint16_t port;
	uint8_t fam;		/* endpoints: 0 IPv4, 1 IPv6, 2 unparsable, 3 named */
	uint8_t blank;		/* unknown value: last in both directions */
};

_Static_assert(sizeof(struct item) <= 32, "keep sort items small");

static void item(const struct xdt_row *r, const struct xdt_sort *s, uint32_t idx, struct item *it)
{
	int initiator = s->key == XDT_SORT_LOCAL;
	const char *addr, *name;

	memset(it, 0, sizeof(*it));
	it->idx = idx;
	switch (s->key) {
	case XDT_SORT_RATE:
		it->num = r->bps_in + r->bps_out;
		return;
	case XDT_SORT_DOWN:
		it->num = r->bps_in;
		return;
	case XDT_SORT_UP:
		it->num = r->bps_out;
		return;
	case XDT_SORT_TOTAL:
		it->num = (double)r->bytes_in + (double)r->bytes_out;
		return;
	case XDT_SORT_PROTO:
		it->str = r->proto_name;
		break;
	case XDT_SORT_STATE:
		it->str = r->state;
		break;
	case XDT_SORT_SERVICE:
		it->str = r->service;
		break;
	case XDT_SORT_APP:
		/* What the App column shows: the name, else the protocol. */
		it->str = r->app[0] ? r->app : r->app_proto;
		break;
	case XDT_SORT_COUNTRY:
		it->str = r->country;
		break;
	case XDT_SORT_PROCESS:
		it->str = r->process;
		it->num = r->pid;
		it->blank = r->pid <= 0 && !r->process[0];
		return;
	case XDT_SORT_LOCAL:
	case XDT_SORT_REMOTE:
		addr = initiator ? r->src : r->dst;
		name = initiator ? r->src_name : r->dst_name;
		it->port = initiator ? r->sport : r->dport;
		/* What is shown: the name where there is one, else the address. */
		if (s->names && name[0]) {
			it->str = name;
			it->fam = 3;
			return;
		}
		if (inet_pton(AF_INET, addr, it->addr) == 1)
			it->fam = 0;
		else if (inet_pton(AF_INET6, addr, it->addr) == 1)
			it->fam = 1;
		else
			it->fam = 2;
		return;
	case XDT_SORT__COUNT:
		return;
	}
	it->blank = !it->str[0];
}

static int endpoint(const struct item *a, const struct item *b)
{
	int c;

	if (a->fam == 3 || b->fam == 3) {
		if (a->fam != b->fam)
			return a->fam == 3 ? -1 : 1;	/* named first */
		c = strcasecmp(a->str, b->str);
	} else if (a->fam != b->fam) {
		c = a->fam - b->fam;
	} else {
		c = memcmp(a->addr, b->addr, sizeof(a->addr));
	}
	if (c)
		return (c > 0) - (c < 0);
	return cmp_num(a->port, b->port);
}

/* Items in @s's order; 0 for equal values (the caller breaks the tie). */
static int cmp_items(const struct item *a, const struct item *b, const struct xdt_sort *s)
{
	int c;

	if (a->blank || b->blank)
		return a->blank - b->blank;	/* not reversed: blanks stay last */
	switch (s->key) {
	case XDT_SORT_LOCAL:
	case XDT_SORT_REMOTE:
		c = endpoint(a, b);
		break;
	case XDT_SORT_RATE:
	case XDT_SORT_DOWN:
	case XDT_SORT_UP:
	case XDT_SORT_TOTAL:
		c = cmp_num(a->num, b->num);
		break;
	default:
		c = strcasecmp(a->str, b->str);
		c = (c > 0) - (c < 0);
		if (!c && s->key == XDT_SORT_PROCESS)
			c = cmp_num(a->num, b->num);
		break;
	}
	return s->desc ? -c : c;
}

int xdt_sort_cmp(const struct xdt_row *a, const struct xdt_row *b, const struct xdt_sort *s)
{
	struct item ia, ib;
	int c;

	item(a, s, 0, &ia);
	item(b, s, 0, &ib);
	c = cmp_items(&ia, &ib, s);
	if (c)
		return c;
	/* Ties: oldest connection first, then the key, so the order is total. */
	c = cmp_num((double)a->first_ns, (double)b->first_ns);
	if (c)
		return c;
	c = memcmp(&a->key, &b->key, sizeof(a->key));
	return (c > 0) - (c < 0);
}

static int cmp_idx(const void *pa, const void *pb, void *arg)
{
	const struct item *a = pa, *b = pb;
	int c = cmp_items(a, b, arg);

	if (c)
		return c;
	return (a->idx > b->idx) - (a->idx < b->idx);
}

/* The slow way, without memory for the items: through the rows. */
struct rctx {
	const struct xdt_row *rows;
	const struct xdt_sort *s;
};

static int cmp_rows(const void *pa, const void *pb, void *arg)
{
	const struct rctx *c = arg;
	uint32_t ia = *(const uint32_t *)pa, ib = *(const uint32_t *)pb;
	struct item a, b;
	int r;

	item(&c->rows[ia], c->s, ia, &a);
	item(&c->rows[ib], c->s, ib, &b);
	r = cmp_items(&a, &b, c->s);
	if (r)
		return r;
	return (ia > ib) - (ia < ib);
}

/* A double as an unsigned key with the same order (descending: reversed). */
static uint64_t radix_key(double v, int desc)
{
	uint64_t b;

	if (v == 0)
		v = 0;	/* -0.0 and 0.0 are equal, as cmp_num says */
	memcpy(&b, &v, sizeof(b));
	b = b >> 63 ? ~b : b | 1ULL << 63;
	return desc ? ~b : b;
}

/*
 * Numbers (the default sort, and every snapshot's): a stable LSD radix sort on
 * the keys, a few milliseconds for 100,000 rows where qsort takes tens. Stable,
 * so ties keep their order in @idx, which is ascending.
 */
static int radix(const struct xdt_row *rows, uint32_t *idx, size_t n, const struct xdt_sort *s)
{
	uint64_t *k = malloc(2 * n * sizeof(*k));
	uint32_t *t = malloc(n * sizeof(*t));
	uint64_t *sk, *dk;
	uint32_t *si, *di;

	if (!k || !t) {
		free(k);
		free(t);
		return -ENOMEM;
	}
	sk = k, dk = k + n, si = idx, di = t;
	for (size_t i = 0; i < n; i++) {
		struct item it;

		item(&rows[idx[i]], s, idx[i], &it);
		sk[i] = radix_key(it.num, s->desc);
	}
	for (unsigned int shift = 0; shift < 64; shift += 8) {
		size_t count[256] = { 0 }, pos = 0;
		uint64_t *tk;
		uint32_t *ti;

		for (size_t i = 0; i < n; i++)
			count[sk[i] >> shift & 255]++;
		if (count[sk[0] >> shift & 255] == n)
			continue;	/* every key has this byte: nothing to move */
		for (unsigned int b = 0; b < 256; b++) {
			size_t c = count[b];

			count[b] = pos;
			pos += c;
		}
		for (size_t i = 0; i < n; i++) {
			size_t d = count[sk[i] >> shift & 255]++;

			dk[d] = sk[i];
			di[d] = si[i];
		}
		tk = sk, sk = dk, dk = tk;
		ti = si, si = di, di = ti;
	}
	if (si != idx)
		memcpy(idx, si, n * sizeof(*idx));
	free(k);
	free(t);
	return 0;
}

static int ascending(const uint32_t *idx, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (idx[i - 1] >= idx[i])
			return 0;
	return 1;
}

int xdt_sort_index(const struct xdt_row *rows, uint32_t *idx, size_t n, const struct xdt_sort *s)
{
	struct xdt_sort order = *s;	/* qsort_r's context is not const */
	struct item *items;

	if (!n)
		return 0;
	/* The radix sort breaks ties by position: right when positions are index order. */
	if ((s->key == XDT_SORT_RATE || s->key == XDT_SORT_DOWN || s->key == XDT_SORT_UP ||
	     s->key == XDT_SORT_TOTAL) && ascending(idx, n) && !radix(rows, idx, n, s))
		return 0;
	items = malloc(n * sizeof(*items));
	if (!items) {
		struct rctx c = { rows, s };

		qsort_r(idx, n, sizeof(*idx), cmp_rows, &c);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		item(&rows[idx[i]], s, idx[i], &items[i]);
	qsort_r(items, n, sizeof(*items), cmp_idx, &order);
	for (size_t i = 0; i < n; i++)
		idx[i] = items[i].idx;
	free(items);
	return 0;
}
