// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Prometheus textfile: engines fed real frames, the file parsed back by a
 * small exposition-format reader written here (not the writer's code), and its
 * numbers checked against the JSON stats line and flow lines of the same engine
 * and against what the test itself sent.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine.h"
#include "export/json.h"
#include "export/prom.h"
#include "frames.h"

/* ---- A reader of the text exposition format 0.0.4, as strict as node_exporter's. ---- */

#define PM_MAX 256
#define PM_FAM 64

struct pm_sample {
	char name[80];
	char labels[256]; /* "k=v,k=v", values unescaped; "" without labels */
	char value[48];
};

struct pm {
	struct pm_sample s[PM_MAX];
	size_t n;
	char help[PM_FAM][80], type[PM_FAM][80], kind[PM_FAM][16];
	size_t n_help, n_type;
};

static int name_char(char c, int first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
	       (!first && c >= '0' && c <= '9');
}

/* Strict UTF-8: decode each code point and check its range. */
static int valid_utf8(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t cp, min;
	int more;

	while (*s) {
		if (*s < 0x80) {
			s++;
			continue;
		}
		if ((*s & 0xe0) == 0xc0) {
			cp = *s & 0x1f, more = 1, min = 0x80;
		} else if ((*s & 0xf0) == 0xe0) {
			cp = *s & 0x0f, more = 2, min = 0x800;
		} else if ((*s & 0xf8) == 0xf0) {
			cp = *s & 0x07, more = 3, min = 0x10000;
		} else {
			return 0;
		}
		for (s++; more; more--, s++) {
			if ((*s & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (*s & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
	}
	return 1;
}

static int in_list(char list[][80], size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(list[i], name))
			return 1;
	return 0;
}

static void pm_comment(struct pm *m, const char *line)
{
	char word[16] = "", name[80] = "", kind[16] = "";

	if (sscanf(line, "# %15s %79s %15s", word, name, kind) < 2)
		return;
	if (!strcmp(word, "HELP")) {
		cr_assert(!in_list(m->help, m->n_help, name), "second HELP for %s", name);
		cr_assert_lt(m->n_help, PM_FAM);
		snprintf(m->help[m->n_help++], sizeof(m->help[0]), "%s", name);
	} else if (!strcmp(word, "TYPE")) {
		cr_assert(!in_list(m->type, m->n_type, name), "second TYPE for %s", name);
		cr_assert(!strcmp(kind, "counter") || !strcmp(kind, "gauge"), "%s", line);
		cr_assert_lt(m->n_type, PM_FAM);
		snprintf(m->kind[m->n_type], sizeof(m->kind[0]), "%s", kind);
		snprintf(m->type[m->n_type++], sizeof(m->type[0]), "%s", name);
	} else {
		return;
	}
	for (size_t i = 0; i < m->n; i++)
		cr_assert_str_neq(m->s[i].name, name, "%s after samples of %s", word, name);
}

/* Label pairs from @p (just past '{') to '}'; returns the end. */
static const char *pm_labels(const char *p, char *out, size_t len)
{
	size_t o = 0;

	out[0] = 0;
	while (*p != '}') {
		cr_assert(name_char(*p, 1), "label name at \"%.20s\"", p);
		if (o)
			out[o++] = ',';
		while (name_char(*p, 0))
			out[o++] = *p++;
		cr_assert_eq(*p++, '=');
		out[o++] = '=';
		cr_assert_eq(*p++, '"');
		for (; *p != '"'; p++) {
			cr_assert(*p && *p != '\n', "unterminated label value");
			cr_assert_lt(o, len - 2);
			if (*p == '\\') {
				p++;
				cr_assert(*p == '\\' || *p == '"' || *p == 'n', "bad escape \\%c",
					  *p);
				out[o++] = *p == 'n' ? '\n' : *p;
			} else {
				out[o++] = *p;
			}
		}
		p++;
		if (*p == ',')
			p++;
		else
			cr_assert_eq(*p, '}');
	}
	out[o] = 0;
	cr_assert(valid_utf8(out), "label values are not UTF-8");
	return p + 1;
}

static void pm_sample_line(struct pm *m, const char *p, const char *eol)
{
	struct pm_sample *s;
	size_t i, o = 0;

	cr_assert_lt(m->n, PM_MAX);
	s = &m->s[m->n];
	cr_assert(name_char(*p, 1), "sample line \"%.40s\"", p);
	while (name_char(*p, 0) && o < sizeof(s->name) - 1)
		s->name[o++] = *p++;
	s->name[o] = 0;
	s->labels[0] = 0;
	if (*p == '{')
		p = pm_labels(p + 1, s->labels, sizeof(s->labels));
	cr_assert_eq(*p++, ' ', "no value after %s", s->name);
	cr_assert_lt((size_t)(eol - p), sizeof(s->value));
	memcpy(s->value, p, (size_t)(eol - p));
	s->value[eol - p] = 0;
	/* The textfile collector refuses samples with timestamps. */
	cr_assert(!strchr(s->value, ' '), "%s has a timestamp", s->name);
	cr_assert(in_list(m->help, m->n_help, s->name), "%s has no HELP", s->name);
	cr_assert(in_list(m->type, m->n_type, s->name), "%s has no TYPE", s->name);
	for (i = 0; i < m->n; i++) {
		if (strcmp(m->s[i].name, s->name))
			continue;
		cr_assert(strcmp(m->s[i].labels, s->labels), "duplicate %s{%s}", s->name,
			  s->labels);
		cr_assert_str_eq(m->s[m->n - 1].name, s->name, "samples of %s are apart", s->name);
	}
	m->n++;
}

static struct pm *pm_parse(const char *text)
{
	struct pm *m = calloc(1, sizeof(*m));
	const char *p = text, *eol;
	size_t len = strlen(text);

	cr_assert_not_null(m);
	cr_assert(len && text[len - 1] == '\n', "the file does not end with a newline");
	for (; *p; p = eol + 1) {
		eol = strchr(p, '\n');
		if (*p == '#') {
			char line[256];

			snprintf(line, sizeof(line), "%.*s", (int)(eol - p), p);
			pm_comment(m, line);
		} else {
			cr_assert_neq(*p, '\n', "empty line");
			pm_sample_line(m, p, eol);
		}
	}
	return m;
}

static const struct pm_sample *pm_find(const struct pm *m, const char *name, const char *labels)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (!strcmp(m->s[i].name, name) && !strcmp(m->s[i].labels, labels))
			return &m->s[i];
	return NULL;
}

/* A sample's value, which must be there and be an integer. */
static uint64_t pm_u64(const struct pm *m, const char *name, const char *labels)
{
	const struct pm_sample *s = pm_find(m, name, labels);
	char *end;
	uint64_t v;

	cr_assert_not_null(s, "no %s{%s}", name, labels);
	cr_assert(s->value[0] >= '0' && s->value[0] <= '9', "%s = %s", name, s->value);
	v = strtoull(s->value, &end, 10);
	cr_assert_eq(*end, 0, "%s{%s} = %s is not an integer", name, labels, s->value);
	return v;
}

static size_t pm_count(const struct pm *m, const char *name)
{
	size_t i, n = 0;

	for (i = 0; i < m->n; i++)
		n += !strcmp(m->s[i].name, name);
	return n;
}

/* ---- Files ---- */

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	cr_assert_not_null(buf);
	cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = 0;
	fclose(f);
	return buf;
}

static char *fd_slurp(int fd)
{
	char *buf = malloc(65536);
	size_t o = 0;
	ssize_t r;

	cr_assert_not_null(buf);
	cr_assert_eq(lseek(fd, 0, SEEK_SET), 0);
	while ((r = read(fd, buf + o, 65535 - o)) > 0)
		o += (size_t)r;
	buf[o] = 0;
	return buf;
}

static struct pm *pm_read(const char *path)
{
	char *text = slurp(path);
	struct pm *m = pm_parse(text);

	free(text);
	return m;
}

/* Each test's own directory, removed after it even when an assertion failed. */
static struct {
	char dir[64];
	char path[96]; /* DIR/metrics.prom */
} D;

static int rm_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path);
}

