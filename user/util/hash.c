// SPDX-License-Identifier: GPL-2.0-only
#include <sys/random.h>
#include <time.h>

#include "hash.h"

uint64_t xdt_hash_seed(void)
{
	struct timespec ts;
	uint64_t seed;

	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) == sizeof(seed))
		return seed;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return xdt_hash_mix((uint64_t)ts.tv_nsec, (uint64_t)ts.tv_sec);
}
