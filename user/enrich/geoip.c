// SPDX-License-Identifier: GPL-2.0-only
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <maxminddb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "geoip.h"
#include "../util/hash.h"

enum kind { K_CITY, K_COUNTRY, K_ASN, K_N };
static const char *const kind_name[K_N] = { "city", "country", "asn" };

/* Direct-mapped: a collision overwrites. Misses cost one mmap'd tree walk. */
#define CACHE_SLOTS 8192

struct slot {
	uint8_t family;		/* 0: empty */
	uint8_t known;
	uint8_t addr[16];
	struct xdt_geo geo;
};

struct xdt_geoip {
	MMDB_s *db[K_N];
	pthread_mutex_t lock;	/* the cache only: libmaxminddb lookups are thread-safe */
	uint64_t seed;
	struct slot cache[CACHE_SLOTS];
};

/* --- special ranges --------------------------------------------------------- */

struct range4 {
	uint32_t net;
	uint8_t len;
	const char *label;
};

/* First match wins, so the narrower ranges come first. */
static const struct range4 special4_tab[] = {
	{ 0x00000000, 32, "unspecified" },	/* 0.0.0.0 */
	{ 0xffffffff, 32, "broadcast" },	/* 255.255.255.255 */
	{ 0x00000000, 8, "reserved" },		/* 0/8 "this network" */
	{ 0x0a000000, 8, "private" },		/* 10/8 */
	{ 0x64400000, 10, "cgnat" },		/* 100.64/10 */
	{ 0x7f000000, 8, "loopback" },		/* 127/8 */
	{ 0xa9fe0000, 16, "link-local" },	/* 169.254/16 */
	{ 0xac100000, 12, "private" },		/* 172.16/12 */
	{ 0xc0000000, 24, "reserved" },		/* 192.0.0/24 IETF protocol assignments */
	{ 0xc0000200, 24, "documentation" },	/* 192.0.2/24 TEST-NET-1 */
	{ 0xc0a80000, 16, "private" },		/* 192.168/16 */
	{ 0xc6120000, 15, "benchmark" },	/* 198.18/15 */
	{ 0xc6336400, 24, "documentation" },	/* 198.51.100/24 TEST-NET-2 */
	{ 0xcb007100, 24, "documentation" },	/* 203.0.113/24 TEST-NET-3 */
	{ 0xe0000000, 4, "multicast" },		/* 224/4 */
	{ 0xf0000000, 4, "reserved" },		/* 240/4 */
};

struct range6 {
	uint8_t net[16];
	uint8_t len;
	const char *label;
};

static const struct range6 special6_tab[] = {
	{ { 0 }, 128, "unspecified" },				/* :: */
	{ { [15] = 1 }, 128, "loopback" },			/* ::1 */
	{ { 0 }, 96, "reserved" },				/* ::/96, IPv4-compatible */
	{ { 0x01, 0x00 }, 64, "reserved" },			/* 100::/64 discard-only */
	{ { 0x20, 0x01, 0x00, 0x02, 0x00, 0x00 }, 48, "benchmark" }, /* 2001:2::/48 */
	{ { 0x20, 0x01, 0x0d, 0xb8 }, 32, "documentation" },	/* 2001:db8::/32 */
	{ { 0x3f, 0xff, 0x00 }, 20, "documentation" },		/* 3fff::/20 */
	{ { 0xfc }, 7, "unique-local" },			/* fc00::/7 */
	{ { 0xfe, 0x80 }, 10, "link-local" },			/* fe80::/10 */
	{ { 0xfe, 0xc0 }, 10, "reserved" },			/* fec0::/10 site-local */
	{ { 0xff }, 8, "multicast" },				/* ff00::/8 */
};

static bool in_prefix6(const uint8_t *a, const uint8_t *net, unsigned int len)
{
	unsigned int whole = len / 8, bits = len % 8;

	if (memcmp(a, net, whole))
		return false;
	if (!bits)
		return true;
	return !((a[whole] ^ net[whole]) & (uint8_t)(0xff << (8 - bits)));
}

static bool is_v4mapped(const uint8_t *a)
{
	static const uint8_t pfx[12] = { [10] = 0xff, [11] = 0xff };

	return !memcmp(a, pfx, sizeof(pfx));
}

static const char *special4(const uint8_t *a)
{
	uint32_t x = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
	size_t i;

	for (i = 0; i < sizeof(special4_tab) / sizeof(special4_tab[0]); i++) {
		const struct range4 *r = &special4_tab[i];
		uint32_t mask = r->len ? ~(uint32_t)0 << (32 - r->len) : 0;

		if ((x & mask) == r->net)
			return r->label;
	}
	return NULL;
}

