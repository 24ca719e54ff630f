/* ingest.c - the ingestion loop of one worker thread: generate samples for
 * the thread's series, batch their records, write them with retries, pace
 * the cycles as the seed does, and count everything.
 */
#include "ingest.h"

#include <stdio.h>
#include <string.h>

#include "abandon.h"
#include "fanout.h"
#include "backoff.h"
#include "clock.h"
#include "gen.h"
#include "log.h"
#include "model_ops.h"
#include "pacer.h"
#include "stage.h"
#include "parse.h"
#include "rng.h"
#include "xalloc.h"

/* 64-bit: an int enumerator overflows when shifted by the attempt count
 * (undefined behaviour), and ISO C limits enumerators to int. */
#define BACKOFF_BASE_NS (10ull * 1000 * 1000)
#define BACKOFF_CAP_NS (5000ull * 1000 * 1000)
/* --batch-size auto without a target limit: --batch-size's own. */
#define BATCH_AUTO_MAX 100000u

/* What one thread is writing: its batch under construction. */
struct wstate {
	struct model_emit     emit; /* first: the model's cycle calls it */
	int64_t               ts;   /* the cycle's timestamp */
	struct ingest_thread *t;
	struct tgt_ctx        ctx;
	struct xrng           rng;
	struct model_draw     draw; /* what the model's ->values draws from */
	struct sample        *s;    /* batch slots */
	unsigned              cap;  /* slots */
	struct batch          b;
	unsigned              limit; /* records per batch, 0: one sample */
	uint64_t              cycle_records; /* records of the cycles so far */
	uint64_t              last_throttles;
	struct pacer          pacer; /* when each cycle is due */
	struct stage          stage; /* the chain from here to the target */
};

/* The pacer the options ask for (pacers/pacer.h). */
static void
pick_pacer(struct wstate *w)
{
	const struct ingest_shared *sh = w->t->sh;
	const struct tsl_opts      *o  = sh->o;
	struct pacer_conf           c  = {
		           .interval_ms = o->interval_ms,
		           .t0_ms       = sh->t0_ms,
		           .stop        = &w->t->sh->stop,
		           .warned_ms   = &w->t->sh->warned_ms,
		           .rng         = &w->rng,
	};

	/* opts_validate() has checked both times; relative ones ("-3d",
	 * "now") are taken from the run's start, the same in every worker. */
	c.virt
	    = !parse_time_ms(o->start_time, sh->t0_ms, &c.start_ms, NULL, 0);
	if (c.virt && o->end_time[0])
		parse_time_ms(o->end_time, sh->t0_ms, &c.end_ms, NULL, 0);
	pacer_pick(&w->pacer, &c); /* interval or unpaced always wants */
}

void
ingest_shared_init(struct ingest_shared *sh)
{
	memset(sh, 0, sizeof(*sh));
	atomic_init(&sh->stop, false);
	atomic_init(&sh->warned_ms, 0);
	atomic_init(&sh->told, 0);
	for (unsigned k = 0; k < OPTS_TARGETS_MAX; k++)
		atomic_init(&sh->told_tgt[k], 0);
	atomic_init(&sh->finished, 0);
	pthread_mutex_init(&sh->lock, NULL);
	pthread_cond_init(&sh->cond, NULL);
}

void
ingest_shared_destroy(struct ingest_shared *sh)
{
	pthread_mutex_destroy(&sh->lock);
	pthread_cond_destroy(&sh->cond);
}

void
ingest_thread_init(struct ingest_thread *t, struct ingest_shared *sh,
    unsigned index, uint32_t h0, uint32_t h1)
{
	memset(t, 0, sizeof(*t));
	t->sh    = sh;
	t->index = index;
	t->h0    = h0;
	t->h1    = h1;
	pthread_mutex_init(&t->lock, NULL);
	stats_init(&t->f.st);
	if (sh->n_tgt > 1) {
		t->tgt = xcalloc(sh->n_tgt, sizeof(*t->tgt));
		for (unsigned k = 0; k < sh->n_tgt; k++)
			stats_init(&t->tgt[k].st);
	}
}

