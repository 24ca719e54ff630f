/* render.h - query templates: load a dialect's .sql file and fill it in.
 *
 * Templates live in <dir>/<dialect>/<name>.sql (configs/queries/ in the
 * repository; its README lists the files). They hold the query text with
 * named placeholders {region}, {end}, ...; {{ and }} stand for literal
 * braces. A template is checked when it is loaded, so a misspelt
 * placeholder fails at start-up, naming itself and the file.
 *
 * Values come from a struct qparams: the seed's --fixed-params set, a
 * random valid host of the perf-scale model (--params random), or a row
 * of the parameter query (qparams_set). String values are SQL-escaped
 * (' doubled); {db}, {table} and {measure} must be plain identifiers;
 * {end} is an expression and goes in verbatim.
 */
#ifndef TSL_RENDER_H
#define TSL_RENDER_H

#include <stdbool.h>
#include <stddef.h>

struct buf;
struct render_seg;

/* Default query end time per dialect, what {end} is when not given:
 * "now", as the seed's --query-end-time default. SQLite's and ClickHouse's
 * time columns hold epoch milliseconds. */
#define RENDER_END_TIMESTREAM "now()"
#define RENDER_END_SQLITE "CAST(strftime('%s','now') AS INTEGER) * 1000"
#define RENDER_END_CLICKHOUSE "toInt64(toUnixTimestamp(now())) * 1000"
/* InfluxQL: a time expression; PromQL and MetricsQL: "now" or epoch
 * seconds, read by the promrw and vm targets (promq.c) from the
 * template's "# tsload: end=..." line. */
#define RENDER_END_INFLUXQL "now()"
#define RENDER_END_PROMQL "now"
/* PostgreSQL's time column is BIGINT epoch milliseconds too. */
#define RENDER_END_POSTGRES "(EXTRACT(EPOCH FROM now()) * 1000)::bigint"

enum {
	RENDER_MAX_FILE = 1 << 20, /* largest template file accepted */
	QPARAMS_STORE   = 256,     /* bytes for strings qparams_random makes */
};

/* One parameter set. Pointers are borrowed: the caller keeps the strings
 * alive while rendering. qparams_random() points some of them into
 * store[], so a struct copy still refers to the original's store. */
struct qparams {
	const char *db;    /* {db}: database (Timestream only) */
	const char *table; /* {table} */
	const char *end;   /* {end}: query end time expression */
	const char *region;
	const char *cell;
	const char *silo;
	const char *availability_zone;
	const char *microservice_name;
	const char *instance_type;
	const char *os_version;
	const char *instance_name;
	const char *process_name;
	const char *jdk_version;
	const char *measure; /* {measure}: do-q1's metric, memory_used */
	char        store[QPARAMS_STORE];
};

/* A loaded template: the file text cut into literal and placeholder
 * segments. */
struct template
{
	char              *path; /* file it came from, for messages */
	char              *text;
	struct render_seg *seg;
	size_t             nseg;
	bool               sql; /* escape ' in string values (every dialect
	                           so far is SQL) */
};

/** The default {end} of a dialect ("timestream", "sqlite"); NULL if the
 *  dialect has none. */
const char *render_default_end(const char *dialect);

/** Template file name of a query key: "do-q1" or "do-q1-multi" (also
 *  "params"/"params-multi"); 0 or -ENAMETOOLONG. */
int render_name(char *dst, size_t len, const char *key, bool multi);

/** Reads and checks <dir>/<dialect>/<name>.sql. 0, or -errno with a
 *  one-line reason in err (-EINVAL for a bad or unknown placeholder). */
int render_load(struct template *t, const char *dir, const char *dialect,
    const char *name, char *err, size_t errlen);

/** Appends the filled-in text to out and NUL-terminates it. 0, or
 *  -EINVAL (missing or invalid value) / -ENOSPC with a reason in err. */
int render(const struct template *t, const struct qparams *p, struct buf *out,
    char *err, size_t errlen);

void render_free(struct template *t);

/** Clears p and sets db, table and end (any may be NULL). */
void qparams_init(
    struct qparams *p, const char *db, const char *table, const char *end);

/** The seed's --fixed-params host (eu-west-1-cell-8-silo-1, apollo, ...)
 *  and measure memory_used; db, table and end are left alone. */
void qparams_fixed(struct qparams *p);

/** Draws a host of the perf-scale model uniformly (silo, then host within
 *  the silo, then one of its processes) using u(ctx) in [0, 1), and sets
 *  every dimension consistently with the generator: az from the instance
 *  index, type/OS/JDK from the microservice, instance names
 *  i-<prefix>-<ms>-<silo>-<i:08d>.amazonaws.com with i < instances per
 *  silo * host_scale. measure becomes memory_used; db, table and end are
 *  left alone. 0, -EINVAL (host_scale 0 or too big, no prefix) or
 *  -ENAMETOOLONG (prefix too long for store[]). */
int qparams_random(struct qparams *p, double (*u)(void *), void *ctx,
    unsigned host_scale, const char *prefix);
/** The same for any model and its settings c (the run's: host scale,
 *  the continuous model's filters): its ->random_host's dimensions go to
 *  the fields of the same names. -EINVAL also for a model without one.
 *  qparams_random() is this for perf-scale. */
struct model_ops;
struct model_conf;
int qparams_random_model(struct qparams *p, const struct model_ops *ops,
    double (*u)(void *), void *ctx, const struct model_conf *c,
    const char *prefix);

/** Sets the value of placeholder name (e.g. from a column of the
 *  parameter query); 0 or -ENOENT for a name that is not a placeholder. */
int qparams_set(struct qparams *p, const char *name, const char *value);

/** The value of placeholder name; NULL if unset or unknown. */
const char *qparams_get(const struct qparams *p, const char *name);

/** true if name is a placeholder render() knows. */
bool qparams_known(const char *name);

#endif
