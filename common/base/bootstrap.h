/* bootstrap.h - a bootstrap confidence interval of the difference of two
 * means, deterministic for a given seed (tsload compare's verdicts).
 */
#ifndef TSL_BOOTSTRAP_H
#define TSL_BOOTSTRAP_H

#include <stddef.h>
#include <stdint.h>

/** The plain mean of x[0..n) (0 when n is 0). */
double boot_mean(const double *x, size_t n);

/** The [lo, hi] interval at level conf (0.95) of mean(b) - mean(a),
 *  from `resamples` resamplings with replacement of a and b drawn from
 *  xrng seed `seed`: the same input and seed give the same interval.
 *  0, or -EINVAL when a sample has fewer than 2 values, resamples is 0
 *  or conf is not in (0, 1). */
int boot_diff_ci(const double *a, size_t na, const double *b, size_t nb,
    unsigned resamples, double conf, uint64_t seed, double *lo, double *hi);

#endif
