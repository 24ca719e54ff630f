/* thresholds.h - --threshold of ingest, query and run: each expression
 * checked on the run's totals at the end (and, with --abort-on-fail,
 * every second for the ones that can only get worse), listed in the
 * closing lines and run.json; a failed one makes the exit code 3.
 */
#ifndef TSL_THRESHOLDS_H
#define TSL_THRESHOLDS_H

#include <stdbool.h>
#include <stdio.h>

#include "opts.h"
#include "stats.h"
#include "thresh.h"

/* The exit code of a run whose thresholds failed. */
enum { THR_EXIT = 3, THR_MAX = 32 };

struct thr_set {
	struct thresh t[THR_MAX];
	unsigned      n;
	bool          abort_on_fail;
	double        target;       /* --rate, 0: none */
	bool          rate_records; /* ingest counts --rate in records */
	/* thr_eval's */
	double got[THR_MAX];
	bool   pass[THR_MAX];
	bool   evaluated;
	char   aborted[200]; /* why --abort-on-fail stopped the run, or "" */
};

/** Parses the --threshold options of o for subcommand cmd into s. 0, or
 *  -EINVAL with one line naming the option, the expression and what is
 *  accepted in err. */
int thr_setup(struct thr_set *s, const struct tsl_opts *o, unsigned cmd,
    char *err, size_t errlen);
/** Whether a threshold bounds the errors (errors, write_errors,
 *  query_errors): failed writes then do not fail the run by themselves. */
bool thr_judges_errors(const struct thr_set *s);
/** Checks every threshold on the totals (ing, qry: NULL when the run has
 *  no such side) of a run of secs seconds. @return how many failed. */
unsigned thr_eval(struct thr_set *s, const struct stats *ing,
    const struct stats *qry, double secs);
/** Whether a threshold that can only get worse (a count such as errors
 *  bounded from above) has failed already on the live totals; why says
 *  which ("errors==0 failed: errors 12"). */
bool thr_doomed(const struct thr_set *s, const struct stats *ing,
    const struct stats *qry, char *why, size_t n);
/** The closing lines: one per threshold, "Threshold write_p99<50ms:
 *  pass (write_p99 12.3 ms)". */
void thr_print(const struct thr_set *s, FILE *f);
/** run.json's "thresholds": [{"expr", "figure", "value", "pass"}...]. */
struct json_w;
int thr_json(const struct thr_set *s, struct json_w *w);

#endif
