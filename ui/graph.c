// SPDX-License-Identifier: GPL-2.0-only
/* Rate history graphs for the Overview header and the Details tab. */
#include "graph.h"

double xdt_graph_peak(const float *v, unsigned int n, int w)
{
	unsigned int from = w > 0 && n > (unsigned int)w ? n - (unsigned int)w : 0;
	double peak = 0;

	for (unsigned int i = from; i < n; i++)
		if (v[i] > peak)
			peak = v[i];
	return peak;
}

void xdt_graph_draw(const struct xdt_term *t, int y, int x, int h, int w, const float *v,
		    unsigned int n, double max, chtype a)
{
	unsigned int from;
	int pad;

	if (h <= 0 || w <= 0)
		return;
	if (max <= 0)
		max = xdt_graph_peak(v, n, w);
	from = n > (unsigned int)w ? n - (unsigned int)w : 0;
	pad = w - (int)(n - from);	/* too few samples yet: right-aligned */
	attrset(a);
	for (int c = 0; c < w; c++) {
		double val = c < pad ? 0 : v[from + (unsigned int)(c - pad)];
		int eighths = max > 0 ? (int)(val / max * h * 8 + 0.5) : 0;

		if (val > 0 && eighths == 0)
			eighths = 1;
		if (eighths > h * 8)
			eighths = h * 8;
		for (int r = 0; r < h; r++) {
			/* Row r counts from the bottom. */
			int level = eighths - r * 8;

			level = level < 0 ? 0 : (level > 8 ? 8 : level);
			mvaddstr(y + h - 1 - r, x + c, t->bar[level]);
		}
	}
	attrset(A_NORMAL);
}
