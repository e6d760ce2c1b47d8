// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test cases shared by the XDP and the TC program: both run the same parser and
 * flow accounting (kern/lib/), so the same frames must give the same flows,
 * statistics and prefix records. Each case gets a freshly loaded program (empty
 * maps, zero statistics, empty ring buffer) and checks everything it changed.
 */
#ifndef XDT_TEST_BPF_CASES_H
#define XDT_TEST_BPF_CASES_H

#include "bpf_test.h"

#define BT_CASE static __attribute__((unused)) void

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10

/* The last @n bytes of @f: where the builders put the payload. */
static inline const uint8_t *bt_tail(const struct fb *f, size_t n)
{
	return f->b + f->n - n;
}

/*
 * Run @f and expect it to be let through but counted only in statistics slot
 * @slot (MALFORMED, UNSUPPORTED or FRAGMENTS): no flow, no prefix record.
 * With @may_refuse, the kernel may refuse to build an skb from the frame (see
 * bt_expect_short_ip). Returns 1 if the program ran, 0 if the run was refused.
 */
static inline int bt_reject_run(struct bt *t, const struct fb *f, uint32_t slot,
				const char *what, bool may_refuse)
{
	uint64_t pkts = bt_stat(t, XDT_KSTAT_PACKETS), before = bt_stat(t, slot);
	uint64_t counted = bt_stat(t, XDT_KSTAT_COUNTED);
	uint32_t v = 0;
	int rc = bt_try_run(t, f->b, f->n, &v, NULL, NULL);

	if (rc == -EINVAL && may_refuse) {
		cr_assert_eq(bt_stat(t, XDT_KSTAT_PACKETS), pkts, "%s: %s: refused but ran",
			     t->name, what);
		bt_expect_no_flows(t);
		return 0;
	}
	cr_assert_eq(rc, 0, "%s: %s: BPF_PROG_TEST_RUN of a %zu-byte frame: %s", t->name, what,
		     f->n, strerror(-rc));
	cr_assert_eq(v, t->pass, "%s: %s: verdict %d, expected %d", t->name, what, (int)v,
		     (int)t->pass);
	cr_assert_eq(bt_stat(t, XDT_KSTAT_PACKETS), pkts + 1, "%s: %s: PACKETS", t->name, what);
	cr_assert_eq(bt_stat(t, slot), before + 1, "%s: %s: not counted in %s", t->name, what,
		     bt_stat_names[slot]);
	cr_assert_eq(bt_stat(t, XDT_KSTAT_COUNTED), counted, "%s: %s: counted into a flow",
		     t->name, what);
	bt_expect_no_flows(t);
	bt_expect_no_records(t);
	return 1;
}

static inline void bt_expect_rejected(struct bt *t, const struct fb *f, uint32_t slot,
				      const char *what)
{
	bt_reject_run(t, f, slot, what, false);
}

static inline void bt_expect_malformed(struct bt *t, const struct fb *f, const char *what)
{
	bt_reject_run(t, f, XDT_KSTAT_MALFORMED, what, false);
}

/*
 * A frame with an IPv4/IPv6 ethertype and less than that IP header after the
 * Ethernet header. XDP must count it MALFORMED. For TC, kernels with upstream
 * commit 12bec2bd4b76 ("bpf: reject short IPv4/IPv6 inputs in
 * bpf_prog_test_run_skb", also in stable) refuse to build the skb (EINVAL) and
 * never run the program: accept that. The callers also send the same headers
 * behind a VLAN tag, which every kernel hands to the program. Returns 1 if the
 * program ran.
 */
static inline int bt_expect_short_ip(struct bt *t, const struct fb *f, const char *what)
{
	return bt_reject_run(t, f, XDT_KSTAT_MALFORMED, what, t->skb);
}

/* @f with an 802.1Q tag (VLAN @vid) inserted after the MAC addresses. */
static inline void bt_tagged(struct fb *out, const struct fb *f, uint16_t vid)
{
	out->n = 0;
	fb_bytes(out, f->b, 12);
	fb_u16(out, 0x8100);
	fb_u16(out, vid);
	fb_bytes(out, f->b + 12, f->n - 12);
}

/* ---- TCP ---- */

BT_CASE case_ipv4_tcp_syn_with_options(struct bt *t)
{
	struct fb f = { 0 };
	struct xdt_flow_key k = bt_key4(6, A4, 40000, B4, 443, 0);
	struct xdt_kflow fl;

	fb_eth(&f, 0x0800);
	bt_tcp4(&f, A4, 40000, B4, 443, TCP_SYN, 12, 0, 0);
	bt_send(t, &f);

	bt_expect_one_flow(t, k);
	fl = bt_flow(t, k);
	bt_expect_counts(&fl, 1, 52, 0, 0);
	cr_expect_eq(fl.first_from_b, 0);
	cr_expect_eq(fl.first_tcp_flags, TCP_SYN);
	cr_expect_eq(fl.first_icmp_echo, 0);
	cr_expect_eq(fl.tcp_flags[0], TCP_SYN);
	cr_expect_eq(fl.tcp_flags[1], 0);
	cr_expect_eq(fl.fin_seen, 0);
	cr_expect_eq(fl.prefixes[0], 0, "a SYN without payload uses no prefix");
	cr_expect_eq(fl.prefixes[1], 0);
	bt_expect_stats(t, [XDT_KSTAT_PACKETS] = 1, [XDT_KSTAT_COUNTED] = 1);
	bt_expect_no_records(t);
}

BT_CASE case_tcp_from_the_higher_address_is_from_b(struct bt *t)
{
	struct fb f = { 0 };
	struct xdt_flow_key k = bt_key4(6, A4, 40000, B4, 443, 0);
	struct xdt_kflow fl;

	fb_eth(&f, 0x0800);
	bt_tcp4(&f, B4, 443, A4, 40000, TCP_SYN | TCP_ACK, 0, 0, 0);
	bt_send(t, &f);

	bt_expect_one_flow(t, k);
	fl = bt_flow(t, k);
	bt_expect_counts(&fl, 0, 0, 1, 40);
	cr_expect_eq(fl.first_from_b, 1);
	cr_expect_eq(fl.first_tcp_flags, TCP_SYN | TCP_ACK);
	cr_expect_eq(fl.tcp_flags[0], 0);
	cr_expect_eq(fl.tcp_flags[1], TCP_SYN | TCP_ACK);
	bt_expect_stats(t, [XDT_KSTAT_PACKETS] = 1, [XDT_KSTAT_COUNTED] = 1);
}

BT_CASE case_equal_addresses_ordered_by_port(struct bt *t)
{
	struct fb f = { 0 };
	const uint32_t x = IP4(10, 0, 0, 7);
	struct xdt_flow_key k = bt_key4(17, x, 80, x, 5000, 0);
	struct xdt_kflow fl;

	fb_eth(&f, 0x0800);
	bt_udp4(&f, x, 5000, x, 80, 4, 9);
	bt_send(t, &f);

	bt_expect_one_flow(t, k);
	fl = bt_flow(t, k);
	bt_expect_counts(&fl, 0, 0, 1, 32);
	cr_expect_eq(fl.first_from_b, 1, "port 5000 > 80: the sender is b");
	bt_expect_rec(t, 0, k, 1, 4, bt_tail(&f, 4));
}

/* SYN, SYN+ACK, ACK between @cli:@cport and @srv:@sport. */
static inline void bt_handshake4(struct bt *t, uint32_t cli, uint16_t cport, uint32_t srv,
				 uint16_t sport)
{
	struct fb f = { 0 };

	fb_eth(&f, 0x0800);
	bt_tcp4(&f, cli, cport, srv, sport, TCP_SYN, 20, 0, 0);
	bt_send(t, &f);
	f.n = 0;
	fb_eth(&f, 0x0800);
	bt_tcp4(&f, srv, sport, cli, cport, TCP_SYN | TCP_ACK, 20, 0, 0);
	bt_send(t, &f);
	f.n = 0;
	fb_eth(&f, 0x0800);
	bt_tcp4(&f, cli, cport, srv, sport, TCP_ACK, 12, 0, 0);
	bt_send(t, &f);
}

BT_CASE case_handshake_initiated_by_a(struct bt *t)
{
	struct xdt_flow_key k = bt_key4(6, A4, 40000, B4, 443, 0);
	struct xdt_kflow fl;

	bt_handshake4(t, A4, 40000, B4, 443);
	bt_expect_one_flow(t, k);
	fl = bt_flow(t, k);
	bt_expect_counts(&fl, 2, 60 + 52, 1, 60);
	cr_expect_eq(fl.first_from_b, 0);
	cr_expect_eq(fl.first_tcp_flags, TCP_SYN);
	cr_expect_eq(fl.tcp_flags[0], TCP_SYN | TCP_ACK);
	cr_expect_eq(fl.tcp_flags[1], TCP_SYN | TCP_ACK);
	cr_expect_eq(fl.fin_seen, 0);
	bt_expect_stats(t, [XDT_KSTAT_PACKETS] = 3, [XDT_KSTAT_COUNTED] = 3);
	bt_expect_no_records(t);
}

BT_CASE case_handshake_initiated_by_b(struct bt *t)
{
	struct xdt_flow_key k = bt_key4(6, A4, 22, B4, 51000, 0);
	struct xdt_kflow fl;

	bt_handshake4(t, B4, 51000, A4, 22);
	bt_expect_one_flow(t, k);
	fl = bt_flow(t, k);
	bt_expect_counts(&fl, 1, 60, 2, 60 + 52);
	cr_expect_eq(fl.first_from_b, 1);
	cr_expect_eq(fl.first_tcp_flags, TCP_SYN);
	cr_expect_eq(fl.tcp_flags[0], TCP_SYN | TCP_ACK);
	cr_expect_eq(fl.tcp_flags[1], TCP_SYN | TCP_ACK);
	bt_expect_stats(t, [XDT_KSTAT_PACKETS] = 3, [XDT_KSTAT_COUNTED] = 3);
}

BT_CASE case_first_fin_from_b(struct bt *t)
{
	struct xdt_flow_key k = bt_key4(6, A4, 40000, B4, 443, 0);
	struct xdt_kflow fl;
	struct fb f = { 0 };

	bt_handshake4(t, A4, 40000, B4, 443);
	fb_eth(&f, 0x0800);
	bt_tcp4(&f, B4, 443, A4, 40000, TCP_FIN | TCP_ACK, 0, 0, 0);
	bt_send(t, &f);
	fl = bt_flow(t, k);
	cr_expect_eq(fl.fin_seen, 1);
	cr_expect_eq(fl.fin_first_from_b, 1);

	f.n = 0;
	fb_eth(&f, 0x0800);
	bt_tcp4(&f, A4, 40000, B4, 443, TCP_FIN | TCP_ACK, 0, 0, 0);
	bt_send(t, &f);
	fl = bt_flow(t, k);
	cr_expect_eq(fl.fin_first_from_b, 1, "the second FIN does not change who closed first");
	cr_expect_eq(fl.tcp_flags[0], TCP_SYN | TCP_ACK | TCP_FIN);
	cr_expect_eq(fl.tcp_flags[1], TCP_SYN | TCP_ACK | TCP_FIN);
	bt_expect_counts(&fl, 3, 60 + 52 + 40, 2, 60 + 40);
}

