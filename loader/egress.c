// SPDX-License-Identifier: GPL-2.0-only
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sched.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cgroup.h"
#include "egress.h"
#include "egress_lock.skel.h"

#define EGRESS_LINKS 5
#define LEAF_PREFIX "xdptop."
/* After our exit the leaf is busy until the kernel has torn every thread down. */
#define REAP_TRIES 500
#define REAP_STEP_NS 10000000L

struct xdt_egress {
	struct egress_lock_bpf *skel;
	struct bpf_link *links[EGRESS_LINKS];
	unsigned int n_links;
	int leaf_fd;
	pid_t reaper;
	char leaf[PATH_MAX];
};

/* Our cgroup v2 path (the "0::" line of @self_cgroup), e.g. "/user.slice". */
static int self_cgroup_path(const char *self_cgroup, char *out, size_t len)
{
	char line[PATH_MAX + 8];
	FILE *f = fopen(self_cgroup, "re");
	int rc = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		size_t n = strcspn(line, "\n");

		line[n] = '\0';
		if (strncmp(line, "0::/", 4))
			continue;
		if (n - 3 >= len) {
			rc = -ENAMETOOLONG;
			break;
		}
		/* The root is "/": no separator of its own before the leaf's name. */
		strcpy(out, strcmp(line + 3, "/") ? line + 3 : "");
		rc = 0;
		break;
	}
	fclose(f);
	return rc;
}

/*
 * Leaves of earlier runs whose xdptop and reaper both died (a reaper killed with
 * SIGKILL, a reboot of a container...). A leaf with a live pid may be one whose
 * process has not moved in yet, so it stays; a populated one fails with EBUSY.
 */
static void remove_stale(const char *parent)
{
	DIR *d = opendir(parent);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		const char *digits = e->d_name + sizeof(LEAF_PREFIX) - 1;
		char *end;
		long pid;

		if (strncmp(e->d_name, LEAF_PREFIX, sizeof(LEAF_PREFIX) - 1) || !*digits)
			continue;
		errno = 0;
		pid = strtol(digits, &end, 10);
		if (errno || *end || pid <= 0 || pid > INT_MAX || pid == getpid())
			continue;
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		(void)unlinkat(dirfd(d), e->d_name, AT_REMOVEDIR);
	}
	closedir(d);
}

static int make_leaf(const char *leaf)
{
	if (mkdir(leaf, 0755) == 0)
		return 0;
	if (errno != EEXIST)
		return -errno;
	/* Ours by name already: an empty leaf left by an earlier process with our pid. */
	if (rmdir(leaf) || mkdir(leaf, 0755))
		return -errno;
	return 0;
}

/*
 * Removing the leaf takes write and search permission on its parent. uid 0
 * owning an ordinary (0755) cgroup directory has that without any capability;
 * the root of the hierarchy is 0555, and a delegated subtree may belong to
 * someone else: then the reaper keeps CAP_DAC_OVERRIDE, and nothing else.
 */
static int reaper_needs_dac(const char *parent)
{
	struct stat st;

	if (stat(parent, &st))
		return 1;
	if (st.st_uid == geteuid())
		return (st.st_mode & (S_IWUSR | S_IXUSR)) != (S_IWUSR | S_IXUSR);
	return (st.st_mode & (S_IWOTH | S_IXOTH)) != (S_IWOTH | S_IXOTH);
}

static void reaper_drop_caps(int keep_dac)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3] = { { 0 } };
	unsigned long cap;

	(void)prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	for (cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++)
		if (!(keep_dac && cap == CAP_DAC_OVERRIDE))
			(void)prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
	(void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (keep_dac)
		d[0].effective = d[0].permitted = 1U << CAP_DAC_OVERRIDE;
	(void)syscall(SYS_capset, &h, d);
}

