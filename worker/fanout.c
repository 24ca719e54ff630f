/* fanout.c - one writer thread per target of an ingest thread, fed by a
 * bounded queue of batch copies (fanout.h). */
#include "fanout.h"

#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "log.h"
#include "xalloc.h"

/* Queue depth: about this many samples queued per lane, within
 * [QUEUE_MIN, QUEUE_MAX] batches. */
enum { QUEUE_SAMPLES = 8192, QUEUE_MIN = 4, QUEUE_MAX = 64 };

struct lane {
	struct fanout      *fo;
	unsigned            k;       /* 0-based target index */
	char                who[48]; /* "target 2 vm", for messages */
	struct tgt_ctx      ctx;
	struct ingest_chain chain; /* this target's, with its own spool */
	bool                inited, chained;
	bool        spooled; /* a spool in front: a full queue is waited for */
	struct xrng rng;
	pthread_t   tid;
	bool        running;
	uint64_t    last_throttles;
	uint8_t     retry_st; /* outcome of the last retried attempt */
	/* the queue: depth slots of cap samples, under lock */
	pthread_mutex_t lock;
	pthread_cond_t  more, room;
	struct batch   *q;
	uint64_t       *due; /* each queued batch's (open loop), or 0 */
	struct sample  *slots;
	unsigned        depth, head, count;
	bool            closing;
	/* unreachable and no batch taken since: batches are tried once and
	 * not waited for (set and read by the writer; read by the pusher) */
	atomic_bool down;
};

struct fanout {
	struct ingest_thread *t;
	unsigned              n, cap;
	struct lane          *lane;
};

/* A retry of lane l's target: said once per worker, the state noted. */
static void
lane_retry(void *arg, enum tgt_status st)
{
	struct lane          *l = arg;
	struct ingest_thread *t = l->fo->t;

	l->retry_st = (uint8_t)st;
	if (st == TGT_UNREACHABLE && !atomic_load(&l->down)) {
		/* from now on not waited for: wake a pusher that waits */
		pthread_mutex_lock(&l->lock);
		atomic_store(&l->down, true);
		pthread_cond_broadcast(&l->room);
		pthread_mutex_unlock(&l->lock);
	}
	ingest_tell(t, &t->sh->told_tgt[l->k], l->who, (int)strlen(l->who), st,
	    l->ctx.err);
	pthread_mutex_lock(&t->lock);
	t->tgt[l->k].last = (uint8_t)st;
	pthread_mutex_unlock(&t->lock);
}

/* Writes one queued batch to lane l's target and counts it. */
static void
lane_write(struct lane *l, const struct batch *b, uint64_t due)
{
	struct ingest_thread *t    = l->fo->t;
	bool                  down = atomic_load(&l->down);
	struct ingest_timing  tm   = { .due = due, .start = now_ns() };
	enum tgt_status       st;

	if (t->tgt[l->k].stopped)
		return; /* this target ended the run: nothing more to it */
	l->ctx.rejected        = 0;
	l->ctx.rejected_points = 0;
	l->retry_st            = TGT_OK;
	st     = ingest_deliver(&l->chain.stage, &l->ctx, b, &l->rng,
            down ? 0 : t->sh->o->max_retries, &tm.throttles, lane_retry, l);
	tm.lat = now_ns() - tm.start;
	ingest_tell(t, &t->sh->told_tgt[l->k], l->who, (int)strlen(l->who), st,
	    l->ctx.err);
	if (st == TGT_OK)
		atomic_store(&l->down, false);
	tm.throttles += l->ctx.throttles - l->last_throttles;
	l->last_throttles = l->ctx.throttles;
	if (ingest_record(t, &t->tgt[l->k], &l->chain, &l->ctx, b, st, &tm))
		atomic_store(&t->sh->stop, true);
	if (st != TGT_OK && st != TGT_SPOOLED
	    && l->retry_st == TGT_UNREACHABLE) {
		pthread_mutex_lock(&t->lock);
		t->tgt[l->k].last = TGT_UNREACHABLE; /* dead, not failing */
		pthread_mutex_unlock(&t->lock);
	}
}

static void *
lane_main(void *arg)
{
	struct lane *l = arg;

	for (;;) {
		struct batch *b;
		uint64_t      due;

		pthread_mutex_lock(&l->lock);
		while (!l->count && !l->closing)
			pthread_cond_wait(&l->more, &l->lock);
		if (!l->count) {
			pthread_mutex_unlock(&l->lock);
			break;
		}
		b   = &l->q[l->head]; /* stays taken until written */
		due = l->due[l->head];
		pthread_mutex_unlock(&l->lock);

		lane_write(l, b, due);

		pthread_mutex_lock(&l->lock);
		l->head = (l->head + 1) % l->depth;
		l->count--;
		pthread_cond_signal(&l->room);
		pthread_mutex_unlock(&l->lock);
	}
	/* the run ends: the spool sends what it holds, while it can */
	if (!l->fo->t->tgt[l->k].stopped)
		ingest_chain_flush(l->fo->t, &l->chain, &l->fo->t->tgt[l->k]);
	return NULL;
}

/* Counts b as failed for lane l's target without writing it: the target
 * is down and its queue is full. */
static void
lane_drop(struct lane *l, const struct batch *b)
{
	struct ingest_thread *t = l->fo->t;
	struct ingest_figs   *f = &t->tgt[l->k];

	pthread_mutex_lock(&t->lock);
	f->st.attempts++;
	f->st.failed++;
	f->st.generated += b->records;
	f->st.lost += b->records; /* not written, not kept */
	f->last = TGT_UNREACHABLE;
	if (!f->err[0])
		snprintf(f->err, sizeof(f->err),
		    "thread %u: %s unreachable and its queue full: batch not written",
		    t->index + 1, l->who);
	pthread_mutex_unlock(&t->lock);
}

