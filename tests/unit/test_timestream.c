/* test_timestream.c - the Timestream targets against the fake endpoint
 * (tests/tools/tsfake.c) in a thread on 127.0.0.1:
 *
 *   - every request body, checked field by field against the shapes of
 *     botocore's service models (tests/data/timestream-model.txt, made by
 *     tests/data/timestream-model.py): member names, required members,
 *     list sizes, string lengths, enum values, number ranges;
 *   - signatures recomputed by the fake, Host and token headers;
 *   - setup and cleanup, Conflict and ResourceNotFound;
 *   - throttling, 5xx, dropped connections, slow answers, rejected
 *     records, validation errors;
 *   - query paging, its bound (max_pages) and the stop between pages;
 *     ClientToken per execution; User-Agent on every request;
 *   - endpoint discovery, its cache and its refresh;
 *   - credentials from instance metadata; no secret in any message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../tools/tsfake.h"
#include "jsonr.h"
#include "series_fixture.h"
#include "tsjson.h"
#include "version.h"
#include "xalloc.h"

#define AKID "AKIDTESTTESTTEST"
#define SECRET "tEsTsEcReT/0123456789abcdefghijKLMNOPQR"
#define TOKEN "SeSsIoNtOkEn+0123456789/abcdefghijklmnop"

/* ---- the model ---- */

enum { MODEL_MAX = 600 };

struct mline {
	char kind; /* O S M L T E */
	char a[64], b[64], c[64], d[64], e[16];
};

static struct mline model[MODEL_MAX];
static unsigned     nmodel;

static char *
src_path(const char *rel)
{
	const char *dir = getenv("TSLOAD_SRCDIR");

	return xasprintf("%s/%s", dir && *dir ? dir : ".", rel);
}

static void
model_load(void)
{
	char *path = src_path("tests/data/timestream-model.txt");
	FILE *f    = fopen(path, "r");
	char  line[512];

	assert_non_null(f);
	nmodel = 0;
	while (fgets(line, sizeof(line), f)) {
		struct mline *m = &model[nmodel];

		if (line[0] == '#' || line[0] == '\n')
			continue;
		assert_true(nmodel < MODEL_MAX);
		memset(m, 0, sizeof(*m));
		m->kind = line[0];
		sscanf(line + 2, "%63s %63s %63s %63s %15s", m->a, m->b, m->c,
		    m->d, m->e);
		nmodel++;
	}
	fclose(f);
	free(path);
}

/* The S/L/T line of a shape. */
static const struct mline *
shape_of(const char *name)
{
	unsigned i;

	for (i = 0; i < nmodel; i++)
		if (strchr("SLT", model[i].kind) && !strcmp(model[i].a, name))
			return &model[i];
	return NULL;
}

static const struct mline *
member_of(const char *shape, const char *name)
{
	unsigned i;

	for (i = 0; i < nmodel; i++)
		if (model[i].kind == 'M' && !strcmp(model[i].a, shape)
		    && !strcmp(model[i].b, name))
			return &model[i];
	return NULL;
}

static const struct mline *
op_of(char svc, const char *op)
{
	unsigned i;

	for (i = 0; i < nmodel; i++)
		if (model[i].kind == 'O' && model[i].a[0] == svc
		    && !strcmp(model[i].b, op))
			return &model[i];
	return NULL;
}

static long
bound(const char *s, long none)
{
	return strcmp(s, "-") ? atol(s) : none;
}

static unsigned checked; /* members checked, for the test's own sanity */

/* Checks value v against shape; path names where it is. */
static void
check_shape(const struct jsonr_val *v, const char *shape, const char *path)
{
	const struct mline     *s = shape_of(shape);
	const struct jsonr_val *m;
	char                    sub[512];
	unsigned                i, k;

	if (!s)
		fail_msg("%s: shape %s not in the model", path, shape);
	if (s->kind == 'S') {
		if (!jsonr_is(v, JSONR_OBJ))
			fail_msg("%s: %s wants an object", path, shape);
		for (m = jsonr_first(v); m; m = jsonr_next(m)) {
			const struct mline *mm
			    = member_of(shape, jsonr_key(m));

			if (!mm)
				fail_msg("%s: \"%s\" is no member of %s", path,
				    jsonr_key(m), shape);
			snprintf(
			    sub, sizeof(sub), "%s.%s", path, jsonr_key(m));
			check_shape(m, mm->c, sub);
			checked++;
		}
		for (i = 0; i < nmodel; i++)
			if (model[i].kind == 'M' && !strcmp(model[i].a, shape)
			    && model[i].d[0] == '1'
			    && !jsonr_get(v, model[i].b))
				fail_msg("%s: required member %s missing",
				    path, model[i].b);
		return;
	}
	if (s->kind == 'L') {
		if (!jsonr_is(v, JSONR_ARR))
			fail_msg("%s: %s wants an array", path, shape);
		if ((long)jsonr_len(v) < bound(s->c, 0)
		    || (long)jsonr_len(v) > bound(s->d, 1L << 30))
			fail_msg("%s: %zu elements, %s allows %s..%s", path,
			    jsonr_len(v), shape, s->c, s->d);
		for (k = 0, m = jsonr_first(v); m; m = jsonr_next(m), k++) {
			snprintf(sub, sizeof(sub), "%s[%u]", path, k);
			check_shape(m, s->b, sub);
		}
		return;
	}
	if (!strcmp(s->b, "string")) {
		bool has_enum = false, in_enum = false;

		if (!jsonr_is(v, JSONR_STR))
			fail_msg("%s: %s wants a string", path, shape);
		if ((long)jsonr_len(v) < bound(s->c, 0)
		    || (long)jsonr_len(v) > bound(s->d, 1L << 30))
			fail_msg("%s: length %zu, %s allows %s..%s", path,
			    jsonr_len(v), shape, s->c, s->d);
		for (i = 0; i < nmodel; i++)
			if (model[i].kind == 'E'
			    && !strcmp(model[i].a, shape)) {
				has_enum = true;
				in_enum |= !strcmp(model[i].b, jsonr_str(v));
			}
		if (has_enum && !in_enum)
			fail_msg("%s: \"%s\" is not a value of %s", path,
			    jsonr_str(v), shape);
		return;
	}
	if (!strcmp(s->b, "long") || !strcmp(s->b, "integer")) {
		int64_t n;

		if (jsonr_i64(v, &n))
			fail_msg("%s: %s wants an integer", path, shape);
		if (n < bound(s->c, INT64_MIN) || n > bound(s->d, INT64_MAX))
			fail_msg("%s: %lld, %s allows %s..%s", path,
			    (long long)n, shape, s->c, s->d);
		return;
	}
	if (!strcmp(s->b, "boolean")) {
		bool b;

		if (jsonr_bool(v, &b))
			fail_msg("%s: %s wants a boolean", path, shape);
		return;
	}
	if (!jsonr_is(v, JSONR_NUM)) /* double, timestamp */
		fail_msg("%s: %s wants a number", path, shape);
}

