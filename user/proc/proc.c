// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "proc/proc.h"
#include "util/hash.h"

#define TASK_COMM_MAX 15	/* TASK_COMM_LEN - 1: where the kernel cuts comm */
#define STAT_READ 1024		/* a stat line is ~300 bytes; comm is at most 15 (64 for kthreads) */
#define STATUS_READ 4096	/* Uid: is in the first dozen lines */
#define CMDLINE_READ PATH_MAX	/* enough for argv[0]; the rest is cut to 255 anyway */
#define CGROUP_READ 8192
#define PASSWD_MAX 65536	/* entries; more than any local passwd file holds */
#define CACHE_MAX (1u << 20)
_Static_assert(STAT_READ <= CGROUP_READ && STATUS_READ <= CGROUP_READ &&
	       CMDLINE_READ <= CGROUP_READ, "proc_read() reads every file into one buffer");

/* --- display-safe copies ------------------------------------------------------- */

/*
 * Copy @n bytes of @src into @dst (@len bytes, NUL-terminated, cut if needed).
 * Any local user chooses its process names and arguments, so everything outside
 * printable ASCII becomes '?': a byte like 0x1b or 0x9b would otherwise reach the
 * terminal as a control sequence. A NUL becomes @nul (' ' between arguments).
 */
static void copy_printable(char *dst, size_t len, const char *src, size_t n, char nul)
{
	size_t i;

	if (!len)
		return;
	if (n > len - 1)
		n = len - 1;
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)src[i];

		dst[i] = ch == 0 ? nul : (ch < 0x20 || ch > 0x7e) ? '?' : (char)ch;
	}
	dst[n] = 0;
}

static int ends_with(const char *s, size_t n, const char *suffix)
{
	size_t sl = strlen(suffix);

	return n >= sl && !memcmp(s + n - sl, suffix, sl);
}

static int path_at_root(char *buf, size_t len, const char *root, const char *rel)
{
	size_t n = strlen(root);
	int r = snprintf(buf, len, "%s%s%s", root, n && root[n - 1] == '/' ? "" : "/", rel);

	return r < 0 || (size_t)r >= len ? -ENAMETOOLONG : 0;
}

/* --- pure parsers --------------------------------------------------------------- */

int xdt_proc_parse_stat(const char *buf, size_t len, char *comm, size_t comm_len,
			uint64_t *start_ticks)
{
	const char *open = memchr(buf, '(', len), *close = NULL, *end = buf + len, *p;
	uint64_t v = 0;
	int field;

	/* The comm may itself hold ") " : only the last ')' ends it. */
	for (p = end; p > buf; p--) {
		if (p[-1] == ')') {
			close = p - 1;
			break;
		}
	}
	if (!open || !close || close < open)
		return -EINVAL;
	if (comm)
		copy_printable(comm, comm_len, open + 1, (size_t)(close - open - 1), '?');
	/* Field 3 (state) is the first after the comm; starttime is field 22. */
	p = close + 1;
	for (field = 3; field < 22; field++) {
		while (p < end && *p == ' ')
			p++;
		while (p < end && *p != ' ' && *p != '\n')
			p++;
	}
	while (p < end && *p == ' ')
		p++;
	if (p >= end || *p < '0' || *p > '9')
		return -EINVAL;
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (p < end && *p != ' ' && *p != '\n' && *p != 0)
		return -EINVAL;
	*start_ticks = v;
	return 0;
}

/* 64 hex digits: the id docker, containerd, CRI-O and podman give a container. */
static int is_container_id(const char *s, size_t n)
{
	size_t i;

	if (n != 64)
		return 0;
	for (i = 0; i < n; i++) {
		char ch = s[i];

		if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F')))
			return 0;
	}
	return 1;
}

/*
 * The container id inside one cgroup path component, or NULL: "<id>" (cgroupfs
 * drivers: /docker/<id>, /kubepods/burstable/pod<uid>/<id>), "docker-<id>.scope",
 * "cri-containerd-<id>.scope", "crio-<id>.scope", "libpod-<id>.scope", and
 * containerd's "<slice>:cri-containerd:<id>". "crio-conmon-<id>" is the monitor,
 * not the container, and does not match.
 */
