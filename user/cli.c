// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sandbox/report.h"

enum {
	OPT_JSON = 256,
	OPT_INTERVAL,
	OPT_DURATION,
	OPT_MAX_FLOWS,
	OPT_SNAPLEN,
	OPT_BACKEND,
	OPT_DPI_PACKETS,
	OPT_DPI_BYTES,
	OPT_PROBE,
	OPT_MIRROR,
	OPT_NO_DPI,
	OPT_NO_KERNEL_PROC,
	OPT_REFRESH,
	OPT_NO_SANDBOX,
	OPT_SANDBOX_STRICT,
	OPT_CONFIG,
	OPT_NO_CONFIG,
	OPT_GEOIP_DIR,
	OPT_NO_GEOIP,
	OPT_NO_RESOLVE,
	OPT_RESOLVE_RATE,
	OPT_LOG_LEVEL,
	OPT_LOG_DIR,
	OPT_JSON_LOG,
	OPT_PCAP_EXPORT,
	OPT_PCAP_ROTATE,
	OPT_IPFIX,
	OPT_IPFIX_ACTIVE,
	OPT_IPFIX_IDLE,
	OPT_PROM_TEXTFILE,
	OPT_PROM_TOP,
	OPT_SELFTEST_ESCAPE,
	OPT_SELFTEST_UNAVAILABLE,
	OPT_EXIT_ON_IFACE_LOSS,
};

static const struct option long_opts[] = {
	{ "interface", required_argument, NULL, 'i' },
	{ "read", required_argument, NULL, 'r' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "interval", required_argument, NULL, OPT_INTERVAL },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "max-flows", required_argument, NULL, OPT_MAX_FLOWS },
	{ "snaplen", required_argument, NULL, OPT_SNAPLEN },
	{ "backend", required_argument, NULL, OPT_BACKEND },
	{ "dpi-packets", required_argument, NULL, OPT_DPI_PACKETS },
	{ "dpi-bytes", required_argument, NULL, OPT_DPI_BYTES },
	{ "probe", no_argument, NULL, OPT_PROBE },
	{ "mirror", no_argument, NULL, OPT_MIRROR },
	{ "no-dpi", no_argument, NULL, OPT_NO_DPI },
	{ "no-kernel-proc", no_argument, NULL, OPT_NO_KERNEL_PROC },
	{ "exit-on-iface-loss", no_argument, NULL, OPT_EXIT_ON_IFACE_LOSS },
	{ "refresh-interval", required_argument, NULL, OPT_REFRESH },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "no-config", no_argument, NULL, OPT_NO_CONFIG },
	{ "geoip-dir", required_argument, NULL, OPT_GEOIP_DIR },
	{ "no-geoip", no_argument, NULL, OPT_NO_GEOIP },
	{ "no-resolve", no_argument, NULL, OPT_NO_RESOLVE },
	{ "resolve-rate", required_argument, NULL, OPT_RESOLVE_RATE },
	{ "log-level", required_argument, NULL, OPT_LOG_LEVEL },
	{ "log-dir", required_argument, NULL, OPT_LOG_DIR },
	{ "json-log", required_argument, NULL, OPT_JSON_LOG },
	{ "pcap-export", required_argument, NULL, OPT_PCAP_EXPORT },
	{ "pcap-rotate", required_argument, NULL, OPT_PCAP_ROTATE },
	{ "ipfix", required_argument, NULL, OPT_IPFIX },
	{ "ipfix-active", required_argument, NULL, OPT_IPFIX_ACTIVE },
	{ "ipfix-idle", required_argument, NULL, OPT_IPFIX_IDLE },
	{ "prom-textfile", required_argument, NULL, OPT_PROM_TEXTFILE },
	{ "prom-top", required_argument, NULL, OPT_PROM_TOP },
	{ "no-sandbox", no_argument, NULL, OPT_NO_SANDBOX },
	{ "sandbox-strict", no_argument, NULL, OPT_SANDBOX_STRICT },
#ifdef XDT_SELFTEST
	/* The test build only: tests/sandbox drives the confined process with these. */
	{ "selftest-escape", required_argument, NULL, OPT_SELFTEST_ESCAPE },
	{ "selftest-unavailable", required_argument, NULL, OPT_SELFTEST_UNAVAILABLE },
