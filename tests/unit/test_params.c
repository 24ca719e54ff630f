/* test_params.c - unit tests of the parameter tables (common/params.c):
 * every type, strict numbers and ranges, the boolean words, unknown and
 * repeated keys, percent-decoding, generic lists, table checks and the
 * usage lines; and every target's table through the registry.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "params.h"
#include "parse.h"
#include "target.h"

struct cfg {
	bool     flag;
	unsigned count;
	uint64_t big;
	int32_t  delta;
	double   ratio;
	double   wait;
	uint64_t body;
	char     name[8];
	int      mode;
	int      pick;
	uint8_t  small;
};

static const char *const modes[] = { "fast", "slow", "off", NULL };

static const struct param_row rows[] = {
	{ "flag", PARAM_BOOL, PARAM_FIELD(struct cfg, flag), "0", 0, 0, NULL,
	    NULL, "a switch" },
	{ "count", PARAM_UINT, PARAM_FIELD(struct cfg, count), "1", 1, 10000,
	    NULL, NULL, "how many" },
	{ "big", PARAM_UINT, PARAM_FIELD(struct cfg, big), NULL, 0, 0, NULL,
	    NULL, "anything unsigned" },
	{ "delta", PARAM_INT, PARAM_FIELD(struct cfg, delta), "-5", -100, 100,
	    NULL, NULL, "a signed step" },
	{ "ratio", PARAM_DOUBLE, PARAM_FIELD(struct cfg, ratio), "0.5", 0, 1,
	    NULL, NULL, "a fraction" },
	{ "wait", PARAM_SECS, PARAM_FIELD(struct cfg, wait), "335", 0.001,
	    3600, NULL, "SECS", "how long to wait for an answer" },
	{ "body", PARAM_SIZE, PARAM_FIELD(struct cfg, body), "20000000", 4096,
	    1 << 30, NULL, NULL, "most bytes of a request" },
	{ "name", PARAM_STR, PARAM_FIELD(struct cfg, name), "dev", 0, 0, NULL,
	    "NAME", "a short name" },
	{ "mode", PARAM_ENUM, PARAM_FIELD(struct cfg, mode), "slow", 0, 0,
	    modes, NULL, "how" },
	{ "pick", PARAM_ENUM, PARAM_FIELD(struct cfg, pick), NULL, 0, 0, modes,
	    NULL, "no default" },
	{ "small", PARAM_UINT, PARAM_FIELD(struct cfg, small), NULL, 0, 0,
	    NULL, NULL, "one byte" },
	{ NULL },
};

/* Parses url into c; the return code, with err. */
static int
url(const char *u, struct cfg *c, char *err, size_t n)
{
	memset(c, 0x5a, sizeof(*c));
	err[0] = '\0';
	return params_parse_url(rows, c, u, err, n);
}

static void
test_valid_table(void **state)
{
	char err[256];

	(void)state;
	if (!params_table_valid(rows, err, sizeof(err)))
		fail_msg("%s", err);
}

static void
test_defaults(void **state)
{
	struct cfg c;
	char       err[256];

	(void)state;
	assert_int_equal(url("x://h/p", &c, err, sizeof(err)), 0);
	assert_false(c.flag);
	assert_int_equal(c.count, 1);
	assert_int_equal(c.big, 0);
	assert_int_equal(c.delta, -5);
	assert_true(c.ratio == 0.5);
	assert_true(c.wait == 335);
	assert_int_equal(c.body, 20000000);
	assert_string_equal(c.name, "dev");
	assert_int_equal(c.mode, 1);
	assert_int_equal(c.pick, -1); /* an enum without default: unset */
	assert_int_equal(c.small, 0);
}

static void
test_every_type(void **state)
{
	struct cfg c;
	char       err[256];

	(void)state;
	assert_int_equal(url("x:?flag=1&count=10000&big=18446744073709551615"
	                     "&delta=-100&ratio=1&wait=250ms&body=16M"
	                     "&name=abcdefg&mode=off&pick=fast&small=255",
	                     &c, err, sizeof(err)),
	    0);
	assert_true(c.flag);
	assert_int_equal(c.count, 10000);
	assert_true(c.big == UINT64_MAX);
	assert_int_equal(c.delta, -100);
	assert_true(c.ratio == 1);
	assert_true(c.wait == 0.25);
	assert_int_equal(c.body, 16 << 20);
	assert_string_equal(c.name, "abcdefg");
	assert_int_equal(c.mode, 2);
	assert_int_equal(c.pick, 0);
	assert_int_equal(c.small, 255);
	/* durations with units, sizes as plain bytes */
	assert_int_equal(url("x:?wait=5m&body=4096", &c, err, sizeof(err)), 0);
	assert_true(c.wait == 300);
	assert_int_equal(c.body, 4096);
}

