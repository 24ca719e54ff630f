/* cmdutil.c - option parsing, target settings and result collection
 * shared by the ingest, query and run subcommands. */
#include "cmdutil.h"
#include "parse.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "qconfig.h"
#include "thresholds.h"
#include "xalloc.h"

/* What --help says of each subcommand: synopsis, what it does, and two
 * or three command lines that work as written. */
static const struct cmd_help {
	unsigned    cmd;
	const char *synopsis;
	const char *what;
	const char *examples;
	bool        targets;
} cmd_helps[] = {
	{ CMD_INGEST, "tsload ingest [options]",
	    "Drives the perf-scale DevOps ingest load (or --model continuous, the\n"
	    "continuous ingestor's, or --model-file FILE, the CrateDB data\n"
	    "generator's channels) into a target (default: SQLite in results/ of\n"
	    "the current directory).\n",
	    "  tsload ingest --host-scale 1 --duration 30s\n"
	    "  tsload ingest --target null: -p 2 -c 4 --duration 10\n"
	    "  tsload ingest -d db -t tbl -r us-east-1    (the seed's line: Timestream)\n"
	    "  tsload ingest --model continuous -c 1 --target null: --autostop 5\n"
	    "  tsload ingest --target null: --rate 100000 --duration 30    (open loop)\n"
	    "  tsload ingest --duration 10m --metrics-port 9464    (Prometheus /metrics)\n"
	    "  tsload ingest --start-time -3d --end-time now --interval-millis 60000\n"
	    "  tsload ingest --host-scale 1 --id-end 500 --batch-size auto  (machine 1 of 2)\n"
	    "  tsload ingest --listen tcp://0.0.0.0:7400 --remote-workers 2 --token s3cret\n"
	    "  tsload ingest --model-file temperature.json --interval-millis 500 \\\n"
	    "      --shard-count 4 --shard-index 0    (pod 0 of 4; in an Indexed Job\n"
	    "      the index is $JOB_COMPLETION_INDEX)\n",
	    true },
	{ CMD_QUERY, "tsload query [options]",
	    "Runs the weighted query workload of config.ini (do-q1 .. do-q6)\n"
	    "against a target. config.ini asks for 10,000 queries per thread with\n"
	    "30 s think time: bound the run with --repetitions, --duration or\n"
	    "--think-time-milliseconds.\n",
	    "  tsload query --repetitions 20 --think-time-milliseconds 0\n"
	    "  tsload query -c 4 --duration 1m --think-time-milliseconds 100\n"
	    "  tsload query --config my.ini --params fixed --repetitions 5\n"
	    "  tsload query --rate 20 -c 4 --params random --duration 1m    (open loop)\n",
	    true },
	{ CMD_RUN, "tsload run [options]",
	    "Ingest (-p/-c) and query (--query-processes/--query-concurrency) at\n"
	    "once, under one coordinator, each side with its own statistics.\n",
	    "  tsload run --host-scale 1 --duration 30s --think-time-milliseconds 500\n"
	    "  tsload run --host-scale 1 --duration 1m --query-concurrency 4\n",
	    true },
	{ CMD_MODEL, "tsload model [options]",
	    "Prints the summary of --model (as ingest --print-model-summary).\n",
	    "  tsload model\n"
	    "  tsload model --host-scale 10 --multi\n"
	    "  tsload model --model continuous --host-scale 3\n",
	    false },
	{ CMD_CLEANUP, "tsload cleanup [options]",
	    "Drops the table (and database, where the target has one) that ingest\n"
	    "created. Exit status: 0 when dropped, or when there is nothing to drop\n"
	    "(it says so); 1 when the target cannot be reached or refuses the drop;\n"
	    "2 for a usage error.\n",
	    "  tsload cleanup\n"
	    "  tsload cleanup --target postgres://tsload@127.0.0.1/bench\n",
	    false },
	{ CMD_GENERATE,
	    "tsload generate -l apache|cloudfront|cloudflare [options]",
	    "Writes synthetic web-server access-log lines (lumberer's generate):\n"
	    "Apache combined, CloudFront (each record followed by an empty line) or\n"
	    "Cloudflare JSON, one visitor (IP, user, agent, ...) per --visitor-lines\n"
	    "lines, -b PCT % corrupted lines. -p x -c threads; the output is the\n"
	    "same lines in the same order for a seed and --start-time, whatever the\n"
	    "thread count. --seed/-s is generate's own (default 4321, as lumberer;\n"
	    "0: random), not ingest's. A summary line goes to stderr (not with -q).\n",
	    "  tsload generate --logtype apache --iterations 100000 > apache.log\n"
	    "  tsload generate -l cloudflare -i 1000 -b 10 --output cf.log.gz\n"
	    "  tsload generate -l apache -i 10000000 -c 2 -q --output a.log.zst\n"
	    "  tsload generate -l apache -i 5 --seed 7 --start-time 2021-05-06T11:28:29Z\n",
	    false },
	{ CMD_STREAM, "tsload stream SINK [options] [FILE...]",
	    "Sends every line of the FILEs (or stdin; plain, gzip or zstd) to SINK:\n"
	    "  kafka    --broker HOST:PORT --topic T [-e KEY=VALUE ...]: a message a\n"
	    "           line, counted once its delivery report says so\n"
	    "  s3       --bucket B [--prefix P] [--linecount N]: gzip objects of N lines\n"
	    "  kinesis  --stream S: a record a line, 500 a PutRecords call\n"
	    "  filesystem --path DIR [-c N] [-z gzip|zstd]: files of N lines\n"
	    "  stdout\n"
	    "  or a URL: file:PATH, dir:PATH, http[s]://HOST/PATH (POSTs of lines),\n"
	    "  influx://HOST:PORT/?db=D, vm://HOST:PORT (line protocol replayed),\n"
	    "  kafka://BROKER[,BROKER]/TOPIC, s3://BUCKET/PREFIX, kinesis://STREAM.\n"
	    "Message sinks (kafka, kinesis) send a line without its newline. -e is\n"
	    "librdkafka's --config here (the seed's), so --endpoint and --region have\n"
	    "no short form; -p is the seed's --position (--producer has none).\n"
	    "-r/--rate N sends N lines/s; -s/--schedule FILE takes the rates of the\n"
	    "seed's schedule file (cycling) or of {\"steps\": ...}, re-read when it\n"
	    "changes. SIGINT stops reading, sends what was read and waits for every\n"
	    "delivery. Exit 0 when every line read was stored or delivered, 1\n"
	    "otherwise; run.json goes to --results.\n"
	    "tsload stream --replay DIR [ingest options] sends what is left in the\n"
	    "spool DIR of an ingest run (--spool-dir) and exits: -p, -c, the model\n"
	    "and the --targets as the spool names them, an option given winning (a\n"
	    "password, which the spool does not keep; --table-name); exit 1 when\n"
	    "the target did not take all of it.\n",
	    "  tsload stream kafka --broker 127.0.0.1:9092 --topic my-topic apache.log\n"
	    "  tsload stream kafka --broker b:9092 --topic t --rate 1 apache.log\n"
	    "  tsload stream kafka --broker b:9092 --topic t --schedule sched.json a.log\n"
	    "  zcat big.log.gz | tsload stream kafka --broker b:9092 --topic t -e acks=1\n"
	    "  tsload stream s3 --bucket logs --prefix demo/ --linecount 10000 a.log\n"
	    "  tsload stream kinesis --stream log-stream a.log.zst\n"
	    "  tsload stream vm://127.0.0.1:8428 metrics.lp.gz\n",
	    false },
	{ CMD_VERIFY, "tsload verify --target URL --results RUNDIR",
	    "Checks what a target holds against what an ingest run wrote. The values are\n"
	    "a function of (seed, series, time, measure), so the run's data is\n"
	    "regenerated from RUNDIR/run.json (options, value_seed, timestamps) without\n"
	    "a copy, as count, sum, min and max per series, measure and hour, and\n"
	    "compared with the same aggregates read back in the target's own language:\n"
	    "SQL (sqlite:, postgres://, clickhouse://), PromQL (vm://, promrw://),\n"
	    "InfluxQL (influx://) or Timestream's SQL through its Query API\n"
	    "(timestream://, timestream+http[s]://; no duplicate is possible there).\n"
	    "Only the cells that differ are read row by row, to count missing points,\n"
	    "duplicated points, changed values (beyond the target's tolerance: 1e-12\n"
	    "relative, 1e-11 on vm:// and promrw://) and points at times the run never\n"
	    "wrote; rows of series the model does not have are counted apart.\n"
	    "The run needs known times: --start-time with --end-time or --autostop,\n"
	    "no --rate; either layout (--multi: a row or record missing or\n"
	    "duplicated counts each of its measures, a NULL cell one point). In\n"
	    "the continuous model's seed-exact mode (-p 1 -c 1 --seed N) counts, times\n"
	    "and series are checked, not values. Results go to run.json (\"verify\").\n"
	    "Exit 0: the target holds exactly what was written; 1: a difference; 2: bad\n"
	    "usage, or a run or target verify cannot read. ingest --verify does the\n"
	    "same at its end.\n",
	    "  tsload ingest -s 1 --start-time -1h --end-time now --target sqlite:a.db\n"
	    "  tsload verify --target sqlite:a.db --results results/20261207-101417-ingest-1\n"
	    "  tsload ingest --start-time now --autostop 10 --target postgres://h/d --verify\n",
	    false },
	{ CMD_COMPARE, "tsload compare DIR DIR... [--fail-if EXPR]...",
	    "Shows runs (results/<run-id> directories of ingest, query or run) side by\n"
	    "side: rate, latency p50/p90/p99, errors and CPU per record (ingest),\n"
	    "queries/s and latency (query), each run's change from the first (absolute\n"
	    "and %) and a verdict: a 95% bootstrap interval (1000 resamples, fixed\n"
	    "seed) of the difference of the means of the per-second samples of\n"
	    "timeseries.csv (query-timeseries.csv); \"faster\" or \"slower\" when it\n"
	    "excludes 0, else \"no significant change\". p50 uses the per-second p50\n"
	    "column, p90 and p99 the per-second p99 column (the CSV has no raw\n"
	    "latencies); errors use the errors of each second; CPU per record has one\n"
	    "value per run (no verdict), as have, below the figures, --freshness's\n"
	    "fresh_p50 and fresh_p99 (per target) and each run's tsload verify answer\n"
	    "(holds, differs, - for none).\n"
	    "--fail-if FIGURE OP CHANGE compares the last run with the first: CHANGE is\n"
	    "relative (+10%, -5%) or absolute in the figure's units (2ms, 100 for a\n"
	    "rate, 0 for errors). Figures: rate, records_per_s, points_per_s,\n"
	    "queries_per_s, write_p50, write_p90, write_p99, query_p50, query_p90,\n"
	    "query_p99, errors, query_errors, cpu_per_record (us). Exit 0, 4 when a\n"
	    "--fail-if holds, 2 for bad usage or a directory that is not a run.\n",
	    "  tsload compare results/20261207-060328-ingest-1 results/20261207-0610*\n"
	    "  tsload compare base new --fail-if 'write_p99 > +10%' --fail-if 'rate < -5%'\n",
	    false },
	{ CMD_REPORT,
	    "tsload report [options] DIR... | -d DIR [-p GLOB] [-o FILE]",
	    "Reads run directories (results/<run-id>/, or a results directory: every\n"
	    "run in it), merges their figures from the latency histograms stored in\n"
	    "run.json (exact: percentiles of all requests together, never averages of\n"
	    "percentiles) and writes DIR/report/index.html with plots drawn by gnuplot\n"
	    "(rate and latency over time, the percentile spectrum to 99.999 %, latency\n"
	    "by query, errors and throttles, schedule lag and the latency from the\n"
	    "intended start, behind schedule, rate and latency per target, freshness),\n"
	    "and report/summary.json with the merged figures. A run checked by tsload\n"
	    "verify (ingest --verify, or verify later) gets its verdict, counts and\n"
	    "differing cells, a run with --freshness a freshness table per target;\n"
	    "both are printed too. Two runs or more of one command are also compared\n"
	    "as tsload compare does (the same verdicts, printed and on the page);\n"
	    "--fail-if gates them (exit 4).\n"
	    "With -d it does the seed's summarize_results.py job on\n"
	    "per-thread query results: the latencies come from the do-qN.log files next\n"
	    "to each CSV, -o gets the merged summary in the seed's columns, and\n"
	    "--seed-compat also writes the seed's column means (FILE-seed-mean.csv).\n"
	    "Exit 0, or 2 when a directory or file cannot be read or is not tsload's.\n",
	    "  tsload report results/20261207-060427-query-19200\n"
	    "  tsload report host1/results/RUN host2/results/RUN   (merged)\n"
	    "  tsload report base new --fail-if 'write_p99 > +10%'   (compared)\n"
	    "  tsload report -d logs -p '*-summary.csv' -o summary.csv --seed-compat\n",
	    false },
	{ CMD_WORKER,
	    "tsload worker --connect URL [--token SECRET] [--shard-index I]",
	    "A worker process. ingest, query and run start their local workers\n"
	    "themselves (tsload worker --connect ipc://...). On another host, start\n"
	    "one by hand (or as a pod) for a coordinator run with --listen and\n"
	    "--remote-workers N: it waits for the coordinator to come up, proves it\n"
	    "holds the run's token (challenge and response; the token is never sent)\n"
	    "and checks the coordinator's proof in turn, waits for the start, takes\n"
	    "its assignment (a shard of the hosts, or a share of the queries, and\n"
	    "every run option: the options below are all it needs) and runs it.\n"
	    "Paths in the run's options (file: targets, --config, --log-dir,\n"
	    "--spool-dir) are this host's. Remote workers take the coordinator's\n"
	    "remote slots (shards) in join order; with --shard-index I (or\n"
	    "JOB_COMPLETION_INDEX, which Kubernetes sets in an Indexed Job's pods)\n"
	    "this one takes remote slot I, 0-based, and is refused when another\n"
	    "holds it or I is not below --remote-workers. TSLOAD_CONNECT,\n"
	    "TSLOAD_TOKEN, TSLOAD_SHARD_INDEX and JOB_COMPLETION_INDEX are the only\n"
	    "variables it reads. Exit 0 once its result is delivered; 1 when\n"
	    "refused (no token, a wrong token, another version, its index taken\n"
	    "or out of range), when its coordinator is lost, or on an error.\n",
	    "  TSLOAD_TOKEN=s3cret tsload worker --connect tcp://10.0.0.1:7400\n"
	    "  tsload worker --connect tcp://coordinator.bench:7400 --token s3cret\n"
	    "  tsload worker --connect tcp://10.0.0.1:7400 --shard-index 1   (slot 1)\n",
	    false },
};