/* Parses text and checks it against op's input (or output) shape. */
static void
check_op(char svc, const char *op, const char *text, size_t len, bool in)
{
	const struct mline *o = op_of(svc, op);
	struct jsonr_doc   *doc;
	char                err[128];

	if (!o)
		fail_msg("operation %c.%s not in the model", svc, op);
	if (jsonr_parse(text, len, &doc, err, sizeof(err)))
		fail_msg("%s: %s in %.*s", op, err, (int)len, text);
	check_shape(jsonr_root(doc), in ? o->c : o->d, op);
	jsonr_free(doc);
}

/* ---- environment and helpers ---- */

static void
env_creds(bool token)
{
	setenv("AWS_ACCESS_KEY_ID", AKID, 1);
	setenv("AWS_SECRET_ACCESS_KEY", SECRET, 1);
	if (token)
		setenv("AWS_SESSION_TOKEN", TOKEN, 1);
	else
		unsetenv("AWS_SESSION_TOKEN");
	unsetenv("AWS_SECURITY_TOKEN");
	unsetenv("AWS_PROFILE");
	unsetenv("AWS_DEFAULT_REGION");
	unsetenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
	setenv("AWS_REGION", "us-east-1", 1);
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/tsload/creds", 1);
	setenv("AWS_CONFIG_FILE", "/nonexistent/tsload/config", 1);
}

/* No secret may show in any message. */
static void
no_secret(const char *s)
{
	if (strstr(s, SECRET) || strstr(s, TOKEN) || strstr(s, "imdsSECRET")
	    || strstr(s, "imdsTOKEN"))
		fail_msg("a secret in a message: %s", s);
}

struct fixture {
	struct tsfake  *f;
	char            url[256];
	struct tgt_conf conf;
	struct tgt_ctx  ctx;
};

static void
fx_start(struct fixture *x, const struct tsfake_opts *o, const char *url)
{
	memset(x, 0, sizeof(*x));
	x->f = tsfake_start(o);
	assert_non_null(x->f);
	{ /* url with PORT replaced by the fake's port */
		const char *at = strstr(url, "PORT");

		assert_non_null(at);
		snprintf(x->url, sizeof(x->url), "%.*s%d%s", (int)(at - url),
		    url, tsfake_port(x->f), at + 4);
	}
	x->conf = (struct tgt_conf) {
		.url             = x->url,
		.database        = "bench",
		.table           = "cpu",
		.mem_store_hours = 2,
		.mag_store_days  = 365,
		.region          = "",
		.endpoint        = "",
		.profile         = "",
	};
	x->ctx.ops  = target_find(x->url);
	x->ctx.conf = &x->conf;
	assert_non_null(x->ctx.ops);
}

static void
fx_init(struct fixture *x)
{
	char err[256] = "";

	assert_int_equal(x->ctx.ops->setup(&x->conf, err, sizeof(err)), 0);
	assert_int_equal(x->ctx.ops->init(&x->ctx), 0);
}

static void
fx_stop(struct fixture *x)
{
	if (x->ctx.priv)
		x->ctx.ops->fini(&x->ctx);
	tsfake_stop(x->f);
}

/* The last kept request of op, or fails. */
static void
last_req(struct tsfake *f, const char *op, struct tsfake_req *r)
{
	unsigned i = tsfake_nreq(f);

	while (i--) {
		assert_true(tsfake_req(f, i, r));
		if (!strcmp(r->op, op))
			return;
		tsfake_req_free(r);
	}
	fail_msg("no %s request", op);
}

/* Checks every kept request against the model and the signing rules. */
static void
check_kept(struct tsfake *f, const char *region)
{
	struct tsfake_req r;
	char              scope[96];
	unsigned          i;

	snprintf(scope, sizeof(scope), "/%s/timestream/aws4_request", region);
	for (i = 0; tsfake_req(f, i, &r); i++) {
		char svc = !strcmp(r.op, "Query") ? 'q' : 'w';

		if (!strncmp(r.op, "GET ", 4) || !strncmp(r.op, "PUT ", 4)) {
			tsfake_req_free(&r);
			continue;
		}
		check_op(svc, r.op, r.body, r.len, true);
		assert_string_equal(r.ctype, "application/x-amz-json-1.0");
		assert_true(
		    !strncmp(r.auth, "AWS4-HMAC-SHA256 Credential=", 28));
		assert_non_null(strstr(r.auth, scope));
		assert_non_null(strstr(r.auth,
		    r.token[0] ? "SignedHeaders=content-type;host;x-amz-date;"
		                 "x-amz-security-token;x-amz-target,"
		               : "SignedHeaders=content-type;host;x-amz-date;"
		                 "x-amz-target,"));
		assert_int_equal(strlen(r.date), 16);
		tsfake_req_free(&r);
	}
}

/* A single-measure batch of k metric samples (20 records each). */
static void
metric_batch(struct batch *b, struct sample *s, unsigned k)
{
	unsigned i;

	for (i = 0; i < k; i++)
		metric_sample(&s[i], 0, MODEL_N_METRICS);
	*b = (struct batch) {
		.s = s, .n = k, .records = 20 * k, .points = 20 * k
	};
}

/* ---- tests ---- */

