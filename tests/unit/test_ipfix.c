// SPDX-License-Identifier: GPL-2.0-only
/*
 * The IPFIX exporter (user/export/ipfix.c), read back the way a collector reads
 * it: the messages it sends are decoded by a minimal RFC 7011 decoder written
 * here from the RFC (headers, template sets, data sets decoded with the
 * templates received so far, variable-length fields), not from the exporter's
 * structs, and the records are checked against the packets the flows carried.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "export/ipfix.h"
#include "frames.h"
#include "pkt/parse.h"

#define S 1000000000ULL
#define T0 (1795462525ULL * S + 123456789ULL) /* wall clock, sub-millisecond part */
#define PEN 32473u
#define MAX_MSGS 1024

/* --- the collector side ----------------------------------------------------- */

struct sink {
	uint8_t *msg[MAX_MSGS];
	size_t len[MAX_MSGS];
	size_t n;
	size_t calls;
	uint64_t fail_mask; /* bit i: the i-th call fails */
};

static int sink_send(void *ctx, const uint8_t *m, size_t len)
{
	struct sink *s = ctx;
	size_t call = s->calls++;

	if (call < 64 && (s->fail_mask >> call & 1))
		return -ENOBUFS;
	cr_assert_lt(s->n, MAX_MSGS);
	s->msg[s->n] = malloc(len);
	cr_assert_not_null(s->msg[s->n]);
	memcpy(s->msg[s->n], m, len);
	s->len[s->n++] = len;
	return 0;
}

static void sink_fini(struct sink *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->msg[i]);
}

struct ie {
	uint16_t id, len;
	uint32_t pen;
};

struct tmpl {
	int n; /* 0: not received */
	struct ie f[64];
};

struct mhdr {
	uint16_t version, len;
	uint32_t export_s, seq, domain;
	int n_tsets;		 /* template sets */
	int n_templates;	 /* template records in them */
	int first_set_templates; /* the message starts with a template set */
	size_t n_recs;
};

struct rec {
	size_t msg;
	uint16_t tmpl;
	int alen;
	uint8_t src[16], dst[16];
	uint16_t sport, dport, vlan;
	uint8_t proto, reason, biflow;
	uint64_t octets, pkts, start_ms, end_ms;
	char proc[1024], server[1024], app_proto[1024];
	size_t proc_len, server_len, app_proto_len;
	uint32_t pid;
	int n_fields;
};

struct dec {
	struct tmpl t[256]; /* by template id - 256 */
	struct mhdr m[MAX_MSGS];
	size_t n_msgs;
	struct rec *r;
	size_t n_recs, cap;
};

static uint64_t rd(const uint8_t *p, size_t n)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static void dec_template_set(struct dec *d, struct mhdr *h, const uint8_t *p, size_t n)
{
	size_t off = 0;
	int i;

	while (n - off >= 4) {
		uint16_t id = (uint16_t)rd(p + off, 2), count = (uint16_t)rd(p + off + 2, 2);
		struct tmpl *t;

		off += 4;
		cr_assert(id >= 256 && id < 512, "template id %u", id);
		cr_assert(count > 0 && count <= 64);
		t = &d->t[id - 256];
		t->n = count;
		for (i = 0; i < count; i++) {
			cr_assert_leq(off + 4, n, "template %u cut", id);
			t->f[i].id = (uint16_t)rd(p + off, 2);
			t->f[i].len = (uint16_t)rd(p + off + 2, 2);
			t->f[i].pen = 0;
			off += 4;
			if (t->f[i].id & 0x8000) {
				cr_assert_leq(off + 4, n);
				t->f[i].id &= 0x7fff;
				t->f[i].pen = (uint32_t)rd(p + off, 4);
				off += 4;
			}
		}
		h->n_templates++;
	}
	cr_assert_eq(off, n, "template set has %zu stray bytes", n - off);
}

static void str_field(char *dst, size_t *dst_len, const uint8_t *p, size_t n)
{
	cr_assert_lt(n, 1024, "a %zu-byte string", n);
	memcpy(dst, p, n);
	dst[n] = '\0';
	*dst_len = n;
}

static void assign(struct rec *r, const struct ie *e, const uint8_t *p, size_t n)
{
	uint64_t v = n <= 8 ? rd(p, n) : 0;

	r->n_fields++;
	if (e->pen == PEN) {
		switch (e->id) {
		case 1:
			str_field(r->proc, &r->proc_len, p, n);
			return;
		case 2:
			r->pid = (uint32_t)v;
			return;
		case 3:
			str_field(r->server, &r->server_len, p, n);
			return;
		case 4:
			str_field(r->app_proto, &r->app_proto_len, p, n);
			return;
		}
	} else if (e->pen == 0) {
		switch (e->id) {
		case 8:
		case 27:
			cr_assert_leq(n, 16);
			memcpy(r->src, p, n);
			r->alen = (int)n;
			return;
		case 12:
		case 28:
			cr_assert_leq(n, 16);
			memcpy(r->dst, p, n);
			return;
		case 7:
			r->sport = (uint16_t)v;
			return;
		case 11:
			r->dport = (uint16_t)v;
			return;
		case 4:
			r->proto = (uint8_t)v;
			return;
		case 58:
			r->vlan = (uint16_t)v;
			return;
		case 1:
			r->octets = v;
			return;
		case 2:
			r->pkts = v;
			return;
		case 152:
			r->start_ms = v;
			return;
		case 153:
			r->end_ms = v;
			return;
		case 136:
			r->reason = (uint8_t)v;
			return;
		case 239:
			r->biflow = (uint8_t)v;
			return;
		}
	}
	cr_assert_fail("unexpected element %u/%u", e->pen, e->id);
}

static size_t min_record(const struct tmpl *t)
{
	size_t n = 0;
	int i;

	for (i = 0; i < t->n; i++)
		n += t->f[i].len == 0xffff ? 1 : t->f[i].len;
	return n;
}

