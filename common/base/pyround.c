/* pyround.c - py_round(): Python's round(x, nd) with a fast path.
 *
 * For 0 <= nd <= 8 and |x| * 10^nd below 2^31, y = x * 10^nd is within
 * half an ulp (< 2^-22) of the exact product. When y's fraction is
 * farther than 2^-20 from one half, the exact product rounds to the same
 * integer k as y, and Python's answer (the double nearest k / 10^nd) is
 * the one correctly rounded division k / 10^nd. Anything closer to a tie
 * goes to the exact pyfmt_round().
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
	f = y - floor(y); /* exact for |y| < 2^52 */
	if (fabs(f - 0.5) <= 0x1p-20)
		return pyfmt_round(x, nd);
	k = floor(y + 0.5); /* not a tie: nearest integer */
	if (k == 0.0)
		return copysign(0.0, x);
	return k / p;
}
