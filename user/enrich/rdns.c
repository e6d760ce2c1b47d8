// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reverse DNS client. Two sides share one mutex: callers of xdt_rdns_get() touch
 * the cache, the queue and the stats; the resolver thread pops the queue, owns
 * the queries in flight and the budget outright, and takes the mutex only to
 * store a result or count. Every queued or asked address holds a PENDING cache
 * entry, which is what makes the queue free of duplicates; PENDING entries are
 * never evicted, so a result always finds its entry.
 *
 * Replies are decoded by the DNS dissector (dpi/dns.c), whose name reader is
 * bounded and follows only backward compression pointers.
 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/eventfd.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "geoip.h"
#include "rdns.h"
#include "dpi/dns.h"
#include "util/hash.h"
#include "util/log.h"

#define DEF_RATE 20
#define DEF_QUEUE 1024
#define DEF_CACHE 16384
#define DEF_TIMEOUT_MS 1500
#define DEF_NEG_TTL 300
#define DEF_MIN_TTL 60
#define DEF_MAX_TTL 86400
#define RATE_MAX 10000
#define DNS_PORT 53

#define INFLIGHT_MAX 256
#define ATTEMPTS 2		/* the first datagram and one retry */
#define WAYS 8			/* cache associativity: eviction is LRU within a set */
#define HDR_LEN 12
#define QNAME_MAX 73		/* 32 nibbles, "ip6.arpa" and the NUL */
#define REPLY_MAX 4096		/* larger datagrams are cut, then rejected */
#define RECV_BATCH 64		/* datagrams read per wake-up, so the timers still run */
#define ID_TRIES 16

#define FLAG_QR 0x8000
#define FLAG_TC 0x0200
#define FLAG_RD 0x0100
#define CLASS_IN 1
#define RCODE_NOERROR 0

#define NS_PER_S 1000000000ULL
#define NS_PER_MS 1000000ULL

enum entry_state { E_EMPTY, E_PENDING, E_FOUND, E_NONE };

struct key {
	uint8_t family;
	uint8_t addr[16];	/* IPv4 in the first 4 bytes, the rest 0 */
};

struct entry {
	struct key k;
	uint8_t state;		/* enum entry_state */
	uint64_t expire_ns;
	uint64_t used;		/* LRU tick */
	char name[XDT_RDNS_NAME_MAX];
};

struct server {
	int fd;			/* the socket of its family */
	socklen_t salen;
	struct sockaddr_storage sa;
};

struct query {
	struct key k;
	uint8_t busy;
	uint8_t retry_due;	/* the next datagram waits for the budget */
	uint8_t sent;		/* datagrams sent so far */
	uint8_t server[ATTEMPTS];
	uint16_t id[ATTEMPTS];	/* a late reply to the first datagram still counts */
	uint64_t deadline_ns;
	char qname[QNAME_MAX];
};

struct xdt_rdns {
	pthread_mutex_t mu;
	struct xdt_rdns_opts o;
	struct server srv[XDT_RESOLV_MAX];
	unsigned int n_srv;
	int fd4, fd6, wake;
	pthread_t thread;
	int started;
	atomic_int stop;
	uint64_t seed;

	/* Under mu. */
	struct entry *cache;
	size_t sets_mask;
	uint64_t tick;
	struct key *queue;
	unsigned int q_head, q_len;
	struct xdt_rdns_stats st;

	/* The resolver thread's own. */
	struct query fl[INFLIGHT_MAX];
	unsigned int n_busy;
	uint64_t *spent;	/* send times of the last o.rate datagrams, a ring */
	unsigned int spent_head, spent_len;
	uint16_t rnd[32];
	unsigned int n_rnd;
	uint64_t rnd_ctr;
};

static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

/* --- addresses and names ---------------------------------------------------- */

/*
 * The cache key of an address worth asking about; -1 for those no resolver has
 * a name for, as GeoIP's classifier labels them: unspecified, reserved (0/8
 * "this network" among them), loopback (this host: not worth a query),
 * multicast, broadcast. An IPv4-mapped address becomes its IPv4 address.
 */
