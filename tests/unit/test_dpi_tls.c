// SPDX-License-Identifier: GPL-2.0-only
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpi/tls.h"

/* --- hello builder ------------------------------------------------------------------ */

struct tb {
	uint8_t b[8192];
	size_t n;
};

static void p8(struct tb *t, unsigned int v)
{
	cr_assert_lt(t->n, sizeof(t->b));
	t->b[t->n++] = (uint8_t)v;
}

static void p16(struct tb *t, unsigned int v)
{
	p8(t, v >> 8);
	p8(t, v & 0xff);
}

static void pmem(struct tb *t, const void *p, size_t n)
{
	cr_assert_leq(t->n + n, sizeof(t->b));
	if (n)
		memcpy(t->b + t->n, p, n);
	t->n += n;
}

static void pfill(struct tb *t, uint8_t v, size_t n)
{
	while (n--)
		p8(t, v);
}

/* Length prefixes: open_ reserves the field, close_ writes what followed it. */
static size_t open16(struct tb *t)
{
	p16(t, 0);
	return t->n - 2;
}

static void close16(struct tb *t, size_t at)
{
	size_t l = t->n - at - 2;

	t->b[at] = (uint8_t)(l >> 8);
	t->b[at + 1] = (uint8_t)l;
}

static size_t open_hs(struct tb *t, unsigned int type)
{
	p8(t, type);
	p8(t, 0);
	p16(t, 0);
	return t->n - 4;
}

static void close_hs(struct tb *t, size_t at)
{
	size_t l = t->n - at - 4;

	t->b[at + 1] = (uint8_t)(l >> 16);
	t->b[at + 2] = (uint8_t)(l >> 8);
	t->b[at + 3] = (uint8_t)l;
}

static void ext(struct tb *t, unsigned int type, const void *data, size_t n)
{
	p16(t, type);
	p16(t, (unsigned int)n);
	pmem(t, data, n);
}

static void ext_sni(struct tb *t, const char *name, size_t n)
{
	size_t e, l;

	p16(t, 0x0000);
	e = open16(t);
	l = open16(t);
	p8(t, 0);
	p16(t, (unsigned int)n);
	pmem(t, name, n);
	close16(t, l);
	close16(t, e);
}

static void p16_list(struct tb *t, const uint16_t *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p16(t, v[i]);
}

/*
 * A Chrome 143 ClientHello: cipher and extension order, GREASE placement and
 * signature algorithms as in a published capture whose JA4_ro is
 * t13d1516h2_1301,...,0035_002d,0033,0010,fe0d,...,000d,001b_0403,...,0601 and
 * whose JA4 is t13d1516h2_8daaf6152771_d8a2da3f94cd (both hashes re-checked with
 * sha256sum against the JA4_r string).
 */
static void chrome_hello(struct tb *t, const char *sni, size_t sni_len)
{
	static const uint16_t ciphers[] = {
		0x4a4a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030,
		0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035,
	};
	static const uint16_t sigalgs[] = {
		0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601,
	};
	static const uint8_t alpn[] = { 0, 12, 2, 'h', '2', 8, 'h', 't', 't', 'p', '/', '1', '.', '1' };
	static const uint8_t versions[] = { 6, 0x3a, 0x3a, 3, 4, 3, 3 };
	static const uint8_t groups[] = { 0, 6, 0x2a, 0x2a, 0, 0x1d, 0, 0x17 };
	static const uint8_t alps[] = { 0, 3, 2, 'h', '2' };
	static const uint8_t status[] = { 1, 0, 0, 0, 0 };
	static const uint8_t cert_comp[] = { 2, 0, 2 };
	static const uint8_t ech[] = { 0, 0, 1, 0, 1, 0x42, 0, 0, 0 };
	uint8_t ks[40] = { 0, 38, 0, 0x1d, 0, 32 };
	size_t h, l;

	memset(ks + 6, 0x5c, 32);
	h = open_hs(t, 1);
	p16(t, 0x0303);
	pfill(t, 0x11, 32);
	p8(t, 32);
	pfill(t, 0x22, 32);
	p16(t, sizeof(ciphers));
	p16_list(t, ciphers, sizeof(ciphers) / 2);
	p8(t, 1);
	p8(t, 0);
	l = open16(t);
	ext(t, 0x0a0a, NULL, 0);
	ext(t, 0x002d, "\x01\x01", 2);
	ext(t, 0x0033, ks, sizeof(ks));
	ext(t, 0x0010, alpn, sizeof(alpn));
	ext(t, 0xfe0d, ech, sizeof(ech));
	ext(t, 0x0017, NULL, 0);
	ext(t, 0x44cd, alps, sizeof(alps));
	ext_sni(t, sni, sni_len);
	ext(t, 0x000b, "\x01\x00", 2);
	ext(t, 0x000a, groups, sizeof(groups));
	ext(t, 0x002b, versions, sizeof(versions));
	ext(t, 0xff01, "\x00", 1);
	ext(t, 0x0023, NULL, 0);
	ext(t, 0x0012, NULL, 0);
	ext(t, 0x0005, status, sizeof(status));
	p16(t, 0x000d);
	p16(t, sizeof(sigalgs) + 2);
	p16(t, sizeof(sigalgs));
	p16_list(t, sigalgs, sizeof(sigalgs) / 2);
	ext(t, 0x001b, cert_comp, sizeof(cert_comp));
	ext(t, 0x1a1a, "\x00", 1);
	close16(t, l);
	close_hs(t, h);
}

