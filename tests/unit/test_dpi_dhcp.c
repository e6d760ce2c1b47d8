// SPDX-License-Identifier: GPL-2.0-only
/*
 * DHCPv4 and DHCPv6 parser.
 *
 * The DHCPv4 vectors are real: busybox 1.35 `udhcpc -x hostname:xdt-client
 * -V xdt-vendor-1` against dnsmasq 2.90 over a veth pair between two network
 * namespaces, captured with tcpdump (Debian 12). The oracle is tshark 4.0:
 *   tshark -r dhcp.pcap -T fields -e frame.number -e dhcp.option.dhcp
 *     -e dhcp.option.hostname -e dhcp.option.vendor_class_id
 *     -e dhcp.option.requested_ip_address -e dhcp.option.dhcp_server_id
 *     -e dhcp.hw.mac_addr -e dhcp.ip.your -e dhcp.id -e dhcp.option.ip_address_lease_time
 *     -e dhcp.option.request_list_item
 *   1  1  xdt-client  xdt-vendor-1                          02:00:5e:10:20:30  0.0.0.0
 *      0xa55c3575         1,3,6,12,15,28,42
 *   5  3  xdt-client  xdt-vendor-1  10.213.7.54  10.213.7.1  02:00:5e:10:20:30  0.0.0.0
 *      0xa55c3575         1,3,6,12,15,28,42
 *   6  5  xdt-client                            10.213.7.1  02:00:5e:10:20:30  10.213.7.54
 *      0xa55c3575  43200
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "dpi/dhcp.h"
#include "hexvec.h"

/* Real: the DISCOVER, the REQUEST after dnsmasq's offer, and dnsmasq's ACK. */
static const uint8_t udhcpc_discover[300] = {
	0x01, 0x01, 0x06, 0x00, 0xa5, 0x5c, 0x35, 0x75, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x5e, 0x10, 0x20, 0x30, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	/* sname and file: zero */
	[236] = 0x63, 0x82, 0x53, 0x63, 0x35, 0x01, 0x01, 0x39, 0x02, 0x02, 0x40, 0x37,
	0x07, 0x01, 0x03, 0x06, 0x0c, 0x0f, 0x1c, 0x2a, 0x0c, 0x0a, 0x78, 0x64,
	0x74, 0x2d, 0x63, 0x6c, 0x69, 0x65, 0x6e, 0x74, 0x3c, 0x0c, 0x78, 0x64,
	0x74, 0x2d, 0x76, 0x65, 0x6e, 0x64, 0x6f, 0x72, 0x2d, 0x31, 0x3d, 0x07,
	0x01, 0x02, 0x00, 0x5e, 0x10, 0x20, 0x30, 0xff, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00,
};

static const uint8_t udhcpc_request[304] = {
	0x01, 0x01, 0x06, 0x00, 0xa5, 0x5c, 0x35, 0x75, 0x00, 0x03, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x5e, 0x10, 0x20, 0x30, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	/* sname and file: zero */
	[236] = 0x63, 0x82, 0x53, 0x63, 0x35, 0x01, 0x03, 0x32, 0x04, 0x0a, 0xd5, 0x07,
	0x36, 0x36, 0x04, 0x0a, 0xd5, 0x07, 0x01, 0x39, 0x02, 0x02, 0x40, 0x37,
	0x07, 0x01, 0x03, 0x06, 0x0c, 0x0f, 0x1c, 0x2a, 0x0c, 0x0a, 0x78, 0x64,
	0x74, 0x2d, 0x63, 0x6c, 0x69, 0x65, 0x6e, 0x74, 0x3c, 0x0c, 0x78, 0x64,
	0x74, 0x2d, 0x76, 0x65, 0x6e, 0x64, 0x6f, 0x72, 0x2d, 0x31, 0x3d, 0x07,
	0x01, 0x02, 0x00, 0x5e, 0x10, 0x20, 0x30, 0xff,
};

