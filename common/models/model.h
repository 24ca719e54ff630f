/* model.h - the perf-scale DevOps model of the seed (model.py), exactly.
 *
 * 6 regions, 40 cells, 100 silos, 5 microservices. host-scale hs gives
 * 1000*hs metric dimension sets (hosts) and 1200*hs event dimension sets;
 * each host emits 20 metrics, each event set 5 events. Generation order,
 * dimension names and values follow reference/seed-behaviour.md §2.
 *
 * A model may be built for a sub-range of hosts (a worker's shard): then
 * `metrics` holds hosts [first_host, end_host) in global order and `events`
 * the event sets of exactly those hosts. Local indices (0..n-1) are what
 * the seed uses for the high/low CPU shuffle.
 */
#ifndef TSL_MODEL_H
#define TSL_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "schema.h"

enum {
	MODEL_N_METRICS       = 20,
	MODEL_N_EVENTS        = 5,
	MODEL_N_DIMS          = 8,
	MODEL_MAX_MEASURES    = 21, /* 20 metrics + request_id measure */
	MODEL_HOSTS_PER_UNIT  = 1000,
	MODEL_EVENTS_PER_UNIT = 1200,
	MODEL_PREFIX_LEN      = 8,
};

/* The hierarchy (seed 2.1): 6 regions of 40 cells and 100 silos in all,
 * 5 microservices in every silo, 3 availability zones per region. */
enum {
	MODEL_N_REGIONS  = 6,
	MODEL_N_CELLS    = 40,
	MODEL_N_SILOS    = 100,
	MODEL_N_SERVICES = 5,
	MODEL_N_AZ       = 3,
	MODEL_N_PROCS    = 2,  /* processes of an events host, at most */
	MODEL_HOSTS_SILO = 10, /* hosts per silo and unit of host scale */
};

/* A region: cells * silos_per_cell silos, numbered from 1 in each cell. */
struct model_region {
	const char *name;
	unsigned    cells, silos_per_cell;
};

/* A microservice of every silo, in generation order: per_silo * hs hosts
 * from host off * hs of the silo, and the constant dimension values of
 * those hosts; its event sets are the first nproc model_process_names. */
struct model_service {
	const char *name, *instance_type, *os_version, *jdk_version;
	unsigned    per_silo, off, nproc;
};

/* Region (index into model_regions), cell and silo (from 1) of a silo. */
struct model_silo {
	unsigned region, cell, silo;
};

/* model_layout.c */
extern const struct model_region  model_regions[MODEL_N_REGIONS];
extern const struct model_service model_services[MODEL_N_SERVICES];
extern const char *const          model_process_names[MODEL_N_PROCS];

/** Where global silo index s (0 .. MODEL_N_SILOS - 1, generation order)
 *  is: region, cell and silo. */
struct model_silo model_silo_at(unsigned s);

enum series_kind { SERIES_METRICS = 0, SERIES_EVENTS = 1 };

/* CPU utilisation class of a host (seed §2.6), decides cpu_user's range. */
enum cpu_class { CPU_NORMAL = 0, CPU_HIGH = 1, CPU_LOW = 2 };

struct str {
	const char *p;
	uint32_t    len;
};

/* The dimensions that a group of dimension sets share: all but the
 * instance name (same silo, availability zone, microservice, and for
 * events the same process). dim[] is in the seed's sending order:
 *   metrics: region, cell, silo, availability_zone, microservice_name,
 *            instance_type, os_version, instance_name
 *   events:  region, cell, silo, availability_zone, microservice_name,
 *            instance_name, process_name, jdk_version
 * with the instance name's slot (name_at) left empty. Targets may cache
 * per-group encodings (a line-protocol tag prefix) indexed by id.
 */
