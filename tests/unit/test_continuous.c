/* test_continuous.c - the continuous model (seed-behaviour.md §5) against
 * vectors computed by CPython.
 *
 * Every CV_* vector comes from tests/data/continuous-vectors.h, written by
 * tests/data/continuous-vectors.py (CPython 3.11.7): a literal
 * transcription of the seed's generateDimensions, high/low shuffle,
 * createRandomMetrics / createRandomEvent and the sine / sawtooth
 * signals. The counts and the prefix are also in the reference's §5.1 and
 * §8 (1010 / 1212 per unit, AUa00Zt2).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "continuous.h"
#include "params.h"
#include "pyfmt.h"
#include "pyround.h"
#include "rng.h"

struct cv_sig {
	const char *code;
	int64_t     t;
	double      sine, saw;
};
struct cv_round {
	double x;
	int    nd;
	double want;
};
struct cv_run {
	int64_t  seed, t;
	unsigned missing;
	double   sin;
	uint32_t sin_p;
	double   saw;
	uint32_t saw_p;
	unsigned n;
	struct {
		unsigned host;
		int      missing;
		double   v[MODEL_N_METRICS];
	} m[8];
	double      ev[MODEL_N_EVENTS];
	const char *notes[8];
};

struct cv_pass {
	int64_t  seed, t;
	unsigned hs, missing;
	double   sin;
	uint32_t sin_p;
	unsigned n_missing;
	double   sum;
	unsigned n_metrics;
	double   saw;
	double   last[MODEL_N_METRICS];
	uint32_t saw_p;
};

#include "../data/continuous-vectors.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static struct model_conf
conf(unsigned hs)
{
	struct model_conf c;

	memset(&c, 0, sizeof(c));
	c.host_scale = hs;
	return c;
}

static void
build(
    struct model *m, const struct model_conf *c, uint32_t first, uint32_t end)
{
	assert_int_equal(model_continuous.build(m, c, first, end), 0);
}

static void
assert_dims(const struct series *s, const char *const want[8])
{
	unsigned d;

	for (d = 0; d < MODEL_N_DIMS; d++) {
		struct str v = series_dim(s, d);

		assert_int_equal(v.len, strlen(want[d]));
		assert_memory_equal(v.p, want[d], v.len);
	}
}

static void
test_prefix(void **state)
{
	char              p[9];
	struct model      m;
	struct model_conf c = conf(1);

	(void)state;
	mt_alnum_choice(12345, p, 8);
	assert_string_equal(p, "AUa00Zt2"); /* reference §5.1, §8 */
	assert_string_equal(p, CV_PREFIX);
	assert_string_equal(CONTINUOUS_PREFIX, CV_PREFIX);
	build(&m, &c, 0, 0);
	assert_string_equal(m.prefix, CV_PREFIX);
	assert_true(m.schema.seconds);
	assert_string_equal(m.schema.model, "continuous");
	assert_int_equal(model_continuous.step_ms, 1000);
	model_release(&m);
}

static void
test_counts(void **state)
{
	struct model      m;
	struct model_conf c = conf(1);

	(void)state;
	build(&m, &c, 0, 0);
	assert_int_equal(m.n_metrics, CV_HS1_METRICS);
	assert_int_equal(m.n_events, CV_HS1_EVENTS);
	assert_int_equal(m.total_hosts, 1010);
	assert_int_equal(m.total_events, 1212);
	assert_int_equal(m.host_events[m.n_metrics], 1212);
	model_release(&m);
	assert_int_equal(model_continuous.hosts(&c), 1010);
	/* 20,200 metric + 6,060 event series (reference §5.1) */
	assert_int_equal(model_continuous.series_count(&c), 20200 + 6060);
	c.multi = true;
	assert_int_equal(model_continuous.series_count(&c), 1010 + 1212);
	c = conf(3);
	build(&m, &c, 0, 0);
	assert_int_equal(m.n_metrics, CV_HS3_METRICS);
	assert_int_equal(m.n_events, CV_HS3_EVENTS);
	assert_int_equal(model_continuous.series_count(&c),
	    20 * CV_HS3_METRICS + 5 * CV_HS3_EVENTS);
	assert_dims(&m.metrics[29], CV_HS3_METRIC29);
	model_release(&m);
	c.host_scale = 0;
	assert_int_equal(model_continuous.hosts(&c), 0);
	assert_int_equal(model_continuous.build(&m, &c, 0, 0), -EINVAL);
	model_release(&m);
}

