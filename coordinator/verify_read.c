/* verify_read.c - the queries of tsload verify, in each target's own
 * language, through the target's ->query (the query side's path).
 *
 * SQL targets (sqlite, postgres, clickhouse) hold the union table of
 * schema.h: one row per measure (single layout) with the value in
 * measure_value_double, _bigint or _varchar; with --multi one row per
 * series and time, measure_name the kind's name and a column per measure
 * (a measure missing from a sample is NULL), read with one GROUP BY per
 * kind that aggregates every measure column and is split into one
 * aggregate per measure here. The tolerance is what the
 * write path keeps of a double: SQLite and PostgreSQL bind or copy all
 * 17 digits, ClickHouse's TabSeparated too; 1e-12 leaves room for a
 * server's own text conversion.
 *
 * Timestream's table has the same shape under other names: the
 * dimensions as columns, measure_name, measure_value::double, ::bigint,
 * ::varchar, and time a timestamp (to_milliseconds and from_milliseconds
 * convert; the continuous model's whole seconds are whole milliseconds
 * there too), in "database"."table". WriteRecords carries the shortest
 * text that reads back as the same double (fmt_double): 1e-12. It cannot
 * hold a duplicate: a record written again at the same dimensions,
 * measure and time is the same record (or refused when its value
 * differs, or replaces it with a higher Version), so "duplicated" is 0
 * on Timestream itself. With --multi a record is MeasureValueType MULTI,
 * MeasureName the kind's name and a MeasureValue per measure, which
 * Timestream keeps as columns named by measure: the builder below reads
 * them as on the union table, the names in double quotes.
 */
#include "verify_read.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"

enum { TRIES = 5, RETRY_US = 200000 };

struct dialect_row {
	const char      *scheme, *hour, *val;
	double           tolerance;
	enum verify_lang lang;
	enum verify_text text;
	int (*mval)(struct buf *q, const char *col, unsigned t);
};

/* The names of a SQL table where they differ from the union table's:
 * per target dialect (target_ops.dialect), Timestream's. */
struct sql_names {
	const char *dialect, *time_ms, *time_of, *varchar;
	bool        db_table, quote_cols;
};

static const struct sql_names sql_names[] = {
	{ "timestream", "to_milliseconds(time)", "from_milliseconds",
	    "measure_value::varchar", true, true },
	{ NULL, "time", NULL, "measure_value_varchar", false,
	    false }, /* union */
};

/* A point as a number: the value, or the length of a text */
#define SQL_VAL                                                               \
	"coalesce(measure_value_double, measure_value_bigint, "               \
	"length(measure_value_varchar))"
/* ClickHouse has no supertype of Float64 and Int64 */
#define CH_VAL                                                                \
	"coalesce(measure_value_double, toFloat64(measure_value_bigint), "    \
	"toFloat64(length(measure_value_varchar)))"
/* Timestream: the same, in its column names and types */
#define TS_VAL                                                                \
	"coalesce(measure_value::double, CAST(measure_value::bigint AS "      \
	"double), CAST(length(measure_value::varchar) AS double))"
#define TS_HOUR "to_milliseconds(time) / 3600000"

/* PostgreSQL: the aggregate query's GROUP BY of a 10.4 M-point run
 * (260,000 cells) planned as a sort spilling 1.1 GB to disk with the
 * default work_mem of 4 MB (and with no statistics yet, as right after
 * the run: 25 s); a hash aggregate in memory takes 106 MB and 6 s. So
 * the verify session alone gets work_mem of at least 256 MB (a hash
 * aggregate may take twice that, hash_mem_multiplier, then spills by
 * partitions) and no sort where a hash aggregate can do. */
#define PG_SESSION                                                            \
	"SELECT set_config('work_mem', greatest(setting::bigint, 262144) || 'kB', false), set_config('enable_sort', 'off', false) FROM pg_settings WHERE name = 'work_mem'"

/* PostgreSQL aggregates a table without statistics (right after the
 * run) in one process: verify_read_par's connections share the work */
enum { PG_CONNS = 2 };

/* A measure column of the multi layout as a point's number: the column,
 * a text's length */
static int
sql_mval(struct buf *q, const char *col, unsigned t)
{
	return buf_printf(q, t == MT_VARCHAR ? "length(%s)" : "%s", col);
}

/* Timestream: a multi-measure record's values are columns named by
 * measure (quoted: a measure may be named as a keyword), of its types
 * double, bigint, varchar; sum() of a bigint stays a bigint */
