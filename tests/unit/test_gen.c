/* test_gen.c - ranges and frequencies of generated metric and event
 * values (seed §2.4, §2.5), and the UUID4 layout.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "gen.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

enum { DRAWS = 200000 };

static void
test_metric_ranges(void **state)
{
	static const struct {
		enum cpu_class cpu;
		double         lo, hi;
	} classes[] = {
		{ CPU_HIGH, 85.0, 95.0 },
		{ CPU_LOW, 0.0, 10.0 },
		{ CPU_NORMAL, 35.0, 65.0 },
	};
	struct xrng r;
	double v[MODEL_N_METRICS], min[MODEL_N_METRICS], max[MODEL_N_METRICS],
	    six;
	size_t c, i;
	int    k;

	(void)state;
	xrng_seed(&r, 1, 0);
	for (c = 0; c < N_ELEMS(classes); c++) {
		for (k = 0; k < MODEL_N_METRICS; k++) {
			min[k] = INFINITY;
			max[k] = -INFINITY;
		}
		for (i = 0; i < DRAWS; i++) {
			gen_metrics(&r, classes[c].cpu, v);
			for (k = 0; k < MODEL_N_METRICS; k++) {
				min[k] = fmin(min[k], v[k]);
				max[k] = fmax(max[k], v[k]);
			}
			assert_true(
			    v[0] >= classes[c].lo && v[0] < classes[c].hi);
			six = 0.0;
			for (k = 1; k <= 6; k++) {
				assert_true(v[k] >= 0.0 && v[k] < 1.0);
				six += v[k];
			}
			/* cpu_idle = 100 - cpu_user - the six others */
			assert_true(fabs(v[7] + v[0] + six - 100.0) < 1e-9);
			for (k = 8; k < MODEL_N_METRICS; k++)
				assert_true(v[k] >= 0.0 && v[k] < 100.0);
		}
		/* The ranges are covered, not just respected. */
		assert_true(min[0] < classes[c].lo + 0.01);
		assert_true(max[0] > classes[c].hi - 0.01);
		for (k = 1; k <= 6; k++)
			assert_true(min[k] < 0.001 && max[k] > 0.999);
		for (k = 8; k < MODEL_N_METRICS; k++)
			assert_true(min[k] < 0.1 && max[k] > 99.9);
	}
}

static void
test_event_values(void **state)
{
	enum { N = 1000000 };
	struct xrng r;
	double      v[MODEL_N_EVENTS];
	uint64_t    count[6] = { 0 }, tc[501] = { 0 };
	double      sum_p = 0.0;
	size_t      i;
	int         k;

	(void)state;
	xrng_seed(&r, 2, 5);
	for (i = 0; i < N; i++) {
		gen_events(&r, v);
		/* task_completed: an integer 0..500 */
		assert_true(v[0] >= 0.0 && v[0] <= 500.0);
		assert_true(v[0] == floor(v[0]));
		tc[(int)v[0]]++;
		/* task_end_state: an index into model_end_states */
		assert_true(v[1] >= 0.0 && v[1] <= 5.0 && v[1] == floor(v[1]));
		count[(int)v[1]]++;
		for (k = 2; k < MODEL_N_EVENTS; k++)
			assert_true(v[k] >= 0.0 && v[k] < 100.0);
	}
	assert_true(tc[0] > 0 && tc[500] > 0); /* both ends inclusive */
	for (k = 0; k < 6; k++) {
		double f = (double)count[k] / N;

		/* sd is at most 0.0005 at p = 0.2 or 0.7 */
		assert_true(fabs(f - model_end_state_p[k]) < 0.003);
		sum_p += model_end_state_p[k];
	}
	assert_true(fabs(sum_p - 1.0) < 1e-12);
}

static void
test_uuid4(void **state)
{
	struct xrng r;
	char        a[37], b[37];
	int         i, k;

	(void)state;
	xrng_seed(&r, 3, 0);
	for (i = 0; i < 1000; i++) {
		memset(a, 'x', sizeof(a));
		gen_uuid4(&r, a);
		assert_int_equal(strlen(a), 36);
		for (k = 0; k < 36; k++) {
			if (k == 8 || k == 13 || k == 18 || k == 23)
				assert_int_equal(a[k], '-');
			else
				assert_non_null(
				    strchr("0123456789abcdef", a[k]));
		}
		assert_int_equal(a[14], '4');           /* version */
		assert_non_null(strchr("89ab", a[19])); /* variant */
		gen_uuid4(&r, b);
		assert_string_not_equal(a, b);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_metric_ranges),
		cmocka_unit_test(test_event_values),
		cmocka_unit_test(test_uuid4),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