static int make_key(int family, const uint8_t *addr, struct key *k)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	static const char *const never[] = { "unspecified", "reserved", "loopback", "multicast",
					     "broadcast" };
	const char *label;
	size_t i;

	memset(k, 0, sizeof(*k));
	if (!addr || (family != 4 && family != 6))
		return -1;
	if (family == 6 && !memcmp(addr, mapped, sizeof(mapped))) {
		family = 4;
		addr += sizeof(mapped);
	}
	label = xdt_geo_special(family, addr);
	for (i = 0; label && i < sizeof(never) / sizeof(never[0]); i++)
		if (!strcmp(label, never[i]))
			return -1;
	k->family = (uint8_t)family;
	memcpy(k->addr, addr, family == 4 ? 4 : 16);
	return 0;
}

/* "4.3.2.1.in-addr.arpa" or the 32 nibbles of ip6.arpa, low nibble first. */
static void ptr_name(const struct key *k, char *out)
{
	static const char hex[] = "0123456789abcdef";
	char *p = out;
	int i;

	if (k->family == 4) {
		snprintf(out, QNAME_MAX, "%u.%u.%u.%u.in-addr.arpa", k->addr[3], k->addr[2],
			 k->addr[1], k->addr[0]);
		return;
	}
	for (i = 15; i >= 0; i--) {
		*p++ = hex[k->addr[i] & 0xf];
		*p++ = '.';
		*p++ = hex[k->addr[i] >> 4];
		*p++ = '.';
	}
	memcpy(p, "ip6.arpa", sizeof("ip6.arpa"));
}

/* The query for @qname (dotted, labels of 1..63 bytes) into @buf; its length. */
static size_t build_query(uint8_t *buf, uint16_t id, const char *qname)
{
	size_t off = HDR_LEN;
	const char *s = qname;

	memset(buf, 0, HDR_LEN);
	wr16(buf, id);
	wr16(buf + 2, FLAG_RD);
	wr16(buf + 4, 1);
	while (*s) {
		size_t n = strcspn(s, ".");

		buf[off++] = (uint8_t)n;
		memcpy(buf + off, s, n);
		off += n;
		s += n;
		if (*s)
			s++;
	}
	buf[off++] = 0;
	wr16(buf + off, XDT_DNS_TYPE_PTR);
	wr16(buf + off + 2, CLASS_IN);
	return off + 4;
}

/*
 * A name fit for a terminal and JSON: the dissector writes bytes outside
 * '!'..'~' (and '.' or '\' inside a label) as \DDD, so a backslash means the
 * name had some; the root name "." says nothing.
 */
static int usable_name(const char *s)
{
	size_t n = strnlen(s, XDT_DNS_NAME_MAX);

	if (!n || n > XDT_RDNS_NAME_MAX - 1 || !strcmp(s, "."))
		return 0;
	for (; *s; s++)
		if (*s < '!' || *s > '~' || *s == '\\')
			return 0;
	return 1;
}

/* --- cache (under mu) --------------------------------------------------------- */

static struct entry *set_of(const struct xdt_rdns *r, const struct key *k)
{
	uint64_t h = xdt_hash_bytes(k->addr, sizeof(k->addr), r->seed ^ k->family);

	return &r->cache[(h & r->sets_mask) * WAYS];
}

static int same_key(const struct key *a, const struct key *b)
{
	return a->family == b->family && !memcmp(a->addr, b->addr, sizeof(a->addr));
}

static struct entry *cache_find(const struct xdt_rdns *r, const struct key *k)
{
	struct entry *set = set_of(r, k);
	unsigned int i;

	for (i = 0; i < WAYS; i++)
		if (set[i].state != E_EMPTY && same_key(&set[i].k, k))
			return &set[i];
	return NULL;
}

/* A way for @k: an empty one, else the least recently used result. NULL if all pend. */
static struct entry *cache_victim(struct xdt_rdns *r, const struct key *k)
{
	struct entry *set = set_of(r, k), *v = NULL;
	unsigned int i;

	for (i = 0; i < WAYS; i++) {
		if (set[i].state == E_EMPTY)
			return &set[i];
		if (set[i].state != E_PENDING && (!v || set[i].used < v->used))
			v = &set[i];
	}
	return v;
}