static void
test_model(void **state)
{
	(void)state;
	model_load();
	assert_non_null(op_of('w', "WriteRecords"));
	assert_non_null(op_of('w', "CreateTable"));
	assert_non_null(op_of('q', "Query"));
	assert_non_null(member_of("w.Record", "MeasureValues"));
	assert_non_null(member_of("w.Dimension", "DimensionValueType"));
	assert_non_null(shape_of("w.Records"));
	assert_string_equal(shape_of("w.Records")->d, "100");
}

static void
test_check(void **state)
{
	static const char *const good[] = { "timestream://us-east-1",
		"timestream://", "timestream://eu-west-1/",
		"timestream://us-east-1?common=1&timeout=2.5",
		"timestream://us-east-1?discovery_endpoint=http://127.0.0.1:9",
		"timestream+http://127.0.0.1:5000",
		"timestream+http://[::1]:5000/?common=0",
		"timestream+https://ingest-cell1.timestream.eu-west-1."
		"amazonaws.com",
		NULL };
	static const char *const bad[]  = { "timestream://US-EAST-1",
		 "timestream:us-east-1", "timestream://us-east-1/x",
		 "timestream://us-east-1?secret=x",
		 "timestream://us-east-1?common=2",
		 "timestream://us-east-1?timeout=0",
		 "timestream://us-east-1?discovery_endpoint=ftp://h",
		 "timestream+http://", "timestream+http://a:1,b:2",
		 "timestream+http://user:pw@h:1", "timestream+http://h:1/path",
		 "timestream+http://h:1?discovery_endpoint=http://h:2",
		 "timestream+http://h:99999", NULL };
	char                     err[256];
	unsigned                 i;

	(void)state;
	for (i = 0; good[i]; i++) {
		err[0] = '\0';
		if (target_find(good[i])->check(good[i], err, sizeof(err)))
			fail_msg("%s: %s", good[i], err);
	}
	for (i = 0; bad[i]; i++) {
		err[0] = '\0';
		if (!target_find(bad[i])->check(bad[i], err, sizeof(err)))
			fail_msg("%s accepted", bad[i]);
		assert_true(err[0]);
	}
	assert_int_equal(target_timestream.max_batch, 100);
	assert_string_equal(target_timestream.dialect, "timestream");
	assert_true(target_ops_valid(&target_timestream, err, sizeof(err)));
	assert_true(
	    target_ops_valid(&target_timestream_https, err, sizeof(err)));
}

/* Renders a body and checks it against the model; returns the root. */
static struct jsonr_doc *
render(const struct batch *b, bool common)
{
	struct buf        out;
	struct jsonr_doc *doc;
	char              err[128];

	buf_init(&out, 64 << 20);
	assert_int_equal(
	    tsjson_write_records(&out, "bench", "cpu", b, common), 0);
	check_op('w', "WriteRecords", out.p, out.len, true);
	assert_int_equal(
	    jsonr_parse(out.p, out.len, &doc, err, sizeof(err)), 0);
	buf_free(&out);
	return doc;
}

static void
test_bodies(void **state)
{
	struct sample           s[5];
	struct batch            b;
	struct jsonr_doc       *doc;
	const struct jsonr_val *r, *recs;

	(void)state;
	checked = 0;
	/* single-measure: 20 records, every one with its 8 dimensions */
	metric_batch(&b, s, 1);
	doc  = render(&b, false);
	recs = jsonr_get(jsonr_root(doc), "Records");
	assert_int_equal(jsonr_len(recs), 20);
	r = jsonr_at(recs, 0);
	assert_int_equal(jsonr_len(jsonr_get(r, "Dimensions")), 8);
	assert_string_equal(jsonr_get_str(r, "MeasureName"), "cpu_user");
	assert_string_equal(jsonr_get_str(r, "MeasureValueType"), "DOUBLE");
	assert_string_equal(jsonr_get_str(r, "Time"), "1700000000000");
	assert_string_equal(jsonr_get_str(r, "TimeUnit"), "MILLISECONDS");
	assert_string_equal(
	    jsonr_get_str(jsonr_at(jsonr_get(r, "Dimensions"), 7), "Value"),
	    INST);
	assert_null(jsonr_get(jsonr_root(doc), "CommonAttributes"));
	jsonr_free(doc);

	/* ?common=1: one sample, so the dimensions go once */
	doc = render(&b, true);
	assert_int_equal(
	    jsonr_len(jsonr_get(
	        jsonr_get(jsonr_root(doc), "CommonAttributes"), "Dimensions")),
	    8);
	assert_null(jsonr_get(
	    jsonr_at(jsonr_get(jsonr_root(doc), "Records"), 3), "Dimensions"));
	jsonr_free(doc);

	/* 100 records from 5 samples: the limit; different hosts would
	 * not share CommonAttributes, but these share the series */
	metric_batch(&b, s, 5);
	doc = render(&b, false);
	assert_int_equal(
	    jsonr_len(jsonr_get(jsonr_root(doc), "Records")), 100);
	jsonr_free(doc);

	/* multi-measure metrics + events, request_id as a measure */
	metric_sample(&s[0], 0, 21);
	event_sample_at(&s[1], 0, 6, 1700000005000);
	b   = (struct batch) { .s = s,
		  .n              = 2,
		  .records        = 2,
		  .points         = 27,
		  .multi          = true,
		  .req_id         = REQID_MEASURE };
	doc = render(&b, true);
	assert_null(jsonr_get(jsonr_root(doc), "CommonAttributes"));
	recs = jsonr_get(jsonr_root(doc), "Records");
	assert_int_equal(jsonr_len(recs), 2);
	r = jsonr_at(recs, 0);
	assert_string_equal(jsonr_get_str(r, "MeasureName"), "metrics");
	assert_string_equal(jsonr_get_str(r, "MeasureValueType"), "MULTI");
	assert_int_equal(jsonr_len(jsonr_get(r, "MeasureValues")), 21);
	assert_string_equal(
	    jsonr_get_str(jsonr_at(jsonr_get(r, "MeasureValues"), 20), "Name"),
	    "request_id");
	r = jsonr_at(recs, 1);
	assert_string_equal(jsonr_get_str(r, "MeasureName"), "events");
	assert_string_equal(
	    jsonr_get_str(jsonr_at(jsonr_get(r, "MeasureValues"), 0), "Type"),
	    "BIGINT");
	assert_string_equal(
	    jsonr_get_str(jsonr_at(jsonr_get(r, "MeasureValues"), 1), "Value"),
	    "SUCCESS_WITH_RESULT");
	assert_int_equal(jsonr_len(jsonr_get(r, "Dimensions")), 8);
	jsonr_free(doc);

	/* request_id as a dimension: 9 dimensions */
	event_sample_at(&s[0], 0, 5, 1700000000000);
	b   = (struct batch) { .s = s,
		  .n              = 1,
		  .records        = 5,
		  .points         = 5,
		  .req_id         = REQID_DIMENSION };
	doc = render(&b, true);
	r   = jsonr_get(
	      jsonr_get(jsonr_root(doc), "CommonAttributes"), "Dimensions");
	assert_int_equal(jsonr_len(r), 9);
	assert_string_equal(jsonr_get_str(jsonr_at(r, 8), "Value"), REQ);
	jsonr_free(doc);
	assert_true(checked > 200);
}

