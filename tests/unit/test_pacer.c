/* test_pacer.c - the pacer family: the registry, which pacer the settings
 * pick, and the stamps and stops of each (no test waits on the clock
 * for more than a few milliseconds). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "clock.h"
#include "pacer.h"

static atomic_bool         stop;
static atomic_int_fast64_t warned;
static struct xrng         rng;

static struct pacer_conf
conf(uint64_t iv)
{
	atomic_store(&stop, false);
	atomic_store(&warned, 0);
	xrng_seed(&rng, 1, 2);
	return (struct pacer_conf) { .interval_ms = iv,
		.t0_ms                            = wall_ms(),
		.stop                             = &stop,
		.warned_ms                        = &warned,
		.rng                              = &rng };
}

static void
test_registry(void **state)
{
	static const char *const want[]
	    = { "backfill", "step", "rate", "unpaced", "interval" };
	const struct pacer_ops *const *l = pacer_list();
	size_t                         n = 0;

	(void)state;
	for (; l[n]; n++) {
		assert_true(n < 5);
		assert_string_equal(l[n]->name, want[n]);
		assert_true(pacer_ops_valid(l[n]));
		assert_ptr_equal(pacer_find(want[n]), l[n]);
	}
	assert_int_equal(n, 5);
	assert_null(pacer_find("seed"));
}

static void
test_pick(void **state)
{
	struct pacer      p;
	struct pacer_conf c = conf(5000);

	(void)state;
	assert_int_equal(pacer_pick(&p, &c), 0);
	assert_string_equal(p.ops->name, "interval");
	c = conf(0);
	assert_int_equal(pacer_pick(&p, &c), 0);
	assert_string_equal(p.ops->name, "unpaced");
	c          = conf(0);
	c.virt     = true;
	c.start_ms = 1000;
	c.end_ms   = 2000;
	assert_int_equal(pacer_pick(&p, &c), 0);
	assert_string_equal(p.ops->name, "backfill");
	c.end_ms = 0; /* a start without an end is paced as usual */
	assert_int_equal(pacer_pick(&p, &c), 0);
	assert_string_equal(p.ops->name, "unpaced");
	/* a model with its own step: when no interval or time is asked */
	c         = conf(0);
	c.step_ms = 1000;
	assert_int_equal(pacer_pick(&p, &c), 0);
	assert_string_equal(p.ops->name, "step");
	c.interval_ms = 5000;
	assert_int_equal(pacer_pick(&p, &c), 0);
	assert_string_equal(p.ops->name, "interval");
	c          = conf(0);
	c.step_ms  = 1000;
	c.virt     = true;
	c.start_ms = 1000;
	c.end_ms   = 2000;
	assert_int_equal(pacer_pick(&p, &c), 0);
	assert_string_equal(p.ops->name, "backfill");
}

/* Step pacing: every cycle a new step of the wall clock, a multiple of
 * step_ms, strictly after the last; never behind. 5 ms steps, so the
 * test waits a few ms per cycle. */
static void
test_step(void **state)
{
	struct pacer       p;
	struct pacer_cycle cy;
	struct pacer_conf  c = conf(0);
	int64_t            last, before;

	(void)state;
	c.step_ms = 5;
	pacer_pick(&p, &c);
	before = wall_ms();
	assert_true(pacer_next(&p, &cy));
	assert_int_equal(cy.stamp_ms % 5, 0);
	assert_true(cy.stamp_ms <= before + 5 && cy.stamp_ms > before - 5);
	last = cy.stamp_ms;
	for (int i = 0; i < 20; i++) {
		assert_true(pacer_next(&p, &cy));
		assert_int_equal(cy.stamp_ms % 5, 0);
		assert_true(cy.stamp_ms >= last + 5);
		assert_false(cy.behind);
		/* the wall clock has reached the step it carries */
		assert_true(wall_ms() >= cy.stamp_ms);
		last = cy.stamp_ms;
	}
	/* a stop while waiting for the next second returns false */
	c         = conf(0);
	c.step_ms = 1000;
	pacer_pick(&p, &c);
	assert_true(pacer_next(&p, &cy));
	atomic_store(&stop, true);
	assert_false(pacer_next(&p, &cy));
}

