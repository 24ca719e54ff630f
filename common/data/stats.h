/* stats.h - counters and latency statistics of one thread, merged upward
 * (thread -> worker -> coordinator) by addition.
 *
 * Invariants: attempts = ok + failed; every throttle is a retried attempt
 * not counted in attempts' outcome until it finally succeeds or fails.
 * Latency statistics cover every finished attempt (ok or failed), in ns.
 *
 * Open loop (--rate, --schedule) adds two histograms: the latency from
 * each batch's (query's) intended start, what a user of the database
 * waits, and the schedule lag, how late the send was; h stays the service
 * time, from the send. Work skipped for --max-lag is counted, not timed.
 */
#ifndef TSL_STATS_H
#define TSL_STATS_H

#include <stdbool.h>
#include <stdint.h>

#include "hist.h"

struct stats {
	uint64_t attempts;  /* finished write calls (ok + failed) */
	uint64_t ok;        /* accepted by the target */
	uint64_t failed;    /* given up (counted, first error kept) */
	uint64_t throttles; /* retries after busy/throttled answers */
	uint64_t rejected;  /* records the target rejected */
	uint64_t injected;  /* --bad-data records sent invalid */
	uint64_t records;   /* records written (seed counting) */
	uint64_t points;    /* data points (measure values) written */
	uint64_t behind;    /* "can't keep up" events */
	/* Where the generated records went (issue 15): generated +
	 * spool_start = records + rejected + lost + spool_left + dropped +
	 * corrupt when the run has ended. records counts what the target
	 * acknowledged, spooled batches replayed included. */
	uint64_t    generated;     /* records the model made */
	uint64_t    lost;          /* records of batches given up */
	uint64_t    spooled;       /* records kept in a spool */
	uint64_t    replayed;      /* spooled records the target then took */
	uint64_t    spool_start;   /* records a spool held at the start */
	uint64_t    spool_left;    /* records the spool holds now */
	uint64_t    spool_bytes;   /* bytes of the spool now */
	uint64_t    dropped;       /* records a full spool dropped */
	uint64_t    corrupt;       /* spooled records failing their checksum */
	uint64_t    corrupt_spans; /* damaged spool spans (count unknown) */
	uint64_t    spool_blocked; /* appends that waited for a full spool */
	double      sum;           /* of latencies, ns */
	double      sum2;          /* of squared latencies, ns^2 */
	double      sum_log; /* of ln(latency in s) over ok, for geomean */
	uint64_t    n_log;   /* terms in sum_log: ok attempts with ns > 0 */
	struct hist h;
	/* open loop */
	uint64_t skipped;        /* batches (queries) skipped: too late */
	uint64_t skipped_points; /* their data points (records for a query:
	                            0) */
	struct hist hi;          /* latency from the intended start, ns */
	struct hist hl;          /* schedule lag: send - intended, ns */
	/* --freshness: acknowledged write to visible in a query, ns, and
	 * the probes still not visible after STATS_FRESH_CAP_S */
	struct hist hf;
	uint64_t    fresh_lost;
};

enum { STATS_FRESH_CAP_S = 60 };

void stats_init(struct stats *s);
/** Records one finished attempt of latency ns. */
void stats_record(struct stats *s, uint64_t ns, bool ok);
/** With a rate: the intended-start latency and the lag of the attempt
 *  just recorded, which was due at due_ns, sent at sent_ns and ended at
 *  end_ns (now_ns() times). */
void stats_record_open(
    struct stats *s, uint64_t due_ns, uint64_t sent_ns, uint64_t end_ns);
void stats_merge(struct stats *dst, const struct stats *src);
/** Mean and population standard deviation of latencies in seconds, over
 *  all attempts; 0 when there are none. */
double stats_mean_s(const struct stats *s);
double stats_stddev_s(const struct stats *s);
/** Geometric mean in seconds of the latencies of ok attempts with ns > 0;
 *  0 when there are none. */
double stats_geomean_s(const struct stats *s);

#endif