static const uint8_t dnsmasq_ack[300] = {
	0x02, 0x01, 0x06, 0x00, 0xa5, 0x5c, 0x35, 0x75, 0x00, 0x03, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x0a, 0xd5, 0x07, 0x36, 0x0a, 0xd5, 0x07, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x5e, 0x10, 0x20, 0x30, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	/* sname and file: zero */
	[236] = 0x63, 0x82, 0x53, 0x63, 0x35, 0x01, 0x05, 0x36, 0x04, 0x0a, 0xd5, 0x07,
	0x01, 0x33, 0x04, 0x00, 0x00, 0xa8, 0xc0, 0x3a, 0x04, 0x00, 0x00, 0x54,
	0x60, 0x3b, 0x04, 0x00, 0x00, 0x93, 0xa8, 0x01, 0x04, 0xff, 0xff, 0xff,
	0x00, 0x1c, 0x04, 0x0a, 0xd5, 0x07, 0xff, 0x03, 0x04, 0x0a, 0xd5, 0x07,
	0x01, 0x0c, 0x0a, 0x78, 0x64, 0x74, 0x2d, 0x63, 0x6c, 0x69, 0x65, 0x6e,
	0x74, 0xff, 0x00, 0x00,
};

Test(dpi_dhcp, reads_a_real_busybox_discover)
{
	static const uint8_t mac[6] = { 0x02, 0x00, 0x5e, 0x10, 0x20, 0x30 };
	static const uint8_t params[7] = { 1, 3, 6, 12, 15, 28, 42 };
	struct xdt_dhcp_info d;

	cr_assert_eq(xdt_dhcp_parse(udhcpc_discover, sizeof(udhcpc_discover), &d), 0);
	cr_assert_eq(d.op, 1);
	cr_assert_eq(d.msg_type, XDT_DHCP_DISCOVER);
	cr_assert_str_eq(xdt_dhcp_type_name(d.msg_type), "discover");
	cr_assert_eq(d.xid, 0xa55c3575);
	cr_assert(d.has_client_mac);
	cr_assert_arr_eq(d.client_mac, mac, 6);
	cr_assert_str_eq(d.hostname, "xdt-client");
	cr_assert_str_eq(d.vendor_class, "xdt-vendor-1");
	cr_assert_eq(d.n_params, 7);
	cr_assert_arr_eq(d.params, params, 7);
	cr_assert(d.ended);
	cr_assert_not(d.truncated);
	cr_assert_not(d.has_requested_ip);
}

Test(dpi_dhcp, reads_the_requested_address_and_server_of_a_real_request)
{
	static const uint8_t want[4] = { 10, 213, 7, 54 }, server[4] = { 10, 213, 7, 1 };
	struct xdt_dhcp_info d;

	cr_assert_eq(xdt_dhcp_parse(udhcpc_request, sizeof(udhcpc_request), &d), 0);
	cr_assert_eq(d.msg_type, XDT_DHCP_REQUEST);
	cr_assert_eq(d.secs, 3);
	cr_assert(d.has_requested_ip);
	cr_assert_arr_eq(d.requested_ip, want, 4);
	cr_assert(d.has_server_id);
	cr_assert_arr_eq(d.server_id, server, 4);
}

Test(dpi_dhcp, reads_the_lease_of_a_real_dnsmasq_ack)
{
	static const uint8_t yiaddr[4] = { 10, 213, 7, 54 }, server[4] = { 10, 213, 7, 1 };
	struct xdt_dhcp_info d;

	cr_assert_eq(xdt_dhcp_parse(dnsmasq_ack, sizeof(dnsmasq_ack), &d), 0);
	cr_assert_eq(d.op, 2);
	cr_assert_str_eq(xdt_dhcp_type_name(d.msg_type), "ack");
	cr_assert_arr_eq(d.yiaddr, yiaddr, 4);
	cr_assert_arr_eq(d.server_id, server, 4);
	cr_assert(d.has_lease_time);
	cr_assert_eq(d.lease_time, 43200);
	cr_assert_str_eq(d.hostname, "xdt-client");
	cr_assert_eq(d.n_params, 0);
}

Test(dpi_dhcp, keeps_the_options_that_fit_in_the_default_256_byte_capture)
{
	struct xdt_dhcp_info d;

	/* Options 53, 57 and 55 end exactly at byte 256; the host name does not fit. */
	cr_assert_eq(xdt_dhcp_parse(udhcpc_discover, 256, &d), 0);
	cr_assert_eq(d.msg_type, XDT_DHCP_DISCOVER);
	cr_assert_eq(d.n_params, 7);
	cr_assert_str_eq(d.hostname, "");
	cr_assert(d.truncated);
	cr_assert_not(d.ended);
	cr_assert_eq(xdt_dhcp_parse(udhcpc_discover, 250, &d), 0);
	cr_assert_eq(d.n_params, 0);
}