#endif
	{ "verbose", no_argument, NULL, 'v' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

void xdt_cli_usage(FILE *out)
{
	fprintf(out, "Usage: xdptop [OPTIONS]\n"
	      "Show every network connection of a host or a mirrored link, live.\n"
	      "\n"
	      "Capture:\n"
	      "  -i, --interface IFACE  capture live on IFACE (default: the interface of the\n"
	      "                         default route); repeat for more interfaces\n"
	      "  -r, --read FILE        replay a pcap or pcapng capture (\"-\" reads stdin)\n"
	      "      --snaplen BYTES    pcap backend: bytes kept of each packet, 64-262144\n"
	      "                         (default 4352: a whole TLS/QUIC handshake payload)\n"
	      "      --backend NAME     live: auto (default), xdp, afxdp or pcap. xdp counts\n"
	      "                         every packet in the kernel (XDP ingress, TC egress)\n"
	      "                         and sends userspace only payload prefixes; auto uses\n"
	      "                         it when it loads and falls back to pcap, saying why\n"
	      "      --mirror           the interface is a mirror (SPAN/TAP) port whose\n"
	      "                         traffic no local socket needs: the afxdp backend\n"
	      "                         counts in XDP, passes only payload prefixes to\n"
	      "                         AF_XDP sockets and drops the rest (pcap: promiscuous)\n"
	      "      --probe            print what this kernel supports and which backend\n"
	      "                         auto would choose, then exit\n"
	      "      --exit-on-iface-loss\n"
	      "                         stop (status 1, last table printed) when a captured\n"
	      "                         interface is deleted; by default xdptop waits and\n"
	      "                         captures again when one of that name reappears\n"
	      "\n"
	      "Application detection (TLS, HTTP, DNS, SSH, QUIC, ...; every backend):\n"
	      "      --dpi-packets N    payloads looked at per flow and direction, 0-64\n"
	      "                         (default 4)\n"
	      "      --dpi-bytes N      bytes looked at per payload, 1-512 (default 256);\n"
	      "                         TLS, QUIC and DNS handshakes get up to 4096\n"
	      "      --no-dpi           look at no payload (none leaves the kernel with the\n"
	      "                         xdp and afxdp backends); port names only\n"
	      "\n"
	      "Processes:\n"
	      "      --no-kernel-proc   do not attach the cgroup socket hooks that name the\n"
	      "                         process of each flow in the kernel\n"
	      "\n"
	      "Output (the screen when stdout is a terminal):\n"
	      "      --json             JSON lines on stdout instead of the screen (schema in\n"
	      "                         xdptop(8)); needed when stdout is not a terminal\n"
	      "      --refresh-interval MS\n"
	      "                         screen: redraw every MS milliseconds, 50-60000\n"
	      "                         (default 1000)\n"
	      "      --interval SECONDS live, --json: print the flow table every SECONDS\n"
	      "                         (default 1)\n"
	      "      --duration SECONDS live: stop after SECONDS (default: until interrupted)\n"
	      "\n"
	      "Flow table:\n"
	      "      --max-flows N      keep at most N flows; the least recently seen is\n"
	      "                         evicted (and printed) when full (default 65536)\n"
	      "\n"
	      "Names and places of endpoints:\n"
	      "      --geoip-dir DIR    look for MaxMind-format databases (GeoLite2-*.mmdb,\n"
	      "                         dbip-*.mmdb) in DIR first (xdptop(8) ENRICHMENT)\n"
	      "      --no-geoip         no country, city or AS lookups\n"
	      "      --no-resolve       no reverse DNS (PTR) queries; names seen in DNS\n"
	      "                         answers on the wire are still shown\n"
	      "      --resolve-rate N   at most N PTR queries a second, 1-1000 (default %u)\n"
	      "\n"
	      "Logs and exports (files are created before the lock-down; xdptop(8)):\n"
	      "      --log-level LEVEL  write a log of LEVEL (error, warn, info, debug) and\n"
	      "                         above to ./logs/xdptop_<time>.log (default: no log)\n"
	      "      --log-dir DIR      write that log in DIR instead (level info unless\n"
	      "                         --log-level says otherwise)\n"
	      "      --json-log FILE    append one JSON event per line to FILE:\n"
	      "                         connection_opened, connection_closed, app_detected,\n"
	      "                         process_attributed, and stats every interval\n"
	      "      --pcap-export FILE write the packets xdptop received to FILE (pcapng:\n"
	      "                         every packet with pcap, the payload prefixes with\n"
	      "                         xdp/afxdp) and one line per connection, with its\n"
	      "                         process, to FILE.connections.jsonl\n"
	      "      --pcap-rotate MB   start FILE.1, FILE.2, ... each time the file reaches\n"
	      "                         MB megabytes (10^6 bytes; decimals allowed)\n"
	      "      --ipfix HOST:PORT  send IPFIX flow records over UDP to a collector at a\n"
	      "                         numeric address (\"[v6addr]:port\" for IPv6)\n"
	      "      --ipfix-active SECONDS\n"
	      "                         IPFIX record for a flow still active after SECONDS\n"
	      "                         (default 60)\n"
	      "      --ipfix-idle SECONDS\n"
	      "                         IPFIX record ends a flow idle for SECONDS (default 15)\n"
	      "      --prom-textfile PATH\n"
	      "                         keep Prometheus metrics in PATH (a .prom file for\n"
	      "                         node_exporter's textfile collector), rewritten\n"
	      "                         atomically every interval\n"
	      "      --prom-top N       processes listed in the metrics, 1-1000 (default %u)\n"
	      "\n"
	      "Configuration:\n"
	      "      --config FILE      read options from FILE (YAML) instead of the first of\n"
	      "                         $XDG_CONFIG_HOME/xdptop/config.yml,\n"
	      "                         ~/.config/xdptop/config.yml, ./config.yml; options on\n"
	      "                         the command line win\n"
	      "      --no-config        read no configuration file\n"
	      "\n"
	      "Confinement (after start-up xdptop locks itself down; SECURITY.md):\n"
	      "      --no-sandbox       skip the lock-down: no UDP-egress lock, Landlock,\n"
	      "                         capability drop or seccomp filter\n"
	      "      --sandbox-strict   exit (status 1), naming the layer, if any layer of\n"
	      "                         the lock-down cannot be applied; without it, missing\n"
	      "                         layers are reported once and in the stats\n"
	      "\n"
	      "General:\n"
	      "  -v, --verbose          debug diagnostics on stderr\n"
	      "  -q, --quiet            errors only on stderr\n"
	      "  -h, --help             this text\n"
	      "  -V, --version          print the version\n"
	      "\n"
	      "Exit status: 0 success, 1 runtime error (the output so far is complete up to the\n"
	      "error), 2 usage error.\n",
	      XDT_DEFAULT_RESOLVE_RATE, XDT_DEFAULT_PROM_TOP);
}

/* Seconds as a positive decimal ("0.5", "10"), at most one day. */
static int parse_seconds(const char *flag, const char *arg, uint64_t *ns, FILE *err)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno || end == arg || *end || !isfinite(v) || v <= 0 || v > 86400 * 365.0) {
		fprintf(err, "xdptop: %s: '%s' is not a positive number of seconds\n", flag, arg);
		return -EINVAL;
	}
	*ns = (uint64_t)(v * 1e9);
	if (*ns < 1000000) {
		fprintf(err, "xdptop: %s: '%s' is shorter than a millisecond\n", flag, arg);
		return -EINVAL;
	}
	return 0;
}

