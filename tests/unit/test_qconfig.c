/* test_qconfig.c - unit tests of the query config loader (query/qconfig.c).
 *
 * Loads the fixtures under tests/configs/good (the seed's config.ini among
 * them) and checks every field; each file under tests/configs/bad is paired
 * with the part of the one-line error it must give. Fixtures are found
 * from $TSLOAD_SRCDIR, else the current directory (make runs tests from the
 * repository root). iniparser must never reach stderr.
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
#include <sys/stat.h>
#include <unistd.h>

#include "qconfig.h"
#include "xalloc.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Path of a file relative to the repository root; free() it. */
static char *
src_path(const char *rel)
{
	const char *dir = getenv("TSLOAD_SRCDIR");

	return xasprintf("%s/%s", dir && *dir ? dir : ".", rel);
}

/* Loads rel into c; returns the code, the message in err. */
static int
load(const char *rel, struct qconfig *c, char *err, size_t errlen)
{
	char *path = src_path(rel);
	int   rc;

	err[0] = '\0';
	rc     = qconfig_load(c, path, err, errlen);
	free(path);
	return rc;
}

static void
load_ok(const char *rel, struct qconfig *c)
{
	char err[512];
	int  rc = load(rel, c, err, sizeof(err));

	if (rc != 0) {
		print_error("%s: rc %d: %s\n", rel, rc, err);
		fail();
	}
}

static void
check_seed(const struct qconfig *c, enum qmode mode)
{
	static const double w[] = { 60, 35, 2.9, 2, 0.05, 0.05 };
	unsigned            i;

	assert_int_equal(c->mode, mode);
	assert_int_equal(c->repetitions, 10000);
	assert_int_equal(c->retries, 10);
	assert_int_equal(c->n, 6);
	for (i = 0; i < 6; i++) {
		assert_int_equal(c->q[i].id, i + 1);
		assert_true(c->q[i].weight == w[i]);
	}
}

static void
test_seed(void **state)
{
	struct qconfig c;

	(void)state;
	load_ok("tests/configs/good/seed.ini", &c);
	check_seed(&c, QMODE_REGULAR);
	load_ok("configs/config.ini", &c);
	check_seed(&c, QMODE_REGULAR);
	load_ok("configs/config_row_count.ini", &c);
	check_seed(&c, QMODE_ROW_COUNT);
	assert_string_equal(qconfig_mode_name(QMODE_REGULAR), "regular");
	assert_string_equal(qconfig_mode_name(QMODE_ROW_COUNT), "row_count");
}

static void
test_defaults(void **state)
{
	struct qconfig c;

	(void)state;
	load_ok("tests/configs/good/defaults.ini", &c);
	assert_int_equal(c.mode, QMODE_REGULAR);
	assert_int_equal(c.repetitions, 100);
	assert_int_equal(c.retries, 0);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.q[0].id, 1);
	assert_true(c.q[0].weight == 100);

	load_ok("tests/configs/good/empty_default.ini", &c);
	assert_int_equal(c.repetitions, 100);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.q[0].id, 6);
}

/* Rows follow the file, not the query numbers. */
static void
test_order(void **state)
{
	struct qconfig c;

	(void)state;
	load_ok("tests/configs/good/order.ini", &c);
	assert_int_equal(c.mode, QMODE_ROW_COUNT);
	assert_int_equal(c.repetitions, 5);
	assert_int_equal(c.n, 3);
	assert_int_equal(c.q[0].id, 5);
	assert_int_equal(c.q[1].id, 2);
	assert_int_equal(c.q[2].id, 1);
	assert_true(c.q[0].weight == 50);
	assert_true(c.q[1].weight == 25);
	assert_true(c.q[2].weight == 25);
}

static void
test_zero_weight(void **state)
{
	struct qconfig c;

	(void)state;
	load_ok("tests/configs/good/zero_weight.ini", &c);
	assert_int_equal(c.n, 3);
	assert_true(c.q[0].weight == 100);
	assert_true(c.q[1].weight == 0);
	assert_true(c.q[2].weight == 0);
}