static void
test_dims(void **state)
{
	struct model       m;
	struct model_conf  c = conf(1);
	const char *const *names;
	unsigned           i;

	(void)state;
	build(&m, &c, 0, 0);
	assert_dims(&m.metrics[0], CV_METRIC0);
	assert_dims(&m.metrics[m.n_metrics - 1], CV_METRIC_LAST);
	assert_dims(&m.events[1], CV_EVENT1);
	assert_dims(&m.events[m.n_events - 1], CV_EVENT_LAST);
	/* the schema's dimension names: instance_name before the type */
	names = m.schema.kind[SERIES_METRICS].dim;
	assert_string_equal(names[5], "instance_name");
	assert_string_equal(names[6], "instance_type");
	assert_string_equal(names[7], "os_version");
	names = m.schema.kind[SERIES_EVENTS].dim;
	assert_string_equal(names[5], "instance_name");
	assert_string_equal(names[6], "process_name");
	assert_string_equal(names[7], "jdk_version");
	assert_string_equal(
	    m.schema.kind[SERIES_METRICS].m[11].name, "disk_used");
	/* groups: ids in range, the name slot empty */
	for (i = 0; i < m.n_metrics; i++) {
		assert_true(m.metrics[i].g->id < m.n_groups);
		assert_int_equal(m.metrics[i].g->name_at, 5);
		assert_true(m.metrics[i].g->plain);
	}
	model_release(&m);
}

static void
test_high_low(void **state)
{
	struct model      m, s;
	struct model_conf c    = conf(1);
	unsigned          high = 0, low = 0, h, k, i;
	uint32_t          cuts[4] = { 0, 337, 674, 1010 };

	(void)state;
	build(&m, &c, 0, 0);
	for (h = 0; h < m.n_metrics; h++) {
		high += m.metrics[h].cpu == CPU_HIGH;
		low += m.metrics[h].cpu == CPU_LOW;
	}
	assert_int_equal(high, CV_N_HIGH);
	assert_int_equal(low, CV_N_LOW);
	for (i = 0; i < 10; i++) {
		assert_int_equal(m.metrics[CV_HIGH_FIRST[i]].cpu, CPU_HIGH);
		assert_int_equal(m.metrics[CV_LOW_FIRST[i]].cpu, CPU_LOW);
	}
	/* A shard holds the same hosts as the full build. */
	for (k = 0; k < 3; k++) {
		build(&s, &c, cuts[k], cuts[k + 1]);
		assert_int_equal(s.n_metrics, cuts[k + 1] - cuts[k]);
		for (h = 0; h < s.n_metrics; h++) {
			const struct series *a = &s.metrics[h];
			const struct series *b = &m.metrics[cuts[k] + h];
			uint32_t             e, e0 = s.host_events[h];

			assert_int_equal(a->cpu, b->cpu);
			assert_string_equal(a->name, b->name);
			for (i = 0; i < MODEL_N_DIMS; i++)
				assert_memory_equal(series_dim(a, i).p,
				    series_dim(b, i).p, series_dim(b, i).len);
			assert_int_equal(s.host_events[h + 1] - e0,
			    m.host_events[cuts[k] + h + 1]
			        - m.host_events[cuts[k] + h]);
			for (e = e0; e < s.host_events[h + 1]; e++)
				for (i = 0; i < MODEL_N_DIMS; i++)
					assert_memory_equal(
					    series_dim(&s.events[e], i).p,
					    series_dim(
					        &m.events[m.host_events[cuts[k]
					                      + h]
					            + e - e0],
					        i)
					        .p,
					    series_dim(&s.events[e], i).len);
		}
		model_release(&s);
	}
	model_release(&m);
	/* 4 hosts: int(0.2 * 4) = 0, so all are high (the [-0:] slice) */
	c.include_region = "eu-central-1";
	c.include_ms     = "zeus";
	c.host_scale     = 1;
	build(&m, &c, 0, 0);
	assert_int_equal(m.n_metrics, 3);
	for (h = 0; h < 3; h++)
		assert_int_equal(m.metrics[h].cpu, CPU_HIGH);
	model_release(&m);
}

