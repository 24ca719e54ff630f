/* test_schema.c - perf-scale's schema, built at run time: its kinds,
 * dimension and measure names in sending order, types, the union view of
 * the single-table SQL layouts, and the request id options. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "buf.h"
#include "model.h"
#include "schema.h"
#include "format.h"

static const char *const metric_dims[]
    = { "region", "cell", "silo", "availability_zone", "microservice_name",
	      "instance_type", "os_version", "instance_name" };
static const char *const event_dims[]
    = { "region", "cell", "silo", "availability_zone", "microservice_name",
	      "instance_name", "process_name", "jdk_version" };
static const char *const metric_names[] = { "cpu_user", "cpu_system",
	"cpu_steal", "cpu_iowait", "cpu_nice", "cpu_hi", "cpu_si", "cpu_idle",
	"memory_free", "memory_used", "memory_cached", "disk_io_reads",
	"disk_io_writes", "latency_per_read", "latency_per_write",
	"network_bytes_in", "network_bytes_out", "disk_used", "disk_free",
	"file_descriptors_in_use" };
static const char *const event_names[]  = { "task_completed", "task_end_state",
	 "gc_reclaimed", "gc_pause", "memory_free" };
static const uint8_t     event_types[]
    = { MT_BIGINT, MT_VARCHAR, MT_DOUBLE, MT_DOUBLE, MT_DOUBLE };
/* The union table as the SQL targets created it before the schema. */
static const char *const dcols[]
    = { "region", "cell", "silo", "availability_zone", "microservice_name",
	      "instance_type", "os_version", "instance_name", "process_name",
	      "jdk_version", "request_id" };
static const uint8_t event_mcol[] = { 20, 21, 22, 23, 8 };

static void
check_kind(const struct schema_kind *k, const char *name,
    const char *const *dims, unsigned n_dims, unsigned name_dim,
    const char *const *meas, unsigned n_meas)
{
	unsigned i;

	assert_string_equal(k->name, name);
	assert_int_equal(k->name_len, strlen(name));
	assert_int_equal(k->n_dims, n_dims);
	assert_int_equal(k->name_dim, name_dim);
	assert_string_equal(k->dim[name_dim], "instance_name");
	for (i = 0; i < n_dims; i++)
		assert_string_equal(k->dim[i], dims[i]);
	assert_int_equal(k->n_values, n_meas);
	for (i = 0; i < n_meas; i++)
		assert_string_equal(k->m[i].name, meas[i]);
	/* request_id is always described after the values */
	assert_string_equal(k->m[n_meas].name, "request_id");
	assert_int_equal(k->m[n_meas].type, MT_VARCHAR);
	assert_int_equal(k->m[n_meas].mcol, SCHEMA_NONE);
}

static void
test_perf_scale(void **state)
{
	struct schema             s;
	const struct schema_kind *m, *e;
	unsigned                  i;

	(void)state;
	assert_int_equal(model_schema(&s, REQID_NONE), 0);
	assert_string_equal(s.model, "perf-scale");
	assert_int_equal(s.n_kinds, 2);
	m = &s.kind[0];
	e = &s.kind[1];
	assert_ptr_equal(schema_kind_find(&s, "metrics"), m);
	assert_ptr_equal(schema_kind_find(&s, "events"), e);
	assert_null(schema_kind_find(&s, "logs"));
	assert_int_equal(m->index, 0);
	assert_int_equal(e->index, 1);
	assert_ptr_equal(m->schema, &s);
	assert_ptr_equal(e->schema, &s);
	check_kind(m, "metrics", metric_dims, 8, 7, metric_names, 20);
	check_kind(e, "events", event_dims, 8, 5, event_names, 5);
	for (i = 0; i < 20; i++) {
		assert_int_equal(m->m[i].type, MT_DOUBLE);
		assert_int_equal(m->m[i].mcol, i);
	}
	for (i = 0; i < 5; i++) {
		assert_int_equal(e->m[i].type, event_types[i]);
		assert_int_equal(e->m[i].mcol, event_mcol[i]);
	}
	/* task_end_state: an index into the six states */
	assert_int_equal(e->m[1].n_words, 6);
	assert_string_equal(e->m[1].words[0], "SUCCESS_WITH_NO_RESULT");
	assert_string_equal(e->m[1].words[5], "THROTTLED");
	assert_null(e->m[0].words);

	/* the union: dimension columns, request_id last */
	assert_int_equal(s.n_dcols, 11);
	assert_int_equal(s.dcol_req_id, 10);
	for (i = 0; i < 11; i++)
		assert_string_equal(s.dcol[i], dcols[i]);
	for (i = 0; i < 8; i++) {
		assert_string_equal(s.dcol[m->dcol[i]], metric_dims[i]);
		assert_string_equal(s.dcol[e->dcol[i]], event_dims[i]);
	}
	/* measure columns: the metrics, then the events but memory_free */
	assert_int_equal(s.n_mcols, 24);
	for (i = 0; i < 20; i++) {
		assert_string_equal(s.mcol[i], metric_names[i]);
		assert_int_equal(s.mcol_type[i], MT_DOUBLE);
	}
	for (i = 0; i < 4; i++) {
		assert_string_equal(s.mcol[20 + i], event_names[i]);
		assert_int_equal(s.mcol_type[20 + i], event_types[i]);
	}

	/* no request ids */
	assert_int_equal(s.req_id, REQID_NONE);
	assert_int_equal(m->n_measures, 20);
	assert_int_equal(e->n_measures, 5);
	assert_false(m->req_dim);
	assert_false(e->req_dim);
}

