/* test_datagen.c - the data generator's model (seed-behaviour-2.md Part 2):
 * its model file on the seed's example and on bad files, the tags of a
 * channel id, the value process (deterministic with a seed, and the
 * statistics the reference measured), the built model, and the seed's
 * environment variables as options. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "datagen.h"
#include "model_ops.h"
#include "seedenv.h"

static const char *
example_path(char *buf, size_t n)
{
	const char *dir = getenv("TSLOAD_SRCDIR");

	snprintf(buf, n, "%s/configs/datagen/temperature.json",
	    dir && *dir ? dir : ".");
	return buf;
}

/* The seed's temperature.json, as §2.3 describes it. */
static void
test_example(void **state)
{
	struct dg_spec s;
	char           path[4096], err[512];

	(void)state;
	example_path(path, sizeof(path));
	if (dg_spec_load(&s, path, err, sizeof(err)))
		fail_msg("%s", err);
	assert_string_equal(s.model, "temperature");
	assert_int_equal(s.n_tags, 3);
	assert_string_equal(s.tag[0].name, "plant");
	assert_int_equal(s.tag[0].n, 100);
	assert_true(s.tag[0].numeric);
	assert_string_equal(s.tag[0].value[99], "99");
	assert_string_equal(s.tag[1].name, "line");
	assert_int_equal(s.tag[1].n, 5);
	assert_true(s.tag[2].is_id);
	assert_int_equal(s.hierarchy, 500);
	assert_int_equal(s.n_sensors, 2);
	assert_int_equal(s.n_float, 1);
	assert_string_equal(s.sensor[0].key, "value");
	assert_int_equal(s.sensor[0].type, DG_FLOAT);
	assert_true(s.sensor[0].min == 6.0 && s.sensor[0].max == 7.4);
	assert_true(s.sensor[0].mean == 6.4 && s.sensor[0].stdev == 0.2);
	assert_true(s.sensor[0].variance == 0.03);
	assert_true(s.sensor[0].error_rate == 0.005);
	assert_true(s.sensor[0].error_length == 1.08);
	assert_int_equal(s.sensor[0].stdev_u, 20);
	assert_string_equal(s.sensor[1].key, "button_press");
	assert_int_equal(s.sensor[1].type, DG_BOOL);
	assert_int_equal(s.sensor[1].bool_k, 1000);
	dg_spec_free(&s);
}

#define SENSOR_F                                                              \
	"\"key\":{\"value\":\"v\"},\"type\":{\"value\":\"float\"},"           \
	"\"mean\":{\"value\":1},\"min\":{\"value\":0},\"max\":{\"value\":2}," \
	"\"stdev\":{\"value\":0.1},\"variance\":{\"value\":0.1},"             \
	"\"error_rate\":{\"value\":0.01},\"error_length\":{\"value\":1.5}"

