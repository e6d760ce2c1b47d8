// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pcapexp.h"

#define SIDECAR_SUFFIX ".connections.jsonl"

struct xdt_pcapexp {
	struct xdt_pcapng *w;
	char *path;		/* FILE */
	FILE *side;		/* sidecar of the current file, or NULL after a failure */
	unsigned int side_seq;	/* the file it belongs to */
	int closing;		/* the last file is being closed: no sidecar after it */
	struct xdt_flow_table *t;
	struct xdt_json_ctx ctx;
	uint64_t (*now)(void *arg);
	void (*refresh)(void *arg);
	void *now_arg;
	struct xdt_pcapexp_stats st;
	int side_errno;		/* a sidecar failure not yet reported */
	int side_last_errno;
	char msg[4096 + 128];
};

/* FILE for seq 0, FILE.n after: the sidecar of each is its name + SIDECAR_SUFFIX. */
static void sidecar_name(const struct xdt_pcapexp *x, unsigned int seq, char *buf, size_t len)
{
	if (seq)
		snprintf(buf, len, "%s.%u" SIDECAR_SUFFIX, x->path, seq);
	else
		snprintf(buf, len, "%s" SIDECAR_SUFFIX, x->path);
}

static void side_failed(struct xdt_pcapexp *x, int err)
{
	x->st.errors++;
	if (err != x->side_last_errno) {
		x->side_last_errno = err;
		x->side_errno = err;
	}
}

