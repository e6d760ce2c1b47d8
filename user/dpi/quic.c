// SPDX-License-Identifier: GPL-2.0-only
/*
 * QUIC Initial decoder. Headers and frames are read through struct rd, which
 * sets err instead of reading past its end. Initial keys are derived once per
 * flow, direction and version and kept in the state, because HKDF through the
 * provider layer costs far more than the AES that follows.
 *
 * A packet cut by the capture has no tag to check, but AES-GCM is CTR mode
 * underneath: EVP_DecryptUpdate without EVP_DecryptFinal_ex still yields the
 * plaintext of what is there. Such data is used and marked unverified.
 */
#include <errno.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "quic.h"
#include "rd.h"

#define UDP_MAX 65535
#define SAMPLE_LEN 16
#define TAG_LEN 16
#define PN_MAX 4
/* RFC 9001 5.4.2: the sample is the 16 bytes from 4 past the packet number's start. */
#define MIN_PROTECTED (PN_MAX + SAMPLE_LEN)
/* Plaintext kept per packet: more than a jumbo frame; the rest is only authenticated. */
#define PLAIN_MAX 16384

#define FRAME_PADDING 0x00
#define FRAME_PING 0x01
#define FRAME_ACK 0x02
#define FRAME_ACK_ECN 0x03
#define FRAME_CRYPTO 0x06
#define FRAME_CLOSE 0x1c
#define FRAME_CLOSE_APP 0x1d

#define V2_DRAFT 0x709a50c4u	/* RFC 9369 9: provisional draft codepoint */

enum { CLIENT = 0, SERVER = 1 };

struct version {
	uint32_t version;
	const char *name;
	uint8_t v2;		/* RFC 9369 packet type bits and "quicv2" labels */
	uint8_t salt[20];
};

/* RFC 9001 5.2, RFC 9369 3.3.1, draft-ietf-quic-tls-29 5.2. */
static const struct version versions[] = {
	{ XDT_QUIC_V1, "v1", 0,
	  { 0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17,
	    0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a } },
	{ XDT_QUIC_V2, "v2", 1,
	  { 0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93,
	    0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb, 0xf9, 0xbd, 0x2e, 0xd9 } },
	{ XDT_QUIC_DRAFT29, "draft-29", 0,
	  { 0xaf, 0xbf, 0xec, 0x28, 0x99, 0x93, 0xd2, 0x4c, 0x9e, 0x97,
	    0x86, 0xf1, 0x9c, 0x61, 0x11, 0xe0, 0x43, 0x90, 0xa8, 0x99 } },
};

static const struct version *find_version(uint32_t v)
{
	size_t i;

	for (i = 0; i < sizeof(versions) / sizeof(versions[0]); i++)
		if (versions[i].version == v)
			return &versions[i];
	return NULL;
}

const char *xdt_quic_version_name(uint32_t version)
{
	const struct version *v = find_version(version);

	return v ? v->name : NULL;
}

/* Versions seen in the wild, so the dispatcher does not claim every UDP payload. */
static int known_version(uint32_t v)
{
	return v == XDT_QUIC_V1 || v == XDT_QUIC_V2 || v == V2_DRAFT ||
	       (v >> 8) == 0xff0000 ||			/* IETF drafts */
	       (v & 0x0f0f0f0f) == 0x0a0a0a0a ||	/* reserved, forces negotiation */
	       (v >> 16) == 0x5130 || (v >> 16) == 0x5430 ||	/* Google "Q0nn", "T0nn" */
	       (v >> 4) == 0xfaceb00;			/* mvfst */
}

/* 1: v1 type bits (v1, drafts); 2: v2; 0: types unknown, so is all after the CIDs. */
static int type_family(uint32_t v)
{
	if (v == XDT_QUIC_V1 || (v >> 8) == 0xff0000)
		return 1;
	if (v == XDT_QUIC_V2)
		return 2;
	return 0;
}

/* --- varints (the rest of the reader is rd.h) -------------------------------- */

/* RFC 9000 16: the top two bits of the first byte give the length. */
static uint64_t rd_varint(struct rd *r)
{
	const uint8_t *p = rd_take(r, 1), *q;
	uint64_t v;
	size_t n, i;

	if (!p)
		return 0;
	n = ((size_t)1 << (p[0] >> 6)) - 1;
	v = p[0] & 0x3f;
	q = rd_take(r, n);
	if (!q)
		return 0;
	for (i = 0; i < n; i++)
		v = v << 8 | q[i];
	return v;
}

