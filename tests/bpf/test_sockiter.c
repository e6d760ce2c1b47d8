// SPDX-License-Identifier: GPL-2.0-only
/*
 * The socket iterator (kern/sock_iter.bpf.c through loader/sockiter.c) on this
 * kernel: sockets the test opens, in itself and in children, must come back with
 * the right process; for this process the records must be what readlink of
 * /proc/self/fd says (the oracle the iterator replaces); and a process that has
 * given up every capability, or lives in a pid namespace of its own, must still
 * be able to run it and get numbers it can use.
 *
 * Checks that must run in another process (a child without capabilities, one in
 * a new pid namespace) report a failure as a message through a pipe.
 */
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "bpf_test.h"
#include "../../loader/sockiter.h"

struct rec {
	uint32_t inode;
	int32_t tgid;
};

struct recs {
	struct rec *v;
	size_t n, cap;
};

static int recs_add(uint32_t inode, int32_t tgid, void *ctx)
{
	struct recs *r = ctx;

	if (r->n == r->cap) {
		size_t ncap = r->cap ? 2 * r->cap : 256;
		struct rec *nv = realloc(r->v, ncap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		r->v = nv;
		r->cap = ncap;
	}
	r->v[r->n].inode = inode;
	r->v[r->n].tgid = tgid;
	r->n++;
	return 0;
}

/* Every record, or the walk's -errno. */
static int walk(struct xdt_sockiter *it, struct recs *r)
{
	r->n = 0;
	return xdt_sockiter_walk(it, recs_add, r);
}

/* How many records name @inode; *@tgid is the last one's process. */
static size_t count_of(const struct recs *r, uint32_t inode, int32_t *tgid)
{
	size_t i, n = 0;

	for (i = 0; i < r->n; i++) {
		if (r->v[i].inode == inode) {
			n++;
			if (tgid)
				*tgid = r->v[i].tgid;
		}
	}
	return n;
}

static uint32_t ino_of(int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0 || !S_ISSOCK(st.st_mode))
		return 0;
	return (uint32_t)st.st_ino;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static struct xdt_sockiter *iter_up(void)
{
	struct xdt_sockiter *it;
	char err[512];

	bt_require_root();
	it = xdt_sockiter_open(err, sizeof(err));
	if (!it)
		bt_unavailable("%s", err);
	return it;
}

/* One socket the test expects to see, and where it came from. */
static int tcp_listener(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	cr_assert_geq(fd, 0, "socket: %s", strerror(errno));
	cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	cr_assert_eq(listen(fd, 4), 0);
	return fd;
}

/* --- checks run in a child: 0, or 1 with a message ------------------------------- */

/* The pipe to the test's process; grandchildren inherit it too. */
static int child_pipe = -1;

__attribute__((format(printf, 1, 2))) static int child_fail(const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n > 0)
		(void)!write(child_pipe, msg, strlen(msg));
	return 1;
}

/*
 * Run @fn(@it) in a forked child and fail the test with its message if it
 * fails. The child leaves with _exit(): criterion's handlers stay the parent's.
 */
static void in_child(int (*fn)(struct xdt_sockiter *it), struct xdt_sockiter *it,
		     const char *what)
{
	char msg[512] = "";
	int p[2], status = 0;
	ssize_t n;
	pid_t pid;

	cr_assert_eq(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	cr_assert_geq(pid, 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		close(p[0]);
		child_pipe = p[1];
		_exit(fn(it));
	}
	close(p[1]);
	n = read(p[0], msg, sizeof(msg) - 1);
	msg[n > 0 ? n : 0] = 0;
	close(p[0]);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s: %s (status %#x)", what,
		  msg[0] ? msg : "the child died", status);
}

/* The walk finds a socket this process opened, as this process. */
static int child_walk_finds_own_socket(struct xdt_sockiter *it)
{
	struct recs r = { 0 };
	int32_t tgid = 0;
	uint32_t ino;
	size_t n;
	int fd, rc;

	fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ino = ino_of(fd);
	if (!ino)
		return child_fail("socket: %s", strerror(errno));
	rc = walk(it, &r);
	if (rc)
		return child_fail("the walk failed: %s", strerror(-rc));
	n = count_of(&r, ino, &tgid);
	if (n != 1 || tgid != getpid())
		return child_fail("socket %u: %zu records, tgid %d, expected 1 record of %d", ino,
				  n, tgid, getpid());
	free(r.v);
	close(fd);
	return 0;
}

static int caps_all_zero(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];
	int i;

	if (syscall(SYS_capget, &h, d) < 0)
		return 0;
	for (i = 0; i < _LINUX_CAPABILITY_U32S_3; i++)
		if (d[i].effective || d[i].permitted || d[i].inheritable)
			return 0;
	return 1;
}