BT_CASE case_first_fin_from_a(struct bt *t)
{
	struct xdt_flow_key k = bt_key4(6, A4, 22, B4, 51000, 0);
	struct xdt_kflow fl;
	struct fb f = { 0 };

	bt_handshake4(t, B4, 51000, A4, 22);
	fb_eth(&f, 0x0800);
	bt_tcp4(&f, A4, 22, B4, 51000, TCP_FIN | TCP_ACK, 0, 0, 0);
	bt_send(t, &f);
	f.n = 0;
	fb_eth(&f, 0x0800);
	bt_tcp4(&f, B4, 51000, A4, 22, TCP_RST, 0, 0, 0);
	bt_send(t, &f);
	fl = bt_flow(t, k);
	cr_expect_eq(fl.fin_seen, 1);
	cr_expect_eq(fl.fin_first_from_b, 0);
	cr_expect_eq(fl.tcp_flags[0], TCP_SYN | TCP_ACK | TCP_FIN);
	cr_expect_eq(fl.tcp_flags[1], TCP_SYN | TCP_ACK | TCP_RST);
}

BT_CASE case_ipv6_tcp_with_options_and_payload(struct bt *t)
{
	struct fb f = { 0 };
	struct xdt_flow_key k = bt_key6(6, V6_A, 50000, V6_B, 443, 0);
	struct xdt_kflow fl;

	fb_eth(&f, 0x86dd);
	bt_tcp6(&f, V6_B, 443, V6_A, 50000, TCP_PSH | TCP_ACK, 12, 100, 1);
	bt_send(t, &f);

	bt_expect_one_flow(t, k);
	fl = bt_flow(t, k);
	bt_expect_counts(&fl, 0, 0, 1, 40 + 32 + 100);
	cr_expect_eq(fl.first_from_b, 1);
	cr_expect_eq(fl.tcp_flags[1], TCP_PSH | TCP_ACK);
	cr_expect_eq(fl.prefixes[0], 0);
	cr_expect_eq(fl.prefixes[1], 1);
	bt_expect_stats(t, [XDT_KSTAT_PACKETS] = 1, [XDT_KSTAT_COUNTED] = 1,
			[XDT_KSTAT_PREFIXES] = 1);
	bt_expect_rec(t, 0, k, 1, 100, bt_tail(&f, 100));
	cr_expect_eq(bt_drain(t), 1);
}

BT_CASE case_ipv4_options_skipped(struct bt *t)
{
	struct fb f = { 0 };
	struct xdt_flow_key k = bt_key4(6, A4, 40000, B4, 8080, 0);
	struct xdt_kflow fl;

	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 6, A4, B4, 24 + 20 + 10, 1, 0x4000);
	f.b[14] = 0x46;			/* IHL 6 */
	fb_u32(&f, 0x01010100);		/* NOP NOP NOP EOL */
	fb_tcp(&f, 40000, 8080, TCP_PSH | TCP_ACK, 0);
	bt_payload(&f, 10, 3);
	bt_send(t, &f);

	bt_expect_one_flow(t, k);
	fl = bt_flow(t, k);
	bt_expect_counts(&fl, 1, 54, 0, 0);
	bt_expect_rec(t, 0, k, 0, 10, bt_tail(&f, 10));
}

/* ---- UDP, other IP protocols ---- */

BT_CASE case_udp_with_payload(struct bt *t)
{
	struct fb f = { 0 };
	struct xdt_flow_key k = bt_key4(17, A4, 5000, B4, 53, 0);
	struct xdt_kflow fl;

	fb_eth(&f, 0x0800);
	bt_udp4(&f, A4, 5000, B4, 53, 30, 5);
	bt_send(t, &f);

	bt_expect_one_flow(t, k);
	fl = bt_flow(t, k);
	bt_expect_counts(&fl, 1, 58, 0, 0);
	cr_expect_eq(fl.first_from_b, 0);
	cr_expect_eq(fl.tcp_flags[0], 0);
	cr_expect_eq(fl.first_tcp_flags, 0);
	cr_expect_eq(fl.prefixes[0], 1);
	bt_expect_stats(t, [XDT_KSTAT_PACKETS] = 1, [XDT_KSTAT_COUNTED] = 1,
			[XDT_KSTAT_PREFIXES] = 1);
	bt_expect_rec(t, 0, k, 0, 30, bt_tail(&f, 30));
}

BT_CASE case_ipv6_udp_reply(struct bt *t)
{
	struct fb f = { 0 };
	struct xdt_flow_key k = bt_key6(17, V6_A, 53, V6_B, 33000, 0);
	struct xdt_kflow fl;

	fb_eth(&f, 0x86dd);
	bt_udp6(&f, V6_B, 33000, V6_A, 53, 12, 1);
	bt_send(t, &f);
	f.n = 0;
	fb_eth(&f, 0x86dd);
	bt_udp6(&f, V6_A, 53, V6_B, 33000, 40, 2);
	bt_send(t, &f);

	bt_expect_one_flow(t, k);
	fl = bt_flow(t, k);
	bt_expect_counts(&fl, 1, 88, 1, 60);
	cr_expect_eq(fl.first_from_b, 1);
	bt_expect_rec(t, 1, k, 0, 40, bt_tail(&f, 40));
	cr_expect_eq(t->rec[0].r.from_b, 1);
	cr_expect_eq(t->rec[0].r.payload_len, 12);
}

BT_CASE case_ethernet_padding_not_counted(struct bt *t)
{
	struct fb f = { 0 };
	struct xdt_flow_key k = bt_key4(17, A4, 5000, B4, 53, 0);
	struct xdt_kflow fl;

	fb_eth(&f, 0x0800);
	bt_udp4(&f, A4, 5000, B4, 53, 0, 0);
	fb_zero(&f, 60 - f.n);
	bt_send(t, &f);

	bt_expect_one_flow(t, k);
	fl = bt_flow(t, k);
	bt_expect_counts(&fl, 1, 28, 0, 0);
	bt_expect_stats(t, [XDT_KSTAT_PACKETS] = 1, [XDT_KSTAT_COUNTED] = 1);
	bt_expect_no_records(t);
}

BT_CASE case_other_ip_protocol_without_ports(struct bt *t)
{
	struct fb f = { 0 };
	struct xdt_flow_key k = bt_key4(47, A4, 0, B4, 0, 0);
	struct xdt_kflow fl;

	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 47, B4, A4, 20 + 24, 1, 0);	/* GRE */
	bt_payload(&f, 24, 7);
	bt_send(t, &f);

	bt_expect_one_flow(t, k);
	fl = bt_flow(t, k);
	bt_expect_counts(&fl, 0, 0, 1, 44);
	bt_expect_rec(t, 0, k, 1, 24, bt_tail(&f, 24));
}

/* ---- ICMP ---- */

BT_CASE case_icmp_echo_request_and_reply(struct bt *t)
{
	struct fb f = { 0 }, g = { 0 };
	struct xdt_flow_key k = bt_key4(1, A4, 0x1234, B4, 0x1234, 0);
	struct xdt_kflow fl;

	fb_eth(&f, 0x0800);
	bt_echo4(&f, A4, B4, 8, 0x1234, 56, 1);
	bt_send(t, &f);
	fb_eth(&g, 0x0800);
	bt_echo4(&g, B4, A4, 0, 0x1234, 56, 2);
	bt_send(t, &g);

	bt_expect_one_flow(t, k);
	fl = bt_flow(t, k);
	bt_expect_counts(&fl, 1, 84, 1, 84);
	cr_expect_eq(fl.first_from_b, 0);
	cr_expect_eq(fl.first_icmp_echo, 1);
	cr_expect_eq(fl.tcp_flags[0], 0);
	bt_expect_stats(t, [XDT_KSTAT_PACKETS] = 2, [XDT_KSTAT_COUNTED] = 2,
			[XDT_KSTAT_PREFIXES] = 2);
	bt_expect_rec(t, 0, k, 0, 56, bt_tail(&f, 56));
	bt_expect_rec(t, 1, k, 1, 56, bt_tail(&g, 56));
}

BT_CASE case_icmpv6_echo_request_and_reply(struct bt *t)
{
	struct fb f = { 0 }, g = { 0 };
	struct xdt_flow_key k = bt_key6(58, V6_A, 7, V6_B, 7, 0);
	struct xdt_kflow fl;

	fb_eth(&f, 0x86dd);
	bt_echo6(&f, V6_B, V6_A, 128, 7, 16, 1);
	bt_send(t, &f);
	fb_eth(&g, 0x86dd);
	bt_echo6(&g, V6_A, V6_B, 129, 7, 16, 2);
	bt_send(t, &g);

	bt_expect_one_flow(t, k);
	fl = bt_flow(t, k);
	bt_expect_counts(&fl, 1, 64, 1, 64);
	cr_expect_eq(fl.first_from_b, 1);
	cr_expect_eq(fl.first_icmp_echo, 1);
	bt_expect_rec(t, 0, k, 1, 16, bt_tail(&f, 16));
	bt_expect_rec(t, 1, k, 0, 16, bt_tail(&g, 16));
}

BT_CASE case_icmp_echo_reply_seen_first(struct bt *t)
{
	struct fb f = { 0 };
	struct xdt_flow_key k = bt_key4(1, A4, 99, B4, 99, 0);
	struct xdt_kflow fl;

	fb_eth(&f, 0x0800);
	bt_echo4(&f, A4, B4, 0, 99, 0, 0);
	bt_send(t, &f);
	fl = bt_flow(t, k);
	cr_expect_eq(fl.first_from_b, 0);
	cr_expect_eq(fl.first_icmp_echo, 2, "userspace makes the reply's receiver the initiator");
	bt_expect_counts(&fl, 1, 28, 0, 0);
	bt_expect_no_records(t);
}