/* --- headers ------------------------------------------------------------------- */

static int read_cid(struct rd *r, uint8_t *cid, uint8_t *cid_len)
{
	const uint8_t *p;
	unsigned int n = rd_u8(r);

	if (r->err || n > XDT_QUIC_CID_MAX)
		return -EINVAL;
	p = rd_take(r, n);
	if (!p)
		return -EINVAL;
	memcpy(cid, p, n);
	*cid_len = (uint8_t)n;
	return 0;
}

int xdt_quic_parse_header(const uint8_t *buf, size_t len, struct xdt_quic_header *out)
{
	struct rd r = { .p = buf, .len = len };
	unsigned int b0, t;
	int fam;

	memset(out, 0, sizeof(*out));
	b0 = rd_u8(&r);
	if (r.err || !(b0 & 0x80))
		return -EINVAL;
	out->version = rd_u32(&r);
	if (r.err || read_cid(&r, out->dcid, &out->dcid_len) ||
	    read_cid(&r, out->scid, &out->scid_len))
		return -EINVAL;
	out->hdr_len = r.off;
	if (!out->version) {
		out->type = XDT_QUIC_PKT_VN;
		return 0;
	}
	fam = type_family(out->version);
	if (!fam)
		return 0;
	t = (b0 >> 4) & 3;
	if (fam == 2)
		t = (t + 3) & 3;	/* RFC 9369 3.2: v2 types are v1's plus one */
	out->type = (uint8_t)(XDT_QUIC_PKT_INITIAL + t);
	if (out->type == XDT_QUIC_PKT_RETRY)
		return 0;
	if (out->type == XDT_QUIC_PKT_INITIAL) {
		uint64_t n = rd_varint(&r);

		out->token_off = r.off;
		if (rd_take(&r, n))
			out->token_len = (size_t)n;
	}
	out->length = rd_varint(&r);
	if (r.err)
		return -EAGAIN;
	out->hdr_len = r.off;
	return 0;
}

int xdt_quic_looks_like(const uint8_t *buf, size_t len)
{
	struct xdt_quic_header h;

	if (xdt_quic_parse_header(buf, len, &h) == -EINVAL)
		return 0;
	if (!h.version)		/* Version Negotiation: the fixed bit is unused */
		return len - h.hdr_len >= 4;
	return (buf[0] & 0x40) && known_version(h.version);
}

/* --- keys ---------------------------------------------------------------------- */

/* Inputs are copied by the callers: OSSL_PARAM wants non-const buffers. */
static int hkdf(EVP_KDF *kdf, int mode, uint8_t *salt, size_t salt_len, uint8_t *key,
		size_t key_len, uint8_t *info, size_t info_len, uint8_t *out, size_t out_len)
{
	char digest[] = "SHA256";
	OSSL_PARAM p[6], *q = p;
	EVP_KDF_CTX *ctx = EVP_KDF_CTX_new(kdf);
	int ok;

	if (!ctx)
		return -EIO;
	*q++ = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
	*q++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0);
	*q++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, key, key_len);
	if (salt)
		*q++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, salt, salt_len);
	if (info)
		*q++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info, info_len);
	*q = OSSL_PARAM_construct_end();
	ok = EVP_KDF_derive(ctx, out, out_len, p) > 0;
	EVP_KDF_CTX_free(ctx);
	return ok ? 0 : -EIO;
}

/* RFC 8446 7.1 HKDF-Expand-Label with an empty context. */
static int expand_label(EVP_KDF *kdf, const uint8_t secret[32], const char *label, uint8_t *out,
			size_t out_len)
{
	uint8_t info[2 + 1 + 255 + 1], key[32];
	size_t n = strlen(label);

	info[0] = (uint8_t)(out_len >> 8);
	info[1] = (uint8_t)out_len;
	info[2] = (uint8_t)(6 + n);
	memcpy(info + 3, "tls13 ", 6);
	memcpy(info + 9, label, n);
	info[9 + n] = 0;
	memcpy(key, secret, 32);
	return hkdf(kdf, EVP_KDF_HKDF_MODE_EXPAND_ONLY, NULL, 0, key, 32, info, 10 + n, out,
		    out_len);
}

