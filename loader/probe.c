// SPDX-License-Identifier: GPL-2.0-only
/*
 * --probe: what this kernel supports, tested by asking it (loading a trivial
 * program, creating a map or socket), never by comparing version numbers.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "loader.h"

#ifndef AF_XDP
#define AF_XDP 44
#endif
#ifndef BPF_TCX_EGRESS
#define BPF_TCX_EGRESS 47
#endif
#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#endif

struct feature {
	const char *name;
	int ok;
	char detail[96];
};

static void row(FILE *out, const struct feature *f)
{
	fprintf(out, "  %-22s %-4s %s\n", f->name, f->ok ? "yes" : "no", f->detail);
}

static void prog_type(struct feature *f, const char *name, enum bpf_prog_type t)
{
	int rc = libbpf_probe_bpf_prog_type(t, NULL);

	f->name = name;
	f->ok = rc == 1;
	snprintf(f->detail, sizeof(f->detail), "%s",
		 rc == 1 ? "" : rc == 0 ? "not supported" : strerror(-rc));
}

static void map_type(struct feature *f, const char *name, enum bpf_map_type t)
{
	int rc = libbpf_probe_bpf_map_type(t, NULL);

	f->name = name;
	f->ok = rc == 1;
	snprintf(f->detail, sizeof(f->detail), "%s",
		 rc == 1 ? "" : rc == 0 ? "not supported" : strerror(-rc));
}

/* A tcx link on lo for a program that does nothing, removed at once. */
static void tcx(struct feature *f)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = -1 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int prog, link;

	f->name = "tcx links (TC egress)";
	prog = bpf_prog_load(BPF_PROG_TYPE_SCHED_CLS, "xdt_probe", "GPL", insns, 2, NULL);
	if (prog < 0) {
		snprintf(f->detail, sizeof(f->detail), "program load: %s", strerror(errno));
		return;
	}
	link = bpf_link_create(prog, (int)if_nametoindex("lo"), BPF_TCX_EGRESS, NULL);
	f->ok = link >= 0;
	snprintf(f->detail, sizeof(f->detail), "%s", f->ok ? "" : strerror(errno));
	if (link >= 0)
		close(link);
	close(prog);
}

static void afxdp(struct feature *f)
{
	int fd = socket(AF_XDP, SOCK_RAW, 0);

	f->name = "AF_XDP sockets";
	f->ok = fd >= 0;
	snprintf(f->detail, sizeof(f->detail), "%s", f->ok ? "" : strerror(errno));
	if (fd >= 0)
		close(fd);
}

static void landlock(struct feature *f)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, 1UL /* VERSION */);

	f->name = "Landlock";
	f->ok = abi > 0;
	if (f->ok)
		snprintf(f->detail, sizeof(f->detail), "ABI %ld", abi);
	else
		snprintf(f->detail, sizeof(f->detail), "%s", strerror(errno));
}

static void btf(struct feature *f)
{
	f->name = "kernel BTF";
	f->ok = access("/sys/kernel/btf/vmlinux", R_OK) == 0;
	snprintf(f->detail, sizeof(f->detail), "%s", f->ok ? "/sys/kernel/btf/vmlinux" : "absent");
}

const char *xdt_kernel_probe(FILE *out, const char *ifname)
{
	struct feature f[11] = { 0 };
	const char *why = NULL;
	size_t i, n = 0;

	btf(&f[n++]);
	prog_type(&f[n++], "XDP programs", BPF_PROG_TYPE_XDP);
	prog_type(&f[n++], "TC programs", BPF_PROG_TYPE_SCHED_CLS);
	tcx(&f[n++]);
	map_type(&f[n++], "ring buffers", BPF_MAP_TYPE_RINGBUF);
	map_type(&f[n++], "LRU hash maps", BPF_MAP_TYPE_LRU_HASH);
	afxdp(&f[n++]);
	prog_type(&f[n++], "sk_lookup programs", BPF_PROG_TYPE_SK_LOOKUP);
	prog_type(&f[n++], "cgroup socket hooks", BPF_PROG_TYPE_CGROUP_SOCK_ADDR);
	landlock(&f[n++]);

	fprintf(out, "Kernel features:\n");
	for (i = 0; i < n; i++)
		row(out, &f[i]);
	for (i = 1; i < 6 && !why; i++)
		if (!f[i].ok)
			why = f[i].name;
	if (ifname)
		fprintf(out, "Interface: %s\n", ifname);
	if (why) {
		fprintf(out, "--backend auto would choose: pcap (the xdp backend needs %s)\n", why);
		return "pcap";
	}
	fprintf(out, "--backend auto would choose: xdp (XDP ingress + tcx egress counting, "
		     "ring-buffer payload prefixes)\n");
	return "xdp";
}
