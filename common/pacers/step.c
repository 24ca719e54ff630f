/* step.c - a model's own pacing (model_ops.step_ms; the continuous
 * ingestor's, seed-behaviour.md §5.4): each cycle is stamped with the
 * current wall-clock step (the second, floored), and a cycle that would
 * get the previous cycle's step waits for the next one. So no series
 * gets two points in a step, the cycles go as fast as the target takes
 * them, and nothing is ever behind schedule.
 */
#include "clock.h"
#include "pacer.h"

static bool
step_wants(const struct pacer_conf *c)
{
	return c->step_ms > 0 && c->interval_ms == 0 && !c->virt;
}

static bool
step_next(struct pacer *p, struct pacer_cycle *c)
{
	int64_t step = (int64_t)p->c.step_ms, now, at;

	if (p->k && atomic_load(p->c.stop))
		return false;
	now = wall_ms();
	at  = now - now % step;
	if (p->k && at <= p->sched) {
		at = p->sched + step;
		nap_until_ns(
		    now_ns() + (uint64_t)(at - now) * 1000000u, p->c.stop);
		if (atomic_load(p->c.stop))
			return false;
	}
	p->sched    = at;
	c->stamp_ms = at;
	c->due_ns   = 0;
	c->behind   = false;
	p->k++;
	return true;
}

const struct pacer_ops pacer_step = {
	.name  = "step",
	.help  = "a model's own step (continuous: each cycle a new second)",
	.wants = step_wants,
	.next  = step_next,
};
