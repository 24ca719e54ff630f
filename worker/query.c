/* query.c - the query loop of one worker thread: parameters, the begin
 * and end data-point counts, weighted picks, executions with retries,
 * think time, and the per-thread files of the seed (§4.3-4.7), without
 * its bugs: think times under 5 s work, failures are counted, and a query
 * that never succeeded still gets a well-formed summary row.
 */
#include "query.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "abandon.h"
#include "backoff.h"
#include "buf.h"
#include "clock.h"
#include "fs.h"
#include "log.h"
#include "model_ops.h"
#include "pacer.h"
#include "rng.h"
#include "xalloc.h"

/* 64-bit: an int enumerator overflows when shifted by the attempt count
 * (undefined behaviour), and ISO C limits enumerators to int. */
#define BACKOFF_BASE_NS (50ull * 1000 * 1000)
#define BACKOFF_CAP_NS (5000ull * 1000 * 1000)

enum {
	SQL_MAX = 4 << 20,
};

/* State of one running thread. */
struct qrun {
	struct query_thread *t;
	struct tgt_ctx       ctx;
	struct xrng          rng;
	struct qparams       p;
	char                *owned[16]; /* parameter values from the table */
	unsigned             nowned;
	char                 name[320];  /* expName */
	char                 prefix[32]; /* "[p-t]", the seed's logPrefix */
	char                 dir[1024];
	char                *sql[6]; /* rendered texts (not --params random) */
	FILE                *log[6], *errf[6];
	struct buf           text;
	struct buf           logb; /* lines for the .log and .err files */
	uint64_t             exec;
	time_t               when_s;   /* the second of when */
	char                 when[24]; /* UTC, as the log lines show it */
	struct sched         sched;    /* --rate, --schedule: the thread's */
	struct pacer         pacer;    /* when each query is due */
	uint64_t             sent_ns;  /* when the last query was sent */
	bool                 open;     /* open loop: sched and pacer set */
};

int
query_shared_init(struct query_shared *sh, const struct tsl_opts *o,
    const struct tgt_conf *conf, unsigned worker, int64_t t0_ms, uint64_t seed,
    char *err, size_t errlen)
{
	int rc;

	memset(sh, 0, sizeof(*sh));
	atomic_init(&sh->stop, false);
	atomic_init(&sh->finished, 0);
	pthread_mutex_init(&sh->lock, NULL);
	pthread_cond_init(&sh->cond, NULL);
	sh->o      = o;
	sh->conf   = conf;
	sh->ops    = target_find(o->target);
	sh->model  = model_find(o->model);
	sh->mc     = opts_model_conf(o);
	sh->worker = worker;
	sh->seed   = seed;
	sh->end    = o->query_end[0] ? o->query_end
	                             : render_default_end(sh->ops->dialect);
	qwork_exp_name(sh->exp, sizeof(sh->exp), o->run_prefix, t0_ms);
	mt_alnum_string(o->instance_seed, sh->prefix, 8);

	rc = qwork_load(&sh->wl, o, sh->ops, err, errlen);
	if (rc)
		return rc;
	sh->reps = o->repetitions ? o->repetitions
	    : o->duration > 0     ? 0
	                          : sh->wl.cfg.repetitions;
	return rc;
}

void
query_shared_destroy(struct query_shared *sh)
{
	qwork_free(&sh->wl);
	pthread_mutex_destroy(&sh->lock);
	pthread_cond_destroy(&sh->cond);
}

void
query_shared_running(struct query_shared *sh, unsigned n)
{
	pthread_mutex_lock(&sh->lock);
	sh->running = n;
	pthread_cond_broadcast(&sh->cond);
	pthread_mutex_unlock(&sh->lock);
}

void
query_thread_init(
    struct query_thread *t, struct query_shared *sh, unsigned index)
{
	memset(t, 0, sizeof(*t));
	t->sh    = sh;
	t->index = index;
	pthread_mutex_init(&t->lock, NULL);
	stats_init(&t->st);
	qsum_init(&t->qs);
	for (unsigned i = 0; i < sh->wl.cfg.n; i++)
		qsum_add_query(&t->qs, sh->wl.cfg.q[i].id);
}

void
query_thread_destroy(struct query_thread *t)
{
	qsum_free(&t->qs);
	pthread_mutex_destroy(&t->lock);
}