static void
test_setup_cleanup(void **state)
{
	struct tsfake_opts o = { .keep = true, .secret = SECRET };
	struct fixture     x;
	struct tsfake_req  r;
	char               err[256] = "";

	(void)state;
	env_creds(false);
	fx_start(&x, &o, "timestream+http://127.0.0.1:PORT");
	assert_int_equal(x.ctx.ops->setup(&x.conf, err, sizeof(err)), 0);
	last_req(x.f, "CreateTable", &r);
	assert_non_null(strstr(r.body,
	    "\"RetentionProperties\":{\"MemoryStoreRetentionPeriodInHours\":"
	    "2,\"MagneticStoreRetentionPeriodInDays\":365}"));
	tsfake_req_free(&r);
	last_req(x.f, "CreateDatabase", &r);
	assert_string_equal(r.body, "{\"DatabaseName\":\"bench\"}");
	tsfake_req_free(&r);
	/* a second setup meets ConflictException twice: fine */
	assert_int_equal(x.ctx.ops->setup(&x.conf, err, sizeof(err)), 0);
	assert_int_equal(x.ctx.ops->cleanup(&x.conf, err, sizeof(err)), 0);
	last_req(x.f, "DeleteDatabase", &r);
	tsfake_req_free(&r);
	/* nothing left to delete: says so, as an error */
	assert_int_equal(
	    x.ctx.ops->cleanup(&x.conf, err, sizeof(err)), -ENOENT);
	assert_string_equal(err,
	    "timestream: table \"cpu\" does not exist; database \"bench\" "
	    "does not exist");
	check_kept(x.f, "us-east-1");
	{
		struct tsfake_stats st;

		tsfake_stats(x.f, &st);
		assert_int_equal(st.bad_sigs, 0);
	}
	/* a table that is there, in a database that has another one */
	x.conf.table = "t2";
	assert_int_equal(x.ctx.ops->setup(&x.conf, err, sizeof(err)), 0);
	x.conf.table = "t3";
	assert_int_equal(x.ctx.ops->setup(&x.conf, err, sizeof(err)), 0);
	assert_int_equal(x.ctx.ops->cleanup(&x.conf, err, sizeof(err)), -EIO);
	assert_string_equal(err,
	    "timestream DeleteDatabase: ValidationException: The database is "
	    "not empty.");
	no_secret(err);
	fx_stop(&x);
}

static void
test_write_faults(void **state)
{
	struct tsfake_opts       o = { .keep = true, .secret = SECRET };
	struct fixture           x;
	struct sample            s[5];
	struct batch             b;
	struct tsfake_stats      st;
	struct tsfake_req        r;
	static const char *const retry[]
	    = { "throttle", "500", "503", "429", "drop,drop", "slow:1500" };
	unsigned i;

	(void)state;
	env_creds(true);
	fx_start(&x, &o, "timestream+http://127.0.0.1:PORT/?timeout=1");
	fx_init(&x);
	metric_batch(&b, s, 1);
	assert_int_equal(x.ctx.ops->write(&x.ctx, &b), TGT_OK);
	assert_int_equal(x.ctx.rejected, 0);
	last_req(x.f, "WriteRecords", &r);
	assert_string_equal(r.token, TOKEN); /* sent and signed */
	tsfake_req_free(&r);

	for (i = 0; i < sizeof(retry) / sizeof(retry[0]); i++) {
		assert_int_equal(
		    tsfake_script(x.f, "WriteRecords", retry[i]), 0);
		x.ctx.err[0] = '\0';
		if (!target_status_retry(x.ctx.ops->write(&x.ctx, &b)))
			fail_msg("%s: not retried: %s", retry[i], x.ctx.err);
		assert_true(x.ctx.err[0]);
		no_secret(x.ctx.err);
		assert_int_equal(x.ctx.ops->write(&x.ctx, &b), TGT_OK);
	}
	/* rejected records: the call succeeds, the refused are counted */
	assert_int_equal(tsfake_script(x.f, "WriteRecords", "reject:3"), 0);
	assert_int_equal(x.ctx.ops->write(&x.ctx, &b), TGT_OK);
	assert_int_equal(x.ctx.rejected, 3);
	assert_int_equal(x.ctx.rejected_points, 3);
	assert_non_null(strstr(x.ctx.err,
	    "timestream WriteRecords: 3 of 20 records rejected: record 0: "
	    "The record timestamp"));
	/* multi-measure: the refused record's measure values */
	metric_sample(&s[0], 0, 20);
	event_sample_at(&s[1], 0, 5, 1700000000000);
	b = (struct batch) {
		.s = s, .n = 2, .records = 2, .points = 25, .multi = true
	};
	assert_int_equal(tsfake_script(x.f, "WriteRecords", "reject:2"), 0);
	assert_int_equal(x.ctx.ops->write(&x.ctx, &b), TGT_OK);
	assert_int_equal(x.ctx.rejected, 2);
	assert_int_equal(x.ctx.rejected_points, 25);
	/* measures left out (sample.absent) are neither sent nor counted */
	s[0].absent = 0xff; /* the 8 CPU measures */
	b.points    = 17;
	assert_int_equal(tsfake_script(x.f, "WriteRecords", "reject:2"), 0);
	assert_int_equal(x.ctx.ops->write(&x.ctx, &b), TGT_OK);
	assert_int_equal(x.ctx.rejected, 2);
	assert_int_equal(x.ctx.rejected_points, 17);
	last_req(x.f, "WriteRecords", &r);
	assert_null(strstr(r.body, "cpu_"));
	assert_non_null(strstr(r.body,
	    "\"MeasureValues\":[{\"Name\":\"memory_free\",\"Value\":"));
	tsfake_req_free(&r);
	s[0].absent = 0;
	/* refusals that retrying cannot help */
	assert_int_equal(
	    tsfake_script(x.f, "WriteRecords", "validation,notfound,invalid"),
	    0);
	assert_int_equal(x.ctx.ops->write(&x.ctx, &b), TGT_FAIL);
	assert_string_equal(x.ctx.err,
	    "timestream WriteRecords: ValidationException: Invalid measure "
	    "value.");
	assert_int_equal(x.ctx.ops->write(&x.ctx, &b), TGT_FAIL);
	assert_string_equal(x.ctx.err,
	    "timestream WriteRecords: ResourceNotFoundException: The table "
	    "does not exist.");
	/* no discovery on an explicit endpoint: nothing to refresh */
	assert_int_equal(x.ctx.ops->write(&x.ctx, &b), TGT_FAIL);
	no_secret(x.ctx.err);
	assert_int_equal(x.ctx.ops->write(&x.ctx, &b), TGT_OK);

	tsfake_stats(x.f, &st);
	assert_int_equal(st.bad_sigs, 0);
	assert_int_equal(st.rejected, 7);
	assert_int_equal(st.records, 20 * 7 + 17 + 2);
	check_kept(x.f, "us-east-1");
	fx_stop(&x);
}

