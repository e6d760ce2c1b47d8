// SPDX-License-Identifier: GPL-2.0-only
/*
 * Socket owners from a caller's walker (in xdptop, the BPF task_file iterator
 * of loader/sockiter.c) instead of the <root>/proc fd scan. The walkers here
 * are fakes that replay a list, so no privilege is needed. The fixture tree
 * holds 70001 in pid 100, 70002 in pid 200 and 70004 in pid 300: a result that
 * shows those pids came from the scan, any other from the walker.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "proc/diag.h"

#define TREE "tests/unit/fixtures/proc-tree"

struct owner {
	uint32_t inode;
	int32_t pid;
};

/* What a fake walker says, then how it ends. */
struct fake {
	const struct owner *said;
	size_t n;
	int ret;
	int calls;
	int cb_ret;	/* what the snapshot's callback last returned */
};

static int fake_walk(xdt_proc_owner_cb cb, void *cbctx, void *ctx)
{
	struct fake *f = ctx;
	size_t i;

	f->calls++;
	for (i = 0; i < f->n; i++) {
		f->cb_ret = cb(f->said[i].inode, f->said[i].pid, cbctx);
		if (f->cb_ret)
			return f->cb_ret;
	}
	return f->ret;
}

static struct xdt_diag_sock listener(uint16_t port, uint32_t inode)
{
	struct xdt_diag_sock s = { .family = 4, .proto = IPPROTO_TCP, .state = TCP_LISTEN,
				   .lport = port, .inode = inode };

	return s;
}

/* The fixture's sockets, as listeners on port = inode - 70000 + 1000. */
static const struct xdt_diag_sock *fixture_socks(size_t *n)
{
	static struct xdt_diag_sock socks[5];
	uint32_t i;

	for (i = 0; i < 5; i++)
		socks[i] = listener((uint16_t)(1001 + i), 70001 + i);
	*n = 5;
	return socks;
}

/* The pid the snapshot gives the listener with @inode (fixture numbering). */
static int32_t owner_of(const struct xdt_proc_snapshot *s, uint32_t inode)
{
	static const uint8_t any[16];
	int32_t pid = -1;
	uint32_t uid;

	cr_assert_eq(xdt_proc_snapshot_find(s, 4, IPPROTO_TCP, any,
					    (uint16_t)(inode - 70000 + 1000), any, 0, &pid,
					    &uid),
		     0, "socket %u is not in the snapshot", inode);
	return pid;
}

static struct xdt_proc_snapshot *build(struct fake *f)
{
	struct xdt_proc_snapshot *s;
	size_t n;
	const struct xdt_diag_sock *socks = fixture_socks(&n);
	int err = -1;

	s = xdt_proc_snapshot_build_walk(TREE, socks, n, f ? fake_walk : NULL, f, &err);
	cr_assert_not_null(s, "snapshot failed: %s", strerror(-err));
	cr_assert_eq(err, 0);
	return s;
}

TestSuite(proc_walk);

Test(proc_walk, scans_proc_when_no_walker_is_given)
{
	struct xdt_proc_snapshot *s = build(NULL);

	cr_expect_eq(owner_of(s, 70001), 100);
	cr_expect_eq(owner_of(s, 70002), 200);
	cr_expect_eq(owner_of(s, 70003), 0);
	cr_expect_eq(owner_of(s, 70004), 300);
	xdt_proc_snapshot_free(s);
}

Test(proc_walk, takes_every_owner_from_the_walker_and_none_from_proc)
{
	static const struct owner said[] = {
		{ 70001, 4242 }, { 70003, 17 }, { 70005, 9 },
		/* Sockets the dump did not see (another namespace, opened since). */
		{ 99999, 5 },
	};
	struct fake f = { .said = said, .n = 4 };
	struct xdt_proc_snapshot *s = build(&f);

	cr_assert_eq(f.calls, 1);
	cr_assert_eq(f.cb_ret, 0, "the snapshot's callback never stops a walk");
	cr_expect_eq(owner_of(s, 70001), 4242, "the walker, not the tree's pid 100");
	cr_expect_eq(owner_of(s, 70002), 0, "the walker did not name it; /proc is not asked");
	cr_expect_eq(owner_of(s, 70003), 17);
	cr_expect_eq(owner_of(s, 70004), 0);
	cr_expect_eq(owner_of(s, 70005), 9);
	xdt_proc_snapshot_free(s);
}

