/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Loads the kernel programs, sizes and configures their maps, and attaches them
 * with bpf_links: XDP on ingress, tcx on egress. A link belongs to the process,
 * so a crashed or killed xdptop leaves nothing attached.
 */
#ifndef XDT_LOADER_H
#define XDT_LOADER_H

#include <stddef.h>
#include <stdio.h>

#include <xdptop/kern.h>	/* XDT_KERNEL_MAX_IFACES: the kernel side has a slot for each */

struct xdt_kernel;

struct xdt_kernel_opts {
	const char *const *ifnames;	/* the same programs and maps on each; slot = index */
	unsigned int n_ifnames;
	size_t max_flows;
	unsigned int dpi_packets;
	unsigned int dpi_bytes;
	int mirror;		/* XDP only, counts and redirects prefixes to AF_XDP */
};

/* Map file descriptors userspace reads; owned by the xdt_kernel. */
struct xdt_kernel_maps {
	int flows;
	int done;
	int prefixes;		/* ring buffer */
	int stats;
	int xsks;
	int ifstats;		/* per-CPU struct xdt_ifstat, keyed by ifnames[] index (kern.h) */
};

/* Load and attach. NULL with a message in @err (what failed, why, what to do). */
struct xdt_kernel *xdt_kernel_open(const struct xdt_kernel_opts *o, char *err, size_t errlen);

/* Detach (destroy the links) and free. NULL is fine. */
void xdt_kernel_close(struct xdt_kernel *k);

/*
 * Slot @slot's interface was deleted: close its links (they are already defunct).
 * The maps and the other interfaces' links stay.
 */
void xdt_kernel_detach(struct xdt_kernel *k, unsigned int slot);

/*
 * Slot @slot's name exists again as @ifindex: attach the loaded programs there (the
 * same flow table and counters). 0, or -errno with @err saying why.
 */
int xdt_kernel_reattach(struct xdt_kernel *k, unsigned int slot, int ifindex, char *err,
			size_t errlen);

const struct xdt_kernel_maps *xdt_kernel_maps(const struct xdt_kernel *k);

/* "native" or "generic": how XDP ended up attached ("mixed" if it differs). */
const char *xdt_kernel_xdp_mode(const struct xdt_kernel *k);

/* Route libbpf's messages into xdt_log (debug level, warnings as warnings). */
void xdt_kernel_log_init(void);

/*
 * Print what this kernel supports and which backend --backend auto would choose,
 * and why. Returns the backend name auto would pick.
 */
const char *xdt_kernel_probe(FILE *out, const char *ifname);

#endif
