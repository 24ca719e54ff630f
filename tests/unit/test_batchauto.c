/* test_batchauto.c - the --batch-size auto search against synthetic
 * throughput functions: each batch "takes" cost(size) of made-up time,
 * so nothing here reads a clock or sleeps. It must settle within one
 * last step (a factor 2^BSA_STEP_MIN) of the best size, at the bounds
 * when the best lies beyond them, despite noise, and search again when
 * the target changes under it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "batchauto.h"
#include "json.h"
#include "proto.h"

/* Milliseconds a batch of n records takes. */
typedef double (*cost_fn)(double n, double arg);

/* A sharp peak of records/s at arg records, as tests/tools/slowsink.c
 * serves it: 20 ms a request up to 40 ms at arg, then growing with the
 * square of the excess, so that a step of 2^0.25 either side is about
 * 10% slower and far sizes are far slower. */
static double
cost_peak(double n, double arg)
{
	double d = (n - arg) / arg;

	return n <= arg ? 20 * (1 + n / arg) : 20 * (2 + 3 * d + 2 * d * d);
}

/* 10 ms a request plus a quadratic term: a smooth peak at arg. */
static double
cost_smooth(double n, double arg)
{
	return 10 + 10 * (n / arg) * (n / arg);
}

/* Every request 5 ms whatever its size: bigger is always better. */
static double
cost_flat(double n, double arg)
{
	(void)n;
	return arg;
}

/* Quadratic in the size: smaller is always better. */
static double
cost_square(double n, double arg)
{
	return arg * n * n;
}

struct sim {
	struct bsa a;
	int64_t    t_ms; /* made-up time */
	unsigned   trials;
	uint32_t   seedn; /* noise stream */
	double     noise; /* +- share on every batch's time */
};

static double
noise(struct sim *s)
{
	s->seedn = s->seedn * 1103515245u + 12345u;
	return 1 + s->noise * (((s->seedn >> 8) & 0xffff) / 32767.5 - 1);
}

/* Writes `batches` batches, or fewer: until it settles when until_settled
 * is set (the settle is recorded after the first watch window). */
static void
run_for(
    struct sim *s, cost_fn f, double arg, unsigned batches, bool until_settled)
{
	for (unsigned i = 0; i < batches; i++) {
		if (until_settled && s->a.settled && s->a.ref_rate >= 0)
			return;
		double ms = f(s->a.size, arg) * noise(s);

		s->t_ms += (int64_t)ms;
		bsa_report(&s->a, s->a.size, (uint64_t)(ms * 1e6), s->t_ms);
	}
}

static void
run(struct sim *s, cost_fn f, double arg, unsigned batches)
{
	run_for(s, f, arg, batches, false);
}

/* Whether size is within one last step of best (and 1 record). */
static bool
near(uint32_t size, double best)
{
	double f = exp2(BSA_STEP_MIN);

	return size + 1 >= best / f && size <= best * f + 1;
}

static unsigned
count(const struct bsa *a, enum bsa_event ev)
{
	unsigned n = 0;

	for (unsigned i = 0; i < a->n_hist; i++)
		n += a->hist[i].event == ev;
	return n;
}

static void
settles(cost_fn f, double arg, uint32_t lo, uint32_t hi, double noise_share,
    double want)
{
	struct sim s = { .seedn = 7, .noise = noise_share };
	char       what[96];

	bsa_init(&s.a, lo, hi);
	run_for(&s, f, arg, 200000, true);
	run(&s, f, arg, 3000); /* then watching */
	snprintf(what, sizeof(what), "arg %g [%u, %u]: settled at %u, want %g",
	    arg, lo, hi, s.a.size, want);
	/* Within one last step; on a flat top (the smooth peak) a size whose
	 * records/s are within BSA_BETTER of the best is as good. */
	if (!s.a.settled
	    || (!near(s.a.size, want)
	        && s.a.size / f(s.a.size, arg)
	            < want / f(want, arg) / (1 + BSA_BETTER)))
		fail_msg("%s", what);
	/* watching only confirms it: one settle, no drift */
	assert_int_equal(count(&s.a, BSA_EV_SETTLE), 1);
	assert_int_equal(count(&s.a, BSA_EV_DRIFT), 0);
	/* a handful of trials, not hundreds */
	assert_true(count(&s.a, BSA_EV_TRIAL) <= 30);
	bsa_free(&s.a);
}

static void
test_peaks(void **state)
{
	(void)state;
	settles(cost_peak, 400, 1, 100000, 0, 400);
	settles(cost_peak, 37, 1, 100000, 0, 37);
	settles(cost_peak, 20000, 1, 100000, 0, 20000);
	settles(cost_smooth, 3000, 1, 100000, 0, 3000);
	settles(cost_smooth, 150, 1, 100000, 0, 150);
}

/* +-5% on every batch: the peak's neighbours are >10% worse. */
static void
test_noise(void **state)
{
	(void)state;
	settles(cost_peak, 400, 1, 100000, 0.05, 400);
	settles(cost_peak, 5000, 1, 100000, 0.05, 5000);
}

