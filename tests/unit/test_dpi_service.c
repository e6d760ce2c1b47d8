// SPDX-License-Identifier: GPL-2.0-only
/* Port service names; /etc/services is the oracle for the IANA ones. */
#include <criterion/criterion.h>
#include <errno.h>
#include <unistd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpi/service.h"

Test(service, names_well_known_ports)
{
	static const struct { uint8_t proto; uint16_t port; const char *name; } want[] = {
		{ IPPROTO_TCP, 22, "ssh" }, { IPPROTO_TCP, 25, "smtp" },
		{ IPPROTO_TCP, 88, "kerberos" }, { IPPROTO_TCP, 389, "ldap" },
		{ IPPROTO_TCP, 443, "https" }, { IPPROTO_TCP, 587, "submission" },
		{ IPPROTO_TCP, 993, "imaps" }, { IPPROTO_TCP, 3306, "mysql" },
		{ IPPROTO_TCP, 3389, "ms-wbt-server" }, { IPPROTO_TCP, 5432, "postgresql" },
		{ IPPROTO_TCP, 6379, "redis" }, { IPPROTO_TCP, 8080, "http-alt" },
		{ IPPROTO_TCP, 9092, "kafka" }, { IPPROTO_TCP, 11211, "memcache" },
		{ IPPROTO_TCP, 27017, "mongodb" }, { IPPROTO_UDP, 53, "domain" },
		{ IPPROTO_UDP, 67, "bootps" }, { IPPROTO_UDP, 123, "ntp" },
		{ IPPROTO_UDP, 161, "snmp" }, { IPPROTO_UDP, 443, "https" },
		{ IPPROTO_UDP, 514, "syslog" }, { IPPROTO_UDP, 1194, "openvpn" },
		{ IPPROTO_UDP, 5353, "mdns" }, { IPPROTO_UDP, 5355, "llmnr" },
		{ IPPROTO_UDP, 51820, "wireguard" },
	};
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const char *got = xdt_service_name(want[i].proto, want[i].port);

		cr_assert(got && !strcmp(got, want[i].name), "%u/%u: %s, not %s", want[i].port,
			  want[i].proto, got ? got : "NULL", want[i].name);
	}
}

Test(service, keeps_tcp_and_udp_apart)
{
	cr_assert_str_eq(xdt_service_name(IPPROTO_TCP, 514), "shell");
	cr_assert_str_eq(xdt_service_name(IPPROTO_UDP, 514), "syslog");
	cr_assert_null(xdt_service_name(IPPROTO_UDP, 22));
	cr_assert_null(xdt_service_name(IPPROTO_TCP, 67));
	cr_assert_null(xdt_service_name(IPPROTO_ICMP, 443));
	cr_assert_null(xdt_service_name(IPPROTO_TCP, 0));
	cr_assert_null(xdt_service_name(IPPROTO_TCP, 65535));
	cr_assert_null(xdt_service_name(IPPROTO_TCP, 40000));
}

Test(service, tables_are_sorted_for_binary_search)
{
	static const uint8_t protos[] = { IPPROTO_TCP, IPPROTO_UDP };
	size_t i, j, n;

	for (i = 0; i < 2; i++) {
		const struct xdt_service *t = xdt_service_table(protos[i], &n);

		cr_assert_gt(n, 40);
		for (j = 0; j < n; j++) {
			cr_assert(t[j].name && t[j].name[0]);
			cr_assert(j == 0 || t[j - 1].port < t[j].port, "%u after %u", t[j].port,
				  t[j - 1].port);
			cr_assert_eq(xdt_service_name(protos[i], t[j].port), t[j].name);
		}
	}
	cr_assert_null(xdt_service_table(IPPROTO_SCTP, &n));
	cr_assert_eq(n, 0);
}

Test(service, picks_the_server_side_of_a_flow)
{
	cr_assert_str_eq(xdt_service_for_flow(IPPROTO_TCP, 51234, 443), "https");
	cr_assert_str_eq(xdt_service_for_flow(IPPROTO_TCP, 443, 51234), "https");
	cr_assert_eq(xdt_service_server_port(IPPROTO_TCP, 51234, 443), 443);
	/* Both named (a client that happened to bind 5353): the lower port. */
	cr_assert_str_eq(xdt_service_for_flow(IPPROTO_UDP, 5353, 53), "domain");
	/* Neither named: the lower port, and no name. */
	cr_assert_eq(xdt_service_server_port(IPPROTO_TCP, 50000, 40001), 40001);
	cr_assert_null(xdt_service_for_flow(IPPROTO_TCP, 50000, 40001));
	cr_assert_str_eq(xdt_service_for_flow(IPPROTO_UDP, 51820, 51820), "wireguard");
}

/*
 * The independent oracle: every entry we call IANA's must be named the same (or by
 * an alias) where /etc/services lists that port and protocol.
 */
/* Our entry for @port, if it claims IANA's name. */
static const struct xdt_service *iana_entry(uint8_t proto, long port)
{
	size_t i, n;
	const struct xdt_service *t = xdt_service_table(proto, &n);

	for (i = 0; i < n; i++)
		if (t[i].port == port)
			return t[i].iana ? &t[i] : NULL;
	return NULL;
}