static void dec_data_set(struct dec *d, struct mhdr *h, uint16_t id, const uint8_t *p, size_t n)
{
	const struct tmpl *t;
	size_t off = 0;
	int i;

	cr_assert(id >= 256 && id < 512, "set id %u", id);
	t = &d->t[id - 256];
	cr_assert_gt(t->n, 0, "data set %u before its template", id);
	while (off < n) {
		struct rec *r;

		if (n - off < min_record(t)) {
			for (; off < n; off++)
				cr_assert_eq(p[off], 0, "padding must be zero");
			break;
		}
		if (d->n_recs == d->cap) {
			d->cap = d->cap ? 2 * d->cap : 64;
			d->r = realloc(d->r, d->cap * sizeof(*d->r));
			cr_assert_not_null(d->r);
		}
		r = &d->r[d->n_recs++];
		memset(r, 0, sizeof(*r));
		r->msg = d->n_msgs;
		r->tmpl = id;
		for (i = 0; i < t->n; i++) {
			size_t len = t->f[i].len;

			if (len == 0xffff) {
				cr_assert_lt(off, n);
				len = p[off++];
				if (len == 255) {
					cr_assert_leq(off + 2, n);
					len = (size_t)rd(p + off, 2);
					off += 2;
				}
			}
			cr_assert_leq(off + len, n, "field %d of a record runs past its set", i);
			assign(r, &t->f[i], p + off, len);
			off += len;
		}
		h->n_recs++;
	}
}

static void dec_msg(struct dec *d, const uint8_t *p, size_t n)
{
	struct mhdr *h = &d->m[d->n_msgs];
	size_t off = 16;

	memset(h, 0, sizeof(*h));
	cr_assert_geq(n, 16);
	h->version = (uint16_t)rd(p, 2);
	h->len = (uint16_t)rd(p + 2, 2);
	h->export_s = (uint32_t)rd(p + 4, 4);
	h->seq = (uint32_t)rd(p + 8, 4);
	h->domain = (uint32_t)rd(p + 12, 4);
	cr_assert_eq(h->version, 10);
	cr_assert_eq(h->len, n, "header length %u, datagram %zu", h->len, n);
	while (off < n) {
		uint16_t id, len;

		cr_assert_leq(off + 4, n);
		id = (uint16_t)rd(p + off, 2);
		len = (uint16_t)rd(p + off + 2, 2);
		cr_assert(len >= 4 && off + len <= n, "set length %u at %zu of %zu", len, off, n);
		if (id == 2) {
			if (off == 16)
				h->first_set_templates = 1;
			h->n_tsets++;
			dec_template_set(d, h, p + off + 4, len - 4u);
		} else {
			dec_data_set(d, h, id, p + off + 4, len - 4u);
		}
		off += len;
	}
	d->n_msgs++;
}

/* Decode what @s received since the last call. */
static void dec_update(struct dec *d, const struct sink *s)
{
	while (d->n_msgs < s->n)
		dec_msg(d, s->msg[d->n_msgs], s->len[d->n_msgs]);
}

static struct dec *dec_new(void)
{
	struct dec *d = calloc(1, sizeof(*d));

	cr_assert_not_null(d);
	return d;
}

static void dec_free(struct dec *d)
{
	free(d->r);
	free(d);
}

/* Records from index @from with these ports (host order). */
static size_t count_recs(const struct dec *d, size_t from, uint16_t sport, uint16_t dport)
{
	size_t i, n = 0;

	for (i = from; i < d->n_recs; i++)
		n += d->r[i].sport == sport && d->r[i].dport == dport;
	return n;
}

/* The one record from index @from with these ports. */
static const struct rec *one(const struct dec *d, size_t from, uint16_t sport, uint16_t dport)
{
	size_t i;

	cr_assert_eq(count_recs(d, from, sport, dport), 1, "records %u -> %u", sport, dport);
	for (i = from;; i++)
		if (d->r[i].sport == sport && d->r[i].dport == dport)
			return &d->r[i];
}

static void expect_rec(const struct rec *r, uint64_t pkts, uint64_t octets, uint64_t start_ns,
		       uint64_t end_ns, uint8_t reason, uint8_t biflow)
{
	cr_expect_eq(r->pkts, pkts, "%u->%u: packets %llu, want %llu", r->sport, r->dport,
		     (unsigned long long)r->pkts, (unsigned long long)pkts);
	cr_expect_eq(r->octets, octets, "%u->%u: octets %llu, want %llu", r->sport, r->dport,
		     (unsigned long long)r->octets, (unsigned long long)octets);
	cr_expect_eq(r->start_ms, start_ns / 1000000, "%u->%u: start %llu, want %llu", r->sport,
		     r->dport, (unsigned long long)r->start_ms,
		     (unsigned long long)(start_ns / 1000000));
	cr_expect_eq(r->end_ms, end_ns / 1000000, "%u->%u: end", r->sport, r->dport);
	cr_expect_eq(r->reason, reason, "%u->%u: reason %u, want %u", r->sport, r->dport, r->reason,
		     reason);
	cr_expect_eq(r->biflow, biflow, "%u->%u: biflowDirection", r->sport, r->dport);
	cr_expect_eq(r->n_fields, 16);
}

/* --- the flows ---------------------------------------------------------------- */

static const uint8_t C4[16] = { 10, 213, 0, 1 }, S4[16] = { 10, 213, 0, 2 };

/* Exporter and table, the table's end callback feeding the exporter. */
struct env {
	struct sink sink;
	struct xdt_ipfix *x;
	struct xdt_flow_table *t;
	struct dec *d;
};

/* What the engine's end callback does: the flow is still in the table, so no cast. */
static void on_end(const struct xdt_flow *f, void *ctx)
{
	struct env *e = ctx;

	xdt_ipfix_flow_end(e->x, xdt_flow_table_lookup(e->t, &f->key), 0);
}

static struct env *env_new(const struct xdt_ipfix_opts *o, size_t max_flows)
{
	struct env *e = calloc(1, sizeof(*e));

	cr_assert_not_null(e);
	e->x = xdt_ipfix_new(o, sink_send, &e->sink);
	cr_assert_not_null(e->x);
	e->t = xdt_flow_table_new(max_flows, 1, on_end, e);
	cr_assert_not_null(e->t);
	e->d = dec_new();
	return e;
}

static void env_free(struct env *e)
{
	xdt_ipfix_free(e->x, e->t);
	xdt_flow_table_free(e->t);
	sink_fini(&e->sink);
	dec_free(e->d);
	free(e);
}

static void update(struct env *e)
{
	dec_update(e->d, &e->sink);
}

static struct xdt_flow *pkt(struct env *e, int fam, uint8_t proto, const uint8_t *src,
			    uint16_t sport, const uint8_t *dst, uint16_t dport, uint8_t flags,
			    uint32_t bytes, uint64_t ts)
{
	struct xdt_flow_pkt p = { .tcp_flags = flags, .bytes = bytes, .ts_ns = ts };
	struct xdt_flow *f;

	xdt_flow_key_make(&p.key, (uint8_t)fam, proto, 0, src, sport, dst, dport, &p.from_a);
	f = xdt_flow_table_update(e->t, &p);
	cr_assert_not_null(f);
	return f;
}

