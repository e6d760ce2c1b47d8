/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Test vectors kept as hex text (a third the lines of a byte array), and
 * deterministic noise for the "random bytes are not taken" tests.
 */
#ifndef XDT_TEST_HEXVEC_H
#define XDT_TEST_HEXVEC_H

#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>

static inline size_t unhex(uint8_t *dst, size_t cap, const char *hex)
{
	size_t n = 0;

	while (hex[0] && hex[1]) {
		unsigned int v;

		cr_assert_lt(n, cap, "vector longer than its buffer");
		cr_assert_eq(sscanf(hex, "%2x", &v), 1);
		dst[n++] = (uint8_t)v;
		hex += 2;
	}
	return n;
}

static inline void noise(uint8_t *b, size_t n, uint32_t *s)
{
	size_t i;

	for (i = 0; i < n; i++) {
		*s ^= *s << 13;	/* xorshift32 */
		*s ^= *s >> 17;
		*s ^= *s << 5;
		b[i] = (uint8_t)*s;
	}
}

#endif
