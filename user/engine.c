// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "pkt/frag.h"

#define EXPIRE_EVERY_NS 1000000000ULL
#define PDNS_ENTRIES 16384
#define PROC_ENTRIES 4096

struct xdt_engine {
	struct xdt_flow_table *flows;
	struct xdt_frag_cache *frags;
	struct xdt_engine_stats stats;
	struct xdt_dpi_opts dpi;
	struct xdt_dpi_stats dpi_stats;
	struct xdt_pdns *pdns;
	struct xdt_proc_cache *procs;
	xdt_dpi_done_fn on_dpi_done;
	void *ctx;
	struct xdt_geoip *geoip;
	struct xdt_rdns *rdns;
	uint64_t now_ns;
	uint64_t last_expire_ns;
	struct xdt_flow *last_flow;	/* of the last frame; NULL if none */
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
	xdt_flow_table_set_app_free(e->flows, xdt_app_free);
	e->pdns = xdt_pdns_new(PDNS_ENTRIES, opts->seed);
	if (!e->pdns)
		goto fail;
	e->procs = xdt_proc_cache_new("/", PROC_ENTRIES);
	if (!e->procs)
		goto fail;
	e->dpi = opts->dpi;
	e->on_dpi_done = opts->on_dpi_done;
	e->ctx = opts->ctx;
	e->geoip = opts->geoip;
	e->rdns = opts->rdns;
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
	xdt_pdns_free(e->pdns);
	xdt_proc_cache_free(e->procs);
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

/* The addresses a response gave, under the name that was asked for. */
static void pdns_learn(struct xdt_pdns *c, const struct xdt_dns_msg *r, uint64_t now_ns)
{
	const char *qname = xdt_dns_msg_str(r, 1);
	int i;

	if (r->rcode)
		return;
	for (i = 0; i < r->n_answers; i++) {
		if (r->an[i].type == XDT_DNS_TYPE_A)
			xdt_pdns_put(c, 4, r->an[i].addr, qname, now_ns);
		else if (r->an[i].type == XDT_DNS_TYPE_AAAA)
			xdt_pdns_put(c, 6, r->an[i].addr, qname, now_ns);
	}
}

static void dpi_feed(struct xdt_engine *e, struct xdt_flow *f, const struct xdt_dpi_payload *pl)
{
	struct xdt_app *a;
	int done = xdt_dpi_feed(&e->dpi_stats, f, pl);

	a = f->app;
	if (a && (a->proto == XDT_APP_DNS || a->proto == XDT_APP_MDNS ||
		  a->proto == XDT_APP_LLMNR) && a->u.dns->response && !a->u.dns->learnt) {
		pdns_learn(e->pdns, a->u.dns->response, e->now_ns);
		a->u.dns->learnt = 1;
	}
	if (done && e->on_dpi_done)
		e->on_dpi_done(f, e->ctx);
}

void xdt_engine_packet(struct xdt_engine *e, int link, const uint8_t *buf, size_t caplen,
		       size_t wirelen, uint64_t ts_ns)
{
	struct xdt_flow_pkt fp;
	struct xdt_flow *f;
	struct xdt_pkt p;

	e->stats.packets++;
	e->last_flow = NULL;
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
	if (p.frag != XDT_FRAG_NONE) {
		int rc = xdt_frag_cache_track(e->frags, &p, ts_ns);

		/* Overlapping fragments are malformed, as the BPF programs count them. */
		if (rc == -EBADMSG) {
			e->stats.malformed++;
			e->stats.malformed_by[XDT_MAL_FRAGMENT_OVERLAP]++;
			return;
		}
		if (rc < 0) {
			e->stats.parsed++;
			e->stats.frag_unattributed++;
			xdt_engine_tick(e, ts_ns);
			return;
		}
	}
	e->stats.parsed++;
	xdt_engine_tick(e, ts_ns);

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
	f = xdt_flow_table_update(e->flows, &fp);
	e->last_flow = f;
	if (f && p.payload_wire && p.frag != XDT_FRAG_LATER && (p.proto == 6 || p.proto == 17)) {
		struct xdt_dpi_payload pl = {
			.data = buf + p.payload_off,
			.wire_len = p.payload_wire,
			.tcp_seq = p.tcp_seq,
			.from_b = !fp.from_a,
			.has_seq = p.proto == 6,
		};

		pl.caplen = xdt_dpi_budget(&e->dpi, f, pl.from_b, pl.data, p.payload_len,
					   p.payload_wire);
		if (pl.caplen)
			dpi_feed(e, f, &pl);
	}
}

void xdt_engine_prefix(struct xdt_engine *e, struct xdt_flow *f, const struct xdt_dpi_payload *pl)
{
	if (!e->dpi.enabled)
		return;
	dpi_feed(e, f, pl);
}

struct xdt_flow *xdt_engine_last_flow(const struct xdt_engine *e)
{
	return e->last_flow;
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

const struct xdt_dpi_stats *xdt_engine_dpi_stats(const struct xdt_engine *e)
{
	return &e->dpi_stats;
}

struct xdt_proc_cache *xdt_engine_procs(struct xdt_engine *e)
{
	return e->procs;
}

const struct xdt_pdns *xdt_engine_pdns(const struct xdt_engine *e)
{
	return e->pdns;
}

struct xdt_geoip *xdt_engine_geoip(const struct xdt_engine *e)
{
	return e->geoip;
}

struct xdt_rdns *xdt_engine_rdns(const struct xdt_engine *e)
{
	return e->rdns;
}

const struct xdt_dpi_opts *xdt_engine_dpi_opts(const struct xdt_engine *e)
{
	return &e->dpi;
}

struct xdt_engine_stats *xdt_engine_stats_mut(struct xdt_engine *e)
{
	return &e->stats;
}
