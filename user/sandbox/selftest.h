/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Test build only (XDT_SELFTEST): escape attempts run from inside the confined
 * process, on SIGUSR2, so tests/sandbox can prove each layer holds in the real
 * running xdptop rather than in a copy of its setup. Not in the shipped binary.
 *
 * --selftest-escape SPEC, SPEC a comma list of
 *   read=PATH   a file to open for reading        (expected: denied)
 *   write=PATH  a file to create and write         (expected: denied)
 *   tcp=A:PORT  a listening TCP port to connect to (expected: denied)
 *   udp=A:PORT  a UDP port to send a datagram to   (expected: denied, EPERM)
 *   dns=A:PORT  the resolver to send a datagram to (expected: allowed)
 * Fixed attempts besides: /etc/shadow, an AF_PACKET socket, a raw IPv4 socket,
 * execve /bin/true, ptrace and a signal to pid 1, loading a BPF program,
 * executable memory, writing to and duplicating a capture socket, and reading
 * /proc/self/status (expected: allowed).
 * Each attempt prints {"type":"selftest","attempt":...,"result":"allowed"|
 * "denied","errno":...} on stdout; the test decides what was expected.
 */
#ifndef XDT_SANDBOX_SELFTEST_H
#define XDT_SANDBOX_SELFTEST_H

#include <stdio.h>

#include "sandbox.h"

/* 0, or -EINVAL with a message naming the bad item in @err. */
int xdt_selftest_check(const char *spec, char *err, size_t errlen);

/* Run every attempt; @capture_fds are the capture sockets (may be none). */
void xdt_selftest_run(const char *spec, const int *capture_fds, unsigned int n, FILE *out);

#endif
