/* test_target.c - the target registry, ops validation, URL parsing and the
 * union schema mapping shared by the targets.
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

#include "target.h"

/* The registry holds exactly these targets, in this order (--help lists
 * them so): a target added or lost must change this list. */
static const char *const registered[] = { "sqlite", "clickhouse", "influx",
	"vm", "postgres", "file", "stdout", "null", "timestream",
	"timestream+http", "timestream+https", "kinesis", "s3" };

static void
test_registered_valid(void **state)
{
	const struct target_ops *const *t = target_list();
	char                            err[TGT_ERR_MAX];
	size_t                          n = 0;

	(void)state;
	for (; *t; t++, n++) {
		err[0] = '\0';
		if (!target_ops_valid(*t, err, sizeof(err)))
			fail_msg("%s", err);
		if (n < sizeof(registered) / sizeof(registered[0]))
			assert_string_equal((*t)->name, registered[n]);
		/* Each is found by its own scheme. */
		snprintf(err, sizeof(err), "%s:x", (*t)->name);
		assert_ptr_equal(target_find(err), *t);
	}
	assert_int_equal(n, sizeof(registered) / sizeof(registered[0]));
}

static enum tgt_status
dummy_write(struct tgt_ctx *ctx, const struct batch *b)
{
	(void)ctx;
	(void)b;
	return TGT_OK;
}

static int
dummy_init(struct tgt_ctx *ctx)
{
	(void)ctx;
	return 0;
}

static void
dummy_fini(struct tgt_ctx *ctx)
{
	(void)ctx;
}

static void
test_ops_invalid(void **state)
{
	const struct target_ops good = {
		.name    = "dummy+http",
		.version = TARGET_OPS_VERSION,
		.flags   = TGT_F_WRITE,
		.usage   = "dummy+http://HOST",
		.init    = dummy_init,
		.write   = dummy_write,
		.fini    = dummy_fini,
	};
	struct target_ops bad;
	char              err[TGT_ERR_MAX];

	(void)state;
	assert_true(target_ops_valid(&good, err, sizeof(err)));
	assert_false(target_ops_valid(NULL, err, sizeof(err)));

	bad         = good;
	bad.version = TARGET_OPS_VERSION + 1;
	assert_false(target_ops_valid(&bad, err, sizeof(err)));
	assert_non_null(strstr(err, "version"));

	bad       = good;
	bad.write = NULL;
	assert_false(target_ops_valid(&bad, err, sizeof(err)));
	assert_non_null(strstr(err, "TGT_F_WRITE"));

	bad      = good;
	bad.fini = NULL;
	assert_false(target_ops_valid(&bad, err, sizeof(err)));

	bad       = good;
	bad.flags = 0;
	assert_false(target_ops_valid(&bad, err, sizeof(err)));

	bad      = good;
	bad.name = "9bad";
	assert_false(target_ops_valid(&bad, err, sizeof(err)));

	bad       = good;
	bad.usage = NULL;
	assert_false(target_ops_valid(&bad, err, sizeof(err)));
}

