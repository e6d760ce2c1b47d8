// SPDX-License-Identifier: GPL-2.0-only
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <linux/if_link.h>
#include <netpacket/packet.h>
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "enrich/geoip.h"
#include "enrich/rdns.h"
#include "../dpi/service.h"
#include "../export/json.h"
#include "../proc/owner.h"

#define ENDED_MAX 1024

struct xdt_view {
	/* Totals history, one sample per snapshot, oldest first. */
	unsigned int n_hist;
	float hist_in[XDT_HISTORY], hist_out[XDT_HISTORY];
	/* The selected connection's history, reset when the selection changes. */
	struct xdt_flow_key sel;
	int have_sel;
	unsigned int sel_n;
	float sel_in[XDT_HISTORY], sel_out[XDT_HISTORY];
	/* Rows of flows that ended recently: a ring, newest last. */
	unsigned int n_ended, ended_head;
	struct xdt_row ended[ENDED_MAX];
	uint64_t ended_at[ENDED_MAX];
	uint64_t seq;
};

struct xdt_view *xdt_view_new(void)
{
	return calloc(1, sizeof(struct xdt_view));
}

void xdt_view_free(struct xdt_view *v)
{
	free(v);
}

/* Append one sample to a pair of histories that share their length. */
static void push(float *in, float *out, unsigned int *n, float x_in, float x_out)
{
	if (*n == XDT_HISTORY) {
		memmove(in, in + 1, (XDT_HISTORY - 1) * sizeof(*in));
		memmove(out, out + 1, (XDT_HISTORY - 1) * sizeof(*out));
		(*n)--;
	}
	in[*n] = x_in;
	out[*n] = x_out;
	(*n)++;
}