BT_CASE case_ping_to_self(struct bt *t)
{
	const uint32_t lo = IP4(127, 0, 0, 1);
	struct fb f = { 0 };
	struct xdt_flow_key k = bt_key4(1, lo, 9, lo, 9, 0);
	struct xdt_kflow fl;

	fb_eth(&f, 0x0800);
	bt_echo4(&f, lo, lo, 8, 9, 8, 1);
	bt_send(t, &f);
	f.n = 0;
	fb_eth(&f, 0x0800);
	bt_echo4(&f, lo, lo, 0, 9, 8, 2);
	bt_send(t, &f);

	bt_expect_one_flow(t, k);
	fl = bt_flow(t, k);
	bt_expect_counts(&fl, 1, 36, 1, 36);
	cr_expect_eq(fl.first_from_b, 0);
	cr_expect_eq(fl.first_icmp_echo, 1);
	bt_expect_rec(t, 1, k, 1, 8, bt_tail(&f, 8));
	cr_expect_eq(t->rec[0].r.from_b, 0);
}

/* An ICMP error: type, code, 4 unused bytes and @inner bytes of the offending packet. */
static inline void bt_icmp_error(struct fb *f, uint8_t type, uint8_t code, size_t inner,
				 uint8_t seed)
{
	fb_u8(f, type);
	fb_u8(f, code);
	fb_u16(f, 0);
	fb_u32(f, 0);
	bt_payload(f, inner, seed);
}

BT_CASE case_icmp_non_echo_ports_zero(struct bt *t)
{
	struct fb f = { 0 }, g = { 0 }, h = { 0 };
	struct xdt_flow_key k4 = bt_key4(1, A4, 0, B4, 0, 0);
	struct xdt_flow_key k6 = bt_key6(58, V6_A, 0, V6_B, 0, 0);
	struct xdt_flow_key keys[2] = { k4, k6 };
	struct xdt_kflow fl;

	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 1, B4, A4, 20 + 8 + 28, 1, 0);
	bt_icmp_error(&f, 3, 1, 28, 1);	/* host unreachable */
	bt_send(t, &f);
	fb_eth(&g, 0x0800);
	fb_ipv4(&g, 1, A4, B4, 20 + 8 + 28, 2, 0);
	bt_icmp_error(&g, 11, 0, 28, 2);	/* time exceeded */
	bt_send(t, &g);
	fb_eth(&h, 0x86dd);
	fb_ipv6(&h, 58, V6_A, V6_B, 8 + 48);
	bt_icmp_error(&h, 1, 3, 48, 3);	/* address unreachable */
	bt_send(t, &h);

	bt_expect_flows(t, keys, 2);
	fl = bt_flow(t, k4);
	bt_expect_counts(&fl, 1, 56, 1, 56);
	cr_expect_eq(fl.first_from_b, 1);
	cr_expect_eq(fl.first_icmp_echo, 0);
	fl = bt_flow(t, k6);
	bt_expect_counts(&fl, 1, 96, 0, 0);
	bt_expect_stats(t, [XDT_KSTAT_PACKETS] = 3, [XDT_KSTAT_COUNTED] = 3,
			[XDT_KSTAT_PREFIXES] = 3);
	bt_expect_rec(t, 0, k4, 1, 28, bt_tail(&f, 28));
	bt_expect_rec(t, 1, k4, 0, 28, bt_tail(&g, 28));
	bt_expect_rec(t, 2, k6, 0, 48, bt_tail(&h, 48));
}

/* ---- VLAN ---- */

BT_CASE case_vlan_8021q(struct bt *t)
{
	struct fb f = { 0 }, g = { 0 };
	struct xdt_flow_key kv = bt_key4(6, A4, 40000, B4, 443, 100);
	struct xdt_flow_key k0 = bt_key4(6, A4, 40000, B4, 443, 0);
	struct xdt_flow_key keys[2] = { kv, k0 };
	struct xdt_kflow fl;

	fb_eth(&f, 0x8100);
	fb_u16(&f, 0xa000 | 100);	/* PCP 5, VID 100 */
	fb_u16(&f, 0x0800);
	bt_tcp4(&f, A4, 40000, B4, 443, TCP_PSH | TCP_ACK, 0, 20, 1);
	bt_send(t, &f);
	fb_eth(&g, 0x0800);
	bt_tcp4(&g, A4, 40000, B4, 443, TCP_ACK, 0, 0, 0);
	bt_send(t, &g);

	bt_expect_flows(t, keys, 2);
	fl = bt_flow(t, kv);
	bt_expect_counts(&fl, 1, 60, 0, 0);
	fl = bt_flow(t, k0);
	bt_expect_counts(&fl, 1, 40, 0, 0);
	bt_expect_rec(t, 0, kv, 0, 20, bt_tail(&f, 20));
}

BT_CASE case_qinq_outer_vlan(struct bt *t)
{
	struct fb f = { 0 }, g = { 0 };
	struct xdt_flow_key k = bt_key4(17, A4, 5000, B4, 53, 200);
	struct xdt_kflow fl;

	fb_eth(&f, 0x88a8);
	fb_vlan(&f, 200, 0x8100);
	fb_vlan(&f, 300, 0x0800);
	bt_udp4(&f, A4, 5000, B4, 53, 10, 1);
	bt_send(t, &f);
	fb_eth(&g, 0x9100);		/* pre-standard QinQ, other inner tag */
	fb_vlan(&g, 200, 0x8100);
	fb_vlan(&g, 301, 0x0800);
	bt_udp4(&g, B4, 53, A4, 5000, 20, 2);
	bt_send(t, &g);

	bt_expect_one_flow(t, k);
	fl = bt_flow(t, k);
	bt_expect_counts(&fl, 1, 38, 1, 48);
	bt_expect_rec(t, 0, k, 0, 10, bt_tail(&f, 10));
	bt_expect_rec(t, 1, k, 1, 20, bt_tail(&g, 20));
}

BT_CASE case_four_vlan_tags(struct bt *t)
{
	struct fb f = { 0 };
	struct xdt_flow_key k = bt_key6(6, V6_A, 1234, V6_B, 80, 10);
	struct xdt_kflow fl;

	fb_eth(&f, 0x88a8);
	fb_vlan(&f, 10, 0x8100);
	fb_vlan(&f, 20, 0x8100);
	fb_vlan(&f, 30, 0x8100);
	fb_vlan(&f, 40, 0x86dd);
	bt_tcp6(&f, V6_A, 1234, V6_B, 80, TCP_SYN, 0, 0, 0);
	bt_send(t, &f);

	bt_expect_one_flow(t, k);
	fl = bt_flow(t, k);
	bt_expect_counts(&fl, 1, 60, 0, 0);
	bt_expect_stats(t, [XDT_KSTAT_PACKETS] = 1, [XDT_KSTAT_COUNTED] = 1);
}

BT_CASE case_five_vlan_tags(struct bt *t)
{
	struct fb f = { 0 };

	fb_eth(&f, 0x88a8);
	fb_vlan(&f, 10, 0x8100);
	fb_vlan(&f, 20, 0x8100);
	fb_vlan(&f, 30, 0x8100);
	fb_vlan(&f, 40, 0x8100);
	fb_vlan(&f, 50, 0x0800);
	bt_tcp4(&f, A4, 1234, B4, 80, TCP_SYN, 0, 0, 0);
	bt_expect_malformed(t, &f, "five VLAN tags");
	bt_expect_stats(t, [XDT_KSTAT_PACKETS] = 1, [XDT_KSTAT_MALFORMED] = 1);
}

BT_CASE case_truncated_vlan_tag(struct bt *t)
{
	struct fb f = { 0 };

	fb_eth(&f, 0x8100);
	fb_u16(&f, 100);
	bt_expect_malformed(t, &f, "half a VLAN tag");
	f.n = 0;
	fb_eth(&f, 0x88a8);
	fb_vlan(&f, 100, 0x8100);
	fb_u8(&f, 0);
	bt_expect_malformed(t, &f, "QinQ with 1 byte of the inner tag");
	bt_expect_stats(t, [XDT_KSTAT_PACKETS] = 2, [XDT_KSTAT_MALFORMED] = 2);
}

/* ---- IPv6 extension headers ---- */

BT_CASE case_ipv6_hbh_and_dstopts_before_tcp(struct bt *t)
{
	struct fb f = { 0 };
	struct xdt_flow_key k = bt_key6(6, V6_A, 40000, V6_B, 443, 0);
	struct xdt_kflow fl;

	fb_eth(&f, 0x86dd);
	fb_ipv6(&f, 0, V6_A, V6_B, 8 + 16 + 20 + 20);
	bt_ext6(&f, 60, 8);	/* hop-by-hop */
	bt_ext6(&f, 6, 16);	/* destination options, 2 units */
	fb_tcp(&f, 40000, 443, TCP_PSH | TCP_ACK, 0);
	bt_payload(&f, 20, 4);
	bt_send(t, &f);

	bt_expect_one_flow(t, k);
	fl = bt_flow(t, k);
	bt_expect_counts(&fl, 1, 40 + 64, 0, 0);
	cr_expect_eq(fl.tcp_flags[0], TCP_PSH | TCP_ACK);
	bt_expect_rec(t, 0, k, 0, 20, bt_tail(&f, 20));
}

BT_CASE case_ipv6_routing_and_ah_before_udp(struct bt *t)
{
	struct fb f = { 0 };
	struct xdt_flow_key k = bt_key6(17, V6_A, 4500, V6_B, 4500, 0);
	struct xdt_kflow fl;

	fb_eth(&f, 0x86dd);
	fb_ipv6(&f, 43, V6_B, V6_A, 24 + 16 + 8 + 10);
	bt_ext6(&f, 51, 24);	/* routing */
	bt_ah6(&f, 17, 16);	/* AH: length in 4-byte units minus 2 */
	fb_udp(&f, 4500, 4500, 18);
	bt_payload(&f, 10, 5);
	bt_send(t, &f);

	bt_expect_one_flow(t, k);
	fl = bt_flow(t, k);
	bt_expect_counts(&fl, 0, 0, 1, 40 + 58);
	bt_expect_rec(t, 0, k, 1, 10, bt_tail(&f, 10));
}

/* IPv6 + @n destination-options headers (8 bytes each) + UDP with 4 payload bytes. */
static inline void bt_ipv6_ext_chain(struct fb *f, int n)
{
	int i;

	fb_eth(f, 0x86dd);
	fb_ipv6(f, 60, V6_A, V6_B, (uint16_t)(8 * n + 12));
	for (i = 0; i < n; i++)
		bt_ext6(f, i == n - 1 ? 17 : 60, 8);
	fb_udp(f, 1000, 2000, 12);
	bt_payload(f, 4, 1);
}

