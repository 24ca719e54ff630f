/* test_lp.c - the line protocol encoder (precisions, splitting a batch
 * into bodies under a size limit) and the JSON pull scanner used to read
 * InfluxDB and Prometheus-API answers.
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

#include "jscan.h"
#include "lp.h"

#define S(x)                                                                  \
	{                                                                     \
		x, sizeof(x) - 1                                              \
	}

static const struct dimgroup mg = {
	.dim     = { S("r"), S("c"), S("s"), S("az"), S("m"), S("t"), S("o"),
	        { NULL, 0 } },
	.kind    = SERIES_METRICS,
	.name_at = 7,
};

static const struct dimgroup eg = {
	.dim     = { S("r"), S("c"), S("s"), S("az"), S("m"), { NULL, 0 },
	        S("p a"), S("") },
	.kind    = SERIES_EVENTS,
	.name_at = 5,
};

static const struct series ms
    = { .g = &mg, .name = "i-1", .name_len = 3, .kind = SERIES_METRICS };

static const struct series es
    = { .g = &eg, .name = "i-1", .name_len = 3, .kind = SERIES_EVENTS };

static void
sample(
    struct sample *s, const struct series *se, unsigned first, unsigned count)
{
	unsigned i;

	memset(s, 0, sizeof(*s));
	s->series  = se;
	s->time_ms = 1700000000123;
	s->first   = (uint8_t)first;
	s->count   = (uint8_t)count;
	for (i = 0; i < MODEL_MAX_MEASURES; i++)
		s->v[i] = i + 0.5;
	s->v[0] = se->kind == SERIES_EVENTS ? 7 : 0.5;
	s->v[1] = se->kind == SERIES_EVENTS ? 1 : 1.5;
}

static char *
encode_all(const struct batch *b, enum lp_precision p)
{
	struct buf    out;
	struct lp_enc e;
	unsigned      next = 0;

	buf_init(&out, 1 << 20);
	lp_enc_init(&e, p);
	assert_int_equal(lp_encode(&e, &out, b, &next, SIZE_MAX), 0);
	lp_enc_free(&e);
	assert_int_equal(next, b->n);
	assert_int_equal(buf_cstr(&out), 0);
	return out.p;
}

static void
test_precision(void **state)
{
	struct sample     s;
	struct batch      b = { .s = &s, .n = 1 };
	enum lp_precision p;
	char             *t;

	(void)state;
	sample(&s, &ms, 0, 2);
	t = encode_all(&b, LP_MS);
	assert_string_equal(t,
	    "metrics,region=r,cell=c,silo=s,availability_zone=az,"
	    "microservice_name=m,instance_type=t,os_version=o,"
	    "instance_name=i-1 cpu_user=0.5 1700000000123\n"
	    "metrics,region=r,cell=c,silo=s,availability_zone=az,"
	    "microservice_name=m,instance_type=t,os_version=o,"
	    "instance_name=i-1 cpu_system=1.5 1700000000123\n");
	free(t);
	t = encode_all(&b, LP_NS);
	assert_non_null(strstr(t, " 1700000000123000000\n"));
	free(t);
	t = encode_all(&b, LP_US);
	assert_non_null(strstr(t, " 1700000000123000\n"));
	free(t);
	t = encode_all(&b, LP_S);
	assert_non_null(strstr(t, " 1700000000\n"));
	free(t);

	assert_int_equal(lp_precision_parse("ms", &p), 0);
	assert_int_equal(p, LP_MS);
	assert_int_equal(lp_precision_parse("s", &p), 0);
	assert_int_equal(p, LP_S);
	assert_int_equal(lp_precision_parse("m", &p), -EINVAL);
	assert_string_equal(lp_precision_name(LP_US), "us");
}

static void
test_events_multi(void **state)
{
	struct sample s;
	struct batch  b = { .s = &s, .n = 1, .multi = true };
	char         *t;

	(void)state;
	sample(&s, &es, 0, 5);
	t = encode_all(&b, LP_MS);
	/* the empty jdk_version tag is left out; a space is escaped */
	assert_string_equal(t,
	    "events,region=r,cell=c,silo=s,availability_zone=az,"
	    "microservice_name=m,instance_name=i-1,process_name=p\\ a "
	    "task_completed=7i,task_end_state=\"SUCCESS_WITH_RESULT\","
	    "gc_reclaimed=2.5,gc_pause=3.5,memory_free=4.5 1700000000123\n");
	free(t);
}

