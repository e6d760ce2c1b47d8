// SPDX-License-Identifier: GPL-2.0-only
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dpi/dns.h"

/* Standard query, RD: www.example.com IN A. */
static const uint8_t query[] = {
	0xbe, 0xef, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	/* 12 */ 3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
	/* 29 */ 0x00, 0x01, 0x00, 0x01,
};

/*
 * Response, QR AA RD RA, 6 answers: www -> cdn -> edge.cdn (CNAME chain), edge.cdn A
 * and AAAA, a PTR, and a TXT that is skipped. Every later name is compressed.
 */
static const uint8_t resp[] = {
	0x12, 0x34, 0x85, 0x80, 0x00, 0x01, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00,
	/* 12 */ 3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
	/* 29 */ 0x00, 0x01, 0x00, 0x01,
	/* 33: www.example.com CNAME cdn.example.com, ttl 300 */
	0xc0, 0x0c, 0x00, 0x05, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2c, 0x00, 0x06,
	/* 45 */ 3, 'c', 'd', 'n', 0xc0, 0x10,
	/* 51: cdn.example.com CNAME edge.cdn.example.com, ttl 60 */
	0xc0, 0x2d, 0x00, 0x05, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x07,
	/* 63 */ 4, 'e', 'd', 'g', 'e', 0xc0, 0x2d,
	/* 70: edge.cdn.example.com A 192.0.2.7, ttl 30 */
	0xc0, 0x3f, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x1e, 0x00, 0x04,
	/* 82 */ 192, 0, 2, 7,
	/* 86: edge.cdn.example.com AAAA 2001:db8::7, ttl 30 */
	0xc0, 0x3f, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x00, 0x1e, 0x00, 0x10,
	/* 98 */ 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x07,
	/* 114: 7.2.0.192.in-addr.arpa PTR edge.cdn.example.com, ttl 3600 */
	1, '7', 1, '2', 1, '0', 3, '1', '9', '2', 7, 'i', 'n', '-', 'a', 'd', 'd', 'r',
	4, 'a', 'r', 'p', 'a', 0,
	/* 138 */ 0x00, 0x0c, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x02,
	/* 148 */ 0xc0, 0x3f,
	/* 150: www.example.com TXT "abc" (not kept) */
	0xc0, 0x0c, 0x00, 0x10, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04,
	/* 162 */ 3, 'a', 'b', 'c',
};

/*
 * Captured on lo: `dig @127.0.0.1 -p 5353 xdt.test` (DiG 9.18.49) against
 * `dnsmasq --port 5353 ... --address=/xdt.test/10.213.9.9` (UDP payloads), and the
 * same with +tcp (TCP payloads, length prefix included). Oracle:
 *   tshark -r cap.pcap -T fields -e dns.qry.name -e dns.a -e dns.flags.response -e dns.id
 *   xdt.test		0	0xfdd0
 *   xdt.test	10.213.9.9	1	0xfdd0
 *   tshark -r tcp.pcap -Y dns -T fields (same fields)
 *   xdt.test		0	0x16df
 *   xdt.test	10.213.9.9	1	0x16df
 */
static const uint8_t dig_query[] = {
	0xfd, 0xd0, 0x01, 0x20, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x78,
	0x64, 0x74, 0x04, 0x74, 0x65, 0x73, 0x74, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
	0x29, 0x04, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x0a, 0x00, 0x08, 0x28,
	0x5f, 0xd8, 0x71, 0x89, 0x4b, 0x0c, 0x06,
};