void
query_thread_collect(struct query_thread *t, struct stats *dst,
    struct qsum *qs, char *err, size_t errlen)
{
	pthread_mutex_lock(&t->lock);
	stats_merge(dst, &t->st);
	if (qs)
		qsum_merge(qs, &t->qs);
	if (!err[0] && t->err[0])
		snprintf(err, errlen, "%s", t->err);
	pthread_mutex_unlock(&t->lock);
}

static bool
stopping(const struct query_shared *sh)
{
	return atomic_load_explicit(&sh->stop, memory_order_relaxed);
}

static void
keep_error(struct query_thread *t, const char *msg)
{
	pthread_mutex_lock(&t->lock);
	if (!t->err[0])
		snprintf(t->err, sizeof(t->err), "query thread %u: %.200s",
		    t->index + 1, msg);
	pthread_mutex_unlock(&t->lock);
}

/* Sleeps ns nanoseconds, waking early when the run stops. */
static void
nap(const struct query_shared *sh, uint64_t ns)
{
	nap_until_ns(now_ns() + ns, &sh->stop);
}

/* Passes gate g (0: after the begin count, 1: before the end count),
 * and with wait, waits until every running thread of the worker has.
 * The counts read the last 15 minutes of the table: they must not slow
 * down, and so inflate, another thread's timed queries. */
static void
gate(struct query_shared *sh, unsigned g, bool wait)
{
	pthread_mutex_lock(&sh->lock);
	sh->gate[g]++;
	pthread_cond_broadcast(&sh->cond);
	while (wait && (!sh->running || sh->gate[g] < sh->running))
		pthread_cond_wait(&sh->cond, &sh->lock);
	pthread_mutex_unlock(&sh->lock);
}

static double
uniform(void *arg)
{
	return xrng_uniform(arg);
}

/* "YYYY-mm-dd HH:MM:SS" UTC, formatted once a second (a log line is
 * written after every query). */
static const char *
utc_now(struct qrun *r)
{
	time_t    s = time(NULL);
	struct tm tm;

	if (s != r->when_s || !r->when[0]) {
		gmtime_r(&s, &tm);
		strftime(r->when, sizeof(r->when), "%Y-%m-%d %H:%M:%S", &tm);
		r->when_s = s;
	}
	return r->when;
}

static FILE *
open_in(struct qrun *r, const char *name, const char *mode)
{
	char  path[1400];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", r->dir, name);
	f = fopen(path, mode);
	if (!f)
		snprintf(r->ctx.err, sizeof(r->ctx.err),
		    "cannot write %.180s: %.60s", path, strerror(errno));
	return f;
}

/* Closes a file of the thread's log directory. A write that failed (a
 * full disk) is said once per worker, and the run fails. */
static void
close_in(struct qrun *r, FILE *f)
{
	int rc = 0;

	if (!f)
		return;
	if (fflush(f) != 0 || ferror(f))
		rc = errno ? errno : EIO;
	if (fclose(f) != 0 && !rc)
		rc = errno;
	if (rc && !atomic_exchange(&r->t->sh->file_err, true))
		log_err("cannot write the query logs in %s: %s", r->dir,
		    strerror(rc));
}

/* Runs text with the configured retries of busy or throttled answers;
 * returns the outcome and the latency of all attempts in *ns. */
static enum tgt_status
run_query(struct qrun *r, const char *text, struct tgt_qres *res, uint64_t *ns,
    uint64_t *throttles)
{
	const struct query_shared *sh    = r->t->sh;
	uint64_t                   start = now_ns();
	enum tgt_status            st;

	r->sent_ns = start;

	for (uint64_t attempt = 0;; attempt++) {
		res->rows = 0;
		st        = sh->ops->query(&r->ctx, text, res);
		if (!target_status_retry(st))
			break;
		(*throttles)++;
		if (attempt >= sh->wl.cfg.retries || stopping(sh)) {
			st = TGT_FAIL;
			break;
		}
		nap(sh,
		    backoff_ns(
		        &r->rng, BACKOFF_BASE_NS, BACKOFF_CAP_NS, attempt));
	}
	*ns = now_ns() - start;
	return st;
}

/* Appends the seed's lines of execution n (a query that took ns and
 * ended just now) to log, and to ef when it failed (§4.3). */
