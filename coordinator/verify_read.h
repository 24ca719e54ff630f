/* verify_read.h - how tsload verify reads a target back, per query
 * dialect: the aggregates per series, measure and hour of a time range,
 * and the rows of one series, measure and hour.
 */
#ifndef TSL_VERIFY_READ_H
#define TSL_VERIFY_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "target.h"

/* The dimension columns that name a series (the union table's, without
 * request_id), and one series' values of them ("" where its kind has
 * none). */
enum { VERIFY_DIMS_MAX = 32 };
struct verify_dims {
	unsigned    n;
	const char *col[VERIFY_DIMS_MAX];
	const char *kind[2]; /* the measurements (kinds) of the model */
	/* PromQL: the metric names KIND_MEASURE, queried one at a time so
	 * that an answer stays small */
	unsigned n_metric;
	char     metric[2 * 24][64];
	/* The run's layout. --multi: a row holds one series at one time,
	 * measure_name its kind's name, one column per measure (a
	 * request_id measure in the request_id column); per kind, its
	 * measures' names, columns and types (enum measure_type) */
	bool     multi;
	unsigned n_mcol[2];
	struct verify_mcol {
		const char *measure, *col;
		unsigned    type;
	} mcol[2][SCHEMA_MAX_VALUES + 1];
};

/* One aggregate row: a series (its dimension values), a measure and an
 * hour (time / 3600000) with its count, sum, min and max of the values
 * (a text's length). */
struct verify_agg {
	const char *const *dim; /* n of verify_dims */
	const char        *measure;
	int64_t            hour;
	uint64_t           n;
	double             sum, min, max;
};

/* One stored point: its time, numeric value (has_v) or text. */
struct verify_row {
	int64_t     t;
	double      v;
	bool        has_v;
	const char *text;
};

/* The query language of a dialect. */
enum verify_lang { VL_SQL, VL_PROMQL, VL_INFLUXQL };

/* What a target keeps of a text value (a word, a request id). */
enum verify_text {
	VT_LENGTH, /* the text: aggregates see its length (SQL) */
	VT_ZERO,   /* the number 0 (VictoriaMetrics stores no text) */
	VT_COUNT,  /* the text, but aggregates count it only (InfluxQL) */
	VT_INDEX,  /* the index of its word, a request id 0 (remote write) */
};

struct verify_dialect {
	const struct target_ops *ops;
	enum verify_lang         lang;
	enum verify_text         text;
	const char              *hour; /* SQL: the hour of `time` */
	const char              *val;  /* SQL: a point's number (a text's
	                                  length) */
	/* SQL: the names of the table, the union table's or Timestream's:
	 * the time in ms ("time", "to_milliseconds(time)"), the function
	 * that makes a ms literal a time (NULL: the number itself), the text
	 * column, and whether the table is named "database"."table". The
	 * multi-measure layouts keep these (values in columns named by
	 * measure, measure_name the measurement's; quote_cols: those
	 * columns named in double quotes) */
	const char *time_ms, *time_of, *varchar;
	bool        db_table, quote_cols;
	double      tolerance; /* relative, of the wire format */
	const char *session;   /* SQL: settings of the session, or NULL */
	unsigned    conns;     /* connections verify_read_par reads over */
	/* SQL, multi layout: appends a measure column col of type t (enum
	 * measure_type) as a point's number (a text's length); NULL: the
	 * dialect cannot read the multi layout's columns */
	int (*mval)(struct buf *q, const char *col, unsigned t);
};

/** The dialect of target url: 0, or -EINVAL with one line in err (a
 *  target verify cannot read back). */
int verify_dialect_find(
    struct verify_dialect *d, const char *url, char *err, size_t errlen);
/** Sets up a new connection ctx for verify's queries (the dialect's
 *  session settings). 0 or -EIO with ctx->err. */
int verify_read_session(const struct verify_dialect *d, struct tgt_ctx *ctx);
/** Whether d reads a run written with --multi (dims->multi) back. */
bool verify_reads_multi(const struct verify_dialect *d);
/** Every aggregate of [t0, t1) ms. 0 or -EIO with ctx->err. */
int verify_read_aggs(const struct verify_dialect *d, struct tgt_ctx *ctx,
    const struct verify_dims *dims, int64_t t0, int64_t t1,
    void (*cb)(void *, const struct verify_agg *), void *arg);
/** verify_read_aggs over d->conns connections at once (ctx the first,
 *  the others opened like it), slices of [t0, t1) each: a cell may come
 *  back in several rows, to be merged; cb is called by one thread at a
 *  time. 0 or -EIO with ctx->err. */
int verify_read_par(const struct verify_dialect *d, struct tgt_ctx *ctx,
    const struct verify_dims *dims, int64_t t0, int64_t t1,
    void (*cb)(void *, const struct verify_agg *), void *arg);
/** The points of one series (dimension values val) and measure in
 *  [t0, t1) ms. 0 or -EIO. */
int verify_read_rows(const struct verify_dialect *d, struct tgt_ctx *ctx,
    const struct verify_dims *dims, const char *const *val, const char *kind,
    const char *measure, int64_t t0, int64_t t1,
    void (*cb)(void *, const struct verify_row *), void *arg);

/* The dialects of verify_read_ts.c (PromQL, InfluxQL), called by the two
 * above; run is verify_read.c's query with retries. */
int verify_run_query(struct tgt_ctx *ctx, const char *text,
    void (*row)(void *, unsigned, const char *const *, const char *const *),
    void *arg);
int verify_ts_aggs(const struct verify_dialect *d, struct tgt_ctx *ctx,
    const struct verify_dims *dims, int64_t t0, int64_t t1,
    void (*cb)(void *, const struct verify_agg *), void *arg);
int verify_ts_rows(const struct verify_dialect *d, struct tgt_ctx *ctx,
    const struct verify_dims *dims, const char *const *val, const char *kind,
    const char *measure, int64_t t0, int64_t t1,
    void (*cb)(void *, const struct verify_row *), void *arg);

#endif