BT_CASE case_ipv6_eight_extension_headers(struct bt *t)
{
	struct fb f = { 0 };
	struct xdt_flow_key k = bt_key6(17, V6_A, 1000, V6_B, 2000, 0);
	struct xdt_kflow fl;

	bt_ipv6_ext_chain(&f, 8);
	bt_send(t, &f);
	bt_expect_one_flow(t, k);
	fl = bt_flow(t, k);
	bt_expect_counts(&fl, 1, 40 + 64 + 12, 0, 0);
	bt_expect_rec(t, 0, k, 0, 4, bt_tail(&f, 4));
}

BT_CASE case_ipv6_nine_extension_headers(struct bt *t)
{
	struct fb f = { 0 };

	bt_ipv6_ext_chain(&f, 9);
	bt_expect_malformed(t, &f, "nine extension headers");
	f.n = 0;
	bt_ipv6_ext_chain(&f, 12);
	bt_expect_malformed(t, &f, "twelve extension headers");
	bt_expect_stats(t, [XDT_KSTAT_PACKETS] = 2, [XDT_KSTAT_MALFORMED] = 2);
}

BT_CASE case_ipv6_extension_header_beyond_payload(struct bt *t)
{
	struct fb f = { 0 };

	fb_eth(&f, 0x86dd);
	fb_ipv6(&f, 60, V6_A, V6_B, 16);
	fb_u8(&f, 17);
	fb_u8(&f, 2);		/* 24 bytes, but the payload length says 16 */
	fb_zero(&f, 22);
	bt_expect_malformed(t, &f, "destination options longer than the payload");
	f.n = 0;
	fb_eth(&f, 0x86dd);
	fb_ipv6(&f, 0, V6_A, V6_B, 4);
	fb_u8(&f, 17);
	fb_zero(&f, 3);
	bt_expect_malformed(t, &f, "hop-by-hop header cut by the frame");
	bt_expect_stats(t, [XDT_KSTAT_PACKETS] = 2, [XDT_KSTAT_MALFORMED] = 2);
}

/* ---- fragments ---- */

BT_CASE case_ipv4_fragments_one_flow(struct bt *t)
{
	struct fb f = { 0 }, g = { 0 };
	struct xdt_flow_key k = bt_key4(17, A4, 5000, B4, 53, 0);
	struct xdt_kflow fl;

	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 17, A4, B4, 20 + 8 + 48, 0x4242, 0x2000);	/* MF, offset 0 */
	fb_udp(&f, 5000, 53, 8 + 100);
	bt_payload(&f, 48, 1);
	bt_send(t, &f);
	fb_eth(&g, 0x0800);
	fb_ipv4(&g, 17, A4, B4, 20 + 52, 0x4242, 56 / 8);	/* last, offset 56 */
	bt_payload(&g, 52, 2);
	bt_send(t, &g);

	bt_expect_one_flow(t, k);
	fl = bt_flow(t, k);
	bt_expect_counts(&fl, 2, 76 + 72, 0, 0);
	bt_expect_stats(t, [XDT_KSTAT_PACKETS] = 2, [XDT_KSTAT_COUNTED] = 2,
			[XDT_KSTAT_PREFIXES] = 1);
	bt_expect_rec(t, 0, k, 0, 48, bt_tail(&f, 48));
	cr_expect_eq(bt_drain(t), 1, "only the first fragment carries a prefix");
}

BT_CASE case_ipv4_orphan_fragment(struct bt *t)
{
	struct fb f = { 0 };

	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 17, A4, B4, 20 + 52, 0x4343, 56 / 8);
	bt_payload(&f, 52, 2);
	bt_expect_rejected(t, &f, XDT_KSTAT_FRAGMENTS, "later fragment without a first");
	f.n = 0;
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 6, A4, B4, 20 + 40, 0x4344, 0x2000 | 1480 / 8);	/* middle fragment */
	bt_payload(&f, 40, 3);
	bt_expect_rejected(t, &f, XDT_KSTAT_FRAGMENTS, "middle fragment without a first");
	bt_expect_stats(t, [XDT_KSTAT_PACKETS] = 2, [XDT_KSTAT_FRAGMENTS] = 2);
}

BT_CASE case_ipv4_fragment_of_another_datagram(struct bt *t)
{
	struct fb f = { 0 }, g = { 0 };
	struct xdt_flow_key k = bt_key4(17, A4, 5000, B4, 53, 0);
	struct xdt_kflow fl;

	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 17, A4, B4, 20 + 8 + 48, 1, 0x2000);
	fb_udp(&f, 5000, 53, 8 + 100);
	bt_payload(&f, 48, 1);
	bt_send(t, &f);
	fb_eth(&g, 0x0800);
	fb_ipv4(&g, 17, A4, B4, 20 + 52, 2, 56 / 8);		/* other id */
	bt_payload(&g, 52, 2);
	bt_send(t, &g);
	g.n = 0;
	fb_eth(&g, 0x0800);
	fb_ipv4(&g, 17, B4, A4, 20 + 52, 1, 56 / 8);		/* same id, other direction */
	bt_payload(&g, 52, 2);
	bt_send(t, &g);

	bt_expect_one_flow(t, k);
	fl = bt_flow(t, k);
	bt_expect_counts(&fl, 1, 76, 0, 0);
	bt_expect_stats(t, [XDT_KSTAT_PACKETS] = 3, [XDT_KSTAT_COUNTED] = 1,
			[XDT_KSTAT_FRAGMENTS] = 2, [XDT_KSTAT_PREFIXES] = 1);
}

BT_CASE case_ipv6_fragments_one_flow(struct bt *t)
{
	struct fb f = { 0 }, g = { 0 };
	struct xdt_flow_key k = bt_key6(17, V6_A, 6000, V6_B, 7000, 0);
	struct xdt_kflow fl;

	fb_eth(&f, 0x86dd);
	fb_ipv6(&f, 44, V6_B, V6_A, 8 + 8 + 40);
	bt_frag6(&f, 17, 0, 1, 0xdeadbeef);
	fb_udp(&f, 7000, 6000, 8 + 40 + 64);
	bt_payload(&f, 40, 1);
	bt_send(t, &f);
	fb_eth(&g, 0x86dd);
	fb_ipv6(&g, 44, V6_B, V6_A, 8 + 64);
	bt_frag6(&g, 17, 48, 0, 0xdeadbeef);
	bt_payload(&g, 64, 2);
	bt_send(t, &g);

	bt_expect_one_flow(t, k);
	fl = bt_flow(t, k);
	bt_expect_counts(&fl, 0, 0, 2, 96 + 112);
	cr_expect_eq(fl.first_from_b, 1);
	bt_expect_stats(t, [XDT_KSTAT_PACKETS] = 2, [XDT_KSTAT_COUNTED] = 2,
			[XDT_KSTAT_PREFIXES] = 1);
	bt_expect_rec(t, 0, k, 1, 40, bt_tail(&f, 40));
	cr_expect_eq(bt_drain(t), 1, "only the first fragment carries a prefix");
}

BT_CASE case_ipv6_fragment_after_hop_by_hop(struct bt *t)
{
	struct fb f = { 0 }, g = { 0 };
	struct xdt_flow_key k = bt_key6(6, V6_A, 6000, V6_B, 7000, 0);
	struct xdt_kflow fl;

	/* 40 bytes after the Fragment header: a multiple of 8, as RFC 8200 4.5 wants. */
	fb_eth(&f, 0x86dd);
	fb_ipv6(&f, 0, V6_A, V6_B, 8 + 8 + 20 + 20);
	bt_ext6(&f, 44, 8);
	bt_frag6(&f, 6, 0, 1, 77);
	fb_tcp(&f, 6000, 7000, TCP_ACK, 0);
	bt_payload(&f, 20, 1);
	bt_send(t, &f);
	fb_eth(&g, 0x86dd);
	fb_ipv6(&g, 0, V6_A, V6_B, 8 + 8 + 24);
	bt_ext6(&g, 44, 8);
	bt_frag6(&g, 6, 40, 0, 77);
	bt_payload(&g, 24, 2);
	bt_send(t, &g);

	bt_expect_one_flow(t, k);
	fl = bt_flow(t, k);
	bt_expect_counts(&fl, 2, 96 + 80, 0, 0);
	cr_expect_eq(fl.tcp_flags[0], TCP_ACK);
	bt_expect_stats(t, [XDT_KSTAT_PACKETS] = 2, [XDT_KSTAT_COUNTED] = 2,
			[XDT_KSTAT_PREFIXES] = 1);
}

/*
 * Extension headers after the Fragment header are only in the first fragment: the
 * later one carries next header 60, and must still find the UDP flow.
 */
BT_CASE case_ipv6_fragment_before_destination_options(struct bt *t)
{
	struct fb f = { 0 }, g = { 0 };
	struct xdt_flow_key k = bt_key6(17, V6_A, 1000, V6_B, 2000, 0);
	struct xdt_kflow fl;

	fb_eth(&f, 0x86dd);
	fb_ipv6(&f, 44, V6_A, V6_B, 8 + 8 + 8 + 16);
	bt_frag6(&f, 60, 0, 1, 5);
	bt_ext6(&f, 17, 8);
	fb_udp(&f, 1000, 2000, 48);
	bt_payload(&f, 16, 1);
	bt_send(t, &f);
	fb_eth(&g, 0x86dd);
	fb_ipv6(&g, 44, V6_A, V6_B, 8 + 24);
	bt_frag6(&g, 60, 32, 0, 5);
	bt_payload(&g, 24, 2);
	bt_send(t, &g);

	bt_expect_one_flow(t, k);
	fl = bt_flow(t, k);
	bt_expect_counts(&fl, 2, 80 + 72, 0, 0);
	bt_expect_stats(t, [XDT_KSTAT_PACKETS] = 2, [XDT_KSTAT_COUNTED] = 2,
			[XDT_KSTAT_PREFIXES] = 1);
	cr_expect_eq(bt_drain(t), 1);
}

BT_CASE case_ipv6_orphan_fragment(struct bt *t)
{
	struct fb f = { 0 };

	fb_eth(&f, 0x86dd);
	fb_ipv6(&f, 44, V6_B, V6_A, 8 + 64);
	bt_frag6(&f, 17, 48, 0, 0xfeedf00d);
	bt_payload(&f, 64, 2);
	bt_expect_rejected(t, &f, XDT_KSTAT_FRAGMENTS, "IPv6 later fragment without a first");
	bt_expect_stats(t, [XDT_KSTAT_PACKETS] = 1, [XDT_KSTAT_FRAGMENTS] = 1);
}

/* ---- truncated and inconsistent headers ---- */