static const uint8_t dig_resp[] = {
	0xfd, 0xd0, 0x85, 0x80, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x03, 0x78,
	0x64, 0x74, 0x04, 0x74, 0x65, 0x73, 0x74, 0x00, 0x00, 0x01, 0x00, 0x01, 0xc0, 0x0c,
	0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x0a, 0xd5, 0x09, 0x09,
	0x00, 0x00, 0x29, 0x04, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static const uint8_t dig_tcp_query[] = {
	0x00, 0x31, 0x16, 0xdf, 0x01, 0x20, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x03, 0x78, 0x64, 0x74, 0x04, 0x74, 0x65, 0x73, 0x74, 0x00, 0x00, 0x01, 0x00, 0x01,
	0x00, 0x00, 0x29, 0x04, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x0a, 0x00,
	0x08, 0x37, 0x63, 0x25, 0xba, 0x63, 0xad, 0x9f, 0x64,
};

static const uint8_t dig_tcp_resp[] = {
	0x00, 0x35, 0x16, 0xdf, 0x85, 0x80, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,
	0x03, 0x78, 0x64, 0x74, 0x04, 0x74, 0x65, 0x73, 0x74, 0x00, 0x00, 0x01, 0x00, 0x01,
	0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x0a, 0xd5,
	0x09, 0x09, 0x00, 0x00, 0x29, 0x04, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* The parser's answer for @n bytes of @src, from a buffer exactly @n bytes long. */
static int parse_exact(const uint8_t *src, size_t n, int tcp, struct xdt_dns_info *out)
{
	uint8_t *b = malloc(n ? n : 1);
	int rc;

	cr_assert(b);
	memcpy(b, src, n);
	rc = xdt_dns_parse(b, n, tcp, out);
	free(b);
	return rc;
}

/* A query header (id 1, one question) followed by @n bytes of question. */
static int parse_question(const uint8_t *q, size_t n, struct xdt_dns_info *out)
{
	uint8_t m[600] = { 0x00, 0x01, 0x01, 0x00, 0x00, 0x01 };

	cr_assert(n <= sizeof(m) - 12);
	memcpy(m + 12, q, n);
	return parse_exact(m, 12 + n, 0, out);
}

Test(dpi_dns, decodes_a_query)
{
	struct xdt_dns_info d;

	cr_assert_eq(parse_exact(query, sizeof(query), 0, &d), 0);
	cr_assert_eq(d.id, 0xbeef);
	cr_assert_eq(d.is_response, 0);
	cr_assert_eq(d.opcode, 0);
	cr_assert_eq(d.rcode, 0);
	cr_assert_str_eq(d.qname, "www.example.com");
	cr_assert_eq(d.qtype, XDT_DNS_TYPE_A);
	cr_assert_eq(d.qclass, 1);
	cr_assert_eq(d.answers_total, 0);
	cr_assert_eq(d.n_answers, 0);
}

Test(dpi_dns, decodes_a_response_with_cname_chain_a_aaaa_and_ptr)
{
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 7 };
	struct xdt_dns_info d;
	const struct xdt_dns_answer *a = d.answers;

	cr_assert_eq(parse_exact(resp, sizeof(resp), 0, &d), 0);
	cr_assert_eq(d.id, 0x1234);
	cr_assert_eq(d.is_response, 1);
	cr_assert_str_eq(d.qname, "www.example.com");
	cr_assert_eq(d.answers_total, 6);
	cr_assert_eq(d.n_answers, 5);
	cr_assert_eq(d.answers_skipped, 1);

	cr_assert_eq(a[0].type, XDT_DNS_TYPE_CNAME);
	cr_assert_eq(a[0].ttl, 300);
	cr_assert_str_eq(a[0].name, "www.example.com");
	cr_assert_str_eq(a[0].target, "cdn.example.com");
	cr_assert_eq(a[1].type, XDT_DNS_TYPE_CNAME);
	cr_assert_eq(a[1].ttl, 60);
	cr_assert_str_eq(a[1].name, "cdn.example.com");
	cr_assert_str_eq(a[1].target, "edge.cdn.example.com");
	cr_assert_eq(a[2].type, XDT_DNS_TYPE_A);
	cr_assert_eq(a[2].ttl, 30);
	cr_assert_str_eq(a[2].name, "edge.cdn.example.com");
	cr_assert_arr_eq(a[2].addr, ((uint8_t[]){ 192, 0, 2, 7 }), 4);
	cr_assert_eq(a[3].type, XDT_DNS_TYPE_AAAA);
	cr_assert_arr_eq(a[3].addr, v6, 16);
	cr_assert_eq(a[4].type, XDT_DNS_TYPE_PTR);
	cr_assert_eq(a[4].ttl, 3600);
	cr_assert_str_eq(a[4].name, "7.2.0.192.in-addr.arpa");
	cr_assert_str_eq(a[4].target, "edge.cdn.example.com");
	cr_assert_str_eq(a[5].name, "");
}

Test(dpi_dns, reports_nxdomain_rcode)
{
	uint8_t m[sizeof(query)];
	struct xdt_dns_info d;

	memcpy(m, query, sizeof(m));
	m[2] = 0x81;
	m[3] = 0x83;	/* QR RD RA, rcode 3 */
	cr_assert_eq(parse_exact(m, sizeof(m), 0, &d), 0);
	cr_assert_eq(d.is_response, 1);
	cr_assert_eq(d.rcode, XDT_DNS_RCODE_NXDOMAIN);
	cr_assert_str_eq(d.qname, "www.example.com");
}

Test(dpi_dns, decodes_a_real_dig_exchange_as_tshark_does)
{
	struct xdt_dns_info d;

	cr_assert_eq(parse_exact(dig_query, sizeof(dig_query), 0, &d), 0);
	cr_assert_eq(d.id, 0xfdd0);
	cr_assert_eq(d.is_response, 0);
	cr_assert_str_eq(d.qname, "xdt.test");
	cr_assert_eq(d.n_answers, 0);

	cr_assert_eq(parse_exact(dig_resp, sizeof(dig_resp), 0, &d), 0);
	cr_assert_eq(d.id, 0xfdd0);
	cr_assert_eq(d.is_response, 1);
	cr_assert_str_eq(d.qname, "xdt.test");
	cr_assert_eq(d.n_answers, 1);
	cr_assert_eq(d.answers[0].type, XDT_DNS_TYPE_A);
	cr_assert_str_eq(d.answers[0].name, "xdt.test");
	cr_assert_arr_eq(d.answers[0].addr, ((uint8_t[]){ 10, 213, 9, 9 }), 4);
}

Test(dpi_dns, decodes_real_dig_messages_over_tcp)
{
	struct xdt_dns_info d;

	cr_assert_eq(parse_exact(dig_tcp_query, sizeof(dig_tcp_query), 1, &d), 0);
	cr_assert_eq(d.id, 0x16df);
	cr_assert_str_eq(d.qname, "xdt.test");
	cr_assert_eq(parse_exact(dig_tcp_resp, sizeof(dig_tcp_resp), 1, &d), 0);
	cr_assert_eq(d.id, 0x16df);
	cr_assert_eq(d.n_answers, 1);
	cr_assert_arr_eq(d.answers[0].addr, ((uint8_t[]){ 10, 213, 9, 9 }), 4);
}

Test(dpi_dns, asks_for_more_when_a_tcp_message_is_cut)
{
	struct xdt_dns_info d;
	size_t n;

	for (n = 0; n < sizeof(dig_tcp_resp); n++)
		cr_assert_eq(parse_exact(dig_tcp_resp, n, 1, &d), -EAGAIN, "prefix %zu", n);
}

Test(dpi_dns, reads_one_tcp_message_and_ignores_the_next)
{
	uint8_t m[sizeof(dig_tcp_resp) + 5];
	struct xdt_dns_info d;

	memcpy(m, dig_tcp_resp, sizeof(dig_tcp_resp));
	memcpy(m + sizeof(dig_tcp_resp), dig_tcp_query, 5);
	cr_assert_eq(parse_exact(m, sizeof(m), 1, &d), 0);
	cr_assert_eq(d.n_answers, 1);
}

Test(dpi_dns, rejects_a_tcp_length_shorter_than_a_header)
{
	static const uint8_t m[] = { 0x00, 0x0b, 0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0 };
	struct xdt_dns_info d;

	cr_assert_eq(parse_exact(m, sizeof(m), 1, &d), -EINVAL);
}

Test(dpi_dns, rejects_a_cut_tcp_message_whose_header_is_not_dns)
{
	/* Length 0x1000, QDCOUNT 0x4745: text, not DNS; no point waiting for it. */
	static const uint8_t m[] = { 0x10, 0x00, 'G', 'E', 'T', ' ', '/', ' ', 'H', 'T',
				     'T', 'P', '/', '1', '.', '1' };
	struct xdt_dns_info d;

	cr_assert_eq(parse_exact(m, sizeof(m), 1, &d), -EINVAL);
}

Test(dpi_dns, rejects_more_than_eight_questions)
{
	uint8_t m[sizeof(query)];
	struct xdt_dns_info d;

	memcpy(m, query, sizeof(m));
	m[5] = 9;
	cr_assert_eq(parse_exact(m, sizeof(m), 0, &d), -EINVAL);
}

Test(dpi_dns, rejects_a_pointer_to_itself_without_hanging)
{
	static const uint8_t q[] = { 0xc0, 0x0c, 0, 1, 0, 1 };
	struct xdt_dns_info d;

	cr_assert_eq(parse_question(q, sizeof(q), &d), -EINVAL);
}

Test(dpi_dns, rejects_a_pointer_back_to_the_start_of_its_own_name)
{
	/* "a" then a pointer to the "a": a loop if the pointer were followed. */
	static const uint8_t q[] = { 1, 'a', 0xc0, 0x0c, 0, 1, 0, 1 };
	struct xdt_dns_info d;

	cr_assert_eq(parse_question(q, sizeof(q), &d), -EINVAL);
}

Test(dpi_dns, rejects_a_forward_pointer)
{
	/* Offset 14 holds a valid name, but it comes after the pointer. */
	static const uint8_t q[] = { 0xc0, 0x0e, 1, 'a', 0, 0, 1, 0, 1 };
	struct xdt_dns_info d;

	cr_assert_eq(parse_question(q, sizeof(q), &d), -EINVAL);
}

Test(dpi_dns, accepts_a_63_byte_label_and_rejects_a_64_byte_one)
{
	uint8_t q[1 + 64 + 1 + 4] = { 0 };
	struct xdt_dns_info d;

	q[0] = 63;
	memset(q + 1, 'a', 63);
	q[66] = 1;
	q[68] = 1;	/* 63-byte label, root, type 1, class 1: 1 + 63 + 1 + 4 bytes */
	cr_assert_eq(parse_question(q, 1 + 63 + 1 + 4, &d), 0);
	cr_assert_eq(strlen(d.qname), 63);

	q[0] = 64;
	memset(q + 1, 'a', 64);
	q[65] = 0;
	q[67] = 1;
	q[69] = 1;
	cr_assert_eq(parse_question(q, sizeof(q), &d), -EINVAL);
}

Test(dpi_dns, rejects_a_name_longer_than_255_bytes)
{
	uint8_t q[64 * 4 + 1 + 4] = { 0 };
	struct xdt_dns_info d;
	int i;

	for (i = 0; i < 64; i++)	/* 64 labels "abc": 256 bytes plus the root */
		memcpy(q + 4 * i, "\x03" "abc", 4);
	q[sizeof(q) - 3] = 1;
	q[sizeof(q) - 1] = 1;
	cr_assert_eq(parse_question(q, sizeof(q), &d), -EINVAL);
}

Test(dpi_dns, escapes_dots_and_unprintable_bytes_like_dig)
{
	static const uint8_t q[] = { 6, 'a', '.', 'b', 0, ' ', '\\', 3, 'c', 'o', 'm', 0,
				     0, 1, 0, 1 };
	struct xdt_dns_info d;

	cr_assert_eq(parse_question(q, sizeof(q), &d), 0);
	cr_assert_str_eq(d.qname, "a\\046b\\000\\032\\092.com");
}

Test(dpi_dns, writes_the_root_as_a_dot)
{
	static const uint8_t q[] = { 0, 0, 2, 0, 1 };	/* . IN NS */
	struct xdt_dns_info d;

	cr_assert_eq(parse_question(q, sizeof(q), &d), 0);
	cr_assert_str_eq(d.qname, ".");
	cr_assert_eq(d.qtype, 2);
}

Test(dpi_dns, truncates_long_names_without_cutting_an_escape)
{
	uint8_t q[3 * 61 + 1 + 4] = { 0 };
	struct xdt_dns_info d;
	size_t n;
	int i;

	for (i = 0; i < 3; i++) {	/* every byte \001: 4 characters each */
		q[61 * i] = 60;
		memset(q + 61 * i + 1, 1, 60);
	}
	q[sizeof(q) - 3] = 1;
	q[sizeof(q) - 1] = 1;
	cr_assert_eq(parse_question(q, sizeof(q), &d), 0);
	n = strlen(d.qname);
	cr_assert_eq(n, 60 * 4 + 1 + 3 * 4);	/* the next escape would pass 255 */
	cr_assert_str_eq(d.qname + n - 4, "\\001");
}

Test(dpi_dns, accepts_a_response_with_no_question)
{
	uint8_t m[12 + 16] = { 0, 0, 0x84, 0, 0, 0, 0, 1 };
	static const uint8_t rr[] = { 0, 0, 1, 0, 1, 0, 0, 0, 9, 0, 4, 10, 0, 0, 1 };
	struct xdt_dns_info d;

	memcpy(m + 12, rr, sizeof(rr));
	cr_assert_eq(parse_exact(m, 12 + sizeof(rr), 0, &d), 0);
	cr_assert_str_eq(d.qname, "");
	cr_assert_eq(d.n_answers, 1);
	cr_assert_str_eq(d.answers[0].name, ".");
}

Test(dpi_dns, decodes_an_mdns_response_with_the_unicast_bit)
{
	static const uint8_t m[] = {
		0x00, 0x00, 0x84, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
		/* 12 */ 7, 'p', 'r', 'i', 'n', 't', 'e', 'r', 5, 'l', 'o', 'c', 'a', 'l', 0,
		/* 27: A, QU + IN */ 0x00, 0x01, 0x80, 0x01,
		/* 31: cache-flush + IN, ttl 120 */
		0xc0, 0x0c, 0x00, 0x01, 0x80, 0x01, 0x00, 0x00, 0x00, 0x78, 0x00, 0x04,
		192, 168, 1, 50,
	};
	struct xdt_dns_info d;

	cr_assert_eq(parse_exact(m, sizeof(m), 0, &d), 0);
	cr_assert_eq(d.id, 0);
	cr_assert_eq(d.is_response, 1);
	cr_assert_str_eq(d.qname, "printer.local");
	cr_assert_eq(d.qclass, 1);
	cr_assert_eq(d.qu, 1);
	cr_assert_eq(d.n_answers, 1);
	cr_assert_eq(d.answers[0].ttl, 120);
	cr_assert_arr_eq(d.answers[0].addr, ((uint8_t[]){ 192, 168, 1, 50 }), 4);
}

Test(dpi_dns, fails_cleanly_on_every_prefix_of_a_response)
{
	struct xdt_dns_info d;
	size_t n;

	for (n = 0; n < sizeof(resp); n++)
		cr_assert_eq(parse_exact(resp, n, 0, &d), -EINVAL, "prefix %zu", n);
	cr_assert_eq(parse_exact(resp, n, 0, &d), 0);
}

Test(dpi_dns, survives_every_single_byte_corruption)
{
	uint8_t m[sizeof(resp)];
	struct xdt_dns_info d;
	size_t i;
	int v, rc;

	for (i = 0; i < sizeof(resp); i++) {
		for (v = 0; v < 256; v++) {
			memcpy(m, resp, sizeof(m));
			m[i] = (uint8_t)v;
			rc = parse_exact(m, sizeof(m), 0, &d);
			cr_assert(rc == 0 || rc == -EINVAL, "byte %zu = %d: %d", i, v, rc);
			cr_assert_leq(d.n_answers, XDT_DNS_MAX_ANSWERS);
			cr_assert_lt(strlen(d.qname), XDT_DNS_NAME_MAX);
		}
	}
}
