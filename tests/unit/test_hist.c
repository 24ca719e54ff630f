/* test_hist.c - unit tests of the log-linear histogram (common/hist.c).
 *
 * Checks the bucket layout, the relative error bound promised in hist.h over
 * 1 ns .. 1 hour, percentiles against known distributions, merging, clamping
 * and the empty histogram.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "hist.h"
#include "xalloc.h"

#define NS_PER_HOUR 3600000000000ull
#define LIMIT ((uint64_t)1 << (HIST_SUB_BITS + HIST_GROUPS))

/* Histograms are 40 KiB; keep them off the stack. */
static struct hist *
new_hist(void)
{
	struct hist *h = xmalloc(sizeof(*h));

	hist_init(h);
	return h;
}

/* |mid - v| / v <= 2^-(S+1), in integers: |mid - v| * 2^(S+1) <= v. */
static void
check_bound(uint64_t v, uint64_t mid)
{
	uint64_t d = mid > v ? mid - v : v - mid;

	if (d > (v >> (HIST_SUB_BITS + 1))) {
		print_error("v=%llu reported %llu\n", (unsigned long long)v,
		    (unsigned long long)mid);
		fail();
	}
}

static void
test_empty(void **state)
{
	struct hist *h = new_hist();

	(void)state;
	assert_true(hist_is_empty(h));
	assert_int_equal(h->count, 0);
	assert_int_equal(h->clamped, 0);
	assert_true(h->min == UINT64_MAX);
	assert_int_equal(h->max, 0);
	assert_int_equal(hist_percentile(h, 50), 0);
	assert_int_equal(hist_percentile(h, 100), 0);
	hist_record(h, 7);
	assert_false(hist_is_empty(h));
	free(h);
}

/* Values below 2^(S+1) have a bucket each, indexed by the value. */
static void
test_exact_small(void **state)
{
	uint64_t v, lo, hi;

	(void)state;
	for (v = 0; v < 2 * HIST_SUB; v++) {
		assert_int_equal(hist_index(v), v);
		hist_bucket_range((unsigned)v, &lo, &hi);
		assert_int_equal(lo, v);
		assert_int_equal(hi, v);
	}
	/* Percentiles of small values are exact, not just within bound. */
	{
		static const uint64_t vals[]
		    = { 0, 1, 2, 3, 100, 127, 128, 255 };
		struct hist *h = new_hist();
		size_t       i;

		for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
			hist_record(h, vals[i]);
		/* 8 values: p = 12.5 * k gives rank k exactly. */
		for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
			assert_int_equal(
			    hist_percentile(h, 12.5 * (i + 1)), vals[i]);
		free(h);
	}
}

/* Buckets tile [0, 2^45) without gaps or overlaps, and hist_index is the
 * inverse of hist_bucket_range. */
static void
test_bucket_layout(void **state)
{
	uint64_t lo, hi, prev_hi = 0;
	unsigned i;

	(void)state;
	for (i = 0; i < HIST_BUCKETS; i++) {
		hist_bucket_range(i, &lo, &hi);
		if (i > 0)
			assert_int_equal(lo, prev_hi + 1);
		assert_true(lo <= hi);
		assert_int_equal(hist_index(lo), i);
		assert_int_equal(hist_index(hi), i);
		assert_int_equal(hist_index(lo + (hi - lo) / 2), i);
		prev_hi = hi;
	}
	assert_int_equal(prev_hi, LIMIT - 1);
	assert_int_equal(hist_index(LIMIT), HIST_BUCKETS - 1);
	assert_int_equal(hist_index(UINT64_MAX), HIST_BUCKETS - 1);
}

/* The reported value is within 2^-(S+1) of the recorded one, checked both on
 * the bucket midpoint and through hist_percentile. */
static void
check_value(struct hist *h, uint64_t v)
{
	uint64_t lo, hi;

	hist_bucket_range(hist_index(v), &lo, &hi);
	assert_true(lo <= v && v <= hi);
	check_bound(v, lo + (hi - lo) / 2);

	/* Median of {0, v, the last value that fits} is rank 2: the
	 * midpoint path. */
	hist_init(h);
	hist_record(h, 0);
	hist_record(h, v);
	hist_record(h, LIMIT - 1);
	check_bound(v, hist_percentile(h, 50));
}

