// SPDX-License-Identifier: GPL-2.0-only
/*
 * TC egress: the outgoing half of the host's traffic, counted into the same flow
 * map as XDP ingress, with the same prefix export. Never changes a packet.
 */
#include <linux/pkt_cls.h>

#include "lib/flow.h"

/* Copy @len payload bytes into a new record of the given kind and send it. */
static __always_inline void tc_prefix_send(struct __sk_buff *skb, const struct kpkt *p,
					   const struct xdt_flow_key *k, int from_b, __u64 now,
					   __u32 len, const int handshake)
{
	struct xdt_prefix_rec *r = kprefix_begin(p, k, from_b, now, XDT_HOOK_TC_EGRESS,
						 handshake);

	if (!r)
		return;
	len = kprefix_bound(len, handshake);
	kprefix_submit(r, len && !bpf_skb_load_bytes(skb, p->payload_off, r->data, len) ? len : 0);
}

/* Everything after parsing, verified once (see xdt_xdp_account). */
__noinline int xdt_tc_account(struct __sk_buff *skb, struct kpkt *p)
{
	struct xdt_flow_key k = {};
	struct xdt_kflow *f;
	__u64 now = bpf_ktime_get_ns();
	__u8 head[4] = {};
	__u32 len;
	int from_b = 0, hs;

	if (!skb || !p)
		return TC_ACT_UNSPEC;
	f = kflow_account(p, &k, &from_b, now);
	/*
	 * The local socket that sent this: userspace joins its cookie with the owner
	 * the cgroup hooks recorded. Only full sockets: a SYN-ACK comes from a
	 * request socket whose cookie nothing else knows. A plain store: every full
	 * socket of one flow key is the same socket.
	 */
	if (f && !f->cookie && skb->sk) {
		struct bpf_sock *sk = bpf_sk_fullsock(skb->sk);

		if (sk)
			f->cookie = bpf_get_socket_cookie(skb);
	}
	if (!kprefix_wanted(f, p, &k, from_b))
		return TC_ACT_UNSPEC;
	if (p->payload_len >= sizeof(head))
		bpf_skb_load_bytes(skb, p->payload_off, head, sizeof(head));
	hs = kprefix_is_handshake(f, p, head, from_b);
	len = kprefix_claim(f, p, from_b, hs);
	if (!len)
		return TC_ACT_UNSPEC;
	if (hs)
		tc_prefix_send(skb, p, &k, from_b, now, len, 1);
	else
		tc_prefix_send(skb, p, &k, from_b, now, len, 0);
	return TC_ACT_UNSPEC;
}

SEC("tc")
int xdt_tc_egress(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct kpkt p = {};
	__u32 want;
	int rc;

	kstat(XDT_KSTAT_PACKETS);
	kifstat(skb->ifindex, XDT_IFSTAT_TX, skb->len);
	/*
	 * Headers outside the linear area cannot be read directly: pull the first
	 * bytes in (rare on egress; a no-op when they are already there).
	 */
	want = skb->len < 128 ? skb->len : 128;
	if (data + want > data_end) {
		bpf_skb_pull_data(skb, want);
		data = (void *)(long)skb->data;
		data_end = (void *)(long)skb->data_end;
	}
	rc = kparse_eth(data, data_end, skb->len, &p);
	if (rc != KPARSE_OK) {
		if (rc == KPARSE_UNSUPPORTED)
			kstat(XDT_KSTAT_UNSUPPORTED);
		else
			kmalformed(rc);
		return TC_ACT_UNSPEC;
	}
	return xdt_tc_account(skb, &p);
}

char LICENSE[] SEC("license") = "GPL";