static int parse_uint(const char *flag, const char *arg, unsigned long long lo,
		      unsigned long long hi, unsigned long long *out, FILE *err)
{
	char *end;

	errno = 0;
	if (arg[0] == '-' || arg[0] == '+')
		goto bad;
	*out = strtoull(arg, &end, 10);
	if (errno || end == arg || *end || *out < lo || *out > hi)
		goto bad;
	return 0;
bad:
	fprintf(err, "xdptop: %s: '%s' is not a whole number from %llu to %llu\n", flag, arg, lo,
		hi);
	return -EINVAL;
}

/* "error", "warn", "info", "debug" (enum xdt_log_level). */
static int parse_log_level(const char *arg, int *level, FILE *err)
{
	static const char *const names[] = { "error", "warn", "info", "debug" };
	unsigned int i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(arg, names[i])) {
			*level = (int)i;
			return 0;
		}
	}
	fprintf(err, "xdptop: --log-level: '%s' is not one of error, warn, info, debug\n", arg);
	return -EINVAL;
}

/* Megabytes (10^6 bytes) as a positive decimal, at least 0.01 (10 kB), at most 1 TB. */
static int parse_megabytes(const char *flag, const char *arg, uint64_t *bytes, FILE *err)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno || end == arg || *end || !isfinite(v) || v < 0.01 || v > 1e6) {
		fprintf(err, "xdptop: %s: '%s' is not a number of megabytes from 0.01 to 1000000\n",
			flag, arg);
		return -EINVAL;
	}
	*bytes = (uint64_t)(v * 1e6);
	return 0;
}