int xdt_quic_initial_keys(uint32_t version, const uint8_t *dcid, size_t dcid_len, int server,
			  struct xdt_quic_keys *out)
{
	const struct version *v = find_version(version);
	uint8_t salt[20], cid[XDT_QUIC_CID_MAX + 1], initial[32], secret[32];
	EVP_KDF *kdf;
	int err;

	if (!v)
		return -ENOTSUP;
	if (dcid_len > XDT_QUIC_CID_MAX)
		return -EINVAL;
	memcpy(salt, v->salt, sizeof(salt));
	if (dcid_len)
		memcpy(cid, dcid, dcid_len);
	kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
	if (!kdf)
		return -EIO;
	err = hkdf(kdf, EVP_KDF_HKDF_MODE_EXTRACT_ONLY, salt, sizeof(salt), cid, dcid_len, NULL,
		   0, initial, sizeof(initial));
	if (!err)
		err = expand_label(kdf, initial, server ? "server in" : "client in", secret, 32);
	if (!err)
		err = expand_label(kdf, secret, v->v2 ? "quicv2 key" : "quic key", out->key, 16);
	if (!err)
		err = expand_label(kdf, secret, v->v2 ? "quicv2 iv" : "quic iv", out->iv, 12);
	if (!err)
		err = expand_label(kdf, secret, v->v2 ? "quicv2 hp" : "quic hp", out->hp, 16);
	EVP_KDF_free(kdf);
	return err;
}

static const struct xdt_quic_keys *keys_for(struct xdt_quic_state *s, int dir, uint32_t version)
{
	if (!s->have_odcid)
		return NULL;
	if (!s->keys_valid[dir] || s->keys_version[dir] != version) {
		s->keys_valid[dir] = 0;
		if (xdt_quic_initial_keys(version, s->odcid, s->odcid_len, dir == SERVER,
					  &s->keys[dir]))
			return NULL;
		s->keys_valid[dir] = 1;
		s->keys_version[dir] = version;
	}
	return &s->keys[dir];
}

/* --- CRYPTO stream --------------------------------------------------------------- */

/* Parse the hello once the contiguous prefix holds it all. */
static void hello_try(struct xdt_quic_crypto *c, int dir, struct xdt_quic_info *out)
{
	unsigned int want = dir == CLIENT ? XDT_TLS_CLIENT_HELLO : XDT_TLS_SERVER_HELLO;
	struct xdt_tls_info ti;
	int ret;

	if (c->done || c->contig < 4)
		return;
	ret = xdt_tls_parse_handshake(c->data, c->contig, 1, &ti);
	if (ret == -EAGAIN) {
		c->done = c->contig == XDT_QUIC_CRYPTO_MAX;	/* cannot grow further */
		return;
	}
	if (ret || ti.handshake != want) {
		/* Unverified bytes may be wrong: let later packets overwrite them. */
		c->done = !c->unverified;
		return;
	}
	c->done = 1;
	if (dir == CLIENT) {
		out->client_hello = ti;
		out->have_client_hello = 1;
		out->client_hello_unverified = c->unverified;
	} else {
		out->server_hello = ti;
		out->have_server_hello = 1;
		out->server_hello_unverified = c->unverified;
	}
}

static void crypto_add(struct xdt_quic_crypto *c, int dir, uint64_t off, const uint8_t *p,
		       size_t n, int unverified, struct xdt_quic_info *out)
{
	size_t i;

	if (c->done || off >= XDT_QUIC_CRYPTO_MAX)
		return;
	if (n > XDT_QUIC_CRYPTO_MAX - off)
		n = XDT_QUIC_CRYPTO_MAX - (size_t)off;
	if (!n)
		return;
	memcpy(c->data + off, p, n);
	for (i = (size_t)off; i < off + n; i++)
		c->have[i / 8] |= (uint8_t)(1u << (i % 8));
	c->unverified |= (uint8_t)unverified;
	while (c->contig < XDT_QUIC_CRYPTO_MAX && (c->have[c->contig / 8] >> (c->contig % 8) & 1))
		c->contig++;
	hello_try(c, dir, out);
}

/* --- frames ---------------------------------------------------------------------- */

/*
 * The frames of one decrypted Initial. partial: the plaintext was cut (truncated
 * capture), so a CRYPTO frame running past its end still gives what is there.
 * An unknown frame type ends the walk: its length cannot be known.
 */
