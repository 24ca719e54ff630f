/* backoff.h - exponential backoff with full jitter for retries of a
 * throttled or busy target (AWS Architecture Blog, "Exponential Backoff
 * And Jitter"): the wait before retry `attempt` (0-based) is uniform in
 * [0, min(cap, base * 2^attempt)). All in 64-bit arithmetic, so any
 * attempt number is defined.
 */
#ifndef TSL_BACKOFF_H
#define TSL_BACKOFF_H

#include <stdint.h>

#include "rng.h"

/** The ceiling of the wait before retry `attempt`: base_ns * 2^attempt,
 *  at most cap_ns (and cap_ns for any attempt past the 64-bit range). */
uint64_t backoff_ceiling(uint64_t base_ns, uint64_t cap_ns, uint64_t attempt);
/** A wait drawn uniformly in [0, backoff_ceiling()) from r. */
uint64_t backoff_ns(
    struct xrng *r, uint64_t base_ns, uint64_t cap_ns, uint64_t attempt);

#endif
