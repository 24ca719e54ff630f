/* ingest.c - the ingestion loop of one worker thread: generate samples for
 * the thread's series, batch their records, write them with retries, pace
 * the cycles as the seed does, and count everything.
 */
#include "ingest.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "abandon.h"
#include "backoff.h"
#include "clock.h"
#include "fanout.h"
#include "fresh.h"
#include "gen.h"
#include "latlog.h"
#include "log.h"
#include "model_ops.h"
#include "pacer.h"
#include "parse.h"
#include "rng.h"
#include "spool.h"
#include "stage.h"
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
	struct mt19937        mt;   /* seed-exact mode: CPython's stream */
	char                  note[512]; /* --dry-run: a sample's debug line */
	struct sample        *s;         /* batch slots */
	unsigned              cap;       /* slots */
	struct batch          b;
	unsigned              limit; /* records per batch, 0: one sample */
	uint64_t              cycle_records; /* records of the cycles so far */
	uint64_t              last_throttles;
	struct pacer          pacer;   /* when each cycle is due */
	struct ingest_chain   chain;   /* one target: from here to it */
	bool                  chained; /* chain opened (to be closed) */
	struct sched          sched;   /* --rate, --schedule: the thread's */
	bool                  ended;   /* the schedule is over */
	double                bad_p;   /* --bad-data as a probability */
	struct sample        *bad;     /* injected records waiting: sent in a
	                                  batch of their own (flush_bad) */
	unsigned nbad;
};

/* Injected records a thread keeps before it sends them. */
enum { BAD_BATCH = 1000 };

/* The pacer the options ask for (pacers/pacer.h), open loop with a
 * schedule, each thread taking an equal share of the rate. 0, or -errno
 * with the reason in err (a schedule file that went bad since the
 * coordinator read it). */