BT_CASE case_frame_shorter_than_ethernet(struct bt *t)
{
	struct fb f = { 0 };
	uint32_t v = 0;
	int rc;

	fb_eth(&f, 0x0800);
	rc = bt_try_run(t, f.b, 13, &v, NULL, NULL);
	cr_expect_eq(rc, -EINVAL, "13-byte frame: %s, expected EINVAL", strerror(-rc));
	rc = bt_try_run(t, f.b, 1, &v, NULL, NULL);
	cr_expect_eq(rc, -EINVAL, "1-byte frame: %s, expected EINVAL", strerror(-rc));
	bt_expect_stats(t, [XDT_KSTAT_PACKETS] = 0);
	bt_expect_no_flows(t);
}

BT_CASE case_bare_ethernet_header(struct bt *t)
{
	struct fb f = { 0 }, g = { 0 };
	int ran = 0;

	fb_eth(&f, 0x0800);
	ran += bt_expect_short_ip(t, &f, "IPv4 ethertype, nothing after it");
	bt_tagged(&g, &f, 7);
	bt_expect_malformed(t, &g, "VLAN, IPv4 ethertype, nothing after it");
	f.n = 0;
	fb_eth(&f, 0x86dd);
	ran += bt_expect_short_ip(t, &f, "IPv6 ethertype, nothing after it");
	bt_tagged(&g, &f, 7);
	bt_expect_malformed(t, &g, "VLAN, IPv6 ethertype, nothing after it");
	f.n = 0;
	fb_eth(&f, 0x0806);
	bt_expect_malformed(t, &f, "ARP ethertype, nothing after it");
	bt_expect_stats(t, [XDT_KSTAT_PACKETS] = 3 + (uint64_t)ran,
			[XDT_KSTAT_MALFORMED] = 3 + (uint64_t)ran);
}

BT_CASE case_truncated_ipv4_header(struct bt *t)
{
	struct fb f = { 0 }, g = { 0 };
	int ran = 0;

	fb_eth(&f, 0x0800);
	bt_tcp4(&f, A4, 1, B4, 2, TCP_SYN, 0, 0, 0);
	f.n = 14 + 19;
	ran += bt_expect_short_ip(t, &f, "19 bytes of IPv4 header");
	bt_tagged(&g, &f, 7);
	bt_expect_malformed(t, &g, "VLAN, 19 bytes of IPv4 header");
	f.n = 0;
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 6, A4, B4, 24, 1, 0);
	f.b[14] = 0x46;		/* IHL 6, but only 20 bytes in the frame */
	bt_expect_malformed(t, &f, "IPv4 options cut by the frame");
	bt_expect_stats(t, [XDT_KSTAT_PACKETS] = 2 + (uint64_t)ran,
			[XDT_KSTAT_MALFORMED] = 2 + (uint64_t)ran);
}

BT_CASE case_truncated_ipv6_header(struct bt *t)
{
	struct fb f = { 0 }, g = { 0 };
	int ran = 0;

	fb_eth(&f, 0x86dd);
	bt_tcp6(&f, V6_A, 1, V6_B, 2, TCP_SYN, 0, 0, 0);
	f.n = 14 + 39;
	ran += bt_expect_short_ip(t, &f, "39 bytes of IPv6 header");
	bt_tagged(&g, &f, 7);
	bt_expect_malformed(t, &g, "VLAN, 39 bytes of IPv6 header");
	bt_expect_stats(t, [XDT_KSTAT_PACKETS] = 1 + (uint64_t)ran,
			[XDT_KSTAT_MALFORMED] = 1 + (uint64_t)ran);
}

BT_CASE case_truncated_tcp_header(struct bt *t)
{
	struct fb f = { 0 };

	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 6, A4, B4, 20 + 12, 1, 0);
	fb_tcp(&f, 1, 2, TCP_SYN, 0);
	f.n -= 8;
	bt_expect_malformed(t, &f, "IPv4 with 12 bytes of TCP header");
	f.n = 0;
	fb_eth(&f, 0x86dd);
	fb_ipv6(&f, 6, V6_A, V6_B, 19);
	fb_tcp(&f, 1, 2, TCP_SYN, 0);
	f.n -= 1;
	bt_expect_malformed(t, &f, "IPv6 with 19 bytes of TCP header");
	bt_expect_stats(t, [XDT_KSTAT_PACKETS] = 2, [XDT_KSTAT_MALFORMED] = 2);
}

BT_CASE case_truncated_udp_header(struct bt *t)
{
	struct fb f = { 0 };

	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 17, A4, B4, 20 + 6, 1, 0);
	fb_udp(&f, 1, 2, 8);
	f.n -= 2;
	bt_expect_malformed(t, &f, "IPv4 with 6 bytes of UDP header");
	f.n = 0;
	fb_eth(&f, 0x86dd);
	fb_ipv6(&f, 17, V6_A, V6_B, 4);
	fb_udp(&f, 1, 2, 8);
	f.n -= 4;
	bt_expect_malformed(t, &f, "IPv6 with 4 bytes of UDP header");
	bt_expect_stats(t, [XDT_KSTAT_PACKETS] = 2, [XDT_KSTAT_MALFORMED] = 2);
}

BT_CASE case_truncated_icmp_header(struct bt *t)
{
	struct fb f = { 0 };

	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 1, A4, B4, 20 + 3, 1, 0);
	fb_zero(&f, 3);
	bt_expect_malformed(t, &f, "3 bytes of ICMP");
	f.n = 0;
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 1, A4, B4, 20 + 6, 1, 0);
	fb_icmp_echo(&f, 8, 1, 1);
	f.n -= 2;
	bt_expect_malformed(t, &f, "echo request without its sequence number");
	f.n = 0;
	fb_eth(&f, 0x86dd);
	fb_ipv6(&f, 58, V6_A, V6_B, 6);
	fb_icmp_echo(&f, 129, 1, 1);
	f.n -= 2;
	bt_expect_malformed(t, &f, "ICMPv6 echo reply of 6 bytes");
	bt_expect_stats(t, [XDT_KSTAT_PACKETS] = 3, [XDT_KSTAT_MALFORMED] = 3);
}

BT_CASE case_ipv4_total_length_beyond_frame(struct bt *t)
{
	struct fb f = { 0 };

	fb_eth(&f, 0x0800);
	bt_tcp4(&f, A4, 1, B4, 2, TCP_ACK, 0, 10, 0);
	f.n -= 1;		/* total length 50, 49 bytes on the wire */
	bt_expect_malformed(t, &f, "IPv4 total length one byte past the frame");
	f.n = 0;
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 17, A4, B4, 1500, 1, 0);
	fb_udp(&f, 1, 2, 1480);
	bt_expect_malformed(t, &f, "IPv4 total length 1500 in a 42-byte frame");
	bt_expect_stats(t, [XDT_KSTAT_PACKETS] = 2, [XDT_KSTAT_MALFORMED] = 2);
}

BT_CASE case_ipv4_total_length_below_header(struct bt *t)
{
	struct fb f = { 0 };

	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 6, A4, B4, 19, 1, 0);
	fb_tcp(&f, 1, 2, TCP_SYN, 0);
	bt_expect_malformed(t, &f, "IPv4 total length 19");
	bt_expect_stats(t, [XDT_KSTAT_PACKETS] = 1, [XDT_KSTAT_MALFORMED] = 1);
}

BT_CASE case_ipv4_ihl_below_five(struct bt *t)
{
	struct fb f = { 0 };

	fb_eth(&f, 0x0800);
	bt_tcp4(&f, A4, 1, B4, 2, TCP_SYN, 0, 0, 0);
	f.b[14] = 0x44;
	bt_expect_malformed(t, &f, "IHL 4");
	f.b[14] = 0x40;
	bt_expect_malformed(t, &f, "IHL 0");
	bt_expect_stats(t, [XDT_KSTAT_PACKETS] = 2, [XDT_KSTAT_MALFORMED] = 2);
}

BT_CASE case_ip_version_mismatch(struct bt *t)
{
	struct fb f = { 0 };

	fb_eth(&f, 0x0800);
	bt_tcp4(&f, A4, 1, B4, 2, TCP_SYN, 0, 0, 0);
	f.b[14] = 0x65;
	bt_expect_malformed(t, &f, "version 6 behind the IPv4 ethertype");
	f.n = 0;
	fb_eth(&f, 0x86dd);
	bt_tcp6(&f, V6_A, 1, V6_B, 2, TCP_SYN, 0, 0, 0);
	f.b[14] = 0x40;
	bt_expect_malformed(t, &f, "version 4 behind the IPv6 ethertype");
}

BT_CASE case_ipv6_payload_length_beyond_frame(struct bt *t)
{
	struct fb f = { 0 };

	fb_eth(&f, 0x86dd);
	bt_udp6(&f, V6_A, 1, V6_B, 2, 10, 0);
	f.n -= 1;
	bt_expect_malformed(t, &f, "IPv6 payload length one byte past the frame");
	bt_expect_stats(t, [XDT_KSTAT_PACKETS] = 1, [XDT_KSTAT_MALFORMED] = 1);
}

BT_CASE case_tcp_data_offset_below_five(struct bt *t)
{
	struct fb f = { 0 };

	fb_eth(&f, 0x0800);
	bt_tcp4(&f, A4, 1, B4, 2, TCP_SYN, 0, 8, 0);
	f.b[14 + 20 + 12] = 0x40;	/* 16-byte header */
	bt_expect_malformed(t, &f, "TCP data offset 4");
	f.b[14 + 20 + 12] = 0x00;
	bt_expect_malformed(t, &f, "TCP data offset 0");
	f.n = 0;
	fb_eth(&f, 0x86dd);
	bt_tcp6(&f, V6_A, 1, V6_B, 2, TCP_SYN, 0, 8, 0);
	f.b[14 + 40 + 12] = 0x10;
	bt_expect_malformed(t, &f, "IPv6, TCP data offset 1");
	bt_expect_stats(t, [XDT_KSTAT_PACKETS] = 3, [XDT_KSTAT_MALFORMED] = 3);
}

BT_CASE case_tcp_data_offset_beyond_segment(struct bt *t)
{
	struct fb f = { 0 };

	fb_eth(&f, 0x0800);
	bt_tcp4(&f, A4, 1, B4, 2, TCP_SYN, 8, 0, 0);
	f.b[14 + 20 + 12] = 0x80;	/* 32-byte header in a 28-byte segment */
	bt_expect_malformed(t, &f, "TCP data offset past the segment");
	bt_expect_stats(t, [XDT_KSTAT_PACKETS] = 1, [XDT_KSTAT_MALFORMED] = 1);
}

