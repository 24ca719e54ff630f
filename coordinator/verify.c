/* verify.c - tsload verify's engine: the run's expected data as
 * aggregates per series, measure and hour, the same aggregates read back
 * from the target (verify_read.c says how per dialect), and the rows of
 * the cells that differ.
 *
 * The expected side is regenerated from run.json: the options rebuild the
 * model of every worker's shard (the high/low CPU hosts are drawn per
 * process), "timestamps" gives the cycles, value_seed the values (each a
 * crng draw keyed by seed, series and time). Nothing is kept but one
 * cell per series, measure and hour.
 */
#include "verify.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "fs.h"
#include "gen.h"
#include "jsonr.h"
#include "model_ops.h"
#include "opts.h"
#include "target.h"
#include "verify_read.h"
#include "xalloc.h"

enum {
	HOUR_MS         = 3600000,
	RUN_JSON_MAX    = 64 << 20,
	SERIES_LIST_MAX = 100, /* differing cells listed in run.json */
	ARG_MAX_LEN     = 1024,
};

/* One series, measure and hour: what the run wrote and what was read. */
struct vcell {
	uint64_t n, gn;
	double   sum, min, max, gsum, gmin, gmax;
	double   abs; /* sum of |v|: the scale of sum's rounding */
};

struct vser {
	const struct model  *m;
	const struct series *se;
	uint64_t             cell0; /* its first cell */
};

struct vrow {
	int64_t t;
	double  v;
	char    text[48];
	bool    has_v, has_text;
};

struct vstate {
	struct verify_result *res;
	struct tsl_opts       o;
	struct model         *shard;
	unsigned              n_shards;
	uint64_t              seed;
	int64_t               start;
	uint64_t              step, cycles;
	int64_t               h0;
	uint32_t              nh;
	struct vser          *ser;
	uint32_t              n_ser;
	uint32_t             *hash; /* ser index + 1, open addressing */
	uint32_t              hash_mask;
	char                **extra; /* names of unexpected series */
	uint32_t              extra_mask, n_extra;
	struct vcell         *cell;
	uint64_t              n_cells;
	struct verify_dialect dl;
	struct verify_dims    dims;                  /* naming a series */
	uint8_t               dcol[VERIFY_DIMS_MAX]; /* their union index */
	struct tgt_conf       conf;
	struct tgt_ctx        ctx;
	bool                  ctx_open;
	struct vrow          *rows;
	size_t                n_rows, cap_rows;
	char                  err[256];
};

/* ---- run.json -> options ---- */

/* Options of run.json that shape the data; the rest (pacing, target,
 * output) does not change what was generated. */
static const char *const data_opts[] = { "model", "host-scale", "id-start",
	"id-end", "multi", "add-req-id", "req-id-dim", "instance-name-seed",
	"include-region", "include-ms", "region-scale", "ms-scale",
	"missing-cpu", "sin-signal-cpu", "sin-frq-cpu", "saw-signal-cpu",
	"saw-frq-cpu", "processes", "concurrency", "database-name",
	"table-name", "seed", "interval-millis", "region", "endpoint",
	"profile", NULL };

/* "--name=value" of one option of run.json, or -EINVAL. */
static int
opt_arg(const struct jsonr_val *v, const char *name, char *out, size_t n)
{
	double   d;
	int64_t  i;
	uint64_t u;
	bool     b;
	int      k;
	unsigned t = jsonr_type(v);

	if (t == JSONR_STR)
		k = snprintf(out, n, "--%s=%s", name, jsonr_str(v));
	else if (!jsonr_bool(v, &b))
		k = snprintf(out, n, "--%s=%s", name, b ? "true" : "false");
	else if (!jsonr_u64(v, &u))
		k = snprintf(out, n, "--%s=%llu", name, (unsigned long long)u);
	else if (!jsonr_i64(v, &i))
		k = snprintf(out, n, "--%s=%lld", name, (long long)i);
	else if (!jsonr_num(v, &d))
		k = snprintf(out, n, "--%s=%.17g", name, d);
	else
		return -EINVAL;
	return k < 0 || (size_t)k >= n ? -EINVAL : 0;
}

static int
load_opts(struct vstate *s, const struct jsonr_val *opts, const char *url)
{
	char        args[32][ARG_MAX_LEN];
	const char *argv[34];
	int         argc = 0, rc;
	char        perr[512];

	argv[argc++] = "ingest";
	for (unsigned i = 0; data_opts[i]; i++) {
		const struct jsonr_val *v = jsonr_get(opts, data_opts[i]);

		if (!v)
			continue;
		if (opt_arg(v, data_opts[i], args[argc], sizeof(args[0]))) {
			snprintf(s->err, sizeof(s->err),
			    "run.json: option \"%s\" has a value verify cannot read",
			    data_opts[i]);
			return -EINVAL;
		}
		argv[argc] = args[argc];
		argc++;
	}
	snprintf(args[argc], sizeof(args[0]), "--target=%s", url);
	argv[argc] = args[argc];
	argc++;
	opts_defaults(&s->o);
	rc = opts_parse(&s->o, CMD_INGEST, argc, argv, perr, sizeof(perr));
	if (rc)
		snprintf(
		    s->err, sizeof(s->err), "run.json options: %.200s", perr);
	return rc;
}

