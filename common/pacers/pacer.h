/* pacer.h - when each cycle of samples is due, and what time it carries.
 *
 * A pacer is an ops table (interval, unpaced, backfill, step, rate),
 * registered in pacer.c: a new pacer is one file here plus one line there.
 *
 * Who calls what: each ingest thread owns one struct pacer. It calls
 * pacer_next() before every cycle (the first call returns the first
 * cycle at once), which asks ->next unless the thread has had its
 * --autostop cycles. ->next may block until the cycle is due; it returns
 * early, with false, when *stop becomes true.
 *
 * The step pacer is a model's own (model_ops.step_ms, continuous: 1000),
 * used when no interval or time range is asked for: every cycle carries
 * the current wall-clock step (epoch ms floored to a multiple of
 * step_ms), strictly after the previous cycle's; a cycle that would
 * share its step waits (sleeping) until the next one begins. Cycles run
 * as fast as the target takes them, and are never behind.
 * With cycles = N (--autostop N, any pacer) a thread's pacer hands out
 * N cycles and then ends the run for that thread: each series of the
 * thread gets exactly N samples (unless the run is stopped first).
 *
 * Nothing is shared between threads but the "Can't keep up" warning's
 * clock (struct pacer_conf.warned_ms). An open-loop pacer sets due_ns to
 * each cycle's intended start, so that latency can be measured from it
 * rather than from the send.
 *
 * Open loop (--rate, --schedule: conf.sched set). The unit of work is a
 * batch, not a cycle: the ingest loop asks pacer_batch() before it writes
 * each batch, with the batch's size in the rate's unit (data points or
 * records). pacer_batch() works out when the batch is due from the
 * schedule's count (the thread's share of the units due since the run
 * began, so a rate holds on average and never drifts), sleeps until then,
 * and answers PACER_GO with the due time, PACER_SKIP when the batch is
 * already later than conf.max_lag_ns (it is not to be written, only
 * counted), or PACER_END when the schedule has ended or *stop was set.
 * Every pacer's cycles are cut so; pacers that sleep between cycles step
 * aside for the rate pacer (rate.c), which hands cycles back to back, each
 * stamped with the intended time of its first batch. Without a schedule
 * pacer_batch() answers PACER_GO at once with due 0 (closed loop: each
 * batch is sent when the last one is done).
 */
#ifndef TSL_PACER_H
#define TSL_PACER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "rng.h"
#include "schedule.h"

/* What every pacer is given. */
struct pacer_conf {
	uint64_t             interval_ms; /* --interval-millis, 0: unpaced */
	uint32_t             step_ms;     /* the model's own step, 0: none */
	uint64_t             cycles;      /* --autostop: most cycles, 0: all */
	int64_t              t0_ms; /* the run's first cycle (wall clock) */
	bool                 virt;  /* --start-time given: stamps from it */
	int64_t              start_ms, end_ms; /* --start-time, --end-time */
	const atomic_bool   *stop;      /* set: return from ->next at once */
	atomic_int_fast64_t *warned_ms; /* last "can't keep up", per worker */
	struct xrng         *rng;       /* the thread's stream (jitter) */
	/* open loop; sched NULL: closed loop */
	struct sched *sched;      /* the thread's own (reloaded by it) */
	double        share;      /* the thread's part of the rate, (0, 1] */
	uint64_t      origin_ns;  /* now_ns() at the run's start (t = 0) */
	uint64_t      max_lag_ns; /* a batch later than this is skipped */
};

/* One cycle, as ->next describes it. */
struct pacer_cycle {
	int64_t  stamp_ms; /* the timestamp its samples carry */
	uint64_t due_ns;   /* now_ns() when it was due (0: not scheduled) */
	bool     behind;   /* it started late ("can't keep up") */
};

struct pacer {
	const struct pacer_ops *ops;
	struct pacer_conf       c;
	uint64_t                k;     /* cycles handed out */
	int64_t                 sched; /* the wall-clock schedule, epoch ms */
	/* open loop */
	bool     begun;      /* start_u is set */
	double   start_u;    /* the schedule's count when the thread began */
	double   done;       /* units of the batches handed out */
	uint64_t checked_ns; /* last look for a changed schedule file */
};

/* What pacer_batch() says of the next batch. */
enum pacer_verdict {
	PACER_GO,   /* write it now */
	PACER_SKIP, /* later than --max-lag: count it, do not write it */
	PACER_END,  /* no more: the schedule ended, or the run stops */
};

struct pacer_ops {
	const char *name;
	const char *help; /* one line for the docs */
	/* Whether this pacer is the one the settings ask for. */
	bool (*wants)(const struct pacer_conf *c);
	/* Fills c; false when there is no further cycle (a backfill's end)
	 * or *stop was set while waiting. */
	bool (*next)(struct pacer *p, struct pacer_cycle *c);
};

extern const struct pacer_ops pacer_interval;
extern const struct pacer_ops pacer_unpaced;
extern const struct pacer_ops pacer_backfill;
extern const struct pacer_ops pacer_step;
extern const struct pacer_ops pacer_rate;

/** The next cycle of p: false after conf.cycles cycles (when set), else
 *  what p's ->next says. */
bool pacer_next(struct pacer *p, struct pacer_cycle *c);

/** The registered pacers, NULL-terminated, in the order pacer_pick()
 *  asks them. */
const struct pacer_ops *const *pacer_list(void);
/** The pacer named name, or NULL. */
const struct pacer_ops *pacer_find(const char *name);
/** Sets p up with the first pacer that wants conf. @return 0, or -EINVAL
 *  when none does. */
int pacer_pick(struct pacer *p, const struct pacer_conf *conf);
/** Open loop: waits until the next batch, of `units` units, is due, and
 *  says so (see above); *due_ns is when it was due (0 without a
 *  schedule). */
enum pacer_verdict pacer_batch(
    struct pacer *p, uint64_t units, uint64_t *due_ns);
/** Open loop: waits until the next unit is due, without taking it. true
 *  and when it was due, or false for PACER_END. */
bool pacer_wait_next(struct pacer *p, uint64_t *due_ns);
/** Whether an ops table has every member. */
bool pacer_ops_valid(const struct pacer_ops *ops);

#endif
