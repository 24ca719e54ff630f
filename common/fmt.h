/* fmt.h - fast number formatting for the generation and write path.
 *
 * No printf, no allocation: each function writes into a caller buffer of
 * at least FMT_NUM_MAX bytes and returns the number of bytes written (no
 * NUL is written).
 */
#ifndef TSL_FMT_H
#define TSL_FMT_H

#include <stddef.h>
#include <stdint.h>

enum { FMT_NUM_MAX = 32 };

size_t fmt_i64(char *out, int64_t v);
size_t fmt_u64(char *out, uint64_t v);
/** A finite double with 15 significant digits, trailing zeros trimmed:
 *  "47.3891288321587", "0.5", "3", "-2.5"; exponent form ("3.2e-05",
 *  "1.5e+20") below 1e-4 or from 1e15 on in magnitude. Parses back within
 *  half a unit of the 15th digit (5e-16 of the value's decade, up to 5e-15
 *  of the value); the same text as printf("%.15g") from 1e-8 to 1e37.
 *  NaN and infinities are written as "nan", "inf", "-inf". */
size_t fmt_double(char *out, double v);

#endif
