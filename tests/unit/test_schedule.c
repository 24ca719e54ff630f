/* test_schedule.c - load schedules (--rate, --schedule) as arithmetic on
 * a fake clock: counts and due times of a plain rate, of the seed's
 * cycling format (a rate of 0 pauses), of steps and ramps, the bad files
 * (one line naming the key), and reloads of a replaced file. No test reads
 * the clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "schedule.h"

static void
parse_ok(struct sched *s, const char *text)
{
	char err[256] = "";

	if (sched_parse(s, text, strlen(text), err, sizeof(err)))
		fail_msg("%s: %s", text, err);
}

/* sched_time(u), which must exist */
static double
due(const struct sched *s, double u)
{
	double t = -1;

	assert_true(sched_time(s, u, &t));
	return t;
}

static void
test_const(void **state)
{
	struct sched s;

	(void)state;
	assert_int_equal(sched_const(&s, 1000), 0);
	assert_true(sched_units(&s, 0) == 0);
	assert_float_equal(sched_units(&s, 1.5), 1500, 1e-9);
	assert_float_equal(due(&s, 0), 0, 1e-12);
	assert_float_equal(due(&s, 1500), 1.5, 1e-12);
	assert_float_equal(due(&s, 999.5), 0.9995, 1e-12);
	/* no drift: batch k of 100 units is due at k/10 s, however many
	 * came before (a day of batches) */
	for (double k = 0; k < 864000; k += 997)
		assert_float_equal(due(&s, k * 100), k / 10, 1e-6);
	assert_float_equal(sched_rate(&s, 12345.6), 1000, 0);
	assert_true(isinf(sched_end(&s)));
	sched_free(&s);
	assert_int_equal(sched_const(&s, 0), -EINVAL);
	assert_int_equal(sched_const(&s, -5), -EINVAL);
}

/* The seed's example: [10, 40, 5] every second, cycling. */
static void
test_cycle(void **state)
{
	struct sched s;

	(void)state;
	parse_ok(&s, "{\"update_interval\": 1, \"schedule\": [10, 40, 5]}");
	assert_float_equal(sched_units(&s, 1), 10, 1e-9);
	assert_float_equal(sched_units(&s, 2), 50, 1e-9);
	assert_float_equal(sched_units(&s, 3), 55, 1e-9);
	assert_float_equal(sched_units(&s, 4), 65, 1e-9); /* again 10/s */
	assert_float_equal(sched_units(&s, 301), 100 * 55 + 10, 1e-6);
	assert_float_equal(sched_rate(&s, 0.5), 10, 0);
	assert_float_equal(sched_rate(&s, 1.5), 40, 0);
	assert_float_equal(sched_rate(&s, 2.5), 5, 0);
	assert_float_equal(sched_rate(&s, 3.2), 10, 0);
	assert_float_equal(due(&s, 9), 0.9, 1e-12);
	assert_float_equal(due(&s, 10), 1.0, 1e-12);
	assert_float_equal(due(&s, 30), 1.5, 1e-12);
	assert_float_equal(due(&s, 50), 2.0, 1e-12);
	assert_float_equal(due(&s, 55), 3.0, 1e-12);
	assert_float_equal(due(&s, 60), 3.5, 1e-12);
	/* durations as text work too */
	sched_free(&s);
	parse_ok(&s, "{\"update_interval\": \"2m\", \"schedule\": [1.5]}");
	assert_float_equal(sched_units(&s, 240), 360, 1e-9);
	sched_free(&s);
}

/* A rate of 0 is a pause: no unit falls due in it. */
static void
test_pause(void **state)
{
	struct sched s;
	double       t;

	(void)state;
	parse_ok(&s, "{\"update_interval\": 1, \"schedule\": [100, 0, 100]}");
	assert_float_equal(due(&s, 99), 0.99, 1e-12);
	assert_float_equal(due(&s, 100), 2.0, 1e-12); /* after the pause */
	assert_float_equal(sched_units(&s, 1.5), 100, 1e-9);
	assert_float_equal(sched_rate(&s, 1.5), 0, 0);
	assert_float_equal(due(&s, 200), 3.0, 1e-12); /* next pass */
	sched_free(&s);
	/* nothing but zeros: never due, and no crash */
	parse_ok(&s, "{\"update_interval\": 5, \"schedule\": [0, 0]}");
	assert_false(sched_time(&s, 0, &t));
	assert_float_equal(sched_units(&s, 100), 0, 0);
	sched_free(&s);
}

