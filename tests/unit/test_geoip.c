// SPDX-License-Identifier: GPL-2.0-only
/*
 * GeoIP: the special-range labels, and lookups in real MaxMind-format databases
 * that tests/enrich/mkmmdb.pl (MaxMind::DB::Writer) writes at test time.
 */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "enrich/geoip.h"

#define SCRIPT "tests/enrich/mkmmdb.pl"

TestSuite(geoip);

static const char *label(const char *text)
{
	uint8_t a[16];

	if (strchr(text, ':')) {
		cr_assert_eq(inet_pton(AF_INET6, text, a), 1, "%s", text);
		return xdt_geo_special(6, a);
	}
	cr_assert_eq(inet_pton(AF_INET, text, a), 1, "%s", text);
	return xdt_geo_special(4, a);
}

struct label_case {
	const char *addr, *label;
};

static void expect_labels(const struct label_case *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const char *got = label(c[i].addr);

		if (c[i].label)
			cr_expect(got && !strcmp(got, c[i].label), "%s: got %s, want %s", c[i].addr,
				  got ? got : "none", c[i].label);
		else
			cr_expect_null(got, "%s: got %s, want none", c[i].addr, got);
	}
}

Test(geoip, labels_the_special_ipv4_ranges_and_only_them)
{
	static const struct label_case c[] = {
		{ "0.0.0.0", "unspecified" },	  { "0.1.2.3", "reserved" },
		{ "10.0.0.1", "private" },	  { "10.255.255.255", "private" },
		{ "11.0.0.1", NULL },		  { "100.63.255.255", NULL },
		{ "100.64.0.1", "cgnat" },	  { "100.127.255.255", "cgnat" },
		{ "100.128.0.0", NULL },	  { "127.0.0.1", "loopback" },
		{ "127.255.0.1", "loopback" },	  { "169.254.1.1", "link-local" },
		{ "169.255.0.1", NULL },	  { "172.15.255.255", NULL },
		{ "172.16.0.1", "private" },	  { "172.31.255.255", "private" },
		{ "172.32.0.0", NULL },		  { "192.0.0.8", "reserved" },
		{ "192.0.2.1", "documentation" }, { "192.0.3.1", NULL },
		{ "192.168.1.1", "private" },	  { "192.169.0.1", NULL },
		{ "198.17.255.255", NULL },	  { "198.18.0.1", "benchmark" },
		{ "198.19.255.255", "benchmark" }, { "198.20.0.0", NULL },
		{ "198.51.100.7", "documentation" }, { "203.0.113.200", "documentation" },
		{ "203.0.114.1", NULL },	  { "224.0.0.251", "multicast" },
		{ "239.255.255.250", "multicast" }, { "240.0.0.1", "reserved" },
		{ "255.255.255.254", "reserved" }, { "255.255.255.255", "broadcast" },
		{ "8.8.8.8", NULL },		  { "1.1.1.1", NULL },
		{ "223.255.255.255", NULL },	  { "10.213.0.1", "private" },
	};

	expect_labels(c, sizeof(c) / sizeof(c[0]));
}

Test(geoip, labels_the_special_ipv6_ranges_and_only_them)
{
	static const struct label_case c[] = {
		{ "::", "unspecified" },	   { "::1", "loopback" },
		{ "::2", "reserved" },		   { "::10.0.0.1", "reserved" },
		{ "100::1", "reserved" },	   { "100:0:0:1::", NULL },
		{ "2001:2::1", "benchmark" },	   { "2001:3::1", NULL },
		{ "2001:db8::1", "documentation" }, { "2001:db9::1", NULL },
		{ "3fff::1", "documentation" },	   { "3fff:fff::1", "documentation" },
		{ "3fff:1000::1", NULL },	   { "fbff::1", NULL },
		{ "fc00::1", "unique-local" },	   { "fd00:213::1", "unique-local" },
		{ "fdff:ffff::1", "unique-local" }, { "fe00::1", NULL },
		{ "fe80::1", "link-local" },	   { "febf:ffff::1", "link-local" },
		{ "fec0::1", "reserved" },	   { "ff02::1", "multicast" },
		{ "ff05::1:3", "multicast" },	   { "2606:4700::1111", NULL },
		{ "2a00:1450::1", NULL },	   { "64:ff9b::8.8.8.8", NULL },
	};

	expect_labels(c, sizeof(c) / sizeof(c[0]));
}

