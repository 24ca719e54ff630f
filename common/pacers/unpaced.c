/* unpaced.c - --interval-millis 0: the next cycle at once. Each cycle is
 * stamped with the clock, never twice with the same millisecond (or
 * start + k ms with --start-time).
 */
#include "clock.h"
#include "pacer.h"

static bool
unpaced_wants(const struct pacer_conf *c)
{
	return c->interval_ms == 0;
}

static bool
unpaced_next(struct pacer *p, struct pacer_cycle *c)
{
	int64_t now;

	if (p->k && atomic_load(p->c.stop))
		return false;
	if (p->k) {
		now      = wall_ms();
		p->sched = now > p->sched ? now : p->sched + 1;
	}
	c->stamp_ms = p->c.virt ? p->c.start_ms + (int64_t)p->k : p->sched;
	c->due_ns   = 0;
	c->behind   = false;
	p->k++;
	return true;
}

const struct pacer_ops pacer_unpaced = {
	.name = "unpaced",
	.help
	= "--interval-millis 0: each cycle as soon as the last is written",
	.wants = unpaced_wants,
	.next  = unpaced_next,
};