void
ingest_thread_destroy(struct ingest_thread *t)
{
	if (t->bsa) {
		bsa_free(t->bsa);
		free(t->bsa);
		t->bsa = NULL;
	}
	free(t->tgt);
	t->tgt = NULL;
	pthread_mutex_destroy(&t->lock);
}

void
ingest_thread_collect(struct ingest_thread *t, struct stats *dst,
    uint32_t *state, char *err, size_t errlen)
{
	const uint32_t stop
	    = TGT_STATE_BIT(TGT_FATAL) | TGT_STATE_BIT(TGT_CLOSED);
	unsigned n = t->tgt ? t->sh->n_tgt : 1;

	pthread_mutex_lock(&t->lock);
	if (t->tgt)
		stats_merge(dst, &t->f.st); /* behind schedule */
	for (unsigned k = 0; k < n; k++) {
		const struct ingest_figs *f = t->tgt ? &t->tgt[k] : &t->f;

		stats_merge(dst, &f->st);
		if (f->err[0]
		    && (!err[0] || (f->stopped && !(*state & stop)))) {
			if (t->tgt)
				snprintf(err, errlen, "target %u: %s", k + 1,
				    f->err);
			else
				snprintf(err, errlen, "%s", f->err);
		}
		if (f->last != TGT_OK)
			*state |= TGT_STATE_BIT(f->last);
	}
	pthread_mutex_unlock(&t->lock);
}

void
ingest_thread_collect_targets(struct ingest_thread *t, struct proto_stats *m)
{
	if (!t->tgt) {
		proto_hosts_add_pub(&m->hosts, &t->f.hosts);
		return;
	}
	for (unsigned k = 0; k < t->sh->n_tgt; k++)
		proto_hosts_add_pub(&m->tgt[k].hosts, &t->tgt[k].hosts);
	m->n_tgt = t->sh->n_tgt;
	pthread_mutex_lock(&t->lock);
	for (unsigned k = 0; k < t->sh->n_tgt; k++) {
		const struct ingest_figs *f = &t->tgt[k];
		struct proto_tgt         *d = &m->tgt[k];

		stats_merge(&d->s, &f->st);
		if (f->err[0] && !d->err[0])
			snprintf(d->err, sizeof(d->err), "%s", f->err);
		if (f->last != TGT_OK)
			d->state |= TGT_STATE_BIT(f->last);
	}
	pthread_mutex_unlock(&t->lock);
}

static bool
stopping(const struct ingest_shared *sh)
{
	return atomic_load_explicit(&sh->stop, memory_order_relaxed);
}

static void
keep_error(struct ingest_thread *t, const char *msg)
{
	pthread_mutex_lock(&t->lock);
	if (!t->f.err[0])
		snprintf(t->f.err, sizeof(t->f.err), "thread %u: %.230s",
		    t->index + 1, msg);
	pthread_mutex_unlock(&t->lock);
}

void
ingest_tell(const struct ingest_thread *t, atomic_uint *told, const char *who,
    int wholen, enum tgt_status st, const char *msg)
{
	unsigned bit = TGT_STATE_BIT(st);

	if (st == TGT_OK || target_status_stop(st)
	    || (atomic_fetch_or(told, bit) & bit))
		return;
	if (st == TGT_FAIL)
		log_err("thread %u: %.*s write failed: %s", t->index + 1,
		    wholen, who, msg);
	else
		log_warn("thread %u: %.*s %s, retrying with backoff: %s",
		    t->index + 1, wholen, who, target_status_text(st), msg);
}

/* The single target's outcomes, said as ingest_tell says. */
static void
tell_first(struct wstate *w, enum tgt_status st, const char *msg)
{
	struct ingest_shared *sh  = w->t->sh;
	const char           *url = sh->o->target;

	ingest_tell(w->t, &sh->told, url, (int)strcspn(url, ":"), st, msg);
}

/* --batch-size auto: takes the automator's size, with room for it (only
 * between batches: the slots are moved). */
