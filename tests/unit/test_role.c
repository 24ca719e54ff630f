/* test_role.c - the worker roles: the registry, and the ingest role run
 * in-process against null: (threads start, write, stop on request, and
 * every batch they report is counted once). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "ingest.h"
#include "model_ops.h"
#include "opts.h"
#include "role.h"

static void
test_registry(void **state)
{
	static const char *const      want[] = { "ingest", "query" };
	const struct role_ops *const *l      = role_list();
	size_t                        n      = 0;

	(void)state;
	for (; l[n]; n++) {
		assert_true(n < 2);
		assert_string_equal(l[n]->name, want[n]);
		assert_true(role_ops_valid(l[n]));
		assert_ptr_equal(role_find(want[n]), l[n]);
	}
	assert_int_equal(n, 2);
	assert_null(role_find("ingestion"));
	assert_false(role_ops_valid(NULL));
}

/* A role with a missing member is refused. */
static void
test_valid_needs_every_member(void **state)
{
	struct role_ops ops = role_ingest;

	(void)state;
	assert_true(role_ops_valid(&ops));
	ops.join = NULL;
	assert_false(role_ops_valid(&ops));
	ops         = role_query;
	ops.collect = NULL;
	assert_false(role_ops_valid(&ops));
}

static void
collect(const struct role_ops *ops, struct role_run *r, struct proto_stats *m)
{
	memset(m, 0, sizeof(*m));
	stats_init(&m->s);
	ops->collect(r, m);
}

/* Unpaced ingest into null: until it has written, then a stop: the
 * threads return, nothing is counted twice, the totals stay put. */
static void
test_ingest_runs_and_stops(void **state)
{
	const char *const   argv[] = { "ingest", "--target",
		  "null:", "--host-scale", "1", "--interval-millis", "0" };
	struct tsl_opts     o;
	struct tgt_conf     conf;
	struct proto_assign as = { .index = 0,
		.workers                  = 1,
		.first_host               = 0,
		.end_host                 = 1000,
		.threads                  = 2,
		.seed                     = 7 };
	struct role_run     r;
	struct proto_stats  m, again;
	char                err[256];

	(void)state;
	opts_defaults(&o);
	assert_int_equal(
	    opts_parse(&o, CMD_INGEST, 7, argv, err, sizeof(err)), 0);
	conf     = opts_tgt_conf(&o);
	as.t0_ms = wall_ms();
	r        = (struct role_run) {
		       .o = &o, .as = &as, .conf = &conf, .nth = as.threads
	};
	assert_int_equal(role_ingest.setup(&r), 0);
	role_ingest.start(&r);
	/* wait (bounded) until both threads have written something */
	for (int i = 0; i < 3000; i++) {
		collect(&role_ingest, &r, &m);
		if (m.s.records > 0)
			break;
		usleep(10000);
	}
	assert_int_equal(m.threads_ok, 2);
	assert_true(m.s.records > 0);
	assert_false(role_ingest.finished(&r)); /* unpaced, no end: runs on */
	role_ingest.stop(&r);
	role_ingest.join(&r);
	assert_true(role_ingest.finished(&r));
	collect(&role_ingest, &r, &m);
	collect(&role_ingest, &r, &again);
	assert_int_equal(m.s.failed, 0);
	assert_int_equal(m.s.records, again.s.records);
	assert_int_equal(m.s.points, again.s.points);
	assert_true(m.s.points >= m.s.records);
	role_ingest.destroy(&r);
	assert_null(r.priv);
	opts_free(&o);
}

/* Runs the ingest role with 2 threads over host-scale 1 as a backfill of
 * three cycles into null:, to the end, and returns its totals. */
