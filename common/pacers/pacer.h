/* pacer.h - when each cycle of samples is due, and what time it carries.
 *
 * A pacer is an ops table (interval, unpaced, backfill), registered in
 * pacer.c: a new pacer is one file here plus one line there.
 *
 * Who calls what: each ingest thread owns one struct pacer. It calls
 * ->init once before its first cycle, ->next before every cycle (the
 * first call returns the first cycle at once), ->fini at the end. ->next
 * may block until the cycle is due; it returns early, with false, when
 * *stop becomes true. Nothing is shared between threads but the
 * "Can't keep up" warning's clock (struct pacer_conf.warned_ms).
 * An open-loop pacer sets due_ns to each cycle's intended start, so that
 * latency can be measured from it rather than from the send.
 */
#ifndef TSL_PACER_H
#define TSL_PACER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "rng.h"

/* What every pacer is given. */
struct pacer_conf {
	uint64_t             interval_ms; /* --interval-millis, 0: unpaced */
	int64_t              t0_ms; /* the run's first cycle (wall clock) */
	bool                 virt;  /* --start-time given: stamps from it */
	int64_t              start_ms, end_ms; /* --start-time, --end-time */
	const atomic_bool   *stop;      /* set: return from ->next at once */
	atomic_int_fast64_t *warned_ms; /* last "can't keep up", per worker */
	struct xrng         *rng;       /* the thread's stream (jitter) */
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

/** The registered pacers, NULL-terminated, in the order pacer_pick()
 *  asks them. */
const struct pacer_ops *const *pacer_list(void);
/** The pacer named name, or NULL. */
const struct pacer_ops *pacer_find(const char *name);
/** Sets p up with the first pacer that wants conf. @return 0, or -EINVAL
 *  when none does. */
int pacer_pick(struct pacer *p, const struct pacer_conf *conf);
/** Whether an ops table has every member. */
bool pacer_ops_valid(const struct pacer_ops *ops);

#endif