static void
resize_batch(struct wstate *w)
{
	struct ingest_thread *t = w->t;

	w->limit = t->bsa->size;
	if (w->limit > w->cap) {
		w->s   = xrealloc(w->s, (size_t)w->limit * sizeof(*w->s));
		w->b.s = w->s;
		w->cap = w->limit;
	}
	pthread_mutex_lock(&t->lock);
	t->batch = w->limit;
	pthread_mutex_unlock(&t->lock);
}

enum tgt_status
ingest_deliver(struct stage *stage, struct tgt_ctx *ctx, const struct batch *b,
    struct xrng *rng, uint64_t max_retries, uint64_t *throttles,
    void (*on_retry)(void *, enum tgt_status), void *arg)
{
	enum tgt_status st = TGT_FAIL;

	for (uint64_t attempt = 0;; attempt++) {
		st = stage_write(stage, b);
		if (!target_status_retry(st))
			break;
		(*throttles)++;
		on_retry(arg, st);
		if (abandon_due()) {
			/* stopped, and the grace is over: not written */
			snprintf(ctx->err, sizeof(ctx->err),
			    "write abandoned at the stop after %llu retries",
			    (unsigned long long)attempt);
			st = TGT_FAIL;
			break;
		}
		if (attempt >= max_retries) {
			char last[sizeof(ctx->err)];

			memcpy(last, ctx->err, sizeof(last));
			snprintf(ctx->err, sizeof(ctx->err),
			    "gave up after %llu retries of %s target%s%.180s",
			    (unsigned long long)attempt,
			    st == TGT_UNREACHABLE ? "an unreachable"
			                          : "a busy or throttled",
			    last[0] ? ": " : "", last);
			st = TGT_FAIL;
			break;
		}
		sleep_until_ns(now_ns()
		    + backoff_ns(
		        rng, BACKOFF_BASE_NS, BACKOFF_CAP_NS, attempt));
	}
	return st;
}

bool
ingest_record(struct ingest_thread *t, struct ingest_figs *f,
    const struct tgt_ctx *ctx, const struct batch *b, enum tgt_status st,
    uint64_t lat, uint64_t throttles)
{
	pthread_mutex_lock(&t->lock);
	/* A closed pipe writes nothing and fails nothing: the reader left. */
	if (st != TGT_CLOSED)
		stats_record(&f->st, lat, st == TGT_OK);
	f->st.throttles += throttles;
	f->last = (uint8_t)st;
	if (st == TGT_OK) {
		/* Records the target refused one by one are not written;
		 * their reasons are kept like a first error. */
		unsigned rr
		    = ctx->rejected < b->records ? ctx->rejected : b->records;
		unsigned rp = ctx->rejected_points < b->points
		    ? ctx->rejected_points
		    : b->points;

		f->st.records += b->records - rr;
		f->st.points += b->points - rp;
		f->st.rejected += rr;
		if (rr && !f->err[0])
			snprintf(f->err, sizeof(f->err), "thread %u: %.230s",
			    t->index + 1, ctx->err);
	} else if (target_status_stop(st)) {
		f->stopped = true;
		snprintf(f->err, sizeof(f->err), "thread %u: %.230s",
		    t->index + 1,
		    ctx->err[0] ? ctx->err : "the target stopped");
	} else if (!f->err[0]) {
		snprintf(f->err, sizeof(f->err), "thread %u: %.230s",
		    t->index + 1, ctx->err[0] ? ctx->err : "write failed");
	}
	pthread_mutex_unlock(&t->lock);
	return target_status_stop(st);
}

/* A retry of the single target: said once, and the state noted. */
static void
single_retry(void *arg, enum tgt_status st)
{
	struct wstate *w = arg;

	tell_first(w, st, w->ctx.err);
	pthread_mutex_lock(&w->t->lock);
	w->t->f.last = (uint8_t)st;
	pthread_mutex_unlock(&w->t->lock);
}

