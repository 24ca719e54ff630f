/* test_opts.c - option table: defaults, argv forms, environment, strict
 * numbers, the text round trip a worker receives. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "opts.h"

static int
parse(
    struct tsl_opts *o, char *err, size_t n, int argc, const char *const *argv)
{
	opts_defaults(o);
	return opts_parse(o, CMD_INGEST, argc, argv, err, n);
}

static void
test_defaults_are_the_seeds(void **state)
{
	struct tsl_opts o;

	(void)state;
	opts_defaults(&o);
	assert_int_equal(o.processes, 1);
	assert_int_equal(o.concurrency, 1);
	assert_int_equal(o.host_scale, 100);
	assert_int_equal(o.interval_ms, 5000);
	assert_int_equal(o.batch_size, 100);
	assert_int_equal(o.instance_seed, 12345);
	assert_int_equal(o.mem_hours, 2);
	assert_int_equal(o.mag_days, 365);
	assert_false(o.multi);
	assert_string_equal(o.target, "sqlite:results/tsload.db");
	opts_free(&o);
}

static void
test_argv_forms(void **state)
{
	const char *argv[] = { "ingest", "-p", "3", "-c4", "--host-scale=7",
		"--multi", "--batch-writes", "--batch-size", "50",
		"--duration", "2m", "--instance-name-seed=-5", "-d", "db1",
		"--target", "null:" };
	struct tsl_opts o;
	char            err[256];

	(void)state;
	assert_int_equal(parse(&o, err, sizeof(err), 16, argv), 0);
	assert_int_equal(o.processes, 3);
	assert_int_equal(o.concurrency, 4);
	assert_int_equal(o.host_scale, 7);
	assert_true(o.multi);
	assert_true(o.batch_writes);
	assert_int_equal(o.batch_size, 50);
	assert_true(o.duration == 120.0);
	assert_int_equal(o.instance_seed, -5);
	assert_string_equal(o.database, "db1");
	assert_string_equal(o.target, "null:");
	assert_int_equal(opts_validate(&o, CMD_INGEST, err, sizeof(err)), 0);
	opts_free(&o);
}

static void
test_bad_input(void **state)
{
	static const struct {
		const char *args[3];
		const char *want;
	} cases[] = {
		{ { "--processes", "four" },
		    "--processes: invalid value \"four\"" },
		{ { "-p", "4097" }, "-p/--processes" },
		{ { "--host-scale", "1.5" }, "--host-scale: invalid value" },
		{ { "--interval-millis", "-1" }, "--interval-millis" },
		{ { "--nope" }, "unknown option --nope" },
		{ { "--multi=perhaps" },
		    "--multi: invalid value \"perhaps\"" },
		{ { "--batch-size" }, "--batch-size needs a value" },
		{ { "stray" }, "unexpected argument \"stray\"" },
		{ { "--duration", "-3" }, "--duration" },
	};
	struct tsl_opts o;
	char            err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *argv[4] = { "ingest" };
		int         argc    = 1;

		for (int k = 0; k < 3 && cases[i].args[k]; k++)
			argv[argc++] = cases[i].args[k];
		err[0] = '\0';
		assert_int_not_equal(
		    parse(&o, err, sizeof(err), argc, argv), 0);
		if (!strstr(err, cases[i].want))
			fail_msg("case %zu: '%s' lacks '%s'", i, err,
			    cases[i].want);
		opts_free(&o);
	}
}

static void
test_environment(void **state)
{
	const char     *argv[] = { "ingest", "--host-scale", "9" };
	struct tsl_opts o;
	char            err[256];

	(void)state;
	setenv("TSLOAD_HOST_SCALE", "4", 1);
	setenv("TSLOAD_PROCESSES", "2", 1);
	setenv("TSLOAD_MULTI", "true", 1);
	assert_int_equal(parse(&o, err, sizeof(err), 3, argv), 0);
	assert_int_equal(o.host_scale, 9); /* the command line wins */
	assert_int_equal(o.processes, 2);
	assert_true(o.multi);
	opts_free(&o);
	setenv("TSLOAD_PROCESSES", "x", 1);
	assert_int_not_equal(parse(&o, err, sizeof(err), 1, argv), 0);
	assert_non_null(strstr(err, "TSLOAD_PROCESSES"));
	opts_free(&o);
	unsetenv("TSLOAD_HOST_SCALE");
	unsetenv("TSLOAD_PROCESSES");
	unsetenv("TSLOAD_MULTI");
}

