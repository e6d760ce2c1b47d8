// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "ifwatch.h"

struct slot {
	const char *name;
	int ifindex;		/* 0: no interface of that name now */
	unsigned int mtu;
	unsigned int admin_up, running;
	int seen;		/* in the dump being read (resync) */
};

struct xdt_ifwatch {
	int fd;
	uint32_t seq;
	int quiet;		/* learning the first state: no events */
	unsigned int n;
	struct slot s[];
};

const char *xdt_ifev_name(enum xdt_ifev_kind kind)
{
	switch (kind) {
	case XDT_IFEV_DOWN:
		return "down";
	case XDT_IFEV_UP:
		return "up";
	case XDT_IFEV_MTU:
		return "mtu";
	case XDT_IFEV_GONE:
		return "gone";
	case XDT_IFEV_BACK:
		return "back";
	}
	return "?";
}

static int emit(struct xdt_ifwatch *w, enum xdt_ifev_kind kind, unsigned int i, unsigned int old_mtu,
		xdt_ifev_fn cb, void *ctx)
{
	struct xdt_ifev ev = {
		.kind = kind,
		.slot = i,
		.name = w->s[i].name,
		.ifindex = w->s[i].ifindex,
		.mtu = w->s[i].mtu,
		.old_mtu = old_mtu,
		.admin_up = w->s[i].admin_up,
		.running = w->s[i].running,
	};

	if (w->quiet || !cb)
		return 0;
	cb(&ev, ctx);
	return 1;
}

static int gone(struct xdt_ifwatch *w, unsigned int i, xdt_ifev_fn cb, void *ctx)
{
	int n = emit(w, XDT_IFEV_GONE, i, w->s[i].mtu, cb, ctx);

	w->s[i].ifindex = 0;
	w->s[i].admin_up = w->s[i].running = 0;
	return n;
}

/* One RTM_NEWLINK or RTM_DELLINK, already bound-checked. */
static int link_msg(struct xdt_ifwatch *w, int del, int ifindex, const char *name, int have_mtu,
		    unsigned int mtu, unsigned int flags, xdt_ifev_fn cb, void *ctx)
{
	unsigned int up = !!(flags & IFF_UP), running = !!(flags & IFF_RUNNING);
	unsigned int i;
	int n = 0;

	for (i = 0; i < w->n; i++) {
		struct slot *s = &w->s[i];
		int ours = name && !strcmp(name, s->name);

		/* Deleted, or renamed to something else: what we attached to went away. */
		if (s->ifindex && s->ifindex == ifindex && (del || (name && !ours))) {
			n += gone(w, i, cb, ctx);
			continue;
		}
		if (del || !ours)
			continue;
		s->seen = 1;
		if (s->ifindex != ifindex) {
			/* A new interface of our name; the old one left unannounced. */
			if (s->ifindex)
				n += gone(w, i, cb, ctx);
			s->ifindex = ifindex;
			s->mtu = have_mtu ? mtu : 0;
			s->admin_up = up;
			s->running = running;
			n += emit(w, XDT_IFEV_BACK, i, 0, cb, ctx);
			continue;
		}
		if (have_mtu && mtu != s->mtu) {
			unsigned int old = s->mtu;

			s->mtu = mtu;
			n += emit(w, XDT_IFEV_MTU, i, old, cb, ctx);
		}
		if ((up && running) != (s->admin_up && s->running)) {
			s->admin_up = up;
			s->running = running;
			n += emit(w, up && running ? XDT_IFEV_UP : XDT_IFEV_DOWN, i, 0, cb, ctx);
		} else {
			s->admin_up = up;
			s->running = running;
		}
	}
	return n;
}