/* TLS 1.2 only: no supported_versions, SNI or ALPN; with_ext 0 drops all extensions. */
static void tls12_hello(struct tb *t, int with_ext)
{
	static const uint16_t ciphers[] = { 0xc02f, 0xc030, 0x009c, 0x002f };
	static const uint8_t groups[] = { 0, 4, 0, 0x17, 0, 0x18 };
	static const uint8_t sigalgs[] = { 0, 4, 4, 1, 5, 1 };
	size_t h, l;

	h = open_hs(t, 1);
	p16(t, 0x0303);
	pfill(t, 0x33, 32);
	p8(t, 0);
	if (with_ext) {
		p16(t, sizeof(ciphers));
		p16_list(t, ciphers, sizeof(ciphers) / 2);
	} else {
		p16(t, 2);
		p16(t, 0x002f);
	}
	p8(t, 1);
	p8(t, 0);
	if (with_ext) {
		l = open16(t);
		ext(t, 0x000a, groups, sizeof(groups));
		ext(t, 0x000b, "\x01\x00", 2);
		ext(t, 0xff01, "\x00", 1);
		ext(t, 0x000d, sigalgs, sizeof(sigalgs));
		close16(t, l);
	}
	close_hs(t, h);
}

static void server_hello(struct tb *t, int retry, int tls12_alpn)
{
	static const uint8_t hrr[32] = {
		0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02,
		0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e,
		0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
	};
	static const uint8_t alpn[] = { 0, 9, 8, 'h', 't', 't', 'p', '/', '1', '.', '1' };
	uint8_t ks[36] = { 0, 0x1d, 0, 32 };
	size_t h, l;

	memset(ks + 4, 0x77, 32);
	h = open_hs(t, 2);
	p16(t, 0x0303);
	if (retry)
		pmem(t, hrr, sizeof(hrr));
	else
		pfill(t, 0x44, 32);
	p8(t, 32);
	pfill(t, 0x22, 32);
	p16(t, tls12_alpn ? 0xc02f : 0x1302);
	p8(t, 0);
	l = open16(t);
	if (tls12_alpn) {
		ext(t, 0xff01, "\x00", 1);
		ext(t, 0x0010, alpn, sizeof(alpn));
	} else {
		ext(t, 0x002b, "\x03\x04", 2);
		ext(t, 0x0033, ks, sizeof(ks));
	}
	close16(t, l);
	close_hs(t, h);
}

/* Wrap handshake bytes in records, cutting a new record at each of the splits. */
static void wrap(const struct tb *hs, const size_t *splits, size_t n_splits, struct tb *out)
{
	size_t from = 0, i;

	out->n = 0;
	for (i = 0; i <= n_splits; i++) {
		size_t to = i < n_splits ? splits[i] : hs->n;

		p8(out, 22);
		p16(out, i ? 0x0303 : 0x0301);
		p16(out, (unsigned int)(to - from));
		pmem(out, hs->b + from, to - from);
		from = to;
	}
}