static const char *container_in(const char *c, size_t n)
{
	static const char *const prefix[] = { "docker-", "cri-containerd-", "crio-", "libpod-" };
	const char *colon = NULL;
	size_t i;

	for (i = 0; i < n; i++)
		if (c[i] == ':')
			colon = c + i;
	if (colon) {
		n -= (size_t)(colon + 1 - c);
		c = colon + 1;
	}
	if (ends_with(c, n, ".scope"))
		n -= strlen(".scope");
	for (i = 0; i < sizeof(prefix) / sizeof(prefix[0]); i++) {
		size_t pl = strlen(prefix[i]);

		if (n > pl && !memcmp(c, prefix[i], pl)) {
			c += pl;
			n -= pl;
			break;
		}
	}
	return is_container_id(c, n) ? c : NULL;
}

/*
 * The unit is the last .service or .scope component (the innermost: a user's
 * app-firefox-123.scope rather than user@1000.service), else the last .slice.
 * One exception: init.scope right under a .service is that service's manager
 * (systemd --user in user@1000.service/init.scope), and the service names it better.
 * The container is the innermost id too (docker in docker).
 */
static void cgroup_path(const char *p, size_t n, char *unit, size_t unit_len, char *container,
			size_t container_len)
{
	const char *end = p + n, *unit_s = NULL, *slice_s = NULL, *prev = NULL, *cont = NULL;
	size_t unit_n = 0, slice_n = 0, prev_n = 0;

	while (p < end) {
		const char *c = p, *id;
		size_t cn;

		while (p < end && *p != '/')
			p++;
		cn = (size_t)(p - c);
		if (p < end)
			p++;
		if (!cn)
			continue;
		if (ends_with(c, cn, ".service") || ends_with(c, cn, ".scope")) {
			if (!(cn == 10 && !memcmp(c, "init.scope", 10) && prev &&
			      ends_with(prev, prev_n, ".service"))) {
				unit_s = c;
				unit_n = cn;
			}
		} else if (ends_with(c, cn, ".slice")) {
			slice_s = c;
			slice_n = cn;
		}
		id = container_in(c, cn);
		if (id)
			cont = id;
		prev = c;
		prev_n = cn;
	}
	if (!unit_s) {
		unit_s = slice_s;
		unit_n = slice_n;
	}
	if (unit_s)
		copy_printable(unit, unit_len, unit_s, unit_n, '?');
	if (cont)
		copy_printable(container, container_len, cont, 12, '?');
}

void xdt_proc_parse_cgroup(const char *buf, size_t len, char *unit, size_t unit_len,
			   char *container, size_t container_len)
{
	static const char v1_systemd[] = ":name=systemd:";
	const char *p = buf, *end = buf + len, *v2 = NULL, *v1 = NULL, *path;
	size_t v2_n = 0, v1_n = 0, n;

	if (unit_len)
		unit[0] = 0;
	if (container_len)
		container[0] = 0;
	while (p < end) {
		const char *line = p, *eol = memchr(p, '\n', (size_t)(end - p)), *colon;
		size_t ll;

		if (!eol)
			eol = end;
		ll = (size_t)(eol - line);
		p = eol < end ? eol + 1 : end;
		if (ll >= 3 && !memcmp(line, "0::", 3)) {
			v2 = line + 3;
			v2_n = ll - 3;
			continue;
		}
		colon = memchr(line, ':', ll);
		if (colon && (size_t)(eol - colon) > sizeof(v1_systemd) - 1 &&
		    !memcmp(colon, v1_systemd, sizeof(v1_systemd) - 1)) {
			v1 = colon + sizeof(v1_systemd) - 1;
			v1_n = (size_t)(eol - v1);
		}
	}
	/* Hybrid hierarchies leave the v2 path at "/": systemd's v1 tree has the unit. */
	path = v2;
	n = v2_n;
	if ((!v2 || v2_n <= 1) && v1) {
		path = v1;
		n = v1_n;
	}
	if (path)
		cgroup_path(path, n, unit, unit_len, container, container_len);
}

/* --- user names ------------------------------------------------------------------ */

struct pw_ent {
	uint32_t uid;
	uint32_t line;
	char name[32];
};

struct pw_table {
	struct pw_ent *ents;
	size_t n;
	struct stat st;		/* of the file loaded, to notice it changed */
	int have_st;
};

