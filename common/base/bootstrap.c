/* bootstrap.c - percentile bootstrap of a difference of means. */
#include "bootstrap.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "rng.h"
#include "xalloc.h"

double
boot_mean(const double *x, size_t n)
{
	double s = 0;

	for (size_t i = 0; i < n; i++)
		s += x[i];
	return n ? s / (double)n : 0.0;
}

/* The mean of n values drawn with replacement from x. */
static double
resample_mean(struct xrng *r, const double *x, size_t n)
{
	double s = 0;

	for (size_t i = 0; i < n; i++)
		s += x[xrng_below(r, n)];
	return s / (double)n;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int
boot_diff_ci(const double *a, size_t na, const double *b, size_t nb,
    unsigned resamples, double conf, uint64_t seed, double *lo, double *hi)
{
	struct xrng r;
	double     *d;
	size_t      ilo, ihi;

	if (na < 2 || nb < 2 || !resamples || !(conf > 0 && conf < 1))
		return -EINVAL;
	d = xmalloc(resamples * sizeof(*d));
	xrng_seed(&r, seed, 0);
	for (unsigned i = 0; i < resamples; i++)
		d[i] = resample_mean(&r, b, nb) - resample_mean(&r, a, na);
	qsort(d, resamples, sizeof(*d), cmp_double);
	/* the (1-conf)/2 and (1+conf)/2 quantiles, nearest rank */
	ilo = (size_t)floor((1 - conf) / 2 * (resamples - 1) + 0.5);
	ihi = (size_t)floor((1 + conf) / 2 * (resamples - 1) + 0.5);
	*lo = d[ilo];
	*hi = d[ihi];
	free(d);
	return 0;
}
