// SPDX-License-Identifier: GPL-2.0-only
/*
 * HTTP/1.x and SSH identification parsers. The vectors marked "real" are the exact
 * bytes curl 7.88.1 and OpenSSH 9.2p1 (Debian 12) sent to a listener on loopback.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dpi/http.h"
#include "dpi/ssh.h"

#define S(x) (const uint8_t *)(x), sizeof(x) - 1

static const char curl_get[] = "GET /some/path?q=1 HTTP/1.1\r\nHost: 127.0.0.1:18080\r\n"
			       "User-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n";	/* real */
static const char ssh_client[] = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u6\r\n";	/* real */

Test(dpi_http, reads_a_real_curl_request)
{
	struct xdt_http_info h;

	cr_assert_eq(xdt_http_parse(S(curl_get), &h), 0);
	cr_assert(h.is_request);
	cr_assert_str_eq(h.method, "GET");
	cr_assert_str_eq(h.path, "/some/path?q=1");
	cr_assert_str_eq(h.host, "127.0.0.1:18080");
	cr_assert_str_eq(h.user_agent, "curl/7.88.1");
	cr_assert_eq(h.version_minor, 1);
}

Test(dpi_http, reads_a_status_line)
{
	struct xdt_http_info h;

	cr_assert_eq(xdt_http_parse(S("HTTP/1.0 404 File not found\r\nServer: x\r\n"), &h), 0);
	cr_assert(h.is_response);
	cr_assert_eq(h.status, 404);
	cr_assert_eq(h.version_minor, 0);
}

Test(dpi_http, keeps_what_arrived_when_the_prefix_ends_mid_header)
{
	struct xdt_http_info h;

	cr_assert_eq(xdt_http_parse(S("POST /api HTTP/1.1\r\nHost: example.test\r\nUser-Ag"), &h), 0);
	cr_assert_str_eq(h.host, "example.test");
	cr_assert_str_eq(h.user_agent, "");
}

Test(dpi_http, asks_for_more_when_the_first_line_is_cut)
{
	struct xdt_http_info h;

	cr_assert_eq(xdt_http_parse(S("GET /very/lo"), &h), -EAGAIN);
	cr_assert_eq(xdt_http_parse(S("HTT"), &h), -EAGAIN);
	cr_assert_eq(xdt_http_parse(S("PRI * HTTP/2.0\r\n"), &h), -EAGAIN);
}

Test(dpi_http, recognises_the_http2_preface)
{
	struct xdt_http_info h;

	cr_assert_eq(xdt_http_parse(S("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\x12\x04"), &h), 0);
	cr_assert(h.http2_preface);
}

Test(dpi_http, says_no_to_other_protocols)
{
	struct xdt_http_info h;

	cr_assert_eq(xdt_http_parse(S("\x16\x03\x01\x02\x00\x01"), &h), -EINVAL);
	cr_assert_eq(xdt_http_parse(S(ssh_client), &h), -EINVAL);
	cr_assert_eq(xdt_http_parse(S("220 smtp.example ESMTP\r\n"), &h), -EINVAL);
	cr_assert_eq(xdt_http_parse(S("GET / HTTP/9.9\r\n"), &h), -EINVAL);
	cr_assert_eq(xdt_http_parse(S("HTTP/1.1 99 Odd\r\n"), &h), -EINVAL);
}

Test(dpi_http, makes_header_values_safe_to_print)
{
	struct xdt_http_info h;

	cr_assert_eq(xdt_http_parse(S("GET / HTTP/1.1\r\nHost: a\x1b[2Jb\r\n\r\n"), &h), 0);
	cr_assert_str_eq(h.host, "a?[2Jb");
}

Test(dpi_ssh, reads_a_real_openssh_identification)
{
	struct xdt_ssh_info s;

	cr_assert_eq(xdt_ssh_parse(S(ssh_client), &s), 0);
	cr_assert_str_eq(s.proto, "2.0");
	cr_assert_str_eq(s.software, "OpenSSH_9.2p1 Debian-2+deb12u6");
}

Test(dpi_ssh, asks_for_more_and_says_no)
{
	struct xdt_ssh_info s;

	cr_assert_eq(xdt_ssh_parse(S("SSH-2.0-Open"), &s), -EAGAIN);
	cr_assert_eq(xdt_ssh_parse(S("SS"), &s), -EAGAIN);
	cr_assert_eq(xdt_ssh_parse(S("SSH-2.0\r\n"), &s), -EINVAL);
	cr_assert_eq(xdt_ssh_parse(S(curl_get), &s), -EINVAL);
}

/* Every prefix of each vector, in an exactly sized heap copy: ASan sees overreads. */
Test(dpi_text, never_reads_past_any_prefix)
{
	const char *v[] = { curl_get, ssh_client, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
			    "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc" };
	struct xdt_http_info h;
	struct xdt_ssh_info s;
	size_t i, n;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		for (n = 0; n <= strlen(v[i]); n++) {
			uint8_t *b = malloc(n ? n : 1);

			memcpy(b, v[i], n);
			(void)xdt_http_parse(b, n, &h);
			(void)xdt_ssh_parse(b, n, &s);
			free(b);
		}
	}
}