static void dir_make(void)
{
	snprintf(D.dir, sizeof(D.dir), "/tmp/xdt-prom-XXXXXX");
	cr_assert_not_null(mkdtemp(D.dir));
	snprintf(D.path, sizeof(D.path), "%s/metrics.prom", D.dir);
}

static void dir_remove(void)
{
	if (D.dir[0])
		nftw(D.dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

TestSuite(prom, .init = dir_make, .fini = dir_remove);

/* The names in @dir, sorted, joined by spaces. */
static void dir_list(const char *dir, char *out, size_t len)
{
	struct dirent **ents;
	int n, i;
	size_t o = 0;

	n = scandir(dir, &ents, NULL, alphasort);
	cr_assert_geq(n, 0);
	out[0] = 0;
	for (i = 0; i < n; i++) {
		if (strcmp(ents[i]->d_name, ".") && strcmp(ents[i]->d_name, ".."))
			o += (size_t)snprintf(out + o, len - o, "%s%s", o ? " " : "",
					      ents[i]->d_name);
		free(ents[i]);
	}
	free(ents);
}

/* ---- Traffic, with the test's own account of what it sent ---- */

static const char *const PROTOS[6] = { "tcp", "udp", "icmp", "icmpv6", "arp", "other" };
enum { T_TCP, T_UDP, T_ICMP, T_ICMPV6, T_ARP, T_OTHER };

struct traffic {
	struct xdt_engine *e;
	uint64_t ts;
	uint64_t pkts[6], bytes[6]; /* by PROTOS index: IP-layer bytes sent */
};

static void send_fb(struct traffic *t, const struct fb *f, int proto, uint64_t ip_bytes)
{
	t->ts += 1000000;
	xdt_engine_packet(t->e, XDT_LINK_ETHERNET, f->b, f->n, f->n, t->ts);
	if (proto >= 0) {
		t->pkts[proto]++;
		t->bytes[proto] += ip_bytes;
	}
}

static void send_tcp4(struct traffic *t, uint16_t sport, uint16_t dport, uint16_t payload)
{
	struct fb f = { 0 };

	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 6, IP4(10, 213, 0, 1), IP4(10, 213, 0, 2), (uint16_t)(40 + payload), 1, 0);
	fb_tcp(&f, sport, dport, XDT_TCP_ACK | XDT_TCP_PSH, 0);
	fb_zero(&f, payload);
	send_fb(t, &f, T_TCP, 40 + payload);
}

/* The answer to send_tcp4(t, @sport, @dport, ...): the flow's other direction. */
static void send_tcp4_reply(struct traffic *t, uint16_t sport, uint16_t dport, uint16_t payload)
{
	struct fb f = { 0 };

	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 6, IP4(10, 213, 0, 2), IP4(10, 213, 0, 1), (uint16_t)(40 + payload), 1, 0);
	fb_tcp(&f, dport, sport, XDT_TCP_ACK, 0);
	fb_zero(&f, payload);
	send_fb(t, &f, T_TCP, 40 + payload);
}

static void send_udp4(struct traffic *t, uint16_t sport, uint16_t dport, uint16_t payload)
{
	struct fb f = { 0 };

	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 17, IP4(10, 213, 0, 1), IP4(10, 213, 0, 3), (uint16_t)(28 + payload), 2, 0);
	fb_udp(&f, sport, dport, (uint16_t)(8 + payload));
	fb_zero(&f, payload);
	send_fb(t, &f, T_UDP, 28 + payload);
}

static void send_icmp4(struct traffic *t, uint16_t id)
{
	struct fb f = { 0 };

	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 1, IP4(10, 213, 0, 1), IP4(10, 213, 0, 4), 28, 3, 0);
	fb_icmp_echo(&f, 8, id, 1);
	send_fb(t, &f, T_ICMP, 28);
}

static void send_icmp6(struct traffic *t, uint16_t id)
{
	struct fb f = { 0 };

	fb_eth(&f, 0x86dd);
	fb_ipv6(&f, 58, V6_A, V6_B, 8);
	fb_icmp_echo(&f, 128, id, 1);
	send_fb(t, &f, T_ICMPV6, 48);
}

