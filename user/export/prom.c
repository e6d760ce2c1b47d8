// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "prom.h"
#include "../proc/owner.h"

enum prom_proto { P_TCP, P_UDP, P_ICMP, P_ICMPV6, P_ARP, P_OTHER, P__N };

static const char *const proto_labels[P__N] = { "tcp", "udp", "icmp", "icmpv6", "arp", "other" };

struct proto_total {
	uint64_t pkts, bytes;
};

struct xdt_prom {
	char *path;
	char *tmp; /* same directory, a name the collector's *.prom glob skips */
	unsigned int top_n;
	struct proto_total ended[P__N]; /* what flows that left the table carried */
	uint64_t errors;
	int err_pending; /* err holds a message xdt_prom_error() has not returned */
	char err[512];
};

/* Live flows of one process name. */
struct proc_row {
	char name[64];
	uint64_t bytes;
	uint64_t flows;
};

static enum prom_proto proto_of(const struct xdt_flow_key *k)
{
	if (k->family == XDT_FAM_ARP)
		return P_ARP;
	switch (k->proto) {
	case 6:
		return P_TCP;
	case 17:
		return P_UDP;
	case 1:
		return P_ICMP;
	case 58:
		return P_ICMPV6;
	default:
		return P_OTHER;
	}
}

/* Length of the well-formed UTF-8 sequence at @s (NUL-terminated), or 0. */
static size_t utf8_seq(const unsigned char *s)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		lo = s[0] == 0xe0 ? 0xa0 : 0x80; /* overlong */
		hi = s[0] == 0xed ? 0x9f : 0xbf; /* surrogates */
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		lo = s[0] == 0xf0 ? 0x90 : 0x80; /* overlong */
		hi = s[0] == 0xf4 ? 0x8f : 0xbf; /* above U+10FFFF */
	} else {
		return 0;
	}
	if (s[1] < lo || s[1] > hi)
		return 0;
	/* A NUL fails the test, so nothing past the terminator is read. */
	for (i = 2; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

/*
 * @src as valid UTF-8 (the format requires it of label values; names come from
 * interfaces and processes): a byte that starts no valid sequence becomes '?'.
 * Cut at a character boundary to fit @len.
 */
static void utf8_clean(char *dst, size_t len, const char *src)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t o = 0, n;

	while (*s) {
		n = utf8_seq(s);
		if (o + (n ? n : 1) >= len)
			break;
		if (n) {
			memcpy(dst + o, s, n);
			o += n;
			s += n;
		} else {
			dst[o++] = '?';
			s++;
		}
	}
	dst[o] = 0;
}

/* A label value (valid UTF-8 already) with backslash, quote and newline escaped. */
static void label_value(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", out);
		else if (*s == '"')
			fputs("\\\"", out);
		else if (*s == '\n')
			fputs("\\n", out);
		else
			fputc(*s, out);
	}
	fputc('"', out);
}

static void family(FILE *out, const char *name, const char *type, const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* name{k1="v1",k2="v2"} value; @k1 (and so @k2) may be NULL. */
static void sample(FILE *out, const char *name, const char *k1, const char *v1, const char *k2,
		   const char *v2, uint64_t value)
{
	fputs(name, out);
	if (k1) {
		fprintf(out, "{%s=", k1);
		label_value(out, v1);
		if (k2) {
			fprintf(out, ",%s=", k2);
			label_value(out, v2);
		}
		fputc('}', out);
	}
	fprintf(out, " %llu\n", (unsigned long long)value);
}

static void counter(FILE *out, const char *name, const char *help, uint64_t value)
{
	family(out, name, "counter", help);
	sample(out, name, NULL, NULL, NULL, NULL, value);
}

static int fail(struct xdt_prom *p, const char *what, const char *file, int err)
{
	p->errors++;
	if (!p->err_pending) {
		snprintf(p->err, sizeof(p->err), "prometheus textfile %s: %s %s: %s", p->path, what,
			 file, strerror(-err));
		p->err_pending = 1;
	}
	return err;
}

/* Probe the directory the way every write will use it. 0 or -errno. */
static int probe_dir(const struct xdt_prom *p)
{
	int fd = open(p->tmp, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0644);

	if (fd < 0)
		return -errno;
	close(fd);
	if (unlink(p->tmp))
		return -errno;
	return 0;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), sl = strlen(suffix);

	return n >= sl && !strcmp(s + n - sl, suffix);
}

