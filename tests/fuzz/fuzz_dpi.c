// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer: one harness per DPI parser, chosen at build time with -DPARSER=...,
 * so each gets its own corpus and coverage. Inputs are the payload bytes the
 * parser would see; the output must be NUL-terminated strings whatever happens.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dpi/dns.h"
#include "dpi/http.h"
#include "dpi/ssh.h"
#include "dpi/tls.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void must_be_string(const char *s, size_t cap)
{
	if (!memchr(s, '\0', cap))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
#if defined(FUZZ_HTTP)
	struct xdt_http_info h;

	if (xdt_http_parse(data, size, &h) == 0) {
		must_be_string(h.host, sizeof(h.host));
		must_be_string(h.path, sizeof(h.path));
		must_be_string(h.user_agent, sizeof(h.user_agent));
	}
#elif defined(FUZZ_SSH)
	struct xdt_ssh_info s;

	if (xdt_ssh_parse(data, size, &s) == 0)
		must_be_string(s.software, sizeof(s.software));
#elif defined(FUZZ_DNS)
	struct xdt_dns_info d;
	int i;

	/* The first byte says UDP or TCP framing. */
	if (size < 1)
		return 0;
	if (xdt_dns_parse(data + 1, size - 1, data[0] & 1, &d) == 0) {
		must_be_string(d.qname, sizeof(d.qname));
		for (i = 0; i < d.n_answers; i++) {
			must_be_string(d.answers[i].name, sizeof(d.answers[i].name));
			must_be_string(d.answers[i].target, sizeof(d.answers[i].target));
		}
	}
#elif defined(FUZZ_TLS)
	struct xdt_tls_info t;

	if (xdt_tls_parse(data, size, &t) == 0) {
		must_be_string(t.sni, sizeof(t.sni));
		must_be_string(t.alpn, sizeof(t.alpn));
		must_be_string(t.ja4, sizeof(t.ja4));
	}
#else
#error "define one of FUZZ_HTTP, FUZZ_SSH, FUZZ_DNS, FUZZ_TLS"
#endif
	return 0;
}