/* Bad files: -EINVAL, one line naming the file and the field. */
static void
test_bad_files(void **state)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "[1]", "expected one JSON object" },
		{ "{\"m\":{", "JSON: " },
		{ "{\"description\":\"x\"}", "(no model key)" },
		{ "{\"a\":{},\"b\":{}}", "b: a second model key" },
		{ "{\"m\":{\"metrics\":{}}}", "m.tags: missing" },
		{ "{\"m\":{\"tags\":{\"a\":3}}}", "m.tags: no \"id\" tag" },
		{ "{\"m\":{\"tags\":{\"id\":\"id\",\"a\":3}}}",
		    "m.tags.a: comes after the \"id\" tag" },
		{ "{\"m\":{\"tags\":{\"a\":0,\"id\":\"id\"}}}",
		    "m.tags.a: expected an integer 1..10000000" },
		{ "{\"m\":{\"tags\":{\"a\":2.5,\"id\":\"id\"}}}",
		    "m.tags.a: expected an integer" },
		{ "{\"m\":{\"tags\":{\"a\":\"ID\",\"id\":\"id\"}}}",
		    "m.tags.a: \"ID\" is not a tag" },
		{ "{\"m\":{\"tags\":{\"a\":[],\"id\":\"id\"}}}",
		    "m.tags.a: expected \"id\", an integer N or a non-empty array" },
		{ "{\"m\":{\"tags\":{\"a\":[\"x\",{}],\"id\":\"id\"}}}",
		    "m.tags.a[1]: expected a string" },
		{ "{\"m\":{\"tags\":{\"id\":\"id\"}}}", "m.metrics: missing" },
		{ "{\"m\":{\"tags\":{\"id\":\"id\"},\"metrics\":{}}}",
		    "m.metrics: no sensor" },
		{ "{\"m\":{\"tags\":{\"id\":\"id\"},\"metrics\":{\"t\":{"
		  "\"key\":{\"value\":\"v\"},\"type\":{\"value\":\"INT\"}}}}}",
		    "m.metrics.t.type.value: expected FLOAT or BOOL" },
		{ "{\"m\":{\"tags\":{\"id\":\"id\"},\"metrics\":{\"t\":{"
		  "\"type\":{\"value\":\"BOOL\"}}}}}",
		    "m.metrics.t.key.value: missing" },
		{ "{\"m\":{\"tags\":{\"id\":\"id\"},\"metrics\":{\"t\":{"
		  "\"key\":{\"value\":\"v\"},\"type\":{\"value\":\"BOOL\"}}}}}",
		    "m.metrics.t.true_ratio.value: missing (a number)" },
		{ "{\"m\":{\"tags\":{\"id\":\"id\"},\"metrics\":{\"t\":{"
		  "\"key\":{\"value\":\"v\"},\"type\":{\"value\":\"BOOL\"},"
		  "\"true_ratio\":{\"value\":0}}}}}",
		    "m.metrics.t.true_ratio.value: expected a number above 0" },
		{ "{\"m\":{\"tags\":{\"id\":\"id\"},\"metrics\":{\"t\":{"
		  "\"key\":{\"value\":\"v\"},\"type\":{\"value\":\"FLOAT\"},"
		  "\"mean\":{\"value\":1}}}}}",
		    "m.metrics.t.min.value: missing (a number)" },
		{ "{\"m\":{\"tags\":{\"id\":\"id\"},\"metrics\":{\"t\":{"
		  "\"key\":{\"value\":\"v\"},\"type\":{\"value\":\"FLOAT\"},"
		  "\"mean\":{\"value\":1},\"min\":{\"value\":0},"
		  "\"max\":{\"value\":2},\"stdev\":{\"value\":\"x\"}}}}}",
		    "m.metrics.t.stdev.value: expected a number" },
		{ "{\"m\":{\"tags\":{\"id\":\"id\"},\"fields\":{\"t\":{" SENSOR_F
		  "},\"u\":{" SENSOR_F "}}}}",
		    "m.fields.u.key.value: \"v\" is also sensor t's key" },
		{ "{\"m\":{\"tags\":{\"v\":2,\"id\":\"id\"},\"metrics\":{\"t\":{" SENSOR_F
		  "}}}}",
		    "m.metrics.t.key.value: \"v\" is also a tag" },
	};
	struct dg_spec s;
	char           err[512];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc;

		err[0] = '\0';
		rc     = dg_spec_parse(&s, "x.json", cases[i].text,
		        strlen(cases[i].text), err, sizeof(err));
		if (rc != -EINVAL)
			fail_msg("case %zu: rc %d", i, rc);
		dg_spec_free(&s);
		if (!strstr(err, cases[i].want)
		    || strncmp(err, "--model-file x.json: ", 21)
		    || strchr(err, '\n'))
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err,
			    cases[i].want);
	}
	/* "fields" (tsperf) is read as "metrics", type case-insensitive */
	{
		const char *ok
		    = "{\"m\":{\"tags\":{\"k\":[\"AT\",\"BE\",7],"
		      "\"id\":\"id\"},\"fields\":{\"t\":{" SENSOR_F "}}}}";

		if (dg_spec_parse(
		        &s, "x.json", ok, strlen(ok), err, sizeof(err)))
			fail_msg("%s", err);
		assert_int_equal(s.tag[0].n, 3);
		assert_false(s.tag[0].numeric);
		assert_string_equal(s.tag[0].value[2], "7");
		assert_int_equal(s.sensor[0].type, DG_FLOAT);
		dg_spec_free(&s);
	}
	assert_int_not_equal(
	    dg_spec_load(&s, "/nonexistent/x.json", err, sizeof(err)), 0);
	assert_non_null(strstr(err, "/nonexistent/x.json"));
	dg_spec_free(&s);
}

