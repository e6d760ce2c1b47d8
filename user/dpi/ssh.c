// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <string.h>

#include "ssh.h"
#include "text.h"

/* RFC 4253: the identification line is at most 255 bytes with CR LF. */
#define MAX_LINE 255

int xdt_ssh_parse(const uint8_t *buf, size_t len, struct xdt_ssh_info *out)
{
	const uint8_t *dash;
	long n;

	memset(out, 0, sizeof(*out));
	/*
	 * RFC 4253 lets a server send text lines before its identification; servers in
	 * use do not, and looking past lines would make any text protocol look like
	 * SSH that has not arrived yet. The identification must come first.
	 */
	if (!len || memcmp(buf, "SSH-", len < 4 ? len : 4))
		return -EINVAL;
	n = xdt_text_line(buf, len);
	if (n < 0)
		return len > MAX_LINE ? -EINVAL : -EAGAIN;
	if (n > MAX_LINE - 2 || n < 4)
		return -EINVAL;
	dash = memchr(buf + 4, '-', (size_t)n - 4);
	if (!dash || dash == buf + 4 || dash + 1 >= buf + n)
		return -EINVAL;
	xdt_text_copy(out->proto, sizeof(out->proto), buf + 4, (size_t)(dash - buf - 4));
	xdt_text_copy(out->software, sizeof(out->software), dash + 1, (size_t)(buf + n - dash - 1));
	return 0;
}