/* Truncating copy: display strings are cut to their column's room. */
static void copy(char *dst, size_t cap, const char *src)
{
	size_t n = src ? strnlen(src, cap - 1) : 0;

	if (n)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

void xdt_view_app(const struct xdt_flow *f, char *proto, size_t proto_len, char *app,
		  size_t app_len)
{
	const struct xdt_app *a = f->app;
	const char *name = "";
	int i;

	proto[0] = app[0] = '\0';
	if (!a || a->proto == XDT_APP_NONE)
		return;
	copy(proto, proto_len, xdt_app_proto_name(a->proto));
	switch (a->proto) {
	case XDT_APP_TLS:
		for (i = 0; i < 2; i++)
			if (a->have[i] == XDT_HAVE_OK && a->u.tls[i].handshake == XDT_TLS_CLIENT_HELLO)
				name = a->u.tls[i].sni;
		break;
	case XDT_APP_HTTP:
		for (i = 0; i < 2; i++)
			if (a->u.http[i].is_request)
				name = a->u.http[i].host;
		break;
	case XDT_APP_DNS:
	case XDT_APP_MDNS:
	case XDT_APP_LLMNR: {
		const struct xdt_dns_msg *m = a->u.dns->response ? a->u.dns->response
								  : a->u.dns->query;

		if (m)
			name = xdt_dns_msg_str(m, 1);
		break;
	}
	case XDT_APP_SSH: {
		int srv = f->init_is_a ? 1 : 0;

		/* The server's software says most; the client's if the server's is missing. */
		if (a->have[srv] == XDT_HAVE_OK)
			name = a->u.ssh[srv].software;
		else if (a->have[!srv] == XDT_HAVE_OK)
			name = a->u.ssh[!srv].software;
		break;
	}
	case XDT_APP_QUIC:
		if (a->u.quic->info.have_client_hello)
			name = a->u.quic->info.client_hello.sni;
		break;
	case XDT_APP_DHCP:
		if (a->have[0] == XDT_HAVE_OK)
			name = a->u.dhcp.hostname;
		break;
	default:
		break;
	}
	copy(app, app_len, name);
}

static int is_loopback(const struct xdt_flow_key *k, const uint8_t *a)
{
	static const uint8_t v6lo[16] = { [15] = 1 };

	if (k->family == XDT_FAM_IPV6)
		return !memcmp(a, v6lo, 16);
	return a[0] == 127;
}

static const char *proto_name(const struct xdt_flow_key *k)
{
	if (k->family == XDT_FAM_ARP)
		return "arp";
	switch (k->proto) {
	case 6: return "tcp";
	case 17: return "udp";
	case 1: return "icmp";
	case 58: return "icmpv6";
	default: return "other";
	}
}

/* The PTR name of @addr, else a name DNS answers on the wire gave it, else "". */
static void endpoint_name(struct xdt_engine *e, const struct xdt_pdns *names, int fam,
			  const uint8_t *addr, char *out, size_t len)
{
	char ptr[256];

	if (xdt_engine_rdns(e) &&
	    xdt_rdns_get(xdt_engine_rdns(e), fam, addr, ptr, sizeof(ptr)) == XDT_RDNS_FOUND)
		copy(out, len, ptr);
	else
		copy(out, len, xdt_pdns_lookup(names, fam, addr));
}

/* The country of the responder, or of the initiator when the responder has none. */
static void row_country(struct xdt_engine *e, int fam, const uint8_t *dst, const uint8_t *src,
			char *out, size_t len)
{
	struct xdt_geo g;

	out[0] = '\0';
	if (!xdt_engine_geoip(e))
		return;
	if (xdt_geoip_lookup(xdt_engine_geoip(e), fam, dst, &g) && g.country[0])
		snprintf(out, len, "%s", g.country);
	else if (xdt_geoip_lookup(xdt_engine_geoip(e), fam, src, &g) && g.country[0])
		snprintf(out, len, "%s", g.country);
}

static void fill_row(struct xdt_engine *e, const struct xdt_flow *f, uint64_t now_ns,
		     struct xdt_row *r)
{
	const struct xdt_flow_key *k = &f->key;
	const uint8_t *src = f->init_is_a ? k->addr_a : k->addr_b;
	const uint8_t *dst = f->init_is_a ? k->addr_b : k->addr_a;
	const struct xdt_pdns *names = xdt_engine_pdns(e);
	int af = k->family == XDT_FAM_IPV6 ? AF_INET6 : AF_INET, fam = af == AF_INET6 ? 6 : 4;
	const struct xdt_proc_info *pi;
	const char *svc;

	memset(r, 0, sizeof(*r));
	r->key = *k;
	r->proto = k->proto;
	r->family = k->family;
	copy(r->proto_name, sizeof(r->proto_name), proto_name(k));
	inet_ntop(af, src, r->src, sizeof(r->src));
	inet_ntop(af, dst, r->dst, sizeof(r->dst));
	r->sport = be16toh(f->init_is_a ? k->port_a : k->port_b);
	r->dport = be16toh(f->init_is_a ? k->port_b : k->port_a);
	r->local = k->family != XDT_FAM_ARP && is_loopback(k, src) && is_loopback(k, dst);
	if (k->family != XDT_FAM_ARP) {
		endpoint_name(e, names, fam, src, r->src_name, sizeof(r->src_name));
		endpoint_name(e, names, fam, dst, r->dst_name, sizeof(r->dst_name));
		row_country(e, fam, dst, src, r->country, sizeof(r->country));
	}
	copy(r->state, sizeof(r->state), f->closing ? "CLOSING" : xdt_tcp_state_name(f->tcp_state));
	if (k->family != XDT_FAM_ARP && (k->proto == 6 || k->proto == 17)) {
		svc = xdt_service_for_flow(k->proto, be16toh(k->port_a), be16toh(k->port_b));
		copy(r->service, sizeof(r->service), svc);
	}
	xdt_view_app(f, r->app_proto, sizeof(r->app_proto), r->app, sizeof(r->app));
	if (f->owner.method != XDT_METHOD_NONE && f->owner.pid > 0) {
		r->pid = f->owner.pid;
		pi = xdt_owner_info(xdt_engine_procs(e), &f->owner);
		copy(r->process, sizeof(r->process), pi && pi->name[0] ? pi->name : f->owner.name);
	}
	r->bps_out = xdt_flow_rate(f, XDT_DIR_OUT, now_ns);
	r->bps_in = xdt_flow_rate(f, XDT_DIR_IN, now_ns);
	r->bytes_out = f->dir[XDT_DIR_OUT].bytes;
	r->bytes_in = f->dir[XDT_DIR_IN].bytes;
	r->pkts_out = f->dir[XDT_DIR_OUT].pkts;
	r->pkts_in = f->dir[XDT_DIR_IN].pkts;
	r->first_ns = f->first_ns;
	r->last_ns = f->last_ns;
	r->timeout_ns = xdt_flow_timeout_ns(f);
}

void xdt_view_flow_ended(struct xdt_view *v, struct xdt_engine *e, const struct xdt_flow *f,
			 uint64_t now_ns)
{
	unsigned int slot = (v->ended_head + v->n_ended) % ENDED_MAX;

	if (v->n_ended == ENDED_MAX) {
		slot = v->ended_head;
		v->ended_head = (v->ended_head + 1) % ENDED_MAX;
	} else {
		v->n_ended++;
	}
	fill_row(e, f, now_ns, &v->ended[slot]);
	v->ended[slot].ended = 1;
	v->ended[slot].bps_in = v->ended[slot].bps_out = 0;
	v->ended_at[slot] = now_ns;
}

/*
 * The interface counters of this network namespace (getifaddrs asks the kernel
 * over netlink; /sys/class/net would show the namespace /sys was mounted in).
 */
static void ifstats(struct xdt_iface_view *iv, const struct ifaddrs *all)
{
	const struct ifaddrs *i;

	snprintf(iv->state, sizeof(iv->state), "gone");
	for (i = all; i; i = i->ifa_next) {
		const struct rtnl_link_stats *st = i->ifa_data;

		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_PACKET || !st ||
		    strcmp(i->ifa_name, iv->name))
			continue;
		iv->rx_packets = st->rx_packets;
		iv->rx_bytes = st->rx_bytes;
		iv->tx_packets = st->tx_packets;
		iv->tx_bytes = st->tx_bytes;
		iv->rx_dropped = st->rx_dropped;
		iv->tx_dropped = st->tx_dropped;
		snprintf(iv->state, sizeof(iv->state), "%s",
			 !(i->ifa_flags & IFF_UP)	 ? "down"
			 : !(i->ifa_flags & IFF_RUNNING) ? "no carrier"
							 : "up");
		return;
	}
}

