/* opts.c - option table, parsing from argv, the environment and text.
 * Numbers go through parse.c, so "--processes 2x" is an error, never 2.
 */
#include "opts.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "continuous.h"
#include "datagen.h"
#include "json.h"
#include "log.h"
#include "parse.h"
#include "schedule.h"
#include "seedenv.h"
#include "spool.h"
#include "target.h"
#include "xalloc.h"

/* OPT_U64_AUTO: a number, or "auto" stored as 0 (--batch-size). */
/* OPT_SIZE: bytes, written as 64M or 2G (parse_size), kept as a number. */
/* OPT_LIST: text, each further value appended on a line of its own
 * (repeatable options: --broker, -e). */
enum opt_type {
	OPT_BOOL,
	OPT_STR,
	OPT_U64,
	OPT_U64_AUTO,
	OPT_I64,
	OPT_SECS,
	OPT_F64,
	OPT_SIZE,
	OPT_LIST
};

/* Sections of --help, in this order. */
enum opt_group {
	G_TARGET,
	G_SHAPE,
	G_CONT,
	G_PACE,
	G_QUERY,
	G_OUTPUT,
	G_WORKER,
	G_OTHER,
	G_N
};

static const char *const group_title[G_N]
    = { "target", "load shape", "continuous model (--model continuous only)",
	      "pacing", "query workload", "output", "worker", "other" };

struct opt {
	const char   *name;
	char          shortname;
	enum opt_type type;
	size_t        off;
	const char   *def;
	double        min, max; /* numbers: accepted range */
	unsigned      cmds;
	const char   *meta;
	const char   *help;
	unsigned      group; /* enum opt_group; G_CONT: only the continuous
	                        model takes it */
};

#define OFF(f) offsetof(struct tsl_opts, f)
#define ING CMD_INGEST
#define MOD CMD_MODEL
#define CLN CMD_CLEANUP
#define WRK CMD_WORKER
#define QRY CMD_QUERY
#define RUN CMD_RUN
#define GEN CMD_GENERATE
#define STR CMD_STREAM
#define CMP CMD_COMPARE
#define REP CMD_REPORT
#define VER CMD_VERIFY

/* The worker receives the ingest options as text, so every ingest row is
 * also a worker row. */
