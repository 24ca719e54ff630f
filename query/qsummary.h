/* qsummary.h - per-query latency summary of the query driver (the seed's
 * summary CSV), kept exact.
 *
 * Every latency of a successful execution is kept, so merging threads,
 * workers and the coordinator is concatenation and the overall figures are
 * computed from all latencies, never averaged from per-thread percentiles
 * (the seed's summarize_results.py does the latter).
 *
 * Statistics, over the successful latencies of a query, in seconds:
 *   avg      arithmetic mean (np.average)
 *   stddev   population standard deviation (np.std, ddof 0)
 *   median, p90, p99
 *            np.percentile's default linear interpolation: rank
 *            p/100 * (n - 1) over the sorted values
 *   geomean  exp(mean(ln x)) over the latencies > 0 (a latency of exactly 0
 *            would make scipy's gmean 0; it only means a coarse clock, so
 *            such values are left out); 0 if none is > 0
 * Printed like Python's str(round(v, 3)).
 *
 * Wire format of qsum_encode (all little-endian):
 *   u32 rows
 *   rows times:  u32 query id (1..6), u64 total, u64 ok,
 *                ok times f64 latency in seconds (IEEE-754 binary64 bits)
 */
#ifndef TSL_QSUMMARY_H
#define TSL_QSUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "buf.h"

#define QSUM_MAX 6 /* do-q1..do-q6 */

/* The merged summary of a run, in its results directory: not under the
 * log directory, where the seed's summarize_results.py reads every *.csv
 * as one thread's summary. */
#define QSUM_MERGED_CSV "query-summary.csv"

/** The seed's CSV header (no newline). */
#define QSUM_CSV_HEADER                                                       \
	"Query type, Total Count, Successful Count, Avg. latency (in secs), " \
	"Std dev latency (in secs), Median, 90th perc (in secs), 99th Perc "  \
	"(in secs), Geo Mean (in secs)"

struct qsum_row {
	unsigned id;     /* 1..6: do-q1..do-q6 */
	uint64_t total;  /* executions counted, failures included */
	uint64_t ok;     /* successful ones; lat[0..ok) */
	double  *lat;    /* latencies of successes, seconds */
	size_t   cap;    /* of lat */
	bool     sorted; /* lat is in ascending order */
};

struct qsum {
	unsigned        n; /* rows in use, in the order added */
	struct qsum_row row[QSUM_MAX];
};

struct qsum_stats {
	double avg, stddev, median, p90, p99, geomean; /* seconds */
};

void qsum_init(struct qsum *s);
void qsum_free(struct qsum *s);
/** Adds a row for query id (1..6); returns its index, or -EINVAL (bad id)
 *  or -EEXIST (already there). Rows keep the order added. */
int qsum_add_query(struct qsum *s, unsigned id);
/** The row of query id, or -ENOENT. */
int qsum_find(const struct qsum *s, unsigned id);
/** Counts one execution of row `row`; secs (>= 0) is kept if ok. */
void qsum_record(struct qsum *s, unsigned row, bool ok, double secs);
/** Adds src's counts and latencies to dst (another summary); rows dst
 *  lacks are appended. */
void qsum_merge(struct qsum *dst, const struct qsum *src);

/** Statistics of one row; sorts its latencies in place. 0, or -ENODATA
 *  when the row has no success (st is then zeroed). */
int qsum_row_stats(struct qsum_row *r, struct qsum_stats *st);

/** Appends the seed's summary: the header and one row per query, joined
 *  with "\n", no trailing newline. A row without success has its six
 *  statistics empty (9 fields, unlike the seed's 8). 0 or -ENOSPC. */
int qsum_csv(struct qsum *s, struct buf *out);
/** Prints an aligned per-query table in milliseconds; 0 or -EIO. */
int qsum_print_table(struct qsum *s, FILE *f);

/** Python's str(round(x, 3)), e.g. "1.5", "2.0", "0.0", "1.493".
 *  Returns the length, or -ENOSPC if out is too small. */
int qsum_fmt3(char *out, size_t n, double x);
/** "TPS: {round(queries / secs, 3)}" as the seed prints it. Returns the
 *  length, -EINVAL if secs <= 0 or -ENOSPC. */
int qsum_tps_line(char *out, size_t n, uint64_t queries, double secs);

/*
 * The seed's per-thread log files (query_execution_utils.py and
 * timestreamquery.py), for every target: what one execution adds to
 * do-qN.log and do-qN.err, and numDatapoints-STAGE-result.txt.
 */

/* One execution. Times are seconds; strings may be "" (printed None). */
struct qsum_exec {
	const char *prefix;   /* "[p-t]", the seed's logPrefix */
	uint64_t    n;        /* execution number, 1-based */
	const char *when;     /* UTC "YYYY-mm-dd HH:MM:SS" */
	const char *query_id; /* "" when none */
	const char *request_id;
	bool        ok;
	uint64_t    rows;
	unsigned    pages;       /* pages read; 0: not a paged target */
	unsigned    empty_pages; /* of those, pages without rows */
	uint64_t    bytes_metered;
	double      secs;       /* the latency */
	double      first_secs; /* start to the first row; < 0 when none */
	const char *error;      /* the failure's message (!ok) */
	const char *detail;     /* more for .err (a query text), or NULL */
};

/** Appends the lines of one execution to a do-qN.log, each ending in
 *  "\n". A success: "Read N pages of result. Empty pages: E. Bytes
 *  metered (MB): X" (N counts pages with rows, or 1 when every page was
 *  empty, as the seed keeps the last one; a target that is not paged
 *  reads one page, empty when it gave no row, and meters 0 bytes), then
 *  "WHEN. QueryId: ID Time: T. First result: F. Time to read results:
 *  R." (R is "0" when no row came) and "PREFIX N. WHEN. QueryId: ID.
 *  Time: T. Rows: ROWS". A failure has the last two only, with "Rows:
 *  None". 0 or -ENOSPC. */
int qsum_log_lines(struct buf *out, const struct qsum_exec *e);
/** Appends what a failure adds to a do-qN.err (a success adds nothing):
 *  the message, "WHEN QueryId: ID RequestId: RID", the detail (where the
 *  seed has its traceback) and a blank line. 0 or -ENOSPC. */
int qsum_err_lines(struct buf *out, const struct qsum_exec *e);
/** Appends numDatapoints-STAGE-result.txt: str() of the seed's pandas
 *  DataFrame, column over value ("   num_data_points\n0   12345", no
 *  trailing newline), or pandas' empty frame when value is NULL (no
 *  row). 0 or -ENOSPC. */
int qsum_count_result(struct buf *out, const char *column, const char *value);

/** Appends s in the wire format above; 0 or -ENOSPC (out's cap). */
int qsum_encode(const struct qsum *s, struct buf *out);
/** Reads the wire format into s (initialised here). If used is NULL the
 *  message must be exactly len bytes, else *used gets the bytes read.
 *  0, or -EBADMSG (truncated, bad id, duplicate row, ok > total, latency
 *  negative or not finite, trailing bytes); s is then empty. */
int qsum_decode(struct qsum *s, const void *p, size_t len, size_t *used);

#endif
