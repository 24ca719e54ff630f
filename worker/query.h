/* query.h - one query thread of a worker (the seed's query driver).
 *
 * A thread is one simulated user: it takes its parameters (from the table,
 * the seed's fixed set, or fresh random ones per execution), runs the
 * weighted workload of config.ini, writes do-qN.sql/.log/.err and its
 * summary CSV into its own log directory, and keeps every latency so that
 * the coordinator can merge them.
 */
#ifndef TSL_QUERY_H
#define TSL_QUERY_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "opts.h"
#include "qconfig.h"
#include "qsummary.h"
#include "render.h"
#include "stats.h"
#include "target.h"
#include "workload.h"

struct query_shared {
	const struct tsl_opts   *o;
	const struct tgt_conf   *conf;
	const struct target_ops *ops;
	const struct model_ops  *model;    /* --model: random hosts */
	struct model_conf        mc;       /* its settings (opts_model_conf) */
	struct qworkload         wl;       /* config.ini and the templates */
	const char              *end;      /* query end-time expression */
	char                     exp[256]; /* "<prefix>-<UTC start time>" */
	char                     prefix[9]; /* instance-name prefix */
	unsigned                 worker;    /* 0-based */
	uint64_t                 seed;
	uint64_t                 reps;      /* per thread, 0 = until stopped */
	unsigned                 workers;   /* query workers of the run */
	unsigned                 threads;   /* threads of this worker */
	uint64_t                 origin_ns; /* now_ns() at the run's start */
	atomic_bool              stop;
	atomic_uint              finished; /* threads that have returned */
	atomic_bool file_err; /* a file of the log directory could not be
	                         written (said once; the run fails) */
	pthread_mutex_t lock; /* start barrier and count gates */
	pthread_cond_t  cond;
	unsigned        inited;
	unsigned        running; /* threads started, 0 until known */
	unsigned        gate[2]; /* threads past the begin / end count */
};

struct query_thread {
	struct query_shared *sh;
	pthread_t            tid;
	unsigned             index; /* 0-based */
	bool                 init_ok;
	bool                 running;
	pthread_mutex_t      lock; /* guards st, qs, err */
	struct stats         st;   /* executions; records = rows read */
	struct qsum          qs;
	char                 err[TGT_ERR_MAX];
} __attribute__((aligned(64)));

/** Loads config.ini and the templates of the target's dialect for options
 *  o; t0_ms names the run. 0, or -errno with the reason in err. */
int  query_shared_init(struct query_shared *sh, const struct tsl_opts *o,
     const struct tgt_conf *conf, unsigned worker, int64_t t0_ms, uint64_t seed,
     char *err, size_t errlen);
void query_shared_destroy(struct query_shared *sh);

/** Says how many threads were started (after the last pthread_create):
 *  the count gates wait for that many. */
void query_shared_running(struct query_shared *sh, unsigned n);

void query_thread_init(
    struct query_thread *t, struct query_shared *sh, unsigned index);
void query_thread_destroy(struct query_thread *t);
/** pthread entry point; arg is a struct query_thread. */
void *query_thread_main(void *arg);
/** Adds the thread's statistics and latencies to dst/qs and its first
 *  error to err when err is still empty. */
void query_thread_collect(struct query_thread *t, struct stats *dst,
    struct qsum *qs, char *err, size_t errlen);

#endif
