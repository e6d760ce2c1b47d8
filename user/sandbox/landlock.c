// SPDX-License-Identifier: GPL-2.0-only
/*
 * Landlock, as much of it as the kernel has (ABI 1 to 7): after lock-down the
 * filesystem is readable only under /proc, /etc/passwd and the paths the features
 * chose; writable only for their output files and the directories of logs reopened
 * on SIGHUP; TCP bind is denied and TCP connect allowed to port 53 only (reverse
 * DNS falls back to TCP), from ABI 4; abstract unix sockets and signals cannot
 * reach outside the sandbox, from ABI 6.
 *
 * The system headers may predate the network and scope parts of the ABI, so the
 * constants and the attribute layout are spelled out here; the kernel checks the
 * size we pass, and we pass only what the reported ABI knows.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "layers.h"

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_add_rule 445
#define SYS_landlock_restrict_self 446
#endif

#define LL_CREATE_RULESET_VERSION (1U << 0)
#define LL_RULE_PATH_BENEATH 1
#define LL_RULE_NET_PORT 2

#define LL_FS_EXECUTE (1ULL << 0)
#define LL_FS_WRITE_FILE (1ULL << 1)
#define LL_FS_READ_FILE (1ULL << 2)
#define LL_FS_READ_DIR (1ULL << 3)
#define LL_FS_REMOVE_FILE (1ULL << 5)
#define LL_FS_MAKE_REG (1ULL << 8)
#define LL_FS_TRUNCATE (1ULL << 14)	/* ABI 3 */
#define LL_FS_IOCTL_DEV (1ULL << 15)	/* ABI 5 */
#define LL_NET_BIND_TCP (1ULL << 0)	/* ABI 4 */
#define LL_NET_CONNECT_TCP (1ULL << 1)
#define LL_SCOPE_ABSTRACT_UNIX (1ULL << 0)	/* ABI 6 */
#define LL_SCOPE_SIGNAL (1ULL << 1)

struct ll_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;	/* ABI 4 */
	uint64_t scoped;		/* ABI 6 */
};

struct ll_path_beneath_attr {
	uint64_t allowed_access;
	int32_t parent_fd;
} __attribute__((packed));

struct ll_net_port_attr {
	uint64_t allowed_access;
	uint64_t port;
};

/* Every filesystem right the ABI knows: all of them handled means all denied by default. */
static uint64_t fs_rights(int abi)
{
	uint64_t r = (1ULL << 13) - 1;	/* ABI 1: EXECUTE .. MAKE_SYM */

	if (abi >= 2)
		r |= 1ULL << 13;	/* REFER */
	if (abi >= 3)
		r |= LL_FS_TRUNCATE;
	if (abi >= 5)
		r |= LL_FS_IOCTL_DEV;
	return r;
}

/* Rights that make sense on a non-directory (the kernel refuses the others there). */
#define LL_FS_FILE_RIGHTS (LL_FS_EXECUTE | LL_FS_WRITE_FILE | LL_FS_READ_FILE | \
			   LL_FS_TRUNCATE | LL_FS_IOCTL_DEV)