static struct xdt_flow *udp4(struct env *e, int from_client, uint16_t cport, uint16_t sport,
			     uint32_t bytes, uint64_t ts)
{
	if (from_client)
		return pkt(e, XDT_FAM_IPV4, 17, C4, cport, S4, sport, 0, bytes, ts);
	return pkt(e, XDT_FAM_IPV4, 17, S4, sport, C4, cport, 0, bytes, ts);
}

static struct xdt_flow *tcp4(struct env *e, int from_client, uint16_t cport, uint16_t sport,
			     uint8_t flags, uint32_t bytes, uint64_t ts)
{
	if (from_client)
		return pkt(e, XDT_FAM_IPV4, 6, C4, cport, S4, sport, flags, bytes, ts);
	return pkt(e, XDT_FAM_IPV4, 6, S4, sport, C4, cport, flags, bytes, ts);
}

TestSuite(ipfix);

/* --- tests -------------------------------------------------------------------- */

static void expect_template(const struct tmpl *t, int v6)
{
	const struct ie want[] = {
		{ v6 ? 27 : 8, v6 ? 16 : 4, 0 },
		{ v6 ? 28 : 12, v6 ? 16 : 4, 0 },
		{ 7, 2, 0 },
		{ 11, 2, 0 },
		{ 4, 1, 0 },
		{ 58, 2, 0 },
		{ 1, 8, 0 },
		{ 2, 8, 0 },
		{ 152, 8, 0 },
		{ 153, 8, 0 },
		{ 136, 1, 0 },
		{ 239, 1, 0 },
		{ 1, 0xffff, PEN },
		{ 2, 4, PEN },
		{ 3, 0xffff, PEN },
		{ 4, 0xffff, PEN },
	};
	int i;

	cr_assert_eq(t->n, 16);
	for (i = 0; i < 16; i++) {
		cr_expect_eq(t->f[i].id, want[i].id, "field %d: id %u", i, t->f[i].id);
		cr_expect_eq(t->f[i].len, want[i].len, "field %d: length %u", i, t->f[i].len);
		cr_expect_eq(t->f[i].pen, want[i].pen, "field %d: enterprise %u", i, t->f[i].pen);
	}
}

Test(ipfix, sends_both_templates_first_and_again_after_the_refresh_interval)
{
	struct xdt_ipfix_opts o = { .domain_id = 7, .template_refresh_ns = 30 * S };
	struct env *e = env_new(&o, 16);
	struct xdt_ipfix_stats st;

	xdt_ipfix_tick(e->x, e->t, T0);
	update(e);
	cr_assert_eq(e->d->n_msgs, 1, "templates go out even before any record");
	cr_expect_eq(e->d->m[0].seq, 0);
	cr_expect_eq(e->d->m[0].domain, 7);
	cr_expect_eq(e->d->m[0].export_s, T0 / S);
	cr_expect_eq(e->d->m[0].n_tsets, 1);
	cr_expect_eq(e->d->m[0].n_templates, 2);
	cr_expect_eq(e->d->m[0].n_recs, 0);
	expect_template(&e->d->t[0], 0);
	expect_template(&e->d->t[1], 1);

	udp4(e, 1, 40000, 53, 60, T0 + 1 * S);
	xdt_ipfix_tick(e->x, e->t, T0 + 10 * S);
	update(e);
	cr_expect_eq(e->d->n_msgs, 1, "nothing due: no message");

	xdt_ipfix_tick(e->x, e->t, T0 + 30 * S);
	update(e);
	cr_assert_eq(e->d->n_msgs, 2, "template refresh after 30 s");
	cr_expect_eq(e->d->m[1].n_templates, 2);
	cr_expect_eq(e->d->m[1].export_s, (T0 + 30 * S) / S);

	/* The flow was idle for 15 s by then: its record came in the same message. */
	cr_expect_eq(e->d->m[1].n_recs, 1);
	cr_expect(e->d->m[1].first_set_templates);
	xdt_ipfix_tick(e->x, e->t, T0 + 45 * S);
	update(e);
	cr_expect_eq(e->d->n_msgs, 2);
	xdt_ipfix_stats(e->x, &st);
	cr_expect_eq(st.templates, 2);
	cr_expect_eq(st.messages, 2);
	cr_expect_eq(st.records, 1);
	cr_expect_eq(st.send_errors, 0);
	env_free(e);
}

Test(ipfix, exports_each_direction_s_packets_since_its_last_record_at_active_timeouts)
{
	struct xdt_ipfix_opts o = { .active_timeout_ns = 10 * S,
				    .idle_timeout_ns = 30 * S,
				    .template_refresh_ns = 600 * S };
	struct env *e = env_new(&o, 16);
	const struct rec *r;
	size_t mark;

	udp4(e, 1, 40000, 5001, 100, T0);
	udp4(e, 0, 40000, 5001, 200, T0 + 1 * S);
	udp4(e, 1, 40000, 5001, 100, T0 + 2 * S);
	xdt_ipfix_tick(e->x, e->t, T0 + 5 * S);
	update(e);
	cr_assert_eq(e->d->n_recs, 0, "2 s of traffic is no active timeout");

	udp4(e, 1, 40000, 5001, 50, T0 + 8 * S);
	udp4(e, 0, 40000, 5001, 300, T0 + 11 * S);
	xdt_ipfix_tick(e->x, e->t, T0 + 12 * S);
	update(e);
	cr_assert_eq(e->d->n_recs, 2);
	r = one(e->d, 0, 40000, 5001);
	expect_rec(r, 3, 250, T0, T0 + 11 * S, 2, 1);
	cr_expect_arr_eq(r->src, C4, 4);
	cr_expect_arr_eq(r->dst, S4, 4);
	cr_expect_eq(r->proto, 17);
	cr_expect_eq(r->tmpl, 256);
	r = one(e->d, 0, 5001, 40000);
	expect_rec(r, 2, 500, T0, T0 + 11 * S, 2, 2);
	cr_expect_arr_eq(r->src, S4, 4);
	cr_expect_arr_eq(r->dst, C4, 4);

	mark = e->d->n_recs;
	udp4(e, 1, 40000, 5001, 70, T0 + 13 * S);
	udp4(e, 1, 40000, 5001, 80, T0 + 18 * S);
	xdt_ipfix_tick(e->x, e->t, T0 + 19 * S);
	update(e);
	cr_expect_eq(e->d->n_recs, mark, "7 s since the last record");

	udp4(e, 1, 40000, 5001, 10, T0 + 22 * S);
	xdt_ipfix_tick(e->x, e->t, T0 + 23 * S);
	update(e);
	cr_assert_eq(e->d->n_recs, mark + 1, "only the direction that sent");
	expect_rec(one(e->d, mark, 40000, 5001), 3, 160, T0 + 11 * S, T0 + 22 * S, 2, 1);

	mark = e->d->n_recs;
	udp4(e, 0, 40000, 5001, 40, T0 + 24 * S);
	xdt_ipfix_tick(e->x, e->t, T0 + 25 * S);
	update(e);
	cr_assert_eq(e->d->n_recs, mark + 1);
	expect_rec(one(e->d, mark, 5001, 40000), 1, 40, T0 + 11 * S, T0 + 24 * S, 2, 2);

	mark = e->d->n_recs;
	xdt_ipfix_free(e->x, e->t);
	e->x = NULL;
	update(e);
	cr_expect_eq(e->d->n_recs, mark, "everything was exported: no final record");
	env_free(e);
}