static void
test_filters(void **state)
{
	struct model      m;
	struct model_conf c = conf(1);
	char              err[256];
	unsigned          h, i;

	(void)state;
	/* given in another order: the built-in one is kept */
	c.include_region = "eu-central-1,us-west-2";
	c.include_ms     = "zeus,athena";
	build(&m, &c, 0, 0);
	assert_int_equal(m.n_metrics, CV_F_METRICS);
	assert_int_equal(m.n_events, CV_F_EVENTS);
	assert_dims(&m.metrics[5], CV_F_METRIC5);
	for (i = 0; i < N_ELEMS(CV_F_HIGH); i++)
		assert_int_equal(m.metrics[CV_F_HIGH[i]].cpu, CPU_HIGH);
	for (i = 0; i < N_ELEMS(CV_F_LOW); i++)
		assert_int_equal(m.metrics[CV_F_LOW[i]].cpu, CPU_LOW);
	model_release(&m);

	/* the first N: us-east-1 (45 silos) x apollo (3 hosts) */
	c              = conf(1);
	c.region_scale = 1;
	c.ms_scale     = 1;
	build(&m, &c, 0, 0);
	assert_int_equal(m.n_metrics, 135);
	assert_int_equal(m.n_events, 135);
	for (h = 0; h < m.n_metrics; h++) {
		assert_memory_equal(
		    series_dim(&m.metrics[h], 0).p, "us-east-1", 10);
		assert_memory_equal(
		    series_dim(&m.metrics[h], 4).p, "apollo", 7);
	}
	model_release(&m);
	/* scales after the filters, larger ones take all */
	c.include_region = "eu-west-1,eu-central-1";
	c.region_scale   = 9;
	c.ms_scale       = 2;
	assert_int_equal(model_continuous.hosts(&c), (20 + 1) * 4);

	/* an unknown name: -EINVAL, and one line naming the accepted */
	c                = conf(1);
	c.include_region = "us-east-1,mars-1";
	assert_int_equal(model_continuous.build(&m, &c, 0, 0), -EINVAL);
	model_release(&m);
	assert_int_equal(continuous_check_conf(&c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "--include-region"));
	assert_non_null(strstr(err, "\"mars-1\""));
	assert_non_null(strstr(err, "us-east-1, us-east-2"));
	assert_non_null(strstr(err, "eu-central-1"));
	assert_null(strchr(err, '\n'));
	c.include_region = NULL;
	c.include_ms     = "apollo,";
	assert_int_equal(continuous_check_conf(&c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "--include-ms"));
	assert_non_null(
	    strstr(err, "apollo, athena, demeter, hercules, zeus"));
	c.include_ms  = "";
	c.missing_cpu = 101;
	assert_int_equal(continuous_check_conf(&c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "--missing-cpu"));
	c.missing_cpu = 100;
	c.sin_snr     = 5;
	assert_int_equal(continuous_check_conf(&c, err, sizeof(err)), -EINVAL);
	c.sin_period_s = 60;
	assert_int_equal(continuous_check_conf(&c, err, sizeof(err)), 0);
}