void
cmd_usage(unsigned cmd, FILE *f)
{
	for (size_t i = 0; i < sizeof(cmd_helps) / sizeof(cmd_helps[0]); i++) {
		const struct cmd_help *h = &cmd_helps[i];

		if (h->cmd != cmd)
			continue;
		fprintf(f, "usage: %s\n\n%s", h->synopsis, h->what);
		opts_usage(cmd, f);
		fprintf(f, "\nexamples:\n%s", h->examples);
		if (h->cmd & (CMD_INGEST | CMD_RUN))
			fprintf(f,
			    "\nBAD DATA (--bad-data PCT): that share of the records is sent invalid, in\n"
			    "batches of their own, counted as injected; the server's refusals count as\n"
			    "rejected (the closing lines and run.json say both). The kinds, drawn evenly:\n"
			    "  line protocol (influx, vm; file/stdout/null format=lp): no measurement\n"
			    "      (a leading ','), a timestamp beyond int64\n"
			    "  pgcopy (postgres; file/stdout/null format=pgcopy): a row of one column,\n"
			    "      a time beyond bigint, a time that is not a number, invalid UTF-8\n"
			    "  remote write (promrw, vm protocol=rw; format=promrw): a sample whose\n"
			    "      timestamp has an invalid wire type: the request is refused (400)\n"
			    "  VictoriaMetrics skips them silently: tsload reads vm_rows_invalid_total\n"
			    "  around each injected batch (exact with one worker process, -p 1).\n");
		if (h->cmd & (CMD_INGEST | CMD_QUERY | CMD_RUN))
			fprintf(f,
			    "\nTHRESHOLDS (--threshold EXPR, repeatable): FIGURE OP VALUE, checked on the\n"
			    "run's totals at the end, listed in the closing lines and run.json; a failed\n"
			    "one makes the exit code 3. OP: < <= > >= == !=. VALUE: N, Nms, Ns, Nus\n"
			    "(latency; a bare N is ms), N%% (errors, throttles: of the attempts),\n"
			    "N*target (rates: N times --rate). FIGURE: rate (--rate's unit; queries/s\n"
			    "for query), records_per_s, points_per_s, queries_per_s, write_avg, write_p50,\n"
			    "write_p90, write_p99, write_p999, write_max, query_avg ... query_max,\n"
			    "errors, write_errors, query_errors, throttles. --abort-on-fail stops the run\n"
			    "as soon as a count bounded above (errors==0, throttles<100) has failed.\n"
			    "Exit codes: 0 success, 1 the run failed, 2 bad usage, 3 a threshold failed.\n");
		if (h->cmd & (CMD_INGEST | CMD_RUN))
			fprintf(f,
			    "\nTHE DATA GENERATOR'S ENVIRONMENT: when MODEL_PATH is set, the CrateDB data\n"
			    "generator's variables are options too (for those no TSLOAD_* variable or\n"
			    "argument gives): MODEL_PATH (--model-file), ID_START and ID_END (1-based\n"
			    "inclusive channel ids: --id-start ID_START-1 --id-end ID_END), INGEST_MODE\n"
			    "(1 fast: a backfill from INGEST_TS + INGEST_DELTA; 0 consecutive: every\n"
			    "INGEST_DELTA seconds on the clock), INGEST_SIZE (values per channel, 0:\n"
			    "endless), INGEST_DELTA, INGEST_TS, TABLE_NAME, HOST, USERNAME and PASSWORD\n"
			    "(--target postgres://USERNAME:PASSWORD@HOST:5432/), SHARDS (ignored).\n");
		if (h->targets)
			cmd_list_targets(f);
		else if (cmd != CMD_WORKER) /* it reads two, said above */
			fprintf(f,
			    "\nEvery option can also be set as TSLOAD_<NAME>, e.g. TSLOAD_HOST_SCALE=2.\n");
	}
}

