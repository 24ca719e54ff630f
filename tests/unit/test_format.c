/* test_format.c - the formats registry (format.h): the exact list in order,
 * each entry valid, each encode agreeing with the encoder it wraps, and
 * the format= words of the file:, stdout: and null: targets being the
 * registry's.
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

#include "chtsv.h"
#include "graphite.h"
#include "otsdb.h"
#include "format.h"
#include "lp.h"
#include "pg_copy.h"
#include "series_fixture.h"
#include "tsjson.h"

/* The registry, exactly and in order. */
static const char *const want_names[] = { "lp", "json", "csv", "pgcopy",
	"chtsv", "graphite", "opentsdb", "opentsdbtelnet", NULL };

static void
test_registry_exact(void **state)
{
	const struct format_ops *const *f = format_list();
	char                            err[256];
	size_t                          i, j;

	(void)state;
	for (i = 0; f[i]; i++) {
		assert_non_null(want_names[i]);
		err[0] = '\0';
		if (!format_ops_valid(f[i], err, sizeof(err)))
			fail_msg("%s", err);
		assert_string_equal(f[i]->name, want_names[i]);
		assert_string_equal(format_names[i], f[i]->name);
		assert_ptr_equal(format_find(f[i]->name), f[i]);
		for (j = 0; j < i; j++)
			assert_string_not_equal(f[j]->name, f[i]->name);
	}
	assert_null(want_names[i]);
	assert_null(format_names[i]);
	assert_int_equal(i, 8);
	assert_null(format_find("xml"));
	assert_null(format_find("LP"));
	assert_null(format_find(""));

	assert_int_equal(format_names_join(err, sizeof(err), "|"), 0);
	assert_string_equal(
	    err, "lp|json|csv|pgcopy|chtsv|graphite|opentsdb|opentsdbtelnet");
	assert_int_equal(format_names_join(err, 8, "|"), -ENOSPC);
}

static int
dummy_encode(void *st, struct buf *out, const struct batch *b)
{
	(void)st;
	(void)b;
	return buf_adds(out, "x");
}

static int
dummy_init(void **st, const struct format_conf *conf)
{
	(void)conf;
	*st = NULL;
	return 0;
}

static void
dummy_fini(void *st)
{
	(void)st;
}

static void
test_ops_invalid(void **state)
{
	const struct format_ops good = {
		.name    = "x2",
		.version = FORMAT_OPS_VERSION,
		.desc    = "a test format",
		.ctype   = "text/plain",
		.encode  = dummy_encode,
	};
	struct format_ops bad;
	char              err[256];

	(void)state;
	assert_true(format_ops_valid(&good, err, sizeof(err)));
	assert_false(format_ops_valid(NULL, err, sizeof(err)));

	bad         = good;
	bad.version = FORMAT_OPS_VERSION + 1;
	assert_false(format_ops_valid(&bad, err, sizeof(err)));
	assert_non_null(strstr(err, "version"));

	bad        = good;
	bad.encode = NULL;
	assert_false(format_ops_valid(&bad, err, sizeof(err)));
	assert_string_equal(err, "format x2: no encode");

	bad      = good;
	bad.name = NULL;
	assert_false(format_ops_valid(&bad, err, sizeof(err)));
	bad.name = "Csv";
	assert_false(format_ops_valid(&bad, err, sizeof(err)));
	bad.name = "c-v";
	assert_false(format_ops_valid(&bad, err, sizeof(err)));
	bad.name = "";
	assert_false(format_ops_valid(&bad, err, sizeof(err)));

	bad      = good;
	bad.desc = "";
	assert_false(format_ops_valid(&bad, err, sizeof(err)));
	bad.desc = NULL;
	assert_false(format_ops_valid(&bad, err, sizeof(err)));

	bad       = good;
	bad.ctype = NULL;
	assert_false(format_ops_valid(&bad, err, sizeof(err)));

	bad      = good;
	bad.init = dummy_init;
	assert_false(format_ops_valid(&bad, err, sizeof(err)));
	assert_string_equal(err, "format x2: init and fini go together");
	bad.fini = dummy_fini;
	assert_true(format_ops_valid(&bad, err, sizeof(err)));
	bad.init = NULL;
	assert_false(format_ops_valid(&bad, err, sizeof(err)));
}

/* A metrics sample (two measures) and an events sample (all). */
static void
fixture(struct sample s[2], struct batch *b, bool multi)
{
	metric_sample(&s[0], 0, 2);
	event_sample_at(&s[1], 0, MODEL_N_EVENTS, 1700000000000);
	*b = (struct batch) {
		.s = s, .n = 2, .records = 2 + MODEL_N_EVENTS, .multi = multi
	};
}

