// SPDX-License-Identifier: GPL-2.0-only
/*
 * The process attribution test's own client, compiled by tests/proc/run.sh at
 * run time into a binary whose name is longer than the kernel's 15-character comm
 * (xdt-long-named-client-program). It knows exactly which connections it makes:
 * every one is reported on stdout with its 5-tuple, so the test can match them
 * with xdptop's flows without guessing.
 *
 *   client tcp    ADDR PORT COUNT        connect, send "ping N\n", read the reply
 *                                        until the server closes, close; COUNT times
 *   client udp    ADDR PORT COUNT        a new UDP socket per exchange: send
 *                                        "ping N\n", wait for the echo (1 s), close;
 *                                        even N connect()+send(), odd N sendto()
 *   client closed ADDR PORT COUNT        connect to a port nobody listens on:
 *                                        every attempt must be refused (RST)
 *   client hold   ADDR PORT COUNT MS     COUNT connections open at once, one
 *                                        exchange each, kept open MS ms, then closed
 *
 * Output: "pid PID" first, then one line per connection or exchange:
 *   KIND FAMILY LADDR LPORT RADDR RPORT LIFETIME_US RESULT
 * where LIFETIME_US runs from socket() to the return of close() and RESULT is
 * "ok", "refused" or "error:WHAT". Exit status 0 when every attempt ended as
 * expected (closed: refused; the others: ok), 1 otherwise, 2 on bad usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_HOLD 64

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int parse_addr(const char *s, int port, struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, s, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((unsigned short)port);
		*len = sizeof(*a4);
		return 0;
	}
	if (inet_pton(AF_INET6, s, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((unsigned short)port);
		*len = sizeof(*a6);
		return 0;
	}
	return -1;
}

/* "4 ADDR PORT" of a socket address. */
static void addr_str(const struct sockaddr_storage *ss, char *buf, size_t len, int *port,
		     int *fam)
{
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)ss;

		inet_ntop(AF_INET6, &a6->sin6_addr, buf, (socklen_t)len);
		*port = ntohs(a6->sin6_port);
		*fam = 6;
	} else {
		const struct sockaddr_in *a4 = (const struct sockaddr_in *)ss;

		inet_ntop(AF_INET, &a4->sin_addr, buf, (socklen_t)len);
		*port = ntohs(a4->sin_port);
		*fam = 4;
	}
}

static void report(const char *kind, int fd, const struct sockaddr_storage *peer,
		   const struct sockaddr_storage *local, long long us, const char *result)
{
	char l[INET6_ADDRSTRLEN] = "?", r[INET6_ADDRSTRLEN] = "?";
	int lp = 0, rp = 0, fam = 0;

	(void)fd;
	addr_str(local, l, sizeof(l), &lp, &fam);
	addr_str(peer, r, sizeof(r), &rp, &fam);
	printf("%s %d %s %d %s %d %lld %s\n", kind, fam, l, lp, r, rp, us, result);
}

static int wait_fd(int fd, short ev, int ms)
{
	struct pollfd p = { .fd = fd, .events = ev };
	int n;

	do
		n = poll(&p, 1, ms);
	while (n < 0 && errno == EINTR);
	return n;
}

/*
 * Non-blocking connect, so that the local port is known (getsockname after
 * EINPROGRESS) even when the attempt is refused. 0 connected, ECONNREFUSED, or
 * another errno; @local gets the local address either way.
 */
static int tcp_connect(int fd, const struct sockaddr_storage *peer, socklen_t plen,
		       struct sockaddr_storage *local)
{
	socklen_t ll = sizeof(*local);
	int err = 0, fl = fcntl(fd, F_GETFL);
	socklen_t el = sizeof(err);

	memset(local, 0, sizeof(*local));
	fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	if (connect(fd, (const struct sockaddr *)peer, plen) == 0) {
		getsockname(fd, (struct sockaddr *)local, &ll);
		fcntl(fd, F_SETFL, fl);
		return 0;
	}
	if (errno != EINPROGRESS)
		return errno;
	getsockname(fd, (struct sockaddr *)local, &ll);
	if (wait_fd(fd, POLLOUT, 2000) <= 0)
		return ETIMEDOUT;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0)
		return errno;
	fcntl(fd, F_SETFL, fl);
	return err;
}

/* Send "ping N\n" and read until the server closes (or, @until_nl, a newline). */
static int exchange(int fd, int n, int until_nl)
{
	char buf[256];
	int len = snprintf(buf, sizeof(buf), "ping %d\n", n), got = 0;
	ssize_t r;

	if (send(fd, buf, (size_t)len, MSG_NOSIGNAL) != len)
		return -1;
	for (;;) {
		if (wait_fd(fd, POLLIN, 2000) <= 0)
			return -1;
		r = recv(fd, buf, sizeof(buf), 0);
		if (r < 0)
			return -1;
		if (r == 0)
			return got ? 0 : -1;
		got += (int)r;
		if (until_nl && memchr(buf, '\n', (size_t)r))
			return 0;
	}
}