static int
ts_mval(struct buf *q, const char *col, unsigned t)
{
	if (t == MT_VARCHAR)
		return buf_printf(q, "CAST(length(\"%s\") AS double)", col);
	if (t == MT_DOUBLE)
		return buf_printf(q, "\"%s\"", col);
	return buf_printf(q, "CAST(\"%s\" AS double)", col);
}

/* ClickHouse sums Int64 with wrap-around, Float64 does not */
static int
ch_mval(struct buf *q, const char *col, unsigned t)
{
	return buf_printf(q,
	    t == MT_VARCHAR ? "toFloat64(length(%s))" : "toFloat64(%s)", col);
}

static const struct dialect_row dialects[] = {
	{ "sqlite", "time / 3600000", SQL_VAL, 1e-12, VL_SQL, VT_LENGTH,
	    sql_mval },
	{ "postgres", "time / 3600000", SQL_VAL, 1e-12, VL_SQL, VT_LENGTH,
	    sql_mval },
	{ "postgresql", "time / 3600000", SQL_VAL, 1e-12, VL_SQL, VT_LENGTH,
	    sql_mval },
	{ "clickhouse", "intDiv(time, 3600000)", CH_VAL, 1e-12, VL_SQL,
	    VT_LENGTH, ch_mval },
	/* line protocol: the shortest text that reads back as the same
	 * double (fmt_double). VictoriaMetrics keeps a float64 as a decimal
	 * mantissa and exponent: measured, 3 of 240,000 perf-scale values
	 * came back off by more than 1e-12 relative, none by 1e-11 */
	{ "vm", NULL, NULL, 1e-11, VL_PROMQL, VT_ZERO, NULL },
	{ "influx", NULL, NULL, 1e-12, VL_INFLUXQL, VT_COUNT, NULL },
	/* remote write: a double's 8 bytes; 1e-11 for VictoriaMetrics */
	{ "promrw", NULL, NULL, 1e-11, VL_PROMQL, VT_INDEX, NULL },
	/* Timestream: --multi's records are MeasureName the kind's name
	 * and MeasureValues named by measure (tsjson.c), so its table has
	 * the union table's multi-layout names */
	{ "timestream", TS_HOUR, TS_VAL, 1e-12, VL_SQL, VT_LENGTH, ts_mval },
	{ "timestream+http", TS_HOUR, TS_VAL, 1e-12, VL_SQL, VT_LENGTH,
	    ts_mval },
	{ "timestream+https", TS_HOUR, TS_VAL, 1e-12, VL_SQL, VT_LENGTH,
	    ts_mval },
	{ NULL, NULL, NULL, 0, VL_SQL, VT_LENGTH, NULL },
};

/* Sets d's table names from its target's dialect. */
static void
sql_names_of(struct verify_dialect *d)
{
	const struct sql_names *nm = sql_names;

	while (nm->dialect
	    && !(d->ops->dialect && !strcmp(nm->dialect, d->ops->dialect)))
		nm++;
	d->time_ms    = nm->time_ms;
	d->time_of    = nm->time_of;
	d->varchar    = nm->varchar;
	d->db_table   = nm->db_table;
	d->quote_cols = nm->quote_cols;
}

int
verify_dialect_find(
    struct verify_dialect *d, const char *url, char *err, size_t errlen)
{
	size_t n = strcspn(url, ":");

	memset(d, 0, sizeof(*d));
	for (const struct dialect_row *r = dialects; r->scheme; r++)
		if (strlen(r->scheme) == n && !strncmp(url, r->scheme, n)) {
			d->ops       = target_find(url);
			d->hour      = r->hour;
			d->val       = r->val;
			d->tolerance = r->tolerance;
			d->lang      = r->lang;
			d->text      = r->text;
			d->mval      = r->mval;
			/* vm://?protocol=rw sends remote write, as promrw://
			 */
			if (d->lang == VL_PROMQL && strstr(url, "protocol=rw"))
				d->text = VT_INDEX;
			d->session
			    = d->ops == &target_postgres ? PG_SESSION : NULL;
			d->conns = d->ops == &target_postgres ? PG_CONNS : 1;
			if (d->ops && d->ops->query) {
				sql_names_of(d);
				return 0;
			}
		}
	snprintf(err, errlen,
	    "--target %.*s: verify reads back sqlite:, postgres://, clickhouse://, vm://, influx://, promrw:// and timestream:// targets",
	    (int)n, url);
	return -EINVAL;
}

bool
verify_reads_multi(const struct verify_dialect *d)
{
	/* SQL: the builder below, with the dialect's column expressions;
	 * line protocol: --multi writes one line per sample with every
	 * field, and the server stores the very points of the single
	 * layout's line per field; remote write sends a sample per
	 * measure in either layout */
	return d->mval || d->lang == VL_PROMQL || d->lang == VL_INFLUXQL;
}

