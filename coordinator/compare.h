/* compare.h - tsload compare: runs side by side, each run's change from
 * the first with a noise-aware verdict (a bootstrap interval of the
 * difference of the means of the per-second samples), and --fail-if, a
 * CI gate on the last run's change from the first. `tsload report A B`
 * may call compare_runs() for several directories.
 */
#ifndef TSL_COMPARE_H
#define TSL_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "thresh.h"

/* Exit code of compare when a --fail-if holds. */
enum { COMPARE_EXIT_GATE = 4, COMPARE_RESAMPLES = 1000 };
#define COMPARE_CONF 0.95
#define COMPARE_SEED 20261207u /* fixed: the same runs, the same output */

enum cmp_verdict { CMP_NONE, CMP_SAME, CMP_BETTER, CMP_WORSE, CMP_FEW };

/* One figure of one run: the run's total and its per-second samples. */
struct cmp_fig {
	bool    have;
	double  value;
	double *x; /* per-second samples, NULL: none */
	size_t  n;
};

enum { CMP_FIGS = 12 };

/* --freshness of one role or target: run.json's freshness p50 and p99
 * (seconds); one value per run, no per-second samples: no verdict. */
enum { CMP_FRESH_MAX = 8 };
struct cmp_fresh {
	char   name[80]; /* "ingest", or "target 2 vm://.." (fan-out) */
	double p50, p99;
};

/* tsload verify's answer in run.json: none, or the target holds what
 * was written, or it differs. */
enum cmp_verify { CMP_VERIFY_NONE, CMP_VERIFY_HOLDS, CMP_VERIFY_DIFFERS };

struct cmp_run {
	char           dir[512];
	char           run_id[64];
	char           command[16];
	struct cmp_fig f[CMP_FIGS];
	/* not compared with verdicts, shown side by side */
	struct cmp_fresh fresh[CMP_FRESH_MAX];
	unsigned         n_fresh;
	enum cmp_verify  verify;
	char             verify_what[200]; /* "missing 7, changed 3" */
};

/* The difference of run b from run a in one figure. */
struct cmp_diff {
	double           abs, pct; /* b - a; its % of a (NAN: a is 0) */
	double           lo, hi;   /* bootstrap interval of the means */
	enum cmp_verdict v;
};

/** Reads dir/run.json and its per-second CSVs into r. 0, or -errno with
 *  one line naming the file and what is wrong in err. */
int compare_load(const char *dir, struct cmp_run *r, char *err, size_t errlen);
/** Reads a run from the text of run.json and the CSVs (NULL: none). */
int  compare_load_text(struct cmp_run *r, const char *json, size_t len,
     const char *csv, const char *qcsv, char *err, size_t errlen);
void compare_free(struct cmp_run *r);
/** Figure i of b against a (both must have it). */
void compare_diff(const struct cmp_run *a, const struct cmp_run *b, unsigned i,
    struct cmp_diff *d);
/** The index of a figure name ("rate" is points_per_s, or queries_per_s
 *  for a run without ingest), or -1. */
int compare_figure(const struct cmp_run *r, const char *name);
/** The name of figure i ("write_p99"). */
const char *compare_fig_name(unsigned i);
/** A value of figure i for people, in its display unit ("12.3/s",
 *  "4.5 ms"); sign: with a + or - (a change). */
void compare_show(unsigned i, double x, bool sign, char *out, size_t n);
/** The verdict v on figure i in words ("faster", "more errors", "no
 *  significant change"; "-" for none). */
const char *compare_verdict_text(unsigned i, enum cmp_verdict v);
/** "holds", "differs" or "-": run r's verify in a word. */
const char *compare_verify_word(const struct cmp_run *r);
/** The most freshness rows (roles, targets) of runs r[0..n). */
unsigned compare_fresh_rows(const struct cmp_run *r, unsigned n);
/** Prints the runs side by side and each one's change from the first. */
void compare_print(FILE *f, const struct cmp_run *r, unsigned n);
/** The --fail-if expressions (one a line) on the last run against the
 *  first: prints each, returns how many hold, or -EINVAL after one line
 *  in err naming the expression and what is accepted. */
int compare_gate(FILE *f, const struct cmp_run *r, unsigned n,
    const char *fail_if, char *err, size_t errlen);
/** Loads dirs[0..n) into *out (free it with compare_free_runs). 0, or 2
 *  after one line naming the directory and what is wrong. */
int compare_load_runs(
    const char *const *dirs, unsigned n, struct cmp_run **out);
void compare_free_runs(struct cmp_run *r, unsigned n);
/** Prints runs r[0..n) side by side and gates them: 0, 2 (a bad
 *  expression, said) or COMPARE_EXIT_GATE. */
int compare_show_gate(
    FILE *f, const struct cmp_run *r, unsigned n, const char *fail_if);
/** Loads, prints and gates dirs[0..n): 0, 2 (bad usage or a directory
 *  that is not a run) or COMPARE_EXIT_GATE. */
int compare_runs(FILE *f, char *const *dirs, unsigned n, const char *fail_if);

#endif
