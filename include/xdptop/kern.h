/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the kernel programs (kern/) and userspace (loader/, user/capture/) share:
 * the flow map value, the ring-buffer records and the statistics slots.
 *
 * Fixed-width types only, explicit padding, sizes checked at compile time.
 */
#ifndef XDPTOP_KERN_H
#define XDPTOP_KERN_H

#include <linux/types.h>

#include "flow.h"
#include "malformed.h"

/*
 * Per-flow counters in the kernel flow map (a shared LRU hash updated with
 * atomic adds). Index 0 counts what endpoint a of the key sent, 1 what b sent:
 * which of them initiated is decided in userspace from the first_* fields.
 */
struct xdt_kflow {
	__u64 pkts[2];
	__u64 bytes[2];		/* IP-layer bytes */
	__u64 first_ns;		/* bpf_ktime_get_ns() of the first packet */
	__u64 last_ns;
	__u32 tcp_flags[2];	/* OR of the TCP flags each endpoint sent */
	__u32 prefixes[2];	/* prefix records emitted per endpoint (atomic) */
	__u8 first_from_b;	/* the first packet was sent by endpoint b */
	__u8 first_tcp_flags;
	__u8 first_icmp_echo;	/* 0 no echo, 1 request, 2 reply */
	__u8 fin_first_from_b;	/* valid once a FIN was seen: who sent the first */
	__u8 fin_seen;
	__u8 handshake;		/* bit d: endpoint d's prefixes are handshake-sized */
	__u8 pad[2];
	__u64 cookie;		/* TC egress: socket cookie of the local full socket, or 0 */
};
_Static_assert(sizeof(struct xdt_kflow) == 80, "xdt_kflow layout is shared with BPF");

/* Ring-buffer record types. Every record starts with struct xdt_rec_hdr. */
#define XDT_REC_PREFIX 1
#define XDT_REC_VERSION 2

struct xdt_rec_hdr {
	__u16 type;
	__u16 version;
	__u32 len;		/* whole record, header included */
};

/* Longest prefix of an ordinary payload a record carries (--dpi-bytes is at most this). */
#define XDT_PREFIX_MAX 512
/*
 * Longest prefix of a handshake payload: a TCP payload that starts a TLS
 * handshake record (and the next payloads of that direction, which continue a
 * ClientHello too large for one segment), a QUIC long-header datagram, a DNS or
 * DHCP message (by port). Their names may sit anywhere in the first kilobytes, so they are sent
 * whole up to this bound, whatever --dpi-bytes says.
 */
#define XDT_PREFIX_HANDSHAKE 4096

/* xdt_prefix_rec.flags */
#define XDT_PREFIX_F_SEQ 0x01		/* tcp_seq is valid */
#define XDT_PREFIX_F_HANDSHAKE 0x02	/* sized as a handshake prefix */

/*
 * The first payload bytes of one of the first packets of a flow. Two sizes are
 * reserved: sizeof(struct xdt_prefix_rec) + XDT_PREFIX_MAX, or + XDT_PREFIX_HANDSHAKE;
 * hdr.len says which, caplen how much of data[] is filled.
 */
struct xdt_prefix_rec {
	struct xdt_rec_hdr hdr;
	struct xdt_flow_key key;
	__u64 ts_ns;		/* bpf_ktime_get_ns() */
	__u32 payload_len;	/* transport payload bytes in the packet */
	__u16 caplen;		/* bytes of it in data[] */
	__u8 from_b;		/* sent by endpoint b of the key */
	__u8 hook;		/* XDT_HOOK_* that saw it */
	__u32 tcp_seq;		/* TCP: sequence number of data[0] */
	__u8 flags;		/* XDT_PREFIX_F_* */
	__u8 pad[3];
	__u8 data[];
};
_Static_assert(sizeof(struct xdt_prefix_rec) == 8 + 40 + 8 + 8 + 8,
	       "xdt_prefix_rec layout is shared with BPF");

#define XDT_HOOK_XDP 1
#define XDT_HOOK_TC_EGRESS 2

/* Who owned a socket, as the cgroup socket hooks saw it (kern/sock_attr.bpf.c). */
struct xdt_owner {
	__u32 tgid;		/* process id */
	__u32 pid;		/* thread id */
	__u32 uid;
	__u32 gid;
	__u64 cgroup_id;	/* cgroup v2 id of the task */
	__u64 ts_boot_ns;	/* bpf_ktime_get_boot_ns() when seen: the task existed then */
	char comm[16];		/* task comm, cut at 15 characters */
	__u8 hook;		/* XDT_OWNER_* that recorded it */
	__u8 pad[7];
};
_Static_assert(sizeof(struct xdt_owner) == 56, "xdt_owner layout is shared with BPF");

