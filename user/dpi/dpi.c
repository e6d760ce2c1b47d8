// SPDX-License-Identifier: GPL-2.0-only
/*
 * Application detection per flow. A flow's protocol is decided once, from the
 * payload of either endpoint; from then on both endpoints' payloads go to that
 * protocol's parser until it has what it wants (then the flow is "done") or the
 * budget runs out.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dpi.h"

#define STREAM_INITIAL 2048
#define STREAM_GAPS 4		/* out-of-order ranges kept past the contiguous part */

#define PORT_DNS 53
#define PORT_MDNS 5353
#define PORT_LLMNR 5355
#define PORT_DHCP_SERVER 67
#define PORT_DHCP_CLIENT 68
#define PORT_NTP 123
#define PORT_DHCPV6_CLIENT 546
#define PORT_DHCPV6_SERVER 547

/*
 * One direction of a TCP connection from its first payload byte: bytes at
 * [0, contig) are all present; up to STREAM_GAPS ranges beyond a hole wait for it.
 */
struct xdt_dpi_stream {
	uint32_t base_seq;	/* sequence number of byte 0 */
	uint32_t contig;
	uint32_t cap;
	uint32_t n_ranges;
	uint32_t range[STREAM_GAPS][2];
	uint8_t *buf;
};

static const char *const proto_names[XDT_APP__COUNT] = {
	[XDT_APP_NONE] = "",
	[XDT_APP_TLS] = "tls",
	[XDT_APP_HTTP] = "http",
	[XDT_APP_HTTP2] = "http2",
	[XDT_APP_DNS] = "dns",
	[XDT_APP_MDNS] = "mdns",
	[XDT_APP_LLMNR] = "llmnr",
	[XDT_APP_SSH] = "ssh",
	[XDT_APP_QUIC] = "quic",
	[XDT_APP_DHCP] = "dhcp",
	[XDT_APP_DHCPV6] = "dhcpv6",
	[XDT_APP_NTP] = "ntp",
	[XDT_APP_STUN] = "stun",
	[XDT_APP_BITTORRENT] = "bittorrent",
};

const char *xdt_app_proto_name(enum xdt_app_proto p)
{
	return (unsigned int)p < XDT_APP__COUNT ? proto_names[p] : "";
}

static uint16_t port_of(const struct xdt_flow *f, int b)
{
	uint16_t be = b ? f->key.port_b : f->key.port_a;

	return (uint16_t)((be & 0xff) << 8 | be >> 8);
}

static int either_port(const struct xdt_flow *f, uint16_t port)
{
	return port_of(f, 0) == port || port_of(f, 1) == port;
}

/* The same ports as kport_is_handshake() in kern/lib/flow.h. */
static int is_handshake_port(uint16_t p)
{
	return p == PORT_DNS || p == PORT_MDNS || p == PORT_LLMNR || p == PORT_DHCP_SERVER ||
	       p == PORT_DHCP_CLIENT || p == PORT_DHCPV6_CLIENT || p == PORT_DHCPV6_SERVER;
}

/* The same rule as kprefix_is_handshake() in kern/lib/flow.h. */
static int is_handshake(const struct xdt_flow *f, int from_b, const uint8_t *d, uint32_t n)
{
	if (f->key.proto == 6)
		return (f->dpi_handshake >> from_b) & 1 ||
		       (n >= 4 && d[0] == 0x16 && d[1] == 0x03 && d[2] <= 0x04);
	if (f->key.proto == 17)
		return is_handshake_port(port_of(f, 0)) || is_handshake_port(port_of(f, 1)) ||
		       (n >= 4 && (d[0] & 0xc0) == 0xc0);
	return 0;
}

