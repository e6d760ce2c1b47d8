// SPDX-License-Identifier: GPL-2.0-only
/* A JSON pretty-printer for one record: recursive descent, bounded depth. */
#include <errno.h>
#include <string.h>

#include "jsonview.h"

#define MAX_DEPTH 32

struct w {
	const char *p;		/* input position */
	char *out;
	size_t len, pos;
	int utf8;
	int err;		/* first error; later writes are skipped */
	int lines;
};

static void put(struct w *w, char c)
{
	if (w->err)
		return;
	if (w->pos + 1 >= w->len) {
		w->err = -ENOSPC;
		return;
	}
	w->out[w->pos++] = c;
}

static void puts_(struct w *w, const char *s, size_t n)
{
	while (n--)
		put(w, *s++);
}

static void newline(struct w *w)
{
	put(w, '\n');
	w->lines++;
}

static void ws(struct w *w)
{
	while (*w->p == ' ' || *w->p == '\t' || *w->p == '\n' || *w->p == '\r')
		w->p++;
}

static int fail(struct w *w)
{
	if (!w->err)
		w->err = -EINVAL;
	return w->err;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void put_cp(struct w *w, unsigned int cp)
{
	if (cp < 0x20 || cp == 0x7f) {
		put(w, '?');
	} else if (cp < 0x80) {
		put(w, (char)cp);
	} else if (!w->utf8) {
		put(w, '?');
	} else if (cp < 0x800) {
		put(w, (char)(0xc0 | cp >> 6));
		put(w, (char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		put(w, (char)(0xe0 | cp >> 12));
		put(w, (char)(0x80 | (cp >> 6 & 0x3f)));
		put(w, (char)(0x80 | (cp & 0x3f)));
	} else {
		put(w, (char)(0xf0 | cp >> 18));
		put(w, (char)(0x80 | (cp >> 12 & 0x3f)));
		put(w, (char)(0x80 | (cp >> 6 & 0x3f)));
		put(w, (char)(0x80 | (cp & 0x3f)));
	}
}

static int u4(struct w *w, unsigned int *cp)
{
	*cp = 0;
	for (int i = 0; i < 4; i++) {
		int h = hexval(w->p[i]);

		if (h < 0)
			return fail(w);
		*cp = *cp << 4 | (unsigned int)h;
	}
	w->p += 4;
	return 0;
}

/* A string at w->p (on its quote), written unquoted with escapes decoded. */
static int string(struct w *w, int emit)
{
	if (*w->p != '"')
		return fail(w);
	w->p++;
	while (*w->p != '"') {
		unsigned char c = (unsigned char)*w->p;
		unsigned int cp;

		if (!c || c < 0x20)
			return fail(w);
		w->p++;
		if (c != '\\') {
			if (emit)
				put(w, c >= 0x80 && !w->utf8 ? '?' : (char)c);
			continue;
		}
		c = (unsigned char)*w->p++;
		switch (c) {
		case '"': case '\\': case '/':
			cp = c;
			break;
		case 'b': case 'f': case 'n': case 'r': case 't':
			cp = 0;	/* a control character: shown as '?' */
			break;
		case 'u':
			if (u4(w, &cp))
				return w->err;
			if (cp >= 0xd800 && cp < 0xdc00 && w->p[0] == '\\' && w->p[1] == 'u') {
				unsigned int lo;

				w->p += 2;
				if (u4(w, &lo))
					return w->err;
				cp = lo >= 0xdc00 && lo < 0xe000 ?
					     0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00) : 0;
			} else if (cp >= 0xd800 && cp < 0xe000) {
				cp = 0;	/* a lone surrogate */
			}
			break;
		default:
			return fail(w);
		}
		if (emit)
			put_cp(w, cp);
	}
	w->p++;
	return 0;
}

/* A number, true, false or null, copied as it is. */
static int atom(struct w *w)
{
	const char *s = w->p;
	size_t n;

	if (!strncmp(s, "true", 4) || !strncmp(s, "null", 4))
		n = 4;
	else if (!strncmp(s, "false", 5))
		n = 5;
	else
		n = strspn(s, "0123456789+-.eE");
	if (!n)
		return fail(w);
	puts_(w, s, n);
	w->p += n;
	return 0;
}

/* The start of a line: indentation, "- " for an array item, "key: ". */
static void head(struct w *w, int ind, int dash, const char *key, size_t klen)
{
	for (int i = 0; i < ind; i++)
		put(w, ' ');
	if (dash)
		puts_(w, "- ", 2);
	if (key) {
		puts_(w, key, klen);
		put(w, ':');
	}
}

static int value(struct w *w, int ind, int dash, const char *key, size_t klen, int depth);

/* The members of an object at w->p (after '{'), the first one after @dash. */
static int members(struct w *w, int ind, int dash, int depth)
{
	for (int i = 0;; i++) {
		char key[128];
		size_t kpos, klen;

		ws(w);
		/* The key is decoded into the output, then taken back out of it. */
		kpos = w->pos;
		if (string(w, 1) || w->err)
			return fail(w);
		klen = w->pos - kpos;
		if (klen >= sizeof(key))
			klen = sizeof(key) - 1;
		memcpy(key, w->out + kpos, klen);
		w->pos = kpos;
		ws(w);
		if (*w->p++ != ':')
			return fail(w);
		ws(w);
		/* Members after the first line up under the first one, past its "- ". */
		if (value(w, i == 0 || !dash ? ind : ind + 2, i == 0 && dash, key, klen, depth))
			return w->err;
		ws(w);
		if (*w->p == ',') {
			w->p++;
			continue;
		}
		if (*w->p == '}') {
			w->p++;
			return 0;
		}
		return fail(w);
	}
}

static int items(struct w *w, int ind, int depth)
{
	for (;;) {
		ws(w);
		if (value(w, ind, 1, NULL, 0, depth))
			return w->err;
		ws(w);
		if (*w->p == ',') {
			w->p++;
			continue;
		}
		if (*w->p == ']') {
			w->p++;
			return 0;
		}
		return fail(w);
	}
}

static int value(struct w *w, int ind, int dash, const char *key, size_t klen, int depth)
{
	/* Where this value's children go: under the key, past any "- ". */
	int child = ind + (dash ? 2 : 0) + (key ? 2 : 0);
	char open = *w->p;

	if (depth > MAX_DEPTH)
		return fail(w);
	if (open == '{' || open == '[') {
		char close = open == '{' ? '}' : ']';

		w->p++;
		ws(w);
		if (*w->p == close) {
			w->p++;
			head(w, ind, dash, key, klen);
			puts_(w, key ? " " : "", key ? 1 : 0);
			put(w, open);
			put(w, close);
			newline(w);
			return w->err;
		}
		if (open == '{' && !key) /* an item or the record: members start here */
			return members(w, ind, dash, depth + 1);
		if (key || dash) {
			head(w, ind, dash, key, klen);
			newline(w);
		}
		if (open == '{')
			return members(w, child, 0, depth + 1);
		return items(w, child, depth + 1);
	}
	head(w, ind, dash, key, klen);
	if (key)
		put(w, ' ');
	if (open == '"' ? string(w, 1) : atom(w))
		return w->err;
	newline(w);
	return w->err;
}

int xdt_jsonview_render(const char *json, int utf8, char *out, size_t outlen)
{
	struct w w = { .p = json, .out = out, .len = outlen, .utf8 = utf8 };

	if (!outlen)
		return -ENOSPC;
	out[0] = '\0';
	ws(&w);
	value(&w, 0, 0, NULL, 0, 0);
	ws(&w);
	if (!w.err && *w.p)
		w.err = -EINVAL;
	if (w.err) {
		out[0] = '\0';
		return w.err;
	}
	out[w.pos] = '\0';
	return w.lines;
}
