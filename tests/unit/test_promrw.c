/* test_promrw.c - remote write bodies (common/formats/promrw.c): the
 * protobuf bytes of Part 4's example, snappy round trips, names, sorted
 * labels without empty values, grouping by series, the body limits, and
 * an injected sample's invalid wire type. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <errno.h>
#include <snappy-c.h>

#include "promrw.h"
#include "series_fixture.h"

/* ---- a small WriteRequest reader for the checks ---- */

enum { RD_TS = 64, RD_LAB = 16, RD_SMP = 8 };

struct rd_ts {
	unsigned nlab, nsmp;
	char     name[RD_LAB][128], val[RD_LAB][256];
	double   v[RD_SMP];
	int64_t  t[RD_SMP];
	bool     bad; /* a timestamp key with wire type 7 */
};

struct rd {
	unsigned     n;
	struct rd_ts ts[RD_TS];
};

static uint64_t
rd_varint(const uint8_t **p)
{
	uint64_t v = 0;
	unsigned s = 0;

	while (**p & 0x80) {
		v |= (uint64_t)(**p & 0x7f) << s;
		s += 7;
		(*p)++;
	}
	v |= (uint64_t) * *p << s;
	(*p)++;
	return v;
}

/* A Label {1: name, 2: value}. */
static void
rd_label(const uint8_t *p, const uint8_t *end, char *name, char *val)
{
	while (p < end) {
		uint8_t  key = *p++;
		uint64_t n   = rd_varint(&p);

		memcpy(key == 0x0a ? name : val, p, n);
		(key == 0x0a ? name : val)[n] = '\0';
		p += n;
	}
}

static void
rd_sample(const uint8_t *p, const uint8_t *end, struct rd_ts *t)
{
	while (p < end) {
		uint8_t key = *p++;

		if (key == 0x09) {
			memcpy(&t->v[t->nsmp], p, 8);
			p += 8;
		} else {
			assert_true(key == 0x10 || key == 0x17);
			t->bad |= key == 0x17;
			t->t[t->nsmp] = (int64_t)rd_varint(&p);
		}
	}
	t->nsmp++;
}

/* Uncompresses body and reads its TimeSeries into r. */
static void
rd_body(const char *body, size_t len, struct rd *r)
{
	size_t         n;
	char          *pb;
	const uint8_t *p, *end;

	memset(r, 0, sizeof(*r));
	assert_int_equal(
	    snappy_validate_compressed_buffer(body, len), SNAPPY_OK);
	assert_int_equal(snappy_uncompressed_length(body, len, &n), SNAPPY_OK);
	pb = test_malloc(n + 1);
	assert_int_equal(snappy_uncompress(body, len, pb, &n), SNAPPY_OK);
	p   = (const uint8_t *)pb;
	end = p + n;
	while (p < end) {
		const uint8_t *te;
		struct rd_ts  *t = &r->ts[r->n++];
		uint64_t       tl;

		assert_int_equal(*p++, 0x0a);
		tl = rd_varint(&p);
		te = p + tl;
		while (p < te) {
			uint8_t  key = *p++;
			uint64_t ln  = rd_varint(&p);

			if (key == 0x0a) {
				rd_label(p, p + ln, t->name[t->nlab],
				    t->val[t->nlab]);
				t->nlab++;
			} else {
				assert_int_equal(key, 0x12);
				rd_sample(p, p + ln, t);
			}
			p += ln;
		}
	}
	test_free(pb);
}

/* ---- Part 4's example ---- */

/* test_metric{job="a",instance="b"} 1.5 @1700000000000, labels in the
 * example's order, as observed. */
static const uint8_t example_pb[] = { 0x0a, 0x44, 0x0a, 0x17, 0x0a, 0x08, '_',
	'_', 'n', 'a', 'm', 'e', '_', '_', 0x12, 0x0b, 't', 'e', 's', 't', '_',
	'm', 'e', 't', 'r', 'i', 'c', 0x0a, 0x08, 0x0a, 0x03, 'j', 'o', 'b',
	0x12, 0x01, 'a', 0x0a, 0x0d, 0x0a, 0x08, 'i', 'n', 's', 't', 'a', 'n',
	'c', 'e', 0x12, 0x01, 'b', 0x12, 0x10, 0x09, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0xf8, 0x3f, 0x10, 0x80, 0xd0, 0x95, 0xff, 0xbc, 0x31 };

