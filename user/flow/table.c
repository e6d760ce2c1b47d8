// SPDX-License-Identifier: GPL-2.0-only
#include <endian.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"
#include "tcp.h"
#include "../pkt/parse.h"
#include "../util/hash.h"

#define NS 1000000000ULL

/*
 * Idle timeouts. One table, mirrored in xdptop(8) "FLOW TIMEOUTS": change both.
 * Established TCP lives longest because idle keep-alive connections are normal;
 * closed and reset ones go quickly so the table shows what is live.
 */
static const uint64_t tcp_timeout[] = {
	[XDT_TCP_SYN_SENT] = 60 * NS,
	[XDT_TCP_SYN_RECV] = 60 * NS,
	[XDT_TCP_ESTABLISHED] = 600 * NS,
	[XDT_TCP_FIN_WAIT] = 120 * NS,
	[XDT_TCP_CLOSE_WAIT] = 120 * NS,
	[XDT_TCP_TIME_WAIT] = 30 * NS,
	[XDT_TCP_CLOSED] = 5 * NS,
	[XDT_TCP_RESET] = 5 * NS,
};
#define UDP_DNS_TIMEOUT (30 * NS)
#define UDP_TIMEOUT (60 * NS)
#define UDP_CLOSING_TIMEOUT (5 * NS)	/* QUIC draining: 3 PTO, well under 5 s */
#define ICMP_TIMEOUT (30 * NS)
#define ARP_TIMEOUT (30 * NS)
#define OTHER_TIMEOUT (60 * NS)
/* The shortest timeout above: an expiry walk stops at flows younger than this. */
#define MIN_TIMEOUT (5 * NS)

struct xdt_flow_table {
	struct xdt_flow **buckets;
	size_t mask;
	size_t count;
	size_t max;
	uint64_t seed;
	struct xdt_flow *lru_head;	/* most recently seen */
	struct xdt_flow *lru_tail;
	struct xdt_flow *free_list;	/* recycled entries, linked by hnext */
	xdt_flow_end_fn on_end;
	xdt_app_free_fn app_free;
	void *ctx;
	struct xdt_flow_table_stats stats;
};

const char *xdt_tcp_state_name(enum xdt_tcp_state s)
{
	static const char *const names[] = {
		[XDT_TCP_NONE] = "ACTIVE",
		[XDT_TCP_SYN_SENT] = "SYN_SENT",
		[XDT_TCP_SYN_RECV] = "SYN_RECV",
		[XDT_TCP_ESTABLISHED] = "ESTABLISHED",
		[XDT_TCP_FIN_WAIT] = "FIN_WAIT",
		[XDT_TCP_CLOSE_WAIT] = "CLOSE_WAIT",
		[XDT_TCP_TIME_WAIT] = "TIME_WAIT",
		[XDT_TCP_CLOSED] = "CLOSED",
		[XDT_TCP_RESET] = "RESET",
	};

	if ((unsigned int)s >= sizeof(names) / sizeof(names[0]))
		return "UNKNOWN";
	return names[s];
}

const char *xdt_flow_end_name(enum xdt_flow_end e)
{
	switch (e) {
	case XDT_END_IDLE:
		return "idle";
	case XDT_END_EVICTED:
		return "evicted";
	case XDT_END_REUSED:
		return "reused";
	case XDT_END_EXIT:
		return "exit";
	default:
		return "none";
	}
}

uint64_t xdt_flow_timeout_ns(const struct xdt_flow *f)
{
	const struct xdt_flow_key *k = &f->key;

	if (k->family == XDT_FAM_ARP)
		return ARP_TIMEOUT;
	switch (k->proto) {
	case 6:
		if (f->tcp_state < sizeof(tcp_timeout) / sizeof(tcp_timeout[0]) &&
		    tcp_timeout[f->tcp_state])
			return tcp_timeout[f->tcp_state];
		return OTHER_TIMEOUT;
	case 17:
		if (f->closing)
			return UDP_CLOSING_TIMEOUT;
		if (k->port_a == htobe16(53) || k->port_b == htobe16(53))
			return UDP_DNS_TIMEOUT;
		return UDP_TIMEOUT;
	case 1:
	case 58:
		return ICMP_TIMEOUT;
	default:
		return OTHER_TIMEOUT;
	}
}