static void send_tcp6(struct traffic *t, uint16_t sport, uint16_t payload)
{
	struct fb f = { 0 };

	fb_eth(&f, 0x86dd);
	fb_ipv6(&f, 6, V6_B, V6_A, (uint16_t)(20 + payload));
	fb_tcp(&f, sport, 443, XDT_TCP_SYN, 0);
	fb_zero(&f, payload);
	send_fb(t, &f, T_TCP, 60 + payload);
}

static void send_arp(struct traffic *t, uint8_t target)
{
	static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 1 }, none[6] = { 0 };
	struct fb f = { 0 };

	fb_eth(&f, 0x0806);
	fb_u16(&f, 1);
	fb_u16(&f, 0x0800);
	fb_u8(&f, 6);
	fb_u8(&f, 4);
	fb_u16(&f, 1);
	fb_bytes(&f, mac, 6);
	fb_u32(&f, IP4(10, 213, 0, 1));
	fb_bytes(&f, none, 6);
	fb_u32(&f, IP4(10, 213, 0, target));
	send_fb(t, &f, T_ARP, 28);
}

static void send_gre(struct traffic *t)
{
	struct fb f = { 0 };

	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 47, IP4(10, 213, 0, 1), IP4(10, 213, 0, 5), 24, 4, 0);
	fb_zero(&f, 4);
	send_fb(t, &f, T_OTHER, 24);
}

static void send_lldp(struct traffic *t)
{
	struct fb f = { 0 };

	fb_eth(&f, 0x88cc);
	fb_zero(&f, 46);
	send_fb(t, &f, -1, 0);
}

static void send_truncated_ipv4(struct traffic *t)
{
	struct fb f = { 0 };

	fb_eth(&f, 0x0800);
	fb_u8(&f, 0x45);
	send_fb(t, &f, -1, 0);
}

/* Every kind of frame the metrics tell apart. */
static void send_mix(struct traffic *t)
{
	send_tcp4(t, 40000, 443, 100);
	send_tcp4_reply(t, 40000, 443, 20);
	send_udp4(t, 40001, 53, 30);
	send_icmp4(t, 7);
	send_icmp6(t, 9);
	send_tcp6(t, 50000, 0);
	send_arp(t, 9);
	send_gre(t);
	send_lldp(t);
	send_truncated_ipv4(t);
	send_truncated_ipv4(t);
}

static void on_end(const struct xdt_flow *f, void *ctx)
{
	xdt_prom_flow_end(ctx, f);
}

static struct xdt_engine *engine_new(size_t max_flows, struct xdt_prom *p)
{
	struct xdt_engine_opts o = {
		.max_flows = max_flows, .seed = 1, .on_flow_end = on_end, .ctx = p
	};
	struct xdt_engine *e = xdt_engine_new(&o);

	cr_assert_not_null(e);
	return e;
}

static struct xdt_prom *prom_new(const char *path, unsigned int top_n)
{
	char err[256];
	struct xdt_prom *p = xdt_prom_new(path, top_n, err, sizeof(err));

	cr_assert_not_null(p, "%s", err);
	cr_assert_str_eq(err, "");
	return p;
}

static void prom_write(struct xdt_prom *p, struct xdt_engine *e,
		       const struct xdt_capture_stats *cap)
{
	struct xdt_prom_input in = {
		.e = e, .cap = cap, .version = "9.9-test", .now_ns = 1795462525123456789ULL
	};

	cr_assert_eq(xdt_prom_write(p, &in), 0, "%s", xdt_prom_error(p));
}

/* ---- Reading the JSON output ---- */

/* Text rendered into memory the caller owns (it frees buf). */
struct mem {
	char *buf;
	size_t len;
};

static const char *json_stats(struct mem *out, struct xdt_engine *e,
			      const struct xdt_capture_stats *cap)
{
	FILE *f = open_memstream(&out->buf, &out->len);

	cr_assert_not_null(f);
	xdt_json_stats(f, e, cap);
	cr_assert_eq(fclose(f), 0);
	return out->buf;
}

static char *json_table(struct mem *out, struct xdt_engine *e)
{
	FILE *f = open_memstream(&out->buf, &out->len);

	cr_assert_not_null(f);
	cr_assert_eq(xdt_json_table(f, e, NULL), 0);
	cr_assert_eq(fclose(f), 0);
	return out->buf;
}

/* The number after "key": in @json (from @json on; the first match). */
static int json_find_u64(const char *json, const char *key, uint64_t *v)
{
	char pat[80];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(json, pat);
	if (!p)
		return 0;
	*v = strtoull(p + strlen(pat), NULL, 10);
	return 1;
}

static uint64_t json_u64(const char *json, const char *key)
{
	uint64_t v;

	cr_assert(json_find_u64(json, key, &v), "no \"%s\" in %s", key, json);
	return v;
}

/* The string after "key":" (no escapes in it), or "". */
static void json_str(const char *json, const char *key, char *out, size_t len)
{
	char pat[80];
	const char *p, *q;

	snprintf(pat, sizeof(pat), "\"%s\":\"", key);
	out[0] = 0;
	p = strstr(json, pat);
	if (!p)
		return;
	p += strlen(pat);
	q = strchr(p, '"');
	snprintf(out, len, "%.*s", (int)(q - p), p);
}

/* What the JSON flow lines of @e say: per protocol, and per process name. */
struct json_flows {
	uint64_t pkts[6], bytes[6];
	char proc[16][64];
	uint64_t proc_bytes[16], proc_flows[16];
	size_t n_proc;
};

static void json_flows(struct xdt_engine *e, struct json_flows *jf)
{
	struct mem out = { 0 };
	char *text = json_table(&out, e), *line, *save = NULL, proto[16], name[64];
	size_t i, k;

	memset(jf, 0, sizeof(*jf));
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const char *pr;
		uint64_t pkts, bytes;

		if (!strstr(line, "\"type\":\"flow\""))
			continue;
		json_str(line, "proto", proto, sizeof(proto));
		pkts = json_u64(line, "pkts_out") + json_u64(line, "pkts_in");
		bytes = json_u64(line, "bytes_out") + json_u64(line, "bytes_in");
		for (k = 0; k < 6 && strcmp(PROTOS[k], proto); k++)
			;
		cr_assert_lt(k, 6, "proto %s", proto);
		jf->pkts[k] += pkts;
		jf->bytes[k] += bytes;
		pr = strstr(line, "\"process\":{");
		if (!pr)
			continue;
		json_str(pr, "name", name, sizeof(name));
		for (i = 0; i < jf->n_proc && strcmp(jf->proc[i], name); i++)
			;
		if (i == jf->n_proc) {
			cr_assert_lt(i, 16);
			snprintf(jf->proc[jf->n_proc++], sizeof(jf->proc[0]), "%s", name);
		}
		jf->proc_bytes[i] += bytes;
		jf->proc_flows[i]++;
	}
	free(text);
}