/* Every fd but 2 (stderr) and @keep, which becomes 3. */
static void reaper_close_fds(int keep)
{
	long fd, max;

	if (keep != 3) {
		if (dup2(keep, 3) < 0)
			_exit(1);
		keep = 3;
	}
	close(0);
	close(1);
#ifdef SYS_close_range
	if (syscall(SYS_close_range, 4U, ~0U, 0U) == 0)
		return;
#endif
	max = sysconf(_SC_OPEN_MAX);
	for (fd = 4; fd < (max > 0 ? max : 65536); fd++)
		close((int)fd);
}

static void reaper_say(const char *leaf, int err)
{
	const char *parts[] = { "xdptop-reaper: cannot remove the cgroup ", leaf, ": ",
				strerror(err), "\n" };
	unsigned int i;

	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		if (write(2, parts[i], strlen(parts[i])) < 0)
			return;
}

/*
 * The child that removes the leaf once xdptop is gone. Forked before xdptop
 * moves into the leaf, so it stays where it was; a session of its own, so the
 * terminal's ^C, ^Z and hangup are not for it, and SIGTERM ignored, so `pkill
 * xdptop` (which matches "xdptop-reaper" too) does not take it first. It learns
 * of xdptop's end from EOF on a pipe whose write end only xdptop (and what it
 * forks, which lives in the leaf too) holds: that comes however xdptop ends.
 */
static __attribute__((noreturn)) void reaper_run(const char *leaf, int rfd, int keep_dac)
{
	static const int ignored[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGUSR1,
				       SIGUSR2 };
	struct sigaction sa = { .sa_handler = SIG_IGN };
	struct timespec step = { 0, REAP_STEP_NS };
	unsigned int i;
	char c;

	(void)setsid();
	/* The leaf's path is absolute; do not hold a mount busy with our cwd. */
	if (chdir("/"))
		_exit(1);
	for (i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++)
		(void)sigaction(ignored[i], &sa, NULL);
	reaper_close_fds(rfd);
	(void)prctl(PR_SET_NAME, "xdptop-reaper", 0, 0, 0);
	reaper_drop_caps(keep_dac);
	for (;;) {
		ssize_t n = read(3, &c, 1);

		if (n == 0 || (n < 0 && errno != EINTR))
			break;
	}
	for (i = 0; i < REAP_TRIES; i++) {
		if (rmdir(leaf) == 0 || errno == ENOENT)
			_exit(0);
		if (errno != EBUSY)
			break;
		(void)nanosleep(&step, NULL);
	}
	reaper_say(leaf, errno);
	_exit(1);
}