static const struct opt opt_table[] = {
	{ "target", 0, OPT_STR, OFF(target), "sqlite:results/tsload.db", 0, 0,
	    ING | CLN | QRY | RUN | WRK | VER, "URL",
	    "where to write (see TARGETS below); repeat it to write every batch to each (fan-out)",
	    G_TARGET },
	{ "database-name", 'd', OPT_STR, OFF(database), "devops", 0, 0,
	    ING | CLN | QRY | RUN | WRK, "NAME", "database name", G_TARGET },
	{ "table-name", 't', OPT_STR, OFF(table), "host_metrics", 0, 0,
	    ING | CLN | QRY | RUN | WRK, "NAME", "table name", G_TARGET },
	{ "region", 'r', OPT_STR, OFF(region), "", 0, 0,
	    ING | CLN | QRY | RUN | WRK | STR, "REGION",
	    "AWS region (Timestream, S3 and Kinesis; stream: no -r)",
	    G_TARGET },
	{ "endpoint", 'e', OPT_STR, OFF(endpoint), "", 0, 0,
	    ING | CLN | QRY | RUN | WRK | STR, "URL",
	    "explicit endpoint (AWS targets; stream: no -e, which is "
	    "--config); with --model continuous the region, as in that seed",
	    G_TARGET },
	{ "endpoint-url", 0, OPT_STR, OFF(endpoint_url), "", 0, 0,
	    ING | CLN | QRY | RUN | WRK, "URL",
	    "explicit endpoint (the continuous seed's spelling; also -url)",
	    G_TARGET },
	{ "profile", 0, OPT_STR, OFF(profile), "", 0, 0,
	    ING | CLN | QRY | RUN | WRK | STR, "NAME", "AWS named profile",
	    G_TARGET },
	{ "broker", 0, OPT_LIST, OFF(brokers), "", 0, 0, STR, "HOST:PORT",
	    "kafka: a bootstrap broker (repeatable, or HOST:PORT,HOST:PORT)",
	    G_TARGET },
	{ "topic", 0, OPT_STR, OFF(topic), "", 0, 0, STR, "NAME",
	    "kafka: the topic", G_TARGET },
	{ "config", 'e', OPT_LIST, OFF(kafka_conf), "", 0, 0, STR, "KEY=VALUE",
	    "kafka: a librdkafka setting, passed as it is (repeatable; "
	    "compression.type=zstd, acks=1, ...)",
	    G_TARGET },
	{ "producer", 0, OPT_STR, OFF(producer), "kafka-confluent", 0, 0, STR,
	    "NAME",
	    "kafka: the seed's client choice (kafka-confluent, kafka-python, "
	    "kafka-confluent-multiprocessing): all are librdkafka here",
	    G_TARGET },
	{ "bucket", 0, OPT_STR, OFF(bucket), "", 0, 0, STR, "NAME",
	    "s3: the bucket", G_TARGET },
	{ "prefix", 0, OPT_STR, OFF(prefix), "", 0, 0, STR, "PREFIX",
	    "s3: key prefix of the objects (\"demo/\")", G_TARGET },
	{ "linecount", 'c', OPT_U64, OFF(linecount), "1000", 1, 10000000, STR,
	    "N", "s3, filesystem: lines per object or file", G_TARGET },
	{ "path", 0, OPT_STR, OFF(path), ".", 0, 0, STR, "DIR",
	    "filesystem: the directory of the files", G_TARGET },
	{ "compressor", 'z', OPT_STR, OFF(compressor), "", 0, 0, STR,
	    "gzip|zstd", "filesystem: compress each file", G_TARGET },
	{ "stream", 0, OPT_STR, OFF(ks_stream), "", 0, 0, STR, "NAME",
	    "kinesis: the stream", G_TARGET },
	{ "position", 'p', OPT_U64, OFF(position), "0", 0, 1000, STR, "N",
	    "the seed's progress-bar line offset: accepted, no effect (the "
	    "live line is one line on stderr)",
	    G_OUTPUT },
	{ "processes", 'p', OPT_U64, OFF(processes), "1", 0, 4096,
	    ING | QRY | RUN | WRK | GEN, "N",
	    "worker processes (0: remote workers only)", G_SHAPE },
	{ "concurrency", 'c', OPT_U64, OFF(concurrency), "1", 1, 4096,
	    ING | QRY | RUN | WRK | GEN, "N",
	    "threads per worker process (ingest with --model continuous: "
	    "default 10)",
	    G_SHAPE },
	{ "model", 0, OPT_STR, OFF(model), "perf-scale", 0, 0,
	    ING | MOD | QRY | RUN | WRK, "NAME",
	    "data model (see MODELS below)", G_SHAPE },
	{ "host-scale", 's', OPT_U64, OFF(host_scale), "100", 1, 4000,
	    ING | MOD | QRY | RUN | WRK, "N",
	    "hosts = 1000 x N, event sets = 1200 x N (continuous: 1010 x N "
	    "and 1212 x N, default 1)",
	    G_SHAPE },
	{ "id-start", 0, OPT_U64, OFF(id_start), "0", 0, 4294967295.0,
	    ING | RUN | WRK, "N",
	    "write the model's hosts from N (0-based), so that machines "
	    "split one model",
	    G_SHAPE },
	{ "id-end", 0, OPT_U64, OFF(id_end), "0", 0, 4294967295.0,
	    ING | RUN | WRK, "M",
	    "... up to M, exclusive (0: the model's end)", G_SHAPE },
	{ "shard-index", 0, OPT_U64, OFF(shard_index), "0", 0, 4095,
	    ING | RUN | WRK, "I",
	    "with --shard-count: write part I (0-based) of the hosts; "
	    "tsload worker: take remote slot I (0-based) of the coordinator's --remote-workers; "
	    "default: $JOB_COMPLETION_INDEX (a Kubernetes Indexed Job's pod)",
	    G_SHAPE },
	{ "shard-count", 0, OPT_U64, OFF(shard_count), "1", 1, 4096, ING | RUN,
	    "N",
	    "split the hosts (--id-start..--id-end) into N contiguous parts, "
	    "one per machine or pod",
	    G_SHAPE },
	{ "model-file", 0, OPT_STR, OFF(model_file), "", 0, 0,
	    ING | MOD | QRY | RUN | WRK, "FILE",
	    "the data generator's data-model JSON (tags, metrics): implies "
	    "--model datagen",
	    G_SHAPE },
	{ "include-region", 0, OPT_STR, OFF(include_region), "", 0, 0,
	    ING | MOD | QRY | RUN | WRK, "LIST",
	    "only these regions (comma list; default: all 7)", G_CONT },
	{ "include-ms", 0, OPT_STR, OFF(include_ms), "", 0, 0,
	    ING | MOD | QRY | RUN | WRK, "LIST",
	    "only these microservices (comma list; default: all 5)", G_CONT },
	{ "region-scale", 0, OPT_U64, OFF(region_scale), "0", 0, 7,
	    ING | MOD | QRY | RUN | WRK, "N",
	    "only the first N regions (0: all)", G_CONT },
	{ "ms-scale", 0, OPT_U64, OFF(ms_scale), "0", 0, 5,
	    ING | MOD | QRY | RUN | WRK, "N",
	    "only the first N microservices (0: all)", G_CONT },
	{ "missing-cpu", 0, OPT_U64, OFF(missing_cpu), "0", 0, 100,
	    ING | RUN | WRK, "PCT",
	    "PCT % of metric samples come without their 8 CPU measures",
	    G_CONT },
	{ "sin-signal-cpu", 0, OPT_F64, OFF(sin_snr), "0", 0, INFINITY,
	    ING | RUN | WRK, "SNR",
	    "cpu_user is a sine plus noise at this signal-to-noise ratio "
	    "(>= 100: no noise; 0: off)",
	    G_CONT },
	{ "sin-frq-cpu", 0, OPT_STR, OFF(sin_frq), "m", 0, 0, ING | RUN | WRK,
	    "m|h|d|we|mo|qu|ye",
	    "the sine's period: minute, hour, day, week, month (30.46 d), "
	    "quarter, year (365.6 d)",
	    G_CONT },
	{ "saw-signal-cpu", 0, OPT_F64, OFF(saw_snr), "0", 0, INFINITY,
	    ING | RUN | WRK, "SNR",
	    "cpu_user is a sawtooth plus noise (the sine wins if both)",
	    G_CONT },
	{ "saw-frq-cpu", 0, OPT_STR, OFF(saw_frq), "m", 0, 0, ING | RUN | WRK,
	    "m|h|d|we|mo|qu|ye", "the sawtooth's period", G_CONT },
	{ "interval-millis", 0, OPT_U64, OFF(interval_ms), "5000", 0, 86400000,
	    ING | MOD | RUN | WRK, "MS",
	    "one sample per series every MS (0: as fast as possible)",
	    G_PACE },
	{ "batch-writes", 0, OPT_BOOL, OFF(batch_writes), "false", 0, 0,
	    ING | RUN | WRK, NULL, "batch records across hosts", G_SHAPE },
	{ "batch-size", 0, OPT_U64_AUTO, OFF(batch_size), "100", 1, 100000,
	    ING | RUN | WRK, "N|auto",
	    "records per batch with --batch-writes (Timestream: 1..100); "
	    "auto: batches across hosts, of the size with the best "
	    "records/s, found and kept by each thread",
	    G_SHAPE },
	{ "multi", 0, OPT_BOOL, OFF(multi), "false", 0, 0,
	    ING | MOD | QRY | RUN | WRK, NULL,
	    "multi-measure records (one per host sample)", G_SHAPE },
	{ "add-req-id", 0, OPT_BOOL, OFF(add_req_id), "false", 0, 0,
	    ING | RUN | WRK, NULL, "add a UUID request_id to every sample",
	    G_SHAPE },
	{ "req-id-dim", 0, OPT_BOOL, OFF(req_id_dim), "false", 0, 0,
	    ING | RUN | WRK, NULL,
	    "with --add-req-id: as a dimension, not a measure", G_SHAPE },
	{ "instance-name-seed", 0, OPT_I64, OFF(instance_seed), "12345",
	    -9.2e18, 9.2e18, ING | MOD | QRY | RUN | WRK, "N",
	    "seed of the 8-character instance-name prefix", G_SHAPE },
	{ "print-model-summary", 0, OPT_BOOL, OFF(print_summary), "false", 0,
	    0, ING | RUN, NULL, "print the model summary and exit", G_OUTPUT },
	{ "memory-store-retention-hours", 0, OPT_U64, OFF(mem_hours), "2", 1,
	    8766, ING | RUN | WRK, "H", "memory store retention (new tables)",
	    G_TARGET },
	{ "magnetic-store-retention-days", 0, OPT_U64, OFF(mag_days), "365", 1,
	    73000, ING | RUN | WRK, "D",
	    "magnetic store retention (new tables)", G_TARGET },
	{ "duration", 0, OPT_SECS, OFF(duration), "0", 0, 31536000,
	    ING | QRY | RUN | WRK, "SECS",
	    "stop after SECS (10, 90s, 5m, 2h; 0: at SIGINT)", G_PACE },
	{ "autostop", 0, OPT_U64, OFF(autostop), "0", 0, 1e15, ING | RUN | WRK,
	    "N",
	    "each thread stops after N cycles: N values per series (0: no "
	    "limit)",
	    G_PACE },
	{ "dry-run", 0, OPT_BOOL, OFF(dry_run), "false", 0, 0, ING | WRK, NULL,
	    "generate without writing: the target is null: (nothing is "
	    "contacted), the model's debug lines are printed",
	    G_OUTPUT },
	{ "start-time", 0, OPT_STR, OFF(start_time), "", 0, 0,
	    ING | RUN | WRK | GEN, "T",
	    "first cycle's timestamp, + interval per cycle (default: now); "
	    "RFC 3339, epoch s or ms, or relative: now, -3d, now-90m",
	    G_PACE },
	{ "end-time", 0, OPT_STR, OFF(end_time), "", 0, 0, ING | RUN | WRK,
	    "T", "with --start-time: write the cycles before T, unpaced",
	    G_PACE },
	{ "results", 0, OPT_STR, OFF(results), "results", 0, 0,
	    ING | QRY | RUN | WRK | STR, "DIR",
	    "results root: DIR/<run-id>/run.json, timeseries.csv", G_OUTPUT },
	{ "results", 0, OPT_STR, OFF(run_dir), "", 0, 0, VER, "RUNDIR",
	    "the run to check: its directory (results/<run-id>), with run.json",
	    G_OUTPUT },
	{ "verify", 0, OPT_BOOL, OFF(verify), "false", 0, 0, ING | WRK, NULL,
	    "at the end, check what the target holds against what was generated (tsload verify); exit 1 on a difference",
	    G_OUTPUT },
	{ "freshness", 0, OPT_BOOL, OFF(freshness), "false", 0, 0,
	    ING | RUN | WRK, NULL,
	    "probe how soon acknowledged writes are visible in a query of each target (sqlite, postgres, clickhouse, vm, promrw, influx, timestream): ack to visible per target",
	    G_OUTPUT },
	{ "freshness-interval", 0, OPT_SECS, OFF(freshness_interval), "1",
	    0.01, 3600, ING | RUN | WRK, "SECS",
	    "with --freshness: start a probe at most every SECS per target",
	    G_OUTPUT },
	{ "seed", 0, OPT_U64, OFF(seed), "0", 0, 1.8e19, ING | QRY | RUN | WRK,
	    "N",
	    "seed of the generated values (same seed, same data; 0: random); "
	    "with --model continuous, -p 1 and -c 1: CPython's random.seed(N), "
	    "the seed's values exactly",
	    G_SHAPE },
	{ "max-retries", 0, OPT_U64, OFF(max_retries), "10", 0, 1000000,
	    ING | RUN | WRK | STR, "N", "retries of a throttled or busy batch",
	    G_PACE },
	{ "rate", 'r', OPT_F64, OFF(rate), "0", 0, 1e12,
	    ING | QRY | RUN | WRK | STR, "N",
	    "open loop: N data points/s in all (query: queries/s; stream: "
	    "lines/s, -r), split over workers and threads; latency also from "
	    "each batch's intended start (0: closed loop)",
	    G_PACE },
	{ "rate-unit", 0, OPT_STR, OFF(rate_unit), "points", 0, 0,
	    ING | RUN | WRK, "points|records",
	    "what --rate and --schedule count when ingesting", G_PACE },
	{ "schedule", 's', OPT_STR, OFF(schedule), "", 0, 0,
	    ING | QRY | RUN | WRK | STR, "FILE",
	    "open loop at the rates of a JSON file, re-read when it changes: "
	    "{\"update_interval\": S, \"schedule\": [R, ...]} (cycling) or "
	    "{\"steps\": [{\"rate\": R, \"for\": \"30s\"}, {\"ramp_to\": R, "
	    "\"for\": \"5m\"}, ...]}",
	    G_PACE },
	{ "max-lag", 0, OPT_U64, OFF(max_lag_ms), "0", 0, 86400000,
	    ING | QRY | RUN | WRK, "MS",
	    "with a rate: skip (and count) a batch or query due more than MS "
	    "ago (0: never)",
	    G_PACE },
	{ "spool-dir", 0, OPT_STR, OFF(spool_dir), "", 0, 0, ING | RUN | WRK,
	    "DIR",
	    "keep batches the target cannot take (down, or busy after the "
	    "retries) in DIR and send them when it answers; a new run on DIR "
	    "sends what is left",
	    G_TARGET },
	{ "replay", 0, OPT_STR, OFF(replay), "", 0, 0, ING | STR | WRK, "DIR",
	    "send what is left in the spool DIR to its target(s), generate "
	    "nothing, and exit (stream: with the model, threads and targets "
	    "the spool names)",
	    G_TARGET },
	{ "spool-max", 0, OPT_SIZE, OFF(spool_max), "1G", 0, 0,
	    ING | RUN | WRK, "SIZE",
	    "the spool's cap on disk (64M, 2G), shared evenly by the threads (and targets)",
	    G_TARGET },
	{ "spool-full", 0, OPT_STR, OFF(spool_full), "block", 0, 0,
	    ING | RUN | WRK, "block|drop-oldest|drop-new",
	    "when the spool is full: generation waits (back pressure), or "
	    "the oldest or the new batches are dropped (counted)",
	    G_TARGET },
	{ "spool-sync", 0, OPT_BOOL, OFF(spool_sync), "true", 0, 0,
	    ING | RUN | WRK, NULL,
	    "fdatasync the spool (group commit: every 64 MiB or 50 ms), "
	    "counting a batch as spooled once synced; =false: a kill of "
	    "tsload still loses nothing, a machine crash may",
	    G_TARGET },
	{ "quiet", 'q', OPT_BOOL, OFF(quiet), "false", 0, 0,
	    ING | QRY | RUN | GEN | STR, NULL, "no live progress line",
	    G_OUTPUT },
	{ "metrics-port", 0, OPT_U64, OFF(metrics_port), "0", 0, 65535,
	    ING | QRY | RUN, "PORT",
	    "serve Prometheus metrics at http://ADDR:PORT/metrics during the run (0: off)",
	    G_OUTPUT },
	{ "metrics-addr", 0, OPT_STR, OFF(metrics_addr), "127.0.0.1", 0, 0,
	    ING | QRY | RUN, "ADDR",
	    "address --metrics-port listens on (0.0.0.0: every interface, as in a pod)",
	    G_OUTPUT },
	{ "metrics-linger", 0, OPT_SECS, OFF(metrics_linger), "0", 0, 3600,
	    ING | QRY | RUN, "SECS",
	    "after the run, serve its final figures this long before exiting (for a last scrape)",
	    G_OUTPUT },
	{ "threshold", 0, OPT_LIST, OFF(thresholds), "", 0, 0, ING | QRY | RUN,
	    "EXPR",
	    "fail the run (exit 3) unless FIGURE OP VALUE holds at the end: write_p99<50ms, rate>=0.95*target, errors==0 (repeatable; see THRESHOLDS)",
	    G_OUTPUT },
	{ "abort-on-fail", 0, OPT_BOOL, OFF(abort_on_fail), "false", 0, 0,
	    ING | QRY | RUN, NULL,
	    "with --threshold: stop as soon as one that can only get worse (errors, throttles bounded above) has failed",
	    G_OUTPUT },
	{ "fail-if", 0, OPT_LIST, OFF(fail_if), "", 0, 0, CMP | REP, "EXPR",
	    "exit 4 when the last run's change from the first holds: write_p99>+10%, rate<-5%, write_p99>2ms (repeatable)",
	    G_OUTPUT },
	{ "connect", 0, OPT_STR, OFF(connect), "", 0, 0, WRK, "URL",
	    "coordinator to join (ipc:// or tcp://)", G_WORKER },
	{ "role", 0, OPT_STR, OFF(role), "ingest", 0, 0, WRK, "ROLE",
	    "set by the coordinator: ingest or query", G_WORKER },
	{ "listen", 0, OPT_STR, OFF(listen), "", 0, 0, ING | QRY | RUN,
	    "tcp://ADDR:PORT",
	    "also take workers from other hosts here (tsload worker --connect tcp://HOST:PORT); needs --token",
	    G_WORKER },
	{ "remote-workers", 0, OPT_U64, OFF(remote_workers), "0", 0, 4096,
	    ING | QRY | RUN | WRK, "N",
	    "wait for N workers to join at --listen before starting; they get shards after the -p local ones (run: ingest workers)",
	    G_WORKER },
	{ "token", 0, OPT_STR, OFF(token), "", 0, 0, ING | QRY | RUN | WRK,
	    "SECRET",
	    "the secret workers and coordinator share (challenge and response, never sent; better TSLOAD_TOKEN)",
	    G_WORKER },
	{ "on-worker-loss", 0, OPT_STR, OFF(on_loss), "fail", 0, 0,
	    ING | QRY | RUN, "fail|continue",
	    "a worker that dies or goes silent fails the run (exit 1), or the run goes on without its shard",
	    G_WORKER },
	{ "worker-timeout", 0, OPT_SECS, OFF(worker_timeout), "10", 1, 3600,
	    ING | QRY | RUN | WRK, "SECS",
	    "a remote worker silent this long is lost (a worker gives its coordinator this long, 10 s at least)",
	    G_WORKER },
	{ "join-timeout", 0, OPT_SECS, OFF(join_timeout), "600", 0, 31536000,
	    ING | QRY | RUN, "SECS",
	    "how long to wait for the --remote-workers to join (0: for ever)",
	    G_WORKER },
	{ "config", 0, OPT_STR, OFF(config), "configs/config.ini", 0, 0,
	    QRY | RUN | WRK, "FILE",
	    "query workload (seed config.ini format); the default is found "
	    "next to the binary, not in the current directory",
	    G_QUERY },
	{ "log-dir", 'l', OPT_STR, OFF(log_dir), "results/query-logs", 0, 0,
	    QRY | RUN | WRK, "DIR", "root of the per-thread query log dirs",
	    G_OUTPUT },
	{ "run-prefix", 0, OPT_STR, OFF(run_prefix), "tsload", 0, 0,
	    QRY | RUN | WRK, "NAME", "first part of every log dir name",
	    G_OUTPUT },
	{ "query-end-time", 0, OPT_STR, OFF(query_end), "", 0, 0,
	    QRY | RUN | WRK, "EXPR",
	    "end of every time window, pasted into the query (default: now)",
	    G_QUERY },
	{ "think-time-milliseconds", 0, OPT_U64, OFF(think_ms), "30000", 0,
	    86400000, QRY | RUN | WRK, "MS",
	    "pause after each successful query, and between thread starts",
	    G_PACE },
	{ "randomized-think-time", 0, OPT_BOOL, OFF(think_random), "false", 0,
	    0, QRY | RUN | WRK, NULL,
	    "think 5000..MS ms at random (0..MS when MS < 5000)", G_PACE },
	{ "fixed-params", 0, OPT_BOOL, OFF(fixed_params), "false", 0, 0,
	    QRY | RUN | WRK, NULL,
	    "the seed's built-in parameters (= --params fixed)", G_QUERY },
	{ "params", 0, OPT_STR, OFF(params), "table", 0, 0, QRY | RUN | WRK,
	    "table|fixed|random",
	    "query parameters: from the table, built in, or fresh per query",
	    G_QUERY },
	{ "repetitions", 0, OPT_U64, OFF(repetitions), "0", 0, 1e9,
	    QRY | RUN | WRK, "N", "queries per thread (0: config.ini's)",
	    G_PACE },
	{ "query-processes", 0, OPT_U64, OFF(q_processes), "1", 1, 4096,
	    RUN | WRK, "N", "run: query worker processes", G_SHAPE },
	{ "query-concurrency", 0, OPT_U64, OFF(q_concurrency), "1", 1, 4096,
	    RUN | WRK, "N", "run: threads per query worker", G_SHAPE },
	{ "query-wait", 0, OPT_SECS, OFF(query_wait), "0", 0, 3600,
	    QRY | RUN | WRK, "SECS",
	    "how long query threads wait for data to take --params table from "
	    "(run: 60)",
	    G_PACE },
	{ "queries-dir", 0, OPT_STR, OFF(queries_dir), "configs/queries", 0, 0,
	    QRY | RUN | WRK, "DIR",
	    "query templates, DIR/<dialect>/*.sql; the default is found next "
	    "to the binary",
	    G_QUERY },
	{ "bad-data", 0, OPT_F64, OFF(bad_data), "0", 0, 100, ING | RUN | WRK,
	    "PCT",
	    "make PCT % of the records invalid for the target (kinds: BAD "
	    "DATA below), counted as injected",
	    G_SHAPE },
	/* generate: lumberer's options and short forms; its --seed is a
	 * row of its own (default 4321, short -s) */
	{ "logtype", 'l', OPT_STR, OFF(logtype), "", 0, 0, GEN,
	    "apache|cloudfront|cloudflare", "log format (case-insensitive)",
	    G_SHAPE },
	{ "iterations", 'i', OPT_I64, OFF(iterations), "1", -9.2e18, 9.2e18,
	    GEN, "N", "lines to write (<= 0: none)", G_SHAPE },
	{ "baddata", 'b', OPT_F64, OFF(bad_data), "0", -1e308, 1e308, GEN,
	    "PCT", "share of corrupted lines in % (<= 0: none, >= 100: all)",
	    G_SHAPE },
	{ "realtime", 'r', OPT_BOOL, OFF(realtime), "false", 0, 0, GEN, NULL,
	    "timestamps: the clock at each new visitor (else --start-time)",
	    G_SHAPE },
	{ "seed", 's', OPT_U64, OFF(gen_seed), "4321", 0, 1.8e19, GEN, "N",
	    "seed of the lines (same seed and --start-time, same lines; 0: "
	    "random)",
	    G_SHAPE },
	{ "visitor-lines", 0, OPT_U64, OFF(visitor_lines), "10000", 0, 1e12,
	    GEN, "N",
	    "lines per visitor (IP, user, agent...; 0: one per second of "
	    "clock, as lumberer, not reproducible)",
	    G_SHAPE },
	{ "output", 'o', OPT_STR, OFF(output), "-", 0, 0, GEN, "FILE",
	    "where the lines go (-: stdout; .gz: gzip, .zst: zstd)",
	    G_OUTPUT },
	{ "directory", 'd', OPT_STR, OFF(rep_dir), "", 0, 0, REP, "DIR",
	    "per-thread query CSVs under DIR (the seed's summarize_results.py; the latencies come from the do-qN.log files beside them)",
	    G_OUTPUT },
	{ "pattern", 'p', OPT_STR, OFF(rep_pattern), "*.csv", 0, 0, REP,
	    "GLOB", "with -d: the per-thread CSVs, searched recursively",
	    G_OUTPUT },
	{ "output-file", 'o', OPT_STR, OFF(rep_output), "", 0, 0, REP, "FILE",
	    "with -d: the merged query summary (relative: under -d's DIR, as the seed)",
	    G_OUTPUT },
	{ "seed-compat", 0, OPT_BOOL, OFF(seed_compat), "false", 0, 0, REP,
	    NULL,
	    "also write the seed's column means of the per-thread CSVs (averaged percentiles, not percentiles)",
	    G_OUTPUT },
	{ "help", 'h', OPT_BOOL, OFF(help), "false", 0, 0,
	    ING | MOD | CLN | QRY | RUN | WRK | GEN | STR | REP | CMP | VER,
	    NULL, "this help", G_OTHER },
	{ NULL },
};