/* Writes the pending batch, retrying busy, throttled or unreachable
 * answers with exponential backoff and full jitter, and records the
 * outcome. The latency covers every attempt, as the seed's covers
 * botocore's retries. A batch that fails after its retries is counted as
 * failed and its records as not written. An outcome that ends the run
 * stops this worker's threads; the coordinator stops the others. With
 * several targets the batch is handed to each target's writer instead
 * (fanout.h), which does the same on its own thread. */
static void
write_batch(struct wstate *w)
{
	struct ingest_thread *t     = w->t;
	uint64_t              start = now_ns(), lat = 0, throttles = 0;
	uint64_t              full = 0;
	enum tgt_status       st   = TGT_FAIL;

	if (t->fo) {
		if (w->b.n)
			fanout_push(t->fo, &w->b);
		goto out;
	}
	if (!w->b.n || t->f.stopped)
		goto out;
	if (w->b.records == w->limit)
		full = w->b.records;
	w->ctx.rejected        = 0;
	w->ctx.rejected_points = 0;
	st  = ingest_deliver(&w->stage, &w->ctx, &w->b, &w->rng,
	     t->sh->o->max_retries, &throttles, single_retry, w);
	lat = now_ns() - start;
	tell_first(w, st, w->ctx.err);

	throttles += w->ctx.throttles - w->last_throttles;
	w->last_throttles = w->ctx.throttles;
	if (ingest_record(t, &t->f, &w->ctx, &w->b, st, lat, throttles))
		atomic_store(&t->sh->stop, true);
out:
	w->b.n       = 0;
	w->b.records = 0;
	w->b.points  = 0;
	if (t->bsa && full && st == TGT_OK
	    && bsa_report(t->bsa, full, lat, wall_ms() - t->sh->t0_ms))
		resize_batch(w);
}

/* Fills slot s with a fresh sample of series `se` at time T and returns
 * its number of measures. */
static unsigned
make_sample(
    struct wstate *w, struct sample *s, const struct series *se, int64_t T)
{
	unsigned n;

	const struct model *m = w->t->sh->m;

	s->series       = se;
	s->time_ms      = T;
	w->draw.time_ms = T;
	n               = m->ops->values(m, se, &w->draw, s->v);
	s->absent       = w->draw.absent;
	if (w->b.req_id != REQID_NONE) {
		gen_uuid4(&w->rng, s->req_id);
		if (w->b.req_id == REQID_MEASURE)
			n++;
	} else {
		s->req_id[0] = '\0';
	}
	return n;
}

/* The end of the run of present measures of s from `first` (< nmeas). */
static unsigned
present_end(const struct sample *s, unsigned first, unsigned nmeas)
{
	while (first < nmeas && !(s->absent >> first & 1))
		first++;
	return first;
}

/* The first present measure of s from `first`, or nmeas. */
static unsigned
present_next(const struct sample *s, unsigned first, unsigned nmeas)
{
	while (first < nmeas && (s->absent >> first & 1))
		first++;
	return first;
}

/* Generates one sample and adds its records to the batch, writing the
 * batch whenever it is full. In the single-measure layout a sample may be
 * split over two batches (seed §3.2, without its record loss), and
 * measures the model left out split it too. */
static void
add_sample(struct wstate *w, const struct series *se, int64_t T)
{
	unsigned       k     = w->b.n;
	struct sample *s     = &w->s[k];
	unsigned       nmeas = make_sample(w, s, se, T), first = 0, end;

	w->cycle_records += w->b.multi ? 1 : nmeas;
	if (w->b.multi) {
		unsigned points;

		s->first = 0;
		s->count = (uint8_t)nmeas;
		points   = target_points(s);
		if (!points)
			return; /* every measure left out: no record */
		w->b.n++;
		w->b.records++;
		w->b.points += points;
		if (!w->limit || w->b.records >= w->limit)
			write_batch(w);
		return;
	}
	first = present_next(s, 0, nmeas);
	while (first < nmeas) {
		unsigned take;

		end  = present_end(s, first, nmeas);
		take = end - first;

		if (w->limit && take > w->limit - w->b.records)
			take = w->limit - w->b.records;
		if (w->b.n != k) /* continuing after a flush: move to slot 0 */
			memcpy(&w->s[w->b.n], &w->s[k], sizeof(*s));
		k        = w->b.n;
		s        = &w->s[k];
		s->first = (uint8_t)first;
		s->count = (uint8_t)take;
		w->b.n++;
		w->b.records += take;
		w->b.points += take;
		first = present_next(s, first + take, nmeas);
		if (!w->limit || w->b.records >= w->limit)
			write_batch(w);
	}
}

