// SPDX-License-Identifier: GPL-2.0-only
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "dpi/quic.h"

/*
 * The oracle: RFC 9001 Appendix A and RFC 9369 Appendix A, copied from the RFC
 * text (checked with Python's cryptography package before use: every tag
 * verifies). All use the client-chosen Destination Connection ID below.
 */
static const char rfc_dcid[] = "8394c8f03e515708";

/* RFC 9001 A.2: the protected client Initial. */
static const char v1_client_initial[] =
	"c000000001088394c8f03e5157080000449e7b9aec34d1b1c98dd7689fb8ec11"
	"d242b123dc9bd8bab936b47d92ec356c0bab7df5976d27cd449f63300099f399"
	"1c260ec4c60d17b31f8429157bb35a1282a643a8d2262cad67500cadb8e7378c"
	"8eb7539ec4d4905fed1bee1fc8aafba17c750e2c7ace01e6005f80fcb7df6212"
	"30c83711b39343fa028cea7f7fb5ff89eac2308249a02252155e2347b63d58c5"
	"457afd84d05dfffdb20392844ae812154682e9cf012f9021a6f0be17ddd0c208"
	"4dce25ff9b06cde535d0f920a2db1bf362c23e596d11a4f5a6cf3948838a3aec"
	"4e15daf8500a6ef69ec4e3feb6b1d98e610ac8b7ec3faf6ad760b7bad1db4ba3"
	"485e8a94dc250ae3fdb41ed15fb6a8e5eba0fc3dd60bc8e30c5c4287e53805db"
	"059ae0648db2f64264ed5e39be2e20d82df566da8dd5998ccabdae053060ae6c"
	"7b4378e846d29f37ed7b4ea9ec5d82e7961b7f25a9323851f681d582363aa5f8"
	"9937f5a67258bf63ad6f1a0b1d96dbd4faddfcefc5266ba6611722395c906556"
	"be52afe3f565636ad1b17d508b73d8743eeb524be22b3dcbc2c7468d54119c74"
	"68449a13d8e3b95811a198f3491de3e7fe942b330407abf82a4ed7c1b311663a"
	"c69890f4157015853d91e923037c227a33cdd5ec281ca3f79c44546b9d90ca00"
	"f064c99e3dd97911d39fe9c5d0b23a229a234cb36186c4819e8b9c5927726632"
	"291d6a418211cc2962e20fe47feb3edf330f2c603a9d48c0fcb5699dbfe58964"
	"25c5bac4aee82e57a85aaf4e2513e4f05796b07ba2ee47d80506f8d2c25e50fd"
	"14de71e6c418559302f939b0e1abd576f279c4b2e0feb85c1f28ff18f58891ff"
	"ef132eef2fa09346aee33c28eb130ff28f5b766953334113211996d20011a198"
	"e3fc433f9f2541010ae17c1bf202580f6047472fb36857fe843b19f5984009dd"
	"c324044e847a4f4a0ab34f719595de37252d6235365e9b84392b061085349d73"
	"203a4a13e96f5432ec0fd4a1ee65accdd5e3904df54c1da510b0ff20dcc0c77f"
	"cb2c0e0eb605cb0504db87632cf3d8b4dae6e705769d1de354270123cb11450e"
	"fc60ac47683d7b8d0f811365565fd98c4c8eb936bcab8d069fc33bd801b03ade"
	"a2e1fbc5aa463d08ca19896d2bf59a071b851e6c239052172f296bfb5e724047"
	"90a2181014f3b94a4e97d117b438130368cc39dbb2d198065ae3986547926cd2"
	"162f40a29f0c3c8745c0f50fba3852e566d44575c29d39a03f0cda721984b6f4"
	"40591f355e12d439ff150aab7613499dbd49adabc8676eef023b15b65bfc5ca0"
	"6948109f23f350db82123535eb8a7433bdabcb909271a6ecbcb58b936a88cd4e"
	"8f2e6ff5800175f113253d8fa9ca8885c2f552e657dc603f252e1a8e308f76f0"
	"be79e2fb8f5d5fbbe2e30ecadd220723c8c0aea8078cdfcb3868263ff8f09400"
	"54da48781893a7e49ad5aff4af300cd804a6b6279ab3ff3afb64491c85194aab"
	"760d58a606654f9f4400e8b38591356fbf6425aca26dc85244259ff2b19c41b9"
	"f96f3ca9ec1dde434da7d2d392b905ddf3d1f9af93d1af5950bd493f5aa731b4"
	"056df31bd267b6b90a079831aaf579be0a39013137aac6d404f518cfd4684064"
	"7e78bfe706ca4cf5e9c5453e9f7cfd2b8b4c8d169a44e55c88d4a9a7f9474241"
	"e221af44860018ab0856972e194cd934";

/* RFC 9001 A.2: its unprotected CRYPTO frame (PADDING follows up to 1162 bytes). */
static const char rfc_client_crypto[] =
	"060040f1010000ed0303ebf8fa56f12939b9584a3896472ec40bb863cfd3e868"
	"04fe3a47f06a2b69484c00000413011302010000c000000010000e00000b6578"
	"616d706c652e636f6dff01000100000a00080006001d00170018001000070005"
	"04616c706e000500050100000000003300260024001d00209370b2c9caa47fba"
	"baf4559fedba753de171fa71f50f1ce15d43e994ec74d748002b000302030400"
	"0d0010000e0403050306030203080408050806002d00020101001c0002400100"
	"3900320408ffffffffffffffff05048000ffff07048000ffff08011001048000"
	"75300901100f088394c8f03e51570806048000ffff";

/* RFC 9001 A.3: the protected server Initial. */
static const char v1_server_initial[] =
	"cf000000010008f067a5502a4262b5004075c0d95a482cd0991cd25b0aac406a"
	"5816b6394100f37a1c69797554780bb38cc5a99f5ede4cf73c3ec2493a1839b3"
	"dbcba3f6ea46c5b7684df3548e7ddeb9c3bf9c73cc3f3bded74b562bfb19fb84"
	"022f8ef4cdd93795d77d06edbb7aaf2f58891850abbdca3d20398c276456cbc4"
	"2158407dd074ee";

/* RFC 9001 A.3 and RFC 9369 A.3: the server's unprotected payload (ACK, CRYPTO). */
static const char rfc_server_payload[] =
	"02000000000600405a020000560303eefce7f7b37ba1d1632e96677825ddf739"
	"88cfc79825df566dc5430b9a045a1200130100002e00330024001d00209d3c94"
	"0d89690b84d08a60993c144eca684d1081287c834d5311bcf32bb9da1a002b00"
	"020304";