static void
write_exec_logs(struct qrun *r, FILE *log, FILE *ef, uint64_t n,
    const struct tgt_qres *res, enum tgt_status st, uint64_t ns,
    const char *detail)
{
	uint64_t         start = now_ns() - ns;
	struct qsum_exec e     = {
		    .prefix        = r->prefix,
		    .n             = n,
		    .when          = utc_now(r),
		    .query_id      = res->query_id,
		    .request_id    = res->request_id,
		    .ok            = st == TGT_OK,
		    .rows          = res->rows,
		    .pages         = res->pages,
		    .empty_pages   = res->empty_pages,
		    .bytes_metered = res->bytes_metered,
		    .secs          = ns / 1e9,
		    .first_secs    = -1,
		    .error         = r->ctx.err,
		    .detail        = detail,
	};

	/* A target that hands over the whole answer at once: its first
	 * row came with the last one. */
	if (res->first_row_ns)
		e.first_secs = res->first_row_ns > start
		    ? (res->first_row_ns - start) / 1e9
		    : 0;
	else if (e.ok && res->rows)
		e.first_secs = e.secs;
	buf_reset(&r->logb);
	if (log && qsum_log_lines(&r->logb, &e) == 0)
		fwrite(r->logb.p, 1, r->logb.len, log);
	buf_reset(&r->logb);
	if (ef && !e.ok && qsum_err_lines(&r->logb, &e) == 0)
		fwrite(r->logb.p, 1, r->logb.len, ef);
}

/* The parameter query: metric values from row 0, process name and JDK
 * version from row 1 (seed §4.1). */
struct prow {
	struct qrun *r;
	unsigned     row;
};

static void
take_row(void *arg, unsigned ncol, const char *const *names,
    const char *const *vals)
{
	static const char *const first[]
	    = { MODEL_DIM_REGION, MODEL_DIM_AZ, MODEL_DIM_CELL, MODEL_DIM_SILO,
		      MODEL_DIM_MICROSERVICE, MODEL_DIM_INSTANCE_TYPE,
		      MODEL_DIM_OS_VERSION, MODEL_DIM_INSTANCE_NAME };
	static const char *const second[]
	    = { MODEL_DIM_PROCESS_NAME, MODEL_DIM_JDK_VERSION };
	struct prow       *pr    = arg;
	const char *const *want  = pr->row == 0 ? first : second;
	unsigned           nwant = pr->row == 0 ? 8 : (pr->row == 1 ? 2 : 0);

	for (unsigned k = 0; k < nwant; k++)
		for (unsigned c = 0; c < ncol; c++)
			if (vals[c] && !strcmp(names[c], want[k])
			    && pr->r->nowned < 16) {
				char *v = xstrdup(vals[c]);

				pr->r->owned[pr->r->nowned++] = v;
				qparams_set(&pr->r->p, want[k], v);
			}
	pr->row++;
}

static int
table_params(struct qrun *r)
{
	const struct query_shared *sh  = r->t->sh;
	struct tgt_qres            res = { 0 };
	struct prow                pr  = { .r = r };
	uint64_t                   ns, thr = 0;
	char                       err[256];

	buf_reset(&r->text);
	if (render(&sh->wl.params, &r->p, &r->text, err, sizeof(err))) {
		snprintf(r->ctx.err, sizeof(r->ctx.err), "%.250s", err);
		return -EINVAL;
	}
	res.row     = take_row;
	res.row_arg = &pr;
	res.stop    = &sh->stop;
	for (uint64_t t0 = now_ns();;) {
		pr.row              = 0;
		res.client_token[0] = '\0'; /* each try is a new query */
		if (run_query(r, r->text.p, &res, &ns, &thr) != TGT_OK)
			return -EIO;
		if (pr.row >= 2 || stopping(sh)
		    || now_ns() - t0 >= sh->o->query_wait * 1e9)
			break;
		nap(sh, 1000000000ull); /* a mixed run: wait for data */
	}
	if (pr.row < 2) {
		snprintf(r->ctx.err, sizeof(r->ctx.err),
		    "no data in the last 12 hours of table %s to take "
		    "query parameters from (ingest first, or use --params "
		    "fixed or random)",
		    sh->conf->table);
		return -ENODATA;
	}
	return 0;
}

/* Count of data points in the last 15 minutes, before or after the loop:
 * numDatapoints-<stage>.log/.err as the workload's, and -result.txt as
 * the seed's DataFrame of its num_data_points column (not written when
 * the count failed, as the seed). A dialect without one total (InfluxQL:
 * a row per measurement) gives several rows: their first columns add
 * up. */
struct count {
	bool any; /* a row came */
	char value[32];
};

