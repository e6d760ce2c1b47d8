# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# A veth pair between the host's network namespace (where xdptop runs, in the
# test's own cgroup, with the cgroup hierarchy in view) and one namespace of the
# test's, and a way to run a command with a private /etc/resolv.conf. Used by the
# sandbox and enrich suites; needs tests/e2e/lib.sh (xdt_netns_add, xdt_addr).

# hostveth_up NS HOSTLINK PEERLINK HOST4/LEN PEER4/LEN [HOST6/LEN PEER6/LEN]
# The host end gets no link-local address, so every packet is in our ranges. The
# caller deletes HOSTLINK at the end (deleting NS takes the peer, and the pair).
hostveth_up() {
	local ns=$1 hl=$2 pl=$3 h4=$4 n4=$5 h6=${6:-} n6=${7:-}
	xdt_netns_add "$ns" &&
	ip link add "$hl" type veth peer name "$pl" &&
	ip link set "$pl" netns "$ns" &&
	ip link set "$hl" addrgenmode none &&
	ip addr add "$h4" dev "$hl" &&
	{ [[ -z $h6 ]] || ip addr add "$h6" dev "$hl" nodad; } &&
	ip link set "$hl" up ||
		return 1
	if [[ -n $n6 ]]; then
		xdt_addr "$ns" "$pl" "$n4" "$n6"
	else
		ip -n "$ns" link set "$pl" addrgenmode none && ip -n "$ns" addr add "$n4" dev "$pl" &&
		ip -n "$ns" link set "$pl" up
	fi
}

# with_resolv FILE CMD...: run CMD (exec'd: same pid) in a private mount
# namespace whose /etc/resolv.conf is FILE, so xdptop's resolvers are the test's.
with_resolv() {
	local conf=$1
	shift
	exec unshare --mount --propagation private -- \
		sh -c 'mount --bind "$0" /etc/resolv.conf && exec "$@"' "$conf" "$@"
}
