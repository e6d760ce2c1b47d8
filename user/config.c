// SPDX-License-Identifier: GPL-2.0-only
/*
 * The configuration file, turned into the command-line words it stands for. Each
 * key is checked on its own by the command line's parser, so a value is refused
 * with the same words in both places, and here with the file and line too.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "cli.h"
#include "config.h"

#define CONFIG_NAME "config.yml"

/* A growing, NULL-terminated argv whose words it owns. */
struct words {
	char **v;
	int n, cap;
};

static int words_add(struct words *w, const char *s)
{
	char *dup;

	if (w->n + 1 >= w->cap) {
		int cap = w->cap ? w->cap * 2 : 16;
		char **v = realloc(w->v, (size_t)cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		w->v = v;
		w->cap = cap;
	}
	dup = strdup(s);
	if (!dup)
		return -ENOMEM;
	w->v[w->n++] = dup;
	w->v[w->n] = NULL;
	return 0;
}

static void words_fini(struct words *w)
{
	int i;

	for (i = 0; i < w->n; i++)
		free(w->v[i]);
	free(w->v);
	memset(w, 0, sizeof(*w));
}

/* What is being read, for the messages. */
struct source {
	const char *path;
	FILE *err;
	yaml_document_t *doc;
	struct words *out;
};

/* Options that only make sense once, on the command line. */
static int command_line_only(const char *name)
{
	static const char *const names[] = { "help", "version", "probe", "config", "no-config" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i]))
			return 1;
	/* The test build's switches (XDT_SELFTEST): never from a file. */
	return !strncmp(name, "selftest-", strlen("selftest-"));
}

