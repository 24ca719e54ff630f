/* verify_read_ts.c - tsload verify's queries for the time-series
 * languages, through the target's ->query like the SQL ones.
 *
 * PromQL (vm://, promrw://): a series is {__name__="KIND_MEASURE",
 * tags...}; per hour and metric name, one instant query per aggregate
 * (count_over_time, sum_, min_, max_over_time) at the hour's last
 * millisecond, joined here per series; the rows of a cell are the range
 * selector's raw samples. The window covers exactly [hour, hour + 1h):
 * [1h] where a range leaves out its left end (VictoriaMetrics,
 * Prometheus 3), [3599999ms] where it holds it (Prometheus 2), which a
 * probe query tells apart once. Range functions use no lookback delta,
 * and remote write carries no staleness markers. The metric names the
 * model does not have are listed first (last_over_time keeps the name,
 * the other functions drop it; Prometheus refuses a count_over_time of
 * several names). vm:// adds db="NAME" to every query itself
 * (extra_label), promrw:// queries name it. Neither server keeps a text:
 * VictoriaMetrics stores a string field as 0, remote write sends a word's
 * index.
 *
 * InfluxQL (influx://): one query per measurement (kind), count(*),
 * sum(*), min(*) and max(*) GROUP BY time(1h) and the dimension tags;
 * texts are counted only (InfluxQL sums no strings); the rows of a cell
 * are one field's points.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "verify_read.h"
#include "xalloc.h"

enum { HOUR_MS = 3600000, AGGS = 4 };

static const char *const pq_fn[AGGS] = { "count", "sum", "min", "max" };

/* ---- one hour's aggregates of PromQL, joined by series ---- */

struct pq_cell {
	char  *key; /* dims, then the measure, each ending in \x1f */
	double v[AGGS];
	bool   has[AGGS];
};

struct pq_join {
	const struct verify_dims *dims;
	struct pq_cell           *cell;
	uint32_t                  n, mask; /* cells; open addressing */
	uint32_t                 *slot;    /* cell index + 1 */
	unsigned                  agg;     /* the query being read */
	const char               *name;    /* its metric name */
	struct buf                key;
};

/* How a server is asked: the db label the queries name (promrw://; vm://
 * adds it itself: NULL), the range that covers exactly one hour. */
struct pq_ask {
	const char *db;
	const char *window;
};

