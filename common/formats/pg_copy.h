/* pg_copy.h - rows of the union schema in PostgreSQL's COPY text format.
 *
 * The postgres: target streams each batch with COPY ... FROM STDIN; this is
 * the encoder, kept apart from libpq so the unit tests can check its bytes.
 * Columns are tab-separated, rows end in '\n', SQL NULL is \N, and a
 * backslash, tab, newline or carriage return inside a text value is written
 * as \\, \t, \n or \r. Numbers go through fmt.h (no printf).
 */
#ifndef TSL_PG_COPY_H
#define TSL_PG_COPY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "format.h"
#include "target.h"

struct buf;

/** Appends s (n bytes) escaped as one COPY text field at w, which has room
 *  for 2 * n bytes. @return the end of what was written. */
char *pgcopy_field(char *w, const char *s, size_t n);

/** The column list of one layout of schema sc's union table, "(time,
 *  region, ..., measure_name, ...)", in the order pgcopy_batch() writes
 *  the fields. */
void pgcopy_columns(struct buf *b, const struct schema *sc, bool multi);

/** Appends every row of batch bt to b: one per measure (single layout) or
 *  one per sample (multi). A measure a sample has no value for
 *  (target_absent) has no row (single) or \N in its column (multi).
 *  @return the number of rows, or -ENOSPC when b would grow past its
 *  cap. */
long pgcopy_batch(struct buf *b, const struct batch *bt);

/* The "pgcopy" format (format.h): pgcopy_columns and pgcopy_batch. */
extern const struct format_ops format_pgcopy;

#endif