/* Turn @e into an entry for @k in @state, keeping the count of results right. */
static void cache_set(struct xdt_rdns *r, struct entry *e, const struct key *k, uint8_t state)
{
	if (e->state == E_FOUND || e->state == E_NONE)
		r->st.cached--;
	if (state == E_FOUND || state == E_NONE)
		r->st.cached++;
	e->k = *k;
	e->state = state;
	e->used = ++r->tick;
	e->name[0] = '\0';
}

static void cache_store(struct xdt_rdns *r, const struct key *k, const char *name,
			uint32_t ttl_s, uint64_t now)
{
	struct entry *e = cache_find(r, k);

	if (!e)
		e = cache_victim(r, k);
	if (!e)
		return;
	cache_set(r, e, k, name ? E_FOUND : E_NONE);
	e->expire_ns = now + (uint64_t)ttl_s * NS_PER_S;
	if (name)
		snprintf(e->name, sizeof(e->name), "%s", name);
}

/* --- the caller's side ------------------------------------------------------ */

enum xdt_rdns_state xdt_rdns_get(struct xdt_rdns *r, int family, const uint8_t *addr,
				 char *name, size_t len)
{
	enum xdt_rdns_state ret = XDT_RDNS_PENDING;
	uint64_t now = now_ns();
	struct entry *e;
	struct key k;
	int wake = 0;

	if (name && len)
		name[0] = '\0';
	if (!r || make_key(family, addr, &k))
		return XDT_RDNS_SKIPPED;

	pthread_mutex_lock(&r->mu);
	e = cache_find(r, &k);
	if (e && e->state == E_PENDING)
		goto out;
	if (e && now < e->expire_ns) {
		e->used = ++r->tick;
		ret = e->state == E_FOUND ? XDT_RDNS_FOUND : XDT_RDNS_NONE;
		if (ret == XDT_RDNS_FOUND && name && len)
			snprintf(name, len, "%s", e->name);
		goto out;
	}
	if (!e)
		e = cache_victim(r, &k);
	if (!e || r->q_len >= r->o.queue_max) {
		/* Forget an expired result too: the address is unknown, asked again later. */
		if (e && e->state != E_EMPTY && same_key(&e->k, &k))
			cache_set(r, e, &k, E_EMPTY);
		r->st.dropped++;
		ret = XDT_RDNS_SKIPPED;
		goto out;
	}
	cache_set(r, e, &k, E_PENDING);
	r->queue[(r->q_head + r->q_len) % r->o.queue_max] = k;
	/* A queue that was not empty is in the thread's timer (budget, deadlines) already. */
	wake = r->q_len++ == 0;
out:
	pthread_mutex_unlock(&r->mu);
	if (wake) {
		uint64_t one = 1;
		ssize_t n = write(r->wake, &one, sizeof(one));

		(void)n;	/* EAGAIN: the counter is far from empty, a wake-up is due */
	}
	return ret;
}

void xdt_rdns_stats(struct xdt_rdns *r, struct xdt_rdns_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (!r)
		return;
	pthread_mutex_lock(&r->mu);
	*out = r->st;
	pthread_mutex_unlock(&r->mu);
}

/* --- the resolver thread ---------------------------------------------------- */

static void count(struct xdt_rdns *r, uint64_t *counter)
{
	pthread_mutex_lock(&r->mu);
	(*counter)++;
	pthread_mutex_unlock(&r->mu);
}

/*
 * The budget: each datagram spends a token that comes back exactly one second
 * later, so no window of one second ever sees more than o.rate datagrams. (A
 * bucket refilled continuously would allow a full bucket plus a second's refill,
 * twice the rate, in one window.)
 */
static uint64_t budget_next(const struct xdt_rdns *r, uint64_t now)
{
	if (r->spent_len < r->o.rate)
		return now;
	return r->spent[r->spent_head] + NS_PER_S;
}

/*
 * Spend a token (budget_next() said there is one). Its time is set again once
 * the datagram is out (budget_stamp()): a token counted from before a slow
 * sendto() would come back early.
 */
static int budget_take(struct xdt_rdns *r, uint64_t now)
{
	if (r->spent_len < r->o.rate) {
		r->spent[(r->spent_head + r->spent_len++) % r->o.rate] = now;
		return 1;
	}
	if (now < r->spent[r->spent_head] + NS_PER_S)
		return 0;
	r->spent[r->spent_head] = now;
	r->spent_head = (r->spent_head + 1) % r->o.rate;
	return 1;
}