/* Options whose short form is not theirs in some commands: stream uses
 * -e for --config (librdkafka's, as the seed) and -r for --rate, where
 * --endpoint and --region stay long options; -r and -s (--rate and
 * --schedule, the seed's) are stream's only. */
static const struct {
	size_t   off;
	unsigned cmds;
} short_off[] = { { OFF(region), STR }, { OFF(endpoint), STR },
	{ OFF(rate), ING | QRY | RUN | WRK },
	{ OFF(schedule), ING | QRY | RUN | WRK } };

static bool
short_ok(const struct opt *r, unsigned cmd)
{
	for (size_t i = 0; i < sizeof(short_off) / sizeof(short_off[0]); i++)
		if (short_off[i].off == r->off && (short_off[i].cmds & cmd))
			return false;
	return r->shortname != 0;
}

static void *
field(struct tsl_opts *o, const struct opt *r)
{
	return (char *)o + r->off;
}

static const void *
cfield(const struct tsl_opts *o, const struct opt *r)
{
	return (const char *)o + r->off;
}

/* Stores value v into the field of row r; `from` names the source for
 * messages ("--processes", "TSLOAD_PROCESSES"). */
static int
set_value(struct tsl_opts *o, const struct opt *r, const char *v,
    const char *from, char *err, size_t errlen)
{
	char     why[160];
	uint64_t u;
	int64_t  i;
	int      rc = 0;

	switch (r->type) {
	case OPT_BOOL:
		rc = parse_bool(v, field(o, r), why, sizeof(why));
		break;
	case OPT_STR: {
		char **s = field(o, r);

		free(*s);
		*s = xstrdup(v);
		return 0;
	}
	case OPT_LIST: {
		char **s = field(o, r), *old = *s;

		*s = old && *old ? xasprintf("%s\n%s", old, v) : xstrdup(v);
		free(old);
		return 0;
	}
	case OPT_U64_AUTO:
		if (v && !strcmp(v, "auto")) {
			*(uint64_t *)field(o, r) = 0;
			break;
		}
		rc = parse_u64(v, (uint64_t)r->min,
		    r->max >= 1.8e19 ? UINT64_MAX : (uint64_t)r->max, &u, why,
		    sizeof(why));
		if (rc)
			parse_error(why, sizeof(why), rc, v,
			    "an integer %llu..%llu or auto",
			    (unsigned long long)r->min,
			    (unsigned long long)r->max);
		if (!rc)
			*(uint64_t *)field(o, r) = u;
		break;
	case OPT_U64:
		rc = parse_u64(v, (uint64_t)r->min,
		    r->max >= 1.8e19 ? UINT64_MAX : (uint64_t)r->max, &u, why,
		    sizeof(why));
		if (!rc)
			*(uint64_t *)field(o, r) = u;
		break;
	case OPT_I64:
		rc = parse_i64(v,
		    r->min <= -9.2e18 ? INT64_MIN : (int64_t)r->min,
		    r->max >= 9.2e18 ? INT64_MAX : (int64_t)r->max, &i, why,
		    sizeof(why));
		if (!rc)
			*(int64_t *)field(o, r) = i;
		break;
	case OPT_F64: {
		double d;

		rc = parse_double(v, r->min, r->max, &d, why, sizeof(why));
		if (!rc)
			*(double *)field(o, r) = d;
		break;
	}
	case OPT_SIZE:
		rc = parse_size(v, &u, why, sizeof(why));
		if (!rc)
			*(uint64_t *)field(o, r) = u;
		break;
	case OPT_SECS: {
		double d;

		rc = parse_duration(v, &d, why, sizeof(why));
		if (!rc && (d < r->min || d > r->max)) {
			snprintf(why, sizeof(why),
			    "invalid value \"%s\" (expected %g..%g seconds)",
			    v, r->min, r->max);
			rc = -EINVAL;
		}
		if (!rc)
			*(double *)field(o, r) = d;
		break;
	}
	}
	if (rc)
		snprintf(err, errlen, "%s: %s", from, why);
	return rc;
}

void
opts_defaults(struct tsl_opts *o)
{
	char err[64];

	memset(o, 0, sizeof(*o));
	for (const struct opt *r = opt_table; r->name; r++)
		set_value(o, r, r->def, r->name, err, sizeof(err));
}

