// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "iface.h"

#define RTF_UP_ 0x0001

/* Each reader says whether one line is an up default route, and its device and metric. */
typedef int (*route_line_fn)(const char *line, char *name, unsigned long *metric);

/* /proc/net/route: Iface Destination Gateway Flags RefCnt Use Metric Mask ... (hex) */
static int ipv4_default(const char *line, char *name, unsigned long *metric)
{
	unsigned long dst, gw, flags, refcnt, use, mask;

	if (sscanf(line, "%15s %lx %lx %lx %lu %lu %lu %lx", name, &dst, &gw, &flags, &refcnt,
		   &use, metric, &mask) != 8)
		return 0;	/* the header line */
	return dst == 0 && mask == 0 && (flags & RTF_UP_);
}

/* /proc/net/ipv6_route: dst dstlen src srclen nexthop metric refcnt use flags iface */
static int ipv6_default(const char *line, char *name, unsigned long *metric)
{
	char dst[33], src[33], nh[33];
	unsigned long dlen, slen, refcnt, use, flags;

	if (sscanf(line, "%32s %lx %32s %lx %32s %lx %lx %lx %lx %15s", dst, &dlen, src, &slen,
		   nh, metric, &refcnt, &use, &flags, name) != 10)
		return 0;
	/* The kernel lists an unreachable default on lo: not a route out. */
	return dlen == 0 && strspn(dst, "0") == 32 && (flags & RTF_UP_) && strcmp(name, "lo");
}

/* The default route with the lowest metric in @root/@file, into @best. */
static int lowest(const char *root, const char *file, route_line_fn is_default, char *best)
{
	char path[PATH_MAX], line[512], name[IF_NAMESIZE];
	unsigned long metric, best_metric = 0;
	int found = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, file);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (!is_default(line, name, &metric) || (found && metric >= best_metric))
			continue;
		memcpy(best, name, IF_NAMESIZE);
		best_metric = metric;
		found = 1;
	}
	fclose(f);
	return found;
}

int xdt_iface_default_route(const char *root, char *buf, size_t len)
{
	char name[IF_NAMESIZE] = "";

	if (!lowest(root, "net/route", ipv4_default, name) &&
	    !lowest(root, "net/ipv6_route", ipv6_default, name))
		return -ENOENT;
	if (strlen(name) >= len)
		return -ENAMETOOLONG;
	memcpy(buf, name, strlen(name) + 1);
	return 0;
}
