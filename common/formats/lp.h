/* lp.h - InfluxDB line protocol for batches, shared by the file: target
 * (format=lp) and the influx and vm targets.
 *
 * From the sample's schema kind: the kind's name as the measurement
 * (perf-scale: "metrics" or "events"), its dimensions as tags (an empty
 * value is left out: line protocol has no empty tags), one field per
 * measure. The single-measure layout writes one line per
 * measure, all with the sample's measurement, tags and time; the
 * multi-measure layout one line per sample with every measure as a field.
 * A server such as InfluxDB merges the lines of one sample into one point,
 * so both layouts hold the same fields; a field value is a data point.
 */
#ifndef TSL_LP_H
#define TSL_LP_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "fmt.h"
#include "format.h"
#include "target.h"

/* Unit of the timestamps written (InfluxDB's precision=...). */
enum lp_precision { LP_NS = 0, LP_US = 1, LP_MS = 2, LP_S = 3 };

/** "ns", "us", "ms" or "s". */
const char *lp_precision_name(enum lp_precision p);
/** The names in enum order, NULL-terminated. */
extern const char *const lp_precision_names[];
/** Parses a precision name; 0 or -EINVAL. */
int lp_precision_parse(const char *s, enum lp_precision *p);

/* Escaped text of one dimension group: the measurement and the tags before
 * the instance name ("metrics,region=..,os_version=..") and after it
 * (",process_name=..,jdk_version=.."), so that a sample's tags take three
 * copies instead of escaping ten values. */
struct lp_tags;

/* One thread's line protocol encoder: the precision, the field keys
 * ("cpu_user=") and the escaped tags of the groups seen so far, built on
 * first use and kept (a few hundred bytes a group). */
struct lp_enc {
	enum lp_precision prec;
	struct lp_tags  **tags; /* by dimgroup id */
	unsigned          n_tags;
	/* " <time>\n" of the last sample: a cycle's samples share it */
	int64_t ts_ms;
	uint8_t ts_len;
	char    ts[FMT_NUM_MAX + 2];
	/* The field keys of each kind (by schema_kind index), made on the
	 * first sample of that kind: k is the kind they were made for. */
	struct {
		const struct schema_kind *k;
		struct {
			/* "cpu_user=", padded: copied whole (the longest
			 * perf-scale key, file_descriptors_in_use, takes 24
			 * bytes; a longer name is cut) */
			char    s[48];
			uint8_t len;
			bool    dbl; /* a double value: written as it is */
		} key[SCHEMA_MAX_VALUES + 1]; /* values, then request_id */
	} kind[SCHEMA_MAX_KINDS];
};

void lp_enc_init(struct lp_enc *e, enum lp_precision p);
void lp_enc_free(struct lp_enc *e);

/** Most bytes the lines of sample s of batch b can take. */
size_t lp_bound(const struct sample *s, const struct batch *b);

/** Writes the lines of sample s at w, which has lp_bound() bytes of
 *  room (all of which it may use as scratch). A measure s has no value
 *  for (target_absent) is left out: no field (multi), no line (single);
 *  a sample without any value writes nothing. @return the end of what
 *  was written. */
char *lp_put(
    struct lp_enc *e, char *w, const struct sample *s, const struct batch *b);

/** Appends samples of b from *next on to out, stopping before the one
 *  that would take out past limit bytes (but always taking one), and
 *  moves *next past what was appended. Use limit = SIZE_MAX for all.
 *  @return 0, or -ENOSPC when out's cap is too small for one sample. */
int lp_encode(struct lp_enc *e, struct buf *out, const struct batch *b,
    unsigned *next, size_t limit);

/* The "lp" format (format.h): lp_encode over a whole batch, its state a
 * struct lp_enc (format_conf.prec: enum lp_precision). */
extern const struct format_ops format_lp;

#endif
