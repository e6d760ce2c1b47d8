/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * AF_XDP receive for mirror mode: one copy-mode socket per RX queue of the mirror
 * port, registered in the XDP program's XSKMAP. The program redirects only frames
 * that carry a payload prefix (already truncated to it); everything else is
 * counted in the kernel and dropped there.
 */
#ifndef XDT_CAPTURE_XSK_H
#define XDT_CAPTURE_XSK_H

#include <stdint.h>
#include <stddef.h>

struct xdt_xsk;

/* Frame handler: @data/@len is the (truncated) frame as the port received it. */
typedef void (*xdt_xsk_frame_fn)(const uint8_t *data, size_t len, void *ctx);

/* Sockets on every RX queue of @ifname, put into XSKMAP @xsks_map_fd. NULL + message. */
struct xdt_xsk *xdt_xsk_open(const char *ifname, int xsks_map_fd, char *err, size_t errlen);
void xdt_xsk_close(struct xdt_xsk *x);

/*
 * Wait up to @max_wait_ms for frames, hand each to @fn: at most a ring's worth per
 * queue, so a flood cannot keep the caller here. Frames handled, or -errno.
 */
int xdt_xsk_poll(struct xdt_xsk *x, int max_wait_ms, xdt_xsk_frame_fn fn, void *ctx);

unsigned int xdt_xsk_queues(const struct xdt_xsk *x);

/*
 * Frames the kernel redirected to the sockets but could not hand over, summed over
 * the queues (getsockopt XDP_STATISTICS): the receive ring was full, or no frame
 * was free to copy into (fill ring empty) or the frame did not fit one.
 */
struct xdt_xsk_stats {
	uint64_t rx_ring_full;
	uint64_t rx_dropped;
};

/* 0, or -errno of the first socket that would not say. */
int xdt_xsk_stats(const struct xdt_xsk *x, struct xdt_xsk_stats *out);

#endif
