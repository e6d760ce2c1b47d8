// SPDX-License-Identifier: GPL-2.0-only
/*
 * BitTorrent. The DHT speaks bencoding, which nests; the walk below recurses only
 * into lists and dictionaries, at most MAX_DEPTH deep, and every step consumes at
 * least one byte, so its cost is bounded by the length and the depth.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bittorrent.h"
#include "text.h"

#define PSTR "\x13" "BitTorrent protocol"
#define PSTR_LEN 20
#define HANDSHAKE_LEN (PSTR_LEN + 8 + 20 + 20)

#define MAX_DEPTH 8
#define MAX_LEN_DIGITS 6	/* a string longer than any datagram is malformed */
#define MAX_INT_DIGITS 20

#define UTP_HDR 20
#define UTP_ST_DATA_V1 0x01	/* type 0 (ST_DATA) in the high nibble, version 1 */
#define UTP_MAX_EXT 8

#define TRACKER_CONNECT_LEN 16
static const uint8_t tracker_magic[8] = { 0, 0, 0x04, 0x17, 0x27, 0x10, 0x19, 0x80 };

static int is_alnum(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static void to_hex(char *dst, const uint8_t *src, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		dst[2 * i] = digits[src[i] >> 4];
		dst[2 * i + 1] = digits[src[i] & 15];
	}
	dst[2 * n] = '\0';
}

static void set_info_hash(struct xdt_bittorrent_info *out, const uint8_t *h)
{
	memcpy(out->info_hash, h, 20);
	to_hex(out->info_hash_hex, h, 20);
	out->has_info_hash = 1;
}

/* BEP 20's Azureus style, "-" two letters four version characters "-"; else text. */
static void client_name(char *dst, size_t cap, const uint8_t *id)
{
	size_t n = 0;
	int i;

	for (i = 1; i < 7 && is_alnum(id[i]); i++)
		;
	if (id[0] == '-' && id[7] == '-' && i == 7) {
		snprintf(dst, cap, "%c%c %c.%c.%c.%c", id[1], id[2], id[3], id[4], id[5], id[6]);
		return;
	}
	while (n < 20 && id[n] > 0x20 && id[n] < 0x7f)
		n++;
	xdt_text_copy(dst, cap, id, n);
}

int xdt_bittorrent_parse(const uint8_t *buf, size_t len, struct xdt_bittorrent_info *out)
{
	memset(out, 0, sizeof(*out));
	if (!len)
		return -EAGAIN;
	if (memcmp(buf, PSTR, len < PSTR_LEN ? len : PSTR_LEN))
		return -EINVAL;
	if (len < HANDSHAKE_LEN)
		return -EAGAIN;
	out->kind = XDT_BITTORRENT_HANDSHAKE;
	memcpy(out->reserved, buf + PSTR_LEN, 8);
	set_info_hash(out, buf + PSTR_LEN + 8);
	memcpy(out->peer_id, buf + PSTR_LEN + 28, 20);
	client_name(out->client, sizeof(out->client), out->peer_id);
	return 0;
}

/* --- bencoding: 0, -EAGAIN when the bytes end inside the value, -EINVAL ------- */

static int benc_str(const uint8_t *p, size_t n, size_t *off, const uint8_t **s, size_t *slen)
{
	size_t o = *off, v = 0;
	int digits = 0;

	for (;;) {
		if (o >= n)
			return -EAGAIN;
		if (p[o] == ':')
			break;
		if (p[o] < '0' || p[o] > '9' || ++digits > MAX_LEN_DIGITS || (digits > 1 && !v))
			return -EINVAL;
		v = v * 10 + (size_t)(p[o] - '0');
		o++;
	}
	if (!digits)
		return -EINVAL;
	o++;
	if (v > n - o)
		return -EAGAIN;
	*s = p + o;
	*slen = v;
	*off = o + v;
	return 0;
}

static int benc_int(const uint8_t *p, size_t n, size_t *off)
{
	size_t o = *off + 1;
	int digits = 0;

	if (o < n && p[o] == '-')
		o++;
	for (;;) {
		if (o >= n)
			return -EAGAIN;
		if (p[o] == 'e')
			break;
		if (p[o] < '0' || p[o] > '9' || ++digits > MAX_INT_DIGITS)
			return -EINVAL;
		o++;
	}
	if (!digits)
		return -EINVAL;
	*off = o + 1;
	return 0;
}

static int benc_skip(const uint8_t *p, size_t n, size_t *off, int depth)
{
	const uint8_t *s;
	size_t slen;
	uint8_t c;
	int rc;

	if (*off >= n)
		return -EAGAIN;
	c = p[*off];
	if (c == 'i')
		return benc_int(p, n, off);
	if (c >= '0' && c <= '9')
		return benc_str(p, n, off, &s, &slen);
	if ((c != 'l' && c != 'd') || depth >= MAX_DEPTH)
		return -EINVAL;
	(*off)++;
	for (;;) {
		if (*off >= n)
			return -EAGAIN;
		if (p[*off] == 'e') {
			(*off)++;
			return 0;
		}
		if (c == 'd' && (rc = benc_str(p, n, off, &s, &slen)))
			return rc;
		rc = benc_skip(p, n, off, depth + 1);
		if (rc)
			return rc;
	}
}

/*
 * Walk the dictionary at *@off; @take sees each key with *@off at its value and
 * either consumes the value (returning 0 or an error) or returns 1 to have it skipped.
 */
typedef int (*take_fn)(struct xdt_bittorrent_info *out, const uint8_t *key, size_t klen,
		       const uint8_t *p, size_t n, size_t *off, int depth);

