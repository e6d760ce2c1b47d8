// SPDX-License-Identifier: GPL-2.0-only
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "json.h"

void xdt_json_time(char *buf, size_t len, uint64_t ns)
{
	time_t sec = (time_t)(ns / 1000000000ULL);
	struct tm tm;
	size_t n;

	gmtime_r(&sec, &tm);
	n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, len - n, ".%09lluZ", (unsigned long long)(ns % 1000000000ULL));
}

static const char *proto_name(const struct xdt_flow_key *k)
{
	if (k->family == XDT_FAM_ARP)
		return "arp";
	switch (k->proto) {
	case 6:
		return "tcp";
	case 17:
		return "udp";
	case 1:
		return "icmp";
	case 58:
		return "icmpv6";
	default:
		return "other";
	}
}

static void addr_str(const struct xdt_flow_key *k, const uint8_t *a, char *buf, size_t len)
{
	inet_ntop(k->family == XDT_FAM_IPV6 ? AF_INET6 : AF_INET, a, buf, (socklen_t)len);
}

void xdt_json_flow(FILE *out, const struct xdt_flow *f, uint64_t now_ns)
{
	const struct xdt_flow_key *k = &f->key;
	const uint8_t *src = f->init_is_a ? k->addr_a : k->addr_b;
	const uint8_t *dst = f->init_is_a ? k->addr_b : k->addr_a;
	uint16_t sport = be16toh(f->init_is_a ? k->port_a : k->port_b);
	uint16_t dport = be16toh(f->init_is_a ? k->port_b : k->port_a);
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN], t0[40], t1[40];
	const char *proto = proto_name(k);

	addr_str(k, src, s, sizeof(s));
	addr_str(k, dst, d, sizeof(d));
	xdt_json_time(t0, sizeof(t0), f->first_ns);
	xdt_json_time(t1, sizeof(t1), f->last_ns);
	fprintf(out,
		"{\"type\":\"flow\",\"proto\":\"%s\",\"family\":%d,\"src\":\"%s\",\"sport\":%u,"
		"\"dst\":\"%s\",\"dport\":%u,\"state\":\"%s\",\"first_seen\":\"%s\","
		"\"last_seen\":\"%s\",\"pkts_out\":%llu,\"bytes_out\":%llu,\"pkts_in\":%llu,"
		"\"bytes_in\":%llu,\"bps_out\":%.1f,\"bps_in\":%.1f",
		proto, k->family == XDT_FAM_IPV6 ? 6 : 4, s, sport, d, dport,
		xdt_tcp_state_name(f->tcp_state), t0, t1,
		(unsigned long long)f->dir[XDT_DIR_OUT].pkts,
		(unsigned long long)f->dir[XDT_DIR_OUT].bytes,
		(unsigned long long)f->dir[XDT_DIR_IN].pkts,
		(unsigned long long)f->dir[XDT_DIR_IN].bytes,
		xdt_flow_rate(f, XDT_DIR_OUT, now_ns), xdt_flow_rate(f, XDT_DIR_IN, now_ns));
	if (k->vlan)
		fprintf(out, ",\"vlan\":%u", k->vlan);
	if (proto[0] == 'o')
		fprintf(out, ",\"ipproto\":%u", k->proto);
	if (f->prefixes[XDT_DIR_OUT] || f->prefixes[XDT_DIR_IN])
		fprintf(out, ",\"prefixes_out\":%u,\"prefixes_in\":%u", f->prefixes[XDT_DIR_OUT],
			f->prefixes[XDT_DIR_IN]);
	if (f->end != XDT_END_NONE)
		fprintf(out, ",\"end\":\"%s\"", xdt_flow_end_name(f->end));
	fputs("}\n", out);
}

void xdt_json_stats(FILE *out, struct xdt_engine *e, const struct xdt_capture_stats *cap)
{
	const struct xdt_engine_stats *s = xdt_engine_stats(e);
	struct xdt_flow_table *t = xdt_engine_flows(e);
	const struct xdt_flow_table_stats *fs = xdt_flow_table_stats(t);
	const char *sep = "";
	int i;

	fprintf(out,
		"{\"type\":\"stats\",\"packets\":%llu,\"parsed\":%llu,\"unsupported\":%llu,"
		"\"malformed\":%llu,\"malformed_by_reason\":{",
		(unsigned long long)s->packets, (unsigned long long)s->parsed,
		(unsigned long long)s->unsupported, (unsigned long long)s->malformed);
	for (i = 1; i < XDT_MAL__COUNT; i++) {
		if (!s->malformed_by[i])
			continue;
		fprintf(out, "%s\"%s\":%llu", sep, xdt_malformed_name(i),
			(unsigned long long)s->malformed_by[i]);
		sep = ",";
	}
	fprintf(out,
		"},\"fragments_unattributed\":%llu,\"flows\":%zu,\"flows_total\":%llu,"
		"\"flows_expired\":%llu,\"flows_evicted\":%llu,\"flows_reused\":%llu",
		(unsigned long long)s->frag_unattributed, xdt_flow_table_count(t),
		(unsigned long long)fs->created, (unsigned long long)fs->expired,
		(unsigned long long)fs->evicted, (unsigned long long)fs->reused);
	if (cap && cap->backend)
		fprintf(out, ",\"backend\":\"%s\"", cap->backend);
	if (cap && cap->valid)
		fprintf(out, ",\"capture_dropped\":%llu,\"capture_if_dropped\":%llu",
			(unsigned long long)cap->dropped, (unsigned long long)cap->if_dropped);
	if (cap && cap->kernel)
		fprintf(out,
			",\"xdp_mode\":\"%s\",\"prefix_records\":%llu,\"prefix_bad\":%llu,"
			"\"prefix_lost\":%llu,\"kernel_map_full\":%llu,\"redirected\":%llu",
			cap->xdp_mode ? cap->xdp_mode : "unknown",
			(unsigned long long)cap->prefixes, (unsigned long long)cap->prefix_bad,
			(unsigned long long)cap->prefix_lost, (unsigned long long)cap->map_full,
			(unsigned long long)cap->redirected);
	fputs("}\n", out);
}

int xdt_json_table(FILE *out, struct xdt_engine *e, const struct xdt_capture_stats *cap)
{
	struct xdt_flow_table *t = xdt_engine_flows(e);
	size_t n = xdt_flow_table_count(t), i;
	const struct xdt_flow **list;

	list = malloc((n ? n : 1) * sizeof(*list));
	if (!list)
		return -ENOMEM;
	n = xdt_flow_table_list(t, list, n);
	for (i = 0; i < n; i++)
		xdt_json_flow(out, list[i], xdt_engine_now(e));
	free(list);
	xdt_json_stats(out, e, cap);
	return fflush(out) ? -errno : 0;
}