void
opts_free(struct tsl_opts *o)
{
	for (const struct opt *r = opt_table; r->name; r++) {
		if (r->type == OPT_STR || r->type == OPT_LIST) {
			char **s = field(o, r);

			free(*s);
			*s = NULL;
		}
	}
	for (unsigned i = 0; i < o->nargs; i++)
		free(o->args[i]);
	free(o->args);
	o->args  = NULL;
	o->nargs = 0;
	for (unsigned i = 0; i < o->n_more_targets; i++) {
		free(o->more_targets[i]);
		o->more_targets[i] = NULL;
	}
	o->n_more_targets = 0;
}

unsigned
opts_n_targets(const struct tsl_opts *o)
{
	return 1 + o->n_more_targets;
}

uint64_t
opts_workers(const struct tsl_opts *o)
{
	return o->processes + o->remote_workers;
}

uint64_t
opts_spool_share(const struct tsl_opts *o)
{
	uint64_t w = opts_workers(o) ? opts_workers(o) : 1;

	return o->spool_max / (w * o->concurrency * opts_n_targets(o));
}

const char *
opts_target(const struct tsl_opts *o, unsigned i)
{
	return i == 0 ? o->target : o->more_targets[i - 1];
}

#define N_ROWS (sizeof(opt_table) / sizeof(opt_table[0]) - 1)
_Static_assert(N_ROWS <= 64 * sizeof(((struct tsl_opts *)0)->given) / 8,
    "tsl_opts.given has one bit per row");

/* Marks row i as given. */
static void
set_given(struct tsl_opts *o, size_t i)
{
	o->given[i / 64] |= 1ull << (i % 64);
}

/* Whether row i was given. */
static bool
is_given(const struct tsl_opts *o, size_t i)
{
	return o->given[i / 64] >> (i % 64) & 1;
}

static unsigned
row_index(const struct opt *r)
{
	return (unsigned)(r - opt_table);
}

static const char *const cmd_names[]
    = { "ingest", "model", "cleanup", "worker", "query", "run", "generate",
	      "stream", "report", "compare", "verify" };
enum { N_CMDS = sizeof(cmd_names) / sizeof(cmd_names[0]) };

/* "query and run" for the subcommands of cmds (the worker left out: it
 * is started by the coordinator). */
static void
cmds_text(unsigned cmds, char *out, size_t n)
{
	unsigned shown = cmds & ~CMD_WORKER, left;
	size_t   k     = 0;

	out[0] = '\0';
	if (!shown)
		shown = cmds;
	left = (unsigned)__builtin_popcount(shown);
	for (unsigned i = 0; i < N_CMDS && k < n; i++) {
		if (!(shown & (1u << i)))
			continue;
		left--;
		k += (size_t)snprintf(out + k, n - k, "%s%s", cmd_names[i],
		    !left           ? ""
		        : left == 1 ? " and "
		                    : ", ");
	}
}

static const char *
cmd_name(unsigned cmd)
{
	for (unsigned i = 0; i < N_CMDS; i++)
		if (cmd == 1u << i)
			return cmd_names[i];
	return "this command";
}

/* The row of the long option name[0..len) for cmd: an exact name, else
 * the only name it abbreviates (as argparse does). NULL with a reason in
 * err when there is none or several. */
static const struct opt *
find_long(const char *name, size_t len, unsigned cmd, char *err, size_t errlen)
{
	const struct opt *hit = NULL, *near = NULL;
	unsigned          hits = 0, best = 99;
	char              want[64], where[64];
	size_t            k = 0;

	for (const struct opt *r = opt_table; r->name; r++)
		if ((r->cmds & cmd) && strlen(r->name) == len
		    && !strncmp(r->name, name, len))
			return r;
	for (const struct opt *r = opt_table; r->name; r++)
		if ((r->cmds & cmd) && len && !strncmp(r->name, name, len)) {
			hit = r;
			hits++;
		}
	if (hits == 1)
		return hit;
	if (hits > 1) {
		k = (size_t)snprintf(err, errlen,
		    "ambiguous option --%.*s (could be", (int)len, name);
		for (const struct opt *r = opt_table; r->name && k < errlen;
		     r++)
			if ((r->cmds & cmd) && !strncmp(r->name, name, len))
				k += (size_t)snprintf(
				    err + k, errlen - k, " --%s", r->name);
		if (k < errlen)
			snprintf(err + k, errlen - k, ")");
		return NULL;
	}
	/* Unknown: the nearest name of any subcommand, saying which (the
	 * only one it abbreviates counts as exact). */
	snprintf(want, sizeof(want), "%.*s", (int)(len < 63 ? len : 63), name);
	for (const struct opt *r = opt_table; r->name; r++)
		if (len && !strncmp(r->name, name, len)) {
			near = r;
			hits++;
		}
	if (hits == 1) {
		cmds_text(near->cmds, where, sizeof(where));
		snprintf(err, errlen, "--%s is an option of %s, not %s",
		    near->name, where, cmd_name(cmd));
		return NULL;
	}
	near = NULL;
	for (const struct opt *r = opt_table; r->name; r++) {
		unsigned d = strcmp(r->name, want)
		    ? parse_edit_distance(want, r->name)
		    : 0;

		if (d < best || (d == best && (r->cmds & cmd))) {
			best = d;
			near = r;
		}
	}
	if (near && best == 0) {
		cmds_text(near->cmds, where, sizeof(where));
		snprintf(err, errlen, "--%s is an option of %s, not %s",
		    near->name, where, cmd_name(cmd));
	} else if (near && best <= 1 + strlen(want) / 4) {
		cmds_text(near->cmds, where, sizeof(where));
		if (near->cmds & cmd)
			snprintf(err, errlen,
			    "unknown option --%s (did you mean --%s?)", want,
			    near->name);
		else
			snprintf(err, errlen,
			    "unknown option --%s (did you mean --%s? it is an option of %s, not %s)",
			    want, near->name, where, cmd_name(cmd));
	} else {
		snprintf(
		    err, errlen, "unknown option --%s (see --help)", want);
	}
	return NULL;
}

static const struct opt *
find_short(char c, unsigned cmd)
{
	for (const struct opt *r = opt_table; r->name; r++)
		if ((r->cmds & cmd) && short_ok(r, cmd) && r->shortname == c)
			return r;
	return NULL;
}

/* "TSLOAD_HOST_SCALE" of row r. */
static void
env_name(const struct opt *r, char *var, size_t n)
{
	size_t k = (size_t)snprintf(var, n, "TSLOAD_");

	for (const char *p = r->name; *p && k < n - 1; p++)
		var[k++] = *p == '-' ? '_' : (char)toupper(*p);
	var[k] = '\0';
}

/* Variables TSLOAD_* that are not options: the unit tests' source dir,
 * the raw latencies of worker/latlog.h. */
static const char *const env_other[]
    = { "TSLOAD_SRCDIR", "TSLOAD_TEST_LATENCIES", NULL };

/* Warns about each TSLOAD_<NAME> variable that names no option, with the
 * nearest one (a typo in a pod spec must not go unseen). */
static void
warn_unknown_env(void)
{
	extern char **environ;

	for (char **e = environ; e && *e; e++) {
		const char       *eq   = strchr(*e, '=');
		const struct opt *near = NULL;
		char              var[80], name[80];
		unsigned          best = 99;
		size_t            n;
		bool              known = false;

		if (strncmp(*e, "TSLOAD_", 7) || !eq)
			continue;
		n = (size_t)(eq - *e);
		snprintf(var, sizeof(var), "%.*s", (int)(n < 79 ? n : 79), *e);
		for (const char *const *x = env_other; *x && !known; x++)
			known = !strcmp(var, *x);
		for (const struct opt *r = opt_table; r->name && !known; r++) {
			unsigned d;

			env_name(r, name, sizeof(name));
			known = !strcmp(var, name);
			d     = parse_edit_distance(var + 7, name + 7);
			if (d < best) {
				best = d;
				near = r;
			}
		}
		if (known)
			continue;
		if (near && best <= 2 + strlen(var + 7) / 4) {
			env_name(near, name, sizeof(name));
			log_warn(
			    "%s is not an option variable, ignored (did you mean %s, for --%s?)",
			    var, name, near->name);
		} else {
			log_warn("%s is not an option variable, ignored", var);
		}
	}
}

static const char *
env_get(const char *name)
{
	return getenv(name);
}

/* The data generator's variables (seedenv.h), for the options that no
 * TSLOAD_* variable gave. */
static int
apply_seed_env(struct tsl_opts *o, unsigned cmd, char *err, size_t errlen)
{
	struct seedenv se;

	if (!(cmd & (CMD_INGEST | CMD_RUN)))
		return 0;
	if (seedenv_translate(env_get, wall_ms(), &se, err, errlen))
		return -EINVAL;
	for (unsigned i = 0; i < se.n; i++) {
		const struct opt *r;
		char              from[96];

		for (r = opt_table; r->name; r++)
			if ((r->cmds & cmd) && !strcmp(r->name, se.kv[i].opt))
				break;
		if (!r->name || is_given(o, row_index(r)))
			continue;
		snprintf(
		    from, sizeof(from), "%s (as --%s)", se.kv[i].var, r->name);
		if (set_value(o, r, se.kv[i].val, from, err, errlen))
			return -EINVAL;
		set_given(o, row_index(r));
	}
	for (unsigned i = 0; i < se.n_notes; i++)
		log_info("%s", se.note[i]);
	return 0;
}

static int
apply_env(struct tsl_opts *o, unsigned cmd, char *err, size_t errlen)
{
	warn_unknown_env();
	for (const struct opt *r = opt_table; r->name; r++) {
		char        var[80];
		const char *v;

		if (!(r->cmds & cmd))
			continue;
		env_name(r, var, sizeof(var));
		v = getenv(var);
		if (!v)
			continue;
		if (set_value(o, r, v, var, err, errlen))
			return -EINVAL;
		set_given(o, row_index(r));
	}
	return apply_seed_env(o, cmd, err, errlen);
}

/* Two rows may share a name in disjoint commands (--config: query's
 * config.ini, stream's librdkafka settings): either one given counts. */
bool
opts_given(const struct tsl_opts *o, const char *name)
{
	for (const struct opt *r = opt_table; r->name; r++)
		if (!strcmp(r->name, name) && is_given(o, row_index(r)))
			return true;
	return false;
}

/* A seed command line names Timestream by --endpoint or --region alone:
 * without --target, that is the target (not the SQLite default). */
static void
imply_target(struct tsl_opts *o, unsigned cmd)
{
	if (cmd == CMD_WORKER || opts_given(o, "target")
	    || !(opts_given(o, "endpoint") || opts_given(o, "region")
	        || opts_given(o, "endpoint-url")))
		return;
	free(o->target);
	o->target         = xstrdup("timestream://");
	o->target_implied = true;
}

/* A second or later --target (fan-out): kept in more_targets. v is the
 * value of "--target=URL", or NULL when it is the next argument. */