static int dict_walk(const uint8_t *p, size_t n, size_t *off, int depth, take_fn take,
		     struct xdt_bittorrent_info *out)
{
	const uint8_t *key;
	size_t klen;
	int rc;

	if (*off >= n)
		return -EAGAIN;
	if (p[*off] != 'd' || depth >= MAX_DEPTH)
		return -EINVAL;
	(*off)++;
	for (;;) {
		if (*off >= n)
			return -EAGAIN;
		if (p[*off] == 'e') {
			(*off)++;
			return 0;
		}
		rc = benc_str(p, n, off, &key, &klen);
		if (rc)
			return rc;
		rc = take(out, key, klen, p, n, off, depth);
		if (rc == 1)
			rc = benc_skip(p, n, off, depth + 1);
		if (rc)
			return rc;
	}
}

static int key_is(const uint8_t *key, size_t klen, const char *name)
{
	return klen == strlen(name) && !memcmp(key, name, klen);
}

/* The arguments ("a") or return values ("r"): the node id and an info_hash. */
static int take_args(struct xdt_bittorrent_info *out, const uint8_t *key, size_t klen,
		     const uint8_t *p, size_t n, size_t *off, int depth)
{
	const uint8_t *s;
	size_t slen;
	int rc;

	(void)depth;
	if (!key_is(key, klen, "id") && !key_is(key, klen, "info_hash"))
		return 1;
	if (*off < n && (p[*off] < '0' || p[*off] > '9'))
		return 1;
	rc = benc_str(p, n, off, &s, &slen);
	if (rc || slen != 20)
		return rc;
	if (key[0] == 'i' && klen == 2) {
		memcpy(out->node_id, s, 20);
		out->has_node_id = 1;
	} else {
		set_info_hash(out, s);
	}
	return 0;
}

static void dht_version(char *dst, size_t cap, const uint8_t *s, size_t n)
{
	if (n == 4 && is_alnum(s[0]) && is_alnum(s[1]))
		snprintf(dst, cap, "%c%c %u.%u", s[0], s[1], s[2], s[3]);
	else
		xdt_text_copy(dst, cap, s, n);
}

static int take_top(struct xdt_bittorrent_info *out, const uint8_t *key, size_t klen,
		    const uint8_t *p, size_t n, size_t *off, int depth)
{
	const uint8_t *s;
	size_t slen;
	int rc;

	if (klen != 1)
		return 1;
	switch (key[0]) {
	case 'a':
	case 'r':
		/* Bencoded keys are sorted, so "y" comes last: let this say it first. */
		if (!out->dht_type)
			out->dht_type = key[0] == 'a' ? 'q' : 'r';
		return dict_walk(p, n, off, depth + 1, take_args, out);
	case 'e':
		if (!out->dht_type)
			out->dht_type = 'e';
		return 1;
	case 'q':
	case 'y':
	case 'v':
		break;
	default:
		return 1;
	}
	if (*off < n && (p[*off] < '0' || p[*off] > '9'))
		return -EINVAL;
	rc = benc_str(p, n, off, &s, &slen);
	if (rc)
		return rc;
	if (key[0] == 'q') {
		xdt_text_copy(out->query, sizeof(out->query), s, slen);
	} else if (key[0] == 'v') {
		dht_version(out->version, sizeof(out->version), s, slen);
	} else {
		if (slen != 1 || (s[0] != 'q' && s[0] != 'r' && s[0] != 'e'))
			return -EINVAL;
		out->dht_type = (char)s[0];
	}
	return 0;
}

static int parse_dht(const uint8_t *buf, size_t len, struct xdt_bittorrent_info *out)
{
	size_t off = 0;
	int rc = dict_walk(buf, len, &off, 0, take_top, out);

	out->kind = XDT_BITTORRENT_DHT;
	if (rc == 0) {
		if (off != len || !out->dht_type || (out->dht_type == 'q' && !out->query[0]))
			return -EINVAL;
		return 0;
	}
	/* Cut by the capture: only the fixed starts of a query and a response will do. */
	if (rc == -EAGAIN && out->has_node_id && len >= 12 &&
	    (!memcmp(buf, "d1:ad2:id20:", 12) || !memcmp(buf, "d1:rd2:id20:", 12))) {
		out->truncated = 1;
		return 0;
	}
	return -EINVAL;
}

/* BEP 29: the 20-byte header, then a chain of (next type, length, bytes) extensions. */
static int parse_utp(const uint8_t *buf, size_t len, struct xdt_bittorrent_info *out)
{
	size_t off = UTP_HDR;
	uint8_t ext;
	int i, rc;

	if (len < UTP_HDR || buf[0] != UTP_ST_DATA_V1)
		return -EINVAL;
	ext = buf[1];
	for (i = 0; ext && i < UTP_MAX_EXT; i++) {
		if (len - off < 2 || buf[off + 1] > len - off - 2)
			return -EINVAL;
		ext = buf[off];
		off += 2 + (size_t)buf[off + 1];
	}
	if (ext || off >= len)
		return -EINVAL;
	rc = xdt_bittorrent_parse(buf + off, len - off, out);
	if (rc)
		return -EINVAL;
	out->utp = 1;
	return 0;
}

int xdt_bittorrent_parse_udp(const uint8_t *buf, size_t len, struct xdt_bittorrent_info *out)
{
	memset(out, 0, sizeof(*out));
	if (!len)
		return -EINVAL;
	if (buf[0] == 'd')
		return parse_dht(buf, len, out);
	if (len == TRACKER_CONNECT_LEN && !memcmp(buf, tracker_magic, 8) &&
	    !buf[8] && !buf[9] && !buf[10] && !buf[11]) {
		out->kind = XDT_BITTORRENT_TRACKER;
		return 0;
	}
	return parse_utp(buf, len, out);
}