/* RFC 9369 A.2: the protected QUIC v2 client Initial. */
static const char v2_client_initial[] =
	"d76b3343cf088394c8f03e5157080000449ea0c95e82ffe67b6abcdb4298b485"
	"dd04de806071bf03dceebfa162e75d6c96058bdbfb127cdfcbf903388e99ad04"
	"9f9a3dd4425ae4d0992cfff18ecf0fdb5a842d09747052f17ac2053d21f57c5d"
	"250f2c4f0e0202b70785b7946e992e58a59ac52dea6774d4f03b55545243cf1a"
	"12834e3f249a78d395e0d18f4d766004f1a2674802a747eaa901c3f10cda5500"
	"cb9122faa9f1df66c392079a1b40f0de1c6054196a11cbea40afb6ef5253cd68"
	"18f6625efce3b6def6ba7e4b37a40f7732e093daa7d52190935b8da58976ff33"
	"12ae50b187c1433c0f028edcc4c2838b6a9bfc226ca4b4530e7a4ccee1bfa2a3"
	"d396ae5a3fb512384b2fdd851f784a65e03f2c4fbe11a53c7777c023462239dd"
	"6f7521a3f6c7d5dd3ec9b3f233773d4b46d23cc375eb198c63301c21801f6520"
	"bcfb7966fc49b393f0061d974a2706df8c4a9449f11d7f3d2dcbb90c6b877045"
	"636e7c0c0fe4eb0f697545460c806910d2c355f1d253bc9d2452aaa549e27a1f"
	"ac7cf4ed77f322e8fa894b6a83810a34b361901751a6f5eb65a0326e07de7c12"
	"16ccce2d0193f958bb3850a833f7ae432b65bc5a53975c155aa4bcb4f7b2c4e5"
	"4df16efaf6ddea94e2c50b4cd1dfe06017e0e9d02900cffe1935e0491d77ffb4"
	"fdf85290fdd893d577b1131a610ef6a5c32b2ee0293617a37cbb08b847741c3b"
	"8017c25ca9052ca1079d8b78aebd47876d330a30f6a8c6d61dd1ab5589329de7"
	"14d19d61370f8149748c72f132f0fc99f34d766c6938597040d8f9e2bb522ff9"
	"9c63a344d6a2ae8aa8e51b7b90a4a806105fcbca31506c446151adfeceb51b91"
	"abfe43960977c87471cf9ad4074d30e10d6a7f03c63bd5d4317f68ff325ba3bd"
	"80bf4dc8b52a0ba031758022eb025cdd770b44d6d6cf0670f4e990b22347a7db"
	"848265e3e5eb72dfe8299ad7481a408322cac55786e52f633b2fb6b614eaed18"
	"d703dd84045a274ae8bfa73379661388d6991fe39b0d93debb41700b41f90a15"
	"c4d526250235ddcd6776fc77bc97e7a417ebcb31600d01e57f32162a8560cacc"
	"7e27a096d37a1a86952ec71bd89a3e9a30a2a26162984d7740f81193e8238e61"
	"f6b5b984d4d3dfa033c1bb7e4f0037febf406d91c0dccf32acf423cfa1e70710"
	"10d3f270121b493ce85054ef58bada42310138fe081adb04e2bd901f2f13458b"
	"3d6758158197107c14ebb193230cd1157380aa79cae1374a7c1e5bbcb80ee23e"
	"06ebfde206bfb0fcbc0edc4ebec309661bdd908d532eb0c6adc38b7ca7331dce"
	"8dfce39ab71e7c32d318d136b6100671a1ae6a6600e3899f31f0eed19e3417d1"
	"34b90c9058f8632c798d4490da4987307cba922d61c39805d072b589bd52fdf1"
	"e86215c2d54e6670e07383a27bbffb5addf47d66aa85a0c6f9f32e59d85a44dd"
	"5d3b22dc2be80919b490437ae4f36a0ae55edf1d0b5cb4e9a3ecabee93dfc6e3"
	"8d209d0fa6536d27a5d6fbb17641cde27525d61093f1b28072d111b2b4ae5f89"
	"d5974ee12e5cf7d5da4d6a31123041f33e61407e76cffcdcfd7e19ba58cf4b53"
	"6f4c4938ae79324dc402894b44faf8afbab35282ab659d13c93f70412e85cb19"
	"9a37ddec600545473cfb5a05e08d0b209973b2172b4d21fb69745a262ccde96b"
	"a18b2faa745b6fe189cf772a9f84cbfc";

/* RFC 9369 A.3: the protected QUIC v2 server Initial. */
static const char v2_server_initial[] =
	"dc6b3343cf0008f067a5502a4262b5004075d92faaf16f05d8a4398c47089698"
	"baeea26b91eb761d9b89237bbf87263017915358230035f7fd3945d88965cf17"
	"f9af6e16886c61bfc703106fbaf3cb4cfa52382dd16a393e42757507698075b2"
	"c984c707f0a0812d8cd5a6881eaf21ceda98f4bd23f6fe1a3e2c43edd9ce7ca8"
	"4bed8521e2e140";

/* --- helpers ----------------------------------------------------------------------- */

struct buf {
	uint8_t b[4096];
	size_t n;
};

static void unhex(const char *h, struct buf *o)
{
	o->n = 0;
	for (; h[0] && h[1]; h += 2) {
		unsigned int v;

		cr_assert_lt(o->n, sizeof(o->b));
		cr_assert_eq(sscanf(h, "%2x", &v), 1);
		o->b[o->n++] = (uint8_t)v;
	}
}

static void put(struct buf *o, const void *p, size_t n)
{
	cr_assert_leq(o->n + n, sizeof(o->b));
	if (n)
		memcpy(o->b + o->n, p, n);
	o->n += n;
}

static void put8(struct buf *o, unsigned int v)
{
	uint8_t c = (uint8_t)v;

	put(o, &c, 1);
}

static void put16(struct buf *o, unsigned int v)
{
	put8(o, v >> 8);
	put8(o, v & 0xff);
}

static void hexeq(const uint8_t *got, size_t n, const char *want)
{
	struct buf w;

	unhex(want, &w);
	cr_assert_eq(n, w.n);
	cr_assert_arr_eq(got, w.b, n, "bytes differ from %s", want);
}

/* Feed a copy in an exactly sized heap buffer, so ASan sees any over-read. */
static int feed_exact(struct xdt_quic_state *s, const uint8_t *b, size_t n, int from_client,
		      int truncated, struct xdt_quic_info *qi)
{
	uint8_t *p = malloc(n ? n : 1);
	int ret;

	cr_assert_not_null(p);
	memcpy(p, b, n);
	ret = xdt_quic_feed(s, p, n, from_client, truncated, qi);
	free(p);
	return ret;
}

