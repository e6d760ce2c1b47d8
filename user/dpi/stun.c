// SPDX-License-Identifier: GPL-2.0-only
/*
 * STUN. Any UDP flow may carry it (WebRTC picks ports at random), so this parser
 * is asked about every datagram nothing else claimed: the cookie and a length that
 * matches the datagram are what keep random bytes out, and they are checked first.
 */
#include <errno.h>
#include <string.h>

#include "stun.h"
#include "text.h"

#define HDR_LEN 20
#define MAGIC_COOKIE 0x2112a442u

#define ATTR_USERNAME 0x0006
#define ATTR_MESSAGE_INTEGRITY 0x0008
#define ATTR_ERROR_CODE 0x0009
#define ATTR_MESSAGE_INTEGRITY_SHA256 0x001c
#define ATTR_XOR_MAPPED_ADDRESS 0x0020
#define ATTR_SOFTWARE 0x8022
#define ATTR_FINGERPRINT 0x8028

static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* RFC 8489 14.2: the address is XORed with the cookie, then (IPv6) the txid. */
static int xor_mapped(const uint8_t *hdr, const uint8_t *v, uint16_t n, struct xdt_stun_info *out)
{
	size_t alen, i;

	if (n < 4)
		return -EINVAL;
	if (v[1] == 1)
		alen = 4;
	else if (v[1] == 2)
		alen = 16;
	else
		return -EINVAL;
	if (n != 4 + alen)
		return -EINVAL;
	if (out->has_mapped)
		return 0;
	out->has_mapped = 1;
	out->mapped_family = alen == 4 ? 4 : 6;
	out->mapped_port = rd16(v + 2) ^ (uint16_t)(MAGIC_COOKIE >> 16);
	/* Bytes 4..19 of the header are the cookie then the transaction id. */
	for (i = 0; i < alen; i++)
		out->mapped_addr[i] = v[4 + i] ^ hdr[4 + i];
	return 0;
}

/* RFC 8489 14.8: 21 zero bits, the class (3..6), the number (0..99), a reason. */
static int error_code(const uint8_t *v, uint16_t n, struct xdt_stun_info *out)
{
	uint8_t cls, num;

	if (n < 4)
		return -EINVAL;
	cls = v[2] & 7;
	num = v[3];
	if (cls < 3 || cls > 6 || num > 99)
		return -EINVAL;
	if (!out->error_code)
		out->error_code = (uint16_t)(cls * 100 + num);
	return 0;
}

static int take_attr(const uint8_t *hdr, uint16_t type, const uint8_t *v, uint16_t n,
		     struct xdt_stun_info *out)
{
	switch (type) {
	case ATTR_XOR_MAPPED_ADDRESS:
		return xor_mapped(hdr, v, n, out);
	case ATTR_ERROR_CODE:
		return error_code(v, n, out);
	case ATTR_SOFTWARE:
		if (!out->software[0])
			xdt_text_copy(out->software, sizeof(out->software), v, n);
		return 0;
	case ATTR_USERNAME:
		if (!out->username[0])
			xdt_text_copy(out->username, sizeof(out->username), v, n);
		return 0;
	case ATTR_MESSAGE_INTEGRITY:
	case ATTR_MESSAGE_INTEGRITY_SHA256:
		out->has_integrity = 1;
		return 0;
	case ATTR_FINGERPRINT:
		out->has_fingerprint = 1;
		return 0;
	default:
		return 0;
	}
}

int xdt_stun_parse(const uint8_t *buf, size_t len, struct xdt_stun_info *out)
{
	size_t off = HDR_LEN, end;
	uint16_t t;
	int err;

	memset(out, 0, sizeof(*out));
	if (len < HDR_LEN || rd32(buf + 4) != MAGIC_COOKIE)
		return -EINVAL;
	t = rd16(buf);
	out->length = rd16(buf + 2);
	if (t & 0xc000 || out->length % 4 || len > HDR_LEN + (size_t)out->length)
		return -EINVAL;
	out->type = t;
	/* The method's 12 bits are split around the two class bits (RFC 8489 5). */
	out->method = (uint16_t)((t & 0x000f) | (t & 0x00e0) >> 1 | (t & 0x3e00) >> 2);
	out->cls = (uint8_t)((t & 0x0010) >> 4 | (t & 0x0100) >> 7);
	memcpy(out->txid, buf + 8, sizeof(out->txid));
	end = HDR_LEN + (size_t)out->length;
	while (off < end) {
		uint16_t type, n;
		size_t padded;

		if (off >= len || len - off < 4) {
			out->truncated = 1;
			break;
		}
		type = rd16(buf + off);
		n = rd16(buf + off + 2);
		padded = ((size_t)n + 3) & ~(size_t)3;
		if (padded > end - off - 4)
			return -EINVAL;
		if (n > len - off - 4) {
			out->truncated = 1;
			break;
		}
		err = take_attr(buf, type, buf + off + 4, n, out);
		if (err)
			return err;
		out->n_attrs++;
		off += 4 + padded;
	}
	if (off > len)
		out->truncated = 1;
	return 0;
}

const char *xdt_stun_method_name(uint16_t method)
{
	static const char *const names[] = {
		[XDT_STUN_BINDING] = "binding",
		[XDT_STUN_ALLOCATE] = "allocate",
		[XDT_STUN_REFRESH] = "refresh",
		[XDT_STUN_SEND] = "send",
		[XDT_STUN_DATA] = "data",
		[XDT_STUN_CREATE_PERMISSION] = "create permission",
		[XDT_STUN_CHANNEL_BIND] = "channel bind",
		[0x00a] = "connect",		/* RFC 6062, TURN over TCP */
		[0x00b] = "connection bind",
		[0x00c] = "connection attempt",
	};

	return method < sizeof(names) / sizeof(names[0]) ? names[method] : NULL;
}

const char *xdt_stun_class_name(uint8_t cls)
{
	static const char *const names[4] = { "request", "indication", "success", "error" };

	return names[cls & 3];
}
