// SPDX-License-Identifier: GPL-2.0-only
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "proc/diag.h"
#include "util/hash.h"
#include "util/log.h"

/* --- netlink replies ------------------------------------------------------------- */

/* Attributes follow the fixed header; only IPV6_V6ONLY matters here. */
static int diag_attrs(const uint8_t *p, size_t len, struct xdt_diag_sock *s)
{
	size_t off = 0;

	while (len - off >= sizeof(struct rtattr)) {
		struct rtattr a;

		memcpy(&a, p + off, sizeof(a));
		if (a.rta_len < sizeof(a) || a.rta_len > len - off)
			return -EBADMSG;
		if (a.rta_type == INET_DIAG_SKV6ONLY && a.rta_len > sizeof(a))
			s->v6only = p[off + RTA_LENGTH(0)] != 0;
		off += RTA_ALIGN(a.rta_len);
		if (off > len)
			off = len;
	}
	return 0;
}

static int diag_msg(const uint8_t *p, size_t len, uint8_t proto, xdt_diag_cb cb, void *ctx)
{
	struct xdt_diag_sock s = { .proto = proto };
	struct inet_diag_msg m;
	size_t alen, hdr = NLMSG_ALIGN(sizeof(m));
	int err;

	if (len < sizeof(m))
		return -EBADMSG;
	memcpy(&m, p, sizeof(m));
	if (m.idiag_family == AF_INET) {
		s.family = 4;
		alen = 4;
	} else if (m.idiag_family == AF_INET6) {
		s.family = 6;
		alen = 16;
	} else {
		return 0;
	}
	s.state = m.idiag_state;
	s.lport = ntohs(m.id.idiag_sport);
	s.rport = ntohs(m.id.idiag_dport);
	memcpy(s.laddr, m.id.idiag_src, alen);
	memcpy(s.raddr, m.id.idiag_dst, alen);
	s.uid = m.idiag_uid;
	s.inode = m.idiag_inode;
	if (len > hdr) {
		err = diag_attrs(p + hdr, len - hdr, &s);
		if (err)
			return err;
	}
	return cb(&s, ctx);
}

int xdt_diag_parse(const void *buf, size_t len, uint8_t proto, xdt_diag_cb cb, void *ctx)
{
	const uint8_t *p = buf;
	size_t off = 0;
	int err;

	while (off < len) {
		const uint8_t *pl = p + off + NLMSG_HDRLEN;
		struct nlmsghdr nh;
		size_t plen;

		if (len - off < sizeof(nh))
			return -EBADMSG;
		memcpy(&nh, p + off, sizeof(nh));
		if (nh.nlmsg_len < NLMSG_HDRLEN || nh.nlmsg_len > len - off)
			return -EBADMSG;
		plen = nh.nlmsg_len - NLMSG_HDRLEN;
		switch (nh.nlmsg_type) {
		case NLMSG_DONE:
			/* A dump that failed half-way says so here. */
			if (plen >= sizeof(int)) {
				memcpy(&err, pl, sizeof(err));
				if (err < 0)
					return err;
			}
			return 1;
		case NLMSG_ERROR:
			if (plen < sizeof(int))
				return -EBADMSG;
			memcpy(&err, pl, sizeof(err));
			if (err > 0 || err < -4095)
				return -EBADMSG;
			if (err < 0)
				return err;
			break;	/* an ACK */
		case SOCK_DIAG_BY_FAMILY:
			err = diag_msg(pl, plen, proto, cb, ctx);
			if (err)
				return err < 0 ? err : -EINVAL;
			break;
		default:
			break;
		}
		off += NLMSG_ALIGN(nh.nlmsg_len);
	}
	return 0;
}