void xdt_flow_key_make(struct xdt_flow_key *k, uint8_t family, uint8_t proto, uint16_t vlan,
		       const uint8_t *src, uint16_t sport, const uint8_t *dst, uint16_t dport,
		       uint8_t *from_a)
{
	size_t alen = family == XDT_FAM_IPV6 ? 16 : 4;
	int c;

	memset(k, 0, sizeof(*k));
	k->family = family;
	k->proto = proto;
	k->vlan = vlan;
	c = memcmp(src, dst, alen);
	if (c == 0)
		c = (int)sport - (int)dport;
	*from_a = c <= 0;
	if (*from_a) {
		memcpy(k->addr_a, src, alen);
		memcpy(k->addr_b, dst, alen);
		k->port_a = htobe16(sport);
		k->port_b = htobe16(dport);
	} else {
		memcpy(k->addr_a, dst, alen);
		memcpy(k->addr_b, src, alen);
		k->port_a = htobe16(dport);
		k->port_b = htobe16(sport);
	}
}

struct xdt_flow_table *xdt_flow_table_new(size_t max_flows, uint64_t seed,
					  xdt_flow_end_fn on_end, void *ctx)
{
	struct xdt_flow_table *t;
	size_t nb = 16;

	if (max_flows == 0) {
		errno = EINVAL;
		return NULL;
	}
	while (nb < max_flows && nb < ((size_t)1 << 40))
		nb <<= 1;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->buckets = calloc(nb, sizeof(*t->buckets));
	if (!t->buckets) {
		free(t);
		errno = ENOMEM;
		return NULL;
	}
	t->mask = nb - 1;
	t->max = max_flows;
	t->seed = seed;
	t->on_end = on_end;
	t->ctx = ctx;
	return t;
}

void xdt_flow_table_set_app_free(struct xdt_flow_table *t, xdt_app_free_fn fn)
{
	t->app_free = fn;
}

static void app_release(struct xdt_flow_table *t, struct xdt_flow *f)
{
	if (f->app && t->app_free)
		t->app_free(f->app);
	f->app = NULL;
}

void xdt_flow_table_free(struct xdt_flow_table *t)
{
	struct xdt_flow *f, *n;

	if (!t)
		return;
	for (f = t->lru_head; f; f = n) {
		n = f->lru_next;
		app_release(t, f);
		free(f);
	}
	for (f = t->free_list; f; f = n) {
		n = f->hnext;
		free(f);
	}
	free(t->buckets);
	free(t);
}

static struct xdt_flow **bucket_of(struct xdt_flow_table *t, const struct xdt_flow_key *k)
{
	return &t->buckets[xdt_hash_bytes(k, sizeof(*k), t->seed) & t->mask];
}

struct xdt_flow *xdt_flow_table_lookup(struct xdt_flow_table *t, const struct xdt_flow_key *k)
{
	struct xdt_flow *f;

	for (f = *bucket_of(t, k); f; f = f->hnext)
		if (!memcmp(&f->key, k, sizeof(*k)))
			return f;
	return NULL;
}

static void lru_unlink(struct xdt_flow_table *t, struct xdt_flow *f)
{
	if (f->lru_prev)
		f->lru_prev->lru_next = f->lru_next;
	else
		t->lru_head = f->lru_next;
	if (f->lru_next)
		f->lru_next->lru_prev = f->lru_prev;
	else
		t->lru_tail = f->lru_prev;
	f->lru_prev = f->lru_next = NULL;
}

static void lru_push_head(struct xdt_flow_table *t, struct xdt_flow *f)
{
	f->lru_prev = NULL;
	f->lru_next = t->lru_head;
	if (t->lru_head)
		t->lru_head->lru_prev = f;
	else
		t->lru_tail = f;
	t->lru_head = f;
}

/* Report @f as ended for @why, then unlink and recycle it. */
static void flow_end(struct xdt_flow_table *t, struct xdt_flow *f, enum xdt_flow_end why)
{
	struct xdt_flow **pp;

	f->end = (uint8_t)why;
	if (t->on_end)
		t->on_end(f, t->ctx);
	for (pp = bucket_of(t, &f->key); *pp; pp = &(*pp)->hnext) {
		if (*pp == f) {
			*pp = f->hnext;
			break;
		}
	}
	lru_unlink(t, f);
	app_release(t, f);
	t->count--;
	f->hnext = t->free_list;
	t->free_list = f;
}

static struct xdt_flow *flow_alloc(struct xdt_flow_table *t)
{
	struct xdt_flow *f = t->free_list;

	if (f) {
		t->free_list = f->hnext;
		memset(f, 0, sizeof(*f));
		return f;
	}
	return calloc(1, sizeof(*f));
}

/* Which endpoint started the flow, judged from its first packet. */
static int first_sender_is_initiator(const struct xdt_flow_pkt *p)
{
	if (p->key.proto == 6 && (p->tcp_flags & XDT_TCP_SYN) && (p->tcp_flags & XDT_TCP_ACK))
		return 0;
	if (p->icmp_echo == 2)
		return 0;
	return 1;
}

