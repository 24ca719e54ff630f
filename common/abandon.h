/* abandon.h - giving up requests in flight when a run stops.
 *
 * A stop lets writes and queries finish for a short grace, then every
 * blocking target call (libcurl transfers, SQLite statements) gives up:
 * a server that stalls must not hold a stop for a minute. The state is
 * process-wide because a stop is: every thread of a worker stops at once.
 */
#ifndef TSL_ABANDON_H
#define TSL_ABANDON_H

#include <stdbool.h>
#include <stdint.h>

enum { ABANDON_GRACE_MS = 3000 }; /* after the stop, before giving up */

/** From monotonic time at_ns (now_ns()) on, blocking target calls give
 *  up; an earlier time already armed is kept. */
void abandon_at(uint64_t at_ns);
/** True once the armed time has passed (false when never armed). */
bool abandon_due(void);

#endif
