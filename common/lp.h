/* lp.h - InfluxDB line protocol for batches, shared by the file: target
 * (format=lp) and the influx and vm targets.
 *
 * The data model: measurement "metrics" or "events", the dimensions as
 * tags (an empty value is left out: line protocol has no empty tags), one
 * field per measure. The single-measure layout writes one line per
 * measure, all with the sample's measurement, tags and time; the
 * multi-measure layout one line per sample with every measure as a field.
 * A server such as InfluxDB merges the lines of one sample into one point,
 * so both layouts hold the same fields; a field value is a data point.
 */
#ifndef TSL_LP_H
#define TSL_LP_H

#include <stddef.h>

#include "buf.h"
#include "target.h"

/* Unit of the timestamps written (InfluxDB's precision=...). */
enum lp_precision { LP_NS = 0, LP_US = 1, LP_MS = 2, LP_S = 3 };

/** "ns", "us", "ms" or "s". */
const char *lp_precision_name(enum lp_precision p);
/** Parses a precision name; 0 or -EINVAL. */
int lp_precision_parse(const char *s, enum lp_precision *p);

/** Most bytes the lines of sample s of batch b can take. */
size_t lp_bound(const struct sample *s, const struct batch *b);

/** Writes the lines of sample s at w, which has lp_bound() bytes of
 *  room. @return the end of what was written. */
char *lp_put(char *w, const struct sample *s, const struct batch *b,
    enum lp_precision p);

/** Appends samples of b from *next on to out, stopping before the one
 *  that would take out past limit bytes (but always taking one), and
 *  moves *next past what was appended. Use limit = SIZE_MAX for all.
 *  @return 0, or -ENOSPC when out's cap is too small for one sample. */
int lp_encode(struct buf *out, const struct batch *b, unsigned *next,
    size_t limit, enum lp_precision p);

#endif