static void
test_signals(void **state)
{
	struct continuous_signal s, w;
	uint32_t                 p;
	unsigned                 i;

	(void)state;
	for (i = 0; i < N_ELEMS(CV_SIGNALS); i++) {
		assert_int_equal(
		    continuous_period_s(CV_SIGNALS[i].code, &p), 0);
		continuous_signal_init(&s, true, 100, p);
		continuous_signal_init(&w, false, 100, p);
		if (continuous_signal_at(&s, CV_SIGNALS[i].t)
		        != CV_SIGNALS[i].sine
		    || continuous_signal_at(&w, CV_SIGNALS[i].t)
		        != CV_SIGNALS[i].saw)
			fail_msg(
			    "%s t=%lld: sine %.17g (want %.17g), saw %.17g (want %.17g)",
			    CV_SIGNALS[i].code, (long long)CV_SIGNALS[i].t,
			    continuous_signal_at(&s, CV_SIGNALS[i].t),
			    CV_SIGNALS[i].sine,
			    continuous_signal_at(&w, CV_SIGNALS[i].t),
			    CV_SIGNALS[i].saw);
	}
	assert_int_equal(continuous_period_s("mo", &p), 0);
	assert_int_equal(p, 2631744);
	assert_int_equal(continuous_period_s("x", &p), -EINVAL);
	assert_int_equal(continuous_period_s(NULL, &p), -EINVAL);
}

/* A model and a draw over the thread stream (or CPython's). */
static void
draw_init(struct model_draw *d, struct xrng *r, struct mt19937 *mt)
{
	memset(d, 0, sizeof(*d));
	d->r  = r;
	d->mt = mt;
}

/* SNR 20: cpu_user within +-2.5 of the signal, clamped to [0, 100], and
 * the noise spans most of that. */
static void
test_noise_bounds(void **state)
{
	struct model      m;
	struct model_conf c = conf(1);
	struct model_draw d;
	struct xrng       r;
	double            v[SCHEMA_MAX_VALUES], sig, lo = 1e9, hi = -1e9;
	int64_t           t = 1765432109;
	unsigned          i;

	(void)state;
	c.sin_snr      = 20;
	c.sin_period_s = 3600;
	build(&m, &c, 0, 0);
	sig = continuous_signal_at(
	    &((struct continuous_priv *)m.priv)->sig, t);
	xrng_seed(&r, 1, 0);
	draw_init(&d, &r, NULL);
	d.time_ms = t * 1000 + 999;
	for (i = 0; i < 20000; i++) {
		double dv;

		model_continuous.values(
		    &m, &m.metrics[i % m.n_metrics], &d, v);
		dv = v[0] - sig;
		assert_true(dv >= -2.5 - 1e-9 && dv <= 2.5 + 1e-9);
		assert_true(v[0] >= 0 && v[0] <= 100);
		assert_true(v[0] == pyfmt_round(v[0], 2));
		lo = dv < lo ? dv : lo;
		hi = dv > hi ? dv : hi;
	}
	assert_true(lo < -2.4 && hi > 2.4);
	model_release(&m);

	/* A sawtooth at 0 (t % 60 == 0): half the noisy values are below
	 * 0, and max(.., 0) makes them 0 (not mirrored by the abs()). */
	c              = conf(1);
	c.saw_snr      = 20;
	c.saw_period_s = 60;
	build(&m, &c, 0, 0);
	d.time_ms = 1765432080LL * 1000;
	for (i = 0, lo = 0; i < 10000; i++) {
		model_continuous.values(
		    &m, &m.metrics[i % m.n_metrics], &d, v);
		assert_true(v[0] >= 0 && v[0] <= 2.5);
		lo += v[0] == 0;
	}
	assert_true(lo > 4500 && lo < 5500);
	model_release(&m);
}

/* The fast path (the per-sample crng) draws the seed's distributions:
 * means within a few standard errors over 30,300 samples of 30 cycles
 * (seeded, so deterministic). */
