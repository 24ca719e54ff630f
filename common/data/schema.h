/* schema.h - what a model's data looks like, built at run time by the model.
 *
 * A schema is a list of kinds (perf-scale: "metrics", "events"); a kind has
 * its dimension names in sending order, which of them holds a series' own
 * name, and its typed measures. Encoders and targets take every name, count
 * and type from it (through the dimension group of a sample's series) and
 * never from a model's constants.
 *
 * The union view is the one table that the single-table SQL layouts hold
 * every kind in: the dimension columns of all kinds (first appearance,
 * kinds in order), then request_id; the measure columns of all kinds by
 * name (a measure two kinds share, like memory_free, is one column).
 *
 * Life: the model builds its schema in place (schema_init, add kinds and
 * measures, schema_finish) and keeps it for the run; kinds point back into
 * their schema, so a schema is never copied. Read-only once finished, so
 * threads share it.
 */
#ifndef TSL_SCHEMA_H
#define TSL_SCHEMA_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"

enum measure_type { MT_DOUBLE = 0, MT_BIGINT = 1, MT_VARCHAR = 2 };

/* How request ids are added to samples (--add-req-id, --req-id-dim). */
enum req_id_mode { REQID_NONE = 0, REQID_MEASURE = 1, REQID_DIMENSION = 2 };

enum {
	SCHEMA_MAX_KINDS  = 4,
	SCHEMA_MAX_DIMS   = 12,
	SCHEMA_MAX_VALUES = 21, /* values of a sample: struct sample's v[] */
	SCHEMA_MAX_DCOLS  = 32,
	SCHEMA_MAX_MCOLS  = 64,
	SCHEMA_NONE       = 255,
};

struct schema;

/* One measure of a kind. A value is a double in the sample; MT_BIGINT
 * holds an integer, MT_VARCHAR an index into words (the model's texts). */
struct schema_measure {
	const char        *name;
	const char *const *words; /* MT_VARCHAR: texts by index; NULL for
	                             request_id (the sample's req_id) */
	uint8_t n_words;
	uint8_t type; /* enum measure_type */
	uint8_t mcol; /* union measure column; SCHEMA_NONE for
	                 request_id (its dimension column) */
};

struct schema_kind {
	const struct schema *schema; /* the schema holding this kind */
	const char          *name;   /* "metrics": measurement, table tag */
	uint8_t              name_len;
	uint8_t              index;  /* in schema->kind[] */
	uint8_t              n_dims; /* dimensions of a series */
	uint8_t name_dim;            /* the dimension of a series' own name */
	uint8_t n_values;            /* measures the model generates */
	uint8_t n_measures;          /* n_values, + 1 for a request_id
	                                measure (REQID_MEASURE) */
	bool req_dim;                /* request_id is a dimension
	                                (REQID_DIMENSION), sent after the
	                                series' dimensions */
	const char *dim[SCHEMA_MAX_DIMS];  /* sending order */
	uint8_t     dcol[SCHEMA_MAX_DIMS]; /* union column of each */
	/* n_values measures, then request_id (always described, sent only
	 * in REQID_MEASURE mode) */
	struct schema_measure m[SCHEMA_MAX_VALUES + 1];
};

struct schema {
	const char *model; /* the model that built it */
	uint8_t     n_kinds;
	uint8_t     req_id; /* enum req_id_mode */
	/* Timestamps are whole seconds (the continuous model): targets
	 * that say a unit say SECONDS (Timestream's TimeUnit); time_ms
	 * stays milliseconds everywhere else. */
	bool               seconds;
	struct schema_kind kind[SCHEMA_MAX_KINDS];
	/* the union view (single table of the SQL targets and CSV) */
	uint8_t     n_dcols;     /* dimension columns, request_id last */
	uint8_t     dcol_req_id; /* n_dcols - 1 */
	uint8_t     n_mcols;     /* measure columns of the multi layout */
	const char *dcol[SCHEMA_MAX_DCOLS];
	const char *mcol[SCHEMA_MAX_MCOLS];
	uint8_t     mcol_type[SCHEMA_MAX_MCOLS]; /* enum measure_type */
};

/* The single-measure layout's value columns, by measure type. */
extern const char *const schema_value_cols[3];

/** Appends the union table's column list, "(time, <dimension columns>,
 *  measure_name, <measure columns>)": the multi-measure layout's measure
 *  columns, or the three schema_value_cols of the single-measure one.
 *  The one list COPY, TabSeparated and SQLite's INSERT name.
 *  @return 0 or -ENOMEM. */
int schema_columns(struct buf *b, const struct schema *sc, bool multi);

/** Empties s for model `model` (a static string). */
void schema_init(struct schema *s, const char *model);

/** Adds a kind named name (static strings, as every name here) with
 *  n_dims dimensions in sending order, dims[name_dim] being a series'
 *  own name. @return the kind's index, or -EINVAL (too many kinds or
 *  dimensions, a finished schema). */
int schema_add_kind(struct schema *s, const char *name,
    const char *const *dims, unsigned n_dims, unsigned name_dim);

/** Adds measure `name` of type t to kind k; words (n_words of them) are
 *  the texts of an MT_VARCHAR measure's values. @return 0 or -EINVAL. */
int schema_add_measure(struct schema *s, unsigned k, const char *name,
    enum measure_type t, const char *const *words, unsigned n_words);

/** Adds the request_id measure or dimension (req_id mode) to every kind
 *  and builds the union view. @return 0, or -EINVAL when the union has
 *  too many columns or a measure name has two types. */
int schema_finish(struct schema *s, enum req_id_mode req_id);

/** The kind named name, or NULL. */
const struct schema_kind *schema_kind_find(
    const struct schema *s, const char *name);

/** Length of k's measure list for a batch's req_id mode. */
static inline unsigned
schema_n_measures(const struct schema_kind *k, uint8_t req_id)
{
	return k->n_values + (req_id == REQID_MEASURE);
}

#endif