Test(ipfix, closes_an_idle_flow_and_starts_a_new_record_on_its_next_packet)
{
	struct xdt_ipfix_opts o = { .active_timeout_ns = 60 * S, .idle_timeout_ns = 15 * S };
	struct env *e = env_new(&o, 16);
	size_t mark;

	udp4(e, 1, 40001, 123, 76, T0);
	udp4(e, 0, 40001, 123, 76, T0 + 2 * S);
	udp4(e, 1, 40001, 123, 90, T0 + 3 * S);
	xdt_ipfix_tick(e->x, e->t, T0 + 10 * S);
	xdt_ipfix_tick(e->x, e->t, T0 + 17 * S);
	update(e);
	cr_assert_eq(e->d->n_recs, 0, "idle for 14 s only");
	xdt_ipfix_tick(e->x, e->t, T0 + 18 * S);
	update(e);
	cr_assert_eq(e->d->n_recs, 2);
	expect_rec(one(e->d, 0, 40001, 123), 2, 166, T0, T0 + 3 * S, 1, 1);
	expect_rec(one(e->d, 0, 123, 40001), 1, 76, T0, T0 + 3 * S, 1, 2);

	mark = e->d->n_recs;
	xdt_ipfix_tick(e->x, e->t, T0 + 40 * S);
	udp4(e, 1, 40001, 123, 48, T0 + 45 * S);
	xdt_ipfix_tick(e->x, e->t, T0 + 50 * S);
	update(e);
	cr_expect_eq(e->d->n_recs, mark);
	xdt_ipfix_tick(e->x, e->t, T0 + 60 * S);
	update(e);
	cr_assert_eq(e->d->n_recs, mark + 1);
	/* It starts when the tick first saw it, not at the last record's end. */
	expect_rec(one(e->d, mark, 40001, 123), 1, 48, T0 + 45 * S, T0 + 45 * S, 1, 1);
	env_free(e);
}

Test(ipfix, does_not_take_an_idle_gap_for_activity)
{
	struct xdt_ipfix_opts o = { .active_timeout_ns = 20 * S, .idle_timeout_ns = 15 * S };
	struct env *e = env_new(&o, 16);
	size_t mark;

	udp4(e, 1, 40002, 123, 76, T0);
	xdt_ipfix_tick(e->x, e->t, T0 + 16 * S);
	update(e);
	cr_assert_eq(e->d->n_recs, 1, "the idle record");
	mark = e->d->n_recs;
	/* 100 s later, longer than the active timeout: one packet is not 100 s of activity. */
	udp4(e, 1, 40002, 123, 80, T0 + 100 * S);
	xdt_ipfix_tick(e->x, e->t, T0 + 101 * S);
	update(e);
	cr_assert_eq(e->d->n_recs, mark, "no active-timeout record for a flow that just woke");
	xdt_ipfix_tick(e->x, e->t, T0 + 116 * S);
	update(e);
	cr_assert_eq(e->d->n_recs, mark + 1);
	expect_rec(one(e->d, mark, 40002, 123), 1, 80, T0 + 100 * S, T0 + 100 * S, 1, 1);
	env_free(e);
}

/* A whole TCP connection from the client's @cport; closed by FIN both ways if @fin. */
static void tcp_conn(struct env *e, uint16_t cport, uint16_t sport, int fin, uint64_t ts)
{
	tcp4(e, 1, cport, sport, XDT_TCP_SYN, 60, ts);
	tcp4(e, 0, cport, sport, XDT_TCP_SYN | XDT_TCP_ACK, 60, ts);
	tcp4(e, 1, cport, sport, XDT_TCP_ACK, 52, ts);
	tcp4(e, 1, cport, sport, XDT_TCP_ACK | XDT_TCP_PSH, 152, ts);
	tcp4(e, 0, cport, sport, XDT_TCP_ACK | XDT_TCP_PSH, 1052, ts + S);
	if (!fin)
		return;
	tcp4(e, 1, cport, sport, XDT_TCP_FIN | XDT_TCP_ACK, 52, ts + S);
	tcp4(e, 0, cport, sport, XDT_TCP_FIN | XDT_TCP_ACK, 52, ts + S);
	tcp4(e, 1, cport, sport, XDT_TCP_ACK, 52, ts + S);
}