static int pw_cmp(const void *a, const void *b)
{
	const struct pw_ent *x = a, *y = b;

	if (x->uid != y->uid)
		return x->uid < y->uid ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* "name:password:uid:..." into @e; 0 when the line is not an entry. */
static int pw_line(const char *line, struct pw_ent *e)
{
	const char *c1 = strchr(line, ':'), *c2, *p;
	uint64_t uid = 0;

	/* NIS compat lines (+, -) name no local user. */
	if (!c1 || c1 == line || line[0] == '#' || line[0] == '+' || line[0] == '-')
		return 0;
	c2 = strchr(c1 + 1, ':');
	if (!c2 || c2[1] < '0' || c2[1] > '9')
		return 0;
	for (p = c2 + 1; *p >= '0' && *p <= '9'; p++) {
		uid = uid * 10 + (uint64_t)(*p - '0');
		if (uid > UINT32_MAX)
			return 0;
	}
	if (*p != ':')
		return 0;
	e->uid = (uint32_t)uid;
	copy_printable(e->name, sizeof(e->name), line, (size_t)(c1 - line), '?');
	return 1;
}

static void pw_clear(struct pw_table *pw)
{
	free(pw->ents);
	memset(pw, 0, sizeof(*pw));
}

/* Replace @pw with <root>/etc/passwd; on failure @pw keeps what it had. */
static int pw_load(struct pw_table *pw, const char *root)
{
	char path[PATH_MAX], line[1024];
	struct pw_table t = { 0 };
	size_t cap = 0, i, out;
	uint32_t lineno = 0;
	int skipping = 0;
	FILE *f;

	if (path_at_root(path, sizeof(path), root, "etc/passwd"))
		return -ENAMETOOLONG;
	f = fopen(path, "re");
	if (!f)
		return -errno;
	if (!fstat(fileno(f), &t.st))
		t.have_st = 1;
	while (fgets(line, sizeof(line), f) && t.n < PASSWD_MAX) {
		int whole = strchr(line, '\n') != NULL;
		struct pw_ent e;

		/* The tail of an overlong line is not the start of an entry. */
		if (skipping) {
			skipping = !whole;
			continue;
		}
		skipping = !whole;
		lineno++;
		if (!pw_line(line, &e))
			continue;
		e.line = lineno;
		if (t.n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct pw_ent *ne = realloc(t.ents, ncap * sizeof(*ne));

			if (!ne) {
				fclose(f);
				free(t.ents);
				return -ENOMEM;
			}
			t.ents = ne;
			cap = ncap;
		}
		t.ents[t.n++] = e;
	}
	fclose(f);
	/* Sorted by uid, and the first line of each uid kept, as getpwuid() would. */
	if (t.n)
		qsort(t.ents, t.n, sizeof(*t.ents), pw_cmp);
	for (i = 0, out = 0; i < t.n; i++)
		if (!out || t.ents[out - 1].uid != t.ents[i].uid)
			t.ents[out++] = t.ents[i];
	t.n = out;
	pw_clear(pw);
	*pw = t;
	return 0;
}

static const struct pw_ent *pw_find(const struct pw_table *pw, uint32_t uid)
{
	size_t lo = 0, hi = pw->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (pw->ents[mid].uid == uid)
			return &pw->ents[mid];
		if (pw->ents[mid].uid < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* A user added after the load is picked up once the file has changed. */
static void pw_name(struct pw_table *pw, const char *root, uint32_t uid, char *out, size_t len)
{
	const struct pw_ent *e = pw_find(pw, uid);
	char path[PATH_MAX];
	struct stat st;

	if (!e && !path_at_root(path, sizeof(path), root, "etc/passwd") && !stat(path, &st) &&
	    (!pw->have_st || st.st_ino != pw->st.st_ino || st.st_size != pw->st.st_size ||
	     st.st_mtim.tv_sec != pw->st.st_mtim.tv_sec ||
	     st.st_mtim.tv_nsec != pw->st.st_mtim.tv_nsec) &&
	    !pw_load(pw, root))
		e = pw_find(pw, uid);
	if (e)
		snprintf(out, len, "%s", e->name);
	else
		snprintf(out, len, "%u", uid);
}

/* --- reading one process ----------------------------------------------------------- */

/* At most @len - 1 bytes of @name under @dirfd, NUL-terminated: bytes read or -errno. */
static ssize_t read_at(int dirfd, const char *name, char *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return -errno;
	while (got < len - 1) {
		n = read(fd, buf + got, len - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			n = -errno;
			close(fd);
			return n;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	buf[got] = 0;
	return (ssize_t)got;
}

/* The basename of @path if the cut @comm is a prefix of it and it is longer. */
static int longer_name(char *name, size_t len, const char *comm, const char *path)
{
	const char *base = strrchr(path, '/');
	size_t bl, cl = strlen(comm);

	base = base ? base + 1 : path;
	bl = strlen(base);
	if (ends_with(base, bl, " (deleted)"))
		bl -= strlen(" (deleted)");
	if (bl <= cl || memcmp(base, comm, cl))
		return 0;
	copy_printable(name, len, base, bl, '?');
	return 1;
}

static void name_pick(int dirfd, const char *comm, const char *argv0, char *name, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n;

	/*
	 * Only a comm of full length was cut; a shorter one is the real name (sshd
	 * rewrites its argv[0] to "sshd: user@pts/0", which must not rename it).
	 */
	if (strlen(comm) >= TASK_COMM_MAX) {
		if (argv0[0] && longer_name(name, len, comm, argv0))
			return;
		/* exe needs ptrace access to the process: last resort. */
		n = readlinkat(dirfd, "exe", exe, sizeof(exe) - 1);
		if (n > 0) {
			exe[n] = 0;
			if (longer_name(name, len, comm, exe))
				return;
		}
	}
	snprintf(name, len, "%s", comm);
}

static void cmdline_format(const char *raw, size_t n, char *out, size_t len)
{
	size_t ol;

	while (n && raw[n - 1] == 0)
		n--;
	copy_printable(out, len, raw, n, ' ');
	ol = strlen(out);
	while (ol && out[ol - 1] == ' ')
		out[--ol] = 0;
}

/* The real uid: the first of the four on the "Uid:" line. */
static int status_uid(const char *buf, uint32_t *uid)
{
	const char *p = strstr(buf, "\nUid:");
	unsigned long v;
	char *end;

	if (!p)
		return -ENOENT;
	errno = 0;
	v = strtoul(p + 5, &end, 10);
	if (errno || end == p + 5 || v > UINT32_MAX)
		return -EINVAL;
	*uid = (uint32_t)v;
	return 0;
}

static int open_pid_dir(const char *root, int32_t pid)
{
	char rel[32], path[PATH_MAX];
	int fd;

	if (pid <= 0)
		return -ENOENT;
	snprintf(rel, sizeof(rel), "proc/%d", pid);
	if (path_at_root(path, sizeof(path), root, rel))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* Only starttime: what the cache needs to know whether an entry still applies. */
static int read_start(const char *root, int32_t pid, uint64_t *ticks)
{
	char buf[STAT_READ];
	ssize_t n;
	int dirfd = open_pid_dir(root, pid);

	if (dirfd < 0)
		return dirfd;
	n = read_at(dirfd, "stat", buf, sizeof(buf));
	close(dirfd);
	if (n < 0)
		return (int)n;
	return xdt_proc_parse_stat(buf, (size_t)n, NULL, 0, ticks);
}

/*
 * Every file is opened relative to one directory fd: it pins the process, so a
 * pid reused half-way makes the reads fail instead of mixing two processes into
 * one description. A file that fails is left empty; stat, read again at the end,
 * tells whether that was because the process exited (then nothing read counts).
 */
static int proc_read(const char *root, int32_t pid, struct pw_table *pw, struct xdt_proc_info *out)
{
	char buf[CGROUP_READ], comm[64];
	struct stat st;
	ssize_t n;
	int dirfd, err;

	memset(out, 0, sizeof(*out));
	out->pid = pid;
	dirfd = open_pid_dir(root, pid);
	if (dirfd < 0)
		return dirfd;
	n = read_at(dirfd, "stat", buf, STAT_READ);
	if (n < 0) {
		err = (int)n;
		goto out;
	}
	err = xdt_proc_parse_stat(buf, (size_t)n, comm, sizeof(comm), &out->start_ticks);
	if (err)
		goto out;
	n = read_at(dirfd, "comm", buf, sizeof(comm));
	if (n > 0) {
		while (n && buf[n - 1] == '\n')
			n--;
		copy_printable(comm, sizeof(comm), buf, (size_t)n, '?');
	}
	n = read_at(dirfd, "status", buf, STATUS_READ);
	/* Without status, the owner of /proc/PID is the process's effective uid. */
	if ((n < 0 || status_uid(buf, &out->uid)) && !fstat(dirfd, &st))
		out->uid = st.st_uid;
	n = read_at(dirfd, "cgroup", buf, sizeof(buf));
	if (n > 0)
		xdt_proc_parse_cgroup(buf, (size_t)n, out->unit, sizeof(out->unit), out->container,
				      sizeof(out->container));
	n = read_at(dirfd, "cmdline", buf, CMDLINE_READ);
	if (n < 0) {
		n = 0;
		buf[0] = 0;
	}
	cmdline_format(buf, (size_t)n, out->cmdline, sizeof(out->cmdline));
	name_pick(dirfd, comm, buf, out->name, sizeof(out->name));	/* buf: argv[0] */
	if (read_at(dirfd, "stat", buf, STAT_READ) < 0) {
		err = -ESRCH;
		goto out;
	}
	pw_name(pw, root, out->uid, out->user, sizeof(out->user));
out:
	close(dirfd);
	return err;
}

int xdt_proc_read(const char *root, int32_t pid, struct xdt_proc_info *out)
{
	struct pw_table pw = { 0 };
	int err;

	pw_load(&pw, root);	/* no passwd: numeric user names */
	err = proc_read(root, pid, &pw, out);
	pw_clear(&pw);
	return err;
}

/* --- the cache ----------------------------------------------------------------------- */

struct slot {
	struct xdt_proc_info info;
	uint32_t hnext;		/* next in the bucket: slot index + 1, 0 ends */
	uint32_t newer, older;	/* LRU list: slot index + 1, 0 ends */
};

struct xdt_proc_cache {
	char *root;
	struct slot *slots;
	uint32_t *bucket;	/* slot index + 1 */
	size_t nbucket;		/* a power of two >= cap */
	size_t cap, used;
	uint32_t newest, oldest;
	uint64_t seed;
	uint64_t tick_ns;
	struct pw_table pw;
	struct xdt_proc_info scratch;	/* answers that are not cached */
};

struct xdt_proc_cache *xdt_proc_cache_new(const char *root, size_t max_entries)
{
	struct xdt_proc_cache *c;
	long hz = sysconf(_SC_CLK_TCK);

	if (!root || !max_entries || max_entries > CACHE_MAX) {
		errno = EINVAL;
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->cap = max_entries;
	c->nbucket = 1;
	while (c->nbucket < max_entries)
		c->nbucket <<= 1;
	c->root = strdup(root);
	c->slots = calloc(c->cap, sizeof(*c->slots));
	c->bucket = calloc(c->nbucket, sizeof(*c->bucket));
	if (!c->root || !c->slots || !c->bucket) {
		xdt_proc_cache_free(c);
		errno = ENOMEM;
		return NULL;
	}
	/* USER_HZ is 100 on every Linux architecture; sysconf only fails in theory. */
	c->tick_ns = 1000000000ULL / (uint64_t)(hz > 0 ? hz : 100);
	c->seed = xdt_hash_seed();
	pw_load(&c->pw, root);
	return c;
}

void xdt_proc_cache_free(struct xdt_proc_cache *c)
{
	if (!c)
		return;
	pw_clear(&c->pw);
	free(c->bucket);
	free(c->slots);
	free(c->root);
	free(c);
}

static size_t bucket_of(const struct xdt_proc_cache *c, int32_t pid)
{
	return (size_t)(xdt_hash_mix(c->seed, (uint32_t)pid) & (c->nbucket - 1));
}

/* Clock ticks of the kernel and of /proc may round apart by one. */
static int ticks_match(uint64_t a, uint64_t b)
{
	return a > b ? a - b <= 1 : b - a <= 1;
}

static void lru_unlink(struct xdt_proc_cache *c, uint32_t id)
{
	struct slot *s = &c->slots[id - 1];

	if (s->newer)
		c->slots[s->newer - 1].older = s->older;
	else
		c->newest = s->older;
	if (s->older)
		c->slots[s->older - 1].newer = s->newer;
	else
		c->oldest = s->newer;
	s->newer = s->older = 0;
}

static void lru_push(struct xdt_proc_cache *c, uint32_t id)
{
	struct slot *s = &c->slots[id - 1];

	s->newer = 0;
	s->older = c->newest;
	if (c->newest)
		c->slots[c->newest - 1].newer = id;
	c->newest = id;
	if (!c->oldest)
		c->oldest = id;
}

/* Several entries may share a pid: processes that held it one after another. */
static uint32_t cache_find(const struct xdt_proc_cache *c, int32_t pid, uint64_t ticks)
{
	uint32_t id;

	for (id = c->bucket[bucket_of(c, pid)]; id; id = c->slots[id - 1].hnext) {
		const struct xdt_proc_info *i = &c->slots[id - 1].info;

		if (i->pid == pid && ticks_match(i->start_ticks, ticks))
			return id;
	}
	return 0;
}

static void hash_unlink(struct xdt_proc_cache *c, uint32_t id)
{
	uint32_t *pp = &c->bucket[bucket_of(c, c->slots[id - 1].info.pid)];

	while (*pp && *pp != id)
		pp = &c->slots[*pp - 1].hnext;
	if (*pp)
		*pp = c->slots[id - 1].hnext;
}

static const struct xdt_proc_info *cache_insert(struct xdt_proc_cache *c,
						const struct xdt_proc_info *info)
{
	uint32_t id;
	size_t b;

	if (c->used < c->cap) {
		id = (uint32_t)++c->used;
	} else {
		id = c->oldest;
		hash_unlink(c, id);
		lru_unlink(c, id);
	}
	c->slots[id - 1].info = *info;
	b = bucket_of(c, info->pid);
	c->slots[id - 1].hnext = c->bucket[b];
	c->bucket[b] = id;
	lru_push(c, id);
	return &c->slots[id - 1].info;
}

/* What the kernel said, and nothing from the process now holding the pid. */
static void kernel_only(struct xdt_proc_cache *c, struct xdt_proc_info *i, int32_t pid,
			uint64_t ticks, const char *kernel_comm, uint32_t uid)
{
	memset(i, 0, sizeof(*i));
	i->pid = pid;
	i->uid = uid;
	i->start_ticks = ticks;
	i->gone = 1;
	/* The caller's name may be longer than a comm: the executable the kernel saw. */
	if (kernel_comm)
		copy_printable(i->name, sizeof(i->name), kernel_comm,
			       strnlen(kernel_comm, sizeof(i->name) - 1), '?');
	pw_name(&c->pw, c->root, uid, i->user, sizeof(i->user));
}

const struct xdt_proc_info *xdt_proc_cache_get(struct xdt_proc_cache *c, int32_t pid,
					       uint64_t start_boottime_ns,
					       const char *kernel_comm, uint32_t uid)
{
	struct xdt_proc_info info;
	uint64_t want;
	uint32_t id;
	int err;

	if (start_boottime_ns) {
		want = start_boottime_ns / c->tick_ns;
	} else if (read_start(c->root, pid, &want)) {
		/* No start time from either side: nothing to key an entry on. */
		kernel_only(c, &c->scratch, pid, 0, kernel_comm, uid);
		return &c->scratch;
	}
	id = cache_find(c, pid, want);
	if (id) {
		lru_unlink(c, id);
		lru_push(c, id);
		return &c->slots[id - 1].info;
	}
	err = proc_read(c->root, pid, &c->pw, &info);
	if (!err && ticks_match(info.start_ticks, want))
		return cache_insert(c, &info);
	if (!err || err == -ENOENT || err == -ESRCH) {
		/* Exited, or another process has the pid: that stays true, so cache it. */
		kernel_only(c, &info, pid, want, kernel_comm, uid);
		return cache_insert(c, &info);
	}
	/* EMFILE, EACCES...: may pass, so answer without caching. */
	kernel_only(c, &c->scratch, pid, want, kernel_comm, uid);
	return &c->scratch;
}