/* --autostop N: N cycles of any pacer, then no more. */
static void
test_cycles(void **state)
{
	struct pacer       p;
	struct pacer_cycle cy;
	struct pacer_conf  c = conf(0);
	int                n;

	(void)state;
	c.cycles = 3;
	pacer_pick(&p, &c);
	for (n = 0; pacer_next(&p, &cy); n++)
		assert_true(n < 3);
	assert_int_equal(n, 3);
	c          = conf(1000);
	c.cycles   = 2;
	c.virt     = true;
	c.start_ms = 0;
	c.end_ms   = 100000;
	pacer_pick(&p, &c);
	for (n = 0; pacer_next(&p, &cy); n++)
		assert_int_equal(cy.stamp_ms, n * 1000);
	assert_int_equal(n, 2);
	c         = conf(0);
	c.step_ms = 2;
	c.cycles  = 4;
	pacer_pick(&p, &c);
	for (n = 0; pacer_next(&p, &cy); n++)
		;
	assert_int_equal(n, 4);
}

/* start + k x interval for every cycle before the end, then the end. */
static void
test_backfill(void **state)
{
	struct pacer       p;
	struct pacer_cycle cy;
	struct pacer_conf  c = conf(5000);
	int                n = 0;

	(void)state;
	c.virt     = true;
	c.start_ms = 1700000000000;
	c.end_ms   = c.start_ms + 12000;
	pacer_pick(&p, &c);
	while (p.ops->next(&p, &cy)) {
		assert_int_equal(cy.stamp_ms, c.start_ms + n * 5000);
		assert_false(cy.behind);
		n++;
	}
	assert_int_equal(n, 3); /* +0, +5 s, +10 s; +15 s is past the end */
	/* unpaced backfill: 1 ms apart */
	c          = conf(0);
	c.virt     = true;
	c.start_ms = 10;
	c.end_ms   = 14;
	pacer_pick(&p, &c);
	for (n = 0; p.ops->next(&p, &cy); n++)
		assert_int_equal(cy.stamp_ms, 10 + n);
	assert_int_equal(n, 4);
	/* a stop ends it early */
	c          = conf(1);
	c.virt     = true;
	c.start_ms = 0;
	c.end_ms   = 1000000;
	pacer_pick(&p, &c);
	assert_true(p.ops->next(&p, &cy));
	atomic_store(&stop, true);
	assert_false(p.ops->next(&p, &cy));
}

/* Each unpaced cycle has a later stamp than the one before. */
static void
test_unpaced_never_twice(void **state)
{
	struct pacer       p;
	struct pacer_cycle cy;
	struct pacer_conf  c = conf(0);
	int64_t            last;

	(void)state;
	pacer_pick(&p, &c);
	assert_true(p.ops->next(&p, &cy));
	assert_int_equal(cy.stamp_ms, c.t0_ms);
	last = cy.stamp_ms;
	for (int i = 0; i < 1000; i++) {
		assert_true(p.ops->next(&p, &cy));
		assert_true(cy.stamp_ms > last);
		last = cy.stamp_ms;
	}
	atomic_store(&stop, true);
	assert_false(p.ops->next(&p, &cy));
}

/* The first cycle at once with t0; a late cycle is started now, counted
 * as behind; with --start-time the stamps are start + k x interval. */
static void
test_interval(void **state)
{
	struct pacer       p;
	struct pacer_cycle cy;
	struct pacer_conf  c = conf(1000);

	(void)state;
	c.t0_ms = wall_ms() - 60000; /* a minute late already */
	pacer_pick(&p, &c);
	assert_true(p.ops->next(&p, &cy));
	assert_int_equal(cy.stamp_ms, c.t0_ms);
	assert_false(cy.behind);
	assert_true(p.ops->next(&p, &cy));
	assert_true(cy.behind);
	assert_true(cy.stamp_ms > c.t0_ms + 50000); /* now, +-100 ms */
	assert_true(atomic_load(&warned) != 0);
	/* virtual stamps, paced by a schedule that is due at once */
	c          = conf(2);
	c.virt     = true;
	c.start_ms = 1000;
	pacer_pick(&p, &c);
	for (int k = 0; k < 5; k++) {
		assert_true(p.ops->next(&p, &cy));
		assert_int_equal(cy.stamp_ms, 1000 + 2 * k);
	}
	/* a stop while waiting returns false */
	c = conf(3600000);
	pacer_pick(&p, &c);
	assert_true(p.ops->next(&p, &cy));
	atomic_store(&stop, true);
	assert_false(p.ops->next(&p, &cy));
}

/* Open loop: the rate pacer wants any schedule (a backfill keeps its
 * cycles); batches are due one after another at the schedule's count,
 * each thread at its share; the end of the steps and a stop end it. */