const char *xdt_geo_special(int family, const uint8_t *addr)
{
	size_t i;

	if (!addr)
		return NULL;
	if (family == 4)
		return special4(addr);
	if (family != 6)
		return NULL;
	if (is_v4mapped(addr))
		return special4(addr + 12);
	for (i = 0; i < sizeof(special6_tab) / sizeof(special6_tab[0]); i++)
		if (in_prefix6(addr, special6_tab[i].net, special6_tab[i].len))
			return special6_tab[i].label;
	return NULL;
}

/* --- the start-up message ----------------------------------------------------- */

struct msgbuf {
	char *s;
	size_t cap, len;
};

static void __attribute__((format(printf, 2, 3))) msg_add(struct msgbuf *m, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!m->cap || m->len >= m->cap - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(m->s + m->len, m->cap - m->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		m->len += (size_t)n < m->cap - m->len ? (size_t)n : m->cap - m->len - 1;
}

/* One line for the log: a file name may hold any byte but '/' and NUL. */
static void msg_one_line(struct msgbuf *m)
{
	size_t i;

	for (i = 0; i < m->len; i++)
		if ((unsigned char)m->s[i] < 0x20 || m->s[i] == 0x7f)
			m->s[i] = '?';
}

/* --- discovery ------------------------------------------------------------------ */

#define MAX_DIRS 6

struct search {
	char dirs[MAX_DIRS][PATH_MAX];
	int ndirs;
	char skipped[1024];	/* "; skipped F (why), F (why)" */
	struct msgbuf skip;
};

/* Add @a followed by @b, unless too long or already there. */
static void add_dir(struct search *s, const char *a, const char *b)
{
	char d[PATH_MAX];
	int i, n;

	n = snprintf(d, sizeof(d), "%s%s", a, b);
	if (n <= 0 || (size_t)n >= sizeof(d) || s->ndirs == MAX_DIRS)
		return;
	while (n > 1 && d[n - 1] == '/')
		d[--n] = '\0';
	for (i = 0; i < s->ndirs; i++)
		if (!strcmp(s->dirs[i], d))
			return;
	memcpy(s->dirs[s->ndirs++], d, (size_t)n + 1);
}

static void find_dirs(struct search *s, const char *dir)
{
	const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	char cwd[PATH_MAX];

	if (dir && dir[0])
		add_dir(s, dir, "");
	/* The XDG spec says a relative $XDG_DATA_HOME is invalid and to be ignored. */
	if (xdg && xdg[0] == '/')
		add_dir(s, xdg, "/xdptop/geoip");
	else if (home && home[0])
		add_dir(s, home, "/.local/share/xdptop/geoip");
	add_dir(s, "/usr/share/GeoIP", "");
	add_dir(s, "/usr/local/share/GeoIP", "");
	add_dir(s, "/var/lib/GeoIP", "");
	add_dir(s, getcwd(cwd, sizeof(cwd)) ? cwd : ".", "");
}

static int kind_of(const char *type)
{
	if (!type)
		return -1;
	if (strstr(type, "City"))
		return K_CITY;
	if (strstr(type, "Country"))
		return K_COUNTRY;
	if (strstr(type, "ASN"))
		return K_ASN;
	return -1;
}

static int is_mmdb(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 5 && !strcmp(d->d_name + n - 5, ".mmdb") && d->d_type != DT_DIR;
}

static int name_rank(const char *name)
{
	if (!strncmp(name, "GeoLite2-", 9))
		return 0;
	if (!strncmp(name, "dbip-", 5))
		return 1;
	return 2;
}

/* GeoLite2 first, then DB-IP, then the rest; by name downwards within each, so
 * that of dbip-city-lite-2024-05.mmdb and -2024-06 the newer month wins. */
static int by_preference(const struct dirent **a, const struct dirent **b)
{
	int ra = name_rank((*a)->d_name), rb = name_rank((*b)->d_name);

	if (ra != rb)
		return ra - rb;
	return strcmp((*b)->d_name, (*a)->d_name);
}

/* 1 if all kinds are found. */
static int scan_dir(struct xdt_geoip *g, struct search *s, const char *dir)
{
	struct dirent **ents = NULL;
	int n, i, k, done = 0;

	n = scandir(dir, &ents, is_mmdb, by_preference);
	if (n < 0)
		return 0;
	for (i = 0; i < n; i++) {
		char path[PATH_MAX];
		MMDB_s *db;
		int err;

		if (done || snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name) >=
				    (int)sizeof(path))
			continue;
		db = calloc(1, sizeof(*db));
		if (!db)
			continue;
		errno = 0;
		err = MMDB_open(path, MMDB_MODE_MMAP, db);
		if (err != MMDB_SUCCESS) {
			bool sys = (err == MMDB_FILE_OPEN_ERROR || err == MMDB_IO_ERROR) && errno;

			msg_add(&s->skip, "%s%s (%s)", s->skip.len ? ", " : "; skipped ", path,
				sys ? strerror(errno) : MMDB_strerror(err));
			free(db);
			continue;
		}
		k = kind_of(db->metadata.database_type);
		if (k < 0)
			msg_add(&s->skip, "%s%s (type %s)", s->skip.len ? ", " : "; skipped ",
				path, db->metadata.database_type ? db->metadata.database_type : "?");
		if (k < 0 || g->db[k]) {
			MMDB_close(db);
			free(db);
			continue;
		}
		g->db[k] = db;
		done = g->db[K_CITY] && g->db[K_COUNTRY] && g->db[K_ASN];
	}
	for (i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
	return done;
}

struct xdt_geoip *xdt_geoip_open(const char *dir, char *msg, size_t msglen)
{
	struct msgbuf m = { msg, msglen, 0 };
	struct xdt_geoip *g;
	struct search *s;
	int i, k, found = 0;

	if (msglen)
		msg[0] = '\0';
	g = calloc(1, sizeof(*g));
	s = calloc(1, sizeof(*s));
	if (!g || !s) {
		msg_add(&m, "GeoIP: out of memory");
		free(g);
		free(s);
		errno = ENOMEM;
		return NULL;
	}
	s->skip = (struct msgbuf){ s->skipped, sizeof(s->skipped), 0 };
	find_dirs(s, dir);
	for (i = 0; i < s->ndirs; i++)
		if (scan_dir(g, s, s->dirs[i]))
			break;

	for (k = 0; k < K_N; k++) {
		if (!g->db[k])
			continue;
		msg_add(&m, "%s%s (%s)", found++ ? ", " : "GeoIP: ", g->db[k]->filename,
			kind_name[k]);
	}
	if (!found) {
		msg_add(&m, "GeoIP: no database found (looked in ");
		for (i = 0; i < s->ndirs; i++)
			msg_add(&m, "%s%s", i ? ", " : "", s->dirs[i]);
		msg_add(&m, "%s): no countries or ASes; see xdptop(8) ENRICHMENT", s->skipped);
	} else {
		msg_add(&m, "%s", s->skipped);
	}
	msg_one_line(&m);
	free(s);
	if (!found) {
		free(g);
		errno = ENOENT;
		return NULL;
	}
	pthread_mutex_init(&g->lock, NULL);
	g->seed = xdt_hash_seed();
	return g;
}

void xdt_geoip_close(struct xdt_geoip *g)
{
	int k;

	if (!g)
		return;
	for (k = 0; k < K_N; k++) {
		if (!g->db[k])
			continue;
		MMDB_close(g->db[k]);
		free(g->db[k]);
	}
	pthread_mutex_destroy(&g->lock);
	free(g);
}

/* --- lookup ---------------------------------------------------------------------- */

/*
 * Copy a database string for the screen: cut on a UTF-8 character boundary,
 * and no C0/C1 control characters (they would drive the terminal).
 */
static bool copy_text(char *dst, size_t cap, const char *src, size_t len)
{
	size_t n = len < cap - 1 ? len : cap - 1, i;

	if (n < len)
		while (n && ((unsigned char)src[n] & 0xc0) == 0x80)
			n--;
	memcpy(dst, src, n);
	dst[n] = '\0';
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)dst[i];

		if (c < 0x20 || c == 0x7f)
			dst[i] = '?';
		else if (c == 0xc2 && i + 1 < n && (unsigned char)dst[i + 1] >= 0x80 &&
			 (unsigned char)dst[i + 1] <= 0x9f)
			dst[i] = dst[i + 1] = '?';
	}
	return n > 0;
}

