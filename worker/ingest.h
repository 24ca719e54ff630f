/* ingest.h - one ingestion thread of a worker.
 *
 * A thread owns a contiguous slice of its worker's hosts: their metric
 * sets, then their event sets. Each cycle it writes one sample per series
 * stamped with the cycle's timestamp, then sleeps until the next cycle is
 * due (seed §2.8 pacing, without holding any lock). Statistics are kept
 * per thread behind a mutex that only the worker's reporter also takes.
 */
#ifndef TSL_INGEST_H
#define TSL_INGEST_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "batchauto.h"
#include "model.h"
#include "opts.h"
#include "stats.h"
#include "target.h"

struct ingest_shared {
	const struct tsl_opts *o;
	const struct model    *m;
	const struct tgt_conf *conf;
	unsigned               worker;    /* 0-based worker index */
	int64_t                t0_ms;     /* first cycle's timestamp */
	uint64_t               seed;      /* value seed of the run */
	unsigned               workers;   /* ingest workers of the run */
	unsigned               threads;   /* threads of this worker */
	uint64_t               origin_ns; /* now_ns() at the run's start */
	atomic_bool            stop;      /* set: finish the sample, flush */
	atomic_int_fast64_t    warned_ms; /* last "can't keep up" message */
	atomic_uint            told; /* TGT_STATE_BITs of outcomes printed */
	atomic_uint            finished; /* threads that have returned */
	/* start barrier: threads report after ->init */
	pthread_mutex_t lock;
	pthread_cond_t  cond;
	unsigned        inited;
};

struct ingest_thread {
	struct ingest_shared *sh;
	pthread_t             tid;
	unsigned              index;  /* 0-based thread index */
	uint32_t              h0, h1; /* local hosts [h0, h1) */
	bool                  init_ok;
	bool                  running; /* pthread_create succeeded */
	/* --batch-size auto: the thread's search, NULL otherwise; the
	 * thread's alone until it is joined, then the role's (RESULT) */
	struct bsa *bsa;
	/* guarded by lock */
	pthread_mutex_t lock;
	struct stats    st;
	uint8_t         last; /* outcome of the last write: enum tgt_status */
	bool            stopped; /* a write ended the run (fatal, closed) */
	uint32_t        batch;   /* --batch-size auto: records per batch now */
	char            err[TGT_ERR_MAX]; /* first error; the stop's reason
	                                     once stopped */
} __attribute__((aligned(64)));

void ingest_shared_init(struct ingest_shared *sh);
void ingest_shared_destroy(struct ingest_shared *sh);
void ingest_thread_init(struct ingest_thread *t, struct ingest_shared *sh,
    unsigned index, uint32_t h0, uint32_t h1);
void ingest_thread_destroy(struct ingest_thread *t);
/** pthread entry point; arg is a struct ingest_thread. */
void *ingest_thread_main(void *arg);
/** Adds the thread's statistics to dst, its state to *state (the
 *  TGT_STATE_BIT of its last write's outcome, when not TGT_OK) and copies
 *  its first error into err when err is still empty, or its reason to stop
 *  the run when *state says no other thread stopped it yet. */
void ingest_thread_collect(struct ingest_thread *t, struct stats *dst,
    uint32_t *state, char *err, size_t errlen);

#endif
