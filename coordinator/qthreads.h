/* qthreads.h - the seed's per-thread query results read back for
 * `tsload report -d DIR` (summarize_results.py's job, done right): the
 * per-thread summary CSVs found under DIR, and the latency of every
 * execution from the do-qN.log files beside each, so that the merged
 * percentiles are those of all executions (the seed averages the
 * per-thread percentiles; --seed-compat writes that too).
 */
#ifndef TSL_QTHREADS_H
#define TSL_QTHREADS_H

#include "buf.h"
#include "qsummary.h"

enum { QTHREADS_COLS = 8, QTHREADS_KEYS = 32 };

struct qthreads {
	struct qsum qs;    /* every execution of every thread */
	unsigned    files; /* CSVs read */
	unsigned    logs;  /* do-qN.log files read */
	char        header[512];
	struct {
		char     key[32];
		double   sum[QTHREADS_COLS];
		unsigned n[QTHREADS_COLS]; /* files with a value there */
	} row[QTHREADS_KEYS];
	unsigned nrow;
};

void qthreads_init(struct qthreads *q);
void qthreads_free(struct qthreads *q);
/** Reads every file under dir (recursively) whose name matches the glob
 *  pattern, except `skip` (an output file; NULL: none), and the
 *  do-qN.log files of its directory. 0, or -errno with one line in err
 *  (-ENOENT: no file matched). */
int qthreads_load(struct qthreads *q, const char *dir, const char *pattern,
    const char *skip, char *err, size_t errlen);
/** Appends the seed's output: its header and, per key in the order first
 *  seen, the column means rounded to 3 places, as Python's csv.writer
 *  writes floats (11586.5, 4.0). A column no file had a value in is left
 *  empty (the seed stops there). 0 or -ENOSPC. */
int qthreads_mean_csv(const struct qthreads *q, struct buf *out);

#endif
