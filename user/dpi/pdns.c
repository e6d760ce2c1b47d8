// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pdns.h"
#include "../util/hash.h"

#define WAYS 4

struct entry {
	uint8_t addr[16];
	uint8_t family;		/* 0: empty */
	uint64_t seen_ns;
	char name[XDT_PDNS_NAME_MAX];
};

struct xdt_pdns {
	struct entry *e;
	size_t sets_mask;
	size_t count;
	uint64_t seed;
};

struct xdt_pdns *xdt_pdns_new(size_t entries, uint64_t seed)
{
	struct xdt_pdns *c = calloc(1, sizeof(*c));
	size_t sets = 1;

	if (!c)
		return NULL;
	while (sets * WAYS < entries && sets < ((size_t)1 << 24))
		sets <<= 1;
	c->e = calloc(sets * WAYS, sizeof(*c->e));
	if (!c->e) {
		free(c);
		errno = ENOMEM;
		return NULL;
	}
	c->sets_mask = sets - 1;
	c->seed = seed;
	return c;
}

void xdt_pdns_free(struct xdt_pdns *c)
{
	if (!c)
		return;
	free(c->e);
	free(c);
}

static struct entry *set_of(const struct xdt_pdns *c, int family, const uint8_t *addr)
{
	size_t n = family == 6 ? 16 : 4;
	uint64_t h = xdt_hash_bytes(addr, n, c->seed ^ (uint64_t)family);

	return &c->e[(h & c->sets_mask) * WAYS];
}

static int same(const struct entry *e, int family, const uint8_t *addr)
{
	return e->family == family && !memcmp(e->addr, addr, family == 6 ? 16 : 4);
}

void xdt_pdns_put(struct xdt_pdns *c, int family, const uint8_t *addr, const char *name,
		  uint64_t now_ns)
{
	struct entry *set, *victim;
	size_t i, len;

	if (!c || (family != 4 && family != 6) || !name[0])
		return;
	set = set_of(c, family, addr);
	victim = &set[0];

	for (i = 0; i < WAYS; i++) {
		if (same(&set[i], family, addr)) {
			victim = &set[i];
			break;
		}
		if (!set[i].family) {
			if (victim->family)
				victim = &set[i];
		} else if (victim->family && set[i].seen_ns < victim->seen_ns) {
			victim = &set[i];
		}
	}
	if (!victim->family)
		c->count++;
	victim->family = (uint8_t)family;
	memset(victim->addr, 0, sizeof(victim->addr));
	memcpy(victim->addr, addr, family == 6 ? 16 : 4);
	victim->seen_ns = now_ns;
	len = strlen(name);
	if (len < sizeof(victim->name)) {
		memcpy(victim->name, name, len + 1);
	} else {
		memcpy(victim->name, name, sizeof(victim->name) - 2);
		victim->name[sizeof(victim->name) - 2] = '~';
		victim->name[sizeof(victim->name) - 1] = '\0';
	}
}

const char *xdt_pdns_lookup(const struct xdt_pdns *c, int family, const uint8_t *addr)
{
	const struct entry *set;
	size_t i;

	if (!c || (family != 4 && family != 6))
		return NULL;
	set = set_of(c, family, addr);
	for (i = 0; i < WAYS; i++)
		if (same(&set[i], family, addr))
			return set[i].name;
	return NULL;
}

size_t xdt_pdns_count(const struct xdt_pdns *c)
{
	return c ? c->count : 0;
}