static void
backfill(const char *const *extra, int nextra, struct proto_stats *m)
{
	const char *argv[16] = { "ingest", "--target", "null:", "--host-scale",
		"1", "--start-time", "1700000000000", "--end-time",
		"1700000015000" };
	int         argc     = 9;
	struct tsl_opts     o;
	struct tgt_conf     conf;
	struct proto_assign as = { .first_host = 0,
		.end_host                      = 1000,
		.threads                       = 2,
		.seed                          = 3,
		.t0_ms                         = 1 };
	struct role_run     r;
	char                err[256];

	for (int i = 0; i < nextra; i++)
		argv[argc++] = extra[i];
	opts_defaults(&o);
	assert_int_equal(
	    opts_parse(&o, CMD_INGEST, argc, argv, err, sizeof(err)), 0);
	conf = opts_tgt_conf(&o);
	r = (struct role_run) { .o = &o, .as = &as, .conf = &conf, .nth = 2 };
	assert_int_equal(role_ingest.setup(&r), 0);
	role_ingest.start(&r);
	for (int i = 0; i < 60000 && !role_ingest.finished(&r); i++)
		usleep(1000);
	assert_true(role_ingest.finished(&r)); /* the backfill's end */
	role_ingest.join(&r);
	collect(&role_ingest, &r, m);
	role_ingest.destroy(&r);
	opts_free(&o);
}

/* Batch splitting: three cycles of 26,000 records (1000 hosts x 20
 * metrics + 1200 event sets x 5); each thread's 13,000 a cycle go in
 * batches of exactly --batch-size, the cycle's rest in one more. */
static void
test_ingest_batches(void **state)
{
	static const char *const b7[]
	    = { "--batch-writes", "--batch-size", "7" };
	static const char *const multi[]
	    = { "--multi", "--batch-writes", "--batch-size", "100" };
	struct proto_stats m;

	(void)state;
	backfill(NULL, 0, &m); /* one sample a batch */
	assert_int_equal(m.s.records, 3 * 26000);
	assert_int_equal(m.s.points, 3 * 26000);
	assert_int_equal(m.s.attempts, 3 * (1000 + 1200));
	backfill(b7, 3, &m);
	assert_int_equal(m.s.records, 3 * 26000);
	assert_int_equal(m.s.attempts, 2 * 3 * ((13000 + 6) / 7));
	assert_int_equal(m.s.failed, 0);
	/* multi: a record per sample, 21 or 5 values... 20 metrics a host */
	backfill(multi, 4, &m);
	assert_int_equal(m.s.records, 3 * 2200);
	assert_int_equal(m.s.points, 3 * 26000);
	assert_int_equal(m.s.attempts, 2 * 3 * ((1100 + 99) / 100));
}

/* ---- measures a model leaves out (sample.absent) ---- */

/* A test-only model: perf-scale's, whose ->values leaves measures out by
 * the sample's number k (of its kind, in sending order; one thread):
 * metrics none, the 8 CPU ones, the first, a middle and the last one, or
 * all; events none, two inner ones, all, the last. Metric values are
 * k * 100 + i, so that a row tells which sample and measure it holds. */
static const struct model_ops *real_ops;
static struct model_ops        absent_ops;
static unsigned                n_msamples, n_esamples;

static const uint32_t mpat[4] = { 0, 0xff, 1u | 1u << 5 | 1u << 19, 0xfffff };
static const uint32_t epat[4] = { 0, 1u << 1 | 1u << 3, 0x1f, 1u << 4 };

static unsigned
absent_values(const struct model *m, const struct series *se,
    struct model_draw *d, double *v)
{
	unsigned n = real_ops->values(m, se, d, v), k, i;

	if (se->kind == SERIES_METRICS) {
		k         = n_msamples++;
		d->absent = mpat[k % 4];
		for (i = 0; i < n; i++)
			v[i] = k * 100 + i;
	} else {
		k         = n_esamples++;
		d->absent = epat[k % 4];
	}
	return n;
}

enum { AB_HOSTS = 10 }; /* and 12 event sets */

static char ab_dir[] = "/tmp/tsl-role-XXXXXX";

