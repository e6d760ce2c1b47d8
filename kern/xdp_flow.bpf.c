// SPDX-License-Identifier: GPL-2.0-only
/*
 * XDP ingress: count every packet into its flow; export the first payload bytes
 * of the first packets of each flow. Host mode passes every packet on. Mirror
 * mode (a SPAN/TAP port nothing local needs) redirects only prefix-carrying
 * frames to AF_XDP and drops the rest after counting.
 */
#include "lib/flow.h"

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u32);
} xdt_xsks SEC(".maps");

/*
 * Everything after parsing, in a global function: the verifier checks it once
 * for any packet description instead of once per path through the parser.
 * Returns the XDP verdict.
 */
/* Copy @len payload bytes into a new record of the given kind and send it. */
static __always_inline void xdp_prefix_send(struct xdp_md *ctx, const struct kpkt *p,
					    const struct xdt_flow_key *k, int from_b, __u64 now,
					    __u32 len, const int handshake)
{
	struct xdt_prefix_rec *r = kprefix_begin(p, k, from_b, now, XDT_HOOK_XDP, handshake);

	if (!r)
		return;
	len = kprefix_bound(len, handshake);
	/* clang 14 keeps the bound only if the length is passed as 64-bit. */
	kprefix_submit(r, len && !bpf_xdp_load_bytes(ctx, p->payload_off, r->data, (__u64)len)
				  ? len : 0);
}

/*
 * Everything after parsing, in a global function: the verifier checks it once
 * for any packet description instead of once per path through the parser.
 * Returns the XDP verdict.
 */
__noinline int xdt_xdp_account(struct xdp_md *ctx, struct kpkt *p)
{
	void *data, *data_end;
	struct xdt_flow_key k = {};
	struct xdt_kflow *f;
	__u64 now = bpf_ktime_get_ns();
	__u8 head[4] = {};
	__u32 len;
	int from_b = 0, hs;

	if (!ctx || !p)
		return XDP_PASS;
	f = kflow_account(p, &k, &from_b, now);
	if (!kprefix_wanted(f, p, &k, from_b))
		return cfg_mirror ? XDP_DROP : XDP_PASS;
	if (p->payload_len >= sizeof(head))
		bpf_xdp_load_bytes(ctx, p->payload_off, head, sizeof(head));
	hs = kprefix_is_handshake(f, p, head, from_b);
	len = kprefix_claim(f, p, from_b, hs);
	if (!len)
		return cfg_mirror ? XDP_DROP : XDP_PASS;
	if (cfg_mirror) {
		/* The socket gets the frame up to the end of the prefix. */
		__u64 flen, keep = (__u64)p->payload_off + len;

		data = (void *)(long)ctx->data;
		data_end = (void *)(long)ctx->data_end;
		flen = (__u64)(data_end - data);
		/* Keep clang from folding this back into 32-bit pointer arithmetic. */
		asm volatile("" : "+r"(flen));
		if (flen > keep && flen - keep < 0xffff)
			bpf_xdp_adjust_tail(ctx, -(int)(flen - keep));
		kstat(XDT_KSTAT_REDIRECTED);
		return bpf_redirect_map(&xdt_xsks, ctx->rx_queue_index, XDP_DROP);
	}
	if (hs)
		xdp_prefix_send(ctx, p, &k, from_b, now, len, 1);
	else
		xdp_prefix_send(ctx, p, &k, from_b, now, len, 0);
	return XDP_PASS;
}

SEC("xdp")
int xdt_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct kpkt p = {};
	int rc;

	kstat(XDT_KSTAT_PACKETS);
	kifstat(ctx->ingress_ifindex, XDT_IFSTAT_RX, (__u32)(data_end - data));
	rc = kparse_eth(data, data_end, (__u32)(data_end - data), &p);
	if (rc != KPARSE_OK) {
		if (rc == KPARSE_UNSUPPORTED)
			kstat(XDT_KSTAT_UNSUPPORTED);
		else
			kmalformed(rc);
		return cfg_mirror ? XDP_DROP : XDP_PASS;
	}
	return xdt_xdp_account(ctx, &p);
}

char LICENSE[] SEC("license") = "GPL";
