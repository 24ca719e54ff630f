/* opts.h - the command-line options of every subcommand, from one table.
 *
 * The same rows drive argv parsing, TSLOAD_<NAME> environment variables
 * (the command line wins), --help, the effective options written to
 * run.json, and the text a coordinator sends to its workers.
 */
#ifndef TSL_OPTS_H
#define TSL_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "buf.h"
#include "model_ops.h"
#include "stats_msg.h"
#include "target.h"

/* --target may be repeated (fan-out): at most this many targets. */
enum { OPTS_TARGETS_MAX = PROTO_TARGETS_MAX };

/* Subcommands, as bits: an option row says where it is accepted. */
enum opts_cmd {
	CMD_INGEST   = 1u << 0,
	CMD_MODEL    = 1u << 1,
	CMD_CLEANUP  = 1u << 2,
	CMD_WORKER   = 1u << 3,
	CMD_QUERY    = 1u << 4,
	CMD_RUN      = 1u << 5,
	CMD_GENERATE = 1u << 6,
	CMD_STREAM   = 1u << 7,
	CMD_REPORT   = 1u << 8,
	CMD_COMPARE  = 1u << 9,
	CMD_VERIFY   = 1u << 10,
};

struct tsl_opts {
	/* seed options */
	char    *database;
	char    *table;
	char    *region;
	char    *endpoint;
	char    *profile;
	uint64_t concurrency;
	uint64_t processes;
	char    *model; /* --model: a registered model's name */
	uint64_t host_scale;
	uint64_t id_start;    /* first host of the run (0-based) */
	uint64_t id_end;      /* end of its hosts, exclusive; 0: the model's */
	uint64_t shard_index; /* this machine's part of [id_start, id_end) */
	uint64_t shard_count; /* ... of so many (1: all of it) */
	char    *model_file;  /* --model-file: the datagen model's JSON */
	uint64_t interval_ms;
	bool     batch_writes;
	uint64_t batch_size; /* 0: --batch-size auto */
	bool     multi;
	bool     add_req_id;
	bool     req_id_dim;
	int64_t  instance_seed;
	bool     print_summary;
	uint64_t mem_hours;
	uint64_t mag_days;
	/* tsload's own */
	char    *target;
	double   duration;    /* seconds, 0 = until SIGINT */
	char    *start_time;  /* first cycle's timestamp, "" = now */
	char    *end_time;    /* "" = no end; else backfill up to it */
	char    *results;     /* results root directory */
	uint64_t seed;        /* value seed, 0 = pick one */
	uint64_t max_retries; /* retries of a throttled batch */
	/* open loop */
	double   rate;       /* units/s for the whole run, 0 = closed loop */
	char    *rate_unit;  /* ingest: "points" or "records" */
	char    *schedule;   /* a schedule file, "" = none */
	uint64_t max_lag_ms; /* skip work later than this, 0 = never */
	char    *spool_dir;  /* "" = no spool */
	char    *replay; /* --replay DIR: send the spool, generate nothing */
	uint64_t spool_max;  /* bytes */
	char    *spool_full; /* block | drop-oldest | drop-new */
	bool     spool_sync; /* fdatasync every append */
	char    *connect;    /* worker: coordinator URL */
	char    *role;       /* worker: "ingest" or "query" */
	/* remote workers (coordinator/engine.c, common/net/auth.h) */
	char    *listen;         /* tcp://ADDR:PORT, "" = local workers only */
	uint64_t remote_workers; /* workers that join over --listen */
	char    *token;          /* shared secret; never sent, never saved */
	char    *on_loss;        /* --on-worker-loss: fail | continue */
	double   worker_timeout; /* seconds without a message: lost */
	double   join_timeout;   /* seconds to wait for remote workers */
	/* query driver */
	char    *config;  /* config.ini */
	char    *log_dir; /* -l */
	char    *run_prefix;
	char    *query_end; /* "" = the dialect's now */
	uint64_t think_ms;
	bool     think_random;
	bool     fixed_params;
	char    *params;        /* table | fixed | random */
	uint64_t repetitions;   /* 0 = config.ini's */
	uint64_t q_processes;   /* run: query workers */
	uint64_t q_concurrency; /* run: threads per query worker */
	char    *queries_dir;   /* configs/queries */
	double   query_wait;    /* seconds to wait for data to take params */
	bool     quiet;         /* no live line */
	bool     verify;        /* ingest: tsload verify at the end */
	bool     freshness;     /* ingest: probe ack-to-visible times */
	double   freshness_interval; /* seconds between probes */
	char    *run_dir;        /* verify --results: the run's directory */
	char    *thresholds;     /* --threshold, one a line */
	bool     abort_on_fail;  /* stop once a threshold cannot pass */
	char    *fail_if;        /* compare --fail-if, one a line */
	uint64_t metrics_port;   /* /metrics on this port, 0 = off */
	char    *metrics_addr;   /* ... on this address */
	double   metrics_linger; /* seconds to serve after the run */
	/* stream: the seed's sink options */
	char    *brokers;    /* --broker, one a line (repeatable) */
	char    *topic;      /* --topic */
	char    *kafka_conf; /* -e/--config key=value, one a line */
	char    *producer;   /* --producer: the seed's choice of client */
	uint64_t position;   /* -p/--position: the seed's bar offset */
	char    *bucket;     /* --bucket */
	char    *prefix;     /* --prefix */
	uint64_t linecount;  /* -c/--linecount: lines per object */
	char    *ks_stream;  /* --stream: Kinesis stream name */
	char    *path;       /* --path: filesystem sink directory */
	char    *compressor; /* -z/--compressor: filesystem sink files */
	/* stream: SINK [FILE...]; report, compare: DIR...; the arguments that
	 * are not options */
	char   **args;
	unsigned nargs;
	/* the continuous model's (seed-behaviour.md §1.5) */
	char    *endpoint_url;      /* --endpoint-url, -url: the URL there */
	char    *include_region;    /* comma list, "" = all */
	char    *include_ms;        /* comma list, "" = all */
	uint64_t region_scale;      /* the first N regions, 0 = all */
	uint64_t ms_scale;          /* the first N microservices, 0 = all */
	uint64_t missing_cpu;       /* % of metric samples without CPU */
	double   sin_snr, saw_snr;  /* > 0: cpu_user signal, its SNR */
	char    *sin_frq, *saw_frq; /* m|h|d|we|mo|qu|ye */
	uint64_t autostop;          /* cycles per thread, 0 = no limit */
	bool     dry_run;           /* generate, write to null: */
	/* bad records (ingest --bad-data, generate --baddata), percent */
	double bad_data;
	/* generate (lumberer's options, seed-behaviour-2 §1.2) */
	char    *logtype;       /* apache | cloudfront | cloudflare */
	int64_t  iterations;    /* lines; <= 0: none */
	bool     realtime;      /* -r: the clock at each new visitor */
	uint64_t gen_seed;      /* generate's --seed/-s, default 4321 */
	char    *output;        /* "-": stdout; .gz, .zst: compressed */
	uint64_t visitor_lines; /* lines per visitor; 0: 1 s of clock */
	/* report (the seed's summarize_results.py options, and its own) */
	char *rep_dir;     /* -d/--directory: per-thread query CSVs */
	char *rep_pattern; /* -p/--pattern: their glob */
	char *rep_output;  /* -o/--output-file: merged summary CSV */
	bool  seed_compat; /* also the seed's column-mean CSV */
	bool  help;
	/* set by opts_parse */
	uint64_t given[4];       /* bit per option row: from argv or env */
	bool     target_implied; /* timestream:// from --endpoint/--region */
	/* --target repeated (fan-out): the second and later ones, in the
	 * order given; `target` is the first */
	char    *more_targets[OPTS_TARGETS_MAX - 1];
	unsigned n_more_targets;
};