static int
pick_pacer(struct wstate *w, char *err, size_t errlen)
{
	const struct ingest_shared *sh = w->t->sh;
	const struct tsl_opts      *o  = sh->o;
	struct pacer_conf           c  = {
		           .interval_ms = o->interval_ms,
		           .step_ms     = sh->m->ops->step_ms,
		           .cycles      = o->autostop,
		           .t0_ms       = sh->t0_ms,
		           .stop        = &w->t->sh->stop,
		           .warned_ms   = &w->t->sh->warned_ms,
		           .rng         = &w->rng,
		           .share = 1.0 / ((double)sh->workers * sh->threads),
		           .origin_ns  = sh->origin_ns,
		           .max_lag_ns = o->max_lag_ms * 1000000u,
	};
	int rc = opts_sched(o, &w->sched, err, errlen);

	if (rc < 0)
		return rc;
	if (rc > 0)
		c.sched = &w->sched;
	/* opts_validate() has checked both times; relative ones ("-3d",
	 * "now") are taken from the run's start, the same in every worker. */
	c.virt
	    = !parse_time_ms(o->start_time, sh->t0_ms, &c.start_ms, NULL, 0);
	if (c.virt && o->end_time[0])
		parse_time_ms(o->end_time, sh->t0_ms, &c.end_ms, NULL, 0);
	pacer_pick(&w->pacer, &c); /* interval or unpaced always wants */
	return 0;
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
		/* a batch skipped for --max-lag is skipped before the fan-out:
		 * for every target (counted once in the totals) */
		d->s.skipped += t->f.st.skipped;
		d->s.skipped_points += t->f.st.skipped_points;
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
	else if (st == TGT_SPOOLED)
		log_warn(
		    "thread %u: %.*s cannot take batches, keeping them in the spool until it answers: %s",
		    t->index + 1, wholen, who, msg);
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

			/* a spool takes what the target did not */
			if (stage_spill(stage, b) == TGT_SPOOLED) {
				st = TGT_SPOOLED;
				break;
			}
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

void
ingest_chain_sync(struct ingest_chain *ch, struct ingest_figs *f)
{
	struct stats       *st = &f->st;
	struct stage_counts c;

	stage_chain_counts(&ch->stage, &c);
	st->records += c.replayed - ch->seen.replayed;
	st->points += c.replayed_points - ch->seen.replayed_points;
	st->rejected += c.replay_rejected - ch->seen.replay_rejected;
	st->lost += c.replay_failed - ch->seen.replay_failed;
	st->replayed      = c.replayed;
	st->spooled       = c.spooled;
	st->spool_start   = c.start;
	st->spool_left    = c.left;
	st->spool_bytes   = c.bytes;
	st->dropped       = c.dropped;
	st->corrupt       = c.corrupt;
	st->corrupt_spans = c.corrupt_spans;
	st->spool_blocked = c.blocked;
	if (f->last == TGT_SPOOLED && c.replayed > ch->seen.replayed
	    && !c.left)
		f->last = TGT_OK; /* up again, the spool sent */
	ch->seen = c;
}

bool
ingest_record(struct ingest_thread *t, struct ingest_figs *f,
    struct ingest_chain *ch, const struct tgt_ctx *ctx, const struct batch *b,
    enum tgt_status st, const struct ingest_timing *tm)
{
	struct fresh *fr;

	pthread_mutex_lock(&t->lock);
	f->st.generated += b->records;
	/* A closed pipe writes nothing and fails nothing: the reader left;
	 * a spooled batch is counted by the spool. */
	if (st != TGT_CLOSED && st != TGT_SPOOLED) {
		stats_record(&f->st, tm->lat, st == TGT_OK);
		latlog_write(tm->lat);
		if (tm->due)
			stats_record_open(
			    &f->st, tm->due, tm->start, tm->start + tm->lat);
	}
	f->st.throttles += tm->throttles;
	f->last = (uint8_t)st;
	if (st == TGT_OK) {
		/* Records the target refused one by one are not written;
		 * their reasons are kept like a first error. */
		unsigned rr
		    = ctx->rejected < b->records ? ctx->rejected : b->records;
		unsigned rp = ctx->rejected_points < b->points
		    ? ctx->rejected_points
		    : b->points;

		if (rr == b->records)
			rp = b->points; /* nothing of the batch stored */
		f->st.records += b->records - rr;
		f->st.points += b->points - rp;
		f->st.rejected += rr;
		if ((rr || rp) && !f->err[0])
			snprintf(f->err, sizeof(f->err), "thread %u: %.230s",
			    t->index + 1, ctx->err);
	} else if (st == TGT_SPOOLED) {
		/* the spool's counts say where its records went */
	} else if (target_status_stop(st)) {
		f->stopped = true;
		snprintf(f->err, sizeof(f->err), "thread %u: %.230s",
		    t->index + 1,
		    ctx->err[0] ? ctx->err : "the target stopped");
	} else if (!f->err[0]) {
		snprintf(f->err, sizeof(f->err), "thread %u: %.230s",
		    t->index + 1, ctx->err[0] ? ctx->err : "write failed");
	}
	if (st != TGT_OK && st != TGT_SPOOLED)
		f->st.lost += b->records; /* not written, not kept */
	ingest_chain_sync(ch, f);
	pthread_mutex_unlock(&t->lock);
	fr = atomic_load(&t->sh->fresh);
	if (fr && st == TGT_OK
	    && !ctx->rejected) /* no clock read without it */
		fresh_offer(
		    fr, t->tgt ? (unsigned)(f - t->tgt) : 0, b, now_ns());
	return target_status_stop(st);
}

void
ingest_chain_flush(
    struct ingest_thread *t, struct ingest_chain *ch, struct ingest_figs *f)
{
	for (bool more = true; more;) {
		more = stage_chain_flush(&ch->stage);
		pthread_mutex_lock(&t->lock);
		ingest_chain_sync(ch, f);
		pthread_mutex_unlock(&t->lock);
	}
}

int
ingest_chain_open(struct ingest_thread *t, struct ingest_chain *ch,
    struct tgt_ctx *ctx, unsigned k)
{
	const struct ingest_shared *sh = t->sh;
	const struct tsl_opts      *o  = sh->o;
	const struct model         *m  = sh->m;
	enum spool_full             f  = SPOOL_BLOCK;

	memset(&ch->conf, 0, sizeof(ch->conf));
	if (o->spool_dir[0]) {
		spool_full_parse(o->spool_full, &f); /* opts_validate did */
		/* one target keeps the name it always had */
		if (sh->n_tgt > 1)
			snprintf(ch->spool_dir, sizeof(ch->spool_dir),
			    "%s/w%u-t%u-k%u", o->spool_dir, sh->worker,
			    t->index, k);
		else
			snprintf(ch->spool_dir, sizeof(ch->spool_dir),
			    "%s/w%u-t%u", o->spool_dir, sh->worker, t->index);
		opts_spool_ident(o, k, m->first_host, t->h0, t->h1, ch->ident,
		    sizeof(ch->ident));
		ch->conf = (struct stage_conf) {
			.spool_dir   = ch->spool_dir,
			.spool_max   = opts_spool_share(o),
			.spool_full  = (uint8_t)f,
			.spool_sync  = o->spool_sync,
			.ident       = ch->ident,
			.model       = m,
			.max_retries = o->max_retries,
			.stop        = &sh->stop,
		};
	}
	memset(&ch->seen, 0, sizeof(ch->seen));
	return stage_chain_open(&ch->stage, ctx, &ch->conf);
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
	struct ingest_thread  *t = w->t;
	const struct tsl_opts *o = t->sh->o;
	struct ingest_timing   tm;
	uint64_t               full = 0;
	enum tgt_status        st   = TGT_FAIL;
	enum pacer_verdict     v;

	memset(&tm, 0, sizeof(tm));
	if (!w->b.n || (!t->fo && t->f.stopped) || w->ended)
		goto out;
	if (w->b.records == w->limit)
		full = w->b.records;
	/* open loop: wait until the batch is due (at once without a rate) */
	v = pacer_batch(&w->pacer,
	    opts_rate_records(o) ? w->b.records : w->b.points, &tm.due);
	if (v == PACER_END) {
		w->ended = true; /* not due before the end: not written */
		goto out;
	}
	if (v == PACER_SKIP) {
		pthread_mutex_lock(&t->lock);
		t->f.st.skipped++;
		t->f.st.skipped_points += w->b.points;
		pthread_mutex_unlock(&t->lock);
		goto out;
	}
	if (t->fo) {
		fanout_push(t->fo, &w->b, tm.due);
		goto out;
	}
	tm.start               = now_ns();
	w->ctx.rejected        = 0;
	w->ctx.rejected_points = 0;
	st     = ingest_deliver(&w->chain.stage, &w->ctx, &w->b, &w->rng,
	        o->max_retries, &tm.throttles, single_retry, w);
	tm.lat = now_ns() - tm.start;
	tell_first(w, st, w->ctx.err);

	tm.throttles += w->ctx.throttles - w->last_throttles;
	w->last_throttles = w->ctx.throttles;
	if (ingest_record(t, &t->f, &w->chain, &w->ctx, &w->b, st, &tm))
		atomic_store(&t->sh->stop, true);
out:
	w->b.n       = 0;
	w->b.records = 0;
	w->b.points  = 0;
	if (t->bsa && full && st == TGT_OK
	    && bsa_report(t->bsa, full, tm.lat, wall_ms() - t->sh->t0_ms))
		resize_batch(w);
}

/* --dry-run: the model's debug line of the sample just made, on stdout
 * in one write(2), so that the lines of threads and workers never mix. */
static void
print_note(struct wstate *w)
{
	size_t n = strnlen(w->note, sizeof(w->note) - 1);

	w->note[n] = '\n';
	if (write(STDOUT_FILENO, w->note, n + 1) < 0) {
		/* the reader went away: the run goes on without notes */
	}
	w->note[n] = '\0';
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
	s->bad          = 0;
	w->draw.time_ms = T;
	if (w->draw.note)
		w->draw.note[0] = '\0';
	n         = m->ops->values(m, se, &w->draw, s->v);
	s->absent = w->draw.absent;
	if (w->draw.note && w->draw.note[0])
		print_note(w);
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

/* --bad-data: sends the injected records kept so far as one batch of
 * their own, after the pending good ones: a server that refuses a whole
 * batch (PostgreSQL's COPY) then refuses only them, and the target counts
 * them as rejected. */
static void
flush_bad(struct wstate *w)
{
	unsigned points = 0;

	if (!w->nbad)
		return;
	write_batch(w);
	for (unsigned i = 0; i < w->nbad; i++)
		points += w->b.multi ? target_points(&w->bad[i]) : 1;
	w->b.s       = w->bad;
	w->b.n       = w->nbad;
	w->b.records = w->nbad;
	w->b.points  = points;
	pthread_mutex_lock(&w->t->lock);
	if (w->t->tgt) /* fan-out: every target is sent them */
		for (unsigned k = 0; k < w->t->sh->n_tgt; k++)
			w->t->tgt[k].st.injected += w->nbad;
	else
		w->t->f.st.injected += w->nbad;
	pthread_mutex_unlock(&w->t->lock);
	write_batch(w);
	w->b.s  = w->s;
	w->nbad = 0;
}

/* --bad-data: keeps the sample in slot k as one invalid record (its
 * first present measure in the single layout, the whole sample in the
 * multi one), sent by flush_bad at the cycle's end or when BAD_BATCH are
 * waiting. */
static void
add_bad(struct wstate *w, unsigned k, unsigned nmeas)
{
	struct sample *s = &w->bad[w->nbad];
	unsigned       first;

	*s    = w->s[k];
	first = present_next(s, 0, nmeas);
	if (first >= nmeas)
		return; /* every measure left out: no record */
	s->bad   = (uint8_t)(1 + xrng_below(&w->rng, 255));
	s->first = w->b.multi ? 0 : (uint8_t)first;
	s->count = w->b.multi ? (uint8_t)nmeas : 1;
	if (++w->nbad == BAD_BATCH)
		flush_bad(w);
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

	if (w->bad_p > 0 && xrng_uniform(&w->rng) < w->bad_p) {
		w->cycle_records++;
		add_bad(w, k, nmeas);
		return;
	}
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

	if (stopping(w->t->sh) || w->ended)
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
	/* --replay: nothing generated, the spool sent (below) */
	while (!t->sh->o->replay[0] && !stopping(t->sh) && !w->ended
	    && pacer_next(&w->pacer, &cy)) {
		w->ts = cy.stamp_ms;
		if (cy.behind) {
			pthread_mutex_lock(&t->lock);
			t->f.st.behind++;
			pthread_mutex_unlock(&t->lock);
		}
		m->ops->cycle(m, t->h0, t->h1, &w->emit);
		write_batch(w); /* a cycle's records never wait for the next */
		flush_bad(w);
		/* Batches never span cycles: a size beyond one cycle's
		 * records is never full. */
		if (t->bsa && !limited && !stopping(t->sh)) {
			bsa_limit(t->bsa, (uint32_t)w->cycle_records);
			resize_batch(w);
			limited = true;
		}
	}
	write_batch(w);
	flush_bad(w);
	if (!t->fo) /* fan-out: each target's writer sends its spool */
		ingest_chain_flush(t, &w->chain, &t->f);
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
	w.draw.r    = &w.rng;
	w.draw.seed = sh->seed;
	w.bad_p     = o->bad_data / 100.0;
	if (w.bad_p > 0)
		w.bad = xcalloc(BAD_BATCH, sizeof(*w.bad));
	/* Seed-exact mode: one worker, one thread and --seed N draw the
	 * values from CPython's random.seed(N) stream, in the seed's order
	 * (the continuous model; a model that has no such order ignores
	 * it). */
	if (o->seed && opts_workers(o) == 1 && o->concurrency == 1) {
		mt_seed(&w.mt, (int64_t)o->seed);
		w.draw.mt = &w.mt;
	}
	if (o->dry_run) {
		w.draw.note     = w.note;
		w.draw.note_len = sizeof(w.note) - 1; /* room for '\n' */
	}

	rc = pick_pacer(&w, w.ctx.err, sizeof(w.ctx.err));
	if (rc) {
		keep_error(t, w.ctx.err);
	} else if (sh->n_tgt > 1) {
		rc = fanout_start(t, w.cap); /* errors kept per target */
	} else {
		w.ctx.hosts = &t->f.hosts;
		rc          = ingest_chain_open(t, &w.chain, &w.ctx, 0);
		if (rc)
			keep_error(t,
			    w.ctx.err[0] ? w.ctx.err : "target init failed");
		w.chained = true; /* closed whatever the outcome */
	}
	t->init_ok = rc == 0;

	pthread_mutex_lock(&sh->lock);
	sh->inited++;
	pthread_cond_broadcast(&sh->cond);
	pthread_mutex_unlock(&sh->lock);

	if (t->init_ok) {
		if (!t->fo) {
			pthread_mutex_lock(&t->lock);
			/* what an earlier run left in the spool */
			ingest_chain_sync(&w.chain, &t->f);
			pthread_mutex_unlock(&t->lock);
		}
		run_cycles(&w);
	}
	if (t->fo)
		fanout_stop(t); /* writes what is queued, sends the spools */
	else if (w.chained)
		stage_chain_close(&w.chain.stage, &w.ctx);
	sched_free(&w.sched);
	free(w.s);
	free(w.bad);
	atomic_fetch_add(&sh->finished, 1);
	return NULL;
}