void
fanout_push(struct fanout *fo, const struct batch *b, uint64_t due)
{
	for (unsigned k = 0; k < fo->n; k++) {
		struct lane  *l = &fo->lane[k];
		struct batch *d;

		if (!l->running)
			continue;
		pthread_mutex_lock(&l->lock);
		while (l->count == l->depth
		    && (l->spooled || !atomic_load(&l->down)))
			pthread_cond_wait(&l->room, &l->lock);
		if (l->count == l->depth) {
			pthread_mutex_unlock(&l->lock);
			lane_drop(l, b);
			continue;
		}
		d                = &l->q[(l->head + l->count) % l->depth];
		*d               = *b;
		l->due[d - l->q] = due;
		d->s             = &l->slots[(size_t)(d - l->q) * fo->cap];
		memcpy((void *)d->s, b->s, (size_t)b->n * sizeof(*b->s));
		l->count++;
		pthread_cond_signal(&l->more);
		pthread_mutex_unlock(&l->lock);
	}
}

/* Connects lane k: its target and its chain (stage_chain_open, where a
 * disk spool for this target goes, in front of this target only). */
static int
lane_init(struct fanout *fo, unsigned k)
{
	struct ingest_thread  *t  = fo->t;
	struct ingest_shared  *sh = t->sh;
	struct lane           *l  = &fo->lane[k];
	const struct tgt_conf *c  = &sh->tconf[k];
	int                    rc;

	l->fo = fo;
	l->k  = k;
	snprintf(l->who, sizeof(l->who), "target %u %.*s", k + 1,
	    (int)strcspn(c->url, ":"), c->url);
	l->ctx.ops    = target_find(c->url);
	l->ctx.conf   = c;
	l->ctx.worker = sh->worker;
	l->ctx.thread = t->index;
	xrng_seed(&l->rng, sh->seed ^ 0x9e3779b97f4a7c15ull * (k + 1),
	    ((uint64_t)sh->worker << 20) | t->index);
	l->depth = fo->cap >= QUEUE_SAMPLES / QUEUE_MIN ? QUEUE_MIN
	    : QUEUE_SAMPLES / fo->cap > QUEUE_MAX       ? QUEUE_MAX
	                                          : QUEUE_SAMPLES / fo->cap;
	l->q     = xcalloc(l->depth, sizeof(*l->q));
	l->due   = xcalloc(l->depth, sizeof(*l->due));
	l->slots = xcalloc((size_t)l->depth * fo->cap, sizeof(*l->slots));
	pthread_mutex_init(&l->lock, NULL);
	pthread_cond_init(&l->more, NULL);
	pthread_cond_init(&l->room, NULL);
	atomic_init(&l->down, false);
	l->inited    = true;
	l->ctx.hosts = &t->tgt[k].hosts;
	l->spooled   = sh->o->spool_dir[0] != '\0';
	rc           = ingest_chain_open(t, &l->chain, &l->ctx, k);
	l->chained   = true; /* closed whatever the outcome */
	if (rc) {
		pthread_mutex_lock(&t->lock);
		snprintf(t->tgt[k].err, sizeof(t->tgt[k].err),
		    "thread %u: %.230s", t->index + 1,
		    l->ctx.err[0] ? l->ctx.err : "target init failed");
		pthread_mutex_unlock(&t->lock);
		return rc;
	}
	pthread_mutex_lock(&t->lock);
	ingest_chain_sync(&l->chain, &t->tgt[k]); /* an earlier run's spool */
	pthread_mutex_unlock(&t->lock);
	rc = -pthread_create(&l->tid, NULL, lane_main, l);
	if (rc) {
		pthread_mutex_lock(&t->lock);
		snprintf(t->tgt[k].err, sizeof(t->tgt[k].err),
		    "thread %u: cannot start the writer of %s: %s",
		    t->index + 1, l->who, strerror(-rc));
		pthread_mutex_unlock(&t->lock);
		return rc;
	}
	l->running = true;
	return 0;
}

int
fanout_start(struct ingest_thread *t, unsigned cap)
{
	struct fanout *fo = xcalloc(1, sizeof(*fo));
	int            rc = 0;

	fo->t    = t;
	fo->n    = t->sh->n_tgt;
	fo->cap  = cap ? cap : 1;
	fo->lane = xcalloc(fo->n, sizeof(*fo->lane));
	t->fo    = fo;
	for (unsigned k = 0; k < fo->n && !rc; k++)
		rc = lane_init(fo, k);
	return rc;
}

void
fanout_stop(struct ingest_thread *t)
{
	struct fanout *fo = t->fo;

	if (!fo)
		return;
	for (unsigned k = 0; k < fo->n; k++) {
		struct lane *l = &fo->lane[k];

		if (!l->inited)
			continue;
		pthread_mutex_lock(&l->lock);
		l->closing = true;
		pthread_cond_signal(&l->more);
		pthread_mutex_unlock(&l->lock);
	}
	for (unsigned k = 0; k < fo->n; k++) {
		struct lane *l = &fo->lane[k];

		if (!l->inited)
			continue;
		if (l->running)
			pthread_join(l->tid, NULL);
		if (l->chained)
			stage_chain_close(&l->chain.stage, &l->ctx);
		pthread_mutex_destroy(&l->lock);
		pthread_cond_destroy(&l->more);
		pthread_cond_destroy(&l->room);
		free(l->q);
		free(l->due);
		free(l->slots);
	}
	free(fo->lane);
	free(fo);
	t->fo = NULL;
}