/* §2.3's examples, the adding accumulator included. */
static void
test_tags(void **state)
{
	static const char *two
	    = "{\"m\":{\"tags\":{\"plant\":100,\"line\":5,"
	      "\"id\":\"id\"},\"metrics\":{\"t\":{" SENSOR_F "}}}}";
	static const char *three
	    = "{\"m\":{\"tags\":{\"a\":2,\"b\":3,\"c\":4,"
	      "\"id\":\"id\"},\"metrics\":{\"t\":{" SENSOR_F "}}}}";
	static const struct {
		uint64_t id;
		uint32_t plant, line;
	} ex[] = { { 1, 0, 0 }, { 5, 0, 4 }, { 6, 1, 0 }, { 500, 99, 4 },
		{ 501, 0, 0 } };
	struct dg_spec s;
	char           err[256];
	uint32_t       ix[DG_MAX_TAGS];

	(void)state;
	assert_int_equal(
	    dg_spec_parse(&s, "x", two, strlen(two), err, sizeof(err)), 0);
	for (size_t i = 0; i < sizeof(ex) / sizeof(ex[0]); i++) {
		dg_tags(&s, ex[i].id, ix);
		assert_int_equal(ix[0], ex[i].plant);
		assert_int_equal(ix[1], ex[i].line);
	}
	dg_spec_free(&s);
	assert_int_equal(
	    dg_spec_parse(&s, "x", three, strlen(three), err, sizeof(err)), 0);
	dg_tags(&s, 12, ix); /* the seed's: c 3, b 2, a 1 */
	assert_int_equal(ix[2], 3);
	assert_int_equal(ix[1], 2);
	assert_int_equal(ix[0], 1);
	dg_spec_free(&s);
}

static struct dg_sensor
temperature(void)
{
	struct dg_sensor c = { .type = DG_FLOAT,
		.mean                = 6.4,
		.min                 = 6.0,
		.max                 = 7.4,
		.stdev               = 0.2,
		.variance            = 0.03,
		.error_rate          = 0.005,
		.error_length        = 1.08,
		.stdev_u             = 20 };

	return c;
}

/* Same seed, same walk; another seed, another. */
static void
test_walk_deterministic(void **state)
{
	struct dg_sensor c = temperature();
	struct dg_float  a, b, x;
	struct xrng      ra, rb, rx;
	bool             differ = false;

	(void)state;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	memset(&x, 0, sizeof(x));
	xrng_seed(&ra, 42, 3);
	xrng_seed(&rb, 42, 3);
	xrng_seed(&rx, 43, 3);
	for (int i = 0; i < 10000; i++) {
		double va = dg_float_step(&a, &c, &ra, NULL);

		assert_true(va == dg_float_step(&b, &c, &rb, NULL));
		differ = differ || va != dg_float_step(&x, &c, &rx, NULL);
	}
	assert_true(differ);
	/* the first value: round2(uniform(mean - var, mean + var)) */
	memset(&a, 0, sizeof(a));
	dg_float_init(&a, &c, &ra);
	assert_true(a.value >= 6.37 && a.value <= 6.43);
	assert_true(fabs(a.value * 100 - nearbyint(a.value * 100)) < 1e-6);
}

/* §2.4's measured statistics of temperature over 200,000 steps: good
 * values mean 6.39, sd 0.31; 0.54% errors in bursts of 1.07 on average;
 * a burst starts outside mean +- stdev, inside min..max. */
static void
test_walk_statistics(void **state)
{
	struct dg_sensor c = temperature();
	struct dg_float  f;
	struct xrng      r;
	double           sum = 0, sum2 = 0;
	unsigned         good = 0, errs = 0, bursts = 0;
	bool             was = false;
	const unsigned   N   = 200000;

	(void)state;
	memset(&f, 0, sizeof(f));
	xrng_seed(&r, 7, 0);
	for (unsigned i = 0; i < N; i++) {
		bool   e;
		double v = dg_float_step(&f, &c, &r, &e);

		if (!e) {
			good++;
			sum += v;
			sum2 += v * v;
		} else {
			errs++;
			if (!was) {
				bursts++;
				assert_true(v >= 6.0 && v <= 7.4);
				assert_true(
				    v <= 6.2 + 1e-9 || v >= 6.6 - 1e-9);
			}
		}
		was = e;
	}
	{
		double mean = sum / good;
		double sd   = sqrt(sum2 / good - mean * mean);
		double frac = (double)errs / N, burst = (double)errs / bursts;

		print_message(
		    "good mean %.3f sd %.3f, errors %.3f%%, burst %.3f\n",
		    mean, sd, 100 * frac, burst);
		assert_true(mean > 6.3 && mean < 6.5);
		assert_true(sd > 0.2 && sd < 0.45);
		assert_true(frac > 0.004 && frac < 0.007);
		assert_true(burst > 1.0 && burst < 1.15);
	}
}

