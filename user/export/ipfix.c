// SPDX-License-Identifier: GPL-2.0-only
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipfix.h"
#include "../proc/owner.h"
#include "../view/build.h"

#define NS 1000000000ULL
#define MS 1000000ULL

#define IPFIX_VERSION 10
#define SET_TEMPLATE 2
#define TMPL_V4 256
#define TMPL_V6 257
#define MSG_HDR 16
#define SET_HDR 4
#define VARLEN 0xffff /* a template field length: variable (RFC 7011 section 7) */

/* flowEndReason values (IANA IPFIX registry). */
enum {
	REASON_IDLE = 1,
	REASON_ACTIVE = 2,
	REASON_END = 3,
	REASON_FORCED = 4,
	REASON_RESOURCES = 5,
};

/* String fields are cut to these sizes (NUL included); see MAX_RECORD. */
#define PROC_MAX 64	 /* struct xdt_proc_info / xdt_flow_owner name */
#define APP_MAX 256	 /* SNI, Host, DNS name: at most 255 bytes in xdptop */
#define APP_PROTO_MAX 16 /* "bittorrent" is the longest, as struct xdt_row has it */

static size_t varlen_size(size_t n)
{
	return n < 255 ? 1 + n : 3 + n;
}

/* Fixed part of a record: addresses, then 2+2+1+2+8+8+8+8+1+1 + processId 4. */
#define FIXED_REST 45
#define MAX_RECORD \
	(2 * 16 + FIXED_REST + (1 + PROC_MAX - 1) + (3 + APP_MAX - 1) + (1 + APP_PROTO_MAX - 1))

struct field {
	uint16_t id;
	uint16_t len;
	uint8_t pen; /* enterprise-specific, under XDT_IPFIX_PEN */
};

/*
 * Both templates, after the two address fields. The order is the order
 * put_record() writes: change both together.
 */
static const struct field fields[] = {
	{ 7, 2, 0 },	  /* sourceTransportPort */
	{ 11, 2, 0 },	  /* destinationTransportPort */
	{ 4, 1, 0 },	  /* protocolIdentifier */
	{ 58, 2, 0 },	  /* vlanId */
	{ 1, 8, 0 },	  /* octetDeltaCount */
	{ 2, 8, 0 },	  /* packetDeltaCount */
	{ 152, 8, 0 },	  /* flowStartMilliseconds */
	{ 153, 8, 0 },	  /* flowEndMilliseconds */
	{ 136, 1, 0 },	  /* flowEndReason */
	{ 239, 1, 0 },	  /* biflowDirection */
	{ 1, VARLEN, 1 }, /* processName */
	{ 2, 4, 1 },	  /* processId */
	{ 3, VARLEN, 1 }, /* serverName */
	{ 4, VARLEN, 1 }, /* applicationProtocol */
};
#define N_FIELDS (sizeof(fields) / sizeof(fields[0]) + 2)

static size_t template_size(void)
{
	size_t n = 4 + 2 * 4, i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		n += fields[i].pen ? 8 : 4;
	return n;
}

#define TEMPLATE_SET (SET_HDR + 2 * template_size())
/* The smallest mtu that takes templates and the largest record in one message. */
#define MIN_MTU (MSG_HDR + TEMPLATE_SET + SET_HDR + MAX_RECORD)

/*
 * What was exported of a flow, by sending endpoint of the key (0: a, 1: b)
 * rather than by direction: a late SYN may swap the table's directions.
 */
struct xdt_ipfix_flow {
	uint64_t pkts[2];
	uint64_t bytes[2];
	uint64_t next_start_ns[2]; /* the end of the endpoint's last record */
	uint8_t recorded[2];	   /* next_start_ns is valid */
	/*
	 * The last record ended an idle stretch: the next one starts when new packets
	 * are first seen (within an interval of the first of them), not at the old end,
	 * which would stretch it over the whole gap and make it look active.
	 */
	uint8_t after_idle[2];
};

