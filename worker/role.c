/* role.c - the registry of worker roles: one line per role. */
#include "role.h"

#include <string.h>

#include "clock.h"
#include "log.h"

static const struct role_ops *const roles[] = {
	&role_ingest,
	&role_query,
	NULL,
};

const struct role_ops *
role_find(const char *name)
{
	for (size_t i = 0; roles[i]; i++)
		if (!strcmp(roles[i]->name, name))
			return roles[i];
	return NULL;
}

const struct role_ops *const *
role_list(void)
{
	return roles;
}

bool
role_ops_valid(const struct role_ops *ops)
{
	return ops && ops->name && ops->who && ops->setup && ops->start
	    && ops->stop && ops->finished && ops->join && ops->collect
	    && ops->destroy;
}

static pthread_t *
tid_at(const struct role_threads *t, unsigned i)
{
	return (pthread_t *)((char *)t->base + i * t->size + t->tid_off);
}

static bool *
running_at(const struct role_threads *t, unsigned i)
{
	return (bool *)((char *)t->base + i * t->size + t->running_off);
}

unsigned
role_spawn(struct role_run *r, const struct role_ops *ops,
    const struct role_threads *t)
{
	unsigned started = 0;

	for (unsigned i = 0; i < r->nth; i++) {
		void *arg = (char *)t->base + i * t->size;
		int   rc  = pthread_create(tid_at(t, i), NULL, t->main, arg);

		if (rc) {
			log_err(
			    "cannot start thread %u: %s", i + 1, strerror(rc));
			ops->stop(r);
			break;
		}
		*running_at(t, i) = true;
		started++;
	}
	return started;
}

void
role_wait_inited(
    pthread_mutex_t *lock, pthread_cond_t *cond, unsigned *inited, unsigned n)
{
	pthread_mutex_lock(lock);
	while (*inited < n)
		pthread_cond_wait(cond, lock);
	pthread_mutex_unlock(lock);
}

void
role_join_all(struct role_run *r, const struct role_threads *t)
{
	for (unsigned i = 0; i < r->nth; i++)
		if (*running_at(t, i))
			pthread_join(*tid_at(t, i), NULL);
}

uint64_t
role_origin_ns(int64_t t0_ms)
{
	uint64_t now = now_ns();
	int64_t  ago = wall_ms() - t0_ms;

	if (ago <= 0)
		return now;
	return (uint64_t)ago * 1000000u < now ? now - (uint64_t)ago * 1000000u
	                                      : 0;
}