/* Fills out with name under the data directory of the binary:
 * PREFIX/share/tsload/configs for an installed PREFIX/bin/tsload, the
 * checkout's configs/ for a build tree's BUILD/bin/tsload. Not the current
 * directory: tsload runs from anywhere. -ENOENT with where it looked in
 * looked. */
static int
data_path(const char *name, char *out, size_t n, char *looked, size_t ln)
{
	static const char *const under[]
	    = { "share/tsload/configs", "../configs" };
	char    exe[PATH_MAX], *slash;
	ssize_t k = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (k <= 0) {
		snprintf(looked, ln, "nowhere (/proc/self/exe: %s)",
		    strerror(errno));
		return -ENOENT;
	}
	exe[k] = '\0';
	/* PREFIX/bin/tsload -> PREFIX */
	for (int up = 0; up < 2; up++) {
		slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
	}
	for (size_t i = 0; i < 2; i++) {
		char *real;

		snprintf(out, n, "%s/%s/%s", exe, under[i], name);
		real = realpath(out, NULL);
		if (real) {
			snprintf(out, n, "%s", real);
			free(real);
			return 0;
		}
	}
	snprintf(looked, ln, "%s/%s/%s nor %s/%s/%s", exe, under[0], name, exe,
	    under[1], name);
	return -ENOENT;
}