static int
add_target(struct tsl_opts *o, unsigned cmd, unsigned nth, const char *v,
    int i, int argc, const char *const *argv, char *err, size_t errlen)
{
	if (!(cmd & (CMD_INGEST | CMD_RUN | CMD_WORKER))) {
		snprintf(err, errlen,
		    "--target given %u times: only ingest and run write to several targets at once (fan-out); give one --target",
		    nth);
		return -EINVAL;
	}
	if (nth > OPTS_TARGETS_MAX) {
		snprintf(err, errlen,
		    "--target given %u times: at most %u targets at once", nth,
		    (unsigned)OPTS_TARGETS_MAX);
		return -EINVAL;
	}
	if (!v && i + 1 >= argc) {
		snprintf(err, errlen, "--target needs a value (URL)");
		return -EINVAL;
	}
	o->more_targets[o->n_more_targets++] = xstrdup(v ? v : argv[i + 1]);
	return 0;
}

bool
opts_continuous(const struct tsl_opts *o)
{
	return o->model && !strcmp(o->model, "continuous");
}

static void
set_str(char **field, const char *v)
{
	char *copy = xstrdup(v);

	free(*field);
	*field = copy;
}

/* --model-file implies --model datagen, which needs it; the file is read
 * here (a bad one is one line, exit 2), and names the table unless
 * --table-name does (the seed's default table is the model key). */
static int
datagen_meaning(struct tsl_opts *o, unsigned cmd, char *err, size_t errlen)
{
	struct dg_spec s;

	if (o->model_file[0] && !opts_given(o, "model"))
		set_str(&o->model, "datagen");
	if (strcmp(o->model, "datagen")) {
		if (!o->model_file[0])
			return 0;
		snprintf(err, errlen,
		    "--model-file: only --model datagen reads it (the model is %s)",
		    o->model);
		return -EINVAL;
	}
	if (!o->model_file[0]) {
		snprintf(err, errlen,
		    "--model datagen needs --model-file FILE (the data generator's data-model JSON)");
		return -EINVAL;
	}
	if (dg_spec_load(&s, o->model_file, err, errlen)) {
		dg_spec_free(&s);
		return -EINVAL;
	}
	if (!opts_given(o, "table-name") && (cmd & (CMD_INGEST | CMD_RUN)))
		set_str(&o->table, s.model);
	/* a worker's channels of distinct non-id tags are its dimension
	 * groups, at most DG_MAX_GROUPS (at most the hierarchy's size) */
	{
		uint64_t end = o->id_end ? o->id_end : s.hierarchy;
		uint64_t n   = end > o->id_start ? end - o->id_start : 0;
		uint64_t k   = o->shard_count * o->processes;

		n = k ? (n + k - 1) / k : n;
		if ((n < s.hierarchy ? n : s.hierarchy) > DG_MAX_GROUPS) {
			snprintf(err, errlen,
			    "--model-file %s: a worker would hold up to %llu combinations of the tags (at most %u): use more -p or --shard-count, or a narrower --id-start/--id-end",
			    o->model_file, (unsigned long long)n,
			    (unsigned)DG_MAX_GROUPS);
			dg_spec_free(&s);
			return -EINVAL;
		}
	}
	dg_spec_free(&s);
	return 0;
}

/* --shard-count N: the shard is --shard-index, or Kubernetes'
 * JOB_COMPLETION_INDEX (an Indexed Job's pod). */
static int
shard_meaning(struct tsl_opts *o, char *err, size_t errlen)
{
	const char *ix = getenv("JOB_COMPLETION_INDEX");
	char        why[160];

	if (o->shard_count < 2 || opts_given(o, "shard-index"))
		return 0;
	if (!ix) {
		snprintf(err, errlen,
		    "--shard-count %llu needs --shard-index (or JOB_COMPLETION_INDEX, which Kubernetes sets in an Indexed Job's pods)",
		    (unsigned long long)o->shard_count);
		return -EINVAL;
	}
	if (parse_u64(ix, 0, 4095, &o->shard_index, why, sizeof(why))) {
		snprintf(err, errlen, "JOB_COMPLETION_INDEX: %s", why);
		return -EINVAL;
	}
	return 0;
}

/* What the seeds mean by their options, said once on the command line's
 * side (a worker gets the outcome as text). The continuous ingestor's
 * (seed-behaviour.md §1.5): -e/--endpoint and -r/--region are the
 * region, --endpoint-url/-url the URL; its defaults -c 10 and
 * --host-scale 1 when not given; its own pacing (--interval-millis 0:
 * the model's step) unless an interval is given. Any model:
 * --endpoint-url is --endpoint; --dry-run writes to null:. */
/* --replay DIR sends the spool in DIR: it is the run's --spool-dir. */
static int
replay_dir(struct tsl_opts *o, char *err, size_t errlen)
{
	if (!o->replay || !o->replay[0])
		return 0;
	if (o->spool_dir[0] && strcmp(o->spool_dir, o->replay)) {
		snprintf(err, errlen,
		    "--replay %s and --spool-dir %s: the spool replayed is the --replay one; give one of them",
		    o->replay, o->spool_dir);
		return -EINVAL;
	}
	free(o->spool_dir);
	o->spool_dir = xstrdup(o->replay);
	return 0;
}

static int
seed_meaning(struct tsl_opts *o, unsigned cmd, char *err, size_t errlen)
{
	if (opts_continuous(o)) {
		if (opts_given(o, "endpoint")) {
			if (opts_given(o, "region")
			    && strcmp(o->region, o->endpoint)) {
				snprintf(err, errlen,
				    "-e/--endpoint \"%s\" and -r/--region \"%s\": with --model continuous both name the region; give one",
				    o->endpoint, o->region);
				return -EINVAL;
			}
			set_str(&o->region, o->endpoint);
			set_str(&o->endpoint, "");
		}
		if (!opts_given(o, "concurrency")
		    && (cmd & (CMD_INGEST | CMD_RUN)))
			o->concurrency = 10;
		if (!opts_given(o, "host-scale"))
			o->host_scale = 1;
		if (!opts_given(o, "interval-millis"))
			o->interval_ms = 0;
	}
	if (o->endpoint_url[0]) {
		if (o->endpoint[0] && strcmp(o->endpoint, o->endpoint_url)) {
			snprintf(err, errlen,
			    "--endpoint-url \"%s\" and --endpoint \"%s\" name two endpoints; give one",
			    o->endpoint_url, o->endpoint);
			return -EINVAL;
		}
		set_str(&o->endpoint, o->endpoint_url);
	}
	if (datagen_meaning(o, cmd, err, errlen)
	    || shard_meaning(o, err, errlen))
		return -EINVAL;
	imply_target(o, cmd);
	if (o->dry_run) {
		set_str(&o->target, "null:");
		o->target_implied = false;
	}
	return 0;
}

/* Long options that a seed spells with one dash (argparse takes any
 * spelling): the continuous ingestor's -url. */
static const struct {
	const char *dash, *name;
} dash_long[] = { { "url", "endpoint-url" } };

/* The row of a one-dash long option a ("url" or "url=X" after the dash)
 * for cmd, with its value in *v when given after '='; NULL if none. */
static const struct opt *
find_dash_long(const char *a, unsigned cmd, const char **v)
{
	size_t n = strcspn(a, "=");

	for (size_t i = 0; i < sizeof(dash_long) / sizeof(dash_long[0]); i++) {
		if (strlen(dash_long[i].dash) != n
		    || strncmp(a, dash_long[i].dash, n))
			continue;
		for (const struct opt *r = opt_table; r->name; r++)
			if ((r->cmds & cmd)
			    && !strcmp(r->name, dash_long[i].name)) {
				*v = a[n] ? a + n + 1 : NULL;
				return r;
			}
	}
	return NULL;
}

/* A worker takes from the environment only what joining needs (the
 * coordinator sends the rest): TSLOAD_CONNECT, TSLOAD_TOKEN and the slot
 * it asks for, TSLOAD_SHARD_INDEX or JOB_COMPLETION_INDEX. */
static int
apply_worker_env(struct tsl_opts *o, char *err, size_t errlen)
{
	for (const struct opt *r = opt_table; r->name; r++) {
		char        var[80];
		const char *v;

		if (r->off != OFF(connect) && r->off != OFF(token)
		    && r->off != OFF(shard_index))
			continue;
		env_name(r, var, sizeof(var));
		/* an Indexed Job's pod asks for its slot by its index */
		if (r->off == OFF(shard_index) && !getenv(var))
			snprintf(var, sizeof(var), "JOB_COMPLETION_INDEX");
		v = getenv(var);
		if (!v)
			continue;
		if (set_value(o, r, v, var, err, errlen))
			return -EINVAL;
		set_given(o, row_index(r));
	}
	return 0;
}

static int
parse_args(struct tsl_opts *o, unsigned cmd, int argc, const char *const *argv,
    char *err, size_t errlen)
{
	int      rc      = cmd == CMD_WORKER ? apply_worker_env(o, err, errlen)
	                                     : apply_env(o, cmd, err, errlen);
	unsigned targets = 0;

	for (int i = 1; i < argc && !rc; i++) {
		const char       *a = argv[i];
		const struct opt *r;
		const char       *v = NULL;
		char              from[96];

		if (a[0] == '-' && a[1] == '-' && a[2]) {
			const char *eq = strchr(a + 2, '=');
			size_t n = eq ? (size_t)(eq - a - 2) : strlen(a + 2);

			r = find_long(a + 2, n, cmd, err, errlen);
			if (!r)
				return -EINVAL;
			if (eq)
				v = eq + 1;
			snprintf(from, sizeof(from), "--%s", r->name);
		} else if (a[0] == '-'
		    && (r = find_dash_long(a + 1, cmd, &v))) {
			snprintf(from, sizeof(from), "-%.*s/--%s",
			    (int)strcspn(a + 1, "="), a + 1, r->name);
		} else if (a[0] == '-' && a[1] && a[1] != '-') {
			r = find_short(a[1], cmd);
			if (!r) {
				snprintf(err, errlen,
				    "unknown option -%c (see --help)", a[1]);
				return -EINVAL;
			}
			if (a[2])
				v = a + 2;
			snprintf(from, sizeof(from), "-%c/--%s", r->shortname,
			    r->name);
		} else if (cmd & (CMD_STREAM | CMD_REPORT | CMD_COMPARE)) {
			/* SINK [FILE...], DIR... */
			o->args = xrealloc(
			    o->args, (o->nargs + 1) * sizeof(*o->args));
			o->args[o->nargs++] = xstrdup(a);
			continue;
		} else {
			snprintf(err, errlen,
			    "unexpected argument \"%s\" (see --help)", a);
			return -EINVAL;
		}
		if (r->off == OFF(target) && ++targets > 1) {
			rc = add_target(
			    o, cmd, targets, v, i, argc, argv, err, errlen);
			if (rc)
				return rc;
			i += !v; /* the value was the next argument */
			continue;
		}
		set_given(o, row_index(r));
		if (r->type == OPT_BOOL && !v) {
			*(bool *)field(o, r) = true;
			continue;
		}
		if (!v) {
			if (i + 1 >= argc) {
				snprintf(err, errlen, "%s needs a value (%s)",
				    from, r->meta);
				return -EINVAL;
			}
			v = argv[++i];
		}
		rc = set_value(o, r, v, from, err, errlen);
	}
	if (!rc && cmd != CMD_WORKER)
		rc = seed_meaning(o, cmd, err, errlen);
	if (!rc)
		rc = replay_dir(o, err, errlen);
	return rc;
}