static void
test_open_loop(void **state)
{
	struct pacer       p;
	struct pacer_cycle cy;
	struct pacer_conf  c = conf(5000);
	struct sched       s;
	uint64_t           due, first;
	const char        *steps = "{\"steps\": [{\"rate\": 1000000, \"for\": "
	                           "0.002}]}";

	(void)state;
	assert_int_equal(sched_const(&s, 1e6), 0);
	c.sched     = &s;
	c.share     = 0.5; /* one of two threads: 500000/s */
	c.origin_ns = now_ns();
	assert_int_equal(pacer_pick(&p, &c), 0);
	assert_string_equal(p.ops->name, "rate");
	assert_true(p.ops->next(&p, &cy));
	assert_true(cy.due_ns >= c.origin_ns);
	assert_int_equal(pacer_batch(&p, 100, &first), PACER_GO);
	assert_int_equal(first, cy.due_ns); /* the cycle's first batch */
	/* batch k of 100 units at 500000/s: 200 us apart, from the count
	 * (no drift however the batches are cut) */
	for (int k = 1; k <= 20; k++) {
		assert_int_equal(pacer_batch(&p, 100, &due), PACER_GO);
		assert_true(due + 2 >= first + (uint64_t)k * 200000u);
		assert_true(due <= first + (uint64_t)k * 200000u + 2);
	}
	/* a backfill with a rate keeps its own cycles */
	c.virt     = true;
	c.start_ms = 1000;
	c.end_ms   = 2000;
	assert_int_equal(pacer_pick(&p, &c), 0);
	assert_string_equal(p.ops->name, "backfill");
	/* --start-time without an end: start + k x interval, back to back */
	c.end_ms = 0;
	assert_int_equal(pacer_pick(&p, &c), 0);
	assert_string_equal(p.ops->name, "rate");
	for (int k = 0; k < 3; k++) {
		assert_true(p.ops->next(&p, &cy));
		assert_int_equal(cy.stamp_ms, 1000 + 5000 * k);
	}
	c.virt = false;
	/* stamps from the clock: never twice the same millisecond */
	assert_int_equal(pacer_pick(&p, &c), 0);
	assert_true(p.ops->next(&p, &cy));
	for (int k = 0; k < 50; k++) {
		int64_t last = cy.stamp_ms;

		assert_true(p.ops->next(&p, &cy));
		assert_true(cy.stamp_ms > last);
	}
	/* a stop ends it */
	assert_int_equal(pacer_pick(&p, &c), 0);
	atomic_store(&stop, true);
	assert_int_equal(pacer_batch(&p, 100, &due), PACER_END);
	assert_false(p.ops->next(&p, &cy));
	atomic_store(&stop, false);
	sched_free(&s);
	/* steps: 2000 units, then the end (4 batches of 500) */
	assert_int_equal(sched_parse(&s, steps, strlen(steps), NULL, 0), 0);
	c.share     = 1;
	c.origin_ns = now_ns();
	pacer_pick(&p, &c);
	for (int k = 0; k < 4; k++)
		assert_int_equal(pacer_batch(&p, 500, &due), PACER_GO);
	assert_int_equal(pacer_batch(&p, 500, &due), PACER_END);
	sched_free(&s);
	/* closed loop: at once, due 0 */
	c = conf(0);
	pacer_pick(&p, &c);
	assert_int_equal(pacer_batch(&p, 100, &due), PACER_GO);
	assert_int_equal(due, 0);
}

/* --max-lag: a batch due longer ago than that is skipped, and counted in
 * the schedule all the same (the next one is not later for it). */
static void
test_max_lag(void **state)
{
	struct pacer      p;
	struct pacer_conf c = conf(5000);
	struct sched      s;
	uint64_t          due, d2;

	(void)state;
	assert_int_equal(sched_const(&s, 1000), 0);
	c.sched      = &s;
	c.share      = 1;
	c.max_lag_ns = 1;
	/* the thread began at the start of the run, 10 s ago: its first
	 * batches are long due */
	c.origin_ns = now_ns() - 10000000000ull;
	pacer_pick(&p, &c);
	p.begun   = true;
	p.start_u = 0;
	assert_int_equal(pacer_batch(&p, 1000, &due), PACER_SKIP);
	assert_int_equal(due, c.origin_ns);
	assert_int_equal(pacer_batch(&p, 1000, &d2), PACER_SKIP);
	assert_int_equal(d2 - due, 1000000000ull); /* 1000 units later */
	c.max_lag_ns = 0; /* no limit: late, but sent */
	pacer_pick(&p, &c);
	p.begun = true;
	assert_int_equal(pacer_batch(&p, 1000, &due), PACER_GO);
	sched_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_pick),
		cmocka_unit_test(test_backfill),
		cmocka_unit_test(test_unpaced_never_twice),
		cmocka_unit_test(test_interval),
		cmocka_unit_test(test_step),
		cmocka_unit_test(test_cycles),
		cmocka_unit_test(test_open_loop),
		cmocka_unit_test(test_max_lag),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