/* What the encoder that format name wraps writes for b, called directly. */
static void
direct(const char *name, const struct batch *b, struct buf *out)
{
	struct lp_enc e;
	unsigned      next = 0, i;
	char         *w;

	if (strcmp(name, "lp") == 0) {
		lp_enc_init(&e, LP_NS);
		assert_int_equal(lp_encode(&e, out, b, &next, SIZE_MAX), 0);
		assert_int_equal(next, b->n);
		lp_enc_free(&e);
	} else if (strcmp(name, "json") == 0) {
		for (i = 0; i < b->n; i++) {
			assert_int_equal(
			    buf_reserve(out, tsjson_bound(&b->s[i], b)), 0);
			w = tsjson_sample(
			    out->p + out->len, &b->s[i], b, true, '\n');
			out->len = (size_t)(w - out->p);
		}
	} else if (strcmp(name, "pgcopy") == 0) {
		assert_true(pgcopy_batch(out, b) > 0);
	} else if (strcmp(name, "chtsv") == 0) {
		assert_int_equal(chtsv_batch(out, b), 0);
	} else if (strcmp(name, "graphite") == 0) {
		struct gph_enc g;

		gph_enc_init(&g, NULL);
		assert_int_equal(gph_encode(&g, out, b, &next, SIZE_MAX), 0);
		assert_int_equal(next, b->n);
		gph_enc_free(&g);
	} else if (strncmp(name, "opentsdb", 8) == 0) {
		struct otsdb_enc o;

		otsdb_enc_init(&o, name[8] ? OTSDB_TELNET : OTSDB_JSON, NULL);
		assert_int_equal(
		    otsdb_encode(&o, out, b, &next, SIZE_MAX, NULL), 0);
		assert_int_equal(next, b->n);
		otsdb_enc_free(&o);
	} else {
		fail_msg("no direct encoder for %s", name);
	}
}

/* The first CSV row of fixture()'s single-measure batch. */
#define CSV_ROW1                                                              \
	"1700000000000,us-east-1,us-east-1-cell-1,us-east-1-cell-1-silo-1,"   \
	"us-east-1-1,apollo,r5.4xlarge,AL2," INST ",,,,cpu_user,DOUBLE,"      \
	"47.38912883215873\n"

static void
test_encode_each(void **state)
{
	const struct format_ops *const *f;
	struct sample                   s[2];
	struct batch                    b;
	struct buf                      got, want;
	void                           *st;
	int                             multi;

	(void)state;
	for (f = format_list(); *f; f++) {
		for (multi = 0; multi < 2; multi++) {
			fixture(s, &b, multi);
			buf_init(&got, 1 << 20);
			buf_init(&want, 1 << 20);
			assert_int_equal(format_init(*f, NULL, &st), 0);
			/* two batches in a row: state kept between them */
			assert_int_equal((*f)->encode(st, &got, &b), 0);
			assert_int_equal((*f)->encode(st, &got, &b), 0);
			format_fini(*f, st);
			assert_true(got.len > 0);
			if (strcmp((*f)->name, "csv") == 0) {
				assert_int_equal(got.len % 2, 0);
				assert_memory_equal(
				    got.p, got.p + got.len / 2, got.len / 2);
				if (!multi)
					assert_memory_equal(
					    got.p, CSV_ROW1, strlen(CSV_ROW1));
			} else {
				direct((*f)->name, &b, &want);
				direct((*f)->name, &b, &want);
				assert_int_equal(got.len, want.len);
				assert_memory_equal(got.p, want.p, got.len);
			}
			buf_free(&got);
			buf_free(&want);
		}
	}
}

/* fmt's text for the absent-measure samples of test_absent: multi
 * metrics without the 8 CPU measures, multi events without
 * task_end_state and memory_free, single events [1, 4) without gc_reclaimed
 * and single events [1, 4) without any value. */
static char *
absent_text(const char *fmt)
{
	const struct format_ops *f = format_find(fmt);
	struct sample            s[2];
	struct batch             b = { .s = s, .n = 2, .multi = true };
	struct buf               out;
	void                    *st;

	buf_init(&out, 1 << 20);
	assert_int_equal(format_init(f, NULL, &st), 0);
	metric_sample(&s[0], 0, MODEL_N_METRICS);
	s[0].absent = 0xff;
	event_sample_at(&s[1], 0, MODEL_N_EVENTS, 1700000000000);
	s[1].absent = 1u << 1 | 1u << 4;
	assert_int_equal(f->encode(st, &out, &b), 0);
	event_sample_at(&s[0], 1, 3, 1700000000000);
	s[0].absent = 1u << 2;
	event_sample_at(&s[1], 1, 3, 1700000000000);
	s[1].absent = 0xe;
	b.multi     = false;
	assert_int_equal(f->encode(st, &out, &b), 0);
	format_fini(f, st);
	assert_int_equal(buf_cstr(&out), 0);
	return out.p;
}

