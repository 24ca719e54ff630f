/* test_pg_copy.c - the postgres: target without a server: the COPY text
 * encoder (escaping, NULLs, both layouts, request ids, the cap), the
 * column list against the fields of a row, the URL check, and passwords
 * kept out of messages and shown URLs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "series_fixture.h"
#include "pg_copy.h"

/* Dimension values with every character COPY text escapes. */
static const struct dimgroup odd_group = {
	.sk      = FX_METRICS,
	.dim     = { S("tab\there"), S("nl\nx"), S("cr\rx"), S("back\\slash"),
	        S("a b,c\"d"), S(""), S("\\N"), { NULL, 0 } },
	.kind    = SERIES_METRICS,
	.name_at = 7,
};

static const struct series odd_series = {
	.g = &odd_group, .name = "plain", .name_len = 5, .kind = SERIES_METRICS
};

static void
pg_metric_sample(struct sample *s, const struct series *se)
{
	unsigned i;

	memset(s, 0, sizeof(*s));
	s->series  = se;
	s->time_ms = 1700000000000;
	s->count   = MODEL_N_METRICS;
	s->v[0]    = 47.38912883215873;
	for (i = 1; i < MODEL_N_METRICS; i++)
		s->v[i] = i + 0.25;
	strcpy(s->req_id, REQ);
}

/* 123, SUCCESS_WITH_RESULT, 55.5, 0.125, 3.2e-05 */
static void
pg_event_sample(struct sample *s)
{
	memset(s, 0, sizeof(*s));
	s->series  = &event_series;
	s->time_ms = 1700000000000;
	s->count   = MODEL_N_EVENTS;
	s->v[0]    = 123;
	s->v[1]    = 1;
	s->v[2]    = 55.5;
	s->v[3]    = 0.125;
	s->v[4]    = 3.2e-05;
	strcpy(s->req_id, REQ);
}

/* Encodes one sample as a batch; returns the text (static buffer). */
static const char *
encode(const struct sample *s, bool multi, uint8_t req_id, long *rows)
{
	static char  text[1 << 16];
	struct batch b = { .s = s, .n = 1, .multi = multi, .req_id = req_id };
	struct buf   out;

	buf_init(&out, 1 << 20);
	*rows = pgcopy_batch(&out, &b);
	assert_true(*rows >= 0);
	assert_true(out.len < sizeof(text));
	memcpy(text, out.p, out.len);
	text[out.len] = '\0';
	buf_free(&out);
	return text;
}

#define M_PRE                                                                 \
	"1700000000000\tus-east-1\tus-east-1-cell-1\t"                        \
	"us-east-1-cell-1-silo-1\tus-east-1-1\tapollo\tr5."                   \
	"4xlarge\tAL2\t" INST "\t\\N\t\\N\t"
#define E_PRE                                                                 \
	"1700000000000\tus-east-1\tus-east-1-cell-1\t"                        \
	"us-east-1-cell-1-silo-1\tus-east-1-1\tapollo\t\\N\t\\N\t" INST       \
	"\tserver\tJDK_11\t"

static void
test_field_escaping(void **state)
{
	static const char in[] = "a\tb\nc\\d\re|\\N|x y,z\"'";
	char              out[2 * sizeof(in)];
	char             *end;

	(void)state;
	end  = pgcopy_field(out, in, sizeof(in) - 1);
	*end = '\0';
	assert_string_equal(out, "a\\tb\\nc\\\\d\\re|\\\\N|x y,z\"'");
	end  = pgcopy_field(out, "plain", 5);
	*end = '\0';
	assert_string_equal(out, "plain");
	end = pgcopy_field(out, "", 0);
	assert_ptr_equal(end, out);
}

static void
test_single_metrics(void **state)
{
	struct sample s;
	const char   *t;
	long          rows;

	(void)state;
	pg_metric_sample(&s, &metric_series);
	t = encode(&s, false, REQID_NONE, &rows);
	assert_int_equal(rows, MODEL_N_METRICS);
	/* first and last row, and one row per measure */
	assert_non_null(strstr(t,
	    M_PRE "\\N\tcpu_user\t47.38912883215873\t\\N\t"
	          "\\N\n"));
	assert_non_null(strstr(t,
	    M_PRE "\\N\tfile_descriptors_in_use\t19.25"
	          "\t\\N\t\\N\n"));
	assert_int_equal(strncmp(t, M_PRE, strlen(M_PRE)), 0);
	{
		long n = 0;

		for (const char *p = t; *p; p++)
			n += *p == '\n';
		assert_int_equal(n, MODEL_N_METRICS);
	}
}