static void budget_stamp(struct xdt_rdns *r)
{
	r->spent[(r->spent_head + r->spent_len - 1) % r->o.rate] = now_ns();
}

static int id_busy(const struct xdt_rdns *r, uint16_t id)
{
	unsigned int i, a;

	for (i = 0; i < INFLIGHT_MAX; i++)
		for (a = 0; r->fl[i].busy && a < r->fl[i].sent; a++)
			if (r->fl[i].id[a] == id)
				return 1;
	return 0;
}

/* A random ID that no query in flight uses (tries a few, then takes one anyway). */
static uint16_t new_id(struct xdt_rdns *r)
{
	uint16_t id = 0;
	int t;

	for (t = 0; t < ID_TRIES; t++) {
		if (!r->n_rnd) {
			if (getrandom(r->rnd, sizeof(r->rnd), GRND_NONBLOCK) == sizeof(r->rnd)) {
				r->n_rnd = sizeof(r->rnd) / sizeof(r->rnd[0]);
			} else {
				/* No entropy yet (early boot): worse IDs, not none. */
				r->rnd[0] = (uint16_t)xdt_hash_mix(r->seed ^ now_ns(), ++r->rnd_ctr);
				r->n_rnd = 1;
			}
		}
		id = r->rnd[--r->n_rnd];
		if (!id_busy(r, id))
			break;
	}
	return id;
}

/* One datagram of @q to server @s. A failed send ends the attempt at once. */
static void send_query(struct xdt_rdns *r, struct query *q, unsigned int s, uint64_t now)
{
	uint8_t buf[HDR_LEN + QNAME_MAX + 1 + 4];
	const struct server *srv = &r->srv[s];
	uint16_t id = new_id(r);
	size_t len = build_query(buf, id, q->qname);

	q->id[q->sent] = id;
	q->server[q->sent] = (uint8_t)s;
	q->sent++;
	q->retry_due = 0;
	q->deadline_ns = now + (uint64_t)r->o.timeout_ms * NS_PER_MS;
	if (sendto(srv->fd, buf, len, 0, (const struct sockaddr *)&srv->sa, srv->salen) < 0) {
		xdt_dbg("rdns: query for %s not sent: %s", q->qname, strerror(errno));
		q->deadline_ns = now;
		return;
	}
	budget_stamp(r);
	count(r, &r->st.queries);
}

/* The end of a query: a name, or none (@name NULL) counted in @counter. */
static void finish(struct xdt_rdns *r, struct query *q, const char *name, uint32_t ttl_s,
		   uint64_t *counter, uint64_t now)
{
	pthread_mutex_lock(&r->mu);
	cache_store(r, &q->k, name, name ? ttl_s : r->o.neg_ttl_s, now);
	(*counter)++;
	pthread_mutex_unlock(&r->mu);
	q->busy = 0;
	r->n_busy--;
}

static void expire(struct xdt_rdns *r, uint64_t now)
{
	unsigned int i;

	for (i = 0; i < INFLIGHT_MAX; i++) {
		struct query *q = &r->fl[i];

		if (!q->busy || q->retry_due || now < q->deadline_ns)
			continue;
		if (q->sent < ATTEMPTS)
			q->retry_due = 1;
		else
			finish(r, q, NULL, 0, &r->st.timeouts, now);
	}
}

/* Send what the budget allows: retries first (they hold a slot), then the queue. */
static void dispatch(struct xdt_rdns *r, uint64_t now)
{
	unsigned int i;

	for (i = 0; i < INFLIGHT_MAX; i++) {
		struct query *q = &r->fl[i];

		if (!q->busy || !q->retry_due)
			continue;
		if (!budget_take(r, now))
			return;
		send_query(r, q, (q->server[q->sent - 1] + 1u) % r->n_srv, now);
	}
	for (i = 0; i < INFLIGHT_MAX && r->n_busy < INFLIGHT_MAX; i++) {
		struct query *q = &r->fl[i];
		struct key k;

		if (q->busy)
			continue;
		if (budget_next(r, now) > now)
			return;
		pthread_mutex_lock(&r->mu);
		if (!r->q_len) {
			pthread_mutex_unlock(&r->mu);
			return;
		}
		k = r->queue[r->q_head];
		r->q_head = (r->q_head + 1) % r->o.queue_max;
		r->q_len--;
		pthread_mutex_unlock(&r->mu);

		memset(q, 0, sizeof(*q));
		q->busy = 1;
		q->k = k;
		ptr_name(&k, q->qname);
		r->n_busy++;
		budget_take(r, now);
		send_query(r, q, 0, now);
	}
}

