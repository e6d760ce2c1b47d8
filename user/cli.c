// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum {
	OPT_JSON = 256,
	OPT_INTERVAL,
	OPT_DURATION,
	OPT_MAX_FLOWS,
	OPT_SNAPLEN,
};

static const struct option long_opts[] = {
	{ "interface", required_argument, NULL, 'i' },
	{ "read", required_argument, NULL, 'r' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "interval", required_argument, NULL, OPT_INTERVAL },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "max-flows", required_argument, NULL, OPT_MAX_FLOWS },
	{ "snaplen", required_argument, NULL, OPT_SNAPLEN },
	{ "verbose", no_argument, NULL, 'v' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

void xdt_cli_usage(FILE *out)
{
	fputs("Usage: xdptop [OPTIONS]\n"
	      "Show every network connection of a host or a mirrored link, live.\n"
	      "\n"
	      "Capture:\n"
	      "  -i, --interface IFACE  capture live on IFACE (default: the interface of the\n"
	      "                         default route)\n"
	      "  -r, --read FILE        replay a pcap or pcapng capture (\"-\" reads stdin)\n"
	      "      --snaplen BYTES    live: bytes kept of each packet, 64-262144 (default 512)\n"
	      "\n"
	      "Output (JSON lines on stdout, schema in xdptop(8)):\n"
	      "      --json             JSON lines output; currently the only output mode\n"
	      "      --interval SECONDS live: print the flow table every SECONDS (default 1)\n"
	      "      --duration SECONDS live: stop after SECONDS (default: until interrupted)\n"
	      "\n"
	      "Flow table:\n"
	      "      --max-flows N      keep at most N flows; the least recently seen is\n"
	      "                         evicted (and printed) when full (default 65536)\n"
	      "\n"
	      "General:\n"
	      "  -v, --verbose          debug diagnostics on stderr\n"
	      "  -q, --quiet            errors only on stderr\n"
	      "  -h, --help             this text\n"
	      "  -V, --version          print the version\n"
	      "\n"
	      "Exit status: 0 success, 1 runtime error (the output so far is complete up to the\n"
	      "error), 2 usage error.\n",
	      out);
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

static int check_combination(const struct xdt_opts *o, int set_interval, int set_duration,
			     int set_snaplen, FILE *err)
{
	if (o->read_path && o->ifname) {
		fprintf(err, "xdptop: -r/--read and -i/--interface exclude each other\n");
		return -EINVAL;
	}
	if (o->read_path && (set_interval || set_duration || set_snaplen)) {
		fprintf(err, "xdptop: %s applies to live capture only, not to -r/--read\n",
			set_interval ? "--interval" : set_duration ? "--duration" : "--snaplen");
		return -EINVAL;
	}
	return 0;
}

int xdt_cli_parse(int argc, char **argv, struct xdt_opts *o, FILE *err)
{
	int set_interval = 0, set_duration = 0, set_snaplen = 0, c;
	unsigned long long v;

	memset(o, 0, sizeof(*o));
	o->interval_ns = XDT_DEFAULT_INTERVAL_NS;
	o->max_flows = XDT_DEFAULT_MAX_FLOWS;
	o->snaplen = XDT_DEFAULT_SNAPLEN;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":i:r:vqhV", long_opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			if (o->ifname) {
				fprintf(err, "xdptop: -i/--interface: give one interface\n");
				return -EINVAL;
			}
			o->ifname = optarg;
			break;
		case 'r':
			o->read_path = optarg;
			break;
		case OPT_JSON:
			o->json = 1;
			break;
		case OPT_INTERVAL:
			if (parse_seconds("--interval", optarg, &o->interval_ns, err))
				return -EINVAL;
			set_interval = 1;
			break;
		case OPT_DURATION:
			if (parse_seconds("--duration", optarg, &o->duration_ns, err))
				return -EINVAL;
			set_duration = 1;
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
			set_snaplen = 1;
			break;
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
	return check_combination(o, set_interval, set_duration, set_snaplen, err);
}
