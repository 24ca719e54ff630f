/* test_bootstrap.c - unit tests of the bootstrap interval of a difference
 * of means (common/base/bootstrap.c): deterministic for a seed, around
 * the true difference, and excluding 0 only when the samples differ. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>

#include "bootstrap.h"
#include "rng.h"

/* n values of mean m, spread +-s (uniform), from seed. */
static void
fill(double *x, size_t n, double m, double s, uint64_t seed)
{
	struct xrng r;

	xrng_seed(&r, seed, 1);
	for (size_t i = 0; i < n; i++)
		x[i] = m + s * (2 * xrng_uniform(&r) - 1);
}

static void
test_deterministic(void **state)
{
	double a[30], b[30], lo1, hi1, lo2, hi2, lo3, hi3;

	(void)state;
	fill(a, 30, 100, 10, 1);
	fill(b, 30, 100, 10, 2);
	assert_int_equal(
	    boot_diff_ci(a, 30, b, 30, 1000, 0.95, 7, &lo1, &hi1), 0);
	assert_int_equal(
	    boot_diff_ci(a, 30, b, 30, 1000, 0.95, 7, &lo2, &hi2), 0);
	assert_true(lo1 == lo2 && hi1 == hi2); /* the same seed: bit for bit */
	assert_int_equal(
	    boot_diff_ci(a, 30, b, 30, 1000, 0.95, 8, &lo3, &hi3), 0);
	assert_true(lo3 != lo1 || hi3 != hi1); /* another seed: another draw */
	assert_true(lo1 < hi1);
}

static void
test_verdicts(void **state)
{
	double a[40], b[40], c[40], lo, hi, d;

	(void)state;
	fill(a, 40, 1000, 50, 11);
	fill(b, 40, 1100, 50, 12); /* 10% more, far beyond the noise */
	fill(c, 40, 1000, 50, 13); /* the same distribution as a */
	assert_int_equal(
	    boot_diff_ci(a, 40, b, 40, 1000, 0.95, 1, &lo, &hi), 0);
	d = boot_mean(b, 40) - boot_mean(a, 40);
	assert_true(lo > 0 && lo < d && d < hi);
	assert_int_equal(
	    boot_diff_ci(b, 40, a, 40, 1000, 0.95, 1, &lo, &hi), 0);
	assert_true(hi < 0);
	assert_int_equal(
	    boot_diff_ci(a, 40, c, 40, 1000, 0.95, 1, &lo, &hi), 0);
	assert_true(lo < 0 && hi > 0);
	/* constant samples: an interval of one point */
	for (int i = 0; i < 40; i++)
		a[i] = b[i] = 5;
	assert_int_equal(
	    boot_diff_ci(a, 40, b, 40, 100, 0.95, 1, &lo, &hi), 0);
	assert_true(lo == 0 && hi == 0);
}

static void
test_bad_input(void **state)
{
	double a[2] = { 1, 2 }, lo, hi;

	(void)state;
	assert_int_equal(
	    boot_diff_ci(a, 1, a, 2, 100, 0.95, 1, &lo, &hi), -EINVAL);
	assert_int_equal(
	    boot_diff_ci(a, 2, a, 0, 100, 0.95, 1, &lo, &hi), -EINVAL);
	assert_int_equal(
	    boot_diff_ci(a, 2, a, 2, 0, 0.95, 1, &lo, &hi), -EINVAL);
	assert_int_equal(
	    boot_diff_ci(a, 2, a, 2, 100, 1.0, 1, &lo, &hi), -EINVAL);
	assert_true(boot_mean(a, 0) == 0);
	assert_true(fabs(boot_mean(a, 2) - 1.5) < 1e-15);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_bad_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