static void
test_steps(void **state)
{
	struct sched s;
	double       t;

	(void)state;
	parse_ok(&s,
	    "{\"steps\": [{\"rate\": 1000, \"for\": \"30s\"}, "
	    "{\"ramp_to\": 50000, \"for\": \"5m\"}, "
	    "{\"rate\": 50000, \"for\": \"10m\"}]}");
	assert_float_equal(sched_end(&s), 930, 1e-9);
	assert_float_equal(sched_units(&s, 30), 30000, 1e-6);
	assert_float_equal(sched_rate(&s, 10), 1000, 0);
	assert_float_equal(sched_rate(&s, 180), 25500, 1e-6); /* mid-ramp */
	assert_float_equal(sched_units(&s, 330), 30000 + 25500.0 * 300, 1e-3);
	assert_float_equal(
	    sched_units(&s, 930), 30000 + 25500.0 * 300 + 50000.0 * 600, 1e-3);
	assert_float_equal(sched_units(&s, 5000), sched_units(&s, 930), 0);
	assert_float_equal(sched_rate(&s, 931), 0, 0);
	/* the count and its inverse agree along the ramp */
	for (double u = 30000; u < 30000 + 25500.0 * 300; u += 77777) {
		double x = due(&s, u);

		assert_true(x >= 30 && x <= 330);
		assert_float_equal(sched_units(&s, x), u, 1e-6 * u);
	}
	/* the last unit, then the end */
	assert_true(sched_time(&s, sched_units(&s, 930) - 1, &t));
	assert_true(t < 930);
	assert_false(sched_time(&s, sched_units(&s, 930), &t));
	sched_free(&s);
	/* a ramp first starts from 0 */
	parse_ok(&s, "{\"steps\": [{\"ramp_to\": 100, \"for\": 10}]}");
	assert_float_equal(sched_units(&s, 10), 500, 1e-9);
	assert_float_equal(due(&s, 125), 5.0, 1e-9);
	assert_float_equal(due(&s, 0), 0, 1e-9);
	sched_free(&s);
}

/* Every bad file: -EINVAL and one line naming what is wrong. */
static void
test_bad(void **state)
{
	static const struct {
		const char *text, *want;
	} bad[] = {
		{ "{\"schedule\": [1]}", "missing key \"update_interval\"" },
		{ "{\"update_interval\": 1}", "missing key \"schedule\"" },
		{ "{\"update_interval\": 0, \"schedule\": [1]}",
		    "\"update_interval\" must be" },
		{ "{\"update_interval\": -1, \"schedule\": [1]}",
		    "\"update_interval\" must be" },
		{ "{\"update_interval\": \"soon\", \"schedule\": [1]}",
		    "\"update_interval\" must be" },
		{ "{\"update_interval\": 1, \"schedule\": []}",
		    "\"schedule\" must be an array" },
		{ "{\"update_interval\": 1, \"schedule\": 5}",
		    "\"schedule\" must be an array" },
		{ "{\"update_interval\": 1, \"schedule\": [1, \"x\"]}",
		    "\"schedule\"[1] must be a rate" },
		{ "{\"update_interval\": 1, \"schedule\": [1, -2]}",
		    "\"schedule\"[1] must be a rate" },
		{ "{\"update_interval\": 1, \"schedule\": [1], \"rates\": 2}",
		    "unknown key \"rates\"" },
		{ "{\"steps\": [{\"rate\": 1}]}",
		    "\"steps\"[0]: \"for\" must be" },
		{ "{\"steps\": [{\"rate\": 1, \"for\": \"1s\"}, {\"rate\": 1, "
		  "\"ramp_to\": 2, \"for\": 1}]}",
		    "\"steps\"[1] needs one of \"rate\" and \"ramp_to\"" },
		{ "{\"steps\": [{\"for\": 1}]}", "\"steps\"[0] needs one of" },
		{ "{\"steps\": [{\"rate\": 1, \"for\": 1, \"to\": 3}]}",
		    "\"steps\"[0]: unknown key \"to\"" },
		{ "{\"steps\": [{\"ramp_to\": \"a lot\", \"for\": 1}]}",
		    "\"steps\"[0]: \"ramp_to\" must be a rate" },
		{ "{\"steps\": []}", "\"steps\" must be an array" },
		{ "{\"steps\": [1]}", "\"steps\"[0] must be an object" },
		{ "{\"steps\": [{\"rate\": 1, \"for\": 1}], \"schedule\": [1]}",
		    "unknown key \"schedule\"" },
		{ "[1, 2]", "expected an object" },
		/* the seed README's example with its trailing comma */
		{ "{\"update_interval\": 3, \"schedule\": [10, 20, 5,]}",
		    "JSON: " },
		{ "", "JSON: " },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct sched s;
		char         err[256] = "";

		if (sched_parse(
		        &s, bad[i].text, strlen(bad[i].text), err, sizeof(err))
		    != -EINVAL)
			fail_msg("accepted: %s", bad[i].text);
		if (!strstr(err, bad[i].want) || strchr(err, '\n'))
			fail_msg("%s: said \"%s\", not \"%s\"", bad[i].text,
			    err, bad[i].want);
		assert_null(s.seg);
	}
}

