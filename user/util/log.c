// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stdio.h>

#include "log.h"

static enum xdt_log_level cur_level = XDT_LOG_WARN;

void xdt_log_set_level(enum xdt_log_level level)
{
	cur_level = level;
}

enum xdt_log_level xdt_log_get_level(void)
{
	return cur_level;
}

void xdt_log(enum xdt_log_level level, const char *fmt, ...)
{
	static const char *const prefix[] = {
		[XDT_LOG_ERROR] = "",
		[XDT_LOG_WARN] = "warning: ",
		[XDT_LOG_INFO] = "",
		[XDT_LOG_DEBUG] = "debug: ",
	};
	char buf[1024];
	va_list ap;

	if (level > cur_level)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	/* One write per message, so lines from concurrent writers do not interleave. */
	fprintf(stderr, "xdptop: %s%s\n", prefix[level], buf);
}
