// SPDX-License-Identifier: GPL-2.0-only
/* See selftest.h. Compiled empty unless XDT_SELFTEST is defined (the test build). */
#ifdef XDT_SELFTEST
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "selftest.h"

/* The value of @key in the comma list @spec, into @out; 1 if present. */
static int spec_get(const char *spec, const char *key, char *out, size_t len)
{
	size_t kl = strlen(key);
	const char *p = spec;

	while (p && *p) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		if (n > kl && !strncmp(p, key, kl) && p[kl] == '=') {
			snprintf(out, len, "%.*s", (int)(n - kl - 1), p + kl + 1);
			return 1;
		}
		p = end ? end + 1 : NULL;
	}
	return 0;
}

/* "A:PORT" or "[A6]:PORT" into a sockaddr. 0 or -EINVAL. */
static int parse_ep(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	long port;

	if (!colon || (size_t)(colon - s) >= sizeof(host))
		return -EINVAL;
	port = strtol(colon + 1, NULL, 10);
	if (port <= 0 || port > 65535)
		return -EINVAL;
	snprintf(host, sizeof(host), "%.*s", (int)(colon - s), s);
	memset(ss, 0, sizeof(*ss));
	if (host[0] == '[') {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
		size_t hl = strlen(host);

		if (hl < 3 || host[hl - 1] != ']')
			return -EINVAL;
		host[hl - 1] = 0;
		if (inet_pton(AF_INET6, host + 1, &a->sin6_addr) != 1)
			return -EINVAL;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		*len = sizeof(*a);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;

		if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
			return -EINVAL;
		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)port);
		*len = sizeof(*a);
	}
	return 0;
}

int xdt_selftest_check(const char *spec, char *err, size_t errlen)
{
	static const char *const eps[] = { "tcp", "udp", "dns" };
	struct sockaddr_storage ss;
	char v[256];
	socklen_t l;
	size_t i;

	for (i = 0; i < sizeof(eps) / sizeof(eps[0]); i++) {
		if (spec_get(spec, eps[i], v, sizeof(v)) && parse_ep(v, &ss, &l)) {
			snprintf(err, errlen, "--selftest-escape: %s=%s is not ADDR:PORT", eps[i], v);
			return -EINVAL;
		}
	}
	return 0;
}

static void report(FILE *out, const char *attempt, int ok, int err)
{
	fprintf(out, "{\"type\":\"selftest\",\"attempt\":\"%s\",\"result\":\"%s\"", attempt,
		ok ? "allowed" : "denied");
	if (!ok)
		fprintf(out, ",\"errno\":\"%s\"", strerrorname_np(err) ? strerrorname_np(err) : "?");
	fputs("}\n", out);
	fflush(out);
}

static void try_open(FILE *out, const char *label, const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC, 0600);
	int e = errno, ok = fd >= 0;

	if (ok && (flags & O_ACCMODE) != O_RDONLY && write(fd, "x", 1) != 1) {
		e = errno;
		ok = 0;
	}
	if (fd >= 0)
		close(fd);
	report(out, label, ok, e);
}

static void try_connect(FILE *out, const char *label, const char *ep, int type)
{
	struct sockaddr_storage ss;
	socklen_t l;
	int fd, ok, e;

	if (parse_ep(ep, &ss, &l))
		return;
	fd = socket(ss.ss_family, type | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		report(out, label, 0, errno);
		return;
	}
	if (type == SOCK_STREAM)
		ok = connect(fd, (struct sockaddr *)&ss, l) == 0;
	else
		ok = sendto(fd, "xdptop-selftest", 15, 0, (struct sockaddr *)&ss, l) == 15;
	e = errno;
	close(fd);
	report(out, label, ok, e);
}

static void try_socket(FILE *out, const char *label, int fam, int type, int proto)
{
	int fd = socket(fam, type | SOCK_CLOEXEC, proto);
	int e = errno;

	if (fd >= 0)
		close(fd);
	report(out, label, fd >= 0, e);
}

static void try_bpf_load(FILE *out)
{
	/* r0 = 0; exit: the smallest valid program. */
	struct bpf_insn insns[2] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr a;
	long fd;
	int e;

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	a.insns = (uint64_t)(uintptr_t)insns;
	a.insn_cnt = 2;
	a.license = (uint64_t)(uintptr_t)"GPL";
	fd = syscall(SYS_bpf, BPF_PROG_LOAD, &a, sizeof(a));
	e = errno;
	if (fd >= 0)
		close((int)fd);
	report(out, "bpf prog load", fd >= 0, e);
}

void xdt_selftest_run(const char *spec, const int *capture_fds, unsigned int n, FILE *out)
{
	char v[256];
	void *m;
	int rc, e;

	try_open(out, "open /etc/shadow", "/etc/shadow", O_RDONLY);
	try_open(out, "open /proc/self/status", "/proc/self/status", O_RDONLY);
	if (spec_get(spec, "read", v, sizeof(v)))
		try_open(out, "open read=", v, O_RDONLY);
	if (spec_get(spec, "write", v, sizeof(v)))
		try_open(out, "create write=", v, O_WRONLY | O_CREAT | O_TRUNC);
	if (spec_get(spec, "tcp", v, sizeof(v)))
		try_connect(out, "tcp connect", v, SOCK_STREAM);
	if (spec_get(spec, "udp", v, sizeof(v)))
		try_connect(out, "udp send", v, SOCK_DGRAM);
	if (spec_get(spec, "dns", v, sizeof(v)))
		try_connect(out, "udp send to resolver", v, SOCK_DGRAM);
	try_socket(out, "packet socket", AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	try_socket(out, "raw ipv4 socket", AF_INET, SOCK_RAW, IPPROTO_ICMP);
	try_socket(out, "icmp ping socket", AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
	try_bpf_load(out);
	rc = (int)ptrace(PTRACE_ATTACH, 1, NULL, NULL);
	e = errno;
	report(out, "ptrace pid 1", rc == 0, e);
	if (rc == 0)
		ptrace(PTRACE_DETACH, 1, NULL, NULL);
	rc = kill(1, 0);
	report(out, "signal pid 1", rc == 0, errno);
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	e = errno;
	report(out, "executable memory", m != MAP_FAILED, e);
	if (m != MAP_FAILED)
		munmap(m, 4096);
	if (n) {
		/* A zero-length frame: were it allowed, nothing would go on the wire. */
		rc = (int)write(capture_fds[0], "", 0);
		report(out, "write capture socket", rc >= 0, errno);
		rc = dup(capture_fds[0]);
		e = errno;
		report(out, "dup capture socket", rc >= 0, e);
		if (rc >= 0)
			close(rc);
	}
	/* Last: if it works, this process is gone and the test sees that. */
	{
		char *const argv[] = { (char *)"/bin/true", NULL };

		execve("/bin/true", argv, environ);
		report(out, "execve /bin/true", 0, errno);
	}
}
#endif