static int feed_hex(struct xdt_quic_state *s, const char *hex, int from_client,
		    struct xdt_quic_info *qi)
{
	struct buf d;

	unhex(hex, &d);
	return feed_exact(s, d.b, d.n, from_client, 0, qi);
}

/*
 * A packet protector of the test's own: HKDF from HMAC() rather than the
 * EVP_KDF the module uses. It is checked against the RFC packets before use.
 */
static void t_expand_label(const uint8_t *secret, const char *label, uint8_t *out, size_t n)
{
	uint8_t info[64], md[32];
	unsigned int mdlen;
	size_t l = strlen(label);

	info[0] = 0;
	info[1] = (uint8_t)n;
	info[2] = (uint8_t)(6 + l);
	memcpy(info + 3, "tls13 ", 6);
	memcpy(info + 9, label, l);
	info[9 + l] = 0;
	info[10 + l] = 1;	/* T(1) = HMAC(secret, info | 0x01): n <= 32 */
	cr_assert_not_null(HMAC(EVP_sha256(), secret, 32, info, 11 + l, md, &mdlen));
	memcpy(out, md, n);
}

static void t_keys(uint32_t version, const uint8_t *cid, size_t cid_len, int server,
		   struct xdt_quic_keys *k)
{
	static const uint8_t salt_v1[] = {
		0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17,
		0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a,
	};
	static const uint8_t salt_v2[] = {
		0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93,
		0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb, 0xf9, 0xbd, 0x2e, 0xd9,
	};
	int v2 = version == XDT_QUIC_V2;
	uint8_t initial[32], secret[32];
	unsigned int n;

	cr_assert_not_null(HMAC(EVP_sha256(), v2 ? salt_v2 : salt_v1, 20, cid, cid_len, initial,
				&n));
	t_expand_label(initial, server ? "server in" : "client in", secret, 32);
	t_expand_label(secret, v2 ? "quicv2 key" : "quic key", k->key, 16);
	t_expand_label(secret, v2 ? "quicv2 iv" : "quic iv", k->iv, 12);
	t_expand_label(secret, v2 ? "quicv2 hp" : "quic hp", k->hp, 16);
}

struct pkt_spec {
	uint32_t version;
	int server;
	const uint8_t *dcid;	/* also the key source unless key_cid is set */
	size_t dcid_len;
	const uint8_t *scid;
	size_t scid_len;
	const uint8_t *key_cid;
	size_t key_cid_len;
	uint32_t pn;
	size_t pn_len;
	size_t pad_to;		/* pad the payload with PADDING to this many bytes */
};

/* Append one protected Initial carrying payload to o. */
static void protect(const struct pkt_spec *sp, const uint8_t *payload, size_t plen, struct buf *o)
{
	struct xdt_quic_keys k;
	uint8_t nonce[12], mask[16], pt[2048] = { 0 };
	size_t start = o->n, pn_off, i, body = plen < sp->pad_to ? sp->pad_to : plen;
	unsigned int type = sp->version == XDT_QUIC_V2 ? 1 : 0;
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int n;

	cr_assert_leq(body, sizeof(pt));
	memcpy(pt, payload, plen);
	t_keys(sp->version, sp->key_cid ? sp->key_cid : sp->dcid,
	       sp->key_cid ? sp->key_cid_len : sp->dcid_len, sp->server, &k);
	put8(o, 0xc0 | type << 4 | (unsigned int)(sp->pn_len - 1));
	put16(o, sp->version >> 16);
	put16(o, sp->version & 0xffff);
	put8(o, (unsigned int)sp->dcid_len);
	put(o, sp->dcid, sp->dcid_len);
	put8(o, (unsigned int)sp->scid_len);
	put(o, sp->scid, sp->scid_len);
	put8(o, 0);				/* token length */
	put16(o, 0x4000 | (unsigned int)(sp->pn_len + body + 16));
	pn_off = o->n;
	for (i = 0; i < sp->pn_len; i++)
		put8(o, sp->pn >> (8 * (sp->pn_len - 1 - i)));
	memcpy(nonce, k.iv, 12);
	for (i = 0; i < 4; i++)
		nonce[11 - i] ^= (uint8_t)(sp->pn >> (8 * i));
	cr_assert_leq(o->n + body + 16, sizeof(o->b));
	cr_assert(EVP_EncryptInit_ex(c, EVP_aes_128_gcm(), NULL, k.key, nonce) > 0);
	cr_assert(EVP_EncryptUpdate(c, NULL, &n, o->b + start, (int)(o->n - start)) > 0);
	cr_assert(EVP_EncryptUpdate(c, o->b + o->n, &n, pt, (int)body) > 0);
	cr_assert(EVP_EncryptFinal_ex(c, o->b + o->n + n, &n) > 0);
	o->n += body;
	cr_assert(EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, o->b + o->n) > 0);
	o->n += 16;
	cr_assert(EVP_EncryptInit_ex(c, EVP_aes_128_ecb(), NULL, k.hp, NULL) > 0);
	cr_assert(EVP_EncryptUpdate(c, mask, &n, o->b + pn_off + 4, 16) > 0);
	EVP_CIPHER_CTX_free(c);
	o->b[start] ^= mask[0] & 0x0f;
	for (i = 0; i < sp->pn_len; i++)
		o->b[pn_off + i] ^= mask[1 + i];
}

static const uint8_t cid_c[8] = { 0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08 };
static const uint8_t cid_s[8] = { 0xf0, 0x67, 0xa5, 0x50, 0x2a, 0x42, 0x62, 0xb5 };

static void crypto_frame(struct buf *o, size_t off, const uint8_t *d, size_t n)
{
	put8(o, 0x06);
	put16(o, 0x4000 | (unsigned int)off);
	put16(o, 0x4000 | (unsigned int)n);
	put(o, d, n);
}

/*
 * A ClientHello about as large as one with an X25519MLKEM768 key share
 * (1216 + 32 bytes of key shares), too large for one Initial.
 */
