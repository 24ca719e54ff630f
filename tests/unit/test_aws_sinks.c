/* test_aws_sinks.c - the Kinesis and S3 sinks against the fake endpoint
 * (tests/tools/tsfake.c) in a thread: URLs, setup and cleanup, request
 * bodies (Kinesis records decoded, S3 objects of N lines, gzip), records
 * refused one by one and sent again, retried calls, signatures.
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
#include <zlib.h>

#include "../tools/tsfake.h"
#include "jsonr.h"
#include "series_fixture.h"
#include "xalloc.h"

#define SECRET "sinkSecret/0123456789abcdefghijKLMNOPQRST"

static void
env_creds(void)
{
	setenv("AWS_ACCESS_KEY_ID", "AKIDSINKTEST", 1);
	setenv("AWS_SECRET_ACCESS_KEY", SECRET, 1);
	unsetenv("AWS_SESSION_TOKEN");
	unsetenv("AWS_PROFILE");
	setenv("AWS_REGION", "eu-west-1", 1);
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/tsload/c", 1);
	setenv("AWS_CONFIG_FILE", "/nonexistent/tsload/c", 1);
}

struct fixture {
	struct tsfake  *f;
	char            ep[64];
	struct tgt_conf conf;
	struct tgt_ctx  ctx;
};

static void
fx_start(struct fixture *x, const char *url)
{
	struct tsfake_opts o = { .keep = true, .secret = SECRET };

	memset(x, 0, sizeof(*x));
	env_creds();
	x->f = tsfake_start(&o);
	assert_non_null(x->f);
	snprintf(
	    x->ep, sizeof(x->ep), "http://127.0.0.1:%d", tsfake_port(x->f));
	x->conf = (struct tgt_conf) {
		.url      = url,
		.database = "devops",
		.table    = "host_metrics",
		.region   = "",
		.endpoint = x->ep,
		.profile  = "",
	};
	x->ctx.ops  = target_find(url);
	x->ctx.conf = &x->conf;
	assert_non_null(x->ctx.ops);
}

static void
fx_init(struct fixture *x)
{
	char err[256] = "";

	if (x->ctx.ops->setup(&x->conf, err, sizeof(err)))
		fail_msg("setup: %s", err);
	assert_int_equal(x->ctx.ops->init(&x->ctx), 0);
}

static void
fx_stop(struct fixture *x)
{
	struct tsfake_stats st;

	if (x->ctx.priv)
		x->ctx.ops->fini(&x->ctx);
	tsfake_stats(x->f, &st);
	assert_int_equal(st.bad_sigs, 0);
	tsfake_stop(x->f);
}

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

/* The i-th kept request of op (from the end when i < 0). */
static bool
nth_req(struct tsfake *f, const char *op, int i, struct tsfake_req *r)
{
	unsigned n = tsfake_nreq(f), j, hit = 0;

	for (j = 0; j < n; j++) {
		unsigned k = i < 0 ? n - 1 - j : j;

		assert_true(tsfake_req(f, k, r));
		if (!strcmp(r->op, op)
		    && hit++ == (unsigned)(i < 0 ? -i - 1 : i))
			return true;
		tsfake_req_free(r);
	}
	return false;
}

static size_t
b64_decode(const char *s, unsigned char *out)
{
	static const char t[]
	    = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstu"
	      "vwxyz0123456789+/";
	unsigned v = 0, bits = 0;
	size_t   n = 0;

	for (; *s && *s != '='; s++) {
		const char *p = strchr(t, *s);

		assert_non_null(p);
		v = v << 6 | (unsigned)(p - t);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (unsigned char)(v >> bits);
		}
	}
	out[n] = '\0';
	return n;
}

/* ---- Kinesis ---- */

