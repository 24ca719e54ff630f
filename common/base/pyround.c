/* pyround.c - py_round(): Python's round(x, nd) with a fast path.
 *
 * For 0 <= nd <= 8 and |x * 10^nd| below 2^31, y = fl(x * 10^nd) and its
 * fraction f = y - floor(y) are cheap and f is exact. Rounding is
 * monotonic, so y lies on the same side of each k + 1/2 as the exact
 * product, or on it: when f is not (near) one half, the exact product
 * rounds to the same integer k as y, and Python's answer (the double
 * nearest k / 10^nd) is the correctly rounded division k / 10^nd. A
 * fraction within 2^-20 of one half (a margin beyond what monotonicity
 * needs) goes to the exact pyfmt_round(), as does anything else.
 */
#include "pyround.h"

#include <math.h>

#include "pyfmt.h"

static const double pow10_tab[9]
    = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8 };

double
py_round(double x, int nd)
{
	double p, y, f, k;

	if (nd < 0 || nd > 8 || !(fabs(x) < 1e9))
		return pyfmt_round(x, nd);
	p = pow10_tab[nd];
	y = x * p;
	if (!(fabs(y) < 2147483648.0))
		return pyfmt_round(x, nd);
	k = floor(y);
	f = y - k; /* exact for |y| < 2^52 */
	if (fabs(f - 0.5) <= 0x1p-20)
		return pyfmt_round(x, nd);
	if (f > 0.5)
		k += 1;
	if (k == 0.0)
		return copysign(0.0, x);
	return k / p;
}
