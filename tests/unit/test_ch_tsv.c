/* test_ch_tsv.c - the clickhouse target's TabSeparated text: escaping of
 * tab, line feed, backslash, carriage return and NUL, \N for NULL, exact
 * rows of both layouts and kinds with request ids, the column lists, the
 * reading back of answer fields, and the buffer cap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "chtsv.h"
#include "series_fixture.h"

#define MS "1700000000000"
/* time, then the 11 dimension columns of each kind, tab-ended */
#define MDIMS                                                                 \
	MS "\tus-east-1\tus-east-1-cell-1\tus-east-1-cell-1-silo-1\t"         \
	   "us-east-1-1\tapollo\tr5.4xlarge\tAL2\t" INST "\t\t\t\t"
#define EDIMS                                                                 \
	MS "\tus-east-1\tus-east-1-cell-1\tus-east-1-cell-1-silo-1\t"         \
	   "us-east-1-1\tapollo\t\t\t" INST "\tserver\tJDK_11\t\t"
#define N4 "\\N\t\\N\t\\N\t\\N"

static struct buf b;

static void
event_sample(struct sample *s, unsigned first, unsigned count)
{
	event_sample_at(s, first, count, 1700000000000);
}

static int
setup(void **state)
{
	(void)state;
	buf_init(&b, 1 << 20);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	buf_free(&b);
	return 0;
}

static const char *
text(void)
{
	assert_int_equal(buf_cstr(&b), 0);
	return b.p;
}

static void
run_batch(const struct sample *s, unsigned n, bool multi, uint8_t req)
{
	struct batch bt = { .s = s, .n = n, .multi = multi, .req_id = req };

	buf_reset(&b);
	assert_int_equal(chtsv_batch(&b, &bt), 0);
}

static void
test_escape(void **state)
{
	static const char in[] = "a\tb\nc\\d\re\0f'g\"h";

	(void)state;
	assert_int_equal(chtsv_str(&b, in, sizeof(in) - 1), 0);
	assert_string_equal(text(), "a\\tb\\nc\\\\d\\re\\0f'g\"h");
	buf_reset(&b);
	/* a string "\N" is not NULL */
	assert_int_equal(chtsv_str(&b, "\\N", 2), 0);
	assert_string_equal(text(), "\\\\N");
	buf_reset(&b);
	assert_int_equal(chtsv_str(&b, "", 0), 0);
	assert_string_equal(text(), "");
}

static void
test_unescape(void **state)
{
	char   f[64];
	size_t n;

	(void)state;
	strcpy(f, "a\\tb\\nc\\\\d\\re\\'f\\bg");
	n = strlen(f);
	assert_true(chtsv_unescape(f, &n));
	assert_int_equal(n, 13);
	assert_memory_equal(f, "a\tb\nc\\d\re'f\bg", 14);
	strcpy(f, "\\N");
	n = 2;
	assert_false(chtsv_unescape(f, &n));
	strcpy(f, "\\\\N");
	n = 3;
	assert_true(chtsv_unescape(f, &n));
	assert_string_equal(f, "\\N");
	strcpy(f, "x\\0y");
	n = 4;
	assert_true(chtsv_unescape(f, &n));
	assert_int_equal(n, 3);
	assert_memory_equal(f, "x\0y", 3);
	/* a field cut off in the middle of an escape keeps the backslash */
	strcpy(f, "ab\\");
	n = 3;
	assert_true(chtsv_unescape(f, &n));
	assert_string_equal(f, "ab\\");
}

/* What is escaped reads back the same, whatever the bytes. */
static void
test_round_trip(void **state)
{
	char   in[256], out[600];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(in); i++)
		in[i] = (char)i;
	assert_int_equal(chtsv_str(&b, in, sizeof(in)), 0);
	assert_true(b.len < sizeof(out));
	assert_null(memchr(b.p, '\t', b.len));
	assert_null(memchr(b.p, '\n', b.len));
	memcpy(out, b.p, b.len);
	n = b.len;
	assert_true(chtsv_unescape(out, &n));
	assert_int_equal(n, sizeof(in));
	assert_memory_equal(out, in, sizeof(in));
}

