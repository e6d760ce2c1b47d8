// SPDX-License-Identifier: GPL-2.0-only
/*
 * Per-flow application detection (user/dpi/dpi.c): the budget, TCP reassembly
 * across segments (in order, out of order, cut by the capture), the protocol
 * decision and when a flow is done. The TLS vectors are the exact bytes curl
 * 7.88.1 and openssl s_server 3.0 exchanged on loopback (tshark reads SNI
 * "www.xdt.test" and cipher 0x1302 from them).
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpi/dpi.h"

#define FIX "tests/unit/fixtures/"

struct blob {
	uint8_t b[8192];
	size_t n;
};

static void load(const char *path, struct blob *out)
{
	FILE *f = fopen(path, "rb");

	cr_assert_not_null(f, "%s: %s (run the tests from the repository root)", path,
			   strerror(errno));
	out->n = fread(out->b, 1, sizeof(out->b), f);
	fclose(f);
	cr_assert_gt(out->n, 0, "%s is empty", path);
}

/* A flow from 10.213.0.1:@cport to 10.213.0.2:@sport; the client is endpoint a. */
static void flow_init(struct xdt_flow *f, uint8_t proto, uint16_t cport, uint16_t sport)
{
	uint8_t c[16] = { 10, 213, 0, 1 }, s[16] = { 10, 213, 0, 2 }, from_a;

	memset(f, 0, sizeof(*f));
	xdt_flow_key_make(&f->key, XDT_FAM_IPV4, proto, 0, c, cport, s, sport, &from_a);
	cr_assert(from_a, "10.213.0.1 sorts first");
	f->init_is_a = 1;
}

static int feed(struct xdt_dpi_stats *st, struct xdt_flow *f, int from_b, uint32_t seq,
		const uint8_t *d, uint32_t n, uint32_t wire)
{
	struct xdt_dpi_payload pl = {
		.data = d, .caplen = n, .wire_len = wire ? wire : n, .tcp_seq = seq,
		.from_b = (uint8_t)from_b, .has_seq = f->key.proto == 6,
	};

	return xdt_dpi_feed(st, f, &pl);
}

static const struct xdt_tls_info *hello(const struct xdt_flow *f, int ep)
{
	cr_assert_not_null(f->app);
	cr_assert_eq(f->app->proto, XDT_APP_TLS, "proto %s",
		     xdt_app_proto_name(f->app->proto));
	cr_assert_eq(f->app->have[ep], XDT_HAVE_OK, "endpoint %d has no hello", ep);
	return &f->app->u.tls[ep];
}

TestSuite(dpi_flow);

Test(dpi_flow, reads_the_sni_of_a_clienthello_in_one_segment)
{
	struct xdt_dpi_stats st = { 0 };
	struct xdt_flow f;
	struct blob ch;

	load(FIX "tls13-clienthello-curl.bin", &ch);
	flow_init(&f, 6, 34858, 18443);
	cr_expect_eq(feed(&st, &f, 0, 1000, ch.b, (uint32_t)ch.n, 0), 0, "not done yet");
	cr_expect_str_eq(hello(&f, 0)->sni, "www.xdt.test");
	cr_expect_str_eq(hello(&f, 0)->alpn, "h2,http/1.1");
	cr_expect_eq(st.identified, 1);
	xdt_app_free(f.app);
}

Test(dpi_flow, is_done_once_both_hellos_are_read)
{
	struct xdt_dpi_stats st = { 0 };
	struct xdt_flow f;
	struct blob ch, sh;

	load(FIX "tls13-clienthello-curl.bin", &ch);
	load(FIX "tls13-serverhello-openssl.bin", &sh);
	flow_init(&f, 6, 34858, 18443);
	cr_expect_eq(feed(&st, &f, 0, 1000, ch.b, (uint32_t)ch.n, 0), 0);
	cr_expect_eq(feed(&st, &f, 1, 5000, sh.b, (uint32_t)sh.n, 0), 1, "done");
	cr_expect_eq(hello(&f, 1)->cipher, 0x1302);
	cr_expect_eq(hello(&f, 1)->max_version, 0x0304);
	cr_expect(f.app->done);
	cr_expect_null(f.app->st[0], "reassembly buffers are freed when done");
	/* A done flow ignores what comes next. */
	cr_expect_eq(feed(&st, &f, 0, 1000 + (uint32_t)ch.n, ch.b, 10, 0), 0);
	xdt_app_free(f.app);
}