uint32_t xdt_dpi_budget(const struct xdt_dpi_opts *o, struct xdt_flow *f, int from_b,
			const uint8_t *data, uint32_t caplen, uint32_t wire_len)
{
	uint32_t max;
	int hs;

	from_b &= 1;
	if (!o->enabled || !wire_len || f->dpi_pkts[from_b] >= o->packets ||
	    (f->app && f->app->done))
		return 0;
	f->dpi_pkts[from_b]++;
	hs = is_handshake(f, from_b, data, caplen);
	if (hs && f->key.proto == 6)
		f->dpi_handshake |= (uint8_t)(1 << from_b);
	max = hs ? XDT_PREFIX_HANDSHAKE : (o->bytes < XDT_PREFIX_MAX ? o->bytes : XDT_PREFIX_MAX);
	return caplen < max ? caplen : max;
}

/* --- the state budget -------------------------------------------------------------- */

/*
 * Bytes of XDT_DPI_STATE_BUDGET in use. One counter for the process: the engine
 * that feeds DPI runs in one thread, and the budget is about the process's memory.
 */
static size_t state_held;

static int state_take(size_t n)
{
	if (n > XDT_DPI_STATE_BUDGET - state_held)
		return -ENOMEM;
	state_held += n;
	return 0;
}

static void state_give(size_t n)
{
	state_held -= n;
}

size_t xdt_dpi_state_bytes(void)
{
	return state_held;
}

/* --- TCP reassembly ------------------------------------------------------------ */

static void stream_free(struct xdt_dpi_stream *s)
{
	if (s) {
		state_give(s->cap);
		free(s->buf);
		free(s);
	}
}

/* Grow the buffer to hold @end bytes (bounded by XDT_DPI_STREAM_MAX and the budget). */
static int stream_reserve(struct xdt_dpi_stream *s, uint32_t end)
{
	uint32_t cap = s->cap ? s->cap : STREAM_INITIAL;
	uint8_t *nb;

	if (end <= s->cap)
		return 0;
	while (cap < end)
		cap *= 2;
	if (cap > XDT_DPI_STREAM_MAX)
		cap = XDT_DPI_STREAM_MAX;
	if (state_take(cap - s->cap) < 0)
		return -ENOMEM;
	nb = realloc(s->buf, cap);
	if (!nb) {
		state_give(cap - s->cap);
		return -ENOMEM;
	}
	s->buf = nb;
	s->cap = cap;
	return 0;
}

static void quic_state_free(struct xdt_app_quic *q)
{
	if (q->st) {
		state_give(sizeof(*q->st));
		free(q->st);
		q->st = NULL;
	}
}

/* Fold the waiting ranges that now touch the contiguous part into it. */
static void stream_merge(struct xdt_dpi_stream *s)
{
	uint32_t i;
	int again = 1;

	while (again) {
		again = 0;
		for (i = 0; i < s->n_ranges; i++) {
			if (s->range[i][0] > s->contig)
				continue;
			if (s->range[i][1] > s->contig)
				s->contig = s->range[i][1];
			memmove(s->range[i], s->range[i + 1],
				(s->n_ranges - i - 1) * sizeof(s->range[0]));
			s->n_ranges--;
			again = 1;
			break;
		}
	}
}

/*
 * Place a segment. Returns 1 if the contiguous part grew, 0 if not (duplicate,
 * out of order, or beyond the bound: @overflow counts what was not kept),
 * -ENOMEM.
 */
static int stream_add(struct xdt_dpi_stream *s, uint32_t seq, const uint8_t *d, uint32_t n,
		      uint64_t *overflow)
{
	uint32_t off = seq - s->base_seq, end, before = s->contig;

	/*
	 * Bytes before byte 0 (the first payload seen) wrap to huge offsets and are
	 * dropped: a stream is read from its first segment, which on one link comes
	 * first (one flow stays on one queue and CPU).
	 */
	if (off >= XDT_DPI_STREAM_MAX) {
		(*overflow)++;
		return 0;
	}
	if (n > XDT_DPI_STREAM_MAX - off) {
		n = XDT_DPI_STREAM_MAX - off;
		(*overflow)++;
	}
	end = off + n;
	if (end <= s->contig || !n)
		return 0;
	if (stream_reserve(s, end) < 0)
		return -ENOMEM;
	memcpy(s->buf + off, d, n);
	if (off <= s->contig) {
		s->contig = end;
	} else if (s->n_ranges < STREAM_GAPS) {
		s->range[s->n_ranges][0] = off;
		s->range[s->n_ranges][1] = end;
		s->n_ranges++;
	} else {
		(*overflow)++;
		return 0;
	}
	stream_merge(s);
	return s->contig > before;
}