/* Milliseconds poll() may sleep: until a deadline, or the budget if work waits. */
static int next_timeout(struct xdt_rdns *r, uint64_t now)
{
	uint64_t next = UINT64_MAX, ms;
	int waiting = 0;
	unsigned int i;

	for (i = 0; i < INFLIGHT_MAX; i++) {
		const struct query *q = &r->fl[i];

		if (!q->busy)
			continue;
		if (q->retry_due)
			waiting = 1;
		else if (q->deadline_ns < next)
			next = q->deadline_ns;
	}
	if (r->n_busy < INFLIGHT_MAX) {
		pthread_mutex_lock(&r->mu);
		waiting |= r->q_len > 0;
		pthread_mutex_unlock(&r->mu);
	}
	if (waiting && budget_next(r, now) < next)
		next = budget_next(r, now);
	if (next == UINT64_MAX)
		return -1;
	if (next <= now)
		return 0;
	ms = (next - now + NS_PER_MS - 1) / NS_PER_MS;
	return ms > 60000 ? 60000 : (int)ms;
}

static int server_of(const struct xdt_rdns *r, const struct sockaddr_storage *from)
{
	unsigned int i;

	for (i = 0; i < r->n_srv; i++) {
		const struct sockaddr_storage *sa = &r->srv[i].sa;

		if (sa->ss_family != from->ss_family)
			continue;
		if (sa->ss_family == AF_INET) {
			const struct sockaddr_in *a = (const void *)sa, *b = (const void *)from;

			if (a->sin_port == b->sin_port && a->sin_addr.s_addr == b->sin_addr.s_addr)
				return (int)i;
		} else {
			const struct sockaddr_in6 *a = (const void *)sa, *b = (const void *)from;

			if (a->sin6_port == b->sin6_port &&
			    !memcmp(&a->sin6_addr, &b->sin6_addr, sizeof(a->sin6_addr)))
				return (int)i;
		}
	}
	return -1;
}

/* The query a reply answers, and which of its datagrams (*@attempt); NULL if none. */
static struct query *match(struct xdt_rdns *r, const struct xdt_dns_info *m, unsigned int s,
			   unsigned int *attempt)
{
	unsigned int i, a;

	for (i = 0; i < INFLIGHT_MAX; i++) {
		struct query *q = &r->fl[i];

		for (a = 0; q->busy && a < q->sent; a++) {
			if (q->id[a] != m->id || q->server[a] != s)
				continue;
			/* Names compare case-blind (RFC 4343); ours are ASCII. */
			if (strcasecmp(q->qname, m->qname))
				return NULL;
			*attempt = a;
			return q;
		}
	}
	return NULL;
}

static void handle(struct xdt_rdns *r, const uint8_t *buf, size_t len, unsigned int s,
		   uint64_t now)
{
	struct xdt_dns_info m;
	const char *name = NULL;
	struct query *q;
	unsigned int a = 0, i;
	uint32_t ttl = 0;

	if (xdt_dns_parse(buf, len, 0, &m) || !(m.flags & FLAG_QR) || m.opcode ||
	    rd16(buf + 4) != 1 || m.qtype != XDT_DNS_TYPE_PTR || m.qclass != CLASS_IN ||
	    !(q = match(r, &m, s, &a))) {
		count(r, &r->st.bad_replies);
		return;
	}
	if (!(m.flags & FLAG_TC) && m.rcode == RCODE_NOERROR) {
		for (i = 0; i < m.n_answers && !name; i++) {
			if (m.answers[i].type != XDT_DNS_TYPE_PTR)
				continue;
			name = m.answers[i].target;
			ttl = m.answers[i].ttl;
		}
		if (name && !usable_name(name))
			name = NULL;
	} else if (!(m.flags & FLAG_TC) && m.rcode != XDT_DNS_RCODE_NXDOMAIN) {
		/* SERVFAIL, REFUSED, ...: the server's trouble, not an answer. */
		if (a + 1 < q->sent)
			return;		/* a later datagram is still out */
		if (q->sent < ATTEMPTS) {
			q->retry_due = 1;
			return;
		}
	}
	if (!name) {
		finish(r, q, NULL, 0, &r->st.negative, now);
		return;
	}
	if (ttl > INT32_MAX)		/* RFC 2181 8: such a TTL means 0 */
		ttl = 0;
	if (ttl < r->o.min_ttl_s)
		ttl = r->o.min_ttl_s;
	if (ttl > r->o.max_ttl_s)
		ttl = r->o.max_ttl_s;
	finish(r, q, name, ttl, &r->st.answers, now);
}