/* Bodies under a limit: whole samples, nothing lost or repeated, at
 * least one sample per body even when it alone is over the limit. */
static void
test_split(void **state)
{
	struct sample s[10];
	struct batch  b = { .s = s, .n = 10 };
	struct buf    out, all;
	unsigned      next = 0, i, bodies = 0;
	char         *whole;
	size_t        one;
	struct lp_enc e;

	(void)state;
	lp_enc_init(&e, LP_MS);
	for (i = 0; i < 10; i++)
		sample(&s[i], i % 2 ? &es : &ms, 0, i % 2 ? 5 : 20);
	whole = encode_all(&b, LP_MS);
	buf_init(&out, 1 << 20);
	buf_init(&all, 1 << 20);
	while (next < b.n) {
		buf_reset(&out);
		assert_int_equal(lp_encode(&e, &out, &b, &next, 3000), 0);
		assert_true(out.len <= 3000 || bodies == next - 1);
		assert_true(out.len > 0 && out.p[out.len - 1] == '\n');
		buf_add(&all, out.p, out.len);
		bodies++;
	}
	assert_true(bodies > 2);
	buf_cstr(&all);
	assert_string_equal(all.p, whole);

	/* a limit below one sample: one sample per body */
	next = 0;
	buf_reset(&out);
	assert_int_equal(lp_encode(&e, &out, &b, &next, 10), 0);
	assert_int_equal(next, 1);
	one = out.len;
	assert_true(one > 10);
	/* the cap of the buffer itself is too small: -ENOSPC */
	buf_free(&out);
	buf_init(&out, 100);
	next = 0;
	assert_int_equal(lp_encode(&e, &out, &b, &next, SIZE_MAX), -ENOSPC);
	assert_int_equal(next, 0);
	buf_free(&out);
	buf_free(&all);
	lp_enc_free(&e);
	free(whole);
}

/* ---- jscan ---- */

static void
test_jscan_walk(void **state)
{
	static const char text[]
	    = " {\"results\": [ {\"statement_id\":0, \"series\":[{\"name\":"
	      "\"m\",\"tags\":{\"h\":\"a\\\"b\"},\"columns\":[\"time\",\"v\"],"
	      "\"values\":[[1,2.5],[2,null],[3,-1e-3]]}]}], \"x\":true,"
	      "\"u\":\"\\u00e9\\ud83d\\ude00\\n\\/\"} ";
	struct jscan s;
	struct buf   key, v;
	unsigned     rows = 0, nulls = 0;
	int          rc;

	(void)state;
	buf_init(&key, 256);
	buf_init(&v, 256);
	js_init(&s, text, sizeof(text) - 1);
	assert_true(js_enter(&s, '{'));
	while (js_more(&s, '}')) {
		assert_int_equal(js_key(&s, &key), 0);
		if (strcmp(key.p, "results") == 0) {
			js_enter(&s, '[');
			while (js_more(&s, ']')) {
				js_enter(&s, '{');
				while (js_more(&s, '}')) {
					js_key(&s, &key);
					if (strcmp(key.p, "series") != 0) {
						js_skip(&s);
						continue;
					}
					js_enter(&s, '[');
					while (js_more(&s, ']')) {
						js_enter(&s, '{');
						while (js_more(&s, '}')) {
							js_key(&s, &key);
							if (strcmp(key.p,
							        "values"))
								js_skip(&s);
							else
								break;
						}
						js_enter(&s, '[');
						while (js_more(&s, ']')) {
							js_enter(&s, '[');
							while (
							    js_more(&s, ']')) {
								buf_reset(&v);
								rc = js_scalar(
								    &s, &v);
								nulls
								    += rc == 1;
							}
							rows++;
						}
						assert_false(js_more(&s, '}'));
					}
				}
			}
		} else if (strcmp(key.p, "u") == 0) {
			buf_reset(&v);
			assert_int_equal(js_scalar(&s, &v), 0);
			buf_cstr(&v);
			assert_string_equal(
			    v.p, "\xc3\xa9\xf0\x9f\x98\x80\n/");
		} else if (strcmp(key.p, "x") == 0) {
			buf_reset(&v);
			assert_int_equal(js_scalar(&s, &v), 0);
			assert_int_equal(v.len, 4);
		} else {
			js_skip(&s);
		}
	}
	assert_int_equal(s.err, 0);
	assert_int_equal(rows, 3);
	assert_int_equal(nulls, 1);
	assert_int_equal(js_peek(&s), 0);
	buf_free(&key);
	buf_free(&v);
}