/* --- per-protocol steps ---------------------------------------------------------- */

/* Guess a TCP protocol from the start of one direction's stream. */
static enum xdt_app_proto tcp_guess(const struct xdt_flow *f, const uint8_t *d, uint32_t n)
{
	struct xdt_http_info h;
	struct xdt_bittorrent_info bt;
	int rc;

	if (either_port(f, PORT_DNS))
		return XDT_APP_DNS;
	if (n >= 3 && d[0] == 0x16 && d[1] == 0x03 && d[2] <= 0x04)
		return XDT_APP_TLS;
	if (n >= 4 && !memcmp(d, "SSH-", 4))
		return XDT_APP_SSH;
	if (xdt_bittorrent_parse(d, n, &bt) == 0)
		return XDT_APP_BITTORRENT;
	rc = xdt_http_parse(d, n, &h);
	if (rc == 0)
		return h.http2_preface ? XDT_APP_HTTP2 : XDT_APP_HTTP;
	return XDT_APP_NONE;
}

/*
 * No protocol tcp_guess() knows can start with these bytes, however many more
 * follow: the endpoint need not be buffered any longer.
 */
static int tcp_unknown(const uint8_t *d, uint32_t n)
{
	static const uint8_t tls[] = { 0x16, 0x03 };
	struct xdt_bittorrent_info bt;
	struct xdt_http_info h;

	if (!n)
		return 0;
	if (!memcmp(d, tls, n < sizeof(tls) ? n : sizeof(tls)) && (n < 3 || d[2] <= 0x04))
		return 0;
	if (!memcmp(d, "SSH-", n < 4 ? n : 4))
		return 0;
	return xdt_bittorrent_parse(d, n, &bt) == -EINVAL && xdt_http_parse(d, n, &h) == -EINVAL;
}

/* Blank line of an HTTP head within the stream so far. */
static int http_head_ended(const uint8_t *d, uint32_t n)
{
	return memmem(d, n, "\r\n\r\n", 4) || memmem(d, n, "\n\n", 2);
}

/* Append @src (NUL included) to @m's strings; its offset. */
static uint16_t msg_put(struct xdt_dns_msg *m, const char *src)
{
	size_t n = strlen(src) + 1;
	uint16_t at = m->str_len;

	memcpy(m->str + at, src, n);
	m->str_len = (uint16_t)(at + n);
	return at;
}

/* The strings of @i, as msg_put() stores them: what str_len comes to. */
static size_t dns_msg_strings(const struct xdt_dns_info *i)
{
	size_t need = 1 + strlen(i->qname) + 1;
	int k;

	for (k = 0; k < i->n_answers; k++) {
		need += strlen(i->answers[k].name) + 1;
		if (i->answers[k].target[0])
			need += strlen(i->answers[k].target) + 1;
	}
	return need;
}

static void dns_msg_free(struct xdt_dns_msg *m)
{
	if (m) {
		state_give(sizeof(*m) + m->str_len);
		free(m);
	}
}

/* Kept for the flow's life (its JSON), so on the state budget: NULL when it is used up. */
static struct xdt_dns_msg *dns_msg_new(const struct xdt_dns_info *i)
{
	size_t need = dns_msg_strings(i);
	struct xdt_dns_msg *m;
	int k;