static void
test_fast_stats(void **state)
{
	struct model      m;
	struct model_conf c = conf(1);
	struct model_draw d;
	struct xrng       r;
	double            v[SCHEMA_MAX_VALUES], sum[3] = { 0 }, n[3] = { 0 };
	double            fd = 0, dfree = 0, lat = 0, idle = 0, ev = 0;
	unsigned          i, k, samples = 0, top = 0, bottom = 0;

	(void)state;
	build(&m, &c, 0, 0);
	xrng_seed(&r, 77, 0);
	draw_init(&d, &r, NULL);
	d.seed = 77;
	for (k = 0; k < 30; k++)
		for (i = 0; i < m.n_metrics; i++, samples++) {
			const struct series *se = &m.metrics[i];

			/* a cycle a second: each sample its own values */
			d.time_ms = 1765432080000LL + k * 1000LL;
			model_continuous.values(&m, se, &d, v);
			sum[se->cpu] += v[0];
			n[se->cpu]++;
			fd += v[13];
			dfree += v[12];
			lat += v[17];
			idle += v[7];
			assert_true(v[12] + v[11] == 15.0 + i * 30.0
			    || fabs(v[12] + v[11] - 15.0 - i * 30.0) < 1e-6);
			assert_true(v[8] + v[9] == 8000.0
			    || fabs(v[8] + v[9] - 8000.0) < 1e-9);
			for (unsigned j = 1; j <= 6; j++)
				assert_true(v[j] >= 0 && v[j] <= 1
				    && v[j] == pyfmt_round(v[j], 2));
		}
	/* normal: 100 U (sd 28.9); high min(gauss(85, 10), 100): 84.7; low
	 * |gauss(15, 10)|: 15.6;
	 * 60 % / 20 % / 20 % of 30,300 samples */
	assert_true(fabs(sum[CPU_NORMAL] / n[CPU_NORMAL] - 50) < 1.0);
	assert_true(fabs(sum[CPU_HIGH] / n[CPU_HIGH] - 84.7) < 1.0);
	assert_true(fabs(sum[CPU_LOW] / n[CPU_LOW] - 15.6) < 1.0);
	assert_true(fabs(fd / samples - 2200) < 30);
	assert_true(fabs(dfree / samples - 10) < 0.3);
	assert_true(fabs(lat / samples - 12) < 0.5);
	assert_true(idle / samples > 40 && idle / samples < 60);
	for (i = 0; i < 20000; i++) {
		d.time_ms = 1765432080000LL + (i / m.n_events) * 1000LL;
		model_continuous.values(&m, &m.events[i % m.n_events], &d, v);
		assert_true(v[0] >= 0 && v[0] <= 500 && v[0] == floor(v[0]));
		ev += v[0];
		top += v[0] == 500; /* randint's both ends */
		bottom += v[0] == 0;
	}
	assert_true(fabs(ev / 20000 - 250) < 6);
	assert_true(top > 0 && bottom > 0);
	model_release(&m);
}

/* The seed's own values for a seed: every draw from CPython's stream in
 * the seed's order. */
static void
check_run(const struct cv_run *cv, uint32_t first)
{
	struct model      m;
	struct model_conf c = conf(1);
	struct model_draw d;
	struct mt19937    mt;
	struct xrng       r;
	double            v[SCHEMA_MAX_VALUES];
	char              note[512];
	unsigned          i, k, nn = 0;

	c.missing_cpu  = cv->missing;
	c.sin_snr      = cv->sin;
	c.sin_period_s = cv->sin_p;
	c.saw_snr      = cv->saw;
	c.saw_period_s = cv->saw_p;
	build(&m, &c, first, 0); /* a shard: disk_used has the global id */
	mt_seed(&mt, cv->seed);
	xrng_seed(&r, 3, 0);
	draw_init(&d, &r, &mt);
	d.note     = note;
	d.note_len = sizeof(note);
	d.time_ms  = cv->t * 1000;
	for (i = 0; i < cv->n; i++) {
		unsigned n = model_continuous.values(
		    &m, &m.metrics[cv->m[i].host - first], &d, v);

		assert_int_equal(n, MODEL_N_METRICS);
		for (k = 0; k < MODEL_N_METRICS; k++)
			if (v[k] != cv->m[i].v[k])
				fail_msg(
				    "seed %lld host %u %s: %.17g, CPython %.17g",
				    (long long)cv->seed, cv->m[i].host,
				    continuous_metric_names[k], v[k],
				    cv->m[i].v[k]);
		assert_int_equal(d.absent, cv->m[i].missing ? 0xffu : 0u);
		if (note[0]) {
			const char *after = strstr(note, ": ");

			assert_non_null(cv->notes[nn]);
			assert_non_null(after);
			assert_string_equal(after + 2, cv->notes[nn]);
			nn++;
		}
	}
	assert_true(nn == 8 || cv->notes[nn] == NULL);
	assert_int_equal(
	    model_continuous.values(&m, &m.events[0], &d, v), MODEL_N_EVENTS);
	assert_true(v[1] >= 0 && v[1] < 6); /* numpy's: not compared */
	assert_true(v[0] == cv->ev[0]);
	for (k = 2; k < MODEL_N_EVENTS; k++)
		assert_true(v[k] == cv->ev[k]);
	model_release(&m);
}