/* One cycle of hosts [0, AB_HOSTS) of the test model, one thread, in
 * batches of 7 records, into sqlite:PATH; the thread's totals in st. */
static void
run_absent(const char *path, bool multi, struct stats *st)
{
	char        url[600];
	const char *argv[16]
	    = { "ingest", "--target", url, "--host-scale", "1", "--start-time",
		      "1700000000000", "--end-time", "1700000005000",
		      "--batch-writes", "--batch-size", "7", "--multi" };
	struct tsl_opts      o;
	struct tgt_conf      conf;
	struct model_conf    mc;
	struct model         m;
	struct ingest_shared sh;
	struct ingest_thread t;
	uint32_t             state    = 0;
	char                 err[256] = "";

	snprintf(url, sizeof(url), "sqlite:%s", path);
	opts_defaults(&o);
	if (opts_parse(
	        &o, CMD_INGEST, multi ? 13 : 12, argv, err, sizeof(err)))
		fail_msg("%s", err);
	conf = opts_tgt_conf(&o);
	mc   = opts_model_conf(&o);
	memset(&m, 0, sizeof(m));
	assert_int_equal(model_find(o.model)->build(&m, &mc, 0, AB_HOSTS), 0);
	real_ops          = m.ops;
	absent_ops        = *m.ops;
	absent_ops.values = absent_values;
	m.ops             = &absent_ops;
	n_msamples = n_esamples = 0;
	conf.schema             = &m.schema;
	if (target_find(url)->setup(&conf, err, sizeof(err)))
		fail_msg("%s", err);

	ingest_shared_init(&sh);
	sh.o     = &o;
	sh.m     = &m;
	sh.conf  = &conf;
	sh.t0_ms = 1;
	sh.seed  = 3;
	ingest_thread_init(&t, &sh, 0, 0, m.n_metrics);
	ingest_thread_main(&t); /* to the backfill's end */
	stats_init(st);
	ingest_thread_collect(&t, st, &state, err, sizeof(err));
	assert_string_equal(err, "");
	assert_int_equal(n_msamples, AB_HOSTS);
	assert_int_equal(n_esamples, 12);
	ingest_thread_destroy(&t);
	ingest_shared_destroy(&sh);
	m.ops = real_ops;
	model_release(&m);
	opts_free(&o);
}

static int64_t
ab_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	int64_t       v;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Removes database name of ab_dir and its WAL files. */
static void
ab_remove(const char *name)
{
	static const char *const sfx[] = { "", "-wal", "-shm" };
	char                     p[600];

	for (unsigned i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s/%s%s", ab_dir, name, sfx[i]);
		unlink(p);
	}
}

/* Single layout: the ingest loop splits a sample around its absent
 * measures (also where a run of present ones crosses a batch of 7), so
 * a measure has a row exactly when the model gave it a value, with that
 * sample's value. Multi: a row per sample that has a value, NULL where
 * it has none; a sample without any value is no record. */