static void
test_example_bytes(void **state)
{
	struct buf b;
	uint8_t    smp[20], *w = smp;
	double     v = 1.5;
	char       z[128], back[128];
	size_t     zlen = sizeof(z), blen = sizeof(back);

	(void)state;
	buf_init(&b, 1 << 16);
	/* TimeSeries key and length, then the labels as the example has
	 * them, then the sample */
	assert_int_equal(buf_add(&b, "\x0a\x44", 2), 0);
	assert_int_equal(
	    prw_put_label(&b, "__name__", 8, "test_metric", 11), 0);
	assert_int_equal(prw_put_label(&b, "job", 3, "a", 1), 0);
	assert_int_equal(prw_put_label(&b, "instance", 8, "b", 1), 0);
	*w++ = 0x12;
	*w++ = 0x10;
	*w++ = 0x09;
	memcpy(w, &v, 8);
	w += 8;
	*w++ = 0x10;
	w += prw_varint(w, 1700000000000ULL);
	assert_int_equal(buf_add(&b, smp, (size_t)(w - smp)), 0);
	assert_int_equal(b.len, sizeof(example_pb));
	assert_memory_equal(b.p, example_pb, sizeof(example_pb));

	/* snappy: "46 f0 45" then the 70 bytes as one literal */
	assert_int_equal(snappy_compress(b.p, b.len, z, &zlen), SNAPPY_OK);
	assert_int_equal(zlen, 3 + sizeof(example_pb));
	assert_memory_equal(z, "\x46\xf0\x45", 3);
	assert_memory_equal(z + 3, example_pb, sizeof(example_pb));
	assert_int_equal(snappy_uncompress(z, zlen, back, &blen), SNAPPY_OK);
	assert_int_equal(blen, b.len);
	assert_memory_equal(back, b.p, blen);
	buf_free(&b);
}

/* The same sample through the encoder, from a schema of kind "test" with
 * dimensions job and instance: labels sorted, so instance comes before
 * job; otherwise the example's bytes. */
static struct schema ex_schema;

static void
test_example_encoder(void **state)
{
	static const char *const dims[] = { "job", "instance" };
	struct dimgroup          g      = { 0 };
	struct series            se     = { 0 };
	struct sample            s;
	struct batch             b = { .s = &s, .n = 1, .records = 1 };
	struct prw_enc           e;
	struct prw_part          part;
	struct buf               out;
	uint8_t                  want[sizeof(example_pb)];
	char                     pb[256];
	size_t                   n = sizeof(pb);

	(void)state;
	schema_init(&ex_schema, "test");
	assert_int_equal(schema_add_kind(&ex_schema, "test", dims, 2, 1), 0);
	assert_int_equal(
	    schema_add_measure(&ex_schema, 0, "metric", MT_DOUBLE, NULL, 0),
	    0);
	assert_int_equal(schema_finish(&ex_schema, REQID_NONE), 0);
	g.sk        = &ex_schema.kind[0];
	g.dim[0]    = (struct str) { "a", 1 };
	g.name_at   = 1;
	se.g        = &g;
	se.name     = "b";
	se.name_len = 1;
	memset(&s, 0, sizeof(s));
	s.series  = &se;
	s.time_ms = 1700000000000;
	s.count   = 1;
	s.v[0]    = 1.5;

	/* the example with its two labels swapped */
	memcpy(want, example_pb, 27);
	memcpy(want + 27, example_pb + 37, 15);
	memcpy(want + 42, example_pb + 27, 10);
	memcpy(want + 52, example_pb + 52, sizeof(example_pb) - 52);

	buf_init(&out, 1 << 16);
	prw_enc_init(&e, NULL);
	prw_plan(&e, &b);
	assert_int_equal(prw_body(&e, &out, 100, 1 << 20, &part), 0);
	assert_true(prw_done(&e));
	assert_int_equal(part.series, 1);
	assert_int_equal(part.samples, 1);
	assert_int_equal(part.pb_len, sizeof(example_pb));
	assert_int_equal(snappy_uncompress(out.p, out.len, pb, &n), SNAPPY_OK);
	assert_int_equal(n, sizeof(want));
	assert_memory_equal(pb, want, n);
	prw_enc_free(&e);
	buf_free(&out);
}

