/* opts.c - option table, parsing from argv, the environment and text.
 * Numbers go through parse.c, so "--processes 2x" is an error, never 2.
 */
#include "opts.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "parse.h"
#include "target.h"
#include "xalloc.h"

enum opt_type { OPT_BOOL, OPT_STR, OPT_U64, OPT_I64, OPT_SECS };

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
};

#define OFF(f) offsetof(struct tsl_opts, f)
#define ING CMD_INGEST
#define MOD CMD_MODEL
#define CLN CMD_CLEANUP
#define WRK CMD_WORKER
#define QRY CMD_QUERY
#define RUN CMD_RUN

/* The worker receives the ingest options as text, so every ingest row is
 * also a worker row. */
static const struct opt opt_table[] = {
	{ "target", 0, OPT_STR, OFF(target), "sqlite:results/tsload.db", 0, 0,
	    ING | CLN | QRY | RUN | WRK, "URL",
	    "where to write (see TARGETS below)" },
	{ "database-name", 'd', OPT_STR, OFF(database), "devops", 0, 0,
	    ING | CLN | QRY | RUN | WRK, "NAME", "database name" },
	{ "table-name", 't', OPT_STR, OFF(table), "host_metrics", 0, 0,
	    ING | CLN | QRY | RUN | WRK, "NAME", "table name" },
	{ "region", 'r', OPT_STR, OFF(region), "", 0, 0,
	    ING | CLN | QRY | RUN | WRK, "REGION",
	    "AWS region (Timestream targets)" },
	{ "endpoint", 'e', OPT_STR, OFF(endpoint), "", 0, 0,
	    ING | CLN | QRY | RUN | WRK, "URL",
	    "explicit endpoint (Timestream targets)" },
	{ "profile", 0, OPT_STR, OFF(profile), "", 0, 0,
	    ING | CLN | QRY | RUN | WRK, "NAME", "AWS named profile" },
	{ "processes", 'p', OPT_U64, OFF(processes), "1", 1, 4096,
	    ING | QRY | RUN | WRK, "N", "worker processes" },
	{ "concurrency", 'c', OPT_U64, OFF(concurrency), "1", 1, 4096,
	    ING | QRY | RUN | WRK, "N", "threads per worker process" },
	{ "host-scale", 0, OPT_U64, OFF(host_scale), "100", 1, 4000,
	    ING | MOD | QRY | RUN | WRK, "N",
	    "hosts = 1000 x N, event sets = 1200 x N" },
	{ "interval-millis", 0, OPT_U64, OFF(interval_ms), "5000", 0, 86400000,
	    ING | MOD | RUN | WRK, "MS",
	    "one sample per series every MS (0: as fast as possible)" },
	{ "batch-writes", 0, OPT_BOOL, OFF(batch_writes), "false", 0, 0,
	    ING | RUN | WRK, NULL, "batch records across hosts" },
	{ "batch-size", 0, OPT_U64, OFF(batch_size), "100", 1, 100000,
	    ING | RUN | WRK, "N",
	    "records per batch with --batch-writes (Timestream: 1..100)" },
	{ "multi", 0, OPT_BOOL, OFF(multi), "false", 0, 0,
	    ING | MOD | QRY | RUN | WRK, NULL,
	    "multi-measure records (one per host sample)" },
	{ "add-req-id", 0, OPT_BOOL, OFF(add_req_id), "false", 0, 0,
	    ING | RUN | WRK, NULL, "add a UUID request_id to every sample" },
	{ "req-id-dim", 0, OPT_BOOL, OFF(req_id_dim), "false", 0, 0,
	    ING | RUN | WRK, NULL,
	    "with --add-req-id: as a dimension, not a measure" },
	{ "instance-name-seed", 0, OPT_I64, OFF(instance_seed), "12345",
	    -9.2e18, 9.2e18, ING | MOD | QRY | RUN | WRK, "N",
	    "seed of the 8-character instance-name prefix" },
	{ "print-model-summary", 0, OPT_BOOL, OFF(print_summary), "false", 0,
	    0, ING | RUN, NULL, "print the model summary and exit" },
	{ "memory-store-retention-hours", 0, OPT_U64, OFF(mem_hours), "2", 1,
	    8766, ING | RUN | WRK, "H",
	    "memory store retention (new tables)" },
	{ "magnetic-store-retention-days", 0, OPT_U64, OFF(mag_days), "365", 1,
	    73000, ING | RUN | WRK, "D",
	    "magnetic store retention (new tables)" },
	{ "duration", 0, OPT_SECS, OFF(duration), "0", 0, 31536000,
	    ING | QRY | RUN | WRK, "SECS",
	    "stop after SECS (10, 90s, 5m, 2h; 0: at SIGINT)" },
	{ "start-time", 0, OPT_STR, OFF(start_time), "", 0, 0, ING | RUN | WRK,
	    "T",
	    "timestamp of the first cycle, then + interval per cycle (epoch s or ms, or 2026-01-01T00:00:00Z; default: now)" },
	{ "end-time", 0, OPT_STR, OFF(end_time), "", 0, 0, ING | RUN | WRK,
	    "T",
	    "with --start-time: end after the last cycle before T, unpaced (backfill)" },
	{ "results", 0, OPT_STR, OFF(results), "results", 0, 0,
	    ING | QRY | RUN | WRK, "DIR",
	    "results root: DIR/<run-id>/run.json, timeseries.csv" },
	{ "seed", 0, OPT_U64, OFF(seed), "0", 0, 1.8e19, ING | QRY | RUN | WRK,
	    "N",
	    "seed of the generated values (same seed, same data; 0: random)" },
	{ "max-retries", 0, OPT_U64, OFF(max_retries), "10", 0, 1000000,
	    ING | RUN | WRK, "N", "retries of a throttled or busy batch" },
	{ "quiet", 'q', OPT_BOOL, OFF(quiet), "false", 0, 0, ING | QRY | RUN,
	    NULL, "no live progress line" },
	{ "connect", 0, OPT_STR, OFF(connect), "", 0, 0, WRK, "URL",
	    "coordinator to join (ipc:// or tcp://)" },
	{ "role", 0, OPT_STR, OFF(role), "ingest", 0, 0, WRK, "ROLE",
	    "set by the coordinator: ingest or query" },
	{ "config", 0, OPT_STR, OFF(config), "configs/config.ini", 0, 0,
	    QRY | RUN | WRK, "FILE",
	    "query workload (seed config.ini format)" },
	{ "log-dir", 'l', OPT_STR, OFF(log_dir), "results/query-logs", 0, 0,
	    QRY | RUN | WRK, "DIR", "root of the per-thread query log dirs" },
	{ "run-prefix", 0, OPT_STR, OFF(run_prefix), "tsload", 0, 0,
	    QRY | RUN | WRK, "NAME", "first part of every log dir name" },
	{ "query-end-time", 0, OPT_STR, OFF(query_end), "", 0, 0,
	    QRY | RUN | WRK, "EXPR",
	    "end of every time window, pasted into the query (default: now)" },
	{ "think-time-milliseconds", 0, OPT_U64, OFF(think_ms), "30000", 0,
	    86400000, QRY | RUN | WRK, "MS",
	    "pause after each successful query, and between thread starts" },
	{ "randomized-think-time", 0, OPT_BOOL, OFF(think_random), "false", 0,
	    0, QRY | RUN | WRK, NULL,
	    "think 5000..MS ms at random (0..MS when MS < 5000)" },
	{ "fixed-params", 0, OPT_BOOL, OFF(fixed_params), "false", 0, 0,
	    QRY | RUN | WRK, NULL,
	    "the seed's built-in parameters (= --params fixed)" },
	{ "params", 0, OPT_STR, OFF(params), "table", 0, 0, QRY | RUN | WRK,
	    "table|fixed|random",
	    "query parameters: from the table, built in, or fresh per query" },
	{ "repetitions", 0, OPT_U64, OFF(repetitions), "0", 0, 1e9,
	    QRY | RUN | WRK, "N", "queries per thread (0: config.ini's)" },
	{ "query-processes", 0, OPT_U64, OFF(q_processes), "1", 1, 4096,
	    RUN | WRK, "N", "run: query worker processes" },
	{ "query-concurrency", 0, OPT_U64, OFF(q_concurrency), "1", 1, 4096,
	    RUN | WRK, "N", "run: threads per query worker" },
	{ "query-wait", 0, OPT_SECS, OFF(query_wait), "0", 0, 3600,
	    QRY | RUN | WRK, "SECS",
	    "how long query threads wait for data to take --params table from "
	    "(run: 60)" },
	{ "queries-dir", 0, OPT_STR, OFF(queries_dir), "configs/queries", 0, 0,
	    QRY | RUN | WRK, "DIR", "query templates, DIR/<dialect>/*.sql" },
	{ "help", 'h', OPT_BOOL, OFF(help), "false", 0, 0,
	    ING | MOD | CLN | QRY | RUN | WRK, NULL, "this help" },
	{ NULL },
};

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