/* ---- the series ---- */

/* The process name of an event set ("" for a host's metrics), for the
 * names verify shows. */
static struct str
ser_proc(const struct series *se)
{
	const struct schema_kind *k = se->g->sk;

	for (unsigned d = 0; d < k->n_dims; d++)
		if (!strcmp(k->dim[d], MODEL_DIM_PROCESS_NAME))
			return series_dim(se, d);
	return (struct str) { "", 0 };
}

/* The series' values of the dimension columns (s->dims): "" where its
 * kind has none. */
static void
ser_vals(const struct vstate *s, const struct series *se, struct str *out)
{
	const struct schema_kind *k = se->g->sk;

	for (unsigned i = 0; i < s->dims.n; i++) {
		out[i] = (struct str) { "", 0 };
		for (unsigned d = 0; d < k->n_dims; d++)
			if (k->dcol[d] == s->dcol[i])
				out[i] = series_dim(se, d);
	}
}

static uint32_t
hash_bytes(uint32_t h, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 16777619u;
	return (h ^ 0x1f) * 16777619u;
}

static uint32_t
hash_strs(const struct str *v, unsigned n)
{
	uint32_t h = 2166136261u;

	for (unsigned i = 0; i < n; i++)
		h = hash_bytes(h, v[i].p, v[i].len);
	return h;
}

static struct vser *
ser_find_str(struct vstate *s, const struct str *want)
{
	struct str have[VERIFY_DIMS_MAX];
	uint32_t   i = hash_strs(want, s->dims.n) & s->hash_mask;

	for (; s->hash[i]; i = (i + 1) & s->hash_mask) {
		struct vser *v  = &s->ser[s->hash[i] - 1];
		bool         eq = true;

		ser_vals(s, v->se, have);
		for (unsigned d = 0; eq && d < s->dims.n; d++)
			eq = have[d].len == want[d].len
			    && !memcmp(have[d].p, want[d].p, want[d].len);
		if (eq)
			return v;
	}
	return NULL;
}

static struct vser *
ser_find(struct vstate *s, const char *const *dim)
{
	struct str want[VERIFY_DIMS_MAX];

	for (unsigned d = 0; d < s->dims.n; d++)
		want[d] = (struct str) { dim[d], (uint32_t)strlen(dim[d]) };
	return ser_find_str(s, want);
}

/* Adds a series; false when the dimensions so far do not tell it from
 * one added before. */
static bool
ser_add(struct vstate *s, const struct model *m, const struct series *se)
{
	struct vser *v = &s->ser[s->n_ser];
	struct str   val[VERIFY_DIMS_MAX];
	uint32_t     i;

	ser_vals(s, se, val);
	if (ser_find_str(s, val))
		return false;
	v->m     = m;
	v->se    = se;
	v->cell0 = s->n_cells;
	s->n_cells
	    += (uint64_t)schema_n_measures(se->g->sk, s->conf.req_id) * s->nh;
	i = hash_strs(val, s->dims.n) & s->hash_mask;
	while (s->hash[i])
		i = (i + 1) & s->hash_mask;
	s->hash[i] = ++s->n_ser;
	return true;
}

/* The multi layout's columns of kind k's measures (s->dims.mcol[k]): a
 * request_id measure is in the request_id column. */
static void
mcols_of(struct vstate *s, const struct schema *sc, unsigned k)
{
	const struct schema_kind *sk = &sc->kind[k];
	unsigned                  nm = schema_n_measures(sk, s->conf.req_id);

	s->dims.multi     = s->conf.multi;
	s->dims.n_mcol[k] = nm;
	for (unsigned m = 0; m < nm; m++) {
		struct verify_mcol *c = &s->dims.mcol[k][m];

		c->measure = sk->m[m].name;
		c->col     = sk->m[m].mcol == SCHEMA_NONE
		        ? sc->dcol[sc->dcol_req_id]
		        : sc->mcol[sk->m[m].mcol];
		c->type    = sk->m[m].type;
	}
}

/* Every series of every shard, named by the first n of the candidate
 * dimension columns; false when two share a name. */
