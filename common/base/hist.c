/* hist.c - log-linear latency histogram.
 *
 * hist_record is on the hot path of every worker thread: one clz, a shift,
 * an increment and the min/max update; no loops, no floating point. The
 * derivation of the bucket layout and its error bound is in hist.h.
 */
#include "hist.h"

#include <math.h>
#include <string.h>

/* First value that no longer fits: 2^(S + HIST_GROUPS). */
#define HIST_LIMIT_BITS (HIST_SUB_BITS + HIST_GROUPS)

void
hist_init(struct hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = UINT64_MAX;
}

unsigned
hist_index(uint64_t v)
{
	unsigned m, shift;

	if (v >> HIST_LIMIT_BITS)
		return HIST_BUCKETS - 1;
	/* OR-ing in HIST_SUB makes m >= S, so values below 2^(S+1) get
	 * shift 0 and index v; it also keeps clz's argument non-zero. */
	m     = 63u - (unsigned)__builtin_clzll(v | HIST_SUB);
	shift = m - HIST_SUB_BITS;
	return shift * HIST_SUB + (unsigned)(v >> shift);
}

void
hist_bucket_range(unsigned i, uint64_t *lo, uint64_t *hi)
{
	unsigned shift;

	if (i < 2 * HIST_SUB) {
		*lo = *hi = i;
		return;
	}
	/* Inverse of hist_index: i = shift * 2^S + sub, sub in [2^S, 2^(S+1)).
	 */
	shift = i / HIST_SUB - 1;
	*lo   = (uint64_t)(i % HIST_SUB + HIST_SUB) << shift;
	*hi   = *lo + ((uint64_t)1 << shift) - 1;
}

void
hist_record(struct hist *h, uint64_t v)
{
	h->b[hist_index(v)]++;
	h->count++;
	h->clamped += (v >> HIST_LIMIT_BITS) != 0;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
}

void
hist_merge(struct hist *dst, const struct hist *src)
{
	unsigned i;

	for (i = 0; i < HIST_BUCKETS; i++)
		dst->b[i] += src->b[i];
	dst->count += src->count;
	dst->clamped += src->clamped;
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
}

void
hist_diff(struct hist *d, const struct hist *cur, const struct hist *prev)
{
	uint64_t lo, hi;
	int      first = -1, last = -1;

	hist_init(d);
	for (unsigned i = 0; i < HIST_BUCKETS; i++) {
		d->b[i] = cur->b[i] - prev->b[i];
		d->count += d->b[i];
		if (d->b[i]) {
			if (first < 0)
				first = (int)i;
			last = (int)i;
		}
	}
	d->clamped = cur->clamped - prev->clamped;
	if (first < 0)
		return;
	hist_bucket_range((unsigned)first, &lo, &hi);
	d->min = lo + (hi - lo) / 2;
	hist_bucket_range((unsigned)last, &lo, &hi);
	d->max = lo + (hi - lo) / 2;
	if (d->min < cur->min)
		d->min = cur->min;
	if (d->max > cur->max)
		d->max = cur->max;
}

bool
hist_is_empty(const struct hist *h)
{
	return h->count == 0;
}

/* ceil(p/100 * count) in [1, count]. Products that should be integers but
 * come out a few ulps high (99.9/100 * 1000 = 999.0000000000001) are
 * snapped back so that they do not round up to the next rank. */
static uint64_t
hist_rank(uint64_t count, double p)
{
	double r, n;

	if (!(p > 0)) /* also NaN */
		return 1;
	if (p >= 100)
		return count;
	r = p / 100.0 * (double)count;
	n = nearbyint(r);
	if (fabs(r - n) <= r * 1e-12)
		r = n;
	r = ceil(r);
	if (r < 1)
		return 1;
	if (r >= (double)count)
		return count;
	return (uint64_t)r;
}

uint64_t
hist_percentile(const struct hist *h, double p)
{
	uint64_t rank, seen = 0, lo, hi, mid;
	unsigned i;

	if (h->count == 0)
		return 0;
	rank = hist_rank(h->count, p);
	if (rank == 1)
		return h->min;
	if (rank == h->count)
		return h->max;
	for (i = 0; i < HIST_BUCKETS - 1; i++) {
		seen += h->b[i];
		if (seen >= rank)
			break;
	}
	hist_bucket_range(i, &lo, &hi);
	mid = lo + (hi - lo) / 2;
	if (mid < h->min)
		return h->min;
	if (mid > h->max)
		return h->max;
	return mid;
}
