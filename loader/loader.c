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

/* The links that hold the programs on one interface. */
struct attachment {
	const char *ifname;
	int ifindex;
	struct bpf_link *xdp_link;
	int xdp_link_fd;	/* generic-mode fallback: a raw link fd */
	int tc_link_fd;
	const char *xdp_mode;
};

struct xdt_kernel {
	struct xdp_flow_bpf *xdp;
	struct tc_flow_bpf *tc;
	unsigned int n;
	struct attachment att[XDT_KERNEL_MAX_IFACES];
	const char *xdp_mode;
	int mirror;
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

/* Close one interface's links: they detach, if the interface is still there. */
static void detach_one(struct attachment *a)
{
	if (a->tc_link_fd >= 0)
		close(a->tc_link_fd);
	if (a->xdp_link_fd >= 0)
		close(a->xdp_link_fd);
	bpf_link__destroy(a->xdp_link);
	a->tc_link_fd = a->xdp_link_fd = -1;
	a->xdp_link = NULL;
}

void xdt_kernel_close(struct xdt_kernel *k)
{
	unsigned int i;

	if (!k)
		return;
	for (i = 0; i < k->n; i++)
		detach_one(&k->att[i]);
	tc_flow_bpf__destroy(k->tc);
	xdp_flow_bpf__destroy(k->xdp);
	free(k);
}

static int attach_one(struct xdt_kernel *k, struct attachment *a, int mirror, char *err,
		      size_t errlen);

void xdt_kernel_detach(struct xdt_kernel *k, unsigned int slot)
{
	if (k && slot < k->n)
		detach_one(&k->att[slot]);
}

int xdt_kernel_reattach(struct xdt_kernel *k, unsigned int slot, int ifindex, char *err,
			size_t errlen)
{
	struct attachment *a;
	int rc;

	if (!k || slot >= k->n || ifindex <= 0) {
		snprintf(err, errlen, "no interface slot %u", slot);
		return -EINVAL;
	}
	a = &k->att[slot];
	detach_one(a);
	a->ifindex = ifindex;
	/* The per-interface counters follow the name to its new ifindex. */
	k->xdp->bss->cfg_ifindex[slot] = (__u32)ifindex;
	k->tc->bss->cfg_ifindex[slot] = (__u32)ifindex;
	rc = attach_one(k, a, k->mirror, err, errlen);
	if (rc) {
		detach_one(a);
		return rc;
	}
	return 0;
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

/* Interface slots of xdt_ifstats: the order the interfaces were given in. */
static void configure_ifaces(const struct xdt_kernel *k, volatile __u32 *ifindex)
{
	unsigned int i;

	for (i = 0; i < k->n; i++)
		ifindex[i] = (__u32)k->att[i].ifindex;
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
		{ x->maps.xdt_ifstats, t->maps.xdt_ifstats },
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

/*
 * Who holds @ifindex's XDP hook, for the message when ours cannot attach: another
 * xdptop (our program's name), or the program's id and name. "" if none is seen.
 */
static void xdp_holder(int ifindex, char *buf, size_t len)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	struct bpf_prog_info info;
	__u32 info_len = sizeof(info);
	int fd;

	buf[0] = 0;
	if (bpf_xdp_query(ifindex, 0, &q) < 0 || !q.prog_id)
		return;
	memset(&info, 0, sizeof(info));
	fd = bpf_prog_get_fd_by_id(q.prog_id);
	if (fd >= 0 && bpf_obj_get_info_by_fd(fd, &info, &info_len) < 0)
		info.name[0] = 0;
	if (fd >= 0)
		close(fd);
	if (!strcmp(info.name, "xdt_xdp"))
		snprintf(buf, len, "another xdptop is capturing there (XDP program %u)", q.prog_id);
	else
		snprintf(buf, len, "XDP program %u%s%s is attached to it", q.prog_id,
			 info.name[0] ? " " : "", info.name);
}

static int attach_one(struct xdt_kernel *k, struct attachment *a, int mirror, char *err,
		      size_t errlen)
{
	int rc;

	/*
	 * No mode flag: native if the driver has XDP support, else generic. A driver
	 * that has it but refuses this setup (queues, MTU, offloads) gets a second try
	 * in generic mode, which always works at some cost in speed.
	 */
	a->xdp_link = bpf_program__attach_xdp(k->xdp->progs.xdt_xdp, a->ifindex);
	if (!a->xdp_link) {
		int native = -errno, fd;

		LIBBPF_OPTS(bpf_link_create_opts, lo, .flags = XDP_FLAGS_SKB_MODE);
		fd = bpf_link_create(bpf_program__fd(k->xdp->progs.xdt_xdp), a->ifindex, BPF_XDP,
				     &lo);
		if (fd < 0) {
			char holder[128] = "";

			rc = -errno;
			/* An interface has one XDP hook: never take it from whoever holds it. */
			if (rc == -EBUSY || rc == -EEXIST)
				xdp_holder(a->ifindex, holder, sizeof(holder));
			if (holder[0])
				snprintf(err, errlen, "XDP attach to %s failed: %s; stop it first, or "
					 "use --backend pcap, which runs beside it", a->ifname,
					 holder);
			else
				snprintf(err, errlen, "XDP attach to %s failed: native: %s, generic: "
					 "%s%s", a->ifname, strerror(-native), strerror(-rc),
					 rc == -EBUSY || rc == -EEXIST
						 ? " (another XDP program is attached; remove it or "
						   "use --backend pcap)"
						 : " (use --backend pcap)");
			return rc;
		}
		xdt_dbg("native XDP on %s failed (%s); attached in generic mode", a->ifname,
			strerror(-native));
		a->xdp_link_fd = fd;
	}
	a->xdp_mode = xdp_attached_mode(a->ifindex);
	if (mirror)
		return 0;	/* a mirror port carries no traffic of ours to send */
	a->tc_link_fd = bpf_link_create(bpf_program__fd(k->tc->progs.xdt_tc_egress), a->ifindex,
					BPF_TCX_EGRESS, NULL);
	if (a->tc_link_fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "TC egress attach (tcx link) to %s failed: %s (needs Linux "
			 "6.6 or later; use --backend pcap)", a->ifname, strerror(-rc));
		return rc;
	}
	return 0;
}

static int attach(struct xdt_kernel *k, const struct xdt_kernel_opts *o, char *err,
		  size_t errlen)
{
	unsigned int i;

	for (i = 0; i < o->n_ifnames; i++) {
		struct attachment *a = &k->att[i];

		if (attach_one(k, a, o->mirror, err, errlen))
			return -1;
		if (!k->xdp_mode)
			k->xdp_mode = a->xdp_mode;
		else if (strcmp(k->xdp_mode, a->xdp_mode))
			k->xdp_mode = "mixed";
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
	if (o->n_ifnames < 1 || o->n_ifnames > XDT_KERNEL_MAX_IFACES) {
		snprintf(err, errlen, "between 1 and %d interfaces, not %u", XDT_KERNEL_MAX_IFACES,
			 o->n_ifnames);
		goto fail;
	}
	for (k->n = 0; k->n < o->n_ifnames; k->n++) {
		struct attachment *a = &k->att[k->n];

		a->ifname = o->ifnames[k->n];
		a->tc_link_fd = -1;
		a->xdp_link_fd = -1;
		a->ifindex = (int)if_nametoindex(a->ifname);
		if (!a->ifindex) {
			snprintf(err, errlen, "no interface '%s' (`ip link` lists the interfaces)",
				 a->ifname);
			k->n++;
			goto fail;
		}
	}
	k->xdp = xdp_flow_bpf__open();
	k->tc = tc_flow_bpf__open();
	if (!k->xdp || !k->tc) {
		snprintf(err, errlen, "cannot open the BPF objects: %s", strerror(errno));
		goto fail;
	}
	configure(o, &k->xdp->rodata->cfg_dpi_packets, &k->xdp->rodata->cfg_dpi_bytes);
	configure(o, &k->tc->rodata->cfg_dpi_packets, &k->tc->rodata->cfg_dpi_bytes);
	configure_ifaces(k, k->xdp->bss->cfg_ifindex);
	configure_ifaces(k, k->tc->bss->cfg_ifindex);
	k->xdp->rodata->cfg_mirror = !!o->mirror;
	k->mirror = !!o->mirror;
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
	k->maps.ifstats = bpf_map__fd(k->xdp->maps.xdt_ifstats);
	return k;
fail:
	xdt_kernel_close(k);
	return NULL;
}