static int dump_one(int fd, uint8_t *buf, size_t len, int family, uint8_t proto, uint32_t seq,
		    xdt_diag_cb cb, void *ctx)
{
	struct {
		struct nlmsghdr nh;
		struct inet_diag_req_v2 r;
	} req = {
		.nh = {
			.nlmsg_len = sizeof(req),
			.nlmsg_type = SOCK_DIAG_BY_FAMILY,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
			.nlmsg_seq = seq,
		},
		.r = {
			.sdiag_family = (uint8_t)family,
			.sdiag_protocol = proto,
			.idiag_states = ~0U,
		},
	};
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	ssize_t n;
	int err;

	if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return -errno;
	for (;;) {
		struct sockaddr_nl from;
		struct iovec iov = { .iov_base = buf, .iov_len = len };
		struct msghdr mh = {
			.msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov,
			.msg_iovlen = 1,
		};

		n = recvmsg(fd, &mh, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (mh.msg_flags & MSG_TRUNC)
			return -EMSGSIZE;
		/* Only the kernel (port 0) answers a diag request. */
		if (mh.msg_namelen < sizeof(from) || from.nl_pid != 0)
			continue;
		err = xdt_diag_parse(buf, (size_t)n, proto, cb, ctx);
		if (err)
			return err < 0 ? err : 0;
	}
}

int xdt_diag_dump(xdt_diag_cb cb, void *ctx)
{
	static const struct {
		int family;
		uint8_t proto;
	} q[] = {
		{ AF_INET, IPPROTO_TCP }, { AF_INET6, IPPROTO_TCP },
		{ AF_INET, IPPROTO_UDP }, { AF_INET6, IPPROTO_UDP },
	};
	/* Larger than the kernel's dump skb (up to 32 KiB), so no reply is cut. */
	size_t len = 64 * 1024;
	uint8_t *buf;
	size_t i;
	int fd, err = 0;

	buf = malloc(len);
	if (!buf)
		return -ENOMEM;
	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0) {
		err = -errno;
		goto out;
	}
	for (i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		err = dump_one(fd, buf, len, q[i].family, q[i].proto, (uint32_t)i + 1, cb, ctx);
		if (err == -ENOENT) {
			xdt_dbg("sock_diag has no %s/%s module; those sockets stay unattributed",
				q[i].family == AF_INET ? "inet" : "inet6",
				q[i].proto == IPPROTO_TCP ? "tcp" : "udp");
			err = 0;
		}
		if (err)
			break;
	}
	close(fd);
out:
	free(buf);
	return err;
}

/* --- the snapshot ------------------------------------------------------------------ */

struct tuple {
	uint8_t laddr[16];
	uint8_t raddr[16];
	uint16_t lport;
	uint16_t rport;
	uint8_t family;
	uint8_t proto;
	uint8_t pad[2];
};

struct snap_sock {
	struct tuple t;
	uint32_t uid;
	uint32_t inode;
	int32_t pid;		/* 0: no process seen holding it */
	uint8_t state;
	uint8_t v6only;
};

struct xdt_proc_snapshot {
	struct snap_sock *socks;
	size_t n, cap;
	int truncated;
	/* Open addressing, linear probing: socket index + 1, 0 is empty. */
	uint32_t *by_tuple;
	uint32_t *by_inode;
	size_t mask;
	uint64_t seed;
};

static void tuple_make(struct tuple *t, int family, uint8_t proto, const uint8_t *laddr,
		       uint16_t lport, const uint8_t *raddr, uint16_t rport)
{
	size_t alen = family == 6 ? 16 : 4;

	memset(t, 0, sizeof(*t));
	memcpy(t->laddr, laddr, alen);
	memcpy(t->raddr, raddr, alen);
	t->lport = lport;
	t->rport = rport;
	t->family = (uint8_t)family;
	t->proto = proto;
}

static size_t tuple_slot(const struct xdt_proc_snapshot *s, const struct tuple *t)
{
	return (size_t)xdt_hash_bytes(t, sizeof(*t), s->seed) & s->mask;
}

static size_t inode_slot(const struct xdt_proc_snapshot *s, uint32_t inode)
{
	return (size_t)xdt_hash_mix(s->seed, inode) & s->mask;
}

/* Sockets with no inode have no owner to find; they are not kept. */
static int snap_add(const struct xdt_diag_sock *d, void *ctx)
{
	struct xdt_proc_snapshot *s = ctx;
	struct snap_sock *k;

	if (!d->inode || (d->family != 4 && d->family != 6))
		return 0;
	if (s->n == XDT_PROC_SNAPSHOT_MAX) {
		s->truncated = 1;
		return 0;
	}
	if (s->n == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 256;
		struct snap_sock *ns = realloc(s->socks, ncap * sizeof(*ns));

		if (!ns)
			return -ENOMEM;
		s->socks = ns;
		s->cap = ncap;
	}
	k = &s->socks[s->n++];
	tuple_make(&k->t, d->family, d->proto, d->laddr, d->lport, d->raddr, d->rport);
	k->uid = d->uid;
	k->inode = d->inode;
	k->pid = 0;
	k->state = d->state;
	k->v6only = d->v6only;
	return 0;
}

/* Both tables at most half full, so probes stay short and always end. */
static int snap_index(struct xdt_proc_snapshot *s)
{
	size_t size = 16, i, h;

	while (size < 2 * s->n)
		size <<= 1;
	s->mask = size - 1;
	s->by_tuple = calloc(size, sizeof(*s->by_tuple));
	s->by_inode = calloc(size, sizeof(*s->by_inode));
	if (!s->by_tuple || !s->by_inode)
		return -ENOMEM;
	for (i = 0; i < s->n; i++) {
		/* Equal tuples (SO_REUSEPORT) both go in; lookups meet the first. */
		for (h = tuple_slot(s, &s->socks[i].t); s->by_tuple[h]; h = (h + 1) & s->mask)
			;
		s->by_tuple[h] = (uint32_t)i + 1;
		for (h = inode_slot(s, s->socks[i].inode); s->by_inode[h]; h = (h + 1) & s->mask)
			;
		s->by_inode[h] = (uint32_t)i + 1;
	}
	return 0;
}

