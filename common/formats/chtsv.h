/* chtsv.h - ClickHouse TabSeparated text for the clickhouse target: rows
 * of the union schema (target.h) for `INSERT ... FORMAT TabSeparated`, and
 * the reading back of fields of a TabSeparatedWithNames answer.
 *
 * ClickHouse's TSV escapes a backslash, tab, line feed, carriage return
 * and NUL as \\ \t \n \r \0 and writes SQL NULL as \N; everything else
 * goes through as it is.
 */
#ifndef TSL_CHTSV_H
#define TSL_CHTSV_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "format.h"
#include "target.h"

/** Appends s[0..n) escaped. @return 0 or -ENOSPC. */
int chtsv_str(struct buf *b, const char *s, size_t n);

/** Appends the column list of a layout's rows, in the order chtsv_batch
 *  writes them: "(time, " the union's dimension columns of sc (request_id
 *  last), "measure_name, " then the three measure_value_* columns
 *  (single) or the union's measure columns (multi), then ")".
 *  @return 0 or -ENOSPC. */
int chtsv_columns(struct buf *b, const struct schema *sc, bool multi);

/** Appends the rows of bt, each ended by '\n': one per measure (single
 *  layout: the value in the column of its type, \N in the other two) or
 *  one per sample (multi: measure_name the kind's name, \N where a
 *  kind has no such measure or the sample no value for it). A measure
 *  without a value (target_absent) has no single-layout row. Dimensions
 *  a kind lacks are empty strings.
 *  @return 0 or -ENOSPC (b then holds a partial row). */
int chtsv_batch(struct buf *b, const struct batch *bt);

/** Unescapes the field s[0..*n) in place and NUL-terminates it (s must
 *  have room for that byte). @return false when the field is \N (SQL
 *  NULL), true otherwise with the new length in *n. */
bool chtsv_unescape(char *s, size_t *n);

/* The "chtsv" format (format.h): chtsv_columns and chtsv_batch. */
extern const struct format_ops format_chtsv;

#endif
