// SPDX-License-Identifier: GPL-2.0-only
#include <criterion/criterion.h>

#include "frames.h"
#include "pkt/parse.h"

static enum xdt_pkt_status parse_eth(const struct fb *f, struct xdt_pkt *p)
{
	return xdt_pkt_parse(XDT_LINK_ETHERNET, f->b, f->n, f->n, p);
}

static void expect_malformed(const struct fb *f, size_t wire, enum xdt_malformed why)
{
	struct xdt_pkt p;

	cr_assert_eq(xdt_pkt_parse(XDT_LINK_ETHERNET, f->b, f->n, wire, &p), XDT_PKT_MALFORMED);
	cr_assert_eq(p.malformed, why, "expected %s, got %s", xdt_malformed_name(why),
		     xdt_malformed_name(p.malformed));
}

Test(parse, decodes_ipv4_tcp_syn_with_options)
{
	struct fb f = { 0 };
	struct xdt_pkt p;
	const uint8_t src[4] = { 10, 213, 0, 1 }, dst[4] = { 10, 213, 0, 2 };

	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 6, IP4(10, 213, 0, 1), IP4(10, 213, 0, 2), 20 + 32, 7, 0x4000);
	fb_tcp(&f, 40000, 443, 0x02, 12);
	cr_assert_eq(parse_eth(&f, &p), XDT_PKT_OK);
	cr_assert_eq(p.family, XDT_FAM_IPV4);
	cr_assert_eq(p.proto, 6);
	cr_assert_eq(p.sport, 40000);
	cr_assert_eq(p.dport, 443);
	cr_assert_eq(p.tcp_flags, 0x02);
	cr_assert_eq(p.ip_bytes, 52);
	cr_assert_eq(p.frag, XDT_FRAG_NONE);
	cr_assert_eq(p.payload_off, 14 + 20 + 32);
	cr_assert_eq(p.payload_len, 0);
	cr_assert_arr_eq(p.src, src, 4);
	cr_assert_arr_eq(p.dst, dst, 4);
}

Test(parse, counts_ip_length_not_ethernet_padding)
{
	struct fb f = { 0 };
	struct xdt_pkt p;

	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 17, IP4(10, 213, 0, 1), IP4(10, 213, 0, 2), 28, 1, 0);
	fb_udp(&f, 5000, 53, 8);
	fb_zero(&f, 60 - f.n);	/* minimum frame size padding */
	cr_assert_eq(parse_eth(&f, &p), XDT_PKT_OK);
	cr_assert_eq(p.ip_bytes, 28);
	cr_assert_eq(p.payload_len, 0, "padding is not payload");
}

Test(parse, reads_header_lengths_from_the_wire_when_snaplen_cut_the_frame)
{
	struct fb f = { 0 };
	struct xdt_pkt p;

	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 6, IP4(10, 213, 0, 1), IP4(10, 213, 0, 2), 1500, 1, 0);
	fb_tcp(&f, 1, 2, 0x10, 0);
	fb_zero(&f, 10);
	cr_assert_eq(xdt_pkt_parse(XDT_LINK_ETHERNET, f.b, f.n, 1514, &p), XDT_PKT_OK);
	cr_assert_eq(p.ip_bytes, 1500);
	cr_assert_eq(p.payload_len, 10);
}

Test(parse, takes_the_outer_vlan_of_qinq)
{
	struct fb f = { 0 };
	struct xdt_pkt p;

	fb_eth(&f, 0x88a8);
	fb_vlan(&f, 100, 0x8100);
	fb_vlan(&f, 7, 0x0800);
	fb_ipv4(&f, 17, IP4(10, 213, 0, 1), IP4(10, 213, 0, 2), 28, 1, 0);
	fb_udp(&f, 5000, 6000, 8);
	cr_assert_eq(parse_eth(&f, &p), XDT_PKT_OK);
	cr_assert_eq(p.vlan, 100);
	cr_assert_eq(p.l3_off, 22);
	cr_assert_eq(p.sport, 5000);
}