static void
test_error_bound_sweep(void **state)
{
	struct hist *h = new_hist();
	uint64_t     v;
	double       x;
	unsigned     m;

	(void)state;
	for (v = 1; v <= 4096; v++)
		check_value(h, v);
	/* Geometric sweep, 0.1 % apart, 1 ns .. 1 hour. */
	for (x = 1; x <= (double)NS_PER_HOUR; x *= 1.001)
		check_value(h, (uint64_t)x);
	check_value(h, NS_PER_HOUR);
	/* Both sides of every power of two, where bucket widths change. */
	for (m = 1; m < HIST_SUB_BITS + HIST_GROUPS; m++) {
		check_value(h, ((uint64_t)1 << m) - 1);
		check_value(h, (uint64_t)1 << m);
		check_value(h, ((uint64_t)1 << m) + 1);
	}
	free(h);
}

/* 1..10000 uniform: the rank-k value is k, reported within the bound. */
static void
test_percentile_uniform(void **state)
{
	static const struct {
		double   p;
		uint64_t want;
		bool     exact;
	} cases[] = {
		{ 0.01, 1, true },
		{ 1, 100, false },
		{ 25, 2500, false },
		{ 50, 5000, false },
		{ 90, 9000, false },
		{ 99, 9900, false },
		{ 99.9, 9990, false },
		{ 99.99, 9999, false },
		{ 100, 10000, true },
	};
	struct hist *h = new_hist();
	uint64_t     v;
	size_t       i;

	(void)state;
	for (v = 1; v <= 10000; v++)
		hist_record(h, v);
	assert_int_equal(h->count, 10000);
	assert_int_equal(h->min, 1);
	assert_int_equal(h->max, 10000);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t got = hist_percentile(h, cases[i].p);

		if (cases[i].exact)
			assert_int_equal(got, cases[i].want);
		else
			check_bound(cases[i].want, got);
	}
	free(h);
}

/* Rank = ceil(p/100 * count): checked where the ceiling matters, on values
 * small enough to be exact. */
static void
test_percentile_rank(void **state)
{
	static const struct {
		double   p;
		uint64_t want;
	} cases[] = {
		{ -5, 10 },
		{ 0, 10 },
		{ 1, 10 },
		{ 25, 10 },
		{ 25.001, 20 },
		{ 50, 20 },
		{ 50.1, 30 },
		{ 75, 30 },
		{ 75.5, 40 },
		{ 100, 40 },
		{ 150, 40 },
	};
	struct hist *h = new_hist();
	size_t       i;

	(void)state;
	hist_record(h, 40);
	hist_record(h, 10);
	hist_record(h, 30);
	hist_record(h, 20);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(
		    hist_percentile(h, cases[i].p), cases[i].want);

	/* 99.9/100 * 1000 is 999.0000000000001 in doubles: still rank 999. */
	hist_init(h);
	for (i = 0; i < 999; i++)
		hist_record(h, 100);
	hist_record(h, 200);
	assert_int_equal(hist_percentile(h, 99.9), 100);
	assert_int_equal(hist_percentile(h, 99.95), 200);
	free(h);
}

/* p100 is the exact max even when the max is not its bucket's midpoint. */
static void
test_percentile_extremes(void **state)
{
	struct hist *h = new_hist();

	(void)state;
	hist_record(h, 5001);
	hist_record(h, 5020);
	hist_record(h, 1000003);
	assert_int_equal(hist_percentile(h, 100), 1000003);
	assert_int_equal(hist_percentile(h, 1), 5001);
	/* rank 2: midpoint of 5020's bucket [4992, 5023] */
	assert_int_equal(hist_percentile(h, 50), 5007);
	free(h);
}

static uint64_t
xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Log-uniform values up to about 2^47, so some are clamped. */
static uint64_t
random_ns(uint64_t *s)
{
	uint64_t r = xorshift(s);

	return r >> (r % 47 + 17); /* shift 17..63 */
}

