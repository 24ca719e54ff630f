/* opts.c - the option table, and the values it sets: the defaults, one
 * value stored (numbers through parse.c, so "--processes 2x" is an
 * error, never 2), and what other modules read of the options. Parsing:
 * opts_parse.c; checks: opts_check.c; text and JSON: opts_text.c;
 * --help: opts_help.c.
 */
#include "opts.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "continuous.h"
#include "opts_table.h"
#include "parse.h"
#include "xalloc.h"

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
const struct opt opt_table[] = {
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

bool
opt_short_ok(const struct opt *r, unsigned cmd)
{
	for (size_t i = 0; i < sizeof(short_off) / sizeof(short_off[0]); i++)
		if (short_off[i].off == r->off && (short_off[i].cmds & cmd))
			return false;
	return r->shortname != 0;
}

/* Stores value v into the field of row r; `from` names the source for
 * messages ("--processes", "TSLOAD_PROCESSES"). */
int
opt_set_value(struct tsl_opts *o, const struct opt *r, const char *v,
    const char *from, char *err, size_t errlen)
{
	char     why[160];
	uint64_t u;
	int64_t  i;
	int      rc = 0;

	switch (r->type) {
	case OPT_BOOL:
		rc = parse_bool(v, opt_field(o, r), why, sizeof(why));
		break;
	case OPT_STR: {
		char **s = opt_field(o, r);

		free(*s);
		*s = xstrdup(v);
		return 0;
	}
	case OPT_LIST: {
		char **s = opt_field(o, r), *old = *s;

		*s = old && *old ? xasprintf("%s\n%s", old, v) : xstrdup(v);
		free(old);
		return 0;
	}
	case OPT_U64_AUTO:
		if (v && !strcmp(v, "auto")) {
			*(uint64_t *)opt_field(o, r) = 0;
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
			*(uint64_t *)opt_field(o, r) = u;
		break;
	case OPT_U64:
		rc = parse_u64(v, (uint64_t)r->min,
		    r->max >= 1.8e19 ? UINT64_MAX : (uint64_t)r->max, &u, why,
		    sizeof(why));
		if (!rc)
			*(uint64_t *)opt_field(o, r) = u;
		break;
	case OPT_I64:
		rc = parse_i64(v,
		    r->min <= -9.2e18 ? INT64_MIN : (int64_t)r->min,
		    r->max >= 9.2e18 ? INT64_MAX : (int64_t)r->max, &i, why,
		    sizeof(why));
		if (!rc)
			*(int64_t *)opt_field(o, r) = i;
		break;
	case OPT_F64: {
		double d;

		rc = parse_double(v, r->min, r->max, &d, why, sizeof(why));
		if (!rc)
			*(double *)opt_field(o, r) = d;
		break;
	}
	case OPT_SIZE:
		rc = parse_size(v, &u, why, sizeof(why));
		if (!rc)
			*(uint64_t *)opt_field(o, r) = u;
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
			*(double *)opt_field(o, r) = d;
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
		opt_set_value(o, r, r->def, r->name, err, sizeof(err));
}

void
opts_free(struct tsl_opts *o)
{
	for (const struct opt *r = opt_table; r->name; r++) {
		if (r->type == OPT_STR || r->type == OPT_LIST) {
			char **s = opt_field(o, r);

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
void
opt_set_given(struct tsl_opts *o, size_t i)
{
	o->given[i / 64] |= 1ull << (i % 64);
}

/* Whether row i was given. */
bool
opt_is_given(const struct tsl_opts *o, size_t i)
{
	return o->given[i / 64] >> (i % 64) & 1;
}

unsigned
opt_row_index(const struct opt *r)
{
	return (unsigned)(r - opt_table);
}

/* Two rows may share a name in disjoint commands (--config: query's
 * config.ini, stream's librdkafka settings): either one given counts. */
bool
opts_given(const struct tsl_opts *o, const char *name)
{
	for (const struct opt *r = opt_table; r->name; r++)
		if (!strcmp(r->name, name)
		    && opt_is_given(o, opt_row_index(r)))
			return true;
	return false;
}

bool
opts_continuous(const struct tsl_opts *o)
{
	return o->model && !strcmp(o->model, "continuous");
}

/* The period in seconds of a --sin-frq-cpu / --saw-frq-cpu code (the
 * model's table), 0 for none. */
uint32_t
opt_frq_period(const char *code)
{
	uint32_t secs = 0;

	return continuous_period_s(code, &secs) ? 0 : secs;
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
		.sin_period_s   = opt_frq_period(o->sin_frq),
		.saw_period_s   = opt_frq_period(o->saw_frq),
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