struct xdt_prom *xdt_prom_new(const char *path, unsigned int top_n, char *err, size_t errlen)
{
	const char *slash, *base;
	struct xdt_prom *p;
	size_t dirlen;
	int r;

	if (errlen)
		err[0] = 0;
	slash = path ? strrchr(path, '/') : NULL;
	base = slash ? slash + 1 : path;
	if (!path || !base[0]) {
		snprintf(err, errlen, "prometheus textfile '%s': not a file name",
			 path ? path : "");
		errno = EINVAL;
		return NULL;
	}
	dirlen = (size_t)(base - path);
	p = calloc(1, sizeof(*p));
	if (!p)
		goto nomem;
	p->top_n = top_n ? top_n : 10;
	p->path = strdup(path);
	/* "DIR/.BASE.tmp": hidden and not *.prom, so the collector never reads it. */
	p->tmp = malloc(dirlen + strlen(base) + sizeof("..tmp"));
	if (!p->path || !p->tmp)
		goto nomem;
	sprintf(p->tmp, "%.*s.%s.tmp", (int)dirlen, path, base);
	r = probe_dir(p);
	if (r) {
		snprintf(err, errlen,
			 "prometheus textfile %s: cannot create %s: %s (the directory must "
			 "exist and be writable)",
			 path, p->tmp, strerror(-r));
		xdt_prom_free(p);
		errno = -r;
		return NULL;
	}
	if (!ends_with(base, ".prom"))
		snprintf(err, errlen,
			 "prometheus textfile %s: the name does not end in .prom, so "
			 "node_exporter's textfile collector will not read it",
			 path);
	return p;
nomem:
	snprintf(err, errlen, "prometheus textfile %s: %s", path, strerror(ENOMEM));
	xdt_prom_free(p);
	errno = ENOMEM;
	return NULL;
}

void xdt_prom_flow_end(struct xdt_prom *p, const struct xdt_flow *f)
{
	struct proto_total *t = &p->ended[proto_of(&f->key)];

	t->pkts += f->dir[0].pkts + f->dir[1].pkts;
	t->bytes += f->dir[0].bytes + f->dir[1].bytes;
}

static int row_by_name(const void *a, const void *b)
{
	return strcmp(((const struct proc_row *)a)->name, ((const struct proc_row *)b)->name);
}