Test(dpi_flow, reassembles_a_clienthello_split_over_three_segments)
{
	struct xdt_dpi_stats st = { 0 };
	struct xdt_flow f;
	struct blob ch;

	load(FIX "tls13-clienthello-curl.bin", &ch);
	flow_init(&f, 6, 34858, 18443);
	/* Cut inside the record header and inside the server name. */
	feed(&st, &f, 0, 7, ch.b, 3, 0);
	cr_expect_eq(f.app->have[0], XDT_HAVE_NOTHING);
	feed(&st, &f, 0, 10, ch.b + 3, 120, 0);
	cr_expect_eq(f.app->have[0], XDT_HAVE_NOTHING);
	feed(&st, &f, 0, 130, ch.b + 123, (uint32_t)ch.n - 123, 0);
	cr_expect_str_eq(hello(&f, 0)->sni, "www.xdt.test");
	xdt_app_free(f.app);
}

Test(dpi_flow, reassembles_segments_that_arrive_out_of_order_after_the_first)
{
	struct xdt_dpi_stats st = { 0 };
	struct xdt_flow f;
	struct blob ch;

	load(FIX "tls13-clienthello-curl.bin", &ch);
	flow_init(&f, 6, 34858, 18443);
	feed(&st, &f, 0, 4294967000u, ch.b, 100, 0);
	feed(&st, &f, 0, 4294967000u + 300, ch.b + 300, (uint32_t)ch.n - 300, 0);
	cr_expect_eq(f.app->have[0], XDT_HAVE_NOTHING, "a hole at 100..300");
	feed(&st, &f, 0, 4294967000u + 100, ch.b + 100, 200, 0);
	cr_expect_str_eq(hello(&f, 0)->sni, "www.xdt.test", "sequence numbers wrap past 2^32");
	xdt_app_free(f.app);
}

Test(dpi_flow, stops_looking_at_a_connection_neither_side_of_which_it_knows)
{
	static const uint8_t c[] = "\x01\x02 some binary protocol";
	static const uint8_t s[] = "\x7f\x00 and its answer";
	struct xdt_dpi_stats st = { 0 };
	struct xdt_flow f;

	flow_init(&f, 6, 40000, 9999);
	cr_expect_eq(feed(&st, &f, 0, 1, c, sizeof(c) - 1, 0), 0);
	cr_expect_null(f.app->st[0], "nothing buffered for bytes no protocol starts with");
	cr_expect_eq(feed(&st, &f, 1, 1, s, sizeof(s) - 1, 0), 1, "done: the kernel may stop");
	cr_expect_eq(f.app->proto, XDT_APP_NONE);
	xdt_app_free(f.app);
}

Test(dpi_flow, keeps_buffering_bytes_that_may_still_become_a_request_line)
{
	static const char rest[] = "T / HTTP/1.1\r\nHost: a\r\n\r\n";
	struct xdt_dpi_stats st = { 0 };
	struct xdt_flow f;

	flow_init(&f, 6, 40000, 80);
	feed(&st, &f, 0, 1, (const uint8_t *)"GE", 2, 0);
	cr_expect_eq(f.app->have[0], XDT_HAVE_NOTHING);
	feed(&st, &f, 0, 3, (const uint8_t *)rest, sizeof(rest) - 1, 0);
	cr_expect_eq(f.app->proto, XDT_APP_HTTP);
	cr_expect_str_eq(f.app->u.http[0].host, "a");
	xdt_app_free(f.app);
}