/* The smallest share of --spool-max one thread's spool may have. */
enum { OPTS_SPOOL_MIN = 64 * 1024 };

/** Sets every option to its default. */
void opts_defaults(struct tsl_opts *o);
void opts_free(struct tsl_opts *o);

/** Applies TSLOAD_* variables (warning about unknown ones), then argv
 *  (argv[0] is the subcommand), for subcommand cmd. Long options may be
 *  abbreviated as with argparse; --target may be repeated (fan-out,
 *  ingest and run only). Without
 *  --target, --endpoint or --region imply timestream://. @return 0, or
 *  -EINVAL with a one-line reason naming the option and the accepted
 *  values (or the nearest option name) in err, and o freed (as by
 *  opts_free; freeing it again is harmless). */
int opts_parse(struct tsl_opts *o, unsigned cmd, int argc,
    const char *const *argv, char *err, size_t errlen);
/** The workers of the run's first role: -p local ones plus
 *  --remote-workers (ingest and run: the ingest side; query: queries). */
uint64_t opts_workers(const struct tsl_opts *o);
/** How many targets the run writes to (1 unless --target is repeated). */
unsigned opts_n_targets(const struct tsl_opts *o);
/** --spool-max's share of one spool: one per thread and target. */
uint64_t opts_spool_share(const struct tsl_opts *o);
/** Target i (0-based, i < opts_n_targets) of the run. */
const char *opts_target(const struct tsl_opts *o, unsigned i);
/** The target settings for target i of the run (opts_tgt_conf with that
 *  target's URL). */
