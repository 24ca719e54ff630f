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

enum { ABANDON_GRACE_MS = 5000 }; /* after the stop, before giving up */

/** From monotonic time at_ns (now_ns()) on, blocking target calls give
 *  up; an earlier time already armed is kept. */
void abandon_at(uint64_t at_ns);
/** True once the armed time has passed (false when never armed). */
bool abandon_due(void);

/* A way to break a call blocked inside a library that has no progress
 * callback (PostgreSQL: PQcancel). fn runs at most once, on the thread
 * that calls abandon_poll(), with the hook list locked: a hook being
 * removed is never running. */
struct abandon_hook {
	void (*fn)(void *arg);
	void                *arg;
	bool                 fired;
	struct abandon_hook *next;
};

/** Registers h (owned by the caller until abandon_hook_del). */
void abandon_hook_add(struct abandon_hook *h);
/** Unregisters h; safe when it is not registered. */
void abandon_hook_del(struct abandon_hook *h);
/** Once abandonment is due, runs the hooks that have not run yet. Called
 *  every few tens of ms by a thread that blocks in no target call. */
void abandon_poll(void);

#endif
