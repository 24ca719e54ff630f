/* report.h - what a run prints and writes: the live line, the seed's
 * closing lines, results/<run-id>/timeseries.csv and run.json.
 */
#ifndef TSL_REPORT_H
#define TSL_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "opts.h"
#include "stats.h"
#include "stats_msg.h"

struct qsum;
struct sched;
struct thr_set;

/* Open loop (--rate, --schedule): the schedule a side follows and what
 * its rate counts. */
enum report_unit { RATE_POINTS, RATE_RECORDS, RATE_QUERIES };
struct report_rate {
	struct sched    *s; /* NULL: closed loop */
	enum report_unit unit;
};
/** The units of the rate in totals t (points, records or queries). */
double report_rate_units(const struct report_rate *r, const struct stats *t);
/** With a rate: prints the target and the achieved rate over secs, the
 *  skipped work, and the latency from the intended start and the
 *  schedule lag (the service time is the seed's latency line). Nothing
 *  without one. */
void report_open_loop(
    FILE *f, const struct report_rate *r, const struct stats *t, double secs);

struct report_worker {
	const char   *role; /* "ingest" or "query" */
	unsigned      index;
	int           pid;
	char          host[64];
	char          addr[64]; /* a remote worker's address, else "" */
	uint32_t      first_host, end_host;
	bool          done;      /* delivered its result */
	char          fate[128]; /* how it ended when it did not */
	struct stats *s;         /* its latest totals */
	char          err[256];
	/* --batch-size auto: its threads' histories as the RESULT carried
	 * them (batchauto.h), or NULL */
	const void *batch;
	size_t      batch_len;
};

/* Fan-out: one target's figures. */
struct report_target {
	char               url[512]; /* redacted */
	struct stats       s;
	uint32_t           state; /* TGT_STATE_BITs its writers saw */
	char               err[320];
	struct proto_hosts hosts; /* a cluster's hosts (n = 0: none) */
};

struct report_run {
	const char               *cmd;      /* "ingest" */
	char                      id[64];   /* run id */
	char                      dir[512]; /* results/<id> */
	const struct tsl_opts    *o;
	int64_t                   start_ms, end_ms;
	double                    secs;   /* measured run time */
	const char               *prefix; /* instance-name prefix */
	uint64_t                  hosts, event_sets, series;
	uint32_t                  id_start, id_end; /* the hosts written */
	struct report_worker     *w;
	unsigned                  nw;
	struct report_target     *tgt;     /* fan-out: per target, else NULL */
	struct proto_hosts       *cluster; /* one cluster target: its hosts */
	unsigned                  n_tgt;
	const struct stats       *total;        /* ingest totals, or NULL */
	const struct stats       *qtotal;       /* query totals, or NULL */
	const struct report_rate *rate, *qrate; /* open loop, or NULL */
	struct qsum              *qsum;     /* per-query summaries, or NULL */
	const char               *qdir;     /* query log directory, or NULL */
	const char               *qcsv;     /* merged query summary, or NULL */
	unsigned                  opts_cmd; /* which options run.json lists */
	double                    cpu_s[2]; /* ingest, query workers */
	double                    coord_cpu_s;
	long                      maxrss_kb;  /* coordinator + workers */
	uint64_t                  value_seed; /* the one the workers used */
	/* The timestamps of the run when they are known in advance
	 * (--start-time with --end-time or --autostop, no --rate): cycle k
	 * of every thread is grid_start_ms + k * grid_step_ms, k <
	 * grid_cycles; what tsload verify regenerates. grid false: not. */
	bool                  grid;
	int64_t               grid_start_ms;
	uint64_t              grid_step_ms, grid_cycles;
	int                   exit_code;
	const struct thr_set *thr; /* --threshold results, or NULL */
};

/** Makes <results>/<id>/ with a fresh run id. 0 or -errno (msg in err). */
int report_open_dir(
    struct report_run *r, const char *results, char *err, size_t errlen);
/** Prints "[OVERALL] Total=..." and "Total time to ingest: ..." exactly as
 *  the seed (perf-scale), or, for the continuous model, that seed's
 *  "Total=..., Success=..." and "Total time to ingest: N seconds" and a
 *  "Records written: N" line; then tsload's own data-point and latency
 *  lines. */