/* P(true) = 1/(floor(1/r) + 1): 0.25 gives 0.2, 1 gives 0.5. */
static void
test_bool(void **state)
{
	struct dg_sensor q
	    = { .type = DG_BOOL, .true_ratio = 0.25, .bool_k = 4 };
	struct dg_sensor h = { .type = DG_BOOL, .true_ratio = 1, .bool_k = 1 };
	struct xrng      r;
	unsigned         tq = 0, th = 0, N = 100000;

	(void)state;
	xrng_seed(&r, 1, 0);
	for (unsigned i = 0; i < N; i++) {
		tq += dg_bool_draw(&q, &r);
		th += dg_bool_draw(&h, &r);
	}
	assert_true(fabs((double)tq / N - 0.2) < 0.01);
	assert_true(fabs((double)th / N - 0.5) < 0.01);
}

struct seen {
	struct model_emit e;
	unsigned          n;
	char              first[16], last[16];
};

static bool
see(struct model_emit *e, const struct series *se)
{
	struct seen *k = (struct seen *)e;

	if (!k->n)
		snprintf(k->first, sizeof(k->first), "%s", se->name);
	snprintf(k->last, sizeof(k->last), "%s", se->name);
	k->n++;
	return true;
}

/* A built range: channels first+1 .. end, the id dimension first, the
 * other tags from the group, a value per sensor. */
static void
test_model_build(void **state)
{
	const struct model_ops *ops = model_find("datagen");
	struct model_conf       c   = { .host_scale = 1 };
	struct model            m;
	struct model_draw       d;
	struct xrng             r;
	struct seen             k;
	char                    path[4096], text[2048];
	double                  v[32];

	(void)state;
	assert_non_null(ops);
	c.model_file = example_path(path, sizeof(path));
	assert_int_equal(ops->hosts(&c), 500);
	assert_int_equal(ops->series_count(&c), 1000);
	c.channels = 2000; /* --id-end beyond one hierarchy */
	assert_int_equal(ops->hosts(&c), 2000);
	c.channels = 0;
	assert_int_equal(ops->build(&m, &c, 10, 20), 0);
	assert_int_equal(m.n_metrics, 10);
	assert_int_equal(m.n_groups, 10);
	assert_string_equal(m.schema.kind[0].name, "temperature");
	assert_string_equal(m.schema.kind[0].dim[0], "sensor_id");
	assert_string_equal(m.schema.kind[0].dim[1], "line");
	assert_string_equal(m.schema.kind[0].dim[2], "plant");
	assert_int_equal(m.schema.kind[0].m[1].type, MT_BIGINT);
	/* channel 11: line 0, plant 2 */
	assert_string_equal(series_dim(&m.metrics[0], 0).p, "11");
	assert_string_equal(series_dim(&m.metrics[0], 1).p, "0");
	assert_string_equal(series_dim(&m.metrics[0], 2).p, "2");
	memset(&k, 0, sizeof(k));
	k.e.series = see;
	ops->cycle(&m, 0, m.n_metrics, &k.e);
	assert_int_equal(k.n, 10);
	assert_string_equal(k.first, "11");
	assert_string_equal(k.last, "20");
	memset(&d, 0, sizeof(d));
	xrng_seed(&r, 1, 0);
	d.r = &r;
	assert_int_equal(ops->values(&m, &m.metrics[3], &d, v), 2);
	assert_true(v[0] > 5 && v[0] < 8);
	assert_true(v[1] == 0 || v[1] == 1);
	assert_int_equal(ops->summary(&m, 500, false, text, sizeof(text)), 0);
	assert_non_null(strstr(text, "Channels: 500"));
	model_release(&m);
	/* a range past the model */
	assert_int_equal(ops->build(&m, &c, 400, 501), -EINVAL);
	model_release(&m);
}

/* ---- the seed's environment ---- */

static const char *const *env_table;

static const char *
fake_get(const char *name)
{
	for (const char *const *e = env_table; e && *e; e += 2)
		if (!strcmp(e[0], name))
			return e[1];
	return NULL;
}

static const char *
val_of(const struct seedenv *s, const char *opt)
{
	for (unsigned i = 0; i < s->n; i++)
		if (!strcmp(s->kv[i].opt, opt))
			return s->kv[i].val;
	return NULL;
}