struct xdt_ipfix {
	struct xdt_ipfix_opts o;
	xdt_ipfix_send_fn send;
	void *ctx;
	struct xdt_proc_cache *procs;
	uint64_t now_ns;      /* latest tick, or end of a flow */
	uint32_t seq;	      /* data records before the open message */
	uint32_t msg_records; /* data records in the open message */
	int tmpl_sent;	      /* a message carrying the templates went out */
	int tmpl_in_msg;      /* the open message carries them */
	uint64_t tmpl_ns;
	size_t len;	 /* bytes of the open message; 0: none open */
	size_t set_at;	 /* offset of the open data set */
	uint16_t set_id; /* its template id; 0: no data set open */
	struct xdt_ipfix_stats st;
	int error_state; /* 0: no error yet; 1: one to report; 2: reported */
	char error[192];
	uint8_t buf[]; /* o.mtu bytes */
};

/* The strings and id of a flow's process and application, as xdptop shows them. */
struct flow_names {
	char proc[PROC_MAX];
	uint32_t pid;
	char app[APP_MAX];
	char app_proto[APP_PROTO_MAX];
};

static uint8_t *put_u8(uint8_t *p, uint8_t v)
{
	*p = v;
	return p + 1;
}

static uint8_t *put_u16(uint8_t *p, uint16_t v)
{
	v = htobe16(v);
	memcpy(p, &v, 2);
	return p + 2;
}

static uint8_t *put_u32(uint8_t *p, uint32_t v)
{
	v = htobe32(v);
	memcpy(p, &v, 4);
	return p + 4;
}

static uint8_t *put_u64(uint8_t *p, uint64_t v)
{
	v = htobe64(v);
	memcpy(p, &v, 8);
	return p + 8;
}

/* RFC 7011 section 7: one length byte, or 255 and two length bytes. */
static uint8_t *put_str(uint8_t *p, const char *s)
{
	size_t n = strlen(s);

	if (n < 255) {
		p = put_u8(p, (uint8_t)n);
	} else {
		p = put_u8(p, 255);
		p = put_u16(p, (uint16_t)n);
	}
	memcpy(p, s, n);
	return p + n;
}

struct xdt_ipfix *xdt_ipfix_new(const struct xdt_ipfix_opts *o, xdt_ipfix_send_fn send, void *ctx)
{
	struct xdt_ipfix *x;
	size_t mtu = o->mtu ? o->mtu : 1400;

	if (!send || mtu < MIN_MTU || mtu > 65535) {
		errno = EINVAL;
		return NULL;
	}
	x = calloc(1, sizeof(*x) + mtu);
	if (!x)
		return NULL;
	x->o = *o;
	x->o.mtu = mtu;
	if (!x->o.active_timeout_ns)
		x->o.active_timeout_ns = 60 * NS;
	if (!x->o.idle_timeout_ns)
		x->o.idle_timeout_ns = 15 * NS;
	if (!x->o.template_refresh_ns)
		x->o.template_refresh_ns = 60 * NS;
	x->send = send;
	x->ctx = ctx;
	return x;
}

void xdt_ipfix_set_procs(struct xdt_ipfix *x, struct xdt_proc_cache *procs)
{
	x->procs = procs;
}

static int tmpl_due(const struct xdt_ipfix *x)
{
	return !x->tmpl_sent ||
	       (x->now_ns >= x->tmpl_ns && x->now_ns - x->tmpl_ns >= x->o.template_refresh_ns);
}

static uint8_t *put_template(uint8_t *p, uint16_t id, int v6)
{
	size_t i;

	p = put_u16(p, id);
	p = put_u16(p, (uint16_t)N_FIELDS);
	p = put_u16(p, v6 ? 27 : 8); /* sourceIPv6Address / sourceIPv4Address */
	p = put_u16(p, v6 ? 16 : 4);
	p = put_u16(p, v6 ? 28 : 12); /* destinationIPv6Address / destinationIPv4Address */
	p = put_u16(p, v6 ? 16 : 4);
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		p = put_u16(p, (uint16_t)(fields[i].id | (fields[i].pen ? 0x8000 : 0)));
		p = put_u16(p, fields[i].len);
		if (fields[i].pen)
			p = put_u32(p, XDT_IPFIX_PEN);
	}
	return p;
}

