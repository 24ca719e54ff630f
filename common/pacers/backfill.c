/* backfill.c - --start-time with --end-time: every cycle from the start
 * to the end, as fast as the target takes them; cycle k carries
 * start + k x interval (1 ms apart when unpaced).
 */
#include "pacer.h"

static bool
backfill_wants(const struct pacer_conf *c)
{
	return c->virt && c->end_ms;
}

static bool
backfill_next(struct pacer *p, struct pacer_cycle *c)
{
	int64_t step = p->c.interval_ms ? (int64_t)p->c.interval_ms : 1;

	c->stamp_ms = p->c.start_ms + (int64_t)p->k * step;
	c->due_ns   = 0;
	c->behind   = false;
	if (c->stamp_ms >= p->c.end_ms || atomic_load(p->c.stop))
		return false;
	p->k++;
	return true;
}

const struct pacer_ops pacer_backfill = {
	.name  = "backfill",
	.help  = "--start-time T --end-time T: the cycles between, unpaced",
	.wants = backfill_wants,
	.next  = backfill_next,
};
