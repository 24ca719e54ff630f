/* continuous.h - the continuous ingestor's model (seed-behaviour.md §5),
 * registered as --model continuous (model_continuous).
 *
 * Perf-scale's hierarchy plus eu-central-1 (1 cell, 1 silo): 101 silos,
 * 1010 hosts and 1212 event sets per unit of host scale, names
 * "i-AUa00Zt2-{ms}-{i:04d}.amazonaws.com" without the silo, one global
 * high/low CPU shuffle, the seed's 20 metric values (gauss, rounding,
 * sine/sawtooth cpu_user, missing CPU) and 5 events. Include filters and
 * the first-N scales select regions and microservices in the built-in
 * order, so host ids and names do not depend on a set's order.
 *
 * continuous.c builds the model; continuous_values.c draws the values.
 */
#ifndef TSL_CONTINUOUS_H
#define TSL_CONTINUOUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "model_ops.h"

/* The instance-name prefix: random.Random(12345).choice(alnum) 8 times. */
#define CONTINUOUS_PREFIX "AUa00Zt2"

enum {
	CONTINUOUS_N_REGIONS = 7, /* model_regions + eu-central-1 */
	CONTINUOUS_N_SILOS   = 101,
	CONTINUOUS_N_CPU     = 8, /* cpu_user .. cpu_idle: measures 0..7 */
	CONTINUOUS_HOSTS_PER_UNIT  = 1010,
	CONTINUOUS_EVENTS_PER_UNIT = 1212,
	/* host scale limit, as --host-scale's */
	CONTINUOUS_MAX_SCALE = 4000,
};

/* Metric measures in the seed's sending order (createRandomMetrics). */
extern const char *const continuous_metric_names[MODEL_N_METRICS];
/* Metric dimensions: instance_name before instance_type (index 5). */
extern const char *const continuous_metric_dim_names[MODEL_N_DIMS];

/** The region of index i (0 .. CONTINUOUS_N_REGIONS - 1), seed order. */
const struct model_region *continuous_region(unsigned i);

/** Checks c's continuous settings (host scale, include lists, missing
 *  CPU, signal ratios and periods). @return 0, or -EINVAL with one line
 *  in err naming what is wrong and, for an unknown name, the accepted
 *  ones. */
int continuous_check_conf(const struct model_conf *c, char *err, size_t n);

/** The period in seconds of a --sin-frq-cpu / --saw-frq-cpu code: m 60,
 *  h 3600, d 86400, we 604800, mo 2631744, qu 7895232, ye 31587840.
 *  @return 0 or -EINVAL (unknown code). */
int continuous_period_s(const char *code, uint32_t *secs);
/* The codes, in that order, NULL-terminated. */
extern const char *const continuous_period_codes[8];

/* A cpu_user signal (§5.3) as the seed computes it. */
struct continuous_signal {
	double snr; /* > 0: on; >= 100: no noise */
	double tf;  /* the seed's tf: 2*pi/P (sine) or P (sawtooth) */
	double P;   /* the period as the seed's double */
	bool   sine;
	bool   int_period; /* P is a Python int (m, h, d, we) */
};

/** Sets s for a period of period_s seconds: the seed's own doubles for
 *  mo, qu and ye (86400 * 30.46 ...), which are not all integers. */
void continuous_signal_init(
    struct continuous_signal *s, bool sine, double snr, uint32_t period_s);
/** The signal without noise at t epoch seconds: round(100 * (sin(t*tf)
 *  + 1) / 2, 2) or round(100 * ((t % P) / P), 2). */
double continuous_signal_at(const struct continuous_signal *s, int64_t t);

/* What the built model keeps beyond struct model (m->priv). */
struct continuous_priv {
	unsigned                 missing_cpu;
	struct continuous_signal sig; /* sine wins over sawtooth */
	bool                     has_sig;
	/* the selection, built-in order: region and service indices */
	uint8_t  reg[CONTINUOUS_N_REGIONS], nreg;
	uint8_t  svc[MODEL_N_SERVICES], nsvc;
	uint16_t nsilos; /* silos of the selected regions */
	uint16_t silo0[CONTINUOUS_N_REGIONS]; /* first silo of reg[i] */
	unsigned hosts_silo;  /* hosts of a silo per unit of scale */
	unsigned events_silo; /* event sets of a silo per unit */
	unsigned svc_off[MODEL_N_SERVICES]; /* host offset in a silo/unit */
	char    *strings; /* every string of the built model */
};

/* The model's settings as a parameter table reads them (--help, and
 * params_set() for a caller that wants it): the option names of the
 * seed, mapped onto struct model_conf by continuous_params_conf(). */
struct continuous_params {
	unsigned host_scale, region_scale, ms_scale, missing_cpu;
	char     include_region[256], include_ms[128];
	double   sin_signal_cpu, saw_signal_cpu;
	int      sin_frq_cpu, saw_frq_cpu; /* continuous_period_codes */
};
extern const struct param_row continuous_param_rows[];

/** Fills c's continuous settings from p; c's strings point into p.
 *  @return 0 or -EINVAL (an unset period code). */
int continuous_params_conf(
    const struct continuous_params *p, struct model_conf *c);

/** ->values of the model (continuous_values.c). */
unsigned continuous_values(const struct model *m, const struct series *se,
    struct model_draw *d, double *v);

#endif