static FILE *sidecar_open(struct xdt_pcapexp *x, unsigned int seq, char *err, size_t errlen)
{
	char name[4096];
	FILE *f;
	int fd;

	sidecar_name(x, seq, name, sizeof(name));
	/* Sidecars are named by us: a symlink planted at one is not followed. */
	fd = open(name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW, 0600);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		if (err)
			snprintf(err, errlen, "--pcap-export: cannot create %s: %s", name,
				 strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	return f;
}

static void side_line(struct xdt_pcapexp *x, const struct xdt_flow *f, uint64_t now_ns)
{
	if (!x->side) {
		side_failed(x, EBADF);
		return;
	}
	xdt_json_flow(x->side, f, now_ns, &x->ctx);
	if (ferror(x->side)) {
		side_failed(x, errno ? errno : EIO);
		clearerr(x->side);
		return;
	}
	x->st.connections++;
}

/* Every open connection with a packet in file @seq gets its line there. */
static void side_open_flows(struct xdt_pcapexp *x, unsigned int seq)
{
	uint64_t now = x->now ? x->now(x->now_arg) : 0;
	const struct xdt_flow **list;
	size_t n, i;

	if (!x->t)
		return;
	if (x->refresh)
		x->refresh(x->now_arg);
	n = xdt_flow_table_count(x->t);
	list = malloc((n ? n : 1) * sizeof(*list));
	if (!list) {
		side_failed(x, ENOMEM);
		return;
	}
	n = xdt_flow_table_list(x->t, list, n);
	for (i = 0; i < n; i++)
		if (list[i]->pcap_seq == seq + 1)
			side_line(x, list[i], now);
	free(list);
}

static void side_close(struct xdt_pcapexp *x)
{
	if (x->side && fclose(x->side) != 0)
		side_failed(x, errno);
	x->side = NULL;
}

/* The pcapng writer closes file @seq (rotation or the end). */
static void on_file_close(void *ctx, unsigned int seq, const char *path)
{
	struct xdt_pcapexp *x = ctx;

	(void)path;
	side_open_flows(x, seq);
	side_close(x);
	if (x->closing)
		return;
	x->side_seq = seq + 1;
	x->side = sidecar_open(x, x->side_seq, NULL, 0);
	if (!x->side)
		side_failed(x, errno);
}

struct xdt_pcapexp *xdt_pcapexp_open(const char *path, uint64_t rotate_bytes, const char *appl,
				     const char *note, char *err, size_t errlen)
{
	struct xdt_pcapexp *x = calloc(1, sizeof(*x));
	struct xdt_pcapng_opts o = {
		.path = path,
		.rotate_bytes = rotate_bytes,
		.shb_comment = note,
		.shb_appl = appl,
		.on_close = on_file_close,
	};

	if (!x || !(x->path = strdup(path))) {
		snprintf(err, errlen, "--pcap-export %s: out of memory", path);
		free(x);
		return NULL;
	}
	o.ctx = x;
	x->side = sidecar_open(x, 0, err, errlen);
	if (!x->side)
		goto fail;
	x->w = xdt_pcapng_open(&o, err, errlen);
	if (!x->w)
		goto fail;
	return x;
fail:
	if (x->side) {
		char name[4096];

		fclose(x->side);
		sidecar_name(x, 0, name, sizeof(name));
		unlink(name);
	}
	free(x->path);
	free(x);
	return NULL;
}

void xdt_pcapexp_bind(struct xdt_pcapexp *x, struct xdt_flow_table *t,
		      const struct xdt_json_ctx *ctx, uint64_t (*now)(void *arg),
		      void (*refresh)(void *arg), void *arg)
{
	x->t = t;
	x->ctx = *ctx;
	x->now = now;
	x->refresh = refresh;
	x->now_arg = arg;
}

int xdt_pcapexp_iface(struct xdt_pcapexp *x, uint16_t linktype, uint32_t snaplen,
		      const char *name, const char *description)
{
	return xdt_pcapng_add_iface(x->w, linktype, snaplen, name, description);
}

void xdt_pcapexp_packet(struct xdt_pcapexp *x, int iface, uint64_t ts_ns, const uint8_t *data,
			uint32_t caplen, uint32_t origlen, struct xdt_flow *f)
{
	/* The writer counts what it could not write; a packet it refuses is ours to count. */
	if (xdt_pcapng_write(x->w, iface, ts_ns, data, caplen, origlen, NULL) == -EINVAL) {
		x->st.errors++;
		return;
	}
	/* After the write: a rotation it caused has already closed the old file. */
	if (f)
		f->pcap_seq = xdt_pcapng_seq(x->w) + 1;
}

void xdt_pcapexp_flow_end(struct xdt_pcapexp *x, const struct xdt_flow *f, uint64_t now_ns)
{
	if (f->pcap_seq && f->pcap_seq == x->side_seq + 1)
		side_line(x, f, now_ns);
}

void xdt_pcapexp_flush(struct xdt_pcapexp *x)
{
	if (xdt_pcapng_flush(x->w) < 0)
		x->st.errors++;
	if (x->side && fflush(x->side) != 0)
		side_failed(x, errno);
}

const char *xdt_pcapexp_error(struct xdt_pcapexp *x)
{
	const char *e = xdt_pcapng_error(x->w);
	char name[4096];

	if (e)
		return e;
	if (!x->side_errno)
		return NULL;
	sidecar_name(x, x->side_seq, name, sizeof(name));
	snprintf(x->msg, sizeof(x->msg), "--pcap-export: writing %s failed: %s", name,
		 strerror(x->side_errno));
	x->side_errno = 0;
	return x->msg;
}

void xdt_pcapexp_stats(const struct xdt_pcapexp *x, struct xdt_pcapexp_stats *out)
{
	struct xdt_pcapng_stats ws;

	*out = x->st;
	xdt_pcapng_stats(x->w, &ws);
	/* The writer's figures: a packet it took may still be lost at the next flush. */
	out->packets = ws.packets;
	out->errors += ws.write_errors;
	out->files = ws.files;
}

void xdt_pcapexp_close(struct xdt_pcapexp *x)
{
	if (!x)
		return;
	x->closing = 1;
	xdt_pcapng_close(x->w);	/* calls on_file_close for the last file */
	side_close(x);
	free(x->path);
	free(x);
}
