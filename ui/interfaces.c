// SPDX-License-Identifier: GPL-2.0-only
/* The Interfaces tab. */
#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "interfaces.h"

/*
 * Rates need two samples; the snapshot only carries counters. A counter that went
 * backwards (interface re-created) gives no rate rather than a huge one.
 */
void xdt_interfaces_sample(struct xdt_ui *u)
{
	const struct xdt_snapshot *s = u->snap;
	size_t n = s->n_ifaces < XDT_UI_IFACES ? s->n_ifaces : XDT_UI_IFACES;

	if (s->seq == u->if_seq)
		return;
	for (size_t i = 0; i < n; i++) {
		const struct xdt_iface_view *c = &s->ifaces[i];
		double dt = (double)(s->now_ns - u->if_prev_ns) / 1e9;

		u->if_rx_bps[i] = u->if_tx_bps[i] = 0;
		for (size_t j = 0; j < u->if_n_prev && s->now_ns > u->if_prev_ns; j++) {
			const struct xdt_iface_view *p = &u->if_prev[j];

			if (strcmp(p->name, c->name))
				continue;
			if (c->rx_bytes >= p->rx_bytes)
				u->if_rx_bps[i] = (double)(c->rx_bytes - p->rx_bytes) / dt;
			if (c->tx_bytes >= p->tx_bytes)
				u->if_tx_bps[i] = (double)(c->tx_bytes - p->tx_bytes) / dt;
		}
	}
	memcpy(u->if_prev, s->ifaces, n * sizeof(s->ifaces[0]));
	u->if_n_prev = n;
	u->if_prev_ns = s->now_ns;
	u->if_seq = s->seq;
}

static int line(const struct xdt_ui *u, int y, int top, int h, int n, const char *text,
		chtype a)
{
	if (n >= top && n - top < h)
		xdt_term_put(&u->term, y + n - top, 1, COLS - 2, text, a, 0);
	return n + 1;
}

void xdt_interfaces_draw(struct xdt_ui *u, int y, int h)
{
	static const struct {
		const char *name;
		size_t off;
		const char *why;
	} counters[] = {
		{ "packets", offsetof(struct xdt_snapshot, packets), "packets the capture counted" },
		{ "malformed", offsetof(struct xdt_snapshot, malformed),
		  "too short or inconsistent to parse: counted, not in any flow" },
		{ "capture_dropped", offsetof(struct xdt_snapshot, capture_dropped),
		  "dropped before xdptop read them (socket or ring buffer full)" },
		{ "prefix_lost", offsetof(struct xdt_snapshot, prefix_lost),
		  "prefixes the ring buffer or AF_XDP socket had no room for: app names may be missing" },
		{ "map_full", offsetof(struct xdt_snapshot, map_full),
		  "flows the kernel's flow map had no room for (raise --max-flows)" },
	};
	const struct xdt_snapshot *s = u->snap;
	const struct xdt_term *t = &u->term;
	chtype title = xdt_term_look(t, XDT_LOOK_TITLE);
	size_t top;
	char b[512];
	int n = 0, total;

	u->page = h;
	if (!s) {
		xdt_term_put(t, y + 1, 2, COLS - 4, "waiting for the first snapshot...", A_NORMAL, 0);
		return;
	}
	/* Scrolling: the lines before scroll[] are not drawn. */
	total = 3 + (int)(s->n_ifaces ? s->n_ifaces : 1) + 2 + 5;
	top = u->scroll[XDT_TAB_INTERFACES];
	if (total <= h)
		top = 0;
	else if (top > (size_t)(total - h))
		top = (size_t)(total - h);
	u->scroll[XDT_TAB_INTERFACES] = top;
	u->lines = (size_t)total;

	snprintf(b, sizeof(b), "Backend: %s%sXDP mode: %s", s->backend ? s->backend : "?", t->sep,
		 s->xdp_mode ? s->xdp_mode : "- (not XDP)");
	n = line(u, y, (int)top, h, n, b, title);
	n = line(u, y, (int)top, h, n, "", A_NORMAL);
	snprintf(b, sizeof(b), "%-16s %-10s %14s %10s %11s %14s %10s %11s %10s %10s",
		 "Interface", "State", "RX packets", "RX bytes", "RX rate", "TX packets", "TX bytes",
		 "TX rate", "RX drop", "TX drop");
	n = line(u, y, (int)top, h, n, b, xdt_term_look(t, XDT_LOOK_HEADER));
	for (size_t i = 0; i < s->n_ifaces && i < XDT_UI_IFACES; i++) {
		const struct xdt_iface_view *f = &s->ifaces[i];
		char rb[32], tb[32], rr[32], tr[32];

		xdt_fmt_bytes(rb, sizeof(rb), f->rx_bytes);
		xdt_fmt_bytes(tb, sizeof(tb), f->tx_bytes);
		xdt_fmt_rate(rr, sizeof(rr), u->if_rx_bps[i]);
		xdt_fmt_rate(tr, sizeof(tr), u->if_tx_bps[i]);
		snprintf(b, sizeof(b), "%-16s %-10s %14llu %10s %11s %14llu %10s %11s %10llu %10llu",
			 f->name, f->state, (unsigned long long)f->rx_packets, rb, rr,
			 (unsigned long long)f->tx_packets, tb, tr,
			 (unsigned long long)f->rx_dropped, (unsigned long long)f->tx_dropped);
		/* Down or gone: nothing is being captured there, which must not go unseen. */
		n = line(u, y, (int)top, h, n, b,
			 strcmp(f->state, "up") ? xdt_term_look(t, XDT_LOOK_WARN) : A_NORMAL);
	}
	if (!s->n_ifaces)
		n = line(u, y, (int)top, h, n, "(no interface: reading a capture file?)", A_DIM);
	n = line(u, y, (int)top, h, n, "", A_NORMAL);
	n = line(u, y, (int)top, h, n, "Capture counters", title);
	for (size_t i = 0; i < sizeof(counters) / sizeof(counters[0]); i++) {
		uint64_t v;

		memcpy(&v, (const char *)s + counters[i].off, sizeof(v));
		/* Malformed frames: which reasons, as the JSON stats name them. */
		snprintf(b, sizeof(b), "  %-16s %14llu   %s", counters[i].name, (unsigned long long)v,
			 counters[i].off == offsetof(struct xdt_snapshot, malformed) &&
				 s->malformed_top[0] ? s->malformed_top : counters[i].why);
		/* Losses (from capture_dropped on) are what the user must notice. */
		n = line(u, y, (int)top, h, n, b,
			 v && i >= 2 ? xdt_term_look(t, XDT_LOOK_WARN) : A_NORMAL);
	}
}