static void
test_text_roundtrip(void **state)
{
	const char     *argv[] = { "ingest", "-p", "3", "--target",
		    "file:/a b?format=csv", "--duration", "1.25", "--seed",
		    "18446744073709551615", "--instance-name-seed", "-9" };
	struct tsl_opts a, b;
	struct buf      text;
	char            err[256];

	(void)state;
	assert_int_equal(parse(&a, err, sizeof(err), 11, argv), 0);
	buf_init(&text, 1 << 20);
	opts_to_text(&a, CMD_INGEST, &text);
	buf_cstr(&text);
	opts_defaults(&b);
	assert_int_equal(
	    opts_parse_text(&b, CMD_WORKER, text.p, err, sizeof(err)), 0);
	assert_int_equal(b.processes, 3);
	assert_string_equal(b.target, "file:/a b?format=csv");
	assert_true(b.duration == 1.25);
	assert_true(b.seed == UINT64_MAX);
	assert_int_equal(b.instance_seed, -9);
	buf_free(&text);
	opts_free(&a);
	opts_free(&b);
}

/* Any byte of a string value reaches the worker as it is, and a line
 * break in a value cannot add an option (-t $'x\n--target=...'). */
static void
test_text_escapes(void **state)
{
	static const char table[]  = "host_metrics\n--target=file:/x.lp";
	static const char prefix[] = "x\n--target=null:\\n\\x41\t\x7f\x01";
	const char *argv[] = { "query", "--target", "sqlite:t.db", "-t", table,
		"--run-prefix", prefix, "-d", "a\\b", "--region", "" };
	struct tsl_opts a, b;
	struct buf      text;
	char            err[256];

	(void)state;
	opts_defaults(&a);
	assert_int_equal(
	    opts_parse(&a, CMD_QUERY, 11, argv, err, sizeof(err)), 0);
	buf_init(&text, 1 << 20);
	opts_to_text(&a, CMD_QUERY, &text);
	buf_cstr(&text);
	/* one option per line, every line an option */
	for (const char *l = text.p; *l; l = strchr(l, '\n') + 1)
		assert_memory_equal(l, "--", 2);
	opts_defaults(&b);
	assert_int_equal(
	    opts_parse_text(&b, CMD_WORKER, text.p, err, sizeof(err)), 0);
	assert_string_equal(b.table, table);
	assert_string_equal(b.run_prefix, prefix);
	assert_string_equal(b.database, "a\\b");
	assert_string_equal(b.target, "sqlite:t.db");
	assert_string_equal(b.region, "");
	buf_free(&text);
	opts_free(&a);
	opts_free(&b);
	/* a bad escape is an error, not a guess */
	opts_defaults(&b);
	assert_int_not_equal(opts_parse_text(&b, CMD_WORKER,
	                         "--table-name=a\\q\n", err, sizeof(err)),
	    0);
	assert_non_null(strstr(err, "bad escape"));
	opts_free(&b);
}

/* A refused value leaves nothing allocated (the sanitizer build checks
 * that no string is lost; here: every string is gone). */
static void
test_refused_value_frees(void **state)
{
	const char     *argv[] = { "ingest", "-t", "tbl", "--target",
		    "null:", "--processes", "x" };
	struct tsl_opts o;
	char            err[256];

	(void)state;
	assert_int_not_equal(parse(&o, err, sizeof(err), 7, argv), 0);
	assert_null(o.target);
	assert_null(o.table);
	assert_null(o.results);
	setenv("TSLOAD_TABLE_NAME", "t2", 1);
	setenv("TSLOAD_MULTI", "perhaps", 1);
	assert_int_not_equal(parse(&o, err, sizeof(err), 1, argv), 0);
	assert_null(o.table);
	unsetenv("TSLOAD_TABLE_NAME");
	unsetenv("TSLOAD_MULTI");
	opts_free(&o); /* harmless after the failure */
}

/* Long options abbreviate as with argparse: a unique prefix, exact names
 * first; an ambiguous one names the candidates. */
