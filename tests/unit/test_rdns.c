// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reverse DNS against fake name servers on loopback: the test decodes what each
 * server is asked on its own (the resolver's parser is not the oracle) and
 * answers as told: a PTR, NXDOMAIN, nothing, forgeries before the real answer,
 * or random bytes.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "enrich/rdns.h"

TestSuite(rdns);

enum mode {
	ANSWER,		/* PTR @ptr with @ttl */
	NXDOMAIN,
	SILENT,
	WRONG_ID,	/* a forged "evil" answer first, then the real one */
	WRONG_QUESTION,
	OTHER_PORT,
	GARBAGE,	/* mangled and random replies, then the real one */
};

#define MAX_SEEN 512
#define EVIL "evil.xdt.test"

struct fake {
	int fd, other;		/* other: a second socket, the wrong source port */
	int family;
	uint8_t addr[16];
	uint16_t port;
	pthread_t th;
	atomic_int stop;
	pthread_mutex_t mu;
	enum mode mode;
	const char *ptr;
	uint32_t ttl;
	unsigned int n;		/* queries seen */
	char seen[MAX_SEEN][80];
	uint64_t at_ns[MAX_SEEN];
	unsigned int rnd;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* The question of a query into @name (dotted); the offset just past it, 0 if bad. */
static size_t decode_question(const uint8_t *q, size_t len, char *name, size_t cap)
{
	size_t off = 12, n = 0;

	if (len < 12)
		return 0;
	while (off < len && q[off]) {
		size_t l = q[off];

		if (l > 63 || off + 1 + l > len || n + l + 2 > cap)
			return 0;
		if (n)
			name[n++] = '.';
		memcpy(name + n, q + off + 1, l);
		n += l;
		off += 1 + l;
	}
	name[n] = '\0';
	if (off + 5 > len)
		return 0;
	return off + 5;
}

/* Header and question of @q, then an answer pointing at the question name. */
static size_t make_reply(uint8_t *out, const uint8_t *q, size_t qend, int rcode,
			 const char *ptr, uint32_t ttl)
{
	size_t off = qend, rdlen = 0;
	const char *s = ptr;

	memcpy(out, q, qend);
	out[2] = 0x81;		/* QR, RD */
	out[3] = (uint8_t)(0x80 | rcode);	/* RA */
	out[6] = 0;
	out[7] = ptr ? 1 : 0;
	if (!ptr)
		return off;
	memcpy(out + off, "\xc0\x0c\x00\x0c\x00\x01", 6);
	out[off + 6] = (uint8_t)(ttl >> 24);
	out[off + 7] = (uint8_t)(ttl >> 16);
	out[off + 8] = (uint8_t)(ttl >> 8);
	out[off + 9] = (uint8_t)ttl;
	off += 12;
	while (*s) {
		size_t l = strcspn(s, ".");

		out[off + rdlen++] = (uint8_t)l;
		memcpy(out + off + rdlen, s, l);
		rdlen += l;
		s += l + (s[l] == '.');
	}
	out[off + rdlen++] = 0;
	out[off - 2] = (uint8_t)(rdlen >> 8);
	out[off - 1] = (uint8_t)rdlen;
	return off + rdlen;
}

static unsigned int rnd(struct fake *f)
{
	f->rnd = f->rnd * 1103515245u + 12345u;
	return f->rnd >> 8;
}

static void send_back(int fd, const void *buf, size_t len, const struct sockaddr_storage *to,
		      socklen_t tolen)
{
	cr_assert_eq(sendto(fd, buf, len, 0, (const struct sockaddr *)to, tolen), (ssize_t)len);
}

/* Replies that are wrong in every way the dice pick, from the right address. */
static void send_garbage(struct fake *f, const uint8_t *good, size_t glen,
			 const struct sockaddr_storage *to, socklen_t tolen)
{
	uint8_t b[600];
	int i, j;

	for (i = 0; i < 60; i++) {
		size_t len = glen;

		memcpy(b, good, glen);
		switch (rnd(f) % 5) {
		case 0:		/* flipped bytes, the ID kept */
			for (j = 0; j < 4; j++)
				b[2 + rnd(f) % (glen - 2)] ^= (uint8_t)(1 + rnd(f) % 255);
			break;
		case 1:		/* cut short */
			len = rnd(f) % glen;
			break;
		case 2:		/* a compression pointer anywhere, to anywhere */
			j = (int)(12 + rnd(f) % (glen - 13));
			b[j] = (uint8_t)(0xc0 | (rnd(f) & 0x3f));
			b[j + 1] = (uint8_t)rnd(f);
			break;
		case 3:		/* random tail after a valid header */
			len = 12 + rnd(f) % (sizeof(b) - 12);
			for (j = 12; j < (int)len; j++)
				b[j] = (uint8_t)rnd(f);
			break;
		default:	/* noise */
			len = rnd(f) % sizeof(b);
			for (j = 0; j < (int)len; j++)
				b[j] = (uint8_t)rnd(f);
		}
		send_back(f->fd, b, len, to, tolen);
	}
}

/*
 * A datagram and the time the kernel took it in (SO_TIMESTAMPNS, CLOCK_REALTIME):
 * on loopback that is inside the sender's sendto(), so this thread's own
 * scheduling delays do not bunch arrivals together.
 */
static ssize_t recv_stamped(int fd, uint8_t *buf, size_t cap, struct sockaddr_storage *from,
			    socklen_t *flen, uint64_t *at)
{
	union {
		char b[CMSG_SPACE(sizeof(struct timespec))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { buf, cap };
	struct msghdr m = { .msg_name = from, .msg_namelen = *flen, .msg_iov = &iov,
			    .msg_iovlen = 1, .msg_control = ctl.b, .msg_controllen = sizeof(ctl.b) };
	struct cmsghdr *c;
	struct timespec ts;
	ssize_t n = recvmsg(fd, &m, 0);

	*flen = m.msg_namelen;
	clock_gettime(CLOCK_REALTIME, &ts);
	for (c = CMSG_FIRSTHDR(&m); n >= 0 && c; c = CMSG_NXTHDR(&m, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS)
			memcpy(&ts, CMSG_DATA(c), sizeof(ts));
	*at = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	return n;
}

static void serve_one(struct fake *f)
{
	uint8_t q[512], out[600];
	struct sockaddr_storage from;
	socklen_t flen = sizeof(from);
	char name[80];
	size_t qend, len;
	uint64_t at;
	ssize_t n;

	n = recv_stamped(f->fd, q, sizeof(q), &from, &flen, &at);
	if (n < 0)
		return;
	qend = decode_question(q, (size_t)n, name, sizeof(name));
	pthread_mutex_lock(&f->mu);
	if (f->n < MAX_SEEN) {
		snprintf(f->seen[f->n], sizeof(f->seen[0]), "%s", qend ? name : "?");
		f->at_ns[f->n] = at;
	}
	f->n++;
	pthread_mutex_unlock(&f->mu);
	if (!qend || f->mode == SILENT)
		return;
	if (f->mode == NXDOMAIN) {
		len = make_reply(out, q, qend, 3, NULL, 0);
		send_back(f->fd, out, len, &from, flen);
		return;
	}
	if (f->mode == WRONG_ID || f->mode == WRONG_QUESTION || f->mode == OTHER_PORT) {
		len = make_reply(out, q, qend, 0, EVIL, 3600);
		if (f->mode == WRONG_ID)
			out[1] ^= 0x5a;
		if (f->mode == WRONG_QUESTION)
			out[13] = out[13] == '9' ? '8' : '9';	/* first digit of the name */
		send_back(f->mode == OTHER_PORT ? f->other : f->fd, out, len, &from, flen);
	}
	len = make_reply(out, q, qend, 0, f->ptr, f->ttl);
	if (f->mode == GARBAGE)
		send_garbage(f, out, len, &from, flen);
	send_back(f->fd, out, len, &from, flen);
}

static void *serve(void *arg)
{
	struct fake *f = arg;

	while (!atomic_load(&f->stop)) {
		struct pollfd p = { .fd = f->fd, .events = POLLIN };

		if (poll(&p, 1, 20) > 0)
			serve_one(f);
	}
	return NULL;
}

static int bind_udp(const char *ip, uint16_t port, int *fd, uint16_t *bound)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t len;
	int s;

	if (strchr(ip, ':')) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons(port);
		inet_pton(AF_INET6, ip, &a->sin6_addr);
		len = sizeof(*a);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;

		a->sin_family = AF_INET;
		a->sin_port = htons(port);
		inet_pton(AF_INET, ip, &a->sin_addr);
		len = sizeof(*a);
	}
	s = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0 || bind(s, (struct sockaddr *)&ss, len) || getsockname(s, (struct sockaddr *)&ss, &len)) {
		if (s >= 0)
			close(s);
		return -1;
	}
	*fd = s;
	*bound = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port :
						 ((struct sockaddr_in *)&ss)->sin_port);
	return 0;
}

/* A fake server on @ip (port 0: any free one), answering @ptr with @ttl. -1 if @ip won't bind. */
static int fake_start(struct fake *f, const char *ip, uint16_t port, enum mode mode,
		      const char *ptr, uint32_t ttl)
{
	uint16_t other_port;

	memset(f, 0, sizeof(*f));
	f->mode = mode;
	f->ptr = ptr;
	f->ttl = ttl;
	f->rnd = 12345;
	f->family = strchr(ip, ':') ? 6 : 4;
	inet_pton(f->family == 6 ? AF_INET6 : AF_INET, ip, f->addr);
	if (bind_udp(ip, port, &f->fd, &f->port))
		return -1;
	cr_assert_eq(setsockopt(f->fd, SOL_SOCKET, SO_TIMESTAMPNS, &(int){ 1 }, sizeof(int)), 0);
	cr_assert_eq(bind_udp(ip, 0, &f->other, &other_port), 0);
	pthread_mutex_init(&f->mu, NULL);
	atomic_init(&f->stop, 0);
	cr_assert_eq(pthread_create(&f->th, NULL, serve, f), 0);
	return 0;
}

static void fake_stop(struct fake *f)
{
	atomic_store(&f->stop, 1);
	pthread_join(f->th, NULL);
	close(f->fd);
	close(f->other);
	pthread_mutex_destroy(&f->mu);
}

static unsigned int fake_seen(struct fake *f)
{
	unsigned int n;

	pthread_mutex_lock(&f->mu);
	n = f->n;
	pthread_mutex_unlock(&f->mu);
	return n;
}

/* A resolver for the servers @f (all on one port), not started unless @start. */
static struct xdt_rdns *rdns_for(struct fake *f, unsigned int n, struct xdt_rdns_opts *o,
				 int start)
{
	struct xdt_resolvers rs = { .n = n };
	struct xdt_rdns *r;
	char err[128];
	unsigned int i;

	for (i = 0; i < n; i++) {
		rs.a[i].family = (uint8_t)f[i].family;
		memcpy(rs.a[i].addr, f[i].addr, 16);
	}
	o->port = f[0].port;
	r = xdt_rdns_new(&rs, o, err, sizeof(err));
	cr_assert_not_null(r, "xdt_rdns_new: %s", err);
	if (start)
		cr_assert_eq(xdt_rdns_start(r), 0);
	return r;
}

static enum xdt_rdns_state wait_for(struct xdt_rdns *r, int family, const uint8_t *addr,
				    char *name, size_t len, unsigned int ms)
{
	uint64_t end = now_ns() + (uint64_t)ms * 1000000ULL;
	enum xdt_rdns_state s;

	while ((s = xdt_rdns_get(r, family, addr, name, len)) == XDT_RDNS_PENDING &&
	       now_ns() < end)
		sleep_ms(5);
	return s;
}

static void v4(uint8_t a[16], const char *text)
{
	memset(a, 0, 16);
	cr_assert_eq(inet_pton(AF_INET, text, a), 1);
}

static void v6(uint8_t a[16], const char *text)
{
	cr_assert_eq(inet_pton(AF_INET6, text, a), 1);
}

Test(rdns, finds_the_name_of_an_ipv4_address_in_in_addr_arpa)
{
	struct xdt_rdns_opts o = { 0 };
	struct xdt_rdns_stats st;
	struct fake f;
	struct xdt_rdns *r;
	uint8_t a[16];
	char name[64];

	cr_assert_eq(fake_start(&f, "127.0.0.1", 0, ANSWER, "host.xdt.test", 3600), 0);
	r = rdns_for(&f, 1, &o, 1);
	v4(a, "10.213.0.2");
	cr_assert_eq(wait_for(r, 4, a, name, sizeof(name), 3000), XDT_RDNS_FOUND);
	cr_expect_str_eq(name, "host.xdt.test");
	cr_assert_eq(fake_seen(&f), 1);
	cr_expect_str_eq(f.seen[0], "2.0.213.10.in-addr.arpa");
	xdt_rdns_stats(r, &st);
	cr_expect_eq(st.queries, 1);
	cr_expect_eq(st.answers, 1);
	cr_expect_eq(st.cached, 1);
	cr_expect_eq(st.bad_replies, 0);
	xdt_rdns_free(r);
	fake_stop(&f);
}

Test(rdns, finds_the_name_of_an_ipv6_address_in_ip6_arpa)
{
	struct xdt_rdns_opts o = { 0 };
	struct fake f;
	struct xdt_rdns *r;
	uint8_t a[16];
	char name[64];

	cr_assert_eq(fake_start(&f, "127.0.0.1", 0, ANSWER, "v6.xdt.test", 3600), 0);
	r = rdns_for(&f, 1, &o, 1);
	v6(a, "4321:0:1:2:3:4:567:89ab");	/* the example of RFC 3596 section 2.5 */
	cr_assert_eq(wait_for(r, 6, a, name, sizeof(name), 3000), XDT_RDNS_FOUND);
	cr_expect_str_eq(name, "v6.xdt.test");
	cr_assert_eq(fake_seen(&f), 1);
	cr_expect_str_eq(f.seen[0], "b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.ip6.arpa");
	xdt_rdns_free(r);
	fake_stop(&f);
}

Test(rdns, asks_an_ipv6_name_server)
{
	struct xdt_rdns_opts o = { 0 };
	struct fake f;
	struct xdt_rdns *r;
	uint8_t a[16];
	char name[64];

	if (fake_start(&f, "::1", 0, ANSWER, "via-v6.xdt.test", 3600))
		cr_skip_test("no IPv6 loopback here");
	r = rdns_for(&f, 1, &o, 1);
	v4(a, "10.213.0.3");
	cr_assert_eq(wait_for(r, 4, a, name, sizeof(name), 3000), XDT_RDNS_FOUND);
	cr_expect_str_eq(name, "via-v6.xdt.test");
	cr_expect_str_eq(f.seen[0], "3.0.213.10.in-addr.arpa");
	xdt_rdns_free(r);
	fake_stop(&f);
}

Test(rdns, looks_up_an_ipv4_mapped_address_as_ipv4)
{
	struct xdt_rdns_opts o = { 0 };
	struct fake f;
	struct xdt_rdns *r;
	uint8_t a[16], plain[16];
	char name[64];

	cr_assert_eq(fake_start(&f, "127.0.0.1", 0, ANSWER, "mapped.xdt.test", 3600), 0);
	r = rdns_for(&f, 1, &o, 1);
	v6(a, "::ffff:10.213.0.4");
	cr_assert_eq(wait_for(r, 6, a, name, sizeof(name), 3000), XDT_RDNS_FOUND);
	cr_expect_str_eq(f.seen[0], "4.0.213.10.in-addr.arpa");
	v4(plain, "10.213.0.4");
	cr_expect_eq(xdt_rdns_get(r, 4, plain, name, sizeof(name)), XDT_RDNS_FOUND,
		     "one cache entry for both spellings");
	cr_expect_eq(fake_seen(&f), 1);
	xdt_rdns_free(r);
	fake_stop(&f);
}

Test(rdns, skips_addresses_that_have_no_name)
{
	static const char *const skip4[] = { "0.0.0.0", "224.0.0.251", "239.1.2.3",
					     "255.255.255.255" };
	static const char *const skip6[] = { "::", "ff02::1", "::ffff:0.0.0.0",
					     "::ffff:224.0.0.1" };
	struct xdt_rdns_opts o = { 0 };
	struct xdt_rdns_stats st;
	struct fake f;
	struct xdt_rdns *r;
	uint8_t a[16];
	char name[8] = "x";
	size_t i;

	cr_assert_eq(fake_start(&f, "127.0.0.1", 0, ANSWER, "no.xdt.test", 3600), 0);
	r = rdns_for(&f, 1, &o, 1);
	for (i = 0; i < sizeof(skip4) / sizeof(skip4[0]); i++) {
		v4(a, skip4[i]);
		cr_expect_eq(xdt_rdns_get(r, 4, a, name, sizeof(name)), XDT_RDNS_SKIPPED, "%s",
			     skip4[i]);
		cr_expect_str_eq(name, "");
	}
	for (i = 0; i < sizeof(skip6) / sizeof(skip6[0]); i++) {
		v6(a, skip6[i]);
		cr_expect_eq(xdt_rdns_get(r, 6, a, name, sizeof(name)), XDT_RDNS_SKIPPED, "%s",
			     skip6[i]);
	}
	cr_expect_eq(xdt_rdns_get(r, 5, a, name, sizeof(name)), XDT_RDNS_SKIPPED);
	cr_expect_eq(xdt_rdns_get(r, 4, NULL, name, sizeof(name)), XDT_RDNS_SKIPPED);
	cr_expect_eq(xdt_rdns_get(NULL, 4, a, name, sizeof(name)), XDT_RDNS_SKIPPED);
	sleep_ms(100);
	xdt_rdns_stats(r, &st);
	cr_expect_eq(st.queries, 0);
	cr_expect_eq(st.dropped, 0, "skipped, not dropped");
	cr_expect_eq(fake_seen(&f), 0);
	xdt_rdns_free(r);
	fake_stop(&f);
}

Test(rdns, takes_nxdomain_as_no_name)
{
	struct xdt_rdns_opts o = { 0 };
	struct xdt_rdns_stats st;
	struct fake f;
	struct xdt_rdns *r;
	uint8_t a[16];
	char name[64];

	cr_assert_eq(fake_start(&f, "127.0.0.1", 0, NXDOMAIN, NULL, 0), 0);
	r = rdns_for(&f, 1, &o, 1);
	v4(a, "192.0.2.7");
	cr_assert_eq(wait_for(r, 4, a, name, sizeof(name), 3000), XDT_RDNS_NONE);
	cr_expect_str_eq(name, "");
	xdt_rdns_stats(r, &st);
	cr_expect_eq(st.negative, 1);
	cr_expect_eq(st.queries, 1, "NXDOMAIN is an answer: no retry");
	cr_expect_eq(st.cached, 1);
	xdt_rdns_free(r);
	fake_stop(&f);
}

Test(rdns, gives_up_on_a_silent_server_after_one_retry)
{
	struct xdt_rdns_opts o = { .timeout_ms = 100 };
	struct xdt_rdns_stats st;
	struct fake f;
	struct xdt_rdns *r;
	uint8_t a[16];
	char name[64];
	uint64_t t0 = now_ns();

	cr_assert_eq(fake_start(&f, "127.0.0.1", 0, SILENT, NULL, 0), 0);
	r = rdns_for(&f, 1, &o, 1);
	v4(a, "192.0.2.8");
	cr_assert_eq(wait_for(r, 4, a, name, sizeof(name), 3000), XDT_RDNS_NONE);
	cr_expect_geq(now_ns() - t0, 200000000ULL, "two attempts of 100 ms");
	xdt_rdns_stats(r, &st);
	cr_expect_eq(st.queries, 2);
	cr_expect_eq(st.timeouts, 1);
	cr_expect_eq(st.negative, 0);
	cr_assert_eq(fake_seen(&f), 2);
	cr_expect_str_eq(f.seen[0], "8.2.0.192.in-addr.arpa");
	cr_expect_str_eq(f.seen[1], "8.2.0.192.in-addr.arpa");
	xdt_rdns_free(r);
	fake_stop(&f);
}

Test(rdns, sends_the_retry_to_the_next_server)
{
	struct xdt_rdns_opts o = { .timeout_ms = 100 };
	struct xdt_rdns_stats st;
	struct fake f[2];
	struct xdt_rdns *r;
	uint8_t a[16];
	char name[64];

	cr_assert_eq(fake_start(&f[0], "127.0.0.1", 0, SILENT, NULL, 0), 0);
	if (fake_start(&f[1], "127.0.0.2", f[0].port, ANSWER, "second.xdt.test", 3600))
		cr_skip_test("127.0.0.2 port %u taken", f[0].port);
	r = rdns_for(f, 2, &o, 1);
	v4(a, "192.0.2.9");
	cr_assert_eq(wait_for(r, 4, a, name, sizeof(name), 3000), XDT_RDNS_FOUND);
	cr_expect_str_eq(name, "second.xdt.test");
	cr_expect_eq(fake_seen(&f[0]), 1);
	cr_expect_eq(fake_seen(&f[1]), 1);
	xdt_rdns_stats(r, &st);
	cr_expect_eq(st.queries, 2);
	cr_expect_eq(st.timeouts, 0);
	xdt_rdns_free(r);
	fake_stop(&f[0]);
	fake_stop(&f[1]);
}

/* A forged answer arrives first; only the real one may count. */
static void expect_forgery_ignored(enum mode mode)
{
	struct xdt_rdns_opts o = { 0 };
	struct xdt_rdns_stats st;
	struct fake f;
	struct xdt_rdns *r;
	uint8_t a[16];
	char name[64];

	cr_assert_eq(fake_start(&f, "127.0.0.1", 0, mode, "good.xdt.test", 3600), 0);
	r = rdns_for(&f, 1, &o, 1);
	v4(a, "10.213.0.2");
	cr_assert_eq(wait_for(r, 4, a, name, sizeof(name), 3000), XDT_RDNS_FOUND);
	cr_expect_str_eq(name, "good.xdt.test");
	xdt_rdns_stats(r, &st);
	cr_expect_eq(st.bad_replies, 1);
	cr_expect_eq(st.answers, 1);
	xdt_rdns_free(r);
	fake_stop(&f);
}

Test(rdns, ignores_a_reply_with_another_id)
{
	expect_forgery_ignored(WRONG_ID);
}

Test(rdns, ignores_a_reply_to_another_question)
{
	expect_forgery_ignored(WRONG_QUESTION);
}

Test(rdns, ignores_a_reply_from_another_port)
{
	expect_forgery_ignored(OTHER_PORT);
}

Test(rdns, sends_no_more_than_rate_queries_in_any_second)
{
	/* 1 ms for the two clocks: the resolver's monotonic, the kernel stamps' real time. */
	const uint64_t window = 1000000000ULL - 1000000ULL;
	struct xdt_rdns_opts o = { .rate = 20 };
	struct xdt_rdns_stats st;
	struct fake f;
	struct xdt_rdns *r;
	unsigned int i, j, n, most = 0;
	uint8_t a[16];

	cr_assert_eq(fake_start(&f, "127.0.0.1", 0, ANSWER, "flood.xdt.test", 3600), 0);
	r = rdns_for(&f, 1, &o, 1);
	for (i = 0; i < 200; i++) {
		v4(a, "10.99.0.0");
		a[2] = (uint8_t)(i >> 8);
		a[3] = (uint8_t)(i + 1);
		cr_assert_eq(xdt_rdns_get(r, 4, a, NULL, 0), XDT_RDNS_PENDING);
	}
	sleep_ms(2300);
	xdt_rdns_stats(r, &st);
	pthread_mutex_lock(&f.mu);
	n = f.n;
	for (i = 0; i < n; i++) {
		unsigned int in = 0;

		for (j = i; j < n && f.at_ns[j] - f.at_ns[i] < window; j++)
			in++;
		if (in > most)
			most = in;
	}
	pthread_mutex_unlock(&f.mu);
	cr_expect_leq(most, 20, "%u queries within one second", most);
	cr_expect_geq(n, 40, "the budget refills: %u queries in 2.3 s", n);
	cr_expect_leq(n, 60);
	cr_expect_eq(st.dropped, 0);
	xdt_rdns_free(r);	/* with most of the queue still waiting */
	fake_stop(&f);
}

Test(rdns, drops_what_the_queue_cannot_hold_and_asks_it_later)
{
	struct xdt_rdns_opts o = { .queue_max = 16, .rate = 1000 };
	struct xdt_rdns_stats st;
	struct fake f;
	struct xdt_rdns *r;
	unsigned int i, pending = 0, skipped = 0;
	uint8_t a[16];
	char name[64];

	cr_assert_eq(fake_start(&f, "127.0.0.1", 0, ANSWER, "q.xdt.test", 3600), 0);
	r = rdns_for(&f, 1, &o, 0);
	for (i = 0; i < 200; i++) {
		v4(a, "10.98.0.1");
		a[3] = (uint8_t)(i + 1);
		switch (xdt_rdns_get(r, 4, a, NULL, 0)) {
		case XDT_RDNS_PENDING:
			pending++;
			break;
		case XDT_RDNS_SKIPPED:
			skipped++;
			break;
		default:
			cr_assert_fail("neither queued nor dropped");
		}
	}
	cr_expect_eq(pending, 16);
	cr_expect_eq(skipped, 184);
	xdt_rdns_stats(r, &st);
	cr_expect_eq(st.dropped, 184);
	cr_expect_eq(st.queries, 0, "nothing leaves before xdt_rdns_start()");
	cr_assert_eq(xdt_rdns_start(r), 0);
	a[3] = 1;
	cr_assert_eq(wait_for(r, 4, a, name, sizeof(name), 3000), XDT_RDNS_FOUND);
	a[3] = 16;
	cr_assert_eq(wait_for(r, 4, a, name, sizeof(name), 3000), XDT_RDNS_FOUND);
	/* A dropped address is unknown, not negative: asking again queues it. */
	a[3] = 200;
	cr_expect_eq(xdt_rdns_get(r, 4, a, name, sizeof(name)), XDT_RDNS_PENDING);
	cr_expect_eq(wait_for(r, 4, a, name, sizeof(name), 3000), XDT_RDNS_FOUND);
	cr_expect_eq(fake_seen(&f), 17);
	xdt_rdns_free(r);
	fake_stop(&f);
}

Test(rdns, answers_from_the_cache_without_asking_again)
{
	struct xdt_rdns_opts o = { 0 };
	struct fake f;
	struct xdt_rdns *r;
	uint8_t a[16];
	char name[64], small[5];
	int i;

	cr_assert_eq(fake_start(&f, "127.0.0.1", 0, ANSWER, "cached.xdt.test", 3600), 0);
	r = rdns_for(&f, 1, &o, 0);
	v4(a, "10.213.0.5");
	cr_expect_eq(xdt_rdns_get(r, 4, a, name, sizeof(name)), XDT_RDNS_PENDING);
	cr_expect_eq(xdt_rdns_get(r, 4, a, name, sizeof(name)), XDT_RDNS_PENDING,
		     "a queued address is not queued twice");
	cr_assert_eq(xdt_rdns_start(r), 0);
	cr_assert_eq(wait_for(r, 4, a, name, sizeof(name), 3000), XDT_RDNS_FOUND);
	for (i = 0; i < 100; i++)
		cr_assert_eq(xdt_rdns_get(r, 4, a, name, sizeof(name)), XDT_RDNS_FOUND);
	cr_expect_eq(xdt_rdns_get(r, 4, a, small, sizeof(small)), XDT_RDNS_FOUND);
	cr_expect_str_eq(small, "cach", "cut to the caller's buffer");
	sleep_ms(50);
	cr_expect_eq(fake_seen(&f), 1);
	xdt_rdns_free(r);
	fake_stop(&f);
}

Test(rdns, keeps_an_answer_at_least_the_minimum_ttl)
{
	struct xdt_rdns_opts o = { .min_ttl_s = 60 };
	struct fake f;
	struct xdt_rdns *r;
	uint8_t a[16];
	char name[64];

	cr_assert_eq(fake_start(&f, "127.0.0.1", 0, ANSWER, "brief.xdt.test", 1), 0);
	r = rdns_for(&f, 1, &o, 1);
	v4(a, "10.213.0.6");
	cr_assert_eq(wait_for(r, 4, a, name, sizeof(name), 3000), XDT_RDNS_FOUND);
	sleep_ms(1500);		/* past the answer's own TTL of 1 s */
	cr_expect_eq(xdt_rdns_get(r, 4, a, name, sizeof(name)), XDT_RDNS_FOUND);
	cr_expect_str_eq(name, "brief.xdt.test");
	sleep_ms(50);
	cr_expect_eq(fake_seen(&f), 1);
	xdt_rdns_free(r);
	fake_stop(&f);
}

Test(rdns, frees_without_starting)
{
	struct xdt_rdns_opts o = { 0 };
	struct xdt_resolvers rs = { .n = 1, .a = { { .family = 4, .addr = { 127, 0, 0, 1 } } } };
	struct xdt_rdns *r;
	uint8_t a[16];
	char err[128];

	o.port = 9;	/* discard: nothing must be sent to it anyway */
	r = xdt_rdns_new(&rs, &o, err, sizeof(err));
	cr_assert_not_null(r, "%s", err);
	v4(a, "10.213.0.7");
	cr_expect_eq(xdt_rdns_get(r, 4, a, NULL, 0), XDT_RDNS_PENDING);
	xdt_rdns_free(r);
	xdt_rdns_free(NULL);
}

Test(rdns, refuses_an_empty_server_list)
{
	struct xdt_resolvers rs = { .n = 0 };
	char err[128];

	cr_expect_null(xdt_rdns_new(&rs, NULL, err, sizeof(err)));
	cr_expect_neq(err[0], '\0');
}

Test(rdns, survives_random_replies)
{
	struct xdt_rdns_opts o = { .rate = 1000, .timeout_ms = 200 };
	struct xdt_rdns_stats st;
	struct fake f;
	struct xdt_rdns *r;
	unsigned int i, settled = 0;
	uint8_t a[16];
	char name[XDT_RDNS_NAME_MAX];

	cr_assert_eq(fake_start(&f, "127.0.0.1", 0, GARBAGE, "after.the.noise.xdt.test", 3600),
		     0);
	r = rdns_for(&f, 1, &o, 1);
	for (i = 0; i < 64; i++) {
		v6(a, "2001:db8::");
		a[14] = (uint8_t)i;
		a[15] = 1;
		xdt_rdns_get(r, 6, a, NULL, 0);
	}
	for (i = 0; i < 64; i++) {
		enum xdt_rdns_state s;

		v6(a, "2001:db8::");
		a[14] = (uint8_t)i;
		a[15] = 1;
		s = wait_for(r, 6, a, name, sizeof(name), 5000);
		settled += s == XDT_RDNS_FOUND || s == XDT_RDNS_NONE;
		if (s == XDT_RDNS_FOUND)
			cr_expect_leq(strlen(name), 253);
	}
	cr_expect_eq(settled, 64);
	xdt_rdns_stats(r, &st);
	cr_expect_gt(st.bad_replies, 0);
	xdt_rdns_free(r);
	fake_stop(&f);
}
