/* report_page.h - what `tsload report` writes into its report/ directory:
 * summary.json (the merged figures, for machines and tests), the data
 * and scripts of the plots, the PNG plots (gnuplot, a child process) and
 * index.html, a page that needs no network (inline CSS, images next to
 * it).
 */
#ifndef TSL_REPORT_PAGE_H
#define TSL_REPORT_PAGE_H

#include <stddef.h>

#include "compare.h"
#include "qthreads.h"
#include "runset.h"

/* Percentiles of the spectrum: 0 % up to 99.999 %, ten a decade. */
enum { REPORT_SPECTRUM_POINTS = 51 };
/** Percentile i (0 .. REPORT_SPECTRUM_POINTS - 1) of the spectrum:
 *  100 * (1 - 10^(-i/10)). */
double report_spectrum_pct(unsigned i);

struct report_page {
	const struct runset *rs;  /* runs read (n may be 0 with -d) */
	struct qthreads     *qt;  /* -d: per-thread query results, or NULL */
	const char          *out; /* the report directory */
	const char          *cmdline; /* of this `tsload report` */
	const char          *gnuplot; /* program, "gnuplot" unless set */
	/* two runs or more: each against the first (compare.h), or NULL */
	const struct cmp_run *cmp;
	unsigned              ncmp;
};

/** Writes summary.json. 0 or -errno after one line naming the file. */
int report_page_summary(const struct report_page *p);
/** Writes the plots (PNG files, each with its .dat and .gp) and
 *  index.html. Without gnuplot the page says so and has the tables only
 *  (*plots is then 0). 0 or -errno after one line naming the file. */
int report_page_html(const struct report_page *p, unsigned *plots);

#endif