static void rate_add(struct xdt_flow_dir *d, uint32_t bytes, uint64_t ts)
{
	if (ts > d->rate_ns) {
		d->rate *= exp(-(double)(ts - d->rate_ns) / (double)XDT_RATE_TAU_NS);
		d->rate_ns = ts;
	}
	d->rate += (double)bytes * NS / (double)XDT_RATE_TAU_NS;
}

double xdt_flow_rate(const struct xdt_flow *f, enum xdt_dir d, uint64_t now_ns)
{
	const struct xdt_flow_dir *fd = &f->dir[d];

	if (now_ns <= fd->rate_ns)
		return fd->rate;
	return fd->rate * exp(-(double)(now_ns - fd->rate_ns) / (double)XDT_RATE_TAU_NS);
}

static struct xdt_flow *flow_create(struct xdt_flow_table *t, const struct xdt_flow_pkt *p)
{
	struct xdt_flow **b;
	struct xdt_flow *f;
	int sender_init;

	if (t->count >= t->max && t->lru_tail) {
		t->stats.evicted++;
		flow_end(t, t->lru_tail, XDT_END_EVICTED);
	}
	f = flow_alloc(t);
	if (!f)
		return NULL;
	f->key = p->key;
	f->first_ns = f->last_ns = p->ts_ns;
	sender_init = first_sender_is_initiator(p);
	f->init_is_a = sender_init ? p->from_a : !p->from_a;
	if (p->key.proto == 6 && p->key.family != XDT_FAM_ARP) {
		f->tcp_state = xdt_tcp_initial(p->tcp_flags);
		f->syn_seen = !!(p->tcp_flags & XDT_TCP_SYN);
	}
	b = bucket_of(t, &p->key);
	f->hnext = *b;
	*b = f;
	lru_push_head(t, f);
	t->count++;
	t->stats.created++;
	return f;
}

/* Count @f once as a refused connection attempt to its responder's port. */
static void note_refused(struct xdt_flow_table *t, struct xdt_flow *f)
{
	uint16_t port = be16toh(f->init_is_a ? f->key.port_b : f->key.port_a);
	struct xdt_flow_table_stats *st = &t->stats;
	uint32_t i;

	if (f->refused)
		return;
	f->refused = 1;
	for (i = 0; i < st->n_closed; i++) {
		if (st->closed[i].port == port) {
			st->closed[i].count++;
			return;
		}
	}
	if (st->n_closed < XDT_CLOSED_PORTS_MAX)
		st->closed[st->n_closed++] = (struct xdt_closed_port){ port, 1 };
	else
		st->closed_other++;
}

static int is_pure_syn(const struct xdt_flow_pkt *p)
{
	return p->key.proto == 6 && p->key.family != XDT_FAM_ARP &&
	       (p->tcp_flags & (XDT_TCP_SYN | XDT_TCP_ACK | XDT_TCP_RST)) == XDT_TCP_SYN;
}

struct xdt_flow *xdt_flow_table_update(struct xdt_flow_table *t, const struct xdt_flow_pkt *p)
{
	struct xdt_flow *f = xdt_flow_table_lookup(t, &p->key);
	int from_init, created = 0;
	struct xdt_flow_dir *d;

	if (f && is_pure_syn(p) &&
	    (f->tcp_state == XDT_TCP_TIME_WAIT || f->tcp_state == XDT_TCP_CLOSED ||
	     f->tcp_state == XDT_TCP_RESET)) {
		/* A new connection on the old port pair: report the old one whole. */
		t->stats.reused++;
		flow_end(t, f, XDT_END_REUSED);
		f = NULL;
	}
	if (!f) {
		f = flow_create(t, p);
		if (!f)
			return NULL;
		created = 1;
	} else {
		lru_unlink(t, f);
		lru_push_head(t, f);
		if (is_pure_syn(p) && !f->syn_seen) {
			/* Picked up mid-stream, now a SYN says who initiates. */
			if (f->init_is_a != p->from_a) {
				struct xdt_flow_dir tmp = f->dir[0];

				f->dir[0] = f->dir[1];
				f->dir[1] = tmp;
				f->init_is_a = p->from_a;
			}
			f->syn_seen = 1;
		}
	}
	from_init = p->from_a == f->init_is_a;
	d = &f->dir[from_init ? XDT_DIR_OUT : XDT_DIR_IN];
	d->pkts++;
	d->bytes += p->bytes;
	rate_add(d, p->bytes, p->ts_ns);
	if (p->ts_ns > f->last_ns)
		f->last_ns = p->ts_ns;
	if (!created && f->tcp_state) {
		if (f->tcp_state == XDT_TCP_SYN_SENT && !from_init && (p->tcp_flags & XDT_TCP_RST))
			note_refused(t, f);
		f->tcp_state = xdt_tcp_next(f->tcp_state, from_init, p->tcp_flags);
	}
	return f;
}

