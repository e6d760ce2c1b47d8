/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-flow application detection: routes the first payloads of a flow to the
 * protocol parsers and keeps what they found (struct xdt_app, owned by the flow).
 *
 * Every backend feeds the same function with the same budget: the first
 * --dpi-packets payloads of each direction, each cut to --dpi-bytes, or to
 * XDT_PREFIX_HANDSHAKE for handshake payloads (TLS, QUIC, DNS; see
 * include/xdptop/kern.h). The kernel backends apply the budget in BPF; the pcap
 * backend calls xdt_dpi_budget() for every packet. So a replayed capture and the
 * same traffic seen live give the same names.
 *
 * TCP payloads are reassembled per direction by sequence number into a bounded
 * buffer (XDT_DPI_STREAM_MAX), so a ClientHello split over segments is read whole.
 */
#ifndef XDT_DPI_DPI_H
#define XDT_DPI_DPI_H

#include <stddef.h>
#include <stdint.h>

#include <xdptop/kern.h>

#include "../flow/table.h"
#include "bittorrent.h"
#include "dhcp.h"
#include "dns.h"
#include "http.h"
#include "ntp.h"
#include "quic.h"
#include "ssh.h"
#include "stun.h"
#include "tls.h"

/* Most stream bytes kept per TCP direction: a TLS hello of XDT_TLS_HELLO_MAX in records. */
#define XDT_DPI_STREAM_MAX (XDT_TLS_HELLO_MAX + 1024)

/*
 * Most bytes of parsing state all flows together hold: TCP reassembly buffers (up
 * to 2 x XDT_DPI_STREAM_MAX a flow) and QUIC Initial state (18 KiB a flow), kept
 * only until a flow's handshake is read. Without a bound, 65,536 flows stuck in a
 * handshake (a flood of QUIC Initials) held 1.1 GiB. Past it, payloads that would
 * need more are skipped and counted in no_memory.
 */
#define XDT_DPI_STATE_BUDGET (64U << 20)

enum xdt_app_proto {
	XDT_APP_NONE,
	XDT_APP_TLS,
	XDT_APP_HTTP,
	XDT_APP_HTTP2,		/* cleartext HTTP/2 (connection preface) */
	XDT_APP_DNS,
	XDT_APP_MDNS,
	XDT_APP_LLMNR,
	XDT_APP_SSH,
	XDT_APP_QUIC,
	XDT_APP_DHCP,
	XDT_APP_DHCPV6,
	XDT_APP_NTP,
	XDT_APP_STUN,
	XDT_APP_BITTORRENT,
	XDT_APP__COUNT,
};

/* What a parser reported for one endpoint (index: 0 = endpoint a of the key, 1 = b). */
enum xdt_app_have {
	XDT_HAVE_NOTHING,	/* nothing decoded yet */
	XDT_HAVE_OK,		/* decoded */
	XDT_HAVE_FAILED,	/* malformed, or cut where it cannot be completed */
};

struct xdt_dpi_stream;

/*
 * One DNS message as a flow keeps it: fixed fields plus the names, packed into
 * str[] (offset 0 is the empty string, the question name is at offset 1). A full
 * struct xdt_dns_info is 4.5 KiB; this is usually under 200 bytes.
 */
struct xdt_dns_rr {
	uint16_t type;
	uint16_t name;		/* offset in str */
	uint16_t target;	/* offset in str: CNAME/PTR target, else 0 */
	uint32_t ttl;
	uint8_t addr[16];	/* A: 4 bytes, AAAA: 16 */
};

struct xdt_dns_msg {
	uint8_t rcode;
	uint8_t n_answers;
	uint16_t qtype;
	uint16_t answers_total;
	uint16_t str_len;
	struct xdt_dns_rr an[XDT_DNS_MAX_ANSWERS];
	char str[];
};

struct xdt_app_dns {
	uint8_t learnt;			/* the response went into the passive DNS cache */
	struct xdt_dns_msg *query;	/* the first query of the flow, or NULL */
	struct xdt_dns_msg *response;	/* the first response, or NULL */
};

