/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The flow table: one entry per conversation, keyed canonically, with per-direction
 * counters, a TCP state, smoothed rates and protocol-aware idle timeouts.
 *
 * Bounded: at most max_flows entries; inserting into a full table evicts the flow
 * seen least recently. A flow that leaves the table (evicted, idle, its port pair
 * reused by a new connection) is handed to the end callback first, so no counted
 * packet disappears unreported.
 *
 * Time is whatever clock the caller passes in (capture timestamps), so a replayed
 * capture ages flows exactly as the live traffic did.
 */
#ifndef XDT_FLOW_TABLE_H
#define XDT_FLOW_TABLE_H

#include <stdint.h>
#include <stddef.h>

#include <xdptop/flow.h>

enum xdt_tcp_state {
	XDT_TCP_NONE,		/* not TCP */
	XDT_TCP_SYN_SENT,
	XDT_TCP_SYN_RECV,
	XDT_TCP_ESTABLISHED,
	XDT_TCP_FIN_WAIT,	/* the initiator closed first */
	XDT_TCP_CLOSE_WAIT,	/* the responder closed first */
	XDT_TCP_TIME_WAIT,	/* both closed, initiator first */
	XDT_TCP_CLOSED,		/* both closed, responder first */
	XDT_TCP_RESET,
};

enum xdt_flow_end {
	XDT_END_NONE,		/* still in the table */
	XDT_END_IDLE,		/* idle timeout */
	XDT_END_EVICTED,	/* table full */
	XDT_END_REUSED,		/* a new connection took the same key */
	XDT_END_EXIT,		/* still in the table when xdptop stopped (event log) */
};

enum xdt_dir {
	XDT_DIR_OUT,		/* initiator to responder */
	XDT_DIR_IN,
};

/* How a flow's process was found (xdptop(8): "process.method"). */
enum xdt_owner_method {
	XDT_METHOD_NONE,
	XDT_METHOD_KERNEL,	/* cgroup socket hooks, joined by socket cookie or bound port */
	XDT_METHOD_SOCK_DIAG,	/* sock_diag dump + /proc fd scan (fallback) */
};

/* The process that owns a flow's local socket, as far as it is known. */
struct xdt_flow_owner {
	int32_t pid;		/* process (thread group) id; 0: unknown */
	uint32_t uid;
	uint64_t ts_boot_ns;	/* kernel: CLOCK_BOOTTIME when the hook saw it; else 0 */
	uint64_t start_ticks;	/* /proc/PID/stat starttime of the process, 0: unknown */
	char comm[16];		/* kernel's task comm, "" from the fallback */
	char name[64];		/* full name: /proc, else the executable the kernel saw */
	uint8_t method;		/* enum xdt_owner_method */
	uint8_t hook;		/* kernel: XDT_OWNER_* of include/xdptop/kern.h */
	uint8_t by_port;	/* found through the bound local port, not the socket */
	uint8_t gone;		/* exited (or pid reused) before /proc was read */
};

/* Time constant of the smoothed rates. */
#define XDT_RATE_TAU_NS (2ULL * 1000000000ULL)

struct xdt_flow_dir {
	uint64_t pkts;
	uint64_t bytes;		/* IP-layer bytes */
	double rate;		/* bytes/s, decayed to rate_ns */
	uint64_t rate_ns;
};

struct xdt_ipfix_flow;

struct xdt_flow {
	struct xdt_flow_key key;
	uint64_t first_ns;
	uint64_t last_ns;
	struct xdt_flow_dir dir[2];	/* indexed by enum xdt_dir */
	uint8_t init_is_a;	/* the initiator is endpoint a of the key */
	uint8_t tcp_state;	/* enum xdt_tcp_state */
	uint8_t syn_seen;	/* the initiator is known from a SYN */
	uint8_t end;		/* enum xdt_flow_end */
	uint32_t prefixes[2];	/* payload prefixes received, by enum xdt_dir */
	uint32_t sync_gen;	/* last xdt_flow_table_sync() generation that saw it */
	uint8_t dpi_pkts[2];	/* pcap backend: payloads given to DPI, by endpoint a/b */
	uint8_t dpi_handshake;	/* bit n: endpoint n's payloads are handshake-sized */
	uint8_t refused;	/* TCP: the responder answered the SYN with a RST */
	uint8_t closing;	/* not TCP: the application said it closes (QUIC
				 * CONNECTION_CLOSE); a short idle timeout */
	struct xdt_app *app;	/* what DPI found (user/dpi/dpi.h); owned by the table */
	uint64_t cookie;	/* kernel backends: the local socket's cookie, 0 if none */
	uint64_t owner_cookie;	/* the cookie the owner was last looked up for */
	struct xdt_flow_owner owner;
	/* Exports (user/export/): zero in a new flow, never touched by the table. */
	uint32_t pcap_seq;	/* 1 + the --pcap-export file a packet of it went to; 0: none */
	uint8_t logged;		/* XDT_LOGGED_* events the --json-log wrote for it */
	struct xdt_ipfix_flow *ipfix;	/* --ipfix: what was exported; the exporter frees it */
	/* Table linkage: private to table.c. */
	struct xdt_flow *hnext;
	struct xdt_flow *lru_prev, *lru_next;
};

/* What a caller knows about one packet of a flow. */
struct xdt_flow_pkt {
	struct xdt_flow_key key;
	uint8_t from_a;		/* sent by endpoint a of key */
	uint8_t tcp_flags;	/* 0 when not TCP */
	uint8_t icmp_echo;	/* 0: not echo; 1: echo request; 2: echo reply */
	uint32_t bytes;
	uint64_t ts_ns;
};

