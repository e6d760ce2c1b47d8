// SPDX-License-Identifier: GPL-2.0-only
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <pcap/pcap.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcap.h"
#include "../util/log.h"

struct xdt_pcap {
	pcap_t *p;
	FILE *file;	/* offline: owned by libpcap once opened */
	int link;
	int nano;	/* timestamps carry nanoseconds */
	int eof;
	int live;
	uint64_t packets, bytes;	/* frames read and their wire lengths */
	xdt_pcap_tap_fn tap;
	void *tap_ctx;
	int tap_iface;
};

struct dispatch_ctx {
	struct xdt_pcap *c;
	struct xdt_engine *e;
};

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct dispatch_ctx *d = (struct dispatch_ctx *)user;
	int64_t sec = h->ts.tv_sec, frac = h->ts.tv_usec;
	uint64_t ts;

	/*
	 * Classic pcap stores unsigned 32-bit seconds, which libpcap sign-extends into
	 * time_t: a capture made after January 2038 would come out negative.
	 */
	if (sec < 0)
		sec += 1LL << 32;
	if (frac < 0)
		frac += 1LL << 32;
	ts = (uint64_t)sec * 1000000000ULL + (uint64_t)frac * (d->c->nano ? 1 : 1000);

	xdt_engine_packet(d->e, d->c->link, bytes, h->caplen, h->len, ts);
	d->c->packets++;
	d->c->bytes += h->len;
	if (d->c->tap)
		d->c->tap(d->c->tap_ctx, d->c->tap_iface, bytes, h->caplen, h->len, ts,
			  xdt_engine_last_flow(d->e));
}

void xdt_pcap_set_tap(struct xdt_pcap *c, xdt_pcap_tap_fn fn, void *ctx, int iface)
{
	c->tap = fn;
	c->tap_ctx = ctx;
	c->tap_iface = iface;
}

int xdt_pcap_linktype(const struct xdt_pcap *c)
{
	/*
	 * DLT_RAW is 12 on Linux (14 on OpenBSD); files say LINKTYPE_RAW, 101. The
	 * other links xdptop reads (Ethernet 1, BSD loopback 0, Linux cooked 113 and
	 * 276) have the same number in both.
	 */
	return c->link == DLT_RAW ? 101 : c->link;
}

int xdt_pcap_snaplen(const struct xdt_pcap *c)
{
	return pcap_snapshot(c->p);
}

void xdt_pcap_counts(const struct xdt_pcap *c, uint64_t *packets, uint64_t *bytes)
{
	*packets = c->packets;
	*bytes = c->bytes;
}

static struct xdt_pcap *wrap(pcap_t *p, int live, const char *what, char *err, size_t errlen)
{
	struct xdt_pcap *c;

	c = calloc(1, sizeof(*c));
	if (!c) {
		snprintf(err, errlen, "out of memory");
		pcap_close(p);
		return NULL;
	}
	c->p = p;
	c->live = live;
	c->link = pcap_datalink(p);
	c->nano = pcap_get_tstamp_precision(p) == PCAP_TSTAMP_PRECISION_NANO;
	if (!xdt_pkt_link_supported(c->link)) {
		snprintf(err, errlen, "%s: link type %s (%d) is not supported; supported: Ethernet, "
			 "Linux cooked v1/v2, raw IP, BSD loopback", what,
			 pcap_datalink_val_to_name(c->link) ? pcap_datalink_val_to_name(c->link)
							    : "unknown",
			 c->link);
		pcap_close(p);
		free(c);
		return NULL;
	}
	return c;
}

struct xdt_pcap *xdt_pcap_open_offline(const char *path, char *err, size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	FILE *f;
	pcap_t *p;

	if (!strcmp(path, "-")) {
		f = stdin;
	} else {
		f = fopen(path, "rb");
		if (!f) {
			snprintf(err, errlen, "cannot open capture '%s': %s", path, strerror(errno));
			return NULL;
		}
	}
	p = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, perr);
	if (!p) {
		/* libpcap says "unknown file format" for anything that is not a capture. */
		snprintf(err, errlen, "cannot read capture '%s': %s%s", path, perr,
			 strstr(perr, "unknown file format") ? " (not a pcap or pcapng file)" : "");
		if (f != stdin)
			fclose(f);
		return NULL;
	}
	return wrap(p, 0, path, err, errlen);
}

