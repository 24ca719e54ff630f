/* clock.h - the only place that reads clocks.
 *
 * now_ns() is monotonic and times latencies and pacing; wall_ms() is epoch
 * milliseconds, used only for the timestamps put into generated data.
 */
#ifndef TSL_CLOCK_H
#define TSL_CLOCK_H

#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

static inline uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline int64_t
wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sleeps until the monotonic time t (ns); returns at once if it is past. */
static inline void
sleep_until_ns(uint64_t t)
{
	struct timespec ts = { .tv_sec = (time_t)(t / 1000000000u),
		.tv_nsec               = (long)(t % 1000000000u) };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) != 0)
		;
}

/* Sleeps until monotonic time `until` (ns) in steps of at most 50 ms,
 * returning early once *stop is set: pacing and think time must not hold
 * up a stop. */
static inline void
nap_until_ns(uint64_t until, const atomic_bool *stop)
{
	const uint64_t step = 50 * 1000 * 1000;

	while (!atomic_load_explicit(stop, memory_order_relaxed)) {
		uint64_t now = now_ns();

		if (now >= until)
			return;
		sleep_until_ns(until - now > step ? now + step : until);
	}
}

#endif
