// SPDX-License-Identifier: GPL-2.0-only
#include <string.h>

#include "text.h"

void xdt_text_copy(char *dst, size_t cap, const uint8_t *src, size_t n)
{
	size_t i;

	if (!cap)
		return;
	if (n > cap - 1)
		n = cap - 1;
	for (i = 0; i < n; i++)
		dst[i] = src[i] >= 0x20 && src[i] < 0x7f ? (char)src[i] : '?';
	dst[n] = '\0';
}

long xdt_text_line(const uint8_t *buf, size_t len)
{
	const uint8_t *nl = memchr(buf, '\n', len);
	size_t n;

	if (!nl)
		return -1;
	n = (size_t)(nl - buf);
	if (n && buf[n - 1] == '\r')
		n--;
	return (long)n;
}