/* A model stamped in whole seconds (schema.seconds: the continuous one)
 * writes as its seed does (seed-behaviour.md §5.4): one call per series
 * sample, the dimensions in CommonAttributes even without ?common=1,
 * records of exactly MeasureName, MeasureValue, MeasureValueType, Time
 * (epoch seconds) and TimeUnit SECONDS; checked against botocore's
 * model. The fixture's schema is perf-scale's, flagged for the test. */
static void
test_seconds_shape(void **state)
{
	static const char *const keys[] = { "MeasureName", "MeasureValue",
		"MeasureValueType", "Time", "TimeUnit" };
	struct tsfake_opts       o      = { .keep = true, .secret = SECRET };
	struct fixture           x;
	struct sample            s[2];
	struct batch             b;
	struct tsfake_req        r;
	struct jsonr_doc        *doc;
	const struct jsonr_val  *root, *recs, *ca;
	char                     err[128];

	(void)state;
	fx_schema.seconds = true;
	env_creds(false);
	fx_start(&x, &o, "timestream+http://127.0.0.1:PORT/");
	fx_init(&x);
	metric_sample(&s[0], 0, MODEL_N_METRICS);
	b = (struct batch) { .s = s, .n = 1, .records = 20, .points = 20 };
	assert_int_equal(x.ctx.ops->write(&x.ctx, &b), TGT_OK);
	last_req(x.f, "WriteRecords", &r);
	check_op('w', "WriteRecords", r.body, r.len, true);
	assert_int_equal(
	    jsonr_parse(r.body, r.len, &doc, err, sizeof(err)), 0);
	root = jsonr_root(doc);
	ca   = jsonr_get(root, "CommonAttributes");
	assert_non_null(ca);
	assert_int_equal(jsonr_len(ca), 1); /* Dimensions only */
	assert_int_equal(jsonr_len(jsonr_get(ca, "Dimensions")), 8);
	recs = jsonr_get(root, "Records");
	assert_int_equal(jsonr_len(recs), 20);
	for (size_t i = 0; i < 20; i++) {
		const struct jsonr_val *rec = jsonr_at(recs, i);

		assert_int_equal(jsonr_len(rec), 5);
		for (size_t k = 0; k < 5; k++)
			assert_non_null(jsonr_get(rec, keys[k]));
		assert_string_equal(jsonr_get_str(rec, "Time"), "1700000000");
		assert_string_equal(jsonr_get_str(rec, "TimeUnit"), "SECONDS");
	}
	jsonr_free(doc);
	tsfake_req_free(&r);

	/* an events sample: 5 records, the same shape */
	event_sample_at(&s[0], 0, MODEL_N_EVENTS, 1700000042000);
	b = (struct batch) { .s = s, .n = 1, .records = 5, .points = 5 };
	assert_int_equal(x.ctx.ops->write(&x.ctx, &b), TGT_OK);
	last_req(x.f, "WriteRecords", &r);
	assert_int_equal(
	    jsonr_parse(r.body, r.len, &doc, err, sizeof(err)), 0);
	recs = jsonr_get(jsonr_root(doc), "Records");
	assert_int_equal(jsonr_len(recs), 5);
	assert_string_equal(
	    jsonr_get_str(jsonr_at(recs, 4), "Time"), "1700000042");
	assert_non_null(jsonr_get(jsonr_root(doc), "CommonAttributes"));
	jsonr_free(doc);
	tsfake_req_free(&r);
	check_kept(x.f, "us-east-1");
	fx_stop(&x);
	fx_schema.seconds = false;
}

/* Row callback: keeps the first row's values and the column count. */
struct rows_seen {
	unsigned n, ncol;
	char     first[3][32];
	bool     null3;
	char     names[3][32];
};

static void
on_row(void *arg, unsigned ncol, const char *const *names,
    const char *const *vals)
{
	struct rows_seen *rs = arg;
	unsigned          i;

	if (!rs->n++) {
		rs->ncol = ncol;
		for (i = 0; i < 3 && i < ncol; i++) {
			snprintf(rs->names[i], 32, "%s", names[i]);
			snprintf(
			    rs->first[i], 32, "%s", vals[i] ? vals[i] : "");
		}
		rs->null3 = ncol >= 3 && !vals[2];
	}
}