struct dimgroup {
	const struct schema_kind *sk; /* names, types: the model's schema */
	struct str                dim[MODEL_N_DIMS];
	uint16_t                  id;   /* 0 .. model.n_groups - 1 */
	uint8_t                   kind; /* enum series_kind */
	uint8_t name_at;                /* index of instance_name in dim[] */
	bool    plain; /* every value and instance name is model_plain() */
};

/* Bump allocator over a built model's strings (NUL-terminated): with
 * base NULL it only measures, so a build sizes its one allocation with a
 * first pass and fills it with a second. */
struct model_arena {
	char  *base;
	size_t used;
};

/** Appends s[0..len) and a NUL to a (or only counts them, base NULL).
 *  @return where the copy is ({ NULL, len } when only counting). */
struct str model_arena_put(struct model_arena *a, const char *s, size_t len);

/** Whether s is made of letters, digits, '-', '.' and '_' only: text
 *  that no output format (line protocol, CSV, JSON, SQL) escapes or
 *  quotes, so encoders may copy it as it is. */
bool model_plain(const char *s, size_t n);

/* One dimension set: a host (kind SERIES_METRICS) or one process of a host
 * (SERIES_EVENTS): its group and its instance name. 24 bytes, so that a
 * million hosts fit in a few tens of MiB; read dimensions with
 * series_dim(). */
struct series {
	const struct dimgroup *g;
	const char            *name; /* NUL-terminated */
	uint32_t               host; /* local index of the host */
	uint16_t               name_len;
	uint8_t                kind; /* enum series_kind */
	uint8_t                cpu;  /* enum cpu_class, metric sets only */
};

/** Dimension d (sending order of the series' kind) of a series. */
static inline struct str
series_dim(const struct series *s, unsigned d)
{
	if (d == s->g->name_at)
		return (struct str) { s->name, s->name_len };
	return s->g->dim[d];
}

/** Marks the high/low CPU hosts (series.cpu) of hosts [first, first + n)
 *  of a list of total hosts, held in metrics[0..n), as the seed does:
 *  Random(12345).shuffle(range(total)), low the first int(0.2 total),
 *  high the last int(0.2 total), every host high when that is 0 (§2.6).
 *  Perf-scale shuffles each process's own list (first 0, total n), the
 *  continuous model the whole model's. */
void model_mark_cpu(
    struct series *metrics, uint32_t first, uint32_t n, uint32_t total);
enum { MODEL_CPU_SHUFFLE_SEED = 12345 }; /* the seed's utilizationRand */

extern const char *const model_metric_names[MODEL_N_METRICS]; /* send order */
extern const char *const model_event_names[MODEL_N_EVENTS];
extern const enum measure_type model_event_types[MODEL_N_EVENTS];
/* The dimension names, spelled once: the metric and event sets' lists
 * below, the union schema's columns (target.c) and the parameter query
 * (worker/query.c) are made of these. */
#define MODEL_DIM_REGION "region"
#define MODEL_DIM_CELL "cell"
#define MODEL_DIM_SILO "silo"
#define MODEL_DIM_AZ "availability_zone"
#define MODEL_DIM_MICROSERVICE "microservice_name"
#define MODEL_DIM_INSTANCE_TYPE "instance_type"
#define MODEL_DIM_OS_VERSION "os_version"
#define MODEL_DIM_INSTANCE_NAME "instance_name"
#define MODEL_DIM_PROCESS_NAME "process_name"
#define MODEL_DIM_JDK_VERSION "jdk_version"
#define MODEL_DIM_REQUEST_ID "request_id" /* --add-req-id */
extern const char *const model_metric_dim_names[MODEL_N_DIMS];
extern const char *const model_event_dim_names[MODEL_N_DIMS];
/* task_end_state values, in the order of their probabilities:
 * SUCCESS_WITH_NO_RESULT .2, SUCCESS_WITH_RESULT .7, INTERNAL_ERROR .01,
 * USER_ERROR .07, UNKNOWN .01, THROTTLED .01 */
