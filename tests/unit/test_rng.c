/* test_rng.c - MT19937 against CPython's random.Random, and sanity checks
 * of the xoshiro256** streams.
 *
 * Expected values were produced once with CPython 3.11.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include "rng.h"

static void
test_prefix_vectors(void **state)
{
	static const struct {
		int64_t     seed;
		const char *want;
	} cases[] = {
		{ 12345, "zaZswmJk" },
		{ 56789, "sS6Eq1tZ" },
		{ 0, "0UAqFzWs" },
		{ 1, "i0VpEBOW" },
		{ -12345, "zaZswmJk" },          /* abs(seed) */
		{ 1099511627781LL, "Fq5GYW43" }, /* 2^40 + 5: two key words */
		{ INT64_MIN, "I6p0fUFC" },
		{ INT64_MAX, "tNXCDSUr" },
	};
	char   out[9];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(out, 'x', sizeof(out));
		mt_alnum_string(cases[i].seed, out, 8);
		assert_string_equal(out, cases[i].want);
	}
}

static void
test_u32_and_random(void **state)
{
	static const uint32_t u32[] = { 1789368711U, 3146859322U, 43676229U };
	static const double   rnd[] = { 0x1.aa9e665dc8a18p-2,
		  0x1.4d392d1f6f840p-7, 0x1.a68177b361de3p-1 };
	static const double   big[]
	    = { 0x1.023e2261153dcp-1, 0x1.130d0ad4f7578p-2 };
	struct mt19937 r;
	size_t         i;

	(void)state;
	mt_seed(&r, 12345);
	for (i = 0; i < 3; i++)
		assert_int_equal(mt_u32(&r), u32[i]);
	mt_seed(&r, 12345);
	for (i = 0; i < 3; i++)
		assert_true(mt_random(&r) == rnd[i]);
	mt_seed(&r, 1099511627781LL);
	for (i = 0; i < 2; i++)
		assert_true(mt_random(&r) == big[i]);
}

static void
test_randbelow(void **state)
{
	/* Random(42)._randbelow(n) for these n in turn. */
	static const struct {
		uint32_t n, want;
	} seq[] = {
		{ 1, 0 },
		{ 2, 0 },
		{ 3, 2 },
		{ 10, 4 },
		{ 1000, 250 },
		{ 2147483648U, 958682846 },
		{ 4294967295U, 599310825 },
		{ 7, 5 },
		{ 1, 0 },
	};
	struct mt19937 r;
	size_t         i;

	(void)state;
	mt_seed(&r, 42);
	for (i = 0; i < sizeof(seq) / sizeof(seq[0]); i++)
		assert_int_equal(mt_randbelow(&r, seq[i].n), seq[i].want);
}

static void
test_shuffle(void **state)
{
	static const uint32_t head[]
	    = { 669, 944, 291, 633, 922, 752, 781, 258, 657, 615 };
	static const uint32_t tail[] = { 10, 750, 426 };
	struct mt19937        r;
	uint32_t              x[1000], seen[1000] = { 0 };
	uint32_t              i;

	(void)state;
	for (i = 0; i < 1000; i++)
		x[i] = i;
	mt_seed(&r, 12345);
	mt_shuffle(&r, x, 1000);
	for (i = 0; i < 10; i++)
		assert_int_equal(x[i], head[i]);
	for (i = 0; i < 3; i++)
		assert_int_equal(x[997 + i], tail[i]);
	for (i = 0; i < 1000; i++)
		seen[x[i]]++;
	for (i = 0; i < 1000; i++)
		assert_int_equal(seen[i], 1);

	/* n = 0 and 1 are no-ops */
	mt_shuffle(&r, x, 0);
	x[0] = 7;
	mt_shuffle(&r, x, 1);
	assert_int_equal(x[0], 7);
}

static void
test_xrng_streams(void **state)
{
	enum { N = 1000 };
	static uint64_t a[N], b[N];
	struct xrng     r, s;
	size_t          i, j;

	(void)state;
	/* Same seed and stream: same sequence. */
	xrng_seed(&r, 7, 3);
	xrng_seed(&s, 7, 3);
	for (i = 0; i < N; i++)
		assert_true(xrng_next(&r) == xrng_next(&s));

	/* Neighbouring streams, and neighbouring seeds, share no value. */
	static const uint64_t pairs[][4] = {
		{ 7, 0, 7, 1 },
		{ 7, 1, 7, 2 },
		{ 7, 0, 8, 0 },
		{ 0, 0, 0, 1 },
		{ 0, 1, 1, 0 },
	};
	for (size_t p = 0; p < sizeof(pairs) / sizeof(pairs[0]); p++) {
		xrng_seed(&r, pairs[p][0], pairs[p][1]);
		xrng_seed(&s, pairs[p][2], pairs[p][3]);
		for (i = 0; i < N; i++) {
			a[i] = xrng_next(&r);
			b[i] = xrng_next(&s);
		}
		for (i = 0; i < N; i++)
			for (j = 0; j < N; j++)
				assert_true(a[i] != b[j]);
	}
}

static void
test_xrng_ranges(void **state)
{
	enum { N = 200000 };
	struct xrng r;
	double      u, sum     = 0.0;
	uint64_t    v, hist[6] = { 0 };
	bool        lo = false, hi = false;
	size_t      i;

	(void)state;
	xrng_seed(&r, 12345, 0);
	for (i = 0; i < N; i++) {
		u = xrng_uniform(&r);
		assert_true(u >= 0.0 && u < 1.0);
		sum += u;
	}
	assert_true(sum / N > 0.49 && sum / N < 0.51);

	for (i = 0; i < 100; i++)
		assert_int_equal(xrng_below(&r, 1), 0);
	for (i = 0; i < N; i++) {
		v = xrng_below(&r, 501);
		assert_true(v <= 500);
		lo |= v == 0;
		hi |= v == 500;
	}
	assert_true(lo && hi);
	for (i = 0; i < 6 * N; i++)
		hist[xrng_below(&r, 6)]++;
	for (i = 0; i < 6; i++) /* expected N each, sd about 408 */
		assert_in_range(hist[i], N - 3000, N + 3000);
	/* Huge bounds stay in range too. */
	for (i = 0; i < 1000; i++) {
		v = xrng_below(&r, UINT64_MAX);
		assert_true(v < UINT64_MAX);
		v = xrng_below(&r, (UINT64_C(1) << 63) + 1);
		assert_true(v <= (UINT64_C(1) << 63));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prefix_vectors),
		cmocka_unit_test(test_u32_and_random),
		cmocka_unit_test(test_randbelow),
		cmocka_unit_test(test_shuffle),
		cmocka_unit_test(test_xrng_streams),
		cmocka_unit_test(test_xrng_ranges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