int
opts_parse(struct tsl_opts *o, unsigned cmd, int argc, const char *const *argv,
    char *err, size_t errlen)
{
	int rc = parse_args(o, cmd, argc, argv, err, errlen);

	/* A refused value leaves nothing allocated, whatever the caller
	 * does next (a worker that gives up, a fuzzed environment). */
	if (rc)
		opts_free(o);
	return rc;
}

/* "sqlite:, file:, ..." of the registered targets having every flag. */
static void
scheme_list(char *out, size_t n, unsigned flags)
{
	const struct target_ops *const *t = target_list();
	size_t                          k = 0;

	out[0] = '\0';
	for (; *t && k < n; t++)
		if (((*t)->flags & flags) == flags)
			k += (size_t)snprintf(out + k, n - k,
			    "%s%s:", k ? ", " : "", (*t)->name);
}

/* --endpoint: "http[s]://host[:port][/]" and nothing else, so that no
 * user name or password can sit in it (the options go to run.json);
 * name is the option the user gave it as. */
static int
check_endpoint(const char *url, const char *name, char *err, size_t errlen)
{
	const char *p = strstr(url, "://");
	size_t      n;

	if (!*url)
		return 0;
	if (!p
	    || (strncmp(url, "http://", 7) && strncmp(url, "https://", 8))) {
		snprintf(err, errlen,
		    "%s: expected http://HOST[:PORT] or https://HOST[:PORT]",
		    name);
		return -EINVAL;
	}
	p += 3;
	n = strcspn(p, "/?#");
	if (!n || memchr(p, '@', n) || strspn(p + n, "/") != strlen(p + n)) {
		snprintf(err, errlen,
		    "%s: expected http[s]://HOST[:PORT], without user, path or query",
		    name);
		return -EINVAL;
	}
	return 0;
}

/* --start-time and --end-time: valid times, the end after the start. */
static int
check_time_range(const struct tsl_opts *o, char *err, size_t errlen)
{
	int64_t start = 0, end = 0, now = wall_ms();
	char    why[160];

	/* Relative times are checked against the clock here; the workers
	 * resolve them against the run's start (its t0), all the same. */
	if (o->start_time[0]
	    && parse_time_ms(o->start_time, now, &start, why, sizeof(why))) {
		snprintf(err, errlen, "--start-time: %s", why);
		return -EINVAL;
	}
	if (!o->end_time[0])
		return 0;
	if (parse_time_ms(o->end_time, now, &end, why, sizeof(why))) {
		snprintf(err, errlen, "--end-time: %s", why);
		return -EINVAL;
	}
	if (!o->start_time[0]) {
		snprintf(err, errlen,
		    "--end-time needs --start-time (the timestamp of the first cycle)");
		return -EINVAL;
	}
	if (end <= start) {
		snprintf(err, errlen,
		    "--end-time: %s is not after --start-time %s", o->end_time,
		    o->start_time);
		return -EINVAL;
	}
	return 0;
}

void
opts_host_range(const struct tsl_opts *o, uint32_t *first, uint32_t *end)
{
	struct model_conf       mc = opts_model_conf(o);
	const struct model_ops *m  = model_find(o->model);
	uint32_t                n  = m ? m->hosts(&mc) : 0;

	uint32_t a, b;

	*first = (uint32_t)o->id_start;
	*end   = o->id_end ? (uint32_t)o->id_end : n;
	if (o->shard_count > 1 && *end > *first
	    && !model_shard(*end - *first, (uint32_t)o->shard_count,
	        (uint32_t)o->shard_index, &a, &b)) {
		*end   = *first + b;
		*first = *first + a;
	}
}

bool
opts_host_range_given(const struct tsl_opts *o)
{
	return o->id_start || o->id_end || o->shard_count > 1;
}

/* --id-start and --id-end: a non-empty range of the model's hosts. */
static int
check_host_range(const struct tsl_opts *o, char *err, size_t errlen)
{
	struct model_conf mc = opts_model_conf(o);
	uint64_t          n  = model_find(o->model)->hosts(&mc);
	uint32_t          first, end;

	if (o->id_end > n) {
		snprintf(err, errlen,
		    "--id-end: %llu is beyond the %llu hosts of the %s model (expected 1..%llu, or 0 for all)",
		    (unsigned long long)o->id_end, (unsigned long long)n,
		    o->model, (unsigned long long)n);
		return -EINVAL;
	}
	if (o->shard_count > 1) {
		uint64_t from = o->id_start, to = o->id_end ? o->id_end : n;

		if (o->shard_index >= o->shard_count) {
			snprintf(err, errlen,
			    "--shard-index: %llu is not below --shard-count %llu",
			    (unsigned long long)o->shard_index,
			    (unsigned long long)o->shard_count);
			return -EINVAL;
		}
		if (to > from && o->shard_count > to - from) {
			snprintf(err, errlen,
			    "--shard-count: %llu parts of %llu hosts leave some empty (expected 1..%llu)",
			    (unsigned long long)o->shard_count,
			    (unsigned long long)(to - from),
			    (unsigned long long)(to - from));
			return -EINVAL;
		}
	}
	opts_host_range(o, &first, &end);
	if (first >= end) {
		snprintf(err, errlen,
		    "--id-start: %llu is not below %s %u (the %s model has %llu hosts, 0..%llu)",
		    (unsigned long long)o->id_start,
		    o->id_end ? "--id-end" : "the model's end,", end, o->model,
		    (unsigned long long)n, (unsigned long long)n - 1);
		return -EINVAL;
	}
	return 0;
}

/* --bad-data: targets whose encoding has invalid records their server
 * refuses and counts (README "Bad data"): influx, vm, postgres, promrw;
 * and the file, stdout and null targets in the lp, pgcopy or promrw
 * format, which write them as they are. */
static int
check_bad_data(
    const char *url, const struct target_ops *t, char *err, size_t errlen)
{
	static const char *const servers[]
	    = { "influx", "vm", "postgres", "promrw" };
	static const char *const local[] = { "file", "stdout", "null" };
	const char              *f       = strstr(url, "format=");

	for (size_t i = 0; i < 4; i++)
		if (!strcmp(t->name, servers[i]))
			return 0;
	for (size_t i = 0; i < 3; i++)
		if (!strcmp(t->name, local[i])
		    && (!f || !strncmp(f + 7, "lp", 2)
		        || !strncmp(f + 7, "pgcopy", 6)
		        || !strncmp(f + 7, "promrw", 6)))
			return 0;
	snprintf(err, errlen,
	    "--bad-data: the %s target has no invalid records tsload can send and count (targets that do: influx, vm, postgres, promrw; file, stdout and null with format=lp, pgcopy or promrw)",
	    t->name);
	return -EINVAL;
}

int
opts_sched(const struct tsl_opts *o, struct sched *s, char *err, size_t errlen)
{
	char why[400];
	int  rc;

	if (o->schedule[0]) {
		rc = sched_load(s, o->schedule, why, sizeof(why));
		if (rc)
			snprintf(err, errlen, "--schedule %s: %s", o->schedule,
			    why);
		return rc ? rc : 1;
	}
	if (o->rate > 0)
		return sched_const(s, o->rate) ? -EINVAL : 1;
	return 0;
}

bool
opts_rate_records(const struct tsl_opts *o)
{
	return !strcmp(o->rate_unit, "records");
}

/* --rate, --rate-unit, --schedule (the file read and checked) and
 * --max-lag. */
static int
check_rate(const struct tsl_opts *o, unsigned cmd, char *err, size_t errlen)
{
	struct sched s;
	int          rc;

	if (strcmp(o->rate_unit, "points")
	    && strcmp(o->rate_unit, "records")) {
		snprintf(err, errlen,
		    "--rate-unit: invalid value \"%.40s\" (expected points or records)",
		    o->rate_unit);
		return -EINVAL;
	}
	if (o->rate > 0 && o->schedule[0]) {
		snprintf(err, errlen,
		    "--rate and --schedule: give one of them (a schedule sets the rate)");
		return -EINVAL;
	}
	if (o->max_lag_ms && !(o->rate > 0) && !o->schedule[0]) {
		snprintf(err, errlen,
		    "--max-lag needs --rate or --schedule (without them nothing is late)");
		return -EINVAL;
	}
	if (cmd == CMD_WORKER)
		return 0; /* the worker reads the file itself */
	rc = opts_sched(o, &s, err, errlen);
	if (rc < 0)
		return rc;
	if (rc > 0)
		sched_free(&s);
	return 0;
}

/* "perf-scale, ..." of the registered models. */
static void
model_names(char *out, size_t n)
{
	const struct model_ops *const *m  = model_list();
	size_t                         at = 0;

	out[0] = '\0';
	for (; *m && at < n; m++)
		at += (size_t)snprintf(
		    out + at, n - at, "%s%s", at ? ", " : "", (*m)->name);
}

/* The period in seconds of a --sin-frq-cpu / --saw-frq-cpu code (the
 * model's table), 0 for none. */
static uint32_t
frq_period(const char *code)
{
	uint32_t secs = 0;

	return continuous_period_s(code, &secs) ? 0 : secs;
}

/* The continuous model's options: given only with it, frequency codes
 * known, the include lists and the rest as the model checks them. A
 * worker gets every row as text, so it is not asked. */
static int
check_continuous(
    const struct tsl_opts *o, unsigned cmd, char *err, size_t errlen)
{
	struct model_conf mc;

	if (cmd == CMD_WORKER)
		return 0;
	if (!opts_continuous(o)) {
		for (const struct opt *r = opt_table; r->name; r++)
			if (r->group == G_CONT && (r->cmds & cmd)
			    && is_given(o, row_index(r))) {
				snprintf(err, errlen,
				    "--%s: only --model continuous takes it (the model is %s)",
				    r->name, o->model);
				return -EINVAL;
			}
		return 0;
	}
	if ((cmd & (CMD_INGEST | CMD_RUN))
	    && (!frq_period(o->sin_frq) || !frq_period(o->saw_frq))) {
		snprintf(err, errlen,
		    "--%s-frq-cpu: invalid value \"%s\" (expected m, h, d, we, mo, qu or ye)",
		    frq_period(o->sin_frq) ? "saw" : "sin",
		    frq_period(o->sin_frq) ? o->saw_frq : o->sin_frq);
		return -EINVAL;
	}
	mc = opts_model_conf(o);
	return continuous_check_conf(&mc, err, errlen) ? -EINVAL : 0;
}

/* The target URL as a spool's identity names it: no user name or
 * password before the host, password= in the query as "***". */
static void
spool_target_text(const char *url, char *out, size_t n)
{
	char        red[1024];
	const char *auth, *at;

	target_url_redact(url, red, sizeof(red));
	at = target_url_userinfo(red, &auth);
	if (at)
		snprintf(out, n, "%.*s%s", (int)(auth - red), red, at + 1);
	else
		snprintf(out, n, "%s", red);
}