static int child_without_capabilities(struct xdt_sockiter *it)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];
	struct xdt_sockiter *again;
	char err[512];
	int cap;

	/* The bounding set first: dropping it takes CAP_SETPCAP, which goes next. */
	for (cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
			return child_fail("PR_CAPBSET_DROP %d: %s", cap, strerror(errno));
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		return child_fail("PR_CAP_AMBIENT_CLEAR_ALL: %s", strerror(errno));
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return child_fail("PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
	memset(d, 0, sizeof(d));
	if (syscall(SYS_capset, &h, d) < 0)
		return child_fail("capset: %s", strerror(errno));
	if (!caps_all_zero())
		return child_fail("capabilities are left after capset");
	/* Loading is what needs the privilege, and it is gone (libbpf would say so). */
	libbpf_set_print(NULL);
	again = xdt_sockiter_open(err, sizeof(err));
	if (again) {
		xdt_sockiter_close(again);
		return child_fail("loading the iterator worked without capabilities");
	}
	return child_walk_finds_own_socket(it);
}

static int child_as_nobody(struct xdt_sockiter *it)
{
	if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
	    setresuid(65534, 65534, 65534) < 0)
		return child_fail("becoming nobody: %s", strerror(errno));
	if (!caps_all_zero())
		return child_fail("capabilities are left after leaving uid 0");
	return child_walk_finds_own_socket(it);
}

/* Pid 1 of a new pid namespace: the kernel shows it only itself, as pid 1. */
static int child_in_pid_namespace_init(struct xdt_sockiter *it)
{
	struct recs r = { 0 };
	size_t i;
	int rc;

	if (getpid() != 1)
		return child_fail("getpid() is %d in the new namespace", getpid());
	rc = child_walk_finds_own_socket(it);
	if (rc)
		return rc;
	rc = walk(it, &r);
	if (rc)
		return child_fail("the walk failed: %s", strerror(-rc));
	for (i = 0; i < r.n; i++)
		if (r.v[i].tgid != 1)
			return child_fail("socket %u of pid %d, from outside the namespace",
					  r.v[i].inode, r.v[i].tgid);
	free(r.v);
	return 0;
}