static void
test_abbreviations(void **state)
{
	const char     *ok[]     = { "ingest", "--host", "2", "--batch-w",
		        "--batch-s=7", "--interval=10", "--tar", "null:" };
	const char     *amb[]    = { "ingest", "--batch", "3" };
	const char     *amb_eq[] = { "query", "--query-=1" };
	struct tsl_opts o;
	char            err[256];

	(void)state;
	assert_int_equal(parse(&o, err, sizeof(err), 8, ok), 0);
	assert_int_equal(o.host_scale, 2);
	assert_true(o.batch_writes);
	assert_int_equal(o.batch_size, 7);
	assert_int_equal(o.interval_ms, 10);
	assert_string_equal(o.target, "null:");
	opts_free(&o);
	assert_int_not_equal(parse(&o, err, sizeof(err), 3, amb), 0);
	assert_string_equal(err,
	    "ambiguous option --batch (could be --batch-writes --batch-size)");
	opts_defaults(&o);
	assert_int_not_equal(
	    opts_parse(&o, CMD_QUERY, 2, amb_eq, err, sizeof(err)), 0);
	assert_string_equal(err,
	    "ambiguous option --query- (could be --query-end-time --query-wait)");
}

/* A mistyped option names the nearest one, and the subcommands that have
 * it when it is not this one's. */
static void
test_unknown_option_hints(void **state)
{
	static const struct {
		const char *arg, *want;
	} cases[] = {
		{ "--think-time-milliseconds=5",
		    "--think-time-milliseconds is an option of query and run, not ingest" },
		{ "--procesess",
		    "unknown option --procesess (did you mean --processes?)" },
		{ "--thinktime-milliseconds",
		    "unknown option --thinktime-milliseconds (did you mean --think-time-milliseconds? it is an option of query and run, not ingest)" },
		{ "--frobnicate", "unknown option --frobnicate (see --help)" },
	};
	struct tsl_opts o;
	char            err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *argv[] = { "ingest", cases[i].arg };

		assert_int_not_equal(parse(&o, err, sizeof(err), 2, argv), 0);
		assert_string_equal(err, cases[i].want);
	}
}

/* Fan-out: every --target kept; a second one where fan-out does not
 * apply is refused, not lost. */
static void
test_repeated_target(void **state)
{
	const char *argv[]
	    = { "ingest", "--target", "null:", "--target=file:/x", "--target",
		      "vm://a:1,b:2/?db=x&balance=hash" };
	const char *nine[]
	    = { "ingest", "--target=null:", "--target=null:", "--target=null:",
		      "--target=null:", "--target=null:", "--target=null:",
		      "--target=null:", "--target=null:", "--target=null:" };
	const char     *bad[] = { "ingest", "--target", "null:", "--target",
		    "vm://a:1,b:2/?balance=random" };
	struct tsl_opts o, back;
	struct buf      b;
	char            err[256];

	(void)state;
	/* fan-out: every --target kept, in order, and sent to workers */
	assert_int_equal(parse(&o, err, sizeof(err), 6, argv), 0);
	assert_int_equal(opts_n_targets(&o), 3);
	assert_string_equal(opts_target(&o, 0), "null:");
	assert_string_equal(opts_target(&o, 1), "file:/x");
	assert_string_equal(
	    opts_target(&o, 2), "vm://a:1,b:2/?db=x&balance=hash");
	assert_string_equal(opts_tgt_conf_at(&o, 1).url, "file:/x");
	assert_int_equal(opts_validate(&o, CMD_INGEST, err, sizeof(err)), 0);
	buf_init(&b, 1 << 20);
	opts_to_text(&o, CMD_INGEST, &b);
	buf_cstr(&b);
	opts_defaults(&back);
	assert_int_equal(
	    opts_parse_text(&back, CMD_WORKER, b.p, err, sizeof(err)), 0);
	assert_int_equal(opts_n_targets(&back), 3);
	assert_string_equal(opts_target(&back, 2), opts_target(&o, 2));
	opts_free(&back);
	buf_free(&b);
	opts_free(&o);
	/* only ingest and run fan out */
	opts_defaults(&o);
	assert_int_not_equal(
	    opts_parse(&o, CMD_QUERY, 4, argv, err, sizeof(err)), 0);
	assert_string_equal(err,
	    "--target given 2 times: only ingest and run write to several targets at once (fan-out); give one --target");
	assert_int_not_equal(parse(&o, err, sizeof(err), 10, nine), 0);
	assert_string_equal(
	    err, "--target given 9 times: at most 8 targets at once");
	/* each target is checked, a cluster's balance too */
	assert_int_equal(parse(&o, err, sizeof(err), 5, bad), 0);
	assert_int_not_equal(
	    opts_validate(&o, CMD_INGEST, err, sizeof(err)), 0);
	assert_string_equal(
	    err, "--target: balance=random: expected rr or hash");
	opts_free(&o);
	/* the environment's target and one --target are fine */
	setenv("TSLOAD_TARGET", "null:", 1);
	assert_int_equal(parse(&o, err, sizeof(err), 3, argv), 0);
	assert_string_equal(o.target, "null:");
	assert_int_equal(opts_n_targets(&o), 1);
	unsetenv("TSLOAD_TARGET");
	opts_free(&o);
}

