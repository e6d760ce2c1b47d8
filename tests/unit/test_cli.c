// SPDX-License-Identifier: GPL-2.0-only
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "cli.h"

struct parsed {
	int rc;
	struct xdt_opts o;
	char err[512];
};

static struct parsed parse(int argc, char **argv)
{
	struct parsed p = { 0 };
	FILE *f = fmemopen(p.err, sizeof(p.err) - 1, "w");

	p.rc = xdt_cli_parse(argc, argv, &p.o, f);
	fclose(f);
	return p;
}

#define PARSE(...)                                                          \
	({                                                                  \
		char *argv_[] = { "xdptop", __VA_ARGS__, NULL };      \
		parse((int)(sizeof(argv_) / sizeof(argv_[0])) - 1, argv_); \
	})

Test(cli, takes_defaults_from_one_place)
{
	struct parsed p = PARSE("--json");

	cr_assert_eq(p.rc, 0);
	cr_assert_eq(p.o.json, 1);
	cr_assert_eq(p.o.max_flows, XDT_DEFAULT_MAX_FLOWS);
	cr_assert_eq(p.o.interval_ns, XDT_DEFAULT_INTERVAL_NS);
	cr_assert_eq(p.o.snaplen, XDT_DEFAULT_SNAPLEN);
	cr_assert_eq(p.o.n_ifnames, 0);
}

Test(cli, reads_fractional_seconds)
{
	struct parsed p = PARSE("-i", "eth0", "--interval", "0.25", "--duration=3");

	cr_assert_eq(p.rc, 0);
	cr_assert_eq(p.o.n_ifnames, 1);
	cr_assert_str_eq(p.o.ifnames[0], "eth0");
	cr_assert_eq(p.o.interval_ns, 250000000ULL);
	cr_assert_eq(p.o.duration_ns, 3000000000ULL);
}

Test(cli, names_the_flag_with_a_bad_value)
{
	struct parsed p = PARSE("--interval", "soon");

	cr_assert_eq(p.rc, -EINVAL);
	cr_assert(strstr(p.err, "--interval") && strstr(p.err, "soon"), "%s", p.err);

	p = PARSE("--max-flows", "-5");
	cr_assert_eq(p.rc, -EINVAL);
	cr_assert(strstr(p.err, "--max-flows"), "%s", p.err);

	p = PARSE("--max-flows", "12abc");
	cr_assert_eq(p.rc, -EINVAL);

	p = PARSE("--snaplen", "10");
	cr_assert_eq(p.rc, -EINVAL);
	cr_assert(strstr(p.err, "--snaplen") && strstr(p.err, "64"), "%s", p.err);
}

Test(cli, names_an_unknown_option)
{
	struct parsed p = PARSE("--colour");

	cr_assert_eq(p.rc, -EINVAL);
	cr_assert(strstr(p.err, "'--colour'"), "%s", p.err);
	p = PARSE("-Z");
	cr_assert_eq(p.rc, -EINVAL);
	cr_assert(strstr(p.err, "'-Z'"), "%s", p.err);
}

Test(cli, says_which_flag_lacks_its_value)
{
	struct parsed p = PARSE("-r");

	cr_assert_eq(p.rc, -EINVAL);
	cr_assert(strstr(p.err, "-r needs a value"), "%s", p.err);
}

Test(cli, refuses_live_only_flags_with_a_file)
{
	struct parsed p = PARSE("-r", "x.pcap", "--interval", "1");

	cr_assert_eq(p.rc, -EINVAL);
	cr_assert(strstr(p.err, "--interval"), "%s", p.err);
	p = PARSE("-r", "x.pcap", "-i", "eth0");
	cr_assert_eq(p.rc, -EINVAL);
}

Test(cli, refuses_stray_arguments)
{
	struct parsed p = PARSE("eth0");

	cr_assert_eq(p.rc, -EINVAL);
	cr_assert(strstr(p.err, "'eth0'"), "%s", p.err);
}

