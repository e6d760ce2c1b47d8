// SPDX-License-Identifier: GPL-2.0-only
/*
 * The seccomp allowlist of the running phase: what reading packets, maps, /proc
 * and the terminal, writing output, and resolving names need; everything else
 * fails with EPERM (not a kill: a syscall a library wants in some rare path must
 * cost a feature, not the capture). Denied in particular: execve, ptrace, module
 * loading, bpf() beyond map access and iterators, new raw/packet/XDP sockets,
 * writing to a capture socket (an AF_PACKET socket can transmit), duplicating fds
 * (which would hide a capture socket behind a new number), executable memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/netlink.h>
#include <linux/sched.h>
#include <netinet/in.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "layers.h"

#if defined(__SANITIZE_ADDRESS__)
#define XDT_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define XDT_SANITIZED 1
#endif
#endif

static const int plain[] = {
	/* files and /proc (Landlock decides which) */
	SCMP_SYS(read), SCMP_SYS(readv), SCMP_SYS(pread64), SCMP_SYS(preadv), SCMP_SYS(preadv2),
	SCMP_SYS(lseek), SCMP_SYS(close), SCMP_SYS(fstat), SCMP_SYS(newfstatat), SCMP_SYS(statx),
	SCMP_SYS(stat), SCMP_SYS(lstat), SCMP_SYS(fstatfs), SCMP_SYS(statfs), SCMP_SYS(access),
	SCMP_SYS(faccessat), SCMP_SYS(faccessat2), SCMP_SYS(readlink), SCMP_SYS(readlinkat),
	SCMP_SYS(getdents), SCMP_SYS(getdents64), SCMP_SYS(open), SCMP_SYS(openat),
	SCMP_SYS(getcwd),
	/* output files: rotation (Landlock limits them to the output directories) */
	SCMP_SYS(fsync), SCMP_SYS(fdatasync), SCMP_SYS(ftruncate), SCMP_SYS(rename),
	SCMP_SYS(renameat), SCMP_SYS(renameat2), SCMP_SYS(unlink), SCMP_SYS(unlinkat),
	/* waiting */
	SCMP_SYS(poll), SCMP_SYS(ppoll), SCMP_SYS(select), SCMP_SYS(pselect6),
	SCMP_SYS(epoll_wait), SCMP_SYS(epoll_pwait), SCMP_SYS(epoll_pwait2), SCMP_SYS(epoll_ctl),
	SCMP_SYS(futex), SCMP_SYS(set_robust_list), SCMP_SYS(get_robust_list), SCMP_SYS(rseq),
	SCMP_SYS(sched_yield), SCMP_SYS(nanosleep), SCMP_SYS(clock_nanosleep),
	SCMP_SYS(restart_syscall),
	/* time, identity, limits */
	SCMP_SYS(clock_gettime), SCMP_SYS(clock_getres), SCMP_SYS(gettimeofday), SCMP_SYS(time),
	SCMP_SYS(getpid), SCMP_SYS(gettid), SCMP_SYS(getppid), SCMP_SYS(getuid),
	SCMP_SYS(geteuid), SCMP_SYS(getgid), SCMP_SYS(getegid), SCMP_SYS(getresuid),
	SCMP_SYS(getresgid), SCMP_SYS(getpgrp), SCMP_SYS(getrlimit), SCMP_SYS(uname),
	SCMP_SYS(sysinfo), SCMP_SYS(sched_getaffinity), SCMP_SYS(getcpu), SCMP_SYS(getrandom),
	SCMP_SYS(capget),
	/* signals (sending them: see kill below) */
	SCMP_SYS(rt_sigaction), SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigreturn),
	SCMP_SYS(sigaltstack), SCMP_SYS(rt_sigpending), SCMP_SYS(rt_sigtimedwait),
	/* memory (mmap and mprotect: below) */
	SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(brk), SCMP_SYS(madvise),
	/* sockets we hold or may make (socket() itself: below) */
	SCMP_SYS(connect), SCMP_SYS(bind), SCMP_SYS(getsockname), SCMP_SYS(getpeername),
	SCMP_SYS(getsockopt), SCMP_SYS(setsockopt), SCMP_SYS(shutdown), SCMP_SYS(recvfrom),
	SCMP_SYS(recvmsg), SCMP_SYS(recvmmsg),
	SCMP_SYS(exit), SCMP_SYS(exit_group),
};

/* Syscalls that write: allowed on every fd but the capture sockets. */
static const int writers[] = {
	SCMP_SYS(write), SCMP_SYS(writev), SCMP_SYS(pwrite64), SCMP_SYS(pwritev),
	SCMP_SYS(pwritev2), SCMP_SYS(sendto), SCMP_SYS(sendmsg), SCMP_SYS(sendmmsg),
};

static const unsigned long ioctls[] = {
	TCGETS, TCSETS, TCSETSW, TCSETSF, TIOCGWINSZ, FIONREAD, TIOCGPGRP, FIONBIO,
};

