/* gen.c - the random values of one host sample or event set.
 *
 * Distributions follow the seed (§2.4, §2.5); the bits come from the
 * sample's counter-based crng (keyed by seed, series and timestamp), so
 * any value can be recomputed. On the hot path: no allocation, no printf.
 */
#include "gen.h"

/* Cumulative task_end_state probabilities (model_end_state_p summed);
 * the last state takes the rest, like numpy's choice over a cdf. */
static const double end_state_cdf[5] = { 0.2, 0.9, 0.91, 0.98, 0.99 };

void
gen_metrics(struct crng *r, enum cpu_class cpu, double v[MODEL_N_METRICS])
{
	double other = 0.0;
	int    i;

	switch (cpu) {
	case CPU_HIGH:
		v[0] = 85.0 + 10.0 * crng_uniform(r);
		break;
	case CPU_LOW:
		v[0] = 10.0 * crng_uniform(r);
		break;
	default:
		v[0] = 35.0 + 30.0 * crng_uniform(r);
		break;
	}
	/* cpu_system, cpu_steal, cpu_iowait, cpu_nice, cpu_hi, cpu_si */
	for (i = 1; i <= 6; i++) {
		v[i] = crng_uniform(r);
		other += v[i];
	}
	v[7] = 100 - v[0] - other; /* cpu_idle, as the seed computes it */
	for (i = 8; i < MODEL_N_METRICS; i++)
		v[i] = 100.0 * crng_uniform(r);
}

unsigned
gen_end_state(double u)
{
	unsigned s = 0;

	while (s < 5 && u >= end_state_cdf[s])
		s++;
	return s;
}

void
gen_events(struct crng *r, double v[MODEL_N_EVENTS])
{
	v[0] = (double)crng_below(r, 501); /* randint(0, 500) */
	v[1] = gen_end_state(crng_uniform(r));
	v[2] = 100.0 * crng_uniform(r);
	v[3] = 100.0 * crng_uniform(r);
	v[4] = 100.0 * crng_uniform(r);
}

uint64_t
gen_series_key(const struct model *m, const struct series *se)
{
	uint64_t host = (uint64_t)m->first_host + se->host;
	uint64_t proc = 0;

	if (se->kind == SERIES_EVENTS)
		proc = 1 + (uint64_t)(se - m->events)
		    - m->host_events[se->host];
	return host << 3 | proc;
}

void
gen_uuid4(struct xrng *r, char out[37])
{
	static const char hex[] = "0123456789abcdef";
	uint64_t          w[2];
	int               i, o = 0;

	w[0] = xrng_next(r);
	w[1] = xrng_next(r);
	/* version 4 in the high nibble of byte 6, variant 10 in byte 8 */
	w[0] = (w[0] & ~(0xfULL << 12)) | (0x4ULL << 12);
	w[1] = (w[1] & ~(0x3ULL << 62)) | (0x2ULL << 62);
	for (i = 0; i < 32; i++) {
		uint64_t word = w[i / 16];
		int      sh   = 60 - 4 * (i % 16);

		if (i == 8 || i == 12 || i == 16 || i == 20)
			out[o++] = '-';
		out[o++] = hex[(word >> sh) & 0xf];
	}
	out[o] = '\0';
}
