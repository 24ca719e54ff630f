/* role.h - what a worker's threads do: a role is an ops table (ingest,
 * query), registered in role.c, so worker.c has no role branches.
 *
 * Who calls what: worker.c, on the worker's main thread, in this order:
 *   ->setup once (after the assignment), ->start once, then ->collect
 *   every second and ->finished in between, ->stop and ->join once at the
 *   end, ->collect and ->put_result for the RESULT, ->destroy last
 *   (also after a failed ->setup). None but ->start and ->join blocks.
 * The role owns everything it allocates in struct role_run's priv.
 */
#ifndef TSL_ROLE_H
#define TSL_ROLE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "model.h"
#include "opts.h"
#include "proto.h"
#include "stats_msg.h"
#include "target.h"

/* What a role is given: the options, the assignment and the target. */
struct role_run {
	const struct tsl_opts     *o;
	const struct proto_assign *as;
	struct tgt_conf           *conf; /* the role may set its schema */
	unsigned                   nth;  /* threads */
	void                      *priv; /* the role's */
};

struct role_ops {
	const char *name; /* the --role the coordinator sets */
	const char *who;  /* log prefix once set up: "tsload query worker" */

	/* Builds what the threads need (model shard, templates) and nth
	 * thread states. 0, or -errno with the reason logged. */
	int (*setup)(struct role_run *r);
	/* Starts the threads and waits until each has connected its target
	 * (or failed to), so that the first report says how many could. */
	void (*start)(struct role_run *r);
	/* Asks every thread to finish what it is doing and return. */
	void (*stop)(struct role_run *r);
	/* Whether every thread has returned by itself (repetitions done,
	 * --end-time reached). */
	bool (*finished)(struct role_run *r);
	/* Joins every started thread. */
	void (*join)(struct role_run *r);
	/* Sums the threads' cumulative statistics into m (zeroed by the
	 * caller), with threads_ok, state bits and the first error. */
	void (*collect)(struct role_run *r, struct proto_stats *m);
	/* Appends what the RESULT carries besides the statistics (the query
	 * role's latencies), after ->collect. May be NULL. */
	void (*put_result)(struct role_run *r, struct buf *msg);
	/* Frees priv; safe after a failed or partial ->setup. */
	void (*destroy)(struct role_run *r);
};

extern const struct role_ops role_ingest;
extern const struct role_ops role_query;

/** The role named name, or NULL. */
const struct role_ops *role_find(const char *name);
/** The registered roles, NULL-terminated. */
const struct role_ops *const *role_list(void);
/** Whether an ops table has every mandatory member. */
bool role_ops_valid(const struct role_ops *ops);

/* For the roles: their thread states are arrays of structs holding a
 * pthread_t at tid_off and a bool "started" at running_off. */
struct role_threads {
	void  *base;
	size_t size, tid_off, running_off;
	void *(*main)(void *); /* pthread entry, given &base[i] */
};

/** Starts r->nth threads; on a failure it logs, calls ->stop and starts
 *  no more. @return how many started. */
unsigned role_spawn(struct role_run *r, const struct role_ops *ops,
    const struct role_threads *t);
/** Waits until *inited reaches n (under lock, signalled on cond). */
void role_wait_inited(
    pthread_mutex_t *lock, pthread_cond_t *cond, unsigned *inited, unsigned n);
/** now_ns() at the run's start t0_ms (wall clock), for the open loop's
 *  schedule: the same moment in every worker of the machine (never in
 *  the future). */
uint64_t role_origin_ns(int64_t t0_ms);
/** Joins every thread that started. */
void role_join_all(struct role_run *r, const struct role_threads *t);
#endif