	if (state_take(sizeof(*m) + need) < 0)
		return NULL;
	m = malloc(sizeof(*m) + need);
	if (!m) {
		state_give(sizeof(*m) + need);
		return NULL;
	}
	memset(m, 0, sizeof(*m));
	m->rcode = i->rcode;
	m->qtype = i->qtype;
	m->answers_total = i->answers_total;
	m->n_answers = i->n_answers;
	m->str[0] = '\0';
	m->str_len = 1;
	msg_put(m, i->qname);
	for (k = 0; k < i->n_answers; k++) {
		const struct xdt_dns_answer *an = &i->answers[k];

		m->an[k].type = an->type;
		m->an[k].ttl = an->ttl;
		memcpy(m->an[k].addr, an->addr, sizeof(an->addr));
		m->an[k].name = msg_put(m, an->name);
		m->an[k].target = an->target[0] ? msg_put(m, an->target) : 0;
	}
	return m;
}

/* Keep @m if it is the flow's first query or first response. */
static int dns_keep(struct xdt_app_dns *dn, const struct xdt_dns_info *m)
{
	struct xdt_dns_msg **slot = m->is_response ? &dn->response : &dn->query;

	if (*slot)
		return 0;
	*slot = dns_msg_new(m);
	return *slot ? 0 : -ENOMEM;
}

/* A parser rejected a payload of a flow it was chosen for: count it by protocol. */
static void reject(struct xdt_dpi_stats *st, const struct xdt_app *a)
{
	st->malformed++;
	st->malformed_by[a->proto < XDT_APP__COUNT ? a->proto : XDT_APP_NONE]++;
}

/* What a one-message parser's @rc means for have[]; a rejection is counted. */
static uint8_t judged(struct xdt_dpi_stats *st, const struct xdt_app *a, int rc)
{
	if (rc == 0)
		return XDT_HAVE_OK;
	reject(st, a);
	return XDT_HAVE_FAILED;
}

/*
 * Run the flow's TCP parser over endpoint @b's contiguous bytes. Sets have[b];
 * counts a rejection as malformed.
 */
static void tcp_parse(struct xdt_dpi_stats *st, struct xdt_app *a, int b, const uint8_t *d,
		      uint32_t n)
{
	int rc = -EINVAL;

	switch (a->proto) {
	case XDT_APP_TLS: {
		struct xdt_tls_info t;

		rc = xdt_tls_parse(d, n, &t);
		if (rc == 0)
			a->u.tls[b] = t;
		break;
	}
	case XDT_APP_HTTP:
	case XDT_APP_HTTP2: {
		struct xdt_http_info h;

		rc = xdt_http_parse(d, n, &h);
		if (rc == 0) {
			a->u.http[b] = h;
			/* Headers may still come: only a complete head is final. */
			if (!h.http2_preface && !http_head_ended(d, n))
				return;
		}
		break;
	}
	case XDT_APP_SSH:
		rc = xdt_ssh_parse(d, n, &a->u.ssh[b]);
		break;
	case XDT_APP_DNS: {
		struct xdt_dns_info m;

		rc = xdt_dns_parse(d, n, 1, &m);
		if (rc == 0 && dns_keep(a->u.dns, &m) < 0)
			st->no_memory++;
		break;
	}
	case XDT_APP_BITTORRENT: {
		struct xdt_bittorrent_info bt;

		rc = xdt_bittorrent_parse(d, n, &bt);
		if (rc == 0)
			a->u.bt[b] = bt;
		break;
	}
	default:
		return;
	}
	if (rc == -EAGAIN)
		return;
	a->have[b] = judged(st, a, rc);
}