static void big_client_hello(struct buf *o, const char *sni)
{
	size_t at = o->n, ext_at, i, l = strlen(sni);

	put8(o, 1);
	put8(o, 0);
	put16(o, 0);
	put16(o, 0x0303);
	for (i = 0; i < 32; i++)
		put8(o, i);
	put8(o, 0);				/* session id */
	put16(o, 6);
	put16(o, 0x1301);
	put16(o, 0x1302);
	put16(o, 0x1303);
	put16(o, 0x0100);			/* compression: null */
	ext_at = o->n;
	put16(o, 0);
	put16(o, 0x0000);			/* server_name */
	put16(o, (unsigned int)(l + 5));
	put16(o, (unsigned int)(l + 3));
	put8(o, 0);
	put16(o, (unsigned int)l);
	put(o, sni, l);
	put16(o, 0x0010);			/* ALPN: h3 */
	put16(o, 5);
	put16(o, 3);
	put8(o, 2);
	put(o, "h3", 2);
	put16(o, 0x002b);			/* supported_versions: 1.3 */
	put16(o, 3);
	put8(o, 2);
	put16(o, 0x0304);
	put16(o, 0x0033);			/* key_share */
	put16(o, 2 + 4 + 1216 + 4 + 32);
	put16(o, 4 + 1216 + 4 + 32);
	put16(o, 0x11ec);
	put16(o, 1216);
	for (i = 0; i < 1216; i++)
		put8(o, i * 7);
	put16(o, 0x001d);
	put16(o, 32);
	for (i = 0; i < 32; i++)
		put8(o, i * 3);
	o->b[ext_at] = (uint8_t)((o->n - ext_at - 2) >> 8);
	o->b[ext_at + 1] = (uint8_t)(o->n - ext_at - 2);
	o->b[at + 2] = (uint8_t)((o->n - at - 4) >> 8);
	o->b[at + 3] = (uint8_t)(o->n - at - 4);
}

static void rfc_client_payload(struct buf *o)
{
	unhex(rfc_client_crypto, o);
}

static const struct pkt_spec rfc_client_spec = {
	.version = XDT_QUIC_V1, .dcid = cid_c, .dcid_len = 8, .pn = 2, .pn_len = 4,
	.pad_to = 1162,
};

static const struct pkt_spec rfc_server_spec = {
	.version = XDT_QUIC_V1, .server = 1, .scid = cid_s, .scid_len = 8, .key_cid = cid_c,
	.key_cid_len = 8, .pn = 1, .pn_len = 2,
};

static void expect_rfc_client_hello(const struct xdt_quic_info *qi)
{
	cr_assert_eq(qi->have_client_hello, 1);
	cr_assert_eq(qi->client_hello.handshake, XDT_TLS_CLIENT_HELLO);
	cr_assert_str_eq(qi->client_hello.sni, "example.com");
	cr_assert_str_eq(qi->client_hello.alpn, "alpn");
	cr_assert_eq(qi->client_hello.max_version, 0x0304);
	/* Computed from the RFC hello by a separate Python script following JA4.md. */
	cr_assert_str_eq(qi->client_hello.ja4, "q13d0211an_62ed6f6ca7ad_4d634acda6c0");
}

/* --- tests -------------------------------------------------------------------------- */

Test(dpi_quic, derives_the_rfc9001_initial_keys)
{
	struct xdt_quic_keys k;
	struct buf cid;

	unhex(rfc_dcid, &cid);
	cr_assert_eq(xdt_quic_initial_keys(XDT_QUIC_V1, cid.b, cid.n, 0, &k), 0);
	hexeq(k.key, 16, "1f369613dd76d5467730efcbe3b1a22d");
	hexeq(k.iv, 12, "fa044b2f42a3fd3b46fb255c");
	hexeq(k.hp, 16, "9f50449e04a0e810283a1e9933adedd2");
	cr_assert_eq(xdt_quic_initial_keys(XDT_QUIC_V1, cid.b, cid.n, 1, &k), 0);
	hexeq(k.key, 16, "cf3a5331653c364c88f0f379b6067e37");
	hexeq(k.iv, 12, "0ac1493ca1905853b0bba03e");
	hexeq(k.hp, 16, "c206b8d9b9f0f37644430b490eeaa314");
}

Test(dpi_quic, derives_the_rfc9369_v2_initial_keys)
{
	struct xdt_quic_keys k;
	struct buf cid;

	unhex(rfc_dcid, &cid);
	cr_assert_eq(xdt_quic_initial_keys(XDT_QUIC_V2, cid.b, cid.n, 0, &k), 0);
	hexeq(k.key, 16, "8b1a0bc121284290a29e0971b5cd045d");
	hexeq(k.iv, 12, "91f73e2351d8fa91660e909f");
	hexeq(k.hp, 16, "45b95e15235d6f45a6b19cbcb0294ba9");
	cr_assert_eq(xdt_quic_initial_keys(XDT_QUIC_V2, cid.b, cid.n, 1, &k), 0);
	hexeq(k.key, 16, "82db637861d55e1d011f19ea71d5d2a7");
	hexeq(k.iv, 12, "dd13c276499c0249d3310652");
	hexeq(k.hp, 16, "edf6d05c83121201b436e16877593c3a");
}

Test(dpi_quic, has_no_initial_keys_for_unknown_versions_or_long_cids)
{
	struct xdt_quic_keys k;
	uint8_t cid[21] = { 0 };

	cr_assert_eq(xdt_quic_initial_keys(0x51303530, cid, 8, 0, &k), -ENOTSUP);
	cr_assert_eq(xdt_quic_initial_keys(XDT_QUIC_V1, cid, 21, 0, &k), -EINVAL);
	cr_assert_eq(xdt_quic_initial_keys(XDT_QUIC_V1, cid, 0, 0, &k), 0);
}

Test(dpi_quic, the_test_protector_reproduces_the_rfc_packets)
{
	struct buf pl, got = { 0 }, want;

	rfc_client_payload(&pl);
	protect(&rfc_client_spec, pl.b, pl.n, &got);
	unhex(v1_client_initial, &want);
	cr_assert_eq(got.n, want.n);
	cr_assert_arr_eq(got.b, want.b, got.n);

	unhex(rfc_server_payload, &pl);
	got.n = 0;
	protect(&rfc_server_spec, pl.b, pl.n, &got);
	unhex(v1_server_initial, &want);
	cr_assert_eq(got.n, want.n);
	cr_assert_arr_eq(got.b, want.b, got.n);
}

Test(dpi_quic, decrypts_the_rfc9001_client_initial_to_its_client_hello)
{
	struct xdt_quic_state s;
	struct xdt_quic_info qi = { 0 };

	xdt_quic_state_init(&s);
	cr_assert_eq(feed_hex(&s, v1_client_initial, 1, &qi), 0);
	cr_assert_eq(qi.version, XDT_QUIC_V1);
	cr_assert_str_eq(xdt_quic_version_name(qi.version), "v1");
	hexeq(qi.dcid, qi.dcid_len, rfc_dcid);
	cr_assert_eq(qi.scid_len, 0);
	cr_assert_eq(qi.initials_decrypted, 1);
	cr_assert_eq(qi.tag_failures, 0);
	cr_assert_eq(qi.client_hello_unverified, 0);
	expect_rfc_client_hello(&qi);
	cr_assert_eq(qi.have_server_hello, 0);
	cr_assert_eq(qi.closed, 0);
}