static void
test_jscan_errors(void **state)
{
	static const char *const bad[] = {
		"{\"a\":1",
		"{\"a\":\"x}",
		"{\"a\":\"\\q\"}",
		"[1 2",
		"{\"a\":\"\\u12\"}",
		"}",
		"",
		"{\"a\":\"x\ny\"}",
	};
	struct jscan s;
	struct buf   key;
	char         deep[200];
	size_t       i;

	(void)state;
	buf_init(&key, 64);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		js_init(&s, bad[i], strlen(bad[i]));
		js_skip(&s);
		if (!s.err)
			print_error("accepted: %s\n", bad[i]);
		assert_true(s.err < 0);
		/* the error sticks */
		assert_false(js_more(&s, '}'));
		assert_true(js_key(&s, &key) < 0);
	}
	/* the skipper is lenient about ':' and ','; js_key and js_more
	 * are not */
	js_init(&s, "[1,]", 4);
	assert_true(js_enter(&s, '['));
	assert_true(js_more(&s, ']'));
	assert_int_equal(js_skip(&s), 0);
	assert_false(js_more(&s, ']'));
	assert_int_equal(s.err, -EINVAL);
	js_init(&s, "{\"a\" 1}", 7);
	assert_true(js_enter(&s, '{'));
	assert_true(js_more(&s, '}'));
	assert_int_equal(js_key(&s, &key), -EINVAL);
	memset(deep, '[', sizeof(deep));
	js_init(&s, deep, sizeof(deep));
	assert_int_equal(js_skip(&s), -ELOOP);
	js_init(&s, "[]", 2);
	assert_true(js_enter(&s, '['));
	assert_false(js_more(&s, ']'));
	assert_int_equal(s.err, 0);
	js_init(&s, "{}", 2);
	assert_false(js_enter(&s, '['));
	assert_int_equal(s.err, -EINVAL);
	buf_free(&key);
}

/* The per-group tag cache: two groups with the same id in one encoder
 * each get their own tags; a plain group copies the instance name as it
 * is, any other escapes it. */
static void
test_tag_cache(void **state)
{
	struct dimgroup g1 = mg, g2 = mg;
	struct series   s1 = ms, s2 = ms;
	struct sample   a[3];
	struct batch    b = { .s = a, .n = 3 };
	char           *t;

	(void)state;
	g2.dim[0]   = (struct str) { "other", 5 };
	g1.plain    = true;
	s1.g        = &g1;
	s2.g        = &g2;
	s2.name     = "i 2,x";
	s2.name_len = 5;
	sample(&a[0], &s1, 0, 1);
	sample(&a[1], &s2, 0, 1);
	sample(&a[2], &s1, 1, 1);
	t = encode_all(&b, LP_MS);
	assert_string_equal(t,
	    "metrics,region=r,cell=c,silo=s,availability_zone=az,"
	    "microservice_name=m,instance_type=t,os_version=o,"
	    "instance_name=i-1 cpu_user=0.5 1700000000123\n"
	    "metrics,region=other,cell=c,silo=s,availability_zone=az,"
	    "microservice_name=m,instance_type=t,os_version=o,"
	    "instance_name=i\\ 2\\,x cpu_user=0.5 1700000000123\n"
	    "metrics,region=r,cell=c,silo=s,availability_zone=az,"
	    "microservice_name=m,instance_type=t,os_version=o,"
	    "instance_name=i-1 cpu_system=1.5 1700000000123\n");
	free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_precision),
		cmocka_unit_test(test_tag_cache),
		cmocka_unit_test(test_events_multi),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_jscan_walk),
		cmocka_unit_test(test_jscan_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