static void receive(struct xdt_rdns *r, int fd)
{
	uint8_t buf[REPLY_MAX];
	int i;

	for (i = 0; i < RECV_BATCH; i++) {
		struct sockaddr_storage from;
		socklen_t flen = sizeof(from);
		ssize_t n;
		int s;

		memset(&from, 0, sizeof(from));
		n = recvfrom(fd, buf, sizeof(buf), MSG_TRUNC, (struct sockaddr *)&from, &flen);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return;		/* EAGAIN: all read */
		}
		s = server_of(r, &from);
		if (s < 0 || (size_t)n > sizeof(buf)) {
			count(r, &r->st.bad_replies);
			continue;
		}
		handle(r, buf, (size_t)n, (unsigned int)s, now_ns());
	}
}

static void *run(void *arg)
{
	struct xdt_rdns *r = arg;
	struct pollfd p[3];
	nfds_t n = 0, i;

	p[n++] = (struct pollfd){ .fd = r->wake, .events = POLLIN };
	if (r->fd4 >= 0)
		p[n++] = (struct pollfd){ .fd = r->fd4, .events = POLLIN };
	if (r->fd6 >= 0)
		p[n++] = (struct pollfd){ .fd = r->fd6, .events = POLLIN };

	while (!atomic_load(&r->stop)) {
		uint64_t now = now_ns();

		expire(r, now);
		dispatch(r, now);
		if (poll(p, n, next_timeout(r, now_ns())) < 0) {
			if (errno == EINTR)
				continue;
			xdt_warn("reverse DNS stopped: poll failed: %s", strerror(errno));
			break;
		}
		if (p[0].revents & POLLIN) {
			uint64_t v;
			ssize_t got = read(r->wake, &v, sizeof(v));

			(void)got;
		}
		for (i = 1; i < n; i++)
			if (p[i].revents & (POLLIN | POLLERR))
				receive(r, p[i].fd);
	}
	return NULL;
}

/* --- life cycle -------------------------------------------------------------- */

static void set_defaults(struct xdt_rdns_opts *o)
{
	if (!o->rate)
		o->rate = DEF_RATE;
	if (o->rate > RATE_MAX)
		o->rate = RATE_MAX;
	if (!o->queue_max)
		o->queue_max = DEF_QUEUE;
	if (!o->cache_max)
		o->cache_max = DEF_CACHE;
	if (!o->timeout_ms)
		o->timeout_ms = DEF_TIMEOUT_MS;
	if (!o->neg_ttl_s)
		o->neg_ttl_s = DEF_NEG_TTL;
	if (!o->min_ttl_s)
		o->min_ttl_s = DEF_MIN_TTL;
	if (!o->max_ttl_s)
		o->max_ttl_s = DEF_MAX_TTL;
	if (!o->port)
		o->port = DNS_PORT;
}