/* One services(5) line: name port/proto aliases... # comment. */
static int services_agree(FILE *f, const char *proto_name, uint8_t proto, int *checked)
{
	char line[512];
	int bad = 0;

	rewind(f);
	while (fgets(line, sizeof(line), f)) {
		char *save, *name, *pp, *slash, *alias, *hash = strchr(line, '#');
		const struct xdt_service *ours;
		int match;

		if (hash)
			*hash = '\0';
		name = strtok_r(line, " \t\n", &save);
		pp = name ? strtok_r(NULL, " \t\n", &save) : NULL;
		slash = pp ? strchr(pp, '/') : NULL;
		if (!slash || strcmp(slash + 1, proto_name))
			continue;
		ours = iana_entry(proto, strtol(pp, NULL, 10));
		if (!ours)
			continue;
		match = !strcmp(name, ours->name);
		while (!match && (alias = strtok_r(NULL, " \t\n", &save)))
			match = !strcmp(alias, ours->name);
		if (!match) {
			fprintf(stderr, "%u/%s: /etc/services says %s, we say %s\n", ours->port,
				proto_name, name, ours->name);
			bad++;
		}
		(*checked)++;
	}
	return bad;
}

Test(service, iana_names_agree_with_etc_services)
{
	FILE *f = fopen("/etc/services", "r");
	int checked = 0, bad;

	if (!f) {
		fprintf(stderr, "SKIP service.iana_names_agree_with_etc_services: no "
				"/etc/services here (Debian: apt-get install netbase)\n");
		cr_skip_test("no /etc/services: the IANA names were not checked");
	}
	bad = services_agree(f, "tcp", IPPROTO_TCP, &checked);
	bad += services_agree(f, "udp", IPPROTO_UDP, &checked);
	fclose(f);
	cr_assert_eq(bad, 0, "%d of our IANA names disagree with /etc/services", bad);
	/* netbase lists most of them; far fewer means the file is not what we think. */
	cr_assert_gt(checked, 60, "only %d entries checked", checked);
}

/* A services file in a temporary place; its path in @path. */
static void write_services(char *path, const char *text)
{
	int fd = mkstemp(path);
	FILE *f;

	cr_assert(fd >= 0);
	f = fdopen(fd, "w");
	cr_assert(f);
	fputs(text, f);
	fclose(f);
}

Test(service, files_rank_over_and_under_the_builtin_table)
{
	char over[] = "/tmp/xdt-svc-over-XXXXXX", under[] = "/tmp/xdt-svc-under-XXXXXX";

	write_services(over, "# comment\n"
			     "prometheus\t9090/tcp\t# IANA: websm\n"
			     "web-site   443/tcp   www\n"
			     "not-a-line\n"
			     "bad 70000/tcp\n"
			     "bad2 12/sctp\n"
			     "first 9999/udp\n"
			     "second 9999/udp\n");
	write_services(under, "inhouse 7000/tcp\n"
			      "nothttps 443/tcp\n"
			      "ssh-other 22/tcp\n");
	cr_assert_eq(xdt_service_load(over, XDT_SERVICE_OVER), 3);
	cr_assert_eq(xdt_service_load(under, XDT_SERVICE_UNDER), 3);
	/* Over the built-in table. */
	cr_assert_str_eq(xdt_service_name(IPPROTO_TCP, 443), "web-site");
	cr_assert_str_eq(xdt_service_name(IPPROTO_TCP, 9090), "prometheus");
	/* The first line for a port wins; protocols apart. */
	cr_assert_str_eq(xdt_service_name(IPPROTO_UDP, 9999), "first");
	cr_assert_null(xdt_service_name(IPPROTO_TCP, 9999));
	/* Under it: only where the built-in table has no name. */
	cr_assert_str_eq(xdt_service_name(IPPROTO_TCP, 22), "ssh");
	cr_assert_str_eq(xdt_service_name(IPPROTO_TCP, 7000), "inhouse");
	/* The flow's server port follows the loaded names too. */
	cr_assert_eq(xdt_service_server_port(IPPROTO_TCP, 7000, 51000), 7000);
	xdt_service_unload();
	cr_assert_str_eq(xdt_service_name(IPPROTO_TCP, 443), "https");
	cr_assert_null(xdt_service_name(IPPROTO_TCP, 7000));
	unlink(over);
	unlink(under);
}

Test(service, missing_file_changes_nothing)
{
	cr_assert_eq(xdt_service_load("/nonexistent/xdt-services", XDT_SERVICE_OVER), -ENOENT);
	cr_assert_str_eq(xdt_service_name(IPPROTO_TCP, 22), "ssh");
}

Test(service, the_shipped_file_parses_whole)
{
	FILE *f = fopen("data/services", "r");
	char line[512];
	int entries = 0;

	cr_assert(f, "run from the repository root");
	while (fgets(line, sizeof(line), f))
		if (line[0] != '#' && line[0] != '\n')
			entries++;
	fclose(f);
	cr_assert_eq(xdt_service_load("data/services", XDT_SERVICE_OVER), entries);
	xdt_service_unload();
}
