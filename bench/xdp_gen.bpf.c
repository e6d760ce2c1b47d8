// SPDX-License-Identifier: GPL-2.0-only
/*
 * The flood generator's XDP program (`xdp_bench flood`, bench/xdp_bench.c): run
 * with BPF_PROG_TEST_RUN and BPF_F_TEST_XDP_LIVE_FRAMES on a template frame
 * (Ethernet + IPv4 + TCP SYN, or + UDP with a payload), it gives frame number n
 * the 5-tuple of tuple index t = n (or n % cfg_flows) and sends it out of the veth
 * with XDP_TX.
 *
 * Tuple t: s = mix(t ^ cfg_seed), a permutation of the 32-bit numbers, so distinct
 * indexes give distinct tuples; source address 10.213.(s >> 24).(s >> 16 & 255),
 * source port s & 0xffff; the destination address is the template's; destination
 * port the template's (SYN) or 20000 + mix(s ^ 0x5bd1e995) % 40000 (UDP: never a
 * port xdptop sends whole handshakes for). tests/flood/check.py computes the same.
 *
 * Live-frame pages keep what the program wrote, so every field that varies is
 * written for every frame, the IPv4 header checksum included.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

/* Set by xdp_bench before load. */
const volatile __u32 cfg_flows = 0;	/* 0: every frame a new tuple; else t = n % cfg_flows */
const volatile __u32 cfg_seed = 0;

/* Frames the program has run on: the next frame's number n. One CPU runs the test run. */
__u64 gen_frames = 0;

/* murmur3's finaliser: a bijection on 32-bit numbers that scatters neighbours. */
static __always_inline __u32 mix(__u32 x)
{
	x ^= x >> 16;
	x *= 0x85ebca6bU;
	x ^= x >> 13;
	x *= 0xc2b2ae35U;
	x ^= x >> 16;
	return x;
}

static __always_inline __u16 ip_csum(const __u16 *h)
{
	__u32 s = 0;
	int i;

#pragma unroll
	for (i = 0; i < 10; i++)
		s += h[i];
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (__u16)~s;
}

SEC("xdp")
int xdt_gen(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct iphdr *ip = data + sizeof(struct ethhdr);
	__u64 n = gen_frames++;
	__u32 t, s;
	__be16 *ports;

	/* Ports of TCP and UDP alike sit at the start of the transport header. */
	if ((void *)(ip + 1) + sizeof(struct udphdr) > data_end)
		return XDP_ABORTED;
	t = cfg_flows ? (__u32)(n % cfg_flows) : (__u32)n;
	s = mix(t ^ cfg_seed);
	ip->saddr = bpf_htonl(0x0ad50000U | (s >> 16));
	ip->check = 0;
	ip->check = ip_csum((const __u16 *)ip);
	ports = (__be16 *)(ip + 1);
	ports[0] = bpf_htons((__u16)s);
	if (ip->protocol == IPPROTO_UDP) {
		ports[1] = bpf_htons((__u16)(20000 + mix(s ^ 0x5bd1e995U) % 40000));
	} else {
		struct tcphdr *th = (struct tcphdr *)ports;

		if ((void *)(th + 1) > data_end)
			return XDP_ABORTED;
		th->seq = bpf_htonl(s);
	}
	return XDP_TX;
}

char LICENSE[] SEC("license") = "GPL";