static bool
add_all(struct vstate *s, const uint8_t *cand, unsigned n)
{
	const struct schema *sc = &s->shard[0].schema;

	s->dims.n = n;
	for (unsigned i = 0; i < n; i++) {
		s->dcol[i]     = cand[i];
		s->dims.col[i] = sc->dcol[cand[i]];
	}
	s->dims.kind[0]  = sc->kind[0].name;
	s->dims.kind[1]  = sc->kind[1].name;
	s->dims.n_metric = 0;
	for (unsigned k = 0; k < 2; k++) {
		const struct schema_kind *sk = &sc->kind[k];
		unsigned nm = schema_n_measures(sk, s->conf.req_id);

		for (unsigned m = 0; m < nm && s->dims.n_metric < 48; m++)
			snprintf(s->dims.metric[s->dims.n_metric++],
			    sizeof(s->dims.metric[0]), "%s_%s", sk->name,
			    sk->m[m].name);
		mcols_of(s, sc, k);
	}
	memset(s->hash, 0, ((size_t)s->hash_mask + 1) * sizeof(uint32_t));
	s->n_ser   = 0;
	s->n_cells = 0;
	for (unsigned w = 0; w < s->n_shards; w++) {
		const struct model *m = &s->shard[w];

		for (uint32_t i = 0; i < m->n_metrics; i++)
			if (!ser_add(s, m, &m->metrics[i]))
				return false;
		for (uint32_t i = 0; i < m->n_events; i++)
			if (!ser_add(s, m, &m->events[i]))
				return false;
	}
	return true;
}

/* Counts an unexpected series once, whatever rows name it (the set holds
 * its joined dimension values; past 512 of them only points are
 * counted); it is shown as its instance and process. */
static void
extra_add(struct vstate *s, const char *const *dim, uint64_t n)
{
	struct str key[VERIFY_DIMS_MAX];
	struct buf j;
	uint32_t   i;
	char       name[160] = "";

	for (unsigned d = 0; d < s->dims.n; d++) {
		key[d] = (struct str) { dim[d], (uint32_t)strlen(dim[d]) };
		if (!strcmp(s->dims.col[d], MODEL_DIM_INSTANCE_NAME))
			snprintf(name, sizeof(name), "%.150s", dim[d]);
	}
	for (unsigned d = 0; d < s->dims.n; d++)
		if (!strcmp(s->dims.col[d], MODEL_DIM_PROCESS_NAME)
		    && dim[d][0])
			snprintf(name + strlen(name),
			    sizeof(name) - strlen(name), "/%s", dim[d]);
	s->res->total.extra_points += n;
	if (!s->extra) {
		s->extra_mask = 1023;
		s->extra      = xcalloc(s->extra_mask + 1, sizeof(char *));
	}
	buf_init(&j, 1 << 16);
	for (unsigned d = 0; d < s->dims.n; d++)
		buf_printf(&j, "%s\x1f", dim[d]);
	buf_cstr(&j);
	i = hash_strs(key, s->dims.n) & s->extra_mask;
	for (; s->extra[i]; i = (i + 1) & s->extra_mask)
		if (!strcmp(s->extra[i], j.p)) {
			buf_free(&j);
			return;
		}
	if (s->n_extra * 2 < s->extra_mask) {
		s->extra[i] = xstrdup(j.p);
		s->n_extra++;
	}
	buf_free(&j);
	s->res->total.extra_series++;
	if (!s->res->example_extra[0])
		snprintf(s->res->example_extra, sizeof(s->res->example_extra),
		    "%s", name);
}