static void
test_kinesis_urls(void **state)
{
	static const char *const good[] = { "kinesis://bench",
		"kinesis://my_stream-1.x?shards=4&timeout=3", "kinesis://s/",
		NULL };
	static const char *const bad[]  = { "kinesis://", "kinesis://a/b",
		 "kinesis://a b", "kinesis://s?shards=0", "kinesis://s?x=1",
		 "kinesis://s?shards=-18446744073709551615",
		 "kinesis://s?shards=2&shards=2", "kinesis://s?timeout=5x",
		 "kinesis:s", NULL };
	char                     err[256];
	unsigned                 i;

	(void)state;
	for (i = 0; good[i]; i++)
		if (target_kinesis.check(good[i], err, sizeof(err)))
			fail_msg("%s: %s", good[i], err);
	for (i = 0; bad[i]; i++)
		if (!target_kinesis.check(bad[i], err, sizeof(err)))
			fail_msg("%s accepted", bad[i]);
	assert_int_equal(target_kinesis.max_batch, 500);
	assert_true(target_ops_valid(&target_kinesis, err, sizeof(err)));
}

static void
test_kinesis(void **state)
{
	struct fixture          x;
	struct sample           s[25];
	struct batch            b;
	struct tsfake_req       r;
	struct tsfake_stats     st;
	struct jsonr_doc       *doc, *rec;
	const struct jsonr_val *recs;
	unsigned char           data[4096];
	char                    err[256];
	uint64_t                thr;
	unsigned                i;

	(void)state;
	fx_start(&x, "kinesis://bench?shards=2");
	fx_init(&x);
	nth_req(x.f, "CreateStream", 0, &r);
	assert_string_equal(
	    r.body, "{\"StreamName\":\"bench\",\"ShardCount\":2}");
	assert_non_null(strstr(r.auth, "/eu-west-1/kinesis/aws4_request"));
	tsfake_req_free(&r);
	/* setup again: the stream is there, fine */
	assert_int_equal(x.ctx.ops->setup(&x.conf, err, sizeof(err)), 0);

	/* one sample: 20 Kinesis records keyed by the instance name */
	metric_batch(&b, s, 1);
	assert_int_equal(x.ctx.ops->write(&x.ctx, &b), TGT_OK);
	assert_true(nth_req(x.f, "PutRecords", -1, &r));
	assert_int_equal(
	    jsonr_parse(r.body, r.len, &doc, err, sizeof(err)), 0);
	assert_string_equal(
	    jsonr_get_str(jsonr_root(doc), "StreamName"), "bench");
	recs = jsonr_get(jsonr_root(doc), "Records");
	assert_int_equal(jsonr_len(recs), 20);
	assert_string_equal(
	    jsonr_get_str(jsonr_at(recs, 0), "PartitionKey"), INST);
	i = (unsigned)b64_decode(
	    jsonr_get_str(jsonr_at(recs, 1), "Data"), data);
	assert_int_equal(
	    jsonr_parse((char *)data, i, &rec, err, sizeof(err)), 0);
	assert_string_equal(
	    jsonr_get_str(jsonr_root(rec), "MeasureName"), "cpu_system");
	assert_int_equal(
	    jsonr_len(jsonr_get(jsonr_root(rec), "Dimensions")), 8);
	jsonr_free(rec);
	jsonr_free(doc);
	tsfake_req_free(&r);

	/* 3 records refused once: sent again, a throttle counted */
	thr = x.ctx.throttles;
	assert_int_equal(tsfake_script(x.f, "PutRecords", "fail:3"), 0);
	assert_int_equal(x.ctx.ops->write(&x.ctx, &b), TGT_OK);
	assert_int_equal(x.ctx.rejected, 0);
	assert_int_equal(x.ctx.throttles, thr + 1);
	assert_true(nth_req(x.f, "PutRecords", -1, &r));
	assert_int_equal(
	    jsonr_parse(r.body, r.len, &doc, err, sizeof(err)), 0);
	assert_int_equal(jsonr_len(jsonr_get(jsonr_root(doc), "Records")), 3);
	jsonr_free(doc);
	tsfake_req_free(&r);

	/* refused for good: rejected after the rounds */
	assert_int_equal(tsfake_script(x.f, "PutRecords",
	                     "fail:2,fail:2,fail:2,fail:2,fail:2,fail:2,"
	                     "fail:2,fail:2"),
	    0);
	assert_int_equal(x.ctx.ops->write(&x.ctx, &b), TGT_OK);
	assert_int_equal(x.ctx.rejected, 2);
	assert_int_equal(x.ctx.rejected_points, 2);
	assert_non_null(strstr(x.ctx.err,
	    "kinesis PutRecords: 2 of 20 records still refused after 8 "
	    "rounds: ProvisionedThroughputExceededException"));
	/* a multi-measure record without the 8 CPU measures (absent):
	 * its 12 values are what a refusal loses */
	metric_sample(&s[0], 0, 20);
	s[0].absent = 0xff;
	b           = (struct batch) {
		          .s = s, .n = 1, .records = 1, .points = 12, .multi = true
	};
	assert_int_equal(tsfake_script(x.f, "PutRecords",
	                     "fail:1,fail:1,fail:1,fail:1,fail:1,fail:1,"
	                     "fail:1,fail:1"),
	    0);
	assert_int_equal(x.ctx.ops->write(&x.ctx, &b), TGT_OK);
	assert_int_equal(x.ctx.rejected, 1);
	assert_int_equal(x.ctx.rejected_points, 12);
	metric_batch(&b, s, 1);

	/* a refused call: the caller retries the batch */
	assert_int_equal(
	    tsfake_script(x.f, "PutRecords", "throttle,503,drop,drop"), 0);
	for (i = 0; i < 3; i++)
		assert_true(target_status_retry(x.ctx.ops->write(&x.ctx, &b)));
	/* 500 records: one call */
	metric_batch(&b, s, 25);
	assert_int_equal(x.ctx.ops->write(&x.ctx, &b), TGT_OK);
	tsfake_stats(x.f, &st);
	assert_int_equal(st.records, 20 + 20 + 18 + 500);
	assert_int_equal(st.writes, 1 + 2 + 8 + 8 + 1);

	assert_int_equal(x.ctx.ops->cleanup(&x.conf, err, sizeof(err)), 0);
	assert_int_equal(
	    x.ctx.ops->cleanup(&x.conf, err, sizeof(err)), -ENOENT);
	assert_string_equal(err, "kinesis: stream \"bench\" does not exist");
	assert_null(strstr(err, SECRET));
	fx_stop(&x);
}