Test(cli, takes_a_backend_by_name_and_refuses_others)
{
	struct parsed p = PARSE("--backend", "xdp", "--dpi-packets", "2", "--dpi-bytes", "64");

	cr_assert_eq(p.rc, 0);
	cr_assert_eq(p.o.backend, XDT_BACKEND_XDP);
	cr_assert_eq(p.o.dpi_packets, 2);
	cr_assert_eq(p.o.dpi_bytes, 64);
	p = PARSE("--backend", "dpdk");
	cr_assert_eq(p.rc, -EINVAL);
	cr_assert(strstr(p.err, "--backend") && strstr(p.err, "dpdk"), "%s", p.err);
	p = PARSE("--dpi-bytes", "513");
	cr_assert_eq(p.rc, -EINVAL);
	cr_assert(strstr(p.err, "--dpi-bytes"), "%s", p.err);
}

Test(cli, keeps_afxdp_off_interfaces_that_are_not_mirrors)
{
	struct parsed p = PARSE("--backend", "afxdp");

	cr_assert_eq(p.rc, -EINVAL);
	cr_assert(strstr(p.err, "--mirror"), "%s", p.err);
	p = PARSE("--backend", "afxdp", "--mirror");
	cr_assert_eq(p.rc, 0);
	cr_assert_eq(p.o.mirror, 1);
	p = PARSE("--backend", "xdp", "--mirror");
	cr_assert_eq(p.rc, -EINVAL);
	p = PARSE("-r", "x.pcap", "--backend", "pcap");
	cr_assert_eq(p.rc, -EINVAL);
}

Test(cli, takes_several_interfaces_but_one_mirror)
{
	struct parsed p = PARSE("-i", "eth0", "--interface", "eth1");

	cr_assert_eq(p.rc, 0);
	cr_assert_eq(p.o.n_ifnames, 2);
	cr_assert_str_eq(p.o.ifnames[1], "eth1");
	p = PARSE("-i", "span0", "-i", "span1", "--mirror");
	cr_assert_eq(p.rc, -EINVAL);
	cr_assert(strstr(p.err, "--mirror"), "%s", p.err);
}

Test(cli, knows_what_each_long_option_takes)
{
	const char *name;
	unsigned int i;

	cr_assert_eq(xdt_cli_option_kind("interface"), 2);
	cr_assert_eq(xdt_cli_option_kind("interval"), 1);
	cr_assert_eq(xdt_cli_option_kind("read"), 1);
	cr_assert_eq(xdt_cli_option_kind("json"), 0);
	cr_assert_eq(xdt_cli_option_kind("verbose"), 0);
	cr_assert_eq(xdt_cli_option_kind("colour"), -1);
	cr_assert_eq(xdt_cli_option_kind("--json"), -1);
	cr_assert_eq(xdt_cli_option_kind("i"), -1);
	cr_assert_eq(xdt_cli_option_kind("inter"), -1);
	for (i = 0; (name = xdt_cli_option_name(i)); i++)
		cr_assert_geq(xdt_cli_option_kind(name), 0, "%s", name);
	cr_assert_gt(i, 20);
}

static struct parsed parse_ex(int argc, char **argv, int n_config)
{
	struct parsed p = { 0 };
	FILE *f = fmemopen(p.err, sizeof(p.err) - 1, "w");

	p.rc = xdt_cli_parse_ex(argc, argv, n_config, &p.o, f);
	fclose(f);
	return p;
}

/* The first N words after "xdptop" are the configuration file's. */
#define PARSE_EX(n, ...)                                                             \
	({                                                                           \
		char *argv_[] = { "xdptop", __VA_ARGS__, NULL };                     \
		parse_ex((int)(sizeof(argv_) / sizeof(argv_[0])) - 1, argv_, (n));  \
	})