static struct snap_sock *by_inode(const struct xdt_proc_snapshot *s, uint32_t inode)
{
	size_t h;

	for (h = inode_slot(s, inode); s->by_inode[h]; h = (h + 1) & s->mask)
		if (s->socks[s->by_inode[h] - 1].inode == inode)
			return &s->socks[s->by_inode[h] - 1];
	return NULL;
}

static int all_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* Give the sockets in @fddir to @pid; the number newly owned. */
static size_t scan_fds(struct xdt_proc_snapshot *s, DIR *fddir, int32_t pid)
{
	static const char prefix[] = "socket:[";
	char link[64];
	struct dirent *e;
	size_t owned = 0;

	while ((e = readdir(fddir))) {
		struct snap_sock *k;
		unsigned long ino;
		char *end;
		ssize_t n;

		if (!all_digits(e->d_name))
			continue;
		n = readlinkat(dirfd(fddir), e->d_name, link, sizeof(link) - 1);
		if (n <= (ssize_t)sizeof(prefix) || memcmp(link, prefix, sizeof(prefix) - 1))
			continue;
		link[n] = 0;
		errno = 0;
		ino = strtoul(link + sizeof(prefix) - 1, &end, 10);
		if (errno || *end != ']' || ino > UINT32_MAX)
			continue;
		k = by_inode(s, (uint32_t)ino);
		if (k && !k->pid) {
			k->pid = pid;
			owned++;
		}
	}
	return owned;
}

/*
 * /proc lists thread group leaders only, so each process is visited once.
 * Processes of other users are skipped (EACCES) unless xdptop may ptrace them.
 */