#define XDT_OWNER_CREATE 1	/* cgroup/sock_create: the task that made the socket */
#define XDT_OWNER_BIND 2	/* cgroup/post_bind4/6 */
#define XDT_OWNER_CONNECT 3	/* cgroup/connect4/6 */
#define XDT_OWNER_SENDMSG 4	/* cgroup/sendmsg4/6 (unconnected UDP) */
#define XDT_OWNER_RECVMSG 5	/* cgroup/recvmsg4/6 (unconnected UDP) */
#define XDT_OWNER_ACCEPT 6	/* sockops passive establish: the listener's owner */

/*
 * What a process executed, recorded at exec (tp_btf/sched_process_exec): the
 * full name and arguments of a process that may be gone by the time userspace
 * asks /proc. Keyed by tgid; ts_boot_ns tells one image from a later one.
 */
#define XDT_EXEC_PATH_MAX 128
#define XDT_EXEC_ARGS_MAX 192
struct xdt_exec {
	__u64 ts_boot_ns;	/* bpf_ktime_get_boot_ns() at exec */
	__u16 path_len;		/* bytes in path[], NUL included */
	__u16 args_len;		/* bytes in args[]: argv strings, each NUL-terminated */
	__u8 pad[4];
	char path[XDT_EXEC_PATH_MAX];
	char args[XDT_EXEC_ARGS_MAX];
};
_Static_assert(sizeof(struct xdt_exec) == 16 + XDT_EXEC_PATH_MAX + XDT_EXEC_ARGS_MAX,
	       "xdt_exec layout is shared with BPF");

/* A bound local port (listeners and UDP servers), for accepted connections. */
struct xdt_port_key {
	__u16 port;		/* host order */
	__u8 family;		/* XDT_FAM_IPV4 or XDT_FAM_IPV6 */
	__u8 proto;		/* IPPROTO_TCP or IPPROTO_UDP */
};

/* Slots of the per-CPU statistics array. */
enum xdt_kstat {
	XDT_KSTAT_PACKETS,	/* every packet the program ran on */
	XDT_KSTAT_COUNTED,	/* counted into a flow */
	XDT_KSTAT_UNSUPPORTED,	/* not IPv4/IPv6/ARP */
	XDT_KSTAT_MALFORMED,	/* failed a bound check, or an overlapping fragment */
	XDT_KSTAT_FRAGMENTS,	/* later IP fragments: counted to a portless flow */
	XDT_KSTAT_PREFIXES,	/* prefix records emitted */
	XDT_KSTAT_RB_FULL,	/* prefix records lost: ring buffer full */
	XDT_KSTAT_MAP_FULL,	/* flow map update failed */
	XDT_KSTAT_REDIRECTED,	/* mirror mode: frames sent to AF_XDP */
	XDT_KSTAT_FLOWS_NEW,	/* flow map entries created: what the LRU evicted is
				 * this minus what is in the map and what xdptop removed */
	XDT_KSTAT__COUNT,
};

/*
 * The statistics array has XDT_KSTAT_SLOTS entries: the slots above, then one per
 * malformed reason (xdptop/malformed.h). Slot XDT_KSTAT_MALFORMED_BY + reason
 * counts the frames XDT_KSTAT_MALFORMED counted for that reason, so the kernel
 * backends report reasons exactly as the pcap path does.
 */
#define XDT_KSTAT_MALFORMED_BY XDT_KSTAT__COUNT
#define XDT_KSTAT_SLOTS (XDT_KSTAT__COUNT + XDT_MAL__COUNT)

/* Most interfaces one xdptop attaches to: the slots of the per-interface counters. */
#define XDT_KERNEL_MAX_IFACES 16

/*
 * Per-interface counters (per-CPU array xdt_ifstats, XDT_IFSTAT_KEYS entries).
 * Interface slot s is the s-th interface given to the loader (cfg_ifindex[s]);
 * its key is s * 2 + XDT_IFSTAT_RX (XDP ingress) or + XDT_IFSTAT_TX (TC egress).
 * Every packet the program runs on is counted, also those it cannot parse.
 * Bytes are the layer-2 frame as the program sees it (XDP: data_end - data, the
 * whole frame as the program is not frags-aware; TC: skb->len): Ethernet header
 * and padding included, the FCS and VLAN tags the NIC stripped not. Most drivers
 * count the same in the interface counters (`ip -s link`); veth with an XDP
 * program attached counts received bytes without the Ethernet header. The flows
 * count IP-layer bytes instead.
 */
#define XDT_IFSTAT_RX 0
#define XDT_IFSTAT_TX 1
#define XDT_IFSTAT_KEYS (XDT_KERNEL_MAX_IFACES * 2)

struct xdt_ifstat {
	__u64 packets;
	__u64 bytes;
};
_Static_assert(sizeof(struct xdt_ifstat) == 16, "xdt_ifstat layout is shared with BPF");

#endif