static void
test_single_events(void **state)
{
	struct sample s;
	const char   *t;
	long          rows;

	(void)state;
	pg_event_sample(&s);
	t = encode(&s, false, REQID_NONE, &rows);
	assert_int_equal(rows, MODEL_N_EVENTS);
	assert_string_equal(t,
	    E_PRE "\\N\ttask_completed\t\\N\t123\t\\N\n" E_PRE
	          "\\N\ttask_end_state\t\\N\t\\N\tSUCCESS_WITH_RESULT\n" E_PRE
	          "\\N\tgc_reclaimed\t55.5\t\\N\t\\N\n" E_PRE
	          "\\N\tgc_pause\t0.125\t\\N\t\\N\n" E_PRE
	          "\\N\tmemory_free\t3.2e-05\t\\N\t\\N\n");
}

/* A sample split over two batches writes only its part. */
static void
test_single_part(void **state)
{
	struct sample s;
	const char   *t;
	long          rows;

	(void)state;
	pg_event_sample(&s);
	s.first = 3;
	s.count = 2;
	t       = encode(&s, false, REQID_NONE, &rows);
	assert_int_equal(rows, 2);
	assert_string_equal(t,
	    E_PRE "\\N\tgc_pause\t0.125\t\\N\t\\N\n" E_PRE
	          "\\N\tmemory_free\t3.2e-05\t\\N\t\\N\n");
}

static void
test_multi(void **state)
{
	struct sample s;
	const char   *t;
	long          rows;
	char          want[4096];
	size_t        o;
	unsigned      c;

	(void)state;
	pg_metric_sample(&s, &metric_series);
	t = encode(&s, true, REQID_NONE, &rows);
	assert_int_equal(rows, 1);
	o = (size_t)snprintf(want, sizeof(want), "%s", M_PRE "\\N\tmetrics");
	o += (size_t)snprintf(
	    want + o, sizeof(want) - o, "\t47.38912883215873");
	for (c = 1; c < MODEL_N_METRICS; c++)
		o += (size_t)snprintf(
		    want + o, sizeof(want) - o, "\t%u.25", c);
	snprintf(want + o, sizeof(want) - o, "\t\\N\t\\N\t\\N\t\\N\n");
	assert_string_equal(t, want);

	/* events: memory_free in the metric's column, the rest in theirs */
	pg_event_sample(&s);
	t = encode(&s, true, REQID_NONE, &rows);
	assert_int_equal(rows, 1);
	o = (size_t)snprintf(want, sizeof(want), "%s", E_PRE "\\N\tevents");
	for (c = 0; c < MODEL_N_METRICS; c++)
		o += (size_t)snprintf(want + o, sizeof(want) - o, "\t%s",
		    c == 8 ? "3.2e-05" : "\\N");
	snprintf(want + o, sizeof(want) - o,
	    "\t123\tSUCCESS_WITH_RESULT\t55.5\t0.125\n");
	assert_string_equal(t, want);
}

/* Measures a sample has no value for (sample.absent): \\N in their column
 * (multi), no row (single); request_id is never absent. */
static void
test_absent(void **state)
{
	struct sample s;
	const char   *t;
	long          rows;

	(void)state;
	pg_metric_sample(&s, &metric_series);
	s.absent = 0xff; /* the 8 CPU measures */
	t        = encode(&s, true, REQID_NONE, &rows);
	assert_int_equal(rows, 1);
	assert_string_equal(t,
	    M_PRE "\\N\tmetrics"
	          "\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N"
	          "\t8.25\t9.25\t10.25\t11.25\t12.25\t13.25\t14.25\t15.25"
	          "\t16.25\t17.25\t18.25\t19.25\t\\N\t\\N\t\\N\t\\N\n");

	pg_event_sample(&s);
	s.absent = 1u << 1 | 1u << 4; /* task_end_state, memory_free */
	t        = encode(&s, true, REQID_MEASURE, &rows);
	assert_int_equal(rows, 1);
	assert_string_equal(t,
	    E_PRE REQ "\tevents"
	              "\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N"
	              "\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N"
	              "\t\\N\t\\N\t\\N\t\\N\t123\t\\N\t55.5\t0.125\n");

	/* single layout: an absent measure inside the range has no row */
	s.first  = 1;
	s.count  = 3;
	s.absent = 1u << 2;
	t        = encode(&s, false, REQID_NONE, &rows);
	assert_int_equal(rows, 2);
	assert_string_equal(t,
	    E_PRE "\\N\ttask_end_state\t\\N\t\\N\tSUCCESS_WITH_RESULT\n" E_PRE
	          "\\N\tgc_pause\t0.125\t\\N\t\\N\n");
	s.absent = 0xe;
	t        = encode(&s, false, REQID_NONE, &rows);
	assert_int_equal(rows, 0);
	assert_string_equal(t, "");
}

