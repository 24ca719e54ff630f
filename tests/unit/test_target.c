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
	"timestream+http", "timestream+https", "kinesis", "s3", "kafka",
	"http", "https", "dir", "graphite", "opentsdb" };

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

struct dummy_cfg {
	unsigned n;
};

static const struct param_row bad_params[] = {
	{ "n", PARAM_UINT, PARAM_FIELD(struct dummy_cfg, n), "0", 1, 9, NULL,
	    NULL, "a count whose default is out of its range" },
	{ NULL },
};

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

	/* a parameter table that does not fit its struct */
	bad        = good;
	bad.params = bad_params;
	assert_false(target_ops_valid(&bad, err, sizeof(err)));
	assert_string_equal(err,
	    "target dummy+http: parameter n: default: value \"0\" out of "
	    "range (expected an integer 1..9)");
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
		{ "influx://h:8086/?gzip=yes", true },
		{ "influx://h:8086/?gzip=2", false },
		{ "influx://h:8086/?gzip=1&gzip=0", false },
		{ "influx://h:8086/?db=a%20b", false },
		{ "influx://h:8086/?db=", true }, /* -d */
		{ "influx://h:8086/?max_body=16M", true },
		{ "influx://h:8086/?max_body=-1", false },
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

/* A sample's measures resolve through its kind's schema: names, types,
 * union columns, the request_id measure last. */
static void
test_union_schema(void **state)
{
	struct schema      sc;
	struct dimgroup    g  = { 0 };
	struct series      se = { .g = &g };
	struct sample      s  = { .series = &se };
	struct tgt_measure m;
	unsigned           i, n;
	bool               seen[SCHEMA_MAX_MCOLS] = { false };

	(void)state;
	assert_int_equal(model_schema(&sc, REQID_MEASURE), 0);
	strcpy(s.req_id, "0a0b0c0d-0000-4000-8000-000000000000");
	for (int k = 0; k < 2; k++) {
		g.sk = &sc.kind[k];
		n    = schema_n_measures(g.sk, REQID_MEASURE);
		assert_int_equal(n, k ? 6 : 21);
		for (i = 0; i < n; i++) {
			target_measure(&s, i, &m);
			if (i == n - 1) {
				assert_string_equal(m.name, "request_id");
				assert_int_equal(m.mcol, SCHEMA_NONE);
				assert_int_equal(m.type, MT_VARCHAR);
				assert_int_equal(m.len, 36);
				continue;
			}
			assert_true(m.mcol < sc.n_mcols);
			assert_string_equal(sc.mcol[m.mcol], m.name);
			assert_int_equal(sc.mcol_type[m.mcol], m.type);
			seen[m.mcol] = true;
		}
	}
	for (i = 0; i < sc.n_mcols; i++)
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
	assert_string_equal(sc.mcol[m.mcol], "memory_free");
	assert_true(m.d == 12.5);
}

/* Set-up against a closed port on loopback: the message names the server
 * as libpq does, with the password out and nothing else replaced. */
static void
pg_setup_msg(const char *url, char *err, size_t n)
{
	static struct schema sc;
	struct tgt_conf conf = { .url = url, .table = "t", .schema = &sc };

	assert_int_equal(model_schema(&sc, REQID_NONE), 0);
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
		cmocka_unit_test(test_url_path),
		cmocka_unit_test(test_checks),
		cmocka_unit_test(test_mkdir_parents),
		cmocka_unit_test(test_union_schema),
		cmocka_unit_test(test_redact_structural),
		cmocka_unit_test(test_state_note),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
