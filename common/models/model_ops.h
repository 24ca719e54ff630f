/* model_ops.h - what a data model is, and the registry of them.
 *
 * A model is one file in common/models/ exporting a `const struct
 * model_ops model_<x>`, registered with one MODEL(x) line in registry.c.
 * It builds the series of a host range (a worker's shard) with their
 * schema, and fills the values of a sample; the ingest loop
 * (worker/ingest.c) does the batching, pacing, retries and stop.
 *
 * Who calls what:
 *   coordinator: ->hosts (shard the run), ->build of a small range and
 *                ->summary (the start-up lines; the schema for the
 *                target's ->setup), ->series_count (run.json), ->free
 *   worker:      ->build of its shard, ->free
 *   each ingest thread: ->cycle for its hosts, once per cycle; ->values
 *                for every sample
 *   query side:  ->random_host (parameters of the query templates)
 * Models have no globals: a built model is the state, read-only once
 * built, shared by the threads.
 */
#ifndef TSL_MODEL_OPS_H
#define TSL_MODEL_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "params.h"
#include "rng.h"

enum { MODEL_OPS_VERSION = 1 };

/* The run's settings a model reads (from the options: --host-scale,
 * --instance-name-seed, --multi, --add-req-id and --req-id-dim). */
struct model_conf {
	unsigned host_scale;
	int64_t  instance_seed;
	bool     multi;
	uint8_t  req_id; /* enum req_id_mode */
	/* The continuous model's (seed-behaviour.md §1.5, §5); zero: off */
	const char *include_region;   /* comma list of regions, NULL/"": all */
	const char *include_ms;       /* comma list of microservices */
	unsigned    region_scale;     /* the first N regions, 0: all */
	unsigned    ms_scale;         /* the first N microservices, 0: all */
	unsigned    missing_cpu;      /* % of metric samples without CPU */
	double      sin_snr, saw_snr; /* > 0: cpu_user signal */
	uint32_t    sin_period_s, saw_period_s; /* its period, seconds */
	/* The data generator's (datagen.h): its model file, and the
	 * channels asked for (--id-end), when more than one pass over its
	 * tag hierarchy */
	const char *model_file;
	uint32_t    channels;
};

/* What ->values draws from and reports, one per ingest thread; the model
 * may keep state across samples in it (CPython's gauss keeps its second
 * value). The thread zeroes it once, then sets r, mt and note. */
struct model_draw {
	struct xrng *r;      /* the thread's stream */
	uint64_t     seed;   /* the run's value seed: keys c */
	struct crng  c;      /* the sample's draws: the model keys it with
	                      * crng_key(seed, gen_series_key(), time_ms) */
	struct mt19937 *mt;  /* seed-exact mode (one thread, --seed): draw
	                      * from CPython's sequence instead; else NULL */
	double   gauss_next; /* CPython random.gauss()'s kept value */
	bool     has_gauss;
	int64_t  time_ms; /* in: the sample's timestamp */
	uint32_t absent;  /* out: bit i set = measure i not in the sample */
	/* out, when note is not NULL (--dry-run): a debug line for this
	 * sample ("" when none), without '\n' */
	char  *note;
	size_t note_len;
};

/* Where a cycle's series go: the ingest loop, which makes a sample of
 * each (->values) and batches it. */
struct model_emit {
	/* Called for every series of the cycle in the model's sending
	 * order. false: end the cycle now (the run is stopping). */
	bool (*series)(struct model_emit *e, const struct series *se);
};

/* Dimension values of one random host of the model, for the query
 * templates: name[i] = value[i] (names of the model's schema), and the
 * measure a template asks for. Values point into store or to constants. */
enum { MODEL_HOST_MAX_DIMS = 16, MODEL_HOST_STORE = 512 };
struct model_host {
	unsigned    n;
	const char *name[MODEL_HOST_MAX_DIMS];
	const char *value[MODEL_HOST_MAX_DIMS];
	const char *measure;
	char        store[MODEL_HOST_STORE];
};