static int
build_series(struct vstate *s)
{
	const struct model_ops *ops = model_find(s->o.model);
	struct model_conf       mc  = opts_model_conf(&s->o);
	uint32_t                first, end, total = 0;
	uint64_t                cap;
	uint8_t                 cand[VERIFY_DIMS_MAX];
	unsigned                ncand = 0, n;

	if (!ops) {
		snprintf(s->err, sizeof(s->err),
		    "run.json: model \"%s\" is not one of this tsload",
		    s->o.model);
		return -EINVAL;
	}
	if (ops != &model_perf_scale && ops != &model_continuous) {
		snprintf(s->err, sizeof(s->err),
		    "verify regenerates the metric models only (perf-scale, continuous), not %s",
		    ops->name);
		return -EINVAL;
	}
	opts_host_range(&s->o, &first, &end);
	s->n_shards = (unsigned)s->o.processes;
	s->shard    = xcalloc(s->n_shards, sizeof(*s->shard));
	for (unsigned w = 0; w < s->n_shards; w++) {
		uint32_t f, l;

		if (model_shard(end - first, s->n_shards, w, &f, &l)
		    || ops->build(&s->shard[w], &mc, first + f, first + l)) {
			snprintf(s->err, sizeof(s->err),
			    "run.json: the model of worker %u cannot be built (hosts %u..%u)",
			    w + 1, first + f, first + l);
			return -EINVAL;
		}
		total += s->shard[w].n_metrics + s->shard[w].n_events;
	}
	/* A series is named by the fewest dimension columns that tell every
	 * series of the model apart, instance and process first (perf-scale:
	 * those two; the continuous model repeats instance names across
	 * silos): a GROUP BY on fewer columns is much cheaper. */
	for (unsigned pass = 0; pass < 3; pass++)
		for (unsigned c = 0; c < s->shard[0].schema.n_dcols; c++) {
			const char *col = s->shard[0].schema.dcol[c];
			bool inst = !strcmp(col, MODEL_DIM_INSTANCE_NAME);
			bool proc = !strcmp(col, MODEL_DIM_PROCESS_NAME);

			if (!strcmp(col, MODEL_DIM_REQUEST_ID)
			    || ncand >= VERIFY_DIMS_MAX || (pass == 0) != inst
			    || (pass == 1) != proc)
				continue;
			cand[ncand++] = (uint8_t)c;
		}
	for (cap = 2; cap < (uint64_t)total * 2; cap *= 2)
		;
	s->hash      = xcalloc(cap, sizeof(uint32_t));
	s->hash_mask = (uint32_t)(cap - 1);
	s->ser       = xcalloc(total ? total : 1, sizeof(*s->ser));
	for (n = ncand < 2 ? ncand : 2; !add_all(s, cand, n); n++)
		if (n >= ncand) {
			snprintf(s->err, sizeof(s->err),
			    "the model has two series with the same dimensions: verify cannot tell them apart");
			return -EINVAL;
		}
	s->cell = xcalloc(s->n_cells ? s->n_cells : 1, sizeof(*s->cell));
	return 0;
}

/* ---- the expected side ---- */

static int64_t
stamp(const struct vstate *s, uint64_t k)
{
	return s->start + (int64_t)(k * s->step);
}

static uint32_t
hour_of(const struct vstate *s, int64_t t)
{
	return (uint32_t)(t / HOUR_MS - s->h0);
}

/* The values of one sample; returns the kind's measure count, with the
 * absent ones' bits in *absent. */
static unsigned
sample(struct vstate *s, const struct vser *v, int64_t t, double *val,
    uint32_t *absent)
{
	struct model_draw d;
	unsigned          n;

	memset(&d, 0, sizeof(d));
	d.seed    = s->seed;
	d.time_ms = t;
	n         = v->m->ops->values(v->m, v->se, &d, val);
	*absent   = s->res->counts_only ? 0 : d.absent;
	return n;
}

/* The number the aggregates see of measure m of a sample: the value,
 * or the length of a text (a task_end_state's word, a request id's 36
 * characters), as length() of the text column reads it back. */
static bool
is_text(const struct schema_kind *k, unsigned m)
{
	return m >= k->n_values || k->m[m].type == MT_VARCHAR;
}

static double
agg_value(const struct vstate *s, const struct schema_kind *k, unsigned m,
    const double *val)
{
	unsigned w;

	/* remote write's number: a word's index, a request id 0 */
	if (s->dl.text == VT_INDEX && is_text(k, m))
		return m < k->n_values ? val[m] : 0;
	if (s->dl.text != VT_LENGTH && is_text(k, m))
		return 0; /* VictoriaMetrics' 0; InfluxQL counts texts only */
	if (m >= k->n_values)
		return 36; /* a request id: a UUID */
	if (k->m[m].type != MT_VARCHAR)
		return val[m];
	w = (unsigned)val[m];
	return w < k->m[m].n_words ? (double)strlen(k->m[m].words[w]) : 0;
}

static void
expect_all(struct vstate *s)
{
	double   val[SCHEMA_MAX_VALUES + 1];
	uint32_t absent;

	for (uint32_t i = 0; i < s->n_ser; i++) {
		const struct vser        *v = &s->ser[i];
		const struct schema_kind *k = v->se->g->sk;
		unsigned nm = schema_n_measures(k, s->conf.req_id), kind;

		kind = v->se->kind == SERIES_EVENTS;
		for (uint64_t c = 0; c < s->cycles; c++) {
			int64_t  t = stamp(s, c);
			uint32_t h = hour_of(s, t);

			sample(s, v, t, val, &absent);
			for (unsigned m = 0; m < nm; m++) {
				struct vcell *x = &s->cell[v->cell0
				    + (uint64_t)m * s->nh + h];
				double        y = agg_value(s, k, m, val);

				if (m < 32 && (absent >> m & 1))
					continue;
				s->res->kind[kind].expected++;
				if (x->n++ == 0 || y < x->min)
					x->min = y;
				if (x->n == 1 || y > x->max)
					x->max = y;
				x->sum += y;
				x->abs += fabs(y);
			}
		}
	}
}

/* ---- reading back ---- */

