// SPDX-License-Identifier: GPL-2.0-only
#include <criterion/criterion.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"

/*
 * Every test runs in a directory of its own, with $HOME in it and no
 * $XDG_CONFIG_HOME, so that no real configuration file is found.
 */
static char tmp[64], home[128], cwd[128], old_cwd[PATH_MAX];

static void setup(void)
{
	strcpy(tmp, "/tmp/xdt-config-XXXXXX");
	cr_assert(mkdtemp(tmp), "mkdtemp: %s", strerror(errno));
	snprintf(home, sizeof(home), "%s/home", tmp);
	snprintf(cwd, sizeof(cwd), "%s/cwd", tmp);
	cr_assert_eq(mkdir(home, 0700), 0);
	cr_assert_eq(mkdir(cwd, 0700), 0);
	cr_assert(getcwd(old_cwd, sizeof(old_cwd)));
	cr_assert_eq(chdir(cwd), 0);
	setenv("HOME", home, 1);
	unsetenv("XDG_CONFIG_HOME");
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static void teardown(void)
{
	cr_assert_eq(chdir(old_cwd), 0);
	nftw(tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

TestSuite(config, .init = setup, .fini = teardown);

/* @text into @dir/@name (directories made as needed); the path, static. */
static const char *put(const char *dir, const char *name, const char *text)
{
	static char path[PATH_MAX];
	char *slash;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	for (slash = strchr(path + strlen(dir) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0700);
		*slash = '/';
	}
	f = fopen(path, "w");
	cr_assert(f, "%s: %s", path, strerror(errno));
	fputs(text, f);
	fclose(f);
	return path;
}

struct run {
	int rc;		/* xdt_config_argv */
	int parse_rc;	/* xdt_cli_parse_ex, if that succeeded */
	struct xdt_opts o;
	char err[2048];
	int argc;
	char **argv;
	char *used;
};

static void run_argv(struct run *r, int argc, char **argv)
{
	FILE *f;

	memset(r, 0, sizeof(*r));
	f = fmemopen(r->err, sizeof(r->err) - 1, "w");
	r->rc = xdt_config_argv(argc, argv, &r->argc, &r->argv, &r->used, f);
	r->parse_rc = -1;
	if (!r->rc)
		r->parse_rc = xdt_cli_parse_ex(r->argc, r->argv, r->argc - argc, &r->o, f);
	fclose(f);
}

static void run_free(struct run *r)
{
	xdt_config_free(r->argc, r->argv, r->used);
}

/* The configuration and command line given; the struct run's words stay alive. */
#define RUN(r, ...)                                                           \
	do {                                                                  \
		char *argv_[] = { "xdptop", __VA_ARGS__, NULL };              \
		run_argv(r, (int)(sizeof(argv_) / sizeof(argv_[0])) - 1, argv_); \
	} while (0)

/* The configuration in a file named with --config, and the other arguments. */
#define RUN_FILE(r, text, ...)                                                   \
	do {                                                                     \
		char path_[PATH_MAX];                                            \
		snprintf(path_, sizeof(path_), "%s", put(tmp, "c.yml", text));   \
		RUN(r, "--config", path_, ##__VA_ARGS__);                        \
	} while (0)

/* The one error a file gives: "xdptop: <tmp>/c.yml:<msg>\n". */
static void assert_error(const struct run *r, int rc, const char *msg)
{
	char want[PATH_MAX + 256];

	snprintf(want, sizeof(want), "xdptop: %s/c.yml:%s\n", tmp, msg);
	cr_assert_eq(r->rc, rc, "rc %d: %s", r->rc, r->err);
	cr_assert_str_eq(r->err, want);
	cr_assert_null(r->argv);
}

Test(config, turns_keys_into_the_words_they_stand_for)
{
	struct run r;

	RUN_FILE(&r, "json: true\ninterval: 5\nno-dpi: false\n", "--no-geoip");
	cr_assert_eq(r.rc, 0, "%s", r.err);
	cr_assert_eq(r.argc, 7);
	cr_assert_str_eq(r.argv[0], "xdptop");
	cr_assert_str_eq(r.argv[1], "--json");
	cr_assert_str_eq(r.argv[2], "--interval");
	cr_assert_str_eq(r.argv[3], "5");
	cr_assert_str_eq(r.argv[4], "--config");
	cr_assert_str_eq(r.argv[6], "--no-geoip");
	cr_assert_null(r.argv[7]);
	cr_assert_eq(r.parse_rc, 0, "%s", r.err);
	cr_assert_str_eq(r.used, r.argv[5]);
	run_free(&r);
}

Test(config, reads_flags_values_and_numbers)
{
	struct run r;

	RUN_FILE(&r, "# comment\n"
		     "json: true\n"
		     "no-dpi: yes\n"
		     "no-geoip: On\n"
		     "no-resolve: FALSE\n"
		     "mirror: off\n"
		     "interval: 0.5\n"
		     "max-flows: 1000\n"
		     "dpi-bytes: 64\n"
		     "geoip-dir: /srv/geo ip\n"
		     "backend: \"pcap\"\n");
	cr_assert_eq(r.rc, 0, "%s", r.err);
	cr_assert_eq(r.parse_rc, 0, "%s", r.err);
	cr_assert_eq(r.o.json, 1);
	cr_assert_eq(r.o.no_dpi, 1);
	cr_assert_eq(r.o.no_geoip, 1);
	cr_assert_eq(r.o.no_resolve, 0);
	cr_assert_eq(r.o.mirror, 0);
	cr_assert_eq(r.o.interval_ns, 500000000ULL);
	cr_assert_eq(r.o.max_flows, 1000);
	cr_assert_eq(r.o.dpi_bytes, 64);
	cr_assert_str_eq(r.o.geoip_dir, "/srv/geo ip");
	cr_assert_eq(r.o.backend, XDT_BACKEND_PCAP);
	run_free(&r);
}

Test(config, takes_an_interface_list_or_one_name)
{
	struct run r;

	RUN_FILE(&r, "interface: [eth0, eth1]\n");
	cr_assert_eq(r.parse_rc, 0, "%s", r.err);
	cr_assert_eq(r.o.n_ifnames, 2);
	cr_assert_str_eq(r.o.ifnames[0], "eth0");
	cr_assert_str_eq(r.o.ifnames[1], "eth1");
	run_free(&r);

	RUN_FILE(&r, "interface:\n  - wlan0\n  - eth0\n  - br0\n");
	cr_assert_eq(r.parse_rc, 0, "%s", r.err);
	cr_assert_eq(r.o.n_ifnames, 3);
	cr_assert_str_eq(r.o.ifnames[2], "br0");
	run_free(&r);

	RUN_FILE(&r, "interface: eth2\n");
	cr_assert_eq(r.parse_rc, 0, "%s", r.err);
	cr_assert_eq(r.o.n_ifnames, 1);
	cr_assert_str_eq(r.o.ifnames[0], "eth2");
	run_free(&r);
}

Test(config, sets_nothing_from_an_empty_file_or_comments)
{
	struct run r;

	RUN_FILE(&r, "");
	cr_assert_eq(r.rc, 0, "%s", r.err);
	cr_assert_eq(r.argc, 3);
	run_free(&r);
	RUN_FILE(&r, "# interval: 5\n\n   # nothing else\n");
	cr_assert_eq(r.rc, 0, "%s", r.err);
	cr_assert_eq(r.argc, 3);
	cr_assert_eq(r.parse_rc, 0);
	cr_assert_eq(r.o.interval_ns, XDT_DEFAULT_INTERVAL_NS);
	run_free(&r);
}

Test(config, lets_the_command_line_win)
{
	struct run r;

	RUN_FILE(&r, "interval: 5\njson: true\n", "--interval", "2");
	cr_assert_eq(r.parse_rc, 0, "%s", r.err);
	cr_assert_eq(r.o.interval_ns, 2000000000ULL);
	cr_assert_eq(r.o.json, 1);
	run_free(&r);

	/* The command line's interfaces replace the file's, not add to them. */
	RUN_FILE(&r, "interface: [eth0, eth1]\n", "-i", "wlan0", "--interface=br0");
	cr_assert_eq(r.parse_rc, 0, "%s", r.err);
	cr_assert_eq(r.o.n_ifnames, 2);
	cr_assert_str_eq(r.o.ifnames[0], "wlan0");
	cr_assert_str_eq(r.o.ifnames[1], "br0");
	run_free(&r);

	/* 16 from the file and one on the command line: the file's are gone. */
	RUN_FILE(&r, "interface: [a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p]\n", "-i", "q");
	cr_assert_eq(r.parse_rc, 0, "%s", r.err);
	cr_assert_eq(r.o.n_ifnames, 1);
	run_free(&r);
}

Test(config, leaves_live_capture_settings_out_of_a_replay)
{
	struct run r;

	RUN_FILE(&r, "interval: 5\nduration: 60\nsnaplen: 128\nbackend: afxdp\nmirror: true\n"
		     "interface: [span0]\njson: true\n",
		 "-r", "x.pcap");
	cr_assert_eq(r.parse_rc, 0, "%s", r.err);
	cr_assert_str_eq(r.o.read_path, "x.pcap");
	cr_assert_eq(r.o.n_ifnames, 0);
	cr_assert_eq(r.o.mirror, 0);
	cr_assert_eq(r.o.backend, XDT_BACKEND_AUTO);
	cr_assert_eq(r.o.interval_ns, XDT_DEFAULT_INTERVAL_NS);
	cr_assert_eq(r.o.duration_ns, 0);
	cr_assert_eq(r.o.snaplen, XDT_DEFAULT_SNAPLEN);
	cr_assert_eq(r.o.json, 1);
	run_free(&r);

	/* The same options on the command line are still refused with -r. */
	RUN_FILE(&r, "json: true\n", "-r", "x.pcap", "--interval", "2");
	cr_assert_eq(r.parse_rc, -EINVAL);
	cr_assert(strstr(r.err, "--interval applies to live capture only"), "%s", r.err);
	run_free(&r);
}

Test(config, gives_a_replay_in_the_file_up_for_an_interface_on_the_command_line)
{
	struct run r;

	RUN_FILE(&r, "read: x.pcap\n", "-i", "eth0");
	cr_assert_eq(r.parse_rc, 0, "%s", r.err);
	cr_assert_null(r.o.read_path);
	cr_assert_eq(r.o.n_ifnames, 1);
	run_free(&r);
}

Test(config, still_refuses_contradictions_wherever_they_come_from)
{
	struct run r;

	RUN_FILE(&r, "no-sandbox: true\n", "--sandbox-strict");
	cr_assert_eq(r.rc, 0, "%s", r.err);
	cr_assert_eq(r.parse_rc, -EINVAL);
	cr_assert(strstr(r.err, "--no-sandbox and --sandbox-strict"), "%s", r.err);
	run_free(&r);

	/* Each key alone is fine; together they are not. */
	RUN_FILE(&r, "backend: afxdp\n");
	cr_assert_eq(r.rc, 0, "%s", r.err);
	cr_assert_eq(r.parse_rc, -EINVAL);
	cr_assert(strstr(r.err, "add --mirror"), "%s", r.err);
	run_free(&r);
	RUN_FILE(&r, "backend: afxdp\n", "--mirror");
	cr_assert_eq(r.parse_rc, 0, "%s", r.err);
	run_free(&r);
}

Test(config, names_file_and_line_of_an_unknown_key)
{
	struct run r;

	RUN_FILE(&r, "json: true\n\nx: 1\n");
	assert_error(&r, -EINVAL, "3: unknown key 'x'");
}

Test(config, names_both_lines_of_a_key_given_twice)
{
	struct run r;

	RUN_FILE(&r, "json: true\ninterval: 2\n# again\njson: false\n");
	assert_error(&r, -EINVAL, "4: key 'json' given twice (first on line 1)");
}

Test(config, gives_the_parsers_message_for_a_bad_value)
{
	struct run r;

	RUN_FILE(&r, "json: true\ninterval: soon\n");
	assert_error(&r, -EINVAL, "2: --interval: 'soon' is not a positive number of seconds");
	RUN_FILE(&r, "max-flows: 1e3\n");
	assert_error(&r, -EINVAL, "1: --max-flows: '1e3' is not a whole number from 1 to 67108864");
	RUN_FILE(&r, "backend: dpdk\n");
	assert_error(&r, -EINVAL, "1: --backend: 'dpdk' is not one of auto, xdp, afxdp, pcap");
	RUN_FILE(&r, "interface: [a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q]\n");
	assert_error(&r, -EINVAL, "1: -i/--interface: at most 16 interfaces");
}

Test(config, takes_only_booleans_for_a_flag)
{
	struct run r;

	RUN_FILE(&r, "json: maybe\n");
	assert_error(&r, -EINVAL, "1: json: 'maybe' is not true or false");
	RUN_FILE(&r, "json: 1\n");
	assert_error(&r, -EINVAL, "1: json: '1' is not true or false");
	RUN_FILE(&r, "json: [true]\n");
	assert_error(&r, -EINVAL, "1: json takes true or false, not a list");
}

Test(config, wants_one_value_for_an_option_with_a_value)
{
	struct run r;

	RUN_FILE(&r, "interval: [1, 2]\n");
	assert_error(&r, -EINVAL, "1: interval takes one value, not a list");
	RUN_FILE(&r, "geoip-dir:\n");
	assert_error(&r, -EINVAL, "1: geoip-dir needs a value");
	RUN_FILE(&r, "interface:\n  - eth0\n  - {name: eth1}\n");
	assert_error(&r, -EINVAL, "3: interface takes one value, not a mapping");
}

Test(config, refuses_options_that_belong_on_the_command_line)
{
	static const char *const names[] = { "help", "version", "probe", "config", "no-config" };
	char text[64], msg[128];
	struct run r;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		cr_assert_geq(xdt_cli_option_kind(names[i]), 0, "%s", names[i]);
		snprintf(text, sizeof(text), "json: true\n%s: %s\n", names[i],
			 xdt_cli_option_kind(names[i]) ? "x.yml" : "true");
		RUN_FILE(&r, text);
		snprintf(msg, sizeof(msg),
			 "2: '%s' belongs on the command line, not in a configuration file",
			 names[i]);
		assert_error(&r, -EINVAL, msg);
	}
}

Test(config, reports_every_bad_key)
{
	char want[3 * PATH_MAX];
	struct run r;

	RUN_FILE(&r, "colour: red\njson: true\nsnaplen: 10\n");
	snprintf(want, sizeof(want),
		 "xdptop: %s/c.yml:1: unknown key 'colour'\n"
		 "xdptop: %s/c.yml:3: --snaplen: '10' is not a whole number from 64 to 262144\n",
		 tmp, tmp);
	cr_assert_eq(r.rc, -EINVAL);
	cr_assert_str_eq(r.err, want);
}

Test(config, gives_line_and_column_of_a_syntax_error)
{
	struct run r;

	RUN_FILE(&r, "json: true\ninterval: 5: 6\n");
	assert_error(&r, -EINVAL, "2:12: mapping values are not allowed in this context");
	RUN_FILE(&r, "interval: 5\ninterface: [eth0\n");
	assert_error(&r, -EINVAL,
		     "3:1: did not find expected ',' or ']' "
		     "(while parsing a flow sequence on line 2)");
}

Test(config, wants_a_mapping_and_one_document)
{
	struct run r;

	RUN_FILE(&r, "- json\n- interval\n");
	assert_error(&r, -EINVAL,
		     "1: the file is not a mapping of option names to values (e.g. 'interval: 5')");
	RUN_FILE(&r, "json: true\n---\ninterval: 3\n");
	assert_error(&r, -EINVAL, "3: a second YAML document; the file holds one mapping");
}

Test(config, says_when_the_named_file_cannot_be_read)
{
	struct run r;

	RUN(&r, "--config", "/nonexistent/x.yml");
	cr_assert_eq(r.rc, -ENOENT);
	cr_assert_str_eq(r.err,
			 "xdptop: --config: cannot read /nonexistent/x.yml: "
			 "No such file or directory\n");
	RUN(&r, "--config=/nonexistent/y.yml");
	cr_assert_eq(r.rc, -ENOENT);
	cr_assert_str_eq(r.err,
			 "xdptop: --config: cannot read /nonexistent/y.yml: "
			 "No such file or directory\n");
}

Test(config, takes_the_file_as_config_equals_path)
{
	char arg[PATH_MAX + 16];
	struct run r;

	snprintf(arg, sizeof(arg), "--config=%s", put(tmp, "other.yml", "dpi-packets: 7\n"));
	RUN(&r, arg);
	cr_assert_eq(r.parse_rc, 0, "%s", r.err);
	cr_assert_eq(r.o.dpi_packets, 7);
	run_free(&r);
}

Test(config, says_when_a_file_on_the_search_path_cannot_be_read)
{
	struct run r;

	/* Root reads any mode: a directory stands for an unreadable file. */
	cr_assert_eq(mkdir("config.yml", 0700), 0);
	RUN(&r, "--json");
	cr_assert_eq(r.rc, -EISDIR);
	cr_assert_str_eq(r.err, "xdptop: cannot read the configuration file config.yml: "
				"Is a directory (--no-config reads none)\n");
}

Test(config, reads_nothing_with_no_config_or_help)
{
	struct run r;

	put(cwd, "config.yml", "colour: red\n");
	RUN(&r, "--no-config", "--json");
	cr_assert_eq(r.rc, 0, "%s", r.err);
	cr_assert_null(r.used);
	cr_assert_eq(r.argc, 3);
	cr_assert_eq(r.parse_rc, 0, "%s", r.err);
	run_free(&r);
	RUN(&r, "--help");
	cr_assert_eq(r.rc, 0, "%s", r.err);
	cr_assert_null(r.used);
	run_free(&r);
	/* The bad file is found without them. */
	RUN(&r, "--json");
	cr_assert_eq(r.rc, -EINVAL);
	cr_assert_str_eq(r.err, "xdptop: config.yml:1: unknown key 'colour'\n");
}

Test(config, honours_xdg_config_home_first)
{
	char xdg[PATH_MAX + 8], want[PATH_MAX + 32];
	struct run r;

	snprintf(xdg, sizeof(xdg), "%s/xdg", tmp);
	put(tmp, "xdg/xdptop/config.yml", "interval: 3\n");
	put(home, ".config/xdptop/config.yml", "interval: 4\n");
	put(cwd, "config.yml", "interval: 5\n");
	setenv("XDG_CONFIG_HOME", xdg, 1);
	RUN(&r, "--json");
	cr_assert_eq(r.parse_rc, 0, "%s", r.err);
	snprintf(want, sizeof(want), "%s/xdptop/config.yml", xdg);
	cr_assert_str_eq(r.used, want);
	cr_assert_eq(r.o.interval_ns, 3000000000ULL);
	run_free(&r);
}

Test(config, looks_in_home_dot_config_then_the_working_directory)
{
	char want[PATH_MAX + 32];
	struct run r;

	put(home, ".config/xdptop/config.yml", "interval: 4\n");
	put(cwd, "config.yml", "interval: 5\n");
	RUN(&r, "--json");
	cr_assert_eq(r.parse_rc, 0, "%s", r.err);
	snprintf(want, sizeof(want), "%s/.config/xdptop/config.yml", home);
	cr_assert_str_eq(r.used, want);
	cr_assert_eq(r.o.interval_ns, 4000000000ULL);
	run_free(&r);

	/* An empty $XDG_CONFIG_HOME means ~/.config too. */
	setenv("XDG_CONFIG_HOME", "", 1);
	RUN(&r, "--json");
	cr_assert_str_eq(r.used, want);
	run_free(&r);

	unlink(want);
	RUN(&r, "--json");
	cr_assert_eq(r.parse_rc, 0, "%s", r.err);
	cr_assert_str_eq(r.used, "config.yml");
	cr_assert_eq(r.o.interval_ns, 5000000000ULL);
	run_free(&r);

	unlink("config.yml");
	RUN(&r, "--json");
	cr_assert_eq(r.rc, 0, "%s", r.err);
	cr_assert_null(r.used);
	cr_assert_eq(r.argc, 2);
	run_free(&r);
}

/*
 * Every long option can be set from a file and lands in struct xdt_opts. A new
 * option fails this test until it has a sample here.
 */
struct sample {
	const char *name, *yaml;
	int (*landed)(const struct xdt_opts *o);
};

static int landed_interface(const struct xdt_opts *o)
{
	return o->n_ifnames == 1 && !strcmp(o->ifnames[0], "eth9");
}

static int landed_read(const struct xdt_opts *o)
{
	return o->read_path && !strcmp(o->read_path, "x.pcap");
}

static int landed_geoip_dir(const struct xdt_opts *o)
{
	return o->geoip_dir && !strcmp(o->geoip_dir, "/srv/geoip");
}

#define LANDED(field, value)                                       \
	static int landed_##field(const struct xdt_opts *o)        \
	{                                                          \
		return o->field == (value);                        \
	}
LANDED(json, 1)
LANDED(interval_ns, 2500000000ULL)
LANDED(duration_ns, 3000000000ULL)
LANDED(max_flows, 1000)
LANDED(snaplen, 128)
LANDED(backend, XDT_BACKEND_PCAP)
LANDED(dpi_packets, 2)
LANDED(dpi_bytes, 64)
LANDED(mirror, 1)
LANDED(no_dpi, 1)
LANDED(no_kernel_proc, 1)
LANDED(exit_on_iface_loss, 1)
LANDED(refresh_ms, 250)
LANDED(no_geoip, 1)
LANDED(no_resolve, 1)
LANDED(resolve_rate, 5)
LANDED(no_sandbox, 1)
LANDED(sandbox_strict, 1)

static int str_landed(const char *v, const char *want)
{
	return v && !strcmp(v, want);
}

static int landed_log_dir(const struct xdt_opts *o)
{
	return str_landed(o->log_dir, "/var/log/xdt");
}

static int landed_json_log(const struct xdt_opts *o)
{
	return str_landed(o->json_log_path, "ev.jsonl");
}

static int landed_pcap_export(const struct xdt_opts *o)
{
	return str_landed(o->pcap_export_path, "c.pcapng");
}

static int landed_ipfix(const struct xdt_opts *o)
{
	return str_landed(o->ipfix_target, "10.213.0.9:4739");
}

static int landed_prom_textfile(const struct xdt_opts *o)
{
	return str_landed(o->prom_path, "m.prom");
}

LANDED(log_level, 1)
LANDED(pcap_rotate_bytes, 2500000)
LANDED(ipfix_active_ns, 30000000000ULL)
LANDED(ipfix_idle_ns, 5000000000ULL)
LANDED(prom_top, 7)

static int landed_verbose(const struct xdt_opts *o)
{
	return o->verbosity == 1;
}

static int landed_quiet(const struct xdt_opts *o)
{
	return o->verbosity == -1;
}

static const struct sample samples[] = {
	{ "interface", "eth9", landed_interface },
	{ "read", "x.pcap", landed_read },
	{ "json", "true", landed_json },
	{ "interval", "2.5", landed_interval_ns },
	{ "duration", "3", landed_duration_ns },
	{ "max-flows", "1000", landed_max_flows },
	{ "snaplen", "128", landed_snaplen },
	{ "backend", "pcap", landed_backend },
	{ "dpi-packets", "2", landed_dpi_packets },
	{ "dpi-bytes", "64", landed_dpi_bytes },
	{ "mirror", "true", landed_mirror },
	{ "no-dpi", "true", landed_no_dpi },
	{ "no-kernel-proc", "true", landed_no_kernel_proc },
	{ "exit-on-iface-loss", "true", landed_exit_on_iface_loss },
	{ "refresh-interval", "250", landed_refresh_ms },
	{ "geoip-dir", "/srv/geoip", landed_geoip_dir },
	{ "no-geoip", "true", landed_no_geoip },
	{ "no-resolve", "true", landed_no_resolve },
	{ "resolve-rate", "5", landed_resolve_rate },
	{ "log-level", "warn", landed_log_level },
	{ "log-dir", "/var/log/xdt", landed_log_dir },
	{ "json-log", "ev.jsonl", landed_json_log },
	{ "pcap-export", "c.pcapng", landed_pcap_export },
	/* These need their export: the next line of the file names it. */
	{ "pcap-rotate", "2.5\npcap-export: c.pcapng", landed_pcap_rotate_bytes },
	{ "ipfix", "10.213.0.9:4739", landed_ipfix },
	{ "ipfix-active", "30\nipfix: 10.213.0.9:4739", landed_ipfix_active_ns },
	{ "ipfix-idle", "5\nipfix: 10.213.0.9:4739", landed_ipfix_idle_ns },
	{ "prom-textfile", "m.prom", landed_prom_textfile },
	{ "prom-top", "7\nprom-textfile: m.prom", landed_prom_top },
	{ "no-sandbox", "true", landed_no_sandbox },
	{ "sandbox-strict", "true", landed_sandbox_strict },
	{ "verbose", "true", landed_verbose },
	{ "quiet", "true", landed_quiet },
};

/* Refused in a file (refuses_options_that_belong_on_the_command_line). */
static int command_line_only(const char *name)
{
	return !strcmp(name, "help") || !strcmp(name, "version") || !strcmp(name, "probe") ||
	       !strcmp(name, "config") || !strcmp(name, "no-config") ||
	       !strncmp(name, "selftest-", 9);
}

Test(config, sets_every_option_from_a_file)
{
	const struct sample *s;
	const char *name;
	char text[256];
	unsigned int i, n = 0;
	struct run r;

	for (i = 0; (name = xdt_cli_option_name(i)); i++) {
		cr_assert_geq(xdt_cli_option_kind(name), 0, "%s", name);
		if (command_line_only(name))
			continue;
		for (s = samples; s < samples + sizeof(samples) / sizeof(samples[0]); s++)
			if (!strcmp(s->name, name))
				break;
		cr_assert(s < samples + sizeof(samples) / sizeof(samples[0]),
			  "--%s has no sample value in tests/unit/test_config.c: add one", name);
		snprintf(text, sizeof(text), "%s: %s\n", name, s->yaml);
		RUN_FILE(&r, text);
		cr_assert_eq(r.rc, 0, "%s: %s", name, r.err);
		cr_assert_eq(r.parse_rc, 0, "%s: %s", name, r.err);
		cr_assert(s->landed(&r.o), "%s: %s did not land in struct xdt_opts", name, s->yaml);
		run_free(&r);
		n++;
	}
	cr_assert_eq(n, sizeof(samples) / sizeof(samples[0]),
		     "a sample for an option that is gone");
}

/* ./config.yml is read from wherever xdptop starts: only if nobody else could have written it. */
Test(config, refuses_a_search_path_file_others_may_write)
{
	char dir[] = "/tmp/xdt-cfg-trust-XXXXXX", here[4096], *argv[] = { (char *)"xdptop", NULL };
	char **out = NULL, *used = NULL, *buf = NULL;
	size_t len = 0;
	FILE *err, *f;
	int n = 0, rc;

	cr_assert(getcwd(here, sizeof(here)));
	cr_assert(mkdtemp(dir));
	cr_assert_eq(chdir(dir), 0);
	unsetenv("XDG_CONFIG_HOME");
	setenv("HOME", dir, 1);
	f = fopen("config.yml", "w");
	cr_assert(f);
	fputs("json: true\n", f);
	fclose(f);
	cr_assert_eq(chmod("config.yml", 0666), 0);
	err = open_memstream(&buf, &len);
	rc = xdt_config_argv(1, argv, &n, &out, &used, err);
	fclose(err);
	cr_expect_eq(rc, -EPERM);
	cr_expect(strstr(buf, "config.yml: not used: others may write to it"), "%s", buf);
	free(buf);
	/* Fixed mode: used. */
	cr_assert_eq(chmod("config.yml", 0644), 0);
	err = fopen("/dev/null", "w");
	rc = xdt_config_argv(1, argv, &n, &out, &used, err);
	fclose(err);
	cr_expect_eq(rc, 0);
	cr_expect_eq(n, 2);
	xdt_config_free(n, out, used);
	unlink("config.yml");
	cr_assert_eq(chdir(here), 0);
	rmdir(dir);
}

/* mkdir -p; 0 or -1. */
static int mkdir_p(const char *path)
{
	char buf[PATH_MAX], *p;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(buf, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

/*
 * As another user (setpriv, sudo -u) HOME may still name a home we cannot enter:
 * nothing of ours is there, so it is skipped; a file we see but cannot read is an
 * error. Runs in a child that gives up root; skipped when not root.
 */
Test(config, an_unsearchable_home_is_skipped_an_unreadable_file_is_not)
{
	char dir[] = "/tmp/xdt-cfg-perm-XXXXXX", path[PATH_MAX];
	int status;
	pid_t pid;
	FILE *f;

	if (geteuid() != 0)
		cr_skip_test("needs root to act as another user");
	cr_assert(mkdtemp(dir));
	cr_assert_eq(chmod(dir, 0755), 0);
	snprintf(path, sizeof(path), "%s/home/.config/xdptop", dir);
	cr_assert_eq(mkdir_p(path), 0);
	snprintf(path, sizeof(path), "%s/home/.config/xdptop/config.yml", dir);
	f = fopen(path, "w");
	cr_assert(f);
	fputs("json: true\n", f);
	fclose(f);
	/* The home is 0700 root: not searchable by the child. */
	snprintf(path, sizeof(path), "%s/home", dir);
	cr_assert_eq(chmod(path, 0700), 0);
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		char *argv[] = { (char *)"xdptop", NULL }, **out = NULL, *used = NULL;
		char hdir[PATH_MAX];
		FILE *null = fopen("/dev/null", "w");
		int n = 0, rc;

		snprintf(hdir, sizeof(hdir), "%s/home", dir);
		setenv("HOME", hdir, 1);
		unsetenv("XDG_CONFIG_HOME");
		if (chdir("/") || setgid(65534) || setuid(65534))
			_exit(10);
		rc = xdt_config_argv(1, argv, &n, &out, &used, null);
		if (rc != 0 || used)
			_exit(11);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child: %d", status);
	/* Searchable home, unreadable file: an error. */
	snprintf(path, sizeof(path), "%s/home", dir);
	chmod(path, 0755);
	snprintf(path, sizeof(path), "%s/home/.config", dir);
	chmod(path, 0755);
	snprintf(path, sizeof(path), "%s/home/.config/xdptop", dir);
	chmod(path, 0755);
	snprintf(path, sizeof(path), "%s/home/.config/xdptop/config.yml", dir);
	chmod(path, 0600);
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		char *argv[] = { (char *)"xdptop", NULL }, **out = NULL, *used = NULL;
		char hdir[PATH_MAX];
		FILE *null = fopen("/dev/null", "w");
		int n = 0;

		snprintf(hdir, sizeof(hdir), "%s/home", dir);
		setenv("HOME", hdir, 1);
		unsetenv("XDG_CONFIG_HOME");
		if (chdir("/") || setgid(65534) || setuid(65534))
			_exit(10);
		_exit(xdt_config_argv(1, argv, &n, &out, &used, null) == -EACCES ? 0 : 12);
	}
	waitpid(pid, &status, 0);
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child: %d", status);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	cr_expect_eq(system(path), 0);
}