Test(dpi_flow, ignores_duplicate_and_overlapping_segments)
{
	struct xdt_dpi_stats st = { 0 };
	struct xdt_flow f;
	struct blob ch;

	load(FIX "tls13-clienthello-curl.bin", &ch);
	flow_init(&f, 6, 34858, 18443);
	feed(&st, &f, 0, 1, ch.b, 200, 0);
	feed(&st, &f, 0, 1, ch.b, 200, 0);
	feed(&st, &f, 0, 101, ch.b + 100, 300, 0);
	feed(&st, &f, 0, 301, ch.b + 300, (uint32_t)ch.n - 300, 0);
	cr_expect_str_eq(hello(&f, 0)->sni, "www.xdt.test");
	xdt_app_free(f.app);
}

Test(dpi_flow, waits_past_a_segment_the_capture_cut)
{
	struct xdt_dpi_stats st = { 0 };
	struct xdt_flow f;
	struct blob ch;

	load(FIX "tls13-clienthello-curl.bin", &ch);
	flow_init(&f, 6, 34858, 18443);
	/* 64 of 300 bytes captured: a hole the next segment cannot close. */
	feed(&st, &f, 0, 1, ch.b, 64, 300);
	feed(&st, &f, 0, 301, ch.b + 300, (uint32_t)ch.n - 300, 0);
	cr_expect_eq(f.app->proto, XDT_APP_TLS);
	cr_expect_eq(f.app->have[0], XDT_HAVE_NOTHING, "no hello from a stream with a hole");
	cr_expect_eq(st.malformed, 0, "a cut is not malformed");
	xdt_app_free(f.app);
}

Test(dpi_flow, reads_http_headers_that_arrive_in_a_later_segment)
{
	static const char req[] = "GET /a HTTP/1.1\r\nUser-Agent: curl/7.88.1\r\nHost: www.xdt.test\r\n\r\n";
	struct xdt_dpi_stats st = { 0 };
	struct xdt_flow f;

	flow_init(&f, 6, 40000, 80);
	feed(&st, &f, 0, 1, (const uint8_t *)req, 20, 0);
	cr_expect_eq(f.app->proto, XDT_APP_HTTP);
	cr_expect_str_eq(f.app->u.http[0].host, "");
	feed(&st, &f, 0, 21, (const uint8_t *)req + 20, sizeof(req) - 1 - 20, 0);
	cr_expect_str_eq(f.app->u.http[0].host, "www.xdt.test");
	cr_expect_str_eq(f.app->u.http[0].user_agent, "curl/7.88.1");
	cr_expect_eq(f.app->have[0], XDT_HAVE_OK);
	xdt_app_free(f.app);
}

Test(dpi_flow, reads_ssh_when_the_server_speaks_first)
{
	static const char srv[] = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u6\r\n";
	static const char cli[] = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u6\r\n";
	struct xdt_dpi_stats st = { 0 };
	struct xdt_flow f;

	flow_init(&f, 6, 40000, 22);
	cr_expect_eq(feed(&st, &f, 1, 77, (const uint8_t *)srv, sizeof(srv) - 1, 0), 0);
	cr_expect_eq(feed(&st, &f, 0, 5, (const uint8_t *)cli, sizeof(cli) - 1, 0), 1, "done");
	cr_expect_str_eq(f.app->u.ssh[1].software, "OpenSSH_9.2p1 Debian-2+deb12u6");
	xdt_app_free(f.app);
}

/* dig's query for www.xdt.test A and dnsmasq's answer 10.213.0.9. */
static const uint8_t dns_q[] = {
	0x12, 0x34, 0x01, 0x20, 0, 1, 0, 0, 0, 0, 0, 0,
	3, 'w', 'w', 'w', 3, 'x', 'd', 't', 4, 't', 'e', 's', 't', 0, 0, 1, 0, 1,
};
static const uint8_t dns_r[] = {
	0x12, 0x34, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0,
	3, 'w', 'w', 'w', 3, 'x', 'd', 't', 4, 't', 'e', 's', 't', 0, 0, 1, 0, 1,
	0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 213, 0, 9,
};

