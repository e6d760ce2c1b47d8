// SPDX-License-Identifier: GPL-2.0-only
/*
 * TLS hello decoder. Over TCP, records are checked and their handshake bytes
 * gathered into a local buffer (a hello may span records); QUIC hands over the
 * bare message, which is copied likewise because JA4 sorts the cipher list in
 * place. The hello is then read through struct rd, which sets err instead of
 * reading past its end.
 *
 * JA4 follows the FoxIO JA4 technical details (github.com/FoxIO-LLC/ja4,
 * technical_details/JA4.md): counts and hashes skip GREASE values; the
 * extension count includes SNI and ALPN, the extension hash does not; signature
 * algorithms come from signature_algorithms (0x000d) only, in wire order, and
 * are left out with their '_' when absent or empty; an empty cipher or
 * extension list hashes to "000000000000"; a first ALPN value whose first or
 * last byte is not alphanumeric is shown as the first and last hex digit of the
 * value. Checked against a published Chrome JA4/JA4_ro pair (tests).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tls.h"
#include "rd.h"

#define TLS_CT_HANDSHAKE 22
#define TLS_RECORD_MAX 16384	/* RFC 8446 5.1: TLSPlaintext.length <= 2^14 */
#define HELLO_MIN 38		/* ServerHello: version, random, sid len, cipher, comp */
#define EXT_MAX (XDT_TLS_HELLO_MAX / 4)

#define EXT_SNI 0x0000
#define EXT_SIG_ALGS 0x000d
#define EXT_ALPN 0x0010
#define EXT_SUPPORTED_VERSIONS 0x002b

/* RFC 8446 4.1.3: SHA-256("HelloRetryRequest") */
static const uint8_t hrr_random[32] = {
	0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02,
	0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e,
	0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

/* --- SHA-256 (FIPS 180-4) ------------------------------------------------------ */

struct sha256 {
	uint32_t h[8];
	uint64_t bytes;
	uint8_t blk[64];
	size_t n;
};

static const uint32_t sha_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
	0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
	0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
	0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
	0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
	0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
	0xc67178f2,
};

static inline uint32_t ror(uint32_t x, unsigned int n)
{
	return x >> n | x << (32 - n);
}

static void sha256_block(struct sha256 *s, const uint8_t *p)
{
	uint32_t w[64], v[8], t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (i = 16; i < 64; i++)
		w[i] = w[i - 16] + (ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ w[i - 15] >> 3) +
		       w[i - 7] + (ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ w[i - 2] >> 10);
	memcpy(v, s->h, sizeof(v));
	for (i = 0; i < 64; i++) {
		t1 = v[7] + (ror(v[4], 6) ^ ror(v[4], 11) ^ ror(v[4], 25)) +
		     ((v[4] & v[5]) ^ (~v[4] & v[6])) + sha_k[i] + w[i];
		t2 = (ror(v[0], 2) ^ ror(v[0], 13) ^ ror(v[0], 22)) +
		     ((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]));
		memmove(v + 1, v, 7 * sizeof(v[0]));
		v[4] += t1;
		v[0] = t1 + t2;
	}
	for (i = 0; i < 8; i++)
		s->h[i] += v[i];
}

static void sha256_init(struct sha256 *s)
{
	static const uint32_t iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};

	memcpy(s->h, iv, sizeof(iv));
	s->bytes = 0;
	s->n = 0;
}

static void sha256_update(struct sha256 *s, const void *data, size_t len)
{
	const uint8_t *p = data;

	s->bytes += len;
	while (len) {
		size_t c = 64 - s->n < len ? 64 - s->n : len;

		memcpy(s->blk + s->n, p, c);
		s->n += c;
		p += c;
		len -= c;
		if (s->n == 64) {
			sha256_block(s, s->blk);
			s->n = 0;
		}
	}
}

static void sha256_final(struct sha256 *s, uint8_t digest[32])
{
	uint64_t bits = s->bytes * 8;
	uint8_t pad[72] = { 0x80 };
	size_t padlen = (s->n < 56 ? 56 : 120) - s->n;
	int i;

	for (i = 0; i < 8; i++)
		pad[padlen + i] = (uint8_t)(bits >> (56 - 8 * i));
	sha256_update(s, pad, padlen + 8);
	for (i = 0; i < 32; i++)
		digest[i] = (uint8_t)(s->h[i / 4] >> (24 - 8 * (i % 4)));
}

void xdt_tls_sha256(const void *data, size_t len, uint8_t digest[32])
{
	struct sha256 s;

	sha256_init(&s);
	sha256_update(&s, data, len);
	sha256_final(&s, digest);
}