Test(ipfix, gives_a_tcp_close_reset_or_reuse_its_final_records_as_end_of_flow)
{
	struct xdt_ipfix_opts o = { 0 };
	struct env *e = env_new(&o, 16);
	struct xdt_flow *f;

	tcp_conn(e, 41000, 80, 1, T0);
	tcp4(e, 1, 41001, 81, XDT_TCP_SYN, 60, T0);
	f = tcp4(e, 0, 41001, 81, XDT_TCP_RST | XDT_TCP_ACK, 40, T0);
	cr_assert_eq(f->tcp_state, XDT_TCP_RESET);
	tcp_conn(e, 41002, 82, 1, T0);
	f = tcp4(e, 1, 41002, 82, XDT_TCP_SYN, 60, T0 + 2 * S); /* the port pair again */
	cr_assert_eq(f->dir[XDT_DIR_OUT].pkts, 1, "a new flow took the key");
	xdt_ipfix_flush(e->x);
	update(e);
	cr_assert_eq(e->d->n_recs, 2, "the reused connection's records, at once");
	expect_rec(one(e->d, 0, 41002, 82), 5, 368, T0, T0 + S, 3, 1);
	expect_rec(one(e->d, 0, 82, 41002), 3, 1164, T0, T0 + S, 3, 2);
	cr_expect(e->d->m[0].first_set_templates, "templates before the first record");

	xdt_flow_table_expire(e->t, T0 + 40 * S);
	xdt_ipfix_tick(e->x, e->t, T0 + 40 * S);
	update(e);
	expect_rec(one(e->d, 0, 41000, 80), 5, 368, T0, T0 + S, 3, 1);
	expect_rec(one(e->d, 0, 80, 41000), 3, 1164, T0, T0 + S, 3, 2);
	expect_rec(one(e->d, 0, 41001, 81), 1, 60, T0, T0, 3, 1);
	expect_rec(one(e->d, 0, 81, 41001), 1, 40, T0, T0, 3, 2);
	/* The new connection is idle for the exporter (15 s), not yet for the table. */
	cr_assert_eq(count_recs(e->d, 2, 41002, 82), 1);
	expect_rec(one(e->d, 2, 41002, 82), 1, 60, T0 + 2 * S, T0 + 2 * S, 1, 1);
	env_free(e);
}

Test(ipfix, gives_idle_evicted_and_forced_ends_their_own_reasons)
{
	struct xdt_ipfix_opts o = { .active_timeout_ns = 600 * S, .idle_timeout_ns = 300 * S };
	struct env *e = env_new(&o, 3);
	size_t mark;

	udp4(e, 1, 42000, 1000, 100, T0);	  /* evicted: the least recent */
	udp4(e, 1, 42001, 1001, 100, T0 + 1 * S); /* ends idle */
	tcp_conn(e, 42002, 1002, 0, T0 + 2 * S);  /* established at exit */
	udp4(e, 0, 42001, 1001, 300, T0 + 3 * S);
	udp4(e, 1, 42003, 1003, 100, T0 + 4 * S); /* a fourth flow: the table is full */
	xdt_ipfix_flush(e->x);
	update(e);
	cr_assert_eq(e->d->n_recs, 1);
	expect_rec(one(e->d, 0, 42000, 1000), 1, 100, T0, T0, 5, 1);

	xdt_flow_table_expire(e->t, T0 + 64 * S);
	xdt_ipfix_tick(e->x, e->t, T0 + 64 * S);
	update(e);
	cr_assert_eq(e->d->n_recs, 4, "the UDP flows' table timeout is 60 s");
	expect_rec(one(e->d, 1, 42001, 1001), 1, 100, T0 + 1 * S, T0 + 3 * S, 1, 1);
	expect_rec(one(e->d, 1, 1001, 42001), 1, 300, T0 + 1 * S, T0 + 3 * S, 1, 2);
	expect_rec(one(e->d, 1, 42003, 1003), 1, 100, T0 + 4 * S, T0 + 4 * S, 1, 1);

	mark = e->d->n_recs;
	xdt_ipfix_free(e->x, e->t);
	e->x = NULL;
	update(e);
	cr_assert_eq(e->d->n_recs, mark + 2);
	expect_rec(one(e->d, mark, 42002, 1002), 3, 264, T0 + 2 * S, T0 + 3 * S, 4, 1);
	expect_rec(one(e->d, mark, 1002, 42002), 2, 1112, T0 + 2 * S, T0 + 3 * S, 4, 2);
	env_free(e);
}

Test(ipfix, numbers_each_message_by_the_data_records_sent_before_it)
{
	struct xdt_ipfix_opts o = { .active_timeout_ns = 5 * S, .idle_timeout_ns = 300 * S };
	struct env *e = env_new(&o, 64);
	uint32_t want = 0;
	size_t i;
	int k;

	for (k = 0; k < 3; k++) {
		for (i = 0; i < 5 + (size_t)k; i++) {
			udp4(e, 1, (uint16_t)(43000 + i), 9, 10, T0 + (uint64_t)k * 10 * S);
			udp4(e, 1, (uint16_t)(43000 + i), 9, 10, T0 + (uint64_t)k * 10 * S + 6 * S);
		}
		xdt_ipfix_tick(e->x, e->t, T0 + (uint64_t)k * 10 * S + 7 * S);
	}
	update(e);
	cr_assert_eq(e->d->n_msgs, 3);
	for (i = 0; i < e->d->n_msgs; i++) {
		cr_expect_eq(e->d->m[i].seq, want, "message %zu: sequence %u, want %u", i,
			     e->d->m[i].seq, want);
		want += (uint32_t)e->d->m[i].n_recs;
	}
	cr_expect_eq(want, 5 + 6 + 7, "one record per flow and tick");
	env_free(e);
}

Test(ipfix, exports_ipv6_flows_with_the_ipv6_template)
{
	struct xdt_ipfix_opts o = { 0 };
	struct env *e = env_new(&o, 16);
	const struct rec *r;

	pkt(e, XDT_FAM_IPV6, 17, V6_B, 50000, V6_A, 443, 0, 1280, T0);
	pkt(e, XDT_FAM_IPV6, 17, V6_A, 443, V6_B, 50000, 0, 1200, T0 + S);
	pkt(e, XDT_FAM_IPV6, 17, V6_B, 50000, V6_A, 443, 0, 80, T0 + 2 * S);
	udp4(e, 1, 44000, 53, 70, T0);
	xdt_ipfix_free(e->x, e->t);
	e->x = NULL;
	update(e);
	cr_assert_eq(e->d->n_recs, 3);
	r = one(e->d, 0, 50000, 443);
	cr_expect_eq(r->tmpl, 257);
	cr_expect_eq(r->alen, 16);
	cr_expect_arr_eq(r->src, V6_B, 16);
	cr_expect_arr_eq(r->dst, V6_A, 16);
	expect_rec(r, 2, 1360, T0, T0 + 2 * S, 4, 1);
	r = one(e->d, 0, 443, 50000);
	cr_expect_eq(r->tmpl, 257);
	cr_expect_arr_eq(r->src, V6_A, 16);
	expect_rec(r, 1, 1200, T0, T0 + 2 * S, 4, 2);
	cr_expect_eq(one(e->d, 0, 44000, 53)->tmpl, 256);
	env_free(e);
}

