/* test_pyfmt.c - Python number formats: round(), repr(), '{:,}'.
 *
 * Expected values were produced once with CPython 3.11 (the doubles are
 * written as hex literals so they are exact).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <string.h>

#include "pyfmt.h"
#include "pyround.h"
#include "rng.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
	double x;
	int    nd;
	double want;
} round_cases[] = {
	{ 0x1.0000000000000p-3, 2, 0x1.eb851eb851eb8p-4 },        /* 0.12 */
	{ 0x1.8000000000000p-2, 2, 0x1.851eb851eb852p-2 },        /* 0.38 */
	{ 0x1.5666666666666p+1, 2, 0x1.55c28f5c28f5cp+1 },        /* 2.67 */
	{ 0x1.0147ae147ae14p+0, 2, 0x1.0000000000000p+0 },        /* 1.0 */
	{ 0x1.4000000000000p+1, 0, 0x1.0000000000000p+1 },        /* 2.0 */
	{ 0x1.c000000000000p+1, 0, 0x1.0000000000000p+2 },        /* 4.0 */
	{ -0x1.4000000000000p+1, 0, -0x1.0000000000000p+1 },      /* -2.0 */
	{ 0x1.0000000000000p-1, 0, 0x0.0p+0 },                    /* 0.0 */
	{ 0x1.8000000000000p+0, 0, 0x1.0000000000000p+1 },        /* 2.0 */
	{ -0x1.0624dd2f1a9fcp-10, 2, -0x0.0p+0 },                 /* -0.0 */
	{ 0x1.9000000000000p+5, -2, 0x0.0p+0 },                   /* 0.0 */
	{ 0x1.2c00000000000p+7, -2, 0x1.9000000000000p+7 },       /* 200.0 */
	{ 0x1.3860000000000p+10, -2, 0x1.2c00000000000p+10 },     /* 1200.0 */
	{ 0x1.3880000000000p+10, -2, 0x1.2c00000000000p+10 },     /* 1200.0 */
	{ 0x1.5180000000000p+10, -2, 0x1.5e00000000000p+10 },     /* 1400.0 */
	{ -0x1.5180000000000p+10, -2, -0x1.5e00000000000p+10 },   /* -1400.0 */
	{ 0x1.81cd6c8b43958p+13, -1, 0x1.81f0000000000p+13 },     /* 12350.0 */
	{ 0x1.7e43c8800759cp+996, -299, 0x1.7e43c8800759cp+996 }, /* 1e+300 */
	{ 0x0.0000000000001p-1022, 323, 0x0.0p+0 },               /* 0.0 */
	{ 0x0.0000000000001p-1022, 324, 0x0.0000000000001p-1022 }, /* 5e-324 */
	{ 0x1.56e1fc2f8f359p-997, 299, 0x0.0p+0 },                 /* 0.0 */
	{ 0x1.edd2f1a9fbe77p+6, 400, 0x1.edd2f1a9fbe77p+6 },  /* 123.456 */
	{ 0x1.edd2f1a9fbe77p+6, -400, 0x0.0p+0 },             /* 0.0 */
	{ 0x1.994199999999ap+10, 2, 0x1.9941eb851eb85p+10 },  /* 1637.03 */
	{ 0x1.994199999999ap+10, 2, 0x1.9941eb851eb85p+10 },  /* 1637.03 */
	{ 0x1.3731e4f765fd9p+8, 2, 0x1.3730a3d70a3d7p+8 },    /* 311.19 */
	{ 0x1.47ae147ae147bp-8, 2, 0x1.47ae147ae147bp-7 },    /* 0.01 */
	{ 0x1.47ae147ae147bp-8, 2, 0x1.47ae147ae147bp-7 },    /* 0.01 */
	{ 0x1.eb851eb851eb8p-7, 2, 0x1.47ae147ae147bp-7 },    /* 0.01 */
	{ 0x1.999999999999ap-6, 2, 0x1.eb851eb851eb8p-6 },    /* 0.03 */
	{ 0x1.528aaaaaaaaaap+15, 0, 0x1.528a000000000p+15 },  /* 43333.0 */
	{ 0x1.5666666666666p+1, 5, 0x1.5666666666666p+1 },    /* 2.675 */
	{ 0x1.1c37937e08001p+53, -1, 0x1.1c37937e08000p+53 }, /* 1e+16 */
	{ 0x1.0000000000000p+53, -1,
	    0x1.ffffffffffffep+52 }, /* 9007199254740990.0 */
	{ 0x1.999999999999ap-4, 1, 0x1.999999999999ap-4 },  /* 0.1 */
	{ 0x1.3333333333333p-2, 20, 0x1.3333333333333p-2 }, /* 0.3 */
	{ -0x0.0p+0, 2, -0x0.0p+0 },                        /* -0.0 */
	{ 0x1.69b0000000000p+5, 2, 0x1.69ae147ae147bp+5 },  /* 45.21 */
};