/* The best beyond a bound: the bound (Timestream's 100, size 1). */
static void
test_bounds(void **state)
{
	(void)state;
	settles(cost_flat, 5, 1, 100, 0, 100);
	settles(cost_flat, 5, 1, 100000, 0, 100000);
	settles(cost_square, 1, 1, 100000, 0, 1);
	settles(cost_peak, 400, 500, 100000, 0, 500);
}

/* A cycle holds fewer records than the best: bsa_limit lowers the
 * bound, and the search ends there. */
static void
test_limit(void **state)
{
	struct sim s = { .seedn = 1 };

	(void)state;
	bsa_init(&s.a, 1, 100000);
	assert_int_equal(s.a.size, BSA_START);
	bsa_limit(&s.a, 250);
	assert_int_equal(s.a.size, 250);
	bsa_limit(&s.a, 5000); /* never raised */
	assert_int_equal(s.a.hi, 250);
	run(&s, cost_peak, 400, 3000);
	assert_true(s.a.settled);
	assert_int_equal(s.a.size, 250);
	bsa_free(&s.a);
}

/* The first batch (a connection being made) is not measured, nor is
 * a trial cut short: BSA_TRIAL_BATCHES and BSA_TRIAL_NS both. */
static void
test_trial_length(void **state)
{
	struct bsa a;

	(void)state;
	bsa_init(&a, 1, 100000);
	assert_false(bsa_report(&a, 1000, 10000000000ull, 1)); /* warm-up */
	for (unsigned i = 0; i + 1 < BSA_TRIAL_BATCHES; i++)
		assert_false(bsa_report(&a, 1000, 100000000, 2));
	assert_int_equal(a.n_hist, 0);
	assert_true(bsa_report(&a, 1000, 100000000, 3)); /* 5 x 100 ms */
	assert_int_equal(a.n_hist, 1);
	assert_int_equal(a.hist[0].size, 1000);
	assert_true(fabs(a.hist[0].rate - 10000) < 1e-6);
	assert_int_equal(a.size, 2000); /* the step up first */
	/* 5 short batches are not a trial: the time is still missing */
	for (unsigned i = 0; i < 2 * BSA_TRIAL_BATCHES; i++)
		assert_false(bsa_report(&a, 2000, 1000000, 4));
	bsa_free(&a);
}

/* Settled at 400, the target changes: its best moves to 2000. Two
 * windows off the settled rate start a new search, which finds it. */
static void
test_drift(void **state)
{
	struct sim s = { .seedn = 3 };

	(void)state;
	bsa_init(&s.a, 1, 100000);
	run(&s, cost_peak, 400, 4000);
	assert_true(s.a.settled);
	assert_true(near(s.a.size, 400));
	/* a few % slower: no drift */
	run(&s, cost_peak, 380, 2000);
	assert_int_equal(count(&s.a, BSA_EV_RESEARCH), 0);
	run(&s, cost_peak, 2000, 6000);
	assert_int_equal(count(&s.a, BSA_EV_RESEARCH), 1);
	assert_true(count(&s.a, BSA_EV_DRIFT) >= 2);
	assert_int_equal(count(&s.a, BSA_EV_SETTLE), 2);
	assert_true(s.a.settled);
	if (!near(s.a.size, 2000))
		fail_msg("settled at %u after the drift, want 2000", s.a.size);
	bsa_free(&s.a);
}

/* The history as the RESULT carries it and run.json shows it. */
static void
test_json(void **state)
{
	struct sim    s = { .seedn = 5 };
	struct buf    msg, out;
	struct json_w w;
	char          want[64];

	(void)state;
	bsa_init(&s.a, 1, 100000);
	run(&s, cost_peak, 400, 3000);
	buf_init(&msg, 1 << 20);
	buf_init(&out, 1 << 20);
	proto_put_u32(&msg, 1);
	bsa_put(&msg, 2, &s.a);
	json_w_init(&w, &out, false);
	assert_int_equal(bsa_json(&w, msg.p, msg.len), 0);
	buf_cstr(&out);
	assert_non_null(strstr(out.p, "\"thread\":3"));
	snprintf(want, sizeof(want), "\"size\":%u,\"dropped\":0", s.a.size);
	assert_non_null(strstr(out.p, want));
	assert_non_null(strstr(out.p, "\"event\":\"settle\""));
	assert_non_null(strstr(out.p, "\"event\":\"trial\""));
	/* cut short: an error, never a half-read history */
	buf_reset(&out);
	json_w_init(&w, &out, false);
	assert_int_equal(bsa_json(&w, msg.p, msg.len - 3), -EPROTO);
	buf_free(&msg);
	buf_free(&out);
	bsa_free(&s.a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_peaks),
		cmocka_unit_test(test_noise),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_trial_length),
		cmocka_unit_test(test_drift),
		cmocka_unit_test(test_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
