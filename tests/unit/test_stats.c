/* test_stats.c - unit tests of the per-thread statistics (common/stats.c).
 *
 * Mean, standard deviation and geometric mean are compared with values the
 * test computes itself (two-pass, in long double); merging two stats must
 * equal recording the union.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "xalloc.h"

struct sample {
	uint64_t ns;
	bool     ok;
};

static struct stats *
new_stats(void)
{
	struct stats *s = xmalloc(sizeof(*s));

	stats_init(s);
	return s;
}

static void
assert_close(double got, double want, double rel)
{
	double tol = fabs(want) * rel;

	if (!(fabs(got - want) <= tol)) {
		print_error(
		    "got %.17g, want %.17g (rel %g)\n", got, want, rel);
		fail();
	}
}

/* Reference values: mean and population stddev over all samples, geometric
 * mean over ok samples with ns > 0, all in seconds. */
static void
reference(
    const struct sample *v, size_t n, double *mean, double *sd, double *geo)
{
	long double sum = 0, dev = 0, lsum = 0, m;
	size_t      i, nlog = 0;

	for (i = 0; i < n; i++)
		sum += (long double)v[i].ns / 1e9L;
	m = sum / n;
	for (i = 0; i < n; i++) {
		long double d = (long double)v[i].ns / 1e9L - m;

		dev += d * d;
		if (v[i].ok && v[i].ns > 0) {
			lsum += logl((long double)v[i].ns / 1e9L);
			nlog++;
		}
	}
	*mean = (double)m;
	*sd   = (double)sqrtl(dev / n);
	*geo  = nlog ? (double)expl(lsum / nlog) : 0;
}

static void
test_empty(void **state)
{
	struct stats *s = new_stats();

	(void)state;
	assert_true(stats_mean_s(s) == 0);
	assert_true(stats_stddev_s(s) == 0);
	assert_true(stats_geomean_s(s) == 0);
	assert_true(hist_is_empty(&s->h));
	free(s);
}

static void
test_known_values(void **state)
{
	static const struct sample v[] = {
		{ 1000000, true },
		{ 2000000, true },
		{ 4000000, true },
		{ 8000000, false },
		{ 0, true },
		{ 250000, true },
		{ 123456789, true },
		{ 5, false },
		{ 999, true },
		{ 3000000000, true },
	};
	const size_t  n = sizeof(v) / sizeof(v[0]);
	struct stats *s = new_stats();
	double        mean, sd, geo;
	size_t        i;

	(void)state;
	for (i = 0; i < n; i++)
		stats_record(s, v[i].ns, v[i].ok);
	reference(v, n, &mean, &sd, &geo);

	assert_int_equal(s->attempts, n);
	assert_int_equal(s->ok, 8);
	assert_int_equal(s->failed, 2);
	assert_int_equal(s->n_log, 7); /* the ok 0 ns is left out */
	assert_int_equal(s->h.count, n);
	assert_int_equal(s->h.min, 0);
	assert_int_equal(s->h.max, 3000000000u);
	assert_close(stats_mean_s(s), mean, 1e-12);
	assert_close(stats_stddev_s(s), sd, 1e-9);
	assert_close(stats_geomean_s(s), geo, 1e-12);
	free(s);
}

/* Geometric mean of 1 ms and 100 ms is 10 ms, whatever the failures. */
static void
test_geomean_simple(void **state)
{
	struct stats *s = new_stats();

	(void)state;
	stats_record(s, 1000000, true);
	stats_record(s, 100000000, true);
	stats_record(s, 7, false);
	stats_record(s, 0, true);
	assert_close(stats_geomean_s(s), 0.01, 1e-12);
	assert_close(stats_mean_s(s), (1e-3 + 0.1 + 7e-9) / 4, 1e-12);
	free(s);
}

/* Equal latencies: E[x^2] - E[x]^2 may round below zero; stddev must still
 * be a tiny non-negative number, not NaN. */
static void
test_constant(void **state)
{
	static const uint64_t vals[] = { 1, 999, 1234567, 987654321987 };
	size_t                i, k;

	(void)state;
	for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		struct stats *s = new_stats();
		double        sd;

		for (k = 0; k < 1001; k++)
			stats_record(s, vals[i], true);
		sd = stats_stddev_s(s);
		assert_false(isnan(sd));
		assert_true(sd >= 0 && sd <= vals[i] * 1e-9 * 1e-6);
		assert_close(stats_mean_s(s), vals[i] * 1e-9, 1e-12);
		assert_close(stats_geomean_s(s), vals[i] * 1e-9, 1e-12);
		free(s);
	}
}

/* Counters the caller bumps directly, scaled by k. */
static void
bump(struct stats *s, uint64_t k)
{
	s->throttles      = k;
	s->rejected       = 2 * k;
	s->records        = 3 * k;
	s->points         = 4 * k;
	s->behind         = 5 * k;
	s->skipped        = 6 * k;
	s->skipped_points = 7 * k;
}

static void
test_merge_union(void **state)
{
	struct stats *a = new_stats(), *b = new_stats(), *u = new_stats();
	uint64_t      x = 88172645463325252ull;
	int           i;

	(void)state;
	for (i = 0; i < 5000; i++) {
		uint64_t ns;
		bool     ok;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		ns = x >> (x % 40 + 24);
		ok = x % 7 != 0;
		stats_record(i % 2 ? a : b, ns, ok);
		stats_record(u, ns, ok);
		stats_record_open(i % 2 ? a : b, 100, 100 + ns / 3, 100 + ns);
		stats_record_open(u, 100, 100 + ns / 3, 100 + ns);
	}
	bump(a, 1);
	bump(b, 2);
	bump(u, 3);

	stats_merge(a, b);
	assert_int_equal(a->attempts, u->attempts);
	assert_int_equal(a->ok, u->ok);
	assert_int_equal(a->failed, u->failed);
	assert_int_equal(a->attempts, a->ok + a->failed);
	assert_int_equal(a->throttles, u->throttles);
	assert_int_equal(a->rejected, u->rejected);
	assert_int_equal(a->records, u->records);
	assert_int_equal(a->points, u->points);
	assert_int_equal(a->behind, u->behind);
	assert_int_equal(a->n_log, u->n_log);
	/* Sums differ only by the order of floating-point additions. */
	assert_close(a->sum, u->sum, 1e-12);
	assert_close(a->sum2, u->sum2, 1e-12);
	assert_close(a->sum_log, u->sum_log, 1e-12);
	assert_close(stats_stddev_s(a), stats_stddev_s(u), 1e-9);
	assert_memory_equal(&a->h, &u->h, sizeof(u->h));
	assert_memory_equal(&a->hi, &u->hi, sizeof(u->hi));
	assert_memory_equal(&a->hl, &u->hl, sizeof(u->hl));
	assert_int_equal(a->skipped, u->skipped);
	assert_int_equal(a->skipped_points, u->skipped_points);
	free(a);
	free(b);
	free(u);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_known_values),
		cmocka_unit_test(test_geomean_simple),
		cmocka_unit_test(test_constant),
		cmocka_unit_test(test_merge_union),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