static void
test_exact_runs(void **state)
{
	(void)state;
	check_run(&CV_RUN_PLAIN, 0);  /* normal, high and low hosts */
	check_run(&CV_RUN_SINE, 0);   /* sine + noise, missing CPU 50 % */
	check_run(&CV_RUN_SAW, 3);    /* sawtooth "ye": the float period */
	check_run(&CV_RUN_SAW_MO, 5); /* "mo": 2631744.0 in the note */
	check_run(&CV_RUN_SAW_M, 6);  /* "m": an int, 60 in the note */
	check_run(&CV_RUN_CLAMP, 0);  /* gauss above 100 and below 0 */
}

/* A whole pass as the seed's one thread makes it (metric sets in order,
 * then event sets): the running sum of every value, the samples without
 * CPU and the last metric sample equal CPython's, so the gauss value kept
 * across samples and kinds and every draw's place are the seed's. */
static void
check_pass(const struct cv_pass *cv)
{
	struct model      m;
	struct model_conf c = conf(cv->hs);
	struct model_draw d;
	struct mt19937    mt;
	struct xrng       r;
	double            v[SCHEMA_MAX_VALUES], sum = 0;
	unsigned          i, k, missing = 0;

	c.missing_cpu  = cv->missing;
	c.sin_snr      = cv->sin;
	c.sin_period_s = cv->sin_p;
	c.saw_snr      = cv->saw;
	c.saw_period_s = cv->saw_p;
	build(&m, &c, 0, 0);
	assert_int_equal(m.n_metrics, cv->n_metrics);
	mt_seed(&mt, cv->seed);
	xrng_seed(&r, 3, 0);
	draw_init(&d, &r, &mt);
	d.time_ms = cv->t * 1000;
	for (i = 0; i < m.n_metrics; i++) {
		model_continuous.values(&m, &m.metrics[i], &d, v);
		missing += d.absent != 0;
		for (k = 0; k < MODEL_N_METRICS; k++)
			sum += v[k];
	}
	for (k = 0; k < MODEL_N_METRICS; k++)
		if (v[k] != cv->last[k])
			fail_msg(
			    "seed %lld last host %s: %.17g, CPython %.17g",
			    (long long)cv->seed, continuous_metric_names[k],
			    v[k], cv->last[k]);
	for (i = 0; i < m.n_events; i++) {
		model_continuous.values(&m, &m.events[i], &d, v);
		sum += v[0];
		sum += v[2];
		sum += v[3];
		sum += v[4];
	}
	assert_int_equal(missing, cv->n_missing);
	if (sum != cv->sum)
		fail_msg("seed %lld: sum %a, CPython %a", (long long)cv->seed,
		    sum, cv->sum);
	model_release(&m);
}

static void
test_exact_pass(void **state)
{
	(void)state;
	check_pass(&CV_PASS_PLAIN); /* --missing-cpu 25, hs 1 */
	check_pass(&CV_PASS_SINE);  /* sine d, SNR 3, hs 2 */
}

/* --missing-cpu 30: the 8 CPU measures absent in 30 % of the samples,
 * within 6 standard deviations of the binomial (seeded: deterministic). */