static int
measure_index(const struct schema_kind *k, unsigned nm, const char *name)
{
	for (unsigned i = 0; i < nm; i++)
		if (!strcmp(k->m[i].name, name))
			return (int)i;
	return -1;
}

/* One aggregate row: a series, measure and hour of the database. */
static void
got_agg(void *arg, const struct verify_agg *a)
{
	struct vstate            *s = arg;
	struct vser              *v = ser_find(s, a->dim);
	const struct schema_kind *k;
	struct vcell             *x;
	int                       m;
	int64_t                   h = a->hour - s->h0;

	if (!v) {
		extra_add(s, a->dim, a->n);
		return;
	}
	k = v->se->g->sk;
	m = measure_index(k, schema_n_measures(k, s->conf.req_id), a->measure);
	if (m < 0 || h < 0 || h >= s->nh) {
		s->res->kind[v->se->kind == SERIES_EVENTS].unexpected += a->n;
		return;
	}
	x = &s->cell[v->cell0 + (uint64_t)m * s->nh + (uint64_t)h];
	if (x->gn == 0 || a->min < x->gmin)
		x->gmin = a->min;
	if (x->gn == 0 || a->max > x->gmax)
		x->gmax = a->max;
	x->gn += a->n;
	x->gsum += a->sum;
}

static void
got_row(void *arg, const struct verify_row *r)
{
	struct vstate *s = arg;
	struct vrow   *w;

	if (s->n_rows == s->cap_rows) {
		s->cap_rows = s->cap_rows ? s->cap_rows * 2 : 256;
		s->rows = xrealloc(s->rows, s->cap_rows * sizeof(*s->rows));
	}
	w           = &s->rows[s->n_rows++];
	w->t        = r->t;
	w->v        = r->v;
	w->has_v    = r->has_v;
	w->has_text = r->text != NULL;
	snprintf(w->text, sizeof(w->text), "%s", r->text ? r->text : "");
}

static bool
near(double a, double b, double tol)
{
	return a == b || fabs(a - b) <= tol * fmax(fabs(a), fabs(b));
}

/* Whether a cell's aggregates agree. */
static bool
cell_ok(const struct vstate *s, const struct vcell *x, bool values)
{
	double tol = s->res->tolerance;

	if (x->n != x->gn)
		return false;
	if (!values || !x->n)
		return true;
	return near(x->min, x->gmin, tol) && near(x->max, x->gmax, tol)
	    && fabs(x->sum - x->gsum) <= 1e-9 * x->abs + 1e-9;
}

static int
cmp_row(const void *a, const void *b)
{
	const struct vrow *x = a, *y = b;

	return (x->t > y->t) - (x->t < y->t);
}

/* Whether a row holds the expected value y of measure m. */
static bool
row_holds(const struct vstate *s, const struct schema_kind *k, unsigned m,
    const struct vrow *r, double y)
{
	if (s->res->counts_only || m >= k->n_values)
		return true; /* values unknown, or a request id */
	if (k->m[m].type == MT_VARCHAR && s->dl.text == VT_ZERO)
		return r->has_v
		    && r->v == 0; /* VictoriaMetrics keeps no text */
	if (k->m[m].type == MT_VARCHAR && s->dl.text == VT_INDEX)
		return r->has_v && r->v == y; /* the word's index */
	if (k->m[m].type == MT_VARCHAR)
		return r->has_text && y >= 0 && y < k->m[m].n_words
		    && !strcmp(r->text, k->m[m].words[(unsigned)y]);
	return r->has_v && near(y, r->v, s->res->tolerance);
}

/* Adds one differing cell to the list of run.json. */
static void
list_cell(struct vstate *s, const struct vser *v, unsigned m, uint32_t h,
    const struct verify_counts *c)
{
	struct verify_result *res = s->res;
	struct verify_diff   *d;
	struct str            p = ser_proc(v->se);

	if (res->n_diff >= VERIFY_DIFFS_MAX)
		return;
	d = &res->diff[res->n_diff++];
	snprintf(d->series, sizeof(d->series), "%s%s%.*s", v->se->name,
	    p.len ? "/" : "", (int)p.len, p.p);
	snprintf(
	    d->measurement, sizeof(d->measurement), "%s", v->se->g->sk->name);
	snprintf(
	    d->measure, sizeof(d->measure), "%s", v->se->g->sk->m[m].name);
	d->hour_ms = (s->h0 + h) * (int64_t)HOUR_MS;
	d->c       = *c;
}

static void
add_counts(struct verify_counts *d, const struct verify_counts *c)
{
	d->missing += c->missing;
	d->duplicated += c->duplicated;
	d->changed += c->changed;
	d->unexpected += c->unexpected;
}