Test(parse, rejects_more_vlan_tags_than_the_limit)
{
	struct fb f = { 0 };
	int i;

	fb_eth(&f, 0x8100);
	for (i = 0; i < XDT_MAX_VLAN_TAGS + 1; i++)
		fb_vlan(&f, (uint16_t)i, 0x8100);
	fb_zero(&f, 40);
	expect_malformed(&f, f.n, XDT_MAL_VLAN_TOO_DEEP);
}

Test(parse, rejects_a_cut_vlan_tag)
{
	struct fb f = { 0 };

	fb_eth(&f, 0x8100);
	fb_u16(&f, 5);
	expect_malformed(&f, f.n, XDT_MAL_TRUNCATED_VLAN);
}

Test(parse, follows_the_ipv6_extension_chain_to_udp)
{
	struct fb f = { 0 };
	struct xdt_pkt p;

	fb_eth(&f, 0x86dd);
	fb_ipv6(&f, 0, V6_A, V6_B, 8 + 16 + 8);
	fb_u8(&f, 60);	/* hop-by-hop -> destination options */
	fb_u8(&f, 0);
	fb_zero(&f, 6);
	fb_u8(&f, 17);	/* destination options (16 bytes) -> UDP */
	fb_u8(&f, 1);
	fb_zero(&f, 14);
	fb_udp(&f, 4000, 53, 8);
	cr_assert_eq(parse_eth(&f, &p), XDT_PKT_OK);
	cr_assert_eq(p.family, XDT_FAM_IPV6);
	cr_assert_eq(p.proto, 17);
	cr_assert_eq(p.dport, 53);
	cr_assert_eq(p.ip_bytes, 40 + 32);
	cr_assert_arr_eq(p.src, V6_A, 16);
}

Test(parse, gives_up_on_an_overlong_extension_chain)
{
	struct fb f = { 0 };
	int i;

	fb_eth(&f, 0x86dd);
	fb_ipv6(&f, 60, V6_A, V6_B, 8 * 12);
	for (i = 0; i < 12; i++) {
		fb_u8(&f, i == 11 ? 59 : 60);
		fb_zero(&f, 7);
	}
	expect_malformed(&f, f.n, XDT_MAL_IPV6_EXT_TOO_MANY);
}

Test(parse, rejects_an_extension_header_running_past_the_payload)
{
	struct fb f = { 0 };

	fb_eth(&f, 0x86dd);
	fb_ipv6(&f, 60, V6_A, V6_B, 8);
	fb_u8(&f, 17);
	fb_u8(&f, 3);	/* claims 32 bytes */
	fb_zero(&f, 6);
	expect_malformed(&f, f.n, XDT_MAL_IPV6_EXT_TRUNCATED);
}

Test(parse, marks_ipv4_fragments_first_and_later)
{
	struct fb f = { 0 }, g = { 0 };
	struct xdt_pkt p;

	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 17, IP4(10, 213, 0, 1), IP4(10, 213, 0, 2), 1500, 0x1234, 0x2000);
	fb_udp(&f, 7000, 7001, 3000);
	fb_zero(&f, 1500 - 28);
	cr_assert_eq(parse_eth(&f, &p), XDT_PKT_OK, "UDP length past a first fragment is fine");
	cr_assert_eq(p.frag, XDT_FRAG_FIRST);
	cr_assert_eq(p.frag_id, 0x1234);
	cr_assert_eq(p.sport, 7000);

	fb_eth(&g, 0x0800);
	fb_ipv4(&g, 17, IP4(10, 213, 0, 1), IP4(10, 213, 0, 2), 20 + 100, 0x1234, 185);
	fb_zero(&g, 100);
	cr_assert_eq(parse_eth(&g, &p), XDT_PKT_OK);
	cr_assert_eq(p.frag, XDT_FRAG_LATER);
	cr_assert_eq(p.sport, 0);
	cr_assert_eq(p.ip_bytes, 120);
}