static void
test_query(void **state)
{
	struct tsfake_opts o
	    = { .keep = true, .secret = SECRET, .pages = 3, .rows = 2 };
	struct fixture    x;
	struct tgt_qres   res = { 0 };
	struct rows_seen  rs  = { 0 };
	struct tsfake_req r;
	unsigned          i, nq = 0;

	(void)state;
	env_creds(false);
	fx_start(&x, &o, "timestream+http://127.0.0.1:PORT");
	fx_init(&x);
	res.row     = on_row;
	res.row_arg = &rs;
	assert_int_equal(x.ctx.ops->query(&x.ctx, "SELECT 1", &res), TGT_OK);
	assert_int_equal(res.rows, 4);
	assert_int_equal(res.pages, 3);
	assert_int_equal(res.empty_pages, 1);
	assert_string_equal(res.query_id, "tsfake-query-1");
	assert_int_equal(res.bytes_metered, 3 * 10485760ull);
	assert_int_equal(rs.n, 4);
	assert_int_equal(rs.ncol, 3);
	assert_string_equal(rs.names[0], "region");
	assert_string_equal(rs.names[1], "value");
	assert_string_equal(rs.first[0], "r0-0");
	assert_string_equal(rs.first[1], "0.5");
	assert_true(rs.null3);
	/* the pages were asked for with the tokens of the answers */
	for (i = 0; tsfake_req(x.f, i, &r); i++) {
		if (!strcmp(r.op, "Query")) {
			nq++;
			assert_true(!strstr(r.body, "NextToken") == (nq == 1));
		}
		tsfake_req_free(&r);
	}
	assert_int_equal(nq, 3);
	/* a throttled page: the caller runs the query again */
	assert_int_equal(tsfake_script(x.f, "Query", "ok,throttle"), 0);
	assert_int_equal(
	    x.ctx.ops->query(&x.ctx, "SELECT 1", &res), TGT_RETRY);
	assert_non_null(strstr(x.ctx.err, "ThrottlingException"));
	assert_int_equal(tsfake_script(x.f, "Query", "validation"), 0);
	assert_int_equal(x.ctx.ops->query(&x.ctx, "SELECT 1", &res), TGT_FAIL);
	check_kept(x.f, "us-east-1");
	fx_stop(&x);
}

static void
test_discovery(void **state)
{
	struct tsfake_opts o
	    = { .keep = true, .secret = SECRET, .cache_minutes = 1440 };
	struct fixture      x;
	struct sample       s[1];
	struct batch        b;
	struct tsfake_stats st;
	struct tgt_qres     res = { 0 };
	struct tsfake_req   r;

	(void)state;
	env_creds(false);
	fx_start(&x, &o,
	    "timestream://eu-west-1?discovery_endpoint=http://"
	    "127.0.0.1:PORT");
	fx_init(&x);
	metric_batch(&b, s, 1);
	assert_int_equal(x.ctx.ops->write(&x.ctx, &b), TGT_OK);
	assert_int_equal(x.ctx.ops->write(&x.ctx, &b), TGT_OK);
	tsfake_stats(x.f, &st);
	/* setup's client asked once, the thread once: then the cache */
	assert_int_equal(st.describes, 2);
	last_req(x.f, "DescribeEndpoints", &r);
	assert_string_equal(r.body, "{}");
	tsfake_req_free(&r);
	/* an invalid-endpoint answer: retry, after asking again */
	assert_int_equal(tsfake_script(x.f, "WriteRecords", "invalid"), 0);
	assert_int_equal(x.ctx.ops->write(&x.ctx, &b), TGT_RETRY);
	assert_int_equal(x.ctx.ops->write(&x.ctx, &b), TGT_OK);
	tsfake_stats(x.f, &st);
	assert_int_equal(st.describes, 3);
	/* the query service has an endpoint of its own */
	assert_int_equal(x.ctx.ops->query(&x.ctx, "SELECT 1", &res), TGT_OK);
	tsfake_stats(x.f, &st);
	assert_int_equal(st.describes, 4);
	/* discovery throttled: the write is retried */
	x.ctx.ops->fini(&x.ctx);
	assert_int_equal(x.ctx.ops->init(&x.ctx), 0);
	assert_int_equal(
	    tsfake_script(x.f, "DescribeEndpoints", "throttle"), 0);
	assert_int_equal(x.ctx.ops->write(&x.ctx, &b), TGT_RETRY);
	assert_int_equal(x.ctx.ops->write(&x.ctx, &b), TGT_OK);
	check_kept(x.f, "eu-west-1");
	tsfake_stats(x.f, &st);
	assert_int_equal(st.bad_sigs, 0);
	fx_stop(&x);

	/* CachePeriodInMinutes 0: asked before every call */
	o.cache_minutes = 0;
	fx_start(&x, &o,
	    "timestream://us-east-1?discovery_endpoint=http://"
	    "127.0.0.1:PORT");
	fx_init(&x);
	assert_int_equal(x.ctx.ops->write(&x.ctx, &b), TGT_OK);
	assert_int_equal(x.ctx.ops->write(&x.ctx, &b), TGT_OK);
	tsfake_stats(x.f, &st);
	assert_int_equal(st.describes, 2 + 2);
	fx_stop(&x);
}

/* The ClientToken of kept request i (a Query), or "" without one. */
static void
client_token_of(struct tsfake *f, unsigned i, char *out, size_t n, bool *next)
{
	struct tsfake_req r;
	struct jsonr_doc *doc;
	const char       *ct;
	char              why[64];

	assert_true(tsfake_req(f, i, &r));
	assert_string_equal(r.op, "Query");
	assert_int_equal(
	    jsonr_parse(r.body, r.len, &doc, why, sizeof(why)), 0);
	ct    = jsonr_get_str(jsonr_root(doc), "ClientToken");
	*next = jsonr_get_str(jsonr_root(doc), "NextToken") != NULL;
	snprintf(out, n, "%s", ct ? ct : "");
	jsonr_free(doc);
	tsfake_req_free(&r);
}

