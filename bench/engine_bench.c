// SPDX-License-Identifier: GPL-2.0-only
/*
 * Userspace packet path benchmark: decoder + fragment cache + flow table, on one
 * core, over a capture loaded into memory first (so file reading is not timed).
 *
 *   engine_bench FILE.pcap [ROUNDS] [--dpi]
 *
 * Prints packets per second per round (CPU time of this thread) and the median.
 * With --dpi, each round runs the capture twice, without and with application
 * detection (default budget: 4 payloads per direction, 256 bytes, handshakes
 * whole), and also reports what DPI alone costs: flows recognised and payload
 * megabytes per second of the difference in CPU time.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine.h"

struct frame {
	uint64_t ts_ns;
	uint32_t caplen, len;
	size_t off;
};

struct capture {
	int link;
	uint8_t *data;
	size_t data_len, data_cap;
	struct frame *frames;
	size_t n, cap;
};

static int grow(void **p, size_t *cap, size_t need, size_t elem, size_t first)
{
	size_t n = *cap ? *cap : first;
	void *q;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	q = realloc(*p, n * elem);
	if (!q)
		return -ENOMEM;
	*p = q;
	*cap = n;
	return 0;
}

static int load(const char *path, struct capture *c)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *bytes;
	pcap_t *p;
	int rc;

	p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, err);
	if (!p) {
		fprintf(stderr, "engine_bench: %s\n", err);
		return -EIO;
	}
	c->link = pcap_datalink(p);
	while ((rc = pcap_next_ex(p, &h, &bytes)) == 1) {
		if (grow((void **)&c->frames, &c->cap, c->n + 1, sizeof(*c->frames), 1 << 16) ||
		    grow((void **)&c->data, &c->data_cap, c->data_len + h->caplen, 1, 1 << 24)) {
			fprintf(stderr, "engine_bench: out of memory\n");
			pcap_close(p);
			return -ENOMEM;
		}
		memcpy(c->data + c->data_len, bytes, h->caplen);
		c->frames[c->n++] = (struct frame){
			.ts_ns = (uint64_t)h->ts.tv_sec * 1000000000ULL + (uint64_t)h->ts.tv_usec,
			.caplen = h->caplen,
			.len = h->len,
			.off = c->data_len,
		};
		c->data_len += h->caplen;
	}
	if (rc == -1)
		fprintf(stderr, "engine_bench: %s: %s\n", path, pcap_geterr(p));
	pcap_close(p);
	return rc == -2 ? 0 : -EIO;
}

static double cpu_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* One pass over the capture; CPU seconds, and the engine's DPI counters. */
static double run_once(const struct capture *c, int dpi, struct xdt_dpi_stats *ds,
		       uint64_t *malformed, size_t *flows)
{
	struct xdt_engine_opts o = {
		.max_flows = 65536, .seed = 1,
		.dpi = { .enabled = dpi, .packets = 4, .bytes = 256 },
	};
	struct xdt_engine *e = xdt_engine_new(&o);
	double t0, t1;
	size_t i;

	if (!e) {
		fprintf(stderr, "engine_bench: out of memory\n");
		exit(1);
	}
	t0 = cpu_seconds();
	for (i = 0; i < c->n; i++)
		xdt_engine_packet(e, c->link, c->data + c->frames[i].off, c->frames[i].caplen,
				  c->frames[i].len, c->frames[i].ts_ns);
	t1 = cpu_seconds();
	*ds = *xdt_engine_dpi_stats(e);
	*malformed = xdt_engine_stats(e)->malformed;
	*flows = xdt_flow_table_count(xdt_engine_flows(e));
	xdt_engine_free(e);
	return t1 - t0;
}

int main(int argc, char **argv)
{
	struct capture c = { 0 };
	int rounds = argc > 2 ? atoi(argv[2]) : 5, r, dpi = argc > 3 && !strcmp(argv[3], "--dpi");
	double *pps, *fps, *mbps;
	struct xdt_dpi_stats ds;
	uint64_t malformed;
	size_t flows;
	cpu_set_t one;

	if (argc < 2 || rounds < 1 || rounds > 100 || (argc > 3 && !dpi) || argc > 4) {
		fprintf(stderr, "usage: engine_bench FILE.pcap [ROUNDS 1-100] [--dpi]\n");
		return 2;
	}
	/* One core: the figure is per core, and migrations would only add noise. */
	CPU_ZERO(&one);
	CPU_SET(0, &one);
	sched_setaffinity(0, sizeof(one), &one);
	if (load(argv[1], &c) < 0)
		return 1;
	pps = calloc((size_t)rounds, sizeof(*pps));
	fps = calloc((size_t)rounds, sizeof(*fps));
	mbps = calloc((size_t)rounds, sizeof(*mbps));
	if (!pps || !fps || !mbps)
		return 1;
	for (r = 0; r < rounds; r++) {
		double t = run_once(&c, 0, &ds, &malformed, &flows), t_dpi, extra;

		pps[r] = (double)c.n / t;
		printf("round %d: %zu packets, %zu flows at end, %llu malformed, %.0f packets/s, "
		       "%.1f ns/packet\n", r + 1, c.n, flows, (unsigned long long)malformed, pps[r],
		       1e9 / pps[r]);
		if (!dpi)
			continue;
		t_dpi = run_once(&c, 1, &ds, &malformed, &flows);
		extra = t_dpi > t ? t_dpi - t : 1e-9;
		fps[r] = (double)ds.identified / extra;
		mbps[r] = (double)ds.bytes / extra / 1e6;
		printf("  with dpi: %.0f packets/s; %llu flows recognised, %llu payloads, %.1f MB "
		       "looked at; dpi alone %.0f flows/s, %.0f MB/s\n", (double)c.n / t_dpi,
		       (unsigned long long)ds.identified, (unsigned long long)ds.payloads,
		       (double)ds.bytes / 1e6, fps[r], mbps[r]);
	}
	qsort(pps, (size_t)rounds, sizeof(*pps), cmp_double);
	printf("engine: median %.0f packets/s on one core (%.1f ns/packet) over %d rounds of "
	       "%zu packets\n", pps[rounds / 2], 1e9 / pps[rounds / 2], rounds, c.n);
	if (dpi) {
		qsort(fps, (size_t)rounds, sizeof(*fps), cmp_double);
		qsort(mbps, (size_t)rounds, sizeof(*mbps), cmp_double);
		printf("dpi: median %.0f flows/s and %.0f MB/s of payload on one core (CPU time "
		       "with DPI minus without) over %d rounds\n", fps[rounds / 2],
		       mbps[rounds / 2], rounds);
	}
	free(pps);
	free(fps);
	free(mbps);
	free(c.frames);
	free(c.data);
	return 0;
}
