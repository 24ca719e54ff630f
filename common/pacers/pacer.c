/* pacer.c - the registry of pacers: one line per pacer, asked in order. */
#include "pacer.h"

#include <errno.h>
#include <string.h>

static const struct pacer_ops *const pacers[] = {
	&pacer_backfill, /* --start-time and --end-time */
	&pacer_step,     /* the model's own step (continuous) */
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