static int child_new_pid_namespace(struct xdt_sockiter *it)
{
	int status = 0;
	pid_t pid;

	if (unshare(CLONE_NEWPID) < 0)
		return child_fail("unshare(CLONE_NEWPID): %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		return child_fail("fork: %s", strerror(errno));
	if (pid == 0)
		_exit(child_in_pid_namespace_init(it));
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return child_fail("the namespace's init died (status %#x)", status);
	/* It wrote its message to the same pipe. */
	return WEXITSTATUS(status);
}

/* --- the tests ------------------------------------------------------------------------- */

TestSuite(sockiter);

Test(sockiter, maps_each_socket_to_the_process_that_holds_it)
{
	struct xdt_sockiter *it = iter_up();
	int fds[4], pair[2], ready[2], hold[2], status = 0, i;
	uint32_t inos[5], child_ino = 0;
	struct recs r = { 0 };
	pid_t child;

	fds[0] = tcp_listener();
	fds[1] = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair), 0);
	fds[2] = pair[0];
	fds[3] = pair[1];
	for (i = 0; i < 4; i++) {
		inos[i] = ino_of(fds[i]);
		cr_assert_neq(inos[i], 0, "fd %d is not a socket", fds[i]);
	}
	cr_assert_eq(pipe2(ready, O_CLOEXEC), 0);
	cr_assert_eq(pipe2(hold, O_CLOEXEC), 0);
	child = fork();
	cr_assert_geq(child, 0);
	if (child == 0) {
		uint32_t ino;
		char c;
		int fd;

		/* Only its own socket: what it inherited would be the parent's too. */
		for (i = 0; i < 4; i++)
			close(fds[i]);
		fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
		ino = ino_of(fd);
		if (write(ready[1], &ino, sizeof(ino)) != sizeof(ino))
			_exit(1);
		close(hold[1]);
		(void)!read(hold[0], &c, 1);
		_exit(0);
	}
	close(ready[1]);
	close(hold[0]);
	cr_assert_eq(read(ready[0], &child_ino, sizeof(child_ino)), (ssize_t)sizeof(child_ino));
	cr_assert_neq(child_ino, 0, "the child has no socket");
	inos[4] = child_ino;

	cr_assert_eq(walk(it, &r), 0);
	for (i = 0; i < 5; i++) {
		int32_t want = i < 4 ? getpid() : child, tgid = 0;
		size_t n = count_of(&r, inos[i], &tgid);

		cr_expect_eq(n, 1, "socket %d (inode %u): %zu records", i, inos[i], n);
		cr_expect_eq(tgid, want, "socket %d (inode %u): tgid %d, expected %d", i, inos[i],
			     tgid, want);
	}
	for (i = 0; i < (int)r.n; i++)
		cr_expect_gt(r.v[i].tgid, 0, "record %d has tgid %d", i, r.v[i].tgid);

	close(hold[1]);
	cr_assert_eq(waitpid(child, &status, 0), child);
	close(ready[0]);
	for (i = 0; i < 4; i++)
		close(fds[i]);
	free(r.v);
	xdt_sockiter_close(it);
}

/* The oracle: one record per socket descriptor, exactly as /proc/self/fd lists them. */
Test(sockiter, agrees_with_proc_self_fd_for_this_process)
{
	struct xdt_sockiter *it = iter_up();
	uint32_t from_iter[256], from_proc[256];
	size_t n_iter = 0, n_proc = 0, i;
	int fds[5], pair[2];
	struct recs r = { 0 };
	struct dirent *e;
	DIR *d;

	fds[0] = tcp_listener();
	fds[1] = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	cr_assert_eq(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, pair), 0);
	fds[2] = pair[0];
	fds[3] = pair[1];
	/* Two descriptors, one socket: two records, as two links in /proc. */
	fds[4] = dup(fds[0]);
	cr_assert_geq(fds[4], 0);

	cr_assert_eq(walk(it, &r), 0);
	d = opendir("/proc/self/fd");
	cr_assert_not_null(d);
	while ((e = readdir(d))) {
		char link[64];
		unsigned int ino;
		ssize_t n = readlinkat(dirfd(d), e->d_name, link, sizeof(link) - 1);

		if (n <= 0)
			continue;
		link[n] = 0;
		if (sscanf(link, "socket:[%u]", &ino) != 1)
			continue;
		cr_assert_lt(n_proc, 256);
		from_proc[n_proc++] = ino;
	}
	closedir(d);
	for (i = 0; i < r.n; i++) {
		if (r.v[i].tgid != getpid())
			continue;
		cr_assert_lt(n_iter, 256);
		from_iter[n_iter++] = r.v[i].inode;
	}
	qsort(from_iter, n_iter, sizeof(from_iter[0]), cmp_u32);
	qsort(from_proc, n_proc, sizeof(from_proc[0]), cmp_u32);
	cr_assert_geq(n_proc, 5, "/proc/self/fd shows %zu sockets, the test opened 5", n_proc);
	cr_assert_eq(n_iter, n_proc, "the iterator gives %zu sockets of pid %d, /proc %zu",
		     n_iter, getpid(), n_proc);
	for (i = 0; i < n_iter; i++)
		cr_expect_eq(from_iter[i], from_proc[i], "socket %zu: inode %u, /proc says %u", i,
			     from_iter[i], from_proc[i]);
	for (i = 0; i < 5; i++)
		close(fds[i]);
	free(r.v);
	xdt_sockiter_close(it);
}