static void proto_label(char *buf, size_t len, int k)
{
	snprintf(buf, len, "protocol=%s", PROTOS[k]);
}

/* ---- Tests ---- */

Test(prom, equals_the_json_stats_line_of_the_same_engine)
{
	struct xdt_sandbox_report sb = { .done = 1 };
	struct xdt_capture_stats cap = { .valid = 1,
					 .dropped = 11,
					 .if_dropped = 12,
					 .backend = "xdp",
					 .xdp_mode = "native",
					 .kernel = 1,
					 .prefix_lost = 13,
					 .map_full = 14,
					 .sandbox = &sb };
	struct traffic t = { 0 };
	struct json_flows jf;
	struct xdt_prom *p;
	struct pm *m;
	struct mem jm = { 0 };
	const char *js;
	char lbl[64], state[32];
	uint64_t v;
	int i;

	for (i = 0; i < XDT_SB_N; i++)
		sb.l[i].state = XDT_SB_ON;
	sb.l[XDT_SB_LANDLOCK].state = XDT_SB_PARTIAL;
	p = prom_new(D.path, 0);
	t.e = engine_new(64, p);
	send_mix(&t);
	prom_write(p, t.e, &cap);
	m = pm_read(D.path);
	js = json_stats(&jm, t.e, &cap);

	cr_expect_eq(pm_u64(m, "xdptop_packets_total", ""), json_u64(js, "packets"));
	cr_expect_eq(pm_u64(m, "xdptop_packets_total", ""), 11);
	cr_expect_eq(pm_u64(m, "xdptop_packets_unsupported_total", ""),
		     json_u64(js, "unsupported"));
	cr_expect_eq(pm_u64(m, "xdptop_packets_unsupported_total", ""), 1);
	cr_expect_eq(pm_count(m, "xdptop_packets_malformed_total"), XDT_MAL__COUNT - 1);
	for (i = 1; i < XDT_MAL__COUNT; i++) {
		const char *reason = xdt_malformed_name((enum xdt_malformed)i);

		snprintf(lbl, sizeof(lbl), "reason=%s", reason);
		if (!json_find_u64(strstr(js, "\"malformed_by_reason\""), reason, &v))
			v = 0;
		cr_expect_eq(pm_u64(m, "xdptop_packets_malformed_total", lbl), v, "%s", reason);
	}
	cr_expect_eq(pm_u64(m, "xdptop_packets_malformed_total", "reason=truncated_ipv4"), 2);
	cr_expect_eq(pm_u64(m, "xdptop_flows", ""), json_u64(js, "flows"));
	cr_expect_eq(pm_u64(m, "xdptop_flows", ""), 7);
	cr_expect_eq(pm_u64(m, "xdptop_flows_created_total", ""), json_u64(js, "flows_total"));
	cr_expect_eq(pm_u64(m, "xdptop_flows_expired_total", ""), json_u64(js, "flows_expired"));
	cr_expect_eq(pm_u64(m, "xdptop_flows_evicted_total", ""), json_u64(js, "flows_evicted"));
	cr_expect_eq(pm_u64(m, "xdptop_capture_dropped_total", "where=kernel"),
		     json_u64(js, "capture_dropped"));
	cr_expect_eq(pm_u64(m, "xdptop_capture_dropped_total", "where=interface"),
		     json_u64(js, "capture_if_dropped"));
	cr_expect_eq(pm_u64(m, "xdptop_prefix_lost_total", ""), json_u64(js, "prefix_lost"));
	cr_expect_eq(pm_u64(m, "xdptop_kernel_map_full_total", ""),
		     json_u64(js, "kernel_map_full"));
	cr_expect_eq(pm_u64(m, "xdptop_info", "version=9.9-test,backend=xdp"), 1);

	cr_expect_eq(pm_count(m, "xdptop_sandbox_layer"), XDT_SB_N);
	for (i = 0; i < XDT_SB_N; i++) {
		const char *layer = xdt_sb_layer_name((enum xdt_sb_layer)i);
		char key[64];

		snprintf(key, sizeof(key), "\"%s\":{\"state", layer);
		json_str(strstr(js, key), "state", state, sizeof(state));
		snprintf(lbl, sizeof(lbl), "layer=%s,state=%s", layer, state);
		cr_expect_eq(pm_u64(m, "xdptop_sandbox_layer", lbl), 1, "%s", lbl);
	}
	json_str(strstr(js, "\"sandbox\""), "state", state, sizeof(state));
	cr_expect_str_eq(state, "partial");
	cr_expect_eq(pm_u64(m, "xdptop_sandbox_full", ""), 0);

	/* Nothing ended: the totals are what the JSON flow lines carry, and what was sent. */
	json_flows(t.e, &jf);
	for (i = 0; i < 6; i++) {
		proto_label(lbl, sizeof(lbl), i);
		cr_expect_eq(pm_u64(m, "xdptop_protocol_packets_total", lbl), jf.pkts[i], "%s",
			     lbl);
		cr_expect_eq(pm_u64(m, "xdptop_protocol_bytes_total", lbl), jf.bytes[i], "%s", lbl);
		cr_expect_eq(pm_u64(m, "xdptop_protocol_packets_total", lbl), t.pkts[i], "%s", lbl);
		cr_expect_eq(pm_u64(m, "xdptop_protocol_bytes_total", lbl), t.bytes[i], "%s", lbl);
	}
	cr_expect_eq(pm_u64(m, "xdptop_protocol_bytes_total", "protocol=tcp"), 140 + 60 + 60);

	free(jm.buf);
	free(m);
	xdt_engine_free(t.e);
	xdt_prom_free(p);
}