Test(dpi_dhcp, needs_the_magic_cookie)
{
	uint8_t b[sizeof(udhcpc_discover)];
	struct xdt_dhcp_info d;

	cr_assert_eq(xdt_dhcp_parse(udhcpc_discover, 239, &d), -EINVAL);
	cr_assert_eq(xdt_dhcp_parse(udhcpc_discover, 240, &d), 0);
	cr_assert(d.truncated);
	memcpy(b, udhcpc_discover, sizeof(b));
	b[239] ^= 1;
	cr_assert_eq(xdt_dhcp_parse(b, sizeof(b), &d), -EINVAL);
}

Test(dpi_dhcp, rejects_impossible_bootp_headers)
{
	static const struct { size_t off; uint8_t v; } bad[] = {
		{ 0, 0 }, { 0, 3 }, { 1, 0 }, { 2, 17 }, { 3, 17 },
	};
	uint8_t b[sizeof(udhcpc_discover)];
	struct xdt_dhcp_info d;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(b, udhcpc_discover, sizeof(b));
		b[bad[i].off] = bad[i].v;
		cr_assert_eq(xdt_dhcp_parse(b, sizeof(b), &d), -EINVAL, "byte %zu = %u",
			     bad[i].off, bad[i].v);
	}
}

Test(dpi_dhcp, rejects_fixed_size_options_of_the_wrong_length)
{
	uint8_t b[sizeof(udhcpc_request)];
	struct xdt_dhcp_info d;

	memcpy(b, udhcpc_request, sizeof(b));
	b[241] = 2;	/* option 53, length 1 -> 2 */
	cr_assert_eq(xdt_dhcp_parse(b, sizeof(b), &d), -EINVAL);
	memcpy(b, udhcpc_request, sizeof(b));
	b[244] = 3;	/* option 50, length 4 -> 3 */
	cr_assert_eq(xdt_dhcp_parse(b, sizeof(b), &d), -EINVAL);
}

Test(dpi_dhcp, stops_at_an_option_longer_than_the_capture)
{
	uint8_t b[sizeof(udhcpc_discover)];
	struct xdt_dhcp_info d;

	memcpy(b, udhcpc_discover, sizeof(b));
	b[257] = 200;	/* option 12 (host name) now runs past the end */
	cr_assert_eq(xdt_dhcp_parse(b, sizeof(b), &d), 0);
	cr_assert(d.truncated);
	cr_assert_str_eq(d.hostname, "");
	cr_assert_eq(d.n_params, 7);
}

Test(dpi_dhcp, replaces_unprintable_host_name_bytes)
{
	uint8_t b[sizeof(udhcpc_discover)];
	struct xdt_dhcp_info d;

	memcpy(b, udhcpc_discover, sizeof(b));
	b[261] = 0x1b;
	b[262] = 0xc3;
	cr_assert_eq(xdt_dhcp_parse(b, sizeof(b), &d), 0);
	cr_assert_str_eq(d.hostname, "xdt??lient");
}

Test(dpi_dhcp, names_the_message_types)
{
	static const char *const want[] = { NULL, "discover", "offer", "request", "decline",
					    "ack", "nak", "release", "inform", "forcerenew" };
	unsigned int i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		if (want[i])
			cr_assert_str_eq(xdt_dhcp_type_name((uint8_t)i), want[i]);
		else
			cr_assert_null(xdt_dhcp_type_name((uint8_t)i));
	}
	cr_assert_str_eq(xdt_dhcp_type_name(18), "tls");
	cr_assert_null(xdt_dhcp_type_name(19));
	cr_assert_null(xdt_dhcp_type_name(255));
}

/*
 * DHCPv6: a Solicit a python script sent from one namespace to dnsmasq 2.90 in
 * the other, and dnsmasq's real Advertise. tshark -r dhcp6.pcap -V: Solicit (1), Transaction ID 0xc0ffee, DUID-LL
 * 02:00:5e:10:20:30, Elapsed time 0ms, Client FQDN "Partial domain name: xdt-client",
 * Enterprise ID DHCPCD Project (40712); Advertise (2) with the FQDN echoed
 * (flags 0x03) and options 1, 2, 3, 13, 7, 39.
 */