static void
test_quirks(void **state)
{
	struct qconfig c;

	(void)state;
	load_ok("tests/configs/good/quirks.ini", &c);
	assert_int_equal(c.mode, QMODE_REGULAR);
	assert_int_equal(c.repetitions, 7);
	assert_int_equal(c.retries, 3);
	assert_int_equal(c.n, 3);
	assert_int_equal(c.q[0].id, 3);
	assert_int_equal(c.q[1].id, 1);
	assert_int_equal(c.q[2].id, 2);
	assert_true(c.q[2].weight == 33.4);
}

static const struct {
	const char *file; /* under tests/configs/bad */
	const char *want; /* part of the message */
} bad[] = {
	{ "no_dist.ini", "no_dist.ini: [query_distribution] section missing" },
	{ "empty_dist.ini", "[query_distribution] lists no queries" },
	{ "unknown_query.ini",
	    "unknown_query.ini: [query_distribution] unknown query \"do-q9\" "
	    "(expected do-q1..do-q6)" },
	{ "query_underscore.ini", "unknown query \"do_q1\"" },
	{ "sum_under.ini",
	    "sum_under.ini: [query_distribution] weights add up to 99.5, not "
	    "100" },
	{ "sum_over.ini", "weights add up to 120, not 100" },
	{ "reps_word.ini",
	    "reps_word.ini: [default] repetitions: invalid value \"ten\"" },
	{ "reps_zero.ini",
	    "[default] repetitions: value \"0\" out of range (expected an "
	    "integer 1..1000000000)" },
	{ "reps_float.ini", "[default] repetitions: invalid value \"1e3\"" },
	{ "retries_negative.ini",
	    "[default] retries: invalid value \"-1\" (expected an integer "
	    "0..1000)" },
	{ "retries_big.ini",
	    "[default] retries: value \"5000\" out of range" },
	{ "mode_unknown.ini",
	    "mode_unknown.ini: [default] query_mode: unknown mode \"fast\" "
	    "(expected regular or row_count)" },
	{ "mode_case.ini", "unknown mode \"Regular\"" },
	{ "key_typo.ini",
	    "key_typo.ini: [default] unknown key \"repetition\" (did you mean "
	    "\"repetitions\"?)" },
	{ "key_unknown.ini",
	    "[default] unknown key \"threads\" (expected query_mode, "
	    "repetitions or retries)" },
	{ "query_in_default.ini",
	    "[default] unknown key \"do-q1\" (queries go under "
	    "[query_distribution])" },
	{ "dup_query.ini",
	    "dup_query.ini:4: [query_distribution] duplicate key \"do-q1\" "
	    "(first on line 2)" },
	{ "dup_section.ini",
	    "dup_section.ini:5: duplicate section [default] (first on line "
	    "1)" },
	{ "weight_negative.ini",
	    "[query_distribution] do-q1: value \"-5\" out of range (expected "
	    "a "
	    "number 0..100)" },
	{ "weight_nan.ini",
	    "[query_distribution] do-q1: invalid value \"nan\"" },
	{ "weight_inf.ini",
	    "[query_distribution] do-q1: invalid value \"inf\"" },
	{ "weight_empty.ini",
	    "[query_distribution] do-q1: invalid value \"\"" },
	{ "weight_percent.ini", "do-q1: invalid value \"100%\"" },
	{ "weight_all_zero.ini", "[query_distribution] every weight is 0" },
	{ "syntax.ini", "syntax.ini:2: syntax error: \"do-q1 100\"" },
	{ "outside_section.ini",
	    "outside_section.ini:1: key \"repetitions\" comes before any "
	    "[section]" },
	{ "section_unknown.ini",
	    "section_unknown.ini: unknown section [queries] (expected "
	    "[default] and [query_distribution])" },
};

static void
test_bad(void **state)
{
	struct qconfig c;
	char           err[512], rel[128];
	unsigned       i;

	(void)state;
	for (i = 0; i < N(bad); i++) {
		int rc;

		snprintf(
		    rel, sizeof(rel), "tests/configs/bad/%s", bad[i].file);
		rc = load(rel, &c, err, sizeof(err));
		if (rc != -EINVAL || !strstr(err, bad[i].want)
		    || strchr(err, '\n')) {
			print_error(
			    "%s: rc %d, message \"%s\", wanted \"%s\"\n",
			    bad[i].file, rc, err, bad[i].want);
			fail();
		}
	}
}