static int move_in(int leaf_fd)
{
	char pid[24];
	int fd, n, rc = 0;

	fd = openat(leaf_fd, "cgroup.procs", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	if (write(fd, pid, (size_t)n) != n)
		rc = -errno;
	close(fd);
	return rc;
}

/* The mount is missing: say whether `ip netns exec` hid it. */
static void no_cgroup2(const char *mounts, int rc, char *err, size_t errlen)
{
	char dir[PATH_MAX];

	if (xdt_cgroup2_mount("/proc/1/mounts", dir, sizeof(dir)) == 0)
		snprintf(err, errlen, "no cgroup v2 hierarchy in this mount namespace (%s has "
			 "none; the system has one at %s): 'ip netns exec' mounts a /sys of its "
			 "own and hides it; run xdptop with 'nsenter --net=/run/netns/NAME' "
			 "instead", mounts, dir);
	else
		snprintf(err, errlen, "no cgroup v2 hierarchy is mounted (%s): mount one with "
			 "'mount -t cgroup2 none /sys/fs/cgroup/unified'", strerror(-rc));
}

/*
 * `ip netns exec` gives its command a mount namespace of its own with a fresh
 * /sys, which hides the cgroup2 mount. That namespace is ours alone, but to be
 * sure nothing outside sees a change, make a private copy of it and mount the
 * (one, system-wide) cgroup2 hierarchy at /sys/fs/cgroup there. Single-threaded
 * callers only. 0 with the mount point in @out, or -errno.
 */
static int private_cgroup2(char *out, size_t len)
{
	static const char dir[] = "/sys/fs/cgroup";

	if (len < sizeof(dir))
		return -ENAMETOOLONG;
	if (unshare(CLONE_NEWNS) < 0)
		return -errno;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("cgroup2", dir, "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return -errno;
	memcpy(out, dir, sizeof(dir));
	return 0;
}

struct xdt_egress *xdt_egress_join(const char *mounts, const char *self_cgroup, char *err,
				   size_t errlen)
{
	char root[PATH_MAX], self[PATH_MAX], parent[PATH_MAX];
	struct xdt_egress *g = calloc(1, sizeof(*g));
	int pfd[2] = { -1, -1 }, rc, keep_dac;

	if (!g) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	g->leaf_fd = -1;
	g->reaper = -1;
	rc = xdt_cgroup2_mount(mounts, root, sizeof(root));
	/* Hidden by `ip netns exec` (the system has one): mount it where only we see it. */
	if (rc < 0 && xdt_cgroup2_mount("/proc/1/mounts", parent, sizeof(parent)) == 0 &&
	    private_cgroup2(root, sizeof(root)) == 0)
		rc = 0;
	if (rc < 0) {
		no_cgroup2(mounts, rc, err, errlen);
		goto fail;
	}
	rc = self_cgroup_path(self_cgroup, self, sizeof(self));
	if (rc < 0) {
		snprintf(err, errlen, "cannot find this process's cgroup v2 path (the \"0::\" line "
			 "of %s): %s", self_cgroup, strerror(-rc));
		goto fail;
	}
	if ((size_t)snprintf(parent, sizeof(parent), "%s%s", root, self) >= sizeof(parent) ||
	    (size_t)snprintf(g->leaf, sizeof(g->leaf), "%s/" LEAF_PREFIX "%d", parent,
			     (int)getpid()) >= sizeof(g->leaf)) {
		snprintf(err, errlen, "the cgroup path %s%s is too long", root, self);
		goto fail;
	}
	remove_stale(parent);
	rc = make_leaf(g->leaf);
	if (rc < 0) {
		snprintf(err, errlen, "cannot create the cgroup %s: %s", g->leaf, strerror(-rc));
		goto fail;
	}
	g->leaf_fd = open(g->leaf, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (g->leaf_fd < 0) {
		snprintf(err, errlen, "cannot open the cgroup %s: %s", g->leaf, strerror(errno));
		(void)rmdir(g->leaf);
		goto fail;
	}
	keep_dac = reaper_needs_dac(parent);
	if (pipe2(pfd, O_CLOEXEC)) {
		snprintf(err, errlen, "cannot make the reaper's pipe: %s", strerror(errno));
		(void)rmdir(g->leaf);
		goto fail;
	}
	g->reaper = fork();
	if (g->reaper < 0) {
		snprintf(err, errlen, "cannot fork the cgroup reaper: %s", strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		(void)rmdir(g->leaf);
		goto fail;
	}
	if (g->reaper == 0)
		reaper_run(g->leaf, pfd[0], keep_dac);
	close(pfd[0]);
	rc = move_in(g->leaf_fd);
	if (rc < 0) {
		snprintf(err, errlen, "cannot move into the cgroup %s: %s", g->leaf,
			 strerror(-rc));
		/* The reaper sees EOF, removes the empty leaf and is reaped here. */
		close(pfd[1]);
		(void)waitpid(g->reaper, NULL, 0);
		goto fail;
	}
	/*
	 * pfd[1] is never closed: the reaper waits for the EOF that comes when this
	 * process (and whatever it forked) has exited.
	 */
	return g;
fail:
	if (g->leaf_fd >= 0)
		close(g->leaf_fd);
	free(g);
	return NULL;
}

static void egress_detach(struct xdt_egress *g)
{
	while (g->n_links)
		bpf_link__destroy(g->links[--g->n_links]);
	egress_lock_bpf__destroy(g->skel);
	g->skel = NULL;
}

/* The allow map's key: kern/egress_lock.bpf.c's struct egress_dest. */
struct egress_key {
	uint8_t a[16];	/* IPv6, IPv4 as ::ffff:a.b.c.d */
	uint32_t port;	/* as bpf_sock_addr.user_port: network order in the low 16 bits */
	uint32_t type;	/* SOCK_STREAM or SOCK_DGRAM */
};

static void allow_key(const struct xdt_egress_dest *d, struct egress_key *k)
{
	memset(k, 0, sizeof(*k));
	if (d->family == 4) {
		k->a[10] = k->a[11] = 0xff;
		memcpy(k->a + 12, d->addr, 4);
	} else {
		memcpy(k->a, d->addr, 16);
	}
	k->port = htons(d->port);
	k->type = d->udp ? SOCK_DGRAM : SOCK_STREAM;
}

int xdt_egress_lock(struct xdt_egress *g, const struct xdt_egress_dest *d, unsigned int nd,
		    char *err, size_t errlen)
{
	struct bpf_program *progs[EGRESS_LINKS];
	struct egress_key key;
	unsigned int i, n = 0;
	uint8_t one = 1;
	int rc, map;

	if (g->skel) {
		snprintf(err, errlen, "the egress lock is already in place");
		return -EALREADY;
	}
	if (nd > XDT_EGRESS_MAX_DESTS) {
		snprintf(err, errlen, "%u destinations for the egress lock, at most %d", nd,
			 XDT_EGRESS_MAX_DESTS);
		return -E2BIG;
	}
	g->skel = egress_lock_bpf__open();
	if (!g->skel) {
		rc = -errno;
		snprintf(err, errlen, "cannot open the egress-lock BPF object: %s", strerror(-rc));
		return rc;
	}
	rc = egress_lock_bpf__load(g->skel);
	if (rc) {
		snprintf(err, errlen, "the kernel refused the egress-lock programs: %s (xdptop -v "
			 "shows the verifier's log)", strerror(-rc));
		goto fail;
	}
	map = bpf_map__fd(g->skel->maps.xdt_egress_allow);
	for (i = 0; i < nd; i++) {
		if (d[i].family != 4 && d[i].family != 6)
			continue;
		allow_key(&d[i], &key);
		if (bpf_map_update_elem(map, &key, &one, BPF_ANY)) {
			rc = -errno;
			snprintf(err, errlen, "cannot fill the egress allow map: %s",
				 strerror(-rc));
			goto fail;
		}
	}
	/* Not even this process may widen the list once the lock is on. */
	if (bpf_map_freeze(map)) {
		rc = -errno;
		snprintf(err, errlen, "cannot freeze the egress allow map: %s", strerror(-rc));
		goto fail;
	}
	progs[n++] = g->skel->progs.xdt_egress_create;
	progs[n++] = g->skel->progs.xdt_egress_connect4;
	progs[n++] = g->skel->progs.xdt_egress_connect6;
	progs[n++] = g->skel->progs.xdt_egress_sendmsg4;
	progs[n++] = g->skel->progs.xdt_egress_sendmsg6;
	for (i = 0; i < n; i++) {
		g->links[g->n_links] = bpf_program__attach_cgroup(progs[i], g->leaf_fd);
		if (!g->links[g->n_links]) {
			rc = -errno;
			snprintf(err, errlen, "attaching %s to the cgroup %s failed: %s",
				 bpf_program__name(progs[i]), g->leaf, strerror(-rc));
			goto fail;
		}
		g->n_links++;
	}
	return 0;
fail:
	egress_detach(g);
	return rc;
}

const char *xdt_egress_leaf(const struct xdt_egress *g)
{
	return g->leaf;
}

void xdt_egress_close(struct xdt_egress *g)
{
	if (!g)
		return;
	egress_detach(g);
	if (g->leaf_fd >= 0)
		close(g->leaf_fd);
	free(g);
}