static struct xdt_flow *engine_flow(struct xdt_engine *en, uint32_t src, uint16_t sport)
{
	uint8_t a[16] = { 0 }, b[16] = { 0 }, from_a;
	struct xdt_flow_key k;

	a[0] = (uint8_t)(src >> 24);
	a[1] = (uint8_t)(src >> 16);
	a[2] = (uint8_t)(src >> 8);
	a[3] = (uint8_t)src;
	memcpy(b, S4, 4);
	xdt_flow_key_make(&k, XDT_FAM_IPV4, 6, 0, a, sport, b, 443, &from_a);
	return xdt_flow_table_lookup(xdt_engine_flows(en), &k);
}

static void tcp_frame(struct xdt_engine *en, uint32_t src, uint16_t sport, uint32_t dst,
		      uint16_t dport, uint8_t flags, const uint8_t *pay, size_t n, uint64_t ts)
{
	struct fb f;

	fb_tcp4_frame(&f, src, sport, dst, dport, flags, pay, n);
	xdt_engine_packet(en, XDT_LINK_ETHERNET, f.b, f.n, f.n, ts);
}

Test(ipfix, names_the_process_and_the_tls_server_the_flow_belongs_to)
{
	struct xdt_engine_opts eo = { .max_flows = 16,
				      .seed = 1,
				      .dpi = { .enabled = 1, .packets = 4, .bytes = 256 } };
	struct xdt_engine *en = xdt_engine_new(&eo);
	struct xdt_proc_cache *pc = xdt_proc_cache_new("tests/unit/fixtures/proc-tree", 16);
	struct xdt_ipfix_opts o = { 0 };
	struct sink sink = { 0 };
	struct xdt_ipfix *x = xdt_ipfix_new(&o, sink_send, &sink);
	struct dec *d = dec_new();
	const struct rec *r;
	struct xdt_flow *f;
	uint8_t ch[2048];
	size_t n;
	int i;
	FILE *fp = fopen("tests/unit/fixtures/tls13-clienthello-curl.bin", "rb");

	cr_assert(en && pc && x && fp);
	n = fread(ch, 1, sizeof(ch), fp);
	fclose(fp);
	xdt_ipfix_set_procs(x, pc);
	/* Three connections to 10.213.0.2:443: one says hello, one is only a handshake. */
	for (i = 0; i < 3; i++) {
		uint32_t c = IP4(10, 213, 0, 10 + i);
		uint16_t cp = (uint16_t)(45000 + i);

		tcp_frame(en, c, cp, IP4(10, 213, 0, 2), 443, XDT_TCP_SYN, NULL, 0, T0);
		tcp_frame(en, IP4(10, 213, 0, 2), 443, c, cp, XDT_TCP_SYN | XDT_TCP_ACK, NULL, 0,
			  T0);
		if (i == 0)
			tcp_frame(en, c, cp, IP4(10, 213, 0, 2), 443, XDT_TCP_ACK | XDT_TCP_PSH, ch,
				  n, T0 + S);
	}
	/* The owners, as the socket attribution would have set them. */
	f = engine_flow(en, IP4(10, 213, 0, 10), 45000);
	cr_assert_not_null(f);
	f->owner =
		(struct xdt_flow_owner){ .pid = 200, .uid = 1000, .method = XDT_METHOD_SOCK_DIAG };
	strcpy(f->owner.comm, "a-very-long-pro");
	f = engine_flow(en, IP4(10, 213, 0, 11), 45001);
	cr_assert_not_null(f);
	f->owner = (struct xdt_flow_owner){ .pid = 4242, .method = XDT_METHOD_KERNEL, .gone = 1 };
	strcpy(f->owner.comm, "curl");
	strcpy(f->owner.name, "curl-with-a-longer-name");
	xdt_ipfix_free(x, xdt_engine_flows(en));
	dec_update(d, &sink);
	cr_assert_eq(d->n_recs, 6);

	r = one(d, 0, 45000, 443);
	expect_rec(r, 2, 40 + 40 + n, T0, T0 + S, 4, 1);
	cr_expect_str_eq(r->proc, "a-very-long-process-name", "the name /proc gives");
	cr_expect_eq(r->pid, 200);
	cr_expect_str_eq(r->server, "www.xdt.test");
	cr_expect_str_eq(r->app_proto, "tls");
	r = one(d, 0, 443, 45000);
	cr_expect_str_eq(r->proc, "a-very-long-process-name");
	cr_expect_str_eq(r->server, "www.xdt.test", "both directions carry the names");
	expect_rec(r, 1, 40, T0, T0 + S, 4, 2);

	r = one(d, 0, 45001, 443);
	cr_expect_str_eq(r->proc, "curl-with-a-longer-name", "a gone process keeps its name");
	cr_expect_eq(r->pid, 4242);
	cr_expect_eq(r->server_len, 0);
	cr_expect_eq(r->app_proto_len, 0);

	r = one(d, 0, 45002, 443);
	cr_expect_eq(r->proc_len, 0, "no owner: empty");
	cr_expect_eq(r->pid, 0);
	dec_free(d);
	sink_fini(&sink);
	xdt_proc_cache_free(pc);
	xdt_engine_free(en);
}

Test(ipfix, encodes_strings_of_255_bytes_and_more_with_the_three_byte_length)
{
	struct xdt_ipfix_opts o = { 0 };
	struct env *e = env_new(&o, 16);
	struct xdt_flow *f;
	const struct rec *r;
	char sni[256];

	memset(sni, 'a', 255);
	sni[255] = '\0';
	memcpy(sni + 251, ".xdt", 4);
	xdt_flow_table_set_app_free(e->t, xdt_app_free);
	f = tcp4(e, 1, 46000, 443, XDT_TCP_SYN, 60, T0);
	f->app = calloc(1, sizeof(*f->app));
	cr_assert_not_null(f->app);
	f->app->proto = XDT_APP_TLS;
	f->app->have[0] = XDT_HAVE_OK;
	f->app->u.tls[0].handshake = XDT_TLS_CLIENT_HELLO;
	strcpy(f->app->u.tls[0].sni, sni);
	f->owner = (struct xdt_flow_owner){ .pid = 1, .method = XDT_METHOD_KERNEL };
	strcpy(f->owner.comm, "systemd");
	f = tcp4(e, 1, 46001, 443, XDT_TCP_SYN, 60, T0);
	f->app = calloc(1, sizeof(*f->app));
	cr_assert_not_null(f->app);
	f->app->proto = XDT_APP_TLS;
	f->app->have[0] = XDT_HAVE_OK;
	f->app->u.tls[0].handshake = XDT_TLS_CLIENT_HELLO;
	memset(f->app->u.tls[0].sni, 'b', 254);
	xdt_ipfix_free(e->x, e->t);
	e->x = NULL;
	update(e);
	cr_assert_eq(e->d->n_recs, 2);
	r = one(e->d, 0, 46000, 443);
	cr_expect_eq(r->server_len, 255);
	cr_expect_str_eq(r->server, sni);
	cr_expect_str_eq(r->proc, "systemd", "comm when nothing longer is known");
	cr_expect_eq(r->pid, 1);
	r = one(e->d, 0, 46001, 443);
	cr_expect_eq(r->server_len, 254, "the longest with a one-byte length");
	cr_expect_eq(strspn(r->server, "b"), 254);
	cr_expect_eq(r->proc_len, 0);
	env_free(e);
}

