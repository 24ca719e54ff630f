/* pyfmt.h - Python's number formats, for output that must match the seed
 * tools character for character (model summary, closing lines).
 * Not for the hot path.
 */
#ifndef TSL_PYFMT_H
#define TSL_PYFMT_H

#include <stddef.h>
#include <stdint.h>

/** Python round(x, nd): correctly rounded, ties to even on the exact
 *  binary value; nd may be negative. Where Python raises OverflowError
 *  (e.g. round(1.7e308, -308)) this returns +-inf. */
double pyfmt_round(double x, int nd);
/** Python repr(x) for a float: the shortest string that reads back as x,
 *  "0.6", "3.0", "1e+16", "1.5e-05", "nan", "inf". Writes a NUL; returns
 *  the length, or -ENOSPC. */
int pyfmt_repr(char *out, size_t n, double x);
/** Python '{:,}'.format(x) for a float: repr with thousands separators in
 *  the integer part, e.g. 1085.04 -> "1,085.04", 43333.0 -> "43,333.0". */
int pyfmt_float_comma(char *out, size_t n, double x);
/** '{:,}' for an integer: 2600000 -> "2,600,000". */
int pyfmt_int_comma(char *out, size_t n, int64_t v);

#endif
