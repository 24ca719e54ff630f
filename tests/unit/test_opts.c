/* test_opts.c - option table: defaults, argv forms, environment, strict
 * numbers, the text round trip a worker receives. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

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
		{ { "-p", "0" }, "-p/--processes" },
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