Test(cli, lets_live_settings_from_the_file_give_way_to_a_replay)
{
	struct parsed p = PARSE_EX(8, "--interval", "5", "--backend", "afxdp", "--mirror", "-i",
				   "span0", "--json", "-r", "x.pcap");

	cr_assert_eq(p.rc, 0, "%s", p.err);
	cr_assert_str_eq(p.o.read_path, "x.pcap");
	cr_assert_eq(p.o.n_ifnames, 0);
	cr_assert_eq(p.o.mirror, 0);
	cr_assert_eq(p.o.backend, XDT_BACKEND_AUTO);
	cr_assert_eq(p.o.interval_ns, XDT_DEFAULT_INTERVAL_NS);
	cr_assert_eq(p.o.json, 1);
	/* The same words on the command line are refused as before. */
	p = PARSE_EX(0, "--interval", "5", "-r", "x.pcap");
	cr_assert_eq(p.rc, -EINVAL);
	p = PARSE_EX(0, "--mirror", "-r", "x.pcap");
	cr_assert_eq(p.rc, -EINVAL);
	p = PARSE_EX(2, "-i", "eth0", "-r", "x.pcap", "-i", "eth1");
	cr_assert_eq(p.rc, -EINVAL);
}

Test(cli, replaces_the_files_interfaces_with_the_command_lines)
{
	struct parsed p = PARSE_EX(4, "-i", "eth0", "--interface", "eth1", "-vi", "wlan0");

	cr_assert_eq(p.rc, 0, "%s", p.err);
	cr_assert_eq(p.o.n_ifnames, 1);
	cr_assert_str_eq(p.o.ifnames[0], "wlan0");
	cr_assert_eq(p.o.verbosity, 1);
	p = PARSE_EX(4, "-i", "eth0", "--interface", "eth1", "--json");
	cr_assert_eq(p.rc, 0, "%s", p.err);
	cr_assert_eq(p.o.n_ifnames, 2);
	/* A replay in the file gives way to live capture on the command line. */
	p = PARSE_EX(2, "--read", "x.pcap", "-i", "eth0");
	cr_assert_eq(p.rc, 0, "%s", p.err);
	cr_assert_null(p.o.read_path);
}

Test(cli, checks_values_without_combining_options)
{
	char *argv[] = { "xdptop", "--backend", "afxdp", NULL };
	char *bad[] = { "xdptop", "--backend", "dpdk", NULL };
	struct xdt_opts o;
	char err[256] = { 0 };
	FILE *f = fmemopen(err, sizeof(err) - 1, "w");

	cr_assert_eq(xdt_cli_check_values(3, argv, &o, f), 0);
	cr_assert_eq(xdt_cli_check_values(3, bad, &o, f), -EINVAL);
	fclose(f);
	cr_assert(strstr(err, "'dpdk'"), "%s", err);
}

Test(cli, forgets_a_bundle_it_stopped_in)
{
	struct parsed p = PARSE("-Zv");

	cr_assert_eq(p.rc, -EINVAL);
	p = PARSE("--json");
	cr_assert_eq(p.rc, 0, "%s", p.err);
	cr_assert_eq(p.o.verbosity, 0);
}

Test(cli, takes_the_logs_and_exports)
{
	struct parsed p = PARSE("--log-level", "debug", "--log-dir", "/var/log/x", "--json-log",
				"ev.jsonl", "--pcap-export", "c.pcapng", "--pcap-rotate", "0.5",
				"--ipfix", "[fd00:213::1]:4739", "--ipfix-active", "30",
				"--ipfix-idle", "2.5", "--prom-textfile", "m.prom", "--prom-top", "3");

	cr_assert_eq(p.rc, 0, "%s", p.err);
	cr_assert_eq(p.o.log_level, 3);
	cr_assert_str_eq(p.o.log_dir, "/var/log/x");
	cr_assert_str_eq(p.o.json_log_path, "ev.jsonl");
	cr_assert_str_eq(p.o.pcap_export_path, "c.pcapng");
	cr_assert_eq(p.o.pcap_rotate_bytes, 500000);
	cr_assert_str_eq(p.o.ipfix_target, "[fd00:213::1]:4739");
	cr_assert_eq(p.o.ipfix_active_ns, 30000000000ULL);
	cr_assert_eq(p.o.ipfix_idle_ns, 2500000000ULL);
	cr_assert_str_eq(p.o.prom_path, "m.prom");
	cr_assert_eq(p.o.prom_top, 3);

	p = PARSE("--json");
	cr_assert_eq(p.o.log_level, -1, "no log file unless asked");
	cr_assert_null(p.o.json_log_path);
}