Test(geoip, labels_an_ipv4_mapped_address_as_its_ipv4_address)
{
	static const struct label_case c[] = {
		{ "::ffff:10.1.2.3", "private" },
		{ "::ffff:8.8.8.8", NULL },
		{ "::ffff:255.255.255.255", "broadcast" },
		{ "::ffff:0.0.0.0", "unspecified" },
		{ "::ffff:127.0.0.1", "loopback" },
	};

	expect_labels(c, sizeof(c) / sizeof(c[0]));
}

Test(geoip, labels_nothing_of_an_unknown_family)
{
	uint8_t a[16] = { 10 };

	cr_expect_null(xdt_geo_special(2, a), "AF_INET is not a family here: 4 or 6");
	cr_expect_null(xdt_geo_special(10, a));
	cr_expect_null(xdt_geo_special(4, NULL));
}

Test(geoip, gives_labels_only_without_databases)
{
	struct xdt_geo o;
	uint8_t a[16] = { 10, 0, 0, 1 }, p[16] = { 8, 8, 8, 8 };

	cr_expect_eq(xdt_geoip_lookup(NULL, 4, a, &o), 1);
	cr_expect_str_eq(o.special, "private");
	cr_expect_eq(xdt_geoip_lookup(NULL, 4, p, &o), 0);
	cr_expect_str_eq(o.special, "");
	cr_expect_eq(xdt_geoip_lookup(NULL, 3, a, &o), 0);
	xdt_geoip_close(NULL);
}

/* --- databases written at test time --------------------------------------------- */

/* Each test is a process of its own (criterion forks): these are per test. */
static char root[PATH_MAX], script[PATH_MAX], old_cwd[PATH_MAX];

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

static void mkdirs(const char *fmt, ...)
{
	char path[PATH_MAX], *p;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	for (p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	cr_assert(!mkdir(path, 0755) || errno == EEXIST, "mkdir %s: %s", path, strerror(errno));
}

/*
 * A private world: $HOME and the working directory are empty directories of a
 * temporary root, $XDG_DATA_HOME is unset. The system directories cannot be
 * made private; tests that would see their files check system_has_mmdb().
 */
static void setup(void)
{
	char tmpl[] = "/tmp/xdt-geoip-XXXXXX", path[PATH_MAX + 8];

	cr_assert_not_null(getcwd(old_cwd, sizeof(old_cwd)));
	if (!realpath(SCRIPT, script))
		cr_skip_test("%s not found: run the tests from the source tree", SCRIPT);
	cr_assert_not_null(mkdtemp(tmpl));
	/* getcwd() resolves symbolic links; so must the expected messages. */
	cr_assert_not_null(realpath(tmpl, root));
	mkdirs("%s/db", root);
	mkdirs("%s/home", root);
	mkdirs("%s/work", root);
	mkdirs("%s/empty", root);
	snprintf(path, sizeof(path), "%s/home", root);
	cr_assert_eq(setenv("HOME", path, 1), 0);
	unsetenv("XDG_DATA_HOME");
	snprintf(path, sizeof(path), "%s/work", root);
	cr_assert_eq(chdir(path), 0);
}

static void teardown(void)
{
	if (old_cwd[0] && chdir(old_cwd))
		cr_log_warn("cannot go back to %s", old_cwd);
	if (root[0])
		nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static int system_has_mmdb(void)
{
	static const char *const dirs[] = { "/usr/share/GeoIP", "/usr/local/share/GeoIP",
					    "/var/lib/GeoIP" };
	size_t i;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		DIR *d = opendir(dirs[i]);
		struct dirent *e;
		int found = 0;

		if (!d)
			continue;
		while ((e = readdir(d)))
			found |= strlen(e->d_name) > 5 &&
				 !strcmp(e->d_name + strlen(e->d_name) - 5, ".mmdb");
		closedir(d);
		if (found)
			return 1;
	}
	return 0;
}

#define SKIP_IF_SYSTEM_DATABASES()                                                            \
	do {                                                                                  \
		if (system_has_mmdb())                                                        \
			cr_skip_test("this machine has .mmdb files in /usr/share/GeoIP, "    \
				     "/usr/local/share/GeoIP or /var/lib/GeoIP: they would " \
				     "answer too");                                           \
	} while (0)

/* Run mkmmdb.pl with the NULL-terminated arguments after @path. */
static void mkdb(const char *type, const char *kind, const char *path, ...)
{
	char type_arg[128];
	const char *argv[32];
	char *args[32];
	int n = 0, i, status;
	va_list ap;
	pid_t pid;

	argv[n++] = "perl";
	argv[n++] = script;
	if (type) {
		snprintf(type_arg, sizeof(type_arg), "--type=%s", type);
		argv[n++] = type_arg;
	}
	argv[n++] = kind;
	argv[n++] = path;
	va_start(ap, path);
	while (n < 31 && (argv[n] = va_arg(ap, const char *)))
		n++;
	va_end(ap);
	argv[n] = NULL;
	/* execvp() takes char *const []: copies, not a cast away from const. */
	for (i = 0; i <= n; i++)
		args[i] = argv[i] ? strdup(argv[i]) : NULL;

	pid = fork();
	cr_assert_geq(pid, 0);
	if (!pid) {
		int null = open("/dev/null", O_WRONLY);

		if (null >= 0)
			dup2(null, STDOUT_FILENO);
		execvp("perl", args);
		_exit(127);
	}
	for (i = 0; i < n; i++)
		free(args[i]);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status), "mkmmdb.pl died");
	if (WEXITSTATUS(status) == 127)
		cr_skip_test("perl not found: the GeoIP databases for this test were not written");
	if (WEXITSTATUS(status) == 2)
		cr_skip_test("Perl's MaxMind::DB::Writer missing (libmaxmind-db-writer-perl): the "
			     "GeoIP databases for this test were not written");
	cr_assert_eq(WEXITSTATUS(status), 0, "mkmmdb.pl %s %s failed", kind, path);
}

