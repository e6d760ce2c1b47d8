/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The Details tab's view of a connection's JSON record: one "key: value" line per
 * member, nested objects indented, array items as "- " lines:
 *   proto: tcp
 *   process:
 *     pid: 1234
 *   app:
 *     answers:
 *       - name: example.com
 *         type: A
 * Pure (no curses, no allocation), bounded by the output buffer.
 */
#ifndef XDT_UI_JSONVIEW_H
#define XDT_UI_JSONVIEW_H

#include <stddef.h>

/*
 * Render @json into @out as '\n'-terminated lines, NUL-terminated. Non-ASCII and
 * escaped characters are kept as UTF-8 when @utf8, else shown as '?'; control
 * characters always as '?'. Returns the number of lines, -EINVAL when @json is
 * not one JSON value (or nests deeper than 32), -ENOSPC when @out is too small.
 */
int xdt_jsonview_render(const char *json, int utf8, char *out, size_t outlen);

#endif