#define CSV_M                                                                 \
	"1700000000000,us-east-1,us-east-1-cell-1,us-east-1-cell-1-silo-1,"   \
	"us-east-1-1,apollo,r5.4xlarge,AL2," INST ",,,,"
#define CSV_E                                                                 \
	"1700000000000,us-east-1,us-east-1-cell-1,us-east-1-cell-1-silo-1,"   \
	"us-east-1-1,apollo,,," INST ",server,JDK_11,,"
#define JS_DIMS_E                                                               \
	"{\"Dimensions\":[{\"Name\":\"region\",\"Value\":\"us-east-1\","        \
	"\"DimensionValueType\":\"VARCHAR\"},{\"Name\":\"cell\",\"Value\":"     \
	"\"us-east-1-cell-1\",\"DimensionValueType\":\"VARCHAR\"},{\"Name\":"   \
	"\"silo\",\"Value\":\"us-east-1-cell-1-silo-1\",\"DimensionValueType\"" \
	":\"VARCHAR\"},{\"Name\":\"availability_zone\",\"Value\":"              \
	"\"us-east-1-1\",\"DimensionValueType\":\"VARCHAR\"},{\"Name\":"        \
	"\"microservice_name\",\"Value\":\"apollo\",\"DimensionValueType\":"    \
	"\"VARCHAR\"},{\"Name\":\"instance_name\",\"Value\":\"" INST "\","      \
	"\"DimensionValueType\":\"VARCHAR\"},{\"Name\":\"process_name\","       \
	"\"Value\":\"server\",\"DimensionValueType\":\"VARCHAR\"},{\"Name\":"   \
	"\"jdk_version\",\"Value\":\"JDK_11\",\"DimensionValueType\":"          \
	"\"VARCHAR\"}],"
#define JS_TIME "\"Time\":\"1700000000000\",\"TimeUnit\":\"MILLISECONDS\"}\n"

/* Measures a sample has no value for (sample.absent). CSV: the header
 * stays, the field is empty (as for a measure the kind lacks), a single
 * row is left out. JSON: no MeasureValues entry (multi), no record
 * (single). A sample without any value writes nothing. */
static void
test_absent(void **state)
{
	char *t, *json;

	(void)state;
	t = absent_text("csv");
	assert_string_equal(t,
	    CSV_M "metrics,,,,,,,,,8.25,9.25,10.25,11.25,12.25,13.25,14.25,"
	          "15.25,16.25,17.25,18.25,19.25,,,,\n" CSV_E
	          "events,,,,,,,,,,,,,,,,,,,,,123,,55.5,0.125\n" CSV_E
	          "task_end_state,VARCHAR,SUCCESS_WITH_RESULT\n" CSV_E
	          "gc_pause,DOUBLE,0.125\n");
	free(t);

	t = json = absent_text("json");
	/* the metrics record: its first entry is memory_free */
	assert_non_null(strstr(t,
	    "\"MeasureValues\":[{\"Name\":\"memory_free\",\"Value\":\"8.25\","
	    "\"Type\":\"DOUBLE\"},{\"Name\":\"memory_used\","));
	assert_null(strstr(t, "cpu_"));
	t = strchr(t, '\n') + 1;
	assert_string_equal(t,
	    JS_DIMS_E
	    "\"MeasureValues\":[{\"Name\":\"task_completed\","
	    "\"Value\":\"123\",\"Type\":\"BIGINT\"},{\"Name\":"
	    "\"gc_reclaimed\",\"Value\":\"55.5\",\"Type\":\"DOUBLE\"},"
	    "{\"Name\":\"gc_pause\",\"Value\":\"0.125\",\"Type\":"
	    "\"DOUBLE\"}],\"MeasureName\":\"events\","
	    "\"MeasureValueType\":\"MULTI\"," JS_TIME JS_DIMS_E
	    "\"MeasureName\":\"task_end_state\",\"MeasureValue\":"
	    "\"SUCCESS_WITH_RESULT\",\"MeasureValueType\":\"VARCHAR\"," JS_TIME
	        JS_DIMS_E "\"MeasureName\":\"gc_pause\","
	    "\"MeasureValue\":\"0.125\",\"MeasureValueType\":"
	    "\"DOUBLE\"," JS_TIME);
	free(json);
}

/* What starts a file and the column lists, against the writers they
 * wrap; lp and json have neither. */