int xdt_cli_hostport(const char *s, struct sockaddr_storage *ss, unsigned int *sslen,
		     char *why, size_t whylen)
{
	char host[INET6_ADDRSTRLEN + 2];
	unsigned long port;
	const char *colon;
	char *end;
	size_t n;

	memset(ss, 0, sizeof(*ss));
	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (!close || close[1] != ':') {
			snprintf(why, whylen, "an IPv6 address is written [ADDRESS]:PORT");
			return -EINVAL;
		}
		n = (size_t)(close - s - 1);
		colon = close + 1;
		s++;
	} else {
		colon = strrchr(s, ':');
		if (!colon) {
			snprintf(why, whylen, "no :PORT");
			return -EINVAL;
		}
		/* "fd00::1:4739" could be an address alone, or one with a port. */
		if (memchr(s, ':', (size_t)(colon - s))) {
			snprintf(why, whylen, "an IPv6 address is written [ADDRESS]:PORT");
			return -EINVAL;
		}
		n = (size_t)(colon - s);
	}
	if (n == 0 || n >= sizeof(host)) {
		snprintf(why, whylen, "no address before the port");
		return -EINVAL;
	}
	memcpy(host, s, n);
	host[n] = '\0';
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (errno || end == colon + 1 || *end || colon[1] == '-' || colon[1] == '+' || port == 0 ||
	    port > 65535) {
		snprintf(why, whylen, "the port must be a number from 1 to 65535");
		return -EINVAL;
	}
	if (inet_pton(AF_INET, host, &((struct sockaddr_in *)ss)->sin_addr) == 1) {
		((struct sockaddr_in *)ss)->sin_family = AF_INET;
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)port);
		*sslen = sizeof(struct sockaddr_in);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &((struct sockaddr_in6 *)ss)->sin6_addr) == 1) {
		((struct sockaddr_in6 *)ss)->sin6_family = AF_INET6;
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)port);
		*sslen = sizeof(struct sockaddr_in6);
		return 0;
	}
	snprintf(why, whylen, "'%s' is not a numeric IPv4 or IPv6 address (names are not "
		 "resolved: the collector must not depend on DNS)", host);
	return -EINVAL;
}

const char *xdt_backend_name(enum xdt_backend b)
{
	switch (b) {
	case XDT_BACKEND_XDP:
		return "xdp";
	case XDT_BACKEND_AFXDP:
		return "afxdp";
	case XDT_BACKEND_PCAP:
		return "pcap";
	default:
		return "auto";
	}
}

static int parse_backend(const char *arg, enum xdt_backend *b, FILE *err)
{
	if (!strcmp(arg, "auto"))
		*b = XDT_BACKEND_AUTO;
	else if (!strcmp(arg, "xdp"))
		*b = XDT_BACKEND_XDP;
	else if (!strcmp(arg, "afxdp"))
		*b = XDT_BACKEND_AFXDP;
	else if (!strcmp(arg, "pcap"))
		*b = XDT_BACKEND_PCAP;
	else {
		fprintf(err, "xdptop: --backend: '%s' is not one of auto, xdp, afxdp, pcap\n", arg);
		return -EINVAL;
	}
	return 0;
}

