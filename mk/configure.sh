#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Finds the libraries xdptop builds against and tests the APIs it uses by compiling
# small programs (never by comparing version numbers). Writes $1/config.mk.
set -eu

out=${1:-build}
CC=${CC:-cc}
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
	echo "configure: $*" >&2
	echo "configure: run 'sudo make deps' to install the build dependencies" >&2
	exit 1
}

pc() { pkg-config "$@" 2>/dev/null; }

# compiles NAME CFLAGS LIBS <<program
compiles() {
	name=$1 cflags=$2 libs=$3
	cat >"$tmp/$name.c"
	# shellcheck disable=SC2086
	$CC $cflags -o "$tmp/$name" "$tmp/$name.c" $libs >"$tmp/$name.log" 2>&1
}

command -v pkg-config >/dev/null || fail "pkg-config not found"

PCAP_CFLAGS=$(pc --cflags libpcap || true)
PCAP_LIBS=$(pc --libs libpcap || echo -lpcap)
compiles pcap "$PCAP_CFLAGS" "$PCAP_LIBS" <<'C' || fail "libpcap with pcap_create/pcap_set_immediate_mode/nanosecond offline reads not found (libpcap-dev)"
#include <pcap/pcap.h>
#include <stdio.h>
int main(void)
{
	char e[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_create("lo", e);
	pcap_set_immediate_mode(p, 0);
	pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO);
	pcap_close(pcap_fopen_offline_with_tstamp_precision(stdin, PCAP_TSTAMP_PRECISION_NANO, e));
	return pcap_get_tstamp_precision(p) + DLT_LINUX_SLL2;
}
C

BPF_LIBS="$(pc --libs libbpf || echo -lbpf) $(pc --libs libxdp || echo -lxdp)"
compiles libbpf "" "$BPF_LIBS" <<'C' || fail "libbpf with bpf_map_lookup_batch/bpf_link_create/ring buffers, or libxdp's xsk API, not found (libbpf-dev, libxdp-dev)"
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/xsk.h>
int main(void)
{
	struct ring_buffer *rb = ring_buffer__new(-1, NULL, NULL, NULL);
	__u32 n = 0;
	ring_buffer__consume(rb);
	bpf_map_lookup_batch(-1, NULL, NULL, NULL, NULL, &n, NULL);
	bpf_map_lookup_and_delete_elem(-1, NULL, NULL);
	(void)xsk_socket__fd(NULL);
	return bpf_link_create(-1, 0, BPF_XDP, NULL) + libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_XDP, NULL);
}
C
command -v "${CLANG:-clang}" >/dev/null || fail "clang not found (needed for the BPF programs)"
command -v "${BPFTOOL:-bpftool}" >/dev/null || fail "bpftool not found (needed for BPF skeletons)"

# OpenSSL's libcrypto: HKDF and AES for decrypting QUIC Initial packets.
CRYPTO_CFLAGS=$(pc --cflags libcrypto || true)
CRYPTO_LIBS=$(pc --libs libcrypto || echo -lcrypto)
compiles crypto "$CRYPTO_CFLAGS" "$CRYPTO_LIBS" <<'C' || fail "OpenSSL libcrypto 3 with EVP_KDF HKDF and AES-GCM not found (libssl-dev)"
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
int main(void)
{
	EVP_KDF *k = EVP_KDF_fetch(NULL, OSSL_KDF_NAME_HKDF, NULL);
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int ok = k && c && EVP_DecryptInit_ex(c, EVP_aes_128_gcm(), NULL, NULL, NULL);
	EVP_CIPHER_CTX_free(c);
	EVP_KDF_free(k);
	return !ok;
}
C

# ncursesw: the screen (ui/ only).
CURSES_CFLAGS=$(pc --cflags ncursesw || true)
CURSES_LIBS=$(pc --libs ncursesw || echo -lncursesw)
compiles curses "$CURSES_CFLAGS" "$CURSES_LIBS" <<'C' || fail "ncursesw with wide characters and mouse support not found (libncurses-dev)"
#include <curses.h>
#include <locale.h>
int main(void)
{
	cchar_t c;
	setlocale(LC_ALL, "");
	setcchar(&c, L"x", 0, 0, NULL);
	return mousemask(BUTTON4_PRESSED, NULL) == 0 && use_default_colors() == ERR;
}
C