Test(dpi_flow, keeps_the_first_dns_query_and_response)
{
	struct xdt_dpi_stats st = { 0 };
	struct xdt_flow f;

	flow_init(&f, 17, 40000, 53);
	cr_expect_eq(feed(&st, &f, 0, 0, dns_q, sizeof(dns_q), 0), 0);
	cr_expect_eq(feed(&st, &f, 1, 0, dns_r, sizeof(dns_r), 0), 1, "done");
	cr_assert_eq(f.app->proto, XDT_APP_DNS);
	cr_assert_not_null(f.app->u.dns->query);
	cr_assert_not_null(f.app->u.dns->response);
	cr_expect_str_eq(xdt_dns_msg_str(f.app->u.dns->query, 1), "www.xdt.test");
	cr_assert_eq(f.app->u.dns->response->n_answers, 1);
	cr_expect_eq(f.app->u.dns->response->an[0].addr[3], 9);
	cr_expect_str_eq(xdt_dns_msg_str(f.app->u.dns->response, f.app->u.dns->response->an[0].name),
			 "www.xdt.test");
	/* Kept for the flow's life, so on the state budget, and given back. */
	cr_expect_eq(xdt_dpi_state_bytes(),
		     2 * sizeof(struct xdt_dns_msg) + f.app->u.dns->query->str_len +
			     f.app->u.dns->response->str_len);
	xdt_app_free(f.app);
	cr_expect_eq(xdt_dpi_state_bytes(), 0);
}

Test(dpi_flow, names_mdns_by_its_port)
{
	struct xdt_dpi_stats st = { 0 };
	struct xdt_flow f;

	flow_init(&f, 17, 5353, 5353);
	feed(&st, &f, 0, 0, dns_q, sizeof(dns_q), 0);
	cr_expect_str_eq(xdt_app_proto_name(f.app->proto), "mdns");
	xdt_app_free(f.app);
}

Test(dpi_flow, counts_a_payload_a_recognised_parser_rejects_as_malformed)
{
	struct xdt_dpi_stats st = { 0 };
	struct xdt_flow f;

	flow_init(&f, 17, 40000, 53);
	feed(&st, &f, 0, 0, dns_q, 7, 0);
	cr_expect_eq(st.malformed, 1);
	cr_expect_eq(st.malformed_by[XDT_APP_DNS], 1);
	xdt_app_free(f.app);
}

Test(dpi_flow, counts_rejections_by_protocol_and_not_a_hello_still_to_come)
{
	/* A ClientHello record of 0 bytes, and one whose hello goes on past the segment. */
	static const uint8_t empty[] = { 0x16, 0x03, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x30 };
	static const uint8_t cut[] = { 0x16, 0x03, 0x01, 0x00, 0x40, 0x01, 0x00, 0x00, 0x3c,
				       0x03, 0x03 };
	/* A QUIC v1 Initial whose Length (1232) runs past the 40 bytes after it. */
	uint8_t quic[64] = { 0xc3, 0, 0, 0, 1, 8, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0x44, 0xd0 };
	struct xdt_dpi_stats st = { 0 };
	struct xdt_flow f, g, h;

	flow_init(&f, 6, 40000, 443);
	feed(&st, &f, 0, 1, empty, sizeof(empty), 0);
	flow_init(&g, 6, 40001, 443);
	feed(&st, &g, 0, 1, cut, sizeof(cut), 0);
	flow_init(&h, 17, 40002, 443);
	feed(&st, &h, 0, 0, quic, 18 + 40, 0);
	cr_expect_eq(st.malformed_by[XDT_APP_TLS], 1, "the cut hello may still come");
	cr_expect_eq(st.malformed_by[XDT_APP_QUIC], 1);
	cr_expect_eq(st.malformed, 2);
	xdt_app_free(f.app);
	xdt_app_free(g.app);
	xdt_app_free(h.app);
}

