/* prom.h - the Prometheus text exposition format (version 0.0.4) written
 * into a buf: metric families (# HELP, # TYPE), samples with labels, and
 * the log-linear histograms of hist.h as cumulative `le` buckets.
 *
 * A histogram's buckets are fixed (prom_le_s, in seconds, then +Inf) so
 * that series from several processes and runs can be summed. A hist
 * bucket is counted under the first bound at or above the value it
 * reports (its midpoint, clamped to [min, max], as hist_percentile), so a
 * cumulative count is exact but for values within 0.39 % of a bound.
 */
#ifndef TSL_PROM_H
#define TSL_PROM_H

#include <stdint.h>

#include "buf.h"
#include "hist.h"

struct prom_label {
	const char *name;
	const char *value; /* escaped when written: \\, \", \n */
};

/* The finite `le` bounds, in seconds, ascending; +Inf follows them. */
enum { PROM_LE_N = 18 };
extern const double prom_le_s[PROM_LE_N];

/** Writes "# HELP name help" and "# TYPE name type" (type: counter,
 *  gauge, histogram). 0 or -ENOSPC. */
int prom_family(
    struct buf *b, const char *name, const char *type, const char *help);
/** One sample "name{l...} v": integral values below 2^53 exactly, others
 *  with 9 significant digits, NaN and +-Inf as Prometheus spells them. */
int prom_sample(struct buf *b, const char *name, const struct prom_label *l,
    unsigned nl, double v);
/** The same for a counter (exact up to 2^64). */
int prom_sample_u64(struct buf *b, const char *name,
    const struct prom_label *l, unsigned nl, uint64_t v);
/** The samples of histogram h of family name: name_bucket{l..., le=...}
 *  (cumulative, +Inf = count), name_sum (sum_ns in seconds) and
 *  name_count. */
int prom_hist(struct buf *b, const char *name, const struct prom_label *l,
    unsigned nl, const struct hist *h, double sum_ns);
/** counts[k] (k < PROM_LE_N + 1, the last is +Inf) = the values of h at
 *  or below bound k, cumulative. */
void prom_hist_counts(const struct hist *h, uint64_t counts[PROM_LE_N + 1]);

#endif