static void read_frames(struct xdt_quic_state *s, const uint8_t *p, size_t n, int dir,
			int partial, struct xdt_quic_info *out)
{
	struct rd r = { .p = p, .len = n };

	while (!r.err && rd_left(&r)) {
		uint64_t type = rd_varint(&r), v, cnt, cl;

		switch (type) {
		case FRAME_PADDING:
		case FRAME_PING:
			break;
		case FRAME_ACK:
		case FRAME_ACK_ECN:
			rd_varint(&r);			/* largest acknowledged */
			rd_varint(&r);			/* delay */
			cnt = rd_varint(&r);		/* range count */
			rd_varint(&r);			/* first range */
			while (!r.err && cnt--) {	/* each costs 2 bytes: bounded by n */
				rd_varint(&r);		/* gap */
				rd_varint(&r);		/* range length */
			}
			if (type == FRAME_ACK_ECN) {
				rd_varint(&r);
				rd_varint(&r);
				rd_varint(&r);
			}
			break;
		case FRAME_CRYPTO:
			v = rd_varint(&r);		/* offset */
			cl = rd_varint(&r);
			if (r.err)
				return;
			if (cl > rd_left(&r)) {
				if (!partial)
					return;
				cl = rd_left(&r);
			}
			crypto_add(&s->crypto[dir], dir, v, p + r.off, (size_t)cl, partial, out);
			rd_take(&r, cl);
			break;
		case FRAME_CLOSE:
		case FRAME_CLOSE_APP:
			v = rd_varint(&r);		/* error code */
			if (type == FRAME_CLOSE)
				rd_varint(&r);		/* frame type */
			if (r.err)
				return;
			out->closed = 1;
			out->close_app = type == FRAME_CLOSE_APP;
			out->close_error = v;
			rd_take(&r, rd_varint(&r));	/* reason phrase */
			break;
		default:
			return;
		}
	}
}

/* --- packet protection ------------------------------------------------------------ */

/* RFC 9000 A.3 */
static uint64_t decode_pn(int64_t largest, uint64_t truncated, unsigned int bits)
{
	uint64_t expected = (uint64_t)(largest + 1), win = 1ull << bits, hwin = win / 2;
	uint64_t cand = (expected & ~(win - 1)) | truncated;

	if (cand + hwin <= expected && cand < (1ull << 62) - win)
		return cand + win;
	if (cand > expected + hwin && cand >= win)
		return cand - win;
	return cand;
}

static int hp_mask(EVP_CIPHER_CTX *ctx, const uint8_t hp[16], const uint8_t *sample,
		   uint8_t mask[16])
{
	int n;

	if (EVP_EncryptInit_ex(ctx, EVP_aes_128_ecb(), NULL, hp, NULL) <= 0 ||
	    EVP_CIPHER_CTX_set_padding(ctx, 0) <= 0 ||
	    EVP_EncryptUpdate(ctx, mask, &n, sample, SAMPLE_LEN) <= 0 || n != SAMPLE_LEN)
		return -EIO;
	return 0;
}

/*
 * AES-128-GCM over one packet. The AAD is the header as sent with its first byte
 * and packet number unprotected: b0, then hdr[1..hdr_len), then pnb. Plaintext
 * past PLAIN_MAX is authenticated and dropped. tag NULL: there is none to check.
 * Returns the plaintext length kept, -EBADMSG if the tag failed, or -EIO.
 */