struct tgt_conf opts_tgt_conf_at(const struct tsl_opts *o, unsigned i);
/** Whether the long option name came from argv or the environment. */
bool opts_given(const struct tsl_opts *o, const char *name);
/** Cross-option checks after parsing (batch size range, ...). */
int opts_validate(
    const struct tsl_opts *o, unsigned cmd, char *err, size_t errlen);

/** The load schedule of --rate or --schedule: 1 with *s set (free it
 *  with sched_free), 0 when there is none (closed loop), or -errno with
 *  one line naming the option, the file and the key in err. */
struct sched;
int opts_sched(
    const struct tsl_opts *o, struct sched *s, char *err, size_t errlen);
/** Whether ingest counts the rate in records (--rate-unit records). */
bool opts_rate_records(const struct tsl_opts *o);

/** The target settings the options describe. */
struct tgt_conf opts_tgt_conf(const struct tsl_opts *o);
/** The settings the model reads, from the effective options. */
struct model_conf opts_model_conf(const struct tsl_opts *o);

/** Whether the run's model is the continuous ingestor's. */
bool opts_continuous(const struct tsl_opts *o);

/** The hosts this run writes, [*first, *end) of the model's numbering:
 *  --id-start and --id-end, the end 0 meaning the model's host count.
 *  Checked by opts_validate. */
void opts_host_range(const struct tsl_opts *o, uint32_t *first, uint32_t *end);
/** Whether --id-start or --id-end narrow the run to part of the model. */
bool opts_host_range_given(const struct tsl_opts *o);

/** The identity text of the spool of one ingest thread: the options
 *  its records depend on (model, host scale, instance-name seed, layout,
 *  request ids), its hosts (the worker's first host, the thread's
 *  local range [h0, h1)) and target k's URL without credentials. A
 *  spool made with another text is refused. */
void opts_spool_ident(const struct tsl_opts *o, unsigned k,
    uint32_t first_host, uint32_t h0, uint32_t h1, char *out, size_t n);

/** Whether --batch-size is auto: each ingest thread searches for its
 *  best batch size (common/data/batchauto.h); batches across hosts as
 *  --batch-writes does. */
bool opts_batch_auto(const struct tsl_opts *o);

/** Where query parameters come from: "table", "fixed" or "random"
 *  (--fixed-params is the seed's spelling of --params fixed). */
const char *opts_params(const struct tsl_opts *o);

/** Appends the options of cmd as "--name=value\n" lines (all of them,
 *  defaults included), for a worker to parse with opts_parse_text. Values
 *  are escaped (\\, \n, \xHH for other control bytes), so that any byte
 *  survives and no value can start another line. */
void opts_to_text(const struct tsl_opts *o, unsigned cmd, struct buf *b);
int  opts_parse_text(struct tsl_opts *o, unsigned cmd, const char *text,
     char *err, size_t errlen);
/** Appends the options of cmd as JSON members ("name": value, ...) to an
 *  open JSON object being written with json_*. */
struct json_w;
int opts_to_json(const struct tsl_opts *o, unsigned cmd, struct json_w *w);

/** Prints the option list of cmd for --help. */
void opts_usage(unsigned cmd, FILE *f);

#endif
