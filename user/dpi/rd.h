/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A bounded reader over attacker bytes for the binary parsers (TLS, QUIC): a read
 * past the end sets err and returns zeros instead of reading, so a parser checks
 * err once after a run of reads.
 */
#ifndef XDT_DPI_RD_H
#define XDT_DPI_RD_H

#include <stddef.h>
#include <stdint.h>

struct rd {
	const uint8_t *p;
	size_t len;
	size_t off;
	int err;
};

static inline const uint8_t *rd_take(struct rd *r, uint64_t n)
{
	const uint8_t *p;

	if (r->err || n > r->len - r->off) {
		r->err = 1;
		return NULL;
	}
	p = r->p + r->off;
	r->off += (size_t)n;
	return p;
}

static inline unsigned int rd_u8(struct rd *r)
{
	const uint8_t *p = rd_take(r, 1);

	return p ? p[0] : 0;
}

static inline unsigned int rd_u16(struct rd *r)
{
	const uint8_t *p = rd_take(r, 2);

	return p ? (unsigned int)(p[0] << 8 | p[1]) : 0;
}

static inline uint32_t rd_u32(struct rd *r)
{
	const uint8_t *p = rd_take(r, 4);

	return p ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3] : 0;
}

/* The next n bytes as their own reader; errors propagate to the parent's err. */
static inline struct rd rd_sub(struct rd *r, size_t n)
{
	struct rd s = { .p = rd_take(r, n) };

	if (s.p)
		s.len = n;
	else
		s.err = 1;
	return s;
}

static inline size_t rd_left(const struct rd *r)
{
	return r->len - r->off;
}

#endif