static void
count_rows(void *arg, unsigned ncol, const char *const *names,
    const char *const *vals)
{
	struct count      *c = arg;
	char              *end;
	unsigned long long a, b;

	if (!ncol)
		return;
	(void)names;
	if (!c->any) {
		snprintf(c->value, sizeof(c->value), "%s",
		    vals[0] ? vals[0] : "None");
		c->any = true;
		return;
	}
	if (vals[0]) {
		a = strtoull(c->value, &end, 10);
		if (!*end && c->value[0]) {
			b = strtoull(vals[0], &end, 10);
			if (!*end && *vals[0]) {
				snprintf(
				    c->value, sizeof(c->value), "%llu", a + b);
				return;
			}
		}
	}
	snprintf(c->value, sizeof(c->value), "%s", vals[0] ? vals[0] : "None");
}

static void
count_points(struct qrun *r, const char *stage)
{
	const struct query_shared *sh  = r->t->sh;
	struct tgt_qres            res = { 0 };
	struct count               cnt = { 0 };
	char                       name[64], err[256];
	FILE                      *log, *ef, *out;
	uint64_t                   ns, thr = 0;
	enum tgt_status            st;

	snprintf(name, sizeof(name), "numDatapoints-%s.log", stage);
	log = open_in(r, name, "w");
	snprintf(name, sizeof(name), "numDatapoints-%s.err", stage);
	ef = open_in(r, name, "w");
	buf_reset(&r->text);
	if (render(&sh->wl.count, &r->p, &r->text, err, sizeof(err)) == 0) {
		res.row     = count_rows;
		res.row_arg = &cnt;
		res.stop    = &sh->stop;
		st          = run_query(r, r->text.p, &res, &ns, &thr);
	} else {
		snprintf(r->ctx.err, sizeof(r->ctx.err), "%.250s", err);
		st = TGT_FAIL;
		ns = 0;
	}
	write_exec_logs(r, log, ef, 1, &res, st, ns, NULL);
	snprintf(name, sizeof(name), "numDatapoints-%s-result.txt", stage);
	if (st == TGT_OK && (out = open_in(r, name, "w"))) {
		buf_reset(&r->logb);
		if (qsum_count_result(&r->logb, "num_data_points",
		        cnt.any ? cnt.value : NULL)
		    == 0)
			fwrite(r->logb.p, 1, r->logb.len, out);
		close_in(r, out);
	}
	close_in(r, log);
	close_in(r, ef);
}

/* Renders workload query i with the current parameters into r->text; in
 * row_count mode wrapped as the seed does (§4.2), with an alias where
 * the dialect needs one (PostgreSQL) and the seed's exact text for
 * Timestream. */
static int
render_workload(struct qrun *r, unsigned i, char *err, size_t errlen)
{
	const struct query_shared *sh = r->t->sh;
	struct buf                 q;
	int                        rc;

	buf_reset(&r->text);
	if (sh->wl.cfg.mode != QMODE_ROW_COUNT)
		return render(&sh->wl.tpl[i], &r->p, &r->text, err, errlen);
	buf_init(&q, SQL_MAX);
	rc = render(&sh->wl.tpl[i], &r->p, &q, err, errlen);
	if (!rc) {
		bool ts = !strcmp(sh->ops->dialect, "timestream");

		buf_adds(&r->text, "\nSELECT COUNT(*)\nFROM (\n    ");
		buf_add(&r->text, q.p, q.len);
		buf_adds(&r->text, ts ? "\n)\n" : "\n) AS q\n");
		rc = buf_cstr(&r->text);
	}
	buf_free(&q);
	return rc;
}

/* Renders the workload's texts once and writes do-qN.sql and opens the
 * .log/.err files of every query in the distribution. */
static int
open_files(struct qrun *r)
{
	const struct query_shared *sh = r->t->sh;
	char                       name[64], err[256];

	for (unsigned i = 0; i < sh->wl.cfg.n; i++) {
		unsigned id   = sh->wl.cfg.q[i].id;
		bool     rand = !strcmp(opts_params(sh->o), "random");
		FILE    *f;

		if (rand)
			qparams_random_model(&r->p, sh->model, uniform,
			    &r->rng, &sh->mc, sh->prefix);
		if (render_workload(r, i, err, sizeof(err))) {
			snprintf(
			    r->ctx.err, sizeof(r->ctx.err), "%.250s", err);
			return -EINVAL;
		}
		r->sql[i] = xstrdup(r->text.p);
		snprintf(name, sizeof(name), "do-q%u.sql", id);
		f = open_in(r, name, "w");
		if (!f)
			return -EIO;
		fputs(r->sql[i], f);
		close_in(r, f);
		snprintf(name, sizeof(name), "do-q%u.log", id);
		r->log[i] = open_in(r, name, "w");
		snprintf(name, sizeof(name), "do-q%u.err", id);
		r->errf[i] = open_in(r, name, "w");
		if (!r->log[i] || !r->errf[i])
			return -EIO;
	}
	return 0;
}