/* Points an option left at its default ("configs/...") to the file next
 * to the binary; an option given stays as given (relative to the current
 * directory). */
static int
resolve_default(struct tsl_opts *o, const char *opt, const char *meta,
    char **value, const char *name, char *err, size_t errlen)
{
	char path[PATH_MAX + 64], looked[2 * PATH_MAX + 128];

	if (opts_given(o, opt))
		return 0;
	if (data_path(name, path, sizeof(path), looked, sizeof(looked))) {
		snprintf(err, errlen,
		    "--%s not given, and its default %s is not installed next to the binary: neither %s (give --%s %s)",
		    opt, *value, looked, opt, meta);
		return -ENOENT;
	}
	free(*value);
	*value = xstrdup(path);
	return 0;
}

static int
resolve_paths(struct tsl_opts *o, unsigned cmd, char *err, size_t errlen)
{
	struct stat st;

	if (!(cmd & (CMD_QUERY | CMD_RUN)))
		return 0;
	if (resolve_default(
	        o, "config", "FILE", &o->config, "config.ini", err, errlen)
	    || resolve_default(o, "queries-dir", "DIR", &o->queries_dir,
	        "queries", err, errlen))
		return -ENOENT;
	if (stat(o->queries_dir, &st)) {
		snprintf(err, errlen, "--queries-dir %s: %s", o->queries_dir,
		    strerror(errno));
		return -ENOENT;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "--queries-dir %s: not a directory",
		    o->queries_dir);
		return -ENOTDIR;
	}
	return 0;
}