/* The socket of @family, made on first use. -errno if the family has none. */
static int family_fd(struct xdt_rdns *r, int family)
{
	int *fd = family == 4 ? &r->fd4 : &r->fd6;

	if (*fd < 0)
		*fd = socket(family == 4 ? AF_INET : AF_INET6,
			     SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	return *fd < 0 ? -errno : *fd;
}

static int add_server(struct xdt_rdns *r, const struct xdt_resolver *in)
{
	struct server *s = &r->srv[r->n_srv];
	int fd;

	if (in->family != 4 && in->family != 6)
		return -EAFNOSUPPORT;
	fd = family_fd(r, in->family);
	if (fd < 0)
		return fd;
	memset(s, 0, sizeof(*s));
	s->fd = fd;
	if (in->family == 4) {
		struct sockaddr_in *a = (struct sockaddr_in *)&s->sa;

		a->sin_family = AF_INET;
		a->sin_port = htons(r->o.port);
		memcpy(&a->sin_addr, in->addr, 4);
		s->salen = sizeof(*a);
	} else {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&s->sa;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons(r->o.port);
		memcpy(&a->sin6_addr, in->addr, 16);
		s->salen = sizeof(*a);
	}
	r->n_srv++;
	return 0;
}

struct xdt_rdns *xdt_rdns_new(const struct xdt_resolvers *servers,
			      const struct xdt_rdns_opts *o, char *err, size_t errlen)
{
	struct xdt_rdns *r = calloc(1, sizeof(*r));
	size_t sets = 1;
	unsigned int i;
	int rc = -ENOMEM;

	if (err && errlen)
		err[0] = '\0';
	if (!r) {
		snprintf(err, errlen, "reverse DNS: out of memory");
		errno = ENOMEM;
		return NULL;
	}
	r->fd4 = r->fd6 = r->wake = -1;
	pthread_mutex_init(&r->mu, NULL);
	atomic_init(&r->stop, 0);
	if (o)
		r->o = *o;
	set_defaults(&r->o);
	if (r->o.min_ttl_s > r->o.max_ttl_s) {
		snprintf(err, errlen, "reverse DNS: minimum TTL %u above the maximum %u",
			 r->o.min_ttl_s, r->o.max_ttl_s);
		rc = -EINVAL;
		goto fail;
	}

	/* Sets of WAYS entries, a power of two of them, no more than cache_max in all. */
	while (sets * 2 * WAYS <= r->o.cache_max && sets < ((size_t)1 << 24))
		sets <<= 1;
	r->cache = calloc(sets * WAYS, sizeof(*r->cache));
	r->queue = calloc(r->o.queue_max, sizeof(*r->queue));
	r->spent = calloc(r->o.rate, sizeof(*r->spent));
	if (!r->cache || !r->queue || !r->spent) {
		snprintf(err, errlen, "reverse DNS: out of memory for the cache");
		goto fail;
	}
	r->sets_mask = sets - 1;
	r->seed = xdt_hash_seed();

	for (i = 0; servers && i < servers->n && i < XDT_RESOLV_MAX; i++) {
		rc = add_server(r, &servers->a[i]);
		if (rc)
			xdt_info("reverse DNS: name server %u left out: %s", i + 1, strerror(-rc));
	}
	if (!r->n_srv) {
		snprintf(err, errlen, "reverse DNS: no usable name server%s",
			 servers && servers->n ? " (no socket for their address family)" :
						 " in /etc/resolv.conf");
		rc = servers && servers->n && rc ? rc : -ENOENT;
		goto fail;
	}
	r->wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (r->wake < 0) {
		rc = -errno;
		snprintf(err, errlen, "reverse DNS: eventfd: %s", strerror(-rc));
		goto fail;
	}
	return r;
fail:
	xdt_rdns_free(r);
	errno = -rc;
	return NULL;
}

int xdt_rdns_start(struct xdt_rdns *r)
{
	sigset_t all, old;
	int rc;

	if (!r)
		return -EINVAL;
	if (r->started)
		return -EALREADY;
	/* Signals are the main thread's business. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&r->thread, NULL, run, r);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc)
		return -rc;
	pthread_setname_np(r->thread, "xdt-rdns");
	r->started = 1;
	return 0;
}

void xdt_rdns_free(struct xdt_rdns *r)
{
	if (!r)
		return;
	if (r->started) {
		uint64_t one = 1;
		ssize_t n;

		atomic_store(&r->stop, 1);
		n = write(r->wake, &one, sizeof(one));
		(void)n;
		pthread_join(r->thread, NULL);
	}
	if (r->fd4 >= 0)
		close(r->fd4);
	if (r->fd6 >= 0)
		close(r->fd6);
	if (r->wake >= 0)
		close(r->wake);
	pthread_mutex_destroy(&r->mu);
	free(r->cache);
	free(r->queue);
	free(r->spent);
	free(r);
}