/* 300 flows, a third of them IPv6, two ticks, then exit: 1200 records. */
static void many_flows(size_t mtu)
{
	struct xdt_ipfix_opts o = { .mtu = mtu,
				    .active_timeout_ns = 10 * S,
				    .idle_timeout_ns = 300 * S };
	struct env *e = env_new(&o, 1024);
	uint8_t a6[16];
	uint32_t want_seq = 0;
	size_t i, total = 0;
	int k;

	memcpy(a6, V6_A, 16);
	for (k = 0; k < 2; k++) {
		for (i = 0; i < 300; i++) {
			uint64_t ts = T0 + (uint64_t)k * 20 * S + i;

			if (i % 3 == 0) {
				a6[14] = (uint8_t)(i >> 8);
				a6[15] = (uint8_t)i;
				pkt(e, XDT_FAM_IPV6, 17, a6, (uint16_t)(20000 + i), V6_B, 7, 0,
				    (uint32_t)(100 + i), ts);
				pkt(e, XDT_FAM_IPV6, 17, V6_B, 7, a6, (uint16_t)(20000 + i), 0,
				    (uint32_t)(200 + k), ts + 11 * S);
			} else {
				udp4(e, 1, (uint16_t)(20000 + i), 7, (uint32_t)(100 + i), ts);
				udp4(e, 0, (uint16_t)(20000 + i), 7, (uint32_t)(200 + k),
				     ts + 11 * S);
			}
		}
		xdt_ipfix_tick(e->x, e->t, T0 + (uint64_t)k * 20 * S + 12 * S);
	}
	xdt_ipfix_free(e->x, e->t);
	e->x = NULL;
	update(e);
	cr_assert_gt(e->d->n_msgs, 10);
	for (i = 0; i < e->sink.n; i++) {
		cr_assert_leq(e->sink.len[i], mtu, "mtu %zu, message %zu: %zu bytes", mtu, i,
			      e->sink.len[i]);
		cr_expect_eq(e->d->m[i].seq, want_seq, "message %zu", i);
		want_seq += (uint32_t)e->d->m[i].n_recs;
		total += e->sink.len[i];
	}
	cr_expect_gt(total / e->sink.n, mtu - 100, "messages are filled, not sent one record each");
	cr_assert_eq(e->d->n_recs, 2 * 2 * 300);
	for (i = 0; i < 300; i++) {
		uint16_t cp = (uint16_t)(20000 + i);
		size_t j, n_out = 0, n_in = 0;
		uint64_t in_octets = 0;

		for (j = 0; j < e->d->n_recs; j++) {
			const struct rec *r = &e->d->r[j];

			if (r->sport == cp && r->dport == 7) {
				cr_expect_eq(r->pkts, 1);
				cr_expect_eq(r->octets, 100 + i);
				cr_expect_eq(r->tmpl, i % 3 ? 256 : 257);
				n_out++;
			} else if (r->sport == 7 && r->dport == cp) {
				cr_expect_eq(r->pkts, 1);
				in_octets += r->octets;
				n_in++;
			}
		}
		cr_expect_eq(n_out, 2, "flow %zu: %zu records out", i, n_out);
		cr_expect_eq(n_in, 2, "flow %zu: %zu records in", i, n_in);
		cr_expect_eq(in_octets, 200 + 201);
	}
	env_free(e);
}

/* Every size from the template set's and a record's worst fit to a few records more. */
Test(ipfix, keeps_every_message_within_the_mtu_and_sends_each_record_once)
{
	size_t mtu;

	for (mtu = 620; mtu <= 720; mtu++)
		many_flows(mtu);
}

Test(ipfix, fits_templates_and_its_largest_record_in_the_smallest_mtu_it_accepts)
{
	struct xdt_ipfix_opts o = { 0 };
	struct env *e;
	struct xdt_flow *f;
	struct sink probe = { 0 };
	struct xdt_ipfix *x;
	size_t mtu;

	for (mtu = 64; mtu < 1400; mtu++) {
		o.mtu = mtu;
		x = xdt_ipfix_new(&o, sink_send, &probe);
		if (x)
			break;
		cr_assert_eq(errno, EINVAL);
	}
	cr_assert_not_null(x);
	xdt_ipfix_free(x, NULL);
	e = env_new(&o, 16);
	xdt_flow_table_set_app_free(e->t, xdt_app_free);
	f = pkt(e, XDT_FAM_IPV6, 6, V6_A, 40000, V6_B, 443, XDT_TCP_SYN, 80, T0);
	f->app = calloc(1, sizeof(*f->app));
	cr_assert_not_null(f->app);
	f->app->proto = XDT_APP_TLS;
	f->app->have[0] = XDT_HAVE_OK;
	f->app->u.tls[0].handshake = XDT_TLS_CLIENT_HELLO;
	memset(f->app->u.tls[0].sni, 's', sizeof(f->app->u.tls[0].sni) - 1);
	f->owner = (struct xdt_flow_owner){ .pid = 77, .method = XDT_METHOD_KERNEL, .gone = 1 };
	memset(f->owner.name, 'p', sizeof(f->owner.name) - 1);
	xdt_ipfix_free(e->x, e->t);
	e->x = NULL;
	update(e);
	cr_assert_eq(e->d->n_msgs, 1, "templates and the record in one message");
	cr_expect_leq(e->sink.len[0], mtu);
	/* Only applicationProtocol ("tls") is shorter than its longest (15 bytes). */
	cr_expect_geq(e->sink.len[0] + 15, mtu, "mtu %zu, message %zu: the smallest mtu is tight",
		      mtu, e->sink.len[0]);
	cr_expect_eq(e->d->m[0].n_templates, 2);
	cr_assert_eq(e->d->n_recs, 1);
	cr_expect_eq(e->d->r[0].server_len, sizeof(f->app->u.tls[0].sni) - 1);
	cr_expect_eq(e->d->r[0].proc_len, sizeof(f->owner.name) - 1);
	env_free(e);
}

