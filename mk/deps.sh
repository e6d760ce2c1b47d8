#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The one place that installs packages. Idempotent: installs only what is missing
# and says what. Debian 12 (apt-get); other systems get the list to install by hand.
set -eu

# Build: compiler, libraries (libseccomp and libcap for the sandbox), clang + bpftool
# for the kernel programs, clang's runtimes for libFuzzer. Test: criterion, the oracle (tshark) and the peers of the
# end-to-end tests (tcpdump, curl, dig, dnsmasq, ping, python3 for http.server;
# capinfos and mergecap come with tshark; ethtool turns offloads off), and the real
# clients and servers of the DPI tests (openssl, ssh/sshd, nginx, ngtcp2's gtlsclient
# and gtlsserver) with tcpreplay to replay their captures live; nc for the process
# attribution test; tmux drives the screen in its test; MaxMind::DB::Writer makes
# the GeoIP test's databases; nfcapd/nfdump (IPFIX collector) and node_exporter's
# textfile collector read the exports back; iftop and nethogs are compared with
# xdptop by make bench, and gnuplot draws its chart; valgrind runs the unit suite and
# xdptop -r under memcheck.
PKGS="build-essential pkg-config libpcap-dev libssl-dev libncurses-dev libseccomp-dev libcap-dev libmaxminddb-dev libyaml-dev clang llvm libclang-rt-dev libbpf-dev libxdp-dev
bpftool libelf-dev zlib1g-dev
libcriterion-dev tshark tcpdump curl bind9-dnsutils dnsmasq-base iputils-ping iproute2
python3 coreutils ethtool openssl openssh-client openssh-server nginx ngtcp2-client
ngtcp2-server tcpreplay netcat-openbsd tmux libmaxmind-db-writer-perl nfdump
prometheus-node-exporter iftop nethogs gnuplot-nox valgrind"

missing=
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
if [ -z "$missing" ]; then
	echo "deps: all build and test dependencies are installed"
	exit 0
fi
if ! command -v apt-get >/dev/null; then
	echo "deps: no apt-get here; install the equivalents of:$missing" >&2
	exit 1
fi
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing:$missing" >&2
	echo "deps: run 'sudo make deps' to install them" >&2
	exit 1
fi
echo "deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
# A fresh machine may have no package lists yet; update once, then install.
apt-get update -q
# Test peers (nginx, sshd) are started by the tests, inside network namespaces; keep
# their packages from starting them on the host while installing.
policy=/usr/sbin/policy-rc.d
own_policy=0
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' >"$policy"
	chmod 755 "$policy"
	own_policy=1
fi
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing || rc=$?
[ "$own_policy" = 1 ] && rm -f "$policy"
exit "${rc:-0}"
