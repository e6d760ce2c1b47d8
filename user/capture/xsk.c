// SPDX-License-Identifier: GPL-2.0-only
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include <bpf/bpf.h>
#include <linux/if_xdp.h>
#include <xdp/xsk.h>

#include "xsk.h"

#define FRAMES 4096
#define FRAME_SIZE XSK_UMEM__DEFAULT_FRAME_SIZE
#define RING 2048
#define BATCH 64
#define MAX_QUEUES 64	/* the XSKMAP's size */

struct queue {
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	struct xsk_ring_prod fill;
	struct xsk_ring_cons comp;
	struct xsk_ring_cons rx;
	void *area;
};

struct xdt_xsk {
	unsigned int n;
	struct queue q[MAX_QUEUES];
	struct pollfd pfd[MAX_QUEUES];
};

/* RX queues the port has, from sysfs (rx-0, rx-1, ...). */
static unsigned int rx_queues(const char *ifname)
{
	char path[256];
	struct dirent *d;
	unsigned int n = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "/sys/class/net/%s/queues", ifname);
	dir = opendir(path);
	if (!dir)
		return 1;
	while ((d = readdir(dir)))
		if (!strncmp(d->d_name, "rx-", 3))
			n++;
	closedir(dir);
	return n ? n : 1;
}

static int queue_open(struct queue *q, const char *ifname, unsigned int id, int map_fd)
{
	struct xsk_umem_config uc = {
		.fill_size = RING,
		.comp_size = RING,
		.frame_size = FRAME_SIZE,
		.frame_headroom = 0,
	};
	struct xsk_socket_config sc = {
		.rx_size = RING,
		.tx_size = 0,
		/* Our XDP program does the redirecting: libxdp must not load its own. */
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.bind_flags = XDP_COPY,
	};
	__u32 idx, i;
	int fd, err;

	q->area = mmap(NULL, (size_t)FRAMES * FRAME_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (q->area == MAP_FAILED) {
		q->area = NULL;
		return -errno;
	}
	err = xsk_umem__create(&q->umem, q->area, (__u64)FRAMES * FRAME_SIZE, &q->fill, &q->comp,
			       &uc);
	if (err)
		return err;
	err = xsk_socket__create(&q->xsk, ifname, id, q->umem, &q->rx, NULL, &sc);
	if (err)
		return err;
	/* Give the kernel every frame to receive into. */
	if (xsk_ring_prod__reserve(&q->fill, RING, &idx) != RING)
		return -ENOMEM;
	for (i = 0; i < RING; i++)
		*xsk_ring_prod__fill_addr(&q->fill, idx + i) = (__u64)i * FRAME_SIZE;
	xsk_ring_prod__submit(&q->fill, RING);
	fd = xsk_socket__fd(q->xsk);
	if (bpf_map_update_elem(map_fd, &id, &fd, BPF_ANY))
		return -errno;
	return 0;
}

void xdt_xsk_close(struct xdt_xsk *x)
{
	unsigned int i;

	if (!x)
		return;
	for (i = 0; i < x->n; i++) {
		xsk_socket__delete(x->q[i].xsk);
		xsk_umem__delete(x->q[i].umem);
		if (x->q[i].area)
			munmap(x->q[i].area, (size_t)FRAMES * FRAME_SIZE);
	}
	free(x);
}

struct xdt_xsk *xdt_xsk_open(const char *ifname, int xsks_map_fd, char *err, size_t errlen)
{
	struct xdt_xsk *x = calloc(1, sizeof(*x));
	unsigned int i, n = rx_queues(ifname);
	int rc;

	if (!x) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (n > MAX_QUEUES) {
		snprintf(err, errlen, "%s has %u RX queues; at most %d are supported", ifname, n,
			 MAX_QUEUES);
		free(x);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		x->n = i + 1;
		rc = queue_open(&x->q[i], ifname, i, xsks_map_fd);
		if (rc) {
			snprintf(err, errlen, "AF_XDP socket on %s queue %u failed: %s", ifname, i,
				 strerror(-rc));
			xdt_xsk_close(x);
			return NULL;
		}
		x->pfd[i].fd = xsk_socket__fd(x->q[i].xsk);
		x->pfd[i].events = POLLIN;
	}
	return x;
}

unsigned int xdt_xsk_queues(const struct xdt_xsk *x)
{
	return x->n;
}

static int drain_queue(struct queue *q, xdt_xsk_frame_fn fn, void *ctx)
{
	__u32 idx, fidx, n, i;

	n = xsk_ring_cons__peek(&q->rx, BATCH, &idx);
	if (!n)
		return 0;
	for (i = 0; i < n; i++) {
		const struct xdp_desc *d = xsk_ring_cons__rx_desc(&q->rx, idx + i);

		fn(xsk_umem__get_data(q->area, d->addr), d->len, ctx);
	}
	/*
	 * Hand the frames straight back for the next packets. The fill ring holds every
	 * frame we own, so there is always room for the ones we just took.
	 */
	if (xsk_ring_prod__reserve(&q->fill, n, &fidx) != n) {
		xsk_ring_cons__release(&q->rx, n);
		return -ENOBUFS;
	}
	for (i = 0; i < n; i++) {
		const struct xdp_desc *d = xsk_ring_cons__rx_desc(&q->rx, idx + i);

		*xsk_ring_prod__fill_addr(&q->fill, fidx + i) = xsk_umem__extract_addr(d->addr);
	}
	xsk_ring_prod__submit(&q->fill, n);
	xsk_ring_cons__release(&q->rx, n);
	return (int)n;
}

int xdt_xsk_poll(struct xdt_xsk *x, int max_wait_ms, xdt_xsk_frame_fn fn, void *ctx)
{
	int total = 0, got, j;
	unsigned int i;

	if (poll(x->pfd, x->n, max_wait_ms) < 0 && errno != EINTR)
		return -errno;
	/* Bounded: while we read, a flood refills the ring as fast as we empty it. */
	for (i = 0; i < x->n; i++)
		for (j = 0; j < RING / BATCH && (got = drain_queue(&x->q[i], fn, ctx)) > 0; j++)
			total += got;
	return total;
}

int xdt_xsk_stats(const struct xdt_xsk *x, struct xdt_xsk_stats *out)
{
	unsigned int i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < x->n; i++) {
		struct xdp_statistics st;
		socklen_t len = sizeof(st);

		memset(&st, 0, sizeof(st));
		if (getsockopt(xsk_socket__fd(x->q[i].xsk), SOL_XDP, XDP_STATISTICS, &st, &len))
			return -errno;
		out->rx_ring_full += st.rx_ring_full;
		out->rx_dropped += st.rx_dropped;
	}
	return 0;
}
