/* continuous_values.c - the values of one sample of the continuous
 * model, as the seed's createRandomMetrics / createRandomEvent draw them
 * (seed-behaviour.md §5.2, §5.3).
 *
 * Every draw the seed takes from Python's `random` is taken in the seed's
 * order, from d->mt (CPython's MT19937, seed-exact runs) or else from the
 * sample's counter-based crng (keyed by seed, series and timestamp, so
 * that tsload verify can recompute it; a gauss pair never spans two
 * samples) with the same formulas. values() is instantiated twice
 * (always_inline on a constant `exact`), so the hot path has no per-draw
 * branch. task_end_state is numpy's in the seed (not seeded): the
 * thread's xrng in seed-exact runs, else the crng.
 *
 * Draw order (the seed's code, which the reference's table follows):
 * cpu_user (signal noise, gauss or 100 U), the six round(U, 2), then
 * the missing-CPU draw (after cpu_idle, only when --missing-cpu > 0; the
 * CPU values are drawn either way), memory_used (memory_free derives from
 * it), memory_cached, d = gauss(5, 5), file descriptors, reads, writes,
 * the two latencies, network in, out. Values are sent in another order
 * (continuous_metric_names).
 */
#include "continuous.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "gen.h"
#include "pyfmt.h"
#include "pyround.h"

/* Sending order of the metric values (continuous_metric_names). */
enum {
	V_CPU_USER   = 0, /* 1..6: system, steal, iowait, nice, hi, si */
	V_CPU_IDLE   = 7,
	V_MEM_FREE   = 8,
	V_MEM_USED   = 9,
	V_MEM_CACHED = 10,
	V_DISK_USED  = 11,
	V_DISK_FREE  = 12,
	V_FDS        = 13,
	V_IO_READS   = 14,
	V_IO_WRITES  = 15,
	V_LAT_READ   = 16,
	V_LAT_WRITE  = 17,
	V_NET_IN     = 18,
	V_NET_OUT    = 19,
};

#define ALWAYS_INLINE static inline __attribute__((always_inline))

/* Python's TWOPI = 2.0 * math.pi */
static const double two_pi = 2.0 * 3.141592653589793;

/* random.random() */
ALWAYS_INLINE double
u01(struct model_draw *d, bool exact)
{
	return exact ? mt_random(d->mt) : crng_uniform(&d->c);
}

/* random.gauss(mu, sigma) of CPython 3.11: Box-Muller, the second value
 * kept for the next call. */
ALWAYS_INLINE double
gauss(struct model_draw *d, bool exact, double mu, double sigma)
{
	double z, x2pi, g2rad;

	if (d->has_gauss) {
		z            = d->gauss_next;
		d->has_gauss = false;
	} else {
		x2pi          = u01(d, exact) * two_pi;
		g2rad         = sqrt(-2.0 * log(1.0 - u01(d, exact)));
		z             = cos(x2pi) * g2rad;
		d->gauss_next = sin(x2pi) * g2rad;
		d->has_gauss  = true;
	}
	return mu + z * sigma;
}

/* Python's x % P for a float or int P > 0: the sign of P. */
static double
py_mod(int64_t t, const struct continuous_signal *s)
{
	if (s->int_period) {
		int64_t p = (int64_t)s->P, r = t % p;

		return (double)(r < 0 ? r + p : r);
	}
	double r = fmod((double)t, s->P);

	if (r != 0.0 && r < 0.0)
		r += s->P;
	return r;
}

double
continuous_signal_at(const struct continuous_signal *s, int64_t t)
{
	if (s->sine)
		return py_round(100.0 * ((sin((double)t * s->tf) + 1) / 2), 2);
	return py_round(100.0 * (py_mod(t, s) / s->P), 2);
}

void
continuous_signal_init(
    struct continuous_signal *s, bool sine, double snr, uint32_t period_s)
{
	memset(s, 0, sizeof(*s));
	s->sine = sine;
	s->snr  = snr;
	/* The seed writes the long periods as 60*60*24*30.46 (*3) and
	 * 60*60*24*365.6: floats, the last one not an integer. */
	s->int_period = true;
	s->P          = period_s;
	if (period_s == 2631744 || period_s == 7895232
	    || period_s == 31587840) {
		s->int_period = false;
		s->P = period_s == 31587840 ? 86400 * 365.6 : 86400 * 30.46;
		if (period_s == 7895232)
			s->P *= 3;
	}
	s->tf = sine ? 2 * 3.141592653589793 / s->P : s->P;
}

