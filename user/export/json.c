// SPDX-License-Identifier: GPL-2.0-only
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "json.h"
#include "../dpi/service.h"
#include "../proc/owner.h"

void xdt_json_time(char *buf, size_t len, uint64_t ns)
{
	/* A table's times mostly share their second: format it once (per thread). */
	static __thread time_t last = (time_t)-1;
	static __thread char head[32];
	time_t sec = (time_t)(ns / 1000000000ULL);
	struct tm tm;

	if (sec != last) {
		gmtime_r(&sec, &tm);
		if (!strftime(head, sizeof(head), "%Y-%m-%dT%H:%M:%S", &tm))
			head[0] = '\0';
		last = sec;
	}
	snprintf(buf, len, "%s.%09lluZ", head, (unsigned long long)(ns % 1000000000ULL));
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

/* A JSON string: quotes, backslashes and control bytes escaped. */
static void json_str(FILE *out, const char *s)
{
	const unsigned char *p;

	fputc('"', out);
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(out, "\\u%04x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

/* ,"key":"value" */
static void json_kv(FILE *out, const char *key, const char *val)
{
	fprintf(out, ",\"%s\":", key);
	json_str(out, val);
}

/* ,"key":"value" unless value is empty */
static void json_kv_opt(FILE *out, const char *key, const char *val)
{
	if (val && val[0])
		json_kv(out, key, val);
}

static void json_hex(FILE *out, const char *key, const uint8_t *b, size_t n)
{
	size_t i;

	fprintf(out, ",\"%s\":\"", key);
	for (i = 0; i < n; i++)
		fprintf(out, "%02x", b[i]);
	fputc('"', out);
}

static const char *tls_version_name(uint16_t v)
{
	switch (v) {
	case 0x0304: return "1.3";
	case 0x0303: return "1.2";
	case 0x0302: return "1.1";
	case 0x0301: return "1.0";
	case 0x0300: return "ssl3";
	default: return NULL;
	}
}

static void json_tls_version(FILE *out, const char *key, uint16_t v)
{
	const char *name = tls_version_name(v);
	char buf[8];

	if (!name) {
		snprintf(buf, sizeof(buf), "0x%04x", v);
		name = buf;
	}
	json_kv(out, key, name);
}

/* TLS hellos, wherever they came from (TCP, or QUIC CRYPTO frames). */
static void json_tls(FILE *out, const struct xdt_tls_info *ch, const struct xdt_tls_info *sh)
{
	char buf[8];

	if (ch) {
		json_kv_opt(out, "sni", ch->sni);
		json_kv_opt(out, "alpn", ch->alpn);
		json_tls_version(out, "tls_offered", ch->max_version);
		json_kv_opt(out, "ja4", ch->ja4);
	}
	if (sh) {
		json_tls_version(out, "tls_version", sh->max_version);
		snprintf(buf, sizeof(buf), "0x%04x", sh->cipher);
		json_kv(out, "cipher", buf);
		json_kv_opt(out, "alpn_selected", sh->alpn);
		if (sh->hello_retry)
			fputs(",\"hello_retry\":true", out);
	}
}

static const char *dns_type_name(uint16_t t, char *buf, size_t len)
{
	static const struct { uint16_t t; const char *n; } names[] = {
		{ 1, "A" }, { 2, "NS" }, { 5, "CNAME" }, { 6, "SOA" }, { 12, "PTR" },
		{ 15, "MX" }, { 16, "TXT" }, { 28, "AAAA" }, { 33, "SRV" }, { 35, "NAPTR" },
		{ 41, "OPT" }, { 43, "DS" }, { 46, "RRSIG" }, { 48, "DNSKEY" }, { 64, "SVCB" },
		{ 65, "HTTPS" }, { 255, "ANY" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].t == t)
			return names[i].n;
	snprintf(buf, len, "%u", t);
	return buf;
}

static const char *dns_rcode_name(uint8_t rc, char *buf, size_t len)
{
	static const char *const names[] = { "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
					     "NOTIMP", "REFUSED", "YXDOMAIN", "YXRRSET",
					     "NXRRSET", "NOTAUTH", "NOTZONE" };

	if (rc < sizeof(names) / sizeof(names[0]))
		return names[rc];
	snprintf(buf, len, "%u", rc);
	return buf;
}

static void json_dns(FILE *out, const struct xdt_app_dns *d)
{
	const struct xdt_dns_msg *m = d->response ? d->response : d->query;
	char buf[16], addr[INET6_ADDRSTRLEN];
	int i;

	if (!m)
		return;
	json_kv(out, "qname", xdt_dns_msg_str(m, 1));
	json_kv(out, "qtype", dns_type_name(m->qtype, buf, sizeof(buf)));
	if (!d->response)
		return;
	json_kv(out, "rcode", dns_rcode_name(m->rcode, buf, sizeof(buf)));
	fputs(",\"answers\":[", out);
	for (i = 0; i < m->n_answers; i++) {
		const struct xdt_dns_rr *an = &m->an[i];

		fputs(i ? ",{" : "{", out);
		fputs("\"name\":", out);
		json_str(out, xdt_dns_msg_str(m, an->name));
		json_kv(out, "type", dns_type_name(an->type, buf, sizeof(buf)));
		fprintf(out, ",\"ttl\":%u", an->ttl);
		if (an->type == XDT_DNS_TYPE_A || an->type == XDT_DNS_TYPE_AAAA) {
			inet_ntop(an->type == XDT_DNS_TYPE_A ? AF_INET : AF_INET6, an->addr, addr,
				  sizeof(addr));
			json_kv(out, "data", addr);
		} else {
			json_kv(out, "data", xdt_dns_msg_str(m, an->target));
		}
		fputc('}', out);
	}
	fputc(']', out);
	if (m->answers_total != m->n_answers)
		fprintf(out, ",\"answers_total\":%u", m->answers_total);
}

static void json_ssh_line(FILE *out, const char *key, const struct xdt_ssh_info *id)
{
	char line[sizeof(id->proto) + sizeof(id->software) + 8];

	snprintf(line, sizeof(line), "SSH-%s-%s", id->proto, id->software);
	json_kv(out, key, line);
}

static void json_ip4(FILE *out, const char *key, const uint8_t *a)
{
	char buf[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, a, buf, sizeof(buf));
	json_kv(out, key, buf);
}

static void json_quic(FILE *out, const struct xdt_quic_info *q)
{
	const char *name = xdt_quic_version_name(q->version);
	char buf[16];

	if (!name) {
		snprintf(buf, sizeof(buf), "0x%08x", q->version);
		name = buf;
	}
	json_kv(out, "version", name);
	if (q->dcid_len || q->scid_len) {
		json_hex(out, "dcid", q->dcid, q->dcid_len);
		json_hex(out, "scid", q->scid, q->scid_len);
	}
	json_tls(out, q->have_client_hello ? &q->client_hello : NULL,
		 q->have_server_hello ? &q->server_hello : NULL);
	if (q->version_negotiation)
		fputs(",\"version_negotiation\":true", out);
	if (q->retry)
		fputs(",\"retry\":true", out);
	if (q->closed)
		fprintf(out, ",\"closed\":true,\"close_error\":%llu",
			(unsigned long long)q->close_error);
}

static void json_dhcp(FILE *out, const struct xdt_dhcp_info *d)
{
	char mac[18];

	if (d->msg_type)
		json_kv(out, "msg_type", xdt_dhcp_type_name(d->msg_type));
	json_kv_opt(out, "hostname", d->hostname);
	json_kv_opt(out, "vendor_class", d->vendor_class);
	if (d->has_requested_ip)
		json_ip4(out, "requested_ip", d->requested_ip);
	if (d->has_client_mac) {
		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", d->client_mac[0],
			 d->client_mac[1], d->client_mac[2], d->client_mac[3], d->client_mac[4],
			 d->client_mac[5]);
		json_kv(out, "client_mac", mac);
	}
}

/* The rest of the protocols' members (see xdptop(8) "The app object"). */
static void json_app_more(FILE *out, const struct xdt_flow *f)
{
	const struct xdt_app *a = f->app;
	int i;

	switch (a->proto) {
	case XDT_APP_QUIC:
		json_quic(out, &a->u.quic->info);
		break;
	case XDT_APP_DHCP:
		if (a->have[0] == XDT_HAVE_OK)
			json_dhcp(out, &a->u.dhcp);
		break;
	case XDT_APP_DHCPV6:
		if (a->have[0] == XDT_HAVE_OK) {
			json_kv(out, "msg_type", xdt_dhcp_v6_type_name(a->u.dhcp6.msg_type));
			json_kv_opt(out, "hostname", a->u.dhcp6.fqdn);
		}
		break;
	case XDT_APP_NTP:
		for (i = 0; i < 2; i++) {
			const struct xdt_ntp_info *n = &a->u.ntp[i];

			if (a->have[i] != XDT_HAVE_OK)
				continue;
			if (n->mode == XDT_NTP_MODE_SERVER) {
				fprintf(out, ",\"stratum\":%u", n->stratum);
				json_kv_opt(out, "refid", n->refid);
			} else {
				fprintf(out, ",\"version\":%u", n->version);
				json_kv(out, "mode", xdt_ntp_mode_name(n->mode));
			}
		}
		break;
	case XDT_APP_STUN:
		if (a->have[0] == XDT_HAVE_OK) {
			const struct xdt_stun_info *st = &a->u.stun;
			char addr[INET6_ADDRSTRLEN];

			json_kv(out, "method", xdt_stun_method_name(st->method));
			json_kv(out, "class", xdt_stun_class_name(st->cls));
			json_kv_opt(out, "software", st->software);
			if (st->has_mapped) {
				inet_ntop(st->mapped_family == 6 ? AF_INET6 : AF_INET,
					  st->mapped_addr, addr, sizeof(addr));
				json_kv(out, "mapped_address", addr);
				fprintf(out, ",\"mapped_port\":%u", st->mapped_port);
			}
		}
		break;
	case XDT_APP_BITTORRENT:
		for (i = 0; i < 2; i++) {
			const struct xdt_bittorrent_info *bt = &a->u.bt[i];

			if (a->have[i] != XDT_HAVE_OK)
				continue;
			json_kv_opt(out, "info_hash", bt->info_hash_hex);
			if (bt->kind == XDT_BITTORRENT_HANDSHAKE)
				json_kv_opt(out, "peer_client", bt->client);
			else if (bt->kind == XDT_BITTORRENT_DHT)
				json_kv_opt(out, "dht_query", bt->query);
			break;
		}
		break;
	default:
		break;
	}
}

/* The well-known service of a flow nothing recognised by payload, or NULL. */
static const char *json_service(const struct xdt_flow *f)
{
	if (f->key.family == XDT_FAM_ARP || (f->key.proto != 6 && f->key.proto != 17))
		return NULL;
	return xdt_service_for_flow(f->key.proto, be16toh(f->key.port_a), be16toh(f->key.port_b));
}

/* Endpoint index (0 = a, 1 = b) of the initiator and the responder. */
#define EP_INIT(f) ((f)->init_is_a ? 0 : 1)
#define EP_RESP(f) ((f)->init_is_a ? 1 : 0)

static void json_app_fields(FILE *out, const struct xdt_flow *f)
{
	const struct xdt_app *a = f->app;
	const struct xdt_tls_info *ch = NULL, *sh = NULL;
	int i;

	switch (a->proto) {
	case XDT_APP_TLS:
		for (i = 0; i < 2; i++) {
			if (a->have[i] != XDT_HAVE_OK)
				continue;
			if (a->u.tls[i].handshake == XDT_TLS_CLIENT_HELLO)
				ch = &a->u.tls[i];
			else if (a->u.tls[i].handshake == XDT_TLS_SERVER_HELLO)
				sh = &a->u.tls[i];
		}
		json_tls(out, ch, sh);
		break;
	case XDT_APP_HTTP:
		for (i = 0; i < 2; i++) {
			const struct xdt_http_info *h = &a->u.http[i];

			if (h->is_request) {
				json_kv(out, "method", h->method);
				json_kv_opt(out, "host", h->host);
				json_kv(out, "path", h->path);
				json_kv_opt(out, "user_agent", h->user_agent);
			} else if (h->is_response) {
				fprintf(out, ",\"status\":%u", h->status);
			}
		}
		break;
	case XDT_APP_SSH:
		if (a->have[EP_INIT(f)] == XDT_HAVE_OK)
			json_ssh_line(out, "client", &a->u.ssh[EP_INIT(f)]);
		if (a->have[EP_RESP(f)] == XDT_HAVE_OK)
			json_ssh_line(out, "server", &a->u.ssh[EP_RESP(f)]);
		break;
	case XDT_APP_DNS:
	case XDT_APP_MDNS:
	case XDT_APP_LLMNR:
		json_dns(out, a->u.dns);
		break;
	default:
		json_app_more(out, f);
		break;
	}
}

static void json_app(FILE *out, const struct xdt_flow *f)
{
	const char *svc;

	if (f->app && f->app->proto != XDT_APP_NONE) {
		fputs(",\"app\":{\"proto\":", out);
		json_str(out, xdt_app_proto_name(f->app->proto));
		fputs(",\"by\":\"payload\"", out);
		json_app_fields(out, f);
		fputc('}', out);
		return;
	}
	svc = json_service(f);
	if (svc) {
		fputs(",\"app\":{\"proto\":", out);
		json_str(out, svc);
		fputs(",\"by\":\"port\"}", out);
	}
}

static const char *const method_names[] = {
	[XDT_METHOD_NONE] = "none",
	[XDT_METHOD_KERNEL] = "kernel",
	[XDT_METHOD_SOCK_DIAG] = "sock_diag",
};

/* "process":{...} when the flow's owner is known. */
static void json_process(FILE *out, const struct xdt_flow *f, struct xdt_proc_cache *procs)
{
	const struct xdt_flow_owner *o = &f->owner;
	const struct xdt_proc_info *i;

	if (o->method == XDT_METHOD_NONE || o->pid <= 0)
		return;
	fprintf(out, ",\"process\":{\"pid\":%d", o->pid);
	i = procs ? xdt_owner_info(procs, o) : NULL;
	json_kv_opt(out, "name", i && i->name[0] ? i->name : o->name[0] ? o->name : o->comm);
	if (i && !i->gone)
		json_kv_opt(out, "cmdline", i->cmdline);
	if (i)
		json_kv_opt(out, "user", i->user);
	fprintf(out, ",\"uid\":%u", o->uid);
	if (i && !i->gone) {
		json_kv_opt(out, "unit", i->unit);
		json_kv_opt(out, "container", i->container);
	}
	json_kv(out, "method", o->method < sizeof(method_names) / sizeof(method_names[0])
				       ? method_names[o->method] : "none");
	if (o->by_port)
		fputs(",\"by_port\":true", out);
	fputc('}', out);
}

static void addr_str(const struct xdt_flow_key *k, const uint8_t *a, char *buf, size_t len)
{
	inet_ntop(k->family == XDT_FAM_IPV6 ? AF_INET6 : AF_INET, a, buf, (socklen_t)len);
}

/* "src_ptr":"name","src_geo":{...} for one endpoint, as far as anything is known. */
static void json_endpoint(FILE *out, const char *side, int fam, const uint8_t *addr,
			  const struct xdt_json_ctx *ctx)
{
	char key[16], name[256];
	struct xdt_geo g;

	if (ctx && ctx->rdns && xdt_rdns_get(ctx->rdns, fam, addr, name, sizeof(name)) ==
				       XDT_RDNS_FOUND) {
		snprintf(key, sizeof(key), "%s_ptr", side);
		json_kv(out, key, name);
	}
	if (!ctx || !ctx->geo || !xdt_geoip_lookup(ctx->geo, fam, addr, &g))
		return;
	fprintf(out, ",\"%s_geo\":{", side);
	if (g.special[0]) {
		fputs("\"special\":", out);
		json_str(out, g.special);
	} else {
		const char *sep = "";

		if (g.country[0]) {
			fputs("\"country\":", out);
			json_str(out, g.country);
			sep = ",";
		}
		if (g.city[0]) {
			fprintf(out, "%s\"city\":", sep);
			json_str(out, g.city);
			sep = ",";
		}
		if (g.asn) {
			fprintf(out, "%s\"asn\":%u", sep, g.asn);
			sep = ",";
		}
		if (g.as_org[0]) {
			fprintf(out, "%s\"as_org\":", sep);
			json_str(out, g.as_org);
		}
	}
	fputc('}', out);
}

void xdt_json_flow_obj(FILE *out, const struct xdt_flow *f, uint64_t now_ns,
		       const struct xdt_json_ctx *ctx)
{
	const struct xdt_pdns *names = ctx ? ctx->names : NULL;
	int fam = f->key.family == XDT_FAM_IPV6 ? 6 : 4;
	const char *name;
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
		f->closing ? "CLOSING" : xdt_tcp_state_name(f->tcp_state), t0, t1,
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
	if (f->key.family != XDT_FAM_ARP) {
		name = xdt_pdns_lookup(names, fam, src);
		if (name)
			json_kv(out, "src_name", name);
		name = xdt_pdns_lookup(names, fam, dst);
		if (name)
			json_kv(out, "dst_name", name);
		json_endpoint(out, "src", fam, src, ctx);
		json_endpoint(out, "dst", fam, dst, ctx);
	}
	json_app(out, f);
	json_process(out, f, ctx ? ctx->procs : NULL);
	if (f->end != XDT_END_NONE)
		fprintf(out, ",\"end\":\"%s\"", xdt_flow_end_name(f->end));
	fputc('}', out);
}

void xdt_json_flow(FILE *out, const struct xdt_flow *f, uint64_t now_ns,
		   const struct xdt_json_ctx *ctx)
{
	xdt_json_flow_obj(out, f, now_ns, ctx);
	fputc('\n', out);
}

/* "sandbox":{"state":"full","layers":{"landlock":{"state":"on","detail":"..."},...}} */
static void json_sandbox(FILE *out, const struct xdt_sandbox_report *r)
{
	int i;

	fprintf(out, ",\"sandbox\":{\"state\":\"%s\",\"layers\":{", xdt_sb_summary(r));
	for (i = 0; i < XDT_SB_N; i++) {
		fprintf(out, "%s\"%s\":{\"state\":\"%s\",\"detail\":", i ? "," : "",
			xdt_sb_layer_name((enum xdt_sb_layer)i), xdt_sb_state_name(r->l[i].state));
		json_str(out, r->l[i].detail);
		fputc('}', out);
	}
	fputs("}}", out);
}

static void count_method(struct xdt_flow *f, void *ctx)
{
	size_t *by = ctx;

	by[f->owner.method < 3 ? f->owner.method : 0]++;
}

void xdt_json_stats_obj(FILE *out, struct xdt_engine *e, const struct xdt_capture_stats *cap)
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
	{
		size_t by[3] = { 0 };

		xdt_flow_table_each(t, count_method, by);
		fprintf(out, ",\"process_methods\":{\"kernel\":%zu,\"sock_diag\":%zu,"
			"\"none\":%zu}", by[XDT_METHOD_KERNEL], by[XDT_METHOD_SOCK_DIAG],
			by[XDT_METHOD_NONE]);
	}
	if (fs->n_closed) {
		uint32_t k;

		fputs(",\"closed_ports\":{", out);
		for (k = 0; k < fs->n_closed; k++)
			fprintf(out, "%s\"tcp/%u\":%llu", k ? "," : "", fs->closed[k].port,
				(unsigned long long)fs->closed[k].count);
		fputc('}', out);
		if (fs->closed_other)
			fprintf(out, ",\"closed_ports_other\":%llu",
				(unsigned long long)fs->closed_other);
	}
	{
		const struct xdt_dpi_stats *d = xdt_engine_dpi_stats(e);

		fprintf(out,
			",\"dpi\":{\"enabled\":%s,\"payloads\":%llu,\"bytes\":%llu,"
			"\"identified\":%llu,\"malformed\":%llu,\"stream_overflow\":%llu,"
			"\"no_memory\":%llu,\"quic_initials\":%llu,\"quic_auth_failed\":%llu,"
			"\"dns_names\":%zu,\"state_bytes\":%zu,\"malformed_by_protocol\":{",
			xdt_engine_dpi_opts(e)->enabled ? "true" : "false",
			(unsigned long long)d->payloads, (unsigned long long)d->bytes,
			(unsigned long long)d->identified, (unsigned long long)d->malformed,
			(unsigned long long)d->stream_overflow, (unsigned long long)d->no_memory,
			(unsigned long long)d->quic_initials,
			(unsigned long long)d->quic_auth_failed,
			xdt_pdns_count(xdt_engine_pdns(e)), xdt_dpi_state_bytes());
		sep = "";
		for (i = 1; i < XDT_APP__COUNT; i++) {
			if (!d->malformed_by[i])
				continue;
			fprintf(out, "%s\"%s\":%llu", sep, xdt_app_proto_name((enum xdt_app_proto)i),
				(unsigned long long)d->malformed_by[i]);
			sep = ",";
		}
		fputs("}}", out);
	}
	if (cap && cap->backend)
		fprintf(out, ",\"backend\":\"%s\"", cap->backend);
	if (cap && cap->valid)
		fprintf(out, ",\"capture_dropped\":%llu,\"capture_if_dropped\":%llu",
			(unsigned long long)cap->dropped, (unsigned long long)cap->if_dropped);
	if (cap && cap->kernel)
		fprintf(out,
			",\"xdp_mode\":\"%s\",\"prefix_records\":%llu,\"prefix_bad\":%llu,"
			"\"prefix_lost\":%llu,\"kernel_map_full\":%llu,\"redirected\":%llu,"
			"\"dpi_done_marked\":%llu",
			cap->xdp_mode ? cap->xdp_mode : "unknown",
			(unsigned long long)cap->prefixes, (unsigned long long)cap->prefix_bad,
			(unsigned long long)cap->prefix_lost, (unsigned long long)cap->map_full,
			(unsigned long long)cap->redirected, (unsigned long long)cap->done_marked);
	if (cap && cap->kernel)
		fprintf(out,
			",\"kernel_flows\":%llu,\"kernel_flows_created\":%llu,"
			"\"kernel_flows_evicted\":%llu",
			(unsigned long long)cap->kernel_flows,
			(unsigned long long)cap->kernel_flows_created,
			(unsigned long long)cap->kernel_flows_evicted);
	if (cap && cap->xsk)
		fprintf(out, ",\"xsk_rx_ring_full\":%llu,\"xsk_rx_dropped\":%llu",
			(unsigned long long)cap->xsk_rx_ring_full,
			(unsigned long long)cap->xsk_rx_dropped);
	if (xdt_engine_rdns(e)) {
		struct xdt_rdns_stats r;

		xdt_rdns_stats(xdt_engine_rdns(e), &r);
		fprintf(out, ",\"rdns\":{\"queries\":%llu,\"answers\":%llu,\"negative\":%llu,"
			"\"timeouts\":%llu,\"dropped\":%llu,\"bad_replies\":%llu,\"cached\":%llu}",
			(unsigned long long)r.queries, (unsigned long long)r.answers,
			(unsigned long long)r.negative, (unsigned long long)r.timeouts,
			(unsigned long long)r.dropped, (unsigned long long)r.bad_replies,
			(unsigned long long)r.cached);
	}
	if (cap && cap->sandbox && cap->sandbox->done)
		json_sandbox(out, cap->sandbox);
	fputc('}', out);
}

void xdt_json_stats(FILE *out, struct xdt_engine *e, const struct xdt_capture_stats *cap)
{
	xdt_json_stats_obj(out, e, cap);
	fputc('\n', out);
}

int xdt_json_table(FILE *out, struct xdt_engine *e, const struct xdt_capture_stats *cap)
{
	struct xdt_flow_table *t = xdt_engine_flows(e);
	size_t n = xdt_flow_table_count(t), i;
	struct xdt_json_ctx ctx = { xdt_engine_pdns(e), xdt_engine_procs(e), xdt_engine_geoip(e),
				    xdt_engine_rdns(e) };
	const struct xdt_flow **list;

	list = malloc((n ? n : 1) * sizeof(*list));
	if (!list)
		return -ENOMEM;
	n = xdt_flow_table_list(t, list, n);
	for (i = 0; i < n; i++)
		xdt_json_flow(out, list[i], xdt_engine_now(e), &ctx);
	free(list);
	xdt_json_stats(out, e, cap);
	return fflush(out) ? -errno : 0;
}

void xdt_json_str(FILE *out, const char *s)
{
	json_str(out, s);
}