/* --add-req-id: a trailing request_id measure; with --req-id-dim a
 * dimension instead. The union table stays the same. */
static void
test_req_id(void **state)
{
	struct schema s;

	(void)state;
	assert_int_equal(model_schema(&s, REQID_MEASURE), 0);
	assert_int_equal(s.req_id, REQID_MEASURE);
	assert_int_equal(s.kind[0].n_measures, 21);
	assert_int_equal(s.kind[1].n_measures, 6);
	assert_int_equal(schema_n_measures(&s.kind[0], REQID_MEASURE), 21);
	assert_int_equal(schema_n_measures(&s.kind[1], REQID_DIMENSION), 5);
	assert_false(s.kind[0].req_dim);
	assert_int_equal(s.n_dcols, 11);
	assert_int_equal(s.n_mcols, 24);

	assert_int_equal(model_schema(&s, REQID_DIMENSION), 0);
	assert_int_equal(s.kind[0].n_measures, 20);
	assert_int_equal(s.kind[1].n_measures, 5);
	assert_true(s.kind[0].req_dim);
	assert_true(s.kind[1].req_dim);
	assert_int_equal(s.n_dcols, 11);
	assert_string_equal(s.dcol[s.dcol_req_id], "request_id");

	/* finishing again changes the mode only */
	assert_int_equal(schema_finish(&s, REQID_MEASURE), 0);
	assert_int_equal(s.kind[0].n_measures, 21);
	assert_false(s.kind[0].req_dim);
	assert_int_equal(s.n_dcols, 11);
	assert_int_equal(s.n_mcols, 24);
}

/* A built model's groups point into its schema. */
static void
test_model_groups(void **state)
{
	struct model m;
	uint32_t     i;

	(void)state;
	assert_int_equal(model_build(&m, 1, 12345, 0, 20), 0);
	for (i = 0; i < m.n_metrics; i++)
		assert_ptr_equal(m.metrics[i].g->sk, &m.schema.kind[0]);
	for (i = 0; i < m.n_events; i++)
		assert_ptr_equal(m.events[i].g->sk, &m.schema.kind[1]);
	model_free(&m);
}

/* The builder's limits. */
static void
test_limits(void **state)
{
	static const char *const d[] = { "a", "b" };
	struct schema            s;
	unsigned                 i;

	(void)state;
	schema_init(&s, "t");
	assert_int_equal(schema_add_kind(&s, "k", d, 2, 2), -EINVAL);
	assert_int_equal(schema_add_kind(&s, "k", d, 2, 1), 0);
	assert_int_equal(schema_add_measure(&s, 1, "x", MT_DOUBLE, NULL, 0),
	    -EINVAL); /* no such kind */
	assert_int_equal(schema_add_measure(&s, 0, "x", MT_VARCHAR, NULL, 0),
	    -EINVAL); /* a text needs its words */
	for (i = 0; i < SCHEMA_MAX_VALUES; i++)
		assert_int_equal(
		    schema_add_measure(&s, 0, "x", MT_DOUBLE, NULL, 0), 0);
	assert_int_equal(
	    schema_add_measure(&s, 0, "y", MT_DOUBLE, NULL, 0), -EINVAL);
	/* two measures of one name: one column */
	assert_int_equal(schema_finish(&s, REQID_NONE), 0);
	assert_int_equal(s.n_mcols, 1);
	assert_int_equal(s.n_dcols, 3);
	/* finished: no more kinds or measures */
	assert_int_equal(schema_add_kind(&s, "k2", d, 2, 0), -EINVAL);

	/* one name with two types is refused */
	schema_init(&s, "t");
	assert_int_equal(schema_add_kind(&s, "k", d, 2, 0), 0);
	assert_int_equal(schema_add_kind(&s, "l", d, 2, 0), 1);
	assert_int_equal(
	    schema_add_measure(&s, 0, "x", MT_DOUBLE, NULL, 0), 0);
	assert_int_equal(
	    schema_add_measure(&s, 1, "x", MT_BIGINT, NULL, 0), 0);
	assert_int_equal(schema_finish(&s, REQID_NONE), -EINVAL);
}