/* The seed's ingest line names Timestream by --endpoint or --region. */
static void
test_implied_timestream(void **state)
{
	const char *seed[]   = { "ingest", "-d", "db", "-t", "tbl", "-r",
		  "us-east-1", "--endpoint", "http://127.0.0.1:1" };
	const char *region[] = { "ingest", "-r", "us-east-1" };
	const char *given[]
	    = { "ingest", "-r", "us-east-1", "--target", "null:" };
	struct tsl_opts o;
	char            err[256];

	(void)state;
	assert_int_equal(parse(&o, err, sizeof(err), 9, seed), 0);
	assert_string_equal(o.target, "timestream://");
	assert_true(o.target_implied);
	assert_int_equal(opts_validate(&o, CMD_INGEST, err, sizeof(err)), 0);
	opts_free(&o);
	assert_int_equal(parse(&o, err, sizeof(err), 3, region), 0);
	assert_string_equal(o.target, "timestream://");
	opts_free(&o);
	assert_int_equal(parse(&o, err, sizeof(err), 5, given), 0);
	assert_string_equal(o.target, "null:");
	assert_false(o.target_implied);
	opts_free(&o);
	setenv("TSLOAD_ENDPOINT", "http://127.0.0.1:1", 1);
	assert_int_equal(parse(&o, err, sizeof(err), 1, region), 0);
	assert_string_equal(o.target, "timestream://");
	unsetenv("TSLOAD_ENDPOINT");
	opts_free(&o);
	/* the worker takes the target it is sent */
	opts_defaults(&o);
	assert_int_equal(
	    opts_parse(&o, CMD_WORKER, 3, region, err, sizeof(err)), 0);
	assert_string_equal(o.target, "sqlite:results/tsload.db");
	opts_free(&o);
}

/* The continuous seed's meanings (seed-behaviour.md §1.5): -e and -r are
 * the region, -url/--endpoint-url the URL, -s the host scale, its
 * defaults -c 10 and --host-scale 1, its own pacing; a worker takes what
 * it is sent as it is. */
