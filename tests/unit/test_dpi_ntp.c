// SPDX-License-Identifier: GPL-2.0-only
/*
 * NTP parser. The "real" vectors were captured with tcpdump on lo in a network
 * namespace (Debian 12): `sntp 127.0.0.1` (ntpsec 1.2.2's ntpdig) and
 * `chronyd -Q 'server 127.0.0.1'` (chrony 4.3) against chronyd 4.3 with
 * "local stratum 10". Oracle, tshark 4.0:
 *   tshark -r ntp.pcap -T fields -e ntp.flags.vn -e ntp.flags.mode -e ntp.stratum -e ntp.refid
 *   4  3  0   00000000	(sntp)
 *   4  4  10  7f7f0101	(chronyd)
 *   4  3  0   00000000	(chronyd as client)
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "dpi/ntp.h"
#include "hexvec.h"

static const char sntp_req[] =		/* real: sntp 127.0.0.1 */
	"e3000000000000000000000000000000000000000000000000000000000000000000000000000000eeaf35b8"
	"81ae3000";
static const char chrony_resp[] =	/* real: its answer from chronyd */
	"240a00e600000000000000007f7f0101eeaf35b682edc9a9eeaf35b881ae3000eeaf35b881bc11a1eeaf35b8"
	"81d65608";
static const char chrony_req[] =	/* real: chronyd -Q 'server 127.0.0.1' */
	"23000620000000000000000000000000000000000000000000000000000000000000000000000000e7d1a264"
	"e3a03b7e";
/* Built; tshark: "Reference ID: Global Position System" and "... source 'RATE'". */
static const char gps_resp[] =		/* chrony_resp with stratum 1, refid "GPS" */
	"240100e6000000000000000047505300eeaf35b682edc9a9eeaf35b881ae3000eeaf35b881bc11a1eeaf35b8"
	"81d65608";
static const char kiss_rate[] =
	"e40004e90000000000000000524154450000000000000000000000000000000000000000000000000000000000"
	"000000";
/* Built; tshark: "Opcode: read variables (2)"; "XNTPD (3)", "MON_GETLIST_1 (42)". */
static const char ntpq_readvar[] = "160200010000000000000000";
static const char ntpdc_monlist[] = "1700032a00000000";

static int ntp_hex(const char *hex, size_t cut, struct xdt_ntp_info *out)
{
	uint8_t b[64];
	size_t n = unhex(b, sizeof(b), hex);

	return xdt_ntp_parse(b, cut && cut < n ? cut : n, out);
}

Test(dpi_ntp, reads_a_real_sntp_request)
{
	struct xdt_ntp_info t;

	cr_assert_eq(ntp_hex(sntp_req, 0, &t), 0);
	cr_assert_eq(t.version, 4);
	cr_assert_eq(t.mode, XDT_NTP_MODE_CLIENT);
	cr_assert_str_eq(xdt_ntp_mode_name(t.mode), "client");
	cr_assert_eq(t.leap, 3);
	cr_assert_eq(t.stratum, 0);
	cr_assert_str_eq(t.refid, "");
	cr_assert_not(t.kiss);
	cr_assert_eq(t.tx_ts, 0xeeaf35b881ae3000ull);
	cr_assert_eq(t.extra, 0);
}

Test(dpi_ntp, reads_a_real_chrony_server_response)
{
	struct xdt_ntp_info t;

	cr_assert_eq(ntp_hex(chrony_resp, 0, &t), 0);
	cr_assert_eq(t.version, 4);
	cr_assert_str_eq(xdt_ntp_mode_name(t.mode), "server");
	cr_assert_eq(t.stratum, 10);
	cr_assert_eq(t.poll, 0);
	cr_assert_eq(t.precision, -26);
	cr_assert_eq(t.refid_raw, 0x7f7f0101);
	cr_assert_str_eq(t.refid, "127.127.1.1");
	/* The server copies the client's transmit time into origin. */
	cr_assert_eq(t.orig_ts, 0xeeaf35b881ae3000ull);
	cr_assert_eq(t.tx_ts, 0xeeaf35b881d65608ull);
}