/* Open loop (--rate, --schedule): a pacer whose batches are queries, the
 * thread taking an equal share of the rate. 0, or -errno with the reason
 * in r->ctx.err. */
static int
open_loop(struct qrun *r)
{
	struct query_shared *sh = r->t->sh;
	struct pacer_conf    c  = {
		    .stop       = &sh->stop,
		    .rng        = &r->rng,
		    .share      = 1.0 / ((double)sh->workers * sh->threads),
		    .origin_ns  = sh->origin_ns,
		    .max_lag_ns = sh->o->max_lag_ms * 1000000u,
		    .sched      = &r->sched,
	};
	int rc = opts_sched(sh->o, &r->sched, r->ctx.err, sizeof(r->ctx.err));

	if (rc <= 0)
		return rc;
	r->open = true;
	return pacer_pick(&r->pacer, &c);
}

/* Connects, takes parameters and prepares the files: everything that can
 * fail before the first query. */
static int
prepare(struct qrun *r)
{
	struct query_thread       *t    = r->t;
	const struct query_shared *sh   = t->sh;
	const char                *mode = opts_params(sh->o);
	char                       err[256];
	int                        rc;

	snprintf(r->name, sizeof(r->name), "%s-%u-%u", sh->exp, sh->worker + 1,
	    t->index + 1);
	snprintf(r->prefix, sizeof(r->prefix), "[%u-%u]", sh->worker + 1,
	    t->index + 1);
	snprintf(r->dir, sizeof(r->dir), "%s/%s", sh->o->log_dir, r->name);
	rc = fs_mkdir_p(r->dir, err, sizeof(err));
	if (rc) {
		snprintf(r->ctx.err, sizeof(r->ctx.err), "%.250s", err);
		return rc;
	}
	rc = open_loop(r);
	if (!rc)
		rc = sh->ops->init(&r->ctx);
	if (rc)
		return rc;
	qparams_init(&r->p, sh->o->database, sh->o->table, sh->end);
	if (!strcmp(mode, "fixed"))
		qparams_fixed(&r->p);
	else if (!strcmp(mode, "table"))
		rc = table_params(r);
	else
		rc = qparams_random_model(
		    &r->p, sh->model, uniform, &r->rng, &sh->mc, sh->prefix);
	if (!rc)
		rc = open_files(r);
	return rc;
}

/* Think time after a success: TT, or uniform in [5000, TT] ms with
 * --randomized-think-time ([0, TT] when TT < 5000: the seed crashes). */
static uint64_t
think_ms(struct qrun *r)
{
	const struct tsl_opts *o = r->t->sh->o;
	uint64_t               lo;

	if (!o->think_ms || !o->think_random)
		return o->think_ms;
	lo = o->think_ms >= 5000 ? 5000 : 0;
	return lo + xrng_below(&r->rng, o->think_ms - lo + 1);
}

/* Runs query i of the workload; due_ns: when it was due (open loop), or
 * 0. */
