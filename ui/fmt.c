// SPDX-License-Identifier: GPL-2.0-only
/* Number and endpoint formatting for the terminal UI. */
#include <stdio.h>
#include <string.h>

#include "fmt.h"

/*
 * One decimal above the byte unit, none for bytes. The unit changes where the
 * rounded value would print as 1000.0, so no column ever reads "1000.0 KB/s".
 */
static void human(char *buf, size_t len, double v, const char *suffix)
{
	static const char *const units[] = { "B", "KB", "MB", "GB", "TB", "PB" };
	unsigned int u = 0;

	if (v < 0)
		v = 0;
	if (v < 999.5) {
		snprintf(buf, len, "%.0f %s%s", v, units[0], suffix);
		return;
	}
	v /= 1000.0;
	u = 1;
	while (v >= 999.95 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1000.0;
		u++;
	}
	snprintf(buf, len, "%.1f %s%s", v, units[u], suffix);
}

void xdt_fmt_rate(char *buf, size_t len, double bps)
{
	human(buf, len, bps, "/s");
}

void xdt_fmt_bytes(char *buf, size_t len, uint64_t bytes)
{
	human(buf, len, (double)bytes, "");
}

void xdt_fmt_duration(char *buf, size_t len, uint64_t ns)
{
	uint64_t s = ns / 1000000000ULL;

	if (s < 10)
		snprintf(buf, len, "%.1fs", (double)ns / 1e9);
	else if (s < 60)
		snprintf(buf, len, "%us", (unsigned int)s);
	else if (s < 3600)
		snprintf(buf, len, "%um%02us", (unsigned int)(s / 60), (unsigned int)(s % 60));
	else if (s < 86400)
		snprintf(buf, len, "%uh%02um", (unsigned int)(s / 3600),
			 (unsigned int)(s / 60 % 60));
	else
		snprintf(buf, len, "%llud%02uh", (unsigned long long)(s / 86400),
			 (unsigned int)(s / 3600 % 24));
}

int xdt_fmt_has_ports(uint8_t proto)
{
	return proto == 6 || proto == 17 || proto == 132 || proto == 136;
}

void xdt_fmt_endpoint(char *buf, size_t len, const struct xdt_row *r, int initiator, int names,
		      const char *service)
{
	const char *addr = initiator ? r->src : r->dst;
	const char *name = initiator ? r->src_name : r->dst_name;
	uint16_t port = initiator ? r->sport : r->dport;
	int v6 = strchr(addr, ':') != NULL;

	if (names && name[0]) {
		addr = name;
		v6 = 0;
	}
	if (!xdt_fmt_has_ports(r->proto))
		snprintf(buf, len, "%s", addr);
	else if (service && service[0])
		snprintf(buf, len, v6 ? "[%s]:%s" : "%s:%s", addr, service);
	else
		snprintf(buf, len, v6 ? "[%s]:%u" : "%s:%u", addr, port);
}

void xdt_fmt_process(char *buf, size_t len, int32_t pid, const char *name)
{
	if (pid > 0 && name[0])
		snprintf(buf, len, "%d/%s", pid, name);
	else if (pid > 0)
		snprintf(buf, len, "%d", pid);
	else
		snprintf(buf, len, "%s", name);
}