/* Reads the rows of one differing cell and names what differs. */
static int
diff_cell(struct vstate *s, const struct vser *v, unsigned m, uint32_t h)
{
	const struct schema_kind *k = v->se->g->sk;
	struct vcell *x  = &s->cell[v->cell0 + (uint64_t)m * s->nh + h];
	int64_t       t0 = (s->h0 + h) * (int64_t)HOUR_MS, t1 = t0 + HOUR_MS;
	struct verify_counts c = { 0 };
	struct str           sv[VERIFY_DIMS_MAX];
	char                 vbuf[VERIFY_DIMS_MAX][160];
	const char          *val_s[VERIFY_DIMS_MAX];
	double               val[SCHEMA_MAX_VALUES + 1];
	uint64_t             kk;
	size_t               i = 0;
	int                  rc;

	ser_vals(s, v->se, sv);
	for (unsigned d = 0; d < s->dims.n; d++) {
		snprintf(
		    vbuf[d], sizeof(vbuf[d]), "%.*s", (int)sv[d].len, sv[d].p);
		val_s[d] = vbuf[d];
	}
	if (x->gn == 0) { /* nothing stored: all missing, no rows to read */
		c.missing = x->n;
		goto out;
	}
	s->n_rows = 0;
	s->res->row_queries++;
	rc = verify_read_rows(&s->dl, &s->ctx, &s->dims, val_s, k->name,
	    k->m[m].name, t0, t1, got_row, s);
	if (rc)
		return rc;
	qsort(s->rows, s->n_rows, sizeof(*s->rows), cmp_row);
	/* the first cycle in the hour */
	kk = t0 <= s->start
	    ? 0
	    : ((uint64_t)(t0 - s->start) + s->step - 1) / s->step;
	while (i < s->n_rows || (kk < s->cycles && stamp(s, kk) < t1)) {
		int64_t te = kk < s->cycles && stamp(s, kk) < t1 ? stamp(s, kk)
		                                                 : INT64_MAX;
		int64_t tr = i < s->n_rows ? s->rows[i].t : INT64_MAX;
		size_t  j = i, hit = 0;
		uint32_t absent;

		if (te < tr) { /* expected, not stored */
			sample(s, v, te, val, &absent);
			if (!(m < 32 && (absent >> m & 1)))
				c.missing++;
			kk++;
			continue;
		}
		while (j < s->n_rows && s->rows[j].t == tr)
			j++;
		if (te > tr) { /* stored at a time never written */
			c.unexpected += j - i;
			i = j;
			continue;
		}
		sample(s, v, te, val, &absent);
		for (size_t q = i; q < j; q++)
			hit += row_holds(s, k, m, &s->rows[q], val[m]);
		if (m < 32 && (absent >> m & 1))
			c.unexpected += j - i;
		else {
			c.duplicated += j - i - 1;
			c.changed += hit == 0;
		}
		i = j;
		kk++;
	}
	/* found counts what the rows show, not the aggregate */
	s->res->kind[v->se->kind == SERIES_EVENTS].found += s->n_rows - x->gn;
	if (!c.missing && !c.duplicated && !c.changed && !c.unexpected) {
		s->res->cells_inconsistent++;
		return 0;
	}
out:
	add_counts(&s->res->kind[v->se->kind == SERIES_EVENTS], &c);
	list_cell(s, v, m, h, &c);
	return 0;
}

static int
compare_all(struct vstate *s)
{
	for (uint32_t i = 0; i < s->n_ser; i++) {
		const struct vser        *v = &s->ser[i];
		const struct schema_kind *k = v->se->g->sk;
		unsigned nm   = schema_n_measures(k, s->conf.req_id);
		unsigned kind = v->se->kind == SERIES_EVENTS;

		for (unsigned m = 0; m < nm; m++)
			for (uint32_t h = 0; h < s->nh; h++) {
				struct vcell *x = &s->cell[v->cell0
				    + (uint64_t)m * s->nh + h];
				int           rc;

				s->res->cells++;
				s->res->kind[kind].found += x->gn;
				/* request ids are random: counted, and their
				 * length summed, in every mode */
				bool values
				    = !s->res->counts_only || m >= k->n_values;

				/* InfluxQL sums no text: counted only */
				if (is_text(k, m) && s->dl.text == VT_COUNT)
					values = false;
				if (cell_ok(s, x, values))
					continue;
				s->res->cells_bad++;
				rc = diff_cell(s, v, m, h);
				if (rc)
					return rc;
			}
	}
	return 0;
}

/* ---- the whole job ---- */

/* True when run.json's options name a model whose values are a pure
 * function of (seed, series, time): perf-scale (the default) and
 * continuous. */
static bool
recomputable(const struct jsonr_val *opts)
{
	const char *m = jsonr_get_str(opts, "model");

	return !m || !strcmp(m, "perf-scale") || !strcmp(m, "continuous");
}