static char *at(const char *fmt, ...)
{
	static char buf[8][PATH_MAX];
	static int i;
	char *p = buf[i++ % 8];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p, PATH_MAX, fmt, ap);
	va_end(ap);
	return p;
}

static void city_db(const char *dir)
{
	mkdb(NULL, "city", at("%s/GeoLite2-City.mmdb", dir), "10.213.0.0/16=DE:Berlin",
	     "fd00:213::/64=FR:Paris", "192.0.2.0/24=JP:T\xc5\x8dky\xc5\x8d", NULL);
}

static void asn_db(const char *dir)
{
	mkdb(NULL, "asn", at("%s/GeoLite2-ASN.mmdb", dir), "10.213.0.0/16=64500:Example AS",
	     "fd00:213::/64=64501:Example Net 6", "192.0.2.0/24=64502:Evil\x1b[2JCorp", NULL);
}

/* 10.213.7/24 is AT by the country database and Berlin by the city database. */
static void country_db(const char *dir)
{
	mkdb(NULL, "country", at("%s/GeoLite2-Country.mmdb", dir), "10.213.0.0/16=DE",
	     "10.213.7.0/24=AT", "fd00:213::/64=FR", "192.0.2.0/24=JP", NULL);
}

static struct xdt_geoip *open_all(char *msg, size_t len)
{
	struct xdt_geoip *g;

	city_db(at("%s/db", root));
	country_db(at("%s/db", root));
	asn_db(at("%s/db", root));
	g = xdt_geoip_open(at("%s/db", root), msg, len);
	cr_assert_not_null(g, "%s", msg);
	return g;
}

static int look(struct xdt_geoip *g, const char *text, struct xdt_geo *o)
{
	uint8_t a[16];

	if (strchr(text, ':')) {
		cr_assert_eq(inet_pton(AF_INET6, text, a), 1);
		return xdt_geoip_lookup(g, 6, a, o);
	}
	cr_assert_eq(inet_pton(AF_INET, text, a), 1);
	return xdt_geoip_lookup(g, 4, a, o);
}

Test(geoip, names_each_database_and_its_kind, .init = setup, .fini = teardown)
{
	char msg[1024];
	struct xdt_geoip *g = open_all(msg, sizeof(msg));

	cr_expect_str_eq(msg, at("GeoIP: %s/db/GeoLite2-City.mmdb (city), "
				 "%s/db/GeoLite2-Country.mmdb (country), "
				 "%s/db/GeoLite2-ASN.mmdb (asn)",
				 root, root, root));
	xdt_geoip_close(g);
}

