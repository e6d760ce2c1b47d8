// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "iface.h"

#define RTF_UP_ 0x0001

/* /proc/net/route: Iface Destination Gateway Flags RefCnt Use Metric Mask ... (hex) */
static int from_ipv4(const char *root, char *best, unsigned long *best_metric)
{
	char path[PATH_MAX], line[512], name[IF_NAMESIZE];
	unsigned long dst, gw, flags, refcnt, use, metric, mask;
	int found = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/net/route", root);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%15s %lx %lx %lx %lu %lu %lu %lx", name, &dst, &gw, &flags,
			   &refcnt, &use, &metric, &mask) != 8)
			continue;	/* the header line */
		if (dst != 0 || mask != 0 || !(flags & RTF_UP_))
			continue;
		if (!found || metric < *best_metric) {
			snprintf(best, IF_NAMESIZE, "%s", name);
			*best_metric = metric;
			found = 1;
		}
	}
	fclose(f);
	return found;
}

/* /proc/net/ipv6_route: dst dstlen src srclen nexthop metric refcnt use flags iface */
static int from_ipv6(const char *root, char *best, unsigned long *best_metric)
{
	char path[PATH_MAX], line[512], dst[33], src[33], nh[33], name[IF_NAMESIZE];
	unsigned long dlen, slen, metric, refcnt, use, flags;
	int found = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/net/ipv6_route", root);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%32s %lx %32s %lx %32s %lx %lx %lx %lx %15s", dst, &dlen, src,
			   &slen, nh, &metric, &refcnt, &use, &flags, name) != 10)
			continue;
		if (dlen != 0 || strspn(dst, "0") != 32 || !(flags & RTF_UP_) ||
		    !strcmp(name, "lo"))
			continue;
		if (!found || metric < *best_metric) {
			snprintf(best, IF_NAMESIZE, "%s", name);
			*best_metric = metric;
			found = 1;
		}
	}
	fclose(f);
	return found;
}

int xdt_iface_default_route(const char *root, char *buf, size_t len)
{
	char name[IF_NAMESIZE] = "";
	unsigned long metric = 0;

	if (!from_ipv4(root, name, &metric) && !from_ipv6(root, name, &metric))
		return -ENOENT;
	if (strlen(name) >= len)
		return -ENAMETOOLONG;
	memcpy(buf, name, strlen(name) + 1);
	return 0;
}