static int check_combination(const struct xdt_opts *o, int set_interval, int set_duration,
			     int set_snaplen, int set_backend, FILE *err)
{
	if (o->mirror && o->n_ifnames > 1) {
		fprintf(err, "xdptop: --mirror takes one -i/--interface\n");
		return -EINVAL;
	}
	if (o->config_path && o->no_config) {
		fprintf(err, "xdptop: --config and --no-config exclude each other\n");
		return -EINVAL;
	}
	if (o->no_sandbox && o->sandbox_strict) {
		fprintf(err, "xdptop: --no-sandbox and --sandbox-strict exclude each other\n");
		return -EINVAL;
	}
	if (o->pcap_rotate_bytes && !o->pcap_export_path) {
		fprintf(err, "xdptop: --pcap-rotate needs --pcap-export\n");
		return -EINVAL;
	}
	if ((o->ipfix_active_ns || o->ipfix_idle_ns) && !o->ipfix_target) {
		fprintf(err, "xdptop: %s needs --ipfix\n",
			o->ipfix_active_ns ? "--ipfix-active" : "--ipfix-idle");
		return -EINVAL;
	}
	if (o->prom_top && !o->prom_path) {
		fprintf(err, "xdptop: --prom-top needs --prom-textfile\n");
		return -EINVAL;
	}
	if (o->read_path && o->n_ifnames) {
		fprintf(err, "xdptop: -r/--read and -i/--interface exclude each other\n");
		return -EINVAL;
	}
	/* afxdp takes packets away from the host stack: only on a port that has none. */
	if (o->backend == XDT_BACKEND_AFXDP && !o->mirror) {
		fprintf(err, "xdptop: --backend afxdp is for mirror ports: add --mirror "
			     "(it would take the host's own packets away from it)\n");
		return -EINVAL;
	}
	if (o->backend == XDT_BACKEND_XDP && o->mirror) {
		fprintf(err, "xdptop: --mirror uses --backend afxdp (or pcap), not xdp\n");
		return -EINVAL;
	}
	if (o->read_path && o->mirror) {
		fprintf(err, "xdptop: --mirror applies to live capture only, not to -r/--read\n");
		return -EINVAL;
	}
	if (o->read_path && (set_interval || set_duration || set_snaplen || set_backend)) {
		fprintf(err, "xdptop: %s applies to live capture only, not to -r/--read\n",
			set_interval   ? "--interval"
			: set_duration ? "--duration"
			: set_snaplen  ? "--snaplen"
				       : "--backend");
		return -EINVAL;
	}
	return 0;
}

int xdt_cli_option_kind(const char *name)
{
	const struct option *opt;

	for (opt = long_opts; opt->name; opt++) {
		if (strcmp(opt->name, name))
			continue;
		if (opt->has_arg == no_argument)
			return 0;
		return opt->val == 'i' ? 2 : 1;
	}
	return -1;
}

const char *xdt_cli_option_name(unsigned int i)
{
	return i < sizeof(long_opts) / sizeof(long_opts[0]) - 1 ? long_opts[i].name : NULL;
}

/* Which words set what: the command line's, or the configuration file's. */
struct origin {
	int set_interval, set_duration, set_snaplen, set_backend;	/* command line */
	int cmd_read, cmd_ifnames, cmd_mirror;
};

/*
 * The words of argv into @o, each value checked; how the options combine is
 * checked by the caller. argv[1..n_config] came from the configuration file.
 */
static int parse_words(int argc, char **argv, int n_config, struct xdt_opts *o,
		       struct origin *from, FILE *err)
{
	unsigned long long v;
	int c, cfg;