Test(prom, says_sandbox_full_only_when_every_layer_is_on)
{
	struct xdt_sandbox_report sb = { .done = 1 };
	struct xdt_capture_stats cap = { .backend = "pcap", .sandbox = &sb };
	struct xdt_prom *p;
	struct xdt_engine *e;
	struct pm *m;
	int i;

	for (i = 0; i < XDT_SB_N; i++)
		sb.l[i].state = XDT_SB_ON;
	p = prom_new(D.path, 0);
	e = engine_new(8, p);
	prom_write(p, e, &cap);
	m = pm_read(D.path);
	cr_expect_eq(pm_u64(m, "xdptop_sandbox_full", ""), 1);
	cr_expect_eq(pm_u64(m, "xdptop_sandbox_layer", "layer=seccomp,state=on"), 1);
	free(m);
	xdt_engine_free(e);
	xdt_prom_free(p);
}

Test(prom, leaves_out_what_the_backend_does_not_know)
{
	struct xdt_sandbox_report pending = { .done = 0 };
	struct xdt_capture_stats pcap = {
		.valid = 1, .dropped = 5, .backend = "pcap", .sandbox = &pending
	};
	struct xdt_capture_stats xdp = { .kernel = 1, .prefix_lost = 3, .backend = "xdp" };
	struct xdt_prom *p;
	struct xdt_engine *e;
	struct pm *m;

	p = prom_new(D.path, 0);
	e = engine_new(8, p);

	prom_write(p, e, NULL);
	m = pm_read(D.path);
	cr_expect_eq(pm_u64(m, "xdptop_info", "version=9.9-test,backend=none"), 1);
	cr_expect_eq(pm_count(m, "xdptop_capture_dropped_total"), 0);
	cr_expect_eq(pm_count(m, "xdptop_prefix_lost_total"), 0);
	cr_expect_eq(pm_count(m, "xdptop_kernel_map_full_total"), 0);
	cr_expect_eq(pm_count(m, "xdptop_sandbox_layer"), 0);
	cr_expect_eq(pm_count(m, "xdptop_sandbox_full"), 0);
	cr_expect_eq(pm_count(m, "xdptop_interface_packets_total"), 0);
	cr_expect_eq(pm_count(m, "xdptop_process_bytes"), 0);
	/* Present at zero from the start, so no series appears later. */
	cr_expect_eq(pm_count(m, "xdptop_packets_malformed_total"), XDT_MAL__COUNT - 1);
	cr_expect_eq(pm_count(m, "xdptop_protocol_bytes_total"), 6);
	cr_assert_not_null(pm_find(m, "xdptop_last_update_timestamp_seconds", ""));
	cr_expect_str_eq(pm_find(m, "xdptop_last_update_timestamp_seconds", "")->value,
			 "1795462525.123");
	free(m);

	prom_write(p, e, &pcap);
	m = pm_read(D.path);
	cr_expect_eq(pm_u64(m, "xdptop_capture_dropped_total", "where=kernel"), 5);
	cr_expect_eq(pm_u64(m, "xdptop_capture_dropped_total", "where=interface"), 0);
	cr_expect_eq(pm_count(m, "xdptop_prefix_lost_total"), 0);
	cr_expect_eq(pm_count(m, "xdptop_sandbox_layer"), 0);
	free(m);

	prom_write(p, e, &xdp);
	m = pm_read(D.path);
	cr_expect_eq(pm_count(m, "xdptop_capture_dropped_total"), 0);
	cr_expect_eq(pm_u64(m, "xdptop_prefix_lost_total", ""), 3);
	cr_expect_eq(pm_u64(m, "xdptop_kernel_map_full_total", ""), 0);
	free(m);

	xdt_engine_free(e);
	xdt_prom_free(p);
}

/* Totals after a write must be what was sent, whether the flows are live or gone. */
static void expect_totals(struct xdt_prom *p, struct traffic *t, const char *path,
			  uint64_t prev[2][6])
{
	struct pm *m;
	char lbl[32];
	uint64_t v[2];
	int k;

	prom_write(p, t->e, NULL);
	m = pm_read(path);
	for (k = 0; k < 6; k++) {
		proto_label(lbl, sizeof(lbl), k);
		v[0] = pm_u64(m, "xdptop_protocol_packets_total", lbl);
		v[1] = pm_u64(m, "xdptop_protocol_bytes_total", lbl);
		cr_assert_geq(v[0], prev[0][k], "%s packets went down", lbl);
		cr_assert_geq(v[1], prev[1][k], "%s bytes went down", lbl);
		cr_assert_eq(v[0], t->pkts[k], "%s", lbl);
		cr_assert_eq(v[1], t->bytes[k], "%s", lbl);
		prev[0][k] = v[0];
		prev[1][k] = v[1];
	}
	free(m);
}

Test(prom, keeps_protocol_totals_when_flows_leave_the_table)
{
	uint64_t prev[2][6] = { { 0 } };
	struct traffic t = { 0 };
	struct mem jm = { 0 };
	const char *js;
	struct xdt_prom *p;
	struct pm *m;
	uint16_t r;

	p = prom_new(D.path, 0);
	t.e = engine_new(2, p); /* every new flow evicts one */
	for (r = 0; r < 4; r++) {
		send_tcp4(&t, (uint16_t)(41000 + r), 80, (uint16_t)(10 * r));
		send_tcp4_reply(&t, (uint16_t)(41000 + r), 80, 1000);
		expect_totals(p, &t, D.path, prev);
		send_udp4(&t, (uint16_t)(42000 + r), 53, 5);
		send_icmp4(&t, (uint16_t)(100 + r));
		expect_totals(p, &t, D.path, prev);
		send_arp(&t, (uint8_t)(20 + r));
		send_icmp6(&t, (uint16_t)(200 + r));
		send_gre(&t);
		expect_totals(p, &t, D.path, prev);
	}
	m = pm_read(D.path);
	cr_expect_eq(pm_u64(m, "xdptop_flows_evicted_total", ""), 22);
	cr_expect_eq(pm_u64(m, "xdptop_flows", ""), 2);
	free(m);

	xdt_engine_tick(t.e, t.ts + 86400ULL * 1000000000ULL);
	expect_totals(p, &t, D.path, prev);
	m = pm_read(D.path);
	js = json_stats(&jm, t.e, NULL);
	cr_expect_eq(pm_u64(m, "xdptop_flows", ""), 0);
	cr_expect_eq(pm_u64(m, "xdptop_flows_expired_total", ""), 2);
	cr_expect_eq(pm_u64(m, "xdptop_flows_expired_total", ""), json_u64(js, "flows_expired"));
	cr_expect_eq(pm_u64(m, "xdptop_flows_evicted_total", ""), json_u64(js, "flows_evicted"));
	cr_expect_eq(pm_u64(m, "xdptop_flows_created_total", ""), json_u64(js, "flows_total"));
	cr_expect_eq(pm_u64(m, "xdptop_flows_created_total", ""), 24);
	free(jm.buf);
	free(m);

	xdt_engine_free(t.e);
	xdt_prom_free(p);
}

