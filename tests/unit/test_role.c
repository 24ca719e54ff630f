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
		cmocka_unit_test(test_ingest_bad_shard),
	};

	alarm(600); /* a stop that does not stop fails, not hangs */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
