/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the sandbox achieved, layer by layer: read by the JSON stats line and the
 * screen's Security tab. Plain data, so the core (JSON, view) needs no libseccomp.
 */
#ifndef XDT_SANDBOX_REPORT_H
#define XDT_SANDBOX_REPORT_H

enum xdt_sb_layer {
	XDT_SB_UDP_LOCK,	/* cgroup sock_addr programs: TCP/UDP only to the resolvers */
	XDT_SB_LANDLOCK,	/* filesystem, TCP ports, scoping */
	XDT_SB_CAPS,		/* every capability dropped from every set */
	XDT_SB_NNP,		/* PR_SET_NO_NEW_PRIVS */
	XDT_SB_SECCOMP,		/* syscall allowlist */
	XDT_SB_N
};

enum xdt_sb_state {
	XDT_SB_PENDING,		/* lock-down has not run yet */
	XDT_SB_ON,		/* in force, whole */
	XDT_SB_PARTIAL,		/* in force, but weaker than asked (detail says how) */
	XDT_SB_UNAVAILABLE,	/* could not be applied (detail says why) */
	XDT_SB_OFF,		/* --no-sandbox */
};

struct xdt_sb_layer_report {
	enum xdt_sb_state state;
	char detail[120];
};

struct xdt_sandbox_report {
	int done;			/* lock-down ran (or was skipped by --no-sandbox) */
	struct xdt_sb_layer_report l[XDT_SB_N];
};

/* "udp-lock", "landlock", "capabilities", "no-new-privs", "seccomp". */
static inline const char *xdt_sb_layer_name(enum xdt_sb_layer l)
{
	static const char *const n[XDT_SB_N] = { "udp-lock", "landlock", "capabilities",
						 "no-new-privs", "seccomp" };

	return (unsigned int)l < XDT_SB_N ? n[l] : "?";
}

/* "pending", "on", "partial", "unavailable", "off". */
static inline const char *xdt_sb_state_name(enum xdt_sb_state s)
{
	static const char *const n[] = { "pending", "on", "partial", "unavailable", "off" };

	return (unsigned int)s < sizeof(n) / sizeof(n[0]) ? n[s] : "?";
}

/* The whole: "full" (every layer on), "off", or "partial". */
static inline const char *xdt_sb_summary(const struct xdt_sandbox_report *r)
{
	unsigned int i, on = 0, off = 0;

	if (!r || !r->done)
		return "pending";
	for (i = 0; i < XDT_SB_N; i++) {
		on += r->l[i].state == XDT_SB_ON;
		off += r->l[i].state == XDT_SB_OFF;
	}
	return on == XDT_SB_N ? "full" : off == XDT_SB_N ? "off" : "partial";
}

#endif