static int gcm_open(EVP_CIPHER_CTX *ctx, const struct xdt_quic_keys *k, uint64_t pn, uint8_t b0,
		    const uint8_t *hdr, size_t hdr_len, const uint8_t *pnb, size_t pn_len,
		    const uint8_t *ct, size_t ct_len, const uint8_t *tag, uint8_t *pt)
{
	uint8_t nonce[12], junk[512], tagbuf[TAG_LEN];
	size_t kept = ct_len < PLAIN_MAX ? ct_len : PLAIN_MAX, off;
	int i, n;

	memcpy(nonce, k->iv, sizeof(nonce));
	for (i = 0; i < 8; i++)
		nonce[11 - i] ^= (uint8_t)(pn >> (8 * i));
	if (EVP_DecryptInit_ex(ctx, EVP_aes_128_gcm(), NULL, k->key, nonce) <= 0 ||
	    EVP_DecryptUpdate(ctx, NULL, &n, &b0, 1) <= 0 ||
	    EVP_DecryptUpdate(ctx, NULL, &n, hdr + 1, (int)hdr_len - 1) <= 0 ||
	    EVP_DecryptUpdate(ctx, NULL, &n, pnb, (int)pn_len) <= 0 ||
	    (kept && EVP_DecryptUpdate(ctx, pt, &n, ct, (int)kept) <= 0))
		return -EIO;
	for (off = kept; off < ct_len; off += sizeof(junk)) {
		size_t c = ct_len - off < sizeof(junk) ? ct_len - off : sizeof(junk);

		if (EVP_DecryptUpdate(ctx, junk, &n, ct + off, (int)c) <= 0)
			return -EIO;
	}
	if (!tag)
		return (int)kept;
	memcpy(tagbuf, tag, TAG_LEN);
	if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, TAG_LEN, tagbuf) <= 0 ||
	    EVP_DecryptFinal_ex(ctx, junk, &n) <= 0)
		return -EBADMSG;
	return (int)kept;
}

/*
 * Remove header and packet protection from the Initial at pkt (avail bytes to the
 * end of the datagram) and read its frames. One that runs past avail has lost
 * its tag: what is there is decrypted and read, unverified.
 */
static void open_initial(struct xdt_quic_state *s, const uint8_t *pkt, size_t avail,
			 const struct xdt_quic_header *h, int dir, struct xdt_quic_info *out)
{
	uint8_t pt[PLAIN_MAX], mask[SAMPLE_LEN], b0, pnb[PN_MAX];
	int whole = h->length <= avail - h->hdr_len, ret;
	const struct xdt_quic_keys *k;
	size_t pn_len, ct_full, ct_len, i;
	uint64_t tpn = 0, pn;
	EVP_CIPHER_CTX *ctx;

	if (h->length < MIN_PROTECTED) {
		out->malformed++;	/* no room for the sample (nor, then, a tag) */
		return;
	}
	if (avail - h->hdr_len < MIN_PROTECTED)
		return;		/* cut before the end of the sample */
	k = keys_for(s, dir, h->version);
	if (!k) {
		out->initials_no_keys++;
		return;
	}
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx || hp_mask(ctx, k->hp, pkt + h->hdr_len + PN_MAX, mask))
		goto out;
	b0 = pkt[0] ^ (mask[0] & 0x0f);
	pn_len = (b0 & 3) + 1;
	for (i = 0; i < pn_len; i++) {
		pnb[i] = pkt[h->hdr_len + i] ^ mask[1 + i];
		tpn = tpn << 8 | pnb[i];
	}
	pn = decode_pn(s->largest_pn[dir], tpn, (unsigned int)(8 * pn_len));
	ct_full = (size_t)h->length - pn_len - TAG_LEN;
	ct_len = whole ? ct_full : avail - h->hdr_len - pn_len;
	if (ct_len > ct_full)
		ct_len = ct_full;	/* cut inside the tag */
	ret = gcm_open(ctx, k, pn, b0, pkt, h->hdr_len, pnb, pn_len, pkt + h->hdr_len + pn_len,
		       ct_len, whole ? pkt + h->hdr_len + pn_len + ct_full : NULL, pt);
	if (ret == -EBADMSG)
		out->tag_failures++;
	if (ret < 0)
		goto out;
	if (whole) {
		out->initials_decrypted++;
		if ((int64_t)pn > s->largest_pn[dir])
			s->largest_pn[dir] = (int64_t)pn;
	} else {
		out->initials_unverified++;
	}
	read_frames(s, pt, (size_t)ret, dir, !whole, out);
out:
	EVP_CIPHER_CTX_free(ctx);
}

/* --- datagrams -------------------------------------------------------------------- */

static void take_cids(const struct xdt_quic_header *h, struct xdt_quic_info *out)
{
	memcpy(out->dcid, h->dcid, h->dcid_len);
	out->dcid_len = h->dcid_len;
	memcpy(out->scid, h->scid, h->scid_len);
	out->scid_len = h->scid_len;
}

/* One long header packet; complete: its header is all there. */
static void packet(struct xdt_quic_state *s, const uint8_t *pkt, size_t avail,
		   const struct xdt_quic_header *h, int complete, int dir,
		   struct xdt_quic_info *out)
{
	int d;