	memset(o, 0, sizeof(*o));
	memset(from, 0, sizeof(*from));
	o->interval_ns = XDT_DEFAULT_INTERVAL_NS;
	o->max_flows = XDT_DEFAULT_MAX_FLOWS;
	o->snaplen = XDT_DEFAULT_SNAPLEN;
	o->dpi_packets = XDT_DEFAULT_DPI_PACKETS;
	o->dpi_bytes = XDT_DEFAULT_DPI_BYTES;
	o->refresh_ms = XDT_DEFAULT_REFRESH_MS;
	o->resolve_rate = XDT_DEFAULT_RESOLVE_RATE;
	o->log_level = -1;
	opterr = 0;
	/*
	 * 0, not 1: glibc then forgets everything of the last parse, including a
	 * half-read "-vZ" it stopped in (the configuration file parses many times).
	 */
	optind = 0;
	for (;;) {
		/*
		 * Where the next option starts: the file's words are whole "--key"
		 * [value] options, so the option is theirs if it starts among them.
		 */
		cfg = (optind ? optind : 1) <= n_config;
		c = getopt_long(argc, argv, ":i:r:vqhV", long_opts, NULL);
		if (c == -1)
			break;
		switch (c) {
		case 'i':
			/* The command line's interfaces replace the file's (first in argv). */
			if (!cfg && !from->cmd_ifnames) {
				from->cmd_ifnames = 1;
				o->n_ifnames = 0;
			}
			if (o->n_ifnames == XDT_MAX_IFACES) {
				fprintf(err, "xdptop: -i/--interface: at most %d interfaces\n",
					XDT_MAX_IFACES);
				return -EINVAL;
			}
			o->ifnames[o->n_ifnames++] = optarg;
			break;
		case 'r':
			o->read_path = optarg;
			from->cmd_read |= !cfg;
			break;
		case OPT_JSON:
			o->json = 1;
			break;
		case OPT_INTERVAL:
			if (parse_seconds("--interval", optarg, &o->interval_ns, err))
				return -EINVAL;
			from->set_interval |= !cfg;
			break;
		case OPT_DURATION:
			if (parse_seconds("--duration", optarg, &o->duration_ns, err))
				return -EINVAL;
			from->set_duration |= !cfg;
			break;
		case OPT_MAX_FLOWS:
			if (parse_uint("--max-flows", optarg, 1, 1ULL << 26, &v, err))
				return -EINVAL;
			o->max_flows = (size_t)v;
			break;
		case OPT_SNAPLEN:
			if (parse_uint("--snaplen", optarg, 64, 262144, &v, err))
				return -EINVAL;
			o->snaplen = (int)v;
			from->set_snaplen |= !cfg;
			break;
		case OPT_BACKEND:
			if (parse_backend(optarg, &o->backend, err))
				return -EINVAL;
			from->set_backend |= !cfg;
			break;
		case OPT_DPI_PACKETS:
			if (parse_uint("--dpi-packets", optarg, 0, 64, &v, err))
				return -EINVAL;
			o->dpi_packets = (unsigned int)v;
			break;
		case OPT_DPI_BYTES:
			if (parse_uint("--dpi-bytes", optarg, 1, 512, &v, err))
				return -EINVAL;
			o->dpi_bytes = (unsigned int)v;
			break;
		case OPT_PROBE:
			o->probe = 1;
			break;
		case OPT_MIRROR:
			o->mirror = 1;
			from->cmd_mirror |= !cfg;
			break;
		case OPT_NO_DPI:
			o->no_dpi = 1;
			break;
		case OPT_NO_KERNEL_PROC:
			o->no_kernel_proc = 1;
			break;
		case OPT_EXIT_ON_IFACE_LOSS:
			o->exit_on_iface_loss = 1;
			break;
		case OPT_REFRESH:
			if (parse_uint("--refresh-interval", optarg, 50, 60000, &v, err))
				return -EINVAL;
			o->refresh_ms = (unsigned int)v;
			break;
		case OPT_CONFIG:
			o->config_path = optarg;
			break;
		case OPT_NO_CONFIG:
			o->no_config = 1;
			break;
		case OPT_GEOIP_DIR:
			o->geoip_dir = optarg;
			break;
		case OPT_NO_GEOIP:
			o->no_geoip = 1;
			break;
		case OPT_NO_RESOLVE:
			o->no_resolve = 1;
			break;
		case OPT_RESOLVE_RATE:
			if (parse_uint("--resolve-rate", optarg, 1, 1000, &v, err))
				return -EINVAL;
			o->resolve_rate = (unsigned int)v;
			break;
		case OPT_LOG_LEVEL:
			if (parse_log_level(optarg, &o->log_level, err))
				return -EINVAL;
			break;
		case OPT_LOG_DIR:
			o->log_dir = optarg;
			break;
		case OPT_JSON_LOG:
			o->json_log_path = optarg;
			break;
		case OPT_PCAP_EXPORT:
			o->pcap_export_path = optarg;
			break;
		case OPT_PCAP_ROTATE:
			if (parse_megabytes("--pcap-rotate", optarg, &o->pcap_rotate_bytes, err))
				return -EINVAL;
			break;
		case OPT_IPFIX: {
			struct sockaddr_storage ss;
			unsigned int len;
			char why[160];

			if (xdt_cli_hostport(optarg, &ss, &len, why, sizeof(why))) {
				fprintf(err, "xdptop: --ipfix: '%s': %s\n", optarg, why);
				return -EINVAL;
			}
			o->ipfix_target = optarg;
			break;
		}
		case OPT_IPFIX_ACTIVE:
			if (parse_seconds("--ipfix-active", optarg, &o->ipfix_active_ns, err))
				return -EINVAL;
			break;
		case OPT_IPFIX_IDLE:
			if (parse_seconds("--ipfix-idle", optarg, &o->ipfix_idle_ns, err))
				return -EINVAL;
			break;
		case OPT_PROM_TEXTFILE:
			o->prom_path = optarg;
			break;
		case OPT_PROM_TOP:
			if (parse_uint("--prom-top", optarg, 1, 1000, &v, err))
				return -EINVAL;
			o->prom_top = (unsigned int)v;
			break;
		case OPT_NO_SANDBOX:
			o->no_sandbox = 1;
			break;
		case OPT_SANDBOX_STRICT:
			o->sandbox_strict = 1;
			break;
		case OPT_SELFTEST_ESCAPE:
			o->selftest_escape = optarg;
			break;
		case OPT_SELFTEST_UNAVAILABLE: {
			unsigned int l;

			for (l = 0; l < XDT_SB_N; l++)
				if (!strcmp(optarg, xdt_sb_layer_name((enum xdt_sb_layer)l)))
					break;
			if (l == XDT_SB_N) {
				fprintf(err, "xdptop: --selftest-unavailable: no layer '%s'\n",
					optarg);
				return -EINVAL;
			}
			o->selftest_unavailable |= 1U << l;
			break;
		}
		case 'v':
			o->verbosity++;
			break;
		case 'q':
			o->verbosity--;
			break;
		case 'h':
			o->help = 1;
			break;
		case 'V':
			o->version = 1;
			break;
		case ':':
			fprintf(err, "xdptop: %s needs a value\n", argv[optind - 1]);
			return -EINVAL;
		default:
			if (optopt)
				fprintf(err, "xdptop: unknown option '-%c'; see xdptop --help\n",
					optopt);
			else
				fprintf(err, "xdptop: unknown option '%s'; see xdptop --help\n",
					argv[optind - 1]);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(err, "xdptop: unexpected argument '%s'; see xdptop --help\n", argv[optind]);
		return -EINVAL;
	}
	return 0;
}

int xdt_cli_parse_ex(int argc, char **argv, int n_config, struct xdt_opts *o, FILE *err)
{
	struct origin from;
	int rc;

	rc = parse_words(argc, argv, n_config, o, &from, err);
	if (rc)
		return rc;
	if (from.cmd_read) {
		/* A replay on the command line: the file's live-capture settings are moot. */
		if (!from.cmd_ifnames)
			o->n_ifnames = 0;
		if (!from.cmd_mirror)
			o->mirror = 0;
		if (!from.set_backend)
			o->backend = XDT_BACKEND_AUTO;
		if (!from.set_interval)
			o->interval_ns = XDT_DEFAULT_INTERVAL_NS;
		if (!from.set_duration)
			o->duration_ns = 0;
		if (!from.set_snaplen)
			o->snaplen = XDT_DEFAULT_SNAPLEN;
	} else if (from.cmd_ifnames) {
		/* Live capture on the command line: a replay named in the file gives way. */
		o->read_path = NULL;
	}
	return check_combination(o, from.set_interval, from.set_duration, from.set_snaplen,
				 from.set_backend, err);
}

int xdt_cli_parse(int argc, char **argv, struct xdt_opts *o, FILE *err)
{
	return xdt_cli_parse_ex(argc, argv, 0, o, err);
}

int xdt_cli_check_values(int argc, char **argv, struct xdt_opts *o, FILE *err)
{
	struct origin from;

	return parse_words(argc, argv, argc - 1, o, &from, err);
}
