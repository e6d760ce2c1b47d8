/* SPDX-License-Identifier: GPL-2.0-only */
/* Where the cgroup v2 hierarchy is mounted: shared by the process hooks and the egress lock. */
#ifndef XDT_LOADER_CGROUP_H
#define XDT_LOADER_CGROUP_H

#include <stddef.h>

/* The first cgroup2 mount point in @mounts (a /proc/PID/mounts file). 0 or -errno. */
int xdt_cgroup2_mount(const char *mounts, char *out, size_t len);

#endif
