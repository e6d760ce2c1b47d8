/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Process descriptions for flows: what a user wants to see about the process the
 * kernel says owns a socket (name, command line, user, systemd unit, container).
 *
 * Everything is read from files under a root directory ("/" normally; a fixture
 * tree in tests): <root>/proc/PID/{stat,comm,cmdline,status,cgroup,exe} and
 * <root>/etc/passwd. User names come from parsing passwd here, not getpwuid():
 * once xdptop sandboxes itself, NSS modules can no longer be loaded.
 *
 * A pid alone does not name a process: pids are reused. Entries are keyed by
 * (pid, start time in clock ticks since boot, as in /proc/PID/stat field 22), so a
 * new process that took an old pid never lends its name to the old one's flows.
 *
 * Pids are those of the pid namespace <root>/proc was mounted in; the kernel side
 * reports init-namespace pids, so both must agree (run in the host pid namespace).
 */
#ifndef XDT_PROC_PROC_H
#define XDT_PROC_PROC_H

#include <stddef.h>
#include <stdint.h>

struct xdt_proc_info {
	int32_t pid;
	uint32_t uid;
	uint64_t start_ticks;	/* starttime of /proc/PID/stat, in sysconf(_SC_CLK_TCK) */
	/*
	 * /proc/PID/comm is cut at 15 characters: when it is that long (so maybe cut)
	 * and a prefix of the basename of argv[0] (or of /proc/PID/exe), that
	 * basename is the name.
	 */
	char name[64];
	char cmdline[256];	/* NULs -> spaces, non-printables -> '?', truncated */
	char user[32];		/* from <root>/etc/passwd; the numeric uid when unknown */
	char unit[96];		/* systemd unit from the cgroup v2 path, e.g. "nginx.service" */
	char container[16];	/* first 12 hex digits of a container id in the cgroup path */
	uint8_t gone;		/* the process had exited (or its pid was reused) when
				 * we looked: only the kernel-supplied pid, uid, user,
				 * start_ticks and name are valid */
};

/*
 * Read the process @pid under @root into @out (gone = 0). Uncached; user names
 * are looked up by scanning <root>/etc/passwd once. 0, -ENOENT/-ESRCH when the
 * process does not exist (or exited while being read), other -errno on failure.
 */
int xdt_proc_read(const char *root, int32_t pid, struct xdt_proc_info *out);

/*
 * Cache of at most @max_entries descriptions (1 .. 1<<20). Eviction is LRU: a hit
 * moves the entry to the front; inserting into a full cache drops the entry used
 * least recently. <root>/etc/passwd is read here, and again only when a uid is
 * not found in it and the file changed since. NULL + errno on failure.
 */
struct xdt_proc_cache *xdt_proc_cache_new(const char *root, size_t max_entries);
void xdt_proc_cache_free(struct xdt_proc_cache *c);

/*
 * The description of the process the kernel reported as (@pid, @start_boottime_ns,
 * @kernel_comm, @uid). @kernel_comm is the name to give a gone process: the
 * kernel's comm, or a longer name the caller knows (up to 63 characters).
 * @start_boottime_ns is task->start_boottime (ns since boot, the clock of
 * /proc/PID/stat's starttime); 0 means unknown: the current process with that pid
 * is described and keyed by its own starttime.
 *
 * Start times are compared in clock ticks with a tolerance of one tick (ns are
 * rounded down to ticks on both sides). When /proc/PID is gone or holds another
 * process, the entry is built from the kernel's fields only and has gone = 1.
 *
 * Never NULL. The pointer is valid until the next call on @c.
 */
const struct xdt_proc_info *xdt_proc_cache_get(struct xdt_proc_cache *c, int32_t pid,
					       uint64_t start_boottime_ns,
					       const char *kernel_comm, uint32_t uid);

/*
 * Pure helpers, exported for tests. Each reads at most @len bytes of @buf.
 *
 * xdt_proc_parse_stat: the comm (between the first '(' and the LAST ')': a comm may
 * hold spaces and parentheses) and starttime (field 22) of a /proc/PID/stat line.
 *
 * xdt_proc_parse_cgroup: the systemd unit and container id from a /proc/PID/cgroup
 * file (the cgroup v2 "0::" line; the v1 name=systemd line on hybrid systems).
 * Both outputs are "" when not found.
 */
int xdt_proc_parse_stat(const char *buf, size_t len, char *comm, size_t comm_len,
			uint64_t *start_ticks);
void xdt_proc_parse_cgroup(const char *buf, size_t len, char *unit, size_t unit_len,
			   char *container, size_t container_len);

#endif