BT_CASE case_udp_length_inconsistent(struct bt *t)
{
	struct fb f = { 0 };

	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 17, A4, B4, 20 + 8 + 4, 1, 0);
	fb_udp(&f, 1, 2, 13);
	bt_payload(&f, 4, 0);
	bt_expect_malformed(t, &f, "UDP length past the IP payload");
	f.n = 0;
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 17, A4, B4, 20 + 8 + 4, 1, 0);
	fb_udp(&f, 1, 2, 7);
	bt_payload(&f, 4, 0);
	bt_expect_malformed(t, &f, "UDP length 7");
	bt_expect_stats(t, [XDT_KSTAT_PACKETS] = 2, [XDT_KSTAT_MALFORMED] = 2);
}

BT_CASE case_ipv6_jumbogram(struct bt *t)
{
	struct fb f = { 0 };
	struct xdt_flow_key k = bt_key6(6, V6_A, 80, V6_B, 1024, 0);
	struct xdt_kflow fl;

	fb_eth(&f, 0x86dd);
	fb_ipv6(&f, 0, V6_B, V6_A, 0);	/* payload length 0 + hop-by-hop: jumbo */
	fb_u8(&f, 6);
	fb_u8(&f, 0);
	fb_u8(&f, 0xc2);		/* Jumbo Payload option */
	fb_u8(&f, 4);
	fb_u32(&f, 8 + 20 + 30);
	fb_tcp(&f, 1024, 80, TCP_PSH | TCP_ACK, 0);
	bt_payload(&f, 30, 6);
	bt_send(t, &f);

	bt_expect_one_flow(t, k);
	fl = bt_flow(t, k);
	bt_expect_counts(&fl, 0, 0, 1, 40 + 58);
	bt_expect_rec(t, 0, k, 1, 30, bt_tail(&f, 30));
}

/* ---- ARP, other ethertypes ---- */

BT_CASE case_arp_request_and_reply(struct bt *t)
{
	struct fb f = { 0 };
	struct xdt_flow_key k = bt_key_arp(A4, B4, 0);
	struct xdt_kflow fl;

	fb_eth(&f, 0x0806);
	bt_arp(&f, 1, B4, A4);		/* who has A4? tell B4 */
	fb_zero(&f, 60 - f.n);		/* padded to the minimum frame */
	bt_send(t, &f);
	f.n = 0;
	fb_eth(&f, 0x0806);
	bt_arp(&f, 2, A4, B4);		/* A4 is at ... */
	bt_send(t, &f);

	bt_expect_one_flow(t, k);
	fl = bt_flow(t, k);
	bt_expect_counts(&fl, 1, 28, 1, 28);
	cr_expect_eq(fl.first_from_b, 1);
	cr_expect_eq(fl.tcp_flags[0], 0);
	cr_expect_eq(fl.tcp_flags[1], 0);
	cr_expect_eq(fl.first_icmp_echo, 0);
	bt_expect_stats(t, [XDT_KSTAT_PACKETS] = 2, [XDT_KSTAT_COUNTED] = 2);
	bt_expect_no_records(t);
}

BT_CASE case_arp_on_a_vlan(struct bt *t)
{
	struct fb f = { 0 };
	struct xdt_flow_key k = bt_key_arp(A4, B4, 42);
	struct xdt_kflow fl;

	fb_eth(&f, 0x8100);
	fb_vlan(&f, 42, 0x0806);
	bt_arp(&f, 1, A4, B4);
	bt_send(t, &f);
	bt_expect_one_flow(t, k);
	fl = bt_flow(t, k);
	bt_expect_counts(&fl, 1, 28, 0, 0);
}

BT_CASE case_arp_not_for_ipv4(struct bt *t)
{
	struct fb f = { 0 };

	fb_eth(&f, 0x0806);
	bt_arp(&f, 1, A4, B4);
	f.b[14 + 2] = 0x86;	/* protocol type IPv6 */
	f.b[14 + 3] = 0xdd;
	bt_expect_rejected(t, &f, XDT_KSTAT_UNSUPPORTED, "ARP for another protocol");
	f.n = 0;
	fb_eth(&f, 0x0806);
	bt_arp(&f, 1, A4, B4);
	f.n -= 1;
	bt_expect_malformed(t, &f, "ARP of 27 bytes");
	bt_expect_stats(t, [XDT_KSTAT_PACKETS] = 2, [XDT_KSTAT_UNSUPPORTED] = 1,
			[XDT_KSTAT_MALFORMED] = 1);
}

BT_CASE case_lldp_unsupported(struct bt *t)
{
	struct fb f = { 0 };

	fb_eth(&f, 0x88cc);
	fb_u16(&f, 0x0207);	/* chassis id TLV */
	fb_u8(&f, 4);
	fb_u8(&f, 2);
	fb_u8(&f, 0);
	fb_u8(&f, 0);
	fb_u16(&f, 0x0403);	/* port id TLV */
	fb_u8(&f, 7);
	fb_u16(&f, 0x3100);
	fb_u16(&f, 0x0602);	/* TTL */
	fb_u16(&f, 120);
	fb_u16(&f, 0);		/* end */
	fb_zero(&f, 60 - f.n);
	bt_expect_rejected(t, &f, XDT_KSTAT_UNSUPPORTED, "LLDP");
	f.n = 0;
	fb_eth(&f, 0x8100);
	fb_vlan(&f, 5, 0x88cc);
	fb_zero(&f, 40);
	bt_expect_rejected(t, &f, XDT_KSTAT_UNSUPPORTED, "LLDP on a VLAN");
	bt_expect_stats(t, [XDT_KSTAT_PACKETS] = 2, [XDT_KSTAT_UNSUPPORTED] = 2);
}

/* ---- prefix export policy ---- */

/* Load with cfg_dpi_packets = 3. */
BT_CASE case_prefix_limit_per_direction(struct bt *t)
{
	struct xdt_flow_key k = bt_key4(6, A4, 40000, B4, 443, 0);
	struct xdt_kflow fl;
	struct fb f = { 0 }, want = { 0 };
	int i, from_a = 0, from_b = 0;

	cr_assert_eq(t->dpi_packets, 3);
	bt_handshake4(t, A4, 40000, B4, 443);
	for (i = 0; i < 10; i++) {
		f.n = 0;
		fb_eth(&f, 0x0800);
		bt_tcp4(&f, A4, 40000, B4, 443, TCP_PSH | TCP_ACK, 0, 20, (uint8_t)i);
		bt_send(t, &f);
		f.n = 0;
		fb_eth(&f, 0x0800);
		bt_tcp4(&f, B4, 443, A4, 40000, TCP_ACK, 0, 0, 0);	/* pure ACK */
		bt_send(t, &f);
		f.n = 0;
		fb_eth(&f, 0x0800);
		bt_tcp4(&f, B4, 443, A4, 40000, TCP_PSH | TCP_ACK, 0, 30, (uint8_t)(100 + i));
		bt_send(t, &f);
	}
	fl = bt_flow(t, k);
	bt_expect_counts(&fl, 12, 112 + 10 * 60, 21, 60 + 10 * 40 + 10 * 70);
	cr_expect_eq(fl.prefixes[0], 3);
	cr_expect_eq(fl.prefixes[1], 3);
	bt_expect_stats(t, [XDT_KSTAT_PACKETS] = 33, [XDT_KSTAT_COUNTED] = 33,
			[XDT_KSTAT_PREFIXES] = 6);
	cr_assert_eq(bt_drain(t), 6, "%d records, expected 3 per direction", t->nrec);
	for (i = 0; i < 6; i++) {
		int b = t->rec[i].r.from_b;

		want.n = 0;
		if (b)
			bt_payload(&want, 30, (uint8_t)(100 + from_b++));
		else
			bt_payload(&want, 20, (uint8_t)from_a++);
		bt_expect_rec(t, i, k, b, b ? 30 : 20, want.b);
	}
	cr_expect_eq(from_a, 3);
	cr_expect_eq(from_b, 3);
}

/* A payload whose first bytes are @head (@hn of them), then bt_payload bytes up to @n. */
static inline void bt_payload_head(struct fb *f, const uint8_t *head, size_t hn, size_t n,
				   uint8_t seed)
{
	fb_bytes(f, head, hn);
	bt_payload(f, n - hn, seed);
}

static inline void bt_expect_handshake_rec(struct bt *t, int i, int handshake, uint32_t caplen)
{
	const struct xdt_prefix_rec *r = &t->rec[i].r;

	cr_expect_eq(!!(r->flags & XDT_PREFIX_F_HANDSHAKE), handshake,
		     "record %d: handshake flag %d, expected %d", i,
		     !!(r->flags & XDT_PREFIX_F_HANDSHAKE), handshake);
	cr_expect_eq(r->caplen, caplen, "record %d: caplen %u, expected %u", i, r->caplen, caplen);
}

/*
 * Default cfg_dpi_bytes (256). A TCP direction that starts a TLS handshake record
 * sends its prefixes whole (a ClientHello over two segments), with the sequence
 * number; the other direction's plain payload is cut as usual.
 */
BT_CASE case_tls_handshake_prefixes_whole(struct bt *t)
{
	static const uint8_t tls[] = { 0x16, 0x03, 0x01, 0x07, 0xd0, 0x01 };
	struct xdt_flow_key k = bt_key4(6, A4, 40000, B4, 443, 0);
	struct fb f = { 0 }, g = { 0 }, h = { 0 };

	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 6, A4, B4, 20 + 20 + 1400, 1, 0x4000);
	fb_tcp(&f, 40000, 443, TCP_PSH | TCP_ACK, 0);
	bt_payload_head(&f, tls, sizeof(tls), 1400, 1);
	bt_send(t, &f);
	fb_eth(&g, 0x0800);
	bt_tcp4(&g, A4, 40000, B4, 443, TCP_PSH | TCP_ACK, 0, 600, 2);
	bt_send(t, &g);
	fb_eth(&h, 0x0800);
	bt_tcp4(&h, B4, 443, A4, 40000, TCP_PSH | TCP_ACK, 0, 600, 3);
	bt_send(t, &h);
	cr_assert_eq(bt_drain(t), 3);
	bt_expect_rec(t, 0, k, 0, 1400, bt_tail(&f, 1400));
	bt_expect_rec(t, 1, k, 0, 600, bt_tail(&g, 600));
	bt_expect_rec(t, 2, k, 1, 600, bt_tail(&h, 600));
	bt_expect_handshake_rec(t, 0, 1, 1400);
	bt_expect_handshake_rec(t, 1, 1, 600);
	bt_expect_handshake_rec(t, 2, 0, BT_DEFAULT_DPI_BYTES);
	cr_expect(t->rec[0].r.flags & XDT_PREFIX_F_SEQ);
	cr_expect_eq(t->rec[0].r.tcp_seq, 1, "tcp_seq %u", t->rec[0].r.tcp_seq);
}

