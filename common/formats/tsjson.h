/* tsjson.h - Timestream WriteRecords records as JSON text.
 *
 * One encoder for two users: the file: target (?format=json, one record a
 * line) and the timestream target (the body of a WriteRecords call). The
 * record shapes are the seed's (reference §3.1):
 *
 *   single: {"Dimensions":[...],"MeasureName":"cpu_user",
 *            "MeasureValue":"47.38","MeasureValueType":"DOUBLE",
 *            "Time":"<ms>","TimeUnit":"MILLISECONDS"}
 *   multi:  {"Dimensions":[...],"MeasureValues":[{"Name":..,"Value":..,
 *            "Type":..},...],"MeasureName":"metrics",
 *            "MeasureValueType":"MULTI","Time":"<ms>",
 *            "TimeUnit":"MILLISECONDS"}
 *
 * When the schema's timestamps are whole seconds (schema.seconds: the
 * continuous model), "Time" is epoch seconds and "TimeUnit" "SECONDS".
 * Each dimension is {"Name":..,"Value":..,"DimensionValueType":"VARCHAR"}.
 * Names come from the sample's schema kind (a multi record's MeasureName
 * is the kind's name).
 * The writers fill a buffer the caller reserved with tsjson_bound(); they
 * never fail.
 */
#ifndef TSL_TSJSON_H
#define TSL_TSJSON_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "format.h"
#include "target.h"

/** Most bytes tsjson_sample() writes for sample s of batch b. */
size_t tsjson_bound(const struct sample *s, const struct batch *b);

/** Writes the records of sample s of batch b (one per measure of its
 *  range, or one MULTI record), each followed by sep. With dims false the
 *  records leave out "Dimensions" (they went to CommonAttributes). A
 *  measure s has no value for (target_absent) is left out: no record
 *  (single), no MeasureValues entry (multi); a sample without any value
 *  writes nothing. @return the new end of the text. */
char *tsjson_sample(char *w, const struct sample *s, const struct batch *b,
    bool dims, char sep);

/** Writes the "Dimensions" array (brackets included) of s. */
char *tsjson_dims(char *w, const struct sample *s, const struct batch *b);

/** Writes s[0..n) escaped as JSON string contents (no quotes): at most 6
 *  bytes for each byte of s. */
char *tsjson_str(char *w, const char *s, size_t n);

/** True when every record of b carries the same dimensions. */
bool tsjson_same_dims(const struct batch *b);

/** Replaces out's contents with the WriteRecords request for b into
 *  database db, table table. With common, dimensions that every record
 *  shares go once into CommonAttributes. @return 0 or -ENOSPC. */
int tsjson_write_records(struct buf *out, const char *db, const char *table,
    const struct batch *b, bool common);

/* The "json" format (format.h): tsjson_sample's records, one a line. */
extern const struct format_ops format_json;

#endif