static void
test_continuous_seed_line(void **state)
{
	const char *seed[] = { "ingest", "--model", "continuous", "-c", "1",
		"-s", "2", "-d", "testDb", "-t", "testTable", "-e",
		"us-east-1", "-url",
		"https://ingest-cell2.timestream.us-east-1.amazonaws.com" };
	const char *bare[] = { "ingest", "--model=continuous", "-r",
		"eu-west-1", "-url=http://127.0.0.1:9", "--sin-frq-cpu", "qu",
		"--sin-signal-cpu", "20.5", "--missing-cpu", "30",
		"--include-region", "us-east-1,eu-central-1" };
	const char *two[]  = { "ingest", "--model", "continuous", "-e",
		 "us-east-1", "-r", "eu-west-1" };
	const char *same[] = { "ingest", "--model", "continuous", "-e",
		"us-east-1", "-r", "us-east-1", "--interval-millis", "1000" };
	const char *perf[] = { "ingest", "-e", "http://127.0.0.1:9",
		"--include-ms", "apollo" };
	const char *dry[]  = { "ingest", "--model", "continuous", "--dry-run",
		 "-e", "us-east-1", "--target", "sqlite:x.db" };
	struct tsl_opts   o, w;
	struct model_conf mc;
	struct buf        text;
	char              err[256];

	(void)state;
	assert_int_equal(parse(&o, err, sizeof(err), 15, seed), 0);
	assert_true(opts_continuous(&o));
	assert_string_equal(o.region, "us-east-1");
	assert_string_equal(o.endpoint,
	    "https://ingest-cell2.timestream.us-east-1.amazonaws.com");
	assert_string_equal(o.target, "timestream://");
	assert_int_equal(o.concurrency, 1);
	assert_int_equal(o.host_scale, 2);
	assert_int_equal(o.interval_ms, 0); /* the model's step */
	/* a worker parses the text as it is: no second remapping */
	buf_init(&text, 1 << 20);
	opts_to_text(&o, CMD_INGEST, &text);
	buf_cstr(&text);
	opts_defaults(&w);
	assert_int_equal(
	    opts_parse_text(&w, CMD_WORKER, text.p, err, sizeof(err)), 0);
	assert_string_equal(w.region, "us-east-1");
	assert_string_equal(w.endpoint, o.endpoint);
	assert_string_equal(w.target, "timestream://");
	assert_int_equal(w.concurrency, 1);
	if (opts_validate(&w, CMD_WORKER, err, sizeof(err)))
		fail_msg("%s", err);
	opts_free(&w);
	buf_free(&text);
	opts_free(&o);

	assert_int_equal(parse(&o, err, sizeof(err), 13, bare), 0);
	assert_int_equal(o.concurrency, 10);
	assert_int_equal(o.host_scale, 1);
	assert_string_equal(o.region, "eu-west-1");
	assert_string_equal(o.endpoint, "http://127.0.0.1:9");
	mc = opts_model_conf(&o);
	assert_int_equal(mc.sin_period_s, 7895232);
	assert_int_equal(mc.saw_period_s, 60);
	assert_true(mc.sin_snr == 20.5);
	assert_int_equal(mc.missing_cpu, 30);
	assert_string_equal(mc.include_region, "us-east-1,eu-central-1");
	opts_free(&o);

	assert_int_equal(parse(&o, err, sizeof(err), 7, two), -EINVAL);
	assert_non_null(strstr(err, "both name the region"));
	assert_int_equal(parse(&o, err, sizeof(err), 9, same), 0);
	assert_string_equal(o.region, "us-east-1");
	assert_int_equal(o.interval_ms, 1000);
	assert_int_equal(o.concurrency, 10);
	opts_free(&o);

	/* perf-scale: --endpoint stays a URL, continuous options refused */
	assert_int_equal(parse(&o, err, sizeof(err), 5, perf), 0);
	assert_string_equal(o.endpoint, "http://127.0.0.1:9");
	assert_int_equal(o.host_scale, 100);
	assert_int_equal(o.concurrency, 1);
	assert_int_equal(
	    opts_validate(&o, CMD_INGEST, err, sizeof(err)), -EINVAL);
	assert_string_equal(err,
	    "--include-ms: only --model continuous takes it (the model is "
	    "perf-scale)");
	opts_free(&o);

	/* --dry-run: null:, whatever the target */
	assert_int_equal(parse(&o, err, sizeof(err), 8, dry), 0);
	assert_string_equal(o.target, "null:");
	opts_free(&o);
}

static void
test_validate(void **state)
{
	struct tsl_opts o;
	char            err[256];
	const char     *argv1[] = { "ingest", "--target", "nosuch://x" };
	const char     *argv2[] = { "ingest", "--req-id-dim" };

	(void)state;
	assert_int_equal(parse(&o, err, sizeof(err), 3, argv1), 0);
	assert_int_not_equal(
	    opts_validate(&o, CMD_INGEST, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "unknown scheme"));
	opts_free(&o);
	assert_int_equal(parse(&o, err, sizeof(err), 2, argv2), 0);
	assert_int_not_equal(
	    opts_validate(&o, CMD_INGEST, err, sizeof(err)), 0);
	opts_free(&o);
}

/* --batch-size auto: stored as 0, sent to the workers and written to
 * run.json as "auto"; a number as before; anything else refused. */
