/* runset.h - run directories read back for `tsload report`: run.json's
 * figures and histograms (docs/run-json.md), merged by name across runs
 * (several hosts, several runs of one setup): counts add up, histograms
 * add bucket by bucket, so the merged percentiles are those of every
 * request together, never averages of percentiles.
 */
#ifndef TSL_RUNSET_H
#define TSL_RUNSET_H

#include <stdbool.h>
#include <stdint.h>

#include "hist.h"

struct verify_shown;

enum { RUNSET_MAX_RUNS = 64, RUNSET_MAX_GROUPS = 48 };

/* What one name (a role, a target, a query) adds up to. */
struct runset_group {
	char name[80];  /* "ingest", "query", "target 2 vm://..", "do-q1" */
	char kind[8];   /* "role", "target", "query" */
	struct hist *h; /* merged latencies */
	/* open loop: latency from the intended start, schedule lag */
	struct hist *hi, *hl;
	/* --freshness: acknowledged write to visible, and the probes never
	 * seen (run.json's freshness_hist, freshness.not_visible) */
	struct hist *hf;
	uint64_t     fresh_lost;
	uint64_t     attempts, ok, failed, throttles, records, points;
	uint64_t     behind, skipped, spooled, replayed, lost;
	double       secs; /* summed run time of the runs it came from */
	double       target_per_s; /* open loop: summed targets, 0 = none */
	unsigned     runs;         /* how many runs had it */
};

struct runset_run {
	char     dir[512];
	char     host[128], version[64], command[16], run_id[64];
	char     start[40];
	char     cmdline[1024];
	char    *options; /* "key=value" lines, allocated */
	double   seconds;
	uint64_t value_seed;
	int      exit_code;
	bool     ts, qts; /* timeseries.csv, query-timeseries.csv are there */
	unsigned n_tts;   /* fan-out: timeseries-target-1.csv .. N */
	char     tgt_url[8][80]; /* fan-out: the targets' URLs */
	/* tsload verify's answer (run.json's "verify"), or NULL */
	struct verify_shown *verify;
};

struct runset {
	struct runset_run   run[RUNSET_MAX_RUNS];
	unsigned            n;
	struct runset_group g[RUNSET_MAX_GROUPS];
	unsigned            ng;
};

void runset_init(struct runset *s);
void runset_free(struct runset *s);
/** Reads dir/run.json (a run directory) and adds it; a directory without
 *  one is searched one level down (a results root: every run in it).
 *  0, or -errno with one line naming the file and what is wrong in err. */
int runset_add_dir(
    struct runset *s, const char *dir, char *err, size_t errlen);
/** Adds one run.json text (its directory dir) to s. 0 or -EINVAL/-ENOSPC
 *  with the reason in err. */
int runset_add_json(struct runset *s, const char *dir, const char *text,
    size_t len, char *err, size_t errlen);
/** The group of that name, added (empty) when new; NULL when full. */
struct runset_group *runset_group(
    struct runset *s, const char *name, const char *kind);
/** The group of that name, or NULL. */
struct runset_group *runset_find(struct runset *s, const char *name);

#endif
