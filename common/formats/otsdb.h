/* otsdb.h - OpenTSDB data points for batches: the JSON array of
 * POST /api/put, or telnet "put" lines; shared by the opentsdb:// target
 * and the "opentsdb" and "opentsdbtelnet" formats (file:, null:).
 *
 *   json:   [{"metric":"metrics.cpu_user","timestamp":1700000000,
 *             "value":47.38,"tags":{"region":"us-east-1",...}},...]
 *   telnet: put metrics.cpu_user 1700000000 47.38 region=us-east-1 ...
 *
 * One data point per measure value: the metric is [PREFIX.]MEASUREMENT.
 * MEASURE (the kind's name, perf-scale: metrics or events), the tags are
 * the sample's dimensions by name (the request id too with --req-id-dim).
 * OpenTSDB takes letters, digits, '-', '_', '.' and '/' in names and tag
 * values: every other byte becomes '_'; an empty tag value is left out
 * (OpenTSDB refuses one). The timestamp is epoch seconds; off a whole
 * second, JSON's is epoch milliseconds and telnet's seconds with a
 * fraction ("1700000000.250": VictoriaMetrics reads a telnet timestamp
 * as seconds). OpenTSDB carries
 * numbers only: a text measure (task_end_state, a request_id measure) is
 * left out and counted (otsdb_enc.skip_*).
 */
#ifndef TSL_OTSDB_H
#define TSL_OTSDB_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "dpoint.h"
#include "format.h"
#include "target.h"

enum { OTSDB_PREFIX_MAX = 128 };

enum otsdb_mode { OTSDB_JSON = 0, OTSDB_TELNET = 1 };

/* One thread's encoder. */
struct otsdb_enc {
	enum otsdb_mode mode;
	char            prefix[OTSDB_PREFIX_MAX]; /* "" or "tsload." */
	size_t          prefix_len;
	/* the tags of each dimension group before and after the series'
	 * name, made on first use and kept */
	struct dp_groups groups;
	char            *tags; /* a sample's tags, written once */
	/* as gph_enc's: text values left out, records left out whole */
	unsigned skip_points;
	unsigned skip_records;
};

void otsdb_enc_init(
    struct otsdb_enc *e, enum otsdb_mode mode, const char *prefix);
void otsdb_enc_free(struct otsdb_enc *e);

/** Whether prefix is usable in a metric name: letters, digits and
 *  "-_./", at most OTSDB_PREFIX_MAX - 2 bytes ("" is). */
bool otsdb_prefix_ok(const char *prefix);

/** Appends the data points of the samples of b from *next on (JSON: one
 *  whole array "[...]" per call), stopping before the sample that would
 *  take out past limit bytes (but always taking one), and moves *next
 *  past them. *points, when not NULL, gets the data points appended.
 *  @return 0, or -ENOSPC when out's cap is too small for one sample. */
int otsdb_encode(struct otsdb_enc *e, struct buf *out, const struct batch *b,
    unsigned *next, size_t limit, unsigned *points);

/* The formats (format.h): otsdb_encode over a whole batch. */
extern const struct format_ops format_opentsdb;
extern const struct format_ops format_opentsdbtelnet;

#endif
