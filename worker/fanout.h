/* fanout.h - the writers of one ingest thread when the run has several
 * targets (--target repeated): every batch goes to every target.
 *
 * Each target is a lane: its own connection (struct tgt_ctx), its own
 * stage chain (stage.h; a disk spool is inserted there, in lane_init,
 * in front of that target only), a bounded queue of batch copies and a
 * writer thread that writes them with the retries of a single target
 * (ingest_deliver) and counts them in that target's figures.
 *
 * The ingest thread copies each batch into every lane's queue. A lane
 * that is merely slow fills its queue and then holds the ingest thread
 * (back pressure). A lane whose target is unreachable does not: while it
 * is down its batches are tried once each, and a batch that finds its
 * queue full is counted as failed for that target at once ("dropped"),
 * so the other targets keep their pace. With --spool-dir a batch the
 * target does not take goes to that lane's spool instead (an append to
 * disk, done at once while the target is down), so the queue drains and a
 * full one is waited for: nothing is dropped, and the others are held
 * back only when the spool itself is full under --spool-full block. Each
 * writer sends its spool at the end. The samples are copied; they
 * point to series of the model, which lives for the run.
 */
#ifndef TSL_FANOUT_H
#define TSL_FANOUT_H

#include "ingest.h"

/** Connects every target of the run for thread t (->init, the lane's
 *  chain) and starts the writers; t->fo is set even on failure (then
 *  stop it). `cap` is the most samples a batch holds. 0, or -errno with
 *  the reason kept as t's error. */
int fanout_start(struct ingest_thread *t, unsigned cap);
/** Hands a copy of b, due at `due` (open loop; 0: closed loop), to every
 *  target's writer (see above for a full queue). */
void fanout_push(struct fanout *fo, const struct batch *b, uint64_t due);
/** Lets the writers finish what is queued, joins them and closes the
 *  targets; frees t->fo. */
void fanout_stop(struct ingest_thread *t);

#endif