/* Every request says who sends it; a Query execution has one
 * ClientToken, on its first page only, the same on its retries and a
 * new one for the next execution. */
static void
test_user_agent_client_token(void **state)
{
	struct tsfake_opts o = { .keep = true,
		.secret                = SECRET,
		.pages                 = 3,
		.rows                  = 2,
		.cache_minutes         = 1440 };
	struct fixture     x;
	struct sample      s[1];
	struct batch       b;
	struct tgt_qres    res = { 0 };
	struct tsfake_req  r;
	char               tok[3][160], err[256];
	const char        *ops[] = { "DescribeEndpoints", "CreateDatabase",
		       "CreateTable", "WriteRecords", "Query", "DeleteTable",
		       "DeleteDatabase" };
	unsigned           i, k, first;
	bool               next;

	(void)state;
	env_creds(false);
	fx_start(&x, &o,
	    "timestream://us-east-1?discovery_endpoint=http://"
	    "127.0.0.1:PORT");
	fx_init(&x);
	metric_batch(&b, s, 1);
	assert_int_equal(x.ctx.ops->write(&x.ctx, &b), TGT_OK);

	/* one execution: three pages, the token on the first only */
	first = tsfake_nreq(x.f);
	assert_int_equal(x.ctx.ops->query(&x.ctx, "SELECT 1", &res), TGT_OK);
	for (i = first, k = 0; tsfake_req(x.f, i, &r); i++) {
		bool q = !strcmp(r.op, "Query");

		tsfake_req_free(&r);
		if (!q)
			continue;
		client_token_of(
		    x.f, i, tok[k < 3 ? k : 2], sizeof(tok[0]), &next);
		assert_true(next == (k > 0));
		if (k == 0) {
			assert_in_range(strlen(tok[0]), 32, 128);
			assert_string_equal(tok[0], res.client_token);
		} else {
			assert_string_equal(tok[k < 3 ? k : 2], "");
		}
		k++;
	}
	assert_int_equal(k, 3);

	/* throttled: the retry of the same execution sends the same token */
	snprintf(tok[0], sizeof(tok[0]), "%s", res.client_token);
	memset(&res, 0, sizeof(res)); /* a new execution */
	assert_int_equal(tsfake_script(x.f, "Query", "throttle"), 0);
	first = tsfake_nreq(x.f);
	assert_int_equal(
	    x.ctx.ops->query(&x.ctx, "SELECT 1", &res), TGT_RETRY);
	assert_int_equal(x.ctx.ops->query(&x.ctx, "SELECT 1", &res), TGT_OK);
	client_token_of(x.f, first, tok[1], sizeof(tok[1]), &next);
	assert_false(next);
	client_token_of(x.f, first + 1, tok[2], sizeof(tok[2]), &next);
	assert_false(next);
	assert_string_equal(tok[1], tok[2]);
	assert_string_equal(tok[1], res.client_token);
	/* each execution its own (res zeroed, as the caller does) */
	assert_string_not_equal(tok[0], tok[1]);
	memset(&res, 0, sizeof(res));
	first = tsfake_nreq(x.f);
	assert_int_equal(x.ctx.ops->query(&x.ctx, "SELECT 1", &res), TGT_OK);
	client_token_of(x.f, first, tok[2], sizeof(tok[2]), &next);
	assert_string_not_equal(tok[1], tok[2]);
	/* the RequestId of the last answer */
	assert_string_equal(res.request_id, "tsfake");

	x.ctx.ops->fini(&x.ctx);
	x.ctx.priv = NULL;
	assert_int_equal(x.ctx.ops->cleanup(&x.conf, err, sizeof(err)), 0);
	/* every operation went out with the User-Agent */
	for (k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
		last_req(x.f, ops[k], &r);
		assert_string_equal(r.ua, "tsload/" TSLOAD_VERSION);
		tsfake_req_free(&r);
	}
	for (i = 0; tsfake_req(x.f, i, &r); i++) {
		assert_string_equal(r.ua, "tsload/" TSLOAD_VERSION);
		tsfake_req_free(&r);
	}
	check_kept(x.f, "us-east-1");
	fx_stop(&x);
}

/* An endpoint that answers a NextToken for ever: the query fails after
 * max_pages pages; a stop is honoured between pages. */
static void
test_query_page_bound(void **state)
{
	struct tsfake_opts o
	    = { .secret = SECRET, .endless = true, .rows = 1 };
	struct fixture      x;
	struct tgt_qres     res  = { 0 };
	atomic_bool         stop = false;
	struct tsfake_stats st;
	char                err[256];

	(void)state;
	env_creds(false);
	assert_int_equal(target_find("timestream://us-east-1")
	                     ->check("timestream://us-east-1?max_pages=0", err,
	                         sizeof(err)),
	    -EINVAL);
	assert_string_equal(err,
	    "timestream: max_pages: value \"0\" out of range (expected an "
	    "integer 1..100000000)");
	assert_int_equal(target_find("timestream://us-east-1")
	                     ->check("timestream://us-east-1?max_pages=-3",
	                         err, sizeof(err)),
	    -EINVAL);
	assert_int_equal(target_find("timestream://us-east-1")
	                     ->check("timestream://us-east-1?max_pages=12",
	                         err, sizeof(err)),
	    0);

	fx_start(&x, &o, "timestream+http://127.0.0.1:PORT?max_pages=5");
	fx_init(&x);
	assert_int_equal(x.ctx.ops->query(&x.ctx, "SELECT 1", &res), TGT_FAIL);
	assert_non_null(strstr(x.ctx.err,
	    "timestream Query: more than 5 pages (max_pages=5 of the target "
	    "URL); query tsfake-query-1 abandoned"));
	assert_int_equal(res.pages, 5);
	tsfake_stats(x.f, &st);
	assert_int_equal(st.queries, 5);

	/* the stop: the page in flight is read, the next is not asked */
	memset(&res, 0, sizeof(res));
	res.stop = &stop;
	atomic_store(&stop, true);
	assert_int_equal(x.ctx.ops->query(&x.ctx, "SELECT 1", &res), TGT_FAIL);
	assert_string_equal(
	    x.ctx.err, "timestream Query: stopped after 1 pages");
	tsfake_stats(x.f, &st);
	assert_int_equal(st.queries, 5 + 1);
	fx_stop(&x);
}

