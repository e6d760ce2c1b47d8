// SPDX-License-Identifier: GPL-2.0-only
/*
 * The sandbox's order of work; each layer is in its own file (layers.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

#include "sandbox.h"
#include "layers.h"
#include "resolv.h"
#include "../../loader/egress.h"
#include "../util/log.h"

struct xdt_sandbox {
	struct xdt_egress *eg;
	char eg_err[256];
	struct xdt_sandbox_report rep;
};

void xdt_sb_set(struct xdt_sb_layer_report *r, enum xdt_sb_state st, const char *fmt, ...)
{
	va_list ap;

	r->state = st;
	va_start(ap, fmt);
	vsnprintf(r->detail, sizeof(r->detail), fmt, ap);
	va_end(ap);
}

int xdt_sandbox_layer_by_name(const char *name)
{
	int i;

	for (i = 0; i < XDT_SB_N; i++)
		if (!strcmp(name, xdt_sb_layer_name((enum xdt_sb_layer)i)))
			return i;
	return -1;
}

struct xdt_sandbox *xdt_sandbox_early(const struct xdt_sandbox_opts *o)
{
	struct xdt_sandbox *sb = calloc(1, sizeof(*sb));

	if (!sb)
		return NULL;
	if (o->disabled)
		return sb;
	if (o->force_unavailable & (1U << XDT_SB_UDP_LOCK)) {
		snprintf(sb->eg_err, sizeof(sb->eg_err), "disabled by the test switch");
		return sb;
	}
	sb->eg = xdt_egress_join("/proc/self/mounts", "/proc/self/cgroup", sb->eg_err,
				 sizeof(sb->eg_err));
	return sb;
}

/* "10.0.0.1, fd00::1" into @buf. */
static void resolvers_text(const struct xdt_resolvers *r, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];
	size_t off = 0;
	unsigned int i;

	buf[0] = 0;
	for (i = 0; i < r->n && off < len; i++) {
		inet_ntop(r->a[i].family == 4 ? AF_INET : AF_INET6, r->a[i].addr, a, sizeof(a));
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? ", " : "", a);
	}
}

static void udp_lock(struct xdt_sandbox *sb, const struct xdt_sandbox_opts *o)
{
	struct xdt_sb_layer_report *r = &sb->rep.l[XDT_SB_UDP_LOCK];
	const struct xdt_resolvers none = { 0 }, *res = o->resolvers ? o->resolvers : &none;
	struct xdt_egress_dest d[XDT_EGRESS_MAX_DESTS];
	char err[256], list[160], extra[160] = "", a[INET6_ADDRSTRLEN];
	unsigned int i, n = 0, t;

	if (!sb->eg) {
		xdt_sb_set(r, XDT_SB_UNAVAILABLE, "%s", sb->eg_err);
		return;
	}
	/* Reverse DNS: TCP and UDP to port 53 of each resolver. */
	for (i = 0; o->resolvers && i < res->n && i < XDT_RESOLV_MAX; i++) {
		for (t = 0; t < 2; t++) {
			d[n] = (struct xdt_egress_dest){ .family = res->a[i].family, .port = 53,
							 .udp = (uint8_t)t };
			memcpy(d[n].addr, res->a[i].addr, 16);
			n++;
		}
	}
	for (i = 0; i < o->n_udp_dests && i < 2 && n < XDT_EGRESS_MAX_DESTS; i++) {
		const struct xdt_sb_udp_dest *u = &o->udp_dests[i];
		size_t off = strlen(extra);

		d[n] = (struct xdt_egress_dest){ .family = u->family, .port = u->port, .udp = 1 };
		memcpy(d[n].addr, u->addr, 16);
		n++;
		inet_ntop(u->family == 4 ? AF_INET : AF_INET6, u->addr, a, sizeof(a));
		snprintf(extra + off, sizeof(extra) - off, "%sUDP to %s%s%s:%u (%s)",
			 off || o->resolvers ? "; " : "", u->family == 6 ? "[" : "", a,
			 u->family == 6 ? "]" : "", u->port, u->what ? u->what : "export");
	}
	if (xdt_egress_lock(sb->eg, d, n, err, sizeof(err)) < 0) {
		xdt_sb_set(r, XDT_SB_UNAVAILABLE, "%s", err);
		return;
	}
	resolvers_text(res, list, sizeof(list));
	if (!n)
		xdt_sb_set(r, XDT_SB_ON, "no TCP or UDP to anywhere");
	else if (!o->resolvers)
		xdt_sb_set(r, XDT_SB_ON, "%s only", extra);
	else
		xdt_sb_set(r, XDT_SB_ON, "TCP/UDP only to port 53 of %s%s%s", list,
			   res->defaulted ? " (no nameserver in resolv.conf: glibc's default)" : "",
			   extra);
}

