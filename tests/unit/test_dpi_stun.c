// SPDX-License-Identifier: GPL-2.0-only
/*
 * STUN parser. RFC 5769's vectors, and real ones: turnutils_stunclient against
 * coturn 4.6.1 (`turnserver --stun-only`) on 127.0.0.1 and ::1 in a network
 * namespace, captured with tcpdump (Debian 12). Oracle, tshark 4.0:
 *   tshark -r stun.pcap -T fields -e stun.type.method -e stun.type.class
 *     -e stun.att.software -e stun.att.ipv4 -e stun.att.ipv6 -e stun.att.port
 *   0x0001  0x0000
 *   0x0001  0x0010  Coturn-4.6.1 'Gorst'  127.0.0.1        40980
 *   0x0001  0x0010  Coturn-4.6.1 'Gorst'             ::1  37567
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "dpi/stun.h"
#include "hexvec.h"

/* RFC 5769 sections 2.1-2.3 (their FINGERPRINT and MESSAGE-INTEGRITY verify). */
static const char rfc5769_req[] =
	"000100582112a442b7e7a701bc34d686fa87dfae802200105354554e207465737420636c69656e7400240004"
	"6e0001ff80290008932ff9b151263b36000600096576746a3a68367659202020000800149aeaa70cbfd8cb56"
	"781ef2b5b2d3f249c1b571a280280004e57a3bcf";
static const char rfc5769_v4[] =
	"0101003c2112a442b7e7a701bc34d686fa87dfae8022000b7465737420766563746f7220002000080001a147"
	"e112a643000800142b91f599fd9e90c38c7489f92af9ba53f06be7d780280004c07d4c96";
static const char rfc5769_v6[] =
	"010100482112a442b7e7a701bc34d686fa87dfae8022000b7465737420766563746f7220002000140002a147"
	"0113a9faa5d3f179bc25f4b5bed2b9d900080014a382954e4be67bf11784c97c8292c275bfe3ed4180280004"
	"c8fb0b4c";
/* Real: turnutils_stunclient and coturn 4.6.1 on 127.0.0.1 and ::1. */
static const char coturn_req4[] = "000100002112a4422d071eeaa570cb58ee4ca2c7";
static const char coturn_resp4[] =
	"010100242112a4422d071eeaa570cb58ee4ca2c700200008000181065e12a44380220014436f7475726e2d34"
	"2e362e312027476f72737427";
static const char coturn_resp6[] =
	"010100302112a442b4f67083e9825b958f13889f002000140002b3ad2112a442b4f67083e9825b958f13889e"
	"80220014436f7475726e2d342e362e312027476f72737427";
/* Built; tshark: method 0x0003, class 0x0011, error class 4, code 1, "Unauthorized". */
static const char allocate_401[] =
	"011300142112a4420123456789abcdef012345670009001000000401556e617574686f72697a6564";

static int stun_hex(const char *hex, size_t cut, struct xdt_stun_info *out)
{
	uint8_t b[256];
	size_t n = unhex(b, sizeof(b), hex);

	return xdt_stun_parse(b, cut && cut < n ? cut : n, out);
}

Test(dpi_stun, reads_the_rfc5769_sample_request)
{
	static const uint8_t txid[12] = { 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34,
					  0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae };
	struct xdt_stun_info s;

	cr_assert_eq(stun_hex(rfc5769_req, 0, &s), 0);
	cr_assert_eq(s.method, XDT_STUN_BINDING);
	cr_assert_eq(s.cls, XDT_STUN_REQUEST);
	cr_assert_arr_eq(s.txid, txid, 12);
	cr_assert_str_eq(s.software, "STUN test client");
	cr_assert_str_eq(s.username, "evtj:h6vY");
	cr_assert(s.has_integrity);
	cr_assert(s.has_fingerprint);
	cr_assert_eq(s.n_attrs, 6);
	cr_assert_not(s.has_mapped);
	cr_assert_not(s.truncated);
}

Test(dpi_stun, decodes_the_rfc5769_ipv4_xor_mapped_address)
{
	static const uint8_t addr[4] = { 192, 0, 2, 1 };
	struct xdt_stun_info s;

	cr_assert_eq(stun_hex(rfc5769_v4, 0, &s), 0);
	cr_assert_eq(s.cls, XDT_STUN_SUCCESS);
	cr_assert_str_eq(s.software, "test vector");
	cr_assert(s.has_mapped);
	cr_assert_eq(s.mapped_family, 4);
	cr_assert_eq(s.mapped_port, 32853);
	cr_assert_arr_eq(s.mapped_addr, addr, 4);
}

Test(dpi_stun, decodes_the_rfc5769_ipv6_xor_mapped_address)
{
	static const uint8_t addr[16] = { 0x20, 0x01, 0x0d, 0xb8, 0x12, 0x34, 0x56, 0x78,
					  0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77 };
	struct xdt_stun_info s;

	cr_assert_eq(stun_hex(rfc5769_v6, 0, &s), 0);
	cr_assert_eq(s.mapped_family, 6);
	cr_assert_eq(s.mapped_port, 32853);
	cr_assert_arr_eq(s.mapped_addr, addr, 16);
}