static void
test_bools(void **state)
{
	static const char *const yes[] = { "x:?flag", "x:?flag=", "x:?flag=1",
		"x:?flag=true", "x:?flag=YES", "x:?flag=on", NULL };
	static const char *const no[]  = { "x:?flag=0", "x:?flag=false",
		 "x:?flag=No", "x:?flag=off", NULL };
	struct cfg               c;
	char                     err[256];

	(void)state;
	for (int i = 0; yes[i]; i++) {
		assert_int_equal(url(yes[i], &c, err, sizeof(err)), 0);
		assert_true(c.flag);
	}
	for (int i = 0; no[i]; i++) {
		assert_int_equal(url(no[i], &c, err, sizeof(err)), 0);
		assert_false(c.flag);
	}
	assert_int_equal(url("x:?flag=2", &c, err, sizeof(err)), -EINVAL);
	assert_string_equal(err,
	    "x: flag: invalid value \"2\" (expected 1, true, yes, on, 0, "
	    "false, no or off)");
}

/* Each bad value: -EINVAL and exactly this message. */
static void
test_strict(void **state)
{
	static const char *const cases[][2] = {
		{ "x:?count=-1",
		    "x: count: invalid value \"-1\" (expected an integer "
		    "1..10000)" },
		{ "x:?count=10x",
		    "x: count: invalid value \"10x\" (expected an integer "
		    "1..10000)" },
		{ "x:?count=",
		    "x: count: invalid value \"\" (expected an integer "
		    "1..10000)" },
		{ "x:?count",
		    "x: count: invalid value \"\" (expected an "
		    "integer 1..10000)" },
		{ "x:?count=+5",
		    "x: count: invalid value \"+5\" (expected an integer "
		    "1..10000)" },
		{ "x:?count=0",
		    "x: count: value \"0\" out of range (expected an integer "
		    "1..10000)" },
		{ "x:?count=10001",
		    "x: count: value \"10001\" out of range (expected an "
		    "integer 1..10000)" },
		{ "x:?count=-18446744073709551615",
		    "x: count: invalid value \"-18446744073709551615\" "
		    "(expected an integer 1..10000)" },
		{ "x:?big=18446744073709551616",
		    "x: big: value \"18446744073709551616\" out of range "
		    "(expected an integer 0..18446744073709551615)" },
		{ "x:?small=256",
		    "x: small: value \"256\" out of range (expected an "
		    "integer 0..255)" },
		{ "x:?delta=101",
		    "x: delta: value \"101\" out of range (expected an "
		    "integer -100..100)" },
		{ "x:?ratio=1.5",
		    "x: ratio: value \"1.5\" out of range (expected a number "
		    "0..1)" },
		{ "x:?ratio=nan",
		    "x: ratio: invalid value \"nan\" (expected a number "
		    "0..1)" },
		{ "x:?wait=0",
		    "x: wait: value \"0\" out of range (expected a duration "
		    "of 0.001..3600 seconds)" },
		{ "x:?wait=2h",
		    "x: wait: value \"2h\" out of range (expected a duration "
		    "of 0.001..3600 seconds)" },
		{ "x:?wait=-1",
		    "x: wait: invalid value \"-1\" (expected a duration such "
		    "as 90, 1.5, 250ms, 10s, 5m, 2h, 1d)" },
		{ "x:?body=4095",
		    "x: body: value \"4095\" out of range (expected a size "
		    "of 4096..1073741824 bytes)" },
		{ "x:?body=2G",
		    "x: body: value \"2G\" out of range (expected a size of "
		    "4096..1073741824 bytes)" },
		{ "x:?name=abcdefgh", "x: name: value longer than 7 bytes" },
		{ "x:?mode=FAST",
		    "x: mode: invalid value \"FAST\" (expected fast, slow or "
		    "off)" },
		{ "x:?count=1%0A2",
		    "x: count: invalid value \"1?2\" (expected an integer "
		    "1..10000)" },
	};
	struct cfg c;
	char       err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (url(cases[i][0], &c, err, sizeof(err)) != -EINVAL)
			fail_msg("%s accepted", cases[i][0]);
		if (strcmp(err, cases[i][1]) != 0)
			fail_msg("%s: \"%s\", want \"%s\"", cases[i][0], err,
			    cases[i][1]);
	}
}

