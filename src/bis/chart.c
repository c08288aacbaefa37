/* chart: draw day series as an SVG bar/line chart with a nice y scale and a legend. */
#include "bis/chart.h"

#include <stdio.h>
#include <string.h>

#include "tmpl/escape.h"

enum {
	W = 720, H = 240,		/* viewBox */
	LEFT = 44, RIGHT = 8, TOP = 28, BOTTOM = 26,
};

/* nice_max: the smallest of 1, 2, 5 x 10^k that is >= v (at least 4). */
static long long nice_max(long long v)
{
	long long m = 1;
	if (v < 4)
		return 4;
	for (;;) {
		if (m >= v) return m;
		if (2 * m >= v) return 2 * m;
		if (5 * m >= v) return 5 * m;
		m *= 10;
	}
}

static void text(struct buf *out, double x, double y, const char *anchor,
		 const char *cls, const char *s)
{
	buf_addf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" class=\"%s\">",
		 x, y, anchor, cls);
	esc_html(out, s, strlen(s));
	buf_adds(out, "</text>");
}

void chart_svg(struct buf *out, const char *title, const char *const *labels,
	       size_t npoints, const struct chart_series *series,
	       size_t nseries)
{
	long long max = 0;
	size_t nbars = 0;
	double pw = W - LEFT - RIGHT, ph = H - TOP - BOTTOM;
	char num[32];

	if (npoints > CHART_MAX_POINTS)
		npoints = CHART_MAX_POINTS;
	if (nseries > CHART_MAX_SERIES)
		nseries = CHART_MAX_SERIES;
	for (size_t s = 0; s < nseries; s++) {
		nbars += series[s].bars != 0;
		for (size_t i = 0; i < npoints; i++)
			if (series[s].values[i] > max)
				max = series[s].values[i];
	}
	max = nice_max(max);
	buf_addf(out, "<svg class=\"chart\" viewBox=\"0 0 %d %d\" role=\"img\" "
		 "xmlns=\"http://www.w3.org/2000/svg\"><title>", W, H);
	esc_html(out, title, strlen(title));
	buf_adds(out, "</title>");
	/* grid and y labels: 0, 1/4 .. max */
	for (int g = 0; g <= 4; g++) {
		double y = TOP + ph - ph * g / 4.0;
		buf_addf(out, "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>",
			 LEFT, y, W - RIGHT, y);
		snprintf(num, sizeof(num), "%lld", max * g / 4);
		text(out, LEFT - 4, y + 4, "end", "axis", num);
	}
	if (!npoints)
		goto legend;
	double slot = pw / (double)npoints;
	double bw = nbars ? (slot * 0.8) / (double)nbars : 0;
	size_t b = 0;
	for (size_t s = 0; s < nseries; s++) {
		const struct chart_series *se = &series[s];
		if (se->bars) {
			for (size_t i = 0; i < npoints; i++) {
				long long v = se->values[i] > 0 ? se->values[i] : 0;
				double h = ph * (double)v / (double)max;
				double x = LEFT + slot * (double)i + slot * 0.1 + bw * (double)b;
				buf_addf(out, "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"><title>",
					 se->cls, x, TOP + ph - h, bw, h);
				esc_html(out, labels[i], strlen(labels[i]));
				buf_addf(out, ": %lld ", v);
				esc_html(out, se->name, strlen(se->name));
				buf_adds(out, "</title></rect>");
			}
			b++;
		} else {
			buf_addf(out, "<polyline class=\"%s\" fill=\"none\" points=\"", se->cls);
			for (size_t i = 0; i < npoints; i++) {
				long long v = se->values[i] > 0 ? se->values[i] : 0;
				buf_addf(out, "%s%.1f,%.1f", i ? " " : "",
					 LEFT + slot * ((double)i + 0.5),
					 TOP + ph - ph * (double)v / (double)max);
			}
			buf_adds(out, "\"/>");
		}
	}
	/* x labels: every fifth day and the last */
	for (size_t i = 0; i < npoints; i++)
		if (i % 5 == 0 || i + 1 == npoints)
			text(out, LEFT + slot * ((double)i + 0.5), H - 8, "middle",
			     "axis", labels[i]);
legend:
	for (size_t s = 0, x = LEFT; s < nseries; s++) {
		buf_addf(out, "<rect class=\"%s\" x=\"%zu\" y=\"8\" width=\"12\" height=\"12\"/>",
			 series[s].cls, x);
		text(out, (double)x + 16, 18, "start", "legend", series[s].name);
		x += 16 + 8 * strlen(series[s].name) + 16;
	}
	buf_adds(out, "</svg>");
}