Test(dpi_stun, reads_a_real_coturn_binding_exchange)
{
	static const uint8_t lo4[4] = { 127, 0, 0, 1 };
	static const uint8_t lo6[16] = { [15] = 1 };
	struct xdt_stun_info s;

	cr_assert_eq(stun_hex(coturn_req4, 0, &s), 0);
	cr_assert_str_eq(xdt_stun_method_name(s.method), "binding");
	cr_assert_str_eq(xdt_stun_class_name(s.cls), "request");
	cr_assert_eq(s.n_attrs, 0);
	cr_assert_eq(stun_hex(coturn_resp4, 0, &s), 0);
	cr_assert_str_eq(xdt_stun_class_name(s.cls), "success");
	cr_assert_str_eq(s.software, "Coturn-4.6.1 'Gorst'");
	cr_assert_eq(s.mapped_port, 40980);
	cr_assert_arr_eq(s.mapped_addr, lo4, 4);
	cr_assert_eq(stun_hex(coturn_resp6, 0, &s), 0);
	cr_assert_eq(s.mapped_family, 6);
	cr_assert_eq(s.mapped_port, 37567);
	cr_assert_arr_eq(s.mapped_addr, lo6, 16);
}

Test(dpi_stun, reads_the_code_of_an_error_response)
{
	struct xdt_stun_info s;

	cr_assert_eq(stun_hex(allocate_401, 0, &s), 0);
	cr_assert_str_eq(xdt_stun_method_name(s.method), "allocate");
	cr_assert_str_eq(xdt_stun_class_name(s.cls), "error");
	cr_assert_eq(s.error_code, 401);
}

Test(dpi_stun, keeps_the_attributes_before_a_cut)
{
	struct xdt_stun_info s;

	/* Header, SOFTWARE (20), PRIORITY (8), and half of ICE-CONTROLLED. */
	cr_assert_eq(stun_hex(rfc5769_req, 54, &s), 0);
	cr_assert(s.truncated);
	cr_assert_str_eq(s.software, "STUN test client");
	cr_assert_str_eq(s.username, "");
	cr_assert_eq(s.n_attrs, 2);
	cr_assert_eq(stun_hex(rfc5769_req, 20, &s), 0);
	cr_assert(s.truncated);
	cr_assert_eq(stun_hex(rfc5769_req, 19, &s), -EINVAL);
}

Test(dpi_stun, rejects_what_is_not_one_whole_message)
{
	struct xdt_stun_info s;
	uint8_t b[256] = { 0 };
	size_t n;

	n = unhex(b, sizeof(b), rfc5769_v4);
	b[4] ^= 1;	/* cookie */
	cr_assert_eq(xdt_stun_parse(b, n, &s), -EINVAL);
	n = unhex(b, sizeof(b), rfc5769_v4);
	b[n++] = 0;	/* a byte past the message */
	cr_assert_eq(xdt_stun_parse(b, n, &s), -EINVAL);
	n = unhex(b, sizeof(b), rfc5769_v4);
	b[0] |= 0x40;	/* top bits of the type (ChannelData, RTP, ...) */
	cr_assert_eq(xdt_stun_parse(b, n, &s), -EINVAL);
	n = unhex(b, sizeof(b), coturn_req4);
	b[3] = 2;	/* length not a multiple of 4 */
	cr_assert_eq(xdt_stun_parse(b, n + 2, &s), -EINVAL);
	n = unhex(b, sizeof(b), rfc5769_v4);
	b[23] = 0x40;	/* SOFTWARE longer than the message */
	cr_assert_eq(xdt_stun_parse(b, n, &s), -EINVAL);
	n = unhex(b, sizeof(b), rfc5769_v4);
	b[41] = 3;	/* XOR-MAPPED-ADDRESS family */
	cr_assert_eq(xdt_stun_parse(b, n, &s), -EINVAL);
}

Test(dpi_stun, accepts_no_random_datagrams)
{
	struct xdt_stun_info s;
	uint32_t seed = 0x5354554e;
	uint8_t b[64];
	int i;

	for (i = 0; i < 10000; i++) {
		noise(b, sizeof(b), &seed);
		cr_assert_neq(xdt_stun_parse(b, 20 + (b[0] & 31), &s), 0);
	}
}

Test(dpi_stun, names_methods_and_classes)
{
	cr_assert_str_eq(xdt_stun_method_name(XDT_STUN_REFRESH), "refresh");
	cr_assert_str_eq(xdt_stun_method_name(XDT_STUN_SEND), "send");
	cr_assert_str_eq(xdt_stun_method_name(XDT_STUN_DATA), "data");
	cr_assert_str_eq(xdt_stun_method_name(XDT_STUN_CREATE_PERMISSION), "create permission");
	cr_assert_str_eq(xdt_stun_method_name(XDT_STUN_CHANNEL_BIND), "channel bind");
	cr_assert_null(xdt_stun_method_name(0));
	cr_assert_null(xdt_stun_method_name(0xfff));
	cr_assert_str_eq(xdt_stun_class_name(XDT_STUN_INDICATION), "indication");
}
