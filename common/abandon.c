/* abandon.c - the process-wide time after which requests in flight are
 * given up (abandon.h). */
#include "abandon.h"

#include <stdatomic.h>

#include "clock.h"

static _Atomic uint64_t abandon_ns; /* 0: not armed */

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