Test(geoip, finds_country_city_and_as_of_an_ipv4_address, .init = setup, .fini = teardown)
{
	char msg[1024];
	struct xdt_geoip *g = open_all(msg, sizeof(msg));
	struct xdt_geo o;

	cr_expect_eq(look(g, "10.213.1.2", &o), 1);
	cr_expect_str_eq(o.country, "DE");
	cr_expect_str_eq(o.city, "Berlin");
	cr_expect_eq(o.asn, 64500);
	cr_expect_str_eq(o.as_org, "Example AS");
	cr_expect_str_eq(o.special, "", "a database entry wins over the label \"private\"");
	xdt_geoip_close(g);
}

Test(geoip, finds_country_city_and_as_of_an_ipv6_address, .init = setup, .fini = teardown)
{
	char msg[1024];
	struct xdt_geoip *g = open_all(msg, sizeof(msg));
	struct xdt_geo o;

	cr_expect_eq(look(g, "fd00:213::5", &o), 1);
	cr_expect_str_eq(o.country, "FR");
	cr_expect_str_eq(o.city, "Paris");
	cr_expect_eq(o.asn, 64501);
	cr_expect_str_eq(o.as_org, "Example Net 6");
	cr_expect_str_eq(o.special, "", "a database entry wins over \"unique-local\"");
	xdt_geoip_close(g);
}

Test(geoip, looks_up_an_ipv4_mapped_address_as_ipv4, .init = setup, .fini = teardown)
{
	char msg[1024];
	struct xdt_geoip *g = open_all(msg, sizeof(msg));
	struct xdt_geo o;

	cr_expect_eq(look(g, "::ffff:10.213.1.2", &o), 1);
	cr_expect_str_eq(o.country, "DE");
	cr_expect_str_eq(o.city, "Berlin");
	cr_expect_eq(o.asn, 64500);
	cr_expect_eq(look(g, "::ffff:10.99.0.1", &o), 1);
	cr_expect_str_eq(o.special, "private");
	xdt_geoip_close(g);
}

Test(geoip, takes_the_country_from_the_country_database_when_there_is_one, .init = setup,
     .fini = teardown)
{
	char msg[1024];
	struct xdt_geoip *g = open_all(msg, sizeof(msg));
	struct xdt_geo o;

	cr_expect_eq(look(g, "10.213.7.1", &o), 1);
	cr_expect_str_eq(o.country, "AT");
	cr_expect_str_eq(o.city, "Berlin");
	xdt_geoip_close(g);
}

Test(geoip, labels_a_special_address_that_no_database_knows, .init = setup, .fini = teardown)
{
	char msg[1024];
	struct xdt_geoip *g = open_all(msg, sizeof(msg));
	struct xdt_geo o;

	cr_expect_eq(look(g, "10.99.0.1", &o), 1);
	cr_expect_str_eq(o.special, "private");
	cr_expect_str_eq(o.country, "");
	cr_expect_eq(o.asn, 0);
	cr_expect_eq(look(g, "fd00:99::1", &o), 1);
	cr_expect_str_eq(o.special, "unique-local");
	cr_expect_eq(look(g, "127.0.0.1", &o), 1);
	cr_expect_str_eq(o.special, "loopback");
	xdt_geoip_close(g);
}

Test(geoip, knows_nothing_of_a_public_address_outside_the_databases, .init = setup,
     .fini = teardown)
{
	char msg[1024];
	struct xdt_geoip *g = open_all(msg, sizeof(msg));
	struct xdt_geo o;

	cr_expect_eq(look(g, "8.8.8.8", &o), 0);
	cr_expect(!o.special[0] && !o.country[0] && !o.city[0] && !o.asn && !o.as_org[0]);
	cr_expect_eq(look(g, "2606:4700::1111", &o), 0);
	cr_expect_eq(look(g, "::ffff:8.8.8.8", &o), 0);
	cr_expect_eq(xdt_geoip_lookup(g, 5, (const uint8_t[16]){ 10, 213, 1, 2 }, &o), 0,
		     "an unknown family");
	xdt_geoip_close(g);
}

Test(geoip, keeps_utf8_names_and_defuses_control_characters, .init = setup, .fini = teardown)
{
	char msg[1024];
	struct xdt_geoip *g = open_all(msg, sizeof(msg));
	struct xdt_geo o;

	cr_expect_eq(look(g, "192.0.2.1", &o), 1);
	cr_expect_str_eq(o.city, "T\xc5\x8dky\xc5\x8d");
	cr_expect_str_eq(o.as_org, "Evil?[2JCorp", "no escape sequence reaches the terminal");
	xdt_geoip_close(g);
}

