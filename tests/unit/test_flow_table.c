// SPDX-License-Identifier: GPL-2.0-only
#include <criterion/criterion.h>
#include <endian.h>

#include "flow/table.h"
#include "pkt/parse.h"

#define S 1000000000ULL

static const uint8_t A[4] = { 10, 213, 0, 1 }, B[4] = { 10, 213, 0, 2 }, C[4] = { 10, 213, 0, 3 };

struct ended {
	int n;
	struct xdt_flow last;
	enum xdt_flow_end why[16];
};

static void on_end(const struct xdt_flow *f, void *ctx)
{
	struct ended *e = ctx;

	if (e->n < 16)
		e->why[e->n] = (enum xdt_flow_end)f->end;
	e->n++;
	e->last = *f;
}

static struct xdt_flow *send_pkt(struct xdt_flow_table *t, uint8_t proto, const uint8_t *src,
				 uint16_t sport, const uint8_t *dst, uint16_t dport, uint8_t flags,
				 uint32_t bytes, uint64_t ts)
{
	struct xdt_flow_pkt p = { .tcp_flags = flags, .bytes = bytes, .ts_ns = ts };

	xdt_flow_key_make(&p.key, XDT_FAM_IPV4, proto, 0, src, sport, dst, dport, &p.from_a);
	return xdt_flow_table_update(t, &p);
}

Test(flow_table, maps_both_directions_to_one_flow_with_the_syn_sender_as_initiator)
{
	struct xdt_flow_table *t = xdt_flow_table_new(16, 1, NULL, NULL);
	struct xdt_flow *f;

	/* B > A as addresses, so the initiator is endpoint b of the key. */
	send_pkt(t, 6, B, 50000, A, 80, XDT_TCP_SYN, 60, 1 * S);
	send_pkt(t, 6, A, 80, B, 50000, XDT_TCP_SYN | XDT_TCP_ACK, 60, 2 * S);
	f = send_pkt(t, 6, B, 50000, A, 80, XDT_TCP_ACK, 52, 3 * S);
	cr_assert_eq(xdt_flow_table_count(t), 1);
	cr_assert_eq(f->init_is_a, 0);
	cr_assert_eq(f->dir[XDT_DIR_OUT].pkts, 2);
	cr_assert_eq(f->dir[XDT_DIR_OUT].bytes, 112);
	cr_assert_eq(f->dir[XDT_DIR_IN].pkts, 1);
	cr_assert_eq(f->dir[XDT_DIR_IN].bytes, 60);
	cr_assert_eq(f->tcp_state, XDT_TCP_ESTABLISHED);
	cr_assert_eq(f->first_ns, 1 * S);
	cr_assert_eq(f->last_ns, 3 * S);
	xdt_flow_table_free(t);
}

Test(flow_table, makes_the_receiver_of_a_first_syn_ack_the_initiator)
{
	struct xdt_flow_table *t = xdt_flow_table_new(16, 1, NULL, NULL);
	struct xdt_flow *f;

	f = send_pkt(t, 6, A, 80, B, 50000, XDT_TCP_SYN | XDT_TCP_ACK, 60, S);
	cr_assert_eq(f->init_is_a, 0, "B (the SYN+ACK's receiver) initiated");
	cr_assert_eq(f->dir[XDT_DIR_IN].pkts, 1);
	cr_assert_eq(f->tcp_state, XDT_TCP_SYN_RECV);
	xdt_flow_table_free(t);
}

Test(flow_table, swaps_directions_when_a_late_syn_names_the_initiator)
{
	struct xdt_flow_table *t = xdt_flow_table_new(16, 1, NULL, NULL);
	struct xdt_flow *f;

	send_pkt(t, 6, A, 80, B, 50000, XDT_TCP_ACK, 100, S);
	f = send_pkt(t, 6, B, 50000, A, 80, XDT_TCP_SYN, 60, 2 * S);
	cr_assert_eq(f->init_is_a, 0);
	cr_assert_eq(f->dir[XDT_DIR_OUT].bytes, 60);
	cr_assert_eq(f->dir[XDT_DIR_IN].bytes, 100);
	xdt_flow_table_free(t);
}

