// SPDX-License-Identifier: GPL-2.0-only
#include <criterion/criterion.h>

#include "engine.h"
#include "frames.h"

static struct xdt_engine *engine(size_t max_flows)
{
	struct xdt_engine_opts o = { .max_flows = max_flows, .seed = 3 };

	return xdt_engine_new(&o);
}

static void feed(struct xdt_engine *e, const struct fb *f, uint64_t ts)
{
	xdt_engine_packet(e, XDT_LINK_ETHERNET, f->b, f->n, f->n, ts);
}

Test(engine, adds_later_fragments_to_the_first_fragments_flow)
{
	struct xdt_engine *e = engine(16);
	struct fb f1 = { 0 }, f2 = { 0 };
	const struct xdt_flow *list[2];

	fb_eth(&f1, 0x0800);
	fb_ipv4(&f1, 17, IP4(10, 213, 0, 1), IP4(10, 213, 0, 2), 1500, 77, 0x2000);
	fb_udp(&f1, 4000, 5000, 2000);
	fb_zero(&f1, 1500 - 28);
	fb_eth(&f2, 0x0800);
	fb_ipv4(&f2, 17, IP4(10, 213, 0, 1), IP4(10, 213, 0, 2), 20 + 520, 77, 185);
	fb_zero(&f2, 520);
	feed(e, &f1, 1);
	feed(e, &f2, 2);
	cr_assert_eq(xdt_flow_table_list(xdt_engine_flows(e), list, 2), 1);
	cr_assert_eq(list[0]->dir[XDT_DIR_OUT].pkts, 2);
	cr_assert_eq(list[0]->dir[XDT_DIR_OUT].bytes, 1500 + 540);
	cr_assert_eq(xdt_engine_stats(e)->frag_unattributed, 0);
	xdt_engine_free(e);
}

Test(engine, counts_an_orphan_fragment_without_inventing_a_flow)
{
	struct xdt_engine *e = engine(16);
	struct fb f = { 0 };

	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 17, IP4(10, 213, 0, 1), IP4(10, 213, 0, 2), 20 + 80, 78, 185);
	fb_zero(&f, 80);
	feed(e, &f, 1);
	cr_assert_eq(xdt_engine_stats(e)->frag_unattributed, 1);
	cr_assert_eq(xdt_engine_stats(e)->parsed, 1);
	cr_assert_eq(xdt_flow_table_count(xdt_engine_flows(e)), 0);
	xdt_engine_free(e);
}

Test(engine, accounts_for_every_frame)
{
	struct xdt_engine *e = engine(16);
	struct fb ok = { 0 }, bad = { 0 }, other = { 0 };
	const struct xdt_engine_stats *s;

	fb_eth(&ok, 0x0800);
	fb_ipv4(&ok, 6, IP4(10, 213, 0, 1), IP4(10, 213, 0, 2), 40, 1, 0);
	fb_tcp(&ok, 1, 2, XDT_TCP_SYN, 0);
	fb_eth(&bad, 0x0800);
	fb_zero(&bad, 5);
	fb_eth(&other, 0x88cc);
	fb_zero(&other, 40);
	feed(e, &ok, 1);
	feed(e, &bad, 2);
	feed(e, &bad, 3);
	feed(e, &other, 4);
	s = xdt_engine_stats(e);
	cr_assert_eq(s->packets, 4);
	cr_assert_eq(s->parsed, 1);
	cr_assert_eq(s->malformed, 2);
	cr_assert_eq(s->malformed_by[XDT_MAL_TRUNCATED_IPV4], 2);
	cr_assert_eq(s->unsupported, 1);
	xdt_engine_free(e);
}

Test(engine, tells_request_from_reply_when_a_host_pings_itself)
{
	struct xdt_engine *e = engine(16);
	struct fb req = { 0 }, rep = { 0 };
	const struct xdt_flow *list[1];

	fb_eth(&req, 0x0800);
	fb_ipv4(&req, 1, IP4(127, 0, 0, 1), IP4(127, 0, 0, 1), 28, 1, 0);
	fb_icmp_echo(&req, 8, 7, 1);
	fb_eth(&rep, 0x0800);
	fb_ipv4(&rep, 1, IP4(127, 0, 0, 1), IP4(127, 0, 0, 1), 28, 2, 0);
	fb_icmp_echo(&rep, 0, 7, 1);
	feed(e, &req, 1);
	feed(e, &rep, 2);
	xdt_flow_table_list(xdt_engine_flows(e), list, 1);
	cr_assert_eq(list[0]->dir[XDT_DIR_OUT].pkts, 1);
	cr_assert_eq(list[0]->dir[XDT_DIR_IN].pkts, 1);
	xdt_engine_free(e);
}

Test(engine, expires_idle_flows_on_capture_time)
{
	struct xdt_engine *e = engine(16);
	struct fb f = { 0 };

	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 17, IP4(10, 213, 0, 1), IP4(10, 213, 0, 2), 28, 1, 0);
	fb_udp(&f, 1, 2, 8);
	feed(e, &f, 1000000000ULL);
	xdt_engine_tick(e, 60 * 1000000000ULL);
	cr_assert_eq(xdt_flow_table_count(xdt_engine_flows(e)), 1);
	xdt_engine_tick(e, 62 * 1000000000ULL);
	cr_assert_eq(xdt_flow_table_count(xdt_engine_flows(e)), 0);
	xdt_engine_free(e);
}

Test(engine, attributes_an_ipv6_fragment_when_options_follow_the_fragment_header)
{
	struct xdt_engine *e = engine(16);
	struct fb f = { 0 }, g = { 0 };
	const struct xdt_flow *list[2];

	/* First fragment: Fragment(nh 60) -> Destination options(nh 17) -> UDP. */
	fb_eth(&f, 0x86dd);
	fb_ipv6(&f, 44, V6_A, V6_B, 8 + 8 + 8 + 16);
	fb_u8(&f, 60);
	fb_u8(&f, 0);
	fb_u16(&f, 0x0001);
	fb_u32(&f, 5);
	fb_u8(&f, 17);
	fb_zero(&f, 7);
	fb_udp(&f, 1000, 2000, 48);
	fb_zero(&f, 16);
	/* Later fragment: only the Fragment header, whose next header says 60. */
	fb_eth(&g, 0x86dd);
	fb_ipv6(&g, 44, V6_A, V6_B, 8 + 24);
	fb_u8(&g, 60);
	fb_u8(&g, 0);
	fb_u16(&g, 32);
	fb_u32(&g, 5);
	fb_zero(&g, 24);
	feed(e, &f, 1);
	feed(e, &g, 2);
	cr_assert_eq(xdt_engine_stats(e)->frag_unattributed, 0);
	cr_assert_eq(xdt_flow_table_list(xdt_engine_flows(e), list, 2), 1);
	cr_assert_eq(list[0]->key.proto, 17);
	cr_assert_eq(list[0]->dir[XDT_DIR_OUT].pkts, 2);
	cr_assert_eq(list[0]->dir[XDT_DIR_OUT].bytes, 80 + 72);
	xdt_engine_free(e);
}