static const char *scalar(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

/* "key:" with nothing after it, or ~ / null: YAML's null, not an empty string. */
static int is_null(const yaml_node_t *n)
{
	const char *s;

	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	s = scalar(n);
	return !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
	       !strcmp(s, "NULL");
}

/* YAML 1.1's booleans: 1, 0, or -1 for anything else. */
static int boolean(const char *s)
{
	static const char *const yes[] = { "true", "yes", "on" };
	static const char *const no[] = { "false", "no", "off" };
	size_t i;

	for (i = 0; i < 3; i++) {
		if (!strcasecmp(s, yes[i]))
			return 1;
		if (!strcasecmp(s, no[i]))
			return 0;
	}
	return -1;
}

static size_t line_of(const yaml_node_t *n)
{
	return n->start_mark.line + 1;
}

static const char *node_kind(const yaml_node_t *n)
{
	return n->type == YAML_SEQUENCE_NODE ? "a list" : "a mapping";
}

/*
 * A non-null scalar value of @name into @kw, or -EINVAL after saying what is
 * wrong with it.
 */
static int add_value(const struct source *src, const char *name, const yaml_node_t *v,
		     struct words *kw)
{
	char flag[128];
	int rc;

	if (v->type != YAML_SCALAR_NODE) {
		fprintf(src->err, "xdptop: %s:%zu: %s takes one value, not %s\n", src->path,
			line_of(v), name, node_kind(v));
		return -EINVAL;
	}
	if (is_null(v)) {
		fprintf(src->err, "xdptop: %s:%zu: %s needs a value\n", src->path, line_of(v),
			name);
		return -EINVAL;
	}
	snprintf(flag, sizeof(flag), "--%s", name);
	rc = words_add(kw, flag);
	return rc ? rc : words_add(kw, scalar(v));
}

/* The words a key's value stands for, into @kw (after its argv[0]). */
static int value_words(const struct source *src, const char *name, int kind, const yaml_node_t *v,
		       struct words *kw)
{
	yaml_node_item_t *it;
	char flag[128];
	int on;

	switch (kind) {
	case 0:
		on = v->type == YAML_SCALAR_NODE ? boolean(scalar(v)) : -1;
		if (on < 0 && v->type == YAML_SCALAR_NODE) {
			fprintf(src->err, "xdptop: %s:%zu: %s: '%s' is not true or false\n",
				src->path, line_of(v), name, scalar(v));
			return -EINVAL;
		}
		if (on < 0) {
			fprintf(src->err, "xdptop: %s:%zu: %s takes true or false, not %s\n",
				src->path, line_of(v), name, node_kind(v));
			return -EINVAL;
		}
		/* false adds nothing: the flag stays at its default, off. */
		snprintf(flag, sizeof(flag), "--%s", name);
		return on ? words_add(kw, flag) : 0;
	case 2:
		if (v->type == YAML_SEQUENCE_NODE) {
			for (it = v->data.sequence.items.start; it < v->data.sequence.items.top;
			     it++) {
				int rc = add_value(src, name, yaml_document_get_node(src->doc, *it),
						   kw);

				if (rc)
					return rc;
			}
			return 0;
		}
		return add_value(src, name, v, kw);
	default:
		return add_value(src, name, v, kw);
	}
}

/*
 * Check the key's words with the command line's parser, whose message (without
 * its "xdptop: ") follows the file and line of the key.
 */
static int check_words(const struct source *src, size_t line, struct words *kw)
{
	struct xdt_opts o;
	char *msg = NULL, *s, *nl;
	size_t len = 0;
	FILE *mem;
	int rc;

	mem = open_memstream(&msg, &len);
	if (!mem)
		return -ENOMEM;
	rc = xdt_cli_check_values(kw->n, kw->v, &o, mem);
	fclose(mem);
	if (!rc || !msg) {
		free(msg);
		return rc;
	}
	for (s = msg; *s; s = nl + 1) {
		nl = strchrnul(s, '\n');
		if (!strncmp(s, "xdptop: ", 8))
			s += 8;
		fprintf(src->err, "xdptop: %s:%zu: %.*s\n", src->path, line, (int)(nl - s), s);
		if (!*nl)
			break;
	}
	free(msg);
	return rc;
}

/* One "key: value" pair into the words. */
static int read_pair(const struct source *src, const yaml_node_pair_t *pair,
		     const yaml_node_pair_t *first)
{
	yaml_node_t *k = yaml_document_get_node(src->doc, pair->key);
	yaml_node_t *v = yaml_document_get_node(src->doc, pair->value);
	struct words kw = { 0 };
	const yaml_node_pair_t *p;
	const char *name;
	int kind, rc, i;

	if (k->type != YAML_SCALAR_NODE) {
		fprintf(src->err, "xdptop: %s:%zu: a key is an option name, not %s\n", src->path,
			line_of(k), node_kind(k));
		return -EINVAL;
	}
	name = scalar(k);
	kind = xdt_cli_option_kind(name);
	if (kind < 0) {
		fprintf(src->err, "xdptop: %s:%zu: unknown key '%s'\n", src->path, line_of(k),
			name);
		return -EINVAL;
	}
	if (command_line_only(name)) {
		fprintf(src->err, "xdptop: %s:%zu: '%s' belongs on the command line, not in a "
			"configuration file\n", src->path, line_of(k), name);
		return -EINVAL;
	}
	for (p = first; p < pair; p++) {
		yaml_node_t *pk = yaml_document_get_node(src->doc, p->key);

		if (pk->type == YAML_SCALAR_NODE && !strcmp(scalar(pk), name)) {
			fprintf(src->err,
				"xdptop: %s:%zu: key '%s' given twice (first on line %zu)\n",
				src->path, line_of(k), name, line_of(pk));
			return -EINVAL;
		}
	}
	rc = words_add(&kw, "xdptop");
	if (!rc)
		rc = value_words(src, name, kind, v, &kw);
	if (!rc)
		rc = check_words(src, line_of(k), &kw);
	for (i = 1; !rc && i < kw.n; i++)
		rc = words_add(src->out, kw.v[i]);
	words_fini(&kw);
	return rc;
}

/* The document's one mapping into the words; every bad key is reported. */
static int read_document(const struct source *src)
{
	yaml_node_t *root = yaml_document_get_root_node(src->doc);
	yaml_node_pair_t *pair, *first;
	int rc = 0, r;

	/* An empty file, only comments, or a lone "---". */
	if (!root || is_null(root))
		return 0;
	if (root->type != YAML_MAPPING_NODE) {
		fprintf(src->err, "xdptop: %s:%zu: the file is not a mapping of option names to "
			"values (e.g. 'interval: 5')\n", src->path, line_of(root));
		return -EINVAL;
	}
	first = root->data.mapping.pairs.start;
	for (pair = first; pair < root->data.mapping.pairs.top; pair++) {
		r = read_pair(src, pair, first);
		if (r == -ENOMEM)
			return r;
		if (r && !rc)
			rc = r;
	}
	return rc;
}

static int syntax_error(const yaml_parser_t *p, const char *path, FILE *err)
{
	switch (p->error) {
	case YAML_MEMORY_ERROR:
		return -ENOMEM;
	case YAML_READER_ERROR:
		/* Bad UTF-8, or the read failed: libyaml knows the byte, not the line. */
		fprintf(err, "xdptop: %s: byte %zu: %s\n", path, p->problem_offset,
			p->problem ? p->problem : "cannot read");
		return -EINVAL;
	default:
		fprintf(err, "xdptop: %s:%zu:%zu: %s", path, p->problem_mark.line + 1,
			p->problem_mark.column + 1, p->problem ? p->problem : "not YAML");
		if (p->context)
			fprintf(err, " (%s on line %zu)", p->context, p->context_mark.line + 1);
		fputc('\n', err);
		return -EINVAL;
	}
}

static int read_yaml(FILE *f, const char *path, struct words *out, FILE *err)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	struct source src = { path, err, &doc, out };
	yaml_node_t *more;
	int rc;

	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, &doc)) {
		rc = syntax_error(&parser, path, err);
		goto out;
	}
	rc = read_document(&src);
	yaml_document_delete(&doc);
	if (rc)
		goto out;
	/* A second document ("---") would be ignored without a word: refuse it. */
	if (!yaml_parser_load(&parser, &doc)) {
		rc = syntax_error(&parser, path, err);
		goto out;
	}
	more = yaml_document_get_root_node(&doc);
	if (more) {
		fprintf(err, "xdptop: %s:%zu: a second YAML document; the file holds one mapping\n",
			path, line_of(more));
		rc = -EINVAL;
	}
	yaml_document_delete(&doc);