/* DNS and DHCP by port and QUIC long headers are handshakes; a QUIC short header is not. */
BT_CASE case_dns_and_quic_prefixes_whole(struct bt *t)
{
	static const uint8_t quic_long[] = { 0xc3, 0x00, 0x00, 0x00, 0x01 };
	static const uint8_t quic_short[] = { 0x41, 0x00, 0x00, 0x00, 0x01 };
	struct xdt_flow_key dns = bt_key4(17, A4, 40000, B4, 53, 0);
	struct xdt_flow_key quic = bt_key4(17, A4, 40001, B4, 443, 0);
	struct fb f = { 0 }, g = { 0 }, h = { 0 };

	fb_eth(&f, 0x0800);
	bt_udp4(&f, B4, 53, A4, 40000, 900, 1);
	bt_send(t, &f);
	fb_eth(&g, 0x0800);
	fb_ipv4(&g, 17, A4, B4, 20 + 8 + 1200, 1, 0);
	fb_udp(&g, 40001, 443, 8 + 1200);
	bt_payload_head(&g, quic_long, sizeof(quic_long), 1200, 2);
	bt_send(t, &g);
	fb_eth(&h, 0x0800);
	fb_ipv4(&h, 17, A4, B4, 20 + 8 + 1200, 1, 0);
	fb_udp(&h, 40001, 443, 8 + 1200);
	bt_payload_head(&h, quic_short, sizeof(quic_short), 1200, 3);
	bt_send(t, &h);
	cr_assert_eq(bt_drain(t), 3);
	bt_expect_rec(t, 0, dns, 1, 900, bt_tail(&f, 900));
	bt_expect_rec(t, 1, quic, 0, 1200, bt_tail(&g, 1200));
	bt_expect_rec(t, 2, quic, 0, 1200, bt_tail(&h, 1200));
	bt_expect_handshake_rec(t, 0, 1, 900);
	bt_expect_handshake_rec(t, 1, 1, 1200);
	bt_expect_handshake_rec(t, 2, 0, BT_DEFAULT_DPI_BYTES);
	cr_expect(!(t->rec[1].r.flags & XDT_PREFIX_F_SEQ), "UDP has no sequence number");
}

BT_CASE case_dhcp_prefixes_whole(struct bt *t)
{
	struct xdt_flow_key k = bt_key4(17, A4, 68, B4, 67, 0);
	struct fb f = { 0 };

	fb_eth(&f, 0x0800);
	bt_udp4(&f, A4, 68, B4, 67, 548, 1);
	bt_send(t, &f);
	cr_assert_eq(bt_drain(t), 1);
	bt_expect_rec(t, 0, k, 0, 548, bt_tail(&f, 548));
	bt_expect_handshake_rec(t, 0, 1, 548);
}

/* Load with cfg_dpi_bytes = 32. */
BT_CASE case_prefix_capped_at_dpi_bytes(struct bt *t)
{
	struct xdt_flow_key k = bt_key4(17, A4, 5000, B4, 6000, 0);
	struct fb f = { 0 }, g = { 0 };

	cr_assert_eq(t->dpi_bytes, 32);
	fb_eth(&f, 0x0800);
	bt_udp4(&f, A4, 5000, B4, 6000, 100, 1);
	bt_send(t, &f);
	fb_eth(&g, 0x0800);
	bt_udp4(&g, B4, 6000, A4, 5000, 20, 2);
	bt_send(t, &g);
	bt_expect_rec(t, 0, k, 0, 100, bt_tail(&f, 100));
	bt_expect_rec(t, 1, k, 1, 20, bt_tail(&g, 20));
	cr_expect_eq(t->rec[0].r.caplen, 32);
	cr_expect_eq(t->rec[1].r.caplen, 20);
}

/* Load with cfg_dpi_bytes = XDT_PREFIX_MAX. */
BT_CASE case_prefix_of_the_largest_size(struct bt *t)
{
	struct xdt_flow_key k = bt_key6(17, V6_A, 5000, V6_B, 6000, 0);
	struct fb f = { 0 };

	cr_assert_eq(t->dpi_bytes, XDT_PREFIX_MAX);
	fb_eth(&f, 0x86dd);
	bt_udp6(&f, V6_A, 5000, V6_B, 6000, 1200, 1);
	bt_send(t, &f);
	bt_expect_rec(t, 0, k, 0, 1200, bt_tail(&f, 1200));
	cr_expect_eq(t->rec[0].r.caplen, XDT_PREFIX_MAX);
}

BT_CASE case_no_prefix_once_done(struct bt *t)
{
	struct xdt_flow_key k = bt_key4(6, A4, 40000, B4, 443, 0);
	struct xdt_flow_key other = bt_key4(6, A4, 40001, B4, 443, 0);
	struct xdt_kflow fl;
	struct fb f = { 0 };
	uint8_t one = 1;
	int i;

	cr_assert_eq(bpf_map_update_elem(t->done_fd, &k, &one, BPF_ANY), 0, "xdt_done: %s",
		     strerror(errno));
	for (i = 0; i < 3; i++) {
		f.n = 0;
		fb_eth(&f, 0x0800);
		bt_tcp4(&f, A4, 40000, B4, 443, TCP_PSH | TCP_ACK, 0, 50, (uint8_t)i);
		bt_send(t, &f);
		f.n = 0;
		fb_eth(&f, 0x0800);
		bt_tcp4(&f, B4, 443, A4, 40000, TCP_PSH | TCP_ACK, 0, 50, (uint8_t)i);
		bt_send(t, &f);
	}
	fl = bt_flow(t, k);
	bt_expect_counts(&fl, 3, 270, 3, 270);
	cr_expect_eq(fl.prefixes[0], 0);
	cr_expect_eq(fl.prefixes[1], 0);
	bt_expect_no_records(t);

	/* Another flow is not affected. */
	f.n = 0;
	fb_eth(&f, 0x0800);
	bt_tcp4(&f, A4, 40001, B4, 443, TCP_PSH | TCP_ACK, 0, 50, 9);
	bt_send(t, &f);
	bt_expect_rec(t, 0, other, 0, 50, bt_tail(&f, 50));
	bt_expect_stats(t, [XDT_KSTAT_PACKETS] = 7, [XDT_KSTAT_COUNTED] = 7,
			[XDT_KSTAT_PREFIXES] = 1);
}

/* A rodata config for a case: BT_CFG(.dpi_packets = 3). */
#define BT_CFG(...) (&(const struct bt_cfg){ __VA_ARGS__ })

/* ---- per-interface counters (xdt_ifstats) ---- */

/* Loads the program under test with @cfg (xdp_up, tc_up). */
typedef struct bt *(*bt_up_fn)(const struct bt_cfg *cfg);

/* Interfaces that do not exist, to fill the slots a case does not use. */
#define BT_NO_IFINDEX(slot) (0x7fff0000u + (slot))

/* Run @f on t->ifindex, let through; returns its layer-2 length. */
static inline uint64_t bt_send_len(struct bt *t, const struct fb *f)
{
	bt_send(t, f);
	return f->n;
}

/*
 * The first and the last of the slots, each with its own interface: a tap in a
 * private namespace and loopback. The counters take the whole frame, padding
 * included (a flow counts IP bytes only).
 */
BT_CASE case_ifstats_per_slot(bt_up_fn up)
{
	struct bt_cfg cfg;
	struct bt *t;
	struct fb f = { 0 };
	uint32_t tap = bt_if_tap("xdttap0"), lo = if_nametoindex("lo"), i;
	uint64_t tap_bytes = 0, lo_bytes = 0;

	memset(&cfg, 0, sizeof(cfg));
	for (i = 0; i < XDT_KERNEL_MAX_IFACES; i++)
		cfg.ifindex[i] = BT_NO_IFINDEX(i);
	cfg.ifindex[0] = tap;
	cfg.ifindex[XDT_KERNEL_MAX_IFACES - 1] = lo;
	t = up(&cfg);

	t->ifindex = tap;
	fb_eth(&f, 0x0800);
	bt_tcp4(&f, A4, 40000, B4, 443, TCP_SYN, 12, 0, 0);
	tap_bytes += bt_send_len(t, &f);
	f.n = 0;
	fb_eth(&f, 0x0800);
	bt_udp4(&f, A4, 5000, B4, 53, 300, 1);
	tap_bytes += bt_send_len(t, &f);
	f.n = 0;
	fb_eth(&f, 0x0800);
	bt_udp4(&f, A4, 5001, B4, 53, 0, 0);
	fb_zero(&f, 60 - f.n);
	tap_bytes += bt_send_len(t, &f);
	cr_assert_eq(tap_bytes, 14 + 52 + 14 + 328 + 60);

	t->ifindex = lo;
	f.n = 0;
	fb_eth(&f, 0x86dd);
	bt_tcp6(&f, V6_A, 40000, V6_B, 443, TCP_PSH | TCP_ACK, 12, 700, 2);
	lo_bytes += bt_send_len(t, &f);
	f.n = 0;
	fb_eth(&f, 0x0800);
	bt_echo4(&f, A4, B4, 8, 7, 56, 3);
	lo_bytes += bt_send_len(t, &f);

	bt_expect_ifstats(t, [0] = { 3, tap_bytes }, [XDT_KERNEL_MAX_IFACES - 1] = { 2, lo_bytes });
	bt_expect_stats(t, [XDT_KSTAT_PACKETS] = 5, [XDT_KSTAT_COUNTED] = 5,
			[XDT_KSTAT_PREFIXES] = 3);
}

/* Frames the parser gives up on were still on the wire: the interface counts them. */
BT_CASE case_ifstats_count_unparsed_frames(bt_up_fn up)
{
	struct fb f = { 0 };
	uint32_t tap = bt_if_tap("xdttap0");
	struct bt *t = up(BT_CFG(.ifindex = { tap }));
	uint64_t bytes = 0;

	t->ifindex = tap;
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 6, A4, B4, 20 + 12, 1, 0);
	fb_tcp(&f, 1, 2, TCP_SYN, 0);
	f.n -= 8;
	bt_expect_malformed(t, &f, "IPv4 with 12 bytes of TCP header");
	bytes += f.n;
	f.n = 0;
	fb_eth(&f, 0x0806);
	bt_expect_malformed(t, &f, "ARP ethertype, nothing after it");
	bytes += f.n;
	f.n = 0;
	fb_eth(&f, 0x88cc);
	fb_zero(&f, 46);
	bt_expect_rejected(t, &f, XDT_KSTAT_UNSUPPORTED, "LLDP");
	bytes += f.n;

	bt_expect_ifstats(t, [0] = { 3, bytes });
	bt_expect_stats(t, [XDT_KSTAT_PACKETS] = 3, [XDT_KSTAT_MALFORMED] = 2,
			[XDT_KSTAT_UNSUPPORTED] = 1);
}

