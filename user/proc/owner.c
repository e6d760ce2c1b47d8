// SPDX-License-Identifier: GPL-2.0-only
#include <endian.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "owner.h"

static uint64_t tick_ns(void)
{
	static uint64_t ns;
	long hz;

	if (!ns) {
		hz = sysconf(_SC_CLK_TCK);
		ns = 1000000000ULL / (uint64_t)(hz > 0 ? hz : 100);
	}
	return ns;
}

static void set_name(struct xdt_flow_owner *o, const char *name)
{
	const char *base = strrchr(name, '/');

	base = base && base[1] ? base + 1 : name;
	strncpy(o->name, base, sizeof(o->name) - 1);
	o->name[sizeof(o->name) - 1] = '\0';
}

void xdt_owner_resolve(struct xdt_proc_cache *c, struct xdt_flow_owner *o,
		       const char *exec_path, uint64_t exec_ts_boot_ns)
{
	const struct xdt_proc_info *i = xdt_proc_cache_get(c, o->pid, 0, o->comm, o->uid);

	/* The process in /proc now started after the kernel saw the socket's owner: a reuse. */
	if (!i->gone && (!o->ts_boot_ns || i->start_ticks * tick_ns() <= o->ts_boot_ns + tick_ns())) {
		o->start_ticks = i->start_ticks;
		o->gone = 0;
		set_name(o, i->name);
		return;
	}
	o->start_ticks = 0;
	o->gone = 1;
	if (exec_path && exec_path[0] && exec_ts_boot_ns <= o->ts_boot_ns)
		set_name(o, exec_path);
	else
		set_name(o, o->comm);
}

const struct xdt_proc_info *xdt_owner_info(struct xdt_proc_cache *c,
					   const struct xdt_flow_owner *o)
{
	if (o->method == XDT_METHOD_NONE || o->pid <= 0)
		return NULL;
	/*
	 * A gone process asks with a start time no process has: the cache
	 * then describes it from these fields only, never from /proc/PID.
	 */
	return xdt_proc_cache_get(c, o->pid, o->gone ? UINT64_MAX : o->start_ticks * tick_ns(), o->name,
				  o->uid);
}

/* 0 exact, XDT_PROC_MATCH_BOUND, -ENOENT; tries @a as the local side. */
static int find(const struct xdt_proc_snapshot *s, const struct xdt_flow_key *k, int a_local,
		int32_t *pid, uint32_t *uid)
{
	const uint8_t *l = a_local ? k->addr_a : k->addr_b, *r = a_local ? k->addr_b : k->addr_a;
	uint16_t lp = be16toh(a_local ? k->port_a : k->port_b);
	uint16_t rp = be16toh(a_local ? k->port_b : k->port_a);

	return xdt_proc_snapshot_find(s, k->family == XDT_FAM_IPV6 ? 6 : 4, k->proto, l, lp, r, rp,
				      pid, uid);
}

int xdt_owner_fallback_one(struct xdt_flow *f, const struct xdt_proc_snapshot *s,
			   struct xdt_proc_cache *c)
{
	int32_t pid = 0, pid2 = 0;
	uint32_t uid = 0, uid2 = 0;
	int r1, r2;

	if (!s || f->owner.method != XDT_METHOD_NONE || f->key.family == XDT_FAM_ARP ||
	    (f->key.proto != 6 && f->key.proto != 17))
		return 0;
	/* The responder is local more often than not: try it first. */
	r1 = find(s, &f->key, !f->init_is_a, &pid, &uid);
	if (r1 != 0) {
		r2 = find(s, &f->key, f->init_is_a, &pid2, &uid2);
		if (r2 == 0 || (r1 < 0 && r2 == XDT_PROC_MATCH_BOUND)) {
			r1 = r2;
			pid = pid2;
			uid = uid2;
		}
	}
	if (r1 < 0 || pid <= 0)
		return 0;
	memset(&f->owner, 0, sizeof(f->owner));
	f->owner.pid = pid;
	f->owner.uid = uid;
	f->owner.method = XDT_METHOD_SOCK_DIAG;
	f->owner.by_port = r1 == XDT_PROC_MATCH_BOUND;
	xdt_owner_resolve(c, &f->owner, NULL, 0);
	return 1;
}

struct fallback_walk {
	const struct xdt_proc_snapshot *s;
	struct xdt_proc_cache *c;
	size_t done;
};

static void fallback_each(struct xdt_flow *f, void *ctx)
{
	struct fallback_walk *w = ctx;

	w->done += (size_t)xdt_owner_fallback_one(f, w->s, w->c);
}

/* Every interval over the whole table: no order needed, so no sorted list. */
size_t xdt_owner_fallback(struct xdt_flow_table *t, const struct xdt_proc_snapshot *s,
			  struct xdt_proc_cache *c)
{
	struct fallback_walk w = { s, c, 0 };

	if (!s)
		return 0;
	xdt_flow_table_each(t, fallback_each, &w);
	return w.done;
}
