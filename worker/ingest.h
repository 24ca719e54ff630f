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
#include "rng.h"
#include "stage.h"
#include "stats.h"
#include "stats_msg.h"
#include "target.h"

/* What the writes to one target did, guarded by the thread's lock: the
 * thread's own with one target; with several (fan-out), one per target,
 * kept by that target's writer (fanout.h). */
struct ingest_figs {
	struct stats st;
	uint8_t      last;    /* outcome of the last write: enum tgt_status */
	bool         stopped; /* a write ended the run (fatal, closed) */
	char         err[TGT_ERR_MAX]; /* first error; the stop's reason
	                                  once stopped */
	struct cluster_pub hosts;      /* a cluster target's hosts (atomics,
	                                  outside the lock) */
};

/* One writer's chain to its target (the ingest thread's with one
 * target, each fan-out lane's with several): the settings of its stages
 * (a spool's directory and share) and the chain's counts already taken
 * into its figures. */
struct ingest_chain {
	struct stage        stage;
	struct stage_conf   conf;
	struct stage_counts seen;
	char                spool_dir[4096];
	char                ident[1024];
};

/* When a batch was due and how its write went (ingest_record). */
struct ingest_timing {
	uint64_t due;       /* open loop: when it was due (now_ns), else 0 */
	uint64_t start;     /* its write began (now_ns) */
	uint64_t lat;       /* ns over every attempt */
	uint64_t throttles; /* retries */
};

struct fanout;

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
	/* fan-out: the same per target, and each target's settings */
	atomic_uint            told_tgt[OPTS_TARGETS_MAX];
	const struct tgt_conf *tconf; /* n_tgt of them, NULL with one */
	unsigned               n_tgt;
	atomic_uint            finished; /* threads that have returned */
	/* --freshness in worker 0, else NULL: set after the writers start */
	struct fresh *_Atomic fresh;
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
	struct bsa    *bsa;
	struct fanout *fo; /* fan-out: the targets' writers, else NULL */
	/* guarded by lock */
	pthread_mutex_t    lock;
	struct ingest_figs f;      /* one target: its figures; fan-out:
	                              only f.st.behind */
	struct ingest_figs *tgt;   /* fan-out: per target, else NULL */
	uint32_t            batch; /* --batch-size auto: records per batch */
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
/** Adds what is kept per target to m: with one target the hosts of its
 *  cluster (m->hosts); with several (fan-out) each target's figures and
 *  hosts (m->tgt, m->n_tgt). */
void ingest_thread_collect_targets(
    struct ingest_thread *t, struct proto_stats *m);
/** Records the outcome st of writing b (timing tm) into f, under t's
 *  lock: the thread's figures or a target's, and brings ch's counts (a
 *  spool's) in. @return whether st stops the run. */
bool ingest_record(struct ingest_thread *t, struct ingest_figs *f,
    struct ingest_chain *ch, const struct tgt_ctx *ctx, const struct batch *b,
    enum tgt_status st, const struct ingest_timing *tm);
/** Opens ch to ctx for thread t and its target k (0-based): with
 *  --spool-dir a spool in front, in DIR/w<W>-t<T> with one target or
 *  DIR/w<W>-t<T>-k<k> with several, each with its share of --spool-max
 *  (stage_chain_open; stage_chain_close it either way). 0, or -errno
 *  with the reason in ctx->err. */
int ingest_chain_open(struct ingest_thread *t, struct ingest_chain *ch,
    struct tgt_ctx *ctx, unsigned k);
/** Brings ch's counts (a spool's) into f; the caller holds t->lock. */
void ingest_chain_sync(struct ingest_chain *ch, struct ingest_figs *f);
/** The run ends: sends what ch's stages hold (stage_chain_flush),
 *  counting into f. */
void ingest_chain_flush(
    struct ingest_thread *t, struct ingest_chain *ch, struct ingest_figs *f);
/** Prints the first outcome of each kind in this worker (busy,
 *  unreachable, failed; `told` keeps which were said) when it happens,
 *  naming the target as who (wholen bytes: "vm", "target 2 vm"); later
 *  ones are only counted. What stops the run is said once by the
 *  coordinator. */
void ingest_tell(const struct ingest_thread *t, atomic_uint *told,
    const char *who, int wholen, enum tgt_status st, const char *msg);
/** Writes b through the chain at stage, retrying busy, throttled or
 *  unreachable answers with backoff up to max_retries times (each retry
 *  counted in *throttles and told through on_retry); the outcome. */
enum tgt_status ingest_deliver(struct stage *stage, struct tgt_ctx *ctx,
    const struct batch *b, struct xrng *rng, uint64_t max_retries,
    uint64_t *throttles, void (*on_retry)(void *, enum tgt_status), void *arg);

#endif