static const int fcntls[] = {
	F_GETFD, F_SETFD, F_GETFL, F_SETFL, F_GETLK, F_SETLK, F_SETLKW,
};

static const int prctls[] = {
	PR_SET_NAME, PR_GET_NAME, PR_GET_NO_NEW_PRIVS, PR_GET_SECUREBITS, PR_CAPBSET_READ,
	PR_GET_DUMPABLE,
};

/* Map access and iterator runs: what holding map and link fds needs, nothing that loads. */
static const int bpf_cmds[] = {
	BPF_MAP_LOOKUP_ELEM, BPF_MAP_UPDATE_ELEM, BPF_MAP_DELETE_ELEM, BPF_MAP_GET_NEXT_KEY,
	BPF_OBJ_GET_INFO_BY_FD, BPF_MAP_LOOKUP_AND_DELETE_ELEM, BPF_MAP_LOOKUP_BATCH,
	BPF_MAP_LOOKUP_AND_DELETE_BATCH, BPF_MAP_UPDATE_BATCH, BPF_MAP_DELETE_BATCH,
	BPF_ITER_CREATE,
};

/* Allowed under conditions, in build(): ioctl, fcntl, prctl, bpf, mmap, mprotect, clone, kill,
 * tgkill, prlimit64, socket. */
#define N_CONDITIONAL 11

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/*
 * @sys on any fd except @deny. libseccomp takes one comparison per argument and
 * rule, and an unconditional allow would win over a conditional deny, so the
 * allowed fds are spelled as ranges: below the lowest denied fd, above the
 * highest, and each fd number in between that is not denied.
 */
static int allow_fds_except(scmp_filter_ctx c, int sys, const int *deny, unsigned int n)
{
	unsigned int i;
	int rc, fd;

	if (!n)
		return seccomp_rule_add(c, SCMP_ACT_ALLOW, sys, 0);
	rc = seccomp_rule_add(c, SCMP_ACT_ALLOW, sys, 1,
			      SCMP_A0_32(SCMP_CMP_LT, (uint32_t)deny[0]));
	if (!rc)
		rc = seccomp_rule_add(c, SCMP_ACT_ALLOW, sys, 1,
				      SCMP_A0_32(SCMP_CMP_GT, (uint32_t)deny[n - 1]));
	for (i = 0; !rc && i + 1 < n; i++)
		for (fd = deny[i] + 1; !rc && fd < deny[i + 1]; fd++)
			rc = seccomp_rule_add(c, SCMP_ACT_ALLOW, sys, 1,
					      SCMP_A0_32(SCMP_CMP_EQ, (uint32_t)fd));
	return rc;
}

/* socket(): netlink for sock_diag and interface counters, TCP and UDP; nothing raw. */
static int allow_sockets(scmp_filter_ctx c)
{
	static const int fams[] = { AF_INET, AF_INET6 };
	static const struct { int type, proto; } kinds[] = {
		{ SOCK_DGRAM, 0 }, { SOCK_DGRAM, IPPROTO_UDP },
		{ SOCK_STREAM, 0 }, { SOCK_STREAM, IPPROTO_TCP },
	};
	unsigned int i, j;
	int rc = 0;

	rc |= seccomp_rule_add(c, SCMP_ACT_ALLOW, SCMP_SYS(socket), 2,
			       SCMP_A0_32(SCMP_CMP_EQ, AF_NETLINK),
			       SCMP_A2_32(SCMP_CMP_EQ, NETLINK_ROUTE));
	rc |= seccomp_rule_add(c, SCMP_ACT_ALLOW, SCMP_SYS(socket), 2,
			       SCMP_A0_32(SCMP_CMP_EQ, AF_NETLINK),
			       SCMP_A2_32(SCMP_CMP_EQ, NETLINK_SOCK_DIAG));
	for (i = 0; i < 2; i++)
		for (j = 0; j < sizeof(kinds) / sizeof(kinds[0]); j++)
			rc |= seccomp_rule_add(c, SCMP_ACT_ALLOW, SCMP_SYS(socket), 3,
					       SCMP_A0_32(SCMP_CMP_EQ, (uint32_t)fams[i]),
					       SCMP_A1_32(SCMP_CMP_MASKED_EQ, 0xf,
							  (uint32_t)kinds[j].type),
					       SCMP_A2_32(SCMP_CMP_EQ, (uint32_t)kinds[j].proto));
	return rc;
}