static void
put(const char *path, const char *text)
{
	char  tmp[256];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.new", path);
	f = fopen(tmp, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(rename(tmp, path), 0); /* rotated: a new inode */
}

/* A replaced file is read again; the count goes on where it was. */
static void
test_reload(void **state)
{
	char dir[] = "/tmp/tsload-test-sched.XXXXXX", path[256], err[512];
	struct sched s;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/s.json", dir);
	put(path, "{\"update_interval\": 1, \"schedule\": [1000]}");
	assert_int_equal(sched_load(&s, path, err, sizeof(err)), 0);
	assert_int_equal(sched_reload(&s, 5, err, sizeof(err)), 0);
	assert_float_equal(sched_units(&s, 10), 10000, 1e-9);

	put(path, "{\"update_interval\": 1, \"schedule\": [2000]}");
	assert_int_equal(sched_reload(&s, 10, err, sizeof(err)), 1);
	assert_float_equal(sched_units(&s, 10), 10000, 1e-6); /* continuous */
	assert_float_equal(sched_units(&s, 11), 12000, 1e-6);
	assert_float_equal(due(&s, 12000), 11, 1e-9);
	assert_int_equal(sched_reload(&s, 11, err, sizeof(err)), 0);

	/* a pause, then a bad file: said once, the pause stays */
	put(path, "{\"update_interval\": 1, \"schedule\": [0]}");
	assert_int_equal(sched_reload(&s, 12, err, sizeof(err)), 1);
	assert_float_equal(sched_units(&s, 20), 14000, 1e-6);
	put(path, "{\"update_interval\": 1, \"schedule\": [0, \"x\"]}");
	assert_int_equal(sched_reload(&s, 13, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "\"schedule\"[1] must be a rate"));
	assert_non_null(strstr(err, path));
	assert_int_equal(sched_reload(&s, 14, err, sizeof(err)), 0);
	assert_float_equal(sched_units(&s, 20), 14000, 1e-6);

	/* missing for a moment (in the middle of a rename): kept */
	unlink(path);
	assert_int_equal(sched_reload(&s, 15, err, sizeof(err)), 0);
	put(path, "{\"steps\": [{\"rate\": 10, \"for\": 100}]}");
	assert_int_equal(sched_reload(&s, 16, err, sizeof(err)), 1);
	assert_float_equal(sched_units(&s, 26), 14000 + 100, 1e-6);
	sched_free(&s);
	unlink(path);
	rmdir(dir);

	/* a missing file at the start is an error naming it */
	assert_int_equal(sched_load(&s, path, err, sizeof(err)), -ENOENT);
}

static void
test_describe(void **state)
{
	struct sched s;
	char         out[96];

	(void)state;
	sched_const(&s, 2500);
	sched_describe(&s, out, sizeof(out));
	assert_string_equal(out, "2500/s");
	sched_free(&s);
	parse_ok(&s, "{\"update_interval\": 3, \"schedule\": [10, 20, 5]}");
	sched_describe(&s, out, sizeof(out));
	assert_string_equal(out, "3 rates of 3 s, cycling");
	sched_free(&s);
	parse_ok(&s,
	    "{\"steps\": [{\"rate\": 1, \"for\": 30}, "
	    "{\"ramp_to\": 2, \"for\": \"1m\"}]}");
	sched_describe(&s, out, sizeof(out));
	assert_string_equal(out, "2 steps, 90 s");
	sched_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_const),
		cmocka_unit_test(test_cycle),
		cmocka_unit_test(test_pause),
		cmocka_unit_test(test_steps),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_reload),
		cmocka_unit_test(test_describe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
