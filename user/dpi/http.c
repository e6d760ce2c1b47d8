// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "http.h"
#include "text.h"

/* Headers read at most: a request with more is still identified, by its first ones. */
#define MAX_HEADER_LINES 64

static const char h2_preface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/* RFC 9110 token characters, as a method is made of. */
static int is_tchar(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* "HTTP/1.x" at @p (8 bytes available): the minor version, or -1. */
static int version_minor(const uint8_t *p)
{
	if (memcmp(p, "HTTP/1.", 7) || p[7] < '0' || p[7] > '9')
		return -1;
	return p[7] - '0';
}

/* Could @buf (@len bytes, no line end yet) still become a request or status line? */
static int could_be_http(const uint8_t *buf, size_t len)
{
	size_t i;

	if (!memcmp(buf, "HTTP/", len < 5 ? len : 5))
		return 1;
	/* Methods in use are upper-case words of at most 15 letters. */
	for (i = 0; i < len && i < 16; i++) {
		if (buf[i] == ' ')
			return i > 0;
		if (buf[i] < 'A' || buf[i] > 'Z')
			return 0;
	}
	return i < 16;
}

static int parse_status_line(const uint8_t *l, size_t n, struct xdt_http_info *out)
{
	int minor;

	/* HTTP/1.1 200 OK */
	if (n < 12 || (minor = version_minor(l)) < 0 || l[8] != ' ')
		return -EINVAL;
	if (l[9] < '1' || l[9] > '5' || l[10] < '0' || l[10] > '9' || l[11] < '0' || l[11] > '9')
		return -EINVAL;
	if (n > 12 && l[12] != ' ')
		return -EINVAL;
	out->is_response = 1;
	out->version_minor = (uint8_t)minor;
	out->status = (uint16_t)((l[9] - '0') * 100 + (l[10] - '0') * 10 + (l[11] - '0'));
	return 0;
}

static int parse_request_line(const uint8_t *l, size_t n, struct xdt_http_info *out)
{
	const uint8_t *sp1, *sp2;
	int minor;
	size_t i;

	/* METHOD SP request-target SP HTTP/1.x */
	sp1 = memchr(l, ' ', n);
	if (!sp1 || sp1 == l || sp1 - l > 15)
		return -EINVAL;
	for (i = 0; i < (size_t)(sp1 - l); i++)
		if (!is_tchar(l[i]))
			return -EINVAL;
	if (n < 9 || l[n - 9] != ' ')
		return -EINVAL;
	sp2 = l + n - 9;
	if (sp2 <= sp1 || (minor = version_minor(sp2 + 1)) < 0)
		return -EINVAL;
	out->is_request = 1;
	out->version_minor = (uint8_t)minor;
	xdt_text_copy(out->method, sizeof(out->method), l, (size_t)(sp1 - l));
	xdt_text_copy(out->path, sizeof(out->path), sp1 + 1, (size_t)(sp2 - sp1 - 1));
	return 0;
}

/* "Name: value" with optional whitespace around the value. */
static void header(const uint8_t *l, size_t n, struct xdt_http_info *out)
{
	const uint8_t *colon = memchr(l, ':', n), *v, *end = l + n;
	size_t name_len;

	if (!colon)
		return;
	name_len = (size_t)(colon - l);
	for (v = colon + 1; v < end && (*v == ' ' || *v == '\t'); v++)
		;
	while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (name_len == 4 && !strncasecmp((const char *)l, "host", 4) && !out->host[0])
		xdt_text_copy(out->host, sizeof(out->host), v, (size_t)(end - v));
	else if (name_len == 10 && !strncasecmp((const char *)l, "user-agent", 10) &&
		 !out->user_agent[0])
		xdt_text_copy(out->user_agent, sizeof(out->user_agent), v, (size_t)(end - v));
}

int xdt_http_parse(const uint8_t *buf, size_t len, struct xdt_http_info *out)
{
	size_t pos, plen = sizeof(h2_preface) - 1;
	long n;
	int rc, i;

	memset(out, 0, sizeof(*out));
	if (!len)
		return -EINVAL;
	if (!memcmp(buf, h2_preface, len < plen ? len : plen)) {
		if (len < plen)
			return -EAGAIN;
		out->http2_preface = 1;
		return 0;
	}
	n = xdt_text_line(buf, len);
	if (n < 0)
		return could_be_http(buf, len) ? -EAGAIN : -EINVAL;
	if (n >= 5 && !memcmp(buf, "HTTP/", 5))
		rc = parse_status_line(buf, (size_t)n, out);
	else
		rc = parse_request_line(buf, (size_t)n, out);
	if (rc)
		return rc;
	pos = (size_t)((const uint8_t *)memchr(buf, '\n', len) - buf) + 1;
	for (i = 0; i < MAX_HEADER_LINES && pos < len; i++) {
		n = xdt_text_line(buf + pos, len - pos);
		if (n <= 0)	/* the prefix ends mid-line, or the head ends */
			break;
		header(buf + pos, (size_t)n, out);
		pos += (size_t)((const uint8_t *)memchr(buf + pos, '\n', len - pos) - (buf + pos)) + 1;
	}
	return 0;
}