static void one_record(const struct tb *hs, struct tb *out)
{
	wrap(hs, NULL, 0, out);
}

/* Parse a copy in an exactly sized heap buffer, so ASan sees any over-read. */
static int parse_exact(const uint8_t *b, size_t n, struct xdt_tls_info *ti)
{
	uint8_t *p = malloc(n ? n : 1);
	int ret;

	cr_assert_not_null(p);
	memcpy(p, b, n);
	ret = xdt_tls_parse(p, n, ti);
	free(p);
	return ret;
}

static void expect_prefixes_need_more(const uint8_t *b, size_t n)
{
	struct xdt_tls_info ti;
	size_t i;

	for (i = 0; i < n; i++) {
		int ret = parse_exact(b, i, &ti);

		cr_assert_eq(ret, -EAGAIN, "prefix of %zu/%zu bytes returned %d", i, n, ret);
	}
	cr_assert_eq(parse_exact(b, n, &ti), 0);
}

/* Captured on lo from `openssl s_client -servername xdptop.test -alpn h2,http/1.1`
 * (OpenSSL 3.0.19) to `openssl s_server`; TCP payloads as tshark 4.0 showed them. */
static const uint8_t openssl_client_hello[] = {
	0x16, 0x03, 0x01, 0x01, 0x4a, 0x01, 0x00, 0x01, 0x46, 0x03, 0x03, 0x23,
	0x43, 0xc8, 0xd9, 0xaf, 0xfd, 0x30, 0x44, 0x45, 0x94, 0x41, 0x80, 0x2e,
	0xff, 0x0e, 0xed, 0x1e, 0xd3, 0x84, 0x7a, 0x9e, 0xd3, 0x63, 0xed, 0xc1,
	0x8d, 0x75, 0xd7, 0xad, 0x6d, 0xf1, 0x3a, 0x20, 0x1d, 0x10, 0x80, 0xc2,
	0xaf, 0x69, 0xd8, 0x65, 0xad, 0x64, 0xbb, 0xce, 0x86, 0xd4, 0xe6, 0xc2,
	0x34, 0x9b, 0xd4, 0x63, 0x37, 0x09, 0xdc, 0xe6, 0xc4, 0xfb, 0x42, 0xf2,
	0x07, 0x2f, 0x1c, 0x0a, 0x00, 0x3e, 0x13, 0x02, 0x13, 0x03, 0x13, 0x01,
	0xc0, 0x2c, 0xc0, 0x30, 0x00, 0x9f, 0xcc, 0xa9, 0xcc, 0xa8, 0xcc, 0xaa,
	0xc0, 0x2b, 0xc0, 0x2f, 0x00, 0x9e, 0xc0, 0x24, 0xc0, 0x28, 0x00, 0x6b,
	0xc0, 0x23, 0xc0, 0x27, 0x00, 0x67, 0xc0, 0x0a, 0xc0, 0x14, 0x00, 0x39,
	0xc0, 0x09, 0xc0, 0x13, 0x00, 0x33, 0x00, 0x9d, 0x00, 0x9c, 0x00, 0x3d,
	0x00, 0x3c, 0x00, 0x35, 0x00, 0x2f, 0x00, 0xff, 0x01, 0x00, 0x00, 0xbf,
	0x00, 0x00, 0x00, 0x10, 0x00, 0x0e, 0x00, 0x00, 0x0b, 0x78, 0x64, 0x70,
	0x74, 0x6f, 0x70, 0x2e, 0x74, 0x65, 0x73, 0x74, 0x00, 0x0b, 0x00, 0x04,
	0x03, 0x00, 0x01, 0x02, 0x00, 0x0a, 0x00, 0x16, 0x00, 0x14, 0x00, 0x1d,
	0x00, 0x17, 0x00, 0x1e, 0x00, 0x19, 0x00, 0x18, 0x01, 0x00, 0x01, 0x01,
	0x01, 0x02, 0x01, 0x03, 0x01, 0x04, 0x00, 0x23, 0x00, 0x00, 0x00, 0x10,
	0x00, 0x0e, 0x00, 0x0c, 0x02, 0x68, 0x32, 0x08, 0x68, 0x74, 0x74, 0x70,
	0x2f, 0x31, 0x2e, 0x31, 0x00, 0x16, 0x00, 0x00, 0x00, 0x17, 0x00, 0x00,
	0x00, 0x0d, 0x00, 0x2a, 0x00, 0x28, 0x04, 0x03, 0x05, 0x03, 0x06, 0x03,
	0x08, 0x07, 0x08, 0x08, 0x08, 0x09, 0x08, 0x0a, 0x08, 0x0b, 0x08, 0x04,
	0x08, 0x05, 0x08, 0x06, 0x04, 0x01, 0x05, 0x01, 0x06, 0x01, 0x03, 0x03,
	0x03, 0x01, 0x03, 0x02, 0x04, 0x02, 0x05, 0x02, 0x06, 0x02, 0x00, 0x2b,
	0x00, 0x09, 0x08, 0x03, 0x04, 0x03, 0x03, 0x03, 0x02, 0x03, 0x01, 0x00,
	0x2d, 0x00, 0x02, 0x01, 0x01, 0x00, 0x33, 0x00, 0x26, 0x00, 0x24, 0x00,
	0x1d, 0x00, 0x20, 0x50, 0x5e, 0x5c, 0xd5, 0x0b, 0x98, 0xa0, 0xe1, 0x1c,
	0x10, 0x8e, 0xf4, 0xa9, 0xcf, 0xc7, 0x45, 0x67, 0xa4, 0xfd, 0xef, 0xb8,
	0x77, 0x3b, 0x3f, 0xc5, 0x3d, 0xe3, 0xb4, 0x3a, 0x47, 0x66, 0x7f,
};

