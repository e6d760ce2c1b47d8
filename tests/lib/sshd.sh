# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# sshd for tests that start one in a network namespace.
#
# xdt_sshd_prepare DIR PORT ADDR...: a host key, an sshd_config listening on
# ADDR:PORT, and in XDT_SSHD_CMD the command that runs sshd in a private mount
# namespace with a tmpfs on /run (its privilege separation directory) and, if
# the system has no "sshd" user yet, a passwd file that has one. The command
# execs sshd, so the pid of the process started with it is sshd's.
xdt_sshd_prepare() {
	local dir=$1 port=$2 a fixpw="" sshd
	shift 2
	sshd=$(command -v sshd || echo /usr/sbin/sshd)
	ssh-keygen -q -t ed25519 -N '' -f "$dir/ssh_host_key" </dev/null >"$dir/keygen.out" 2>&1 ||
		return 1
	{
		echo "Port $port"
		for a; do echo "ListenAddress $a"; done
		printf '%s\n' "HostKey $dir/ssh_host_key" "PidFile none" "UsePAM no" \
			"StrictModes no" "PasswordAuthentication no" \
			"KbdInteractiveAuthentication no" "AuthorizedKeysFile none" "LogLevel ERROR"
	} >"$dir/sshd_config"
	if ! getent passwd sshd >/dev/null; then
		{ cat /etc/passwd; echo "sshd:x:65500:65534:xdt privsep:/run/sshd:/usr/sbin/nologin"; } \
			>"$dir/passwd" && fixpw="mount --bind $dir/passwd /etc/passwd &&"
	fi
	XDT_SSHD_CMD=(unshare -m --propagation private sh -c
		"mount -t tmpfs -o mode=0755 xdt /run && mkdir -m 0755 /run/sshd && $fixpw
		 exec $sshd -D -e -f $dir/sshd_config -h $dir/ssh_host_key")
}