/* The live flow with local port @sport, writable. */
static struct xdt_flow *flow_of(struct xdt_engine *e, uint16_t sport)
{
	struct xdt_flow_table *t = xdt_engine_flows(e);
	const struct xdt_flow *list[128];
	size_t n = xdt_flow_table_list(t, list, 128), i;
	struct xdt_flow_key k;

	for (i = 0; i < n; i++) {
		k = list[i]->key;
		if (k.port_a == htobe16(sport) || k.port_b == htobe16(sport))
			return xdt_flow_table_lookup(t, &k);
	}
	cr_assert_fail("no flow with port %u", sport);
	return NULL;
}

/* An owner the kernel reported for a process that has exited: named from @name. */
static void own(struct xdt_flow *f, uint8_t method, int32_t pid, const char *name)
{
	f->owner.method = method;
	f->owner.pid = pid;
	f->owner.gone = 1;
	snprintf(f->owner.name, sizeof(f->owner.name), "%s", name);
	snprintf(f->owner.comm, sizeof(f->owner.comm), "%.15s", name);
}

static size_t sample_index(const struct pm *m, const char *name, const char *labels)
{
	const struct pm_sample *s = pm_find(m, name, labels);

	cr_assert_not_null(s, "no %s{%s}", name, labels);
	return (size_t)(s - m->s);
}

Test(prom, lists_the_processes_with_most_bytes_ties_by_name)
{
	struct traffic t = { 0 };
	struct json_flows jf;
	struct xdt_prom *p, *p5;
	struct pm *m;
	char path5[128], lbl[96];
	size_t i;

	snprintf(path5, sizeof(path5), "%s/top5.prom", D.dir);
	p = prom_new(D.path, 2);
	p5 = prom_new(path5, 5);
	t.e = engine_new(64, p);
	send_tcp4(&t, 40000, 443, 100); /* 140 bytes */
	send_tcp4(&t, 40001, 443, 260);
	send_tcp4_reply(&t, 40001, 443, 0); /* 340 with the request */
	send_udp4(&t, 40002, 53, 72);	    /* 100 */
	send_udp4(&t, 40003, 53, 72);	    /* 100 */
	send_tcp4(&t, 40004, 443, 1000);
	send_tcp4(&t, 40005, 443, 1000);
	own(flow_of(t.e, 40000), XDT_METHOD_KERNEL, 4000001, "nginx");
	own(flow_of(t.e, 40001), XDT_METHOD_SOCK_DIAG, 4000002, "nginx");
	own(flow_of(t.e, 40002), XDT_METHOD_KERNEL, 4000003, "wget");
	own(flow_of(t.e, 40003), XDT_METHOD_KERNEL, 4000004, "curl");
	/* Not an owner, as the JSON output sees it: no method, or no pid. */
	own(flow_of(t.e, 40004), XDT_METHOD_NONE, 4000005, "ghost");
	own(flow_of(t.e, 40005), XDT_METHOD_KERNEL, 0, "zero");
	prom_write(p, t.e, NULL);
	prom_write(p5, t.e, NULL);
	json_flows(t.e, &jf);

	m = pm_read(D.path);
	cr_expect_eq(pm_count(m, "xdptop_process_bytes"), 2);
	cr_expect_eq(pm_count(m, "xdptop_process_flows"), 2);
	cr_expect_eq(pm_u64(m, "xdptop_process_bytes", "process=nginx"), 480);
	cr_expect_eq(pm_u64(m, "xdptop_process_flows", "process=nginx"), 2);
	cr_expect_eq(pm_u64(m, "xdptop_process_bytes", "process=curl"), 100);
	cr_expect_eq(pm_u64(m, "xdptop_process_flows", "process=curl"), 1);
	cr_expect_null(pm_find(m, "xdptop_process_bytes", "process=wget"));
	cr_expect_lt(sample_index(m, "xdptop_process_bytes", "process=nginx"),
		     sample_index(m, "xdptop_process_bytes", "process=curl"));
	free(m);

	/* Every process the JSON flow lines name, with the same sums, and no other. */
	m = pm_read(path5);
	cr_expect_eq(jf.n_proc, 3);
	cr_expect_eq(pm_count(m, "xdptop_process_bytes"), jf.n_proc);
	for (i = 0; i < jf.n_proc; i++) {
		snprintf(lbl, sizeof(lbl), "process=%s", jf.proc[i]);
		cr_expect_eq(pm_u64(m, "xdptop_process_bytes", lbl), jf.proc_bytes[i], "%s", lbl);
		cr_expect_eq(pm_u64(m, "xdptop_process_flows", lbl), jf.proc_flows[i], "%s", lbl);
	}
	cr_expect_null(pm_find(m, "xdptop_process_bytes", "process=ghost"));
	cr_expect_null(pm_find(m, "xdptop_process_bytes", "process=zero"));
	free(m);

	xdt_engine_free(t.e);
	xdt_prom_free(p);
	xdt_prom_free(p5);
}

