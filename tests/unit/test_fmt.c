/* test_fmt.c - fmt_i64, fmt_u64 and fmt_double: fixed cases, Python's
 * repr() of 3,000 values (tests/data/float-repr.txt), and over many random
 * values: reads back exactly, and nothing one digit shorter does.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digits.h"
#include "fmt.h"

/* Formats into a buffer of exactly FMT_NUM_MAX bytes between guards. */
struct guarded {
	char before[8];
	char out[FMT_NUM_MAX];
	char after[8];
};

static void
guard_init(struct guarded *g)
{
	memset(g, 0x5a, sizeof(*g));
}

static void
guard_check(const struct guarded *g, size_t n)
{
	int i;

	assert_true(n < FMT_NUM_MAX);
	for (i = 0; i < 8; i++) {
		assert_int_equal(g->before[i], 0x5a);
		assert_int_equal(g->after[i], 0x5a);
	}
}

static void
test_integers(void **state)
{
	static const struct {
		int64_t     v;
		const char *want;
	} i64[] = {
		{ 0, "0" },
		{ 7, "7" },
		{ -1, "-1" },
		{ 1700000000000, "1700000000000" },
		{ -1234567890123, "-1234567890123" },
		{ INT64_MAX, "9223372036854775807" },
		{ INT64_MIN, "-9223372036854775808" },
	};
	static const struct {
		uint64_t    v;
		const char *want;
	} u64[] = {
		{ 0, "0" },
		{ 10, "10" },
		{ 1000000000000000000ULL, "1000000000000000000" },
		{ 9, "9" },
		{ 99, "99" },
		{ 100, "100" },
		{ 999999999999999999ULL, "999999999999999999" },
		{ 9999999999999999999ULL, "9999999999999999999" },
		{ 10000000000000000000ULL, "10000000000000000000" },
		{ UINT64_MAX, "18446744073709551615" },
	};
	struct guarded g;
	size_t         i, n;

	(void)state;
	for (i = 0; i < sizeof(i64) / sizeof(i64[0]); i++) {
		guard_init(&g);
		n = fmt_i64(g.out, i64[i].v);
		guard_check(&g, n);
		g.out[n] = '\0';
		assert_string_equal(g.out, i64[i].want);
	}
	for (i = 0; i < sizeof(u64) / sizeof(u64[0]); i++) {
		guard_init(&g);
		n = fmt_u64(g.out, u64[i].v);
		guard_check(&g, n);
		g.out[n] = '\0';
		assert_string_equal(g.out, u64[i].want);
	}
}

/* Significant digits of what fmt_double wrote ("47.38912883215873": 16,
 * "9303200000.0": 5): leading and trailing zeros do not count. */
static int
sig_digits(const char *t)
{
	int n = 0, zeros = 0, lead = 1;

	for (; *t && *t != 'e'; t++) {
		if (*t < '0' || *t > '9')
			continue;
		if (*t == '0') {
			zeros += !lead;
			continue;
		}
		lead = 0;
		n += zeros + 1;
		zeros = 0;
	}
	return n;
}

static const char *
fmt_str(struct guarded *g, double v)
{
	size_t n;

	guard_init(g);
	n = fmt_double(g->out, v);
	guard_check(g, n);
	g->out[n] = '\0';
	return g->out;
}

/* fmt_u64 and fmt_i64 of every length, against printf. */
static void
test_integers_random(void **state)
{
	uint64_t s = 0x2545f4914f6cdd1dULL;
	char     want[32];
	int      i, len;

	(void)state;
	for (len = 1; len <= 20; len++) {
		for (i = 0; i < 20000; i++) {
			struct guarded g;
			uint64_t       v;
			size_t         n;

			s ^= s << 13, s ^= s >> 7, s ^= s << 17;
			/* a random value of len digits (or fewer at len 20) */
			v = len == 20 ? s : s % (uint64_t)pow(10, len);
			guard_init(&g);
			n = fmt_u64(g.out, v);
			guard_check(&g, n);
			snprintf(
			    want, sizeof(want), "%llu", (unsigned long long)v);
			assert_int_equal(n, strlen(want));
			assert_memory_equal(g.out, want, n);
			guard_init(&g);
			n = fmt_i64(g.out, (int64_t)v);
			guard_check(&g, n);
			snprintf(
			    want, sizeof(want), "%lld", (long long)(int64_t)v);
			assert_int_equal(n, strlen(want));
			assert_memory_equal(g.out, want, n);
		}
	}
}

/* The fixed-width writers of digits.h: every 8-digit group in both halves
 * of a 16-digit write, from the portable writer and (on x86-64) the SSE2
 * one, read back as the number written. */
static void
check_16(const char *p, uint64_t want, const char *writer)
{
	uint64_t v = 0;
	int      i;

	for (i = 0; i < 16; i++) {
		if (p[i] < '0' || p[i] > '9')
			fail_msg("%s: %016llu: byte %d is %#x", writer,
			    (unsigned long long)want, i, (unsigned)p[i]);
		v = v * 10 + (uint64_t)(p[i] - '0');
	}
	if (v != want)
		fail_msg("%s: %016llu: got %.16s", writer,
		    (unsigned long long)want, p);
}

static void
test_every_8_digits(void **state)
{
	char     out[FMT_NUM_MAX];
	uint32_t x;

	(void)state;
	for (x = 0; x < 100000000u; x++) {
		/* x in the high half, and its mirror in the low one */
		uint64_t v = (uint64_t)x * 100000000u + (99999999u - x);

		digits_put16_scalar(out, v);
		check_16(out, v, "scalar");
#ifdef DIGITS_HAVE_SSE2
		digits_put16_sse2(out, v);
		check_16(out, v, "sse2");
#endif
	}
}