/* The three commonest malformed reasons with their counts, most first. */
static void malformed_top(const struct xdt_engine_stats *es, char *dst, size_t cap)
{
	int order[XDT_MAL__COUNT], n = 0, i, j, t;
	size_t len = 0;

	dst[0] = '\0';
	for (i = 1; i < XDT_MAL__COUNT; i++)
		if (es->malformed_by[i])
			order[n++] = i;
	/* Insertion sort by count, most first; equal counts keep the reason order. */
	for (i = 1; i < n; i++) {
		for (j = i; j > 0; j--) {
			if (es->malformed_by[order[j]] <= es->malformed_by[order[j - 1]])
				break;
			t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	}
	for (i = 0; i < n && i < 3 && len < cap; i++)
		len += (size_t)snprintf(dst + len, cap - len, "%s%s %llu", i ? ", " : "",
					xdt_malformed_name((enum xdt_malformed)order[i]),
					(unsigned long long)es->malformed_by[order[i]]);
}

static char *flow_json(struct xdt_engine *e, const struct xdt_flow *f, uint64_t now_ns)
{
	struct xdt_json_ctx ctx = { xdt_engine_pdns(e), xdt_engine_procs(e), xdt_engine_geoip(e),
				    xdt_engine_rdns(e) };
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (!m)
		return NULL;
	xdt_json_flow(m, f, now_ns, &ctx);
	if (fclose(m)) {
		free(buf);
		return NULL;
	}
	return buf;
}

struct xdt_snapshot *xdt_view_build(struct xdt_view *v, struct xdt_engine *e,
				    const struct xdt_view_info *info,
				    const struct xdt_flow_key *selected, uint64_t now_ns)
{
	struct xdt_flow_table *t = xdt_engine_flows(e);
	const struct xdt_engine_stats *es = xdt_engine_stats(e);
	size_t n = xdt_flow_table_count(t), i, m;
	struct xdt_snapshot *s = calloc(1, sizeof(*s));
	const struct xdt_flow **list = NULL;
	const struct xdt_flow *sel = NULL;
	unsigned int j;

	/* Forget rows that have lingered long enough (the ring is oldest first). */
	while (v->n_ended && now_ns - v->ended_at[v->ended_head] > XDT_VIEW_LINGER_NS) {
		v->ended_head = (v->ended_head + 1) % ENDED_MAX;
		v->n_ended--;
	}
	if (!s)
		return NULL;
	list = malloc((n ? n : 1) * sizeof(*list));
	s->rows = malloc((n + v->n_ended + 1) * sizeof(*s->rows));
	if (!list || !s->rows) {
		free(list);
		xdt_snapshot_free(s);
		errno = ENOMEM;
		return NULL;
	}
	n = xdt_flow_table_list(t, list, n);
	for (i = 0, m = 0; i < n; i++, m++) {
		fill_row(e, list[i], now_ns, &s->rows[m]);
		s->bps_in += s->rows[m].bps_in;
		s->bps_out += s->rows[m].bps_out;
		s->bytes_in += s->rows[m].bytes_in;
		s->bytes_out += s->rows[m].bytes_out;
		if (selected && !memcmp(&list[i]->key, selected, sizeof(*selected)))
			sel = list[i];
	}
	for (j = 0; j < v->n_ended; j++)
		s->rows[m++] = v->ended[(v->ended_head + j) % ENDED_MAX];
	s->n_rows = m;
	free(list);

	s->seq = ++v->seq;
	s->now_ns = now_ns;
	s->backend = info->backend;
	s->xdp_mode = info->xdp_mode;
	push(v->hist_in, v->hist_out, &v->n_hist, (float)s->bps_in, (float)s->bps_out);
	s->n_history = v->n_hist;
	memcpy(s->hist_in, v->hist_in, sizeof(s->hist_in));
	memcpy(s->hist_out, v->hist_out, sizeof(s->hist_out));
	s->packets = es->packets;
	s->malformed = es->malformed;
	malformed_top(es, s->malformed_top, sizeof(s->malformed_top));
	s->capture_dropped = info->capture_dropped;
	s->prefix_lost = info->prefix_lost;
	s->map_full = info->map_full;
	if (info->n_ifnames) {
		struct ifaddrs *all = NULL;

		if (getifaddrs(&all) < 0)
			all = NULL;
		for (j = 0; j < info->n_ifnames && j < sizeof(s->ifaces) / sizeof(s->ifaces[0]);
		     j++) {
			struct xdt_iface_view *iv = &s->ifaces[s->n_ifaces++];

			copy(iv->name, sizeof(iv->name), info->ifnames[j]);
			ifstats(iv, all);
		}
		freeifaddrs(all);
	}

	if (info->sandbox) {
		const struct xdt_sandbox_report *r = info->sandbox;

		snprintf(s->sandbox_summary, sizeof(s->sandbox_summary), "%s", xdt_sb_summary(r));
		for (j = 0; j < XDT_SB_N && j < sizeof(s->sandbox) / sizeof(s->sandbox[0]); j++) {
			struct xdt_sandbox_view *sv = &s->sandbox[s->n_sandbox++];

			snprintf(sv->layer, sizeof(sv->layer), "%s", xdt_sb_layer_name((enum xdt_sb_layer)j));
			snprintf(sv->state, sizeof(sv->state), "%s%s%s",
				 xdt_sb_state_name(r->l[j].state), r->l[j].detail[0] ? ": " : "",
				 r->l[j].detail);
		}
	}

	/* The selected connection: its full record and a history of its own. */
	if (selected) {
		if (!v->have_sel || memcmp(&v->sel, selected, sizeof(*selected))) {
			v->sel = *selected;
			v->have_sel = 1;
			v->sel_n = 0;
		}
		s->selected = *selected;
		s->have_selected = 1;
		if (sel) {
			s->selected_json = flow_json(e, sel, now_ns);
			push(v->sel_in, v->sel_out, &v->sel_n,
			     (float)xdt_flow_rate(sel, XDT_DIR_IN, now_ns),
			     (float)xdt_flow_rate(sel, XDT_DIR_OUT, now_ns));
		}
		s->sel_n_history = v->sel_n;
		memcpy(s->sel_hist_in, v->sel_in, sizeof(s->sel_hist_in));
		memcpy(s->sel_hist_out, v->sel_out, sizeof(s->sel_hist_out));
	} else {
		v->have_sel = 0;
	}
	return s;
}