/* ---- names ---- */

static void
test_names(void **state)
{
	char s[64];

	(void)state;
	prw_metric_name(s, sizeof(s), "metrics", "cpu_user");
	assert_string_equal(s, "metrics_cpu_user");
	prw_metric_name(s, sizeof(s), "web-log", "p95.ms:x");
	assert_string_equal(s, "web_log_p95_ms:x");
	prw_metric_name(s, sizeof(s), "9kind", "m");
	assert_string_equal(s, "_9kind_m");
	prw_label_name(s, sizeof(s), "availability_zone");
	assert_string_equal(s, "availability_zone");
	prw_label_name(s, sizeof(s), "a:b-c");
	assert_string_equal(s, "a_b_c");
	prw_label_name(s, sizeof(s), "1st");
	assert_string_equal(s, "_1st");
	prw_label_name(s, sizeof(s), "__reserved");
	assert_string_equal(s, "_reserved");
	prw_label_name(s, sizeof(s), "");
	assert_string_equal(s, "_");
	prw_metric_name(s, 8, "metrics", "cpu_user");
	assert_string_equal(s, "metrics");
}

static void
test_schema_check(void **state)
{
	static const char *const dims[] = { "a-b", "a_b" };
	static const char *const ok[]   = { "region", "host" };
	struct schema            sc;
	char                     err[256] = "";

	(void)state;
	assert_int_equal(
	    prw_schema_check("promrw", &fx_schema, err, sizeof(err)), 0);
	schema_init(&sc, "t");
	assert_int_equal(schema_add_kind(&sc, "k", dims, 2, 0), 0);
	assert_int_equal(
	    schema_add_measure(&sc, 0, "m", MT_DOUBLE, NULL, 0), 0);
	assert_int_equal(schema_finish(&sc, REQID_NONE), 0);
	assert_int_equal(
	    prw_schema_check("promrw", &sc, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(
	    err, "promrw: two labels of kind k would both be named \"a_b\""));
	schema_init(&sc, "t");
	assert_int_equal(schema_add_kind(&sc, "k", ok, 2, 1), 0);
	assert_int_equal(
	    schema_add_measure(&sc, 0, "m", MT_DOUBLE, NULL, 0), 0);
	assert_int_equal(schema_finish(&sc, REQID_NONE), 0);
	assert_int_equal(prw_schema_check("promrw", &sc, err, sizeof(err)), 0);
}

/* ---- the fixture's samples ---- */

static void
encode_all(const struct batch *b, const char *db, struct rd *r)
{
	struct prw_enc  e;
	struct prw_part part;
	struct buf      out;

	buf_init(&out, 1 << 24);
	prw_enc_init(&e, db);
	prw_plan(&e, b);
	assert_int_equal(prw_body(&e, &out, UINT32_MAX, SIZE_MAX, &part), 0);
	assert_true(prw_done(&e));
	rd_body(out.p, out.len, r);
	assert_int_equal(part.series, r->n);
	prw_enc_free(&e);
	buf_free(&out);
}

/* Labels sorted by name, no empty value, every series with __name__ and
 * db; one series per measure with its value. */
static void
test_labels_sorted(void **state)
{
	struct sample s[2];
	struct batch  b = { .s = s, .n = 2, .multi = true };
	struct rd     r;
	unsigned      i, j;

	(void)state;
	metric_sample(&s[0], 0, MODEL_N_METRICS);
	event_sample_at(&s[1], 0, MODEL_N_EVENTS, 1700000000000);
	encode_all(&b, "devops", &r);
	assert_int_equal(r.n, MODEL_N_METRICS + MODEL_N_EVENTS);
	for (i = 0; i < r.n; i++) {
		for (j = 1; j < r.ts[i].nlab; j++)
			assert_true(
			    strcmp(r.ts[i].name[j - 1], r.ts[i].name[j]) < 0);
		for (j = 0; j < r.ts[i].nlab; j++)
			assert_true(r.ts[i].val[j][0] != '\0');
		assert_string_equal(r.ts[i].name[0], "__name__");
		assert_int_equal(r.ts[i].nsmp, 1);
		assert_int_equal(r.ts[i].t[0], 1700000000000);
	}
	assert_string_equal(r.ts[0].val[0], "metrics_cpu_user");
	assert_true(r.ts[0].v[0] == 47.38912883215873);
	assert_string_equal(r.ts[0].name[3], "db");
	assert_string_equal(r.ts[0].val[3], "devops");
	assert_string_equal(r.ts[0].name[4], "instance_name");
	assert_string_equal(r.ts[0].val[4], INST);
	assert_int_equal(r.ts[0].nlab, 10); /* __name__, 8 dims, db */
	/* events: task_end_state is the index of its word */
	assert_string_equal(
	    r.ts[MODEL_N_METRICS + 1].val[0], "events_task_end_state");
	assert_true(r.ts[MODEL_N_METRICS + 1].v[0] == 1);
	assert_int_equal(r.ts[MODEL_N_METRICS].nlab, 10);
	assert_string_equal(r.ts[MODEL_N_METRICS].name[7], "process_name");
}

/* An empty dimension value is left out; without a db no db label. */
static void
test_empty_value_dropped(void **state)
{
	struct dimgroup g  = metric_group;
	struct series   se = metric_series;
	struct sample   s;
	struct batch    b = { .s = &s, .n = 1 };
	struct rd       r;

	(void)state;
	g.dim[1] = (struct str) { "", 0 }; /* cell */
	se.g     = &g;
	metric_sample(&s, 0, 1);
	s.series = &se;
	encode_all(&b, NULL, &r);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.ts[0].nlab, 8);
	for (unsigned j = 0; j < r.ts[0].nlab; j++) {
		assert_string_not_equal(r.ts[0].name[j], "cell");
		assert_string_not_equal(r.ts[0].name[j], "db");
	}
}