Test(ipfix, counts_send_failures_and_reports_only_the_first)
{
	struct xdt_ipfix_opts o = { .active_timeout_ns = 5 * S, .idle_timeout_ns = 300 * S };
	struct env *e = env_new(&o, 16);
	struct xdt_ipfix_stats st;
	const char *err;

	e->sink.fail_mask = 1 << 0 | 1 << 1;
	udp4(e, 1, 47000, 9, 10, T0);
	udp4(e, 1, 47000, 9, 10, T0 + 6 * S);
	xdt_ipfix_tick(e->x, e->t, T0 + 7 * S);
	err = xdt_ipfix_error(e->x);
	cr_assert_not_null(err);
	cr_expect(strstr(err, strerror(ENOBUFS)), "%s", err);
	cr_expect_null(xdt_ipfix_error(e->x), "reported once");

	udp4(e, 1, 47000, 9, 10, T0 + 12 * S);
	xdt_ipfix_tick(e->x, e->t, T0 + 13 * S);
	cr_expect_null(xdt_ipfix_error(e->x), "the second failure is only counted");
	udp4(e, 1, 47000, 9, 10, T0 + 18 * S);
	xdt_ipfix_tick(e->x, e->t, T0 + 19 * S);
	update(e);
	cr_assert_eq(e->d->n_msgs, 1);
	cr_expect(e->d->m[0].first_set_templates, "templates again: the first ones were lost");
	cr_expect_eq(e->d->m[0].seq, 2, "two records lost before it");
	expect_rec(one(e->d, 0, 47000, 9), 1, 10, T0 + 12 * S, T0 + 18 * S, 2, 1);
	xdt_ipfix_stats(e->x, &st);
	cr_expect_eq(st.send_errors, 2);
	cr_expect_eq(st.messages, 1);
	cr_expect_eq(st.records, 1);
	cr_expect_eq(st.templates, 1);
	env_free(e);
}

Test(ipfix, skips_arp_and_gives_icmp_no_ports)
{
	struct xdt_ipfix_opts o = { 0 };
	struct env *e = env_new(&o, 16);
	int protos = 0;
	size_t i;

	pkt(e, XDT_FAM_ARP, 0, C4, 0, S4, 0, 0, 28, T0);
	pkt(e, XDT_FAM_IPV4, 1, C4, 77, S4, 77, 0, 84, T0); /* echo identifier 77 */
	pkt(e, XDT_FAM_IPV4, 47, C4, 0, S4, 0, 0, 24, T0);
	xdt_ipfix_tick(e->x, e->t, T0 + 20 * S); /* all three idle */
	xdt_ipfix_free(e->x, e->t);
	e->x = NULL;
	update(e);
	cr_assert_eq(e->d->n_recs, 2, "ICMP and GRE, no ARP");
	for (i = 0; i < 2; i++) {
		const struct rec *r = &e->d->r[i];

		cr_expect_eq(r->sport, 0);
		cr_expect_eq(r->dport, 0);
		cr_expect_arr_eq(r->src, C4, 4);
		expect_rec(r, 1, r->proto == 1 ? 84 : 24, T0, T0, 1, 1);
		protos |= r->proto == 1 ? 1 : r->proto == 47 ? 2 : 4;
	}
	cr_expect_eq(protos, 3);
	env_free(e);
}

Test(ipfix, keeps_the_deltas_right_when_a_late_syn_names_the_other_initiator)
{
	struct xdt_ipfix_opts o = { .active_timeout_ns = 10 * S, .idle_timeout_ns = 300 * S };
	struct env *e = env_new(&o, 16);
	struct xdt_flow *f;
	size_t mark;

	tcp4(e, 0, 40000, 80, XDT_TCP_ACK, 1000, T0); /* picked up mid-stream */
	tcp4(e, 1, 40000, 80, XDT_TCP_ACK, 52, T0 + 1 * S);
	tcp4(e, 0, 40000, 80, XDT_TCP_ACK, 1000, T0 + 10 * S);
	xdt_ipfix_tick(e->x, e->t, T0 + 11 * S);
	update(e);
	cr_assert_eq(e->d->n_recs, 2);
	expect_rec(one(e->d, 0, 80, 40000), 2, 2000, T0, T0 + 10 * S, 2, 1);
	expect_rec(one(e->d, 0, 40000, 80), 1, 52, T0, T0 + 10 * S, 2, 2);

	mark = e->d->n_recs;
	f = tcp4(e, 1, 40000, 80, XDT_TCP_SYN, 60, T0 + 12 * S);
	cr_assert_eq(f->dir[XDT_DIR_OUT].pkts, 2, "the table swapped its directions");
	tcp4(e, 0, 40000, 80, XDT_TCP_ACK, 500, T0 + 13 * S);
	xdt_ipfix_free(e->x, e->t);
	e->x = NULL;
	update(e);
	cr_assert_eq(e->d->n_recs, mark + 2);
	expect_rec(one(e->d, mark, 40000, 80), 1, 60, T0 + 10 * S, T0 + 13 * S, 4, 1);
	expect_rec(one(e->d, mark, 80, 40000), 1, 500, T0 + 10 * S, T0 + 13 * S, 4, 2);
	env_free(e);
}

Test(ipfix, refuses_an_mtu_that_cannot_hold_its_largest_message_part)
{
	struct xdt_ipfix_opts o = { .mtu = 512 };
	struct sink sink = { 0 };
	struct xdt_ipfix *x;

	errno = 0;
	cr_expect_null(xdt_ipfix_new(&o, sink_send, &sink));
	cr_expect_eq(errno, EINVAL);
	o.mtu = 65536;
	cr_expect_null(xdt_ipfix_new(&o, sink_send, &sink));
	o.mtu = 0;
	x = xdt_ipfix_new(&o, sink_send, &sink);
	cr_expect_not_null(x);
	xdt_ipfix_free(x, NULL);
	cr_expect_eq(sink.n, 0, "nothing to send: no message");
}