/*
 * Absolute counters of one flow as a kernel backend keeps them (by endpoint of
 * the key, not by direction), to be mirrored into the table.
 */
struct xdt_flow_sync {
	struct xdt_flow_key key;
	uint64_t pkts[2];	/* [0] sent by endpoint a, [1] by endpoint b */
	uint64_t bytes[2];
	uint64_t first_ns;
	uint64_t last_ns;
	uint8_t init_is_a;
	uint8_t tcp_state;
	uint32_t gen;
	uint64_t cookie;	/* socket cookie TC egress saw, 0 if none */
	uint8_t refused;	/* the responder sent RST and never SYN */
};

typedef void (*xdt_flow_end_fn)(const struct xdt_flow *f, void *ctx);

/* Connection attempts refused (RST to a SYN), by responder port. */
#define XDT_CLOSED_PORTS_MAX 64
struct xdt_closed_port {
	uint16_t port;		/* host order */
	uint64_t count;
};

struct xdt_app;
typedef void (*xdt_app_free_fn)(struct xdt_app *app);

struct xdt_flow_table_stats {
	uint64_t created;
	uint64_t expired;
	uint64_t evicted;
	uint64_t reused;
	/* Refused attempts on the first XDT_CLOSED_PORTS_MAX ports; the rest in closed_other. */
	uint32_t n_closed;
	struct xdt_closed_port closed[XDT_CLOSED_PORTS_MAX];
	uint64_t closed_other;
};

struct xdt_flow_table;

/* NULL + errno on failure. @on_end may be NULL. */
struct xdt_flow_table *xdt_flow_table_new(size_t max_flows, uint64_t seed,
					  xdt_flow_end_fn on_end, void *ctx);
/* How the table frees a flow's app when the flow leaves it. */
void xdt_flow_table_set_app_free(struct xdt_flow_table *t, xdt_app_free_fn fn);

/* Frees every flow without calling the end callback. */
void xdt_flow_table_free(struct xdt_flow_table *t);

/* Count one packet; creates the flow if needed. Returns the flow (never NULL). */
struct xdt_flow *xdt_flow_table_update(struct xdt_flow_table *t, const struct xdt_flow_pkt *p);

/*
 * Mirror kernel counters into the table: creates the flow, or updates it (rates
 * grow by the bytes since the last sync). Counters that went backwards mean the
 * kernel entry was evicted and recreated: the old flow ends (evicted) and a new
 * one starts. Returns the flow, or NULL when out of memory.
 */
struct xdt_flow *xdt_flow_table_sync(struct xdt_flow_table *t, const struct xdt_flow_sync *s);

/* End @f as idle now (a kernel backend found it idle and took it out). */
void xdt_flow_table_end_idle(struct xdt_flow_table *t, struct xdt_flow *f);

/*
 * End @f as evicted now: a kernel backend needs room and knows @f is gone from the
 * kernel (a flow the kernel still counts must not be reported as ended).
 */
void xdt_flow_table_end_evicted(struct xdt_flow_table *t, struct xdt_flow *f);

/* The table holds max_flows flows: creating one would evict the oldest. */
int xdt_flow_table_full(const struct xdt_flow_table *t);

/* The flow seen least recently, the one a new flow would evict; NULL if empty. */
struct xdt_flow *xdt_flow_table_oldest(struct xdt_flow_table *t);

/* End (as evicted) every flow last synced before generation @gen. */
void xdt_flow_table_end_unsynced(struct xdt_flow_table *t, uint32_t gen);

/* Remove flows idle for longer than their timeout at @now_ns. */
void xdt_flow_table_expire(struct xdt_flow_table *t, uint64_t now_ns);

struct xdt_flow *xdt_flow_table_lookup(struct xdt_flow_table *t, const struct xdt_flow_key *k);

size_t xdt_flow_table_count(const struct xdt_flow_table *t);
const struct xdt_flow_table_stats *xdt_flow_table_stats(const struct xdt_flow_table *t);

/*
 * Call @fn for every flow, in no particular order: a walk that needs no order
 * spares itself the sort and the list. @fn must not add or remove flows.
 */
void xdt_flow_table_each(struct xdt_flow_table *t, void (*fn)(struct xdt_flow *f, void *ctx),
			 void *ctx);

/*
 * Fill @out (room for @cap pointers) with the flows in order of first packet.
 * Returns how many were stored. The pointers stay valid until the next update or
 * expire call.
 */
size_t xdt_flow_table_list(struct xdt_flow_table *t, const struct xdt_flow **out, size_t cap);

/* Idle timeout of @f in nanoseconds (see the table in table.c and xdptop(8)). */
uint64_t xdt_flow_timeout_ns(const struct xdt_flow *f);

/* Rate of @f in direction @d, decayed to @now_ns, in bytes per second. */
double xdt_flow_rate(const struct xdt_flow *f, enum xdt_dir d, uint64_t now_ns);

/* Build a canonical key: which endpoint is "a" is decided here. Sets *from_a. */
void xdt_flow_key_make(struct xdt_flow_key *k, uint8_t family, uint8_t proto, uint16_t vlan,
		       const uint8_t *src, uint16_t sport, const uint8_t *dst, uint16_t dport,
		       uint8_t *from_a);

const char *xdt_tcp_state_name(enum xdt_tcp_state s);
const char *xdt_flow_end_name(enum xdt_flow_end e);

#endif