Test(dpi_ntp, reads_a_real_chrony_client_request)
{
	struct xdt_ntp_info t;

	cr_assert_eq(ntp_hex(chrony_req, 0, &t), 0);
	cr_assert_eq(t.mode, XDT_NTP_MODE_CLIENT);
	cr_assert_eq(t.leap, 0);
	cr_assert_eq(t.poll, 6);
}

Test(dpi_ntp, shows_a_primary_reference_as_its_code)
{
	struct xdt_ntp_info t;

	cr_assert_eq(ntp_hex(gps_resp, 0, &t), 0);
	cr_assert_eq(t.stratum, 1);
	cr_assert_str_eq(t.refid, "GPS");
}

Test(dpi_ntp, flags_a_kiss_o_death)
{
	struct xdt_ntp_info t;

	cr_assert_eq(ntp_hex(kiss_rate, 0, &t), 0);
	cr_assert(t.kiss);
	cr_assert_str_eq(t.refid, "RATE");
}

Test(dpi_ntp, recognises_control_and_private_messages_by_their_header)
{
	struct xdt_ntp_info t;

	cr_assert_eq(ntp_hex(ntpq_readvar, 0, &t), 0);
	cr_assert_eq(t.version, 2);
	cr_assert_str_eq(xdt_ntp_mode_name(t.mode), "control");
	cr_assert_eq(t.opcode, 2);
	cr_assert_not(t.response);
	cr_assert_eq(ntp_hex(ntpq_readvar, 11, &t), -EINVAL);
	cr_assert_eq(ntp_hex(ntpdc_monlist, 0, &t), 0);
	cr_assert_str_eq(xdt_ntp_mode_name(t.mode), "private");
	cr_assert_eq(t.opcode, 42);
	cr_assert_eq(ntp_hex(ntpdc_monlist, 7, &t), -EINVAL);
}

Test(dpi_ntp, rejects_short_or_impossible_headers)
{
	struct xdt_ntp_info t;
	uint8_t b[48];

	cr_assert_eq(ntp_hex(chrony_resp, 47, &t), -EINVAL);
	cr_assert_eq(xdt_ntp_parse(b, 0, &t), -EINVAL);
	unhex(b, sizeof(b), chrony_resp);
	b[0] = 0x20;	/* mode 0 */
	cr_assert_eq(xdt_ntp_parse(b, sizeof(b), &t), -EINVAL);
	b[0] = 0x04;	/* version 0 */
	cr_assert_eq(xdt_ntp_parse(b, sizeof(b), &t), -EINVAL);
	b[0] = 0x2c;	/* version 5 */
	cr_assert_eq(xdt_ntp_parse(b, sizeof(b), &t), -EINVAL);
	b[0] = 0x0b;	/* version 1 had no client mode */
	cr_assert_eq(xdt_ntp_parse(b, sizeof(b), &t), -EINVAL);
	b[0] = 0x24;
	b[1] = 17;	/* stratum */
	cr_assert_eq(xdt_ntp_parse(b, sizeof(b), &t), -EINVAL);
	unhex(b, sizeof(b), ntpdc_monlist);
	b[2] = 1;	/* no such implementation */
	cr_assert_eq(xdt_ntp_parse(b, 8, &t), -EINVAL);
}

Test(dpi_ntp, accepts_few_random_datagrams)
{
	struct xdt_ntp_info t;
	uint32_t seed = 0x6e7470;
	uint8_t b[48];
	int i, ok = 0;

	/* Version 2-4, mode 1-5 and stratum <= 16 leave about 1.6% by chance. */
	for (i = 0; i < 10000; i++) {
		noise(b, sizeof(b), &seed);
		ok += xdt_ntp_parse(b, sizeof(b), &t) == 0;
	}
	cr_assert_lt(ok, 300, "%d of 10000 random datagrams taken for NTP", ok);
}

Test(dpi_ntp, names_every_mode)
{
	cr_assert_str_eq(xdt_ntp_mode_name(0), "reserved");
	cr_assert_str_eq(xdt_ntp_mode_name(1), "symmetric active");
	cr_assert_str_eq(xdt_ntp_mode_name(2), "symmetric passive");
	cr_assert_str_eq(xdt_ntp_mode_name(5), "broadcast");
	cr_assert_str_eq(xdt_ntp_mode_name(200), "reserved");
}

