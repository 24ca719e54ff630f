/* latlog.h - a test hook: every write latency of this worker, raw.
 *
 * With TSLOAD_TEST_LATENCIES=DIR each worker appends the latency (ns) of
 * every write attempt its statistics count to DIR/lat-<host>-<pid>.txt,
 * one number a line, so that a test can compute the run's figures from
 * the raw latencies of every host and compare them with the merged ones
 * (tests/integration/remote.sh). Off (and free) otherwise.
 */
#ifndef TSL_LATLOG_H
#define TSL_LATLOG_H

#include <stdint.h>

/** Appends ns when the hook is on. Thread-safe. */
void latlog_write(uint64_t ns);

#endif
