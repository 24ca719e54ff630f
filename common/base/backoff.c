/* backoff.c - full-jitter exponential backoff (backoff.h). */
#include "backoff.h"

uint64_t
backoff_ceiling(uint64_t base_ns, uint64_t cap_ns, uint64_t attempt)
{
	/* base << attempt stays under cap while base <= cap >> attempt. */
	if (attempt >= 64 || base_ns > (cap_ns >> attempt))
		return cap_ns;
	return base_ns << attempt;
}

uint64_t
backoff_ns(struct xrng *r, uint64_t base_ns, uint64_t cap_ns, uint64_t attempt)
{
	uint64_t c = backoff_ceiling(base_ns, cap_ns, attempt);

	return c ? xrng_below(r, c) : 0;
}
