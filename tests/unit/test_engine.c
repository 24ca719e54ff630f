/* test_engine.c - the coordinator's engine, run for real: this test
 * binary is also the worker the engine fork+execs (/proc/self/exe worker
 * --connect URL), so the exchange over nng, the shards and the merged
 * totals are those of tsload itself. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"
#include "opts.h"
#include "worker.h"

static char dir[] = "/tmp/tsload-test-engine.XXXXXX";

static void
parse(struct tsl_opts *o, int argc, const char *const *argv)
{
	char err[256];

	opts_defaults(o);
	assert_int_equal(
	    opts_parse(o, CMD_INGEST, argc, argv, err, sizeof(err)), 0);
	assert_int_equal(opts_validate(o, CMD_INGEST, err, sizeof(err)), 0);
}

/* Two workers of two threads backfill three cycles of host-scale 1 into
 * null: and end by themselves: the merged totals are exact. */
static void
test_backfill_totals(void **state)
{
	const char *const argv[] = { "ingest", "--target", "null:", "-p", "2",
		"-c", "2", "--host-scale", "1", "--quiet", "--start-time",
		"1700000000000", "--end-time", "1700000015000" };
	struct tsl_opts   o;
	struct engine     e;
	struct stats      t;

	(void)state;
	parse(&o, 14, argv);
	engine_init(&e, &o, CMD_INGEST, dir);
	engine_add(&e, ROLE_INGEST, 2, 0, 2, 1000);
	assert_int_equal(e.slot[0].first_host, 0);
	assert_int_equal(e.slot[0].end_host, 500);
	assert_int_equal(e.slot[1].first_host, 500);
	assert_int_equal(e.slot[1].end_host, 1000);
	assert_int_equal(engine_run(&e), 0);
	assert_false(e.failed);
	engine_total(&e, ROLE_INGEST, &t);
	assert_int_equal(t.records, 3 * 26000);
	assert_int_equal(t.points, 3 * 26000);
	assert_int_equal(t.failed, 0);
	assert_int_equal(e.slot[0].state, SLOT_DONE);
	assert_int_equal(e.slot[1].state, SLOT_DONE);
	assert_int_equal(
	    e.slot[0].cur.s.records + e.slot[1].cur.s.records, t.records);
	engine_free(&e);
	opts_free(&o);
}

/* An unpaced run with --duration stops by itself, drains, and every
 * worker delivers its result. */
static void
test_duration_stop(void **state)
{
	const char *const argv[]
	    = { "ingest", "--target", "null:", "-p", "2", "--host-scale", "1",
		      "--quiet", "--interval-millis", "0", "--duration", "1" };
	struct tsl_opts o;
	struct engine   e;
	struct stats    t;

	(void)state;
	parse(&o, 12, argv);
	engine_init(&e, &o, CMD_INGEST, dir);
	engine_add(&e, ROLE_INGEST, 2, 0, 1, 1000);
	assert_int_equal(engine_run(&e), 0);
	engine_total(&e, ROLE_INGEST, &t);
	assert_true(t.records > 0);
	assert_int_equal(t.failed, 0);
	for (unsigned i = 0; i < e.n; i++)
		assert_int_equal(e.slot[i].state, SLOT_DONE);
	assert_true(e.secs >= 0.5);
	engine_free(&e);
	opts_free(&o);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backfill_totals),
		cmocka_unit_test(test_duration_stop),
	};
	char cmd[64];
	int  rc;

	/* the engine starts its workers as /proc/self/exe worker ... */
	if (argc > 1 && !strcmp(argv[1], "worker"))
		return worker_main(argc - 1, argv + 1);
	if (!mkdtemp(dir))
		return 1;
	alarm(600); /* a run that does not end fails, not hangs */
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	(void)!system(cmd);
	return rc;
}