/* Allocate what a protocol keeps outside the app struct. */
static int app_set_proto(struct xdt_dpi_stats *st, struct xdt_app *a, enum xdt_app_proto p)
{
	memset(&a->u, 0, sizeof(a->u));
	if (p == XDT_APP_DNS || p == XDT_APP_MDNS || p == XDT_APP_LLMNR) {
		a->u.dns = calloc(1, sizeof(*a->u.dns));
		if (!a->u.dns)
			return -ENOMEM;
	}
	else if (p == XDT_APP_QUIC) {
		a->u.quic = calloc(1, sizeof(*a->u.quic));
		if (!a->u.quic)
			return -ENOMEM;
		/* Two 8 KiB CRYPTO reassembly buffers: only until the flow is done. */
		if (state_take(sizeof(*a->u.quic->st)) < 0) {
			free(a->u.quic);
			a->u.quic = NULL;
			return -ENOMEM;
		}
		a->u.quic->st = malloc(sizeof(*a->u.quic->st));
		if (!a->u.quic->st) {
			state_give(sizeof(*a->u.quic->st));
			free(a->u.quic);
			a->u.quic = NULL;
			return -ENOMEM;
		}
		xdt_quic_state_init(a->u.quic->st);
	}
	a->proto = (uint8_t)p;
	st->identified++;
	return 0;
}

static int feed_tcp(struct xdt_dpi_stats *st, struct xdt_flow *f, const struct xdt_dpi_payload *pl)
{
	struct xdt_app *a = f->app;
	int b = pl->from_b, rc;
	struct xdt_dpi_stream *s = a->st[b], *o;
	enum xdt_app_proto p;

	if (!pl->has_seq || a->have[b] != XDT_HAVE_NOTHING)
		return 0;
	if (!s) {
		/* A first segment that holds the whole message needs no buffer. */
		if (a->proto == XDT_APP_NONE) {
			p = tcp_guess(f, pl->data, pl->caplen);
			if (p == XDT_APP_NONE && tcp_unknown(pl->data, pl->caplen)) {
				a->have[b] = XDT_HAVE_FAILED;
				return 0;
			}
			if (p != XDT_APP_NONE) {
				if (app_set_proto(st, a, p) < 0)
					return -ENOMEM;
				o = a->st[!b];
				if (o && o->contig)
					tcp_parse(st, a, !b, o->buf, o->contig);
			}
		}
		if (a->proto != XDT_APP_NONE) {
			tcp_parse(st, a, b, pl->data, pl->caplen);
			if (a->have[b] != XDT_HAVE_NOTHING)
				return 0;
		}
	}
	if (!s) {
		s = a->st[b] = calloc(1, sizeof(*s));
		if (!s)
			return -ENOMEM;
		s->base_seq = pl->tcp_seq;
	}
	rc = stream_add(s, pl->tcp_seq, pl->data, pl->caplen, &st->stream_overflow);
	if (rc <= 0)
		return rc;
	if (a->have[b] != XDT_HAVE_NOTHING)
		return 0;
	if (a->proto == XDT_APP_NONE) {
		p = tcp_guess(f, s->buf, s->contig);
		if (p == XDT_APP_NONE) {
			if (tcp_unknown(s->buf, s->contig)) {
				a->have[b] = XDT_HAVE_FAILED;
				stream_free(s);
				a->st[b] = NULL;
			}
			return 0;
		}
		if (app_set_proto(st, a, p) < 0)
			return -ENOMEM;
		/* The other side may have spoken first, before the protocol was known. */
		o = a->st[!b];
		if (o && o->contig)
			tcp_parse(st, a, !b, o->buf, o->contig);
	}
	tcp_parse(st, a, b, s->buf, s->contig);
	return 0;
}

static void dns_message(struct xdt_dpi_stats *st, struct xdt_app *a, const uint8_t *d, uint32_t n)
{
	struct xdt_dns_info m;

	if (xdt_dns_parse(d, n, 0, &m) < 0) {
		reject(st, a);
		return;
	}
	if (dns_keep(a->u.dns, &m) < 0)
		st->no_memory++;
}

static enum xdt_app_proto udp_guess(const struct xdt_flow *f, const uint8_t *d, uint32_t n)
{
	struct xdt_stun_info stun;
	struct xdt_bittorrent_info bt;