Test(dpi_quic, decrypts_the_rfc9001_server_initial_with_the_clients_dcid)
{
	struct xdt_quic_state s;
	struct xdt_quic_info qi = { 0 };

	xdt_quic_state_init(&s);
	cr_assert_eq(feed_hex(&s, v1_client_initial, 1, &qi), 0);
	cr_assert_eq(feed_hex(&s, v1_server_initial, 0, &qi), 0);
	cr_assert_eq(qi.initials_decrypted, 2);
	cr_assert_eq(qi.have_server_hello, 1);
	cr_assert_eq(qi.server_hello.handshake, XDT_TLS_SERVER_HELLO);
	cr_assert_eq(qi.server_hello.cipher, 0x1301);
	cr_assert_eq(qi.server_hello.max_version, 0x0304);
	hexeq(qi.dcid, qi.dcid_len, rfc_dcid);	/* still the client's */
}

Test(dpi_quic, decrypts_the_rfc9369_v2_client_and_server_initials)
{
	struct xdt_quic_state s;
	struct xdt_quic_info qi = { 0 };

	xdt_quic_state_init(&s);
	cr_assert_eq(feed_hex(&s, v2_client_initial, 1, &qi), 0);
	cr_assert_eq(qi.version, XDT_QUIC_V2);
	cr_assert_str_eq(xdt_quic_version_name(qi.version), "v2");
	hexeq(qi.dcid, qi.dcid_len, rfc_dcid);
	cr_assert_eq(qi.initials_decrypted, 1);
	expect_rfc_client_hello(&qi);
	cr_assert_eq(feed_hex(&s, v2_server_initial, 0, &qi), 0);
	cr_assert_eq(qi.initials_decrypted, 2);
	cr_assert_eq(qi.tag_failures, 0);
	cr_assert_eq(qi.have_server_hello, 1);
	cr_assert_eq(qi.server_hello.cipher, 0x1301);
}

Test(dpi_quic, counts_a_server_initial_it_has_no_keys_for)
{
	struct xdt_quic_state s;
	struct xdt_quic_info qi = { 0 };

	xdt_quic_state_init(&s);
	cr_assert_eq(feed_hex(&s, v1_server_initial, 0, &qi), 0);
	cr_assert_eq(qi.initials_no_keys, 1);
	cr_assert_eq(qi.initials_decrypted, 0);
	cr_assert_eq(qi.have_server_hello, 0);
}

Test(dpi_quic, drops_and_counts_a_tampered_initial)
{
	struct xdt_quic_state s;
	struct xdt_quic_info qi = { 0 };
	struct buf d;

	unhex(v1_client_initial, &d);
	d.b[600] ^= 0x01;	/* payload byte: header protection still comes off */
	xdt_quic_state_init(&s);
	cr_assert_eq(feed_exact(&s, d.b, d.n, 1, 0, &qi), 0);
	cr_assert_eq(qi.tag_failures, 1);
	cr_assert_eq(qi.initials_decrypted, 0);
	cr_assert_eq(qi.have_client_hello, 0);
	/* The genuine packet still decrypts afterwards. */
	cr_assert_eq(feed_hex(&s, v1_client_initial, 1, &qi), 0);
	cr_assert_eq(qi.tag_failures, 1);
	cr_assert_eq(qi.initials_decrypted, 1);
	expect_rfc_client_hello(&qi);
}

Test(dpi_quic, decrypts_a_truncated_datagram_without_verifying_it)
{
	struct xdt_quic_state s;
	struct xdt_quic_info qi = { 0 };
	struct buf d;

	unhex(v1_client_initial, &d);
	xdt_quic_state_init(&s);
	cr_assert_eq(feed_exact(&s, d.b, 400, 1, 1, &qi), 0);
	cr_assert_eq(qi.initials_unverified, 1);
	cr_assert_eq(qi.initials_decrypted, 0);
	cr_assert_eq(qi.tag_failures, 0);
	cr_assert_eq(qi.client_hello_unverified, 1);
	expect_rfc_client_hello(&qi);
}

Test(dpi_quic, counts_a_packet_running_past_a_whole_datagram_as_malformed)
{
	struct xdt_quic_state s;
	struct xdt_quic_info qi = { 0 };
	struct buf d;

	/* The same 400 bytes as above, but the capture says this is the whole datagram. */
	unhex(v1_client_initial, &d);
	xdt_quic_state_init(&s);
	cr_assert_eq(feed_exact(&s, d.b, 400, 1, 0, &qi), 0, "still QUIC");
	cr_assert_eq(qi.malformed, 1);
	cr_assert_eq(qi.initials_unverified + qi.initials_decrypted, 0, "not read");
	cr_assert_eq(qi.have_client_hello, 0);
	/* A header cut inside its Length varint, in a whole datagram: lying too. */
	cr_assert_eq(feed_exact(&s, d.b, 17, 1, 0, &qi), 0);
	cr_assert_eq(qi.malformed, 2);
}

Test(dpi_quic, every_prefix_of_a_truncated_initial_gives_the_hello_once_it_is_there)
{
	/* 18 header bytes, 4 of packet number, 4 of CRYPTO frame header, 241 of hello */
	const size_t hello_end = 18 + 4 + 4 + 241;
	struct xdt_quic_state s;
	struct xdt_quic_info qi;
	struct buf d;
	size_t i;

	unhex(v1_client_initial, &d);
	for (i = 0; i <= d.n; i++) {
		int ret;

		memset(&qi, 0, sizeof(qi));
		xdt_quic_state_init(&s);
		ret = feed_exact(&s, d.b, i, 1, i < d.n, &qi);
		/* The version-independent header (through the SCID) takes 15 bytes. */
		cr_assert_eq(ret, i < 15 ? -EINVAL : 0, "prefix %zu returned %d", i, ret);
		cr_assert_eq(qi.have_client_hello, i >= hello_end, "prefix %zu", i);
		cr_assert_eq(qi.client_hello_unverified, i >= hello_end && i < d.n, "prefix %zu",
			     i);
		cr_assert_eq(qi.initials_decrypted, i == d.n, "prefix %zu", i);
	}
}

