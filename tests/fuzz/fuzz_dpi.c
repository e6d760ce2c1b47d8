// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer: one harness per DPI parser, chosen at build time with -DFUZZ_<NAME>,
 * so each gets its own corpus and coverage. Inputs are the payload bytes the
 * parser would see; the output must be NUL-terminated strings whatever happens.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dpi/bittorrent.h"
#include "dpi/dhcp.h"
#include "dpi/dns.h"
#include "dpi/http.h"
#include "dpi/ntp.h"
#include "dpi/ssh.h"
#include "dpi/stun.h"
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
#elif defined(FUZZ_DHCP)
	struct xdt_dhcp_info d4;
	struct xdt_dhcp_v6_info d6;

	/* The first byte says DHCPv4 or DHCPv6. */
	if (size < 1)
		return 0;
	if (data[0] & 1) {
		if (xdt_dhcp_parse_v6(data + 1, size - 1, &d6) == 0) {
			must_be_string(d6.fqdn, sizeof(d6.fqdn));
			if (d6.duid_len > sizeof(d6.duid))
				__builtin_trap();
		}
	} else if (xdt_dhcp_parse(data + 1, size - 1, &d4) == 0) {
		must_be_string(d4.hostname, sizeof(d4.hostname));
		must_be_string(d4.vendor_class, sizeof(d4.vendor_class));
		if (!xdt_dhcp_type_name(d4.msg_type) && d4.msg_type >= 1 && d4.msg_type <= 8)
			__builtin_trap();
	}
#elif defined(FUZZ_NTP)
	struct xdt_ntp_info n;

	if (xdt_ntp_parse(data, size, &n) == 0) {
		must_be_string(n.refid, sizeof(n.refid));
		if (!n.mode || n.version > 4 || (n.mode < 6 && (size < 48 || n.stratum > 16)))
			__builtin_trap();
		(void)xdt_ntp_mode_name(n.mode);
	}
#elif defined(FUZZ_STUN)
	struct xdt_stun_info st;

	if (xdt_stun_parse(data, size, &st) == 0) {
		must_be_string(st.software, sizeof(st.software));
		must_be_string(st.username, sizeof(st.username));
		if (st.has_mapped && st.mapped_family != 4 && st.mapped_family != 6)
			__builtin_trap();
		(void)xdt_stun_method_name(st.method);
		(void)xdt_stun_class_name(st.cls);
	}
#elif defined(FUZZ_BITTORRENT)
	struct xdt_bittorrent_info b;
	int rc;

	/* The first byte says TCP stream start or UDP datagram. */
	if (size < 1)
		return 0;
	if (data[0] & 1)
		rc = xdt_bittorrent_parse_udp(data + 1, size - 1, &b);
	else
		rc = xdt_bittorrent_parse(data + 1, size - 1, &b);
	if (rc == 0) {
		must_be_string(b.info_hash_hex, sizeof(b.info_hash_hex));
		must_be_string(b.client, sizeof(b.client));
		must_be_string(b.query, sizeof(b.query));
		must_be_string(b.version, sizeof(b.version));
		if (b.has_info_hash && strlen(b.info_hash_hex) != 40)
			__builtin_trap();
	}
#else
#error "define one of FUZZ_HTTP, FUZZ_SSH, FUZZ_DNS, FUZZ_TLS, FUZZ_DHCP, FUZZ_NTP, FUZZ_STUN, FUZZ_BITTORRENT"
#endif
	return 0;
}