static int build(scmp_filter_ctx c, const struct xdt_sandbox_opts *o)
{
	int deny[XDT_SB_MAX_FDS];
	unsigned int i, n = 0;
	int rc = 0, r;
	pid_t self = getpid();

	for (i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		r = seccomp_rule_add(c, SCMP_ACT_ALLOW, plain[i], 0);
		/* A syscall this architecture does not have (e.g. open on arm64) is no loss. */
		if (r && r != -EDOM && r != -EFAULT)
			rc = r;
	}
	for (i = 0; i < o->n_deny_write_fds && i < XDT_SB_MAX_FDS; i++)
		if (o->deny_write_fds[i] >= 0)
			deny[n++] = o->deny_write_fds[i];
	qsort(deny, n, sizeof(deny[0]), cmp_int);
	for (i = 0; i < sizeof(writers) / sizeof(writers[0]); i++) {
		r = allow_fds_except(c, writers[i], deny, n);
		if (r && r != -EDOM && r != -EFAULT)
			rc = r;
	}
	for (i = 0; i < sizeof(ioctls) / sizeof(ioctls[0]); i++)
		rc |= seccomp_rule_add(c, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
				       SCMP_A1(SCMP_CMP_EQ, ioctls[i]));
	for (i = 0; i < sizeof(fcntls) / sizeof(fcntls[0]); i++)
		rc |= seccomp_rule_add(c, SCMP_ACT_ALLOW, SCMP_SYS(fcntl), 1,
				       SCMP_A1_32(SCMP_CMP_EQ, (uint32_t)fcntls[i]));
	for (i = 0; i < sizeof(prctls) / sizeof(prctls[0]); i++)
		rc |= seccomp_rule_add(c, SCMP_ACT_ALLOW, SCMP_SYS(prctl), 1,
				       SCMP_A0_32(SCMP_CMP_EQ, (uint32_t)prctls[i]));
	for (i = 0; i < sizeof(bpf_cmds) / sizeof(bpf_cmds[0]); i++)
		rc |= seccomp_rule_add(c, SCMP_ACT_ALLOW, SCMP_SYS(bpf), 1,
				       SCMP_A0_32(SCMP_CMP_EQ, (uint32_t)bpf_cmds[i]));
	/* Attaching held programs again (an interface re-created); loading stays denied. */
	if (o->bpf_link_create)
		rc |= seccomp_rule_add(c, SCMP_ACT_ALLOW, SCMP_SYS(bpf), 1,
				       SCMP_A0_32(SCMP_CMP_EQ, (uint32_t)BPF_LINK_CREATE));
	/* No executable memory: nothing is loaded or generated at run time. */
	rc |= seccomp_rule_add(c, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
			       SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	rc |= seccomp_rule_add(c, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
			       SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	/* Threads, never processes; clone3 says ENOSYS so glibc falls back to clone. */
	rc |= seccomp_rule_add(c, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
			       SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD));
	rc |= seccomp_rule_add(c, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
	/* Signals to ourselves only (abort, the terminal's SIGTSTP). */
	rc |= seccomp_rule_add(c, SCMP_ACT_ALLOW, SCMP_SYS(kill), 1,
			       SCMP_A0_32(SCMP_CMP_EQ, (uint32_t)self));
	rc |= seccomp_rule_add(c, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1,
			       SCMP_A0_32(SCMP_CMP_EQ, (uint32_t)self));
	/* Reading limits is fine, setting them is not. */
	rc |= seccomp_rule_add(c, SCMP_ACT_ALLOW, SCMP_SYS(prlimit64), 1, SCMP_A2(SCMP_CMP_EQ, 0));
	rc |= allow_sockets(c);
	return rc;
}

void xdt_sb_seccomp(const struct xdt_sandbox_opts *o, struct xdt_sb_layer_report *r)
{
	scmp_filter_ctx c;
	int rc;

	if (o->force_unavailable & (1U << XDT_SB_SECCOMP)) {
		xdt_sb_set(r, XDT_SB_UNAVAILABLE, "disabled by the test switch");
		return;
	}
#ifdef XDT_SANITIZED
	/* The leak checker stops threads with ptrace from a clone()d task at exit. */
	xdt_sb_set(r, XDT_SB_UNAVAILABLE, "not in a sanitizer build (its leak check at "
		   "exit needs ptrace and fork)");
	return;
#endif
	c = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	if (!c) {
		xdt_sb_set(r, XDT_SB_UNAVAILABLE, "seccomp_init failed");
		return;
	}
	rc = build(c, o);
	if (rc) {
		seccomp_release(c);
		xdt_sb_set(r, XDT_SB_UNAVAILABLE, "building the filter failed: %s", strerror(-rc));
		return;
	}
	rc = seccomp_load(c);
	seccomp_release(c);
	if (rc) {
		xdt_sb_set(r, XDT_SB_UNAVAILABLE, "loading the filter failed: %s%s", strerror(-rc),
			   rc == -EINVAL ? " (a kernel without CONFIG_SECCOMP_FILTER?)" : "");
		return;
	}
	xdt_sb_set(r, XDT_SB_ON, "allowlist of %zu syscalls, the rest EPERM; no exec, ptrace, "
		   "raw sockets, program loads or writes to capture sockets",
		   sizeof(plain) / sizeof(plain[0]) + sizeof(writers) / sizeof(writers[0]) +
			   N_CONDITIONAL);
}
