/* fresh.h - the --freshness probe of worker 0: how soon an acknowledged
 * write can be read back.
 *
 * The writers offer each batch the target has just acknowledged
 * (fresh_offer: a few atomic loads when the probe is busy); at most every
 * --freshness-interval per target the probe takes one point of it (its
 * series and timestamp) with the ack time, and polls the target with a
 * point query in its own language (SQL, ClickHouse SQL, PromQL) every
 * 5 ms, doubling up to 100 ms, until the point is visible. The time from
 * the ack to the answer that holds the point goes into the target's
 * histogram (struct stats.hf, thread 0's figures); a point still not
 * visible after STATS_FRESH_CAP_S is counted in stats.fresh_lost. When the
 * writers are done, a probe under way gets up to 10 s more; one still
 * pending then is left out.
 */
#ifndef TSL_FRESH_H
#define TSL_FRESH_H

#include <stdint.h>

#include "ingest.h"

struct fresh;

/** Starts the probe thread for every target of sh, recording into th0's
 *  figures. 0, or -errno with the reason in err (a target that does not
 *  connect). */
int fresh_open(struct fresh **out, struct ingest_shared *sh,
    struct ingest_thread *th0, char *err, size_t errlen);
/** Offers batch b, just acknowledged by target k (0-based) at ack_ns;
 *  any thread, lock-free. */
void fresh_offer(
    struct fresh *fr, unsigned k, const struct batch *b, uint64_t ack_ns);
/** Stops and joins the probe thread, frees fr; NULL is fine. */
void fresh_close(struct fresh *fr);

#endif