/* The model's cycle hands each series here: a sample of it, batched. */
static bool
emit_series(struct model_emit *e, const struct series *se)
{
	struct wstate *w = (struct wstate *)e; /* emit is its first member */

	if (stopping(w->t->sh))
		return false;
	add_sample(w, se, w->ts);
	return true;
}

/* Writes cycle after cycle, as the pacer hands them out, until it ends
 * the run (a backfill's end) or the run stops. */
static void
run_cycles(struct wstate *w)
{
	struct ingest_thread *t = w->t;
	const struct model   *m = t->sh->m;
	struct pacer_cycle    cy;
	bool                  limited = false; /* bsa_limit called */

	w->emit.series = emit_series;
	while (!stopping(t->sh) && w->pacer.ops->next(&w->pacer, &cy)) {
		w->ts = cy.stamp_ms;
		if (cy.behind) {
			pthread_mutex_lock(&t->lock);
			t->f.st.behind++;
			pthread_mutex_unlock(&t->lock);
		}
		m->ops->cycle(m, t->h0, t->h1, &w->emit);
		write_batch(w); /* a cycle's records never wait for the next */
		/* Batches never span cycles: a size beyond one cycle's
		 * records is never full. */
		if (t->bsa && !limited && !stopping(t->sh)) {
			bsa_limit(t->bsa, (uint32_t)w->cycle_records);
			resize_batch(w);
			limited = true;
		}
	}
	write_batch(w);
}

void *
ingest_thread_main(void *arg)
{
	struct ingest_thread  *t  = arg;
	struct ingest_shared  *sh = t->sh;
	const struct tsl_opts *o  = sh->o;
	struct wstate          w;
	int                    rc;

	memset(&w, 0, sizeof(w));
	w.t          = t;
	w.ctx.ops    = target_find(o->target);
	w.ctx.conf   = sh->conf;
	w.ctx.worker = sh->worker;
	w.ctx.thread = t->index;
	w.limit      = o->batch_writes ? (unsigned)o->batch_size : 0;
	if (opts_batch_auto(o)) {
		t->bsa = xmalloc(sizeof(*t->bsa));
		bsa_init(t->bsa, 1,
		    w.ctx.ops->max_batch ? (uint32_t)w.ctx.ops->max_batch
		                         : BATCH_AUTO_MAX);
		w.limit  = t->bsa->size;
		t->batch = w.limit;
	}
	w.cap      = w.limit ? w.limit : 1;
	w.s        = xcalloc(w.cap, sizeof(*w.s));
	w.b.s      = w.s;
	w.b.multi  = o->multi;
	w.b.req_id = sh->conf->req_id;
	xrng_seed(&w.rng, sh->seed, ((uint64_t)sh->worker << 20) | t->index);
	w.draw.r = &w.rng;
	pick_pacer(&w);

	if (sh->n_tgt > 1) {
		rc = fanout_start(t, w.cap); /* errors kept per target */
	} else {
		w.ctx.hosts = &t->f.hosts;
		rc          = stage_chain_open(&w.stage, &w.ctx);
		if (rc)
			keep_error(t,
			    w.ctx.err[0] ? w.ctx.err : "target init failed");
	}
	t->init_ok = rc == 0;

	pthread_mutex_lock(&sh->lock);
	sh->inited++;
	pthread_cond_broadcast(&sh->cond);
	pthread_mutex_unlock(&sh->lock);

	if (t->init_ok)
		run_cycles(&w);
	if (t->fo) {
		fanout_stop(t); /* writes what is queued */
	} else {
		stage_chain_close(&w.stage, &w.ctx);
	}
	free(w.s);
	atomic_fetch_add(&sh->finished, 1);
	return NULL;
}
