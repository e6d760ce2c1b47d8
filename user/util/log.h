/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef XDT_LOG_H
#define XDT_LOG_H

#include <stdio.h>

enum xdt_log_level {
	XDT_LOG_ERROR,
	XDT_LOG_WARN,
	XDT_LOG_INFO,
	XDT_LOG_DEBUG,
};

/* Messages at or below this level are printed (default XDT_LOG_WARN). */
void xdt_log_set_level(enum xdt_log_level level);
enum xdt_log_level xdt_log_get_level(void);

/*
 * Also write messages at or below @level to @f (NULL: no file), each line
 * "2026-11-24T03:37:14.123Z LEVEL message", flushed per line. The file is the
 * caller's to close once another xdt_log_set_file() (NULL or a new file, as
 * after a SIGHUP) has returned: no thread writes to it after that.
 */
void xdt_log_set_file(FILE *f, enum xdt_log_level level);

/* Writes "xdptop: [level: ]message\n" to stderr (and to the log file, if set). */
void xdt_log(enum xdt_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define xdt_err(...) xdt_log(XDT_LOG_ERROR, __VA_ARGS__)
#define xdt_warn(...) xdt_log(XDT_LOG_WARN, __VA_ARGS__)
#define xdt_info(...) xdt_log(XDT_LOG_INFO, __VA_ARGS__)
#define xdt_dbg(...) xdt_log(XDT_LOG_DEBUG, __VA_ARGS__)

#endif