Test(dpi_flow, budget_counts_payloads_per_endpoint_and_sizes_handshakes)
{
	static const uint8_t tls_start[] = { 0x16, 0x03, 0x01, 0x02, 0x00 };
	struct xdt_dpi_opts o = { .enabled = 1, .packets = 2, .bytes = 100 };
	uint8_t plain[2000] = { 'x' };
	uint8_t hs[2000];
	struct xdt_flow f;

	memcpy(hs, tls_start, sizeof(tls_start));
	flow_init(&f, 6, 40000, 443);
	cr_expect_eq(xdt_dpi_budget(&o, &f, 0, hs, 2000, 2000), 2000, "a handshake is whole");
	cr_expect_eq(xdt_dpi_budget(&o, &f, 0, plain, 2000, 2000), 2000,
		     "its continuation too");
	cr_expect_eq(xdt_dpi_budget(&o, &f, 0, plain, 2000, 2000), 0, "two per endpoint");
	cr_expect_eq(xdt_dpi_budget(&o, &f, 1, plain, 2000, 2000), 100, "plain is cut");
	o.enabled = 0;
	cr_expect_eq(xdt_dpi_budget(&o, &f, 1, plain, 2000, 2000), 0, "--no-dpi");
}

Test(dpi_flow, ignores_payloads_without_a_known_protocol)
{
	static const uint8_t junk[] = { 0x00, 0x01, 0x02, 0x03, 0x04, 0x05 };
	struct xdt_dpi_stats st = { 0 };
	struct xdt_flow f;

	flow_init(&f, 6, 40000, 9999);
	feed(&st, &f, 0, 1, junk, sizeof(junk), 0);
	cr_expect_eq(f.app->proto, XDT_APP_NONE);
	cr_expect_eq(st.identified, 0);
	cr_expect_eq(st.malformed, 0);
	xdt_app_free(f.app);
}

Test(dpi_flow, holds_no_more_handshake_state_than_the_budget)
{
	/* The start of a QUIC v1 Initial, cut short: QUIC, its handshake never read. */
	static const uint8_t initial[] = { 0xc3, 0, 0, 0, 1, 8, 1, 2, 3, 4, 5, 6, 7, 8,
					   0, 0, 0x40, 0x10 };
	static const uint8_t tls_start[] = { 0x16, 0x03, 0x01, 0x40, 0x00, 0x01 };
	size_t n = XDT_DPI_STATE_BUDGET / sizeof(struct xdt_quic_state) + 100, i, quic = 0;
	struct xdt_flow *f = calloc(n + 1, sizeof(*f));
	struct xdt_dpi_stats st = { 0 };

	cr_assert_not_null(f);
	cr_assert_eq(xdt_dpi_state_bytes(), 0);
	for (i = 0; i < n; i++) {
		flow_init(&f[i], 17, (uint16_t)(1024 + i), 443);
		feed(&st, &f[i], 0, 0, initial, sizeof(initial), 0);
		quic += f[i].app && f[i].app->proto == XDT_APP_QUIC;
		cr_assert_leq(xdt_dpi_state_bytes(), XDT_DPI_STATE_BUDGET);
	}
	cr_expect_lt(quic, n, "every flow got its 18 KiB of QUIC state");
	cr_expect_gt(quic, n - 200, "%zu of %zu flows got QUIC state", quic, n);
	cr_expect_eq(st.no_memory, n - quic);
	/* TCP reassembly draws on the same budget: no room for a buffer now. */
	flow_init(&f[n], 6, 40000, 443);
	feed(&st, &f[n], 0, 1000, tls_start, sizeof(tls_start), 0);
	cr_expect_eq(st.no_memory, n - quic + 1);
	/* Freed flows give it back, and the next flow gets its state. */
	for (i = 0; i <= n; i++)
		xdt_app_free(f[i].app);
	cr_expect_eq(xdt_dpi_state_bytes(), 0);
	flow_init(&f[0], 17, 1024, 443);
	feed(&st, &f[0], 0, 0, initial, sizeof(initial), 0);
	cr_expect_eq(f[0].app->proto, XDT_APP_QUIC);
	cr_expect_eq(xdt_dpi_state_bytes(), sizeof(struct xdt_quic_state));
	xdt_app_free(f[0].app);
	free(f);
}