Test(dpi_quic, reassembles_a_client_hello_split_over_two_initials_fed_in_reverse)
{
	struct pkt_spec sp = rfc_client_spec;
	struct buf hello = { 0 }, p1 = { 0 }, p2 = { 0 }, pl = { 0 };
	struct xdt_quic_state s;
	struct xdt_quic_info qi = { 0 };
	size_t split = 1000;

	big_client_hello(&hello, "split.example");
	cr_assert_gt(hello.n, 1300);
	sp.pad_to = 1100;
	crypto_frame(&pl, 0, hello.b, split);
	sp.pn = 0;
	protect(&sp, pl.b, pl.n, &p1);
	pl.n = 0;
	crypto_frame(&pl, split, hello.b + split, hello.n - split);
	sp.pn = 1;
	protect(&sp, pl.b, pl.n, &p2);

	xdt_quic_state_init(&s);
	cr_assert_eq(feed_exact(&s, p2.b, p2.n, 1, 0, &qi), 0);
	cr_assert_eq(qi.initials_decrypted, 1);
	cr_assert_eq(qi.have_client_hello, 0);
	cr_assert_eq(feed_exact(&s, p1.b, p1.n, 1, 0, &qi), 0);
	cr_assert_eq(qi.initials_decrypted, 2);
	cr_assert_eq(qi.have_client_hello, 1);
	cr_assert_str_eq(qi.client_hello.sni, "split.example");
	cr_assert_str_eq(qi.client_hello.alpn, "h3");
	cr_assert_eq(qi.client_hello.ja4[0], 'q');
}

Test(dpi_quic, walks_coalesced_packets_by_their_length)
{
	struct pkt_spec sp = rfc_server_spec;
	struct buf pl = { 0 }, d = { 0 }, close = { 0 };
	struct xdt_quic_state s;
	struct xdt_quic_info qi = { 0 };
	size_t i;

	/* Client: the RFC Initial. Server: Initial (ServerHello), Handshake, Initial (close). */
	xdt_quic_state_init(&s);
	cr_assert_eq(feed_hex(&s, v1_client_initial, 1, &qi), 0);
	unhex(rfc_server_payload, &pl);
	protect(&sp, pl.b, pl.n, &d);
	/* A Handshake packet with the same (empty) DCID: recognised, not decrypted. */
	put8(&d, 0xe1);
	put16(&d, 0);
	put16(&d, 1);
	put8(&d, 0);
	put8(&d, 8);
	put(&d, cid_s, 8);
	put8(&d, 40);
	for (i = 0; i < 40; i++)
		put8(&d, i);
	put8(&close, 0x1c);
	put16(&close, 0x4000 | 0x128);	/* CRYPTO_ERROR + handshake_failure(40) */
	put8(&close, 0x06);		/* in a CRYPTO frame */
	put8(&close, 2);
	put(&close, "no", 2);
	sp.pn = 2;
	sp.pad_to = 0;		/* Length 25: as small as a sample allows */
	protect(&sp, close.b, close.n, &d);
	cr_assert_eq(feed_exact(&s, d.b, d.n, 0, 0, &qi), 0);
	cr_assert_eq(qi.initials_decrypted, 3);
	cr_assert_eq(qi.tag_failures, 0);
	cr_assert_eq(qi.have_server_hello, 1);
	cr_assert_eq(qi.closed, 1);
	cr_assert_eq(qi.close_app, 0);
	cr_assert_eq(qi.close_error, 0x128);
}

Test(dpi_quic, starts_over_with_new_keys_after_version_negotiation)
{
	struct pkt_spec sp = rfc_client_spec;
	struct buf pl = { 0 }, d = { 0 }, vn = { 0 };
	struct xdt_quic_state s;
	struct xdt_quic_info qi = { 0 };

	put8(&pl, 0x01);
	protect(&sp, pl.b, pl.n, &d);
	xdt_quic_state_init(&s);
	cr_assert_eq(feed_exact(&s, d.b, d.n, 1, 0, &qi), 0);
	put8(&vn, 0x80);
	put16(&vn, 0);
	put16(&vn, 0);
	put8(&vn, 0);
	put8(&vn, 8);
	put(&vn, cid_c, 8);
	put16(&vn, 0x6b33);	/* only v2 */
	put16(&vn, 0x43cf);
	cr_assert_eq(feed_exact(&s, vn.b, vn.n, 0, 0, &qi), 0);
	cr_assert_eq(qi.version_negotiation, 1);

	unhex(rfc_client_crypto, &pl);
	sp.version = XDT_QUIC_V2;
	sp.dcid = cid_s;	/* the new attempt's own DCID */
	sp.pn = 0;
	d.n = 0;
	protect(&sp, pl.b, pl.n, &d);
	cr_assert_eq(feed_exact(&s, d.b, d.n, 1, 0, &qi), 0);
	cr_assert_eq(qi.initials_decrypted, 2);
	cr_assert_eq(qi.version, XDT_QUIC_V2);
	hexeq(qi.dcid, qi.dcid_len, "f067a5502a4262b5");
	expect_rfc_client_hello(&qi);
}

Test(dpi_quic, stops_at_a_coalesced_packet_for_another_connection)
{
	struct pkt_spec sp = rfc_server_spec, other = rfc_server_spec;
	struct buf pl = { 0 }, d = { 0 };
	struct xdt_quic_state s;
	struct xdt_quic_info qi = { 0 };

	xdt_quic_state_init(&s);
	cr_assert_eq(feed_hex(&s, v1_client_initial, 1, &qi), 0);
	unhex(rfc_server_payload, &pl);
	other.dcid = cid_s;
	other.dcid_len = 8;
	other.pn = 2;
	protect(&other, pl.b, pl.n, &d);	/* DCID differs from the first packet's */
	d.n = 0;
	protect(&sp, pl.b, pl.n, &d);
	protect(&other, pl.b, pl.n, &d);
	cr_assert_eq(feed_exact(&s, d.b, d.n, 0, 0, &qi), 0);
	cr_assert_eq(qi.initials_decrypted, 2);
}

Test(dpi_quic, follows_a_retry_to_the_new_initial_keys)
{
	/* RFC 9001 A.4 */
	static const char retry[] =
		"ff000000010008f067a5502a4262b5746f6b656e04a265ba2eff4d829058fb3f0f2496ba";
	struct pkt_spec sp = rfc_client_spec;
	struct buf pl = { 0 }, d = { 0 };
	struct xdt_quic_state s;
	struct xdt_quic_info qi = { 0 };

	put8(&pl, 0x01);		/* first attempt: PING and PADDING only */
	protect(&sp, pl.b, pl.n, &d);
	xdt_quic_state_init(&s);
	cr_assert_eq(feed_exact(&s, d.b, d.n, 1, 0, &qi), 0);
	cr_assert_eq(qi.initials_decrypted, 1);
	cr_assert_eq(feed_hex(&s, retry, 0, &qi), 0);
	cr_assert_eq(qi.retry, 1);
	/* A second Retry, with another SCID, is not followed. */
	cr_assert_eq(feed_hex(&s, "ff0000000100080102030405060708746f6b656e"
				  "04a265ba2eff4d829058fb3f0f2496ba", 0, &qi), 0);

	unhex(rfc_client_crypto, &pl);
	sp.dcid = cid_s;		/* the Retry's SCID, which the keys now come from */
	sp.pn = 3;
	d.n = 0;
	protect(&sp, pl.b, pl.n, &d);
	cr_assert_eq(feed_exact(&s, d.b, d.n, 1, 0, &qi), 0);
	cr_assert_eq(qi.initials_decrypted, 2);
	cr_assert_eq(qi.tag_failures, 0);
	expect_rfc_client_hello(&qi);
	hexeq(qi.dcid, qi.dcid_len, rfc_dcid);	/* the first Initial's, as reported */
}