/* Start a message if none is open; the templates go first when they are due. */
static void msg_open(struct xdt_ipfix *x)
{
	uint8_t *p;

	if (x->len)
		return;
	x->len = MSG_HDR;
	if (!tmpl_due(x))
		return;
	p = x->buf + x->len;
	p = put_u16(p, SET_TEMPLATE);
	p = put_u16(p, (uint16_t)TEMPLATE_SET);
	p = put_template(p, TMPL_V4, 0);
	p = put_template(p, TMPL_V6, 1);
	x->len = (size_t)(p - x->buf);
	x->tmpl_in_msg = 1;
	x->tmpl_sent = 1;
	x->tmpl_ns = x->now_ns;
}

static void set_close(struct xdt_ipfix *x)
{
	if (x->set_id)
		put_u16(x->buf + x->set_at + 2, (uint16_t)(x->len - x->set_at));
	x->set_id = 0;
}

static void note_error(struct xdt_ipfix *x, int err)
{
	if (x->error_state)
		return;
	snprintf(x->error, sizeof(x->error),
		 "IPFIX export: sending to the collector failed (%s), %u records lost; is it "
		 "listening? Later send errors are only counted",
		 strerror(err > 0 ? err : -err), x->msg_records);
	x->error_state = 1;
}

/*
 * Send the open message. Its records count in the sequence numbers even when
 * the send fails: the gap is how the collector learns that records were lost.
 */
static void msg_send(struct xdt_ipfix *x)
{
	uint8_t *p = x->buf;
	int err;

	if (!x->len)
		return;
	set_close(x);
	p = put_u16(p, IPFIX_VERSION);
	p = put_u16(p, (uint16_t)x->len);
	p = put_u32(p, (uint32_t)(x->now_ns / NS));
	p = put_u32(p, x->seq);
	put_u32(p, x->o.domain_id);
	err = x->send(x->ctx, x->buf, x->len);
	if (err < 0) {
		x->st.send_errors++;
		note_error(x, err);
		if (x->tmpl_in_msg)
			x->tmpl_sent = 0;
	} else {
		x->st.messages++;
		x->st.records += x->msg_records;
		x->st.templates += (uint64_t)x->tmpl_in_msg;
	}
	x->seq += x->msg_records;
	x->msg_records = 0;
	x->tmpl_in_msg = 0;
	x->len = 0;
}

/* Room for a @need-byte record of template @tid; returns where to write it. */
static uint8_t *record_reserve(struct xdt_ipfix *x, uint16_t tid, size_t need)
{
	msg_open(x);
	if (x->len + (x->set_id == tid ? 0 : SET_HDR) + need > x->o.mtu) {
		msg_send(x);
		msg_open(x); /* MIN_MTU: the record fits now */
	}
	if (x->set_id != tid) {
		set_close(x);
		x->set_at = x->len;
		put_u16(x->buf + x->len, tid);
		x->len += SET_HDR;
		x->set_id = tid;
	}
	x->len += need;
	x->msg_records++;
	return x->buf + x->len - need;
}

