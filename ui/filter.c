// SPDX-License-Identifier: GPL-2.0-only
/* The '/' filter: a tiny tokenizer and a per-row matcher, no allocation. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "filter.h"

static const struct {
	const char *name;
	enum xdt_filter_kind kind;
} keywords[] = {
	{ "port", XDT_FILTER_PORT },	   { "sport", XDT_FILTER_SPORT },
	{ "dport", XDT_FILTER_DPORT },	   { "src", XDT_FILTER_SRC },
	{ "dst", XDT_FILTER_DST },	   { "proto", XDT_FILTER_PROTO },
	{ "state", XDT_FILTER_STATE },	   { "app", XDT_FILTER_APP },
	{ "sni", XDT_FILTER_APP },	   { "process", XDT_FILTER_PROCESS },
	{ "pid", XDT_FILTER_PID },	   { "country", XDT_FILTER_COUNTRY },
};

/* "port" in "port:443" → its kind; -1 when @s does not start with a keyword and ':'. */
static int keyword(const char *s, size_t *klen)
{
	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++) {
		size_t n = strlen(keywords[i].name);

		if (strncasecmp(s, keywords[i].name, n) == 0 && s[n] == ':') {
			*klen = n + 1;
			return (int)keywords[i].kind;
		}
	}
	return -1;
}

/*
 * Copy one value (quoted or up to the next blank) lower-cased into @out. Returns
 * the position after it; *too_long when it did not fit. An unterminated quote
 * takes the rest of the line: the user is still typing it.
 */
static const char *value(const char *p, char *out, size_t outlen, int *too_long)
{
	size_t n = 0;
	char end = ' ';

	if (*p == '"') {
		end = '"';
		p++;
	}
	for (; *p && (end == '"' ? *p != '"' : !isspace((unsigned char)*p)); p++) {
		if (n + 1 < outlen)
			out[n++] = (char)tolower((unsigned char)*p);
		else
			*too_long = 1;
	}
	out[n] = '\0';
	if (end == '"' && *p == '"')
		p++;
	return p;
}

static int number(const char *s, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return -EINVAL;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > max)
			return -EINVAL;
	}
	*out = (uint32_t)v;
	return 0;
}

/* Checks and pre-digests a keyword's value. */
static int term_finish(struct xdt_filter_term *t, const char **why)
{
	unsigned char a[16];

	switch (t->kind) {
	case XDT_FILTER_PORT:
	case XDT_FILTER_SPORT:
	case XDT_FILTER_DPORT:
		*why = "a port is a number from 0 to 65535";
		return number(t->text, 65535, &t->num);
	case XDT_FILTER_PID:
		*why = "pid: needs a process id (a number)";
		return number(t->text, INT32_MAX, &t->num);
	case XDT_FILTER_PROTO:
		t->numeric = number(t->text, 255, &t->num) == 0;
		return 0;
	case XDT_FILTER_SRC:
	case XDT_FILTER_DST:
		t->exact_addr = inet_pton(AF_INET, t->text, a) == 1 ||
				inet_pton(AF_INET6, t->text, a) == 1;
		return 0;
	case XDT_FILTER_TEXT_ANY:
		t->digits = t->text[strspn(t->text, "0123456789")] == '\0';
		return 0;
	default:
		return 0;
	}
}

int xdt_filter_parse(const char *s, struct xdt_filter *f)
{
	const char *p = s;
	int err;

	memset(f, 0, sizeof(*f));
	while (*p) {
		struct xdt_filter_term *t;
		int too_long = 0, kind;
		size_t klen = 0;

		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		if (f->n == XDT_FILTER_TERMS) {
			f->why = "too many terms";
			return -E2BIG;
		}
		t = &f->t[f->n];
		memset(t, 0, sizeof(*t));
		kind = keyword(p, &klen);
		if (kind >= 0) {
			t->kind = (enum xdt_filter_kind)kind;
			p += klen;
		} else {
			t->kind = XDT_FILTER_TEXT_ANY;
		}
		p = value(p, t->text, sizeof(t->text), &too_long);
		if (too_long) {
			f->n = 0;
			f->why = "a term is too long";
			return -E2BIG;
		}
		if (!t->text[0])
			continue;	/* "port:" still being typed, or "" */
		err = term_finish(t, &f->why);
		if (err) {
			f->n = 0;
			return err;
		}
		f->why = NULL;
		f->n++;
	}
	return 0;
}

/* Case-insensitive substring; @needle is already lower case. */
static int has(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++) {
		size_t i = 0;

		while (i < n && hay[i] && tolower((unsigned char)hay[i]) == needle[i])
			i++;
		if (i == n)
			return 1;
	}
	return n == 0;
}

static int has_num(uint32_t v, const char *needle)
{
	char b[12];

	snprintf(b, sizeof(b), "%u", v);
	return has(b, needle);
}

/* Numbers are only formatted for a needle that could be one: 100,000 rows per key. */
static int match_any(const struct xdt_row *r, const struct xdt_filter_term *term)
{
	const char *t = term->text;

	if (has(r->proto_name, t) || has(r->src, t) || has(r->dst, t) ||
	    has(r->src_name, t) || has(r->dst_name, t) || has(r->state, t) ||
	    has(r->service, t) || has(r->app_proto, t) || has(r->app, t) ||
	    has(r->process, t) || has(r->country, t))
		return 1;
	return term->digits && (has_num(r->sport, t) || has_num(r->dport, t) ||
				(r->pid > 0 && has_num((uint32_t)r->pid, t)));
}

static int match_end(const struct xdt_filter_term *t, const char *addr, const char *name)
{
	if (t->exact_addr)
		return strcasecmp(addr, t->text) == 0;
	return has(addr, t->text) || has(name, t->text);
}

static int match_term(const struct xdt_filter_term *t, const struct xdt_row *r)
{
	switch (t->kind) {
	case XDT_FILTER_TEXT_ANY:
		return match_any(r, t);
	case XDT_FILTER_PORT:
		return r->sport == t->num || r->dport == t->num;
	case XDT_FILTER_SPORT:
		return r->sport == t->num;
	case XDT_FILTER_DPORT:
		return r->dport == t->num;
	case XDT_FILTER_SRC:
		return match_end(t, r->src, r->src_name);
	case XDT_FILTER_DST:
		return match_end(t, r->dst, r->dst_name);
	case XDT_FILTER_PROTO:
		return t->numeric ? r->proto == t->num : strcasecmp(r->proto_name, t->text) == 0;
	case XDT_FILTER_STATE:
		return has(r->state, t->text);
	case XDT_FILTER_APP:
		return has(r->app, t->text) || has(r->app_proto, t->text);
	case XDT_FILTER_PROCESS:
		return has(r->process, t->text);
	case XDT_FILTER_PID:
		return r->pid >= 0 && (uint32_t)r->pid == t->num;
	case XDT_FILTER_COUNTRY:
		return strcasecmp(r->country, t->text) == 0;
	}
	return 0;
}

int xdt_filter_match(const struct xdt_filter *f, const struct xdt_row *r)
{
	for (unsigned int i = 0; i < f->n; i++)
		if (!match_term(&f->t[i], r))
			return 0;
	return 1;
}
