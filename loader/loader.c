// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>

#include "loader.h"
#include "tc_flow.skel.h"
#include "xdp_flow.skel.h"
#include "../user/util/log.h"

/* tcx arrived in Linux 6.6; the installed UAPI headers may predate it. */
#ifndef BPF_TCX_EGRESS
#define BPF_TCX_INGRESS 46
#define BPF_TCX_EGRESS 47
#endif

struct xdt_kernel {
	struct xdp_flow_bpf *xdp;
	struct tc_flow_bpf *tc;
	struct bpf_link *xdp_link;
	int xdp_link_fd;	/* generic-mode fallback: a raw link fd */
	int tc_link_fd;
	int ifindex;
	const char *xdp_mode;
	struct xdt_kernel_maps maps;
};

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	/* Everything libbpf says is detail (the verifier log can run to megabytes): -v. */
	if (xdt_log_get_level() < XDT_LOG_DEBUG)
		return 0;
	(void)level;
	fputs("xdptop: libbpf: ", stderr);
	vfprintf(stderr, fmt, ap);
	return 0;
}

void xdt_kernel_log_init(void)
{
	libbpf_set_print(libbpf_print);
}

void xdt_kernel_close(struct xdt_kernel *k)
{
	if (!k)
		return;
	if (k->tc_link_fd >= 0)
		close(k->tc_link_fd);
	if (k->xdp_link_fd >= 0)
		close(k->xdp_link_fd);
	bpf_link__destroy(k->xdp_link);
	tc_flow_bpf__destroy(k->tc);
	xdp_flow_bpf__destroy(k->xdp);
	free(k);
}

const struct xdt_kernel_maps *xdt_kernel_maps(const struct xdt_kernel *k)
{
	return &k->maps;
}

const char *xdt_kernel_xdp_mode(const struct xdt_kernel *k)
{
	return k->xdp_mode;
}

static void configure(const struct xdt_kernel_opts *o, volatile __u32 *pk, volatile __u32 *by)
{
	*pk = o->dpi_packets;
	*by = o->dpi_bytes;
}

/* The TC object uses the XDP object's maps: one flow table for both directions. */
static int share_maps(struct xdp_flow_bpf *x, struct tc_flow_bpf *t)
{
	struct {
		struct bpf_map *from, *to;
	} m[] = {
		{ x->maps.xdt_flows, t->maps.xdt_flows },
		{ x->maps.xdt_done, t->maps.xdt_done },
		{ x->maps.xdt_frags, t->maps.xdt_frags },
		{ x->maps.xdt_prefixes, t->maps.xdt_prefixes },
		{ x->maps.xdt_stats, t->maps.xdt_stats },
	};
	size_t i;
	int err;

	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		err = bpf_map__reuse_fd(m[i].to, bpf_map__fd(m[i].from));
		if (err)
			return err;
	}
	return 0;
}

static const char *xdp_attached_mode(int ifindex)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	if (bpf_xdp_query(ifindex, 0, &q) < 0)
		return "unknown";
	switch (q.attach_mode) {
	case XDP_ATTACHED_DRV:
		return "native";
	case XDP_ATTACHED_SKB:
		return "generic";
	case XDP_ATTACHED_HW:
		return "offload";
	default:
		return "unknown";
	}
}