static void
test_header_columns(void **state)
{
	struct buf got, want;
	int        multi;

	(void)state;
	assert_null(format_find("lp")->header);
	assert_null(format_find("lp")->columns);
	assert_null(format_find("json")->header);
	assert_null(format_find("json")->columns);
	assert_null(format_find("csv")->columns);
	assert_null(format_find("pgcopy")->header);
	assert_null(format_find("chtsv")->header);
	for (multi = 0; multi < 2; multi++) {
		buf_init(&got, 1 << 16);
		buf_init(&want, 1 << 16);
		assert_int_equal(
		    format_find("csv")->header(&got, &fx_schema, multi), 0);
		assert_int_equal(buf_cstr(&got), 0);
		assert_non_null(strstr(got.p, "time_ms,region,cell,silo,"));
		assert_non_null(strstr(got.p,
		    multi ? ",measure_name,cpu_user,"
		          : ",measure_name,measure_type,measure_value\n"));
		assert_int_equal(got.p[got.len - 1], '\n');

		buf_reset(&got);
		assert_int_equal(
		    format_find("pgcopy")->columns(&got, &fx_schema, multi),
		    0);
		pgcopy_columns(&want, &fx_schema, multi);
		assert_int_equal(got.len, want.len);
		assert_memory_equal(got.p, want.p, got.len);

		buf_reset(&got);
		buf_reset(&want);
		assert_int_equal(
		    format_find("chtsv")->columns(&got, &fx_schema, multi), 0);
		assert_int_equal(chtsv_columns(&want, &fx_schema, multi), 0);
		assert_int_equal(got.len, want.len);
		assert_memory_equal(got.p, want.p, got.len);
		buf_free(&got);
		buf_free(&want);
	}
}

/* lp's state takes the precision of format_conf. */
static void
test_lp_precision(void **state)
{
	const struct format_conf conf = { .prec = LP_MS };
	const struct format_ops *f    = format_find("lp");
	struct sample            s[2];
	struct batch             b;
	struct buf               out;
	void                    *st;

	(void)state;
	fixture(s, &b, false);
	b.n = 1;
	buf_init(&out, 1 << 16);
	assert_int_equal(format_init(f, &conf, &st), 0);
	assert_int_equal(f->encode(st, &out, &b), 0);
	format_fini(f, st);
	assert_int_equal(buf_cstr(&out), 0);
	assert_non_null(
	    strstr(out.p, "cpu_user=47.38912883215873 1700000000000\n"));
	buf_reset(&out);
	assert_int_equal(format_init(f, NULL, &st), 0);
	assert_int_equal(f->encode(st, &out, &b), 0);
	format_fini(f, st);
	assert_int_equal(buf_cstr(&out), 0);
	assert_non_null(
	    strstr(out.p, "cpu_user=47.38912883215873 1700000000000000000\n"));
	buf_free(&out);
}

/* A buffer too small for a batch is -ENOSPC, in every format. */
static void
test_enospc(void **state)
{
	const struct format_ops *const *f;
	struct sample                   s[2];
	struct batch                    b;
	struct buf                      out;
	void                           *st;

	(void)state;
	fixture(s, &b, false);
	for (f = format_list(); *f; f++) {
		buf_init(&out, 64);
		assert_int_equal(format_init(*f, NULL, &st), 0);
		assert_int_equal((*f)->encode(st, &out, &b), -ENOSPC);
		format_fini(*f, st);
		buf_free(&out);
	}
}

/* The format= words of a target's parameter table. */
static const char *const *
format_words(const struct target_ops *t)
{
	const struct param_row *r;

	assert_non_null(t->params);
	for (r = t->params; r->name; r++)
		if (strcmp(r->name, "format") == 0)
			return r->words;
	fail_msg("target %s has no format parameter", t->name);
	return NULL;
}

static void
test_target_words(void **state)
{
	const struct target_ops *const ts[]
	    = { &target_file, &target_stdout, &target_null };
	const struct format_ops *const *f;
	const char *const              *w;
	size_t                          i;

	(void)state;
	for (i = 0; i < sizeof(ts) / sizeof(ts[0]); i++) {
		w = format_words(ts[i]);
		assert_non_null(w);
		for (f = format_list(); *f; f++, w++) {
			assert_non_null(*w);
			assert_string_equal(*w, (*f)->name);
		}
		assert_null(*w);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry_exact),
		cmocka_unit_test(test_ops_invalid),
		cmocka_unit_test(test_encode_each),
		cmocka_unit_test(test_absent),
		cmocka_unit_test(test_header_columns),
		cmocka_unit_test(test_lp_precision),
		cmocka_unit_test(test_enospc),
		cmocka_unit_test(test_target_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