static void
test_find(void **state)
{
	static const struct {
		const char              *url;
		const struct target_ops *want;
	} cases[] = {
		{ "sqlite:results/tsload.db", &target_sqlite },
		{ "sqlite:///tmp/x.db", &target_sqlite },
		{ "SQLite:x.db", &target_sqlite },
		{ "file:/tmp/a.lp?format=lp", &target_file },
		{ "file:out.json", &target_file },
		{ "stdout:", &target_stdout },
		{ "stdout:?format=csv", &target_stdout },
		{ "null:", &target_null },
		{ "influx://127.0.0.1:8086/?db=x", &target_influx },
		{ "vm://h1:8428,h2:8428", &target_vm },
		{ "null", NULL },
		{ "", NULL },
		{ ":x", NULL },
		{ "nul:", NULL },
		{ "nullx:", NULL },
		{ "postgres://localhost/db", &target_postgres },
		{ "postgresql://localhost/db", NULL },
		{ "timestream+http://127.0.0.1:5000",
		    &target_timestream_http },
		{ "timestream+https://h:443", &target_timestream_https },
		{ "timestream://us-east-1", &target_timestream },
		{ "timestream+ftp://h", NULL },
		{ "/tmp/x.db", NULL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (target_find(cases[i].url) != cases[i].want)
			fail_msg("target_find(\"%s\")", cases[i].url);
}

static void
test_url_param(void **state)
{
	static const struct {
		const char *url, *key;
		bool        found;
		const char *want;
	} cases[] = {
		{ "file:/a?format=lp", "format", true, "lp" },
		{ "file:/a?x=1&format=json&y=2", "format", true, "json" },
		{ "file:/a?x=1&format=csv", "format", true, "csv" },
		{ "file:/a?format=lp&format=csv", "format", true, "lp" },
		{ "file:/a?formats=lp", "format", false, "" },
		{ "file:/a?form=lp", "format", false, "" },
		{ "file:/a", "format", false, "" },
		{ "file:/a?", "format", false, "" },
		{ "file:/a?format", "format", true, "" },
		{ "file:/a?format=", "format", true, "" },
		{ "file:/a?&&format=lp&&", "format", true, "lp" },
		{ "x:?db=my%20db", "db", true, "my db" },
		{ "x:?db=a%2Fb%3d", "db", true, "a/b=" },
		{ "x:?db=100%", "db", true, "100%" },
		{ "x:?db=%zz", "db", true, "%zz" },
		{ "x:?db=a+b", "db", true, "a+b" },
		{ "x:?d%62=v", "db", true, "v" },
		{ "x:?db=v#frag", "db", true, "v" },
		{ "postgres://u@h:5432/db?sslmode=disable", "sslmode", true,
		    "disable" },
	};
	char   out[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		strcpy(out, "unchanged");
		if (target_url_param(
		        cases[i].url, cases[i].key, out, sizeof(out))
		    != cases[i].found)
			fail_msg("%s: %s found?", cases[i].url, cases[i].key);
		if (cases[i].found)
			assert_string_equal(out, cases[i].want);
	}
	/* A long value is cut to the buffer. */
	assert_true(target_url_param("x:?k=abcdef", "k", out, 4));
	assert_string_equal(out, "abc");
}

static void
test_url_path(void **state)
{
	static const struct {
		const char *url, *want;
	} cases[] = {
		{ "file:/a/b?x", "/a/b" },
		{ "file:/a/b", "/a/b" },
		{ "file:///tmp/x.lp?format=lp", "/tmp/x.lp" },
		{ "sqlite:results/tsload.db", "results/tsload.db" },
		{ "sqlite://rel/x.db", "rel/x.db" },
		{ "stdout:", "" },
		{ "stdout:?format=csv", "" },
		{ "null:", "" },
		{ "postgres://u@h:5432/db?sslmode=disable", "u@h:5432/db" },
		{ "timestream+http://127.0.0.1:5000", "127.0.0.1:5000" },
		{ "file:C:x", "C:x" },
	};
	char   out[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(
		    target_url_path(cases[i].url, out, sizeof(out)), 0);
		assert_string_equal(out, cases[i].want);
	}
	assert_int_equal(target_url_path("file:/abcd", out, 5), -ENOSPC);
	assert_int_equal(target_url_path("file:/abc", out, 5), 0);
	assert_string_equal(out, "/abc");
}

static void
test_check_keys(void **state)
{
	static const char *const keys[] = { "format", "x", NULL };
	static const char *const none[] = { NULL };
	char                     err[TGT_ERR_MAX];

	(void)state;
	assert_int_equal(
	    target_url_check_keys("file:/a", keys, err, sizeof(err)), 0);
	assert_int_equal(target_url_check_keys(
	                     "file:/a?format=lp&x", keys, err, sizeof(err)),
	    0);
	assert_int_equal(
	    target_url_check_keys("file:/a?fromat=lp", keys, err, sizeof(err)),
	    -EINVAL);
	assert_string_equal(err,
	    "file: unknown parameter \"fromat\" "
	    "(accepted: format, x)");
	assert_int_equal(
	    target_url_check_keys("null:?a=1", none, err, sizeof(err)),
	    -EINVAL);
	assert_string_equal(err,
	    "null: unknown parameter \"a\" (takes no "
	    "parameters)");
}

/* Every target's check on good and bad URLs. */
static void
test_checks(void **state)
{
	static const struct {
		const char *url;
		bool        ok;
	} cases[] = {
		{ "sqlite:results/tsload.db", true },
		{ "sqlite:x.db?busy_timeout=100", true },
		{ "sqlite:x.db?busy_timeout=0", true },
		{ "sqlite:x.db?busy_timeout=-1", false },
		{ "sqlite:x.db?busy_timeout=1s", false },
		{ "sqlite:x.db?busy_timeout=", false },
		{ "sqlite:x.db?timeout=1", false },
		{ "sqlite:", false },
		{ "file:/tmp/x", true },
		{ "file:/tmp/x?format=json", true },
		{ "file:/tmp/x?format=xml", false },
		{ "file:", false },
		{ "file:?format=lp", false },
		{ "stdout:", true },
		{ "stdout:?format=csv", true },
		{ "stdout:/tmp/x", false },
		{ "null:", true },
		{ "null:x", false },
		{ "influx://127.0.0.1:8086", true },
		{ "influx://h1:8086,h2,[::1]:9/?db=a_b-c.d&gzip=1", true },
		{ "influx://h:8086/?precision=ns&max_body=1000000", true },
		{ "influx://h:8086/?precision=m", false },
		{ "influx://h:8086/?max_body=12", false },
		{ "influx://h:8086/?gzip=yes", false },
		{ "influx://h:8086/?db=a%20b", false },
		{ "influx://h:8086/?db=", false },
		{ "influx://h:8086/?user=x", false },
		{ "influx:h:8086", false },
		{ "influx://", false },
		{ "influx://h:99999", false },
		{ "vm://127.0.0.1:8428", true },
		{ "vm://a:1,b:2/?db=x&gzip=0", true },
		{ "vm://a:1,,b:2", false },
		{ "vm://a:1/?tls=1", false },
	};
	const struct target_ops *ops;
	char                     err[TGT_ERR_MAX];
	size_t                   i;
	int                      rc;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ops = target_find(cases[i].url);
		assert_non_null(ops);
		assert_non_null(ops->check);
		err[0] = '\0';
		rc     = ops->check(cases[i].url, err, sizeof(err));
		if (cases[i].ok && rc != 0)
			fail_msg("%s: %s", cases[i].url, err);
		if (!cases[i].ok
		    && (rc != -EINVAL || !err[0] || strchr(err, '\n')))
			fail_msg("%s: accepted or no message", cases[i].url);
	}
}

static void
test_mkdir_parents(void **state)
{
	char        dir[] = "/tmp/tsl-target-XXXXXX", path[256], err[256];
	struct stat st;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/a/b/c/file.db", dir);
	assert_int_equal(target_mkdir_parents(path, err, sizeof(err)), 0);
	snprintf(path, sizeof(path), "%s/a/b/c", dir);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	/* Again: all there already. */
	snprintf(path, sizeof(path), "%s/a/b/c/file.db", dir);
	assert_int_equal(target_mkdir_parents(path, err, sizeof(err)), 0);
	assert_int_equal(
	    target_mkdir_parents("plain.db", err, sizeof(err)), 0);
	/* A file in the way. */
	snprintf(path, sizeof(path), "%s/a/b/c/f", dir);
	fclose(fopen(path, "w"));
	snprintf(path, sizeof(path), "%s/a/b/c/f/x/y.db", dir);
	assert_int_equal(
	    target_mkdir_parents(path, err, sizeof(err)), -ENOTDIR);
	assert_non_null(strstr(err, "mkdir "));

	snprintf(path, sizeof(path), "%s/a/b/c/f", dir);
	unlink(path);
	for (int i = 0; i < 3; i++) {
		char *slash;

		slash  = strrchr(path, '/');
		*slash = '\0';
		assert_int_equal(rmdir(path), 0);
	}
	assert_int_equal(rmdir(dir), 0);
}

/* The hard-coded column maps agree with the model's names. */
static void
test_union_schema(void **state)
{
	struct series      se = { .kind = SERIES_METRICS };
	struct sample      s  = { .series = &se };
	struct tgt_measure m;
	unsigned           d, i, n;
	bool               seen[TGT_N_MCOLS] = { false };

	(void)state;
	for (d = 0; d < MODEL_N_DIMS; d++) {
		assert_string_equal(
		    target_dcol_names[target_dcol(SERIES_METRICS, d)],
		    model_metric_dim_names[d]);
		assert_string_equal(
		    target_dcol_names[target_dcol(SERIES_EVENTS, d)],
		    model_event_dim_names[d]);
	}
	assert_string_equal(target_dcol_names[TGT_DCOL_REQ_ID], "request_id");

	assert_int_equal(target_n_measures(SERIES_METRICS, REQID_NONE), 20);
	assert_int_equal(
	    target_n_measures(SERIES_METRICS, REQID_DIMENSION), 20);
	assert_int_equal(target_n_measures(SERIES_METRICS, REQID_MEASURE), 21);
	assert_int_equal(target_n_measures(SERIES_EVENTS, REQID_MEASURE), 6);

	strcpy(s.req_id, "0a0b0c0d-0000-4000-8000-000000000000");
	for (int k = 0; k < 2; k++) {
		se.kind = (uint8_t)(k ? SERIES_EVENTS : SERIES_METRICS);
		n       = target_n_measures(
		          (enum series_kind)se.kind, REQID_MEASURE);
		for (i = 0; i < n; i++) {
			target_measure(&s, i, &m);
			if (i == n - 1) {
				assert_string_equal(m.name, "request_id");
				assert_int_equal(m.mcol, TGT_MCOL_NONE);
				assert_int_equal(m.type, MT_VARCHAR);
				assert_int_equal(m.len, 36);
				continue;
			}
			assert_true(m.mcol < TGT_N_MCOLS);
			assert_string_equal(target_mcol_name(m.mcol), m.name);
			assert_int_equal(target_mcol_type(m.mcol), m.type);
			seen[m.mcol] = true;
		}
	}
	for (i = 0; i < TGT_N_MCOLS; i++)
		assert_true(seen[i]);
	/* Events: integer, state name by index, doubles. */
	s.v[0] = 17;
	s.v[1] = 1;
	s.v[4] = 12.5;
	target_measure(&s, 0, &m);
	assert_int_equal(m.type, MT_BIGINT);
	assert_int_equal(m.i, 17);
	target_measure(&s, 1, &m);
	assert_string_equal(m.s, "SUCCESS_WITH_RESULT");
	assert_int_equal(m.len, strlen("SUCCESS_WITH_RESULT"));
	target_measure(&s, 4, &m);
	assert_string_equal(m.name, "memory_free");
	assert_string_equal(target_mcol_name(m.mcol), "memory_free");
	assert_true(m.d == 12.5);
}

/* Set-up against a closed port on loopback: the message names the server
 * as libpq does, with the password out and nothing else replaced. */
static void
pg_setup_msg(const char *url, char *err, size_t n)
{
	struct tgt_conf conf = { .url = url, .table = "t" };

	err[0] = '\0';
	assert_int_not_equal(target_postgres.setup(&conf, err, n), 0);
}

static void
test_redact_structural(void **state)
{
	char err[TGT_ERR_MAX], msg[TGT_ERR_MAX];

	(void)state;
	/* a one-letter password is not every "p" of the message */
	pg_setup_msg("postgres://u:p@127.0.0.1:1/db?connect_timeout=2", err,
	    sizeof(err));
	assert_non_null(strstr(err, "postgres: connection to server"));
	assert_non_null(strstr(err, "port 1 failed"));
	assert_null(strstr(err, "***"));
	/* nor is a password that is a word of the message */
	pg_setup_msg("postgres://u@127.0.0.1:1/db?password=connection"
	             "&connect_timeout=2",
	    err, sizeof(err));
	assert_non_null(strstr(err, "connection to server"));
	assert_null(strstr(err, "***"));
	/* libpq quotes a badly encoded password token: that goes */
	assert_int_not_equal(target_postgres.check("postgres://u:pa%zzss@h/db",
	                         err, sizeof(err)),
	    0);
	assert_null(strstr(err, "pa%zzss"));
	assert_non_null(strstr(err, "\"***\""));
	/* a quoted URL is shown redacted, the rest as it was */
	snprintf(msg, sizeof(msg),
	    "bad \"postgresql://bob:pw@h/db?password=pw2\" pw here");
	target_redact_msg(
	    msg, sizeof(msg), "postgres://bob:pw@h/db?password=pw2");
	assert_string_equal(
	    msg, "bad \"postgresql://bob:***@h/db?password=***\" pw here");
	snprintf(msg, sizeof(msg), "x file:/a/b y");
	target_redact_msg(msg, sizeof(msg), "file:/a/b");
	assert_string_equal(msg, "x file:/a/b y");
}

static void
test_state_note(void **state)
{
	char out[64];

	(void)state;
	target_state_note("postgres://h/db", 0, out, sizeof(out));
	assert_string_equal(out, "");
	target_state_note("postgres://h/db",
	    TGT_STATE_BIT(TGT_RETRY) | TGT_STATE_BIT(TGT_UNREACHABLE), out,
	    sizeof(out));
	assert_string_equal(out, "postgres unreachable");
	target_state_note(
	    "sqlite:x.db", TGT_STATE_BIT(TGT_RETRY), out, sizeof(out));
	assert_string_equal(out, "sqlite busy or throttled");
	target_state_note(
	    "file:/x", TGT_STATE_BIT(TGT_FAIL), out, sizeof(out));
	assert_string_equal(out, "file failing");
	assert_true(target_status_retry(TGT_UNREACHABLE));
	assert_false(target_status_retry(TGT_FAIL));
	assert_true(target_status_stop(TGT_CLOSED));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registered_valid),
		cmocka_unit_test(test_ops_invalid),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_url_param),
		cmocka_unit_test(test_url_path),
		cmocka_unit_test(test_check_keys),
		cmocka_unit_test(test_checks),
		cmocka_unit_test(test_mkdir_parents),
		cmocka_unit_test(test_union_schema),
		cmocka_unit_test(test_redact_structural),
		cmocka_unit_test(test_state_note),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