static void
test_columns(void **state)
{
	const char *t;
	unsigned    n;

	(void)state;
	assert_int_equal(chtsv_columns(&b, &fx_schema, false), 0);
	assert_string_equal(text(),
	    "(time, region, cell, silo, availability_zone, "
	    "microservice_name, instance_type, os_version, instance_name, "
	    "process_name, jdk_version, request_id, measure_name, "
	    "measure_value_double, measure_value_bigint, "
	    "measure_value_varchar)");
	buf_reset(&b);
	assert_int_equal(chtsv_columns(&b, &fx_schema, true), 0);
	t = text();
	assert_non_null(strstr(t, "measure_name, cpu_user, cpu_system, "));
	assert_non_null(strstr(t,
	    ", file_descriptors_in_use, task_completed, "
	    "task_end_state, gc_reclaimed, gc_pause)"));
	/* 1 + 11 + 1 + 24 columns */
	for (n = 0; *t; t++)
		n += *t == ',';
	assert_int_equal(n, 36);
}

static void
test_single_metrics(void **state)
{
	struct sample s;

	(void)state;
	metric_sample(&s, 0, 2);
	run_batch(&s, 1, false, REQID_NONE);
	assert_string_equal(text(),
	    MDIMS "cpu_user\t47.38912883215873\t\\N\t\\N\n" MDIMS
	          "cpu_system\t1.25\t\\N\t\\N\n");
	/* a slice further on */
	metric_sample(&s, 19, 1);
	run_batch(&s, 1, false, REQID_NONE);
	assert_string_equal(
	    text(), MDIMS "file_descriptors_in_use\t19.25\t\\N\t\\N\n");
}

static void
test_single_events(void **state)
{
	struct sample s;

	(void)state;
	event_sample(&s, 0, 5);
	run_batch(&s, 1, false, REQID_NONE);
	assert_string_equal(text(),
	    EDIMS "task_completed\t\\N\t123\t\\N\n" EDIMS
	          "task_end_state\t\\N\t\\N\tSUCCESS_WITH_RESULT\n" EDIMS
	          "gc_reclaimed\t55.5\t\\N\t\\N\n" EDIMS
	          "gc_pause\t0.125\t\\N\t\\N\n" EDIMS
	          "memory_free\t3.2e-05\t\\N\t\\N\n");
}

static void
test_single_req_id(void **state)
{
	struct sample s;

	(void)state;
	/* as a measure: one more row, a VARCHAR value */
	metric_sample(&s, 20, 1);
	run_batch(&s, 1, false, REQID_MEASURE);
	assert_string_equal(text(), MDIMS "request_id\t\\N\t\\N\t" REQ "\n");
	/* as a dimension: in its column on every row */
	metric_sample(&s, 0, 1);
	run_batch(&s, 1, false, REQID_DIMENSION);
	assert_string_equal(text(),
	    MS "\tus-east-1\tus-east-1-cell-1\tus-east-1-cell-1-silo-1\t"
	       "us-east-1-1\tapollo\tr5.4xlarge\tAL2\t" INST "\t\t\t" REQ
	       "\tcpu_user\t47.38912883215873\t\\N\t\\N\n");
}

static void
test_multi(void **state)
{
	struct sample s[2];
	char          want[2048];

	(void)state;
	metric_sample(&s[0], 0, 20);
	event_sample(&s[1], 0, 5);
	run_batch(s, 2, true, REQID_MEASURE);
	snprintf(want, sizeof(want),
	    "%.*s" REQ "\tmetrics\t47.38912883215873\t1.25\t2.25\t3.25\t4.25"
	    "\t5.25\t6.25\t7.25\t8.25\t9.25\t10.25\t11.25\t12.25\t13.25"
	    "\t14.25\t15.25\t16.25\t17.25\t18.25\t19.25\t" N4 "\n"
	    "%.*s" REQ "\tevents\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N"
	    "\t3.2e-05\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N"
	    "\t\\N\t123\tSUCCESS_WITH_RESULT\t55.5\t0.125\n",
	    (int)strlen(MDIMS) - 1, MDIMS, (int)strlen(EDIMS) - 1, EDIMS);
	assert_string_equal(text(), want);
	/* without request ids the column stays empty */
	run_batch(s, 1, true, REQID_NONE);
	assert_non_null(
	    strstr(text(), "\t\t\t\tmetrics\t47.38912883215873\t"));
}

/* Measures a sample has no value for (sample.absent): \\N in their column
 * (multi, which the table's Nullable columns take), no row (single, where
 * neither its prefix is left behind). */