static int row_by_bytes(const void *a, const void *b)
{
	const struct proc_row *x = a, *y = b;

	if (x->bytes != y->bytes)
		return x->bytes > y->bytes ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* The name xdt_json_flow() gives the flow's process, as a label value. 0: no process. */
static int owner_name(struct xdt_proc_cache *procs, const struct xdt_flow *f, char *buf, size_t len)
{
	const struct xdt_flow_owner *o = &f->owner;
	const struct xdt_proc_info *i;

	if (o->method == XDT_METHOD_NONE || o->pid <= 0)
		return 0;
	i = procs ? xdt_owner_info(procs, o) : NULL;
	/* The cache's pointer lasts until its next call: copy now. */
	utf8_clean(buf, len, i && i->name[0] ? i->name : o->name[0] ? o->name : o->comm);
	if (!buf[0])
		snprintf(buf, len, "unknown");
	return 1;
}

/* Rows with the same name made one; then biggest first. Returns how many are left. */
static size_t group_rows(struct proc_row *r, size_t m)
{
	size_t i, k = 0;

	if (m < 2)
		return m;
	qsort(r, m, sizeof(*r), row_by_name);
	for (i = 0; i < m; i++) {
		if (k && !strcmp(r[k - 1].name, r[i].name)) {
			r[k - 1].bytes += r[i].bytes;
			r[k - 1].flows += r[i].flows;
		} else {
			r[k++] = r[i];
		}
	}
	qsort(r, k, sizeof(*r), row_by_bytes);
	return k;
}

/*
 * Walk the live flows: add what they carry to @live, and their processes to @rows
 * (grouped by name, biggest first). *@n_rows set. 0 or -ENOMEM.
 */
static int live_flows(struct xdt_engine *e, struct proto_total *live, struct proc_row **rows,
		      size_t *n_rows)
{
	struct xdt_flow_table *t = xdt_engine_flows(e);
	struct xdt_proc_cache *procs = xdt_engine_procs(e);
	size_t n = xdt_flow_table_count(t), i, m = 0, cap = 0;
	const struct xdt_flow **list = malloc((n ? n : 1) * sizeof(*list));
	struct proc_row *r = NULL, *grown;
	char name[sizeof(r->name)];

	if (!list)
		return -ENOMEM;
	n = xdt_flow_table_list(t, list, n);
	for (i = 0; i < n; i++) {
		const struct xdt_flow *f = list[i];
		uint64_t bytes = f->dir[0].bytes + f->dir[1].bytes;
		struct proto_total *pt = &live[proto_of(&f->key)];

		pt->pkts += f->dir[0].pkts + f->dir[1].pkts;
		pt->bytes += bytes;
		if (!owner_name(procs, f, name, sizeof(name)))
			continue;
		/* Sized by the flows that have an owner, not by the table. */
		if (m == cap) {
			cap = cap ? 2 * cap : 64;
			grown = realloc(r, cap * sizeof(*r));
			if (!grown) {
				free(list);
				free(r);
				return -ENOMEM;
			}
			r = grown;
		}
		memcpy(r[m].name, name, sizeof(name));
		r[m].bytes = bytes;
		r[m].flows = 1;
		m++;
	}
	free(list);
	*rows = r;
	*n_rows = group_rows(r, m);
	return 0;
}

/*
 * Interface names made valid label values, one NUL-terminated string after the
 * other; a name already seen (or NULL) becomes "" and is skipped, so no series
 * repeats. NULL on ENOMEM.
 */
static char *iface_labels(const struct xdt_prom_input *in)
{
	size_t total = 1, i, j;
	char *buf, *o, *prev;

	for (i = 0; i < in->n_ifaces; i++)
		total += (in->ifaces[i].name ? strlen(in->ifaces[i].name) : 0) + 1;
	buf = malloc(total);
	if (!buf)
		return NULL;
	o = buf;
	for (i = 0; i < in->n_ifaces; i++) {
		const char *name = in->ifaces[i].name;

		utf8_clean(o, name ? strlen(name) + 1 : 1, name ? name : "");
		for (prev = buf, j = 0; j < i && o[0]; j++, prev += strlen(prev) + 1)
			if (!strcmp(prev, o))
				o[0] = 0;
		o += strlen(o) + 1;
	}
	return buf;
}

static void emit_ifaces(FILE *out, const struct xdt_prom_input *in, const char *names)
{
	static const char *const fam[2] = { "xdptop_interface_packets_total",
					    "xdptop_interface_bytes_total" };
	static const char *const help[2] = {
		"Packets xdptop saw on the interface, by direction (\"both\": the backend "
		"cannot tell them apart).",
		"Layer-2 bytes xdptop saw on the interface, by direction."
	};
	const char *name;
	unsigned int i;
	int k;

	for (k = 0; k < 2; k++) {
		family(out, fam[k], "counter", help[k]);
		for (i = 0, name = names; i < in->n_ifaces; i++, name += strlen(name) + 1) {
			const struct xdt_prom_iface *f = &in->ifaces[i];

			if (!name[0])
				continue;
			if (f->undirected) {
				sample(out, fam[k], "interface", name, "direction", "both",
				       k ? f->rx_bytes : f->rx_packets);
				continue;
			}
			sample(out, fam[k], "interface", name, "direction", "rx",
			       k ? f->rx_bytes : f->rx_packets);
			sample(out, fam[k], "interface", name, "direction", "tx",
			       k ? f->tx_bytes : f->tx_packets);
		}
	}
}

static void emit_protocols(FILE *out, const struct xdt_prom *p, const struct proto_total *live)
{
	int i;

	family(out, "xdptop_protocol_packets_total", "counter",
	       "Packets of flows by protocol, flows ended and live.");
	for (i = 0; i < P__N; i++)
		sample(out, "xdptop_protocol_packets_total", "protocol", proto_labels[i], NULL,
		       NULL, p->ended[i].pkts + live[i].pkts);
	family(out, "xdptop_protocol_bytes_total", "counter",
	       "IP-layer bytes of flows by protocol, flows ended and live.");
	for (i = 0; i < P__N; i++)
		sample(out, "xdptop_protocol_bytes_total", "protocol", proto_labels[i], NULL, NULL,
		       p->ended[i].bytes + live[i].bytes);
}

static void emit_processes(FILE *out, const struct proc_row *rows, size_t n)
{
	size_t i;

	if (!n)
		return;
	family(out, "xdptop_process_bytes", "gauge",
	       "Bytes (in and out) of the live flows of the processes with the most.");
	for (i = 0; i < n; i++)
		sample(out, "xdptop_process_bytes", "process", rows[i].name, NULL, NULL,
		       rows[i].bytes);
	family(out, "xdptop_process_flows", "gauge", "Live flows of the same processes.");
	for (i = 0; i < n; i++)
		sample(out, "xdptop_process_flows", "process", rows[i].name, NULL, NULL,
		       rows[i].flows);
}

static void emit_capture(FILE *out, const struct xdt_capture_stats *cap)
{
	const struct xdt_sandbox_report *sb = cap ? cap->sandbox : NULL;
	int i;

	if (cap && cap->valid) {
		family(out, "xdptop_capture_dropped_total", "counter",
		       "Packets the capture lost: kernel buffer full, or dropped by the "
		       "interface.");
		sample(out, "xdptop_capture_dropped_total", "where", "kernel", NULL, NULL,
		       cap->dropped);
		sample(out, "xdptop_capture_dropped_total", "where", "interface", NULL, NULL,
		       cap->if_dropped);
	}
	if (cap && cap->kernel) {
		counter(out, "xdptop_prefix_lost_total",
			"Payload prefixes the kernel could not send: ring buffer full.",
			cap->prefix_lost);
		counter(out, "xdptop_kernel_map_full_total",
			"Packets the kernel did not count: its flow map was full.", cap->map_full);
	}
	if (!sb || !sb->done)
		return;
	family(out, "xdptop_sandbox_layer", "gauge", "The state of each sandbox layer (1).");
	for (i = 0; i < XDT_SB_N; i++)
		sample(out, "xdptop_sandbox_layer", "layer",
		       xdt_sb_layer_name((enum xdt_sb_layer)i), "state",
		       xdt_sb_state_name(sb->l[i].state), 1);
	family(out, "xdptop_sandbox_full", "gauge", "1 when every sandbox layer is on, else 0.");
	sample(out, "xdptop_sandbox_full", NULL, NULL, NULL, NULL,
	       !strcmp(xdt_sb_summary(sb), "full"));
}

/* The whole exposition into @out. 0 or -ENOMEM. */
static int emit(FILE *out, const struct xdt_prom *p, const struct xdt_prom_input *in)
{
	const struct xdt_engine_stats *s = xdt_engine_stats(in->e);
	struct xdt_flow_table *t = xdt_engine_flows(in->e);
	const struct xdt_flow_table_stats *fs = xdt_flow_table_stats(t);
	const struct xdt_capture_stats *cap = in->cap;
	struct proto_total live[P__N] = { { 0 } };
	char version[64], backend[64], *ifnames = NULL;
	struct proc_row *rows = NULL;
	size_t n_rows = 0;
	int i, err;

	err = live_flows(in->e, live, &rows, &n_rows);
	if (err)
		return err;
	if (in->n_ifaces && in->ifaces) {
		ifnames = iface_labels(in);
		if (!ifnames) {
			free(rows);
			return -ENOMEM;
		}
	}
	utf8_clean(version, sizeof(version), in->version ? in->version : "unknown");
	utf8_clean(backend, sizeof(backend), cap && cap->backend ? cap->backend : "none");
	family(out, "xdptop_info", "gauge", "xdptop's version and capture backend (1).");
	sample(out, "xdptop_info", "version", version, "backend", backend, 1);
	counter(out, "xdptop_packets_total", "Frames seen.", s->packets);
	counter(out, "xdptop_packets_unsupported_total",
		"Well-formed frames of protocols other than IP and ARP.", s->unsupported);
	family(out, "xdptop_packets_malformed_total", "counter", "Frames rejected, by reason.");
	for (i = 1; i < XDT_MAL__COUNT; i++)
		sample(out, "xdptop_packets_malformed_total", "reason",
		       xdt_malformed_name((enum xdt_malformed)i), NULL, NULL, s->malformed_by[i]);
	if (ifnames)
		emit_ifaces(out, in, ifnames);
	emit_protocols(out, p, live);
	family(out, "xdptop_flows", "gauge", "Flows in the table.");
	sample(out, "xdptop_flows", NULL, NULL, NULL, NULL, xdt_flow_table_count(t));
	counter(out, "xdptop_flows_created_total", "Flows created.", fs->created);
	counter(out, "xdptop_flows_expired_total", "Flows ended by their idle timeout.",
		fs->expired);
	counter(out, "xdptop_flows_evicted_total", "Flows evicted from a full table.", fs->evicted);
	emit_processes(out, rows, n_rows < p->top_n ? n_rows : p->top_n);
	emit_capture(out, cap);
	family(out, "xdptop_export_errors_total", "counter", "Write errors of each export.");
	sample(out, "xdptop_export_errors_total", "export", "pcap", NULL, NULL, in->errors.pcap);
	sample(out, "xdptop_export_errors_total", "export", "json_log", NULL, NULL,
	       in->errors.json_log);
	sample(out, "xdptop_export_errors_total", "export", "ipfix", NULL, NULL, in->errors.ipfix);
	sample(out, "xdptop_export_errors_total", "export", "prom", NULL, NULL, p->errors);
	family(out, "xdptop_last_update_timestamp_seconds", "gauge",
	       "When these metrics were written, in seconds since the epoch.");
	fprintf(out, "xdptop_last_update_timestamp_seconds %llu.%03llu\n",
		(unsigned long long)(in->now_ns / 1000000000ULL),
		(unsigned long long)(in->now_ns % 1000000000ULL / 1000000ULL));
	free(ifnames);
	free(rows);
	return 0;
}

/* All of @buf to @fd. 0 or -errno. */
static int write_all(int fd, const char *buf, size_t len)
{
	ssize_t w;

	while (len) {
		w = write(fd, buf, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

int xdt_prom_write(struct xdt_prom *p, const struct xdt_prom_input *in)
{
	const char *what = "cannot render", *file = p->path;
	char *text = NULL;
	size_t len = 0;
	FILE *out;
	int fd, err;

	/* The text is built in memory first, so a write error has an exact errno. */
	out = open_memstream(&text, &len);
	if (!out) {
		err = -errno;
		goto out;
	}
	err = emit(out, p, in);
	if (fflush(out) && !err)
		err = -errno;
	if (fclose(out) && !err)
		err = -errno;
	if (err)
		goto out;
	what = "cannot create";
	file = p->tmp;
	fd = open(p->tmp, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0644);
	if (fd < 0) {
		err = -errno;
		goto out;
	}
	what = "cannot write";
	err = write_all(fd, text, len);
	if (close(fd) && !err)
		err = -errno;
	if (err)
		goto out_unlink;
	what = "cannot rename into place";
	if (rename(p->tmp, p->path)) {
		err = -errno;
		goto out_unlink;
	}
	free(text);
	return 0;
out_unlink:
	unlink(p->tmp);
out:
	free(text);
	return fail(p, what, file, err);
}

const char *xdt_prom_error(struct xdt_prom *p)
{
	if (!p || !p->err_pending)
		return NULL;
	p->err_pending = 0;
	return p->err;
}

uint64_t xdt_prom_errors(const struct xdt_prom *p)
{
	return p ? p->errors : 0;
}

void xdt_prom_free(struct xdt_prom *p)
{
	if (!p)
		return;
	if (p->tmp)
		unlink(p->tmp);
	free(p->tmp);
	free(p->path);
	free(p);
}