/* The target's templates must be there: say so here rather than "do-q1
 * has no sqlite version" for a --queries-dir of something else. */
static int
check_dialect_dir(
    const struct tsl_opts *o, unsigned cmd, char *err, size_t errlen)
{
	const struct target_ops *t = target_find(o->target);
	char                     path[PATH_MAX + 64];
	struct stat              st;

	if (!(cmd & (CMD_QUERY | CMD_RUN)) || !t || !t->dialect)
		return 0;
	snprintf(path, sizeof(path), "%s/%s", o->queries_dir, t->dialect);
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	snprintf(err, errlen,
	    "--queries-dir %s: no %s/ directory of %s query templates in it",
	    o->queries_dir, t->dialect, t->name);
	return -ENOENT;
}

int
cmd_parse(struct tsl_opts *o, unsigned cmd, int argc, char **argv,
    void (*usage)(FILE *))
{
	char err[PATH_MAX * 3];
	int  rc;

	opts_defaults(o);
	rc = opts_parse(
	    o, cmd, argc, (const char *const *)argv, err, sizeof(err));
	if (!rc && o->help) {
		usage(stdout);
		opts_free(o);
		return 0;
	}
	if (!rc)
		rc = resolve_paths(o, cmd, err, sizeof(err));
	if (!rc)
		rc = opts_validate(o, cmd, err, sizeof(err));
	if (!rc)
		rc = check_dialect_dir(o, cmd, err, sizeof(err));
	if (!rc && (cmd & (CMD_INGEST | CMD_QUERY | CMD_RUN))) {
		struct thr_set *t = xmalloc(sizeof(*t));

		rc = thr_setup(t, o, cmd, err, sizeof(err));
		free(t);
	}
	if (rc) {
		log_err("%s", err);
		opts_free(o);
		return 2;
	}
	if (o->target_implied)
		log_info(
		    "no --target: --endpoint or --region given, so the target is Timestream (as with the seed's tools)");
	return -1;
}

