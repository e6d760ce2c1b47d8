// SPDX-License-Identifier: GPL-2.0-only
/*
 * resolv.conf as glibc (2.36, resolv/res_init.c: res_vinit_1) reads it, because
 * the lock must let through exactly the servers glibc will ask, no fewer:
 *  - only a line that starts in column 0 with "nameserver" and a blank counts;
 *    '#' or ';' in column 0 make a comment, an indented line is ignored;
 *  - the address is the first word after the blanks (a word ends at ' ', '\t',
 *    '\n' or NUL); the rest of the line is ignored;
 *  - the word is IPv4 as inet_aton() takes it, whole ("10.1" is 10.0.0.1), else
 *    IPv6 up to an optional '%' (the scope is dropped; glibc ignores a bad one);
 *  - glibc asks the first three usable lines' servers, a repeated one twice, so a
 *    duplicate takes a slot here too and is kept once.
 * The file is read a block at a time through a small state machine, so a line of
 * any length is handled as glibc's getline() would, and nothing is allocated.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sandbox/resolv.h"

/* The longest address text: IPv6 with an embedded IPv4 is 45 characters. */
#define WORD_MAX 64

static const char keyword[] = "nameserver";

struct parser {
	enum { AT_KEYWORD, AT_BLANKS, AT_WORD, AT_EOL } at;
	size_t matched;		/* characters of keyword[] seen */
	char word[WORD_MAX];
	size_t len;
	int too_long;		/* the part before '%' did not fit: no address */
	int scoped;		/* '%' seen: the rest of the word is a scope */
	unsigned int slots;	/* usable lines so far, duplicates included */
};

static void add(struct xdt_resolvers *r, uint8_t family, const void *addr, size_t len)
{
	struct xdt_resolver v = { .family = family };
	unsigned int i;

	memcpy(v.addr, addr, len);
	for (i = 0; i < r->n; i++)
		if (r->a[i].family == family && !memcmp(r->a[i].addr, v.addr, sizeof(v.addr)))
			return;
	r->a[r->n++] = v;
}

static int has_space(const char *s)
{
	for (; *s; s++)
		if (isspace((unsigned char)*s))
			return 1;
	return 0;
}

/* The end of a nameserver word: glibc tries IPv4 first, then IPv6. */
static void word_end(struct parser *p, struct xdt_resolvers *r)
{
	struct in6_addr a6;
	struct in_addr a4;

	p->word[p->len] = '\0';
	if (p->too_long || !p->len || p->slots >= XDT_RESOLV_MAX)
		return;
	/*
	 * inet_aton() stops at a blank and accepts what came before; glibc wants the
	 * whole word (__inet_aton_exact), and '\r' or '\f' do not end a word.
	 */
	if (!p->scoped && !has_space(p->word) && inet_aton(p->word, &a4)) {
		add(r, 4, &a4, sizeof(a4));
		p->slots++;
	} else if (inet_pton(AF_INET6, p->word, &a6) == 1) {
		add(r, 6, &a6, sizeof(a6));
		p->slots++;
	}
}

static void feed(struct parser *p, struct xdt_resolvers *r, char c)
{
	if (c == '\n') {
		if (p->at == AT_WORD)
			word_end(p, r);
		p->at = AT_KEYWORD;
		p->matched = 0;
		return;
	}
	switch (p->at) {
	case AT_KEYWORD:
		if (p->matched < sizeof(keyword) - 1) {
			p->at = c == keyword[p->matched] ? AT_KEYWORD : AT_EOL;
			p->matched++;
		} else {
			p->at = c == ' ' || c == '\t' ? AT_BLANKS : AT_EOL;
		}
		break;
	case AT_BLANKS:
		if (c == ' ' || c == '\t')
			break;
		if (c == '\0') {
			p->at = AT_EOL;
			break;
		}
		p->at = AT_WORD;
		p->len = 0;
		p->too_long = 0;
		p->scoped = 0;
		/* fall through */
	case AT_WORD:
		if (c == ' ' || c == '\t' || c == '\0') {
			word_end(p, r);
			p->at = AT_EOL;
		} else if (c == '%') {
			p->scoped = 1;
		} else if (!p->scoped) {
			if (p->len < sizeof(p->word) - 1)
				p->word[p->len++] = c;
			else
				p->too_long = 1;
		}
		break;
	case AT_EOL:
		break;
	}
}

static void set_default(struct xdt_resolvers *r)
{
	struct in6_addr lo6 = IN6ADDR_LOOPBACK_INIT;
	struct in_addr lo4 = { .s_addr = htonl(INADDR_LOOPBACK) };

	memset(r, 0, sizeof(*r));
	/* glibc asks 127.0.0.1 only; ::1 costs nothing and serves other resolvers. */
	add(r, 4, &lo4, sizeof(lo4));
	add(r, 6, &lo6, sizeof(lo6));
	r->defaulted = 1;
}

int xdt_resolv_parse(const char *path, struct xdt_resolvers *r)
{
	struct parser p = { .at = AT_KEYWORD };
	char buf[4096];
	size_t n, i;
	FILE *f;
	int rc = 0;

	memset(r, 0, sizeof(*r));
	f = fopen(path, "re");
	if (!f) {
		rc = -errno;
		set_default(r);
		return rc;
	}
	while (p.slots < XDT_RESOLV_MAX && (n = fread(buf, 1, sizeof(buf), f)) > 0)
		for (i = 0; i < n; i++)
			feed(&p, r, buf[i]);
	if (ferror(f)) {
		rc = errno ? -errno : -EIO;
	} else if (p.at == AT_WORD) {
		/* The last line had no newline. */
		word_end(&p, r);
	}
	fclose(f);
	if (rc < 0 || !r->n)
		set_default(r);
	return rc;
}