struct model_ops {
	const char *name;    /* --model NAME, e.g. "perf-scale" */
	int         version; /* MODEL_OPS_VERSION */
	const char *help;    /* one line for --help */
	/* The model's parameters, for --help and checks. Perf-scale's are
	 * still run options parsed by common/cli/opts.c's table into struct
	 * model_conf; its table names them (key "host_scale" is option
	 * --host-scale) with the same fields and defaults. */
	const struct param_row *params;
	/* > 0: the model's own pacing when no interval or time range is
	 * asked for: each cycle (a pass over the series) is stamped with
	 * a new step of this many ms, as soon as the previous one is done,
	 * so no series gets two points in one step (continuous: 1000).
	 * 0: the run's --interval-millis pacing. */
	uint32_t step_ms;

	/* Hosts of the whole model: what the coordinator splits into
	 * shards (model_shard) over workers and threads. Any thread. */
	uint32_t (*hosts)(const struct model_conf *c);

	/* Series of the whole model in c's layout (single: one per
	 * measure). Any thread. */
	uint64_t (*series_count)(const struct model_conf *c);

	/* Builds hosts [first, end) (end 0: all) into m: the series, their
	 * groups and m->schema with c's request ids; sets m->ops. Allocates;
	 * m is released with ->free, even after a failure. Coordinator or
	 * worker, before threads start. 0 or -EINVAL (bad range or
	 * settings). */
	int (*build)(struct model *m, const struct model_conf *c,
	    uint32_t first, uint32_t end);
	void (*free)(struct model *m);

	/* One cycle of local hosts [h0, h1) of a built model: calls
	 * e->series for each of their series, in sending order, until it
	 * returns false. Ingest thread: no allocation, no blocking. */
	void (*cycle)(const struct model *m, uint32_t h0, uint32_t h1,
	    struct model_emit *e);

	/* Fills v (room for SCHEMA_MAX_VALUES) with the values of one
	 * sample of se at d->time_ms, as its kind's measures say, drawn
	 * from d (d->mt when set; else a metric model draws from d->c keyed
	 * by the sample, so values can be recomputed); sets d->absent (0
	 * unless measures are left out) and d->note when asked.
	 * @return the number of values (the kind's n_values). Ingest
	 * thread, once per sample: no allocation, no printf. */
	unsigned (*values)(const struct model *m, const struct series *se,
	    struct model_draw *d, double *v);

	/* The start-up summary lines ('\n'-terminated) of a built model for
	 * a pacing interval and layout. Coordinator. 0 or -ENOSPC. */
	int (*summary)(const struct model *m, uint64_t interval_ms, bool multi,
	    char *out, size_t outlen);

	/* Query side: a uniformly random host of a c model (instance names
	 * with the prefix), drawn with u (uniform in [0, 1)) and ctx.
	 * Query thread. 0, -EINVAL (settings) or -ENAMETOOLONG. May be
	 * NULL: the model has no query parameters. */
	int (*random_host)(const struct model_conf *c, const char *prefix,
	    double (*u)(void *), void *ctx, struct model_host *h);
};

/** Frees what m's model built (m->ops->free); a model never built (all
 *  zero) is left alone. */
void model_release(struct model *m);

/** The model named name, or NULL. */
const struct model_ops *model_find(const char *name);
/** The registered models, NULL-terminated. */
const struct model_ops *const *model_list(void);
/** Sanity checks one ops table (version, name, every mandatory
 *  member, its parameter table). @return true when usable; otherwise
 *  the reason is in err. */
bool model_ops_valid(const struct model_ops *ops, char *err, size_t n);

extern const struct model_ops model_perf_scale;
extern const struct model_ops model_continuous;
extern const struct model_ops model_apache; /* accesslog.c */
extern const struct model_ops model_cloudfront;
extern const struct model_ops model_cloudflare;
extern const struct model_ops model_datagen; /* datagen.c */

#endif
