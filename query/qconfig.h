/* qconfig.h - the query workload's INI file (the seed's config.ini).
 *
 *   [default]
 *   query_mode  = regular | row_count    (default regular)
 *   repetitions = queries per thread     (default 100)
 *   retries     = extra attempts         (default 0)
 *   [query_distribution]
 *   do-q1 = 60                           (percent; all must add up to 100)
 *
 * Unlike the seed, everything is checked up front: unknown sections, keys
 * and queries, duplicates, bad numbers and a sum other than 100 are errors
 * with a one-line message naming the file, section and key. Keys and
 * section names are case-insensitive (iniparser lower-cases them).
 */
#ifndef TSL_QCONFIG_H
#define TSL_QCONFIG_H

#include <stddef.h>
#include <stdint.h>

/* Queries are do-q1..do-q6. */
#define QCONFIG_MAX_QUERIES 6
/* Upper bounds, to catch typos: repetitions per thread, and retries
 * (botocore's max_attempts). */
#define QCONFIG_MAX_REPETITIONS 1000000000
#define QCONFIG_MAX_RETRIES 1000

enum qmode {
	QMODE_REGULAR,   /* the queries as written */
	QMODE_ROW_COUNT, /* each query wrapped in SELECT COUNT(*) */
};

struct qconfig {
	enum qmode mode;
	uint64_t   repetitions; /* queries per thread, 1..MAX_REPETITIONS */
	uint64_t   retries;     /* attempts after the first, 0..MAX_RETRIES */
	unsigned   n;           /* queries listed, in file order */
	struct {
		unsigned id;     /* 1..6 for do-q1..do-q6 */
		double   weight; /* percent, >= 0; the n weights sum to 100 */
	} q[QCONFIG_MAX_QUERIES];
};

/** Reads and checks the INI file at path into c. On failure writes one line
 *  ("path: [section] key: reason", or "path:line: ..." for syntax errors
 *  and duplicates) into err and returns the negative errno of a failed
 *  open or read (-ENOENT, ...) or -EINVAL for bad content; c is then
 *  undefined. Not thread-safe (iniparser's error callback is global):
 *  call at start-up. */
int qconfig_load(
    struct qconfig *c, const char *path, char *err, size_t errlen);

/** "regular" or "row_count". */
const char *qconfig_mode_name(enum qmode m);

#endif