static void
test_request_ids(void **state)
{
	struct sample s;
	const char   *t;
	long          rows;

	(void)state;
	/* single, as a dimension: in the request_id column of every row */
	pg_event_sample(&s);
	t = encode(&s, false, REQID_DIMENSION, &rows);
	assert_int_equal(rows, MODEL_N_EVENTS);
	assert_non_null(strstr(t, "JDK_11\t" REQ "\ttask_completed\t"));
	assert_null(strstr(t, "JDK_11\t\\N\t"));
	/* single, as a measure: a row of its own, VARCHAR */
	s.count = MODEL_N_EVENTS + 1;
	t       = encode(&s, false, REQID_MEASURE, &rows);
	assert_int_equal(rows, MODEL_N_EVENTS + 1);
	assert_non_null(
	    strstr(t, E_PRE "\\N\trequest_id\t\\N\t\\N\t" REQ "\n"));
	/* multi, either way: the request_id column */
	t = encode(&s, true, REQID_MEASURE, &rows);
	assert_int_equal(rows, 1);
	assert_non_null(strstr(t, "JDK_11\t" REQ "\tevents\t"));
	/* no id drawn: NULL */
	s.req_id[0] = '\0';
	t           = encode(&s, true, REQID_DIMENSION, &rows);
	assert_non_null(strstr(t, "JDK_11\t\\N\tevents\t"));
}

static void
test_odd_dimensions(void **state)
{
	struct sample s;
	const char   *t;
	long          rows;

	(void)state;
	pg_metric_sample(&s, &odd_series);
	s.count = 1;
	t       = encode(&s, false, REQID_NONE, &rows);
	assert_int_equal(rows, 1);
	/* an empty value is an empty string, "\N" as text is escaped */
	assert_string_equal(t,
	    "1700000000000\ttab\\there\tnl\\nx\tcr\\rx\tback\\\\slash\t"
	    "a b,c\"d\t\t\\\\N\tplain\t\\N\t\\N\t\\N\tcpu_user\t"
	    "47.38912883215873\t\\N\t\\N\n");
}

/* Every row has as many fields as the column list names. */
static void
test_columns_match_rows(void **state)
{
	struct sample s[2];
	struct batch  b = { .s = s, .n = 2 };
	struct buf    cols, out;
	int           multi;

	(void)state;
	pg_metric_sample(&s[0], &metric_series);
	pg_event_sample(&s[1]);
	for (multi = 0; multi < 2; multi++) {
		size_t ncol = 1, nfield = 1, nrow = 0, i;

		buf_init(&cols, 1 << 16);
		buf_init(&out, 1 << 20);
		pgcopy_columns(&cols, &fx_schema, multi);
		buf_cstr(&cols);
		assert_int_equal(
		    strncmp(cols.p, "(time, region, cell, ", 21), 0);
		for (i = 0; i < cols.len; i++)
			ncol += cols.p[i] == ',';
		assert_int_equal(
		    ncol, multi ? 1 + 11 + 1 + 24 : 1 + 11 + 1 + 3);
		assert_non_null(strstr(cols.p,
		    multi ? ", measure_name, cpu_user, "
		          : ", measure_name, measure_value_double, "
		            "measure_value_bigint, measure_value_varchar)"));
		b.multi = multi;
		assert_int_equal(pgcopy_batch(&out, &b),
		    multi ? 2 : MODEL_N_METRICS + MODEL_N_EVENTS);
		for (i = 0; i < out.len; i++) {
			if (out.p[i] == '\t') {
				nfield++;
			} else if (out.p[i] == '\n') {
				assert_int_equal(nfield, ncol);
				nfield = 1;
				nrow++;
			}
		}
		assert_int_equal(nrow, multi ? 2 : 25);
		buf_free(&cols);
		buf_free(&out);
	}
}