	if (h->type == XDT_QUIC_PKT_VN) {
		if (dir == SERVER) {
			/*
			 * RFC 9000 6.2: the client starts over, with new connection IDs
			 * and a new ClientHello. Hellos already read are kept.
			 */
			out->version_negotiation = 1;
			s->have_odcid = 0;
			for (d = CLIENT; d <= SERVER; d++) {
				if (!s->crypto[d].done)
					memset(&s->crypto[d], 0, sizeof(s->crypto[d]));
				s->largest_pn[d] = -1;
			}
		}
		return;
	}
	out->version = h->version;
	if (dir == CLIENT && !s->have_odcid && h->type == XDT_QUIC_PKT_INITIAL) {
		memcpy(s->odcid, h->dcid, h->dcid_len);
		s->odcid_len = h->dcid_len;
		s->have_odcid = 1;
		s->keys_valid[CLIENT] = s->keys_valid[SERVER] = 0;
		take_cids(h, out);
	} else if (dir == CLIENT && h->type == XDT_QUIC_PKT_UNKNOWN && !s->have_odcid &&
		   !out->dcid_len && !out->scid_len) {
		/* A version we cannot read: the client's first packet names the connection. */
		take_cids(h, out);
	}
	if (h->type == XDT_QUIC_PKT_RETRY && dir == SERVER && s->have_odcid && !out->retry) {
		/*
		 * RFC 9001 5.2: later Initials of both sides use keys from the Retry's
		 * SCID. A client follows one Retry only (RFC 9000 17.2.5.2), so a
		 * second one, likely spoofed, is not allowed to take the keys away.
		 */
		out->retry = 1;
		memcpy(s->odcid, h->scid, h->scid_len);
		s->odcid_len = h->scid_len;
		s->keys_valid[CLIENT] = s->keys_valid[SERVER] = 0;
		return;
	}
	if (complete && h->type == XDT_QUIC_PKT_INITIAL && find_version(h->version))
		open_initial(s, pkt, avail, h, dir, out);
}

void xdt_quic_state_init(struct xdt_quic_state *s)
{
	memset(s, 0, sizeof(*s));
	s->largest_pn[CLIENT] = s->largest_pn[SERVER] = -1;
}

int xdt_quic_feed(struct xdt_quic_state *s, const uint8_t *buf, size_t len, int from_client,
		  int truncated, struct xdt_quic_info *out)
{
	int dir = from_client ? CLIENT : SERVER;
	struct xdt_quic_header first = { 0 }, h;
	size_t off = 0;

	if (!len || len > UDP_MAX)
		return -EINVAL;
	if (!(buf[0] & 0x80))
		return s->is_quic ? 0 : -EINVAL;	/* short header: 1-RTT, opaque */
	if (!s->is_quic && !xdt_quic_looks_like(buf, len))
		return -EINVAL;
	while (off < len && (buf[off] & 0x80)) {
		const uint8_t *pkt = buf + off;
		size_t avail = len - off;
		int ret = xdt_quic_parse_header(pkt, avail, &h);

		if (ret == -EINVAL) {
			if (!off)
				return -EINVAL;
			break;
		}
		if (!off)
			first = h;
		else if (h.dcid_len != first.dcid_len || memcmp(h.dcid, first.dcid, h.dcid_len))
			break;	/* RFC 9000 12.2: not part of this datagram's packets */
		s->is_quic = 1;
		/*
		 * The whole datagram is here, yet the header or the packet runs past
		 * it: the lengths lie. Only a cut datagram may end inside a packet.
		 */
		if (!truncated && (ret == -EAGAIN ||
				   ((h.type == XDT_QUIC_PKT_INITIAL || h.type == XDT_QUIC_PKT_0RTT ||
				     h.type == XDT_QUIC_PKT_HANDSHAKE) &&
				    h.length > avail - h.hdr_len))) {
			out->malformed++;
			break;
		}
		packet(s, pkt, avail, &h, !ret, dir, out);
		if (ret || h.type == XDT_QUIC_PKT_UNKNOWN || h.type == XDT_QUIC_PKT_VN ||
		    h.type == XDT_QUIC_PKT_RETRY || h.length > avail - h.hdr_len)
			break;	/* no Length field, or the packet runs to the end */
		off += h.hdr_len + (size_t)h.length;
	}
	return 0;
}
