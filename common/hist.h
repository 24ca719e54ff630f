/* hist.h - log-linear latency histogram (HdrHistogram's shape, fio's math).
 *
 * Values are nanoseconds. Values below 2^HIST_SUB_BITS get a bucket each;
 * above that, every power-of-two range [2^m, 2^(m+1)) is split into
 * 2^HIST_SUB_BITS equal buckets, so a reported value (the bucket midpoint)
 * is within 2^-(HIST_SUB_BITS+1) = 0.39 % of any value in the bucket.
 * HIST_GROUPS groups cover up to 2^(HIST_SUB_BITS + HIST_GROUPS) ns; larger
 * values are clamped into the last bucket and counted in `clamped`.
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
/** Value at percentile p (0..100]: the midpoint of the bucket holding the
 *  ceil(p/100 * count)-th smallest value, clamped to [min, max]; 0 when
 *  empty. */
uint64_t hist_percentile(const struct hist *h, double p);
/** Bucket index of v, and the [lo, hi] value range of bucket i. */
unsigned hist_index(uint64_t v);
void hist_bucket_range(unsigned i, uint64_t *lo, uint64_t *hi);

#endif