static void
execute_one(struct qrun *r, unsigned i, uint64_t due_ns)
{
	struct query_thread       *t    = r->t;
	const struct query_shared *sh   = t->sh;
	struct tgt_qres            res  = { 0 };
	const char                *text = r->sql[i];
	char                       err[256];
	uint64_t                   ns, thr = 0;
	enum tgt_status            st;

	r->exec++;
	if (!strcmp(opts_params(sh->o), "random")) {
		qparams_random_model(
		    &r->p, sh->model, uniform, &r->rng, &sh->mc, sh->prefix);
		if (render_workload(r, i, err, sizeof(err)) == 0)
			text = r->text.p;
	}
	res.stop = &sh->stop;
	st       = run_query(r, text, &res, &ns, &thr);
	if (st != TGT_OK && abandon_due()) {
		/* Cut short by the stop: not an execution, no latency. */
		r->exec--;
		return;
	}
	/* with --params random the text is not in do-qN.sql */
	write_exec_logs(r, r->log[i], r->errf[i], r->exec, &res, st, ns,
	    strcmp(opts_params(sh->o), "random") ? NULL : text);

	pthread_mutex_lock(&t->lock);
	stats_record(&t->st, ns, st == TGT_OK);
	if (due_ns)
		stats_record_open(&t->st, due_ns, r->sent_ns, r->sent_ns + ns);
	t->st.throttles += thr;
	if (st == TGT_OK)
		t->st.records += res.rows;
	else if (!t->err[0])
		snprintf(t->err, sizeof(t->err),
		    "query thread %u: do-q%u: "
		    "%.200s",
		    t->index + 1, sh->wl.cfg.q[i].id, r->ctx.err);
	qsum_record(&t->qs, i, st == TGT_OK, ns / 1e9);
	pthread_mutex_unlock(&t->lock);

	if (st == TGT_OK && !r->open) /* with a rate, no think time */
		nap(sh, think_ms(r) * 1000000ull);
}

static void
write_summary(struct qrun *r)
{
	struct query_thread *t = r->t;
	struct buf           b;
	char                 name[400];
	FILE                *f;

	buf_init(&b, 1 << 20);
	pthread_mutex_lock(&t->lock);
	qsum_csv(&t->qs, &b);
	pthread_mutex_unlock(&t->lock);
	snprintf(name, sizeof(name), "%s-summary.csv", r->name);
	f = open_in(r, name, "w");
	if (f) {
		fwrite(b.p, 1, b.len, f);
		close_in(r, f);
	}
	buf_free(&b);
}

static void
run_loop(struct qrun *r)
{
	struct query_shared *sh    = r->t->sh;
	uint64_t             delay = 0;

	count_points(r, "begin");
	gate(sh, 0, true);
	/* Staggered start, as the seed's process starts its threads. */
	for (unsigned k = 0; k < r->t->index; k++)
		delay += sh->o->think_random
		    ? xrng_below(&r->rng, sh->o->think_ms + 1)
		    : sh->o->think_ms;
	if (!r->open)
		nap(sh, delay * 1000000ull);
	while (!stopping(sh) && (!sh->reps || r->exec < sh->reps)) {
		uint64_t           due;
		enum pacer_verdict v = pacer_batch(&r->pacer, 1, &due);
		unsigned           i
		    = choose_pick(&sh->wl.choose, xrng_uniform(&r->rng));

		if (v == PACER_END)
			break;
		if (v == PACER_SKIP) {
			pthread_mutex_lock(&r->t->lock);
			r->t->st.skipped++;
			pthread_mutex_unlock(&r->t->lock);
			continue;
		}
		execute_one(r, i, due);
	}
	gate(sh, 1, true);
	count_points(r, "end");
	write_summary(r);
}

void *
query_thread_main(void *arg)
{
	struct query_thread *t  = arg;
	struct query_shared *sh = t->sh;
	struct qrun          r;
	int                  rc;

	memset(&r, 0, sizeof(r));
	r.t          = t;
	r.ctx.ops    = sh->ops;
	r.ctx.conf   = sh->conf;
	r.ctx.worker = sh->worker;
	r.ctx.thread = t->index;
	buf_init(&r.text, SQL_MAX);
	buf_init(&r.logb, SQL_MAX + 4096);
	xrng_seed(&r.rng, sh->seed,
	    (1ull << 40) | ((uint64_t)sh->worker << 20) | t->index);

	rc = prepare(&r);
	if (rc)
		keep_error(
		    t, r.ctx.err[0] ? r.ctx.err : "query set-up failed");
	t->init_ok = rc == 0;

	pthread_mutex_lock(&sh->lock);
	sh->inited++;
	pthread_cond_broadcast(&sh->cond);
	pthread_mutex_unlock(&sh->lock);

	if (t->init_ok) {
		run_loop(&r);
	} else {
		gate(sh, 0, false);
		gate(sh, 1, false);
	}
	sh->ops->fini(&r.ctx);
	for (unsigned i = 0; i < 6; i++) {
		free(r.sql[i]);
		close_in(&r, r.log[i]);
		close_in(&r, r.errf[i]);
	}
	for (unsigned i = 0; i < r.nowned; i++)
		free(r.owned[i]);
	sched_free(&r.sched);
	buf_free(&r.text);
	buf_free(&r.logb);
	atomic_fetch_add(&sh->finished, 1);
	return NULL;
}