int xdt_ifwatch_feed(struct xdt_ifwatch *w, const void *buf, size_t len, xdt_ifev_fn cb,
		     void *ctx)
{
	const struct nlmsghdr *nh = buf;
	size_t left = len;
	int n = 0;

	while (left >= sizeof(*nh)) {
		const struct ifinfomsg *ifi;
		const struct rtattr *rta;
		char name[IFNAMSIZ] = "";
		unsigned int mtu = 0, alen;
		int have_name = 0, have_mtu = 0;

		if (nh->nlmsg_len < sizeof(*nh) || nh->nlmsg_len > left)
			return -EINVAL;
		if (nh->nlmsg_type != RTM_NEWLINK && nh->nlmsg_type != RTM_DELLINK)
			goto next;
		if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)))
			return -EINVAL;
		ifi = NLMSG_DATA(nh);
		alen = nh->nlmsg_len - NLMSG_LENGTH(sizeof(*ifi));
		for (rta = IFLA_RTA(ifi); RTA_OK(rta, alen); rta = RTA_NEXT(rta, alen)) {
			size_t plen = RTA_PAYLOAD(rta);

			if (rta->rta_type == IFLA_IFNAME && plen > 0) {
				const char *p = RTA_DATA(rta);
				size_t l = strnlen(p, plen);

				/* Unterminated or too long: not a name we could be watching. */
				if (l == plen || l >= sizeof(name))
					return -EINVAL;
				memcpy(name, p, l + 1);
				have_name = 1;
			} else if (rta->rta_type == IFLA_MTU && plen >= sizeof(uint32_t)) {
				memcpy(&mtu, RTA_DATA(rta), sizeof(uint32_t));
				have_mtu = 1;
			}
		}
		n += link_msg(w, nh->nlmsg_type == RTM_DELLINK, ifi->ifi_index,
			      have_name ? name : NULL, have_mtu, mtu, ifi->ifi_flags, cb, ctx);
next:
		if (NLMSG_ALIGN(nh->nlmsg_len) >= left)
			break;
		left -= NLMSG_ALIGN(nh->nlmsg_len);
		nh = (const struct nlmsghdr *)((const char *)nh + NLMSG_ALIGN(nh->nlmsg_len));
	}
	return n;
}

static struct xdt_ifwatch *alloc(const char *const *names, unsigned int n)
{
	struct xdt_ifwatch *w = calloc(1, sizeof(*w) + n * sizeof(w->s[0]));
	unsigned int i;

	if (!w)
		return NULL;
	w->fd = -1;
	w->n = n;
	for (i = 0; i < n; i++)
		w->s[i].name = names[i];
	return w;
}

struct xdt_ifwatch *xdt_ifwatch_new_detached(const char *const *names, unsigned int n)
{
	return alloc(names, n);
}

/* Ask for every link; the answers come in like notifications. 0 or -errno. */
static int request_dump(struct xdt_ifwatch *w)
{
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
	} req = {
		.nh = {
			.nlmsg_len = sizeof(req),
			.nlmsg_type = RTM_GETLINK,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
			.nlmsg_seq = ++w->seq,
		},
		.ifi = { .ifi_family = AF_UNSPEC },
	};
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };

	if (sendto(w->fd, &req, sizeof(req), 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return -errno;
	return 0;
}

/*
 * Read until the dump's NLMSG_DONE (notifications on the way are handled too),
 * waiting at most 2 s in all. Returns events, or -errno.
 */
static int read_dump(struct xdt_ifwatch *w, xdt_ifev_fn cb, void *ctx)
{
	static char buf[32768] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct pollfd pfd = { .fd = w->fd, .events = POLLIN };
	int events = 0, waited = 0;

	for (;;) {
		struct sockaddr_nl from;
		socklen_t flen = sizeof(from);
		const struct nlmsghdr *nh;
		ssize_t r;
		size_t left;
		int done = 0;

		r = recvfrom(w->fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from, &flen);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN || waited >= 2000)
				return errno == EAGAIN ? -ETIMEDOUT : -errno;
			poll(&pfd, 1, 100);
			waited += 100;
			continue;
		}
		if (from.nl_pid != 0)
			continue;	/* only the kernel speaks for the kernel */
		for (nh = (const struct nlmsghdr *)buf, left = (size_t)r;
		     left >= sizeof(*nh) && nh->nlmsg_len >= sizeof(*nh) && nh->nlmsg_len <= left;
		     left -= NLMSG_ALIGN(nh->nlmsg_len) < left ? NLMSG_ALIGN(nh->nlmsg_len) : left,
		     nh = (const struct nlmsghdr *)((const char *)nh + NLMSG_ALIGN(nh->nlmsg_len)))
			if (nh->nlmsg_type == NLMSG_DONE && nh->nlmsg_seq == w->seq)
				done = 1;
			else if (nh->nlmsg_type == NLMSG_ERROR && nh->nlmsg_seq == w->seq)
				return -EIO;
		r = xdt_ifwatch_feed(w, buf, (size_t)r, cb, ctx);
		if (r > 0)
			events += (int)r;
		if (done)
			return events;
	}
}