/* A time of ms as the dialect's time column compares with it. */
static void
sql_time(struct buf *q, const struct verify_dialect *d, int64_t t)
{
	if (d->time_of)
		buf_printf(q, "%s(%lld)", d->time_of, (long long)t);
	else
		buf_printf(q, "%lld", (long long)t);
}

/* " FROM <table> WHERE time >= t0 AND time < t1" */
static void
sql_from(struct buf *q, const struct verify_dialect *d,
    const struct tgt_ctx *ctx, int64_t t0, int64_t t1)
{
	if (d->db_table)
		buf_printf(q, " FROM \"%s\".\"%s\"", ctx->conf->database,
		    ctx->conf->table);
	else
		buf_printf(q, " FROM \"%s\"", ctx->conf->table);
	buf_adds(q, " WHERE time >= ");
	sql_time(q, d, t0);
	buf_adds(q, " AND time < ");
	sql_time(q, d, t1);
}

/* Runs text, retrying a busy target. */
int
verify_run_query(struct tgt_ctx *ctx, const char *text,
    void (*row)(void *, unsigned, const char *const *, const char *const *),
    void *arg)
{
	for (unsigned i = 0; i < TRIES; i++) {
		struct tgt_qres res = { 0 };
		enum tgt_status st;

		res.row     = row;
		res.row_arg = arg;
		st          = ctx->ops->query(ctx, text, &res);
		if (st == TGT_OK)
			return 0;
		if (st != TGT_RETRY)
			break;
		usleep(RETRY_US);
	}
	if (!ctx->err[0])
		snprintf(ctx->err, sizeof(ctx->err), "query failed");
	return -EIO;
}

int
verify_read_session(const struct verify_dialect *d, struct tgt_ctx *ctx)
{
	return d->session ? verify_run_query(ctx, d->session, NULL, NULL) : 0;
}

static double
num(const char *s, bool *ok)
{
	char  *end;
	double d;

	if (!s || !*s) {
		*ok = false;
		return 0;
	}
	d   = strtod(s, &end);
	*ok = *end == '\0';
	return *ok ? d : 0;
}

/* count, sum, min, max of an aggregate row, from x[0] .. x[3] */
static void
agg_nums(struct verify_agg *a, const char *const *x)
{
	bool ok;

	a->n   = (uint64_t)num(x[0], &ok);
	a->sum = num(x[1], &ok);
	a->min = num(x[2], &ok);
	a->max = num(x[3], &ok);
}

struct agg_ctx {
	void (*cb)(void *, const struct verify_agg *);
	void    *arg;
	unsigned n; /* dimension columns */
};

static void
agg_row(
    void *arg, unsigned ncol, const char *const *names, const char *const *v)
{
	struct agg_ctx   *c = arg;
	struct verify_agg a;
	const char       *dim[VERIFY_DIMS_MAX];
	unsigned          n = c->n;
	bool              ok;

	(void)names;
	if (ncol < n + 6)
		return;
	for (unsigned i = 0; i < n; i++)
		dim[i] = v[i] ? v[i] : "";
	a.dim     = dim;
	a.measure = v[n] ? v[n] : "";
	a.hour    = (int64_t)num(v[n + 1], &ok);
	agg_nums(&a, v + n + 2);
	c->cb(c->arg, &a);
}

/* "coalesce(c1, ''), coalesce(c2, ''), ..." */
static void
dim_list(struct buf *q, const struct verify_dims *dims)
{
	for (unsigned i = 0; i < dims->n; i++)
		buf_printf(
		    q, "%scoalesce(%s, '')", i ? ", " : "", dims->col[i]);
}

static int multi_aggs(const struct verify_dialect *d, struct tgt_ctx *ctx,
    const struct verify_dims *dims, int64_t t0, int64_t t1,
    void (*cb)(void *, const struct verify_agg *), void *arg);
static int multi_rows(const struct verify_dialect *d, struct tgt_ctx *ctx,
    const struct verify_dims *dims, const char *const *val, const char *kind,
    const char *measure, int64_t t0, int64_t t1,
    void (*cb)(void *, const struct verify_row *), void *arg);

