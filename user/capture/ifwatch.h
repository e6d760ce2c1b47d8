/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Watches the monitored interfaces through rtnetlink link notifications: taken
 * down or up, carrier lost or back, MTU changed, deleted, and created again under
 * the same name (with a new ifindex). The socket is opened before the lock-down;
 * reading it needs no privilege, and the sandbox allows it.
 */
#ifndef XDT_IFWATCH_H
#define XDT_IFWATCH_H

#include <stddef.h>
#include <stdint.h>

enum xdt_ifev_kind {
	XDT_IFEV_DOWN,		/* admin down or carrier lost: nothing to see for now */
	XDT_IFEV_UP,		/* up and running again */
	XDT_IFEV_MTU,		/* the MTU changed */
	XDT_IFEV_GONE,		/* deleted (or renamed away): the attachment went with it */
	XDT_IFEV_BACK,		/* an interface of that name exists again: new ifindex */
};

struct xdt_ifev {
	enum xdt_ifev_kind kind;
	unsigned int slot;	/* index into the names given to xdt_ifwatch_new() */
	const char *name;
	int ifindex;		/* now (GONE: the one that went away) */
	unsigned int mtu, old_mtu;
	unsigned int admin_up, running;	/* the state after the event */
};

struct xdt_ifwatch;

typedef void (*xdt_ifev_fn)(const struct xdt_ifev *ev, void *ctx);

/*
 * Watch @names (borrowed for the watcher's life). Opens the socket and learns the
 * current state of each name; NULL with @err set if the socket cannot be opened.
 */
struct xdt_ifwatch *xdt_ifwatch_new(const char *const *names, unsigned int n, char *err,
				    size_t errlen);

/* A watcher without a socket, for feeding messages by hand (tests). */
struct xdt_ifwatch *xdt_ifwatch_new_detached(const char *const *names, unsigned int n);

void xdt_ifwatch_free(struct xdt_ifwatch *w);

/* The socket, for poll(2); -1 for a detached watcher. */
int xdt_ifwatch_fd(const struct xdt_ifwatch *w);

/*
 * Read what the kernel has said (never blocks) and call @cb for each event, in
 * order. After a notification overflow (ENOBUFS) the state is read afresh and the
 * differences are reported. Returns the number of events, or -errno.
 */
int xdt_ifwatch_poll(struct xdt_ifwatch *w, xdt_ifev_fn cb, void *ctx);

/*
 * One datagram of rtnetlink messages (RTM_NEWLINK/RTM_DELLINK; others are ignored),
 * as the socket delivers them. Bounded by @len throughout. Returns the number of
 * events, or -EINVAL for a message that lies about its length (the rest of the
 * datagram is skipped).
 */
int xdt_ifwatch_feed(struct xdt_ifwatch *w, const void *buf, size_t len, xdt_ifev_fn cb,
		     void *ctx);

/* Whether slot @slot's interface exists now, and its ifindex (0 if not). */
int xdt_ifwatch_ifindex(const struct xdt_ifwatch *w, unsigned int slot);

/* Whether slot @slot's interface exists and is up and running. */
int xdt_ifwatch_running(const struct xdt_ifwatch *w, unsigned int slot);

/* "down", "up", "mtu", "gone", "back". */
const char *xdt_ifev_name(enum xdt_ifev_kind kind);

#endif