static uint32_t
str_hash(const char *p)
{
	uint32_t h = 2166136261u;

	for (; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return h;
}

static void
join_grow(struct pq_join *j)
{
	uint32_t cap = j->mask ? (j->mask + 1) * 2 : 1024;

	free(j->slot);
	j->slot = xcalloc(cap, sizeof(*j->slot));
	j->mask = cap - 1;
	j->cell = xrealloc(j->cell, (size_t)cap / 2 * sizeof(*j->cell));
	for (uint32_t c = 0; c < j->n; c++) {
		uint32_t i = str_hash(j->cell[c].key) & j->mask;

		while (j->slot[i])
			i = (i + 1) & j->mask;
		j->slot[i] = c + 1;
	}
}

static struct pq_cell *
join_get(struct pq_join *j, const char *key)
{
	uint32_t i;

	if (j->n + 1 > (j->mask + 1) / 2)
		join_grow(j);
	for (i = str_hash(key) & j->mask; j->slot[i]; i = (i + 1) & j->mask)
		if (!strcmp(j->cell[j->slot[i] - 1].key, key))
			return &j->cell[j->slot[i] - 1];
	memset(&j->cell[j->n], 0, sizeof(j->cell[0]));
	j->cell[j->n].key = xstrdup(key);
	j->slot[i]        = ++j->n;
	return &j->cell[j->n - 1];
}

static void
join_reset(struct pq_join *j)
{
	for (uint32_t c = 0; c < j->n; c++)
		free(j->cell[c].key);
	j->n = 0;
	if (j->slot)
		memset(j->slot, 0, ((size_t)j->mask + 1) * sizeof(*j->slot));
}

/* The measure of a metric name KIND_MEASURE (the name itself when no
 * kind of the model prefixes it: an unexpected measure). */
static const char *
pq_measure(const struct verify_dims *dims, const char *name)
{
	for (unsigned k = 0; k < 2; k++) {
		size_t n = dims->kind[k] ? strlen(dims->kind[k]) : 0;

		if (n && !strncmp(name, dims->kind[k], n) && name[n] == '_')
			return name + n + 1;
	}
	return name;
}

static void
pq_agg_row(
    void *arg, unsigned ncol, const char *const *names, const char *const *v)
{
	struct pq_join *j = arg;
	struct pq_cell *c;
	char           *end;
	double          x;

	if (ncol < 2 || !v[0])
		return;
	x = strtod(v[0], &end);
	if (*end)
		return;
	buf_reset(&j->key);
	for (unsigned d = 0; d < j->dims->n; d++) {
		const char *val = "";

		for (unsigned i = 2; i < ncol; i++)
			if (!strcmp(names[i], j->dims->col[d]) && v[i])
				val = v[i];
		buf_printf(&j->key, "%s\x1f", val);
	}
	buf_printf(&j->key, "%s\x1f", pq_measure(j->dims, j->name));
	if (buf_cstr(&j->key))
		return;
	c              = join_get(j, j->key.p);
	c->v[j->agg]   = x;
	c->has[j->agg] = true;
}

/* Hands out the joined cells of hour h. */
static void
pq_emit(struct pq_join *j, int64_t                       h,
    void (*cb)(void *, const struct verify_agg *), void *arg)
{
	const char *dim[VERIFY_DIMS_MAX];

	for (uint32_t c = 0; c < j->n; c++) {
		struct pq_cell   *x = &j->cell[c];
		struct verify_agg a;
		char             *p = x->key;

		if (!x->has[0] || x->v[0] <= 0)
			continue;
		for (unsigned d = 0; d < j->dims->n; d++) {
			dim[d] = p;
			p      = strchr(p, '\x1f');
			*p++   = '\0';
		}
		a.measure             = p;
		p[strcspn(p, "\x1f")] = '\0';
		a.dim                 = dim;
		a.hour                = h;
		a.n                   = (uint64_t)x->v[0];
		a.sum                 = x->v[1];
		a.min                 = x->v[2];
		a.max                 = x->v[3];
		cb(arg, &a);
	}
}

/* A PromQL label value: quotes and backslashes escaped. */
static void
pq_str(struct buf *b, const char *s)
{
	buf_addc(b, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			buf_addc(b, '\\');
		buf_addc(b, *s);
	}
	buf_addc(b, '"');
}

/* {__name__="NAME",db="DB"} with the range, of the names the model does
 * not have when name is NULL: __name__=~"(KIND0|KIND1)_.+" and
 * __name__!~"NAME|NAME|..." */
static void
pq_sel(struct buf *q, const struct verify_dims *dims, const struct pq_ask *a,
    const char *name)
{
	if (name) {
		buf_adds(q, "{__name__=");
		pq_str(q, name);
	} else {
		buf_printf(q, "{__name__=~\"(%s|%s)_.+\",__name__!~\"",
		    dims->kind[0], dims->kind[1]);
		for (unsigned m = 0; m < dims->n_metric; m++)
			buf_printf(q, "%s%s", m ? "|" : "", dims->metric[m]);
		buf_addc(q, '"');
	}
	if (a->db) {
		buf_adds(q, ",db=");
		pq_str(q, a->db);
	}
	buf_printf(q, "}[%s]", a->window);
}

/* "# tsload: end=" the last millisecond of hour h */
static void
pq_end(struct buf *q, int64_t h)
{
	buf_printf(q, "# tsload: end=%.3f\n",
	    (double)((h + 1) * HOUR_MS - 1) / 1000.0);
}

/* The four aggregates of metric name in hour h, joined in j. */
static int
pq_name_aggs(struct tgt_ctx *ctx, struct pq_join *j, struct buf *q,
    const struct pq_ask *a, int64_t h, const char *name)
{
	int rc = 0;

	join_reset(j);
	j->name = name;
	for (j->agg = 0; !rc && j->agg < AGGS; j->agg++) {
		buf_reset(q);
		pq_end(q, h);
		buf_printf(q, "%s_over_time(", pq_fn[j->agg]);
		pq_sel(q, j->dims, a, name);
		buf_addc(q, ')');
		rc = buf_cstr(q) ? -ENOMEM
		                 : verify_run_query(ctx, q->p, pq_agg_row, j);
	}
	return rc;
}

/* Collects the distinct __name__ of an answer, NUL-separated. */
static void
pq_name_row(
    void *arg, unsigned ncol, const char *const *names, const char *const *v)
{
	struct buf *b = arg;

	for (unsigned i = 2; i < ncol; i++) {
		if (strcmp(names[i], "__name__") || !v[i] || !*v[i])
			continue;
		for (size_t o = 0; o < b->len; o += strlen(b->p + o) + 1)
			if (!strcmp(b->p + o, v[i]))
				return;
		buf_add(b, v[i], strlen(v[i]) + 1);
	}
}

static void
pq_count_row(
    void *arg, unsigned ncol, const char *const *names, const char *const *v)
{
	(void)names;
	if (ncol && v[0])
		*(double *)arg = strtod(v[0], NULL);
}

/* The window of one hour: a subquery [2s:1s] at a whole second has 3
 * steps where a range holds its left end (Prometheus 2), 2 where it
 * does not (Prometheus 3, VictoriaMetrics). */
static int
pq_window(struct tgt_ctx *ctx, struct pq_ask *a)
{
	static const char probe[]
	    = "# tsload: end=1000000000\ncount_over_time(vector(1)[2s:1s])";
	double n  = 0;
	int    rc = verify_run_query(ctx, probe, pq_count_row, &n);

	if (rc)
		return rc;
	if (n == 3 || n == 2) {
		a->window = n == 3 ? "3599999ms" : "1h";
		return 0;
	}
	snprintf(ctx->err, sizeof(ctx->err),
	    "PromQL count_over_time(vector(1)[2s:1s]) answered %g (expected 2 or 3 subquery steps)",
	    n);
	return -EIO;
}

static int
pq_aggs(struct tgt_ctx *ctx, const struct verify_dims *dims, int64_t t0,
    int64_t t1, void (*cb)(void *, const struct verify_agg *), void *arg)
{
	struct pq_join j = { .dims = dims };
	struct pq_ask  a = { NULL, NULL };
	struct buf     q, names;
	int            rc;

	if (!strcmp(ctx->ops->dialect, "promql"))
		a.db = ctx->conf->database;
	buf_init(&q, 1 << 16);
	buf_init(&names, 1 << 16);
	buf_init(&j.key, 1 << 16);
	rc = pq_window(ctx, &a);
	for (int64_t h = t0 / HOUR_MS; !rc && h <= (t1 - 1) / HOUR_MS; h++) {
		/* one metric name at a time (an answer of every series of a
		 * large run passes the HTTP client's limit), then the names
		 * the model does not have */
		for (unsigned m = 0; !rc && m < dims->n_metric; m++) {
			rc = pq_name_aggs(ctx, &j, &q, &a, h, dims->metric[m]);
			if (!rc)
				pq_emit(&j, h, cb, arg);
		}
		buf_reset(&names);
		buf_reset(&q);
		pq_end(&q, h);
		buf_adds(&q, "last_over_time(");
		pq_sel(&q, dims, &a, NULL);
		buf_addc(&q, ')');
		if (!rc)
			rc = buf_cstr(&q)
			    ? -ENOMEM
			    : verify_run_query(ctx, q.p, pq_name_row, &names);
		for (size_t o = 0; !rc && o < names.len;
		     o += strlen(names.p + o) + 1) {
			rc = pq_name_aggs(ctx, &j, &q, &a, h, names.p + o);
			if (!rc)
				pq_emit(&j, h, cb, arg);
		}
	}
	join_reset(&j);
	free(j.cell);
	free(j.slot);
	buf_free(&j.key);
	buf_free(&names);
	buf_free(&q);
	return rc;
}

/* ---- rows ---- */

struct ts_rows {
	void (*cb)(void *, const struct verify_row *);
	void   *arg;
	bool    prom; /* PromQL: value, time (seconds), labels */
	int64_t t0, t1;
};

static void
ts_row(
    void *arg, unsigned ncol, const char *const *names, const char *const *v)
{
	struct ts_rows   *c = arg;
	struct verify_row r = { 0 };
	const char       *tv, *vv;
	char             *end;
	double            t;

	(void)names;
	if (ncol < 2)
		return;
	vv = v[0];
	tv = c->prom ? v[1] : v[ncol - 1];
	if (!vv || !tv)
		return;
	t = strtod(tv, &end);
	if (*end)
		return;
	r.t = c->prom ? llround(t * 1000.0) : (int64_t)t;
	if (r.t < c->t0 || r.t >= c->t1)
		return;
	r.v     = strtod(vv, &end);
	r.has_v = *vv && !*end;
	r.text  = r.has_v ? NULL : vv;
	c->cb(c->arg, &r);
}

/* An InfluxQL string literal ('...') or identifier ("..."). */
static void
iq_str(struct buf *b, char quote, const char *s)
{
	buf_addc(b, quote);
	for (; *s; s++) {
		if (*s == quote || *s == '\\')
			buf_addc(b, '\\');
		buf_addc(b, *s);
	}
	buf_addc(b, quote);
}

int
verify_ts_rows(const struct verify_dialect *d, struct tgt_ctx *ctx,
    const struct verify_dims *dims, const char *const *val, const char *kind,
    const char *measure, int64_t t0, int64_t t1,
    void (*cb)(void *, const struct verify_row *), void *arg)
{
	struct ts_rows c = { cb, arg, d->lang == VL_PROMQL, t0, t1 };
	struct buf     q;
	int            rc;

	buf_init(&q, 1 << 16);
	if (c.prom) {
		/* the raw samples of (t1 - 1h, t1 - 1ms] = [t0, t1) */
		buf_printf(&q, "# tsload: end=%.3f\n{__name__=\"%s_%s\"",
		    (double)(t1 - 1) / 1000.0, kind, measure);
		if (!strcmp(ctx->ops->dialect, "promql")) {
			buf_adds(&q, ",db=");
			pq_str(&q, ctx->conf->database);
		}
		for (unsigned i = 0; i < dims->n; i++) {
			buf_printf(&q, ",%s=", dims->col[i]);
			pq_str(&q, val[i]);
		}
		buf_printf(&q, "}[%llds]", (long long)((t1 - t0) / 1000));
	} else {
		buf_adds(&q, "SELECT ");
		iq_str(&q, '"', measure);
		buf_adds(&q, " FROM ");
		iq_str(&q, '"', kind);
		buf_adds(&q, " WHERE ");
		for (unsigned i = 0; i < dims->n; i++) {
			iq_str(&q, '"', dims->col[i]);
			buf_adds(&q, " = ");
			iq_str(&q, '\'', val[i]);
			buf_adds(&q, " AND ");
		}
		buf_printf(&q, "time >= %lldms AND time < %lldms",
		    (long long)t0, (long long)t1);
	}
	rc = buf_cstr(&q) ? -ENOMEM : verify_run_query(ctx, q.p, ts_row, &c);
	buf_free(&q);
	return rc;
}

/* ---- InfluxQL aggregates ---- */

struct iq_ctx {
	const struct verify_dims *dims;
	void (*cb)(void *, const struct verify_agg *);
	void *arg;
};

static int
col_of(unsigned ncol, const char *const *names, const char *fn,
    const char *measure)
{
	size_t n = strlen(fn);

	for (unsigned i = 0; i < ncol; i++)
		if (!strncmp(names[i], fn, n) && names[i][n] == '_'
		    && !strcmp(names[i] + n + 1, measure))
			return (int)i;
	return -1;
}

/* One row: a series' hour, with count_M, sum_M, min_M, max_M of every
 * field M, the tags, then time. */
static void
iq_agg_row(
    void *arg, unsigned ncol, const char *const *names, const char *const *v)
{
	struct iq_ctx *c = arg;
	const char    *dim[VERIFY_DIMS_MAX];
	double         t;

	if (ncol < 2 || !v[ncol - 1])
		return;
	t = strtod(v[ncol - 1], NULL);
	for (unsigned d = 0; d < c->dims->n; d++) {
		dim[d] = "";
		for (unsigned i = 0; i + 1 < ncol; i++)
			if (!strcmp(names[i], c->dims->col[d]) && v[i])
				dim[d] = v[i];
	}
	for (unsigned i = 0; i + 1 < ncol; i++) {
		struct verify_agg a = { .dim = dim };
		int               k;

		if (strncmp(names[i], "count_", 6) || !v[i]
		    || strtod(v[i], NULL) <= 0)
			continue;
		a.measure = names[i] + 6;
		a.hour    = (int64_t)floor(t / HOUR_MS);
		a.n       = strtoull(v[i], NULL, 10);
		k         = col_of(ncol, names, "sum", a.measure);
		a.sum     = k >= 0 && v[k] ? strtod(v[k], NULL) : 0;
		k         = col_of(ncol, names, "min", a.measure);
		a.min     = k >= 0 && v[k] ? strtod(v[k], NULL) : 0;
		k         = col_of(ncol, names, "max", a.measure);
		a.max     = k >= 0 && v[k] ? strtod(v[k], NULL) : 0;
		c->cb(c->arg, &a);
	}
}

static int
iq_aggs(struct tgt_ctx *ctx, const struct verify_dims *dims, int64_t t0,
    int64_t t1, void (*cb)(void *, const struct verify_agg *), void *arg)
{
	struct iq_ctx c = { dims, cb, arg };
	struct buf    q;
	int           rc = 0;

	buf_init(&q, 1 << 16);
	for (unsigned k = 0; !rc && k < 2; k++) {
		if (!dims->kind[k])
			continue;
		buf_reset(&q);
		buf_adds(&q, "SELECT count(*), sum(*), min(*), max(*) FROM ");
		iq_str(&q, '"', dims->kind[k]);
		buf_printf(&q,
		    " WHERE time >= %lldms AND time < %lldms GROUP BY time(1h)",
		    (long long)t0, (long long)t1);
		for (unsigned i = 0; i < dims->n; i++) {
			buf_adds(&q, ", ");
			iq_str(&q, '"', dims->col[i]);
		}
		buf_adds(&q, " fill(none)");
		rc = buf_cstr(&q) ? -ENOMEM
		                  : verify_run_query(ctx, q.p, iq_agg_row, &c);
	}
	buf_free(&q);
	return rc;
}

int
verify_ts_aggs(const struct verify_dialect *d, struct tgt_ctx *ctx,
    const struct verify_dims *dims, int64_t t0, int64_t t1,
    void (*cb)(void *, const struct verify_agg *), void *arg)
{
	return d->lang == VL_PROMQL ? pq_aggs(ctx, dims, t0, t1, cb, arg)
	                            : iq_aggs(ctx, dims, t0, t1, cb, arg);
}
