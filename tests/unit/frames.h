/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Builds test frames byte by byte, the way the RFCs lay them out, so the decoder
 * is checked against the wire format rather than against its own structs.
 */
#ifndef XDT_TEST_FRAMES_H
#define XDT_TEST_FRAMES_H

#include <stdint.h>
#include <string.h>

struct fb {
	uint8_t b[2048];
	size_t n;
};

static inline void fb_u8(struct fb *f, uint8_t v)
{
	f->b[f->n++] = v;
}

static inline void fb_u16(struct fb *f, uint16_t v)
{
	fb_u8(f, (uint8_t)(v >> 8));
	fb_u8(f, (uint8_t)v);
}

static inline void fb_u32(struct fb *f, uint32_t v)
{
	fb_u16(f, (uint16_t)(v >> 16));
	fb_u16(f, (uint16_t)v);
}

static inline void fb_bytes(struct fb *f, const void *p, size_t n)
{
	memcpy(f->b + f->n, p, n);
	f->n += n;
}

static inline void fb_zero(struct fb *f, size_t n)
{
	memset(f->b + f->n, 0, n);
	f->n += n;
}

/* Ethernet header with @ethertype; no tags. */
static inline void fb_eth(struct fb *f, uint16_t ethertype)
{
	static const uint8_t dst[6] = { 2, 0, 0, 0, 0, 2 }, src[6] = { 2, 0, 0, 0, 0, 1 };

	fb_bytes(f, dst, 6);
	fb_bytes(f, src, 6);
	fb_u16(f, ethertype);
}

static inline void fb_vlan(struct fb *f, uint16_t vid, uint16_t next)
{
	fb_u16(f, vid & 0x0fff);
	fb_u16(f, next);
}

/* IPv4 header without options; @tot = total length; @frag = flags+offset field. */
static inline void fb_ipv4(struct fb *f, uint8_t proto, uint32_t src, uint32_t dst,
			   uint16_t tot, uint16_t id, uint16_t frag)
{
	fb_u8(f, 0x45);
	fb_u8(f, 0);
	fb_u16(f, tot);
	fb_u16(f, id);
	fb_u16(f, frag);
	fb_u8(f, 64);
	fb_u8(f, proto);
	fb_u16(f, 0);
	fb_u32(f, src);
	fb_u32(f, dst);
}

static inline void fb_ipv6(struct fb *f, uint8_t nh, const uint8_t *src, const uint8_t *dst,
			   uint16_t plen)
{
	fb_u32(f, 0x60000000);
	fb_u16(f, plen);
	fb_u8(f, nh);
	fb_u8(f, 64);
	fb_bytes(f, src, 16);
	fb_bytes(f, dst, 16);
}

/* TCP header, 20 bytes plus @optlen bytes of NOP options. */
static inline void fb_tcp(struct fb *f, uint16_t sport, uint16_t dport, uint8_t flags,
			  size_t optlen)
{
	fb_u16(f, sport);
	fb_u16(f, dport);
	fb_u32(f, 1);
	fb_u32(f, 0);
	fb_u8(f, (uint8_t)(((20 + optlen) / 4) << 4));
	fb_u8(f, flags);
	fb_u16(f, 65535);
	fb_u16(f, 0);
	fb_u16(f, 0);
	memset(f->b + f->n, 1, optlen);
	f->n += optlen;
}

static inline void fb_udp(struct fb *f, uint16_t sport, uint16_t dport, uint16_t len)
{
	fb_u16(f, sport);
	fb_u16(f, dport);
	fb_u16(f, len);
	fb_u16(f, 0);
}

static inline void fb_icmp_echo(struct fb *f, uint8_t type, uint16_t id, uint16_t seq)
{
	fb_u8(f, type);
	fb_u8(f, 0);
	fb_u16(f, 0);
	fb_u16(f, id);
	fb_u16(f, seq);
}

#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

/* Ethernet + IPv4 (DF) + TCP with @n payload bytes: a whole frame in @f. */
static inline void fb_tcp4_frame(struct fb *f, uint32_t src, uint16_t sport, uint32_t dst,
				 uint16_t dport, uint8_t flags, const uint8_t *pay, size_t n)
{
	f->n = 0;
	fb_eth(f, 0x0800);
	fb_ipv4(f, 6, src, dst, (uint16_t)(40 + n), 1, 0x4000);
	fb_tcp(f, sport, dport, flags, 0);
	if (n)
		fb_bytes(f, pay, n);
}

static const uint8_t V6_A[16] = { 0xfd, 0, 0x02, 0x13, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
static const uint8_t V6_B[16] = { 0xfd, 0, 0x02, 0x13, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 };

#endif