Test(flow_table, evicts_least_recent_when_full)
{
	struct ended e = { 0 };
	struct xdt_flow_table *t = xdt_flow_table_new(2, 1, on_end, &e);

	send_pkt(t, 17, A, 1000, B, 2000, 0, 100, 1 * S);
	send_pkt(t, 17, A, 1001, B, 2000, 0, 100, 2 * S);
	send_pkt(t, 17, A, 1000, B, 2000, 0, 100, 3 * S);	/* 1000 is recent again */
	send_pkt(t, 17, A, 1002, B, 2000, 0, 100, 4 * S);
	cr_assert_eq(xdt_flow_table_count(t), 2);
	cr_assert_eq(e.n, 1);
	cr_assert_eq(e.why[0], XDT_END_EVICTED);
	cr_assert_eq(be16toh(e.last.key.port_a), 1001);
	cr_assert_eq(e.last.dir[XDT_DIR_OUT].bytes, 100, "the evicted flow is reported whole");
	cr_assert_eq(xdt_flow_table_stats(t)->evicted, 1);
	xdt_flow_table_free(t);
}

Test(flow_table, expires_each_protocol_after_its_own_timeout)
{
	struct ended e = { 0 };
	struct xdt_flow_table *t = xdt_flow_table_new(64, 1, on_end, &e);
	struct xdt_flow *dns, *udp, *est, *rst;

	dns = send_pkt(t, 17, A, 3333, B, 53, 0, 60, 0);
	udp = send_pkt(t, 17, A, 3334, B, 4444, 0, 60, 0);
	est = send_pkt(t, 6, A, 3335, B, 22, XDT_TCP_ACK, 60, 0);
	rst = send_pkt(t, 6, A, 3336, B, 23, XDT_TCP_RST, 40, 0);
	cr_assert_eq(xdt_flow_timeout_ns(dns), 30 * S);
	cr_assert_eq(xdt_flow_timeout_ns(udp), 60 * S);
	cr_assert_eq(xdt_flow_timeout_ns(est), 600 * S);
	cr_assert_eq(xdt_flow_timeout_ns(rst), 5 * S);

	xdt_flow_table_expire(t, 4 * S);
	cr_assert_eq(xdt_flow_table_count(t), 4);
	xdt_flow_table_expire(t, 5 * S);
	cr_assert_eq(xdt_flow_table_count(t), 3, "reset goes at 5 s");
	xdt_flow_table_expire(t, 30 * S);
	cr_assert_eq(xdt_flow_table_count(t), 2, "DNS goes at 30 s");
	xdt_flow_table_expire(t, 60 * S);
	cr_assert_eq(xdt_flow_table_count(t), 1, "other UDP at 60 s");
	xdt_flow_table_expire(t, 599 * S);
	cr_assert_eq(xdt_flow_table_count(t), 1);
	xdt_flow_table_expire(t, 600 * S);
	cr_assert_eq(xdt_flow_table_count(t), 0);
	cr_assert_eq(e.n, 4);
	cr_assert_eq(e.why[3], XDT_END_IDLE);
	cr_assert_eq(xdt_flow_table_stats(t)->expired, 4);
	xdt_flow_table_free(t);
}

Test(flow_table, keeps_a_flow_that_is_still_talking)
{
	struct xdt_flow_table *t = xdt_flow_table_new(64, 1, NULL, NULL);
	uint64_t ts;

	for (ts = 0; ts < 200 * S; ts += 20 * S) {
		send_pkt(t, 17, A, 1, B, 2, 0, 60, ts);
		xdt_flow_table_expire(t, ts);
	}
	cr_assert_eq(xdt_flow_table_count(t), 1);
	xdt_flow_table_free(t);
}