static void snap_owners(struct xdt_proc_snapshot *s, const char *root)
{
	char path[PATH_MAX];
	size_t n = strlen(root), left = s->n;
	struct dirent *e;
	DIR *proc;

	if (snprintf(path, sizeof(path), "%s%sproc", root, n && root[n - 1] == '/' ? "" : "/") >=
	    (int)sizeof(path))
		return;
	proc = opendir(path);
	if (!proc)
		return;
	while (left && (e = readdir(proc))) {
		long pid;
		DIR *fddir;
		int fd;

		if (!all_digits(e->d_name) || strlen(e->d_name) > 9)
			continue;
		pid = strtol(e->d_name, NULL, 10);
		snprintf(path, sizeof(path), "%s/fd", e->d_name);
		fd = openat(dirfd(proc), path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			continue;
		fddir = fdopendir(fd);
		if (!fddir) {
			close(fd);
			continue;
		}
		left -= scan_fds(s, fddir, (int32_t)pid);
		closedir(fddir);
	}
	closedir(proc);
}

/* An owner the walker reports: the first pid for a socket keeps it. */
static int snap_owner_take(uint32_t inode, int32_t pid, void *ctx)
{
	struct xdt_proc_snapshot *s = ctx;
	struct snap_sock *k;

	if (pid <= 0)
		return 0;
	k = by_inode(s, inode);
	if (k && !k->pid)
		k->pid = pid;
	return 0;
}

static void snap_owners_walk(struct xdt_proc_snapshot *s, const char *root,
			     xdt_proc_owner_walk walk, void *walk_ctx)
{
	size_t i;
	int e;

	if (!walk) {
		snap_owners(s, root);
		return;
	}
	e = walk(snap_owner_take, s, walk_ctx);
	if (!e)
		return;
	/* Half a walk is not "the first pid in order": start over from /proc. */
	xdt_dbg("listing socket owners failed (%s); scanning /proc under %s instead, which "
		"may see only xdptop's own processes", strerror(e < 0 ? -e : e), root);
	for (i = 0; i < s->n; i++)
		s->socks[i].pid = 0;
	snap_owners(s, root);
}

static struct xdt_proc_snapshot *snap_finish(struct xdt_proc_snapshot *s, const char *root,
					     xdt_proc_owner_walk walk, void *walk_ctx, int *err)
{
	int e = snap_index(s);

	if (e) {
		xdt_proc_snapshot_free(s);
		*err = e;
		errno = -e;
		return NULL;
	}
	if (s->truncated)
		xdt_warn("more than %d sockets: the rest are left without a process",
			 XDT_PROC_SNAPSHOT_MAX);
	snap_owners_walk(s, root, walk, walk_ctx);
	*err = 0;
	return s;
}

static struct xdt_proc_snapshot *snap_alloc(int *err)
{
	struct xdt_proc_snapshot *s = calloc(1, sizeof(*s));

	if (!s) {
		*err = -ENOMEM;
		return NULL;
	}
	s->seed = xdt_hash_seed();
	return s;
}

struct xdt_proc_snapshot *xdt_proc_snapshot_new_walk(const char *root, xdt_proc_owner_walk walk,
						     void *walk_ctx, int *err)
{
	struct xdt_proc_snapshot *s = snap_alloc(err);
	int e;

	if (!s)
		return NULL;
	e = xdt_diag_dump(snap_add, s);
	if (e) {
		xdt_proc_snapshot_free(s);
		*err = e;
		errno = -e;
		return NULL;
	}
	return snap_finish(s, root, walk, walk_ctx, err);
}

struct xdt_proc_snapshot *xdt_proc_snapshot_new(const char *root, int *err)
{
	return xdt_proc_snapshot_new_walk(root, NULL, NULL, err);
}

struct xdt_proc_snapshot *xdt_proc_snapshot_build_walk(const char *root,
						       const struct xdt_diag_sock *socks,
						       size_t n, xdt_proc_owner_walk walk,
						       void *walk_ctx, int *err)
{
	struct xdt_proc_snapshot *s = snap_alloc(err);
	size_t i;
	int e;

	if (!s)
		return NULL;
	for (i = 0; i < n; i++) {
		e = snap_add(&socks[i], s);
		if (e) {
			xdt_proc_snapshot_free(s);
			*err = e;
			errno = -e;
			return NULL;
		}
	}
	return snap_finish(s, root, walk, walk_ctx, err);
}

struct xdt_proc_snapshot *xdt_proc_snapshot_build(const char *root,
						  const struct xdt_diag_sock *socks, size_t n,
						  int *err)
{
	return xdt_proc_snapshot_build_walk(root, socks, n, NULL, NULL, err);
}

void xdt_proc_snapshot_free(struct xdt_proc_snapshot *s)
{
	if (!s)
		return;
	free(s->by_inode);
	free(s->by_tuple);
	free(s->socks);
	free(s);
}

size_t xdt_proc_snapshot_count(const struct xdt_proc_snapshot *s, int *truncated)
{
	if (truncated)
		*truncated = s->truncated;
	return s->n;
}

/* A bound-only match must be able to take the flow: TCP only if listening. */
static const struct snap_sock *lookup(const struct xdt_proc_snapshot *s, const struct tuple *t,
				      int bound, int from_v4)
{
	size_t h;

	for (h = tuple_slot(s, t); s->by_tuple[h]; h = (h + 1) & s->mask) {
		const struct snap_sock *k = &s->socks[s->by_tuple[h] - 1];

		if (memcmp(&k->t, t, sizeof(*t)))
			continue;
		if (bound && t->proto == IPPROTO_TCP && k->state != TCP_LISTEN)
			continue;
		if (bound && from_v4 && k->v6only)
			continue;
		return k;
	}
	return NULL;
}

int xdt_proc_snapshot_find(const struct xdt_proc_snapshot *s, int family, uint8_t proto,
			   const uint8_t *laddr, uint16_t lport, const uint8_t *raddr,
			   uint16_t rport, int32_t *pid, uint32_t *uid)
{
	static const uint8_t any[16];
	const struct snap_sock *k;
	uint8_t ml[16] = { [10] = 0xff, [11] = 0xff }, mr[16] = { [10] = 0xff, [11] = 0xff };
	struct tuple t;
	int ret = 0;

	if (family != 4 && family != 6)
		return -EINVAL;
	if (family == 4) {
		/* A dual-stack IPv6 socket shows IPv4 peers as ::ffff:a.b.c.d. */
		memcpy(ml + 12, laddr, 4);
		memcpy(mr + 12, raddr, 4);
	}
	tuple_make(&t, family, proto, laddr, lport, raddr, rport);
	k = lookup(s, &t, 0, 0);
	if (!k && family == 4) {
		tuple_make(&t, 6, proto, ml, lport, mr, rport);
		k = lookup(s, &t, 0, 0);
	}
	if (!k) {
		ret = XDT_PROC_MATCH_BOUND;
		tuple_make(&t, family, proto, laddr, lport, any, 0);
		k = lookup(s, &t, 1, 0);
	}
	if (!k) {
		tuple_make(&t, family, proto, any, lport, any, 0);
		k = lookup(s, &t, 1, 0);
	}
	if (!k && family == 4) {
		tuple_make(&t, 6, proto, ml, lport, any, 0);
		k = lookup(s, &t, 1, 1);
	}
	if (!k && family == 4) {
		tuple_make(&t, 6, proto, any, lport, any, 0);
		k = lookup(s, &t, 1, 1);
	}
	if (!k)
		return -ENOENT;
	*pid = k->pid;
	*uid = k->uid;
	return ret;
}