void
opts_spool_ident(const struct tsl_opts *o, unsigned k, uint32_t first_host,
    uint32_t h0, uint32_t h1, char *out, size_t n)
{
	struct tgt_conf c = opts_tgt_conf_at(o, k);
	char            tgt[1024];

	spool_target_text(opts_target(o, k), tgt, sizeof(tgt));
	/* the continuous model's filters and scales change its hosts too,
	 * as the datagen model's file does;
	 * the target says where the records go (a fan-out in another order
	 * must not send them elsewhere) */
	snprintf(out, n,
	    "tsload spool 1 %s; model=%s host-scale=%llu instance-name-seed=%lld multi=%d req-id=%u include-region=%.100s include-ms=%.100s region-scale=%llu ms-scale=%llu%s%.200s hosts=%u+%u..%u target=%.300s",
	    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? "le" : "be", o->model,
	    (unsigned long long)o->host_scale, (long long)o->instance_seed,
	    o->multi, c.req_id, o->include_region, o->include_ms,
	    (unsigned long long)o->region_scale,
	    (unsigned long long)o->ms_scale,
	    o->model_file[0] ? " model-file=" : "", o->model_file, first_host,
	    h0, h1, tgt);
}

/* --spool-*: a policy it knows, and room for a batch in every thread's
 * share of the cap. */
/* --freshness: every target can be probed with a point query in its own
 * language (the dialects the worker's probe speaks, fresh.c). */
static int
check_freshness(const struct tsl_opts *o, char *err, size_t errlen)
{
	static const char *const ok[] = { "sqlite", "postgres", "clickhouse",
		"metricsql", "promql", "influxql", "timestream" };

	if (!o->freshness)
		return 0;
	for (unsigned i = 0; i < opts_n_targets(o); i++) {
		const char              *url   = opts_target(o, i);
		const struct target_ops *ops   = target_find(url);
		bool                     found = false;

		for (size_t j = 0;
		     ops && ops->dialect && j < sizeof(ok) / sizeof(ok[0]);
		     j++)
			found |= !strcmp(ops->dialect, ok[j]);
		if (!found) {
			snprintf(err, errlen,
			    "--freshness: target %.*s: has no query to probe (freshness probes sqlite:, postgres://, clickhouse://, vm://, promrw://, influx:// and timestream:// targets)",
			    (int)strcspn(url, ":"), url);
			return -EINVAL;
		}
	}
	return 0;
}

static int
check_spool(const struct tsl_opts *o, char *err, size_t errlen)
{
	enum spool_full f;
	uint64_t        share;

	if (spool_full_parse(o->spool_full, &f)) {
		snprintf(err, errlen,
		    "--spool-full: invalid value \"%s\" (expected block, drop-oldest or drop-new)",
		    o->spool_full);
		return -EINVAL;
	}
	if (!o->spool_dir[0])
		return 0;
	share = opts_spool_share(o);
	if (share < OPTS_SPOOL_MIN && opts_n_targets(o) > 1) {
		snprintf(err, errlen,
		    "--spool-max: %llu bytes leave %llu to each of the %llu spools (threads times %u targets), less than the %u a spool needs",
		    (unsigned long long)o->spool_max,
		    (unsigned long long)share,
		    (unsigned long long)(opts_workers(o) * o->concurrency
		        * opts_n_targets(o)),
		    opts_n_targets(o), OPTS_SPOOL_MIN);
		return -EINVAL;
	}
	if (share < OPTS_SPOOL_MIN) {
		snprintf(err, errlen,
		    "--spool-max: %llu bytes leave %llu to each of the %llu threads, less than the %u a thread's spool needs",
		    (unsigned long long)o->spool_max,
		    (unsigned long long)share,
		    (unsigned long long)(opts_workers(o) * o->concurrency),
		    OPTS_SPOOL_MIN);
		return -EINVAL;
	}
	return 0;
}

/* The checks of one --target URL. */
static int
check_target(const struct tsl_opts *o, unsigned cmd, const char *url,
    char *err, size_t errlen)
{
	const struct target_ops *t = target_find(url);
	char                     names[256];

	if (!t) {
		scheme_list(names, sizeof(names), 0);
		snprintf(err, errlen,
		    "--target: unknown scheme in \"%s\" (expected one of: %s)",
		    url, names);
		return -EINVAL;
	}
	if ((cmd & (CMD_INGEST | CMD_RUN | CMD_WORKER))
	    && !(t->flags & TGT_F_WRITE)) {
		scheme_list(names, sizeof(names), TGT_F_WRITE);
		snprintf(err, errlen,
		    "--target: %s: takes only the lines of tsload stream (targets ingest writes: %s)",
		    t->name, names);
		return -EINVAL;
	}
	if ((cmd & (CMD_QUERY | CMD_RUN)) && url == o->target
	    && !(t->flags & TGT_F_QUERY)) {
		scheme_list(names, sizeof(names), TGT_F_QUERY);
		snprintf(err, errlen,
		    "--target: %s: cannot run queries (targets that can: %s)",
		    t->name, names);
		return -EINVAL;
	}
	if ((t->flags & TGT_F_HOSTS) && cluster_wanted(url)) {
		/* a cluster: its balance, then each host's own URL */
		struct cluster *c  = xmalloc(sizeof(*c));
		int             rc = cluster_parse(c, url, err, errlen);

		for (unsigned i = 0; !rc && t->check && i < c->n; i++)
			rc = t->check(c->h[i].url, err, errlen);
		free(c);
		if (rc)
			return -EINVAL;
	} else if (t->check && t->check(url, err, errlen)) {
		return -EINVAL;
	}
	if (check_endpoint(o->endpoint,
	        o->endpoint_url[0] ? "--endpoint-url" : "--endpoint", err,
	        errlen))
		return -EINVAL;
	if (t->max_batch && o->batch_writes && !opts_batch_auto(o)
	    && o->batch_size > t->max_batch) {
		snprintf(err, errlen,
		    "--batch-size: %llu is more than the %zu records a %s write takes (expected 1..%zu)",
		    (unsigned long long)o->batch_size, t->max_batch, t->name,
		    t->max_batch);
		return -EINVAL;
	}
	if (o->bad_data > 0 && check_bad_data(url, t, err, errlen))
		return -EINVAL;
	return 0;
}

/* --listen, --remote-workers, --token, --on-worker-loss and -p 0. */
static int
check_remote(const struct tsl_opts *o, unsigned cmd, char *err, size_t errlen)
{
	if (!(cmd & (CMD_INGEST | CMD_QUERY | CMD_RUN))) {
		if (cmd == CMD_GENERATE && !o->processes) {
			snprintf(
			    err, errlen, "--processes: 0 (expected 1..4096)");
			return -EINVAL;
		}
		return 0;
	}
	if (strcmp(o->on_loss, "fail") && strcmp(o->on_loss, "continue")) {
		snprintf(err, errlen,
		    "--on-worker-loss: invalid value \"%s\" (expected fail or continue)",
		    o->on_loss);
		return -EINVAL;
	}
	if (!o->processes && !o->remote_workers) {
		snprintf(err, errlen,
		    "--processes: 0 local workers and no --remote-workers: the run needs a worker");
		return -EINVAL;
	}
	if (o->remote_workers && !o->listen[0]) {
		snprintf(err, errlen,
		    "--remote-workers %llu: give --listen tcp://ADDR:PORT for them to join",
		    (unsigned long long)o->remote_workers);
		return -EINVAL;
	}
	if (!o->listen[0])
		return 0;
	if (strncmp(o->listen, "tcp://", 6) || !strchr(o->listen + 6, ':')) {
		snprintf(err, errlen,
		    "--listen: \"%s\" is not tcp://ADDR:PORT (e.g. tcp://0.0.0.0:7400)",
		    o->listen);
		return -EINVAL;
	}
	if (!o->remote_workers) {
		snprintf(err, errlen,
		    "--listen %s: say how many workers join there with --remote-workers N",
		    o->listen);
		return -EINVAL;
	}
	if (!o->token[0]) {
		snprintf(err, errlen,
		    "--listen %s: workers from other hosts need a shared secret: --token or TSLOAD_TOKEN",
		    o->listen);
		return -EINVAL;
	}
	return 0;
}

int
opts_validate(const struct tsl_opts *o, unsigned cmd, char *err, size_t errlen)
{
	char names[256];

	if (check_remote(o, cmd, err, errlen))
		return -EINVAL;
	if (!model_find(o->model)) {
		model_names(names, sizeof(names));
		snprintf(err, errlen,
		    "--model: unknown model \"%s\" (expected one of: %s)",
		    o->model, names);
		return -EINVAL;
	}
	if (check_continuous(o, cmd, err, errlen))
		return -EINVAL;
	if (cmd
	    & (CMD_INGEST | CMD_CLEANUP | CMD_WORKER | CMD_QUERY | CMD_RUN)) {
		for (unsigned i = 0; i < opts_n_targets(o); i++)
			if (check_target(
			        o, cmd, opts_target(o, i), err, errlen))
				return -EINVAL;
		if (opts_n_targets(o) > 1 && o->batch_writes
		    && opts_batch_auto(o)) {
			snprintf(err, errlen,
			    "--batch-size auto with %u targets: the size is searched per target write; give a fixed --batch-size",
			    opts_n_targets(o));
			return -EINVAL;
		}
		if (check_freshness(o, err, errlen))
			return -EINVAL;
		if (check_spool(o, err, errlen))
			return -EINVAL;
		if (!o->database[0] || !o->table[0]) {
			snprintf(err, errlen, "%s must not be empty",
			    o->database[0] ? "--table-name"
			                   : "--database-name");
			return -EINVAL;
		}
	}
	if ((cmd & (CMD_QUERY | CMD_RUN | CMD_WORKER))
	    && strcmp(o->params, "table") && strcmp(o->params, "fixed")
	    && strcmp(o->params, "random")) {
		snprintf(err, errlen,
		    "--params: invalid value \"%s\" (expected table, fixed or random)",
		    o->params);
		return -EINVAL;
	}
	if ((cmd & (CMD_INGEST | CMD_RUN | CMD_WORKER))
	    && (check_time_range(o, err, errlen)
	        || check_host_range(o, err, errlen)))
		return -EINVAL;
	if ((cmd
	        & (CMD_INGEST | CMD_QUERY | CMD_RUN | CMD_WORKER | CMD_STREAM))
	    && check_rate(o, cmd, err, errlen))
		return -EINVAL;
	if (o->req_id_dim && !o->add_req_id
	    && (cmd & (CMD_INGEST | CMD_RUN))) {
		snprintf(err, errlen,
		    "--req-id-dim only has a meaning with --add-req-id");
		return -EINVAL;
	}
	return 0;
}