	if (either_port(f, PORT_MDNS))
		return XDT_APP_MDNS;
	if (either_port(f, PORT_LLMNR))
		return XDT_APP_LLMNR;
	if (either_port(f, PORT_DNS))
		return XDT_APP_DNS;
	if (xdt_quic_looks_like(d, n))
		return XDT_APP_QUIC;
	if ((either_port(f, PORT_DHCP_SERVER) || either_port(f, PORT_DHCP_CLIENT)) &&
	    xdt_dhcp_parse(d, n, &(struct xdt_dhcp_info){ 0 }) == 0)
		return XDT_APP_DHCP;
	if ((either_port(f, PORT_DHCPV6_SERVER) || either_port(f, PORT_DHCPV6_CLIENT)) &&
	    xdt_dhcp_parse_v6(d, n, &(struct xdt_dhcp_v6_info){ 0 }) == 0)
		return XDT_APP_DHCPV6;
	if (either_port(f, PORT_NTP) && xdt_ntp_parse(d, n, &(struct xdt_ntp_info){ 0 }) == 0)
		return XDT_APP_NTP;
	if (xdt_stun_parse(d, n, &stun) == 0)
		return XDT_APP_STUN;
	if (xdt_bittorrent_parse_udp(d, n, &bt) == 0)
		return XDT_APP_BITTORRENT;
	return XDT_APP_NONE;
}

static void quic_datagram(struct xdt_dpi_stats *st, struct xdt_flow *f,
			  struct xdt_app_quic *q, const struct xdt_dpi_payload *pl)
{
	uint32_t ok = q->info.initials_decrypted + q->info.initials_unverified;
	uint32_t bad = q->info.tag_failures, lies = q->info.malformed;
	int from_init = !pl->from_b == !!f->init_is_a;

	if (!q->st)
		return;
	if (xdt_quic_feed(q->st, pl->data, pl->caplen, from_init, pl->caplen < pl->wire_len,
			  &q->info) < 0 && !from_init)
		return;	/* a server's short-header packet: nothing to read */
	st->quic_initials += q->info.initials_decrypted + q->info.initials_unverified - ok;
	st->quic_auth_failed += q->info.tag_failures - bad;
	st->malformed += q->info.malformed - lies;
	st->malformed_by[XDT_APP_QUIC] += q->info.malformed - lies;
	/* RFC 9000 10.2: after CONNECTION_CLOSE only the draining period is left. */
	if (q->info.closed)
		f->closing = 1;
}

static int feed_udp(struct xdt_dpi_stats *st, struct xdt_flow *f, const struct xdt_dpi_payload *pl)
{
	struct xdt_app *a = f->app;
	int b = pl->from_b;
	enum xdt_app_proto p;

	if (a->proto == XDT_APP_NONE) {
		p = udp_guess(f, pl->data, pl->caplen);
		if (p == XDT_APP_NONE)
			return 0;
		if (app_set_proto(st, a, p) < 0)
			return -ENOMEM;
	}
	switch (a->proto) {
	case XDT_APP_DNS:
	case XDT_APP_MDNS:
	case XDT_APP_LLMNR:
		dns_message(st, a, pl->data, pl->caplen);
		break;
	case XDT_APP_QUIC:
		quic_datagram(st, f, a->u.quic, pl);
		break;
	case XDT_APP_DHCP:
		if (a->have[0] == XDT_HAVE_NOTHING)
			a->have[0] = judged(st, a, xdt_dhcp_parse(pl->data, pl->caplen,
									&a->u.dhcp));
		break;
	case XDT_APP_NTP:
		if (a->have[b] == XDT_HAVE_NOTHING)
			a->have[b] = judged(st, a, xdt_ntp_parse(pl->data, pl->caplen,
									&a->u.ntp[b]));
		break;
	case XDT_APP_DHCPV6:
		if (a->have[0] == XDT_HAVE_NOTHING)
			a->have[0] = judged(st, a, xdt_dhcp_parse_v6(pl->data, pl->caplen,
									&a->u.dhcp6));
		break;
	case XDT_APP_STUN:
		if (a->have[0] == XDT_HAVE_NOTHING)
			a->have[0] = judged(st, a, xdt_stun_parse(pl->data, pl->caplen,
									&a->u.stun));
		break;
	case XDT_APP_BITTORRENT:
		if (a->have[b] == XDT_HAVE_NOTHING)
			a->have[b] = judged(st, a, xdt_bittorrent_parse_udp(pl->data, pl->caplen,
									&a->u.bt[b]));
		break;
	default:
		break;
	}
	return 0;
}