static void
test_missing_cpu(void **state)
{
	struct model      m;
	struct model_conf c = conf(1);
	struct model_draw d;
	struct xrng       r;
	double            v[SCHEMA_MAX_VALUES];
	unsigned          i, n = 20000, miss = 0;
	double            mean = 0.3 * n, sd = sqrt(n * 0.3 * 0.7);

	(void)state;
	c.missing_cpu = 30;
	build(&m, &c, 0, 0);
	xrng_seed(&r, 9, 1);
	draw_init(&d, &r, NULL);
	for (i = 0; i < n; i++) {
		model_continuous.values(
		    &m, &m.metrics[i % m.n_metrics], &d, v);
		assert_true(d.absent == 0 || d.absent == 0xff);
		miss += d.absent != 0;
	}
	assert_true(fabs(miss - mean) < 6 * sd);
	for (i = 0; i < 100; i++) { /* events never lose anything */
		model_continuous.values(&m, &m.events[i], &d, v);
		assert_int_equal(d.absent, 0);
	}
	model_release(&m);
}

static void
test_py_round(void **state)
{
	struct xrng r;
	unsigned    i;

	(void)state;
	assert_true(py_round(2.675, 2) == 2.67);
	assert_true(py_round(0.125, 2) == 0.12);
	assert_true(py_round(0.375, 2) == 0.38);
	assert_true(py_round(2.5, 0) == 2.0);
	assert_true(signbit(py_round(-0.001, 2)));
	for (i = 0; i < N_ELEMS(CV_ROUNDS); i++)
		if (py_round(CV_ROUNDS[i].x, CV_ROUNDS[i].nd)
		    != CV_ROUNDS[i].want)
			fail_msg("round(%.17g, %d): %.17g, CPython %.17g",
			    CV_ROUNDS[i].x, CV_ROUNDS[i].nd,
			    py_round(CV_ROUNDS[i].x, CV_ROUNDS[i].nd),
			    CV_ROUNDS[i].want);
	/* the fast path agrees with the exact one, ties and near ties */
	xrng_seed(&r, 11, 0);
	for (i = 0; i < 200000; i++) {
		double x  = (xrng_uniform(&r) - 0.3) * 300;
		int    nd = (int)(i % 5);

		if (i % 3 == 1)
			x = floor(x * 100) / 100 + 0.005;
		else if (i % 3 == 2)
			x = nextafter(floor(x * 10000) / 10000 + 0.00005,
			    (i & 8) ? 1e9 : -1e9);
		if (py_round(x, nd) != pyfmt_round(x, nd)
		    || signbit(py_round(x, nd)) != signbit(pyfmt_round(x, nd)))
			fail_msg("round(%.17g, %d): fast %.17g, exact %.17g",
			    x, nd, py_round(x, nd), pyfmt_round(x, nd));
	}
}

static double
u_xrng(void *ctx)
{
	return xrng_uniform(ctx);
}

static void
test_random_host(void **state)
{
	struct model_conf c = conf(1);
	struct model_host h;
	struct xrng       r;
	unsigned          i;

	(void)state;
	xrng_seed(&r, 5, 0);
	c.include_region = "us-west-2";
	c.include_ms     = "athena";
	for (i = 0; i < 200; i++) {
		assert_int_equal(model_continuous.random_host(
		                     &c, "ignored", u_xrng, &r, &h),
		    0);
		assert_int_equal(h.n, 10);
		assert_string_equal(h.value[0], "us-west-2");
		assert_non_null(strstr(h.value[2], "us-west-2-cell-"));
		assert_string_equal(h.value[4], "athena");
		assert_string_equal(h.name[7], "instance_name");
		assert_string_equal(
		    h.value[7], "i-AUa00Zt2-athena-0000.amazonaws.com");
		assert_string_equal(h.value[3], "us-west-2-1");
		assert_true(!strcmp(h.value[8], "server")
		    || !strcmp(h.value[8], "host_manager"));
	}
	c = conf(2);
	for (i = 0; i < 200; i++) {
		assert_int_equal(
		    model_continuous.random_host(&c, NULL, u_xrng, &r, &h), 0);
		assert_non_null(strstr(h.value[7], "i-AUa00Zt2-"));
		assert_null(strstr(h.value[7], "silo"));
	}
	c.include_ms = "nope";
	assert_int_equal(
	    model_continuous.random_host(&c, NULL, u_xrng, &r, &h), -EINVAL);
}

