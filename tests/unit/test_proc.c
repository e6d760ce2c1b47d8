// SPDX-License-Identifier: GPL-2.0-only
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "proc/diag.h"
#include "proc/proc.h"

/* Real /proc/PID file layouts under a fake root; the unit runs from the repo. */
#define TREE "tests/unit/fixtures/proc-tree"

/* Kernel task->start_boottime for a /proc starttime of @ticks. */
static uint64_t ns_of(uint64_t ticks)
{
	return ticks * (1000000000ULL / (uint64_t)sysconf(_SC_CLK_TCK));
}

/* --- a writable tree, for processes that change while the cache holds them ---------- */

static char tmp_root[64];

static void tree_write(const char *rel, const char *data, size_t len)
{
	char path[PATH_MAX], *slash;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", tmp_root, rel);
	for (slash = strchr(path + strlen(tmp_root) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = 0;
		mkdir(path, 0755);
		*slash = '/';
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	cr_assert_geq(fd, 0, "cannot write %s", path);
	cr_assert_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static void tree_proc(int pid, const char *comm, uint64_t start, uint32_t uid)
{
	char rel[64], buf[512];
	int n;

	snprintf(rel, sizeof(rel), "proc/%d/stat", pid);
	n = snprintf(buf, sizeof(buf),
		     "%d (%s) S 1 %d %d 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 %llu 0 0\n", pid,
		     comm, pid, pid, (unsigned long long)start);
	tree_write(rel, buf, (size_t)n);
	snprintf(rel, sizeof(rel), "proc/%d/comm", pid);
	n = snprintf(buf, sizeof(buf), "%s\n", comm);
	tree_write(rel, buf, (size_t)n);
	snprintf(rel, sizeof(rel), "proc/%d/cmdline", pid);
	tree_write(rel, comm, strlen(comm) + 1);
	snprintf(rel, sizeof(rel), "proc/%d/status", pid);
	n = snprintf(buf, sizeof(buf), "Name:\t%s\nUid:\t%u\t%u\t%u\t%u\n", comm, uid, uid, uid,
		     uid);
	tree_write(rel, buf, (size_t)n);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void tree_init(void)
{
	static const char passwd[] = "root:x:0:0:root:/root:/bin/sh\n";

	snprintf(tmp_root, sizeof(tmp_root), "/tmp/xdt-proc-XXXXXX");
	cr_assert_not_null(mkdtemp(tmp_root));
	tree_write("etc/passwd", passwd, sizeof(passwd) - 1);
}

static void tree_fini(void)
{
	nftw(tmp_root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* --- proc: reading one process --------------------------------------------------------- */

Test(proc, describes_a_service_process_with_its_user_and_unit)
{
	struct xdt_proc_info i;

	cr_assert_eq(xdt_proc_read(TREE, 100, &i), 0);
	cr_assert_eq(i.pid, 100);
	cr_assert_eq(i.uid, 33);
	cr_assert_eq(i.start_ticks, 5000);
	cr_assert_str_eq(i.name, "nginx");
	cr_assert_str_eq(i.cmdline, "nginx: worker process");
	cr_assert_str_eq(i.user, "www-data");
	cr_assert_str_eq(i.unit, "nginx.service");
	cr_assert_str_eq(i.container, "");
	cr_assert_eq(i.gone, 0);
}

Test(proc, takes_the_full_name_from_argv0_when_the_kernel_cut_comm)
{
	struct xdt_proc_info i;

	cr_assert_eq(xdt_proc_read(TREE, 200, &i), 0);
	cr_assert_str_eq(i.name, "a-very-long-process-name");
	cr_assert_str_eq(i.cmdline, "/usr/local/bin/a-very-long-process-name --x");
	cr_assert_str_eq(i.user, "alice", "the first passwd line of a uid wins");
	cr_assert_str_eq(i.unit, "session-3.scope");
}

Test(proc, takes_the_full_name_from_exe_when_argv0_does_not_have_it)
{
	struct xdt_proc_info i;

	cr_assert_eq(xdt_proc_read(TREE, 800, &i), 0);
	cr_assert_str_eq(i.name, "chromium-browser");
	cr_assert_str_eq(i.unit, "app-chromium-4242.scope");
}

Test(proc, keeps_a_short_comm_even_when_argv0_was_rewritten)
{
	struct xdt_proc_info i;

	/* nginx's argv[0] is "nginx: worker process": comm was not cut, so it is the name. */
	cr_assert_eq(xdt_proc_read(TREE, 100, &i), 0);
	cr_assert_str_eq(i.name, "nginx");
}

Test(proc, finds_the_docker_container_and_shows_an_unknown_uid_as_a_number)
{
	struct xdt_proc_info i;

	cr_assert_eq(xdt_proc_read(TREE, 300, &i), 0);
	cr_assert_str_eq(i.container, "3f4c1a2b9d8e");
	cr_assert_str_eq(i.unit,
			 "docker-3f4c1a2b9d8e7f6051423324a5b6c7d8e9f0a1b2c3d4e5f60718293a4b5c6d7e.scope");
	cr_assert_str_eq(i.user, "999");
	cr_assert_str_eq(i.cmdline, "redis-server *:6379");
}

Test(proc, finds_a_kubepods_container_under_the_cgroupfs_driver)
{
	struct xdt_proc_info i;

	cr_assert_eq(xdt_proc_read(TREE, 400, &i), 0);
	cr_assert_str_eq(i.container, "9a8b7c6d5e4f");
	cr_assert_str_eq(i.unit, "");
	cr_assert_str_eq(i.user, "nonroot");
}

Test(proc, parses_stat_from_the_last_parenthesis)
{
	struct xdt_proc_info i;

	cr_assert_eq(xdt_proc_read(TREE, 500, &i), 0);
	cr_assert_str_eq(i.name, "(a) b)");
	cr_assert_eq(i.start_ticks, 6300);
	cr_assert_str_eq(i.user, "root");
}

Test(proc, reads_the_unit_from_the_v1_systemd_hierarchy_when_v2_is_empty)
{
	struct xdt_proc_info i;

	cr_assert_eq(xdt_proc_read(TREE, 700, &i), 0);
	cr_assert_str_eq(i.unit, "cron.service");
}

Test(proc, names_the_user_manager_by_its_service_and_makes_the_cmdline_printable)
{
	struct xdt_proc_info i;

	cr_assert_eq(xdt_proc_read(TREE, 900, &i), 0);
	cr_assert_str_eq(i.unit, "user@0.service");
	cr_assert_str_eq(i.cmdline, "/lib/systemd/systemd --user ?[31mred tab?here ??");
}

Test(proc, says_when_a_process_does_not_exist)
{
	struct xdt_proc_info i;

	cr_assert_eq(xdt_proc_read(TREE, 4040, &i), -ENOENT);
	cr_assert_eq(xdt_proc_read(TREE, 0, &i), -ENOENT);
	cr_assert_eq(xdt_proc_read(TREE, -1, &i), -ENOENT);
	cr_assert_eq(xdt_proc_read("tests/unit/fixtures/does-not-exist", 100, &i), -ENOENT);
}

Test(proc, parses_stat_without_reading_past_its_length)
{
	static const char line[] = "7 (x) S 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 4321 99";
	char comm[16];
	uint64_t t = 0;

	/* No NUL: the buffer ends right after starttime's digits. */
	cr_assert_eq(xdt_proc_parse_stat(line, strlen(line) - 3, comm, sizeof(comm), &t), 0);
	cr_assert_eq(t, 4321);
	cr_assert_str_eq(comm, "x");
	cr_assert_eq(xdt_proc_parse_stat(line, strlen(line) - 4, comm, sizeof(comm), &t), 0);
	cr_assert_eq(t, 432);
	cr_assert_eq(xdt_proc_parse_stat(line, 30, comm, sizeof(comm), &t), -EINVAL);
	cr_assert_eq(xdt_proc_parse_stat("7 x S", 5, comm, sizeof(comm), &t), -EINVAL);
	cr_assert_eq(xdt_proc_parse_stat(")(", 2, comm, sizeof(comm), &t), -EINVAL);
}

static void cgroup_is(const char *file, const char *unit, const char *container)
{
	char u[96], c[16];

	xdt_proc_parse_cgroup(file, strlen(file), u, sizeof(u), c, sizeof(c));
	cr_assert_str_eq(u, unit, "unit of %s", file);
	cr_assert_str_eq(c, container, "container of %s", file);
}

#define ID64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

Test(proc, derives_units_and_container_ids_from_cgroup_paths)
{
	cgroup_is("0::/system.slice/nginx.service\n", "nginx.service", "");
	cgroup_is("0::/init.scope\n", "init.scope", "");
	cgroup_is("0::/user.slice/user-1000.slice/user@1000.service/app.slice/"
		  "app-firefox-77.scope\n", "app-firefox-77.scope", "");
	cgroup_is("0::/user.slice\n", "user.slice", "");
	cgroup_is("0::/\n", "", "");
	cgroup_is("", "", "");
	cgroup_is("0::/docker/" ID64 "\n", "", "0123456789ab");
	cgroup_is("0::/system.slice/libpod-" ID64 ".scope/container\n",
		  "libpod-" ID64 ".scope", "0123456789ab");
	cgroup_is("0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1.slice/"
		  "cri-containerd-" ID64 ".scope\n", "cri-containerd-" ID64 ".scope",
		  "0123456789ab");
	cgroup_is("0::/kubepods-besteffort-pod2.slice:cri-containerd:" ID64 "\n",
		  "", "0123456789ab");
	/* conmon watches a container; it is not in it. */
	cgroup_is("0::/machine.slice/crio-conmon-" ID64 ".scope\n",
		  "crio-conmon-" ID64 ".scope", "");
	/* A 63-digit component is not an id. */
	cgroup_is("0::/docker/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde\n",
		  "", "");
}

/* --- proc: the cache --------------------------------------------------------------------- */

Test(proc, caches_by_pid_and_start_time)
{
	struct xdt_proc_cache *c = xdt_proc_cache_new(TREE, 8);
	const struct xdt_proc_info *i;

	cr_assert_not_null(c);
	i = xdt_proc_cache_get(c, 200, ns_of(6000), "a-very-long-pro", 1000);
	cr_assert_str_eq(i->name, "a-very-long-process-name");
	cr_assert_eq(i->gone, 0);
	/* Within one tick either way: the same process. */
	i = xdt_proc_cache_get(c, 200, ns_of(6001), "a-very-long-pro", 1000);
	cr_assert_str_eq(i->name, "a-very-long-process-name");
	cr_assert_eq(i->gone, 0);
	i = xdt_proc_cache_get(c, 200, ns_of(5999) + 1, "a-very-long-pro", 1000);
	cr_assert_eq(i->gone, 0);
	i = xdt_proc_cache_get(c, 200, ns_of(6002), "a-very-long-pro", 1000);
	cr_assert_eq(i->gone, 1);
	xdt_proc_cache_free(c);
}

Test(proc, never_names_an_old_process_after_the_new_one_holding_its_pid)
{
	struct xdt_proc_cache *c = xdt_proc_cache_new(TREE, 8);
	const struct xdt_proc_info *i;

	/* pid 600 now belongs to "newproc", started at tick 9000. */
	i = xdt_proc_cache_get(c, 600, ns_of(7000), "oldproc", 1000);
	cr_assert_eq(i->gone, 1);
	cr_assert_str_eq(i->name, "oldproc");
	cr_assert_str_eq(i->cmdline, "");
	cr_assert_str_eq(i->unit, "");
	cr_assert_str_eq(i->user, "alice");
	cr_assert_eq(i->start_ticks, 7000);
	i = xdt_proc_cache_get(c, 600, ns_of(9000), "newproc", 1000);
	cr_assert_eq(i->gone, 0);
	cr_assert_str_eq(i->name, "newproc");
	i = xdt_proc_cache_get(c, 600, ns_of(7000), "oldproc", 1000);
	cr_assert_str_eq(i->name, "oldproc");
	xdt_proc_cache_free(c);
}

Test(proc, describes_a_missing_process_from_the_kernel_fields_only)
{
	struct xdt_proc_cache *c = xdt_proc_cache_new(TREE, 8);
	const struct xdt_proc_info *i;

	i = xdt_proc_cache_get(c, 4040, ns_of(100), "curl\x1b", 4000);
	cr_assert_eq(i->gone, 1);
	cr_assert_eq(i->pid, 4040);
	cr_assert_eq(i->uid, 4000);
	cr_assert_str_eq(i->name, "curl?");
	cr_assert_str_eq(i->user, "4000", "a NIS +line names no user");
	/* Start unknown and no /proc entry: still an answer. */
	i = xdt_proc_cache_get(c, 4040, 0, "curl", 0);
	cr_assert_eq(i->gone, 1);
	cr_assert_str_eq(i->user, "root");
	i = xdt_proc_cache_get(c, 0, 0, "swapper/0", 0);
	cr_assert_eq(i->gone, 1);
	cr_assert_str_eq(i->name, "swapper/0");
	xdt_proc_cache_free(c);
}

Test(proc, reads_the_start_time_from_stat_when_the_kernel_has_none)
{
	struct xdt_proc_cache *c = xdt_proc_cache_new(TREE, 8);
	const struct xdt_proc_info *i;

	i = xdt_proc_cache_get(c, 300, 0, "redis-server", 999);
	cr_assert_eq(i->gone, 0);
	cr_assert_eq(i->start_ticks, 6100);
	cr_assert_str_eq(i->container, "3f4c1a2b9d8e");
	xdt_proc_cache_free(c);
}

Test(proc, rereads_a_pid_that_a_new_process_took, .init = tree_init, .fini = tree_fini)
{
	struct xdt_proc_cache *c;
	const struct xdt_proc_info *i;

	tree_proc(42, "first", 1000, 0);
	c = xdt_proc_cache_new(tmp_root, 8);
	cr_assert_str_eq(xdt_proc_cache_get(c, 42, 0, "first", 0)->name, "first");
	/* The process exits; another one gets pid 42. */
	tree_proc(42, "second", 2000, 0);
	i = xdt_proc_cache_get(c, 42, 0, "second", 0);
	cr_assert_str_eq(i->name, "second");
	cr_assert_eq(i->start_ticks, 2000);
	i = xdt_proc_cache_get(c, 42, ns_of(2000), "second", 0);
	cr_assert_str_eq(i->name, "second");
	/* Flows the first one left behind still say who made them. */
	i = xdt_proc_cache_get(c, 42, ns_of(1000), "first", 0);
	cr_assert_str_eq(i->name, "first");
	xdt_proc_cache_free(c);
}

Test(proc, evicts_the_least_recently_used_entry_when_full, .init = tree_init,
     .fini = tree_fini)
{
	struct xdt_proc_cache *c;

	tree_proc(1, "one", 10, 0);
	tree_proc(2, "two", 20, 0);
	tree_proc(3, "three", 30, 0);
	c = xdt_proc_cache_new(tmp_root, 2);
	xdt_proc_cache_get(c, 1, ns_of(10), "one", 0);
	xdt_proc_cache_get(c, 2, ns_of(20), "two", 0);
	xdt_proc_cache_get(c, 1, ns_of(10), "one", 0);
	xdt_proc_cache_get(c, 3, ns_of(30), "three", 0);	/* evicts 2 */
	/* Renamed on disk: only an entry read again shows it. */
	tree_proc(1, "one-renamed", 10, 0);
	tree_proc(2, "two-renamed", 20, 0);
	cr_assert_str_eq(xdt_proc_cache_get(c, 1, ns_of(10), "one", 0)->name, "one");
	cr_assert_str_eq(xdt_proc_cache_get(c, 2, ns_of(20), "two", 0)->name, "two-renamed");
	/* That insert evicted 3, the least recent now. */
	tree_proc(3, "three-renamed", 30, 0);
	cr_assert_str_eq(xdt_proc_cache_get(c, 3, ns_of(30), "three", 0)->name, "three-renamed");
	xdt_proc_cache_free(c);
}

Test(proc, picks_up_a_user_added_to_passwd_later, .init = tree_init, .fini = tree_fini)
{
	static const char passwd[] = "root:x:0:0:root:/root:/bin/sh\nbob:x:1234:1234::/:/bin/sh\n";
	struct xdt_proc_cache *c;

	tree_proc(7, "svc", 10, 1234);
	tree_proc(8, "svc2", 10, 1234);
	c = xdt_proc_cache_new(tmp_root, 8);
	cr_assert_str_eq(xdt_proc_cache_get(c, 7, 0, "svc", 1234)->user, "1234");
	tree_write("etc/passwd", passwd, sizeof(passwd) - 1);
	cr_assert_str_eq(xdt_proc_cache_get(c, 8, 0, "svc2", 1234)->user, "bob");
	xdt_proc_cache_free(c);
}

Test(proc, cuts_long_files_at_their_bounds, .init = tree_init, .fini = tree_fini)
{
	char cmd[600], cg[9000];
	struct xdt_proc_info i;
	size_t n = 0;

	tree_proc(9, "big", 10, 0);
	memset(cmd, 'x', sizeof(cmd));
	cmd[0] = '/';
	cmd[sizeof(cmd) - 1] = 0;
	tree_write("proc/9/cmdline", cmd, sizeof(cmd));
	/* Past the read bound: the v2 line is lost, the v1 one still names the unit. */
	n += (size_t)snprintf(cg, sizeof(cg), "1:name=systemd:/system.slice/big.service\n");
	while (n < 8500)
		n += (size_t)snprintf(cg + n, sizeof(cg) - n, "9:cpu:/%064d\n", 0);
	n += (size_t)snprintf(cg + n, sizeof(cg) - n, "0::/system.slice/other.service\n");
	tree_write("proc/9/cgroup", cg, n);
	cr_assert_eq(xdt_proc_read(tmp_root, 9, &i), 0);
	cr_assert_eq(strlen(i.cmdline), sizeof(i.cmdline) - 1);
	cr_assert_eq(i.cmdline[0], '/');
	cr_assert_str_eq(i.name, "big");
	cr_assert_str_eq(i.unit, "big.service");
}

Test(proc, refuses_a_cache_of_no_entries)
{
	cr_assert_null(xdt_proc_cache_new(TREE, 0));
	cr_assert_eq(errno, EINVAL);
	xdt_proc_cache_free(NULL);
}

/* --- proc_diag: parsing netlink replies ---------------------------------------------- */

struct seen {
	int n;
	struct xdt_diag_sock s[4];
};

static int collect(const struct xdt_diag_sock *s, void *ctx)
{
	struct seen *seen = ctx;

	if (seen->n < 4)
		seen->s[seen->n] = *s;
	seen->n++;
	return 0;
}

/* Append one netlink message of @type with @len bytes of @payload to @buf at *@off. */
static void nl_put(uint8_t *buf, size_t *off, uint16_t type, const void *payload, size_t len)
{
	struct nlmsghdr nh = { .nlmsg_len = (uint32_t)(NLMSG_HDRLEN + len), .nlmsg_type = type,
			       .nlmsg_flags = NLM_F_MULTI };

	memcpy(buf + *off, &nh, sizeof(nh));
	memcpy(buf + *off + NLMSG_HDRLEN, payload, len);
	*off += NLMSG_ALIGN(nh.nlmsg_len);
}

static struct inet_diag_msg diag_msg(int family, uint8_t state, const char *src, uint16_t sport,
				     const char *dst, uint16_t dport, uint32_t uid, uint32_t inode)
{
	struct inet_diag_msg m = { .idiag_family = (uint8_t)family, .idiag_state = state };

	inet_pton(family, src, m.id.idiag_src);
	inet_pton(family, dst, m.id.idiag_dst);
	m.id.idiag_sport = htons(sport);
	m.id.idiag_dport = htons(dport);
	m.idiag_uid = uid;
	m.idiag_inode = inode;
	return m;
}

Test(proc_diag, parses_sockets_of_both_families_and_the_v6only_attribute)
{
	uint8_t buf[1024] __attribute__((aligned(4))) = { 0 };
	struct inet_diag_msg m4 = diag_msg(AF_INET, TCP_ESTABLISHED, "10.0.0.1", 40000,
					   "93.184.216.34", 443, 1000, 555);
	struct {
		struct inet_diag_msg m;
		struct rtattr a;
		uint8_t v;
		uint8_t pad[3];
	} m6 = { .m = diag_msg(AF_INET6, TCP_LISTEN, "::", 22, "::", 0, 0, 777),
		 .a = { .rta_len = RTA_LENGTH(1), .rta_type = INET_DIAG_SKV6ONLY }, .v = 1 };
	struct seen seen = { 0 };
	size_t off = 0;
	int done = 0;

	nl_put(buf, &off, SOCK_DIAG_BY_FAMILY, &m4, sizeof(m4));
	nl_put(buf, &off, SOCK_DIAG_BY_FAMILY, &m6, sizeof(m6));
	nl_put(buf, &off, NLMSG_DONE, &done, sizeof(done));
	cr_assert_eq(xdt_diag_parse(buf, off, IPPROTO_TCP, collect, &seen), 1);
	cr_assert_eq(seen.n, 2);
	cr_assert_eq(seen.s[0].family, 4);
	cr_assert_eq(seen.s[0].proto, IPPROTO_TCP);
	cr_assert_eq(seen.s[0].state, TCP_ESTABLISHED);
	cr_assert_eq(seen.s[0].lport, 40000);
	cr_assert_eq(seen.s[0].rport, 443);
	cr_assert_arr_eq(seen.s[0].laddr, ((uint8_t[16]){ 10, 0, 0, 1 }), 16);
	cr_assert_arr_eq(seen.s[0].raddr, ((uint8_t[16]){ 93, 184, 216, 34 }), 16);
	cr_assert_eq(seen.s[0].uid, 1000);
	cr_assert_eq(seen.s[0].inode, 555);
	cr_assert_eq(seen.s[0].v6only, 0);
	cr_assert_eq(seen.s[1].family, 6);
	cr_assert_eq(seen.s[1].state, TCP_LISTEN);
	cr_assert_eq(seen.s[1].lport, 22);
	cr_assert_eq(seen.s[1].v6only, 1);
	cr_assert_eq(seen.s[1].inode, 777);
}

Test(proc_diag, says_more_is_to_come_until_done)
{
	uint8_t buf[256] __attribute__((aligned(4))) = { 0 };
	struct inet_diag_msg m = diag_msg(AF_INET, 7, "0.0.0.0", 53, "0.0.0.0", 0, 0, 9);
	struct seen seen = { 0 };
	size_t off = 0;

	nl_put(buf, &off, SOCK_DIAG_BY_FAMILY, &m, sizeof(m));
	cr_assert_eq(xdt_diag_parse(buf, off, IPPROTO_UDP, collect, &seen), 0);
	cr_assert_eq(seen.n, 1);
	cr_assert_eq(seen.s[0].proto, IPPROTO_UDP);
	cr_assert_eq(xdt_diag_parse(buf, 0, IPPROTO_UDP, collect, &seen), 0);
}

Test(proc_diag, returns_the_kernels_error)
{
	uint8_t buf[256] __attribute__((aligned(4))) = { 0 };
	struct nlmsgerr e = { .error = -EPERM };
	int cut = -EINTR;
	size_t off = 0;

	nl_put(buf, &off, NLMSG_ERROR, &e, sizeof(e));
	cr_assert_eq(xdt_diag_parse(buf, off, IPPROTO_TCP, collect, &(struct seen){ 0 }), -EPERM);
	off = 0;
	nl_put(buf, &off, NLMSG_DONE, &cut, sizeof(cut));
	cr_assert_eq(xdt_diag_parse(buf, off, IPPROTO_TCP, collect, &(struct seen){ 0 }), -EINTR);
}

Test(proc_diag, rejects_malformed_replies_without_reading_past_them)
{
	uint8_t buf[512] __attribute__((aligned(4))) = { 0 };
	struct inet_diag_msg m = diag_msg(AF_INET, 1, "1.2.3.4", 1, "5.6.7.8", 2, 0, 1);
	struct {
		struct inet_diag_msg m;
		struct rtattr a;
	} bad_attr = { .m = m, .a = { .rta_len = 200, .rta_type = 1 } };
	struct nlmsghdr nh;
	struct seen seen = { 0 };
	size_t off = 0;

	/* A message longer than the buffer. */
	nl_put(buf, &off, SOCK_DIAG_BY_FAMILY, &m, sizeof(m));
	cr_assert_eq(xdt_diag_parse(buf, off - 1, IPPROTO_TCP, collect, &seen), -EBADMSG);
	/* Shorter than its header says it must be. */
	off = 0;
	nl_put(buf, &off, SOCK_DIAG_BY_FAMILY, &m, 20);
	cr_assert_eq(xdt_diag_parse(buf, off, IPPROTO_TCP, collect, &seen), -EBADMSG);
	/* nlmsg_len below the header size would never advance. */
	memset(&nh, 0, sizeof(nh));
	nh.nlmsg_len = 4;
	memcpy(buf, &nh, sizeof(nh));
	cr_assert_eq(xdt_diag_parse(buf, 64, IPPROTO_TCP, collect, &seen), -EBADMSG);
	/* A trailing fragment of a header. */
	off = 0;
	nl_put(buf, &off, SOCK_DIAG_BY_FAMILY, &m, sizeof(m));
	cr_assert_eq(xdt_diag_parse(buf, off + 8, IPPROTO_TCP, collect, &seen), -EBADMSG);
	/* An attribute running past its message: the socket is not reported. */
	seen.n = 0;
	off = 0;
	nl_put(buf, &off, SOCK_DIAG_BY_FAMILY, &bad_attr, sizeof(bad_attr));
	cr_assert_eq(xdt_diag_parse(buf, off, IPPROTO_TCP, collect, &seen), -EBADMSG);
	cr_assert_eq(seen.n, 0);
}

static int stop_at_first(const struct xdt_diag_sock *s, void *ctx)
{
	(void)s;
	++*(int *)ctx;
	return -ECANCELED;
}

Test(proc_diag, stops_when_the_callback_says_so)
{
	uint8_t buf[512] __attribute__((aligned(4))) = { 0 };
	struct inet_diag_msg m = diag_msg(AF_INET, 1, "1.2.3.4", 1, "5.6.7.8", 2, 0, 1);
	size_t off = 0;
	int calls = 0;

	nl_put(buf, &off, SOCK_DIAG_BY_FAMILY, &m, sizeof(m));
	nl_put(buf, &off, SOCK_DIAG_BY_FAMILY, &m, sizeof(m));
	cr_assert_eq(xdt_diag_parse(buf, off, IPPROTO_TCP, stop_at_first, &calls), -ECANCELED);
	cr_assert_eq(calls, 1);
}

/* --- proc_diag: matching flows against a snapshot ---------------------------------------- */

static struct xdt_diag_sock sock_of(int family, uint8_t proto, uint8_t state, const char *l,
				    uint16_t lport, const char *r, uint16_t rport, uint32_t uid,
				    uint32_t inode)
{
	struct xdt_diag_sock s = { .family = (uint8_t)(family == AF_INET ? 4 : 6),
				   .proto = proto, .state = state, .lport = lport,
				   .rport = rport, .uid = uid, .inode = inode };

	inet_pton(family, l, s.laddr);
	inet_pton(family, r, s.raddr);
	return s;
}

static int find(const struct xdt_proc_snapshot *s, int family, uint8_t proto, const char *l,
		uint16_t lport, const char *r, uint16_t rport, int32_t *pid, uint32_t *uid)
{
	uint8_t la[16] = { 0 }, ra[16] = { 0 };

	inet_pton(family == 4 ? AF_INET : AF_INET6, l, la);
	inet_pton(family == 4 ? AF_INET : AF_INET6, r, ra);
	return xdt_proc_snapshot_find(s, family, proto, la, lport, ra, rport, pid, uid);
}

/*
 * Inodes 70001 (pid 100), 70002 (pid 200) and 70004 (pid 300) are held in the
 * fixture's proc/PID/fd; 70003 by no one.
 */
static struct xdt_proc_snapshot *fixture_snapshot(void)
{
	const struct xdt_diag_sock socks[] = {
		sock_of(AF_INET, IPPROTO_TCP, TCP_LISTEN, "0.0.0.0", 80, "0.0.0.0", 0, 33, 70001),
		sock_of(AF_INET, IPPROTO_TCP, TCP_ESTABLISHED, "10.0.0.1", 51000, "1.1.1.1", 443,
			1000, 70002),
		sock_of(AF_INET, IPPROTO_UDP, TCP_CLOSE, "10.0.0.1", 53, "0.0.0.0", 0, 0, 70003),
		sock_of(AF_INET6, IPPROTO_TCP, TCP_LISTEN, "::", 6379, "::", 0, 999, 70004),
		sock_of(AF_INET, IPPROTO_TCP, TCP_TIME_WAIT, "10.0.0.1", 80, "2.2.2.2", 3000, 0, 0),
		/* Bound, not listening: cannot take a flow. */
		sock_of(AF_INET, IPPROTO_TCP, TCP_CLOSE, "0.0.0.0", 8080, "0.0.0.0", 0, 0, 70005),
	};
	int err = -1;
	struct xdt_proc_snapshot *s;

	s = xdt_proc_snapshot_build(TREE, socks, sizeof(socks) / sizeof(socks[0]), &err);
	cr_assert_not_null(s);
	cr_assert_eq(err, 0);
	return s;
}

Test(proc_diag, finds_the_owner_of_an_exact_flow_in_its_orientation_only)
{
	struct xdt_proc_snapshot *s = fixture_snapshot();
	int32_t pid = -1;
	uint32_t uid = 0;
	int trunc = -1;

	cr_assert_eq(xdt_proc_snapshot_count(s, &trunc), 5, "the inode-less one is dropped");
	cr_assert_eq(trunc, 0);
	cr_assert_eq(find(s, 4, IPPROTO_TCP, "10.0.0.1", 51000, "1.1.1.1", 443, &pid, &uid), 0);
	cr_assert_eq(pid, 200);
	cr_assert_eq(uid, 1000);
	cr_assert_eq(find(s, 4, IPPROTO_TCP, "1.1.1.1", 443, "10.0.0.1", 51000, &pid, &uid),
		     -ENOENT);
	cr_assert_eq(find(s, 4, IPPROTO_UDP, "10.0.0.1", 51000, "1.1.1.1", 443, &pid, &uid),
		     -ENOENT);
	xdt_proc_snapshot_free(s);
}

Test(proc_diag, falls_back_to_the_listener_on_the_local_port)
{
	struct xdt_proc_snapshot *s = fixture_snapshot();
	int32_t pid = -1;
	uint32_t uid = 0;

	/* A TIME_WAIT leftover has no owner; the listener on 0.0.0.0:80 does. */
	cr_assert_eq(find(s, 4, IPPROTO_TCP, "10.0.0.1", 80, "2.2.2.2", 3000, &pid, &uid),
		     XDT_PROC_MATCH_BOUND);
	cr_assert_eq(pid, 100);
	cr_assert_eq(uid, 33);
	cr_assert_eq(find(s, 4, IPPROTO_TCP, "10.0.0.1", 8080, "2.2.2.2", 3000, &pid, &uid),
		     -ENOENT);
	xdt_proc_snapshot_free(s);
}

Test(proc_diag, matches_an_unconnected_udp_socket_and_says_when_no_process_holds_it)
{
	struct xdt_proc_snapshot *s = fixture_snapshot();
	int32_t pid = -1;
	uint32_t uid = 1;

	cr_assert_eq(find(s, 4, IPPROTO_UDP, "10.0.0.1", 53, "8.8.8.8", 5353, &pid, &uid),
		     XDT_PROC_MATCH_BOUND);
	cr_assert_eq(pid, 0);
	cr_assert_eq(uid, 0);
	cr_assert_eq(find(s, 4, IPPROTO_UDP, "10.0.0.2", 53, "8.8.8.8", 5353, &pid, &uid),
		     -ENOENT, "bound to 10.0.0.1 only");
	xdt_proc_snapshot_free(s);
}

Test(proc_diag, matches_ipv4_flows_to_a_dual_stack_listener)
{
	struct xdt_proc_snapshot *s = fixture_snapshot();
	int32_t pid = -1;
	uint32_t uid = 0;

	cr_assert_eq(find(s, 4, IPPROTO_TCP, "10.0.0.1", 6379, "10.0.0.9", 4000, &pid, &uid),
		     XDT_PROC_MATCH_BOUND);
	cr_assert_eq(pid, 300);
	cr_assert_eq(find(s, 6, IPPROTO_TCP, "fe80::1", 6379, "fe80::2", 4000, &pid, &uid),
		     XDT_PROC_MATCH_BOUND);
	cr_assert_eq(pid, 300);
	xdt_proc_snapshot_free(s);
}

Test(proc_diag, keeps_ipv4_away_from_a_v6only_listener)
{
	struct xdt_diag_sock socks[2] = {
		sock_of(AF_INET6, IPPROTO_TCP, TCP_LISTEN, "::", 22, "::", 0, 0, 70004),
		sock_of(AF_INET6, IPPROTO_TCP, TCP_ESTABLISHED, "::ffff:10.0.0.1", 6379,
			"::ffff:10.0.0.9", 4001, 999, 70002),
	};
	struct xdt_proc_snapshot *s;
	int32_t pid = -1;
	uint32_t uid = 0;
	int err;

	socks[0].v6only = 1;
	s = xdt_proc_snapshot_build(TREE, socks, 2, &err);
	cr_assert_not_null(s);
	cr_assert_eq(find(s, 4, IPPROTO_TCP, "10.0.0.1", 22, "10.0.0.9", 4000, &pid, &uid),
		     -ENOENT);
	cr_assert_eq(find(s, 6, IPPROTO_TCP, "::1", 22, "::2", 4000, &pid, &uid),
		     XDT_PROC_MATCH_BOUND);
	/* An accepted IPv4 connection on a dual-stack socket shows mapped addresses. */
	cr_assert_eq(find(s, 4, IPPROTO_TCP, "10.0.0.1", 6379, "10.0.0.9", 4001, &pid, &uid), 0);
	cr_assert_eq(pid, 200);
	xdt_proc_snapshot_free(s);
}

/* The kernel and getpid() are the oracle: sockets this test opened are this test's. */
Test(proc_diag, attributes_the_tests_own_live_sockets_to_itself)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in la, ca, ua;
	socklen_t len = sizeof(la);
	uint8_t lo[4] = { 127, 0, 0, 1 }, any[4] = { 0 }, other[4] = { 127, 0, 0, 2 };
	struct xdt_proc_snapshot *s;
	int lfd, cfd, ufd, afd, err = -1, r;
	int32_t pid = -1;
	uint32_t uid = 0;

	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	cfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ufd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	cr_assert(lfd >= 0 && cfd >= 0 && ufd >= 0);
	cr_assert_eq(bind(lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	cr_assert_eq(listen(lfd, 4), 0);
	cr_assert_eq(getsockname(lfd, (struct sockaddr *)&la, &len), 0);
	cr_assert_eq(connect(cfd, (struct sockaddr *)&la, sizeof(la)), 0);
	len = sizeof(ca);
	cr_assert_eq(getsockname(cfd, (struct sockaddr *)&ca, &len), 0);
	cr_assert_eq(bind(ufd, (struct sockaddr *)&a, sizeof(a)), 0);
	len = sizeof(ua);
	cr_assert_eq(getsockname(ufd, (struct sockaddr *)&ua, &len), 0);

	s = xdt_proc_snapshot_new("/", &err);
	cr_assert_not_null(s, "snapshot failed: %s", strerror(-err));
	cr_assert_eq(err, 0);

	/* The listener itself: its own tuple has a wildcard remote. */
	r = xdt_proc_snapshot_find(s, 4, IPPROTO_TCP, lo, ntohs(la.sin_port), any, 0, &pid, &uid);
	cr_assert_eq(r, 0);
	cr_assert_eq(pid, getpid());
	cr_assert_eq(uid, getuid());
	/* The connecting socket, seen from its side. */
	pid = -1;
	r = xdt_proc_snapshot_find(s, 4, IPPROTO_TCP, lo, ntohs(ca.sin_port), lo,
				   ntohs(la.sin_port), &pid, &uid);
	cr_assert_eq(r, 0);
	cr_assert_eq(pid, getpid());
	/* The server side is not accept()ed yet: no file, so the listener answers. */
	pid = -1;
	r = xdt_proc_snapshot_find(s, 4, IPPROTO_TCP, lo, ntohs(la.sin_port), lo,
				   ntohs(ca.sin_port), &pid, &uid);
	cr_assert_eq(r, XDT_PROC_MATCH_BOUND);
	cr_assert_eq(pid, getpid());
	/* The UDP socket, for a datagram from anywhere. */
	pid = -1;
	r = xdt_proc_snapshot_find(s, 4, IPPROTO_UDP, lo, ntohs(ua.sin_port), other, 9999, &pid,
				   &uid);
	cr_assert_eq(r, XDT_PROC_MATCH_BOUND);
	cr_assert_eq(pid, getpid());
	cr_assert_eq(uid, getuid());

	xdt_proc_snapshot_free(s);

	/* Once accepted, the server side is a socket of its own. */
	afd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	cr_assert_geq(afd, 0);
	s = xdt_proc_snapshot_new("/", &err);
	cr_assert_not_null(s);
	pid = -1;
	r = xdt_proc_snapshot_find(s, 4, IPPROTO_TCP, lo, ntohs(la.sin_port), lo,
				   ntohs(ca.sin_port), &pid, &uid);
	cr_assert_eq(r, 0);
	cr_assert_eq(pid, getpid());
	xdt_proc_snapshot_free(s);
	close(afd);
	close(ufd);
	close(cfd);
	close(lfd);
}