struct model_conf
opts_model_conf(const struct tsl_opts *o)
{
	return (struct model_conf) {
		.host_scale     = (unsigned)o->host_scale,
		.instance_seed  = o->instance_seed,
		.multi          = o->multi,
		.req_id         = opts_tgt_conf(o).req_id,
		.include_region = o->include_region,
		.include_ms     = o->include_ms,
		.region_scale   = (unsigned)o->region_scale,
		.ms_scale       = (unsigned)o->ms_scale,
		.missing_cpu    = (unsigned)o->missing_cpu,
		.sin_snr        = o->sin_snr,
		.saw_snr        = o->saw_snr,
		.sin_period_s   = frq_period(o->sin_frq),
		.saw_period_s   = frq_period(o->saw_frq),
		.model_file
		= o->model_file && o->model_file[0] ? o->model_file : NULL,
		.channels
		= o->id_end > UINT32_MAX ? UINT32_MAX : (uint32_t)o->id_end,
	};
}

struct tgt_conf
opts_tgt_conf_at(const struct tsl_opts *o, unsigned i)
{
	struct tgt_conf c = opts_tgt_conf(o);

	c.url = opts_target(o, i);
	return c;
}

struct tgt_conf
opts_tgt_conf(const struct tsl_opts *o)
{
	return (struct tgt_conf) {
		.url             = o->target,
		.database        = o->database,
		.table           = o->table,
		.multi           = o->multi,
		.req_id          = !o->add_req_id ? REQID_NONE
		             : o->req_id_dim      ? REQID_DIMENSION
		                                  : REQID_MEASURE,
		.mem_store_hours = (unsigned)o->mem_hours,
		.mag_store_days  = (unsigned)o->mag_days,
		.region          = o->region,
		.endpoint        = o->endpoint,
		.profile         = o->profile,
	};
}

bool
opts_batch_auto(const struct tsl_opts *o)
{
	return o->batch_size == 0;
}

const char *
opts_params(const struct tsl_opts *o)
{
	return o->fixed_params ? "fixed" : o->params;
}

static void
value_text(const struct tsl_opts *o, const struct opt *r, struct buf *b)
{
	switch (r->type) {
	case OPT_BOOL:
		buf_adds(b, *(const bool *)cfield(o, r) ? "true" : "false");
		break;
	case OPT_STR:
	case OPT_LIST:
		buf_adds(b, *(char *const *)cfield(o, r));
		break;
	case OPT_U64_AUTO:
		if (!*(const uint64_t *)cfield(o, r)) {
			buf_adds(b, "auto");
			break;
		}
		/* fall through */
	case OPT_U64:
	case OPT_SIZE:
		buf_printf(b, "%llu",
		    (unsigned long long)*(const uint64_t *)cfield(o, r));
		break;
	case OPT_I64:
		buf_printf(
		    b, "%lld", (long long)*(const int64_t *)cfield(o, r));
		break;
	case OPT_SECS:
	case OPT_F64:
		buf_printf(b, "%.17g", *(const double *)cfield(o, r));
		break;
	}
}

/* Appends s with '\\', line breaks and other control bytes escaped. */
static void
escape_text(struct buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\\')
			buf_adds(b, "\\\\");
		else if (c == '\n')
			buf_adds(b, "\\n");
		else if (c < 0x20 || c == 0x7f)
			buf_printf(b, "\\x%02x", c);
		else
			buf_addc(b, (char)c);
	}
}

/* Undoes escape_text in place. @return 0, or -EINVAL on a bad escape.
 */
static int
unescape_text(char *s)
{
	char *w = s;

	for (; *s; s++) {
		unsigned hi, lo;

		if (*s != '\\') {
			*w++ = *s;
			continue;
		}
		s++;
		if (*s == '\\' || *s == 'n') {
			*w++ = *s == 'n' ? '\n' : '\\';
			continue;
		}
		if (*s != 'x' || !isxdigit((unsigned char)s[1])
		    || !isxdigit((unsigned char)s[2]))
			return -EINVAL;
		hi   = (unsigned)(isdigit((unsigned char)s[1])
		          ? s[1] - '0'
		          : tolower((unsigned char)s[1]) - 'a' + 10);
		lo   = (unsigned)(isdigit((unsigned char)s[2])
		          ? s[2] - '0'
		          : tolower((unsigned char)s[2]) - 'a' + 10);
		*w++ = (char)(hi << 4 | lo);
		s += 2;
	}
	*w = '\0';
	return 0;
}

void
opts_to_text(const struct tsl_opts *o, unsigned cmd, struct buf *b)
{
	for (const struct opt *r = opt_table; r->name; r++) {
		if (!(r->cmds & cmd) || !(r->cmds & CMD_WORKER)
		    || r->off == OFF(help) || r->off == OFF(connect)
		    || r->off == OFF(token) || r->off == OFF(shard_index))
			continue;
		buf_printf(b, "--%s=", r->name);
		if (r->type == OPT_STR)
			escape_text(b, *(char *const *)cfield(o, r));
		else
			value_text(o, r, b);
		buf_addc(b, '\n');
		for (unsigned i = 0;
		     r->off == OFF(target) && i < o->n_more_targets; i++) {
			buf_printf(b, "--%s=", r->name);
			escape_text(b, o->more_targets[i]);
			buf_addc(b, '\n');
		}
	}
}

int
opts_parse_text(struct tsl_opts *o, unsigned cmd, const char *text, char *err,
    size_t errlen)
{
	char        *copy = xstrdup(text);
	const char **argv;
	int          argc = 1, rc = 0;

	argv    = xcalloc(strlen(text) + 2, sizeof(*argv));
	argv[0] = "worker";
	for (char *line = strtok(copy, "\n"); line && !rc;
	     line       = strtok(NULL, "\n")) {
		char *eq = strchr(line, '=');

		if (eq && unescape_text(eq + 1)) {
			snprintf(
			    err, errlen, "bad escape in option line %d", argc);
			rc = -EINVAL;
		}
		argv[argc++] = line;
	}
	if (!rc)
		rc = opts_parse(o, cmd, argc, argv, err, errlen);
	free(argv);
	free(copy);
	return rc;
}

/* A list option as a JSON array; with redact, the value of a key that
 * names a secret (sasl.password, ssl.key.password, ...) is "***". */
static int
list_json(struct json_w *w, const char *list, bool redact)
{
	int rc = json_arr_begin(w);

	while (!rc && list && *list) {
		const char *nl   = strchrnul(list, '\n');
		const char *eq   = memchr(list, '=', (size_t)(nl - list));
		char       *item = xstrndup(list, (size_t)(nl - list));

		if (redact && eq) {
			item[eq - list] = '\0'; /* the key alone */
			if (strstr(item, "password")
			    || strstr(item, "secret")) {
				free(item);
				item = xasprintf(
				    "%.*s=***", (int)(eq - list), list);
			} else {
				item[eq - list] = '=';
			}
		}
		rc = json_str(w, item);
		free(item);
		list = *nl ? nl + 1 : nl;
	}
	return rc ? rc : json_arr_end(w);
}

int
opts_to_json(const struct tsl_opts *o, unsigned cmd, struct json_w *w)
{
	int rc = 0;

	for (const struct opt *r = opt_table; r->name && !rc; r++) {
		if (!(r->cmds & cmd) || r->off == OFF(help))
			continue;
		rc = json_key(w, r->name);
		if (rc)
			break;
		switch (r->type) {
		case OPT_BOOL:
			rc = json_bool(w, *(const bool *)cfield(o, r));
			break;
		case OPT_STR:
			if (r->off == OFF(target)) { /* no password in files */
				char shown[1024];

				target_url_redact(
				    o->target, shown, sizeof(shown));
				rc = json_str(w, shown);
				break;
			}
			if (r->off == OFF(token)) { /* the secret stays out */
				rc = json_str(w, o->token[0] ? "***" : "");
				break;
			}
			rc = json_str(w, *(char *const *)cfield(o, r));
			break;
		case OPT_LIST:
			rc = list_json(w, *(char *const *)cfield(o, r),
			    r->off == OFF(kafka_conf));
			break;
		case OPT_U64_AUTO:
			if (!*(const uint64_t *)cfield(o, r)) {
				rc = json_str(w, "auto");
				break;
			}
			/* fall through */
		case OPT_U64:
		case OPT_SIZE:
			rc = json_uint(w, *(const uint64_t *)cfield(o, r));
			break;
		case OPT_I64:
			rc = json_int(w, *(const int64_t *)cfield(o, r));
			break;
		case OPT_SECS:
		case OPT_F64:
			rc = json_double(w, *(const double *)cfield(o, r));
			break;
		}
	}
	if (!rc && o->n_more_targets && (cmd & (CMD_INGEST | CMD_RUN))) {
		rc = json_key(w, "targets") | json_arr_begin(w);
		for (unsigned i = 0; i < opts_n_targets(o) && !rc; i++) {
			char shown[1024];

			target_url_redact(
			    opts_target(o, i), shown, sizeof(shown));
			rc = json_str(w, shown);
		}
		rc |= json_arr_end(w);
	}
	return rc;
}

/* Help columns: options from 2, their text from HELP_COL, lines end
 * before HELP_WIDTH. */
enum { HELP_COL = 32, HELP_WIDTH = 80 };

/* Prints text from column col, wrapped at spaces before HELP_WIDTH,
 * each further line indented to HELP_COL. */
static void
print_wrapped(FILE *f, const char *text, int col)
{
	while (*text) {
		int room = HELP_WIDTH - 1 - col, n = (int)strlen(text);

		if (n > room) {
			n = room;
			while (n > 0 && text[n] != ' ')
				n--;
			if (n == 0)
				n = room;
		}
		fprintf(f, "%.*s\n", n, text);
		text += n;
		while (*text == ' ')
			text++;
		if (*text)
			fprintf(f, "%*s", HELP_COL, "");
		col = HELP_COL;
	}
}

void
opts_usage(unsigned cmd, FILE *f)
{
	for (unsigned g = 0; g < G_N; g++) {
		bool title = false;

		for (const struct opt *r = opt_table; r->name; r++) {
			char left[64], text[256];
			int  n;

			if (!(r->cmds & cmd) || r->group != g)
				continue;
			/* a worker gets the rest from its coordinator */
			if (cmd == CMD_WORKER && r->off != OFF(connect)
			    && r->off != OFF(token) && r->off != OFF(help)
			    && r->off != OFF(shard_index))
				continue;
			if (!title)
				fprintf(f, "\n%s:\n", group_title[g]);
			title = true;
			if (short_ok(r, cmd))
				n = snprintf(left, sizeof(left), "  -%c, ",
				    r->shortname);
			else
				n = snprintf(left, sizeof(left), "      ");
			n += snprintf(left + n, sizeof(left) - (size_t)n,
			    "--%s%s%s", r->name, r->meta ? " " : "",
			    r->meta ? r->meta : "");
			if (r->type != OPT_BOOL && r->def[0]
			    && r->off != OFF(help))
				snprintf(text, sizeof(text), "%s [%s]",
				    r->help, r->def);
			else
				snprintf(text, sizeof(text), "%s", r->help);
			/* A long option name gets a line of its own.
			 */
			if (n >= HELP_COL - 1)
				fprintf(f, "%s\n%*s", left, HELP_COL, "");
			else
				fprintf(f, "%-*s", HELP_COL, left);
			print_wrapped(f, text, HELP_COL);
		}
	}
}