/* "83.3 hours", "25 minutes", "40 s" */
static void
human_secs(double s, char *out, size_t n)
{
	if (s >= 10 * 86400)
		snprintf(out, n, "%.1f days", s / 86400);
	else if (s >= 2 * 3600)
		snprintf(out, n, "%.1f hours", s / 3600);
	else if (s >= 120)
		snprintf(out, n, "%.0f minutes", s / 60);
	else
		snprintf(out, n, "%.1f s", s);
}

uint64_t
cmd_query_plan(const struct tsl_opts *o, uint64_t threads)
{
	struct qconfig cfg;
	char           err[256], took[32], stop[64] = "";
	uint64_t       reps = o->repetitions;
	double         think_ms, least;

	if (!reps && o->duration > 0) {
		log_info("queries: %llu thread%s until --duration ends",
		    (unsigned long long)threads, threads == 1 ? "" : "s");
		return 0;
	}
	if (!reps) {
		if (qconfig_load(&cfg, o->config, err, sizeof(err)))
			return 0;
		reps = cfg.repetitions;
	}
	/* The shortest think time: --randomized-think-time draws 5000..MS
	 * (0..MS below 5000). */
	think_ms = (double)o->think_ms;
	if (o->think_random)
		think_ms = o->think_ms < 5000 ? 0 : 5000;
	least = (double)reps * think_ms / 1000;
	human_secs(least, took, sizeof(took));
	if (o->duration > 0)
		snprintf(stop, sizeof(stop), ", or until --duration ends");
	log_info(
	    "queries planned: %llu thread%s x %llu repetitions%s = %llu; at least %s of think time (%llu ms after each query)%s%s",
	    (unsigned long long)threads, threads == 1 ? "" : "s",
	    (unsigned long long)reps, o->repetitions ? "" : " (config.ini)",
	    (unsigned long long)(threads * reps), took,
	    (unsigned long long)o->think_ms, stop,
	    least >= 600
	        ? "; shorten with --repetitions N, --think-time-milliseconds MS or --duration SECS"
	        : "");
	return threads * reps;
}