void report_closing(
    FILE *f, const struct stats *t, double secs, bool continuous);
/** Writes text (and a newline) to dir/name the way run.json is written
 *  (a temporary file, synced, renamed). 0, or -errno after one line
 *  naming the file and the reason. */
int report_save(
    const char *dir, const char *name, const char *text, size_t len);
/** Appends to note (after "; " when not empty) each host of h that is
 *  out now: "127.0.0.1:8428 down 12s, 40 batches moved". */
void report_hosts_note(
    const struct proto_hosts *h, int64_t now_ms, char *note, size_t n);
/** One closing line per host of a cluster target named url. */
void report_closing_hosts(
    FILE *f, const char *url, const struct proto_hosts *h, int64_t now_ms);
/* How long a probe's point took to be visible after its write was
 * acknowledged (--freshness), one line; nothing without probes. */
/** "[Target K ]Freshness (ack to visible) ms: p50 .., p99 .., max .." of
 *  t; k 0: the run's single target. */
void report_freshness(FILE *f, unsigned k, const struct stats *t);
/** The same line for histogram h and lost probes never seen, after who
 *  ("Target 2 ", "ingest: "; "" for none). */
void report_freshness_of(
    FILE *f, const char *who, const struct hist *h, uint64_t lost);
/** Fan-out: one closing line per target, "Target 2 vm://h:8428: Records
 *  written: N. ...". */
void report_closing_targets(
    FILE *f, const struct report_target *tg, unsigned n, double secs);
/** Keeps the command line (argv[0] and the subcommand on), shell-quoted,
 *  for run.json's "command_line". */
void report_set_command_line(int argc, char *const *argv);
/** The command line kept ( before report_set_command_line). */
const char *report_command_line(void);
/** Writes run.json into r->dir (all of it, or no file: a temporary file
 *  renamed once written and synced). 0, or -errno after one line naming
 *  the file and the reason. */
int report_write_json(const struct report_run *r);

/* Per-second time series (timeseries.csv) and live line. */
struct report_tick {
	FILE    *csv;
	bool     queries; /* query side: counts executions, not records */
	uint64_t last_records, last_points;
	uint64_t last_replayed; /* spooled records sent, at the last tick */
	struct hist *last_h;    /* cumulative histogram at the last tick */
	double       last_t;
	char         path[600];
	int          err;     /* first write error (-errno), 0 if none */
	uint64_t     planned; /* queries in all, 0 = open-ended ("N of M") */
	/* --batch-size auto: records per batch now, over every thread
	 * (0: fixed), set before each tick */
	uint32_t                  batch_min, batch_max;
	const struct report_rate *rate; /* open loop: target and lag shown */
	struct hist *last_hl; /* cumulative lag histogram at the last tick */
	double       last_units; /* of the rate, at the last tick */
	/* fan-out: one column per target, appended to the live line */
	char columns[640];
	/* the last tick's figures, for /metrics: records/s (queries/s),
	 * and with a rate its target now and the lag p99 */
	double rate_now, target_now, lag_p99_ms;
	/* `tsload run`: "ingest" or "query", shown on each side's line */
	char label[8];
	/* the same tick as a shorter text, for the one refreshing line on a
	 * terminal (log_live): the roles' texts side by side */
	char live[512];
};
/** Opens dir/name; unit is "records" (ingest) or "queries"; rate: the
 *  open loop's (NULL or no schedule: closed loop), which adds the target
 *  rate and the lag p99 to the live line and the CSV. */
int report_tick_open(struct report_tick *k, const char *dir, const char *name,
    const char *unit, const struct report_rate *rate);
/** One tick at t seconds into the run with cumulative totals `cur`:
 *  prints the live line to f (unless NULL; a pipe's line), keeps a
 *  shorter one in k->live (a terminal's) and appends a CSV row. `note`
 *  (NULL or "" for none) says which target is failing and how, e.g.
 *  "postgres unreachable", after the error count. */
void report_tick(struct report_tick *k, double t, const struct stats *cur,
    FILE *f, const char *note);
/** Closes the file (flushed and synced). 0, or -errno after one line
 *  naming the file and the first write error. */
int report_tick_close(struct report_tick *k);

#endif
