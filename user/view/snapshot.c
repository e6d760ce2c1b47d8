// SPDX-License-Identifier: GPL-2.0-only
/* The snapshot mailbox: a mutex around a pointer and a reference count. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "snapshot.h"

struct xdt_snapbox {
	pthread_mutex_t lock;
	struct xdt_snapshot *latest;
	struct xdt_flow_key selected;
	int have_selected;
};

struct xdt_snapbox *xdt_snapbox_new(void)
{
	struct xdt_snapbox *b = calloc(1, sizeof(*b));

	if (b)
		pthread_mutex_init(&b->lock, NULL);
	return b;
}

void xdt_snapshot_free(struct xdt_snapshot *s)
{
	if (!s)
		return;
	free(s->rows);
	free(s->selected_json);
	free(s);
}

void xdt_snapbox_free(struct xdt_snapbox *b)
{
	if (!b)
		return;
	xdt_snapshot_free(b->latest);
	pthread_mutex_destroy(&b->lock);
	free(b);
}

/* Drop one reference; the last one frees. Called with the lock held. */
static void unref(struct xdt_snapshot *s)
{
	if (s && --s->refs == 0)
		xdt_snapshot_free(s);
}

void xdt_snapbox_publish(struct xdt_snapbox *b, struct xdt_snapshot *s)
{
	pthread_mutex_lock(&b->lock);
	s->refs = 1;	/* the box's own */
	unref(b->latest);
	b->latest = s;
	pthread_mutex_unlock(&b->lock);
}

struct xdt_snapshot *xdt_snapbox_get(struct xdt_snapbox *b)
{
	struct xdt_snapshot *s;

	pthread_mutex_lock(&b->lock);
	s = b->latest;
	if (s)
		s->refs++;
	pthread_mutex_unlock(&b->lock);
	return s;
}

void xdt_snapshot_put(struct xdt_snapbox *b, struct xdt_snapshot *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&b->lock);
	unref(s);
	pthread_mutex_unlock(&b->lock);
}

void xdt_snapbox_select(struct xdt_snapbox *b, const struct xdt_flow_key *k)
{
	pthread_mutex_lock(&b->lock);
	b->have_selected = k != NULL;
	if (k)
		b->selected = *k;
	pthread_mutex_unlock(&b->lock);
}

int xdt_snapbox_selected(struct xdt_snapbox *b, struct xdt_flow_key *k)
{
	int have;

	pthread_mutex_lock(&b->lock);
	have = b->have_selected;
	if (have)
		*k = b->selected;
	pthread_mutex_unlock(&b->lock);
	return have;
}