out:
	yaml_parser_delete(&parser);
	return rc;
}

/* 0 and *@f, or -errno. A directory is refused here: fopen would take it. */
static int open_file(const char *path, FILE **f)
{
	struct stat st;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		goto fail;
	}
	if (S_ISDIR(st.st_mode)) {
		rc = -EISDIR;
		goto fail;
	}
	*f = fdopen(fd, "r");
	if (*f)
		return 0;
	rc = -errno;
fail:
	close(fd);
	return rc;
}

/*
 * The places the file is looked for, first first, into @buf (PATH_MAX each);
 * how many. A path too long to name a file is left out.
 */
static unsigned int search_path(char buf[][PATH_MAX])
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	unsigned int n = 0;
	int len = -1;

	/* XDG: an unset, empty or relative $XDG_CONFIG_HOME means ~/.config. */
	if (xdg && xdg[0] == '/')
		len = snprintf(buf[n], PATH_MAX, "%s/xdptop/" CONFIG_NAME, xdg);
	else if (home && *home)
		len = snprintf(buf[n], PATH_MAX, "%s/.config/xdptop/" CONFIG_NAME, home);
	if (len > 0 && len < PATH_MAX)
		n++;
	snprintf(buf[n++], PATH_MAX, "%s", CONFIG_NAME);
	return n;
}

/*
 * What the real arguments say of the file, by the real parser (so "--config X",
 * "--config=X" and abbreviations count, and option values are skipped). 1: read
 * none, because of --no-config, or --help/--version, which a broken file must not
 * block, or a command line the later parse will refuse and explain.
 */
static int wanted(int argc, char **argv, const char **config_path)
{
	struct xdt_opts o;
	char **copy, *msg = NULL;
	size_t len = 0;
	FILE *mem;
	int rc;

	*config_path = NULL;
	/* getopt reorders the words it is given: not the caller's. */
	copy = calloc((size_t)argc + 1, sizeof(*copy));
	mem = open_memstream(&msg, &len);
	if (!copy || !mem) {
		if (mem)
			fclose(mem);
		free(msg);
		free(copy);
		return -ENOMEM;
	}
	memcpy(copy, argv, (size_t)argc * sizeof(*copy));
	rc = xdt_cli_parse(argc, copy, &o, mem);
	fclose(mem);
	free(msg);
	free(copy);
	if (rc || o.no_config || o.help || o.version)
		return 1;
	*config_path = o.config_path;
	return 0;
}