Test(proc_walk, gives_a_socket_held_by_several_processes_to_the_first_pid_walked)
{
	static const struct owner said[] = {
		/* No process: a pid the walker could not resolve is not an owner. */
		{ 70002, 0 }, { 70002, -1 },
		{ 70002, 300 }, { 70002, 301 }, { 70004, 12 }, { 70002, 200 }, { 70004, 11 },
	};
	struct fake f = { .said = said, .n = sizeof(said) / sizeof(said[0]) };
	struct xdt_proc_snapshot *s = build(&f);

	cr_expect_eq(owner_of(s, 70002), 300);
	cr_expect_eq(owner_of(s, 70004), 12);
	xdt_proc_snapshot_free(s);
}

Test(proc_walk, scans_proc_instead_when_the_walker_fails_and_forgets_what_it_said)
{
	static const struct owner said[] = { { 70001, 4242 }, { 70003, 17 } };
	struct fake f = { .said = said, .n = 2, .ret = -EPERM };
	struct xdt_proc_snapshot *s = build(&f);

	cr_assert_eq(f.calls, 1);
	cr_expect_eq(owner_of(s, 70001), 100, "from the tree, not the failed walk");
	cr_expect_eq(owner_of(s, 70002), 200);
	cr_expect_eq(owner_of(s, 70003), 0, "a failed walk's owners are all dropped");
	cr_expect_eq(owner_of(s, 70004), 300);
	xdt_proc_snapshot_free(s);
}

Test(proc_walk, scans_proc_when_the_walker_fails_before_saying_anything)
{
	struct fake f = { .ret = -ENOSYS };
	struct xdt_proc_snapshot *s = build(&f);

	cr_expect_eq(owner_of(s, 70001), 100);
	cr_expect_eq(owner_of(s, 70004), 300);
	xdt_proc_snapshot_free(s);
}

/* The live path: a real sock_diag dump, owners from the walker. */
Test(proc_walk, attributes_live_sockets_by_the_walkers_word)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in la;
	socklen_t len = sizeof(la);
	uint8_t lo[4] = { 127, 0, 0, 1 }, any[4] = { 0 };
	struct owner said[1];
	struct fake f = { .said = said, .n = 1 };
	struct xdt_proc_snapshot *s;
	struct stat st;
	int32_t pid = -1;
	uint32_t uid;
	int lfd, err = -1;

	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	cr_assert_geq(lfd, 0);
	cr_assert_eq(bind(lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	cr_assert_eq(listen(lfd, 1), 0);
	cr_assert_eq(getsockname(lfd, (struct sockaddr *)&la, &len), 0);
	cr_assert_eq(fstat(lfd, &st), 0);
	said[0].inode = (uint32_t)st.st_ino;
	said[0].pid = 77777;

	s = xdt_proc_snapshot_new_walk("/", fake_walk, &f, &err);
	cr_assert_not_null(s, "snapshot failed: %s", strerror(-err));
	cr_assert_eq(xdt_proc_snapshot_find(s, 4, IPPROTO_TCP, lo, ntohs(la.sin_port), any, 0,
					    &pid, &uid),
		     0);
	cr_expect_eq(pid, 77777, "the walker's pid, not this process's from /proc");
	xdt_proc_snapshot_free(s);

	/* A failing walker: /proc, where this process holds it. */
	f.ret = -EIO;
	s = xdt_proc_snapshot_new_walk("/", fake_walk, &f, &err);
	cr_assert_not_null(s);
	pid = -1;
	cr_assert_eq(xdt_proc_snapshot_find(s, 4, IPPROTO_TCP, lo, ntohs(la.sin_port), any, 0,
					    &pid, &uid),
		     0);
	cr_expect_eq(pid, getpid());
	xdt_proc_snapshot_free(s);
	close(lfd);
}