static void
test_region_and_endpoint(void **state)
{
	struct tsfake_opts o = { .keep = true, .secret = SECRET };
	struct fixture     x;
	struct sample      s[1];
	struct batch       b;
	char               ep[64], err[256];

	(void)state;
	env_creds(false);
	/* --region wins over AWS_REGION; --endpoint turns discovery off */
	fx_start(&x, &o, "timestream://PORT");
	snprintf(ep, sizeof(ep), "http://127.0.0.1:%d", tsfake_port(x.f));
	snprintf(x.url, sizeof(x.url), "timestream://");
	x.conf.endpoint = ep;
	x.conf.region   = "ap-south-1";
	fx_init(&x);
	metric_batch(&b, s, 1);
	assert_int_equal(x.ctx.ops->write(&x.ctx, &b), TGT_OK);
	check_kept(x.f, "ap-south-1");
	x.ctx.ops->fini(&x.ctx);
	x.ctx.priv = NULL;
	/* no region anywhere: discovery cannot go on */
	unsetenv("AWS_REGION");
	x.conf.endpoint = "";
	x.conf.region   = "";
	assert_int_equal(x.ctx.ops->setup(&x.conf, err, sizeof(err)), -EINVAL);
	assert_string_equal(err,
	    "timestream: no region (use timestream://REGION, --region or "
	    "AWS_REGION)");
	/* an explicit endpoint goes with us-east-1 then */
	tsfake_clear(x.f);
	snprintf(x.url, sizeof(x.url), "timestream+http://127.0.0.1:%d",
	    tsfake_port(x.f));
	fx_init(&x);
	assert_int_equal(x.ctx.ops->write(&x.ctx, &b), TGT_OK);
	check_kept(x.f, "us-east-1");
	fx_stop(&x);
}

static void
test_credentials(void **state)
{
	struct tsfake_opts  o = { .keep = true,
		 .secret                = "imdsSECRETxyz",
		 .imds_key_id           = "ASIAIMDSKEY",
		 .imds_secret           = "imdsSECRETxyz",
		 .imds_token            = "imdsTOKENabc" };
	struct fixture      x;
	struct sample       s[1];
	struct batch        b;
	struct tsfake_stats st;
	struct tsfake_req   r;
	char                imds[64], err[256];

	(void)state;
	env_creds(false);
	/* nothing anywhere, metadata off: a clear refusal */
	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_SECRET_ACCESS_KEY");
	fx_start(&x, &o, "timestream+http://127.0.0.1:PORT");
	assert_int_equal(x.ctx.ops->setup(&x.conf, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "no AWS credentials"));
	/* instance metadata through http.c, the endpoint overridden */
	snprintf(imds, sizeof(imds), "http://127.0.0.1:%d", tsfake_port(x.f));
	setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds, 1);
	unsetenv("AWS_EC2_METADATA_DISABLED");
	fx_init(&x);
	metric_batch(&b, s, 1);
	assert_int_equal(x.ctx.ops->write(&x.ctx, &b), TGT_OK);
	last_req(x.f, "WriteRecords", &r);
	assert_non_null(strstr(r.auth, "Credential=ASIAIMDSKEY/"));
	assert_string_equal(r.token, "imdsTOKENabc");
	tsfake_req_free(&r);
	tsfake_stats(x.f, &st);
	assert_int_equal(st.bad_sigs, 0);
	assert_true(st.imds >= 6); /* 3 for setup, 3 for the thread */
	/* a wrong secret: refused, and the message holds no secret */
	fx_stop(&x);
	o.secret = "another-secret";
	fx_start(&x, &o, "timestream+http://127.0.0.1:PORT");
	snprintf(imds, sizeof(imds), "http://127.0.0.1:%d", tsfake_port(x.f));
	setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds, 1);
	assert_int_equal(x.ctx.ops->setup(&x.conf, err, sizeof(err)), -EIO);
	assert_non_null(strstr(err, "InvalidSignatureException"));
	no_secret(err);
	fx_stop(&x);

	/* --profile: the named profile of the credentials file, even with
	 * keys in the environment */
	env_creds(false);
	{
		char  path[] = "/tmp/tsload-test-creds.XXXXXX";
		int   fd     = mkstemp(path);
		FILE *cf     = fdopen(fd, "w");

		assert_non_null(cf);
		fprintf(cf,
		    "[default]\naws_access_key_id = AKIDDEFAULT\n"
		    "aws_secret_access_key = wrong\n\n[bench]\n"
		    "aws_access_key_id = AKIDPROFILE\n"
		    "aws_secret_access_key = " SECRET "\n");
		fclose(cf);
		setenv("AWS_SHARED_CREDENTIALS_FILE", path, 1);
		o = (struct tsfake_opts) { .keep = true, .secret = SECRET };
		fx_start(&x, &o, "timestream+http://127.0.0.1:PORT");
		x.conf.profile = "bench";
		fx_init(&x);
		assert_int_equal(x.ctx.ops->write(&x.ctx, &b), TGT_OK);
		last_req(x.f, "WriteRecords", &r);
		assert_non_null(strstr(r.auth, "Credential=AKIDPROFILE/"));
		tsfake_req_free(&r);
		tsfake_stats(x.f, &st);
		assert_int_equal(st.bad_sigs, 0);
		fx_stop(&x);
		unlink(path);
	}
	env_creds(false);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_bodies),
		cmocka_unit_test(test_setup_cleanup),
		cmocka_unit_test(test_write_faults),
		cmocka_unit_test(test_seconds_shape),
		cmocka_unit_test(test_query),
		cmocka_unit_test(test_user_agent_client_token),
		cmocka_unit_test(test_query_page_bound),
		cmocka_unit_test(test_discovery),
		cmocka_unit_test(test_region_and_endpoint),
		cmocka_unit_test(test_credentials),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