/* Whether the flow's parser has everything it looks for. */
static int app_complete(const struct xdt_app *a)
{
	switch (a->proto) {
	case XDT_APP_TLS:
	case XDT_APP_HTTP:
	case XDT_APP_HTTP2:
	case XDT_APP_SSH:
	case XDT_APP_NTP:
	case XDT_APP_BITTORRENT:
		return a->have[0] != XDT_HAVE_NOTHING && a->have[1] != XDT_HAVE_NOTHING;
	case XDT_APP_DNS:
	case XDT_APP_LLMNR:
		return a->u.dns->query && a->u.dns->response;
	case XDT_APP_QUIC:
		return a->u.quic->info.have_client_hello &&
		       (a->u.quic->info.have_server_hello || a->u.quic->info.closed);
	case XDT_APP_DHCP:
	case XDT_APP_DHCPV6:
	case XDT_APP_STUN:
		return a->have[0] != XDT_HAVE_NOTHING;
	default:
		/* mDNS carries a stream of unrelated messages: keep the first ones. */
		return 0;
	}
}

int xdt_dpi_feed(struct xdt_dpi_stats *st, struct xdt_flow *f, const struct xdt_dpi_payload *pl)
{
	struct xdt_app *a = f->app;
	int rc;

	if (!pl->caplen || (a && a->done) || f->key.family == XDT_FAM_ARP)
		return 0;
	if (!a) {
		a = f->app = calloc(1, sizeof(*a));
		if (!a) {
			st->no_memory++;
			return 0;
		}
	}
	st->payloads++;
	st->bytes += pl->caplen;
	if (a->tried[pl->from_b & 1] < UINT8_MAX)
		a->tried[pl->from_b & 1]++;
	if (f->key.proto == 6)
		rc = feed_tcp(st, f, pl);
	else if (f->key.proto == 17)
		rc = feed_udp(st, f, pl);
	else
		rc = 0;
	if (rc == -ENOMEM)
		st->no_memory++;
	/* Neither side speaks a protocol we know: nothing more to learn either. */
	if ((a->proto != XDT_APP_NONE && app_complete(a)) ||
	    (a->proto == XDT_APP_NONE && f->key.proto == 6 && a->have[0] == XDT_HAVE_FAILED &&
	     a->have[1] == XDT_HAVE_FAILED)) {
		a->done = 1;
		/* The reassembly buffers are not needed any more. */
		stream_free(a->st[0]);
		stream_free(a->st[1]);
		a->st[0] = a->st[1] = NULL;
		if (a->proto == XDT_APP_QUIC)
			quic_state_free(a->u.quic);
		return 1;
	}
	return 0;
}

void xdt_app_free(struct xdt_app *a)
{
	if (!a)
		return;
	stream_free(a->st[0]);
	stream_free(a->st[1]);
	if ((a->proto == XDT_APP_DNS || a->proto == XDT_APP_MDNS || a->proto == XDT_APP_LLMNR) &&
	    a->u.dns) {
		dns_msg_free(a->u.dns->query);
		dns_msg_free(a->u.dns->response);
		free(a->u.dns);
	}
	else if (a->proto == XDT_APP_QUIC && a->u.quic) {
		quic_state_free(a->u.quic);
		free(a->u.quic);
	}
	free(a);
}
