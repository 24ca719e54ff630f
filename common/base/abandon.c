/* abandon.c - the process-wide time after which requests in flight are
 * given up (abandon.h). */
#include "abandon.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

#include "clock.h"

static _Atomic uint64_t     abandon_ns; /* 0: not armed */
static pthread_mutex_t      hooks_lock = PTHREAD_MUTEX_INITIALIZER;
static struct abandon_hook *hooks;

void
abandon_at(uint64_t at_ns)
{
	uint64_t cur = atomic_load(&abandon_ns);

	if (!at_ns)
		at_ns = 1;
	while ((cur == 0 || at_ns < cur)
	    && !atomic_compare_exchange_weak(&abandon_ns, &cur, at_ns))
		;
}

bool
abandon_due(void)
{
	uint64_t at = atomic_load_explicit(&abandon_ns, memory_order_relaxed);

	return at && now_ns() >= at;
}

void
abandon_hook_add(struct abandon_hook *h)
{
	pthread_mutex_lock(&hooks_lock);
	h->fired = false;
	h->next  = hooks;
	hooks    = h;
	pthread_mutex_unlock(&hooks_lock);
}

void
abandon_hook_del(struct abandon_hook *h)
{
	pthread_mutex_lock(&hooks_lock);
	for (struct abandon_hook **p = &hooks; *p; p = &(*p)->next)
		if (*p == h) {
			*p = h->next;
			break;
		}
	pthread_mutex_unlock(&hooks_lock);
}

void
abandon_poll(void)
{
	if (!abandon_due())
		return;
	pthread_mutex_lock(&hooks_lock);
	for (struct abandon_hook *h = hooks; h; h = h->next)
		if (!h->fired) {
			h->fired = true;
			h->fn(h->arg);
		}
	pthread_mutex_unlock(&hooks_lock);
}