static void nnp(const struct xdt_sandbox_opts *o, struct xdt_sb_layer_report *r)
{
	if (o->force_unavailable & (1U << XDT_SB_NNP)) {
		xdt_sb_set(r, XDT_SB_UNAVAILABLE, "disabled by the test switch");
		return;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		xdt_sb_set(r, XDT_SB_UNAVAILABLE, "prctl: %s", strerror(errno));
		return;
	}
	xdt_sb_set(r, XDT_SB_ON, "no exec can gain privileges");
}

int xdt_sandbox_lockdown(struct xdt_sandbox *sb, const struct xdt_sandbox_opts *o, char *err,
			 size_t errlen)
{
	struct xdt_sandbox_report *rep = &sb->rep;
	char line[512];
	size_t off = 0;
	int i;

	rep->done = 1;
	if (o->disabled) {
		for (i = 0; i < XDT_SB_N; i++)
			xdt_sb_set(&rep->l[i], XDT_SB_OFF, "--no-sandbox");
		xdt_info("running unconfined (--no-sandbox)");
		return 0;
	}
	/* Time zone files cannot be read once Landlock holds: read them now. */
	tzset();
	/* Each step needs what the next takes away: BPF, then no_new_privs, ... */
	udp_lock(sb, o);
	nnp(o, &rep->l[XDT_SB_NNP]);
	xdt_sb_landlock(o, &rep->l[XDT_SB_LANDLOCK]);
	xdt_sb_caps(o, &rep->l[XDT_SB_CAPS]);
	xdt_sb_seccomp(o, &rep->l[XDT_SB_SECCOMP]);

	for (i = 0; i < XDT_SB_N; i++) {
		const struct xdt_sb_layer_report *l = &rep->l[i];

		if (l->state != XDT_SB_UNAVAILABLE)
			continue;
		if (o->strict) {
			snprintf(err, errlen, "sandbox layer %s could not be applied: %s "
				 "(--sandbox-strict)", xdt_sb_layer_name((enum xdt_sb_layer)i),
				 l->detail);
			return -1;
		}
		/* Once, at start: the stats line and the Security tab keep saying it. */
		xdt_warn("sandbox partial: %s unavailable: %s",
			 xdt_sb_layer_name((enum xdt_sb_layer)i), l->detail);
	}
	for (i = 0; i < XDT_SB_N && off < sizeof(line); i++)
		off += (size_t)snprintf(line + off, sizeof(line) - off, "%s%s %s", i ? ", " : "",
					xdt_sb_layer_name((enum xdt_sb_layer)i),
					xdt_sb_state_name(rep->l[i].state));
	xdt_info("sandbox %s: %s", xdt_sb_summary(rep), line);
	return 0;
}

const struct xdt_sandbox_report *xdt_sandbox_report(const struct xdt_sandbox *sb)
{
	return sb ? &sb->rep : NULL;
}

void xdt_sandbox_free(struct xdt_sandbox *sb)
{
	if (!sb)
		return;
	xdt_egress_close(sb->eg);
	free(sb);
}