Test(geoip, cuts_a_long_name_on_a_character_boundary, .init = setup, .fini = teardown)
{
	char msg[1024], arg[400];
	struct xdt_geoip *g;
	struct xdt_geo o;
	size_t i, n;

	/* "64503:" then 'x', then 2-byte characters: byte 95 would split one. */
	n = (size_t)snprintf(arg, sizeof(arg), "198.51.100.0/24=64503:x");
	for (i = 0; i < 60; i++)
		n += (size_t)snprintf(arg + n, sizeof(arg) - n, "\xc3\xa9");
	mkdb(NULL, "asn", at("%s/db/GeoLite2-ASN.mmdb", root), arg, NULL);
	city_db(at("%s/db", root));
	g = xdt_geoip_open(at("%s/db", root), msg, sizeof(msg));
	cr_assert_not_null(g, "%s", msg);
	cr_expect_eq(look(g, "198.51.100.1", &o), 1);
	cr_expect_eq(o.asn, 64503);
	cr_expect_eq(strlen(o.as_org), 1 + 2 * 47, "95 bytes: x and 47 whole characters");
	xdt_geoip_close(g);
}

Test(geoip, answers_the_same_from_its_cache, .init = setup, .fini = teardown)
{
	char msg[1024];
	struct xdt_geoip *g = open_all(msg, sizeof(msg));
	struct xdt_geo a, b;
	int i;

	for (i = 0; i < 3; i++) {
		cr_expect_eq(look(g, "10.213.1.2", &a), 1);
		cr_expect_eq(look(g, "::ffff:10.213.1.2", &b), 1);
		cr_expect_eq(memcmp(&a, &b, sizeof(a)), 0);
		cr_expect_str_eq(a.city, "Berlin");
		cr_expect_eq(look(g, "10.99.0.1", &a), 1);
		cr_expect_str_eq(a.special, "private");
		cr_expect_eq(look(g, "8.8.8.8", &a), 0);
	}
	xdt_geoip_close(g);
}

struct worker {
	struct xdt_geoip *g;
	unsigned int seed;
	int wrong;
};

/* More distinct addresses than cache slots, so collisions overwrite as we read. */
static void *hammer(void *arg)
{
	struct worker *w = arg;
	struct xdt_geo o;
	uint8_t a[16] = { 0 };
	int i;

	for (i = 0; i < 40000; i++) {
		unsigned int r = (unsigned int)rand_r(&w->seed);

		if (r & 1) {
			a[0] = 10, a[1] = (r & 2) ? 213 : 99, a[2] = (uint8_t)(r >> 8);
			a[3] = (uint8_t)(r >> 16);
			if (xdt_geoip_lookup(w->g, 4, a, &o) != 1 ||
			    (a[1] == 213 ? (o.asn != 64500 || strcmp(o.city, "Berlin") ||
					    strcmp(o.country, a[2] == 7 ? "AT" : "DE"))
					 : strcmp(o.special, "private")))
				w->wrong++;
		} else {
			static const uint8_t pfx[8] = { 0xfd, 0, 0x02, 0x13 };

			memcpy(a, pfx, 8);
			a[14] = (uint8_t)(r >> 8);
			a[15] = (uint8_t)(r >> 16);
			if (xdt_geoip_lookup(w->g, 6, a, &o) != 1 || o.asn != 64501 ||
			    strcmp(o.city, "Paris"))
				w->wrong++;
		}
	}
	return NULL;
}