void
cmd_list_targets(FILE *f)
{
	fprintf(f,
	    "\ntargets (ingest and query, unless marked), with their URL "
	    "?key=value\nparameters (joined with &):\n");
	for (const struct target_ops *const *t = target_list(); *t; t++) {
		const struct target_ops *const *same = target_list();

		fprintf(f, "  %s%s\n", (*t)->usage,
		    (*t)->flags & TGT_F_QUERY ? "" : "  (ingest only)");
		/* A table shared with a target above is not repeated. */
		while (same < t && (*same)->params != (*t)->params)
			same++;
		if (same < t)
			fprintf(
			    f, "      the parameters of %s\n", (*same)->name);
		else if ((*t)->params)
			params_usage((*t)->params, 6, f);
	}
	fprintf(f,
	    "\nfan-out: --target may be repeated (ingest, run; at most %d targets):\n"
	    "  every batch goes to every target, each with its own writers, figures\n"
	    "  and run.json section; an unreachable one does not hold the others.\n",
	    OPTS_TARGETS_MAX);
	fprintf(f,
	    "clusters: a clickhouse, influx, vm, postgres, graphite or opentsdb URL\n"
	    "  may name several hosts, h1:p1,h2:p2 (at most %d), each a server of\n"
	    "  its own:\n"
	    "      balance=rr|hash       whole batches in turn (default), or each\n"
	    "                            series to one host\n"
	    "  a dead host is taken out, probed with backoff and put back.\n",
	    CLUSTER_HOSTS_MAX);
	fprintf(f, "\nmodels (--model NAME), with the options they read:\n");
	for (const struct model_ops *const *m = model_list(); *m; m++) {
		const struct param_row *p = (*m)->params;

		unsigned col = 3;

		fprintf(f, "  %s: %s\n   ", (*m)->name, (*m)->help);
		for (; p && p->name; p++) {
			/* wrapped under 80 columns */
			if (col > 3 && col + 3 + strlen(p->name) >= 80) {
				fputs("\n   ", f);
				col = 3;
			}
			fputs(" --", f);
			for (const char *c = p->name; *c; c++)
				fputc(*c == '_' ? '-' : *c, f);
			col += 3 + (unsigned)strlen(p->name);
		}
		fputc('\n', f);
	}
	fprintf(f,
	    "\nEvery option can also be set as TSLOAD_<NAME>, e.g. TSLOAD_HOST_SCALE=2.\n");
}

/* The run's timestamps when they are known in advance: the virtual
 * clock of --start-time (pacers/backfill.c, unpaced.c, interval.c: cycle
 * k at start + k x step) with an end (--end-time, --autostop); not with a
 * rate (its stamps follow the schedule). */
static void
fill_grid(struct report_run *r, const struct tsl_opts *o, int64_t t0_ms)
{
	int64_t  start, end = 0;
	uint64_t step = o->interval_ms ? o->interval_ms : 1, n = 0;

	r->grid = false;
	if (o->rate > 0 || o->schedule[0]
	    || parse_time_ms(o->start_time, t0_ms, &start, NULL, 0))
		return;
	if (o->end_time[0] && !parse_time_ms(o->end_time, t0_ms, &end, NULL, 0)
	    && end > start)
		n = ((uint64_t)(end - start) + step - 1) / step;
	if (o->autostop && (!n || o->autostop < n))
		n = o->autostop;
	if (!n)
		return;
	r->grid          = true;
	r->grid_start_ms = start;
	r->grid_step_ms  = step;
	r->grid_cycles   = n;
}

