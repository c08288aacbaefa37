/* chart: a small server-side SVG chart (bars and lines over days) for the admin dashboard. */
#ifndef RESTOCK_CHART_H
#define RESTOCK_CHART_H

#include <stddef.h>

#include "core/buf.h"

#define CHART_MAX_POINTS	366
#define CHART_MAX_SERIES	4

struct chart_series {
	const char *name;		/* legend text (escaped here) */
	const long long *values;	/* npoints values, negative read as 0 */
	int bars;			/* 1 bars, 0 a line */
	const char *cls;		/* CSS class: "s1" .. "s4" */
};

/*
 * chart_svg: append an inline <svg> (no script, no style element: classes
 * and presentation attributes only) drawing the series over npoints labels
 * (e.g. "11-26"; every label is escaped). Bars of several series sit side
 * by side; lines are drawn over them. title is the accessible name.
 * npoints is capped at CHART_MAX_POINTS and nseries at CHART_MAX_SERIES.
 */
void chart_svg(struct buf *out, const char *title, const char *const *labels,
	       size_t npoints, const struct chart_series *series,
	       size_t nseries);

#endif