static void
test_absent(void **state)
{
	struct sample s[3];

	(void)state;
	metric_sample(&s[0], 0, 20);
	s[0].absent = 0xff; /* the 8 CPU measures */
	event_sample(&s[1], 0, 5);
	s[1].absent = 1u << 1 | 1u << 4; /* task_end_state, memory_free */
	run_batch(s, 2, true, REQID_NONE);
	assert_string_equal(text(),
	    MDIMS "metrics\t" N4 "\t" N4 "\t8.25\t9.25\t10.25\t11.25\t12.25"
	          "\t13.25\t14.25\t15.25\t16.25\t17.25\t18.25\t19.25\t" N4
	          "\n" EDIMS "events\t" N4 "\t" N4 "\t" N4 "\t" N4 "\t" N4
	          "\t123\t\\N\t55.5\t0.125\n");

	/* single layout: rows only for the values there are */
	event_sample(&s[0], 1, 3);
	s[0].absent = 1u << 2;
	event_sample(&s[1], 1, 3);
	s[1].absent = 0xe;
	event_sample(&s[2], 4, 1);
	run_batch(s, 3, false, REQID_NONE);
	assert_string_equal(text(),
	    EDIMS "task_end_state\t\\N\t\\N\tSUCCESS_WITH_RESULT\n" EDIMS
	          "gc_pause\t0.125\t\\N\t\\N\n" EDIMS
	          "memory_free\t3.2e-05\t\\N\t\\N\n");
}

/* Dimension values that need escaping, NaN and infinities. */
static void
test_odd_values(void **state)
{
	static const struct dimgroup g = {
		.sk   = FX_METRICS,
		.dim  = { S("a\tb"), S("c\nd"), S("back\\slash"), S("cr\rx"),
		     S("plain"), S("t"), S("o"), { NULL, 0 } },
		.kind = SERIES_METRICS,
		.name_at = 7,
	};
	static const struct series se = {
		.g = &g, .name = "n\\N", .name_len = 3, .kind = SERIES_METRICS
	};
	struct sample s;

	(void)state;
	metric_sample(&s, 0, 3);
	s.series = &se;
	s.v[0]   = NAN;
	s.v[1]   = INFINITY;
	s.v[2]   = -INFINITY;
	run_batch(&s, 1, false, REQID_NONE);
	assert_string_equal(text(),
	    MS "\ta\\tb\tc\\nd\tback\\\\slash\tcr\\rx\tplain\tt\to\tn\\\\N"
	       "\t\t\t\tcpu_user\tnan\t\\N\t\\N\n" MS
	       "\ta\\tb\tc\\nd\tback\\\\slash\tcr\\rx\tplain\tt\to\tn\\\\N"
	       "\t\t\t\tcpu_system\tinf\t\\N\t\\N\n" MS
	       "\ta\\tb\tc\\nd\tback\\\\slash\tcr\\rx\tplain\tt\to\tn\\\\N"
	       "\t\t\t\tcpu_steal\t-inf\t\\N\t\\N\n");
}

/* Rows per batch: one per measure (single), one per sample (multi). */
static void
test_row_counts(void **state)
{
	struct sample s[3];
	unsigned      lines = 0;
	size_t        i;

	(void)state;
	metric_sample(&s[0], 0, 20);
	event_sample(&s[1], 0, 5);
	metric_sample(&s[2], 5, 10);
	run_batch(s, 3, false, REQID_NONE);
	for (i = 0; i < b.len; i++)
		lines += b.p[i] == '\n';
	assert_int_equal(lines, 35);
	run_batch(s, 3, true, REQID_NONE);
	for (lines = 0, i = 0; i < b.len; i++)
		lines += b.p[i] == '\n';
	assert_int_equal(lines, 3);
}

static void
test_cap(void **state)
{
	struct buf    small;
	struct sample s;
	struct batch  bt = { .s = &s, .n = 1 };

	(void)state;
	buf_init(&small, 64);
	metric_sample(&s, 0, 20);
	assert_int_equal(chtsv_batch(&small, &bt), -ENOSPC);
	buf_reset(&small);
	assert_int_equal(chtsv_str(&small,
	                     "\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t"
	                     "\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t"
	                     "\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t",
	                     49),
	    -ENOSPC);
	buf_free(&small);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_escape, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_unescape, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_columns, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_single_metrics, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_single_events, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_single_req_id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_multi, setup, teardown),
		cmocka_unit_test_setup_teardown(test_absent, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_odd_values, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_row_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cap, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