void
cmd_fill_run(struct report_run *r, const struct engine *e,
    const struct tsl_opts *o, unsigned opts_cmd, int exit_code,
    const struct model *m)
{
	struct model_conf mc;

	r->o           = o;
	r->opts_cmd    = opts_cmd;
	r->start_ms    = e->start_ms;
	r->end_ms      = e->end_ms;
	r->secs        = e->secs;
	r->exit_code   = exit_code;
	r->cpu_s[0]    = e->cpu_s[ROLE_INGEST];
	r->cpu_s[1]    = e->cpu_s[ROLE_QUERY];
	r->coord_cpu_s = e->coord_cpu_s;
	r->maxrss_kb   = e->maxrss_kb;
	r->value_seed  = e->seed;
	if (!m)
		return;
	fill_grid(r, o, e->start_ms);
	r->prefix     = m->prefix;
	r->hosts      = m->total_hosts;
	r->event_sets = m->total_events;
	opts_host_range(o, &r->id_start, &r->id_end);
	/* the whole conf: the continuous model's filters change the count */
	mc        = opts_model_conf(o);
	r->series = m->ops->series_count(&mc);
}

/* Fan-out: each target's figures, merged over the workers; with one
 * target, its cluster's hosts. */
static void
collect_targets(const struct engine *e, struct report_run *r)
{
	unsigned n = opts_n_targets(e->o);

	if (!e->per_role[ROLE_INGEST])
		return;
	if (n == 1) {
		r->cluster = xmalloc(sizeof(*r->cluster));
		engine_hosts(e, -1, r->cluster);
		return;
	}
	r->n_tgt = n;
	r->tgt   = xcalloc(n, sizeof(*r->tgt));
	for (unsigned k = 0; k < n; k++) {
		struct report_target *t = &r->tgt[k];

		target_url_redact(
		    opts_target(e->o, k), t->url, sizeof(t->url));
		engine_total_target(e, k, &t->s, &t->state);
		engine_target_err(e, k, t->err, sizeof(t->err));
		engine_hosts(e, (int)k, &t->hosts);
		if (t->err[0])
			log_warn("target %u %s: first error: %s", k + 1,
			    t->url, t->err);
	}
}

void
cmd_collect_workers(const struct engine *e, struct report_run *r)
{
	collect_targets(e, r);
	r->nw = e->n;
	r->w  = xcalloc(e->n ? e->n : 1, sizeof(*r->w));
	for (unsigned i = 0; i < e->n; i++) {
		const struct slot    *s = &e->slot[i];
		struct report_worker *x = &r->w[i];

		x->role       = s->role == ROLE_INGEST ? "ingest" : "query";
		x->index      = s->rindex;
		x->pid        = (int)s->pid;
		x->first_host = s->first_host;
		x->end_host   = s->end_host;
		x->done       = s->state == SLOT_DONE;
		x->s          = (struct stats *)&s->cur.s;
		if (s->role == ROLE_INGEST && s->extra_len) {
			x->batch     = s->extra;
			x->batch_len = s->extra_len;
		}
		snprintf(x->host, sizeof(x->host), "%s", s->host);
		snprintf(x->addr, sizeof(x->addr), "%s", s->addr);
		snprintf(x->fate, sizeof(x->fate), "%s", s->fate);
		snprintf(x->err, sizeof(x->err), "%s", s->cur.err);
		/* the reason of a stop was said when the run stopped */
		if (x->err[0]
		    && !(s->cur.state
		        & (TGT_STATE_BIT(TGT_FATAL)
		            | TGT_STATE_BIT(TGT_CLOSED))))
			log_warn("%s worker %u: first error: %s", x->role,
			    x->index + 1, x->err);
	}
}

int
cmd_thresholds(struct engine *e, struct report_run *rr,
    const struct stats *ing, const struct stats *qry, int rc)
{
	unsigned failed;

	if (!e->thr.n)
		return rc;
	failed  = thr_eval(&e->thr, ing, qry, e->secs);
	rr->thr = &e->thr;
	thr_print(&e->thr, log_info_stream());
	fflush(log_info_stream());
	if (failed)
		log_err("%u of %u thresholds failed", failed, e->thr.n);
	return !rc && failed ? THR_EXIT : rc;
}