static const struct {
	double      x;
	const char *want;
} repr_cases[] = {
	{ 0x0.0p+0, "0.0" },
	{ -0x0.0p+0, "-0.0" },
	{ 0x1.999999999999ap-4, "0.1" },
	{ 0x1.3333333333333p-1, "0.6" },
	{ 0x1.8000000000000p+1, "3.0" },
	{ -0x1.8000000000000p+1, "-3.0" },
	{ 0x1.1c37937e08000p+53, "1e+16" },
	{ 0x1.c6bf526340000p+49, "1000000000000000.0" },
	{ 0x1.1c37937e07fffp+53, "9999999999999998.0" },
	{ 0x1.f75104d551d69p-17, "1.5e-05" },
	{ 0x1.a36e2eb1c432dp-14, "0.0001" },
	{ 0x1.f75104d551d69p-14, "0.00012" },
	{ 0x1.4f8b588e368f1p-17, "1e-05" },
	{ 0x0.0000000000001p-1022, "5e-324" },
	{ 0x1.fffffffffffffp+1023, "1.7976931348623157e+308" },
	{ 0x1.0000000000000p-1017, "7.120236347223045e-307" },
	{ 0x1.0000000000000p-1007, "7.291122019556398e-304" },
	{ 0x1.7b1cef93c06b6p+5, "47.38912883215873" },
	{ 0x1.5555555555555p-2, "0.3333333333333333" },
	{ 0x1.5555555555555p-1, "0.6666666666666666" },
	{ 0x1.9000000000000p+6, "100.0" },
	{ 0x1.0f0cf064dd592p+73, "1e+22" },
	{ 0x1.52d02c7e14af6p+76, "1e+23" },
	{ 0x1.d6f34547df3b6p+26, "123456789.123" },
	{ 0x1.0000000000001p+53, "9007199254740994.0" },
	{ 0x1.0f428f5c28f5cp+10, "1085.04" },
	{ 0x1.1b66666666666p+9, "566.8" },
	{ 0x1.47ae147ae147bp-6, "0.02" },
	{ 0x1.0c6f7a0b5ed8dp-15, "3.2e-05" },
	{ -0x1.147f19dd7eb02p-332, "-1.2345e-100" },
	{ 0x1.249ad2594c37dp+332, "1e+100" },
	{ 0x1.9b851eb851eb8p+3, "12.86" },
	{ NAN, "nan" },
	{ INFINITY, "inf" },
	{ -INFINITY, "-inf" },
};

static const struct {
	double      x;
	const char *want;
} comma_cases[] = {
	{ 0x1.0f428f5c28f5cp+10, "1,085.04" },
	{ 0x1.528a000000000p+15, "43,333.0" },
	{ 0x1.1c37937e08000p+53, "1e+16" },
	{ 0x1.92a737110e454p-17, "1.2e-05" },
	{ 0x1.c6bf526340000p+49, "1,000,000,000,000,000.0" },
	{ -0x1.2d68780000000p+20, "-1,234,567.5" },
	{ 0x1.f3c0000000000p+9, "999.5" },
	{ 0x1.f400000000000p+9, "1,000.0" },
	{ -0x1.f400000000000p+9, "-1,000.0" },
	{ 0x1.0000000000000p-1, "0.5" },
	{ 0x1.e240c9fbe76c9p+16, "123,456.789" },
	{ 0x1.4f8b588e368f1p-17, "1e-05" },
	{ 0x1.9b851eb851eb8p+3, "12.86" },
	{ 0x1.82c28f5c28f5cp+8, "386.76" },
	{ NAN, "nan" },
	{ -INFINITY, "-inf" },
};

static const struct {
	int64_t     v;
	const char *want;
} int_cases[] = {
	{ 0, "0" },
	{ 7, "7" },
	{ 999, "999" },
	{ 1000, "1,000" },
	{ -1000, "-1,000" },
	{ 2600000, "2,600,000" },
	{ 155998800, "155,998,800" },
	{ -123456789, "-123,456,789" },
	{ INT64_MAX, "9,223,372,036,854,775,807" },
	{ INT64_MIN, "-9,223,372,036,854,775,808" },
};

static void
test_round(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < N_ELEMS(round_cases); i++) {
		double got = pyfmt_round(round_cases[i].x, round_cases[i].nd);

		/* bit for bit, so the sign of a zero counts too */
		if (memcmp(&got, &round_cases[i].want, sizeof(got)) != 0)
			fail_msg("round(%a, %d) = %a, want %a",
			    round_cases[i].x, round_cases[i].nd, got,
			    round_cases[i].want);
	}
	assert_true(isnan(pyfmt_round(NAN, 2)));
	assert_true(pyfmt_round(INFINITY, 2) == INFINITY);
}