static void
test_seedenv(void **state)
{
	static const char *const none[]
	    = { "HOST", "x", "USERNAME", "me", NULL };
	static const char *const job[] = { "MODEL_PATH", "/temperature.json",
		"ID_START", "1001", "ID_END", "2000", "HOST",
		"crate.example:4200", "INGEST_MODE", "1", "INGEST_SIZE",
		"2400000", "INGEST_DELTA", "0.5", "INGEST_TS",
		"1600163743.500", "TABLE_NAME", "doc.timeseries2", "SHARDS",
		"28", "USERNAME", "crate", "PASSWORD", "p@ss", NULL };
	static const char *const steady[] = { "MODEL_PATH", "m.json",
		"INGEST_MODE", "0", "INGEST_SIZE", "7", "INGEST_DELTA", "2",
		"HOST", "postgres://db:5433/doc", "USERNAME", "u", NULL };
	static const char *const odd[]
	    = { "MODEL_PATH", "m", "INGEST_TS", "1600163743.3", NULL };
	const struct {
		const char *const *env;
		const char        *want;
	} bad[] = {
		{ (const char *const[]) { "MODEL_PATH", "", NULL },
		    "MODEL_PATH" },
		{ (const char *const[]) {
		      "MODEL_PATH", "m", "INGEST_MODE", "2", NULL },
		    "INGEST_MODE: \"2\" is not 0 or 1" },
		{ (const char *const[]) { "MODEL_PATH", "m", "ID_START", "9",
		      "ID_END", "3", NULL },
		    "ID_START: 9 > ID_END: 3" },
		{ (const char *const[]) {
		      "MODEL_PATH", "m", "ID_START", "x", NULL },
		    "ID_START: " },
		{ (const char *const[]) {
		      "MODEL_PATH", "m", "INGEST_DELTA", "0.0005", NULL },
		    "INGEST_DELTA: " },
		{ (const char *const[]) {
		      "MODEL_PATH", "m", "INGEST_SIZE", "-1", NULL },
		    "INGEST_SIZE: " },
		{ (const char *const[]) {
		      "MODEL_PATH", "m", "HOST", "a@b:1", NULL },
		    "HOST: " },
	};
	struct seedenv s;
	char           err[512];

	(void)state;
	env_table = none; /* no MODEL_PATH: nothing */
	assert_int_equal(
	    seedenv_translate(fake_get, 0, &s, err, sizeof(err)), 0);
	assert_int_equal(s.n, 0);

	env_table = job;
	assert_int_equal(
	    seedenv_translate(fake_get, 0, &s, err, sizeof(err)), 0);
	assert_string_equal(val_of(&s, "model"), "datagen");
	assert_string_equal(val_of(&s, "model-file"), "/temperature.json");
	assert_string_equal(val_of(&s, "id-start"), "1000");
	assert_string_equal(val_of(&s, "id-end"), "2000");
	assert_string_equal(val_of(&s, "interval-millis"), "500");
	assert_string_equal(val_of(&s, "start-time"), "1600163744000");
	assert_string_equal(
	    val_of(&s, "end-time"), "1601363744000"); /* + 2.4 M x 0.5 s */
	assert_null(val_of(&s, "autostop"));
	assert_string_equal(val_of(&s, "table-name"), "doc.timeseries2");
	assert_string_equal(val_of(&s, "target"),
	    "postgres://crate:p%40ss@crate.example:5432/");
	assert_int_equal(s.n_notes, 2); /* port 4200, SHARDS */

	env_table = steady; /* now 1600000001.3 s: the 2 s grid's ...002 */
	assert_int_equal(
	    seedenv_translate(fake_get, 1600000001300, &s, err, sizeof(err)),
	    0);
	assert_string_equal(val_of(&s, "interval-millis"), "2000");
	assert_string_equal(val_of(&s, "autostop"), "7");
	assert_string_equal(val_of(&s, "start-time"), "1600000002000");
	assert_null(val_of(&s, "end-time"));
	assert_string_equal(val_of(&s, "id-start"), "0");
	assert_string_equal(val_of(&s, "id-end"), "500");
	assert_string_equal(val_of(&s, "target"), "postgres://u@db:5433/doc");

	env_table = odd; /* 1600163743.3 + 0.5 snaps to ...744.0 */
	assert_int_equal(
	    seedenv_translate(fake_get, 0, &s, err, sizeof(err)), 0);
	assert_string_equal(val_of(&s, "start-time"), "1600163744000");
	assert_string_equal(val_of(&s, "end-time"), "1600164244000");

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		env_table = bad[i].env;
		err[0]    = '\0';
		assert_int_equal(
		    seedenv_translate(fake_get, 0, &s, err, sizeof(err)),
		    -EINVAL);
		if (!strstr(err, bad[i].want) || strchr(err, '\n'))
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err,
			    bad[i].want);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_tags),
		cmocka_unit_test(test_walk_deterministic),
		cmocka_unit_test(test_walk_statistics),
		cmocka_unit_test(test_bool),
		cmocka_unit_test(test_model_build),
		cmocka_unit_test(test_seedenv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