static int
load_run(struct vstate *s, const char *url, const char *dir)
{
	char                    path[ARG_MAX_LEN + 16], *text = NULL, e[256];
	size_t                  len;
	struct jsonr_doc       *doc = NULL;
	const struct jsonr_val *root, *ts;
	const char             *cmd;
	int64_t                 start = 0, step = 0, cycles = 0;
	uint64_t                seed = 0;
	int                     rc;

	snprintf(path, sizeof(path), "%s/run.json", dir);
	rc = fs_read_all(path, RUN_JSON_MAX, &text, &len, e, sizeof(e));
	if (!rc && jsonr_parse(text, len, &doc, e, sizeof(e)))
		rc = -EINVAL;
	free(text);
	if (rc) {
		snprintf(s->err, sizeof(s->err), "--results: %.200s", e);
		return rc;
	}
	root = jsonr_root(doc);
	cmd  = jsonr_get_str(root, "command");
	ts   = jsonr_get(root, "timestamps");
	if (!cmd || (strcmp(cmd, "ingest") && strcmp(cmd, "run"))) {
		snprintf(s->err, sizeof(s->err),
		    "--results %s: run.json is not an ingest or run's", dir);
		rc = -EINVAL;
	} else if (!ts || jsonr_get_i64(ts, "start_ms", &start)
	    || jsonr_get_i64(ts, "step_ms", &step)
	    || jsonr_get_i64(ts, "cycles", &cycles) || step <= 0 || cycles <= 0
	    || jsonr_u64(jsonr_get(root, "value_seed"), &seed)) {
		snprintf(s->err, sizeof(s->err),
		    "--results %s: run.json has no \"timestamps\": verify needs a run with --start-time and --end-time or --autostop (no --rate), whose times are known",
		    dir);
		rc = -EINVAL;
	} else if (!recomputable(jsonr_get(root, "options"))) {
		snprintf(s->err, sizeof(s->err),
		    "--results %s: the run's model (%.40s) keeps a state from one value to the next (a random walk, log lines); verify recomputes perf-scale and continuous runs only",
		    dir, jsonr_get_str(jsonr_get(root, "options"), "model"));
		rc = -EINVAL;
	} else {
		rc = load_opts(s, jsonr_get(root, "options"), url);
	}
	s->start  = start;
	s->step   = (uint64_t)step;
	s->cycles = (uint64_t)cycles;
	s->seed   = seed;
	jsonr_free(doc);
	return rc;
}

static void
vstate_free(struct vstate *s)
{
	if (s->ctx_open && s->ctx.ops->fini)
		s->ctx.ops->fini(&s->ctx);
	for (unsigned w = 0; s->shard && w < s->n_shards; w++)
		model_release(&s->shard[w]);
	free(s->shard);
	for (uint32_t i = 0; s->extra && i <= s->extra_mask; i++)
		free(s->extra[i]);
	free(s->extra);
	free(s->hash);
	free(s->ser);
	free(s->cell);
	free(s->rows);
	opts_free(&s->o);
}

static void
sum_kinds(struct verify_result *r)
{
	struct verify_counts *t = &r->total;

	for (unsigned k = 0; k < 2; k++) {
		t->expected += r->kind[k].expected;
		t->found += r->kind[k].found;
		add_counts(t, &r->kind[k]);
	}
}

int
verify_run(const char *url, const char *run_dir, struct verify_result *res,
    char *err, size_t errlen)
{
	struct vstate s;
	uint64_t      t_start = now_ns();
	int           rc;

	memset(&s, 0, sizeof(s));
	memset(res, 0, sizeof(*res));
	s.res = res;
	rc    = load_run(&s, url, run_dir);
	if (!rc) {
		s.conf = opts_tgt_conf(&s.o);
		rc     = verify_dialect_find(
		        &s.dl, s.conf.url, s.err, sizeof(s.err));
	}
	if (!rc && s.conf.multi && !verify_reads_multi(&s.dl)) {
		snprintf(s.err, sizeof(s.err),
		    "--target %.40s: verify cannot read this target's multi-measure layout yet (the run used --multi); it reads --multi runs back from sqlite:, postgres://, clickhouse://, timestream://, vm://, influx:// and promrw://",
		    s.conf.url);
		rc = -EINVAL;
	}
	if (!rc) {
		int64_t last = stamp(&s, s.cycles - 1);

		s.h0             = s.start / HOUR_MS;
		s.nh             = (uint32_t)(last / HOUR_MS - s.h0 + 1);
		res->tolerance   = s.dl.tolerance;
		res->counts_only = opts_continuous(&s.o) && s.o.seed
		    && s.o.processes == 1 && s.o.concurrency == 1;
		rc = build_series(&s);
	}
	if (!rc) {
		snprintf(res->kind_name[0], sizeof(res->kind_name[0]), "%s",
		    s.shard[0].schema.kind[0].name);
		snprintf(res->kind_name[1], sizeof(res->kind_name[1]), "%s",
		    s.shard[0].schema.kind[1].name);
		expect_all(&s);
		s.ctx.ops  = s.dl.ops;
		s.ctx.conf = &s.conf;
		rc         = s.ctx.ops->init(&s.ctx);
		s.ctx_open = true;
		if (!rc)
			rc = verify_read_session(&s.dl, &s.ctx);
		if (rc)
			snprintf(s.err, sizeof(s.err), "%s", s.ctx.err);
	}
	if (!rc)
		rc = verify_read_par(&s.dl, &s.ctx, &s.dims, s.start,
		    stamp(&s, s.cycles - 1) + 1, got_agg, &s);
	if (!rc)
		rc = compare_all(&s);
	if (rc && !s.err[0])
		snprintf(s.err, sizeof(s.err), "%s",
		    s.ctx.err[0] ? s.ctx.err : "verify failed");
	sum_kinds(res);
	res->seconds = (double)(now_ns() - t_start) / 1e9;
	if (rc)
		snprintf(err, errlen, "verify: %s", s.err);
	vstate_free(&s);
	return rc ? 2 : 0;
}