Test(cli, names_the_export_flag_with_a_bad_value)
{
	struct parsed p = PARSE("--log-level", "loud");

	cr_assert_eq(p.rc, -EINVAL);
	cr_assert(strstr(p.err, "--log-level") && strstr(p.err, "loud"), "%s", p.err);
	p = PARSE("--pcap-export", "x", "--pcap-rotate", "0");
	cr_assert_eq(p.rc, -EINVAL);
	cr_assert(strstr(p.err, "--pcap-rotate"), "%s", p.err);
	p = PARSE("--ipfix", "10.213.0.1");
	cr_assert_eq(p.rc, -EINVAL);
	cr_assert(strstr(p.err, "--ipfix") && strstr(p.err, "no :PORT"), "%s", p.err);
	p = PARSE("--ipfix", "10.213.0.1:0");
	cr_assert_eq(p.rc, -EINVAL);
	cr_assert(strstr(p.err, "1 to 65535"), "%s", p.err);
	p = PARSE("--ipfix", "fd00:213::1:4739");
	cr_assert_eq(p.rc, -EINVAL, "an IPv6 address needs brackets");
	p = PARSE("--ipfix", "collector:4739");
	cr_assert_eq(p.rc, -EINVAL);
	cr_assert(strstr(p.err, "not a numeric"), "%s", p.err);
	p = PARSE("--prom-textfile", "m.prom", "--prom-top", "0");
	cr_assert_eq(p.rc, -EINVAL);
	cr_assert(strstr(p.err, "--prom-top"), "%s", p.err);
}

Test(cli, refuses_export_settings_without_their_export)
{
	struct parsed p = PARSE("--pcap-rotate", "10");

	cr_assert_eq(p.rc, -EINVAL);
	cr_assert(strstr(p.err, "--pcap-rotate needs --pcap-export"), "%s", p.err);
	p = PARSE("--ipfix-idle", "5");
	cr_assert(strstr(p.err, "--ipfix-idle needs --ipfix"), "%s", p.err);
	p = PARSE("--prom-top", "5");
	cr_assert(strstr(p.err, "--prom-top needs --prom-textfile"), "%s", p.err);
}

Test(cli, parses_collector_addresses)
{
	struct sockaddr_storage ss;
	unsigned int len;
	char why[160];

	cr_assert_eq(xdt_cli_hostport("10.213.0.9:4739", &ss, &len, why, sizeof(why)), 0);
	cr_assert_eq(ss.ss_family, AF_INET);
	cr_assert_eq(ntohs(((struct sockaddr_in *)&ss)->sin_port), 4739);
	cr_assert_eq(xdt_cli_hostport("[fd00:213::9]:2055", &ss, &len, why, sizeof(why)), 0);
	cr_assert_eq(ss.ss_family, AF_INET6);
	cr_assert_eq(len, sizeof(struct sockaddr_in6));
	cr_assert_eq(xdt_cli_hostport("[fd00:213::9]4739", &ss, &len, why, sizeof(why)), -EINVAL);
	cr_assert_eq(xdt_cli_hostport("10.213.0.9:+4739", &ss, &len, why, sizeof(why)), -EINVAL);
	cr_assert_eq(xdt_cli_hostport(":4739", &ss, &len, why, sizeof(why)), -EINVAL);
}
