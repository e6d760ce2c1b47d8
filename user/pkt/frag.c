// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <xdptop/frag.h>

#include "frag.h"
#include "../util/hash.h"

#define WAYS 4

struct frag_id {
	uint8_t src[16];
	uint8_t dst[16];
	uint32_t id;
	uint16_t vlan;
	uint8_t family;
	uint8_t proto;
};

struct frag_entry {
	struct frag_id key;
	uint64_t seen_ns;	/* when the entry was made; 0: empty */
	struct xdt_frag_cover cover;	/* the datagram's bytes seen so far */
	uint16_t sport;
	uint16_t dport;
	uint8_t proto;		/* transport protocol, past any extension headers */
	uint8_t has_ports;	/* the first fragment was seen */
};

struct xdt_frag_cache {
	uint64_t seed;
	unsigned int mask;	/* sets - 1 */
	struct frag_entry *slots;
};

static void frag_id_of(const struct xdt_pkt *p, struct frag_id *k)
{
	memset(k, 0, sizeof(*k));
	memcpy(k->src, p->src, sizeof(k->src));
	memcpy(k->dst, p->dst, sizeof(k->dst));
	k->id = p->frag_id;
	k->vlan = p->vlan;
	k->family = p->family;
	/* What every fragment carries, not the transport protocol behind extension
	 * headers that only the first fragment has. */
	k->proto = p->frag_nh;
}

struct xdt_frag_cache *xdt_frag_cache_new(unsigned int slots, uint64_t seed)
{
	struct xdt_frag_cache *fc;
	unsigned int sets = 1;

	while (sets * WAYS < slots && sets < (1u << 24))
		sets <<= 1;
	fc = calloc(1, sizeof(*fc));
	if (!fc)
		return NULL;
	fc->slots = calloc((size_t)sets * WAYS, sizeof(*fc->slots));
	if (!fc->slots) {
		free(fc);
		errno = ENOMEM;
		return NULL;
	}
	fc->mask = sets - 1;
	fc->seed = seed;
	return fc;
}

void xdt_frag_cache_free(struct xdt_frag_cache *fc)
{
	if (!fc)
		return;
	free(fc->slots);
	free(fc);
}

static struct frag_entry *set_of(struct xdt_frag_cache *fc, const struct frag_id *k)
{
	uint64_t h = xdt_hash_bytes(k, sizeof(*k), fc->seed);

	return &fc->slots[(h & fc->mask) * WAYS];
}

static int live(const struct frag_entry *e, uint64_t now_ns)
{
	/* Capture timestamps can step back a little; that is not an expiry. */
	return e->seen_ns && (now_ns < e->seen_ns || now_ns - e->seen_ns < XDT_FRAG_TIMEOUT_NS);
}

int xdt_frag_cache_track(struct xdt_frag_cache *fc, struct xdt_pkt *p, uint64_t now_ns)
{
	struct frag_entry *set, *e = NULL, *victim;
	struct frag_id k;
	int i;

	frag_id_of(p, &k);
	set = set_of(fc, &k);
	victim = &set[0];
	for (i = 0; i < WAYS; i++) {
		if (live(&set[i], now_ns) && !memcmp(&set[i].key, &k, sizeof(k))) {
			e = &set[i];
			break;
		}
		/* Otherwise replace an empty or expired way, else the oldest. */
		if (!live(&set[i], now_ns) || set[i].seen_ns < victim->seen_ns)
			victim = &set[i];
	}
	if (!e) {
		e = victim;
		memset(e, 0, sizeof(*e));
		e->key = k;
		e->seen_ns = now_ns ? now_ns : 1;
	}
	if (xdt_frag_cover_add(&e->cover, p->frag_off, p->frag_len, p->frag_more) ==
	    XDT_FRAG_OVERLAP)
		return -EBADMSG;
	if (p->frag == XDT_FRAG_FIRST) {
		e->sport = p->sport;
		e->dport = p->dport;
		e->proto = p->proto;
		e->has_ports = 1;
		return 0;
	}
	if (!e->has_ports)
		return -ENOENT;
	p->sport = e->sport;
	p->dport = e->dport;
	p->proto = e->proto;
	return 0;
}
