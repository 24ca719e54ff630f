/* verify.h - tsload verify: what the database holds against what the run
 * generated (issue 20).
 *
 * The run's values are a function of (seed, series, timestamp, measure)
 * (rng.h's crng), so the expected data is regenerated from run.json
 * without a copy: as aggregates per series, measure and hour (count, sum,
 * min, max), compared with the same aggregates read back through the
 * target's own query language; only the cells that disagree are read row
 * by row, to name missing points, duplicated points, changed values and
 * points at times the run never wrote. Rows of series the model does not
 * have are counted as unexpected series.
 */
#ifndef TSL_VERIFY_H
#define TSL_VERIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "json.h"

/* What one verify found, in points (a measure's value at a time). */
struct verify_counts {
	uint64_t expected;     /* points the run generated */
	uint64_t found;        /* points read back in the run's series */
	uint64_t missing;      /* expected, not stored */
	uint64_t duplicated;   /* stored more than once: the extra copies */
	uint64_t changed;      /* stored with another value */
	uint64_t unexpected;   /* in the run's series at a time never
	                          written */
	uint64_t extra_series; /* series the model does not have */
	uint64_t extra_points; /* their points */
};

/* One series, measure and hour whose stored points differ. */
struct verify_diff {
	char                 series[160]; /* instance[/process] */
	char                 measurement[16], measure[40];
	int64_t              hour_ms;
	struct verify_counts c;
};

enum { VERIFY_DIFFS_MAX = 100 }; /* listed in run.json; all are counted */

/* The answer of tsload verify. */
struct verify_result {
	struct verify_counts total;
	struct verify_counts kind[2]; /* per measurement: metrics, events */
	char                 kind_name[2][16];
	bool     counts_only;      /* seed-exact continuous run: no values */
	double   tolerance;        /* relative, of the target's wire format */
	uint64_t cells, cells_bad; /* aggregate cells, those that differ */
	uint64_t row_queries;      /* row reads of differing cells */
	/* cells whose aggregates differ while their rows hold exactly what
	 * was written: the target's two answers disagree (a query window or
	 * server fault), so verify cannot vouch for them */
	uint64_t           cells_inconsistent;
	double             seconds;
	struct verify_diff diff[VERIFY_DIFFS_MAX];
	unsigned           n_diff;
	char example_extra[160]; /* one unexpected series' name */
};

struct tsl_opts;

/** Verifies target url against the run in run_dir (its run.json). 0 with
 *  *res filled, or 2 (bad run.json, a run verify cannot regenerate, an
 *  unreadable target) with one line in err. res->series must be freed
 *  (verify_result_free). */
int verify_run(const char *url, const char *run_dir, struct verify_result *res,
    char *err, size_t errlen);
/** Whether the result shows any difference. */
bool verify_differs(const struct verify_result *res);
/** Writes res as the members of run.json's "verify" object. */
int verify_json(
    struct json_w *w, const struct verify_result *res, const char *url);

#endif