static void copy(char *dst, size_t cap, const char *src, size_t src_cap)
{
	size_t n = strnlen(src, src_cap < cap - 1 ? src_cap : cap - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void flow_names(struct xdt_ipfix *x, const struct xdt_flow *f, struct flow_names *n)
{
	const struct xdt_flow_owner *o = &f->owner;
	const struct xdt_proc_info *i;

	n->proc[0] = '\0';
	n->pid = 0;
	if (o->method != XDT_METHOD_NONE && o->pid > 0) {
		n->pid = (uint32_t)o->pid;
		i = x->procs ? xdt_owner_info(x->procs, o) : NULL;
		if (i && i->name[0])
			copy(n->proc, sizeof(n->proc), i->name, sizeof(i->name));
		else if (o->name[0])
			copy(n->proc, sizeof(n->proc), o->name, sizeof(o->name));
		else
			copy(n->proc, sizeof(n->proc), o->comm, sizeof(o->comm));
	}
	xdt_view_app(f, n->app_proto, sizeof(n->app_proto), n->app, sizeof(n->app));
}

/* Direction of the packets endpoint @ep (0: a, 1: b) sends. */
static enum xdt_dir ep_dir(const struct xdt_flow *f, int ep)
{
	return (ep == 0) == !!f->init_is_a ? XDT_DIR_OUT : XDT_DIR_IN;
}

/* Packets endpoint @ep sent since its last record. */
static uint64_t pending(const struct xdt_flow *f, int ep)
{
	uint64_t pkts = f->dir[ep_dir(f, ep)].pkts, done = f->ipfix ? f->ipfix->pkts[ep] : 0;

	return pkts > done ? pkts - done : 0;
}

static uint64_t record_start(const struct xdt_flow *f, int ep)
{
	const struct xdt_ipfix_flow *s = f->ipfix;

	return s && s->recorded[ep] ? s->next_start_ns[ep] : f->first_ns;
}

/* One record for what endpoint @ep sent since its last one. */
static void put_record(struct xdt_ipfix *x, const struct xdt_flow *f, int ep, uint8_t reason,
		       const struct flow_names *n)
{
	const struct xdt_flow_key *k = &f->key;
	const struct xdt_flow_dir *d = &f->dir[ep_dir(f, ep)];
	int v6 = k->family == XDT_FAM_IPV6, alen = v6 ? 16 : 4;
	int icmp = k->proto == 1 || k->proto == 58;
	uint64_t bytes_done = f->ipfix ? f->ipfix->bytes[ep] : 0;
	size_t need = (size_t)(2 * alen) + FIXED_REST + varlen_size(strlen(n->proc)) +
		      varlen_size(strlen(n->app)) + varlen_size(strlen(n->app_proto));
	uint8_t *p = record_reserve(x, v6 ? TMPL_V6 : TMPL_V4, need);

	memcpy(p, ep ? k->addr_b : k->addr_a, (size_t)alen);
	p += alen;
	memcpy(p, ep ? k->addr_a : k->addr_b, (size_t)alen);
	p += alen;
	/* An ICMP key's "port" is the echo identifier, not a port a collector expects. */
	p = put_u16(p, icmp ? 0 : be16toh(ep ? k->port_b : k->port_a));
	p = put_u16(p, icmp ? 0 : be16toh(ep ? k->port_a : k->port_b));
	p = put_u8(p, k->proto);
	p = put_u16(p, k->vlan);
	p = put_u64(p, d->bytes > bytes_done ? d->bytes - bytes_done : 0);
	p = put_u64(p, pending(f, ep));
	p = put_u64(p, record_start(f, ep) / MS);
	p = put_u64(p, f->last_ns / MS);
	p = put_u8(p, reason);
	p = put_u8(p, ep_dir(f, ep) == XDT_DIR_OUT ? 1 : 2);
	p = put_str(p, n->proc);
	p = put_u32(p, n->pid);
	p = put_str(p, n->app);
	put_str(p, n->app_proto);
}

static void mark_exported(struct xdt_ipfix_flow *s, const struct xdt_flow *f, int ep)
{
	const struct xdt_flow_dir *d = &f->dir[ep_dir(f, ep)];

	s->pkts[ep] = d->pkts;
	s->bytes[ep] = d->bytes;
	s->next_start_ns[ep] = f->last_ns;
	s->recorded[ep] = 1;
}

/* Records of @f that the timeouts call for at @now_ns. */
static void flow_tick(struct xdt_ipfix *x, struct xdt_flow_table *t, const struct xdt_flow *cf,
		      uint64_t now_ns)
{
	int idle = now_ns >= cf->last_ns && now_ns - cf->last_ns >= x->o.idle_timeout_ns;
	uint8_t reason[2] = { 0, 0 };
	struct flow_names n;
	struct xdt_flow *f;
	int ep;

	if (cf->key.family == XDT_FAM_ARP)
		return;
	for (ep = 0; ep < 2; ep++) {
		uint64_t start;

		if (!pending(cf, ep))
			continue;
		if (cf->ipfix && cf->ipfix->after_idle[ep]) {
			cf->ipfix->after_idle[ep] = 0;
			cf->ipfix->next_start_ns[ep] = cf->last_ns;
		}
		start = record_start(cf, ep);
		if (idle)
			reason[ep] = REASON_IDLE;
		else if (cf->last_ns >= start && cf->last_ns - start >= x->o.active_timeout_ns)
			reason[ep] = REASON_ACTIVE;
	}
	if (!reason[0] && !reason[1])
		return;
	f = xdt_flow_table_lookup(t, &cf->key);
	if (!f->ipfix)
		f->ipfix = calloc(1, sizeof(*f->ipfix));
	/* Without the state a record would be counted again: it waits for the next tick. */
	if (!f->ipfix)
		return;
	flow_names(x, f, &n);
	for (ep = 0; ep < 2; ep++) {
		if (!reason[ep])
			continue;
		put_record(x, f, ep, reason[ep], &n);
		mark_exported(f->ipfix, f, ep);
		f->ipfix->after_idle[ep] = reason[ep] == REASON_IDLE;
	}
}

void xdt_ipfix_tick(struct xdt_ipfix *x, struct xdt_flow_table *t, uint64_t now_ns)
{
	size_t n = xdt_flow_table_count(t), i;
	const struct xdt_flow **list;

	if (now_ns > x->now_ns)
		x->now_ns = now_ns;
	/* Records that flow ends queued since the last tick go before refreshed templates. */
	if (x->len && !x->tmpl_in_msg && tmpl_due(x))
		msg_send(x);
	/* Out of memory, no records this tick: they are not lost, the next tick sends them. */
	list = malloc((n ? n : 1) * sizeof(*list));
	if (list) {
		n = xdt_flow_table_list(t, list, n);
		for (i = 0; i < n; i++)
			flow_tick(x, t, list[i], now_ns);
		free(list);
	}
	if (tmpl_due(x))
		msg_open(x);
	msg_send(x);
}

static uint8_t end_reason(const struct xdt_flow *f, int forced)
{
	if (f->key.proto == 6 &&
	    (f->tcp_state == XDT_TCP_CLOSED || f->tcp_state == XDT_TCP_TIME_WAIT ||
	     f->tcp_state == XDT_TCP_RESET))
		return REASON_END;
	if (forced)
		return REASON_FORCED;
	switch (f->end) {
	case XDT_END_IDLE:
		return REASON_IDLE;
	case XDT_END_EVICTED:
		return REASON_RESOURCES;
	case XDT_END_REUSED:
		return REASON_END;
	default:
		/* Not ended by the table: the caller takes it away, as at exit. */
		return REASON_FORCED;
	}
}

void xdt_ipfix_flow_end(struct xdt_ipfix *x, struct xdt_flow *f, int forced)
{
	struct flow_names n;
	int ep;

	if (f->last_ns > x->now_ns)
		x->now_ns = f->last_ns;
	if (f->key.family != XDT_FAM_ARP && (pending(f, 0) || pending(f, 1))) {
		flow_names(x, f, &n);
		for (ep = 0; ep < 2; ep++)
			if (pending(f, ep))
				put_record(x, f, ep, end_reason(f, forced), &n);
	}
	free(f->ipfix);
	f->ipfix = NULL;
}

void xdt_ipfix_flush(struct xdt_ipfix *x)
{
	msg_send(x);
}

const char *xdt_ipfix_error(struct xdt_ipfix *x)
{
	if (x->error_state != 1)
		return NULL;
	x->error_state = 2;
	return x->error;
}

void xdt_ipfix_stats(const struct xdt_ipfix *x, struct xdt_ipfix_stats *out)
{
	*out = x->st;
}

void xdt_ipfix_free(struct xdt_ipfix *x, struct xdt_flow_table *t)
{
	const struct xdt_flow **list = NULL;
	size_t n, i;

	if (!x)
		return;
	if (t) {
		n = xdt_flow_table_count(t);
		list = malloc((n ? n : 1) * sizeof(*list));
	}
	/* Out of memory here: the flows' last records are lost and their state leaks. */
	if (list) {
		n = xdt_flow_table_list(t, list, n);
		for (i = 0; i < n; i++)
			xdt_ipfix_flow_end(x, xdt_flow_table_lookup(t, &list[i]->key), 1);
		free(list);
	}
	msg_send(x);
	free(x);
}
