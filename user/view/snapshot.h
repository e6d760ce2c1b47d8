/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Immutable snapshots of what the engine knows, for the terminal UI (ui/): the
 * capture thread builds one every refresh and publishes it; the UI thread takes
 * the latest whenever it draws. Nothing in a snapshot points into the engine, so
 * the UI never waits on the capture (only on a pointer swap) and never sees a
 * flow change under it.
 */
#ifndef XDT_VIEW_SNAPSHOT_H
#define XDT_VIEW_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#include <xdptop/flow.h>

#define XDT_ROW_ADDR 46		/* INET6_ADDRSTRLEN */
#define XDT_ROW_NAME 64		/* host names (passive DNS), truncated */
#define XDT_ROW_APP 96		/* the application name shown: SNI, Host, qname, ... */
#define XDT_ROW_PROC 32
#define XDT_HISTORY 120		/* samples kept for graphs, one per refresh */

/* One connection, ready to draw: every string NUL-terminated and printable. */
struct xdt_row {
	struct xdt_flow_key key;	/* identity: ask for details by key */
	uint8_t proto;			/* IP protocol (6 tcp, 17 udp, 1 icmp, 58 icmpv6) */
	uint8_t family;			/* 4, 6, or 3 for ARP */
	uint8_t ended;			/* left the flow table: shown briefly, marked */
	uint8_t local;			/* both ends are loopback addresses */
	char proto_name[8];		/* "tcp", "udp", "icmp", "icmpv6", "arp", "other" */
	char src[XDT_ROW_ADDR];		/* the initiator */
	char dst[XDT_ROW_ADDR];		/* the responder */
	uint16_t sport, dport;
	char src_name[XDT_ROW_NAME];	/* PTR name, else from DNS answers on the wire, or "" */
	char dst_name[XDT_ROW_NAME];
	char state[16];			/* TCP state, ACTIVE, CLOSING */
	char service[24];		/* port service name, "" if none */
	char app_proto[16];		/* "tls", "http", "dns", "ssh", "quic", ..., "" */
	char app[XDT_ROW_APP];		/* SNI / Host / DNS name / SSH version / QUIC SNI */
	int32_t pid;			/* 0: unknown */
	char process[XDT_ROW_PROC];	/* full process name, "" if unknown */
	char country[4];		/* ISO code of the responder (else initiator), or "" */
	double bps_out, bps_in;		/* bytes per second, smoothed, at snapshot time */
	uint64_t bytes_out, bytes_in;
	uint64_t pkts_out, pkts_in;
	uint64_t first_ns, last_ns;	/* wall clock, ns */
	uint64_t timeout_ns;		/* idle timeout of this flow */
};

/* A capture point. */
struct xdt_iface_view {
	char name[16];
	uint64_t rx_packets, rx_bytes, tx_packets, tx_bytes;	/* kernel interface counters */
	uint64_t rx_dropped, tx_dropped;
	char state[12];		/* "up", "down", "no carrier", "gone" (no such interface) */
};

/* One line of the Security tab: a confinement layer and its state. */
struct xdt_sandbox_view {
	char layer[24];			/* "landlock", "seccomp", ... */
	char state[160];		/* "on: what is in force", or "unavailable: why" */
};

struct xdt_snapshot {
	uint64_t seq;			/* increases with every snapshot */
	uint64_t now_ns;		/* wall clock when built */
	const char *backend;		/* "xdp", "afxdp", "pcap", "file" */
	const char *xdp_mode;		/* "native"/"generic", or NULL */
	size_t n_rows;
	struct xdt_row *rows;		/* in first-seen order */
	/* Totals over all flows, and their history (oldest first, n_history valid). */
	double bps_in, bps_out;
	uint64_t bytes_in, bytes_out;
	unsigned int n_history;
	float hist_in[XDT_HISTORY], hist_out[XDT_HISTORY];
	/* Counters for the Interfaces tab. */
	uint64_t packets, malformed, capture_dropped, prefix_lost, map_full;
	char malformed_top[96];		/* "bad_ipv4_length 3, fragment_overlap 1"; "" if none */
	size_t n_ifaces;
	struct xdt_iface_view ifaces[16];
	size_t n_sandbox;
	struct xdt_sandbox_view sandbox[8];
	char sandbox_summary[16];	/* "full", "partial", "off", "pending" */
	/*
	 * The connection the UI asked details for (xdt_snapbox_select): its JSON
	 * record (every field we have, xdptop(8) "JSON OUTPUT") and its rate history.
	 */
	struct xdt_flow_key selected;
	int have_selected;
	char *selected_json;		/* NULL when not found */
	unsigned int sel_n_history;
	float sel_hist_in[XDT_HISTORY], sel_hist_out[XDT_HISTORY];
	/* Private: reference count. */
	int refs;
};

/*
 * The mailbox between the threads: one producer (capture), one or more readers.
 * Taking and publishing hold a mutex for a pointer swap only.
 */
struct xdt_snapbox;

struct xdt_snapbox *xdt_snapbox_new(void);
void xdt_snapbox_free(struct xdt_snapbox *b);

/* Publish @s (built by the producer, refs 0): the box owns it now. */
void xdt_snapbox_publish(struct xdt_snapbox *b, struct xdt_snapshot *s);

/* The latest snapshot, or NULL before the first; give it back with xdt_snapshot_put. */
struct xdt_snapshot *xdt_snapbox_get(struct xdt_snapbox *b);
void xdt_snapshot_put(struct xdt_snapbox *b, struct xdt_snapshot *s);

/* UI -> producer: the connection to include details of (NULL: none). */
void xdt_snapbox_select(struct xdt_snapbox *b, const struct xdt_flow_key *k);
int xdt_snapbox_selected(struct xdt_snapbox *b, struct xdt_flow_key *k);

/* Free a snapshot nobody holds (the producer's, unpublished). */
void xdt_snapshot_free(struct xdt_snapshot *s);

#endif
