// SPDX-License-Identifier: GPL-2.0-only
/*
 * The pcapng writer, checked against two readers that are not it: a block
 * walker written here from draft-ietf-opsawg-pcapng, and tshark, which reads
 * the files the way a user would.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xdptop/flow.h>

#include "export/pcapng.h"
#include "frames.h"
#include "hexvec.h"

#define TSHARK "/usr/bin/tshark"
#define CAPINFOS "/usr/bin/capinfos"
#define MAX_PKTS 4096
#define PAD4(n) (((n) + 3) & ~(size_t)3)
#define BT_SHB 0x0A0D0D0A
#define BT_IDB 1
#define BT_EPB 6
#define TS0 1795462525123456789ULL /* 2026-11-23T19:35:25.123456789Z */

static char dir[64];

static void tmp_make(void)
{
	strcpy(dir, "/tmp/xdt-pcapng-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

/* The files and directories the tests made, one level deep. */
static void tmp_remove(void)
{
	char p[sizeof(dir) + 258];
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		if (unlink(p) != 0)
			rmdir(p);
	}
	closedir(d);
	rmdir(dir);
}

TestSuite(pcapng, .init = tmp_make, .fini = tmp_remove);

static void in_dir(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

/* --- the walker -------------------------------------------------------------- */

struct str {
	const char *s;
	size_t n;
};

struct rd_idb {
	uint16_t linktype;
	uint32_t snaplen;
	struct str name, descr;
};

struct rd_pkt {
	uint32_t iface, caplen, origlen;
	uint64_t ts;
	const uint8_t *data;
	struct str comment;
	size_t start, end; /* file offsets of the block */
};

struct rd {
	uint8_t *buf;
	size_t len;
	struct str shb_comment, shb_os, shb_appl;
	int n_idb;
	struct rd_idb idb[XDT_PCAPNG_MAX_IFACES];
	int n_pkt;
	struct rd_pkt pkt[MAX_PKTS];
};

static uint32_t rd_u32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint16_t rd_u16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/*
 * "Options": code, length, value, zero padding to 32 bits. A non-empty list
 * must end with opt_endofopt (our writer's promise). Values by code < 16.
 */
static void rd_options(const uint8_t *p, size_t n, struct str val[16])
{
	size_t off = 0, i;

	memset(val, 0, 16 * sizeof(*val));
	while (off < n) {
		uint16_t code, len;

		cr_assert_leq(off + 4, n, "option header past its block");
		code = rd_u16(p + off);
		len = rd_u16(p + off + 2);
		if (code == 0) {
			cr_assert_eq(len, 0, "opt_endofopt with a value");
			cr_assert_eq(off + 4, n, "opt_endofopt is not last");
			return;
		}
		cr_assert_leq(off + 4 + PAD4((size_t)len), n, "option %u value past its block",
			      code);
		for (i = len; i < PAD4((size_t)len); i++)
			cr_assert_eq(p[off + 4 + i], 0, "option %u padding not zero", code);
		cr_assert_lt(code, 16, "unexpected option %u", code);
		cr_assert_null(val[code].s, "option %u twice", code);
		val[code] = (struct str){ (const char *)p + off + 4, len };
		off += 4 + PAD4((size_t)len);
	}
	cr_assert_eq(n, 0, "options without opt_endofopt");
}

/* "Section Header Block": magic, version 1.0, section length -1. */
static void rd_shb(struct rd *r, const uint8_t *p, size_t n)
{
	struct str v[16];
	int64_t section;

	cr_assert_geq(n, 16);
	cr_assert_eq(rd_u32(p), 0x1A2B3C4D, "byte-order magic");
	cr_assert_eq(rd_u16(p + 4), 1, "major version");
	cr_assert_eq(rd_u16(p + 6), 0, "minor version");
	memcpy(&section, p + 8, 8);
	cr_assert_eq(section, -1, "section length");
	rd_options(p + 16, n - 16, v);
	r->shb_comment = v[1];
	r->shb_os = v[3];
	r->shb_appl = v[4];
}

/* "Interface Description Block": linktype, reserved 0, snaplen; tsresol 9. */
static void rd_idb(struct rd *r, const uint8_t *p, size_t n)
{
	struct rd_idb *i = &r->idb[r->n_idb];
	struct str v[16];

	cr_assert_lt(r->n_idb, XDT_PCAPNG_MAX_IFACES, "too many interfaces");
	cr_assert_geq(n, 8);
	i->linktype = rd_u16(p);
	cr_assert_eq(rd_u16(p + 2), 0, "IDB reserved field");
	i->snaplen = rd_u32(p + 4);
	rd_options(p + 8, n - 8, v);
	i->name = v[2];
	i->descr = v[3];
	cr_assert_eq(v[9].n, 1, "if_tsresol missing or not one byte");
	cr_assert_eq((uint8_t)v[9].s[0], 9, "if_tsresol is not nanoseconds");
	r->n_idb++;
}

/* "Enhanced Packet Block": interface, timestamp high/low, lengths, padded data. */
static void rd_epb(struct rd *r, const uint8_t *p, size_t n)
{
	struct rd_pkt *k = &r->pkt[r->n_pkt];
	struct str v[16];
	size_t i;

	cr_assert_lt(r->n_pkt, MAX_PKTS);
	cr_assert_geq(n, 20);
	k->iface = rd_u32(p);
	cr_assert_lt(k->iface, (uint32_t)r->n_idb, "packet of an undescribed interface");
	k->ts = (uint64_t)rd_u32(p + 4) << 32 | rd_u32(p + 8);
	k->caplen = rd_u32(p + 12);
	k->origlen = rd_u32(p + 16);
	cr_assert_leq(k->caplen, k->origlen);
	cr_assert_leq(20 + PAD4((size_t)k->caplen), n, "packet data past its block");
	k->data = p + 20;
	for (i = k->caplen; i < PAD4((size_t)k->caplen); i++)
		cr_assert_eq(p[20 + i], 0, "packet padding not zero");
	rd_options(p + 20 + PAD4((size_t)k->caplen), n - 20 - PAD4((size_t)k->caplen), v);
	k->comment = v[1];
	r->n_pkt++;
}

/* Read and check a whole file ("General Block Structure"). */
static struct rd *rd_load(const char *path)
{
	struct rd *r = calloc(1, sizeof(*r));
	FILE *f = fopen(path, "rb");
	struct stat st;
	size_t off = 0;

	cr_assert(r && f, "%s: %s", path, strerror(errno));
	cr_assert_eq(fstat(fileno(f), &st), 0);
	r->len = (size_t)st.st_size;
	r->buf = malloc(r->len + 1);
	cr_assert_eq(fread(r->buf, 1, r->len, f), r->len);
	fclose(f);
	cr_assert_gt(r->len, 0, "%s is empty", path);
	while (off < r->len) {
		uint32_t type, len;

		cr_assert_geq(r->len - off, 12, "block header cut at %zu", off);
		type = rd_u32(r->buf + off);
		len = rd_u32(r->buf + off + 4);
		cr_assert(len >= 12 && len % 4 == 0 && len <= r->len - off,
			  "block length %u at %zu", len, off);
		cr_assert_eq(rd_u32(r->buf + off + len - 4), len, "trailing length at %zu", off);
		cr_assert_eq(type == BT_SHB, off == 0, "section header not (only) first: %zu", off);
		if (type == BT_SHB) {
			rd_shb(r, r->buf + off + 8, len - 12);
		} else if (type == BT_IDB) {
			rd_idb(r, r->buf + off + 8, len - 12);
		} else {
			cr_assert_eq(type, BT_EPB, "block type 0x%x at %zu", type, off);
			rd_epb(r, r->buf + off + 8, len - 12);
			r->pkt[r->n_pkt - 1].start = off;
			r->pkt[r->n_pkt - 1].end = off + len;
		}
		off += len;
	}
	return r;
}

static void rd_free(struct rd *r)
{
	free(r->buf);
	free(r);
}

static int str_is(struct str s, const char *want)
{
	if (!want)
		return !s.s;
	return s.s && s.n == strlen(want) && !memcmp(s.s, want, s.n);
}

static void assert_str(struct str got, const char *want)
{
	cr_assert(str_is(got, want), "got \"%.*s\", want \"%s\"", (int)got.n, got.s ? got.s : "",
		  want ? want : "(none)");
}

/* --- tshark and capinfos ------------------------------------------------------ */

/* Run @argv (an absolute path first); its standard output. It must exit 0. */
static char *run(char *const argv[])
{
	char *out = NULL, chunk[4096];
	size_t len = 0;
	int pfd[2], status;
	FILE *mem;
	ssize_t n;
	pid_t pid;

	cr_assert_eq(pipe(pfd), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		int nul = open("/dev/null", O_WRONLY);

		dup2(pfd[1], 1);
		dup2(nul, 2);
		close(pfd[0]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(pfd[1]);
	mem = open_memstream(&out, &len);
	while ((n = read(pfd[0], chunk, sizeof(chunk))) > 0)
		fwrite(chunk, 1, (size_t)n, mem);
	close(pfd[0]);
	fclose(mem);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s exited with status 0x%x",
		  argv[0], status);
	return out;
}

/* tshark -r @path -T fields -e F... for the space-separated @fields. */
static char *tshark(const char *path, const char *fields)
{
	char buf[512], file[256], *f, *argv[48] = { TSHARK, "-n", "-r", file, "-T", "fields" };
	int n = 6;

	cr_assert_lt(strlen(fields), sizeof(buf));
	cr_assert_lt(strlen(path), sizeof(file));
	strcpy(buf, fields);
	strcpy(file, path);
	for (f = strtok(buf, " "); f; f = strtok(NULL, " ")) {
		cr_assert_lt(n, 46);
		argv[n++] = "-e";
		argv[n++] = f;
	}
	return run(argv);
}

static int have(const char *tool)
{
	return access(tool, X_OK) == 0;
}

/* --- writing ------------------------------------------------------------------ */

struct closed {
	unsigned int n;
	unsigned int seq[64];
	char path[64][128];
	off_t size[64]; /* the file's size when on_close saw it */
};

static void on_close(void *ctx, unsigned int seq, const char *path)
{
	struct closed *c = ctx;
	struct stat st;

	cr_assert_lt(c->n, 64);
	c->seq[c->n] = seq;
	snprintf(c->path[c->n], sizeof(c->path[0]), "%s", path);
	c->size[c->n] = stat(path, &st) == 0 ? st.st_size : -1;
	c->n++;
}

static struct xdt_pcapng *open_w(const char *path, uint64_t rotate, struct closed *c)
{
	struct xdt_pcapng_opts o = { .path = path,
				     .rotate_bytes = rotate,
				     .shb_comment = "test capture",
				     .shb_appl = "xdptop test",
				     .on_close = c ? on_close : NULL,
				     .ctx = c };
	char err[512] = "";
	struct xdt_pcapng *w = xdt_pcapng_open(&o, err, sizeof(err));

	cr_assert_not_null(w, "%s", err);
	return w;
}

/* An Ethernet + IPv4 + UDP frame from 192.0.2.1:(30000 + i) with @paylen bytes of i. */
static void udp_frame(struct fb *f, uint16_t i, uint16_t paylen)
{
	f->n = 0;
	fb_eth(f, 0x0800);
	fb_ipv4(f, 17, IP4(192, 0, 2, 1), IP4(192, 0, 2, 2), (uint16_t)(28 + paylen), 0, 0);
	fb_udp(f, (uint16_t)(30000 + i), 31000, (uint16_t)(8 + paylen));
	memset(f->b + f->n, (int)(i & 0xff), paylen);
	f->n += paylen;
}

static void fmt_time(FILE *out, uint64_t ns)
{
	fprintf(out, "%llu.%09llu", (unsigned long long)(ns / 1000000000ULL),
		(unsigned long long)(ns % 1000000000ULL));
}

/* --- the format --------------------------------------------------------------- */

Test(pcapng, writes_blocks_a_walker_reads_back_field_by_field)
{
	static const uint8_t pkt[5] = { 1, 2, 3, 4, 5 };
	char path[128], os[300];
	struct utsname u;
	struct xdt_pcapng_stats st;
	struct xdt_pcapng *w;
	struct stat sb;
	struct rd *r;

	in_dir(path, sizeof(path), "a.pcapng");
	w = open_w(path, 0, NULL);
	cr_assert_eq(xdt_pcapng_add_iface(w, XDT_LINKTYPE_ETHERNET, 65535, "eth0", "uplink"), 0);
	cr_assert_eq(xdt_pcapng_add_iface(w, XDT_LINKTYPE_RAW, 0, NULL, NULL), 1);
	cr_assert_eq(xdt_pcapng_write(w, 0, TS0, pkt, 5, 60, "first"), 0);
	cr_assert_eq(xdt_pcapng_write(w, 1, 1, pkt, 4, 4, NULL), 0);
	cr_assert_eq(xdt_pcapng_write(w, 0, 0xffffffffULL, NULL, 0, 0, ""), 0);
	cr_assert_eq(xdt_pcapng_flush(w), 0);
	xdt_pcapng_stats(w, &st);
	xdt_pcapng_close(w);

	r = rd_load(path);
	uname(&u);
	snprintf(os, sizeof(os), "%s %s", u.sysname, u.release);
	assert_str(r->shb_comment, "test capture");
	assert_str(r->shb_appl, "xdptop test");
	assert_str(r->shb_os, os);
	cr_assert_eq(r->n_idb, 2);
	cr_assert_eq(r->idb[0].linktype, 1);
	cr_assert_eq(r->idb[0].snaplen, 65535);
	assert_str(r->idb[0].name, "eth0");
	assert_str(r->idb[0].descr, "uplink");
	cr_assert_eq(r->idb[1].linktype, 101);
	cr_assert_eq(r->idb[1].snaplen, 0);
	assert_str(r->idb[1].name, NULL);
	cr_assert_eq(r->n_pkt, 3);
	cr_assert_eq(r->pkt[0].ts, TS0);
	cr_assert_eq(r->pkt[0].caplen, 5);
	cr_assert_eq(r->pkt[0].origlen, 60);
	cr_assert_arr_eq(r->pkt[0].data, pkt, 5);
	assert_str(r->pkt[0].comment, "first");
	/* 4 bytes of data need no padding; an EPB without options has no opt_endofopt. */
	cr_assert_eq(r->pkt[1].end - r->pkt[1].start, 12 + 20 + 4);
	cr_assert_eq(r->pkt[1].iface, 1);
	cr_assert_eq(r->pkt[1].ts, 1);
	assert_str(r->pkt[1].comment, NULL);
	cr_assert_eq(r->pkt[2].ts, 0xffffffffULL);
	cr_assert_eq(r->pkt[2].caplen, 0);
	assert_str(r->pkt[2].comment, NULL); /* "" is no comment */
	cr_assert_eq(stat(path, &sb), 0);
	cr_assert_eq(st.packets, 3);
	cr_assert_eq(st.bytes, (uint64_t)sb.st_size);
	cr_assert_eq(st.files, 1);
	cr_assert_eq(st.write_errors, 0);
	rd_free(r);
	if (have(CAPINFOS)) {
		char *argv[] = { CAPINFOS, "-k", "-F", path, NULL };
		char *out = run(argv), want[400];

		cr_expect(strstr(out, "test capture"), "%s", out);
		snprintf(want, sizeof(want), "Capture application: xdptop test");
		cr_expect(strstr(out, want), "%s", out);
		snprintf(want, sizeof(want), "Capture oper-sys:    %s", os);
		cr_expect(strstr(out, want), "%s", out);
		free(out);
	}
}

Test(pcapng, tshark_reads_frames_times_interfaces_and_comments)
{
	uint64_t ts[4] = { TS0, TS0 + 1, TS0 + 999999999ULL, 1000000000ULL };
	char path[128], *out, *want = NULL;
	struct xdt_pcapng *w;
	size_t wlen = 0;
	struct fb f;
	FILE *exp;
	int i;

	if (!have(TSHARK))
		cr_skip_test("no %s", TSHARK);
	in_dir(path, sizeof(path), "t.pcapng");
	w = open_w(path, 0, NULL);
	cr_assert_eq(xdt_pcapng_add_iface(w, XDT_LINKTYPE_ETHERNET, 0, "eth0", "uplink"), 0);
	cr_assert_eq(xdt_pcapng_add_iface(w, XDT_LINKTYPE_ETHERNET, 64, "veth1", NULL), 1);
	exp = open_memstream(&want, &wlen);
	for (i = 0; i < 4; i++) {
		char comment[32];

		udp_frame(&f, (uint16_t)i, (uint16_t)(10 + 37 * i));
		snprintf(comment, sizeof(comment), "packet %d", i);
		cr_assert_eq(xdt_pcapng_write(w, i % 2, ts[i], f.b, (uint32_t)(i % 2 ? 64 : f.n),
					      (uint32_t)f.n + 4, i == 2 ? NULL : comment),
			     0);
		fprintf(exp, "%d\t%zu\t%zu\t", i + 1, f.n + 4, i % 2 ? 64 : f.n);
		fmt_time(exp, ts[i]);
		fprintf(exp, "\t%s\t%s\t192.0.2.1\t%d\t%s\n", i % 2 ? "veth1" : "eth0",
			i % 2 ? "" : "uplink", 30000 + i, i == 2 ? "" : comment);
	}
	fclose(exp);
	xdt_pcapng_close(w);
	out = tshark(path, "frame.number frame.len frame.cap_len frame.time_epoch "
			   "frame.interface_name frame.interface_description ip.src udp.srcport "
			   "frame.comment");
	cr_assert_str_eq(out, want);
	free(out);
	free(want);
}

/* An interface declared after packets: its IDB comes between EPBs, and is usable at once. */
Test(pcapng, declares_an_interface_between_packets)
{
	char path[128], *out;
	struct xdt_pcapng *w;
	struct rd *r;
	struct fb f;

	in_dir(path, sizeof(path), "late.pcapng");
	w = open_w(path, 0, NULL);
	cr_assert_eq(xdt_pcapng_add_iface(w, XDT_LINKTYPE_ETHERNET, 0, "eth0", NULL), 0);
	udp_frame(&f, 1, 20);
	cr_assert_eq(xdt_pcapng_write(w, 0, TS0, f.b, (uint32_t)f.n, (uint32_t)f.n, NULL), 0);
	cr_assert_eq(xdt_pcapng_write(w, 1, TS0, f.b, (uint32_t)f.n, (uint32_t)f.n, NULL), -EINVAL);
	cr_assert_eq(xdt_pcapng_add_iface(w, XDT_LINKTYPE_ETHERNET, 0, "eth1", NULL), 1);
	cr_assert_eq(xdt_pcapng_write(w, 1, TS0 + 1, f.b, (uint32_t)f.n, (uint32_t)f.n, NULL), 0);
	xdt_pcapng_close(w);
	r = rd_load(path);
	cr_assert_eq(r->n_idb, 2);
	cr_assert_eq(r->n_pkt, 2);
	cr_assert_eq(r->pkt[1].iface, 1);
	rd_free(r);
	if (have(TSHARK)) {
		out = tshark(path, "frame.interface_name");
		cr_assert_str_eq(out, "eth0\neth1\n");
		free(out);
	}
}

Test(pcapng, writes_a_packet_larger_than_its_buffer)
{
	uint8_t *big = malloc(262144);
	char path[128], *out;
	struct xdt_pcapng *w;
	struct rd *r;
	uint32_t i;

	cr_assert_not_null(big);
	for (i = 0; i < 262144; i++)
		big[i] = (uint8_t)(i * 7);
	in_dir(path, sizeof(path), "big.pcapng");
	w = open_w(path, 0, NULL);
	cr_assert_eq(xdt_pcapng_add_iface(w, XDT_LINKTYPE_RAW, 0, "lo", NULL), 0);
	cr_assert_eq(xdt_pcapng_write(w, 0, TS0, big, 100, 100, "small"), 0);
	cr_assert_eq(xdt_pcapng_write(w, 0, TS0 + 1, big, 262144, 300000, "big"), 0);
	cr_assert_eq(xdt_pcapng_write(w, 0, TS0 + 2, big, 262145, 300000, NULL), -EINVAL);
	cr_assert_eq(xdt_pcapng_write(w, 0, TS0 + 3, big + 1, 3, 3, "after"), 0);
	xdt_pcapng_close(w);
	r = rd_load(path);
	cr_assert_eq(r->n_pkt, 3);
	cr_assert_eq(r->pkt[1].caplen, 262144);
	cr_assert_eq(r->pkt[1].origlen, 300000);
	cr_assert_arr_eq(r->pkt[1].data, big, 262144);
	assert_str(r->pkt[2].comment, "after");
	cr_assert_arr_eq(r->pkt[2].data, big + 1, 3);
	rd_free(r);
	if (have(TSHARK)) {
		out = tshark(path, "frame.cap_len frame.len frame.comment");
		cr_assert_str_eq(out, "100\t100\tsmall\n262144\t300000\tbig\n3\t3\tafter\n");
		free(out);
	}
	free(big);
}

Test(pcapng, cuts_an_overlong_comment_on_a_character_boundary)
{
	char path[128], *comment = malloc(70001);
	struct xdt_pcapng *w;
	struct rd *r;
	int i;

	cr_assert_not_null(comment);
	for (i = 0; i < 70000; i += 2)
		memcpy(comment + i, "\xc3\xa9", 2); /* é */
	comment[70000] = 0;
	in_dir(path, sizeof(path), "c.pcapng");
	w = open_w(path, 0, NULL);
	cr_assert_eq(xdt_pcapng_add_iface(w, XDT_LINKTYPE_RAW, 0, comment, NULL), 0);
	cr_assert_eq(xdt_pcapng_write(w, 0, TS0, NULL, 0, 0, comment), 0);
	xdt_pcapng_close(w);
	r = rd_load(path);
	/* 65535 is the most an option holds; byte 65535 would split an é. */
	cr_assert_eq(r->pkt[0].comment.n, 65534);
	cr_assert_eq(memcmp(r->pkt[0].comment.s, comment, 65534), 0);
	cr_assert_eq(r->idb[0].name.n, 65534);
	rd_free(r);
	free(comment);
}

Test(pcapng, refuses_packets_readers_would_reject)
{
	uint8_t b[64] = { 0 };
	struct xdt_pcapng_stats st;
	char path[128];
	struct xdt_pcapng *w;
	int i;

	in_dir(path, sizeof(path), "r.pcapng");
	w = open_w(path, 0, NULL);
	cr_assert_eq(xdt_pcapng_add_iface(w, XDT_LINKTYPE_RAW, 32, "lo", NULL), 0);
	cr_assert_eq(xdt_pcapng_write(w, 0, 0, b, 33, 64, NULL), -EINVAL);  /* > snaplen */
	cr_assert_eq(xdt_pcapng_write(w, 0, 0, b, 20, 10, NULL), -EINVAL);  /* > origlen */
	cr_assert_eq(xdt_pcapng_write(w, -1, 0, b, 20, 20, NULL), -EINVAL); /* no interface */
	cr_assert_eq(xdt_pcapng_write(w, 0, 0, NULL, 20, 20, NULL), -EINVAL);
	for (i = 1; i < XDT_PCAPNG_MAX_IFACES; i++)
		cr_assert_eq(xdt_pcapng_add_iface(w, XDT_LINKTYPE_RAW, 0, NULL, NULL), i);
	cr_assert_eq(xdt_pcapng_add_iface(w, XDT_LINKTYPE_RAW, 0, NULL, NULL), -ENOSPC);
	cr_assert_eq(xdt_pcapng_write(w, 15, 0, b, 20, 20, NULL), 0);
	xdt_pcapng_stats(w, &st);
	cr_assert_eq(st.packets, 1);
	cr_assert_eq(st.write_errors, 0, "a refused argument is not a write error");
	cr_assert_null(xdt_pcapng_error(w));
	xdt_pcapng_close(w);
	xdt_pcapng_close(NULL);
	cr_assert_null(xdt_pcapng_error(NULL));
}

/* --- files ---------------------------------------------------------------------- */

Test(pcapng, creates_files_readable_by_their_owner_only_and_truncates)
{
	char path[128];
	struct xdt_pcapng *w;
	struct stat sb;
	mode_t old = umask(0);
	FILE *f;

	in_dir(path, sizeof(path), "m.pcapng");
	w = open_w(path, 0, NULL);
	cr_assert_eq(stat(path, &sb), 0);
	cr_assert_eq(sb.st_mode & 07777, 0600, "mode %o", sb.st_mode & 07777);
	xdt_pcapng_close(w);
	umask(old);

	f = fopen(path, "a");
	cr_assert_not_null(f);
	cr_assert_eq(fwrite("junk that must go", 1, 17, f), 17);
	fclose(f);
	xdt_pcapng_close(open_w(path, 0, NULL));
	rd_free(rd_load(path)); /* would fail on the junk */
}

Test(pcapng, refuses_a_path_it_cannot_create_and_names_it)
{
	struct xdt_pcapng_opts o = { 0 };
	char path[128], err[256];

	in_dir(path, sizeof(path), "missing/x.pcapng");
	o.path = path;
	err[0] = 0;
	errno = 0;
	cr_assert_null(xdt_pcapng_open(&o, err, sizeof(err)));
	cr_assert_eq(errno, ENOENT);
	cr_assert(strstr(err, path) && strstr(err, strerror(ENOENT)), "%s", err);

	o.path = dir; /* a directory: refused even to root */
	cr_assert_null(xdt_pcapng_open(&o, err, sizeof(err)));
	cr_assert_eq(errno, EISDIR);
	cr_assert(strstr(err, dir), "%s", err);

	o.path = "";
	cr_assert_null(xdt_pcapng_open(&o, err, sizeof(err)));
	cr_assert_eq(errno, EINVAL);
}

/* --- rotation ------------------------------------------------------------------- */

static void seq_path(char *buf, size_t len, const char *base, unsigned int seq)
{
	if (seq)
		snprintf(buf, len, "%s.%u", base, seq);
	else
		snprintf(buf, len, "%s", base);
}

/* Packet i of a rotation run: interface i % 2, caplen 20 + (i * 13) % 90, tagged i. */
static uint32_t rot_write(struct xdt_pcapng *w, uint32_t i)
{
	uint8_t b[128];
	uint32_t len = 20 + (i * 13) % 90;

	memset(b, 0xa5, sizeof(b));
	memcpy(b, &i, sizeof(i));
	cr_assert_eq(xdt_pcapng_write(w, (int)(i % 2), TS0 + i, b, len, len + 14, NULL), 0);
	return len;
}

/*
 * Every file of a run, in order: each starts with a section header and both
 * interfaces; the packets, concatenated, are 0..n-1 once each; a file other
 * than the last has reached @rotate (if not 0), and had not before its last
 * packet. With @read, tshark must read each file as the packets written to it
 * (a second a file: the other runs leave it to the walker).
 */
static unsigned int check_run(const char *base, uint32_t n, uint64_t rotate, const struct closed *c,
			      uint64_t bytes, int read)
{
	char path[160], *out, *want;
	uint64_t total = 0;
	unsigned int seq;
	uint32_t next = 0;
	size_t wlen;
	FILE *exp;
	int i;

	for (seq = 0;; seq++) {
		struct rd *r;

		seq_path(path, sizeof(path), base, seq);
		if (access(path, F_OK) != 0)
			break;
		r = rd_load(path);
		cr_assert_eq(r->n_idb, 2, "%s", path);
		assert_str(r->idb[0].name, "eth0");
		assert_str(r->idb[1].name, "eth1");
		cr_assert_geq(r->n_pkt, 1, "%s has no packet", path);
		exp = open_memstream(&want, &wlen);
		for (i = 0; i < r->n_pkt; i++, next++) {
			cr_assert_eq(rd_u32(r->pkt[i].data), next, "%s packet %d", path, i);
			cr_assert_eq(r->pkt[i].ts, TS0 + next);
			cr_assert_eq(r->pkt[i].iface, next % 2);
			fprintf(exp, "%u\teth%u\t", 20 + (next * 13) % 90, next % 2);
			fmt_time(exp, TS0 + next);
			fputc('\n', exp);
		}
		fclose(exp);
		if (next < n && rotate) {
			cr_assert_geq(r->len, rotate, "%s rotated early", path);
			cr_assert(r->n_pkt == 1 || r->pkt[r->n_pkt - 1].start < rotate,
				  "%s rotated late", path);
		}
		cr_assert_lt(seq, c->n);
		cr_assert_eq(c->seq[seq], seq);
		cr_assert_str_eq(c->path[seq], path);
		cr_assert_eq(c->size[seq], (off_t)r->len, "on_close saw %s unfinished", path);
		if (read && have(TSHARK)) {
			out = tshark(path, "frame.cap_len frame.interface_name frame.time_epoch");
			cr_assert_str_eq(out, want, "tshark reads %s differently", path);
			free(out);
		}
		free(want);
		total += r->len;
		rd_free(r);
	}
	cr_assert_eq(next, n, "packets lost or added");
	cr_assert_eq(c->n, seq, "on_close calls");
	cr_assert_eq(total, bytes);
	return seq;
}

Test(pcapng, rotates_into_numbered_files_without_loss_or_duplicate)
{
	struct closed c = { 0 };
	struct xdt_pcapng_stats st;
	char base[128], want[160];
	struct xdt_pcapng *w;
	uint32_t i;

	in_dir(base, sizeof(base), "rot.pcapng");
	w = open_w(base, 2000, &c);
	cr_assert_eq(xdt_pcapng_add_iface(w, XDT_LINKTYPE_ETHERNET, 0, "eth0", NULL), 0);
	cr_assert_eq(xdt_pcapng_add_iface(w, XDT_LINKTYPE_ETHERNET, 0, "eth1", NULL), 1);
	for (i = 0; i < 80; i++) {
		rot_write(w, i);
		seq_path(want, sizeof(want), base, xdt_pcapng_seq(w));
		cr_assert_str_eq(xdt_pcapng_path(w), want);
	}
	xdt_pcapng_stats(w, &st);
	cr_assert_geq(xdt_pcapng_seq(w), 3, "only %u rotations", xdt_pcapng_seq(w));
	xdt_pcapng_close(w);
	cr_assert_eq(st.packets, 80);
	cr_assert_eq(st.files, check_run(base, 80, 2000, &c, st.bytes, 1));
}

Test(pcapng, gives_every_file_at_least_one_packet)
{
	struct closed c = { 0 };
	struct xdt_pcapng_stats st;
	struct xdt_pcapng *w;
	char base[128];
	uint32_t i;

	in_dir(base, sizeof(base), "one.pcapng");
	w = open_w(base, 1, &c);
	cr_assert_eq(xdt_pcapng_add_iface(w, XDT_LINKTYPE_ETHERNET, 0, "eth0", NULL), 0);
	cr_assert_eq(xdt_pcapng_add_iface(w, XDT_LINKTYPE_ETHERNET, 0, "eth1", NULL), 1);
	for (i = 0; i < 5; i++)
		rot_write(w, i);
	xdt_pcapng_stats(w, &st);
	xdt_pcapng_close(w);
	cr_assert_eq(check_run(base, 5, 1, &c, st.bytes, 0), 5);
	cr_assert_eq(st.files, 5);
}

/*
 * FILE.1 is a directory, so it cannot be created (not even by root): packets
 * stay in FILE, the failure is reported once, and the next try comes when FILE
 * has grown by rotate_bytes again. The test replays that rule on FILE's bytes.
 */
Test(pcapng, keeps_writing_to_the_full_file_when_the_next_cannot_be_created)
{
	struct closed c = { 0 };
	struct xdt_pcapng_stats st;
	char base[128], next[160];
	uint64_t rotate = 600, point = 600, size;
	uint32_t i, n = 40, gone_at = 16, switch_at = 0;
	struct xdt_pcapng *w;
	int reports = 0, tries = 0;
	const char *msg;
	struct rd *r;

	in_dir(base, sizeof(base), "full.pcapng");
	seq_path(next, sizeof(next), base, 1);
	cr_assert_eq(mkdir(next, 0700), 0);
	w = open_w(base, rotate, &c);
	cr_assert_eq(xdt_pcapng_add_iface(w, XDT_LINKTYPE_ETHERNET, 0, "eth0", NULL), 0);
	cr_assert_eq(xdt_pcapng_add_iface(w, XDT_LINKTYPE_ETHERNET, 0, "eth1", NULL), 1);
	for (i = 0; i < n; i++) {
		if (i == gone_at)
			cr_assert_eq(rmdir(next), 0);
		rot_write(w, i);
		while ((msg = xdt_pcapng_error(w))) {
			cr_assert(strstr(msg, next) && strstr(msg, strerror(EISDIR)), "%s", msg);
			reports++;
		}
		if (!switch_at && xdt_pcapng_seq(w) == 1)
			switch_at = i;
	}
	xdt_pcapng_stats(w, &st);
	xdt_pcapng_close(w);
	cr_assert_eq(reports, 1);
	cr_assert_eq(st.packets, n);
	cr_assert_eq(st.write_errors, 0);
	cr_assert_geq(check_run(base, n, 0, &c, st.bytes, 0), 2);

	/* Replay: before packet i, FILE holds i packets; a try comes at size >= point. */
	r = rd_load(base);
	cr_assert_gt(switch_at, 0, "never rotated");
	cr_assert_eq((uint32_t)r->n_pkt, switch_at);
	for (i = 1; i <= switch_at; i++) {
		size = r->pkt[i - 1].end;
		if (size < point) {
			cr_assert_neq(i, switch_at, "rotated before packet %u, too early", i);
			continue;
		}
		if (i >= gone_at) {
			cr_assert_eq(i, switch_at, "no rotation before packet %u", i);
			break;
		}
		tries++;
		point = size + rotate;
	}
	cr_assert_geq(tries, 2, "the failure was not tried again");
	rd_free(r);
}

/* --- write errors --------------------------------------------------------------- */

/* /dev/full takes the open and fails every write with ENOSPC. */
Test(pcapng, counts_packets_lost_to_a_full_disk_and_says_so_once)
{
	struct closed c = { 0 };
	struct xdt_pcapng_stats st;
	struct xdt_pcapng *w = open_w("/dev/full", 0, &c);
	uint8_t b[200] = { 0 };
	const char *msg;
	int i, r, refused = 0;

	cr_assert_eq(xdt_pcapng_add_iface(w, XDT_LINKTYPE_RAW, 0, "lo", NULL), 0);
	for (i = 0; i < 3; i++)
		cr_assert_eq(xdt_pcapng_write(w, 0, TS0, b, 200, 200, NULL), 0);
	xdt_pcapng_stats(w, &st);
	cr_assert_eq(st.packets, 3, "buffered counts as written until a flush says otherwise");
	cr_assert_eq(xdt_pcapng_flush(w), -ENOSPC);
	xdt_pcapng_stats(w, &st);
	cr_assert_eq(st.packets, 0);
	cr_assert_eq(st.write_errors, 3);
	cr_assert_eq(st.bytes, 0);
	msg = xdt_pcapng_error(w);
	cr_assert(msg && strstr(msg, "/dev/full") && strstr(msg, strerror(ENOSPC)), "%s", msg);
	cr_assert_null(xdt_pcapng_error(w));

	/* More than a buffer's worth: some writes fail at once, none is lost silently. */
	for (i = 0; i < 3000; i++) {
		r = xdt_pcapng_write(w, 0, TS0, b, 200, 200, NULL);
		cr_assert(r == 0 || r == -ENOSPC, "%d", r);
		refused += r < 0;
	}
	cr_assert_gt(refused, 0);
	cr_assert_eq(xdt_pcapng_flush(w), -ENOSPC);
	xdt_pcapng_stats(w, &st);
	cr_assert_eq(st.packets, 0);
	cr_assert_eq(st.write_errors, 3003);
	cr_assert_null(xdt_pcapng_error(w), "the same failure is said once");
	xdt_pcapng_close(w);
	cr_assert_eq(c.n, 1);
	cr_assert_str_eq(c.path[0], "/dev/full");
}

/*
 * RLIMIT_FSIZE makes write(2) of a regular file fail with EFBIG past a size,
 * even for root: a disk that fills up. What reached the file must stay a
 * readable capture, and what was lost with the failed flush is written again.
 */
static void limit_file_size(rlim_t max)
{
	struct rlimit rl;

	cr_assert_eq(getrlimit(RLIMIT_FSIZE, &rl), 0);
	rl.rlim_cur = max;
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
}

Test(pcapng, cuts_a_half_written_block_and_goes_on_after_a_failed_flush)
{
	struct xdt_pcapng_stats st;
	char path[128], *out;
	struct xdt_pcapng *w;
	uint8_t b[100];
	const char *msg;
	struct stat sb;
	struct rd *r;
	uint32_t i;

	signal(SIGXFSZ, SIG_IGN);
	in_dir(path, sizeof(path), "efbig.pcapng");
	w = open_w(path, 0, NULL);
	cr_assert_eq(xdt_pcapng_add_iface(w, XDT_LINKTYPE_RAW, 0, "lo", NULL), 0);
	for (i = 0; i < 5; i++) {
		memset(b, (int)i, sizeof(b));
		cr_assert_eq(xdt_pcapng_write(w, 0, TS0 + i, b, 100, 100, NULL), 0);
		if (i == 1) {
			cr_assert_eq(xdt_pcapng_flush(w), 0);
			cr_assert_eq(stat(path, &sb), 0);
			limit_file_size((rlim_t)sb.st_size + 50); /* half a packet more */
		}
	}
	cr_assert_eq(xdt_pcapng_flush(w), -EFBIG);
	limit_file_size(RLIM_INFINITY);
	msg = xdt_pcapng_error(w);
	cr_assert(msg && strstr(msg, path) && strstr(msg, strerror(EFBIG)), "%s", msg);
	memset(b, 9, sizeof(b));
	cr_assert_eq(xdt_pcapng_write(w, 0, TS0 + 9, b, 100, 100, NULL), 0);
	xdt_pcapng_stats(w, &st);
	xdt_pcapng_close(w);
	cr_assert_eq(st.packets, 3);
	cr_assert_eq(st.write_errors, 3);
	r = rd_load(path);
	cr_assert_eq(r->n_pkt, 3);
	cr_assert_eq(r->pkt[0].data[0], 0);
	cr_assert_eq(r->pkt[1].data[0], 1);
	cr_assert_eq(r->pkt[2].data[0], 9);
	cr_assert_eq(st.bytes, r->len);
	rd_free(r);
	if (have(TSHARK)) {
		out = tshark(path, "frame.time_epoch");
		cr_assert_str_eq(out, "1795462525.123456789\n1795462525.123456790\n"
				      "1795462525.123456798\n");
		free(out);
	}
}

/*
 * A disk that fills up under a stream of packets: what is lost is what sat in
 * the 256 KiB buffer when the write failed, not everything since the caller's
 * last flush; the file holds exactly the packets counted as written, in order.
 */
Test(pcapng, loses_no_more_than_its_buffer_when_the_disk_fills)
{
	const uint64_t limit = 600000, blk = 12 + 20 + 1000, buf = 256 * 1024;
	struct xdt_pcapng_stats st;
	struct xdt_pcapng *w;
	uint8_t b[1000] = { 0 };
	uint32_t i, refused = 0;
	char path[128];
	struct rd *r;
	int ret;

	signal(SIGXFSZ, SIG_IGN);
	in_dir(path, sizeof(path), "fill.pcapng");
	w = open_w(path, 0, NULL);
	cr_assert_eq(xdt_pcapng_add_iface(w, XDT_LINKTYPE_RAW, 0, "lo", NULL), 0);
	limit_file_size(limit);
	for (i = 0; i < 1000; i++) {
		memcpy(b, &i, sizeof(i));
		ret = xdt_pcapng_write(w, 0, TS0 + i, b, 1000, 1000, NULL);
		cr_assert(ret == 0 || ret == -EFBIG, "%d", ret);
		refused += ret < 0;
	}
	cr_assert_eq(xdt_pcapng_flush(w), -EFBIG);
	limit_file_size(RLIM_INFINITY);
	i = 1000;
	cr_assert_eq(xdt_pcapng_write(w, 0, TS0 + i, (const uint8_t *)&i, 4, 4, NULL), 0);
	xdt_pcapng_stats(w, &st);
	xdt_pcapng_close(w);
	cr_assert_gt(refused, 0);
	cr_assert_eq(st.packets + st.write_errors, 1001);
	r = rd_load(path);
	cr_assert_eq((uint64_t)r->n_pkt, st.packets);
	cr_assert_geq((uint64_t)r->n_pkt - 1, (limit - buf) / blk, "lost more than a buffer");
	for (i = 0; i + 1 < (uint32_t)r->n_pkt; i++)
		cr_assert_eq(rd_u32(r->pkt[i].data), i);
	cr_assert_eq(rd_u32(r->pkt[i].data), 1000);
	cr_assert_eq(st.bytes, r->len);
	rd_free(r);
}

Test(pcapng, writes_the_header_again_when_a_failed_flush_took_it)
{
	struct xdt_pcapng_stats st;
	char path[128], *out;
	struct xdt_pcapng *w;
	uint8_t b[40] = { 7 };
	struct rd *r;

	signal(SIGXFSZ, SIG_IGN);
	in_dir(path, sizeof(path), "nohead.pcapng");
	w = open_w(path, 0, NULL);
	cr_assert_eq(xdt_pcapng_add_iface(w, XDT_LINKTYPE_RAW, 0, "lo", NULL), 0);
	cr_assert_eq(xdt_pcapng_write(w, 0, TS0, b, 40, 40, NULL), 0);
	limit_file_size(10); /* not even the section header fits */
	cr_assert_eq(xdt_pcapng_flush(w), -EFBIG);
	limit_file_size(RLIM_INFINITY);
	cr_assert_not_null(xdt_pcapng_error(w));
	cr_assert_eq(xdt_pcapng_add_iface(w, XDT_LINKTYPE_RAW, 0, "eth1", NULL), 1);
	cr_assert_eq(xdt_pcapng_write(w, 1, TS0 + 1, b, 40, 40, "kept"), 0);
	xdt_pcapng_stats(w, &st);
	xdt_pcapng_close(w);
	cr_assert_eq(st.packets, 1);
	cr_assert_eq(st.write_errors, 1);
	r = rd_load(path);
	assert_str(r->shb_appl, "xdptop test");
	cr_assert_eq(r->n_idb, 2);
	assert_str(r->idb[0].name, "lo");
	assert_str(r->idb[1].name, "eth1");
	cr_assert_eq(r->n_pkt, 1);
	cr_assert_eq(st.bytes, r->len);
	rd_free(r);
	if (have(TSHARK)) {
		out = tshark(path, "frame.interface_name frame.comment");
		cr_assert_str_eq(out, "eth1\tkept\n");
		free(out);
	}
}

/* --- headers for payload prefixes ------------------------------------------------ */

static void key4(struct xdt_flow_key *k, uint8_t proto, uint16_t pa, uint16_t pb)
{
	static const uint8_t a[4] = { 10, 0, 0, 1 }, b[4] = { 10, 0, 0, 2 };

	memset(k, 0, sizeof(*k));
	memcpy(k->addr_a, a, 4);
	memcpy(k->addr_b, b, 4);
	k->port_a = htons(pa);
	k->port_b = htons(pb);
	k->proto = proto;
	k->family = XDT_FAM_IPV4;
}

static void key6(struct xdt_flow_key *k, uint8_t proto, uint16_t pa, uint16_t pb)
{
	memset(k, 0, sizeof(*k));
	memcpy(k->addr_a, V6_A, 16);
	memcpy(k->addr_b, V6_B, 16);
	k->port_a = htons(pa);
	k->port_b = htons(pb);
	k->proto = proto;
	k->family = XDT_FAM_IPV6;
}

Test(pcapng, synthesizes_ipv4_tcp_headers_byte_for_byte)
{
	uint8_t out[128], want[128];
	struct xdt_flow_key k;
	uint32_t orig = 0;
	size_t n;

	key4(&k, 6, 40000, 443);
	/* Sent by b (10.0.0.2:443): 20 + 20 + 1000 bytes on the wire. */
	cr_assert_eq(xdt_pcapng_synth(&k, 1, 0x01020304, 1, 1000, (const uint8_t *)"ABCD", 4, out,
				      sizeof(out), &orig),
		     44);
	n = unhex(want, sizeof(want),
		  "4500041000000000400600000a0000020a000001" /* IPv4 */
		  "01bb9c4001020304000000005018000000000000" /* TCP */
		  "41424344");
	cr_assert_arr_eq(out, want, n);
	cr_assert_eq(orig, 1040);
	/* No sequence number known: 0. Sent by a. */
	cr_assert_eq(xdt_pcapng_synth(&k, 0, 0x01020304, 0, 0, NULL, 0, out, 40, &orig), 40);
	n = unhex(want, sizeof(want),
		  "4500002800000000400600000a0000010a000002"
		  "9c4001bb00000000000000005018000000000000");
	cr_assert_arr_eq(out, want, n);
	cr_assert_eq(orig, 40);
}

Test(pcapng, synthesizes_ipv6_udp_headers_byte_for_byte)
{
	uint8_t out[128], want[128];
	struct xdt_flow_key k;
	uint32_t orig = 0;
	size_t n;

	key6(&k, 17, 5353, 53);
	cr_assert_eq(xdt_pcapng_synth(&k, 0, 77, 1, 30, (const uint8_t *)"xyz", 3, out, sizeof(out),
				      &orig),
		     51);
	n = unhex(want, sizeof(want),
		  "6000000000261140" /* payload length 38, UDP, hop limit 64 */
		  "fd000213000000000000000000000001fd000213000000000000000000000002"
		  "14e9003500260000" /* 5353 -> 53, length 38 */
		  "78797a");
	cr_assert_arr_eq(out, want, n);
	cr_assert_eq(orig, 78);
}

Test(pcapng, clamps_length_fields_that_cannot_hold_the_packet)
{
	static uint8_t payload[65535];
	uint8_t out[128];
	struct xdt_flow_key k;
	uint32_t orig = 0;

	key4(&k, 6, 1, 2);
	cr_assert_eq(xdt_pcapng_synth(&k, 0, 0, 0, 65535, payload, 8, out, sizeof(out), &orig), 48);
	cr_assert_eq(orig, 65575, "the wire length is not clamped");
	cr_assert_eq(out[2] << 8 | out[3], 65535, "IPv4 total length");
	key6(&k, 17, 1, 2);
	cr_assert_eq(xdt_pcapng_synth(&k, 0, 0, 0, 65535, payload, 8, out, sizeof(out), &orig), 56);
	cr_assert_eq(orig, 65583);
	cr_assert_eq(out[4] << 8 | out[5], 65535, "IPv6 payload length");
	cr_assert_eq(out[44] << 8 | out[45], 65535, "UDP length");
	cr_assert_eq(xdt_pcapng_synth(&k, 0, 0, 0, UINT32_MAX, payload, 8, out, sizeof(out), &orig),
		     -EINVAL);
}

Test(pcapng, synth_refuses_what_it_cannot_build)
{
	uint8_t out[64], p[8] = { 0 };
	struct xdt_flow_key k;
	uint32_t orig;

	key4(&k, 1, 0, 0); /* ICMP */
	cr_assert_eq(xdt_pcapng_synth(&k, 0, 0, 0, 8, p, 8, out, sizeof(out), &orig), -EINVAL);
	key4(&k, 6, 1, 2);
	k.family = XDT_FAM_ARP;
	cr_assert_eq(xdt_pcapng_synth(&k, 0, 0, 0, 8, p, 8, out, sizeof(out), &orig), -EINVAL);
	key4(&k, 6, 1, 2);
	cr_assert_eq(xdt_pcapng_synth(&k, 0, 0, 0, 4, p, 8, out, sizeof(out), &orig), -EINVAL,
		     "caplen > payload_len");
	cr_assert_eq(xdt_pcapng_synth(&k, 0, 0, 0, 8, p, 8, out, 47, &orig), -ENOSPC);
	cr_assert_eq(xdt_pcapng_synth(&k, 0, 0, 0, 8, p, 8, out, 48, &orig), 48);
	key6(&k, 17, 1, 2);
	cr_assert_eq(xdt_pcapng_synth(&k, 0, 0, 0, 8, p, 8, out, 55, &orig), -ENOSPC);
}

/* Synthesized packets on a raw-IP interface, as tshark decodes them. */
Test(pcapng, tshark_decodes_synthesized_tcp_and_udp)
{
	char path[128], *out;
	struct xdt_flow_key k4, k6;
	struct xdt_pcapng *w;
	uint8_t pkt[256];
	uint32_t orig;
	int n;

	if (!have(TSHARK))
		cr_skip_test("no %s", TSHARK);
	in_dir(path, sizeof(path), "synth.pcapng");
	w = open_w(path, 0, NULL);
	cr_assert_eq(xdt_pcapng_add_iface(w, XDT_LINKTYPE_RAW, 0, "kern", NULL), 0);
	key4(&k4, 6, 40000, 40001);
	n = xdt_pcapng_synth(&k4, 1, 123456789, 1, 500, (const uint8_t *)"hello", 5, pkt,
			     sizeof(pkt), &orig);
	cr_assert_eq(n, 45);
	cr_assert_eq(xdt_pcapng_write(w, 0, TS0, pkt, (uint32_t)n, orig, "tcp"), 0);
	key6(&k6, 17, 41000, 41001);
	n = xdt_pcapng_synth(&k6, 0, 0, 0, 3, (const uint8_t *)"abc", 3, pkt, sizeof(pkt), &orig);
	cr_assert_eq(n, 51);
	cr_assert_eq(xdt_pcapng_write(w, 0, TS0, pkt, (uint32_t)n, orig, "udp"), 0);
	xdt_pcapng_close(w);

	out = tshark(path, "frame.len frame.cap_len ip.src ip.dst ip.len ip.ttl tcp.srcport "
			   "tcp.dstport tcp.seq_raw tcp.flags tcp.hdr_len tcp.payload ipv6.src "
			   "ipv6.dst ipv6.plen udp.srcport udp.dstport udp.length udp.payload "
			   "frame.comment");
	cr_assert_str_eq(out, "540\t45\t10.0.0.2\t10.0.0.1\t540\t64\t40001\t40000\t123456789\t"
			      "0x0018\t20\t68656c6c6f\t\t\t\t\t\t\t\ttcp\n"
			      "51\t51\t\t\t\t\t\t\t\t\t\t\tfd00:213::1\tfd00:213::2\t11\t41000\t"
			      "41001\t11\t616263\tudp\n");
	free(out);
}