static int run_tcp(const struct sockaddr_storage *peer, socklen_t plen, int count, int closed)
{
	struct sockaddr_storage local;
	int i, bad = 0;

	for (i = 0; i < count; i++) {
		long long t0 = now_us();
		int fd = socket(peer->ss_family, SOCK_STREAM, 0), err;
		const char *res = "ok";

		if (fd < 0) {
			perror("socket");
			return 1;
		}
		err = tcp_connect(fd, peer, plen, &local);
		if (closed)
			res = err == ECONNREFUSED ? "refused" : err ? "error:connect" : "error:accepted";
		else if (err)
			res = err == ECONNREFUSED ? "refused" : "error:connect";
		else if (exchange(fd, i, 0) < 0)
			res = "error:exchange";
		close(fd);
		report(closed ? "closed" : "tcp", fd, peer, &local, now_us() - t0, res);
		bad += strcmp(res, closed ? "refused" : "ok") != 0;
	}
	return bad ? 1 : 0;
}

static int run_udp(const struct sockaddr_storage *peer, socklen_t plen, int count)
{
	struct sockaddr_storage local;
	socklen_t ll;
	int i, bad = 0;

	for (i = 0; i < count; i++) {
		long long t0 = now_us();
		int fd = socket(peer->ss_family, SOCK_DGRAM, 0), len;
		char buf[64];
		const char *res = "ok";
		ssize_t r;

		if (fd < 0) {
			perror("socket");
			return 1;
		}
		len = snprintf(buf, sizeof(buf), "ping %d\n", i);
		if (i % 2 == 0) {
			if (connect(fd, (const struct sockaddr *)peer, plen) < 0 ||
			    send(fd, buf, (size_t)len, 0) != len)
				res = "error:send";
		} else if (sendto(fd, buf, (size_t)len, 0, (const struct sockaddr *)peer, plen) != len) {
			res = "error:sendto";
		}
		ll = sizeof(local);
		memset(&local, 0, sizeof(local));
		getsockname(fd, (struct sockaddr *)&local, &ll);
		if (!strcmp(res, "ok")) {
			if (wait_fd(fd, POLLIN, 1000) <= 0)
				res = "error:timeout";
			else if ((r = recv(fd, buf, sizeof(buf), 0)) <= 0)
				res = "error:recv";
		}
		close(fd);
		report("udp", fd, peer, &local, now_us() - t0, res);
		bad += strcmp(res, "ok") != 0;
	}
	return bad ? 1 : 0;
}

static int run_hold(const struct sockaddr_storage *peer, socklen_t plen, int count, int ms)
{
	struct sockaddr_storage local[MAX_HOLD];
	long long t0[MAX_HOLD];
	const char *res[MAX_HOLD];
	int fd[MAX_HOLD], i, bad = 0;

	if (count > MAX_HOLD)
		count = MAX_HOLD;
	for (i = 0; i < count; i++) {
		t0[i] = now_us();
		res[i] = "ok";
		fd[i] = socket(peer->ss_family, SOCK_STREAM, 0);
		if (fd[i] < 0) {
			perror("socket");
			return 1;
		}
		if (tcp_connect(fd[i], peer, plen, &local[i]))
			res[i] = "error:connect";
		else if (exchange(fd[i], i, 1) < 0)
			res[i] = "error:exchange";
	}
	fflush(stdout);
	usleep((useconds_t)ms * 1000);
	for (i = 0; i < count; i++) {
		close(fd[i]);
		report("hold", fd[i], peer, &local[i], now_us() - t0[i], res[i]);
		bad += strcmp(res[i], "ok") != 0;
	}
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_storage peer;
	socklen_t plen;
	int port, count, rc;

	if (argc < 5 || parse_addr(argv[2], atoi(argv[3]), &peer, &plen) < 0) {
		fprintf(stderr, "usage: %s tcp|udp|closed|hold ADDR PORT COUNT [MS]\n", argv[0]);
		return 2;
	}
	port = atoi(argv[3]);
	count = atoi(argv[4]);
	if (port <= 0 || port > 65535 || count <= 0) {
		fprintf(stderr, "%s: bad port or count\n", argv[0]);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("pid %d\n", (int)getpid());
	if (!strcmp(argv[1], "tcp"))
		rc = run_tcp(&peer, plen, count, 0);
	else if (!strcmp(argv[1], "closed"))
		rc = run_tcp(&peer, plen, count, 1);
	else if (!strcmp(argv[1], "udp"))
		rc = run_udp(&peer, plen, count);
	else if (!strcmp(argv[1], "hold") && argc > 5)
		rc = run_hold(&peer, plen, count, atoi(argv[5]));
	else {
		fprintf(stderr, "%s: unknown mode %s\n", argv[0], argv[1]);
		return 2;
	}
	return rc;
}