static int thread_hold[2];
static int thread_ready[2];

/* A thread with a file table of its own: its socket is in no one else's. */
static void *own_table_thread(void *arg)
{
	uint32_t ino = 0;
	char c;
	int fd;

	(void)arg;
	if (unshare(CLONE_FILES) == 0) {
		/* Its copy of the write end would keep every thread's read from ending. */
		close(thread_hold[1]);
		fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		ino = ino_of(fd);
	}
	(void)!write(thread_ready[1], &ino, sizeof(ino));
	(void)!read(thread_hold[0], &c, 1);
	return NULL;
}

static void *sharing_thread(void *arg)
{
	uint32_t ino = 1;
	char c;

	(void)arg;
	(void)!write(thread_ready[1], &ino, sizeof(ino));
	(void)!read(thread_hold[0], &c, 1);
	return NULL;
}

Test(sockiter, reports_a_table_shared_by_threads_once_and_a_threads_own_under_its_process)
{
	struct xdt_sockiter *it = iter_up();
	pthread_t th[4];
	uint32_t own_ino = 0, ino, shared_ino;
	struct recs r = { 0 };
	int32_t tgid = 0;
	int i, fd;
	size_t n;

	/* The pipes before the unshare: the thread's table copy must hold them too. */
	cr_assert_eq(pipe2(thread_ready, O_CLOEXEC), 0);
	cr_assert_eq(pipe2(thread_hold, O_CLOEXEC), 0);
	cr_assert_eq(pthread_create(&th[0], NULL, own_table_thread, NULL), 0);
	cr_assert_eq(read(thread_ready[0], &own_ino, sizeof(own_ino)), (ssize_t)sizeof(own_ino));
	cr_assert_neq(own_ino, 0, "the thread could not unshare its file table");
	for (i = 1; i < 4; i++) {
		cr_assert_eq(pthread_create(&th[i], NULL, sharing_thread, NULL), 0);
		cr_assert_eq(read(thread_ready[0], &ino, sizeof(ino)), (ssize_t)sizeof(ino));
	}
	/* After the unshare: in the leader's table only, which four threads use. */
	fd = tcp_listener();
	shared_ino = ino_of(fd);

	cr_assert_eq(walk(it, &r), 0);
	n = count_of(&r, shared_ino, &tgid);
	cr_expect_eq(n, 1, "the shared table's socket: %zu records, expected 1", n);
	cr_expect_eq(tgid, getpid());
	tgid = 0;
	n = count_of(&r, own_ino, &tgid);
	cr_expect_eq(n, 1, "the thread's own socket: %zu records, expected 1", n);
	cr_expect_eq(tgid, getpid(), "the thread's socket is its process's (tgid %d, got %d)",
		     getpid(), tgid);

	close(thread_hold[1]);
	for (i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	close(thread_hold[0]);
	close(thread_ready[0]);
	close(thread_ready[1]);
	close(fd);
	free(r.v);
	xdt_sockiter_close(it);
}

/* What xdptop relies on once sandboxed: running needs no capability, loading does. */
Test(sockiter, walks_after_every_capability_is_dropped)
{
	struct xdt_sockiter *it = iter_up();

	in_child(child_without_capabilities, it, "uid 0 without capabilities");
	in_child(child_as_nobody, it, "uid 65534");
	xdt_sockiter_close(it);
}

Test(sockiter, gives_process_ids_as_the_readers_pid_namespace_numbers_them)
{
	struct xdt_sockiter *it = iter_up();

	in_child(child_new_pid_namespace, it, "pid 1 of a new pid namespace");
	xdt_sockiter_close(it);
}
