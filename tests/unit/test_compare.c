/* test_compare.c - unit tests of compare's reading of a run (coordinator/
 * compare.c): the figures from run.json, the per-second samples from
 * timeseries.csv (the drain's short interval left out, latency only in
 * seconds with requests, errors per second from the cumulative column),
 * and the verdicts of compare_diff. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "compare.h"

static const char json[]
    = "{\"command\": \"ingest\", \"run_id\": \"r1\", \"seconds\": 3.04,"
      " \"resources\": {\"cpu_s_ingest_workers\": 1.5, \"cpu_s_coordinator\": 0.5},"
      " \"totals\": {\"attempts\": 30, \"failed\": 4, \"records\": 3000,"
      " \"points\": 30000, \"records_per_s\": 1000, \"points_per_s\": 10000,"
      " \"latency_s\": {\"p50\": 0.002, \"p90\": 0.004, \"p99\": 0.009}}}";

static const char csv[]
    = "time_s,records,records_per_s,points,points_per_s,throttles,errors,p50_ms,p99_ms\n"
      "1.000,1000,1000.0,10000,10000.0,0,1,2.000,9.000\n"
      "2.000,1000,0.0,10000,0.0,0,1,0.000,0.000\n"
      "3.000,3000,2000.0,30000,20000.0,0,4,3.000,12.000\n"
      "3.040,3000,0.0,30000,0.0,0,4,0.000,0.000\n";

static int
fig(const struct cmp_run *r, const char *name)
{
	int i = compare_figure(r, name);

	assert_true(i >= 0);
	return i;
}

static void
test_load(void **state)
{
	struct cmp_run r;
	char           err[256];
	int            i;

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_int_equal(compare_load_text(&r, json, strlen(json), csv, NULL,
	                     err, sizeof(err)),
	    0);
	assert_string_equal(r.command, "ingest");
	i = fig(&r, "records_per_s");
	assert_true(r.f[i].value == 1000);
	assert_int_equal(r.f[i].n, 3); /* the drain row left out */
	assert_true(
	    r.f[i].x[0] == 1000 && r.f[i].x[1] == 0 && r.f[i].x[2] == 2000);
	i = fig(&r, "write_p99");
	assert_true(r.f[i].value == 0.009);
	assert_int_equal(r.f[i].n, 2); /* not the second without writes */
	assert_true(fabs(r.f[i].x[1] - 0.012) < 1e-12);
	i = fig(&r, "write_p50");
	assert_true(fabs(r.f[i].x[0] - 0.002) < 1e-12);
	i = fig(&r, "errors");
	assert_true(r.f[i].value == 4);
	assert_int_equal(r.f[i].n, 3);
	assert_true(r.f[i].x[0] == 1 && r.f[i].x[1] == 0 && r.f[i].x[2] == 3);
	i = fig(&r, "cpu_per_record");
	assert_true(fabs(r.f[i].value - 2.0 / 3000) < 1e-15);
	assert_int_equal(fig(&r, "rate"), fig(&r, "points_per_s"));
	assert_false(r.f[fig(&r, "queries_per_s")].have);
	compare_free(&r);
}

static void
test_bad(void **state)
{
	struct cmp_run r;
	char           err[256];

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_int_not_equal(compare_load_text(&r, "{\"command\": \"model\"}",
	                         20, NULL, NULL, err, sizeof(err)),
	    0);
	assert_non_null(
	    strstr(err, "not the run.json of an ingest, query or run"));
	assert_int_not_equal(
	    compare_load_text(&r, "{", 1, NULL, NULL, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "JSON"));
}

/* Freshness per target (fan-out) or from the totals (one target), and
 * verify's verdict, read for the rows shown side by side. */