Test(parse, marks_ipv6_fragments)
{
	struct fb f = { 0 };
	struct xdt_pkt p;

	fb_eth(&f, 0x86dd);
	fb_ipv6(&f, 44, V6_A, V6_B, 8 + 8 + 16);
	fb_u8(&f, 17);
	fb_u8(&f, 0);
	fb_u16(&f, 0x0001);	/* offset 0, M */
	fb_u32(&f, 0xabcdef01);
	fb_udp(&f, 9000, 9001, 1000);
	fb_zero(&f, 16);
	cr_assert_eq(parse_eth(&f, &p), XDT_PKT_OK);
	cr_assert_eq(p.frag, XDT_FRAG_FIRST);
	cr_assert_eq(p.frag_id, 0xabcdef01);
	cr_assert_eq(p.dport, 9001);
}

Test(parse, rejects_fragments_no_reassembly_can_use)
{
	struct fb f = { 0 };

	fb_eth(&f, 0x0800);	/* offset 65520 + 100 bytes: over 65535 */
	fb_ipv4(&f, 17, IP4(10, 213, 0, 1), IP4(10, 213, 0, 2), 20 + 100, 9, 8190);
	fb_zero(&f, 100);
	expect_malformed(&f, f.n, XDT_MAL_BAD_FRAGMENT);
	f.n = 0;
	fb_eth(&f, 0x0800);	/* 4 bytes, more to come: nothing after trimming to 8 */
	fb_ipv4(&f, 17, IP4(10, 213, 0, 1), IP4(10, 213, 0, 2), 20 + 4, 9, 0x2000 | 1);
	fb_zero(&f, 4);
	expect_malformed(&f, f.n, XDT_MAL_BAD_FRAGMENT);
	f.n = 0;
	fb_eth(&f, 0x86dd);	/* IPv6, more to come, 12 bytes (RFC 8200 4.5) */
	fb_ipv6(&f, 44, V6_A, V6_B, 8 + 12);
	fb_u8(&f, 17);
	fb_u8(&f, 0);
	fb_u16(&f, 0x0001);
	fb_u32(&f, 77);
	fb_udp(&f, 9000, 9001, 100);
	fb_zero(&f, 4);
	expect_malformed(&f, f.n, XDT_MAL_BAD_FRAGMENT);
}

Test(parse, gives_a_fragments_offset_and_length)
{
	struct fb f = { 0 };
	struct xdt_pkt p;

	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 17, IP4(10, 213, 0, 1), IP4(10, 213, 0, 2), 20 + 100, 9, 0x2000 | 185);
	fb_zero(&f, 100);
	cr_assert_eq(parse_eth(&f, &p), XDT_PKT_OK);
	cr_assert_eq(p.frag_off, 1480);
	cr_assert_eq(p.frag_len, 100);
	cr_assert_eq(p.frag_more, 1);
}

Test(parse, uses_the_echo_identifier_as_both_ports)
{
	struct fb f = { 0 };
	struct xdt_pkt p;

	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 1, IP4(10, 213, 0, 1), IP4(10, 213, 0, 2), 28, 1, 0);
	fb_icmp_echo(&f, 8, 0x4242, 1);
	cr_assert_eq(parse_eth(&f, &p), XDT_PKT_OK);
	cr_assert_eq(p.icmp_type, 8);
	cr_assert_eq(p.sport, 0x4242);
	cr_assert_eq(p.dport, 0x4242);
}

Test(parse, keys_arp_on_the_protocol_addresses)
{
	struct fb f = { 0 };
	struct xdt_pkt p;
	const uint8_t spa[4] = { 10, 213, 0, 1 }, tpa[4] = { 10, 213, 0, 2 };

	fb_eth(&f, 0x0806);
	fb_u16(&f, 1);
	fb_u16(&f, 0x0800);
	fb_u8(&f, 6);
	fb_u8(&f, 4);
	fb_u16(&f, 1);
	fb_zero(&f, 6);
	fb_bytes(&f, spa, 4);
	fb_zero(&f, 6);
	fb_bytes(&f, tpa, 4);
	cr_assert_eq(parse_eth(&f, &p), XDT_PKT_OK);
	cr_assert_eq(p.family, XDT_FAM_ARP);
	cr_assert_eq(p.ip_bytes, 28);
	cr_assert_arr_eq(p.src, spa, 4);
	cr_assert_arr_eq(p.dst, tpa, 4);
}