Test(flow_table, reports_the_old_connection_when_a_syn_reuses_its_ports)
{
	struct ended e = { 0 };
	struct xdt_flow_table *t = xdt_flow_table_new(16, 1, on_end, &e);
	struct xdt_flow *f;

	send_pkt(t, 6, A, 5555, B, 80, XDT_TCP_SYN, 60, S);
	send_pkt(t, 6, B, 80, A, 5555, XDT_TCP_RST | XDT_TCP_ACK, 40, S);
	f = send_pkt(t, 6, A, 5555, B, 80, XDT_TCP_SYN, 60, 2 * S);
	cr_assert_eq(e.n, 1);
	cr_assert_eq(e.why[0], XDT_END_REUSED);
	cr_assert_eq(e.last.tcp_state, XDT_TCP_RESET);
	cr_assert_eq(e.last.dir[XDT_DIR_OUT].pkts, 1);
	cr_assert_eq(f->dir[XDT_DIR_OUT].pkts, 1);
	cr_assert_eq(f->tcp_state, XDT_TCP_SYN_SENT);
	xdt_flow_table_free(t);
}

Test(flow_table, lists_flows_in_order_of_first_packet)
{
	struct xdt_flow_table *t = xdt_flow_table_new(16, 1, NULL, NULL);
	const struct xdt_flow *list[4];
	size_t n;

	send_pkt(t, 17, A, 1, C, 2, 0, 60, 3 * S);
	send_pkt(t, 17, A, 1, B, 2, 0, 60, 1 * S);
	send_pkt(t, 17, B, 1, C, 2, 0, 60, 2 * S);
	n = xdt_flow_table_list(t, list, 4);
	cr_assert_eq(n, 3);
	cr_assert_eq(list[0]->first_ns, 1 * S);
	cr_assert_eq(list[1]->first_ns, 2 * S);
	cr_assert_eq(list[2]->first_ns, 3 * S);
	xdt_flow_table_free(t);
}

Test(flow_table, rate_converges_to_the_offered_load_and_decays_when_idle)
{
	struct xdt_flow_table *t = xdt_flow_table_new(16, 1, NULL, NULL);
	struct xdt_flow *f = NULL;
	uint64_t ts;
	double r;

	/* 1000 bytes every 10 ms = 100 kB/s for 20 s (ten time constants). */
	for (ts = 0; ts < 20 * S; ts += S / 100)
		f = send_pkt(t, 17, A, 1, B, 2, 0, 1000, ts);
	r = xdt_flow_rate(f, XDT_DIR_OUT, f->last_ns);
	cr_assert(r > 95000 && r < 106000, "rate %f", r);
	r = xdt_flow_rate(f, XDT_DIR_OUT, f->last_ns + 10 * S);
	cr_assert(r < 1000, "idle for 5 time constants, rate %f", r);
	cr_assert_eq(xdt_flow_rate(f, XDT_DIR_IN, f->last_ns), 0.0);
	xdt_flow_table_free(t);
}

Test(flow_table, spreads_many_flows_without_losing_any)
{
	struct xdt_flow_table *t = xdt_flow_table_new(100000, 42, NULL, NULL);
	uint8_t src[4] = { 10, 213, 0, 0 };
	uint64_t total = 0;
	int i;

	for (i = 0; i < 100000; i++) {
		src[1] = (uint8_t)(i >> 16);
		src[2] = (uint8_t)(i >> 8);
		src[3] = (uint8_t)i;
		send_pkt(t, 17, src, (uint16_t)(i % 7 + 1), B, 53, 0, 100, (uint64_t)i);
	}
	cr_assert_eq(xdt_flow_table_count(t), 100000, "no two keys merged");
	for (i = 0; i < 100000; i++) {
		struct xdt_flow_pkt p = { 0 };

		src[1] = (uint8_t)(i >> 16);
		src[2] = (uint8_t)(i >> 8);
		src[3] = (uint8_t)i;
		xdt_flow_key_make(&p.key, XDT_FAM_IPV4, 17, 0, src, (uint16_t)(i % 7 + 1), B, 53,
				  &p.from_a);
		total += xdt_flow_table_lookup(t, &p.key)->dir[XDT_DIR_OUT].bytes;
	}
	cr_assert_eq(total, 100000ULL * 100);
	xdt_flow_table_free(t);
}