/* The file to read into *@f and *@path (NULL: none), or -errno after saying why. */
/*
 * A file found on the search path (./config.yml above all: xdptop is often started
 * as root in someone else's directory) is used only if nobody else could have
 * written it: owned by us or root, not writable by group or others. --config
 * names a file on purpose and is not checked. 0 or -EPERM after saying why.
 */
static int trusted(FILE *f, const char *path, FILE *err)
{
	struct stat st;

	if (fstat(fileno(f), &st) < 0)
		return -errno;
	if ((st.st_uid == geteuid() || st.st_uid == 0) && !(st.st_mode & (S_IWGRP | S_IWOTH)))
		return 0;
	fprintf(err, "xdptop: %s: not used: %s; make it yours and not writable by others, or "
		"name it with --config (--no-config reads none)\n", path,
		st.st_mode & (S_IWGRP | S_IWOTH) ? "others may write to it"
						 : "another user owns it");
	return -EPERM;
}

/* Can we see @path at all (stat works)? */
static int visible(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static int find_file(int argc, char **argv, FILE **f, char **path, FILE *err)
{
	char places[2][PATH_MAX];
	unsigned int n, n_places;
	const char *named;
	int rc;

	*f = NULL;
	*path = NULL;
	rc = wanted(argc, argv, &named);
	if (rc)
		return rc < 0 ? rc : 0;
	if (named) {
		rc = open_file(named, f);
		if (rc) {
			fprintf(err, "xdptop: --config: cannot read %s: %s\n", named,
				strerror(-rc));
			return rc;
		}
		*path = strdup(named);
	} else {
		n_places = search_path(places);
		for (n = 0; n < n_places; n++) {
			rc = open_file(places[n], f);
			/*
			 * Absent, a file where a directory of the path would be, or a
			 * directory we may not search (HOME still names root's home
			 * under `setpriv`/`sudo -u`): nothing of ours is there. A file we
			 * can see but not read is an error below.
			 */
			if (rc == -ENOENT || rc == -ENOTDIR || (rc == -EACCES && !visible(places[n])))
				continue;
			if (rc) {
				fprintf(err, "xdptop: cannot read the configuration file %s: %s "
					"(--no-config reads none)\n", places[n], strerror(-rc));
				return rc;
			}
			rc = trusted(*f, places[n], err);
			if (rc) {
				fclose(*f);
				*f = NULL;
				return rc;
			}
			*path = strdup(places[n]);
			break;
		}
	}
	if (*f && !*path) {
		fclose(*f);
		*f = NULL;
		return -ENOMEM;
	}
	return 0;
}

int xdt_config_argv(int argc, char **argv, int *out_argc, char ***out_argv, char **used,
		    FILE *err)
{
	struct words w = { 0 };
	char *path = NULL;
	FILE *f = NULL;
	int rc, i;

	*out_argc = 0;
	*out_argv = NULL;
	if (used)
		*used = NULL;
	rc = words_add(&w, argc > 0 ? argv[0] : "xdptop");
	if (!rc)
		rc = find_file(argc, argv, &f, &path, err);
	if (!rc && f)
		rc = read_yaml(f, path, &w, err);
	if (f)
		fclose(f);
	for (i = 1; !rc && i < argc; i++)
		rc = words_add(&w, argv[i]);
	if (rc) {
		if (rc == -ENOMEM)
			fprintf(err, "xdptop: reading the configuration: %s\n", strerror(ENOMEM));
		words_fini(&w);
		free(path);
		return rc;
	}
	*out_argc = w.n;
	*out_argv = w.v;
	if (used)
		*used = path;
	else
		free(path);
	return 0;
}

void xdt_config_free(int argc, char **argv, char *used)
{
	int i;

	if (argv)
		for (i = 0; i < argc; i++)
			free(argv[i]);
	free(argv);
	free(used);
}