static void
test_merge_union(void **state)
{
	struct hist *a = new_hist(), *b = new_hist(), *u = new_hist();
	struct hist *e    = new_hist();
	uint64_t     seed = 0x9e3779b97f4a7c15ull, v;
	int          i;

	(void)state;
	for (i = 0; i < 20000; i++) {
		v = random_ns(&seed);
		hist_record(i % 3 ? a : b, v);
		hist_record(u, v);
	}
	hist_record(a, 0);
	hist_record(u, 0);
	hist_record(b, UINT64_MAX);
	hist_record(u, UINT64_MAX);
	assert_true(a->count > 0 && b->count > 0);

	hist_merge(a, b);
	assert_memory_equal(a, u, sizeof(*u));
	assert_true(u->clamped > 0);

	/* The empty histogram is the identity, on either side. */
	hist_merge(a, e);
	assert_memory_equal(a, u, sizeof(*u));
	hist_merge(e, u);
	assert_memory_equal(e, u, sizeof(*u));
	free(a);
	free(b);
	free(u);
	free(e);
}

static void
test_clamp(void **state)
{
	struct hist *h = new_hist();

	(void)state;
	hist_record(h, LIMIT - 1); /* fits, last bucket */
	assert_int_equal(h->clamped, 0);
	hist_record(h, LIMIT);
	hist_record(h, UINT64_MAX);
	assert_int_equal(h->count, 3);
	assert_int_equal(h->clamped, 2);
	assert_int_equal(h->b[HIST_BUCKETS - 1], 3);
	assert_int_equal(h->min, LIMIT - 1);
	assert_true(h->max == UINT64_MAX);
	assert_true(hist_percentile(h, 100) == UINT64_MAX);
	/* The last bucket's midpoint is below min here: clamped to min. */
	assert_int_equal(hist_percentile(h, 50), LIMIT - 1);
	free(h);
}

/* One interval's values out of a cumulative histogram: a second with one
 * 5 ms query after many 1 ms ones reads 5 ms at p50 and p99 (it read 0:
 * the difference had min 0, and rank 1 returns min). */
static void
test_diff_interval(void **state)
{
	struct hist *cur = new_hist(), *prev = new_hist(), *d = new_hist();
	uint64_t     p50, p99;

	(void)state;
	for (int i = 0; i < 100; i++)
		hist_record(cur, 1000000);
	hist_record(cur, 900); /* the run's min, before the interval */
	memcpy(prev, cur, sizeof(*cur));
	hist_record(cur, 5000000);
	hist_diff(d, cur, prev);
	assert_int_equal(d->count, 1);
	p50 = hist_percentile(d, 50);
	p99 = hist_percentile(d, 99);
	assert_true(p50 > 4980000 && p50 < 5020000);
	assert_int_equal(p50, p99);
	/* two values: p50 the lower, p99 the higher, each within 0.4 % */
	memcpy(prev, cur, sizeof(*cur));
	hist_record(cur, 2000000);
	hist_record(cur, 3000000);
	hist_diff(d, cur, prev);
	assert_int_equal(d->count, 2);
	assert_true(hist_percentile(d, 50) > 1992000
	    && hist_percentile(d, 50) < 2008000);
	assert_true(hist_percentile(d, 99) > 2988000
	    && hist_percentile(d, 99) < 3012000);
	/* nothing in between: empty */
	memcpy(prev, cur, sizeof(*cur));
	hist_diff(d, cur, prev);
	assert_true(hist_is_empty(d));
	assert_int_equal(hist_percentile(d, 50), 0);
	free(cur);
	free(prev);
	free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_exact_small),
		cmocka_unit_test(test_bucket_layout),
		cmocka_unit_test(test_error_bound_sweep),
		cmocka_unit_test(test_percentile_uniform),
		cmocka_unit_test(test_percentile_rank),
		cmocka_unit_test(test_percentile_extremes),
		cmocka_unit_test(test_merge_union),
		cmocka_unit_test(test_clamp),
		cmocka_unit_test(test_diff_interval),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