static int attach(struct xdt_kernel *k, const struct xdt_kernel_opts *o, char *err,
		  size_t errlen)
{
	int rc;

	/*
	 * No mode flag: native if the driver has XDP support, else generic. A driver
	 * that has it but refuses this setup (queues, MTU, offloads) gets a second try
	 * in generic mode, which always works at some cost in speed.
	 */
	k->xdp_link = bpf_program__attach_xdp(k->xdp->progs.xdt_xdp, k->ifindex);
	if (!k->xdp_link) {
		int native = -errno, fd;

		LIBBPF_OPTS(bpf_link_create_opts, lo, .flags = XDP_FLAGS_SKB_MODE);
		fd = bpf_link_create(bpf_program__fd(k->xdp->progs.xdt_xdp), k->ifindex, BPF_XDP,
				     &lo);
		if (fd < 0) {
			rc = -errno;
			snprintf(err, errlen, "XDP attach to %s failed: native: %s, generic: %s%s",
				 o->ifname, strerror(-native), strerror(-rc),
				 rc == -EBUSY || rc == -EEXIST
					 ? " (another XDP program is attached; remove it or use "
					   "--backend pcap)"
					 : " (use --backend pcap)");
			return rc;
		}
		xdt_dbg("native XDP on %s failed (%s); attached in generic mode", o->ifname,
			strerror(-native));
		k->xdp_link_fd = fd;
	}
	k->xdp_mode = xdp_attached_mode(k->ifindex);
	if (o->mirror)
		return 0;	/* a mirror port carries no traffic of ours to send */
	k->tc_link_fd = bpf_link_create(bpf_program__fd(k->tc->progs.xdt_tc_egress), k->ifindex,
					BPF_TCX_EGRESS, NULL);
	if (k->tc_link_fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "TC egress attach (tcx link) to %s failed: %s (needs Linux "
			 "6.6 or later; use --backend pcap)", o->ifname, strerror(-rc));
		return rc;
	}
	return 0;
}

struct xdt_kernel *xdt_kernel_open(const struct xdt_kernel_opts *o, char *err, size_t errlen)
{
	struct xdt_kernel *k = calloc(1, sizeof(*k));
	int rc;

	if (!k) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	k->tc_link_fd = -1;
	k->xdp_link_fd = -1;
	k->ifindex = (int)if_nametoindex(o->ifname);
	if (!k->ifindex) {
		snprintf(err, errlen, "no interface '%s' (`ip link` lists the interfaces)",
			 o->ifname);
		goto fail;
	}
	k->xdp = xdp_flow_bpf__open();
	k->tc = tc_flow_bpf__open();
	if (!k->xdp || !k->tc) {
		snprintf(err, errlen, "cannot open the BPF objects: %s", strerror(errno));
		goto fail;
	}
	configure(o, &k->xdp->rodata->cfg_dpi_packets, &k->xdp->rodata->cfg_dpi_bytes);
	configure(o, &k->tc->rodata->cfg_dpi_packets, &k->tc->rodata->cfg_dpi_bytes);
	k->xdp->rodata->cfg_mirror = !!o->mirror;
	bpf_map__set_max_entries(k->xdp->maps.xdt_flows, (__u32)o->max_flows);
	bpf_map__set_max_entries(k->xdp->maps.xdt_done, (__u32)o->max_flows);
	if (o->mirror)
		bpf_program__set_autoload(k->tc->progs.xdt_tc_egress, false);

	rc = xdp_flow_bpf__load(k->xdp);
	if (rc) {
		snprintf(err, errlen, "loading the XDP program failed: %s (run with -v for the "
			 "verifier log; needs root or CAP_BPF+CAP_NET_ADMIN; or use --backend pcap)",
			 strerror(-rc));
		goto fail;
	}
	if (!o->mirror) {
		rc = share_maps(k->xdp, k->tc);
		if (!rc)
			rc = tc_flow_bpf__load(k->tc);
		if (rc) {
			snprintf(err, errlen, "loading the TC program failed: %s (run with -v for "
				 "the verifier log; or use --backend pcap)", strerror(-rc));
			goto fail;
		}
	}
	if (attach(k, o, err, errlen))
		goto fail;
	k->maps.flows = bpf_map__fd(k->xdp->maps.xdt_flows);
	k->maps.done = bpf_map__fd(k->xdp->maps.xdt_done);
	k->maps.prefixes = bpf_map__fd(k->xdp->maps.xdt_prefixes);
	k->maps.stats = bpf_map__fd(k->xdp->maps.xdt_stats);
	k->maps.xsks = bpf_map__fd(k->xdp->maps.xdt_xsks);
	return k;
fail:
	xdt_kernel_close(k);
	return NULL;
}