/* A schema that is not perf-scale's: one kind, two dimensions, three
 * typed measures. The encoders write it from the schema alone. */
static const char *const acc_dims[]   = { "host", "path" };
static const char *const acc_status[] = { "ok", "err" };
static struct schema     acc_schema;
static struct dimgroup   acc_group;
static struct series     acc_series;

static void
acc_sample(struct sample *s, struct batch *b, bool multi)
{
	assert_int_equal(
	    schema_add_kind(&acc_schema, "access", acc_dims, 2, 0), 0);
	assert_int_equal(
	    schema_add_measure(&acc_schema, 0, "bytes", MT_BIGINT, NULL, 0),
	    0);
	assert_int_equal(schema_add_measure(&acc_schema, 0, "status",
	                     MT_VARCHAR, acc_status, 2),
	    0);
	assert_int_equal(
	    schema_add_measure(&acc_schema, 0, "latency", MT_DOUBLE, NULL, 0),
	    0);
	assert_int_equal(schema_finish(&acc_schema, REQID_NONE), 0);
	acc_group  = (struct dimgroup) { .sk = &acc_schema.kind[0],
		 .dim                        = { { NULL, 0 }, { "/a", 2 } },
		 .name_at                    = 0,
		 .plain                      = true };
	acc_series = (struct series) {
		.g = &acc_group, .name = "web-1", .name_len = 5
	};
	memset(s, 0, sizeof(*s));
	s->series  = &acc_series;
	s->time_ms = 1700000000000;
	s->count   = 3;
	s->v[0]    = 512;
	s->v[1]    = 1;
	s->v[2]    = 0.25;
	*b         = (struct batch) { .s = s,
		        .n               = 1,
		        .records         = multi ? 1 : 3,
		        .points          = 3,
		        .multi           = multi };
}

static const char *
acc_encode(const char *name, bool multi, struct buf *out)
{
	const struct format_ops *f = format_find(name);
	struct format_conf       fc;
	struct sample            s;
	struct batch             b;
	void                    *st = NULL;

	memset(&fc, 0, sizeof(fc));
	schema_init(&acc_schema, "test");
	acc_sample(&s, &b, multi);
	buf_init(out, 1 << 16);
	assert_non_null(f);
	assert_int_equal(format_init(f, &fc, &st), 0);
	assert_int_equal(f->encode(st, out, &b), 0);
	format_fini(f, st);
	buf_cstr(out);
	return out->p;
}

static void
test_other_schema(void **state)
{
	struct buf out, hdr;

	(void)state;
	assert_string_equal(acc_encode("lp", false, &out),
	    "access,host=web-1,path=/a bytes=512i 1700000000000000000\n"
	    "access,host=web-1,path=/a status=\"err\" 1700000000000000000\n"
	    "access,host=web-1,path=/a latency=0.25 1700000000000000000\n");
	buf_free(&out);
	assert_string_equal(acc_encode("lp", true, &out),
	    "access,host=web-1,path=/a bytes=512i,status=\"err\","
	    "latency=0.25 1700000000000000000\n");
	buf_free(&out);
	assert_string_equal(acc_encode("csv", true, &out),
	    "1700000000000,web-1,/a,,access,512,err,0.25\n");
	buf_free(&out);
	assert_string_equal(acc_encode("csv", false, &out),
	    "1700000000000,web-1,/a,,bytes,BIGINT,512\n"
	    "1700000000000,web-1,/a,,status,VARCHAR,err\n"
	    "1700000000000,web-1,/a,,latency,DOUBLE,0.25\n");
	buf_init(&hdr, 1 << 12);
	assert_int_equal(
	    format_find("csv")->header(&hdr, &acc_schema, true), 0);
	buf_cstr(&hdr);
	assert_string_equal(hdr.p,
	    "time_ms,host,path,request_id,measure_name,bytes,status,latency\n");
	buf_free(&hdr);
	buf_free(&out);
	assert_string_equal(acc_encode("pgcopy", true, &out),
	    "1700000000000\tweb-1\t/a\t\\N\taccess\t512\terr\t0.25\n");
	buf_free(&out);
	assert_string_equal(acc_encode("chtsv", true, &out),
	    "1700000000000\tweb-1\t/a\t\taccess\t512\terr\t0.25\n");
	buf_free(&out);
	acc_encode("json", true, &out);
	assert_non_null(strstr(out.p,
	    "{\"Name\":\"host\",\"Value\":\"web-1\",\"DimensionValueType\":\"VARCHAR\"}"));
	assert_non_null(strstr(out.p,
	    "{\"Name\":\"status\",\"Value\":\"err\",\"Type\":\"VARCHAR\"}"));
	assert_non_null(strstr(out.p, "\"MeasureName\":\"access\""));
	buf_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_perf_scale),
		cmocka_unit_test(test_req_id),
		cmocka_unit_test(test_model_groups),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_other_schema),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