/* Allow @want (masked by what is handled) beneath @path. 0 or -errno. */
static int allow_path(int rs, const char *path, uint64_t want, uint64_t handled)
{
	struct ll_path_beneath_attr pb = { 0 };
	struct stat st;
	int fd, rc = 0;

	fd = open(path, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode))
		want &= LL_FS_FILE_RIGHTS;
	pb.allowed_access = want & handled;
	pb.parent_fd = fd;
	if (pb.allowed_access &&
	    syscall(SYS_landlock_add_rule, rs, LL_RULE_PATH_BENEATH, &pb, 0) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

/* The directory part of @path ("." when it has none), into @dir. */
static void dir_of(const char *path, char *dir, size_t len)
{
	const char *s = strrchr(path, '/');

	if (!s)
		snprintf(dir, len, ".");
	else if (s == path)
		snprintf(dir, len, "/");
	else
		snprintf(dir, len, "%.*s", (int)(s - path), path);
}

void xdt_sb_landlock(const struct xdt_sandbox_opts *o, struct xdt_sb_layer_report *r)
{
	struct ll_ruleset_attr ra = { 0 };
	size_t ra_size = sizeof(ra.handled_access_fs);
	char dir[4096], miss[64] = "";
	uint64_t handled;
	unsigned int i;
	long abi;
	int rs, rc;

	if (o->force_unavailable & (1U << XDT_SB_LANDLOCK)) {
		xdt_sb_set(r, XDT_SB_UNAVAILABLE, "disabled by the test switch");
		return;
	}
	abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LL_CREATE_RULESET_VERSION);
	if (abi < 0) {
		xdt_sb_set(r, XDT_SB_UNAVAILABLE, "%s",
			   errno == ENOSYS ? "the kernel has no Landlock (Linux 5.13 or later)"
			   : errno == EOPNOTSUPP ? "Landlock is disabled (boot with lsm=...,landlock)"
			   : strerror(errno));
		return;
	}
	handled = ra.handled_access_fs = fs_rights((int)abi);
	if (abi >= 4) {
		ra.handled_access_net = LL_NET_BIND_TCP | LL_NET_CONNECT_TCP;
		ra_size = offsetof(struct ll_ruleset_attr, scoped);
	}
	if (abi >= 6) {
		ra.scoped = LL_SCOPE_ABSTRACT_UNIX | LL_SCOPE_SIGNAL;
		ra_size = sizeof(ra);
	}
	rs = (int)syscall(SYS_landlock_create_ruleset, &ra, ra_size, 0);
	if (rs < 0) {
		xdt_sb_set(r, XDT_SB_UNAVAILABLE, "creating the ruleset failed: %s",
			   strerror(errno));
		return;
	}
	/* /proc: process attribution; /etc/passwd: user names, reread when it changes. */
	rc = allow_path(rs, "/proc", LL_FS_READ_FILE | LL_FS_READ_DIR, handled);
	if (!rc)
		allow_path(rs, "/etc/passwd", LL_FS_READ_FILE, handled);	/* may not exist */
	for (i = 0; !rc && i < o->n_read && i < XDT_SB_MAX_PATHS; i++)
		rc = allow_path(rs, o->read_paths[i], LL_FS_READ_FILE | LL_FS_READ_DIR, handled);
	/* An output file, and its directory for rotation: new files, renames, removal. */
	for (i = 0; !rc && i < o->n_write && i < XDT_SB_MAX_PATHS; i++) {
		dir_of(o->write_paths[i], dir, sizeof(dir));
		rc = allow_path(rs, dir, LL_FS_WRITE_FILE | LL_FS_READ_FILE | LL_FS_MAKE_REG |
					 LL_FS_REMOVE_FILE | LL_FS_TRUNCATE,
				handled);
	}
	/*
	 * A log reopened after rotation: the file is created again under its old name
	 * (MAKE_REG) and opened for appending (WRITE_FILE). Landlock cannot name a file
	 * that does not exist yet, so both rights are on its directory; no reading,
	 * removing or truncating there.
	 */
	for (i = 0; !rc && i < o->n_reopen && i < XDT_SB_MAX_PATHS; i++) {
		dir_of(o->reopen_paths[i], dir, sizeof(dir));
		rc = allow_path(rs, dir, LL_FS_WRITE_FILE | LL_FS_MAKE_REG, handled);
	}
	if (!rc && abi >= 4 && o->resolvers) {
		struct ll_net_port_attr np = { .allowed_access = LL_NET_CONNECT_TCP, .port = 53 };

		if (syscall(SYS_landlock_add_rule, rs, LL_RULE_NET_PORT, &np, 0) < 0)
			rc = -errno;
	}
	if (rc) {
		close(rs);
		xdt_sb_set(r, XDT_SB_UNAVAILABLE, "adding a rule failed: %s", strerror(-rc));
		return;
	}
	/* Needs no_new_privs (set just before) or CAP_SYS_ADMIN (still held). */
	if (syscall(SYS_landlock_restrict_self, rs, 0) < 0) {
		int e = errno;

		close(rs);
		xdt_sb_set(r, XDT_SB_UNAVAILABLE, "restricting ourselves failed: %s", strerror(e));
		return;
	}
	close(rs);
	if (abi < 4)
		snprintf(miss, sizeof(miss), "; no TCP rules (ABI 4), no scoping (ABI 6)");
	else if (abi < 6)
		snprintf(miss, sizeof(miss), "; no scoping (ABI 6)");
	xdt_sb_set(r, abi >= 6 ? XDT_SB_ON : XDT_SB_PARTIAL,
		   "ABI %ld: filesystem%s%s%s", abi, abi >= 4 ? ", TCP" : "",
		   abi >= 6 ? ", unix and signal scoping" : "", miss);
}
