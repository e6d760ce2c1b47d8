/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * HTTP/1.x request and response heads, and the HTTP/2 connection preface, from
 * the first bytes of a TCP stream's payload.
 */
#ifndef XDT_DPI_HTTP_H
#define XDT_DPI_HTTP_H

#include <stddef.h>
#include <stdint.h>

#define XDT_HTTP_HOST_MAX 256
#define XDT_HTTP_PATH_MAX 128
#define XDT_HTTP_UA_MAX 128

struct xdt_http_info {
	uint8_t is_request;
	uint8_t is_response;
	uint8_t http2_preface;	/* "PRI * HTTP/2.0" (cleartext HTTP/2) */
	uint8_t version_minor;	/* HTTP/1.<minor> */
	uint16_t status;	/* responses */
	char method[16];
	char path[XDT_HTTP_PATH_MAX];	/* truncated */
	char host[XDT_HTTP_HOST_MAX];	/* the Host header, "" if not (yet) seen */
	char user_agent[XDT_HTTP_UA_MAX];
};

/*
 * Parse what the prefix holds of an HTTP head. Returns 0 once the request or
 * status line is parsed (headers are read as far as complete lines go), -EAGAIN
 * when the bytes could begin an HTTP head but the first line is not complete yet,
 * -EINVAL when this is not HTTP.
 */
int xdt_http_parse(const uint8_t *buf, size_t len, struct xdt_http_info *out);

#endif