/* Samples of one series across a batch: one TimeSeries, in time order;
 * absent measures and the single layout's measure spans respected. */
static void
test_grouping(void **state)
{
	struct sample s[4];
	struct batch  b = { .s = s, .n = 4 };
	struct rd     r;

	(void)state;
	metric_sample(&s[0], 0, 2);
	event_sample_at(&s[1], 3, 1, 1700000000000);
	metric_sample(&s[2], 0, 2);
	s[2].time_ms = 1700000001000;
	s[2].v[0]    = 1;
	metric_sample(&s[3], 1, 1); /* cpu_system only */
	s[3].time_ms = 1700000002000;
	encode_all(&b, NULL, &r);
	assert_int_equal(r.n, 3);
	assert_string_equal(r.ts[0].val[0], "metrics_cpu_user");
	assert_int_equal(r.ts[0].nsmp, 2);
	assert_int_equal(r.ts[0].t[0], 1700000000000);
	assert_int_equal(r.ts[0].t[1], 1700000001000);
	assert_true(r.ts[0].v[1] == 1);
	assert_string_equal(r.ts[1].val[0], "metrics_cpu_system");
	assert_int_equal(r.ts[1].nsmp, 3);
	assert_int_equal(r.ts[1].t[2], 1700000002000);
	assert_string_equal(r.ts[2].val[0], "events_gc_pause");

	s[2].absent = 1u << 1; /* no cpu_system in the second sample */
	encode_all(&b, NULL, &r);
	assert_int_equal(r.ts[1].nsmp, 2);
	assert_int_equal(r.ts[1].t[1], 1700000002000);
}

/* max_samples and max_bytes cut a batch into bodies; every point is in
 * exactly one, series in time order across them. */
