/* test_prom.c - the Prometheus text writer (common/base/prom.c): label
 * escaping, exact counters, and our histograms as cumulative buckets
 * whose +Inf bucket is the count. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "prom.h"
#include "xalloc.h"

static void
test_sample(void **state)
{
	struct buf        b;
	struct prom_label l[2]
	    = { { "role", "ingest" }, { "target", "a\"b\\c\nd" } };

	(void)state;
	buf_init(&b, 1 << 16);
	assert_int_equal(
	    prom_family(&b, "x_total", "counter", "What x is"), 0);
	assert_int_equal(
	    prom_sample_u64(&b, "x_total", l, 2, 18446744073709551615ull), 0);
	assert_int_equal(prom_sample(&b, "g", NULL, 0, 0.25), 0);
	assert_int_equal(prom_sample(&b, "g", NULL, 0, 3), 0);
	buf_cstr(&b);
	assert_string_equal(b.p,
	    "# HELP x_total What x is\n# TYPE x_total counter\n"
	    "x_total{role=\"ingest\",target=\"a\\\"b\\\\c\\nd\"} 18446744073709551615\n"
	    "g 0.25\ng 3\n");
	buf_free(&b);
}

static void
test_hist(void **state)
{
	struct hist      *h = xmalloc(sizeof(*h));
	struct buf        b;
	uint64_t          c[PROM_LE_N + 1];
	struct prom_label l = { "role", "query" };

	(void)state;
	hist_init(h);
	hist_record(h, 50000);           /* 50 us: le 0.0001 */
	hist_record(h, 2000000);         /* 2 ms: le 0.0025 */
	hist_record(h, 3000000);         /* 3 ms: le 0.005 */
	hist_record(h, 2000000000);      /* 2 s: le 2.5 */
	hist_record(h, 100000000000ull); /* 100 s: +Inf only */
	prom_hist_counts(h, c);
	assert_int_equal(c[0], 1);  /* 0.0001 */
	assert_int_equal(c[3], 1);  /* 0.001 */
	assert_int_equal(c[4], 2);  /* 0.0025 */
	assert_int_equal(c[5], 3);  /* 0.005 */
	assert_int_equal(c[12], 3); /* 1 */
	assert_int_equal(c[13], 4); /* 2.5 */
	assert_int_equal(c[PROM_LE_N - 1], 4);
	assert_int_equal(c[PROM_LE_N], 5); /* +Inf */
	buf_init(&b, 1 << 16);
	assert_int_equal(prom_hist(&b, "lat", &l, 1, h, 102005050000.0), 0);
	buf_cstr(&b);
	assert_non_null(
	    strstr(b.p, "lat_bucket{role=\"query\",le=\"0.0001\"} 1\n"));
	assert_non_null(
	    strstr(b.p, "lat_bucket{role=\"query\",le=\"0.0025\"} 2\n"));
	assert_non_null(
	    strstr(b.p, "lat_bucket{role=\"query\",le=\"+Inf\"} 5\n"));
	assert_non_null(strstr(b.p, "lat_sum{role=\"query\"} 102.00505\n"));
	assert_non_null(strstr(b.p, "lat_count{role=\"query\"} 5\n"));
	buf_free(&b);
	free(h);
}

/* A value on a bound counts under it; one just above goes to the next. */
static void
test_bounds(void **state)
{
	struct hist *h = xmalloc(sizeof(*h));
	uint64_t     c[PROM_LE_N + 1];

	(void)state;
	hist_init(h);
	hist_record(h, 1000000); /* exactly 1 ms: min = max, reported so */
	prom_hist_counts(h, c);
	assert_int_equal(c[2], 0); /* 0.5 ms */
	assert_int_equal(c[3], 1); /* 1 ms */
	hist_init(h);
	prom_hist_counts(h, c);
	assert_int_equal(c[PROM_LE_N], 0);
	free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample),
		cmocka_unit_test(test_hist),
		cmocka_unit_test(test_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