/* The seed's dry-run line for a noisy signal value. */
static void
signal_note(const struct continuous_signal *s, struct model_draw *d, int64_t t,
    double sig, double noise, double v, uint32_t host)
{
	char      when[32], f[40], a[40], b[40], c[40], r[40], n[40];
	time_t    tt = (time_t)t;
	struct tm tm;

	if (!localtime_r(&tt, &tm)
	    || !strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(when, sizeof(when), "%lld", (long long)t);
	if (!s->sine && s->int_period)
		snprintf(f, sizeof(f), "%.0f", s->P); /* round(int, 4) */
	else
		pyfmt_repr(f, sizeof(f), py_round(s->tf, 4));
	pyfmt_repr(a, sizeof(a), sig);
	pyfmt_repr(b, sizeof(b), noise / s->snr);
	pyfmt_repr(c, sizeof(c), v);
	pyfmt_repr(r, sizeof(r), s->snr);
	pyfmt_repr(n, sizeof(n), noise);
	snprintf(d->note, d->note_len,
	    "%s: %sHz => %s + %s = %s ==> SNR %s => N=%s on hostId %u", when,
	    f, a, b, c, r, n, host);
}

/* addSinSignal / addSawSignal: the signal, plus uniform noise of
 * +-50 / snr below an SNR of 100, kept in [0, 100]. */
ALWAYS_INLINE double
signal(const struct continuous_signal *s, struct model_draw *d, bool exact,
    uint32_t host)
{
	int64_t t   = d->time_ms / 1000;
	double  sig = continuous_signal_at(s, t), noise, v;

	if (s->snr >= 100)
		return sig;
	noise = 100.0 * u01(d, exact) - 50.0;
	v     = py_round(sig + noise / s->snr, 4);
	if (100.0 < v) /* max(min(v, 100.0), 0) */
		v = 100.0;
	if (0 > v)
		v = 0.0;
	if (d->note)
		signal_note(s, d, t, sig, noise, v, host);
	return v;
}

ALWAYS_INLINE void
metrics(const struct model *m, const struct series *se, struct model_draw *d,
    double *v, bool exact)
{
	const struct continuous_priv *p    = m->priv;
	uint32_t                      host = m->first_host + se->host;
	double                        cpu, other = 0, idle, used, disc;
	int                           i;

	if (p->has_sig)
		cpu = signal(&p->sig, d, exact, host);
	else if (se->cpu == CPU_HIGH)
		cpu = gauss(d, exact, 85.0, 10.0);
	else if (se->cpu == CPU_LOW)
		cpu = gauss(d, exact, 15.0, 10.0);
	else
		cpu = 100.0 * u01(d, exact);
	v[V_CPU_USER] = fabs(py_round(cpu < 100 ? cpu : 100, 2));
	for (i = 1; i <= 6; i++) {
		v[i] = py_round(u01(d, exact), 2);
		other += v[i];
	}
	idle          = 100 - v[V_CPU_USER] - other;
	v[V_CPU_IDLE] = py_round(0 > idle ? 0 : idle, 2);
	if (p->missing_cpu > 0
	    && (double)p->missing_cpu > 100.0 * u01(d, exact))
		d->absent = (1u << CONTINUOUS_N_CPU) - 1;

	used            = 8000.0 * u01(d, exact);
	v[V_MEM_USED]   = used;
	v[V_MEM_FREE]   = 8000.0 - used;
	v[V_MEM_CACHED] = 4000.0 * u01(d, exact);
	disc            = gauss(d, exact, 5.0, 5.0);
	v[V_DISK_USED]  = (double)host * 30.0 + disc;
	v[V_DISK_FREE]  = 15.0 - disc;
	v[V_FDS]        = gauss(d, exact, 2200.0, 500.0);
	v[V_IO_READS]   = 25000.0 * u01(d, exact);
	v[V_IO_WRITES]  = 25000.0 * u01(d, exact);
	v[V_LAT_READ]   = gauss(d, exact, 8.0, 4.0);
	v[V_LAT_WRITE]  = gauss(d, exact, 12.0, 8.0);
	v[V_NET_IN]     = 1000.0 * u01(d, exact);
	v[V_NET_OUT]    = 5000.0 * u01(d, exact);
}

ALWAYS_INLINE void
events(struct model_draw *d, double *v, bool exact)
{
	v[0] = exact ? (double)mt_randbelow(d->mt, 501) /* randint(0, 500) */
	             : (double)crng_below(&d->c, 501);
	/* numpy's in the seed: never exact */
	v[1] = gen_end_state(exact ? xrng_uniform(d->r) : crng_uniform(&d->c));
	v[2] = 100.0 * u01(d, exact);
	v[3] = 100.0 * u01(d, exact);
	v[4] = 100.0 * u01(d, exact);
}

unsigned
continuous_values(const struct model *m, const struct series *se,
    struct model_draw *d, double *v)
{
	d->absent = 0;
	if (d->note && d->note_len)
		d->note[0] = '\0';
	if (!d->mt) { /* the sample's own draws, gauss pairs included */
		crng_init(&d->c,
		    crng_key(d->seed, gen_series_key(m, se), d->time_ms));
		d->has_gauss = false;
	}
	if (se->kind == SERIES_METRICS) {
		if (d->mt)
			metrics(m, se, d, v, true);
		else
			metrics(m, se, d, v, false);
		return MODEL_N_METRICS;
	}
	if (d->mt)
		events(d, v, true);
	else
		events(d, v, false);
	return MODEL_N_EVENTS;
}
