/* SPDX-License-Identifier: GPL-2.0-only */
/* Bar graphs of a rate history, newest sample at the right edge. */
#ifndef XDT_UI_GRAPH_H
#define XDT_UI_GRAPH_H

#include "term.h"

/* The largest of the last @w of @n samples (what a graph @w wide shows). */
double xdt_graph_peak(const float *v, unsigned int n, int w);

/*
 * Draw the last @w of @n samples of @v (oldest first) in the @h x @w cells at
 * (y, x), scaled so @max fills the height (@max <= 0: the visible peak). Block
 * elements in eighths of a cell with UTF-8, "_.-=#" otherwise. A sample above
 * zero always shows, however small.
 */
void xdt_graph_draw(const struct xdt_term *t, int y, int x, int h, int w, const float *v,
		    unsigned int n, double max, chtype a);

#endif