Test(parse, calls_lldp_unsupported_not_malformed)
{
	struct fb f = { 0 };
	struct xdt_pkt p;

	fb_eth(&f, 0x88cc);
	fb_zero(&f, 30);
	cr_assert_eq(parse_eth(&f, &p), XDT_PKT_UNSUPPORTED);
}

Test(parse, names_each_impossible_length)
{
	struct fb f = { 0 };
	struct xdt_pkt p;

	cr_assert_eq(xdt_pkt_parse(XDT_LINK_ETHERNET, f.b, 0, 0, &p), XDT_PKT_MALFORMED);
	cr_assert_eq(p.malformed, XDT_MAL_ZERO_LENGTH);

	memset(&f, 0, sizeof(f));
	fb_eth(&f, 0x0800);
	fb_zero(&f, 30);
	cr_assert_eq(xdt_pkt_parse(XDT_LINK_ETHERNET, f.b, f.n, f.n - 1, &p), XDT_PKT_MALFORMED);
	cr_assert_eq(p.malformed, XDT_MAL_CAPLEN_EXCEEDS_LEN);

	memset(&f, 0, sizeof(f));
	fb_zero(&f, 10);
	expect_malformed(&f, f.n, XDT_MAL_TRUNCATED_L2);

	memset(&f, 0, sizeof(f));
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 6, 1, 2, 19, 0, 0);
	fb_zero(&f, 20);
	expect_malformed(&f, f.n, XDT_MAL_BAD_IPV4_LENGTH);

	memset(&f, 0, sizeof(f));
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 6, 1, 2, 1000, 0, 0);
	fb_tcp(&f, 1, 2, 0, 0);
	expect_malformed(&f, f.n, XDT_MAL_BAD_IPV4_LENGTH);

	memset(&f, 0, sizeof(f));
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 6, 1, 2, 40, 0, 0);
	f.b[14] = 0x44;	/* IHL 4 */
	fb_tcp(&f, 1, 2, 0, 0);
	expect_malformed(&f, f.n, XDT_MAL_BAD_IPV4_HEADER);

	memset(&f, 0, sizeof(f));
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 6, 1, 2, 40, 0, 0);
	f.b[14] = 0x65;	/* version 6 behind an IPv4 ethertype */
	fb_tcp(&f, 1, 2, 0, 0);
	expect_malformed(&f, f.n, XDT_MAL_BAD_IP_VERSION);

	memset(&f, 0, sizeof(f));
	fb_eth(&f, 0x86dd);
	fb_ipv6(&f, 17, V6_A, V6_B, 500);
	fb_udp(&f, 1, 2, 8);
	expect_malformed(&f, f.n, XDT_MAL_BAD_IPV6_LENGTH);

	memset(&f, 0, sizeof(f));
	fb_eth(&f, 0x86dd);
	fb_zero(&f, 20);
	expect_malformed(&f, f.n, XDT_MAL_TRUNCATED_IPV6);
}

Test(parse, names_each_bad_transport_header)
{
	struct fb f = { 0 };

	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 6, 1, 2, 40, 0, 0);
	fb_tcp(&f, 1, 2, 0, 0);
	f.b[14 + 20 + 12] = 0x40;	/* data offset 4 */
	expect_malformed(&f, f.n, XDT_MAL_BAD_TCP_HEADER);

	memset(&f, 0, sizeof(f));
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 6, 1, 2, 30, 0, 0);
	fb_zero(&f, 10);
	expect_malformed(&f, f.n, XDT_MAL_TRUNCATED_TCP);

	memset(&f, 0, sizeof(f));
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 17, 1, 2, 28, 0, 0);
	fb_udp(&f, 1, 2, 4);
	expect_malformed(&f, f.n, XDT_MAL_BAD_UDP_LENGTH);

	memset(&f, 0, sizeof(f));
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 17, 1, 2, 24, 0, 0);
	fb_zero(&f, 4);
	expect_malformed(&f, f.n, XDT_MAL_TRUNCATED_UDP);

	memset(&f, 0, sizeof(f));
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 1, 1, 2, 22, 0, 0);
	fb_zero(&f, 2);
	expect_malformed(&f, f.n, XDT_MAL_TRUNCATED_ICMP);
}