Test(dpi_quic, marks_the_flow_closed_on_connection_close)
{
	struct pkt_spec sp = rfc_client_spec;
	struct buf pl = { 0 }, d = { 0 };
	struct xdt_quic_state s;
	struct xdt_quic_info qi = { 0 };

	put8(&pl, 0x1d);	/* application close, as a client might send */
	put8(&pl, 0x07);
	put8(&pl, 0);
	sp.pad_to = 1162;
	protect(&sp, pl.b, pl.n, &d);
	xdt_quic_state_init(&s);
	cr_assert_eq(feed_exact(&s, d.b, d.n, 1, 0, &qi), 0);
	cr_assert_eq(qi.initials_decrypted, 1);
	cr_assert_eq(qi.closed, 1);
	cr_assert_eq(qi.close_app, 1);
	cr_assert_eq(qi.close_error, 7);
	cr_assert_eq(qi.have_client_hello, 0);
}

Test(dpi_quic, skips_ack_frames_and_stops_at_an_unknown_frame)
{
	struct pkt_spec sp = rfc_client_spec;
	struct buf pl = { 0 }, d = { 0 }, frame;
	struct xdt_quic_state s;
	struct xdt_quic_info qi = { 0 };
	static const uint8_t ack_ecn[] = { 0x03, 0x05, 0x40, 0x10, 0x02, 0x00, 0x01, 0x00,
					   0x01, 0x01, 0x07, 0x08, 0x09 };

	put(&pl, ack_ecn, sizeof(ack_ecn));
	put8(&pl, 0x01);		/* PING */
	unhex(rfc_client_crypto, &frame);
	put(&pl, frame.b, frame.n);
	put8(&pl, 0x1e);		/* HANDSHAKE_DONE: not allowed here, stops the walk */
	put8(&pl, 0x1c);
	put8(&pl, 0x01);
	put8(&pl, 0x00);
	put8(&pl, 0x00);
	protect(&sp, pl.b, pl.n, &d);
	xdt_quic_state_init(&s);
	cr_assert_eq(feed_exact(&s, d.b, d.n, 1, 0, &qi), 0);
	expect_rfc_client_hello(&qi);
	cr_assert_eq(qi.closed, 0);
}

Test(dpi_quic, rejects_udp_payloads_that_are_not_quic)
{
	static const uint8_t dns_query[] = { 0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00,
					     0x00, 0x00, 0x00, 0x00, 0x03, 'c', 'o', 'm', 0x00,
					     0x00, 0x01, 0x00, 0x01 };
	static const uint8_t unknown_version[] = { 0xc0, 0x12, 0x34, 0x56, 0x78, 0x00, 0x00 };
	static const uint8_t no_fixed_bit[] = { 0x80, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00 };
	static const uint8_t long_cid[] = { 0xc0, 0x00, 0x00, 0x00, 0x01, 0x15, 0x00 };
	static const uint8_t short_hdr[] = { 0x40, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07 };
	struct xdt_quic_state s;
	struct xdt_quic_info qi, zero;
	uint8_t junk[300];
	size_t i;

	memset(&qi, 0, sizeof(qi));
	memset(&zero, 0, sizeof(zero));
	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)(i * 131 + 7);
	xdt_quic_state_init(&s);
	cr_assert_eq(feed_exact(&s, dns_query, sizeof(dns_query), 1, 0, &qi), -EINVAL);
	cr_assert_eq(feed_exact(&s, unknown_version, sizeof(unknown_version), 1, 0, &qi), -EINVAL);
	cr_assert_eq(feed_exact(&s, no_fixed_bit, sizeof(no_fixed_bit), 1, 0, &qi), -EINVAL);
	cr_assert_eq(feed_exact(&s, long_cid, sizeof(long_cid), 1, 0, &qi), -EINVAL);
	cr_assert_eq(feed_exact(&s, short_hdr, sizeof(short_hdr), 1, 0, &qi), -EINVAL);
	cr_assert_eq(feed_exact(&s, junk, sizeof(junk), 1, 0, &qi), -EINVAL);
	cr_assert_eq(feed_exact(&s, junk, 0, 1, 0, &qi), -EINVAL);
	cr_assert_arr_eq(&qi, &zero, sizeof(qi));
	cr_assert_eq(xdt_quic_looks_like(dns_query, sizeof(dns_query)), 0);
	cr_assert_eq(xdt_quic_looks_like(unknown_version, sizeof(unknown_version)), 0);
}

Test(dpi_quic, accepts_short_headers_only_once_the_flow_is_quic)
{
	static const uint8_t short_hdr[] = { 0x41, 0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57,
					     0x08, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66 };
	struct xdt_quic_state s;
	struct xdt_quic_info qi = { 0 };

	xdt_quic_state_init(&s);
	cr_assert_eq(feed_exact(&s, short_hdr, sizeof(short_hdr), 0, 0, &qi), -EINVAL);
	cr_assert_eq(feed_hex(&s, v1_client_initial, 1, &qi), 0);
	cr_assert_eq(feed_exact(&s, short_hdr, sizeof(short_hdr), 0, 0, &qi), 0);
	cr_assert_eq(qi.initials_decrypted, 1);
}