/* --- helpers ------------------------------------------------------------------- */

static int is_grease(unsigned int v)
{
	return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

static char printable(uint8_t c)
{
	return c >= 0x20 && c < 0x7f ? (char)c : '?';
}

/* Append n bytes (and a leading comma unless first) to a NUL-terminated buffer. */
static void str_append(char *dst, size_t cap, const uint8_t *src, size_t n, int comma)
{
	size_t pos = strlen(dst);

	if (comma && pos + 1 < cap)
		dst[pos++] = ',';
	for (; n && pos + 1 < cap; n--)
		dst[pos++] = printable(*src++);
	dst[pos] = '\0';
}

static int cmp_be16(const void *a, const void *b)
{
	return memcmp(a, b, 2);
}

static int cmp_u16(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/*
 * Check the records at the start of buf and copy their handshake bytes into hs
 * until one whole handshake message (header included) is there.
 */
static int gather(const uint8_t *buf, size_t len, uint8_t *hs, size_t *hs_len)
{
	size_t off = 0, n = 0, need = 0;

	for (;;) {
		size_t avail = len - off, rlen, take;

		if (!avail)
			return -EAGAIN;
		if (buf[off] != TLS_CT_HANDSHAKE)
			return -EINVAL;
		if (avail >= 2 && buf[off + 1] != 3)
			return -EINVAL;
		if (avail >= 3 && buf[off + 2] > 4)
			return -EINVAL;
		if (avail < 5)
			return -EAGAIN;
		rlen = (size_t)buf[off + 3] << 8 | buf[off + 4];
		if (!rlen || rlen > TLS_RECORD_MAX)
			return -EINVAL;	/* RFC 8446 5.1: no empty handshake records */
		off += 5;
		avail -= 5;
		take = rlen < avail ? rlen : avail;
		while (take) {
			size_t want = (need ? need : 4) - n;
			size_t c = take < want ? take : want;

			memcpy(hs + n, buf + off, c);
			n += c;
			off += c;
			take -= c;
			rlen -= c;
			if (hs[0] != XDT_TLS_CLIENT_HELLO && hs[0] != XDT_TLS_SERVER_HELLO)
				return -EINVAL;
			if (!need && n == 4) {
				size_t mlen = (size_t)hs[1] << 16 | (size_t)hs[2] << 8 | hs[3];

				if (mlen < HELLO_MIN || mlen > XDT_TLS_HELLO_MAX - 4)
					return -EINVAL;
				need = 4 + mlen;
			}
			if (need && n == need) {
				*hs_len = n;
				return 0;
			}
		}
		if (rlen)
			return -EAGAIN;	/* record cut short */
	}
}

/* --- ClientHello ------------------------------------------------------------------ */

/* What JA4 needs beyond struct xdt_tls_info; pointers are into the gathered hello. */
struct ja4_in {
	uint8_t *cs;		/* cipher suites, big-endian pairs, sorted in place */
	size_t n_cs;
	uint16_t ext[EXT_MAX];	/* hashed extensions: no GREASE, SNI or ALPN */
	size_t n_ext_hash;
	size_t n_ext;		/* counted extensions: no GREASE */
	const uint8_t *sig;	/* signature_algorithms list, wire order */
	size_t n_sig;
	const uint8_t *alpn;	/* first ALPN value */
	size_t alpn_len;
	int sni;
	uint16_t version;
};

static const char *ja4_version(uint16_t v)
{
	switch (v) {
	case 0x0304: return "13";
	case 0x0303: return "12";
	case 0x0302: return "11";
	case 0x0301: return "10";
	case 0x0300: return "s3";
	case 0x0002: return "s2";
	default: return "00";
	}
}

static int is_alnum(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static void hex12(struct sha256 *s, char *dst)
{
	static const char hex[] = "0123456789abcdef";
	uint8_t d[32];
	int i;

	sha256_final(s, d);
	for (i = 0; i < 6; i++) {
		dst[2 * i] = hex[d[i] >> 4];
		dst[2 * i + 1] = hex[d[i] & 15];
	}
}

static void hash_u16(struct sha256 *s, unsigned int v, int comma)
{
	static const char hex[] = "0123456789abcdef";
	char t[5] = { ',', hex[v >> 12 & 15], hex[v >> 8 & 15], hex[v >> 4 & 15], hex[v & 15] };

	sha256_update(s, comma ? t : t + 1, comma ? 5 : 4);
}

static void ja4_build(struct ja4_in *j, int quic, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, n_cs = 0, k = 0;
	struct sha256 s;
	char a1 = '0', a2 = '0';

	for (i = 0; i < j->n_cs; i++)
		n_cs += !is_grease((unsigned int)(j->cs[2 * i] << 8 | j->cs[2 * i + 1]));
	if (j->alpn_len) {
		uint8_t f = j->alpn[0], l = j->alpn[j->alpn_len - 1];

		if (is_alnum(f) && is_alnum(l)) {
			a1 = (char)f;
			a2 = (char)l;
		} else {
			a1 = hex[f >> 4];
			a2 = hex[l & 15];
		}
	}
	out[0] = quic ? 'q' : 't';
	memcpy(out + 1, ja4_version(j->version), 2);
	out[3] = j->sni ? 'd' : 'i';
	out[4] = (char)('0' + (n_cs > 99 ? 99 : n_cs) / 10);
	out[5] = (char)('0' + (n_cs > 99 ? 99 : n_cs) % 10);
	out[6] = (char)('0' + (j->n_ext > 99 ? 99 : j->n_ext) / 10);
	out[7] = (char)('0' + (j->n_ext > 99 ? 99 : j->n_ext) % 10);
	out[8] = a1;
	out[9] = a2;
	out[10] = '_';
	out[23] = '_';
	out[36] = '\0';

	qsort(j->cs, j->n_cs, 2, cmp_be16);
	sha256_init(&s);
	for (i = 0; i < j->n_cs; i++) {
		unsigned int v = (unsigned int)(j->cs[2 * i] << 8 | j->cs[2 * i + 1]);

		if (!is_grease(v))
			hash_u16(&s, v, k++ > 0);
	}
	if (k)
		hex12(&s, out + 11);
	else
		memset(out + 11, '0', 12);

	qsort(j->ext, j->n_ext_hash, sizeof(j->ext[0]), cmp_u16);
	sha256_init(&s);
	for (i = 0; i < j->n_ext_hash; i++)
		hash_u16(&s, j->ext[i], i > 0);
	for (i = 0; i < j->n_sig; i++) {
		if (!i)
			sha256_update(&s, "_", 1);
		hash_u16(&s, (unsigned int)(j->sig[2 * i] << 8 | j->sig[2 * i + 1]), i > 0);
	}
	if (j->n_ext_hash)
		hex12(&s, out + 24);
	else
		memset(out + 24, '0', 12);
}

static void parse_sni(struct rd *e, struct xdt_tls_info *out)
{
	struct rd list = rd_sub(e, rd_u16(e));

	while (!list.err && rd_left(&list)) {
		unsigned int type = rd_u8(&list);
		size_t n = rd_u16(&list);
		const uint8_t *name = rd_take(&list, n);

		if (name && type == 0 && !out->sni[0]) {
			str_append(out->sni, sizeof(out->sni), name, n, 0);
			break;
		}
	}
	e->err |= list.err;
}

static void parse_alpn(struct rd *e, struct xdt_tls_info *out, struct ja4_in *j)
{
	struct rd list = rd_sub(e, rd_u16(e));
	int first = 1;

	while (!list.err && rd_left(&list)) {
		size_t n = rd_u8(&list);
		const uint8_t *proto = rd_take(&list, n);

		if (!proto)
			break;
		if (first && j) {
			j->alpn = proto;
			j->alpn_len = n;
		}
		str_append(out->alpn, sizeof(out->alpn), proto, n, !first);
		first = 0;
	}
	e->err |= list.err;
}

static int parse_client_hello(struct rd *r, uint8_t *hs, int quic, struct xdt_tls_info *out,
			      struct ja4_in *j)
{
	struct rd cs, exts;
	size_t n;

	rd_take(r, 32);				/* random */
	n = rd_u8(r);				/* legacy_session_id */
	if (n > 32)
		return -EINVAL;
	rd_take(r, n);
	cs = rd_sub(r, rd_u16(r));
	if (cs.err || !cs.len || cs.len % 2)
		return -EINVAL;
	j->cs = hs + (cs.p - hs);
	j->n_cs = cs.len / 2;
	n = rd_u8(r);				/* legacy_compression_methods */
	if (!n)
		return -EINVAL;
	rd_take(r, n);
	j->version = out->legacy_version;
	if (!rd_left(r))
		goto done;			/* no extensions: allowed before TLS 1.3 */
	exts = rd_sub(r, rd_u16(r));
	while (!exts.err && rd_left(&exts)) {
		unsigned int type = rd_u16(&exts);
		struct rd e = rd_sub(&exts, rd_u16(&exts));

		if (exts.err)
			break;
		if (is_grease(type))
			continue;
		j->n_ext++;
		if (type != EXT_SNI && type != EXT_ALPN)
			j->ext[j->n_ext_hash++] = (uint16_t)type;
		switch (type) {
		case EXT_SNI:
			j->sni = 1;
			parse_sni(&e, out);
			break;
		case EXT_ALPN:
			if (!j->alpn && !out->alpn[0])
				parse_alpn(&e, out, j);
			break;
		case EXT_SIG_ALGS: {
			struct rd l = rd_sub(&e, rd_u16(&e));

			if (!l.err && l.len % 2 == 0 && !j->sig) {
				j->sig = l.p;
				j->n_sig = l.len / 2;
			}
			e.err |= l.err || l.len % 2;
			break;
		}
		case EXT_SUPPORTED_VERSIONS: {
			struct rd l = rd_sub(&e, rd_u8(&e));
			uint16_t best = 0;

			while (!l.err && rd_left(&l) >= 2) {
				unsigned int v = rd_u16(&l);

				if (!is_grease(v) && v > best)
					best = (uint16_t)v;
			}
			if (best)
				j->version = best;
			e.err |= l.err || l.len % 2;
			break;
		}
		}
		if (e.err)
			return -EINVAL;
	}
	if (exts.err)
		return -EINVAL;
done:
	if (r->err || rd_left(r))
		return -EINVAL;
	out->max_version = j->version;
	ja4_build(j, quic, out->ja4);
	return 0;
}

/* --- ServerHello ------------------------------------------------------------------ */

static int parse_server_hello(struct rd *r, struct xdt_tls_info *out)
{
	const uint8_t *random = rd_take(r, 32);
	struct rd exts;
	size_t n;

	if (random && !memcmp(random, hrr_random, 32))
		out->hello_retry = 1;
	n = rd_u8(r);				/* legacy_session_id_echo */
	if (n > 32)
		return -EINVAL;
	rd_take(r, n);
	out->cipher = (uint16_t)rd_u16(r);
	rd_u8(r);				/* legacy_compression_method */
	out->max_version = out->legacy_version;
	if (!r->err && !rd_left(r))
		return 0;
	exts = rd_sub(r, rd_u16(r));
	while (!exts.err && rd_left(&exts)) {
		unsigned int type = rd_u16(&exts);
		struct rd e = rd_sub(&exts, rd_u16(&exts));

		if (type == EXT_SUPPORTED_VERSIONS)
			out->max_version = (uint16_t)rd_u16(&e);
		else if (type == EXT_ALPN && !out->alpn[0])
			parse_alpn(&e, out, NULL);
		if (e.err)
			return -EINVAL;
	}
	if (exts.err || r->err || rd_left(r))
		return -EINVAL;
	return 0;
}

/* hs holds one whole hello, header included; hs is written to (JA4 sorts in place). */
static int parse_hello(uint8_t *hs, size_t n, int quic, struct xdt_tls_info *out)
{
	struct ja4_in j;
	struct rd r;

	memset(out, 0, sizeof(*out));
	out->handshake = hs[0];
	r = (struct rd){ .p = hs + 4, .len = n - 4 };
	out->legacy_version = (uint16_t)rd_u16(&r);
	if (out->legacy_version >> 8 != 3)
		return -EINVAL;
	if (out->handshake == XDT_TLS_SERVER_HELLO)
		return parse_server_hello(&r, out);
	j.n_ext = j.n_ext_hash = 0;
	j.sig = j.alpn = NULL;
	j.n_sig = j.alpn_len = 0;
	j.sni = 0;
	return parse_client_hello(&r, hs, quic, out, &j);
}

int xdt_tls_parse(const uint8_t *buf, size_t len, struct xdt_tls_info *out)
{
	uint8_t hs[XDT_TLS_HELLO_MAX];
	size_t n;
	int err;

	err = gather(buf, len, hs, &n);
	if (err)
		return err;
	return parse_hello(hs, n, 0, out);
}

int xdt_tls_parse_handshake(const uint8_t *buf, size_t len, int quic, struct xdt_tls_info *out)
{
	uint8_t hs[XDT_TLS_HELLO_MAX];
	size_t mlen;

	if (len && buf[0] != XDT_TLS_CLIENT_HELLO && buf[0] != XDT_TLS_SERVER_HELLO)
		return -EINVAL;
	if (len < 4)
		return -EAGAIN;
	mlen = (size_t)buf[1] << 16 | (size_t)buf[2] << 8 | buf[3];
	if (mlen < HELLO_MIN || mlen > XDT_TLS_HELLO_MAX - 4)
		return -EINVAL;
	if (len < 4 + mlen)
		return -EAGAIN;
	memcpy(hs, buf, 4 + mlen);
	return parse_hello(hs, 4 + mlen, quic, out);
}