Test(parse, decodes_linux_cooked_v1_and_v2)
{
	struct fb f = { 0 }, g = { 0 };
	struct xdt_pkt p;

	fb_u16(&f, 0);	/* SLL: packet type, ARPHRD, addr len, addr[8], protocol */
	fb_u16(&f, 1);
	fb_u16(&f, 6);
	fb_zero(&f, 8);
	fb_u16(&f, 0x0800);
	fb_ipv4(&f, 17, IP4(10, 213, 0, 1), IP4(10, 213, 0, 2), 28, 0, 0);
	fb_udp(&f, 1, 2, 8);
	cr_assert_eq(xdt_pkt_parse(XDT_LINK_SLL, f.b, f.n, f.n, &p), XDT_PKT_OK);
	cr_assert_eq(p.l3_off, 16);

	fb_u16(&g, 0x86dd);	/* SLL2: protocol, reserved, ifindex, ARPHRD, type, len, addr */
	fb_u16(&g, 0);
	fb_u32(&g, 3);
	fb_u16(&g, 1);
	fb_u8(&g, 0);
	fb_u8(&g, 6);
	fb_zero(&g, 8);
	fb_ipv6(&g, 6, V6_A, V6_B, 20);
	fb_tcp(&g, 5, 6, 0x12, 0);
	cr_assert_eq(xdt_pkt_parse(XDT_LINK_SLL2, g.b, g.n, g.n, &p), XDT_PKT_OK);
	cr_assert_eq(p.l3_off, 20);
	cr_assert_eq(p.tcp_flags, 0x12);
}

Test(parse, decodes_raw_ip_by_version_nibble)
{
	struct fb f = { 0 };
	struct xdt_pkt p;

	fb_ipv6(&f, 58, V6_A, V6_B, 8);
	fb_icmp_echo(&f, 128, 9, 1);
	cr_assert_eq(xdt_pkt_parse(XDT_LINK_RAW, f.b, f.n, f.n, &p), XDT_PKT_OK);
	cr_assert_eq(p.family, XDT_FAM_IPV6);
	cr_assert_eq(p.sport, 9);
	f.b[0] = 0x50;
	cr_assert_eq(xdt_pkt_parse(XDT_LINK_RAW, f.b, f.n, f.n, &p), XDT_PKT_MALFORMED);
	cr_assert_eq(p.malformed, XDT_MAL_BAD_IP_VERSION);
}

Test(parse, never_reads_past_caplen_for_any_prefix_of_a_frame)
{
	struct fb f = { 0 };
	struct xdt_pkt p;
	size_t n;

	fb_eth(&f, 0x8100);
	fb_vlan(&f, 3, 0x86dd);
	fb_ipv6(&f, 0, V6_A, V6_B, 8 + 20);
	fb_u8(&f, 6);
	fb_zero(&f, 7);
	fb_tcp(&f, 1, 2, 0x18, 0);
	/* Each prefix is copied into an exactly sized heap buffer: ASan sees overreads. */
	for (n = 0; n <= f.n; n++) {
		uint8_t *buf = malloc(n ? n : 1);

		memcpy(buf, f.b, n);
		(void)xdt_pkt_parse(XDT_LINK_ETHERNET, buf, n, f.n, &p);
		free(buf);
	}
	cr_assert_eq(xdt_pkt_parse(XDT_LINK_ETHERNET, f.b, f.n, f.n, &p), XDT_PKT_OK);
}