static void
test_checks(void **state)
{
	static const char fan[]
	    = "{\"command\": \"ingest\", \"totals\": {\"freshness\": {\"p50\": 9, \"p99\": 9}},"
	      " \"targets\": [{\"url\": \"vm://a:8428\", \"freshness\": {\"p50\": 0.5, \"p99\": 1.5}},"
	      " {\"url\": \"sqlite:x.db\"},"
	      " {\"url\": \"sqlite:y.db\", \"freshness\": {\"p50\": 0.001, \"p99\": 0.002}}],"
	      " \"verify\": {\"differs\": true, \"totals\": {\"missing\": 2, \"changed\": 1}}}";
	static const char one[]
	    = "{\"command\": \"ingest\", \"totals\": {\"freshness\": {\"p50\": 0.25, \"p99\": 0.75}},"
	      " \"verify\": {\"differs\": false, \"totals\": {}}}";
	static const char bad[]
	    = "{\"command\": \"ingest\", \"totals\": {}, \"verify\": {}}";
	struct cmp_run r;
	char           err[256];

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_int_equal(compare_load_text(&r, fan, strlen(fan), NULL, NULL,
	                     err, sizeof(err)),
	    0);
	assert_int_equal(r.n_fresh, 2); /* the targets that probed */
	assert_string_equal(r.fresh[0].name, "target 1 vm://a:8428");
	assert_string_equal(r.fresh[1].name, "target 3 sqlite:y.db");
	assert_true(r.fresh[0].p50 == 0.5 && r.fresh[0].p99 == 1.5);
	assert_true(r.fresh[1].p99 == 0.002);
	assert_int_equal(r.verify, CMP_VERIFY_DIFFERS);
	assert_string_equal(compare_verify_word(&r), "differs");
	assert_string_equal(r.verify_what, "missing 2, changed 1");
	compare_free(&r);
	memset(&r, 0, sizeof(r));
	assert_int_equal(compare_load_text(&r, one, strlen(one), NULL, NULL,
	                     err, sizeof(err)),
	    0);
	assert_int_equal(r.n_fresh, 1);
	assert_string_equal(r.fresh[0].name, "ingest");
	assert_true(r.fresh[0].p50 == 0.25 && r.fresh[0].p99 == 0.75);
	assert_string_equal(compare_verify_word(&r), "holds");
	compare_free(&r);
	memset(&r, 0, sizeof(r));
	assert_string_equal(compare_verify_word(&r), "-");
	assert_int_not_equal(compare_load_text(&r, bad, strlen(bad), NULL,
	                         NULL, err, sizeof(err)),
	    0);
	assert_non_null(strstr(err, "verify"));
}

/* Two runs from the same fixture, b's samples scaled. */
static void
test_diff(void **state)
{
	struct cmp_run  a, b;
	struct cmp_diff d;
	char            err[256];
	int             i;

	(void)state;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	assert_int_equal(compare_load_text(&a, json, strlen(json), csv, NULL,
	                     err, sizeof(err)),
	    0);
	assert_int_equal(compare_load_text(&b, json, strlen(json), csv, NULL,
	                     err, sizeof(err)),
	    0);
	i = fig(&a, "records_per_s");
	compare_diff(&a, &b, (unsigned)i, &d);
	assert_int_equal(d.v, CMP_SAME);
	assert_true(d.abs == 0 && d.pct == 0 && d.lo <= 0 && d.hi >= 0);
	for (size_t k = 0; k < b.f[i].n; k++)
		b.f[i].x[k] += 5000; /* far beyond the spread */
	b.f[i].value = 6000;
	compare_diff(&a, &b, (unsigned)i, &d);
	assert_int_equal(d.v, CMP_BETTER);
	assert_true(d.abs == 5000 && d.pct == 500);
	assert_true(d.lo > 0 && d.lo <= 5000 && d.hi >= 5000);
	compare_diff(&b, &a, (unsigned)i, &d);
	assert_int_equal(d.v, CMP_WORSE);
	i = fig(&a, "write_p99"); /* higher latency: worse */
	for (size_t k = 0; k < b.f[i].n; k++)
		b.f[i].x[k] += 1;
	compare_diff(&a, &b, (unsigned)i, &d);
	assert_int_equal(d.v, CMP_WORSE);
	i = fig(&a, "cpu_per_record");
	compare_diff(&a, &b, (unsigned)i, &d);
	assert_int_equal(d.v, CMP_NONE);
	compare_free(&a);
	compare_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_checks),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_diff),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
