/* rate.c - --rate or --schedule (open loop): cycles back to back, each
 * stamped with the intended time of its first batch (never twice the same
 * millisecond), or start + k x interval with --start-time. The batches
 * are paced by pacer_batch() (pacer.h), not here.
 */
#include "clock.h"
#include "pacer.h"

static bool
rate_wants(const struct pacer_conf *c)
{
	return c->sched != NULL;
}

static bool
rate_next(struct pacer *p, struct pacer_cycle *c)
{
	int64_t  step = p->c.interval_ms ? (int64_t)p->c.interval_ms : 1;
	uint64_t due;
	int64_t  at;

	if (!pacer_wait_next(p, &due))
		return false;
	/* the wall clock at the intended start, not at the (late) send */
	at = wall_ms() - (int64_t)((now_ns() - due) / 1000000u);
	if (p->k && at <= p->sched)
		at = p->sched + 1;
	p->sched    = at;
	c->stamp_ms = p->c.virt ? p->c.start_ms + (int64_t)p->k * step : at;
	c->due_ns   = due;
	c->behind   = false;
	p->k++;
	return true;
}

const struct pacer_ops pacer_rate = {
	.name = "rate",
	.help
	= "--rate N or --schedule FILE: batches due at the rate, open loop",
	.wants = rate_wants,
	.next  = rate_next,
};