static struct xdt_flow_sync sync_rec(uint64_t pa, uint64_t ba, uint64_t pb, uint64_t bb,
				     uint64_t last, uint32_t gen)
{
	struct xdt_flow_sync s = { .pkts = { pa, pb }, .bytes = { ba, bb }, .first_ns = S,
				   .last_ns = last, .init_is_a = 0, .gen = gen };
	uint8_t from_a;

	xdt_flow_key_make(&s.key, XDT_FAM_IPV4, 17, 0, A, 1000, B, 53, &from_a);
	return s;
}

Test(flow_table, mirrors_kernel_counters_by_initiator)
{
	struct xdt_flow_table *t = xdt_flow_table_new(16, 1, NULL, NULL);
	struct xdt_flow_sync s = sync_rec(3, 300, 5, 5000, 2 * S, 1);
	struct xdt_flow *f = xdt_flow_table_sync(t, &s);

	/* Endpoint b initiated: what b sent is "out". */
	cr_assert_eq(f->dir[XDT_DIR_OUT].pkts, 5);
	cr_assert_eq(f->dir[XDT_DIR_OUT].bytes, 5000);
	cr_assert_eq(f->dir[XDT_DIR_IN].pkts, 3);
	s = sync_rec(4, 400, 6, 6000, 3 * S, 2);
	f = xdt_flow_table_sync(t, &s);
	cr_assert_eq(f->dir[XDT_DIR_IN].bytes, 400);
	cr_assert_eq(f->last_ns, 3 * S);
	cr_assert_eq(xdt_flow_table_count(t), 1);
	xdt_flow_table_free(t);
}

Test(flow_table, ends_a_flow_whose_kernel_counters_went_backwards)
{
	struct ended e = { 0 };
	struct xdt_flow_table *t = xdt_flow_table_new(16, 1, on_end, &e);
	struct xdt_flow_sync s = sync_rec(10, 1000, 10, 1000, 2 * S, 1);
	struct xdt_flow *f;

	xdt_flow_table_sync(t, &s);
	s = sync_rec(1, 100, 0, 0, 3 * S, 2);
	f = xdt_flow_table_sync(t, &s);
	cr_assert_eq(e.n, 1);
	cr_assert_eq(e.why[0], XDT_END_EVICTED);
	cr_assert_eq(e.last.dir[XDT_DIR_OUT].bytes, 1000, "the old counts are reported");
	cr_assert_eq(f->dir[XDT_DIR_IN].bytes, 100);
	xdt_flow_table_free(t);
}

Test(flow_table, ends_flows_the_last_sync_did_not_see)
{
	struct ended e = { 0 };
	struct xdt_flow_table *t = xdt_flow_table_new(16, 1, on_end, &e);
	struct xdt_flow_sync s = sync_rec(1, 100, 1, 100, 2 * S, 1);

	xdt_flow_table_sync(t, &s);
	xdt_flow_table_end_unsynced(t, 1);
	cr_assert_eq(e.n, 0);
	xdt_flow_table_end_unsynced(t, 2);
	cr_assert_eq(e.n, 1);
	cr_assert_eq(xdt_flow_table_count(t), 0);
	cr_assert_eq(xdt_flow_table_stats(t)->evicted, 1);
	xdt_flow_table_free(t);
}

Test(flow_table, says_when_full_and_which_flow_a_new_one_would_evict)
{
	struct ended e = { 0 };
	struct xdt_flow_table *t = xdt_flow_table_new(2, 1, on_end, &e);
	struct xdt_flow_sync s = sync_rec(1, 100, 1, 100, 2 * S, 1);
	struct xdt_flow *first, *f;

	cr_assert_null(xdt_flow_table_oldest(t));
	first = xdt_flow_table_sync(t, &s);
	cr_assert_not(xdt_flow_table_full(t));
	s.key.port_a = htobe16(1001);
	xdt_flow_table_sync(t, &s);
	cr_assert(xdt_flow_table_full(t));
	cr_assert_eq(xdt_flow_table_oldest(t), first);
	/* Seen again: the other one is oldest now. */
	s.key.port_a = htobe16(1000);
	xdt_flow_table_sync(t, &s);
	f = xdt_flow_table_oldest(t);
	cr_assert_eq(be16toh(f->key.port_a), 1001);
	xdt_flow_table_end_evicted(t, f);
	cr_assert_eq(e.n, 1);
	cr_assert_eq(e.why[0], XDT_END_EVICTED);
	cr_assert_not(xdt_flow_table_full(t));
	cr_assert_eq(xdt_flow_table_stats(t)->evicted, 1);
	cr_assert_eq(xdt_flow_table_oldest(t), first);
	xdt_flow_table_free(t);
}

