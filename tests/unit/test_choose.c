/* test_choose.c - unit tests of the weighted choice (query/choose.c).
 *
 * Frequencies over 10^6 draws of a local generator stay within 4 sigma of
 * the weights; zero weights are never picked, also at u = 0 and u just
 * below 1; the binary search agrees with a linear scan; bad weights are
 * refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>

#include "choose.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define DRAWS 1000000

/* splitmix64: a small generator of our own, so the test needs no rng.c. */
static uint64_t
next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static double
uniform(uint64_t *s)
{
	return (double)(next(s) >> 11) * 0x1.0p-53;
}

/* Checks the frequency of each item against its weight. */
static void
check_freq(const double *w, unsigned n, uint64_t seed)
{
	struct chooser c;
	unsigned long  count[16] = { 0 };
	double         total     = 0;
	unsigned       i;

	assert_true(n <= N(count));
	assert_int_equal(choose_init(&c, w, n), 0);
	for (i = 0; i < n; i++)
		total += w[i];
	for (i = 0; i < DRAWS; i++) {
		unsigned k = choose_pick(&c, uniform(&seed));

		assert_true(k < n);
		count[k]++;
	}
	for (i = 0; i < n; i++) {
		double p = w[i] / total, mean = DRAWS * p;
		double sigma = sqrt(DRAWS * p * (1 - p));

		if (w[i] == 0) {
			assert_int_equal(count[i], 0);
			continue;
		}
		if (fabs((double)count[i] - mean) > 4 * sigma + 1) {
			print_error(
			    "item %u: %lu draws, expected %.1f +- %.1f\n", i,
			    count[i], mean, 4 * sigma);
			fail();
		}
	}
	choose_free(&c);
}

static void
test_seed_mix(void **state)
{
	static const double w[] = { 60, 35, 2.9, 2, 0.05, 0.05 };

	(void)state;
	check_freq(w, N(w), 1);
}

static void
test_zeros_mixed_in(void **state)
{
	static const double w[] = { 0, 10, 0, 0, 30, 0, 60, 0 };
	static const double v[] = { 0, 1e-300, 0, 1, 0 };

	(void)state;
	check_freq(w, N(w), 2);
	check_freq(v, N(v), 3);
}

static void
test_edges(void **state)
{
	static const double w[] = { 0, 1, 0, 1, 0 };
	static const double h[] = { 1, 1 };
	struct chooser      c;
	double              below1 = nextafter(1.0, 0.0);

	(void)state;
	assert_int_equal(choose_init(&c, w, N(w)), 0);
	assert_int_equal(choose_pick(&c, 0.0), 1);
	assert_int_equal(choose_pick(&c, 0.4999999), 1);
	assert_int_equal(choose_pick(&c, 0.5), 3);
	assert_int_equal(choose_pick(&c, below1), 3);
	/* Out of range: clamped, still never a zero weight. */
	assert_int_equal(choose_pick(&c, 1.0), 3);
	assert_int_equal(choose_pick(&c, 7.0), 3);
	assert_int_equal(choose_pick(&c, -1.0), 1);
	assert_int_equal(choose_pick(&c, NAN), 1);
	choose_free(&c);

	/* Like searchsorted(side='right'): a u on a boundary goes up. */
	assert_int_equal(choose_init(&c, h, N(h)), 0);
	assert_int_equal(choose_pick(&c, nextafter(0.5, 0.0)), 0);
	assert_int_equal(choose_pick(&c, 0.5), 1);
	choose_free(&c);

	/* One item takes everything. */
	assert_int_equal(choose_init(&c, h, 1), 0);
	assert_int_equal(choose_pick(&c, 0.0), 0);
	assert_int_equal(choose_pick(&c, below1), 0);
	choose_free(&c);
}

/* The binary search equals a linear scan over the same table. */
static void
test_against_scan(void **state)
{
	static const double w[] = { 3, 0, 1e-9, 7, 0, 0, 2.5, 0.5, 0 };
	struct chooser      c;
	uint64_t            seed = 4;
	unsigned            i, k;

	(void)state;
	assert_int_equal(choose_init(&c, w, N(w)), 0);
	for (i = 0; i < 100000; i++) {
		double u = uniform(&seed);

		for (k = 0; k < c.n && !(c.cum[k] > u); k++)
			;
		assert_int_equal(choose_pick(&c, u), k);
		assert_true(w[k] > 0);
	}
	choose_free(&c);
}

static void
test_bad_weights(void **state)
{
	static const double neg[]  = { 1, -0.5 };
	static const double nan[]  = { 1, NAN };
	static const double inf[]  = { INFINITY, 1 };
	static const double zero[] = { 0, 0, 0 };
	static const double huge[] = { 1.7e308, 1.7e308 };
	struct chooser      c;

	(void)state;
	assert_int_equal(choose_init(&c, neg, 0), -EINVAL);
	assert_int_equal(choose_init(&c, neg, N(neg)), -EINVAL);
	assert_int_equal(choose_init(&c, nan, N(nan)), -EINVAL);
	assert_int_equal(choose_init(&c, inf, N(inf)), -EINVAL);
	assert_int_equal(choose_init(&c, zero, N(zero)), -EINVAL);
	assert_int_equal(choose_init(&c, huge, N(huge)), -EINVAL);
	assert_null(c.cum);
	choose_free(&c); /* harmless on an empty chooser */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_mix),
		cmocka_unit_test(test_zeros_mixed_in),
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_against_scan),
		cmocka_unit_test(test_bad_weights),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