static void
test_double_cases(void **state)
{
	/* What Python's repr() prints for each. */
	static const struct {
		double      v;
		const char *want;
	} cases[] = {
		{ 0.0, "0.0" },
		{ -0.0, "-0.0" },
		{ 0.1, "0.1" },
		{ 0.3, "0.3" },
		{ 0.1 + 0.2, "0.30000000000000004" },
		{ 0.5, "0.5" },
		{ 3, "3.0" },
		{ 50, "50.0" },
		{ -2.5, "-2.5" },
		{ 123.456, "123.456" },
		{ 99.99999999999999, "99.99999999999999" },
		{ 47.38912883215873, "47.38912883215873" },
		{ 2.0 / 3, "0.6666666666666666" },
		{ 1.0 / 3, "0.3333333333333333" },
		{ 1e-4, "0.0001" },
		{ 0.00012345, "0.00012345" },
		{ 1e-5, "1e-05" },
		{ 3.2e-05, "3.2e-05" },
		{ -1e-300, "-1e-300" },
		{ 1e15, "1000000000000000.0" },
		{ 1234567890123456.0, "1234567890123456.0" },
		{ 1e16, "1e+16" },
		{ 9007199254740993.0, "9007199254740992.0" },
		{ 1.5e20, "1.5e+20" },
		{ 1e22, "1e+22" },
		{ 1e23, "1e+23" },
		{ 1e100, "1e+100" },
		{ 123456789012345678.0, "1.2345678901234568e+17" },
		{ 5e-324, "5e-324" },
		{ DBL_MIN, "2.2250738585072014e-308" },
		{ DBL_MAX, "1.7976931348623157e+308" },
		{ 0x1p-1017, "7.120236347223045e-307" }, /* power of two */
		{ NAN, "nan" },
		{ INFINITY, "inf" },
		{ -INFINITY, "-inf" },
	};
	struct guarded g;
	size_t         i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_string_equal(fmt_str(&g, cases[i].v), cases[i].want);
}

/* tests/data/float-repr.txt: Python's own repr() of 3,000 values. */
static void
test_double_python(void **state)
{
	const char *dir = getenv("TSLOAD_SRCDIR");
	char        path[4096], line[128], want[64];
	FILE       *f;
	unsigned    n = 0;

	(void)state;
	snprintf(path, sizeof(path), "%s/tests/data/float-repr.txt",
	    dir && *dir ? dir : ".");
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		unsigned long long bits;
		struct guarded     g;
		double             v;

		assert_int_equal(sscanf(line, "%llx %63s", &bits, want), 2);
		memcpy(&v, &bits, sizeof(v));
		if (strcmp(fmt_str(&g, v), want) != 0)
			fail_msg("%s: got %s, want %s", line, g.out, want);
		n++;
	}
	fclose(f);
	assert_true(n > 2000);
}

/* xorshift64*: reproducible values for the random tests. */
static uint64_t
next_u64(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static double
next_unit(uint64_t *s)
{
	return (double)(next_u64(s) >> 11) * 0x1p-53;
}

/* The text reads back as v, and no decimal with one digit less does: not
 * printf's nearest one, nor the next one up. */
static void
check_random(double v)
{
	struct guarded g;
	char           shorter[64], *end;
	const char    *t = fmt_str(&g, v);
	double         back;
	int            nd;

	back = strtod(t, &end);
	if (*end != '\0' || back != v)
		fail_msg("%a: %s does not read back", v, t);
	nd = sig_digits(t);
	if (nd < 2 || v == 0)
		return;
	snprintf(shorter, sizeof(shorter), "%.*e", nd - 2, v);
	if (strtod(shorter, NULL) == v)
		fail_msg("%a: %s, but %s reads back too", v, t, shorter);
	/* the next (nd-1)-digit decimal away from zero after printf's */
	{
		unsigned long long dig = 0;
		char               alt[64], *c;

		for (c = shorter; *c != 'e'; c++)
			if (*c >= '0' && *c <= '9')
				dig = dig * 10
				    + (unsigned long long)(*c - '0');
		snprintf(alt, sizeof(alt), "%s%llue%d", v < 0 ? "-" : "",
		    dig + 1, atoi(c + 1) - (nd - 2));
		if (strtod(alt, NULL) == v)
			fail_msg("%a: %s, but %s reads back too", v, t, alt);
	}
}

static void
test_double_random(void **state)
{
	uint64_t s = 0x9e3779b97f4a7c15ULL;
	unsigned i;

	(void)state;
	/* The model's values: 0..100, cpu_idle a little below and above. */
	for (i = 0; i < 200000; i++)
		check_random(100 * next_unit(&s));
	for (i = 0; i < 50000; i++)
		check_random(next_unit(&s) - 0.5);
	/* Decimal-looking values: short decimals scaled across the range. */
	for (i = 0; i < 50000; i++)
		check_random((double)(next_u64(&s) % 100000)
		    / pow(10, (double)(next_u64(&s) % 30))
		    * pow(10, (double)(next_u64(&s) % 30)));
	/* Any finite double. */
	for (i = 0; i < 100000; i++) {
		uint64_t bits = next_u64(&s);
		double   v;

		memcpy(&v, &bits, sizeof(v));
		if (isfinite(v))
			check_random(v);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_integers_random),
		cmocka_unit_test(test_every_8_digits),
		cmocka_unit_test(test_double_cases),
		cmocka_unit_test(test_double_python),
		cmocka_unit_test(test_double_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