static int
parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = { "1", "true", "yes", "on" };
	static const char *const no[]  = { "0", "false", "no", "off" };

	for (size_t i = 0; i < 4; i++) {
		if (!strcasecmp(v, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcasecmp(v, no[i])) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
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
		if (parse_bool(v, field(o, r))) {
			snprintf(err, errlen,
			    "%s: invalid value \"%s\" (expected true or "
			    "false)",
			    from, v);
			return -EINVAL;
		}
		return 0;
	case OPT_STR: {
		char **s = field(o, r);

		free(*s);
		*s = xstrdup(v);
		return 0;
	}
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
	case OPT_SECS: {
		double d;

		rc = parse_duration(v, &d, why, sizeof(why));
		if (!rc && (d < r->min || d > r->max)) {
			snprintf(why, sizeof(why),
			    "invalid value \"%s\" (expected %g..%g "
			    "seconds)",
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
		if (r->type == OPT_STR) {
			char **s = field(o, r);

			free(*s);
			*s = NULL;
		}
	}
}

static const struct opt *
find_long(const char *name, size_t len, unsigned cmd)
{
	for (const struct opt *r = opt_table; r->name; r++)
		if ((r->cmds & cmd) && strlen(r->name) == len
		    && !strncmp(r->name, name, len))
			return r;
	return NULL;
}

static const struct opt *
find_short(char c, unsigned cmd)
{
	for (const struct opt *r = opt_table; r->name; r++)
		if ((r->cmds & cmd) && r->shortname == c)
			return r;
	return NULL;
}

static int
apply_env(struct tsl_opts *o, unsigned cmd, char *err, size_t errlen)
{
	for (const struct opt *r = opt_table; r->name; r++) {
		char        var[80] = "TSLOAD_";
		size_t      n       = strlen(var);
		const char *v;

		if (!(r->cmds & cmd))
			continue;
		for (const char *p = r->name; *p && n < sizeof(var) - 1; p++)
			var[n++] = *p == '-' ? '_' : (char)toupper(*p);
		var[n] = '\0';
		v      = getenv(var);
		if (v && set_value(o, r, v, var, err, errlen))
			return -EINVAL;
	}
	return 0;
}

int
opts_parse(struct tsl_opts *o, unsigned cmd, int argc, const char *const *argv,
    char *err, size_t errlen)
{
	int rc = cmd == CMD_WORKER ? 0 : apply_env(o, cmd, err, errlen);

	for (int i = 1; i < argc && !rc; i++) {
		const char       *a = argv[i];
		const struct opt *r;
		const char       *v = NULL;
		char              from[96];

		if (a[0] == '-' && a[1] == '-' && a[2]) {
			const char *eq = strchr(a + 2, '=');
			size_t n = eq ? (size_t)(eq - a - 2) : strlen(a + 2);

			r = find_long(a + 2, n, cmd);
			if (!r) {
				snprintf(err, errlen,
				    "unknown option --%.*s (see --help)",
				    (int)n, a + 2);
				return -EINVAL;
			}
			if (eq)
				v = eq + 1;
			snprintf(from, sizeof(from), "--%s", r->name);
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
		} else {
			snprintf(err, errlen,
			    "unexpected argument \"%s\" (see --help)", a);
			return -EINVAL;
		}
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
 * user name or password can sit in it (the options go to run.json). */
static int
check_endpoint(const char *url, char *err, size_t errlen)
{
	const char *p = strstr(url, "://");
	size_t      n;

	if (!*url)
		return 0;
	if (!p
	    || (strncmp(url, "http://", 7) && strncmp(url, "https://", 8))) {
		snprintf(err, errlen,
		    "--endpoint: expected http://HOST[:PORT] or "
		    "https://HOST[:PORT]");
		return -EINVAL;
	}
	p += 3;
	n = strcspn(p, "/?#");
	if (!n || memchr(p, '@', n) || strspn(p + n, "/") != strlen(p + n)) {
		snprintf(err, errlen,
		    "--endpoint: expected http[s]://HOST[:PORT], without "
		    "user, path or query");
		return -EINVAL;
	}
	return 0;
}

/* --start-time and --end-time: valid times, the end after the start. */
static int
check_time_range(const struct tsl_opts *o, char *err, size_t errlen)
{
	int64_t start = 0, end = 0;
	char    why[160];

	if (o->start_time[0]
	    && parse_time_ms(o->start_time, &start, why, sizeof(why))) {
		snprintf(err, errlen, "--start-time: %s", why);
		return -EINVAL;
	}
	if (!o->end_time[0])
		return 0;
	if (parse_time_ms(o->end_time, &end, why, sizeof(why))) {
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

int
opts_validate(const struct tsl_opts *o, unsigned cmd, char *err, size_t errlen)
{
	const struct target_ops *t;
	char                     names[256];

	if (cmd
	    & (CMD_INGEST | CMD_CLEANUP | CMD_WORKER | CMD_QUERY | CMD_RUN)) {
		t = target_find(o->target);
		if (!t) {
			scheme_list(names, sizeof(names), 0);
			snprintf(err, errlen,
			    "--target: unknown scheme in \"%s\" (expected "
			    "one of: %s)",
			    o->target, names);
			return -EINVAL;
		}
		if ((cmd & (CMD_QUERY | CMD_RUN))
		    && !(t->flags & TGT_F_QUERY)) {
			scheme_list(names, sizeof(names), TGT_F_QUERY);
			snprintf(err, errlen,
			    "--target: %s: cannot run queries (targets "
			    "that can: %s)",
			    t->name, names);
			return -EINVAL;
		}
		if (t->check && t->check(o->target, err, errlen))
			return -EINVAL;
		if (check_endpoint(o->endpoint, err, errlen))
			return -EINVAL;
		if (t->max_batch && o->batch_writes
		    && o->batch_size > t->max_batch) {
			snprintf(err, errlen,
			    "--batch-size: %llu is more than the %zu "
			    "records a %s write takes (expected 1..%zu)",
			    (unsigned long long)o->batch_size, t->max_batch,
			    t->name, t->max_batch);
			return -EINVAL;
		}
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
		    "--params: invalid value \"%s\" (expected table, "
		    "fixed or random)",
		    o->params);
		return -EINVAL;
	}
	if ((cmd & (CMD_INGEST | CMD_RUN | CMD_WORKER))
	    && check_time_range(o, err, errlen))
		return -EINVAL;
	if (o->req_id_dim && !o->add_req_id
	    && (cmd & (CMD_INGEST | CMD_RUN))) {
		snprintf(err, errlen,
		    "--req-id-dim only has a meaning with --add-req-id");
		return -EINVAL;
	}
	return 0;
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
		buf_adds(b, *(char *const *)cfield(o, r));
		break;
	case OPT_U64:
		buf_printf(b, "%llu",
		    (unsigned long long)*(const uint64_t *)cfield(o, r));
		break;
	case OPT_I64:
		buf_printf(
		    b, "%lld", (long long)*(const int64_t *)cfield(o, r));
		break;
	case OPT_SECS:
		buf_printf(b, "%.17g", *(const double *)cfield(o, r));
		break;
	}
}

void
opts_to_text(const struct tsl_opts *o, unsigned cmd, struct buf *b)
{
	for (const struct opt *r = opt_table; r->name; r++) {
		if (!(r->cmds & cmd) || !(r->cmds & CMD_WORKER)
		    || r->off == OFF(help) || r->off == OFF(connect))
			continue;
		buf_printf(b, "--%s=", r->name);
		value_text(o, r, b);
		buf_addc(b, '\n');
	}
}

int
opts_parse_text(struct tsl_opts *o, unsigned cmd, const char *text, char *err,
    size_t errlen)
{
	char        *copy = xstrdup(text);
	const char **argv;
	int          argc = 1, rc;

	argv    = xcalloc(strlen(text) + 2, sizeof(*argv));
	argv[0] = "worker";
	for (char *line = strtok(copy, "\n"); line; line = strtok(NULL, "\n"))
		argv[argc++] = line;
	rc = opts_parse(o, cmd, argc, argv, err, errlen);
	free(argv);
	free(copy);
	return rc;
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
			rc = json_str(w, *(char *const *)cfield(o, r));
			break;
		case OPT_U64:
			rc = json_uint(w, *(const uint64_t *)cfield(o, r));
			break;
		case OPT_I64:
			rc = json_int(w, *(const int64_t *)cfield(o, r));
			break;
		case OPT_SECS:
			rc = json_double(w, *(const double *)cfield(o, r));
			break;
		}
	}
	return rc;
}

void
opts_usage(unsigned cmd, FILE *f)
{
	for (const struct opt *r = opt_table; r->name; r++) {
		char left[64];

		if (!(r->cmds & cmd))
			continue;
		if (r->shortname)
			snprintf(left, sizeof(left), "-%c, --%s%s%s",
			    r->shortname, r->name, r->meta ? " " : "",
			    r->meta ? r->meta : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", r->name,
			    r->meta ? " " : "", r->meta ? r->meta : "");
		fprintf(f, "  %-38s %s", left, r->help);
		if (r->type != OPT_BOOL && r->def[0] && r->off != OFF(help))
			fprintf(f, " [%s]", r->def);
		fputc('\n', f);
	}
}