static const char d6_solicit[] =	/* built (python, RFC 8415 layout) */
	"01c0ffee0001000a0003000102005e1020300008000200000003000c5e102030000000000000000000060004"
	"001700180027000c000a7864742d636c69656e740010000d00009f0800077864742d763663";
static const char d6_advertise[] =	/* real: dnsmasq 2.90 */
	"02c0ffee0001000a0003000102005e1020300002000e000100013297761e867ccf531d80000300285e102030"
	"00005460000093a800050018fd000db80007000000000000000001740000a8c00000a8c0000d000900007375"
	"636365737300070001000027000c030a7864742d636c69656e74";

Test(dpi_dhcp, reads_a_dhcpv6_solicit)
{
	static const uint8_t duid[10] = { 0, 3, 0, 1, 0x02, 0x00, 0x5e, 0x10, 0x20, 0x30 };
	struct xdt_dhcp_v6_info d;
	uint8_t b[256];
	size_t n = unhex(b, sizeof(b), d6_solicit);

	cr_assert_eq(xdt_dhcp_parse_v6(b, n, &d), 0);
	cr_assert_str_eq(xdt_dhcp_v6_type_name(d.msg_type), "solicit");
	cr_assert_eq(d.xid, 0xc0ffee);
	cr_assert(d.has_client_id);
	cr_assert_eq(d.duid_len, 10);
	cr_assert_arr_eq(d.duid, duid, 10);
	cr_assert(d.has_elapsed);
	cr_assert_eq(d.elapsed, 0);
	cr_assert(d.has_vendor_class);
	cr_assert_eq(d.vendor_enterprise, 40712);
	cr_assert_str_eq(d.fqdn, "xdt-client");
	cr_assert_eq(d.n_options, 6);
	cr_assert_not(d.truncated);
}

Test(dpi_dhcp, reads_a_real_dnsmasq_dhcpv6_advertise)
{
	struct xdt_dhcp_v6_info d;
	uint8_t b[256];
	size_t n = unhex(b, sizeof(b), d6_advertise);

	cr_assert_eq(xdt_dhcp_parse_v6(b, n, &d), 0);
	cr_assert_eq(d.msg_type, XDT_DHCP6_ADVERTISE);
	cr_assert_eq(d.xid, 0xc0ffee);
	cr_assert_str_eq(d.fqdn, "xdt-client");
	cr_assert_eq(d.n_options, 6);
	/* Cut inside the last option: what came before stays. */
	cr_assert_eq(xdt_dhcp_parse_v6(b, n - 3, &d), 0);
	cr_assert(d.truncated);
	cr_assert_str_eq(d.fqdn, "");
	cr_assert_eq(d.n_options, 5);
}

Test(dpi_dhcp, rejects_malformed_dhcpv6)
{
	struct xdt_dhcp_v6_info d;
	uint8_t b[256];
	size_t n = unhex(b, sizeof(b), d6_solicit);

	cr_assert_eq(xdt_dhcp_parse_v6(b, 3, &d), -EINVAL);
	b[0] = 0;
	cr_assert_eq(xdt_dhcp_parse_v6(b, n, &d), -EINVAL);
	b[0] = 14;
	cr_assert_eq(xdt_dhcp_parse_v6(b, n, &d), -EINVAL);
	b[0] = XDT_DHCP6_RELAY_FORW;	/* shorter than a relay header's 34 bytes */
	cr_assert_eq(xdt_dhcp_parse_v6(b, 33, &d), -EINVAL);
	unhex(b, sizeof(b), d6_solicit);
	b[4] = b[5] = 0;	/* option code 0 */
	cr_assert_eq(xdt_dhcp_parse_v6(b, n, &d), -EINVAL);
	unhex(b, sizeof(b), d6_solicit);
	b[53] = 11;	/* FQDN label longer than the option */
	cr_assert_eq(xdt_dhcp_parse_v6(b, n, &d), -EINVAL);
	cr_assert_null(xdt_dhcp_v6_type_name(0));
	cr_assert_str_eq(xdt_dhcp_v6_type_name(XDT_DHCP6_RELAY_REPL), "relay-repl");
}
