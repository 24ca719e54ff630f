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

enum { FMT_NUM_MAX = 48 }; /* room the writers need; they may use it all */

size_t fmt_i64(char *out, int64_t v);
size_t fmt_u64(char *out, uint64_t v);
/** A double as Python's repr() writes it: the shortest decimal that
 *  reads back as v, the nearest to v among those: "47.38912883215873",
 *  "0.1", "50.0", "-2.5", "0.0001", "1e-05", "3.2e-05", "1e+16",
 *  "1234567890123456.0"; "nan", "inf", "-inf"; "-0.0". */
size_t fmt_double(char *out, double v);
/** Epoch milliseconds as seconds: "1700000000", or "1700000000.250"
 *  when ms is not a whole second (Graphite, OpenTSDB telnet). */
size_t fmt_ms_as_secs(char *out, int64_t ms);

#endif