/* ---- S3 ---- */

static void
test_s3_urls(void **state)
{
	static const char *const good[] = { "s3://bench-bucket",
		"s3://bench-bucket/runs/a?lines=10&compress=gzip",
		"s3://b.with.dots/x/", "s3://bkt/a_b-c.d/e?compress=none",
		NULL };
	static const char *const bad[]  = { "s3://", "s3://B", "s3://ab",
		 "s3://bucket/a//b", "s3://bucket/../x", "s3://bucket/a b",
		 "s3://bucket/x?compress=zstd", "s3://bucket/x?lines=0",
		 "s3://bucket/x?what=1", NULL };
	char                     err[256];
	unsigned                 i;

	(void)state;
	for (i = 0; good[i]; i++)
		if (target_s3.check(good[i], err, sizeof(err)))
			fail_msg("%s: %s", good[i], err);
	for (i = 0; bad[i]; i++)
		if (!target_s3.check(bad[i], err, sizeof(err)))
			fail_msg("%s accepted", bad[i]);
	assert_true(target_ops_valid(&target_s3, err, sizeof(err)));
}

static unsigned
lines_of(const char *p, size_t n)
{
	unsigned k = 0;

	while (n--)
		k += *p++ == '\n';
	return k;
}

static void
test_s3(void **state)
{
	struct fixture      x;
	struct sample       s[1];
	struct batch        b;
	struct tsfake_req   r;
	struct tsfake_stats st;
	char                err[256];

	(void)state;
	fx_start(&x, "s3://bench-bucket/runs/a?lines=30");
	fx_init(&x);
	assert_int_equal(x.ctx.ops->setup(&x.conf, err, sizeof(err)), 0);
	metric_batch(&b, s, 1);
	/* 20 lines: nothing put yet; 40: an object of 30 */
	assert_int_equal(x.ctx.ops->write(&x.ctx, &b), TGT_OK);
	assert_false(nth_req(x.f, "PutObject", 0, &r));
	assert_int_equal(x.ctx.ops->write(&x.ctx, &b), TGT_OK);
	assert_true(nth_req(x.f, "PutObject", 0, &r));
	assert_int_equal(lines_of(r.body, r.len), 30);
	assert_string_equal(r.ctype, "application/x-ndjson");
	assert_non_null(strstr(r.auth, "/eu-west-1/s3/aws4_request"));
	assert_non_null(strstr(r.auth, "x-amz-content-sha256"));
	assert_int_equal(strncmp(r.body, "{\"Dimensions\":[", 15), 0);
	tsfake_req_free(&r);
	/* a failed put: the batch is taken out and retried once */
	assert_int_equal(tsfake_script(x.f, "PutObject", "503"), 0);
	assert_int_equal(x.ctx.ops->write(&x.ctx, &b), TGT_RETRY);
	assert_int_equal(x.ctx.ops->write(&x.ctx, &b), TGT_OK);
	assert_true(nth_req(x.f, "PutObject", -1, &r));
	assert_int_equal(lines_of(r.body, r.len), 30);
	tsfake_req_free(&r);
	/* 20 more, then the thread stops: a last object of 20 */
	assert_int_equal(x.ctx.ops->write(&x.ctx, &b), TGT_OK);
	x.ctx.ops->fini(&x.ctx);
	assert_true(nth_req(x.f, "PutObject", -1, &r));
	assert_int_equal(lines_of(r.body, r.len), 20);
	tsfake_req_free(&r);
	tsfake_stats(x.f, &st);
	assert_int_equal(st.records, 80);
	/* cleanup deletes the 3 objects, then finds none */
	assert_int_equal(x.ctx.ops->cleanup(&x.conf, err, sizeof(err)), 0);
	assert_true(nth_req(x.f, "DeleteObject", 2, &r));
	tsfake_req_free(&r);
	assert_int_equal(
	    x.ctx.ops->cleanup(&x.conf, err, sizeof(err)), -ENOENT);
	assert_string_equal(
	    err, "s3: no object under s3://bench-bucket/runs/a/");
	fx_stop(&x);

	/* gzip: the object inflates to the lines */
	fx_start(&x, "s3://bench-bucket/gz?lines=20&compress=gzip");
	fx_init(&x);
	assert_int_equal(x.ctx.ops->write(&x.ctx, &b), TGT_OK);
	assert_true(nth_req(x.f, "PutObject", 0, &r));
	{
		z_stream      z = { 0 };
		unsigned char out[1 << 16];

		assert_int_equal(inflateInit2(&z, 16 + 15), Z_OK);
		z.next_in   = (unsigned char *)r.body;
		z.avail_in  = (unsigned)r.len;
		z.next_out  = out;
		z.avail_out = sizeof(out);
		assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
		assert_int_equal(lines_of((char *)out, z.total_out), 20);
		inflateEnd(&z);
	}
	assert_string_equal(r.ctype, "application/gzip");
	tsfake_req_free(&r);
	fx_stop(&x);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinesis_urls),
		cmocka_unit_test(test_kinesis),
		cmocka_unit_test(test_s3_urls),
		cmocka_unit_test(test_s3),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
