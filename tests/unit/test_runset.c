/* test_runset.c - unit tests of run.json read back and merged
 * (coordinator/runset.c) and the seed's column means (qthreads.c).
 *
 * run.json texts are written here with the same bucket lists tsload
 * writes (docs/run-json.md); their merge must equal one histogram of all
 * the values (so its percentiles are those of all requests), counts add
 * up, and texts that are not tsload's are refused with a reason.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "hist.h"
#include "qthreads.h"
#include "runset.h"
#include "xalloc.h"

static const char head[]
    = "{\"tool\":\"tsload\",\"host\":\"h%u\",\"run_id\":\"r%u\",\"seconds\":10,"
      "\"value_seed\":%u,\"hist_scheme\":{\"unit\":\"ns\",\"sub_bits\":7,"
      "\"groups\":38,\"buckets\":4992},\"options\":{\"rate\":0},";

/* A run.json text whose totals and query do-q1 hold h. */
static char *
run_json(unsigned k, const struct hist *h, uint64_t failed)
{
	struct buf b;

	buf_init(&b, 1u << 20);
	buf_printf(&b, head, k, k, 100 + k);
	buf_printf(&b,
	    "\"totals\":{\"attempts\":%llu,\"ok\":%llu,\"failed\":%llu,\"latency_hist\":",
	    (unsigned long long)(h->count + failed),
	    (unsigned long long)h->count, (unsigned long long)failed);
	for (int twice = 0; twice < 2; twice++) {
		buf_printf(&b,
		    "{\"count\":%llu,\"clamped\":0,\"min_ns\":%llu,\"max_ns\":%llu,\"buckets\":[",
		    (unsigned long long)h->count, (unsigned long long)h->min,
		    (unsigned long long)h->max);
		for (unsigned i = 0, n = 0; i < HIST_BUCKETS; i++)
			if (h->b[i])
				buf_printf(&b, "%s[%u,%llu]", n++ ? "," : "",
				    i, (unsigned long long)h->b[i]);
		buf_adds(&b, "]}}");
		if (!twice)
			buf_printf(&b,
			    ",\"queries\":{\"totals\":{\"attempts\":0,\"latency_hist\":{\"count\":0,\"buckets\":[]}},"
			    "\"per_query\":[{\"query\":\"do-q1\",\"total\":%llu,\"ok\":%llu,\"latency_hist\":",
			    (unsigned long long)h->count,
			    (unsigned long long)h->count);
	}
	buf_adds(&b, "]}}");
	buf_cstr(&b);
	return b.p;
}

static void
test_merge_exact(void **state)
{
	struct hist   *a = xmalloc(sizeof(*a)), *b = xmalloc(sizeof(*b));
	struct hist   *u = xmalloc(sizeof(*u));
	struct runset *s = xmalloc(sizeof(*s));
	char           err[512];
	char          *ja, *jb;

	(void)state;
	hist_init(a);
	hist_init(b);
	hist_init(u);
	for (uint64_t i = 0; i < 3000; i++) {
		uint64_t v = 1000000 + i * 677; /* 1 .. 3 ms */
		hist_record(a, v);
		hist_record(u, v);
	}
	for (uint64_t i = 0; i < 1000; i++) {
		uint64_t v = 20000000 + i * 19997; /* 20 .. 40 ms */
		hist_record(b, v);
		hist_record(u, v);
	}
	ja = run_json(1, a, 3);
	jb = run_json(2, b, 5);
	runset_init(s);
	assert_int_equal(
	    runset_add_json(s, "A", ja, strlen(ja), err, sizeof(err)), 0);
	assert_int_equal(
	    runset_add_json(s, "B", jb, strlen(jb), err, sizeof(err)), 0);
	assert_int_equal(s->n, 2);
	assert_string_equal(s->run[1].host, "h2");
	assert_int_equal(s->run[1].value_seed, 102);
	{
		struct runset_group *g = runset_find(s, "ingest");
		struct runset_group *q = runset_find(s, "do-q1");

		assert_non_null(g);
		assert_non_null(q);
		assert_int_equal(g->runs, 2);
		assert_int_equal(g->attempts, 4008);
		assert_int_equal(g->failed, 8);
		/* the merge is the histogram of all the values */
		assert_memory_equal(g->h, u, sizeof(*u));
		assert_memory_equal(q->h, u, sizeof(*u));
		/* its p99 is in the slow run's range, not the mean of the
		 * runs' p99s */
		assert_true(hist_percentile(g->h, 99) > 39000000);
		assert_true(hist_percentile(g->h, 50) < 3000000);
	}
	runset_free(s);
	free(ja);
	free(jb);
	free(a);
	free(b);
	free(u);
	free(s);
}

static void
test_refused(void **state)
{
	struct runset           *s = xmalloc(sizeof(*s));
	char                     err[512];
	static const char *const bad[] = {
		"{\"tool\":\"tsload\"",                /* not JSON */
		"{\"tool\":\"tsload\",\"totals\":{}}", /* no scheme */
		"{\"hist_scheme\":{\"sub_bits\":6,\"groups\":38},\"totals\":{}}",
		"{\"hist_scheme\":{\"sub_bits\":7,\"groups\":38},\"totals\":{\"attempts\":1}}",
		"{\"hist_scheme\":{\"sub_bits\":7,\"groups\":38},\"totals\":{\"latency_hist\":{\"count\":2,\"buckets\":[[5,1]]}}}",
		"{\"hist_scheme\":{\"sub_bits\":7,\"groups\":38},\"totals\":{\"latency_hist\":{\"count\":1,\"buckets\":[[4992,1]]}}}",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		runset_init(s);
		err[0] = '\0';
		assert_int_not_equal(runset_add_json(s, "X", bad[i],
		                         strlen(bad[i]), err, sizeof(err)),
		    0);
		assert_non_null(strstr(err, "X/run.json: "));
		assert_null(strchr(err, '\n'));
		runset_free(s);
	}
	free(s);
}

/* The seed's column means: counts become means, each rounded to 3
 * places and written as Python writes floats. */
static void
test_seed_mean(void **state)
{
	struct qthreads *q = xmalloc(sizeof(*q));
	struct buf       b;

	(void)state;
	qthreads_init(q);
	snprintf(q->header, sizeof(q->header), "Query type, Total Count");
	q->nrow = 1;
	snprintf(q->row[0].key, sizeof(q->row[0].key), "do-q1");
	q->row[0].sum[0] = 2956 + 8217;
	q->row[0].n[0]   = 2;
	q->row[0].sum[1] = 0.0124 + 0.0128;
	q->row[0].n[1]   = 2;
	buf_init(&b, 4096);
	assert_int_equal(qthreads_mean_csv(q, &b), 0);
	buf_cstr(&b);
	assert_string_equal(
	    b.p, "Query type, Total Count\r\ndo-q1,5586.5,0.013,,,,,,\r\n");
	buf_free(&b);
	qthreads_free(q);
	free(q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge_exact),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_seed_mean),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