/* Runs qconfig_load on path with stderr sent to a temporary file, and
 * checks nothing was written there. */
static int
load_quiet(const char *path, struct qconfig *c, char *err, size_t errlen)
{
	char  name[] = "/tmp/tsload-test-stderr-XXXXXX";
	int   fd     = mkstemp(name), saved, rc;
	off_t size;

	assert_true(fd >= 0);
	unlink(name);
	fflush(stderr);
	saved = dup(2);
	assert_true(saved >= 0);
	assert_int_equal(dup2(fd, 2), 2);
	rc = qconfig_load(c, path, err, errlen);
	fflush(stderr);
	assert_int_equal(dup2(saved, 2), 2);
	close(saved);
	size = lseek(fd, 0, SEEK_END);
	close(fd);
	assert_int_equal(size, 0);
	return rc;
}

static void
test_missing_file(void **state)
{
	struct qconfig c;
	char           err[512];
	int            rc;

	(void)state;
	rc = load_quiet("/nonexistent/config.ini", &c, err, sizeof(err));
	assert_int_equal(rc, -ENOENT);
	assert_string_equal(err,
	    "/nonexistent/config.ini: cannot open: No such file or directory");

	/* A directory is refused before any read. */
	rc = load_quiet("/tmp", &c, err, sizeof(err));
	assert_true(rc < 0);
	assert_string_equal(err,
	    "/tmp: not a regular file (a directory); expected a config.ini file");
}

/* Only regular files of at most 1 MiB: /dev/zero never ends, /dev/full
 * neither, a FIFO blocks until a writer comes. */
static void
test_not_regular(void **state)
{
	char           dir[] = "/tmp/tsload-qconfig.XXXXXX", path[64];
	struct qconfig c;
	char           err[512];
	FILE          *f;

	(void)state;
	assert_int_equal(
	    load_quiet("/dev/zero", &c, err, sizeof(err)), -EINVAL);
	assert_string_equal(err,
	    "/dev/zero: not a regular file (a character device); expected a config.ini file");
	assert_int_equal(
	    load_quiet("/dev/full", &c, err, sizeof(err)), -EINVAL);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/fifo.ini", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(load_quiet(path, &c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "fifo.ini: not a regular file (a FIFO)"));
	unlink(path);
	snprintf(path, sizeof(path), "%s/big.ini", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	for (int i = 0; i < (1 << 20) / 8 + 1; i++)
		fputs("; .....\n", f); /* 8 bytes */
	fclose(f);
	assert_int_equal(load_quiet(path, &c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err,
	    "big.ini: 1048584 bytes, more than the 1048576 a config.ini may have"));
	unlink(path);
	rmdir(dir);
}

/* iniparser 4.1 refuses lines over 1024 bytes; its message comes back in
 * ours instead of going to stderr. */
static void
test_iniparser_error(void **state)
{
	struct qconfig c;
	char           name[] = "/tmp/tsload-test-ini-XXXXXX", err[512];
	int            fd     = mkstemp(name), rc;
	FILE          *f;

	(void)state;
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fprintf(f, "[query_distribution]\n# %02000d\ndo-q1 = 100\n", 0);
	fclose(f);
	rc = load_quiet(name, &c, err, sizeof(err));
	unlink(name);
	assert_int_equal(rc, -EINVAL);
	assert_non_null(strstr(err, name));
	assert_non_null(strstr(err, "too long"));
	assert_null(strchr(err, '\n'));
}

/* A short buffer still gets a terminated message. */
static void
test_short_err(void **state)
{
	struct qconfig c;
	char           err[8];

	(void)state;
	assert_int_equal(
	    load("tests/configs/bad/sum_under.ini", &c, err, sizeof(err)),
	    -EINVAL);
	assert_int_equal(strlen(err), sizeof(err) - 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_zero_weight),
		cmocka_unit_test(test_quirks),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_not_regular),
		cmocka_unit_test(test_iniparser_error),
		cmocka_unit_test(test_short_err),
	};
	char *dir = src_path("tests/configs");

	if (access(dir, R_OK) != 0)
		fprintf(stderr,
		    "test_qconfig: no fixtures at %s; run from the repository "
		    "root or set TSLOAD_SRCDIR\n",
		    dir);
	free(dir);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
