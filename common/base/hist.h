/* hist.h - log-linear latency histogram (HdrHistogram's shape, fio's math).
 *
 * Values are nanoseconds. With S = HIST_SUB_BITS, values below 2^S get a
 * bucket each; above that, every power-of-two range [2^m, 2^(m+1)), m >= S,
 * is split into 2^S equal buckets of width w = 2^(m-S) (so values below
 * 2^(S+1) = 256 ns are still exact). Index: shift = max(m - S, 0),
 * i = shift * 2^S + (v >> shift).
 *
 * Error bound: a bucket is [lo, lo + w - 1] with lo >= 2^m, and the reported
 * value is its midpoint mid = lo + (w - 1) / 2, so for any v in the bucket
 * |mid - v| <= w / 2 = 2^(m-S-1) and |mid - v| / v <= 2^(m-S-1) / 2^m =
 * 2^-(S+1) = 1/256, about 0.39 %.
 *
 * Range: group 0 is [0, 2^S); groups g = 1..HIST_GROUPS are [2^(S+g-1),
 * 2^(S+g)), so the last bucket ends at 2^(S+HIST_GROUPS) - 1 ns (2^45 ns,
 * about 9.8 hours). Larger values are clamped into the last bucket and
 * counted in `clamped`; min and max stay exact.
 */
#ifndef TSL_HIST_H
#define TSL_HIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	HIST_SUB_BITS = 7,
	HIST_SUB      = 1 << HIST_SUB_BITS,
	HIST_GROUPS   = 38, /* up to 2^45 ns, about 9.8 hours */
	HIST_BUCKETS  = HIST_SUB * (HIST_GROUPS + 1),
};

struct hist {
	uint64_t count;
	uint64_t clamped;
	uint64_t min, max; /* exact, ns; min is UINT64_MAX when empty */
	uint64_t b[HIST_BUCKETS];
};

void hist_init(struct hist *h);
/** Adds one value (ns). */
void hist_record(struct hist *h, uint64_t v);
/** dst += src, bucket by bucket. */
void hist_merge(struct hist *dst, const struct hist *src);
bool hist_is_empty(const struct hist *h);
/** d = cur - prev, bucket by bucket (prev: an earlier state of cur), for
 *  the values recorded in between. d's min and max are the midpoints of
 *  its lowest and highest non-empty buckets (within 0.39 %), kept within cur's
 * exact min and max, so that its percentiles are those values' and not 0 or
 * cur's max (clamped is cur's less prev's). */
void hist_diff(
    struct hist *d, const struct hist *cur, const struct hist *prev);
/** Value at percentile p (0..100]: with rank = ceil(p/100 * count), at
 *  least 1, the midpoint of the bucket holding the rank-th smallest value,
 *  clamped to [min, max]. Rank 1 gives min and rank count gives max
 *  exactly (p <= 0 acts as rank 1, p >= 100 as rank count); 0 when empty. */
uint64_t hist_percentile(const struct hist *h, double p);
/** Bucket index of v (the last bucket for clamped values), and the
 *  [lo, hi] value range of bucket i < HIST_BUCKETS. */
unsigned hist_index(uint64_t v);
void     hist_bucket_range(unsigned i, uint64_t *lo, uint64_t *hi);

#endif
