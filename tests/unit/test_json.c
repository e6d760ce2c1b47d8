// SPDX-License-Identifier: GPL-2.0-only
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "export/json.h"
#include "frames.h"

static char *render_table(struct xdt_engine *e)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert_eq(xdt_json_table(f, e, NULL), 0);
	fclose(f);
	return buf;
}

Test(json, formats_times_as_rfc3339_utc_with_nanoseconds)
{
	char buf[40];

	xdt_json_time(buf, sizeof(buf), 1795462525123456789ULL);
	cr_assert_str_eq(buf, "2026-11-23T19:35:25.123456789Z");
	xdt_json_time(buf, sizeof(buf), 0);
	cr_assert_str_eq(buf, "1970-01-01T00:00:00.000000000Z");
}

Test(json, writes_the_initiator_first_and_every_documented_member)
{
	struct xdt_engine_opts o = { .max_flows = 4, .seed = 1 };
	struct xdt_engine *e = xdt_engine_new(&o);
	struct fb f = { 0 };
	char *out;

	fb_eth(&f, 0x8100);
	fb_vlan(&f, 42, 0x86dd);
	fb_ipv6(&f, 6, V6_B, V6_A, 20);
	fb_tcp(&f, 50000, 443, XDT_TCP_SYN, 0);
	xdt_engine_packet(e, XDT_LINK_ETHERNET, f.b, f.n, f.n, 1795462525000000000ULL);
	out = render_table(e);
	cr_assert_str_eq(out,
		"{\"type\":\"flow\",\"proto\":\"tcp\",\"family\":6,\"src\":\"fd00:213::2\","
		"\"sport\":50000,\"dst\":\"fd00:213::1\",\"dport\":443,\"state\":\"SYN_SENT\","
		"\"first_seen\":\"2026-11-23T19:35:25.000000000Z\","
		"\"last_seen\":\"2026-11-23T19:35:25.000000000Z\",\"pkts_out\":1,\"bytes_out\":60,"
		"\"pkts_in\":0,\"bytes_in\":0,\"bps_out\":30.0,\"bps_in\":0.0,\"vlan\":42,"
		"\"app\":{\"proto\":\"https\",\"by\":\"port\"}}\n"
		"{\"type\":\"stats\",\"packets\":1,\"parsed\":1,\"unsupported\":0,\"malformed\":0,"
		"\"malformed_by_reason\":{},\"fragments_unattributed\":0,\"flows\":1,"
		"\"flows_total\":1,\"flows_expired\":0,\"flows_evicted\":0,\"flows_reused\":0,"
		"\"process_methods\":{\"kernel\":0,\"sock_diag\":0,\"none\":1},"
		"\"dpi\":{\"enabled\":false,\"payloads\":0,\"bytes\":0,\"identified\":0,"
		"\"malformed\":0,\"stream_overflow\":0,\"no_memory\":0,\"quic_initials\":0,"
		"\"quic_auth_failed\":0,\"dns_names\":0,\"state_bytes\":0,\"malformed_by_protocol\":{}}}\n");
	free(out);
	xdt_engine_free(e);
}

static char *render_flow(const struct xdt_flow *fl, const struct xdt_pdns *names)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	struct xdt_json_ctx ctx = { .names = names };

	xdt_json_flow(f, fl, fl->last_ns, &ctx);
	fclose(f);
	return buf;
}

/* Names come from the network: a quote or backslash in them must not end the string. */
Test(json, escapes_what_a_peer_put_in_a_name)
{
	uint8_t c[16] = { 10, 213, 0, 1 }, s[16] = { 10, 213, 0, 2 }, from_a;
	struct xdt_flow fl = { 0 };
	char *out;

	xdt_flow_key_make(&fl.key, XDT_FAM_IPV4, 6, 0, c, 40000, s, 443, &from_a);
	fl.init_is_a = 1;
	fl.app = calloc(1, sizeof(*fl.app));
	cr_assert_not_null(fl.app);
	fl.app->proto = XDT_APP_TLS;
	fl.app->have[0] = XDT_HAVE_OK;
	fl.app->u.tls[0].handshake = XDT_TLS_CLIENT_HELLO;
	fl.app->u.tls[0].max_version = 0x0304;
	strcpy(fl.app->u.tls[0].sni, "a\"b\\c");
	out = render_flow(&fl, NULL);
	cr_expect(strstr(out, ",\"app\":{\"proto\":\"tls\",\"by\":\"payload\",\"sni\":\"a\\\"b\\\\c\","
			      "\"tls_offered\":\"1.3\"}"), "%s", out);
	free(out);
	xdt_app_free(fl.app);
}

Test(json, labels_endpoints_with_names_dns_gave_them)
{
	uint8_t c[16] = { 10, 213, 0, 1 }, s[16] = { 10, 213, 0, 9 }, from_a;
	struct xdt_pdns *names = xdt_pdns_new(64, 1);
	struct xdt_flow fl = { 0 };
	char *out;

	cr_assert_not_null(names);
	xdt_flow_key_make(&fl.key, XDT_FAM_IPV4, 17, 0, c, 40000, s, 9999, &from_a);
	fl.init_is_a = 1;
	xdt_pdns_put(names, 4, s, "www.xdt.test", 1);
	out = render_flow(&fl, names);
	cr_expect(strstr(out, ",\"dst_name\":\"www.xdt.test\""), "%s", out);
	cr_expect_null(strstr(out, "src_name"), "%s", out);
	free(out);
	xdt_pdns_free(names);
}

Test(json, names_arp_and_other_protocols)
{
	struct xdt_engine_opts o = { .max_flows = 4, .seed = 1 };
	struct xdt_engine *e = xdt_engine_new(&o);
	struct fb f = { 0 };
	char *out;

	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 47, IP4(10, 213, 0, 1), IP4(10, 213, 0, 2), 24, 1, 0);	/* GRE */
	fb_zero(&f, 4);
	xdt_engine_packet(e, XDT_LINK_ETHERNET, f.b, f.n, f.n, 0);
	f.n = 0;
	fb_eth(&f, 0x0800);
	fb_u8(&f, 0x45);	/* garbage after a good start: malformed */
	xdt_engine_packet(e, XDT_LINK_ETHERNET, f.b, f.n, f.n, 0);
	out = render_table(e);
	cr_assert(strstr(out, "\"proto\":\"other\""), "%s", out);
	cr_assert(strstr(out, "\"ipproto\":47"), "%s", out);
	cr_assert(strstr(out, "\"malformed\":1,\"malformed_by_reason\":{\"truncated_ipv4\":1}"),
		  "%s", out);
	free(out);
	xdt_engine_free(e);
}