static void
test_summary_params(void **state)
{
	struct model             m;
	struct model_conf        c = conf(1);
	struct continuous_params p;
	char                     out[2048], err[256];

	(void)state;
	build(&m, &c, 0, 10);
	assert_int_equal(
	    model_continuous.summary(&m, 0, false, out, sizeof(out)), 0);
	assert_non_null(strstr(out,
	    "Generating dimensions for regions ['us-east-1', 'us-east-2', "
	    "'us-west-1', 'us-west-2', 'eu-west-1', 'ap-northeast-1', "
	    "'eu-central-1'] and microservices ['apollo', 'athena', "
	    "'demeter', 'hercules', 'zeus']\n"
	    "1010 unique metric dimensions.\n"
	    "1212 unique event dimensions.\n"));
	assert_non_null(strstr(out,
	    "26,260 single-measure (20,200 metric + 6,060 event), 2,222 multi-measure"));
	assert_non_null(strstr(out, "Records per pass: 26,260"));
	assert_int_equal(
	    model_continuous.summary(&m, 0, false, out, 40), -ENOSPC);
	model_release(&m);

	assert_true(
	    params_table_valid(continuous_param_rows, err, sizeof(err)));
	params_defaults(continuous_param_rows, &p);
	assert_int_equal(params_set(continuous_param_rows, &p, "continuous",
	                     "saw_frq_cpu", "ye", NULL, err, sizeof(err)),
	    0);
	assert_int_equal(
	    params_set(continuous_param_rows, &p, "continuous",
	        "include_region", "eu-central-1", NULL, err, sizeof(err)),
	    0);
	memset(&c, 0, sizeof(c));
	assert_int_equal(continuous_params_conf(&p, &c), 0);
	assert_int_equal(c.host_scale, 1);
	assert_int_equal(c.sin_period_s, 60);
	assert_int_equal(c.saw_period_s, 31587840);
	assert_int_equal(model_continuous.hosts(&c), 10);
}

/* Not a test of speed (no timed assertion): prints what one pass at hs 1
 * costs, fast path and seed-exact. */
static void
test_cycle_cost(void **state)
{
	struct model      m;
	struct model_conf c = conf(1);
	struct model_draw d;
	struct xrng       r;
	struct mt19937    mt;
	double            v[SCHEMA_MAX_VALUES], sum = 0;
	struct timespec   a, b;
	unsigned          k, pass;

	(void)state;
	build(&m, &c, 0, 0);
	xrng_seed(&r, 1, 0);
	mt_seed(&mt, 1);
	for (pass = 0; pass < 2; pass++) {
		draw_init(&d, &r, pass ? &mt : NULL);
		clock_gettime(CLOCK_MONOTONIC, &a);
		for (k = 0; k < m.n_metrics; k++) {
			model_continuous.values(&m, &m.metrics[k], &d, v);
			sum += v[0];
		}
		for (k = 0; k < m.n_events; k++) {
			model_continuous.values(&m, &m.events[k], &d, v);
			sum += v[2];
		}
		clock_gettime(CLOCK_MONOTONIC, &b);
		printf("continuous hs 1, one pass (%u samples, %s): %.3f ms\n",
		    m.n_metrics + m.n_events, pass ? "seed-exact" : "fast",
		    ((double)(b.tv_sec - a.tv_sec) * 1e9
		        + (double)(b.tv_nsec - a.tv_nsec))
		        / 1e6);
	}
	assert_true(sum > 0);
	model_release(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prefix),
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_dims),
		cmocka_unit_test(test_high_low),
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_signals),
		cmocka_unit_test(test_noise_bounds),
		cmocka_unit_test(test_fast_stats),
		cmocka_unit_test(test_exact_runs),
		cmocka_unit_test(test_exact_pass),
		cmocka_unit_test(test_missing_cpu),
		cmocka_unit_test(test_py_round),
		cmocka_unit_test(test_random_host),
		cmocka_unit_test(test_summary_params),
		cmocka_unit_test(test_cycle_cost),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