static void
test_ingest_absent(void **state)
{
	char         path[600], sql[512];
	struct stats st;
	sqlite3     *db;
	unsigned     i, k, want;
	int64_t      n;

	(void)state;
	assert_non_null(mkdtemp(ab_dir));
	snprintf(path, sizeof(path), "%s/single.db", ab_dir);
	run_absent(path, false, &st);
	/* metrics: 3 x 20 + 3 x 12 + 2 x 17 + 0; events: 3 x 5 + 3 x 3 +
	 * 0 + 3 x 4 */
	assert_int_equal(st.records, 130 + 36);
	assert_int_equal(st.points, 130 + 36);
	assert_int_equal(st.failed, 0);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(ab_int(db, "SELECT count(*) FROM host_metrics"), 166);
	for (i = 0; i < MODEL_N_METRICS; i++) {
		want = 0;
		for (k = 0; k < AB_HOSTS; k++)
			want += !(mpat[k % 4] >> i & 1);
		/* rows of measure i holding a value of measure i */
		snprintf(sql, sizeof(sql),
		    "SELECT count(*) FROM host_metrics WHERE measure_name = '%s' "
		    "AND CAST(measure_value_double AS INTEGER) %% 100 = %u",
		    model_metric_names[i], i);
		n = ab_int(db, sql);
		if (n != (int64_t)want)
			fail_msg("%s: %lld rows, want %u",
			    model_metric_names[i], (long long)n, want);
	}
	/* cpu_idle's rows are samples 0, 2, 4, 6 and 8's (k * 100 + 7) */
	assert_int_equal(ab_int(db,
	                     "SELECT count(DISTINCT CAST(measure_value_double "
	                     "AS INTEGER) / 100) FROM host_metrics WHERE "
	                     "measure_name = 'cpu_idle'"),
	    5);
	assert_int_equal(
	    ab_int(db,
	        "SELECT sum(CAST(measure_value_double AS INTEGER) "
	        "/ 100) FROM host_metrics WHERE measure_name = "
	        "'cpu_idle'"),
	    0 + 2 + 4 + 6 + 8);
	assert_int_equal(
	    ab_int(db,
	        "SELECT count(*) FROM host_metrics WHERE measure_name "
	        "IN ('task_end_state', 'gc_pause')"),
	    2 * (3 + 3)); /* event samples 0, 3, 4, 7, 8, 11 have both */
	sqlite3_close(db);

	snprintf(path, sizeof(path), "%s/multi.db", ab_dir);
	run_absent(path, true, &st);
	/* 10 - 2 metric samples, 12 - 3 event samples have a value */
	assert_int_equal(st.records, 8 + 9);
	assert_int_equal(st.points, 130 + 36);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(ab_int(db, "SELECT count(*) FROM host_metrics"), 17);
	assert_int_equal(
	    ab_int(db,
	        "SELECT count(*) FROM host_metrics WHERE measure_name "
	        "= 'metrics' AND cpu_user IS NULL AND cpu_idle "
	        "IS NULL AND memory_free IS NOT NULL"),
	    3);
	assert_int_equal(
	    ab_int(db,
	        "SELECT count(*) FROM host_metrics WHERE measure_name "
	        "= 'metrics' AND cpu_user IS NULL AND cpu_idle "
	        "IS NOT NULL AND file_descriptors_in_use IS NULL"),
	    2);
	assert_int_equal(
	    ab_int(db,
	        "SELECT count(*) FROM host_metrics WHERE measure_name "
	        "= 'events' AND task_end_state IS NULL AND "
	        "gc_pause IS NULL AND gc_reclaimed IS NOT NULL"),
	    3);
	sqlite3_close(db);
	ab_remove("multi.db");
	ab_remove("single.db");
	assert_int_equal(rmdir(ab_dir), 0);
}

/* A shard outside the model is refused, and destroy copes. */
static void
test_ingest_bad_shard(void **state)
{
	const char *const argv[]
	    = { "ingest", "--target", "null:", "--host-scale", "1" };
	struct tsl_opts     o;
	struct tgt_conf     conf;
	struct proto_assign as
	    = { .first_host = 5000, .end_host = 6000, .threads = 1 };
	struct role_run r;
	char            err[256];

	(void)state;
	opts_defaults(&o);
	assert_int_equal(
	    opts_parse(&o, CMD_INGEST, 5, argv, err, sizeof(err)), 0);
	conf = opts_tgt_conf(&o);
	r = (struct role_run) { .o = &o, .as = &as, .conf = &conf, .nth = 1 };
	assert_int_not_equal(role_ingest.setup(&r), 0);
	role_ingest.destroy(&r);
	opts_free(&o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_valid_needs_every_member),
		cmocka_unit_test(test_ingest_runs_and_stops),
		cmocka_unit_test(test_ingest_batches),
		cmocka_unit_test(test_ingest_absent),
		cmocka_unit_test(test_ingest_bad_shard),
	};

	alarm(600); /* a stop that does not stop fails, not hangs */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