static inline const char *xdt_dns_msg_str(const struct xdt_dns_msg *m, uint16_t off)
{
	return off < m->str_len ? m->str + off : "";
}

/* QUIC: what was found, and the decryption state (freed once the flow is done). */
struct xdt_app_quic {
	struct xdt_quic_info info;
	struct xdt_quic_state *st;
};

struct xdt_app {
	uint8_t proto;		/* enum xdt_app_proto */
	uint8_t done;		/* nothing more to learn: no more payloads needed */
	uint8_t have[2];	/* enum xdt_app_have, by endpoint */
	uint8_t tried[2];	/* payloads looked at, by endpoint */
	uint8_t http_head_done[2];	/* HTTP: the head ended (blank line seen) */
	struct xdt_dpi_stream *st[2];	/* TCP reassembly, by endpoint; NULL until needed */
	union {
		struct xdt_tls_info tls[2];	/* ClientHello / ServerHello, by endpoint */
		struct xdt_http_info http[2];
		struct xdt_ssh_info ssh[2];
		struct xdt_app_dns *dns;
		struct xdt_app_quic *quic;
		struct xdt_dhcp_info dhcp;	/* the first message */
		struct xdt_dhcp_v6_info dhcp6;	/* the first message */
		struct xdt_ntp_info ntp[2];	/* by endpoint */
		struct xdt_stun_info stun;	/* the first message */
		struct xdt_bittorrent_info bt[2];	/* by endpoint */
	} u;
};

/* The budget and the switch. */
struct xdt_dpi_opts {
	int enabled;
	unsigned int packets;	/* payloads per flow and direction */
	unsigned int bytes;	/* bytes per ordinary payload, <= XDT_PREFIX_MAX */
};

struct xdt_dpi_stats {
	uint64_t payloads;	/* payloads looked at */
	uint64_t bytes;		/* their bytes */
	uint64_t identified;	/* flows whose protocol was recognised */
	uint64_t malformed;	/* payloads a parser rejected after recognising the protocol */
	uint64_t malformed_by[XDT_APP__COUNT];	/* the same, by protocol (enum xdt_app_proto) */
	uint64_t stream_overflow;	/* TCP bytes beyond XDT_DPI_STREAM_MAX, or out of order */
	uint64_t no_memory;	/* payloads skipped: allocation failed or budget used up */
	uint64_t quic_initials;	/* QUIC Initial packets decrypted */
	uint64_t quic_auth_failed;	/* QUIC Initial packets that failed authentication */
};

/* One payload of a flow, as a capture path saw it. */
struct xdt_dpi_payload {
	const uint8_t *data;
	uint32_t caplen;	/* bytes at data */
	uint32_t wire_len;	/* bytes the payload had in the packet (>= caplen) */
	uint32_t tcp_seq;	/* TCP: sequence number of data[0] */
	uint8_t from_b;		/* sent by endpoint b of the flow key */
	uint8_t has_seq;
};

/*
 * The pcap backend's budget check for one packet with payload: how many of its
 * @caplen payload bytes to look at (0: none). Counts the payload against the
 * flow's budget, as the kernel does.
 */
uint32_t xdt_dpi_budget(const struct xdt_dpi_opts *o, struct xdt_flow *f, int from_b,
			const uint8_t *data, uint32_t caplen, uint32_t wire_len);

/*
 * Look at one payload of @f. Allocates f->app on first use. Returns 1 when this
 * payload made the flow done (the caller may tell the kernel to stop sending
 * prefixes), else 0.
 */
int xdt_dpi_feed(struct xdt_dpi_stats *st, struct xdt_flow *f, const struct xdt_dpi_payload *pl);

/* Free an app and everything it holds; NULL is a no-op. */
void xdt_app_free(struct xdt_app *a);

/* Bytes of parsing state held now, of XDT_DPI_STATE_BUDGET (all flows of the process). */
size_t xdt_dpi_state_bytes(void);

/* "tls", "http", ...; "" for XDT_APP_NONE. */
const char *xdt_app_proto_name(enum xdt_app_proto p);

#endif
