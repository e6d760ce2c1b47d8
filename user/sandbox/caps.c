// SPDX-License-Identifier: GPL-2.0-only
/*
 * Drop every capability from every set: bounding (so none can come back through
 * an exec), ambient, inheritable, permitted, effective; and lock the securebits so
 * that uid 0 alone grants nothing. What xdptop holds by then are open fds, which
 * keep working: capture sockets, ring buffers, map fds, links.
 *
 * One kernel difference matters: before Linux 6.5, with unprivileged BPF disabled
 * (kernel.unprivileged_bpf_disabled, the default on most distributions), every
 * bpf() call needs CAP_BPF or CAP_SYS_ADMIN, map reads on fds we hold included.
 * A child process tries a map read without capabilities first; if it fails, we
 * keep CAP_BPF (CAP_SYS_ADMIN before Linux 5.8) and say so.
 */
#include <errno.h>
#include <linux/securebits.h>
#include <stdint.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/bpf.h>

#include "layers.h"

#ifndef CAP_BPF
#define CAP_BPF 39
#endif

/* Does a map read on @fd work with no capability? 1 yes, 0 no (EPERM), -errno unknown. */
static int bpf_works_unprivileged(int fd)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		cap_t none = cap_init();
		unsigned char key[512];
		union bpf_attr a;

		if (!none || cap_set_proc(none))
			_exit(3);
		memset(&a, 0, sizeof(a));
		a.map_fd = (uint32_t)fd;
		a.key = 0;
		a.next_key = (uint64_t)(uintptr_t)key;
		if (syscall(SYS_bpf, BPF_MAP_GET_NEXT_KEY, &a, sizeof(a)) == 0 || errno == ENOENT)
			_exit(0);
		_exit(errno == EPERM ? 1 : 2);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (!WIFEXITED(status))
		return -ECHILD;
	return WEXITSTATUS(status) == 0 ? 1 : WEXITSTATUS(status) == 1 ? 0 : -EIO;
}

void xdt_sb_caps(const struct xdt_sandbox_opts *o, struct xdt_sb_layer_report *r)
{
	cap_value_t keep = CAP_BPF;
	int keep_one = 0, bounded = 1, rc;
	cap_value_t c, last;
	cap_t caps;

	if (o->force_unavailable & (1U << XDT_SB_CAPS)) {
		xdt_sb_set(r, XDT_SB_UNAVAILABLE, "disabled by the test switch");
		return;
	}
	if (o->bpf_map_fd >= 0 && bpf_works_unprivileged(o->bpf_map_fd) == 0) {
		keep_one = 1;
		/* Before 5.8 there is no CAP_BPF: CAP_SYS_ADMIN is what bpf() checks. */
		if (!CAP_IS_SUPPORTED(CAP_BPF))
			keep = CAP_SYS_ADMIN;
	}
	/* uid 0 gets no capability back on exec, setuid or anything else; locked. */
	prctl(PR_SET_SECUREBITS, SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP |
		  SECBIT_NO_SETUID_FIXUP_LOCKED | SECBIT_KEEP_CAPS_LOCKED |
		  SECBIT_NO_CAP_AMBIENT_RAISE | SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED, 0, 0, 0);
	cap_reset_ambient();
	last = (cap_value_t)cap_max_bits();
	for (c = 0; c < last; c++) {
		if (keep_one && c == keep)
			continue;
		if (cap_get_bound(c) > 0 && cap_drop_bound(c) < 0)
			bounded = 0;	/* needs CAP_SETPCAP: we are not root */
	}
	caps = cap_init();
	if (!caps) {
		xdt_sb_set(r, XDT_SB_UNAVAILABLE, "cap_init: %s", strerror(errno));
		return;
	}
	if (keep_one) {
		cap_set_flag(caps, CAP_PERMITTED, 1, &keep, CAP_SET);
		cap_set_flag(caps, CAP_EFFECTIVE, 1, &keep, CAP_SET);
	}
	rc = cap_set_proc(caps);
	cap_free(caps);
	if (rc < 0) {
		xdt_sb_set(r, XDT_SB_UNAVAILABLE, "cap_set_proc: %s", strerror(errno));
		return;
	}
	if (keep_one)
		xdt_sb_set(r, XDT_SB_PARTIAL, "all dropped but %s: this kernel checks it on every "
			   "bpf() call, map reads included (Linux before 6.5 with "
			   "unprivileged BPF disabled)", keep == CAP_BPF ? "CAP_BPF" : "CAP_SYS_ADMIN");
	else if (!bounded)
		xdt_sb_set(r, XDT_SB_ON, "none held; the bounding set stays (shrinking it needs "
			   "CAP_SETPCAP) and no_new_privs keeps it unusable");
	else
		xdt_sb_set(r, XDT_SB_ON, "all dropped from every set; securebits locked");
}
