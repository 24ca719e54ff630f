/* interval.c - the seed's pacing (seed §2.8): a cycle every interval on
 * the wall clock. A cycle that would start more than 5% of an interval
 * late is started now (with +-100 ms of jitter) and counted as behind,
 * with the seed's "Can't keep up" warning at most once a second per
 * worker. With --start-time, cycle k carries start + k x interval.
 */
#include "clock.h"
#include "log.h"
#include "pacer.h"

static bool
interval_wants(const struct pacer_conf *c)
{
	return c->interval_ms > 0;
}

static void
warn_behind(const struct pacer *p, int64_t now, int64_t T)
{
	int64_t last = atomic_load(p->c.warned_ms);

	/* The seed prints this once per cycle; once a second per worker is
	 * enough to read, the count goes to the statistics. */
	if (now - last < 1000
	    || !atomic_compare_exchange_strong(p->c.warned_ms, &last, now))
		return;
	log_warn(
	    "Can't keep up ingestion to the desired inter-event interval. Expected interval: %llu ms. Actual: %lld ms. Consider increasing concurrency or processes.",
	    (unsigned long long)p->c.interval_ms, (long long)(now - T));
}

static bool
interval_next(struct pacer *p, struct pacer_cycle *c)
{
	int64_t iv = (int64_t)p->c.interval_ms, now, next;

	c->behind = false;
	if (p->k) {
		if (atomic_load(p->c.stop))
			return false;
		now  = wall_ms();
		next = p->sched + iv;
		if ((double)next < (double)now - 0.05 * (double)iv) {
			warn_behind(p, now, p->sched);
			c->behind = true;
			next = now + (int64_t)xrng_below(p->c.rng, 201) - 100;
		} else if (next > now) {
			nap_until_ns(
			    now_ns() + (uint64_t)(next - now) * 1000000u,
			    p->c.stop);
			if (atomic_load(p->c.stop))
				return false;
		}
		p->sched = next;
	}
	c->stamp_ms
	    = p->c.virt ? p->c.start_ms + (int64_t)p->k * iv : p->sched;
	c->due_ns = 0;
	p->k++;
	return true;
}

const struct pacer_ops pacer_interval = {
	.name = "interval",
	.help
	= "--interval-millis MS: the seed's cycle every MS on the wall clock",
	.wants = interval_wants,
	.next  = interval_next,
};
