/* test_role.c - the worker roles: the registry, and the ingest role run
 * in-process against null: (threads start, write, stop on request, and
 * every batch they report is counted once). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
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
		cmocka_unit_test(test_ingest_bad_shard),
	};

	alarm(600); /* a stop that does not stop fails, not hangs */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