int
verify_read_aggs(const struct verify_dialect *d, struct tgt_ctx *ctx,
    const struct verify_dims *dims, int64_t t0, int64_t t1,
    void (*cb)(void *, const struct verify_agg *), void *arg)
{
	struct agg_ctx c = { cb, arg, dims->n };
	struct buf     q;
	int            rc;

	if (d->lang != VL_SQL)
		return verify_ts_aggs(d, ctx, dims, t0, t1, cb, arg);
	if (dims->multi)
		return multi_aggs(d, ctx, dims, t0, t1, cb, arg);
	buf_init(&q, 1 << 16);
	buf_adds(&q, "SELECT ");
	dim_list(&q, dims);
	buf_printf(&q,
	    ", measure_name, %s, count(*), sum(%s), min(%s), max(%s)", d->hour,
	    d->val, d->val, d->val);
	sql_from(&q, d, ctx, t0, t1);
	buf_adds(&q, " GROUP BY ");
	dim_list(&q, dims);
	buf_printf(&q, ", measure_name, %s", d->hour);
	rc = buf_cstr(&q) ? -ENOMEM : verify_run_query(ctx, q.p, agg_row, &c);
	buf_free(&q);
	return rc;
}

struct row_ctx {
	void (*cb)(void *, const struct verify_row *);
	void *arg;
};

static void
one_row(
    void *arg, unsigned ncol, const char *const *names, const char *const *v)
{
	struct row_ctx   *c = arg;
	struct verify_row r;
	bool              ok;

	(void)names;
	if (ncol < 3)
		return;
	r.t     = (int64_t)num(v[0], &ok);
	r.v     = num(v[1], &r.has_v);
	r.has_v = r.has_v && !v[2]; /* a text's value is its length */
	r.text  = v[2];
	c->cb(c->arg, &r);
}

int
verify_read_rows(const struct verify_dialect *d, struct tgt_ctx *ctx,
    const struct verify_dims *dims, const char *const *val, const char *kind,
    const char *measure, int64_t t0, int64_t t1,
    void (*cb)(void *, const struct verify_row *), void *arg)
{
	struct row_ctx c = { cb, arg };
	struct buf     q;
	int            rc;

	if (d->lang != VL_SQL)
		return verify_ts_rows(
		    d, ctx, dims, val, kind, measure, t0, t1, cb, arg);
	if (dims->multi)
		return multi_rows(
		    d, ctx, dims, val, kind, measure, t0, t1, cb, arg);
	buf_init(&q, 1 << 16);
	buf_printf(&q, "SELECT %s, %s, %s", d->time_ms, d->val, d->varchar);
	sql_from(&q, d, ctx, t0, t1);
	buf_adds(&q, " AND measure_name = ");
	buf_add_quoted(&q, measure, strlen(measure));
	for (unsigned i = 0; i < dims->n; i++) {
		buf_printf(&q, " AND coalesce(%s, '') = ", dims->col[i]);
		buf_add_quoted(&q, val[i], strlen(val[i]));
	}
	rc = buf_cstr(&q) ? -ENOMEM : verify_run_query(ctx, q.p, one_row, &c);
	buf_free(&q);
	return rc;
}

/* ---- the multi-measure layout (--multi) ---- */

/* Appends measure column m as a point's number (the dialect's). */
static int
mcol_val(
    const struct verify_dialect *d, struct buf *q, const struct verify_mcol *m)
{
	return d->mval ? d->mval(q, m->col, m->type) : -EINVAL;
}

/* Appends measure column m's name, quoted where the dialect wants. */
static int
mcol_name(
    const struct verify_dialect *d, struct buf *q, const struct verify_mcol *m)
{
	return buf_printf(q, d->quote_cols ? "\"%s\"" : "%s", m->col);
}

/* A kind's widest GROUP BY row fits in a row callback's columns. */
_Static_assert(
    VERIFY_DIMS_MAX + 1 + 4 * (SCHEMA_MAX_VALUES + 1) <= TGT_ROW_COLS_MAX,
    "a multi-layout aggregate row has more columns than a target hands out");

struct magg_ctx {
	void (*cb)(void *, const struct verify_agg *);
	void                     *arg;
	unsigned                  n; /* dimension columns */
	const struct verify_mcol *m; /* the kind's measures */
	unsigned                  nm;
	unsigned                  short_rows; /* with fewer columns */
};

/* One row of a kind's GROUP BY: the series, the hour, then count, sum,
 * min and max of each measure column, one aggregate each. */
static void
magg_row(
    void *arg, unsigned ncol, const char *const *names, const char *const *v)
{
	struct magg_ctx  *c = arg;
	struct verify_agg a;
	const char       *dim[VERIFY_DIMS_MAX];
	unsigned          n = c->n;
	bool              ok;

	(void)names;
	if (ncol < n + 1 + 4 * c->nm) {
		c->short_rows++;
		return;
	}
	for (unsigned i = 0; i < n; i++)
		dim[i] = v[i] ? v[i] : "";
	a.dim  = dim;
	a.hour = (int64_t)num(v[n], &ok);
	for (unsigned i = 0; i < c->nm; i++) {
		const char *const *x = v + n + 1 + 4 * i;

		a.measure = c->m[i].measure;
		agg_nums(&a, x);
		if (a.n) /* else NULL in every row of the group */
			c->cb(c->arg, &a);
	}
}