static const char *activate_hint(int rc)
{
	switch (rc) {
	case PCAP_ERROR_NO_SUCH_DEVICE:
		return " (`ip link` lists the interfaces)";
	case PCAP_ERROR_PERM_DENIED:
		return " (run as root, or give xdptop CAP_NET_RAW)";
	case PCAP_ERROR_IFACE_NOT_UP:
		return " (the interface is down)";
	default:
		return "";
	}
}

struct xdt_pcap *xdt_pcap_open_live(const struct xdt_pcap_live_opts *o, char *err,
				    size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p;
	int rc;

	p = pcap_create(o->ifname, perr);
	if (!p) {
		snprintf(err, errlen, "cannot capture on '%s': %s", o->ifname, perr);
		return NULL;
	}
	/*
	 * Immediate mode off keeps libpcap on TPACKET_V3 blocks: one wake-up per block
	 * or timeout instead of one per packet. Nanosecond stamps if the kernel has them.
	 */
	pcap_set_snaplen(p, o->snaplen);
	pcap_set_promisc(p, !!o->promisc);
	pcap_set_timeout(p, o->timeout_ms);
	pcap_set_buffer_size(p, o->buffer_bytes);
	pcap_set_immediate_mode(p, 0);
	if (pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO) != 0)
		xdt_dbg("%s: nanosecond timestamps unavailable, using microseconds", o->ifname);
	rc = pcap_activate(p);
	if (rc < 0) {
		snprintf(err, errlen, "cannot capture on '%s': %s%s", o->ifname, pcap_geterr(p),
			 activate_hint(rc));
		pcap_close(p);
		return NULL;
	}
	if (rc > 0)
		xdt_warn("%s: %s", o->ifname, pcap_geterr(p));
	if (pcap_setnonblock(p, 1, perr) < 0) {
		snprintf(err, errlen, "cannot capture on '%s': %s", o->ifname, perr);
		pcap_close(p);
		return NULL;
	}
	return wrap(p, 1, o->ifname, err, errlen);
}

void xdt_pcap_close(struct xdt_pcap *c)
{
	if (!c)
		return;
	pcap_close(c->p);	/* also closes an offline FILE */
	free(c);
}

int xdt_pcap_rebind(struct xdt_pcap *c, int ifindex)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ALL),
		.sll_ifindex = ifindex,
	};
	int fd = c->live ? pcap_get_selectable_fd(c->p) : -1;

	if (fd < 0)
		return -EINVAL;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		return -errno;
	return 0;
}

int xdt_pcap_link(const struct xdt_pcap *c)
{
	return c->link;
}

int xdt_pcap_fd(const struct xdt_pcap *c)
{
	return c->live ? pcap_get_selectable_fd(c->p) : -1;
}

int xdt_pcap_eof(const struct xdt_pcap *c)
{
	return c->eof;
}

int xdt_pcap_dispatch(struct xdt_pcap *c, struct xdt_engine *e, int max, char *err,
		      size_t errlen)
{
	struct dispatch_ctx d = { .c = c, .e = e };
	int n;

	n = pcap_dispatch(c->p, max, on_packet, (u_char *)&d);
	if (n == PCAP_ERROR) {
		snprintf(err, errlen, "%s", pcap_geterr(c->p));
		return -EIO;
	}
	if (n == 0 && !c->live)
		c->eof = 1;
	return n < 0 ? 0 : n;	/* PCAP_ERROR_BREAK: we never call pcap_breakloop */
}

int xdt_pcap_stats(struct xdt_pcap *c, struct xdt_capture_stats *out)
{
	struct pcap_stat ps;

	memset(out, 0, sizeof(*out));
	if (!c->live || pcap_stats(c->p, &ps) < 0)
		return -EIO;
	out->valid = 1;
	out->dropped = ps.ps_drop;
	out->if_dropped = ps.ps_ifdrop;
	return 0;
}