static bool get_text(MMDB_entry_s *e, const char *const *path, char *dst, size_t cap)
{
	MMDB_entry_data_s d;

	if (MMDB_aget_value(e, &d, path) != MMDB_SUCCESS || !d.has_data ||
	    d.type != MMDB_DATA_TYPE_UTF8_STRING)
		return false;
	return copy_text(dst, cap, d.utf8_string, d.data_size);
}

static bool get_country(MMDB_entry_s *e, char *cc)
{
	static const char *const country[] = { "country", "iso_code", NULL };
	static const char *const registered[] = { "registered_country", "iso_code", NULL };
	char tmp[8];

	/* An anycast or satellite range may name only the registrant's country. */
	if (!get_text(e, country, tmp, sizeof(tmp)) && !get_text(e, registered, tmp, sizeof(tmp)))
		return false;
	if (strlen(tmp) != 2 || tmp[0] < 'A' || tmp[0] > 'Z' || tmp[1] < 'A' || tmp[1] > 'Z')
		return false;
	memcpy(cc, tmp, 3);
	return true;
}

static bool get_asn(MMDB_entry_s *e, uint32_t *asn)
{
	static const char *const path[] = { "autonomous_system_number", NULL };
	MMDB_entry_data_s d;

	if (MMDB_aget_value(e, &d, path) != MMDB_SUCCESS || !d.has_data)
		return false;
	if (d.type == MMDB_DATA_TYPE_UINT32)
		*asn = d.uint32;
	else if (d.type == MMDB_DATA_TYPE_UINT16)
		*asn = d.uint16;
	else if (d.type == MMDB_DATA_TYPE_UINT64 && d.uint64 <= UINT32_MAX)
		*asn = (uint32_t)d.uint64;
	else
		return false;
	return *asn != 0;
}