Test(dpi_quic, parses_long_headers_of_every_kind)
{
	static const uint8_t vn[] = { 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x83, 0x94,
				      0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08, 0x00, 0x00, 0x00,
				      0x01, 0x6b, 0x33, 0x43, 0xcf };
	static const uint8_t q050[] = { 0xc3, 0x51, 0x30, 0x35, 0x30, 0x08, 1, 2, 3, 4, 5, 6,
					7, 8, 0x00, 0x00, 0x00 };
	static const uint8_t v2_retry[] = { 0xc0, 0x6b, 0x33, 0x43, 0xcf, 0x00, 0x01, 0xaa,
					    't', 'o', 'k' };
	struct xdt_quic_header h;
	struct buf d;

	unhex(v2_client_initial, &d);
	cr_assert_eq(xdt_quic_parse_header(d.b, d.n, &h), 0);
	cr_assert_eq(h.version, XDT_QUIC_V2);
	cr_assert_eq(h.type, XDT_QUIC_PKT_INITIAL);
	cr_assert_eq(h.dcid_len, 8);
	cr_assert_eq(h.scid_len, 0);
	cr_assert_eq(h.token_len, 0);
	cr_assert_eq(h.length, 1182);
	cr_assert_eq(h.hdr_len, 18);
	cr_assert_eq(xdt_quic_parse_header(d.b, 17, &h), -EAGAIN);	/* Length cut */
	cr_assert_eq(h.dcid_len, 8);
	cr_assert_eq(h.type, XDT_QUIC_PKT_INITIAL);
	cr_assert_eq(xdt_quic_parse_header(d.b, 10, &h), -EINVAL);	/* DCID cut */

	cr_assert_eq(xdt_quic_parse_header(vn, sizeof(vn), &h), 0);
	cr_assert_eq(h.type, XDT_QUIC_PKT_VN);
	cr_assert_eq(h.scid_len, 8);
	cr_assert_eq(xdt_quic_looks_like(vn, sizeof(vn)), 1);

	cr_assert_eq(xdt_quic_parse_header(q050, sizeof(q050), &h), 0);
	cr_assert_eq(h.type, XDT_QUIC_PKT_UNKNOWN);
	cr_assert_eq(h.version, 0x51303530);
	cr_assert_null(xdt_quic_version_name(h.version));
	cr_assert_eq(xdt_quic_looks_like(q050, sizeof(q050)), 1);

	cr_assert_eq(xdt_quic_parse_header(v2_retry, sizeof(v2_retry), &h), 0);
	cr_assert_eq(h.type, XDT_QUIC_PKT_RETRY);	/* v2 type bits 0b00 */

	cr_assert_str_eq(xdt_quic_version_name(XDT_QUIC_DRAFT29), "draft-29");
	unhex(v1_client_initial, &d);
	cr_assert_eq(xdt_quic_looks_like(d.b, d.n), 1);
	cr_assert_eq(xdt_quic_looks_like(d.b, 6), 0);
}

Test(dpi_quic, records_version_negotiation_and_an_unknown_version)
{
	static const uint8_t q050[] = { 0xc3, 0x51, 0x30, 0x35, 0x30, 0x08, 1, 2, 3, 4, 5, 6,
					7, 8, 0x00, 0x00, 0x00 };
	static const uint8_t vn[] = { 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 1, 2, 3, 4,
				      5, 6, 7, 8, 0x00, 0x00, 0x00, 0x01 };
	struct xdt_quic_state s;
	struct xdt_quic_info qi = { 0 };

	xdt_quic_state_init(&s);
	cr_assert_eq(feed_exact(&s, q050, sizeof(q050), 1, 0, &qi), 0);
	cr_assert_eq(qi.version, 0x51303530);
	cr_assert_eq(qi.dcid_len, 8);
	cr_assert_eq(qi.dcid[7], 8);
	cr_assert_eq(feed_exact(&s, vn, sizeof(vn), 0, 0, &qi), 0);
	cr_assert_eq(qi.version_negotiation, 1);
	cr_assert_eq(qi.version, 0x51303530);
	cr_assert_eq(qi.initials_decrypted + qi.initials_unverified + qi.tag_failures, 0);
}

Test(dpi_quic, survives_mutated_initials)
{
	struct xdt_quic_state s;
	struct xdt_quic_info qi;
	struct buf d, m;
	uint32_t x = 4242;
	int i, k;

	unhex(v1_client_initial, &d);
	for (i = 0; i < 3000; i++) {
		int ret;

		m = d;
		for (k = 0; k < 1 + i % 4; k++) {
			x = x * 1103515245 + 12345;
			m.b[(x >> 8) % (i % 2 ? 40 : m.n)] = (uint8_t)(x >> 20);
		}
		if (i % 3 == 0)
			m.n = 1 + (x >> 4) % m.n;
		memset(&qi, 0, sizeof(qi));
		xdt_quic_state_init(&s);
		ret = feed_exact(&s, m.b, m.n, i & 1, i % 5 == 0, &qi);
		cr_assert(ret == 0 || ret == -EINVAL, "ret %d", ret);
		cr_assert_lt(strlen(qi.client_hello.sni), sizeof(qi.client_hello.sni));
	}
}

/* ngtcp2 0.12's draft-v2 client changes its DCID after the first packet. */
Test(dpi_quic, keeps_the_first_connection_ids_of_a_version_it_cannot_read)
{
	static const uint8_t first[] = { 0xc3, 0x70, 0x9a, 0x50, 0xc4, 0x04, 1, 2, 3, 4, 0x04,
					 9, 9, 9, 9, 0x00, 0x00, 0x00 };
	static const uint8_t later[] = { 0xc3, 0x70, 0x9a, 0x50, 0xc4, 0x04, 5, 6, 7, 8, 0x04,
					 9, 9, 9, 9, 0x00, 0x00, 0x00 };
	struct xdt_quic_state s;
	struct xdt_quic_info qi = { 0 };

	xdt_quic_state_init(&s);
	cr_assert_eq(feed_exact(&s, first, sizeof(first), 1, 0, &qi), 0);
	cr_assert_eq(feed_exact(&s, later, sizeof(later), 1, 0, &qi), 0);
	cr_assert_eq(qi.version, 0x709a50c4);
	cr_assert_eq(qi.dcid_len, 4);
	cr_expect_eq(qi.dcid[0], 1, "the first packet's DCID, not the latest");
}

Test(dpi_quic, tls_handshake_parser_gives_a_q_ja4_over_quic)
{
	struct xdt_tls_info ti;
	struct buf f;
	const uint8_t *hs;

	unhex(rfc_client_crypto, &f);
	hs = f.b + 4;		/* past the CRYPTO frame's type, offset and length */
	cr_assert_eq(xdt_tls_parse_handshake(hs, f.n - 4, 1, &ti), 0);
	cr_assert_str_eq(ti.ja4, "q13d0211an_62ed6f6ca7ad_4d634acda6c0");
	cr_assert_str_eq(ti.sni, "example.com");
	cr_assert_eq(xdt_tls_parse_handshake(hs, f.n - 4, 0, &ti), 0);
	cr_assert_str_eq(ti.ja4, "t13d0211an_62ed6f6ca7ad_4d634acda6c0");
	cr_assert_eq(xdt_tls_parse_handshake(hs, f.n - 5, 1, &ti), -EAGAIN);
	cr_assert_eq(xdt_tls_parse_handshake(hs, 0, 1, &ti), -EAGAIN);
	cr_assert_eq(xdt_tls_parse_handshake((const uint8_t *)"\x0b\x00\x00\x30", 4, 1, &ti),
		     -EINVAL);
}