# libseccomp and libcap: the sandbox (user/sandbox/).
SECCOMP_CFLAGS=$(pc --cflags libseccomp || true)
SECCOMP_LIBS=$(pc --libs libseccomp || echo -lseccomp)
compiles seccomp "$SECCOMP_CFLAGS" "$SECCOMP_LIBS" <<'C' || fail "libseccomp 2.5 or later not found (libseccomp-dev)"
#include <seccomp.h>
int main(void)
{
	scmp_filter_ctx c = seccomp_init(SCMP_ACT_ERRNO(1));
	int rc = seccomp_attr_set(c, SCMP_FLTATR_CTL_TSYNC, 1) +
		 seccomp_rule_add(c, SCMP_ACT_ALLOW, SCMP_SYS(read), 1, SCMP_A0(SCMP_CMP_NE, 3));
	seccomp_release(c);
	return rc;
}
C
CAP_CFLAGS=$(pc --cflags libcap || true)
CAP_LIBS=$(pc --libs libcap || echo -lcap)
compiles libcap "$CAP_CFLAGS" "$CAP_LIBS" <<'C' || fail "libcap 2.25 or later not found (libcap-dev)"
#include <sys/capability.h>
int main(void)
{
	cap_t c = cap_init();
	int rc = cap_set_proc(c) + cap_drop_bound(CAP_NET_RAW) + (int)cap_get_bound(CAP_BPF);
	cap_free(c);
	return rc + cap_reset_ambient();
}
C

# libmaxminddb (GeoIP) and libyaml (the configuration file): the core.
MMDB_CFLAGS=$(pc --cflags libmaxminddb || true)
MMDB_LIBS=$(pc --libs libmaxminddb || echo -lmaxminddb)
compiles libmaxminddb "$MMDB_CFLAGS" "$MMDB_LIBS" <<'C' || fail "libmaxminddb 1.4 or later not found (libmaxminddb-dev)"
#include <maxminddb.h>
int main(void)
{
	MMDB_s db;
	int gai, mmdb;
	MMDB_lookup_result_s r = MMDB_lookup_string(&db, "10.0.0.1", &gai, &mmdb);
	return MMDB_open("/nonexistent", MMDB_MODE_MMAP, &db) + r.found_entry;
}
C
YAML_CFLAGS=$(pc --cflags yaml-0.1 || true)
YAML_LIBS=$(pc --libs yaml-0.1 || echo -lyaml)
compiles libyaml "$YAML_CFLAGS" "$YAML_LIBS" <<'C' || fail "libyaml 0.2 not found (libyaml-dev)"
#include <yaml.h>
int main(void)
{
	yaml_parser_t p;
	yaml_document_t d;
	int ok = yaml_parser_initialize(&p) && yaml_parser_load(&p, &d);
	yaml_parser_delete(&p);
	return !ok;
}
C

CRITERION_CFLAGS=$(pc --cflags criterion || true)
CRITERION_LIBS=$(pc --libs criterion || echo -lcriterion)
HAVE_CRITERION=0
compiles criterion "$CRITERION_CFLAGS" "$CRITERION_LIBS" <<'C' && HAVE_CRITERION=1
#include <criterion/criterion.h>
Test(configure, links) { cr_assert_eq(1, 1); }
C

HAVE_SANITIZERS=0
compiles asan "-fsanitize=address,undefined" "-fsanitize=address,undefined" <<'C' && HAVE_SANITIZERS=1
int main(void) { return 0; }
C

cat >"$out/config.mk" <<EOF2
# Generated by mk/configure.sh: do not edit.
PCAP_CFLAGS := $PCAP_CFLAGS
PCAP_LIBS := $PCAP_LIBS
BPF_LIBS := $BPF_LIBS
CURSES_CFLAGS := $CURSES_CFLAGS
CURSES_LIBS := $CURSES_LIBS
CRYPTO_CFLAGS := $CRYPTO_CFLAGS
CRYPTO_LIBS := $CRYPTO_LIBS
SECCOMP_CFLAGS := $SECCOMP_CFLAGS
SECCOMP_LIBS := $SECCOMP_LIBS
CAP_CFLAGS := $CAP_CFLAGS
CAP_LIBS := $CAP_LIBS
MMDB_CFLAGS := $MMDB_CFLAGS
MMDB_LIBS := $MMDB_LIBS
YAML_CFLAGS := $YAML_CFLAGS
YAML_LIBS := $YAML_LIBS
CRITERION_CFLAGS := $CRITERION_CFLAGS
CRITERION_LIBS := $CRITERION_LIBS
HAVE_CRITERION := $HAVE_CRITERION
HAVE_SANITIZERS := $HAVE_SANITIZERS
EOF2
echo "configure: libpcap ok, libbpf+libxdp ok, libcrypto ok, ncursesw ok, libseccomp ok, libcap ok, libmaxminddb ok, libyaml ok, criterion $([ $HAVE_CRITERION = 1 ] && echo ok || echo missing)," \
	"sanitizers $([ $HAVE_SANITIZERS = 1 ] && echo ok || echo missing)"