Test(geoip, gives_right_answers_to_concurrent_readers, .init = setup, .fini = teardown)
{
	char msg[1024];
	struct xdt_geoip *g = open_all(msg, sizeof(msg));
	struct worker w[4];
	pthread_t t[4];
	int i;

	for (i = 0; i < 4; i++) {
		w[i] = (struct worker){ g, (unsigned int)i + 1, 0 };
		cr_assert_eq(pthread_create(&t[i], NULL, hammer, &w[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		cr_expect_eq(w[i].wrong, 0, "reader %d: %d wrong answers", i, w[i].wrong);
	}
	xdt_geoip_close(g);
}

/* --- where the databases are found --------------------------------------------- */

Test(geoip, answers_country_from_the_city_database_without_a_country_database, .init = setup,
     .fini = teardown)
{
	char msg[1024];
	struct xdt_geoip *g;
	struct xdt_geo o;

	SKIP_IF_SYSTEM_DATABASES();
	city_db(at("%s/db", root));
	asn_db(at("%s/db", root));
	g = xdt_geoip_open(at("%s/db", root), msg, sizeof(msg));
	cr_assert_not_null(g, "%s", msg);
	cr_expect_str_eq(msg, at("GeoIP: %s/db/GeoLite2-City.mmdb (city), "
				 "%s/db/GeoLite2-ASN.mmdb (asn)",
				 root, root));
	cr_expect_eq(look(g, "10.213.7.1", &o), 1);
	cr_expect_str_eq(o.country, "DE");
	cr_expect_str_eq(o.city, "Berlin");
	xdt_geoip_close(g);
}

Test(geoip, fails_without_databases_and_says_where_it_looked, .init = setup, .fini = teardown)
{
	char msg[1024];

	SKIP_IF_SYSTEM_DATABASES();
	errno = 0;
	cr_expect_null(xdt_geoip_open(at("%s/empty", root), msg, sizeof(msg)));
	cr_expect_eq(errno, ENOENT);
	cr_expect_str_eq(msg, at("GeoIP: no database found (looked in %s/empty, "
				 "%s/home/.local/share/xdptop/geoip, /usr/share/GeoIP, "
				 "/usr/local/share/GeoIP, /var/lib/GeoIP, %s/work): no countries "
				 "or ASes; see xdptop(8) ENRICHMENT",
				 root, root, root));
	/* Without $HOME there is no default data directory. */
	unsetenv("HOME");
	cr_expect_null(xdt_geoip_open(NULL, msg, sizeof(msg)));
	cr_expect_str_eq(msg, at("GeoIP: no database found (looked in /usr/share/GeoIP, "
				 "/usr/local/share/GeoIP, /var/lib/GeoIP, %s/work): no countries "
				 "or ASes; see xdptop(8) ENRICHMENT",
				 root));
	/* A short buffer gets a cut, terminated message. */
	cr_expect_null(xdt_geoip_open(NULL, msg, 12));
	cr_expect_str_eq(msg, "GeoIP: no d");
}

Test(geoip, finds_databases_in_xdg_data_home, .init = setup, .fini = teardown)
{
	char msg[1024], *dir = at("%s/xdg/xdptop/geoip", root);
	struct xdt_geoip *g;

	mkdirs("%s", dir);
	city_db(dir);
	cr_assert_eq(setenv("XDG_DATA_HOME", at("%s/xdg", root), 1), 0);
	g = xdt_geoip_open(NULL, msg, sizeof(msg));
	cr_assert_not_null(g, "%s", msg);
	cr_expect(strstr(msg, at("%s/GeoLite2-City.mmdb (city)", dir)), "%s", msg);
	xdt_geoip_close(g);
}

Test(geoip, finds_databases_in_home_without_xdg_data_home, .init = setup, .fini = teardown)
{
	char msg[1024], *dir = at("%s/home/.local/share/xdptop/geoip", root);
	struct xdt_geoip *g;

	mkdirs("%s", dir);
	asn_db(dir);
	g = xdt_geoip_open(NULL, msg, sizeof(msg));
	cr_assert_not_null(g, "%s", msg);
	cr_expect(strstr(msg, at("%s/GeoLite2-ASN.mmdb (asn)", dir)), "%s", msg);
	xdt_geoip_close(g);
}

Test(geoip, finds_databases_in_the_working_directory, .init = setup, .fini = teardown)
{
	char msg[1024];
	struct xdt_geoip *g;

	SKIP_IF_SYSTEM_DATABASES();
	city_db(at("%s/work", root));
	g = xdt_geoip_open(NULL, msg, sizeof(msg));
	cr_assert_not_null(g, "%s", msg);
	cr_expect_str_eq(msg, at("GeoIP: %s/work/GeoLite2-City.mmdb (city)", root));
	xdt_geoip_close(g);
}

Test(geoip, prefers_the_given_directory_to_xdg_data_home, .init = setup, .fini = teardown)
{
	char msg[1024], *xdg = at("%s/xdg/xdptop/geoip", root);
	struct xdt_geoip *g;
	struct xdt_geo o;

	mkdirs("%s", xdg);
	mkdb(NULL, "city", at("%s/GeoLite2-City.mmdb", xdg), "10.213.0.0/16=US:Boston", NULL);
	city_db(at("%s/db", root));
	cr_assert_eq(setenv("XDG_DATA_HOME", at("%s/xdg", root), 1), 0);
	g = xdt_geoip_open(at("%s/db", root), msg, sizeof(msg));
	cr_assert_not_null(g, "%s", msg);
	cr_expect_eq(look(g, "10.213.1.2", &o), 1);
	cr_expect_str_eq(o.city, "Berlin");
	xdt_geoip_close(g);
}

Test(geoip, tells_the_kind_by_database_type_not_by_name, .init = setup, .fini = teardown)
{
	char msg[1024], *db = at("%s/db", root);
	struct xdt_geoip *g;
	struct xdt_geo o;

	mkdb("DBIP-City-Lite", "city", at("%s/dbip-city-lite-2024-06.mmdb", db),
	     "10.213.0.0/16=DE:Berlin", NULL);
	mkdb("DBIP-ASN-Lite (compat=GeoLite2-ASN)", "asn", at("%s/mine.mmdb", db),
	     "10.213.0.0/16=64500:Example AS", NULL);
	mkdb("My-IP-Data", "asn", at("%s/other.mmdb", db), "10.213.0.0/16=1:Nobody", NULL);
	/* A trailing '/' does not double in the names. */
	g = xdt_geoip_open(at("%s/", db), msg, sizeof(msg));
	cr_assert_not_null(g, "%s", msg);
	cr_expect(strstr(msg, at("%s/dbip-city-lite-2024-06.mmdb (city)", db)), "%s", msg);
	cr_expect(strstr(msg, at("%s/mine.mmdb (asn)", db)), "%s", msg);
	cr_expect(strstr(msg, at("skipped %s/other.mmdb (type My-IP-Data)", db)), "%s", msg);
	cr_expect_eq(look(g, "10.213.1.2", &o), 1);
	cr_expect_str_eq(o.city, "Berlin");
	cr_expect_eq(o.asn, 64500);
	xdt_geoip_close(g);
}

Test(geoip, takes_the_newest_db_ip_file_of_a_directory, .init = setup, .fini = teardown)
{
	char msg[1024], *db = at("%s/db", root);
	struct xdt_geoip *g;
	struct xdt_geo o;

	mkdb("DBIP-City-Lite", "city", at("%s/dbip-city-lite-2024-05.mmdb", db),
	     "10.213.0.0/16=US:Old", NULL);
	mkdb("DBIP-City-Lite", "city", at("%s/dbip-city-lite-2024-06.mmdb", db),
	     "10.213.0.0/16=DE:New", NULL);
	g = xdt_geoip_open(db, msg, sizeof(msg));
	cr_assert_not_null(g, "%s", msg);
	cr_expect_eq(look(g, "10.213.1.2", &o), 1);
	cr_expect_str_eq(o.city, "New");
	xdt_geoip_close(g);
}

Test(geoip, skips_a_file_that_is_not_a_database_and_says_so, .init = setup, .fini = teardown)
{
	char msg[1024], *db = at("%s/db", root);
	struct xdt_geoip *g;
	struct xdt_geo o;
	FILE *f = fopen(at("%s/GeoLite2-City.mmdb", db), "w");

	cr_assert_not_null(f);
	fputs("not a database\n", f);
	fclose(f);
	mkdb("DBIP-City-Lite", "city", at("%s/dbip-city-lite-2024-06.mmdb", db),
	     "10.213.0.0/16=DE:Berlin", NULL);
	g = xdt_geoip_open(db, msg, sizeof(msg));
	cr_assert_not_null(g, "%s", msg);
	cr_expect(strstr(msg, at("%s/dbip-city-lite-2024-06.mmdb (city)", db)), "%s", msg);
	cr_expect(strstr(msg, at("; skipped %s/GeoLite2-City.mmdb (", db)), "%s", msg);
	cr_expect_null(strchr(msg, '\n'));
	cr_expect_eq(look(g, "10.213.1.2", &o), 1);
	cr_expect_str_eq(o.city, "Berlin");
	xdt_geoip_close(g);
}