/* Its first server record (the ServerHello; CCS and encrypted records dropped). */
static const uint8_t openssl_server_hello[] = {
	0x16, 0x03, 0x03, 0x00, 0x7a, 0x02, 0x00, 0x00, 0x76, 0x03, 0x03, 0x46,
	0xfe, 0xe6, 0xfa, 0xc5, 0xce, 0x89, 0xb9, 0x03, 0x2c, 0x8b, 0x16, 0x95,
	0xb8, 0xde, 0xad, 0xf0, 0x7a, 0x32, 0x1c, 0xd2, 0x93, 0x14, 0x58, 0x53,
	0x9f, 0x8b, 0x52, 0xa8, 0x19, 0xf2, 0x76, 0x20, 0x1d, 0x10, 0x80, 0xc2,
	0xaf, 0x69, 0xd8, 0x65, 0xad, 0x64, 0xbb, 0xce, 0x86, 0xd4, 0xe6, 0xc2,
	0x34, 0x9b, 0xd4, 0x63, 0x37, 0x09, 0xdc, 0xe6, 0xc4, 0xfb, 0x42, 0xf2,
	0x07, 0x2f, 0x1c, 0x0a, 0x13, 0x02, 0x00, 0x00, 0x2e, 0x00, 0x2b, 0x00,
	0x02, 0x03, 0x04, 0x00, 0x33, 0x00, 0x24, 0x00, 0x1d, 0x00, 0x20, 0x39,
	0x56, 0x67, 0x05, 0x26, 0xa8, 0xbb, 0x63, 0x15, 0x56, 0xe5, 0xde, 0xfc,
	0x9e, 0x59, 0xe3, 0xd8, 0x20, 0x84, 0xc7, 0x9b, 0x1a, 0xf7, 0x89, 0x50,
	0xb3, 0x5f, 0x28, 0x06, 0x56, 0x32, 0x4e,
};

