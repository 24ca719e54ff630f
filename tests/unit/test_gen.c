/* test_gen.c - ranges and frequencies of generated metric and event
 * values (seed §2.4, §2.5) drawn from per-sample crng keys, the
 * recomputability of a sample's values, and the UUID4 layout.
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
#include "model_ops.h"

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
	struct crng r;
	double v[MODEL_N_METRICS], min[MODEL_N_METRICS], max[MODEL_N_METRICS],
	    six;
	size_t c, i;
	int    k;

	(void)state;
	for (c = 0; c < N_ELEMS(classes); c++) {
		for (k = 0; k < MODEL_N_METRICS; k++) {
			min[k] = INFINITY;
			max[k] = -INFINITY;
		}
		for (i = 0; i < DRAWS; i++) {
			crng_init(&r, crng_key(1, i, (int64_t)c));
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
	struct crng r;
	double      v[MODEL_N_EVENTS];
	uint64_t    count[6] = { 0 }, tc[501] = { 0 };
	double      sum_p = 0.0;
	size_t      i;
	int         k;

	(void)state;
	for (i = 0; i < N; i++) {
		/* one key per sample, as the models draw them: successive
		 * timestamps of one series */
		crng_init(&r, crng_key(2, 5, (int64_t)i * 1000));
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

/* A sample's values are a function of (seed, series, time) only: a
 * shard of the model and the whole model give the same values for the
 * same series whatever was drawn before; other times, seeds or series
 * give others. cpu_user and cpu_idle depend on the host's CPU class,
 * which the seed draws per process's host list: left out. */
static void
test_recompute(void **state)
{
	const struct model_ops *ops = &model_perf_scale;
	struct model_conf    c = { .host_scale = 1, .instance_seed = 12345 };
	struct model         all, part;
	struct model_draw    d1, d2;
	double               a[SCHEMA_MAX_VALUES], b[SCHEMA_MAX_VALUES];
	const struct series *sa, *sb;
	uint32_t             h;
	unsigned             n, i;

	(void)state;
	assert_int_equal(ops->build(&all, &c, 0, 0), 0);
	assert_int_equal(ops->build(&part, &c, 600, 900), 0);
	memset(&d1, 0, sizeof(d1));
	memset(&d2, 0, sizeof(d2));
	d1.seed = d2.seed = 77;
	for (h = 600; h < 900; h += 37) {
		sa         = &all.events[all.host_events[h] + 0];
		sb         = &part.events[part.host_events[h - 600] + 0];
		d1.time_ms = d2.time_ms = 1767225600000 + h;
		assert_int_equal(
		    gen_series_key(&all, sa), gen_series_key(&part, sb));
		ops->values(
		    &all, &all.metrics[0], &d1, a); /* another draw first */
		n = ops->values(&all, sa, &d1, a);
		assert_int_equal(ops->values(&part, sb, &d2, b), n);
		assert_memory_equal(a, b, n * sizeof(double));
		n = ops->values(&all, &all.metrics[h], &d1, a);
		ops->values(&part, &part.metrics[h - 600], &d2, b);
		for (i = 1; i < n; i++)
			if (i != 7)
				assert_true(a[i] == b[i]);
		d2.time_ms += 1000; /* another time: other values */
		ops->values(&part, &part.metrics[h - 600], &d2, b);
		assert_true(a[8] != b[8]);
		d2.time_ms -= 1000;
		d2.seed = 78; /* another seed */
		ops->values(&part, &part.metrics[h - 600], &d2, b);
		assert_true(a[8] != b[8]);
		d2.seed = 77;
	}
	/* the event sets of one host: distinct keys */
	sa = &all.events[all.host_events[5]];
	assert_true(gen_series_key(&all, sa) != gen_series_key(&all, sa + 1));
	assert_true(
	    gen_series_key(&all, sa) != gen_series_key(&all, &all.metrics[5]));
	model_free(&all);
	model_free(&part);
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
		cmocka_unit_test(test_recompute),
		cmocka_unit_test(test_uuid4),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