static void
test_batch_auto(void **state)
{
	const char     *argv[] = { "ingest", "--batch-size", "auto" };
	const char     *bad[]  = { "ingest", "--batch-size", "Auto" };
	struct tsl_opts a, b;
	struct buf      text;
	char            err[256];

	(void)state;
	assert_int_equal(parse(&a, err, sizeof(err), 3, argv), 0);
	assert_true(opts_batch_auto(&a));
	buf_init(&text, 1 << 20);
	opts_to_text(&a, CMD_INGEST, &text);
	buf_cstr(&text);
	assert_non_null(strstr(text.p, "--batch-size=auto\n"));
	opts_defaults(&b);
	assert_int_equal(
	    opts_parse_text(&b, CMD_WORKER, text.p, err, sizeof(err)), 0);
	assert_true(opts_batch_auto(&b));
	buf_free(&text);
	opts_free(&a);
	opts_free(&b);
	assert_int_equal(parse(&a, err, sizeof(err), 3, bad), -EINVAL);
	assert_string_equal(err,
	    "--batch-size: invalid value \"Auto\" (expected an integer 1..100000 or auto)");
	opts_defaults(&a);
	assert_false(opts_batch_auto(&a)); /* the seed's 100 */
	opts_free(&a);
}

/* --id-start/--id-end: a range of the model's hosts, end 0 its end. */
static void
test_host_range(void **state)
{
	const char *ok[]
	    = { "ingest", "--host-scale", "2", "--id-start", "1500" };
	const char *beyond[]
	    = { "ingest", "--host-scale", "2", "--id-end", "2001" };
	const char *empty[] = { "ingest", "--id-start", "5", "--id-end", "5" };
	struct tsl_opts o;
	uint32_t        first, end;
	char            err[256];

	(void)state;
	assert_int_equal(parse(&o, err, sizeof(err), 5, ok), 0);
	assert_int_equal(opts_validate(&o, CMD_INGEST, err, sizeof(err)), 0);
	assert_true(opts_host_range_given(&o));
	opts_host_range(&o, &first, &end);
	assert_int_equal(first, 1500);
	assert_int_equal(end, 2000);
	opts_free(&o);
	assert_int_equal(parse(&o, err, sizeof(err), 5, beyond), 0);
	assert_int_equal(
	    opts_validate(&o, CMD_INGEST, err, sizeof(err)), -EINVAL);
	assert_non_null(
	    strstr(err, "--id-end: 2001 is beyond the 2000 hosts"));
	opts_free(&o);
	assert_int_equal(parse(&o, err, sizeof(err), 5, empty), 0);
	assert_int_equal(
	    opts_validate(&o, CMD_INGEST, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "--id-start: 5 is not below --id-end 5"));
	opts_free(&o);
	opts_defaults(&o);
	assert_false(opts_host_range_given(&o));
	opts_host_range(&o, &first, &end);
	assert_int_equal(end - first, 100000); /* host-scale 100 */
	opts_free(&o);
}

/* --shard-count/--shard-index (default JOB_COMPLETION_INDEX): part I of
 * N of the run's range, the first ones a host larger; together all. */
static void
test_shards(void **state)
{
	const char *sh[] = { "ingest", "--host-scale", "1", "--id-start", "10",
		"--shard-count", "3" };
	const char *ix[] = { "ingest", "--host-scale", "1", "--shard-count",
		"3", "--shard-index", "3" };
	struct tsl_opts o;
	uint32_t        first, end, next = 10;
	char            err[256], v[8];

	(void)state;
	for (unsigned i = 0; i < 3; i++) {
		snprintf(v, sizeof(v), "%u", i);
		setenv("JOB_COMPLETION_INDEX", v, 1);
		assert_int_equal(parse(&o, err, sizeof(err), 7, sh), 0);
		assert_int_equal(
		    opts_validate(&o, CMD_INGEST, err, sizeof(err)), 0);
		assert_true(opts_host_range_given(&o));
		opts_host_range(&o, &first, &end);
		assert_int_equal(first, next); /* 990 hosts: 330 each */
		assert_int_equal(end - first, 330);
		next = end;
		opts_free(&o);
	}
	assert_int_equal(next, 1000);
	setenv("JOB_COMPLETION_INDEX", "x", 1);
	assert_int_equal(parse(&o, err, sizeof(err), 7, sh), -EINVAL);
	assert_non_null(strstr(err, "JOB_COMPLETION_INDEX: "));
	unsetenv("JOB_COMPLETION_INDEX");
	assert_int_equal(parse(&o, err, sizeof(err), 7, sh), -EINVAL);
	assert_non_null(strstr(err, "--shard-count 3 needs --shard-index"));
	assert_int_equal(parse(&o, err, sizeof(err), 7, ix), 0);
	assert_int_equal(
	    opts_validate(&o, CMD_INGEST, err, sizeof(err)), -EINVAL);
	assert_non_null(
	    strstr(err, "--shard-index: 3 is not below --shard-count 3"));
	opts_free(&o);
}