static void
test_cap(void **state)
{
	struct sample s;
	struct batch  b = { .s = &s, .n = 1 };
	struct buf    out;

	(void)state;
	pg_metric_sample(&s, &metric_series);
	buf_init(&out, 512);
	assert_int_equal(pgcopy_batch(&out, &b), -ENOSPC);
	buf_free(&out);
}

/* ---- the target's URL check (no connection is made) ---- */

static void
test_url_check(void **state)
{
	const struct target_ops *ops    = target_find("postgres://h/db");
	static const char *const good[] = { "postgres://u:p@127.0.0.1:5432/db",
		"postgres://127.0.0.1/db?sslmode=disable&connect_timeout=3",
		"postgres:", "postgres:///db", "postgres://", "POSTGRES://h",
		"postgres:?host=/tmp", "postgres://[::1]:5432/db", NULL };
	static const char *const bad[]
	    = { "postgres:db", "postgres:/x", "postgres://h/db?nosuch=1",
		      "postgres://h:5432/db?sslmode", NULL };
	char err[256];
	int  i;

	(void)state;
	assert_non_null(ops);
	assert_string_equal(ops->name, "postgres");
	assert_string_equal(ops->dialect, "postgres");
	assert_true(ops->flags & TGT_F_WRITE);
	assert_true(ops->flags & TGT_F_QUERY);
	for (i = 0; good[i]; i++) {
		err[0] = '\0';
		if (ops->check(good[i], err, sizeof(err)) != 0)
			fail_msg("%s: %s", good[i], err);
	}
	for (i = 0; bad[i]; i++) {
		err[0] = '\0';
		assert_int_equal(
		    ops->check(bad[i], err, sizeof(err)), -EINVAL);
		assert_int_equal(strncmp(err, "postgres: ", 10), 0);
		assert_null(strchr(err, '\n'));
	}
}

/* A message about a bad URL never shows its password. */
static void
test_password_scrubbed(void **state)
{
	const struct target_ops *ops    = target_find("postgres:");
	static const char *const urls[] = {
		"postgres://bob:se%zzcret1@h/db",
		"postgres://h/db?password=se%zzcret1",
		"postgres://h/db?password=se%zzcret1&nosuch=1",
		"postgres://bob:se%zzcret1@h/db?port=abc&nosuch=2",
		NULL,
	};
	char err[256];
	int  i;

	(void)state;
	for (i = 0; urls[i]; i++) {
		err[0] = '\0';
		assert_int_equal(
		    ops->check(urls[i], err, sizeof(err)), -EINVAL);
		if (strstr(err, "se%zzcret1") || strstr(err, "cret1"))
			fail_msg("%s -> %s", urls[i], err);
	}
}

static void
test_url_redact(void **state)
{
	char out[256];

	(void)state;
	target_url_redact("postgres://bob:pw@h:5432/db?x=1", out, sizeof(out));
	assert_string_equal(out, "postgres://bob:***@h:5432/db?x=1");
	target_url_redact("postgres://bob@h/db", out, sizeof(out));
	assert_string_equal(out, "postgres://bob@h/db");
	target_url_redact("postgres://h/db?sslmode=require&password=pw&a=b",
	    out, sizeof(out));
	assert_string_equal(
	    out, "postgres://h/db?sslmode=require&password=***&a=b");
	target_url_redact(
	    "postgres://u:p@ss@h/db?password=x", out, sizeof(out));
	assert_string_equal(out, "postgres://u:***@h/db?password=***");
	target_url_redact("sqlite:results/a.db", out, sizeof(out));
	assert_string_equal(out, "sqlite:results/a.db");
	target_url_redact("postgres://bob:pw@h/db", out, 16);
	assert_string_equal(out, "postgres://bob:");
	target_url_redact("postgres://bob:pw@h/db", out, 18);
	assert_string_equal(out, "postgres://bob:**");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_field_escaping),
		cmocka_unit_test(test_single_metrics),
		cmocka_unit_test(test_single_events),
		cmocka_unit_test(test_single_part),
		cmocka_unit_test(test_multi),
		cmocka_unit_test(test_absent),
		cmocka_unit_test(test_request_ids),
		cmocka_unit_test(test_odd_dimensions),
		cmocka_unit_test(test_columns_match_rows),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_url_check),
		cmocka_unit_test(test_password_scrubbed),
		cmocka_unit_test(test_url_redact),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
