/* graphite.h - Graphite's plaintext protocol for batches: one line
 * "path value timestamp\n" per data point, shared by the graphite://
 * target and the "graphite" format (file:, null:).
 *
 * The path is dotted, from the sample's schema kind:
 *
 *   [PREFIX.]MEASUREMENT.DIM1.DIM2...DIMn[.REQUEST_ID].MEASURE
 *
 * MEASUREMENT is the kind's name (perf-scale: metrics, events), DIM1..n
 * the values of its dimensions in the kind's sending order (the series'
 * own name, instance_name, at its place), then the request id when it is
 * a dimension (--req-id-dim), then the measure's name. Graphite's path
 * is positional, so a dimension's name is not written and an empty value
 * is written "_". Each part keeps letters, digits, '-' and '_'; every
 * other byte (a '.' that would split the part, a space that would split
 * the line, '/', non-ASCII) becomes '_': "r5.4xlarge" is r5_4xlarge.
 * The timestamp is epoch seconds ("1700000000"; ".mmm" after it when the
 * sample's time is not a whole second). Graphite carries numbers only: a
 * text measure (task_end_state, a request_id measure) is left out and
 * counted (gph_enc.skip_*).
 */
#ifndef TSL_GRAPHITE_H
#define TSL_GRAPHITE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "dpoint.h"
#include "format.h"
#include "target.h"

enum { GPH_PREFIX_MAX = 128 };

/* One thread's encoder. */
struct gph_enc {
	char   prefix[GPH_PREFIX_MAX]; /* "" or "tsload." */
	size_t prefix_len;
	/* the dotted path before and after the series' name of each
	 * dimension group, made on first use and kept */
	struct dp_groups groups;
	/* of the samples gph_encode appended since the caller zeroed
	 * them: text values left out, and the records of those samples
	 * left out whole (single layout: each text value is a record;
	 * multi: a sample without a number) */
	unsigned skip_points;
	unsigned skip_records;
};

/** An encoder whose paths start with prefix (NULL or "": none; else
 *  written as given, then a '.'). */
void gph_enc_init(struct gph_enc *e, const char *prefix);
void gph_enc_free(struct gph_enc *e);

/** Whether prefix is usable: dotted parts of letters, digits, '-' and
 *  '_', at most GPH_PREFIX_MAX - 2 bytes ("" is). */
bool gph_prefix_ok(const char *prefix);

/** Appends the lines of the samples of b from *next on, stopping before
 *  the one that would take out past limit bytes (but always taking one),
 *  and moves *next past them. @return 0, or -ENOSPC when out's cap is
 *  too small for one sample. */
int gph_encode(struct gph_enc *e, struct buf *out, const struct batch *b,
    unsigned *next, size_t limit);

/* The "graphite" format (format.h): gph_encode over a whole batch. */
extern const struct format_ops format_graphite;

#endif
