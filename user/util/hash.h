/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Seeded hash for tables keyed on packet contents. Keys come from the network, so
 * the seed is random per process: nobody can send a set of flows that all land in
 * one bucket.
 */
#ifndef XDT_HASH_H
#define XDT_HASH_H

#include <stdint.h>
#include <stddef.h>
#include <string.h>

static inline uint64_t xdt_hash_mix(uint64_t h, uint64_t v)
{
	h ^= v;
	h *= 0x9e3779b97f4a7c15ULL;
	h ^= h >> 32;
	return h;
}

/* Hash @len bytes; @len need not be a multiple of 8. */
static inline uint64_t xdt_hash_bytes(const void *data, size_t len, uint64_t seed)
{
	const uint8_t *p = data;
	uint64_t h = seed ^ (len * 0xff51afd7ed558ccdULL);
	uint64_t v;

	for (; len >= 8; p += 8, len -= 8) {
		memcpy(&v, p, 8);
		h = xdt_hash_mix(h, v);
	}
	if (len) {
		v = 0;
		memcpy(&v, p, len);
		h = xdt_hash_mix(h, v);
	}
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 32;
	return h;
}

/* A random seed from the kernel, or a time-based one if getrandom() fails. */
uint64_t xdt_hash_seed(void);

#endif