static void sha_hex(const void *d, size_t n, char out[65])
{
	uint8_t dg[32];
	int i;

	xdt_tls_sha256(d, n, dg);
	for (i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", dg[i]);
}

/* --- tests -------------------------------------------------------------------------- */

Test(dpi_tls, sha256_matches_the_fips_180_2_vectors)
{
	static const char two_blocks[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	char h[65];
	uint8_t *million = malloc(1000000);

	sha_hex("abc", 3, h);
	cr_assert_str_eq(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	sha_hex("", 0, h);
	cr_assert_str_eq(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	sha_hex(two_blocks, strlen(two_blocks), h);
	cr_assert_str_eq(h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	cr_assert_not_null(million);
	memset(million, 'a', 1000000);
	sha_hex(million, 1000000, h);
	free(million);
	cr_assert_str_eq(h, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

Test(dpi_tls, parses_a_tls13_client_hello_with_grease_and_computes_its_ja4)
{
	struct tb hs = { 0 }, rec;
	struct xdt_tls_info ti;

	chrome_hello(&hs, "www.example.com", 15);
	one_record(&hs, &rec);
	cr_assert_eq(parse_exact(rec.b, rec.n, &ti), 0);
	cr_assert_eq(ti.handshake, XDT_TLS_CLIENT_HELLO);
	cr_assert_eq(ti.legacy_version, 0x0303);
	cr_assert_eq(ti.max_version, 0x0304);
	cr_assert_str_eq(ti.sni, "www.example.com");
	cr_assert_str_eq(ti.alpn, "h2,http/1.1");
	cr_assert_str_eq(ti.ja4, "t13d1516h2_8daaf6152771_d8a2da3f94cd");
}

Test(dpi_tls, parses_a_tls12_client_hello_without_supported_versions)
{
	struct tb hs = { 0 }, rec;
	struct xdt_tls_info ti;

	tls12_hello(&hs, 1);
	one_record(&hs, &rec);
	cr_assert_eq(parse_exact(rec.b, rec.n, &ti), 0);
	cr_assert_eq(ti.max_version, 0x0303);
	cr_assert_str_eq(ti.sni, "");
	cr_assert_str_eq(ti.alpn, "");
	/* sha256("002f,009c,c02f,c030"), sha256("000a,000b,000d,ff01_0401,0501") */
	cr_assert_str_eq(ti.ja4, "t12i040400_d5e204bdd572_c81523bf1a9d");
}

Test(dpi_tls, gives_zero_hashes_when_a_client_hello_has_no_extensions)
{
	struct tb hs = { 0 }, rec;
	struct xdt_tls_info ti;

	tls12_hello(&hs, 0);
	one_record(&hs, &rec);
	cr_assert_eq(parse_exact(rec.b, rec.n, &ti), 0);
	cr_assert_str_eq(ti.ja4, "t12i010000_ba72b8082249_000000000000");
}

Test(dpi_tls, reads_the_chosen_cipher_and_version_from_a_server_hello)
{
	struct tb hs = { 0 }, rec;
	struct xdt_tls_info ti;
	static const uint8_t ccs[] = { 0x14, 0x03, 0x03, 0x00, 0x01, 0x01 };

	server_hello(&hs, 0, 0);
	one_record(&hs, &rec);
	pmem(&rec, ccs, sizeof(ccs));	/* what follows the hello is not looked at */
	cr_assert_eq(parse_exact(rec.b, rec.n, &ti), 0);
	cr_assert_eq(ti.handshake, XDT_TLS_SERVER_HELLO);
	cr_assert_eq(ti.legacy_version, 0x0303);
	cr_assert_eq(ti.max_version, 0x0304);
	cr_assert_eq(ti.cipher, 0x1302);
	cr_assert_eq(ti.hello_retry, 0);
	cr_assert_str_eq(ti.ja4, "");
}

Test(dpi_tls, reads_the_alpn_a_tls12_server_selected)
{
	struct tb hs = { 0 }, rec;
	struct xdt_tls_info ti;

	server_hello(&hs, 0, 1);
	one_record(&hs, &rec);
	cr_assert_eq(parse_exact(rec.b, rec.n, &ti), 0);
	cr_assert_eq(ti.max_version, 0x0303);
	cr_assert_eq(ti.cipher, 0xc02f);
	cr_assert_str_eq(ti.alpn, "http/1.1");
}

Test(dpi_tls, flags_a_hello_retry_request)
{
	struct tb hs = { 0 }, rec;
	struct xdt_tls_info ti;

	server_hello(&hs, 1, 0);
	one_record(&hs, &rec);
	cr_assert_eq(parse_exact(rec.b, rec.n, &ti), 0);
	cr_assert_eq(ti.hello_retry, 1);
}

Test(dpi_tls, every_prefix_of_a_hello_asks_for_more_data)
{
	struct tb hs = { 0 }, rec;
	size_t split = 100;

	chrome_hello(&hs, "www.example.com", 15);
	one_record(&hs, &rec);
	expect_prefixes_need_more(rec.b, rec.n);
	wrap(&hs, &split, 1, &rec);
	expect_prefixes_need_more(rec.b, rec.n);

	hs.n = 0;
	tls12_hello(&hs, 1);
	one_record(&hs, &rec);
	expect_prefixes_need_more(rec.b, rec.n);

	hs.n = 0;
	server_hello(&hs, 0, 0);
	one_record(&hs, &rec);
	expect_prefixes_need_more(rec.b, rec.n);

	expect_prefixes_need_more(openssl_client_hello, sizeof(openssl_client_hello));
	expect_prefixes_need_more(openssl_server_hello, sizeof(openssl_server_hello));
}

Test(dpi_tls, parses_a_hello_split_across_records_at_any_byte)
{
	struct tb hs = { 0 }, rec;
	struct xdt_tls_info ti;
	size_t s[2];

	chrome_hello(&hs, "split.example", 13);
	for (s[0] = 1; s[0] < hs.n; s[0]++) {
		wrap(&hs, s, 1, &rec);
		memset(&ti, 0xa5, sizeof(ti));
		cr_assert_eq(parse_exact(rec.b, rec.n, &ti), 0, "split at %zu", s[0]);
		cr_assert_str_eq(ti.sni, "split.example");
		cr_assert_str_eq(ti.alpn, "h2,http/1.1");
		cr_assert_str_eq(ti.ja4, "t13d1516h2_8daaf6152771_d8a2da3f94cd");
	}
	s[0] = 2;
	s[1] = 3;	/* a one-byte record inside the handshake header */
	wrap(&hs, s, 2, &rec);
	cr_assert_eq(parse_exact(rec.b, rec.n, &ti), 0);
	cr_assert_str_eq(ti.sni, "split.example");
}

Test(dpi_tls, rejects_a_foreign_record_between_hello_fragments)
{
	struct tb hs = { 0 }, rec;
	struct xdt_tls_info ti;
	size_t split = 60;

	chrome_hello(&hs, "a.example", 9);
	wrap(&hs, &split, 1, &rec);
	rec.b[5 + 60] = 0x17;	/* second record becomes application data */
	cr_assert_eq(parse_exact(rec.b, rec.n, &ti), -EINVAL);
}

Test(dpi_tls, rejects_text_protocols_and_garbage)
{
	static const char *const text[] = {
		"GET / HTTP/1.1\r\nHost: example.com\r\n\r\n",
		"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n",
		"\x16\x03\x05\x00\x10",			/* unknown minor version */
		"\x16\x02\x00\x00\x10",			/* SSL 2 record version */
		"\x17\x03\x03\x00\x10",			/* application data */
		"\x80\x2e\x01\x00\x02",			/* SSLv2-compatible hello */
	};
	static const uint8_t empty_record[] = { 0x16, 0x03, 0x01, 0x00, 0x00 };
	static const uint8_t huge_record[] = { 0x16, 0x03, 0x01, 0x40, 0x01, 0x01 };
	static const uint8_t certificate[] = { 0x16, 0x03, 0x03, 0x00, 0x30, 0x0b, 0x00 };
	static const uint8_t short_hello[] = { 0x16, 0x03, 0x01, 0x00, 0x30, 0x01, 0x00, 0x00, 0x10 };
	static const uint8_t huge_hello[] = { 0x16, 0x03, 0x01, 0x00, 0x30, 0x01, 0x01, 0x00, 0x00 };
	struct xdt_tls_info ti;
	uint8_t junk[512];
	size_t i;

	for (i = 0; i < sizeof(text) / sizeof(text[0]); i++)
		cr_assert_eq(parse_exact((const uint8_t *)text[i], strlen(text[i]), &ti), -EINVAL,
			     "%zu", i);
	cr_assert_eq(parse_exact(empty_record, sizeof(empty_record), &ti), -EINVAL);
	cr_assert_eq(parse_exact(huge_record, sizeof(huge_record), &ti), -EINVAL);
	cr_assert_eq(parse_exact(certificate, sizeof(certificate), &ti), -EINVAL);
	cr_assert_eq(parse_exact(short_hello, sizeof(short_hello), &ti), -EINVAL);
	cr_assert_eq(parse_exact(huge_hello, sizeof(huge_hello), &ti), -EINVAL);
	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)(i * 131 + 7);
	cr_assert_eq(parse_exact(junk, sizeof(junk), &ti), -EINVAL);
}

Test(dpi_tls, rejects_an_extension_that_overruns_the_hello)
{
	struct tb hs = { 0 }, rec;
	struct xdt_tls_info ti;

	tls12_hello(&hs, 1);
	hs.b[hs.n - 6 - 1] += 1;	/* signature_algorithms extension length */
	one_record(&hs, &rec);
	cr_assert_eq(parse_exact(rec.b, rec.n, &ti), -EINVAL);
}

Test(dpi_tls, truncates_an_oversize_sni_and_terminates_it)
{
	struct tb hs = { 0 }, rec;
	struct xdt_tls_info ti;
	char name[600];

	memset(name, 'x', sizeof(name));
	chrome_hello(&hs, name, sizeof(name));
	one_record(&hs, &rec);
	memset(&ti, 0xa5, sizeof(ti));
	cr_assert_eq(parse_exact(rec.b, rec.n, &ti), 0);
	cr_assert_eq(strlen(ti.sni), XDT_TLS_SNI_MAX - 1);
	cr_assert_eq(ti.sni[XDT_TLS_SNI_MAX - 2], 'x');
	cr_assert_str_eq(ti.ja4, "t13d1516h2_8daaf6152771_d8a2da3f94cd");
}

Test(dpi_tls, replaces_unprintable_sni_bytes)
{
	struct tb hs = { 0 }, rec;
	struct xdt_tls_info ti;

	chrome_hello(&hs, "a\x1b[2Jb\xc3\xa9.\x00z", 10);
	one_record(&hs, &rec);
	cr_assert_eq(parse_exact(rec.b, rec.n, &ti), 0);
	cr_assert_str_eq(ti.sni, "a?[2Jb??.?");
}

/* Oracle: tshark 4.0 fields server_name, alpn_str, supported_version; it has no
 * JA4, so the JA4 is from a script that applied the spec to tshark's cipher,
 * extension and signature-algorithm fields. */
Test(dpi_tls, matches_tshark_on_an_openssl_client_and_server_hello)
{
	struct xdt_tls_info ti;

	cr_assert_eq(parse_exact(openssl_client_hello, sizeof(openssl_client_hello), &ti), 0);
	cr_assert_eq(ti.handshake, XDT_TLS_CLIENT_HELLO);
	cr_assert_eq(ti.max_version, 0x0304);
	cr_assert_str_eq(ti.sni, "xdptop.test");
	cr_assert_str_eq(ti.alpn, "h2,http/1.1");
	cr_assert_str_eq(ti.ja4, "t13d3111h2_e8f1e7e78f70_1f22a2ca17c4");

	cr_assert_eq(parse_exact(openssl_server_hello, sizeof(openssl_server_hello), &ti), 0);
	cr_assert_eq(ti.handshake, XDT_TLS_SERVER_HELLO);
	cr_assert_eq(ti.cipher, 0x1302);
	cr_assert_eq(ti.max_version, 0x0304);
}

Test(dpi_tls, survives_mutated_hellos)
{
	struct tb hs = { 0 }, rec;
	struct xdt_tls_info ti;
	uint32_t x = 12345;
	int i, k;

	chrome_hello(&hs, "fuzz.example", 12);
	one_record(&hs, &rec);
	for (i = 0; i < 20000; i++) {
		uint8_t m[sizeof(rec.b)];
		size_t n = rec.n;
		int ret;

		memcpy(m, rec.b, n);
		for (k = 0; k < 1 + i % 4; k++) {
			x = x * 1103515245 + 12345;
			m[(x >> 8) % n] = (uint8_t)(x >> 20);
		}
		if (i % 3 == 0)
			n = 1 + (x >> 4) % n;
		ret = parse_exact(m, n, &ti);
		cr_assert(ret == 0 || ret == -EAGAIN || ret == -EINVAL, "ret %d", ret);
		if (!ret)
			cr_assert_lt(strlen(ti.sni), sizeof(ti.sni));
	}
}