/* Read the whole state again; interfaces of ours that are missing from it are gone. */
static int resync(struct xdt_ifwatch *w, xdt_ifev_fn cb, void *ctx)
{
	unsigned int i;
	int n, rc;

	for (i = 0; i < w->n; i++)
		w->s[i].seen = 0;
	rc = request_dump(w);
	if (rc < 0)
		return rc;
	n = read_dump(w, cb, ctx);
	if (n < 0)
		return n;
	for (i = 0; i < w->n; i++)
		if (!w->s[i].seen && w->s[i].ifindex)
			n += gone(w, i, cb, ctx);
	return n;
}

struct xdt_ifwatch *xdt_ifwatch_new(const char *const *names, unsigned int n, char *err,
				    size_t errlen)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = RTMGRP_LINK };
	struct xdt_ifwatch *w = alloc(names, n);
	int rcvbuf = 1 << 20, rc;

	if (!w) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	w->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
	if (w->fd < 0 || bind(w->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		snprintf(err, errlen, "cannot watch the interfaces (rtnetlink): %s",
			 strerror(errno));
		xdt_ifwatch_free(w);
		return NULL;
	}
	/* Bursts (a hundred veths created at once) must not overflow it: 1 MiB. */
	setsockopt(w->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	w->quiet = 1;
	rc = resync(w, NULL, NULL);
	w->quiet = 0;
	if (rc < 0) {
		snprintf(err, errlen, "cannot read the interfaces (rtnetlink): %s", strerror(-rc));
		xdt_ifwatch_free(w);
		return NULL;
	}
	return w;
}

void xdt_ifwatch_free(struct xdt_ifwatch *w)
{
	if (!w)
		return;
	if (w->fd >= 0)
		close(w->fd);
	free(w);
}

int xdt_ifwatch_fd(const struct xdt_ifwatch *w)
{
	return w ? w->fd : -1;
}

int xdt_ifwatch_ifindex(const struct xdt_ifwatch *w, unsigned int slot)
{
	return w && slot < w->n ? w->s[slot].ifindex : 0;
}

int xdt_ifwatch_running(const struct xdt_ifwatch *w, unsigned int slot)
{
	return w && slot < w->n && w->s[slot].ifindex && w->s[slot].admin_up &&
	       w->s[slot].running;
}

int xdt_ifwatch_poll(struct xdt_ifwatch *w, xdt_ifev_fn cb, void *ctx)
{
	static char buf[32768] __attribute__((aligned(NLMSG_ALIGNTO)));
	int events = 0, rc;

	if (!w || w->fd < 0)
		return 0;
	for (;;) {
		struct sockaddr_nl from;
		socklen_t flen = sizeof(from);
		ssize_t r = recvfrom(w->fd, buf, sizeof(buf), MSG_DONTWAIT,
				     (struct sockaddr *)&from, &flen);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return events;
			if (errno != ENOBUFS)
				return -errno;
			/* Notifications were lost: what is true now, from the kernel. */
			rc = resync(w, cb, ctx);
			if (rc < 0)
				return rc;
			events += rc;
			continue;
		}
		if (from.nl_pid != 0)
			continue;
		rc = xdt_ifwatch_feed(w, buf, (size_t)r, cb, ctx);
		if (rc > 0)
			events += rc;
	}
}
