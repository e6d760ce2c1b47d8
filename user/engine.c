// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "pkt/frag.h"

#define EXPIRE_EVERY_NS 1000000000ULL

struct xdt_engine {
	struct xdt_flow_table *flows;
	struct xdt_frag_cache *frags;
	struct xdt_engine_stats stats;
	uint64_t now_ns;
	uint64_t last_expire_ns;
};

struct xdt_engine *xdt_engine_new(const struct xdt_engine_opts *opts)
{
	struct xdt_engine *e = calloc(1, sizeof(*e));
	int err;

	if (!e)
		return NULL;
	e->flows = xdt_flow_table_new(opts->max_flows, opts->seed, opts->on_flow_end, opts->ctx);
	if (!e->flows)
		goto fail;
	e->frags = xdt_frag_cache_new(opts->frag_slots ? opts->frag_slots : 4096, opts->seed);
	if (!e->frags)
		goto fail;
	return e;
fail:
	err = errno;
	xdt_engine_free(e);
	errno = err;
	return NULL;
}

void xdt_engine_free(struct xdt_engine *e)
{
	if (!e)
		return;
	xdt_frag_cache_free(e->frags);
	xdt_flow_table_free(e->flows);
	free(e);
}

void xdt_engine_tick(struct xdt_engine *e, uint64_t now_ns)
{
	if (now_ns > e->now_ns)
		e->now_ns = now_ns;
	if (e->now_ns - e->last_expire_ns < EXPIRE_EVERY_NS)
		return;
	e->last_expire_ns = e->now_ns;
	xdt_flow_table_expire(e->flows, e->now_ns);
}

void xdt_engine_packet(struct xdt_engine *e, int link, const uint8_t *buf, size_t caplen,
		       size_t wirelen, uint64_t ts_ns)
{
	struct xdt_flow_pkt fp;
	struct xdt_pkt p;

	e->stats.packets++;
	switch (xdt_pkt_parse(link, buf, caplen, wirelen, &p)) {
	case XDT_PKT_OK:
		break;
	case XDT_PKT_UNSUPPORTED:
		e->stats.unsupported++;
		return;
	default:
		e->stats.malformed++;
		e->stats.malformed_by[p.malformed < XDT_MAL__COUNT ? p.malformed : 0]++;
		return;
	}
	e->stats.parsed++;
	xdt_engine_tick(e, ts_ns);

	if (p.frag == XDT_FRAG_FIRST) {
		xdt_frag_cache_remember(e->frags, &p, ts_ns);
	} else if (p.frag == XDT_FRAG_LATER &&
		   xdt_frag_cache_resolve(e->frags, &p, ts_ns) < 0) {
		e->stats.frag_unattributed++;
		return;
	}

	xdt_flow_key_make(&fp.key, p.family, p.proto, p.vlan, p.src, p.sport, p.dst, p.dport,
			  &fp.from_a);
	/* Later fragments carry no transport header, so no flags and no echo type. */
	fp.tcp_flags = p.frag == XDT_FRAG_LATER ? 0 : p.tcp_flags;
	fp.icmp_echo = 0;
	if (p.frag != XDT_FRAG_LATER) {
		if ((p.proto == 1 && p.icmp_type == 8) || (p.proto == 58 && p.icmp_type == 128))
			fp.icmp_echo = 1;
		else if ((p.proto == 1 && p.icmp_type == 0) || (p.proto == 58 && p.icmp_type == 129))
			fp.icmp_echo = 2;
	}
	/*
	 * Pinging yourself gives a key whose endpoints are equal, so the address order
	 * cannot tell the directions apart; the echo type can.
	 */
	if (!memcmp(fp.key.addr_a, fp.key.addr_b, sizeof(fp.key.addr_a)) &&
	    fp.key.port_a == fp.key.port_b)
		fp.from_a = fp.icmp_echo != 2;
	fp.bytes = p.ip_bytes;
	fp.ts_ns = ts_ns;
	xdt_flow_table_update(e->flows, &fp);
}

uint64_t xdt_engine_now(const struct xdt_engine *e)
{
	return e->now_ns;
}

struct xdt_flow_table *xdt_engine_flows(struct xdt_engine *e)
{
	return e->flows;
}

const struct xdt_engine_stats *xdt_engine_stats(const struct xdt_engine *e)
{
	return &e->stats;
}

struct xdt_engine_stats *xdt_engine_stats_mut(struct xdt_engine *e)
{
	return &e->stats;
}
