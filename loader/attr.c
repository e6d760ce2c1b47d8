// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "attr.h"
#include "cgroup.h"
#include "sock_attr.skel.h"

#define ATTR_LINKS 12

struct xdt_attr {
	struct sock_attr_bpf *skel;
	struct bpf_link *links[ATTR_LINKS];
	unsigned int n_links;
	int cg_fd;
	char cgroup[PATH_MAX];
	struct xdt_attr_maps maps;
};

void xdt_attr_close(struct xdt_attr *a)
{
	if (!a)
		return;
	while (a->n_links)
		bpf_link__destroy(a->links[--a->n_links]);
	if (a->cg_fd >= 0)
		close(a->cg_fd);
	sock_attr_bpf__destroy(a->skel);
	free(a);
}

const struct xdt_attr_maps *xdt_attr_maps(const struct xdt_attr *a)
{
	return &a->maps;
}

const char *xdt_attr_cgroup(const struct xdt_attr *a)
{
	return a->cgroup;
}

struct xdt_attr *xdt_attr_open(const char *mounts, size_t max_sockets, char *err, size_t errlen)
{
	struct xdt_attr *a = calloc(1, sizeof(*a));
	struct bpf_program *progs[ATTR_LINKS];
	unsigned int n = 0, i;
	int rc;

	if (!a) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	a->cg_fd = -1;
	rc = xdt_cgroup2_mount(mounts, a->cgroup, sizeof(a->cgroup));
	if (rc < 0) {
		/*
		 * Not in our mount namespace (`ip netns exec` mounts a fresh /sys): the
		 * init process's namespace has it, reachable through /proc/1/root.
		 */
		char dir[PATH_MAX - 16];

		rc = xdt_cgroup2_mount("/proc/1/mounts", dir, sizeof(dir));
		if (rc == 0)
			snprintf(a->cgroup, sizeof(a->cgroup), "/proc/1/root%s", dir);
	}
	if (rc < 0) {
		snprintf(err, errlen, "no cgroup v2 hierarchy is mounted (%s): mount one with "
			 "'mount -t cgroup2 none /sys/fs/cgroup/unified', or under 'ip netns exec' "
			 "run xdptop with 'nsenter --net=/run/netns/NAME' instead", strerror(-rc));
		goto fail;
	}
	a->cg_fd = open(a->cgroup, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (a->cg_fd < 0) {
		snprintf(err, errlen, "cannot open the cgroup v2 root %s: %s%s", a->cgroup,
			 strerror(errno), strncmp(a->cgroup, "/proc/1/root", 12) ? "" :
			 " (under 'ip netns exec', which mounts its own /sys, run xdptop with "
			 "'nsenter --net=/run/netns/NAME' instead)");
		goto fail;
	}
	a->skel = sock_attr_bpf__open();
	if (!a->skel) {
		snprintf(err, errlen, "cannot open the attribution BPF object: %s",
			 strerror(errno));
		goto fail;
	}
	if (max_sockets)
		bpf_map__set_max_entries(a->skel->maps.xdt_owners, (__u32)max_sockets);
	rc = sock_attr_bpf__load(a->skel);
	if (rc) {
		snprintf(err, errlen, "the kernel refused the attribution programs: %s (xdptop "
			 "-v shows the verifier's log)", strerror(-rc));
		goto fail;
	}
	progs[n++] = a->skel->progs.xdt_sock_create;
	progs[n++] = a->skel->progs.xdt_post_bind4;
	progs[n++] = a->skel->progs.xdt_post_bind6;
	progs[n++] = a->skel->progs.xdt_connect4;
	progs[n++] = a->skel->progs.xdt_connect6;
	progs[n++] = a->skel->progs.xdt_sendmsg4;
	progs[n++] = a->skel->progs.xdt_sendmsg6;
	progs[n++] = a->skel->progs.xdt_recvmsg4;
	progs[n++] = a->skel->progs.xdt_recvmsg6;
	progs[n++] = a->skel->progs.xdt_sockops;
	/* The exec tracepoint: a raw tracepoint link, no tracefs needed. */
	a->links[0] = bpf_program__attach(a->skel->progs.xdt_exec);
	if (!a->links[0]) {
		rc = -errno;
		snprintf(err, errlen, "attaching the exec tracepoint failed: %s", strerror(-rc));
		goto fail;
	}
	a->n_links = 1;
	for (i = 0; i < n; i++) {
		/* A link: multi-attach beside other programs, detached when we exit. */
		a->links[a->n_links] = bpf_program__attach_cgroup(progs[i], a->cg_fd);
		if (!a->links[a->n_links]) {
			rc = -errno;
			snprintf(err, errlen, "attaching %s to the cgroup %s failed: %s",
				 bpf_program__name(progs[i]), a->cgroup, strerror(-rc));
			goto fail;
		}
		a->n_links++;
	}
	a->maps.owners = bpf_map__fd(a->skel->maps.xdt_owners);
	a->maps.ports = bpf_map__fd(a->skel->maps.xdt_ports);
	a->maps.execs = bpf_map__fd(a->skel->maps.xdt_execs);
	return a;
fail:
	xdt_attr_close(a);
	return NULL;
}
