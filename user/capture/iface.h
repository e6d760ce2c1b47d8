/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef XDT_CAPTURE_IFACE_H
#define XDT_CAPTURE_IFACE_H

#include <stddef.h>

/*
 * Name of the interface that carries the default route (IPv4 first, then IPv6;
 * lowest metric wins) into @buf. 0, or -ENOENT when there is no default route.
 * @root is the procfs mount ("/proc"); tests point it at a fixture.
 */
int xdt_iface_default_route(const char *root, char *buf, size_t len);

#endif
