/* pacer.c - the registry of pacers: one line per pacer, asked in order;
 * and the open loop's batches (pacer_batch), the same for every pacer.
 */
#include "pacer.h"

#include <errno.h>
#include <string.h>

#include "clock.h"
#include "log.h"

enum {
	/* a changed schedule file is seen within this, as is a stop */
	RELOAD_NS = 1000000000,
};

static const struct pacer_ops *const pacers[] = {
	&pacer_backfill, /* --start-time and --end-time */
	&pacer_step,     /* the model's own step (continuous); batches
	                  * still paced by --rate */
	&pacer_rate,     /* --rate or --schedule */
	&pacer_unpaced,  /* --interval-millis 0 */
	&pacer_interval, /* the seed's */
	NULL,
};

const struct pacer_ops *const *
pacer_list(void)
{
	return pacers;
}

const struct pacer_ops *
pacer_find(const char *name)
{
	for (size_t i = 0; pacers[i]; i++)
		if (!strcmp(pacers[i]->name, name))
			return pacers[i];
	return NULL;
}

bool
pacer_ops_valid(const struct pacer_ops *ops)
{
	return ops && ops->name && ops->help && ops->wants && ops->next;
}

bool
pacer_next(struct pacer *p, struct pacer_cycle *c)
{
	if (p->c.cycles && p->k >= p->c.cycles)
		return false;
	return p->ops->next(p, c);
}

int
pacer_pick(struct pacer *p, const struct pacer_conf *conf)
{
	memset(p, 0, sizeof(*p));
	p->c     = *conf;
	p->sched = conf->t0_ms;
	for (size_t i = 0; pacers[i]; i++)
		if (pacers[i]->wants(conf)) {
			p->ops = pacers[i];
			return 0;
		}
	return -EINVAL;
}

/* Seconds since the run's start. */
static double
sched_t(const struct pacer *p, uint64_t ns)
{
	return ns > p->c.origin_ns ? (ns - p->c.origin_ns) / 1e9 : 0;
}

/* The version of a bad schedule file last said, for the whole process:
 * every thread reads the file, one says what is wrong with it. */
static atomic_uint_fast64_t bad_said;

/* Re-reads a schedule file that changed, at most once a RELOAD_NS; a bad
 * new version is said once and the old schedule kept. */
static void
look_for_reload(struct pacer *p, uint64_t now)
{
	const struct sched_stamp *st = &p->c.sched->stamp;
	char                      err[512];
	uint64_t                  v;

	if (now - p->checked_ns < RELOAD_NS)
		return;
	p->checked_ns = now;
	if (sched_reload(p->c.sched, sched_t(p, now), err, sizeof(err)) >= 0)
		return;
	v = st->ino * 0x9e3779b97f4a7c15ull ^ (uint64_t)st->size
	    ^ (uint64_t)st->mtime.tv_sec * 1000000007ull
	    ^ (uint64_t)st->mtime.tv_nsec;
	if (atomic_exchange(&bad_said, v) != v)
		log_warn("--schedule %s; the schedule in force is kept", err);
}

/* Waits until unit u of the run's count is due: true with its due time,
 * false at the schedule's end or a stop. A pause (rates of 0 from here on,
 * in a cycling schedule) waits for a reload or the stop. */
static bool
wait_unit(struct pacer *p, uint64_t *due_ns)
{
	for (;;) {
		uint64_t now = now_ns(), due;
		double   t, u;

		look_for_reload(p, now);
		if (atomic_load(p->c.stop))
			return false;
		if (!p->begun) {
			p->start_u = sched_units(p->c.sched, sched_t(p, now));
			p->begun   = true;
		}
		u = p->start_u + p->done / p->c.share;
		if (!sched_time(p->c.sched, u, &t)) {
			if (!p->c.sched->cycle)
				return false; /* the last step is over */
			nap_until_ns(now + RELOAD_NS, p->c.stop);
			continue;
		}
		due = p->c.origin_ns + (uint64_t)(t * 1e9);
		if (due <= now) {
			*due_ns = due;
			return true;
		}
		nap_until_ns(
		    due - now > RELOAD_NS ? now + RELOAD_NS : due, p->c.stop);
	}
}

bool
pacer_wait_next(struct pacer *p, uint64_t *due_ns)
{
	*due_ns = 0;
	return !p->c.sched || wait_unit(p, due_ns);
}

enum pacer_verdict
pacer_batch(struct pacer *p, uint64_t units, uint64_t *due_ns)
{
	*due_ns = 0;
	if (!p->c.sched)
		return PACER_GO;
	if (!wait_unit(p, due_ns))
		return PACER_END;
	p->done += (double)units;
	if (p->c.max_lag_ns && now_ns() - *due_ns > p->c.max_lag_ns)
		return PACER_SKIP;
	return PACER_GO;
}