static void
test_unknown_and_repeated(void **state)
{
	static const struct param_row none[] = { { NULL } };
	struct cfg                    c;
	char                          err[512];

	(void)state;
	assert_int_equal(url("x:?cuont=2", &c, err, sizeof(err)), -EINVAL);
	assert_string_equal(err,
	    "x: unknown parameter \"cuont\" (did you mean \"count\"? "
	    "accepted: flag, count, big, delta, ratio, wait, body, name, "
	    "mode, pick, small)");
	assert_int_equal(url("x:?zzzzzz=2", &c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err,
	    "unknown parameter \"zzzzzz\" (accepted: "
	    "flag, count,"));
	/* a key is compared whole, case and all */
	assert_int_equal(url("x:?Count=2", &c, err, sizeof(err)), -EINVAL);
	assert_int_equal(url("x:?count2=2", &c, err, sizeof(err)), -EINVAL);
	assert_int_equal(
	    url("x:?count=2&flag&count=3", &c, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "x: parameter \"count\" given twice");
	assert_int_equal(url("x:?flag&flag=1", &c, err, sizeof(err)), -EINVAL);
	assert_int_equal(
	    params_parse_url(none, &c, "n:?a=1", err, sizeof(err)), -EINVAL);
	assert_string_equal(
	    err, "n: unknown parameter \"a\" (it takes no parameters)");
	assert_int_equal(
	    params_parse_url(none, &c, "n:", err, sizeof(err)), 0);
	/* the message names the scheme only, not the rest of the URL */
	assert_int_equal(
	    url("kinesis://s?shards=1", &c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "kinesis: unknown parameter \"shards\""));
}

static void
test_decoding(void **state)
{
	struct cfg c;
	char       err[256];

	(void)state;
	/* keys and values decoded; a lone '%' stays; empty pieces skipped;
	 * '#' ends the query */
	assert_int_equal(url("x://h/?n%61me=a%20b%3D&&count=%31%32&mode=s%6cow"
	                     "#count=7",
	                     &c, err, sizeof(err)),
	    0);
	assert_string_equal(c.name, "a b=");
	assert_int_equal(c.count, 12);
	assert_int_equal(c.mode, 1);
	assert_int_equal(url("x:?name=5%25%zz%4", &c, err, sizeof(err)), 0);
	assert_string_equal(c.name, "5%%zz%4");
	/* '+' is not a space; a '%' at the end stays; an empty query */
	assert_int_equal(url("x:?name=a+b%", &c, err, sizeof(err)), 0);
	assert_string_equal(c.name, "a+b%");
	assert_int_equal(url("x:?", &c, err, sizeof(err)), 0);
	assert_string_equal(c.name, "dev");
	/* a decoded '&' does not start another key */
	assert_int_equal(url("x:?name=a%26b=c", &c, err, sizeof(err)), 0);
	assert_string_equal(c.name, "a&b=c");
	assert_int_equal(url("x:?name=a%00b", &c, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "x: name: a NUL byte (%00) in the value");
	assert_int_equal(url("x:?%00=1", &c, err, sizeof(err)), -EINVAL);
}

static void
test_list(void **state)
{
	struct cfg c;
	char       err[256];

	(void)state;
	memset(&c, 0, sizeof(c));
	assert_int_equal(
	    params_parse_list(rows, &c, "pacer rate",
	        "count=7,flag,name=a%20b,wait=2s", ',', err, sizeof(err)),
	    0);
	assert_int_equal(c.count, 7);
	assert_true(c.flag);
	assert_string_equal(c.name, "a%20b"); /* lists are not decoded */
	assert_true(c.wait == 2);
	assert_int_equal(c.delta, -5); /* the defaults first */
	assert_int_equal(params_parse_list(rows, &c, "pacer rate",
	                     "count=7,count=8", ',', err, sizeof(err)),
	    -EINVAL);
	assert_string_equal(
	    err, "pacer rate: parameter \"count\" given twice");
	assert_int_equal(params_parse_list(rows, &c, "pacer rate", "count=1x",
	                     ',', err, sizeof(err)),
	    -EINVAL);
	assert_non_null(strstr(err, "pacer rate: count: invalid value"));
	/* one key at a time */
	assert_int_equal(
	    params_set(rows, &c, "m", "count", "9", NULL, err, sizeof(err)),
	    0);
	assert_int_equal(c.count, 9);
}

static void
test_bad_tables(void **state)
{
	struct cfg c;
	char       err[256];
	/* one bad row each */
	const struct param_row bad[][2] = {
		{ { "Count", PARAM_UINT, PARAM_FIELD(struct cfg, count), NULL,
		    0, 0, NULL, NULL, "x" } },
		{ { "count", PARAM_UINT, PARAM_FIELD(struct cfg, count), NULL,
		    0, 0, NULL, NULL, NULL } },
		{ { "count", PARAM_BOOL, PARAM_FIELD(struct cfg, count), NULL,
		    0, 0, NULL, NULL, "x" } },
		{ { "count", PARAM_SECS, PARAM_FIELD(struct cfg, count), NULL,
		    0, 0, NULL, NULL, "x" } },
		{ { "count", PARAM_UINT, PARAM_FIELD(struct cfg, count), "0",
		    1, 9, NULL, NULL, "x" } },
		{ { "count", PARAM_UINT, PARAM_FIELD(struct cfg, count), NULL,
		    9, 1, NULL, NULL, "x" } },
		{ { "mode", PARAM_ENUM, PARAM_FIELD(struct cfg, mode), NULL, 0,
		    0, NULL, NULL, "x" } },
		{ { "mode", PARAM_ENUM, PARAM_FIELD(struct cfg, mode), "warp",
		    0, 0, modes, NULL, "x" } },
		{ { "name", PARAM_STR, PARAM_FIELD(struct cfg, name),
		    "too long", 0, 0, NULL, NULL, "x" } },
	};
	const struct param_row twice[] = { rows[0], rows[0], { NULL } };

	(void)state;
	(void)c;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (params_table_valid(bad[i], err, sizeof(err)))
			fail_msg("bad table %zu accepted", i);
	assert_false(params_table_valid(twice, err, sizeof(err)));
	assert_string_equal(err, "parameter flag: given twice");
}

static void
test_usage(void **state)
{
	char  *text = NULL;
	size_t len  = 0;
	FILE  *f    = open_memstream(&text, &len);

	(void)state;
	assert_non_null(f);
	params_usage(rows, 4, f);
	fclose(f);
	assert_string_equal(text,
	    "    flag=0|1                a switch (default 0)\n"
	    "    count=N                 how many (1..10000, default 1)\n"
	    "    big=N                   anything unsigned\n"
	    "    delta=N                 a signed step (-100..100, default -5)\n"
	    "    ratio=X                 a fraction (0..1, default 0.5)\n"
	    "    wait=SECS               how long to wait for an answer (0.001..3600 s,\n"
	    "                            default 335)\n"
	    "    body=BYTES              most bytes of a request (4096..1073741824, default\n"
	    "                            20000000)\n"
	    "    name=NAME               a short name (default dev)\n"
	    "    mode=fast|slow|off      how (default slow)\n"
	    "    pick=fast|slow|off      no default\n"
	    "    small=N                 one byte\n");
	free(text);
}

/* Every registered target: a valid table, when it has one, and usage
 * lines under 80 columns. */
static void
test_target_tables(void **state)
{
	char     err[256];
	unsigned with = 0;

	(void)state;
	for (const struct target_ops *const *t = target_list(); *t; t++) {
		char  *text = NULL, *line;
		size_t len  = 0;
		FILE  *f;

		if (!(*t)->params)
			continue;
		with++;
		if (!params_table_valid((*t)->params, err, sizeof(err)))
			fail_msg("%s: %s", (*t)->name, err);
		f = open_memstream(&text, &len);
		params_usage((*t)->params, 6, f);
		fclose(f);
		for (line = strtok(text, "\n"); line;
		     line = strtok(NULL, "\n"))
			if (strlen(line) > 79)
				fail_msg("%s: usage line of %zu columns: %s",
				    (*t)->name, strlen(line), line);
		free(text);
	}
	/* all but postgres, whose parameters are libpq's */
	assert_int_equal(with, 18);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_table),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_every_type),
		cmocka_unit_test(test_bools),
		cmocka_unit_test(test_strict),
		cmocka_unit_test(test_unknown_and_repeated),
		cmocka_unit_test(test_decoding),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_bad_tables),
		cmocka_unit_test(test_usage),
		cmocka_unit_test(test_target_tables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
