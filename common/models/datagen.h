/* datagen.h - the CrateDB data generator's model (seed-behaviour-2.md
 * Part 2), registered as --model datagen (model_datagen), read from its
 * data-model JSON (--model-file FILE, the seed's MODEL_PATH).
 *
 * A channel is a host of the model: host h (0-based) is channel id h + 1.
 * Its tags come from the id (§2.3, "Tag assignment", the seed's formula
 * exactly), its sensors are FLOAT random walks with mean reversion and
 * error bursts or BOOL draws (§2.4). One series per channel: the id tag
 * is the series' own name, the other tags its group.
 *
 * datagen_spec.c reads the file and runs the value process; datagen.c is
 * the model.
 */
#ifndef TSL_DATAGEN_H
#define TSL_DATAGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rng.h"

enum {
	DG_MAX_TAGS    = 8,  /* with the id tag: a series' dimensions */
	DG_MAX_SENSORS = 21, /* SCHEMA_MAX_VALUES */
	DG_MAX_FILE    = 1 << 20,
	DG_MAX_GROUPS  = 65536, /* distinct non-id tag values of a build */
};

enum dg_sensor_type { DG_FLOAT = 0, DG_BOOL = 1 };

/* A tag: the id, or a list of values (an integer N: "0" .. "N-1"). */
struct dg_tag {
	char    *name;
	bool     is_id;
	bool     numeric; /* from an integer N (SQL INTEGER in the seed) */
	uint32_t n;       /* values, 0 for the id */
	char   **value;   /* n texts */
};

/* A sensor's configured parameters (§2.3: each under a "value" key). */
struct dg_sensor {
	char               *name; /* its member name in "metrics" */
	char               *key;  /* key.value: the column */
	enum dg_sensor_type type;
	double   mean, min, max, stdev, variance, error_rate, error_length;
	double   true_ratio;
	uint64_t bool_k;  /* floor(1 / true_ratio): P(true) = 1/(K+1) */
	uint64_t stdev_u; /* floor(100 * stdev): the direction draw */
};

/* A parsed model file. */
struct dg_spec {
	char            *model; /* the model key: default table name */
	struct dg_tag    tag[DG_MAX_TAGS]; /* schema order, id last */
	unsigned         n_tags;
	struct dg_sensor sensor[DG_MAX_SENSORS];
	unsigned         n_sensors;
	unsigned         n_float;   /* FLOAT sensors */
	uint32_t         hierarchy; /* product of the non-id tags' sizes,
	                               at most UINT32_MAX */
};

/** Reads and checks the model file at path into s. @return 0, or
 *  -EINVAL (-ENOENT, ...) with one line in err naming the file and the
 *  field that is wrong ("FILE: temperature.metrics.button.true_ratio:
 *  ..."). s is released with dg_spec_free(), even after a failure. */
int dg_spec_load(struct dg_spec *s, const char *path, char *err, size_t n);
/** The same for text[0..len) read from a file named path (messages). */
int  dg_spec_parse(struct dg_spec *s, const char *path, const char *text,
     size_t len, char *err, size_t n);
void dg_spec_free(struct dg_spec *s);

/** Tag value indices of channel id (>= 1), the seed's formula: from the
 *  last tag back, acc = 0; a list of n values takes L[(id-1) mod n] while
 *  acc is 0, else L[floor((id-1)/acc) mod n], then acc += n (it adds,
 *  not multiplies: the seed's bug with three or more levels). idx[i] of
 *  the id tag is unused. */
void dg_tags(const struct dg_spec *s, uint64_t id, uint32_t *idx);

/* The FLOAT sensor's state ("FloatSimulator"). */
struct dg_float {
	double value, rate, len, last_good;
	bool   in_error, started;
};

/** The first value: round2(uniform(mean - variance, mean + variance)). */
void dg_float_init(
    struct dg_float *f, const struct dg_sensor *c, struct xrng *r);
/** One step of the walk (§2.4, exactly); initialises f on its first call.
 *  @return the value. *err (may be NULL) says whether it is an error
 *  value. */
double dg_float_step(
    struct dg_float *f, const struct dg_sensor *c, struct xrng *r, bool *err);
/** A BOOL sensor's draw: true iff uniform integer 0..K is 0. */
bool dg_bool_draw(const struct dg_sensor *c, struct xrng *r);

#endif