struct xdt_flow *xdt_flow_table_sync(struct xdt_flow_table *t, const struct xdt_flow_sync *s)
{
	struct xdt_flow *f = xdt_flow_table_lookup(t, &s->key);
	int a_out, i;

	if (f) {
		a_out = f->init_is_a;
		for (i = 0; i < 2; i++) {
			const struct xdt_flow_dir *d = &f->dir[(i == 0) == a_out ? XDT_DIR_OUT
										  : XDT_DIR_IN];

			if (s->pkts[i] < d->pkts || s->bytes[i] < d->bytes) {
				t->stats.evicted++;
				flow_end(t, f, XDT_END_EVICTED);
				f = NULL;
				break;
			}
		}
	}
	if (!f) {
		struct xdt_flow_pkt p = { .key = s->key, .from_a = s->init_is_a, .ts_ns = s->first_ns };

		f = flow_create(t, &p);
		if (!f)
			return NULL;
		f->init_is_a = s->init_is_a;
	} else {
		lru_unlink(t, f);
		lru_push_head(t, f);
	}
	a_out = f->init_is_a;
	for (i = 0; i < 2; i++) {
		struct xdt_flow_dir *d = &f->dir[(i == 0) == a_out ? XDT_DIR_OUT : XDT_DIR_IN];
		uint64_t delta = s->bytes[i] - d->bytes;

		if (delta)
			rate_add(d, (uint32_t)(delta > UINT32_MAX ? UINT32_MAX : delta), s->last_ns);
		d->pkts = s->pkts[i];
		d->bytes = s->bytes[i];
	}
	if (s->first_ns < f->first_ns)
		f->first_ns = s->first_ns;
	if (s->last_ns > f->last_ns)
		f->last_ns = s->last_ns;
	f->tcp_state = s->tcp_state;
	f->sync_gen = s->gen;
	if (s->cookie)
		f->cookie = s->cookie;
	if (s->refused)
		note_refused(t, f);
	return f;
}

void xdt_flow_table_end_idle(struct xdt_flow_table *t, struct xdt_flow *f)
{
	t->stats.expired++;
	flow_end(t, f, XDT_END_IDLE);
}

void xdt_flow_table_end_evicted(struct xdt_flow_table *t, struct xdt_flow *f)
{
	t->stats.evicted++;
	flow_end(t, f, XDT_END_EVICTED);
}

int xdt_flow_table_full(const struct xdt_flow_table *t)
{
	return t->count >= t->max;
}

struct xdt_flow *xdt_flow_table_oldest(struct xdt_flow_table *t)
{
	return t->lru_tail;
}

void xdt_flow_table_end_unsynced(struct xdt_flow_table *t, uint32_t gen)
{
	struct xdt_flow *f = t->lru_head, *next;

	for (; f; f = next) {
		next = f->lru_next;
		if (f->sync_gen != gen) {
			t->stats.evicted++;
			flow_end(t, f, XDT_END_EVICTED);
		}
	}
}

void xdt_flow_table_expire(struct xdt_flow_table *t, uint64_t now_ns)
{
	struct xdt_flow *f = t->lru_tail, *prev;

	/* The LRU list is in order of last packet, so the walk stops at the young. */
	while (f && now_ns > f->last_ns && now_ns - f->last_ns >= MIN_TIMEOUT) {
		prev = f->lru_prev;
		if (now_ns - f->last_ns >= xdt_flow_timeout_ns(f)) {
			t->stats.expired++;
			flow_end(t, f, XDT_END_IDLE);
		}
		f = prev;
	}
}

size_t xdt_flow_table_count(const struct xdt_flow_table *t)
{
	return t->count;
}

const struct xdt_flow_table_stats *xdt_flow_table_stats(const struct xdt_flow_table *t)
{
	return &t->stats;
}

void xdt_flow_table_each(struct xdt_flow_table *t, void (*fn)(struct xdt_flow *f, void *ctx),
			 void *ctx)
{
	struct xdt_flow *f;

	for (f = t->lru_head; f; f = f->lru_next)
		fn(f, ctx);
}

static int by_first_seen(const void *a, const void *b)
{
	const struct xdt_flow *x = *(const struct xdt_flow *const *)a;
	const struct xdt_flow *y = *(const struct xdt_flow *const *)b;

	if (x->first_ns != y->first_ns)
		return x->first_ns < y->first_ns ? -1 : 1;
	return memcmp(&x->key, &y->key, sizeof(x->key));
}

size_t xdt_flow_table_list(struct xdt_flow_table *t, const struct xdt_flow **out, size_t cap)
{
	const struct xdt_flow *f;
	size_t n = 0;

	for (f = t->lru_head; f && n < cap; f = f->lru_next)
		out[n++] = f;
	qsort(out, n, sizeof(*out), by_first_seen);
	return n;
}