/*
 * Traffic on an interface the loader did not name is a flow, but no interface's:
 * with every slot taken, so the search runs to its end.
 */
BT_CASE case_ifstats_skip_an_unconfigured_interface(bt_up_fn up)
{
	struct bt_cfg cfg;
	struct fb f = { 0 };
	struct bt *t;
	uint32_t i;

	memset(&cfg, 0, sizeof(cfg));
	cfg.ifindex[0] = bt_if_tap("xdttap0");
	for (i = 1; i < XDT_KERNEL_MAX_IFACES; i++)
		cfg.ifindex[i] = BT_NO_IFINDEX(i);
	t = up(&cfg);

	t->ifindex = if_nametoindex("lo");
	fb_eth(&f, 0x0800);
	bt_tcp4(&f, A4, 40000, B4, 443, TCP_SYN, 12, 0, 0);
	bt_send(t, &f);
	t->ifindex = 0;		/* the test run's default device */
	bt_send(t, &f);

	bt_expect_ifstats(t, { 0, 0 });
	bt_expect_stats(t, [XDT_KSTAT_PACKETS] = 2, [XDT_KSTAT_COUNTED] = 2);
	bt_expect_one_flow(t, bt_key4(6, A4, 40000, B4, 443, 0));
}

/* The loader fills the slots in order: the first 0 ends the list (and the verifier's walk). */
BT_CASE case_ifstats_end_at_the_first_empty_slot(bt_up_fn up)
{
	struct fb f = { 0 };
	uint32_t lo = if_nametoindex("lo");
	struct bt *t = up(BT_CFG(.ifindex = { [1] = lo }));

	t->ifindex = lo;
	fb_eth(&f, 0x0800);
	bt_udp4(&f, A4, 5000, B4, 53, 10, 1);
	bt_send(t, &f);

	bt_expect_ifstats(t, { 0, 0 });
	bt_expect_stats(t, [XDT_KSTAT_PACKETS] = 1, [XDT_KSTAT_COUNTED] = 1,
			[XDT_KSTAT_PREFIXES] = 1);
}

/*
 * Every shared case as X(test name, case function, rodata config or NULL): each
 * test file turns the list into its suite's tests.
 */
#define BT_SHARED_CASES(X) \
	X(counts_an_ipv4_tcp_syn_with_options_into_one_flow, case_ipv4_tcp_syn_with_options, NULL) \
	X(keys_a_segment_from_the_higher_address_with_the_sender_as_b, \
	  case_tcp_from_the_higher_address_is_from_b, NULL) \
	X(orders_equal_addresses_by_port, case_equal_addresses_ordered_by_port, NULL) \
	X(counts_a_handshake_initiated_by_endpoint_a, case_handshake_initiated_by_a, NULL) \
	X(counts_a_handshake_initiated_by_endpoint_b, case_handshake_initiated_by_b, NULL) \
	X(records_that_endpoint_b_sent_the_first_fin, case_first_fin_from_b, NULL) \
	X(records_that_endpoint_a_sent_the_first_fin, case_first_fin_from_a, NULL) \
	X(counts_ipv6_tcp_with_options_and_exports_its_payload, \
	  case_ipv6_tcp_with_options_and_payload, NULL) \
	X(skips_ipv4_options_before_tcp, case_ipv4_options_skipped, NULL) \
	X(counts_udp_and_exports_its_payload, case_udp_with_payload, NULL) \
	X(counts_an_ipv6_udp_exchange_in_one_flow, case_ipv6_udp_reply, NULL) \
	X(does_not_count_ethernet_padding, case_ethernet_padding_not_counted, NULL) \
	X(keys_other_ip_protocols_with_ports_zero, case_other_ip_protocol_without_ports, NULL) \
	X(puts_an_icmp_echo_request_and_reply_in_one_flow, case_icmp_echo_request_and_reply, NULL) \
	X(puts_an_icmpv6_echo_request_and_reply_in_one_flow, case_icmpv6_echo_request_and_reply, \
	  NULL) \
	X(marks_a_flow_that_starts_with_an_echo_reply, case_icmp_echo_reply_seen_first, NULL) \
	X(tells_the_directions_of_a_ping_to_itself_apart_by_echo_type, case_ping_to_self, NULL) \
	X(keys_non_echo_icmp_with_ports_zero, case_icmp_non_echo_ports_zero, NULL) \
	X(counts_an_802_1q_frame_under_its_vlan, case_vlan_8021q, NULL) \
	X(counts_a_qinq_frame_under_its_outer_vlan, case_qinq_outer_vlan, NULL) \
	X(counts_a_frame_with_four_vlan_tags, case_four_vlan_tags, NULL) \
	X(counts_five_stacked_vlan_tags_as_malformed, case_five_vlan_tags, NULL) \
	X(counts_a_truncated_vlan_tag_as_malformed, case_truncated_vlan_tag, NULL) \
	X(skips_ipv6_hop_by_hop_and_destination_options_before_tcp, \
	  case_ipv6_hbh_and_dstopts_before_tcp, NULL) \
	X(skips_ipv6_routing_and_authentication_headers_before_udp, \
	  case_ipv6_routing_and_ah_before_udp, NULL) \
	X(accepts_eight_ipv6_extension_headers, case_ipv6_eight_extension_headers, NULL) \
	X(counts_nine_ipv6_extension_headers_as_malformed, case_ipv6_nine_extension_headers, NULL) \
	X(counts_an_ipv6_extension_header_past_the_payload_as_malformed, \
	  case_ipv6_extension_header_beyond_payload, NULL) \
	X(attributes_a_later_ipv4_fragment_to_the_first_fragments_flow, \
	  case_ipv4_fragments_one_flow, NULL) \
	X(counts_an_orphan_ipv4_fragment_without_a_flow, case_ipv4_orphan_fragment, NULL) \
	X(does_not_attribute_a_fragment_of_another_datagram, \
	  case_ipv4_fragment_of_another_datagram, NULL) \
	X(attributes_a_later_ipv6_fragment_to_the_first_fragments_flow, \
	  case_ipv6_fragments_one_flow, NULL) \
	X(attributes_a_later_ipv6_fragment_when_options_follow_the_fragment_header, \
	  case_ipv6_fragment_before_destination_options, NULL) \
	X(finds_the_ipv6_fragment_header_behind_hop_by_hop_options, \
	  case_ipv6_fragment_after_hop_by_hop, NULL) \
	X(counts_an_orphan_ipv6_fragment_without_a_flow, case_ipv6_orphan_fragment, NULL) \
	X(rejects_a_frame_shorter_than_an_ethernet_header, case_frame_shorter_than_ethernet, NULL) \
	X(counts_a_bare_ethernet_header_as_malformed, case_bare_ethernet_header, NULL) \
	X(counts_a_truncated_ipv4_header_as_malformed, case_truncated_ipv4_header, NULL) \
	X(counts_a_truncated_ipv6_header_as_malformed, case_truncated_ipv6_header, NULL) \
	X(counts_a_truncated_tcp_header_as_malformed, case_truncated_tcp_header, NULL) \
	X(counts_a_truncated_udp_header_as_malformed, case_truncated_udp_header, NULL) \
	X(counts_a_truncated_icmp_header_as_malformed, case_truncated_icmp_header, NULL) \
	X(counts_an_ipv4_total_length_past_the_frame_as_malformed, \
	  case_ipv4_total_length_beyond_frame, NULL) \
	X(counts_an_ipv4_total_length_below_the_header_as_malformed, \
	  case_ipv4_total_length_below_header, NULL) \
	X(counts_an_ipv4_ihl_below_five_as_malformed, case_ipv4_ihl_below_five, NULL) \
	X(counts_a_wrong_ip_version_as_malformed, case_ip_version_mismatch, NULL) \
	X(counts_an_ipv6_payload_length_past_the_frame_as_malformed, \
	  case_ipv6_payload_length_beyond_frame, NULL) \
	X(counts_a_tcp_data_offset_below_five_as_malformed, case_tcp_data_offset_below_five, NULL) \
	X(counts_a_tcp_data_offset_past_the_segment_as_malformed, \
	  case_tcp_data_offset_beyond_segment, NULL) \
	X(counts_an_inconsistent_udp_length_as_malformed, case_udp_length_inconsistent, NULL) \
	X(sizes_an_ipv6_jumbogram_from_the_frame, case_ipv6_jumbogram, NULL) \
	X(puts_an_arp_request_and_reply_in_one_flow, case_arp_request_and_reply, NULL) \
	X(keys_arp_under_its_vlan, case_arp_on_a_vlan, NULL) \
	X(does_not_key_arp_for_other_protocols, case_arp_not_for_ipv4, NULL) \
	X(counts_lldp_as_unsupported, case_lldp_unsupported, NULL) \
	X(exports_at_most_cfg_dpi_packets_prefixes_per_direction, \
	  case_prefix_limit_per_direction, BT_CFG(.dpi_packets = 3)) \
	X(caps_a_prefix_at_cfg_dpi_bytes, case_prefix_capped_at_dpi_bytes, \
	  BT_CFG(.dpi_bytes = 32)) \
	X(exports_a_prefix_of_the_largest_size, case_prefix_of_the_largest_size, \
	  BT_CFG(.dpi_bytes = XDT_PREFIX_MAX)) \
	X(exports_no_prefix_once_the_flow_is_done, case_no_prefix_once_done, NULL) \
	X(sends_tls_handshake_prefixes_whole_with_their_sequence_number, \
	  case_tls_handshake_prefixes_whole, NULL) \
	X(sends_dns_and_quic_long_header_prefixes_whole, case_dns_and_quic_prefixes_whole, NULL) \
	X(sends_dhcp_prefixes_whole, case_dhcp_prefixes_whole, NULL)

/*
 * Shared cases that configure the program themselves (interfaces made at run
 * time): X(test name, case function), the function called with the suite's
 * loader.
 */
#define BT_SHARED_UP_CASES(X) \
	X(counts_packets_and_frame_bytes_in_the_slot_of_each_interface, case_ifstats_per_slot) \
	X(counts_frames_it_cannot_parse_on_their_interface, case_ifstats_count_unparsed_frames) \
	X(counts_nothing_for_an_interface_it_was_not_given, \
	  case_ifstats_skip_an_unconfigured_interface) \
	X(ends_the_interface_list_at_the_first_empty_slot, case_ifstats_end_at_the_first_empty_slot)

#endif
