/* test_parse.c - unit tests of the strict number parsers (common/parse.c).
 *
 * Tables of good and bad inputs per parser: the return code, the value on
 * success, the output left alone on failure, and the exact message where
 * its wording matters.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <string.h>

#include "parse.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Fails naming the input, since the tables run in one test each. */
#define CHECK(cond, input)                                                    \
	do {                                                                  \
		if (!(cond)) {                                                \
			print_error("input \"%s\": %s\n", (input), #cond);    \
			fail();                                               \
		}                                                             \
	} while (0)

/* A failure leaves a one-line message quoting the value, or exactly want. */
static void
check_err(int rc, const char *s, const char *err, const char *want)
{
	const char *head = rc == -ERANGE ? "value \"" : "invalid value \"";

	if (rc == 0)
		return;
	CHECK(strchr(err, '\n') == NULL, s);
	if (want) {
		CHECK(strcmp(err, want) == 0, s);
		return;
	}
	CHECK(strncmp(err, head, strlen(head)) == 0, s);
	CHECK(strstr(err, s) != NULL, s);
}

static void
test_u64(void **state)
{
	static const struct {
		const char *s;
		uint64_t    min, max;
		int         rc;
		uint64_t    want;
		const char *msg;
	} cases[] = {
		{ "0", 0, UINT64_MAX, 0, 0, NULL },
		{ "42", 0, UINT64_MAX, 0, 42, NULL },
		{ "010", 0, 100, 0, 10, NULL }, /* decimal, not octal */
		{ "18446744073709551615", 0, UINT64_MAX, 0, UINT64_MAX, NULL },
		{ "1", 1, 1024, 0, 1, NULL },
		{ "1024", 1, 1024, 0, 1024, NULL },
		{ "four", 1, 1024, -EINVAL, 0,
		    "invalid value \"four\" (expected an integer 1..1024)" },
		{ "", 0, 10, -EINVAL, 0,
		    "invalid value \"\" (expected an integer 0..10)" },
		{ " 5", 0, 10, -EINVAL, 0, NULL },
		{ "5 ", 0, 10, -EINVAL, 0, NULL },
		{ "5x", 0, 10, -EINVAL, 0, NULL },
		{ "-1", 0, UINT64_MAX, -EINVAL, 0, NULL },
		{ "+1", 0, 10, -EINVAL, 0, NULL },
		{ "-0", 0, 10, -EINVAL, 0, NULL },
		{ "0x10", 0, 100, -EINVAL, 0, NULL },
		{ "1.5", 0, 10, -EINVAL, 0, NULL },
		{ "1e3", 0, 10000, -EINVAL, 0, NULL },
		{ "5\n", 0, 10, -EINVAL, 0,
		    "invalid value \"5?\" (expected an integer 0..10)" },
		{ "0", 1, 1024, -ERANGE, 0,
		    "value \"0\" out of range (expected an integer 1..1024)" },
		{ "1025", 1, 1024, -ERANGE, 0, NULL },
		{ "18446744073709551616", 0, UINT64_MAX, -ERANGE, 0, NULL },
		{ "99999999999999999999", 0, UINT64_MAX, -ERANGE, 0,
		    "value \"99999999999999999999\" out of range (expected an "
		    "integer 0..18446744073709551615)" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		uint64_t out      = 12345;
		char     err[256] = "";
		int      rc = parse_u64(cases[i].s, cases[i].min, cases[i].max,
		         &out, err, sizeof(err));

		CHECK(rc == cases[i].rc, cases[i].s);
		if (rc == 0)
			CHECK(out == cases[i].want, cases[i].s);
		else
			CHECK(out == 12345, cases[i].s);
		check_err(rc, cases[i].s, err, cases[i].msg);
	}
}

static void
test_i64(void **state)
{
	static const struct {
		const char *s;
		int64_t     min, max;
		int         rc;
		int64_t     want;
	} cases[] = {
		{ "0", -10, 10, 0, 0 },
		{ "-1", -10, 10, 0, -1 },
		{ "+7", -10, 10, 0, 7 },
		{ "-10", -10, 10, 0, -10 },
		{ "-9223372036854775808", INT64_MIN, INT64_MAX, 0, INT64_MIN },
		{ "9223372036854775807", INT64_MIN, INT64_MAX, 0, INT64_MAX },
		{ "-9223372036854775809", INT64_MIN, INT64_MAX, -ERANGE, 0 },
		{ "9223372036854775808", INT64_MIN, INT64_MAX, -ERANGE, 0 },
		{ "11", -10, 10, -ERANGE, 0 },
		{ "-11", -10, 10, -ERANGE, 0 },
		{ "", -10, 10, -EINVAL, 0 },
		{ "-", -10, 10, -EINVAL, 0 },
		{ "--1", -10, 10, -EINVAL, 0 },
		{ "- 1", -10, 10, -EINVAL, 0 },
		{ " -1", -10, 10, -EINVAL, 0 },
		{ "-1 ", -10, 10, -EINVAL, 0 },
		{ "0x10", -100, 100, -EINVAL, 0 },
		{ "3.0", -10, 10, -EINVAL, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		int64_t out      = 12345;
		char    err[256] = "";
		int     rc = parse_i64(cases[i].s, cases[i].min, cases[i].max,
		        &out, err, sizeof(err));

		CHECK(rc == cases[i].rc, cases[i].s);
		if (rc == 0)
			CHECK(out == cases[i].want, cases[i].s);
		else
			CHECK(out == 12345, cases[i].s);
		check_err(rc, cases[i].s, err, NULL);
	}
	{
		char err[128];

		parse_i64("x", -5, 5, &(int64_t) { 0 }, err, sizeof(err));
		assert_string_equal(
		    err, "invalid value \"x\" (expected an integer -5..5)");
	}
}

static void
test_double(void **state)
{
	static const struct {
		const char *s;
		double      min, max;
		int         rc;
		double      want;
		const char *msg;
	} cases[] = {
		{ "1.5", 0, 10, 0, 1.5, NULL },
		{ "-2", -5, 5, 0, -2, NULL },
		{ "+2", -5, 5, 0, 2, NULL },
		{ ".5", 0, 1, 0, 0.5, NULL },
		{ "5.", 0, 10, 0, 5, NULL },
		{ "1e3", 0, 1e4, 0, 1000, NULL },
		{ "2.5E-3", 0, 1, 0, 2.5e-3, NULL },
		{ "1e-400", 0, 1, 0, 0, NULL }, /* underflow reads as 0 */
		{ "0", 0, INFINITY, 0, 0, NULL },
		{ "1e400", 0, INFINITY, -ERANGE, 0,
		    "value \"1e400\" out of range (expected a number >= 0)" },
		{ "11", 0, 10, -ERANGE, 0,
		    "value \"11\" out of range (expected a number 0..10)" },
		{ "-0.5", 0, 1, -ERANGE, 0, NULL },
		{ "x", 0, 1, -EINVAL, 0,
		    "invalid value \"x\" (expected a number 0..1)" },
		{ "5", -INFINITY, INFINITY, 0, 5, NULL },
		{ "y", -INFINITY, INFINITY, -EINVAL, 0,
		    "invalid value \"y\" (expected a finite number)" },
		{ "nan", -INFINITY, INFINITY, -EINVAL, 0, NULL },
		{ "inf", -INFINITY, INFINITY, -EINVAL, 0, NULL },
		{ "-infinity", -INFINITY, INFINITY, -EINVAL, 0, NULL },
		{ "0x10", 0, 100, -EINVAL, 0, NULL },
		{ "", 0, 1, -EINVAL, 0, NULL },
		{ ".", 0, 1, -EINVAL, 0, NULL },
		{ "1e", 0, 10, -EINVAL, 0, NULL },
		{ "1e+", 0, 10, -EINVAL, 0, NULL },
		{ " 1", 0, 10, -EINVAL, 0, NULL },
		{ "1 ", 0, 10, -EINVAL, 0, NULL },
		{ "1,5", 0, 10, -EINVAL, 0, NULL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		double out      = 12345;
		char   err[256] = "";
		int rc = parse_double(cases[i].s, cases[i].min, cases[i].max,
		    &out, err, sizeof(err));

		CHECK(rc == cases[i].rc, cases[i].s);
		if (rc == 0)
			CHECK(out == cases[i].want, cases[i].s);
		else
			CHECK(out == 12345, cases[i].s);
		check_err(rc, cases[i].s, err, cases[i].msg);
	}
}

static void
test_duration(void **state)
{
	static const struct {
		const char *s;
		int         rc;
		double      want;
	} cases[] = {
		{ "10", 0, 10 },
		{ "1.5", 0, 1.5 },
		{ "0", 0, 0 },
		{ "250ms", 0, 0.25 },
		{ "10s", 0, 10 },
		{ "5m", 0, 300 },
		{ "1.5h", 0, 5400 },
		{ "2h", 0, 7200 },
		{ "1d", 0, 86400 },
		{ ".5m", 0, 30 },
		{ "1e3ms", 0, 1 },
		{ "-1s", -EINVAL, 0 },
		{ "-1", -EINVAL, 0 },
		{ "+1s", -EINVAL, 0 },
		{ "1y", -EINVAL, 0 },
		{ "", -EINVAL, 0 },
		{ "s", -EINVAL, 0 },
		{ "ms", -EINVAL, 0 },
		{ "10 s", -EINVAL, 0 },
		{ " 10s", -EINVAL, 0 },
		{ "10s ", -EINVAL, 0 },
		{ "10S", -EINVAL, 0 },
		{ "10sec", -EINVAL, 0 },
		{ "10ss", -EINVAL, 0 },
		{ "1h30m", -EINVAL, 0 },
		{ "nan", -EINVAL, 0 },
		{ "inf", -EINVAL, 0 },
		{ "infs", -EINVAL, 0 },
		{ "0x10s", -EINVAL, 0 },
		{ "1e400s", -ERANGE, 0 },
		{ "1e305d", -ERANGE, 0 },
		{ "1e", -EINVAL, 0 },
	};
	size_t i;
	char   err[256];

	(void)state;
	for (i = 0; i < N(cases); i++) {
		double out = 12345;
		int    rc;

		err[0] = '\0';
		rc     = parse_duration(cases[i].s, &out, err, sizeof(err));
		CHECK(rc == cases[i].rc, cases[i].s);
		if (rc == 0)
			CHECK(out == cases[i].want, cases[i].s);
		else
			CHECK(out == 12345, cases[i].s);
		check_err(rc, cases[i].s, err, NULL);
	}
	parse_duration("1y", &(double) { 0 }, err, sizeof(err));
	assert_string_equal(err,
	    "invalid value \"1y\" (expected a duration "
	    "such as 90, 1.5, 250ms, 10s, 5m, 2h, 1d)");
}

static void
test_size(void **state)
{
	static const struct {
		const char *s;
		int         rc;
		uint64_t    want;
	} cases[] = {
		{ "0", 0, 0 },
		{ "4096", 0, 4096 },
		{ "4096B", 0, 4096 },
		{ "64k", 0, 64 << 10 },
		{ "64K", 0, 64 << 10 },
		{ "64kB", 0, 64 << 10 },
		{ "64KiB", 0, 64 << 10 },
		{ "16M", 0, 16 << 20 },
		{ "16m", 0, 16 << 20 },
		{ "16MiB", 0, 16 << 20 },
		{ "1G", 0, 1 << 30 },
		{ "2g", 0, 2ull << 30 },
		{ "3T", 0, 3ull << 40 },
		{ "16777215T", 0, 16777215ull << 40 },
		{ "18446744073709551615", 0, UINT64_MAX },
		{ "16777216T", -ERANGE, 0 },
		{ "18446744073709551616", -ERANGE, 0 },
		{ "99999999999999999999k", -ERANGE, 0 },
		{ "bad", -EINVAL, 0 },
		{ "", -EINVAL, 0 },
		{ "k", -EINVAL, 0 },
		{ "-1k", -EINVAL, 0 },
		{ "+1k", -EINVAL, 0 },
		{ "1.5G", -EINVAL, 0 },
		{ "16 M", -EINVAL, 0 },
		{ " 16M", -EINVAL, 0 },
		{ "16M ", -EINVAL, 0 },
		{ "16MBx", -EINVAL, 0 },
		{ "64b", -EINVAL, 0 },
		{ "64iB", -EINVAL, 0 },
		{ "64kk", -EINVAL, 0 },
		{ "1P", -EINVAL, 0 },
		{ "0x10", -EINVAL, 0 },
	};
	size_t i;
	char   err[256];

	(void)state;
	for (i = 0; i < N(cases); i++) {
		uint64_t out = 12345;
		int      rc;

		err[0] = '\0';
		rc     = parse_size(cases[i].s, &out, err, sizeof(err));
		CHECK(rc == cases[i].rc, cases[i].s);
		if (rc == 0)
			CHECK(out == cases[i].want, cases[i].s);
		else
			CHECK(out == 12345, cases[i].s);
		check_err(rc, cases[i].s, err, NULL);
	}
	parse_size("bad", &(uint64_t) { 0 }, err, sizeof(err));
	assert_string_equal(err,
	    "invalid value \"bad\" (expected a size such "
	    "as 4096, 64k, 16M, 2G)");
}

static void
test_time(void **state)
{
	static const struct {
		const char *s;
		int         rc;
		int64_t     want;
	} cases[] = {
		{ "2026-01-01T00:00:00Z", 0, 1767225600000 },
		{ "2026-01-01T00:00:00.250Z", 0, 1767225600250 },
		{ "1970-01-01T00:00:00Z", 0, 0 },
		{ "2024-02-29T23:59:59Z", 0, 1709251199000 },
		{ "2000-03-01T12:34:56Z", 0, 951914096000 },
		{ "9999-12-31T23:59:59.999Z", 0, 253402300799999 },
		{ "1767225600", 0, 1767225600000 },
		{ "1767225600000", 0, 1767225600000 },
		{ "99999999999", 0, 99999999999000 },
		{ "100000000000", 0, 100000000000 },
		{ "0", 0, 0 },
		{ "253402300800000", -ERANGE, 0 },
		{ "2026-02-29T00:00:00Z", -EINVAL, 0 },
		{ "1900-02-29T00:00:00Z", -EINVAL, 0 },
		{ "2026-13-01T00:00:00Z", -EINVAL, 0 },
		{ "2026-04-31T00:00:00Z", -EINVAL, 0 },
		{ "2026-01-01T24:00:00Z", -EINVAL, 0 },
		{ "2026-01-01T00:60:00Z", -EINVAL, 0 },
		{ "2026-01-01T00:00:60Z", -EINVAL, 0 },
		{ "2026-01-01T00:00:00", -EINVAL, 0 },
		/* RFC 3339: offsets, any fraction, t/z/space, a date */
		{ "2026-01-01T00:00:00+01:00", 0, 1767222000000 },
		{ "2026-01-01T00:00:00-02:30", 0, 1767234600000 },
		{ "2026-01-01T00:00:00.5Z", 0, 1767225600500 },
		{ "2026-01-01T00:00:00.123456789Z", 0, 1767225600123 },
		{ "2026-01-01t00:00:00z", 0, 1767225600000 },
		{ "2026-01-01 00:00:00Z", 0, 1767225600000 },
		{ "2026-01-01", 0, 1767225600000 },
		{ "1970-01-01T00:00:00-00:01", 0, 60000 },
		{ "1970-01-01T00:00:00+00:01", -ERANGE, 0 },
		{ "2026-01-01T00:00:00.Z", -EINVAL, 0 },
		{ "2026-01-01T00:00:00+1:00", -EINVAL, 0 },
		{ "2026-01-01T00:00:00+24:00", -EINVAL, 0 },
		{ "2026-01-01T00:00:00+01:00x", -EINVAL, 0 },
		{ "2026-01-01T00:00Z", -EINVAL, 0 },
		{ "2026-01-01x", -EINVAL, 0 },
		{ "1969-12-31T23:59:59Z", -ERANGE, 0 },
		/* epoch seconds with a fraction (the data generator's) */
		{ "1600163743.5", 0, 1600163743500 },
		{ "1.5", 0, 1500 },
		{ "1e3", -EINVAL, 0 },
		{ "100000000000.5", -ERANGE, 0 },
		/* relative to now (here 2026-01-01T00:00:00Z) */
		{ "now", 0, 1767225600000 },
		{ "-1", 0, 1767225599000 },
		{ "-3d", 0, 1767225600000 - 3 * 86400000ll },
		{ "-90m", 0, 1767225600000 - 90 * 60000ll },
		{ "now-90m", 0, 1767225600000 - 90 * 60000ll },
		{ "now+1.5h", 0, 1767225600000 + 5400000 },
		{ "+250ms", 0, 1767225600250 },
		{ "-100000d", -ERANGE, 0 },
		{ "now-", -EINVAL, 0 },
		{ "now 1h", -EINVAL, 0 },
		{ "-3x", -EINVAL, 0 },
		{ "nowish", -EINVAL, 0 },
		{ "", -EINVAL, 0 },
		{ "yesterday", -EINVAL, 0 },
	};
	char err[256];

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		int64_t out = 12345;
		int     rc;

		err[0] = '\0';
		rc     = parse_time_ms(
		        cases[i].s, 1767225600000, &out, err, sizeof(err));
		CHECK(rc == cases[i].rc, cases[i].s);
		CHECK(out == (rc ? 12345 : cases[i].want), cases[i].s);
		check_err(rc, cases[i].s, err, NULL);
	}
	parse_time_ms("soon", 0, &(int64_t) { 0 }, err, sizeof(err));
	assert_string_equal(err,
	    "invalid value \"soon\" (expected RFC 3339 (2026-01-01T00:00:00Z), epoch seconds or milliseconds, or relative: now, -3d, now-90m)");
}

/* Messages: long values are cut, small or missing buffers are safe. */
static void
test_messages(void **state)
{
	char     longv[200], err[256], small[12];
	uint64_t out;

	(void)state;
	memset(longv, 'x', sizeof(longv) - 1);
	longv[sizeof(longv) - 1] = '\0';
	assert_int_equal(
	    parse_u64(longv, 0, 9, &out, err, sizeof(err)), -EINVAL);
	assert_string_equal(err + strlen("invalid value \"") + 64,
	    "...\" (expected an integer 0..9)");

	memset(small, '#', sizeof(small));
	assert_int_equal(
	    parse_u64("x", 0, 9, &out, small, sizeof(small)), -EINVAL);
	assert_int_equal(strlen(small), sizeof(small) - 1);

	assert_int_equal(parse_u64("x", 0, 9, &out, NULL, 0), -EINVAL);
	assert_int_equal(parse_size(NULL, &out, NULL, 0), -EINVAL);
	assert_int_equal(
	    parse_duration(NULL, &(double) { 0 }, err, 1), -EINVAL);
	assert_string_equal(err, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u64),
		cmocka_unit_test(test_i64),
		cmocka_unit_test(test_double),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_size),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_messages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