/* 12 processes of 6 flows each: more owned flows than the writer's first guess. */
Test(prom, lists_ten_processes_unless_told)
{
	struct traffic t = { 0 };
	struct xdt_prom *p;
	struct pm *m;
	char name[16], lbl[32];
	uint16_t i, j, port;

	p = prom_new(D.path, 0);
	t.e = engine_new(128, p);
	for (i = 0; i < 12; i++)
		for (j = 0; j < 6; j++)
			send_udp4(&t, (uint16_t)(43000 + 6 * i + j), 53, (uint16_t)(10 * i));
	for (i = 0; i < 12; i++) {
		snprintf(name, sizeof(name), "p%02u", i);
		for (j = 0; j < 6; j++) {
			port = (uint16_t)(43000 + 6 * i + j);
			own(flow_of(t.e, port), XDT_METHOD_KERNEL, 4000100 + port, name);
		}
	}
	prom_write(p, t.e, NULL);
	m = pm_read(D.path);
	cr_expect_eq(pm_count(m, "xdptop_process_bytes"), 10);
	cr_expect_null(pm_find(m, "xdptop_process_bytes", "process=p00"));
	cr_expect_null(pm_find(m, "xdptop_process_bytes", "process=p01"));
	for (i = 2; i < 12; i++) {
		snprintf(lbl, sizeof(lbl), "process=p%02u", i);
		cr_expect_eq(pm_u64(m, "xdptop_process_bytes", lbl), 6 * (28 + 10 * i), "%s", lbl);
		cr_expect_eq(pm_u64(m, "xdptop_process_flows", lbl), 6, "%s", lbl);
	}
	free(m);
	xdt_engine_free(t.e);
	xdt_prom_free(p);
}

Test(prom, escapes_label_values_and_writes_each_series_once)
{
	static const struct xdt_prom_iface ifaces[] = {
		{ "a\"b\\c\nd", 1, 2, 3, 4, 0 },	 { "eth0", 10, 20, 30, 40, 0 },
		{ "eth0", 99, 99, 99, 99, 0 }, /* the same name again: not a second series */
		{ "x\xfe", 5, 6, 7, 8, 0 },    /* not UTF-8: both become "x?" */
		{ "x\xff", 9, 9, 9, 9, 0 },	 { "wlan-\xc3\xbc", 11, 12, 13, 14, 0 },
		{ "y\xc0\x80", 1, 1, 1, 1, 0 },	 /* overlong */
		{ "z\xed\xa0\x80", 1, 1, 1, 1, 0 }, /* a surrogate */
		{ "pcap0", 21, 22, 0, 0, 1 },	 /* the pcap backend: both directions in one */
	};
	struct xdt_prom_input in = { .ifaces = ifaces, .n_ifaces = 9, .version = "1.0\"\\" };
	struct traffic t = { 0 };
	struct xdt_prom *p;
	struct pm *m;
	char *text;

	p = prom_new(D.path, 0);
	t.e = in.e = engine_new(8, p);
	send_tcp4(&t, 40000, 443, 0);
	own(flow_of(t.e, 40000), XDT_METHOD_KERNEL, 4000001, "we\"ird\\name");
	cr_assert_eq(xdt_prom_write(p, &in), 0);

	text = slurp(D.path);
	cr_expect(strstr(text, "{interface=\"a\\\"b\\\\c\\nd\",direction=\"rx\"} 1\n"), "%s", text);
	cr_expect(strstr(text, "{interface=\"pcap0\",direction=\"both\"} 21\n"), "%s", text);
	cr_expect(strstr(text, "{interface=\"pcap0\",direction=\"both\"} 22\n"), "%s", text);
	cr_expect(!strstr(text, "{interface=\"pcap0\",direction=\"rx\"}"), "%s", text);
	cr_expect(strstr(text, "{process=\"we\\\"ird\\\\name\"} 40\n"), "%s", text);
	cr_expect(strstr(text, "{version=\"1.0\\\"\\\\\",backend=\"none\"} 1\n"), "%s", text);
	m = pm_parse(text);
	cr_expect_eq(
		pm_u64(m, "xdptop_interface_packets_total", "interface=a\"b\\c\nd,direction=rx"),
		1);
	cr_expect_eq(pm_u64(m, "xdptop_interface_bytes_total", "interface=a\"b\\c\nd,direction=rx"),
		     2);
	cr_expect_eq(
		pm_u64(m, "xdptop_interface_packets_total", "interface=a\"b\\c\nd,direction=tx"),
		3);
	cr_expect_eq(pm_u64(m, "xdptop_interface_bytes_total", "interface=a\"b\\c\nd,direction=tx"),
		     4);
	cr_expect_eq(pm_u64(m, "xdptop_interface_packets_total", "interface=eth0,direction=rx"),
		     10);
	cr_expect_eq(pm_u64(m, "xdptop_interface_bytes_total", "interface=eth0,direction=tx"), 40);
	cr_expect_eq(pm_u64(m, "xdptop_interface_packets_total", "interface=x?,direction=rx"), 5);
	cr_expect_eq(
		pm_u64(m, "xdptop_interface_bytes_total", "interface=wlan-\xc3\xbc,direction=tx"),
		14);
	cr_expect_eq(pm_u64(m, "xdptop_interface_packets_total", "interface=y??,direction=rx"), 1);
	cr_expect_eq(pm_u64(m, "xdptop_interface_packets_total", "interface=z???,direction=rx"), 1);
	cr_expect_eq(pm_u64(m, "xdptop_interface_bytes_total", "interface=pcap0,direction=both"), 22);
	/* 6 names x rx, tx, and pcap0 once. */
	cr_expect_eq(pm_count(m, "xdptop_interface_packets_total"), 13);
	cr_expect_eq(pm_count(m, "xdptop_interface_bytes_total"), 13);
	cr_expect_eq(pm_u64(m, "xdptop_process_bytes", "process=we\"ird\\name"), 40);
	free(m);
	free(text);
	xdt_engine_free(t.e);
	xdt_prom_free(p);
}

