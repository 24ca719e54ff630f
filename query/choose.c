/* choose.c - weighted choice by binary search over a cumulative table.
 *
 * Item i owns the slice [cum[i-1], cum[i]) of [0, 1); an empty slice (zero
 * weight) can never hold u.
 */
#include "choose.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>

#include "xalloc.h"

int
choose_init(struct chooser *c, const double *w, unsigned n)
{
	double   sum = 0;
	unsigned i;

	c->n    = 0;
	c->last = 0;
	c->cum  = NULL;
	if (n == 0)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (!isfinite(w[i]) || w[i] < 0)
			return -EINVAL;
	c->cum = xmalloc(n * sizeof(*c->cum));
	for (i = 0; i < n; i++) {
		sum += w[i];
		c->cum[i] = sum;
		if (w[i] > 0)
			c->last = i;
	}
	if (!(sum > 0) || !isfinite(sum)) {
		free(c->cum);
		c->cum = NULL;
		return -EINVAL;
	}
	for (i = 0; i < n; i++)
		c->cum[i] /= sum;
	/* Division may leave the top a hair below 1; make it exact. */
	for (i = c->last; i < n; i++)
		c->cum[i] = 1.0;
	c->n = n;
	return 0;
}

void
choose_free(struct chooser *c)
{
	free(c->cum);
	c->cum = NULL;
	c->n   = 0;
}

unsigned
choose_pick(const struct chooser *c, double u)
{
	unsigned lo = 0, hi = c->last;

	if (!(u > 0))
		u = 0; /* also NaN */
	if (u >= 1)
		return c->last;
	/* The first i in [0, last] with cum[i] > u; cum[last] = 1 > u. */
	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;

		if (c->cum[mid] > u)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}
