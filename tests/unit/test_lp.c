/* test_lp.c - the line protocol encoder (precisions, splitting a batch
 * into bodies under a size limit). The JSON pull reader that reads
 * InfluxDB and Prometheus-API answers is tested in test_jsonr.c.
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

#include "lp.h"
#include "schema_fixture.h"

#define S(x)                                                                  \
	{                                                                     \
		x, sizeof(x) - 1                                              \
	}

static const struct dimgroup mg = {
	.sk      = FX_METRICS,
	.dim     = { S("r"), S("c"), S("s"), S("az"), S("m"), S("t"), S("o"),
	        { NULL, 0 } },
	.kind    = SERIES_METRICS,
	.name_at = 7,
};

static const struct dimgroup eg = {
	.sk      = FX_EVENTS,
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

static unsigned
lines(const char *t)
{
	unsigned n = 0;

	for (; *t; t++)
		n += *t == '\n';
	return n;
}

/* Measures a sample has no value for (sample.absent) are left out: the
 * multi line has no field for them (a leading one takes no comma), a
 * single-layout range skips their lines, no value at all is no line. */
static void
test_absent(void **state)
{
	struct sample s[3];
	struct batch  b = { .s = s, .n = 1, .multi = true };
	char         *t;

	(void)state;
	sample(&s[0], &es, 0, 5);
	s[0].absent = 1u << 0 | 1u << 1 | 1u << 4;
	t           = encode_all(&b, LP_MS);
	assert_string_equal(t,
	    "events,region=r,cell=c,silo=s,availability_zone=az,"
	    "microservice_name=m,instance_name=i-1,process_name=p\\ a "
	    "gc_reclaimed=2.5,gc_pause=3.5 1700000000123\n");
	free(t);

	/* the 8 CPU measures of metrics out: memory_used first */
	sample(&s[0], &ms, 0, 20);
	s[0].absent = 0xff;
	t           = encode_all(&b, LP_MS);
	assert_non_null(strstr(t, " memory_free=8.5,memory_used=9.5,"));
	assert_null(strstr(t, "cpu_"));
	free(t);

	/* every value out: no line; the samples around it are whole */
	sample(&s[0], &es, 0, 5);
	sample(&s[1], &es, 0, 5);
	sample(&s[2], &es, 0, 5);
	s[0].absent = 1u << 2 | 1u << 3;
	s[1].absent = 0x1f;
	s[2].absent = 1u << 0;
	b.n         = 3;
	t           = encode_all(&b, LP_MS);
	assert_non_null(strstr(t,
	    "task_end_state=\"SUCCESS_WITH_RESULT\","
	    "memory_free=4.5 1700000000123\nevents,"));
	assert_non_null(strstr(t,
	    " task_end_state=\"SUCCESS_WITH_RESULT\","
	    "gc_reclaimed=2.5,gc_pause=3.5,"
	    "memory_free=4.5 1700000000123\n"));
	assert_int_equal(lines(t), 2);
	free(t);

	/* single layout: an absent measure inside the range has no line */
	sample(&s[0], &es, 1, 3);
	s[0].absent = 1u << 2;
	b.n         = 1;
	b.multi     = false;
	t           = encode_all(&b, LP_MS);
	assert_string_equal(t,
	    "events,region=r,cell=c,silo=s,availability_zone=az,"
	    "microservice_name=m,instance_name=i-1,process_name=p\\ a "
	    "task_end_state=\"SUCCESS_WITH_RESULT\" 1700000000123\n"
	    "events,region=r,cell=c,silo=s,availability_zone=az,"
	    "microservice_name=m,instance_name=i-1,process_name=p\\ a "
	    "gc_pause=3.5 1700000000123\n");
	free(t);
	s[0].absent = 0xe;
	t           = encode_all(&b, LP_MS);
	assert_string_equal(t, "");
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
		cmocka_unit_test(test_absent),
		cmocka_unit_test(test_split),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