/* stream: the seed's short forms (-e librdkafka setting, -p position,
 * -c linecount), --broker and -e repeatable, SINK and FILEs as arguments;
 * -e and -r stay --endpoint and --region for ingest. */
static void
test_stream_options(void **state)
{
	const char *const argv[] = { "stream", "kafka", "--broker", "h1:9092",
		"--broker", "h2:9092", "--topic", "t", "-e", "acks=1", "-e",
		"sasl.jaas.config=a=b", "-p", "1", "-c", "50", "in.log", "-",
		"--endpoint", "http://127.0.0.1:5000" };
	const char *const ing[]
	    = { "ingest", "-e", "http://127.0.0.1:1", "-r", "us-east-1" };
	const char *const bad[]  = { "stream", "kafka", "-r", "x" };
	const char *const rate[] = { "stream", "-r", "20", "-ss.json" };
	const char *const hs[]   = { "ingest", "-s", "3" };
	struct tsl_opts   o;
	char              err[256];

	(void)state;
	opts_defaults(&o);
	assert_int_equal(
	    opts_parse(&o, CMD_STREAM, 20, argv, err, sizeof(err)), 0);
	assert_string_equal(o.brokers, "h1:9092\nh2:9092");
	assert_string_equal(o.kafka_conf, "acks=1\nsasl.jaas.config=a=b");
	assert_int_equal(o.position, 1);
	assert_int_equal(o.linecount, 50);
	assert_string_equal(o.endpoint, "http://127.0.0.1:5000");
	assert_int_equal(o.nargs, 3);
	assert_string_equal(o.args[0], "kafka");
	assert_string_equal(o.args[1], "in.log");
	assert_string_equal(o.args[2], "-");
	assert_true(opts_given(&o, "config"));
	opts_free(&o);
	assert_int_equal(parse(&o, err, sizeof(err), 5, ing), 0);
	assert_string_equal(o.endpoint, "http://127.0.0.1:1");
	assert_string_equal(o.region, "us-east-1");
	assert_string_equal(o.kafka_conf, "");
	assert_int_equal(o.nargs, 0);
	opts_free(&o);
	/* -r is not --region for stream: it is the seed's --rate */
	opts_defaults(&o);
	assert_int_equal(
	    opts_parse(&o, CMD_STREAM, 4, bad, err, sizeof(err)), -EINVAL);
	assert_string_equal(err,
	    "-r/--rate: invalid value \"x\" (expected a number 0..1e+12)");
	opts_free(&o);
	opts_defaults(&o);
	assert_int_equal(
	    opts_parse(&o, CMD_STREAM, 4, rate, err, sizeof(err)), 0);
	assert_true(o.rate == 20);
	assert_string_equal(o.schedule, "s.json");
	opts_free(&o);
	/* ... and for ingest -s stays --host-scale */
	assert_int_equal(parse(&o, err, sizeof(err), 3, hs), 0);
	assert_int_equal(o.host_scale, 3);
	assert_true(o.rate == 0);
	opts_free(&o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_are_the_seeds),
		cmocka_unit_test(test_argv_forms),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_environment),
		cmocka_unit_test(test_text_roundtrip),
		cmocka_unit_test(test_validate),
		cmocka_unit_test(test_text_escapes),
		cmocka_unit_test(test_refused_value_frees),
		cmocka_unit_test(test_abbreviations),
		cmocka_unit_test(test_unknown_option_hints),
		cmocka_unit_test(test_repeated_target),
		cmocka_unit_test(test_implied_timestream),
		cmocka_unit_test(test_continuous_seed_line),
		cmocka_unit_test(test_batch_auto),
		cmocka_unit_test(test_host_range),
		cmocka_unit_test(test_shards),
		cmocka_unit_test(test_stream_options),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