bool
verify_differs(const struct verify_result *r)
{
	const struct verify_counts *t = &r->total;

	return t->missing || t->duplicated || t->changed || t->unexpected
	    || t->extra_series || t->extra_points || r->cells_inconsistent;
}

static int
json_counts(struct json_w *w, const struct verify_counts *c, bool extra)
{
	int rc = json_kv_uint(w, "expected_points", c->expected);

	rc |= json_kv_uint(w, "found_points", c->found);
	rc |= json_kv_uint(w, "missing", c->missing);
	rc |= json_kv_uint(w, "duplicated", c->duplicated);
	rc |= json_kv_uint(w, "changed", c->changed);
	rc |= json_kv_uint(w, "unexpected_times", c->unexpected);
	if (extra) {
		rc |= json_kv_uint(w, "unexpected_series", c->extra_series);
		rc |= json_kv_uint(
		    w, "unexpected_series_points", c->extra_points);
	}
	return rc;
}

int
verify_json(struct json_w *w, const struct verify_result *r, const char *url)
{
	char red[512];
	int  rc;

	target_url_redact(url, red, sizeof(red));
	rc = json_kv_str(w, "target", red);
	rc |= json_kv_bool(w, "differs", verify_differs(r));
	rc |= json_kv_bool(w, "values_checked", !r->counts_only);
	rc |= json_kv_double(w, "tolerance", r->tolerance);
	rc |= json_kv_double(w, "seconds", r->seconds);
	rc |= json_kv_uint(w, "cells", r->cells);
	rc |= json_kv_uint(w, "cells_differing", r->cells_bad);
	rc |= json_kv_uint(w, "row_reads", r->row_queries);
	rc |= json_kv_uint(w, "cells_inconsistent", r->cells_inconsistent);
	rc |= json_key(w, "totals") | json_obj_begin(w);
	rc |= json_counts(w, &r->total, true);
	rc |= json_obj_end(w);
	rc |= json_key(w, "measurements") | json_obj_begin(w);
	for (unsigned k = 0; k < 2; k++) {
		rc |= json_key(w, r->kind_name[k][0] ? r->kind_name[k] : "?")
		    | json_obj_begin(w);
		rc |= json_counts(w, &r->kind[k], false);
		rc |= json_obj_end(w);
	}
	rc |= json_obj_end(w);
	if (r->example_extra[0])
		rc |= json_kv_str(
		    w, "unexpected_series_example", r->example_extra);
	rc |= json_key(w, "differences") | json_arr_begin(w);
	for (unsigned i = 0; i < r->n_diff; i++) {
		const struct verify_diff *d = &r->diff[i];
		char                      when[32];
		time_t                    tt = (time_t)(d->hour_ms / 1000);
		struct tm                 tm;

		gmtime_r(&tt, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		rc |= json_obj_begin(w);
		rc |= json_kv_str(w, "series", d->series);
		rc |= json_kv_str(w, "measurement", d->measurement);
		rc |= json_kv_str(w, "measure", d->measure);
		rc |= json_kv_str(w, "hour", when);
		rc |= json_kv_uint(w, "missing", d->c.missing);
		rc |= json_kv_uint(w, "duplicated", d->c.duplicated);
		rc |= json_kv_uint(w, "changed", d->c.changed);
		rc |= json_kv_uint(w, "unexpected_times", d->c.unexpected);
		rc |= json_obj_end(w);
	}
	rc |= json_arr_end(w);
	return rc;
}