/* py_round(), the fast one, on the same cases and on ties (CPython 3.11:
 * round(2.675, 2) = 2.67, round(0.125, 2) = 0.12, round(0.375, 2) = 0.38,
 * round(1.005, 2) = 1.0, round(-0.001, 2) = -0.0), and against
 * pyfmt_round() on values and (near) ties of 0..4 places. */
static void
test_py_round(void **state)
{
	struct xrng r;
	unsigned    i;

	(void)state;
	for (i = 0; i < N_ELEMS(round_cases); i++) {
		double got = py_round(round_cases[i].x, round_cases[i].nd);

		assert_true(got == round_cases[i].want);
		assert_int_equal(signbit(got), signbit(round_cases[i].want));
	}
	assert_true(py_round(2.675, 2) == 2.67);
	assert_true(py_round(0.125, 2) == 0.12);
	assert_true(py_round(0.375, 2) == 0.38);
	assert_true(py_round(1.005, 2) == 1.0);
	assert_true(py_round(2.5, 0) == 2.0 && py_round(3.5, 0) == 4.0);
	assert_true(py_round(12.34565, 4) == 12.3456);
	assert_true(signbit(py_round(-0.001, 2)));
	assert_true(py_round(1e300, 2) == 1e300);
	assert_true(isnan(py_round(NAN, 2)));
	xrng_seed(&r, 11, 0);
	for (i = 0; i < 300000; i++) {
		double x  = (xrng_uniform(&r) - 0.3) * 300;
		int    nd = (int)(i % 5);

		if (i % 3 == 1) /* k/100 + 0.005: ties of the decimal text */
			x = floor(x * 100) / 100 + 0.005;
		else if (i % 3 == 2) /* one ulp off a tie of 4 places */
			x = nextafter(floor(x * 10000) / 10000 + 0.00005,
			    (i & 8) ? 1e9 : -1e9);
		if (py_round(x, nd) != pyfmt_round(x, nd)
		    || signbit(py_round(x, nd)) != signbit(pyfmt_round(x, nd)))
			fail_msg("round(%.17g, %d): fast %.17g, exact %.17g",
			    x, nd, py_round(x, nd), pyfmt_round(x, nd));
	}
}

static void
test_repr(void **state)
{
	char   out[64];
	size_t i;
	int    n;

	(void)state;
	for (i = 0; i < N_ELEMS(repr_cases); i++) {
		n = pyfmt_repr(out, sizeof(out), repr_cases[i].x);
		assert_string_equal(out, repr_cases[i].want);
		assert_int_equal(n, strlen(repr_cases[i].want));
	}
}

static void
test_float_comma(void **state)
{
	char   out[64];
	size_t i;
	int    n;

	(void)state;
	for (i = 0; i < N_ELEMS(comma_cases); i++) {
		n = pyfmt_float_comma(out, sizeof(out), comma_cases[i].x);
		assert_string_equal(out, comma_cases[i].want);
		assert_int_equal(n, strlen(comma_cases[i].want));
	}
}

static void
test_int_comma(void **state)
{
	char   out[64];
	size_t i;
	int    n;

	(void)state;
	for (i = 0; i < N_ELEMS(int_cases); i++) {
		n = pyfmt_int_comma(out, sizeof(out), int_cases[i].v);
		assert_string_equal(out, int_cases[i].want);
		assert_int_equal(n, strlen(int_cases[i].want));
	}
}

static void
test_nospace(void **state)
{
	char out[16];

	(void)state;
	/* "1,085.04" needs 9 bytes with the NUL */
	assert_int_equal(pyfmt_float_comma(out, 8, 1085.04), -ENOSPC);
	assert_int_equal(pyfmt_float_comma(out, 9, 1085.04), 8);
	assert_string_equal(out, "1,085.04");
	assert_int_equal(pyfmt_repr(out, 3, 0.25), -ENOSPC);
	assert_int_equal(pyfmt_repr(out, 5, 0.25), 4);
	assert_int_equal(pyfmt_int_comma(out, 9, 2600000), -ENOSPC);
	assert_int_equal(pyfmt_int_comma(out, 10, 2600000), 9);
	assert_string_equal(out, "2,600,000");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round),
		cmocka_unit_test(test_py_round),
		cmocka_unit_test(test_repr),
		cmocka_unit_test(test_float_comma),
		cmocka_unit_test(test_int_comma),
		cmocka_unit_test(test_nospace),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
