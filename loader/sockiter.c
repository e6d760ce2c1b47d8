// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <xdptop/sock_iter.h>

#include "sockiter.h"
#include "sock_iter.skel.h"

/* Records per read(): a busy host has tens of thousands of sockets. */
#define SOCKITER_BATCH 4096

struct xdt_sockiter {
	struct sock_iter_bpf *skel;
	struct bpf_link *link;
	/* Allocated once at open, so a walk allocates nothing. */
	unsigned char buf[SOCKITER_BATCH * sizeof(struct xdt_sock_rec)];
};

void xdt_sockiter_close(struct xdt_sockiter *it)
{
	if (!it)
		return;
	bpf_link__destroy(it->link);
	sock_iter_bpf__destroy(it->skel);
	free(it);
}

struct xdt_sockiter *xdt_sockiter_open(char *err, size_t errlen)
{
	struct xdt_sockiter *it = calloc(1, sizeof(*it));
	int rc;

	if (!it) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	it->skel = sock_iter_bpf__open();
	if (!it->skel) {
		rc = -errno;
		snprintf(err, errlen, "cannot open the socket iterator BPF object: %s",
			 strerror(-rc));
		goto fail;
	}
	rc = sock_iter_bpf__load(it->skel);
	if (rc) {
		snprintf(err, errlen, "the kernel refused the socket iterator: %s (it needs BTF "
			 "(/sys/kernel/btf/vmlinux), BPF iterators (Linux 5.8) and CAP_BPF with "
			 "CAP_PERFMON; xdptop -v shows the verifier's log)", strerror(-rc));
		goto fail;
	}
	it->link = bpf_program__attach_iter(it->skel->progs.xdt_sock_iter, NULL);
	if (!it->link) {
		rc = -errno;
		snprintf(err, errlen, "attaching the socket iterator failed: %s", strerror(-rc));
		goto fail;
	}
	return it;
fail:
	xdt_sockiter_close(it);
	errno = -rc;
	return NULL;
}

/* Hand every whole record in @buf to @cb; the bytes used, or the callback's -errno. */
static long sockiter_deliver(const unsigned char *buf, size_t len,
			     int (*cb)(uint32_t inode, int32_t tgid, void *ctx), void *ctx)
{
	struct xdt_sock_rec r;
	size_t off;
	int rc;

	for (off = 0; len - off >= sizeof(r); off += sizeof(r)) {
		memcpy(&r, buf + off, sizeof(r));
		rc = cb(r.inode, r.tgid, ctx);
		if (rc)
			return rc < 0 ? rc : -EINVAL;
	}
	return (long)off;
}

int xdt_sockiter_walk(struct xdt_sockiter *it,
		      int (*cb)(uint32_t inode, int32_t tgid, void *ctx), void *ctx)
{
	size_t have = 0;
	long used;
	ssize_t n;
	int fd, rc = 0;

	fd = bpf_iter_create(bpf_link__fd(it->link));
	if (fd < 0)
		return -errno;
	for (;;) {
		n = read(fd, it->buf + have, sizeof(it->buf) - have);
		if (n < 0) {
			/*
			 * EAGAIN: the kernel walked its limit of objects in one read()
			 * without output (many tasks, no sockets); the next read goes on.
			 */
			if (errno == EINTR || errno == EAGAIN)
				continue;
			rc = -errno;
			break;
		}
		if (n == 0) {
			if (have)
				rc = -EBADMSG;	/* the stream ended inside a record */
			break;
		}
		have += (size_t)n;
		used = sockiter_deliver(it->buf, have, cb, ctx);
		if (used < 0) {
			rc = (int)used;
			break;
		}
		/* A read may end inside a record: keep its first bytes for the next. */
		have -= (size_t)used;
		memmove(it->buf, it->buf + used, have);
	}
	close(fd);
	return rc;
}
