/* batchauto.h - --batch-size auto: one ingest thread's search for the
 * batch size with the most records per second (after the CrateDB data
 * generator's batch-size automator, seed-behaviour-2 §2.6).
 *
 * The thread reports every full batch it wrote (records, nanoseconds the
 * write took, retries included); the automator answers with the size of
 * the next batch. Records per second are records over write time: the
 * part of a thread's time that depends on the size (generating a record
 * costs the same in any batch, and pacing waits are not the target's).
 * It measures a size over a trial (at least BSA_TRIAL_BATCHES batches and
 * BSA_TRIAL_NS of write time, or BSA_TRIAL_MAX batches) and searches in steps
 * of a factor of 2, halved when neither neighbour of the best size is better,
 * down to a factor 2^BSA_STEP_MIN (~1.19): it settles within one such step of
 * the best size. A neighbour must beat the best by BSA_BETTER to be taken, so
 * noise does not walk it away. Settled, it keeps measuring windows of
 * BSA_WATCH_TRIALS trials and searches again, from the size it has, when
 * two windows in a row are off the settled rate by more than BSA_DRIFT.
 *
 * What the seed's does that this does not: steps of 500 rows whatever the
 * scale; a worse measurement taken as the best when re-tested; a restart
 * on any result that is not strictly better; a re-test every 1000
 * batches.
 *
 * No clock is read here: times come with each report, so the search is a
 * function of its inputs (tests/unit/test_batchauto.c). One thread owns
 * a struct bsa; nothing is shared.
 */
#ifndef TSL_BATCHAUTO_H
#define TSL_BATCHAUTO_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"

/* Tuning, in one place (README "Automatic batch size"). */
#define BSA_START 1000           /* first size, within the bounds */
#define BSA_TRIAL_BATCHES 5      /* full batches per trial, at least */
#define BSA_TRIAL_NS 200000000ll /* write time per trial, at least */
#define BSA_TRIAL_MAX 1000       /* ... unless this many batches took less */
#define BSA_STEP_MIN 0.25        /* last step: a factor 2^0.25 */
#define BSA_BETTER 0.03          /* a neighbour wins by 3% or more */
#define BSA_DRIFT 0.25           /* settled: a 25% change searches again */
#define BSA_WATCH_TRIALS 4       /* a watch window is 4 trials long */
#define BSA_HIST_MAX 512         /* history entries kept per thread */

/* What a history entry says the automator did at its time. */
enum bsa_event {
	BSA_EV_TRIAL = 0, /* measured a size while searching */
	BSA_EV_SETTLE,    /* settled at size: its first window's rate */
	BSA_EV_DRIFT,     /* a window off the settled rate */
	BSA_EV_RESEARCH,  /* two windows off: searching again from size */
	BSA_EV_N
};

struct bsa_entry {
	int64_t  t_ms; /* the report's time that ended the trial */
	uint32_t size;
	uint8_t  event; /* enum bsa_event */
	double   rate;  /* records per second of write time */
};

struct bsa {
	uint32_t lo, hi; /* bounds of the size */
	uint32_t size;   /* the size to write now */
	bool     settled;
	/* the search */
	uint32_t best;
	double   best_rate; /* < 0: the best is not measured yet */
	double   step;      /* log2 of the step factor */
	bool     tried_up, tried_down;
	int      dir; /* side of the size under trial: +1, -1, 0 (best) */
	/* the trial under way */
	uint64_t t_records, t_ns;
	unsigned t_batches;
	bool     warm; /* the first batch (connecting) is not measured */
	/* settled */
	double   ref_rate; /* < 0: the first window sets it */
	unsigned drifts;   /* windows in a row off ref_rate */
	/* what it did */
	struct bsa_entry *hist;
	unsigned          n_hist;
	uint64_t          dropped; /* entries beyond BSA_HIST_MAX */
};

/** Starts a search for sizes in [lo, hi] (lo >= 1) at BSA_START. */
void bsa_init(struct bsa *a, uint32_t lo, uint32_t hi);
void bsa_free(struct bsa *a);
/** Lowers the upper bound (the records of one cycle of the thread:
 *  batches never span cycles, so a larger size is never full). */
void bsa_limit(struct bsa *a, uint32_t hi);
/** One full batch of `records` written in ns nanoseconds, at t_ms.
 *  @return true when the size to write changed (a->size). */
bool bsa_report(struct bsa *a, uint64_t records, uint64_t ns, int64_t t_ms);
/** "trial", "settle", "drift" or "research". */
const char *bsa_event_name(unsigned ev);

/* The history travels in the worker's RESULT (after the role's
 * statistics) and ends in run.json. */
struct json_w;
/** Appends thread's final size and history to b. */
void bsa_put(struct buf *b, uint32_t thread, const struct bsa *a);
/** Writes the JSON array of the n histories encoded in p[0..len)
 *  ({"thread", "size", "dropped", "history": [{"t_ms", "size",
 *  "records_per_s", "event"}]}); 0, or -EPROTO when p is short or bad,
 *  or the writer's error. */
int bsa_json(struct json_w *w, const void *p, size_t len);

#endif
