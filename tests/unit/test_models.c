/* test_models.c - the model registry: exactly the models listed here,
 * each with every mandatory member; perf-scale's ops against its
 * builder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "model_ops.h"

/* Every registered model, in registry order. */
static const char *const expected[] = { "perf-scale", "continuous", "apache",
	"cloudfront", "cloudflare", "datagen" };

static void
test_registry(void **state)
{
	const struct model_ops *const *m = model_list();
	char                           err[256];
	unsigned                       n = 0;

	(void)state;
	for (; *m; m++, n++) {
		assert_true(n < sizeof(expected) / sizeof(expected[0]));
		assert_string_equal((*m)->name, expected[n]);
		err[0] = '\0';
		if (!model_ops_valid(*m, err, sizeof(err)))
			fail_msg("%s", err);
		assert_ptr_equal(model_find((*m)->name), *m);
		/* mandatory members, named one by one */
		assert_int_equal((*m)->version, MODEL_OPS_VERSION);
		assert_non_null((*m)->help);
		assert_non_null((*m)->hosts);
		assert_non_null((*m)->series_count);
		assert_non_null((*m)->build);
		assert_non_null((*m)->free);
		assert_non_null((*m)->cycle);
		assert_non_null((*m)->values);
		assert_non_null((*m)->summary);
	}
	assert_int_equal(n, sizeof(expected) / sizeof(expected[0]));
	assert_null(model_find("perf"));
	assert_null(model_find(""));
	assert_null(model_find(NULL));
}

/* model_ops_valid refuses a table missing a member or with a bad name. */
static void
test_valid(void **state)
{
	struct model_ops o;
	char             err[256];

	(void)state;
	o = model_perf_scale;
	assert_true(model_ops_valid(&o, err, sizeof(err)));
	o.cycle = NULL;
	assert_false(model_ops_valid(&o, err, sizeof(err)));
	assert_non_null(strstr(err, "perf-scale"));
	o      = model_perf_scale;
	o.name = "Perf Scale";
	assert_false(model_ops_valid(&o, err, sizeof(err)));
	o         = model_perf_scale;
	o.version = 0;
	assert_false(model_ops_valid(&o, err, sizeof(err)));
	o      = model_perf_scale;
	o.help = NULL;
	assert_false(model_ops_valid(&o, err, sizeof(err)));
	assert_false(model_ops_valid(NULL, err, sizeof(err)));
}

struct counter {
	struct model_emit   e;
	uint64_t            metrics, events, values, stop_after;
	struct xrng         r;
	const struct model *m;
};

static bool
count_series(struct model_emit *e, const struct series *se)
{
	struct counter   *c = (struct counter *)e;
	double            v[SCHEMA_MAX_VALUES];
	struct model_draw d = { .r = &c->r };
	unsigned          n = model_perf_scale.values(c->m, se, &d, v);

	assert_int_equal(n, se->g->sk->n_values);
	c->values += n;
	if (se->kind == SERIES_METRICS)
		c->metrics++;
	else
		c->events++;
	return !c->stop_after || c->metrics + c->events < c->stop_after;
}

/* One cycle over every host emits every series once: the model's series
 * count; the emit callback can end the cycle. */
static void
test_perf_scale_cycle(void **state)
{
	const struct model_ops *ops = model_find("perf-scale");
	struct model_conf c = { .host_scale = 1, .req_id = REQID_MEASURE };
	struct model      m;
	struct counter    k;
	char              text[2048];

	(void)state;
	assert_int_equal(ops->hosts(&c), 1000);
	assert_int_equal(ops->series_count(&c), 26000);
	c.multi = true;
	assert_int_equal(ops->series_count(&c), 2200);
	c.multi = false;
	assert_int_equal(ops->build(&m, &c, 0, 0), 0);
	assert_ptr_equal(m.ops, ops);
	assert_int_equal(m.schema.req_id, REQID_MEASURE);
	assert_int_equal(m.schema.kind[0].n_measures, 21);

	memset(&k, 0, sizeof(k));
	k.e.series = count_series;
	k.m        = &m;
	xrng_seed(&k.r, 1, 0);
	ops->cycle(&m, 0, m.n_metrics, &k.e);
	assert_int_equal(k.metrics, 1000);
	assert_int_equal(k.events, 1200);
	assert_int_equal(k.values, ops->series_count(&c));

	memset(&k, 0, sizeof(k));
	k.e.series   = count_series;
	k.m          = &m;
	k.stop_after = 10;
	ops->cycle(&m, 0, m.n_metrics, &k.e);
	assert_int_equal(k.metrics + k.events, 10);

	assert_int_equal(ops->summary(&m, 5000, false, text, sizeof(text)), 0);
	assert_non_null(strstr(text, "1,000"));
	model_release(&m);
	assert_null(m.ops);
	model_release(&m); /* twice: nothing left */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_perf_scale_cycle),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