static void
test_limits(void **state)
{
	struct sample   s[3];
	struct batch    b = { .s = s, .n = 3, .multi = true };
	struct prw_enc  e;
	struct prw_part part;
	struct buf      out;
	struct rd       r;
	unsigned        bodies = 0, points = 0;
	int64_t         last = 0;

	(void)state;
	for (unsigned i = 0; i < 3; i++) {
		metric_sample(&s[i], 0, MODEL_N_METRICS);
		s[i].time_ms += 1000 * i;
	}
	buf_init(&out, 1 << 20);
	prw_enc_init(&e, "x");
	prw_plan(&e, &b);
	while (!prw_done(&e)) {
		buf_reset(&out);
		assert_int_equal(prw_body(&e, &out, 7, 1 << 20, &part), 0);
		assert_true(part.samples <= 7 && part.samples > 0);
		rd_body(out.p, out.len, &r);
		for (unsigned i = 0; i < r.n; i++)
			if (!strcmp(r.ts[i].val[0], "metrics_memory_used"))
				for (unsigned k = 0; k < r.ts[i].nsmp; k++) {
					assert_true(r.ts[i].t[k] > last);
					last = r.ts[i].t[k];
				}
		points += part.samples;
		bodies++;
	}
	assert_int_equal(points, 3 * MODEL_N_METRICS);
	assert_int_equal(bodies, (3 * MODEL_N_METRICS + 6) / 7);

	/* 4096 protobuf bytes: a series' labels take ~250 */
	prw_plan(&e, &b);
	points = bodies = 0;
	while (!prw_done(&e)) {
		buf_reset(&out);
		assert_int_equal(
		    prw_body(&e, &out, UINT32_MAX, 4096, &part), 0);
		assert_true(part.pb_len <= 4096);
		points += part.samples;
		bodies++;
	}
	assert_int_equal(points, 3 * MODEL_N_METRICS);
	assert_true(bodies > 1);
	/* which samples a body holds */
	prw_plan(&e, &b);
	buf_reset(&out);
	assert_int_equal(prw_body(&e, &out, 2, 1 << 20, &part), 0);
	assert_true(prw_in_body(&e, 0) && prw_in_body(&e, 1));
	assert_false(prw_in_body(&e, 2));
	prw_enc_free(&e);
	buf_free(&out);
}

/* --bad-data: an injected sample's timestamp has wire type 7. */
static void
test_bad_sample(void **state)
{
	struct sample s[2];
	struct batch  b = { .s = s, .n = 2 };
	struct rd     r;

	(void)state;
	metric_sample(&s[0], 0, 1);
	metric_sample(&s[1], 1, 1);
	s[1].bad = 1;
	encode_all(&b, NULL, &r);
	assert_false(r.ts[0].bad);
	assert_true(r.ts[1].bad);
}

/* Snappy round trip of a large batch (real matches, several blocks). */
static void
test_snappy_round_trip(void **state)
{
	enum { N = 3000 };
	struct sample  *s = test_calloc(N, sizeof(*s));
	struct batch    b = { .s = s, .n = N, .multi = true };
	struct prw_enc  e;
	struct prw_part part;
	struct buf      out;
	size_t          n;
	char           *pb;

	(void)state;
	for (unsigned i = 0; i < N; i++) {
		metric_sample(&s[i], 0, MODEL_N_METRICS);
		s[i].time_ms += i;
	}
	buf_init(&out, 1 << 26);
	prw_enc_init(&e, "devops");
	prw_plan(&e, &b);
	assert_int_equal(prw_body(&e, &out, UINT32_MAX, SIZE_MAX, &part), 0);
	assert_int_equal(part.samples, N * MODEL_N_METRICS);
	assert_int_equal(part.series, MODEL_N_METRICS); /* one series each */
	assert_true(out.len < part.pb_len / 2);
	assert_int_equal(
	    snappy_uncompressed_length(out.p, out.len, &n), SNAPPY_OK);
	assert_int_equal(n, part.pb_len);
	pb = test_malloc(n);
	assert_int_equal(snappy_uncompress(out.p, out.len, pb, &n), SNAPPY_OK);
	assert_memory_equal(pb, e.pb.p, n);
	test_free(pb);
	prw_enc_free(&e);
	buf_free(&out);
	test_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example_bytes),
		cmocka_unit_test(test_example_encoder),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_schema_check),
		cmocka_unit_test(test_labels_sorted),
		cmocka_unit_test(test_empty_value_dropped),
		cmocka_unit_test(test_grouping),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_bad_sample),
		cmocka_unit_test(test_snappy_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