Test(flow_table, gives_a_closing_udp_flow_a_short_timeout)
{
	uint8_t a[16] = { 10, 213, 0, 1 }, b[16] = { 10, 213, 0, 2 }, from_a;
	struct xdt_flow f = { 0 };

	xdt_flow_key_make(&f.key, XDT_FAM_IPV4, 17, 0, a, 40000, b, 443, &from_a);
	cr_expect_eq(xdt_flow_timeout_ns(&f), 60ULL * 1000000000ULL);
	f.closing = 1;
	cr_expect_eq(xdt_flow_timeout_ns(&f), 5ULL * 1000000000ULL);
}

Test(flow_table, counts_syns_answered_by_a_rst_per_port)
{
	struct xdt_flow_table *t = xdt_flow_table_new(16, 1, NULL, NULL);
	const struct xdt_flow_table_stats *st;

	/* Two attempts at a closed port, from B (the higher address) and from A. */
	send_pkt(t, 6, B, 50000, A, 39999, XDT_TCP_SYN, 60, 1 * S);
	send_pkt(t, 6, A, 39999, B, 50000, XDT_TCP_RST | XDT_TCP_ACK, 40, 1 * S);
	send_pkt(t, 6, A, 50001, B, 39999, XDT_TCP_SYN, 60, 2 * S);
	send_pkt(t, 6, B, 39999, A, 50001, XDT_TCP_RST | XDT_TCP_ACK, 40, 2 * S);
	send_pkt(t, 6, B, 39999, A, 50001, XDT_TCP_RST | XDT_TCP_ACK, 40, 2 * S);
	/* An accepted connection reset later is not a refusal. */
	send_pkt(t, 6, A, 50002, B, 80, XDT_TCP_SYN, 60, 3 * S);
	send_pkt(t, 6, B, 80, A, 50002, XDT_TCP_SYN | XDT_TCP_ACK, 60, 3 * S);
	send_pkt(t, 6, A, 50002, B, 80, XDT_TCP_ACK, 40, 3 * S);
	send_pkt(t, 6, B, 80, A, 50002, XDT_TCP_RST, 40, 3 * S);
	st = xdt_flow_table_stats(t);
	cr_assert_eq(st->n_closed, 1);
	cr_expect_eq(st->closed[0].port, 39999);
	cr_expect_eq(st->closed[0].count, 2, "each attempt once, however many RSTs");
	xdt_flow_table_free(t);
}

static void count_each(struct xdt_flow *f, void *ctx)
{
	uint64_t *sum = ctx;

	sum[0]++;
	sum[1] += be16toh(f->key.port_a);
}

Test(flow_table, walks_every_flow_once)
{
	struct xdt_flow_table *t = xdt_flow_table_new(16, 1, NULL, NULL);
	struct xdt_flow_sync s = sync_rec(1, 100, 1, 100, 2 * S, 1);
	uint64_t sum[2] = { 0, 0 };
	uint16_t p;

	xdt_flow_table_each(t, count_each, sum);
	cr_assert_eq(sum[0], 0);
	for (p = 1000; p < 1005; p++) {
		s.key.port_a = htobe16(p);
		xdt_flow_table_sync(t, &s);
	}
	xdt_flow_table_each(t, count_each, sum);
	cr_assert_eq(sum[0], 5);
	cr_assert_eq(sum[1], 1000 + 1001 + 1002 + 1003 + 1004);
	xdt_flow_table_free(t);
}
