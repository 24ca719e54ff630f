/* stats.h - counters and latency statistics of one thread, merged upward
 * (thread -> worker -> coordinator) by addition.
 *
 * Invariants: attempts = ok + failed; every throttle is a retried attempt
 * not counted in attempts' outcome until it finally succeeds or fails.
 * Latency statistics cover every finished attempt (ok or failed), in ns.
 */
#ifndef TSL_STATS_H
#define TSL_STATS_H

#include <stdbool.h>
#include <stdint.h>

#include "hist.h"

struct stats {
	uint64_t    attempts;  /* finished write calls (ok + failed) */
	uint64_t    ok;        /* accepted by the target */
	uint64_t    failed;    /* given up (counted, first error kept) */
	uint64_t    throttles; /* retries after busy/throttled answers */
	uint64_t    rejected;  /* records the target rejected */
	uint64_t    injected;  /* --bad-data records sent invalid */
	uint64_t    records;   /* records written (seed counting) */
	uint64_t    points;    /* data points (measure values) written */
	uint64_t    behind;    /* "can't keep up" events */
	double      sum;       /* of latencies, ns */
	double      sum2;      /* of squared latencies, ns^2 */
	double      sum_log;   /* of ln(latency in s) over ok, for geomean */
	uint64_t    n_log;     /* terms in sum_log: ok attempts with ns > 0 */
	struct hist h;
};

void stats_init(struct stats *s);
/** Records one finished attempt of latency ns. */
void stats_record(struct stats *s, uint64_t ns, bool ok);
void stats_merge(struct stats *dst, const struct stats *src);
/** Mean and population standard deviation of latencies in seconds, over
 *  all attempts; 0 when there are none. */
double stats_mean_s(const struct stats *s);
double stats_stddev_s(const struct stats *s);
/** Geometric mean in seconds of the latencies of ok attempts with ns > 0;
 *  0 when there are none. */
double stats_geomean_s(const struct stats *s);

#endif