/* Per kind: SELECT <series>, <hour>, count(c), sum(v), min(v), max(v)
 * of every measure column c (v its number) ... WHERE measure_name =
 * '<kind>' AND <time range> GROUP BY <series>, <hour>. */
static int
multi_aggs(const struct verify_dialect *d, struct tgt_ctx *ctx,
    const struct verify_dims *dims, int64_t t0, int64_t t1,
    void (*cb)(void *, const struct verify_agg *), void *arg)
{
	int rc = 0;

	for (unsigned k = 0; k < 2 && !rc; k++) {
		struct magg_ctx c
		    = { cb, arg, dims->n, dims->mcol[k], dims->n_mcol[k], 0 };
		struct buf q, v;

		if (!c.nm)
			continue;
		buf_init(&q, 1 << 16);
		buf_init(&v, 1 << 12);
		buf_adds(&q, "SELECT ");
		dim_list(&q, dims);
		buf_printf(&q, ", %s", d->hour);
		for (unsigned i = 0; !rc && i < c.nm; i++) {
			buf_reset(&v);
			if (mcol_val(d, &v, &c.m[i]) || buf_cstr(&v)
			    || buf_adds(&q, ", count(")
			    || mcol_name(d, &q, &c.m[i])
			    || buf_printf(&q, "), sum(%s), min(%s), max(%s)",
			        v.p, v.p, v.p))
				rc = -ENOMEM;
		}
		sql_from(&q, d, ctx, t0, t1);
		buf_adds(&q, " AND measure_name = ");
		buf_add_quoted(&q, dims->kind[k], strlen(dims->kind[k]));
		buf_adds(&q, " GROUP BY ");
		dim_list(&q, dims);
		buf_printf(&q, ", %s", d->hour);
		if (!rc)
			rc = buf_cstr(&q)
			    ? -ENOMEM
			    : verify_run_query(ctx, q.p, magg_row, &c);
		if (!rc && c.short_rows) {
			snprintf(ctx->err, sizeof(ctx->err),
			    "the target answered %u rows of %s with fewer than the %u columns asked for",
			    c.short_rows, dims->kind[k],
			    dims->n + 1 + 4 * c.nm);
			rc = -EIO;
		}
		buf_free(&v);
		buf_free(&q);
	}
	return rc;
}

/* SELECT time, <number>, <the text or NULL> ... WHERE measure_name =
 * '<kind>' AND <column> IS NOT NULL AND <series> AND <time range>. */
static int
multi_rows(const struct verify_dialect *d, struct tgt_ctx *ctx,
    const struct verify_dims *dims, const char *const *val, const char *kind,
    const char *measure, int64_t t0, int64_t t1,
    void (*cb)(void *, const struct verify_row *), void *arg)
{
	const struct verify_mcol *m = NULL;
	struct row_ctx            c = { cb, arg };
	struct buf                q;
	int                       rc;

	for (unsigned k = 0; k < 2; k++)
		for (unsigned i = 0;
		     !strcmp(dims->kind[k], kind) && i < dims->n_mcol[k]; i++)
			if (!strcmp(dims->mcol[k][i].measure, measure))
				m = &dims->mcol[k][i];
	if (!m) {
		snprintf(ctx->err, sizeof(ctx->err),
		    "no column of measure %s of %s", measure, kind);
		return -EINVAL;
	}
	buf_init(&q, 1 << 16);
	buf_printf(&q, "SELECT %s, ", d->time_ms);
	mcol_val(d, &q, m);
	buf_adds(&q, ", ");
	if (m->type == MT_VARCHAR)
		mcol_name(d, &q, m);
	else
		buf_adds(&q, "NULL");
	sql_from(&q, d, ctx, t0, t1);
	buf_adds(&q, " AND measure_name = ");
	buf_add_quoted(&q, kind, strlen(kind));
	buf_adds(&q, " AND ");
	mcol_name(d, &q, m);
	buf_adds(&q, " IS NOT NULL");
	for (unsigned i = 0; i < dims->n; i++) {
		buf_printf(&q, " AND coalesce(%s, '') = ", dims->col[i]);
		buf_add_quoted(&q, val[i], strlen(val[i]));
	}
	rc = buf_cstr(&q) ? -ENOMEM : verify_run_query(ctx, q.p, one_row, &c);
	buf_free(&q);
	return rc;
}
