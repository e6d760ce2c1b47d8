// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer: the parsers of what processes write (/proc/PID/stat, whose comm a
 * process chooses, and /proc/PID/cgroup) and of sock_diag replies. The first byte
 * picks the parser.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "proc/diag.h"
#include "proc/proc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void must_be_string(const char *s, size_t cap)
{
	if (!memchr(s, '\0', cap))
		__builtin_trap();
}

static int count(const struct xdt_diag_sock *s, void *ctx)
{
	if (s->family != 4 && s->family != 6)
		__builtin_trap();
	(*(size_t *)ctx)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char comm[64], unit[96], container[16];
	uint64_t ticks;
	size_t n = 0;

	if (size < 1)
		return 0;
	switch (data[0] % 3) {
	case 0:
		if (xdt_proc_parse_stat((const char *)data + 1, size - 1, comm, sizeof(comm),
					&ticks) == 0)
			must_be_string(comm, sizeof(comm));
		break;
	case 1:
		xdt_proc_parse_cgroup((const char *)data + 1, size - 1, unit, sizeof(unit),
				      container, sizeof(container));
		must_be_string(unit, sizeof(unit));
		must_be_string(container, sizeof(container));
		break;
	default:
		xdt_diag_parse(data + 1, size - 1, data[0] & 4 ? 17 : 6, count, &n);
		break;
	}
	return 0;
}