extern const char *const model_end_states[6];
extern const double      model_end_state_p[6];

struct model_ops;

/* A built shard of the model. Perf-scale's layout; ops is the model that
 * built it (model_ops.h), which the ingest loop calls; another model keeps
 * what it needs beyond the series in priv. */
struct model {
	const struct model_ops *ops;
	void                   *priv;
	unsigned                host_scale;
	char                    prefix[MODEL_PREFIX_LEN + 1];
	uint32_t                total_hosts;  /* 1000 * hs, whole model */
	uint32_t                total_events; /* 1200 * hs, whole model */
	uint32_t                first_host;   /* global index of metrics[0] */
	uint32_t         n_metrics; /* hosts held: end_host - first_host */
	uint32_t         n_events;  /* event sets held */
	struct series   *metrics;
	struct series   *events;
	struct dimgroup *groups; /* n_groups, shared by the series */
	uint32_t         n_groups;
	/* n_metrics + 1 entries: the events of local host h are
	 * [host_events[h], host_events[h + 1]) */
	uint32_t *host_events;
	/* The one allocation, holding metrics, events, host_events and every
	 * string (NUL-terminated; shared values such as region or silo are
	 * stored once, instance names once per host). */
	char *arena;
	/* What the data looks like; the groups point into it, so a built
	 * model is never copied. Without request ids until the caller
	 * says otherwise (schema_finish(&m->schema, mode)). */
	struct schema schema;
};

/** Adds the "events" kind (the seed's event dimensions and the 5
 *  events, both models') to s. @return 0 or -EINVAL. */
int model_schema_events(struct schema *s);

/** Builds perf-scale's schema: kinds "metrics" and "events" with the
 *  dimension and measure names above in sending order, request ids as
 *  req_id says. @return 0 or -EINVAL. */
int model_schema(struct schema *s, enum req_id_mode req_id);

/** Builds hosts [first_host, end_host) of a host_scale model (end_host 0:
 *  all), with the instance-name prefix from instance_seed, and marks the
 *  high/low CPU hosts by the seed's shuffle over the local host list.
 *  Names depend on the global position, so a sub-range build holds the
 *  same strings as the same hosts of a full build.
 *  @return 0, or -EINVAL for an empty or out-of-range host range or a
 *  host_scale of 0 or above UINT32_MAX / 1200. */
int  model_build(struct model *m, unsigned host_scale, int64_t instance_seed,
     uint32_t first_host, uint32_t end_host);
void model_free(struct model *m);

/** Total time series of the model: 26,000*hs single, 2,200*hs multi. */
uint64_t model_series_count(unsigned host_scale, bool multi);

/** Writes the seed's model summary lines (printModelSummary, §2.9) for a
 *  model, interval and layout into out, '\n'-terminated lines. Counts are
 *  the whole model's, whatever range m holds.
 *  The 2-decimal figures are rounded as the seed's numpy float64 values
 *  are (scale by 100, round half-even, scale back), which is not always
 *  Python's round(). A data-point rate that rounds to 0 gives
 *  "avg row size: nan Bytes", as in the seed.
 *  Intervals from 1000 ms use I = int(ms / 1000) s like the seed; shorter
 *  ones use I = ms / 1000.0 (the seed divides by zero there), so 500 ms
 *  doubles the rates. Interval 0 (unpaced) prints "unpaced" in place of
 *  every rate, volume and size figure, and as avg row size the average
 *  bytes per data point (single) or row (multi) of one full cycle.
 *  @return 0 or -ENOSPC. */
int model_summary(const struct model *m, uint64_t interval_ms, bool multi,
    char *out, size_t outlen);

/** Contiguous shard i of n over total hosts: the first total % n shards
 *  get one extra. @return 0, or -EINVAL when n > total or i >= n. */
int model_shard(
    uint32_t total, uint32_t n, uint32_t i, uint32_t *first, uint32_t *end);

#endif
