// SPDX-License-Identifier: GPL-2.0-only
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "log.h"

static enum xdt_log_level cur_level = XDT_LOG_WARN;
static FILE *log_file;
static enum xdt_log_level file_level;
/* The file may be swapped (SIGHUP) while another thread writes to it. */
static pthread_mutex_t file_lock = PTHREAD_MUTEX_INITIALIZER;

void xdt_log_set_file(FILE *f, enum xdt_log_level level)
{
	pthread_mutex_lock(&file_lock);
	log_file = f;
	file_level = level;
	pthread_mutex_unlock(&file_lock);
}

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

	static const char *const names[] = { "ERROR", "WARN", "INFO", "DEBUG" };
	FILE *lf;

	/* An unlocked peek: a message for nobody costs no lock. */
	if (level > cur_level && !(log_file && level <= file_level))
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	/* One write per message, so lines from concurrent writers do not interleave. */
	if (level <= cur_level)
		fprintf(stderr, "xdptop: %s%s\n", prefix[level], buf);
	pthread_mutex_lock(&file_lock);
	lf = log_file;
	if (lf && level <= file_level) {
		struct timespec ts;
		struct tm tm;

		clock_gettime(CLOCK_REALTIME, &ts);
		gmtime_r(&ts.tv_sec, &tm);
		fprintf(lf, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %-5s %s\n", tm.tm_year + 1900,
			tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
			ts.tv_nsec / 1000000, names[level], buf);
		fflush(lf);
	}
	pthread_mutex_unlock(&file_lock);
}