static bool find(const MMDB_s *db, const struct sockaddr *sa, MMDB_entry_s *e)
{
	MMDB_lookup_result_s r;
	int err;

	if (!db)
		return false;
	/* An IPv6 address in an IPv4-only database is an error: not found. */
	r = MMDB_lookup_sockaddr(db, sa, &err);
	if (err != MMDB_SUCCESS || !r.found_entry)
		return false;
	*e = r.entry;
	return true;
}

/* Ask the databases; true if any of them had something for @sa. */
static bool ask(const struct xdt_geoip *g, const struct sockaddr *sa, struct xdt_geo *out)
{
	static const char *const city[] = { "city", "names", "en", NULL };
	static const char *const org[] = { "autonomous_system_organization", NULL };
	MMDB_entry_s e;
	bool known = false;

	if (find(g->db[K_CITY], sa, &e)) {
		known |= get_text(&e, city, out->city, sizeof(out->city));
		if (!g->db[K_COUNTRY])
			known |= get_country(&e, out->country);
	}
	if (find(g->db[K_COUNTRY], sa, &e))
		known |= get_country(&e, out->country);
	if (find(g->db[K_ASN], sa, &e)) {
		known |= get_asn(&e, &out->asn);
		known |= get_text(&e, org, out->as_org, sizeof(out->as_org));
	}
	return known;
}

int xdt_geoip_lookup(struct xdt_geoip *g, int family, const uint8_t *addr, struct xdt_geo *out)
{
	uint8_t a[16] = { 0 };
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };
	const struct sockaddr *sa;
	const char *special;
	struct slot *slot;
	bool known;

	memset(out, 0, sizeof(*out));
	if (!addr || (family != 4 && family != 6))
		return 0;
	if (family == 6 && is_v4mapped(addr)) {
		family = 4;
		addr += 12;
	}
	memcpy(a, addr, family == 6 ? 16 : 4);

	if (g) {
		slot = &g->cache[xdt_hash_bytes(a, sizeof(a), g->seed ^ (uint64_t)family) &
				 (CACHE_SLOTS - 1)];
		pthread_mutex_lock(&g->lock);
		if (slot->family == family && !memcmp(slot->addr, a, sizeof(a))) {
			*out = slot->geo;
			known = slot->known;
			pthread_mutex_unlock(&g->lock);
			return known;
		}
		pthread_mutex_unlock(&g->lock);

		if (family == 4) {
			memcpy(&sin.sin_addr, a, 4);
			sa = (const struct sockaddr *)&sin;
		} else {
			memcpy(&sin6.sin6_addr, a, 16);
			sa = (const struct sockaddr *)&sin6;
		}
		known = ask(g, sa, out);
	} else {
		slot = NULL;
		known = false;
	}

	/* A database entry wins: operators map their private ranges too. */
	if (!known) {
		memset(out, 0, sizeof(*out));
		special = xdt_geo_special(family, a);
		if (special) {
			snprintf(out->special, sizeof(out->special), "%s", special);
			known = true;
		}
	}

	if (slot) {
		pthread_mutex_lock(&g->lock);
		slot->family = (uint8_t)family;
		memcpy(slot->addr, a, sizeof(a));
		slot->known = known;
		slot->geo = *out;
		pthread_mutex_unlock(&g->lock);
	}
	return known;
}
