/* test_backoff.c - the full-jitter backoff: ceilings for small and huge
 * attempt numbers (no overflow, no undefined shift), and draws within
 * them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "backoff.h"

#define MS (UINT64_C(1000000))

static void
test_ceiling(void **state)
{
	static const struct {
		uint64_t base, cap, attempt, want;
	} cases[] = {
		{ 10 * MS, 5000 * MS, 0, 10 * MS },
		{ 10 * MS, 5000 * MS, 1, 20 * MS },
		{ 10 * MS, 5000 * MS, 8, 2560 * MS },
		{ 10 * MS, 5000 * MS, 9, 5000 * MS }, /* 5120 ms: capped */
		{ 10 * MS, 5000 * MS, 20, 5000 * MS },
		{ 50 * MS, 5000 * MS, 6, 3200 * MS },
		{ 50 * MS, 5000 * MS, 7, 5000 * MS },
		{ 10 * MS, 5000 * MS, 31, 5000 * MS },
		{ 10 * MS, 5000 * MS, 33, 5000 * MS },
		{ 10 * MS, 5000 * MS, 63, 5000 * MS },
		{ 10 * MS, 5000 * MS, 64, 5000 * MS },
		{ 10 * MS, 5000 * MS, 1000, 5000 * MS },
		{ 10 * MS, 5000 * MS, UINT64_MAX, 5000 * MS },
		{ 1, UINT64_MAX, 63, UINT64_C(1) << 63 },
		{ 1, UINT64_MAX, 64, UINT64_MAX },
		{ 3, UINT64_MAX, 62, UINT64_C(3) << 62 },
		{ 3, UINT64_MAX, 63, UINT64_MAX },
		{ 0, 5000 * MS, 5, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(backoff_ceiling(cases[i].base, cases[i].cap,
		                     cases[i].attempt),
		    cases[i].want);
}

static void
test_draws(void **state)
{
	struct xrng r;
	uint64_t    max = 0;

	(void)state;
	xrng_seed(&r, 42, 7);
	for (uint64_t a = 0; a < 200; a++) {
		uint64_t c = backoff_ceiling(10 * MS, 5000 * MS, a);

		for (int k = 0; k < 50; k++) {
			uint64_t v = backoff_ns(&r, 10 * MS, 5000 * MS, a);

			assert_true(v < c);
			max = v > max ? v : max;
		}
	}
	/* full jitter reaches most of the cap */
	assert_true(max > 4000 * MS);
	assert_int_equal(backoff_ns(&r, 0, 5000 * MS, 3), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ceiling),
		cmocka_unit_test(test_draws),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