Test(prom, counts_the_errors_of_every_export)
{
	struct xdt_prom_input in = { .errors = { .pcap = 3, .json_log = 5, .ipfix = 7 } };
	struct xdt_prom *p;
	struct pm *m;

	p = prom_new(D.path, 0);
	in.e = engine_new(8, p);
	cr_assert_eq(xdt_prom_write(p, &in), 0);
	m = pm_read(D.path);
	cr_expect_eq(pm_u64(m, "xdptop_export_errors_total", "export=pcap"), 3);
	cr_expect_eq(pm_u64(m, "xdptop_export_errors_total", "export=json_log"), 5);
	cr_expect_eq(pm_u64(m, "xdptop_export_errors_total", "export=ipfix"), 7);
	cr_expect_eq(pm_u64(m, "xdptop_export_errors_total", "export=prom"), 0);
	cr_expect_eq(pm_u64(m, "xdptop_info", "version=unknown,backend=none"), 1);
	free(m);
	xdt_engine_free(in.e);
	xdt_prom_free(p);
}

Test(prom, replaces_the_file_whole_and_leaves_no_temporary)
{
	struct traffic t = { 0 };
	struct stat st1, st2;
	struct xdt_prom *p;
	struct pm *m;
	char names[256], *before, *again;
	mode_t mask;
	int fd;

	p = prom_new(D.path, 0);
	dir_list(D.dir, names, sizeof(names));
	cr_expect_str_eq(names, "", "new() left a file behind");
	t.e = engine_new(8, p);
	send_mix(&t);
	prom_write(p, t.e, NULL);
	dir_list(D.dir, names, sizeof(names));
	cr_expect_str_eq(names, "metrics.prom");
	cr_assert_eq(stat(D.path, &st1), 0);
	mask = umask(0);
	umask(mask);
	cr_expect_eq(st1.st_mode & 0777, 0644 & ~mask);

	/* A reader holding the old file keeps reading all of it. */
	fd = open(D.path, O_RDONLY);
	cr_assert_geq(fd, 0);
	before = fd_slurp(fd);
	send_udp4(&t, 45000, 123, 48);
	prom_write(p, t.e, NULL);
	cr_assert_eq(stat(D.path, &st2), 0);
	cr_expect_neq(st1.st_ino, st2.st_ino, "rewritten in place, not renamed over");
	again = fd_slurp(fd);
	cr_expect_str_eq(again, before);
	m = pm_parse(again);
	cr_expect_eq(pm_u64(m, "xdptop_packets_total", ""), 11);
	free(m);
	m = pm_read(D.path);
	cr_expect_eq(pm_u64(m, "xdptop_packets_total", ""), 12);
	free(m);
	dir_list(D.dir, names, sizeof(names));
	cr_expect_str_eq(names, "metrics.prom");
	close(fd);
	free(before);
	free(again);
	xdt_engine_free(t.e);
	xdt_prom_free(p);
	dir_list(D.dir, names, sizeof(names));
	cr_expect_str_eq(names, "metrics.prom", "free() must keep the metrics");
}

Test(prom, refuses_a_directory_that_does_not_exist)
{
	char path[128], err[256];

	snprintf(path, sizeof(path), "%s/missing/metrics.prom", D.dir);
	errno = 0;
	cr_expect_null(xdt_prom_new(path, 0, err, sizeof(err)));
	cr_expect_eq(errno, ENOENT);
	cr_expect(strstr(err, path), "%s", err);
	cr_expect(strstr(err, strerror(ENOENT)), "%s", err);

	snprintf(path, sizeof(path), "%s/", D.dir);
	cr_expect_null(xdt_prom_new(path, 0, err, sizeof(err)));
	cr_expect(strstr(err, path), "%s", err);
}

Test(prom, warns_about_a_name_the_collector_skips)
{
	char path[128], err[256];
	struct xdt_engine *e;
	struct xdt_prom *p;
	struct stat st;

	snprintf(path, sizeof(path), "%s/metrics.txt", D.dir);
	p = xdt_prom_new(path, 0, err, sizeof(err));
	cr_assert_not_null(p);
	cr_expect(strstr(err, path), "%s", err);
	cr_expect(strstr(err, ".prom"), "%s", err);
	e = engine_new(8, p);
	prom_write(p, e, NULL);
	cr_expect_eq(stat(path, &st), 0);
	xdt_engine_free(e);
	xdt_prom_free(p);
}

Test(prom, counts_a_failed_write_and_reports_it_once)
{
	struct xdt_prom_input in = { 0 };
	struct xdt_prom *p;
	struct pm *m;
	const char *msg;

	p = prom_new(D.path, 0);
	in.e = engine_new(8, p);
	/* Root ignores permission bits: take the directory away instead. */
	cr_assert_eq(rmdir(D.dir), 0);
	cr_expect_eq(xdt_prom_write(p, &in), -ENOENT);
	cr_expect_eq(xdt_prom_errors(p), 1);
	cr_expect_eq(xdt_prom_write(p, &in), -ENOENT);
	cr_expect_eq(xdt_prom_errors(p), 2);
	msg = xdt_prom_error(p);
	cr_assert_not_null(msg);
	cr_expect(strstr(msg, D.path), "%s", msg);
	cr_expect(strstr(msg, strerror(ENOENT)), "%s", msg);
	cr_expect_null(xdt_prom_error(p));

	cr_assert_eq(mkdir(D.dir, 0700), 0);
	cr_expect_eq(xdt_prom_write(p, &in), 0);
	cr_expect_null(xdt_prom_error(p));
	m = pm_read(D.path);
	cr_expect_eq(pm_u64(m, "xdptop_export_errors_total", "export=prom"), 2);
	free(m);
	xdt_engine_free(in.e);
	xdt_prom_free(p);
}

Test(prom, removes_its_temporary_file_when_the_rename_fails)
{
	struct xdt_prom_input in = { 0 };
	struct xdt_prom *p;
	char names[256];
	const char *msg;

	p = prom_new(D.path, 0);
	in.e = engine_new(8, p);
	cr_assert_eq(mkdir(D.path, 0700), 0); /* PATH is now a directory */
	cr_expect_eq(xdt_prom_write(p, &in), -EISDIR);
	dir_list(D.dir, names, sizeof(names));
	cr_expect_str_eq(names, "metrics.prom");
	msg = xdt_prom_error(p);
	cr_assert_not_null(msg);
	cr_expect(strstr(msg, D.path), "%s", msg);
	cr_expect(strstr(msg, strerror(EISDIR)), "%s", msg);
	xdt_engine_free(in.e);
	xdt_prom_free(p);
}
