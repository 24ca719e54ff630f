/* opts.c - option table, parsing from argv, the environment and text.
 * Numbers go through parse.c, so "--processes 2x" is an error, never 2.
 */
#include "opts.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "json.h"
#include "log.h"
#include "parse.h"
#include "target.h"
#include "xalloc.h"

/* OPT_U64_AUTO: a number, or "auto" stored as 0 (--batch-size). */
enum opt_type { OPT_BOOL, OPT_STR, OPT_U64, OPT_U64_AUTO, OPT_I64, OPT_SECS };

/* Sections of --help, in this order. */
enum opt_group {
	G_TARGET,
	G_SHAPE,
	G_PACE,
	G_QUERY,
	G_OUTPUT,
	G_WORKER,
	G_OTHER,
	G_N
};

static const char *const group_title[G_N] = { "target", "load shape", "pacing",
	"query workload", "output", "worker", "other" };

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
	unsigned      group; /* enum opt_group */
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
	    "where to write (see TARGETS below); repeat it to write every batch to each (fan-out)",
	    G_TARGET },
	{ "database-name", 'd', OPT_STR, OFF(database), "devops", 0, 0,
	    ING | CLN | QRY | RUN | WRK, "NAME", "database name", G_TARGET },
	{ "table-name", 't', OPT_STR, OFF(table), "host_metrics", 0, 0,
	    ING | CLN | QRY | RUN | WRK, "NAME", "table name", G_TARGET },
	{ "region", 'r', OPT_STR, OFF(region), "", 0, 0,
	    ING | CLN | QRY | RUN | WRK, "REGION",
	    "AWS region (Timestream targets)", G_TARGET },
	{ "endpoint", 'e', OPT_STR, OFF(endpoint), "", 0, 0,
	    ING | CLN | QRY | RUN | WRK, "URL",
	    "explicit endpoint (Timestream targets)", G_TARGET },
	{ "profile", 0, OPT_STR, OFF(profile), "", 0, 0,
	    ING | CLN | QRY | RUN | WRK, "NAME", "AWS named profile",
	    G_TARGET },
	{ "processes", 'p', OPT_U64, OFF(processes), "1", 1, 4096,
	    ING | QRY | RUN | WRK, "N", "worker processes", G_SHAPE },
	{ "concurrency", 'c', OPT_U64, OFF(concurrency), "1", 1, 4096,
	    ING | QRY | RUN | WRK, "N", "threads per worker process",
	    G_SHAPE },
	{ "model", 0, OPT_STR, OFF(model), "perf-scale", 0, 0,
	    ING | MOD | QRY | RUN | WRK, "NAME",
	    "data model (see MODELS below)", G_SHAPE },
	{ "host-scale", 0, OPT_U64, OFF(host_scale), "100", 1, 4000,
	    ING | MOD | QRY | RUN | WRK, "N",
	    "hosts = 1000 x N, event sets = 1200 x N", G_SHAPE },
	{ "id-start", 0, OPT_U64, OFF(id_start), "0", 0, 4294967295.0,
	    ING | RUN | WRK, "N",
	    "write the model's hosts from N (0-based), so that machines "
	    "split one model",
	    G_SHAPE },
	{ "id-end", 0, OPT_U64, OFF(id_end), "0", 0, 4294967295.0,
	    ING | RUN | WRK, "M",
	    "... up to M, exclusive (0: the model's end)", G_SHAPE },
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
	{ "start-time", 0, OPT_STR, OFF(start_time), "", 0, 0, ING | RUN | WRK,
	    "T",
	    "first cycle's timestamp, + interval per cycle (default: now); "
	    "RFC 3339, epoch s or ms, or relative: now, -3d, now-90m",
	    G_PACE },
	{ "end-time", 0, OPT_STR, OFF(end_time), "", 0, 0, ING | RUN | WRK,
	    "T", "with --start-time: write the cycles before T, unpaced",
	    G_PACE },
	{ "results", 0, OPT_STR, OFF(results), "results", 0, 0,
	    ING | QRY | RUN | WRK, "DIR",
	    "results root: DIR/<run-id>/run.json, timeseries.csv", G_OUTPUT },
	{ "seed", 0, OPT_U64, OFF(seed), "0", 0, 1.8e19, ING | QRY | RUN | WRK,
	    "N",
	    "seed of the generated values (same seed, same data; 0: random)",
	    G_SHAPE },
	{ "max-retries", 0, OPT_U64, OFF(max_retries), "10", 0, 1000000,
	    ING | RUN | WRK, "N", "retries of a throttled or busy batch",
	    G_PACE },
	{ "quiet", 'q', OPT_BOOL, OFF(quiet), "false", 0, 0, ING | QRY | RUN,
	    NULL, "no live progress line", G_OUTPUT },
	{ "connect", 0, OPT_STR, OFF(connect), "", 0, 0, WRK, "URL",
	    "coordinator to join (ipc:// or tcp://)", G_WORKER },
	{ "role", 0, OPT_STR, OFF(role), "ingest", 0, 0, WRK, "ROLE",
	    "set by the coordinator: ingest or query", G_WORKER },
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
	{ "help", 'h', OPT_BOOL, OFF(help), "false", 0, 0,
	    ING | MOD | CLN | QRY | RUN | WRK, NULL, "this help", G_OTHER },
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
		rc = parse_bool(v, field(o, r), why, sizeof(why));
		break;
	case OPT_STR: {
		char **s = field(o, r);

		free(*s);
		*s = xstrdup(v);
		return 0;
	}
	case OPT_U64_AUTO:
		if (v && !strcmp(v, "auto")) {
			*(uint64_t *)field(o, r) = 0;
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
			*(uint64_t *)field(o, r) = u;
		break;
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

const char *
opts_target(const struct tsl_opts *o, unsigned i)
{
	return i == 0 ? o->target : o->more_targets[i - 1];
}

#define N_ROWS (sizeof(opt_table) / sizeof(opt_table[0]) - 1)
_Static_assert(N_ROWS <= 64, "tsl_opts.given has one bit per row");

static unsigned
row_index(const struct opt *r)
{
	return (unsigned)(r - opt_table);
}

static const char *const cmd_names[]
    = { "ingest", "model", "cleanup", "worker", "query", "run" };

/* "query and run" for the subcommands of cmds (the worker left out: it
 * is started by the coordinator). */
static void
cmds_text(unsigned cmds, char *out, size_t n)
{
	unsigned shown = cmds & ~CMD_WORKER, left;
	size_t   k     = 0;

	out[0] = '\0';
	if (!shown)
		shown = cmds;
	left = (unsigned)__builtin_popcount(shown);
	for (unsigned i = 0; i < 6 && k < n; i++) {
		if (!(shown & (1u << i)))
			continue;
		left--;
		k += (size_t)snprintf(out + k, n - k, "%s%s", cmd_names[i],
		    !left           ? ""
		        : left == 1 ? " and "
		                    : ", ");
	}
}

static const char *
cmd_name(unsigned cmd)
{
	for (unsigned i = 0; i < 6; i++)
		if (cmd == 1u << i)
			return cmd_names[i];
	return "this command";
}

/* The row of the long option name[0..len) for cmd: an exact name, else
 * the only name it abbreviates (as argparse does). NULL with a reason in
 * err when there is none or several. */
static const struct opt *
find_long(const char *name, size_t len, unsigned cmd, char *err, size_t errlen)
{
	const struct opt *hit = NULL, *near = NULL;
	unsigned          hits = 0, best = 99;
	char              want[64], where[64];
	size_t            k = 0;

	for (const struct opt *r = opt_table; r->name; r++)
		if ((r->cmds & cmd) && strlen(r->name) == len
		    && !strncmp(r->name, name, len))
			return r;
	for (const struct opt *r = opt_table; r->name; r++)
		if ((r->cmds & cmd) && len && !strncmp(r->name, name, len)) {
			hit = r;
			hits++;
		}
	if (hits == 1)
		return hit;
	if (hits > 1) {
		k = (size_t)snprintf(err, errlen,
		    "ambiguous option --%.*s (could be", (int)len, name);
		for (const struct opt *r = opt_table; r->name && k < errlen;
		     r++)
			if ((r->cmds & cmd) && !strncmp(r->name, name, len))
				k += (size_t)snprintf(
				    err + k, errlen - k, " --%s", r->name);
		if (k < errlen)
			snprintf(err + k, errlen - k, ")");
		return NULL;
	}
	/* Unknown: the nearest name of any subcommand, saying which (the
	 * only one it abbreviates counts as exact). */
	snprintf(want, sizeof(want), "%.*s", (int)(len < 63 ? len : 63), name);
	for (const struct opt *r = opt_table; r->name; r++)
		if (len && !strncmp(r->name, name, len)) {
			near = r;
			hits++;
		}
	if (hits == 1) {
		cmds_text(near->cmds, where, sizeof(where));
		snprintf(err, errlen, "--%s is an option of %s, not %s",
		    near->name, where, cmd_name(cmd));
		return NULL;
	}
	near = NULL;
	for (const struct opt *r = opt_table; r->name; r++) {
		unsigned d = strcmp(r->name, want)
		    ? parse_edit_distance(want, r->name)
		    : 0;

		if (d < best || (d == best && (r->cmds & cmd))) {
			best = d;
			near = r;
		}
	}
	if (near && best == 0) {
		cmds_text(near->cmds, where, sizeof(where));
		snprintf(err, errlen, "--%s is an option of %s, not %s",
		    near->name, where, cmd_name(cmd));
	} else if (near && best <= 1 + strlen(want) / 4) {
		cmds_text(near->cmds, where, sizeof(where));
		if (near->cmds & cmd)
			snprintf(err, errlen,
			    "unknown option --%s (did you mean --%s?)", want,
			    near->name);
		else
			snprintf(err, errlen,
			    "unknown option --%s (did you mean --%s? it is an option of %s, not %s)",
			    want, near->name, where, cmd_name(cmd));
	} else {
		snprintf(
		    err, errlen, "unknown option --%s (see --help)", want);
	}
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

/* "TSLOAD_HOST_SCALE" of row r. */
static void
env_name(const struct opt *r, char *var, size_t n)
{
	size_t k = (size_t)snprintf(var, n, "TSLOAD_");

	for (const char *p = r->name; *p && k < n - 1; p++)
		var[k++] = *p == '-' ? '_' : (char)toupper(*p);
	var[k] = '\0';
}

/* Variables TSLOAD_* that are not options: the unit tests' source dir. */
static const char *const env_other[] = { "TSLOAD_SRCDIR", NULL };

/* Warns about each TSLOAD_<NAME> variable that names no option, with the
 * nearest one (a typo in a pod spec must not go unseen). */
static void
warn_unknown_env(void)
{
	extern char **environ;

	for (char **e = environ; e && *e; e++) {
		const char       *eq   = strchr(*e, '=');
		const struct opt *near = NULL;
		char              var[80], name[80];
		unsigned          best = 99;
		size_t            n;
		bool              known = false;

		if (strncmp(*e, "TSLOAD_", 7) || !eq)
			continue;
		n = (size_t)(eq - *e);
		snprintf(var, sizeof(var), "%.*s", (int)(n < 79 ? n : 79), *e);
		for (const char *const *x = env_other; *x && !known; x++)
			known = !strcmp(var, *x);
		for (const struct opt *r = opt_table; r->name && !known; r++) {
			unsigned d;

			env_name(r, name, sizeof(name));
			known = !strcmp(var, name);
			d     = parse_edit_distance(var + 7, name + 7);
			if (d < best) {
				best = d;
				near = r;
			}
		}
		if (known)
			continue;
		if (near && best <= 2 + strlen(var + 7) / 4) {
			env_name(near, name, sizeof(name));
			log_warn(
			    "%s is not an option variable, ignored (did you mean %s, for --%s?)",
			    var, name, near->name);
		} else {
			log_warn("%s is not an option variable, ignored", var);
		}
	}
}

static int
apply_env(struct tsl_opts *o, unsigned cmd, char *err, size_t errlen)
{
	warn_unknown_env();
	for (const struct opt *r = opt_table; r->name; r++) {
		char        var[80];
		const char *v;

		if (!(r->cmds & cmd))
			continue;
		env_name(r, var, sizeof(var));
		v = getenv(var);
		if (!v)
			continue;
		if (set_value(o, r, v, var, err, errlen))
			return -EINVAL;
		o->given |= 1ull << row_index(r);
	}
	return 0;
}

bool
opts_given(const struct tsl_opts *o, const char *name)
{
	for (const struct opt *r = opt_table; r->name; r++)
		if (!strcmp(r->name, name))
			return o->given & (1ull << row_index(r));
	return false;
}

/* A seed command line names Timestream by --endpoint or --region alone:
 * without --target, that is the target (not the SQLite default). */
static void
imply_target(struct tsl_opts *o, unsigned cmd)
{
	if (cmd == CMD_WORKER || opts_given(o, "target")
	    || !(opts_given(o, "endpoint") || opts_given(o, "region")))
		return;
	free(o->target);
	o->target         = xstrdup("timestream://");
	o->target_implied = true;
}

/* A second or later --target (fan-out): kept in more_targets. v is the
 * value of "--target=URL", or NULL when it is the next argument. */
static int
add_target(struct tsl_opts *o, unsigned cmd, unsigned nth, const char *v,
    int i, int argc, const char *const *argv, char *err, size_t errlen)
{
	if (!(cmd & (CMD_INGEST | CMD_RUN | CMD_WORKER))) {
		snprintf(err, errlen,
		    "--target given %u times: only ingest and run write to several targets at once (fan-out); give one --target",
		    nth);
		return -EINVAL;
	}
	if (nth > OPTS_TARGETS_MAX) {
		snprintf(err, errlen,
		    "--target given %u times: at most %u targets at once", nth,
		    (unsigned)OPTS_TARGETS_MAX);
		return -EINVAL;
	}
	if (!v && i + 1 >= argc) {
		snprintf(err, errlen, "--target needs a value (URL)");
		return -EINVAL;
	}
	o->more_targets[o->n_more_targets++] = xstrdup(v ? v : argv[i + 1]);
	return 0;
}

static int
parse_args(struct tsl_opts *o, unsigned cmd, int argc, const char *const *argv,
    char *err, size_t errlen)
{
	int      rc = cmd == CMD_WORKER ? 0 : apply_env(o, cmd, err, errlen);
	unsigned targets = 0;

	for (int i = 1; i < argc && !rc; i++) {
		const char       *a = argv[i];
		const struct opt *r;
		const char       *v = NULL;
		char              from[96];

		if (a[0] == '-' && a[1] == '-' && a[2]) {
			const char *eq = strchr(a + 2, '=');
			size_t n = eq ? (size_t)(eq - a - 2) : strlen(a + 2);

			r = find_long(a + 2, n, cmd, err, errlen);
			if (!r)
				return -EINVAL;
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
		if (r->off == OFF(target) && ++targets > 1) {
			rc = add_target(
			    o, cmd, targets, v, i, argc, argv, err, errlen);
			if (rc)
				return rc;
			i += !v; /* the value was the next argument */
			continue;
		}
		o->given |= 1ull << row_index(r);
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
	if (!rc)
		imply_target(o, cmd);
	return rc;
}

int
opts_parse(struct tsl_opts *o, unsigned cmd, int argc, const char *const *argv,
    char *err, size_t errlen)
{
	int rc = parse_args(o, cmd, argc, argv, err, errlen);

	/* A refused value leaves nothing allocated, whatever the caller
	 * does next (a worker that gives up, a fuzzed environment). */
	if (rc)
		opts_free(o);
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
	int64_t start = 0, end = 0, now = wall_ms();
	char    why[160];

	/* Relative times are checked against the clock here; the workers
	 * resolve them against the run's start (its t0), all the same. */
	if (o->start_time[0]
	    && parse_time_ms(o->start_time, now, &start, why, sizeof(why))) {
		snprintf(err, errlen, "--start-time: %s", why);
		return -EINVAL;
	}
	if (!o->end_time[0])
		return 0;
	if (parse_time_ms(o->end_time, now, &end, why, sizeof(why))) {
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

void
opts_host_range(const struct tsl_opts *o, uint32_t *first, uint32_t *end)
{
	struct model_conf       mc = opts_model_conf(o);
	const struct model_ops *m  = model_find(o->model);
	uint32_t                n  = m ? m->hosts(&mc) : 0;

	*first = (uint32_t)o->id_start;
	*end   = o->id_end ? (uint32_t)o->id_end : n;
}

bool
opts_host_range_given(const struct tsl_opts *o)
{
	return o->id_start || o->id_end;
}

/* --id-start and --id-end: a non-empty range of the model's hosts. */
static int
check_host_range(const struct tsl_opts *o, char *err, size_t errlen)
{
	struct model_conf mc = opts_model_conf(o);
	uint64_t          n  = model_find(o->model)->hosts(&mc);
	uint32_t          first, end;

	if (o->id_end > n) {
		snprintf(err, errlen,
		    "--id-end: %llu is beyond the %llu hosts of the %s model (expected 1..%llu, or 0 for all)",
		    (unsigned long long)o->id_end, (unsigned long long)n,
		    o->model, (unsigned long long)n);
		return -EINVAL;
	}
	opts_host_range(o, &first, &end);
	if (first >= end) {
		snprintf(err, errlen,
		    "--id-start: %llu is not below %s %u (the %s model has %llu hosts, 0..%llu)",
		    (unsigned long long)o->id_start,
		    o->id_end ? "--id-end" : "the model's end,", end, o->model,
		    (unsigned long long)n, (unsigned long long)n - 1);
		return -EINVAL;
	}
	return 0;
}

/* "perf-scale, ..." of the registered models. */
static void
model_names(char *out, size_t n)
{
	const struct model_ops *const *m  = model_list();
	size_t                         at = 0;

	out[0] = '\0';
	for (; *m && at < n; m++)
		at += (size_t)snprintf(
		    out + at, n - at, "%s%s", at ? ", " : "", (*m)->name);
}

/* The checks of one --target URL. */
static int
check_target(const struct tsl_opts *o, unsigned cmd, const char *url,
    char *err, size_t errlen)
{
	const struct target_ops *t = target_find(url);
	char                     names[256];

	if (!t) {
		scheme_list(names, sizeof(names), 0);
		snprintf(err, errlen,
		    "--target: unknown scheme in \"%s\" (expected one of: %s)",
		    url, names);
		return -EINVAL;
	}
	if ((cmd & (CMD_QUERY | CMD_RUN)) && url == o->target
	    && !(t->flags & TGT_F_QUERY)) {
		scheme_list(names, sizeof(names), TGT_F_QUERY);
		snprintf(err, errlen,
		    "--target: %s: cannot run queries (targets that can: %s)",
		    t->name, names);
		return -EINVAL;
	}
	if ((t->flags & TGT_F_HOSTS) && cluster_wanted(url)) {
		/* a cluster: its balance, then each host's own URL */
		struct cluster *c  = xmalloc(sizeof(*c));
		int             rc = cluster_parse(c, url, err, errlen);

		for (unsigned i = 0; !rc && t->check && i < c->n; i++)
			rc = t->check(c->h[i].url, err, errlen);
		free(c);
		if (rc)
			return -EINVAL;
	} else if (t->check && t->check(url, err, errlen)) {
		return -EINVAL;
	}
	if (check_endpoint(o->endpoint, err, errlen))
		return -EINVAL;
	if (t->max_batch && o->batch_writes && !opts_batch_auto(o)
	    && o->batch_size > t->max_batch) {
		snprintf(err, errlen,
		    "--batch-size: %llu is more than the %zu records a %s write takes (expected 1..%zu)",
		    (unsigned long long)o->batch_size, t->max_batch, t->name,
		    t->max_batch);
		return -EINVAL;
	}
	return 0;
}

int
opts_validate(const struct tsl_opts *o, unsigned cmd, char *err, size_t errlen)
{
	char names[256];

	if (!model_find(o->model)) {
		model_names(names, sizeof(names));
		snprintf(err, errlen,
		    "--model: unknown model \"%s\" (expected one of: %s)",
		    o->model, names);
		return -EINVAL;
	}
	if (cmd
	    & (CMD_INGEST | CMD_CLEANUP | CMD_WORKER | CMD_QUERY | CMD_RUN)) {
		for (unsigned i = 0; i < opts_n_targets(o); i++)
			if (check_target(
			        o, cmd, opts_target(o, i), err, errlen))
				return -EINVAL;
		if (opts_n_targets(o) > 1 && o->batch_writes
		    && opts_batch_auto(o)) {
			snprintf(err, errlen,
			    "--batch-size auto with %u targets: the size is searched per target write; give a fixed --batch-size",
			    opts_n_targets(o));
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
	    && (check_time_range(o, err, errlen)
	        || check_host_range(o, err, errlen)))
		return -EINVAL;
	if (o->req_id_dim && !o->add_req_id
	    && (cmd & (CMD_INGEST | CMD_RUN))) {
		snprintf(err, errlen,
		    "--req-id-dim only has a meaning with --add-req-id");
		return -EINVAL;
	}
	return 0;
}

struct model_conf
opts_model_conf(const struct tsl_opts *o)
{
	return (struct model_conf) {
		.host_scale    = (unsigned)o->host_scale,
		.instance_seed = o->instance_seed,
		.multi         = o->multi,
		.req_id        = opts_tgt_conf(o).req_id,
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
	case OPT_U64_AUTO:
		if (!*(const uint64_t *)cfield(o, r)) {
			buf_adds(b, "auto");
			break;
		}
		/* fall through */
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

/* Appends s with '\\', line breaks and other control bytes escaped. */
static void
escape_text(struct buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\\')
			buf_adds(b, "\\\\");
		else if (c == '\n')
			buf_adds(b, "\\n");
		else if (c < 0x20 || c == 0x7f)
			buf_printf(b, "\\x%02x", c);
		else
			buf_addc(b, (char)c);
	}
}

/* Undoes escape_text in place. @return 0, or -EINVAL on a bad escape. */
static int
unescape_text(char *s)
{
	char *w = s;

	for (; *s; s++) {
		unsigned hi, lo;

		if (*s != '\\') {
			*w++ = *s;
			continue;
		}
		s++;
		if (*s == '\\' || *s == 'n') {
			*w++ = *s == 'n' ? '\n' : '\\';
			continue;
		}
		if (*s != 'x' || !isxdigit((unsigned char)s[1])
		    || !isxdigit((unsigned char)s[2]))
			return -EINVAL;
		hi   = (unsigned)(isdigit((unsigned char)s[1])
		          ? s[1] - '0'
		          : tolower((unsigned char)s[1]) - 'a' + 10);
		lo   = (unsigned)(isdigit((unsigned char)s[2])
		          ? s[2] - '0'
		          : tolower((unsigned char)s[2]) - 'a' + 10);
		*w++ = (char)(hi << 4 | lo);
		s += 2;
	}
	*w = '\0';
	return 0;
}

void
opts_to_text(const struct tsl_opts *o, unsigned cmd, struct buf *b)
{
	for (const struct opt *r = opt_table; r->name; r++) {
		if (!(r->cmds & cmd) || !(r->cmds & CMD_WORKER)
		    || r->off == OFF(help) || r->off == OFF(connect))
			continue;
		buf_printf(b, "--%s=", r->name);
		if (r->type == OPT_STR)
			escape_text(b, *(char *const *)cfield(o, r));
		else
			value_text(o, r, b);
		buf_addc(b, '\n');
		for (unsigned i = 0;
		     r->off == OFF(target) && i < o->n_more_targets; i++) {
			buf_printf(b, "--%s=", r->name);
			escape_text(b, o->more_targets[i]);
			buf_addc(b, '\n');
		}
	}
}

int
opts_parse_text(struct tsl_opts *o, unsigned cmd, const char *text, char *err,
    size_t errlen)
{
	char        *copy = xstrdup(text);
	const char **argv;
	int          argc = 1, rc = 0;

	argv    = xcalloc(strlen(text) + 2, sizeof(*argv));
	argv[0] = "worker";
	for (char *line = strtok(copy, "\n"); line && !rc;
	     line       = strtok(NULL, "\n")) {
		char *eq = strchr(line, '=');

		if (eq && unescape_text(eq + 1)) {
			snprintf(
			    err, errlen, "bad escape in option line %d", argc);
			rc = -EINVAL;
		}
		argv[argc++] = line;
	}
	if (!rc)
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
		case OPT_U64_AUTO:
			if (!*(const uint64_t *)cfield(o, r)) {
				rc = json_str(w, "auto");
				break;
			}
			/* fall through */
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
	if (!rc && o->n_more_targets && (cmd & (CMD_INGEST | CMD_RUN))) {
		rc = json_key(w, "targets") | json_arr_begin(w);
		for (unsigned i = 0; i < opts_n_targets(o) && !rc; i++) {
			char shown[1024];

			target_url_redact(
			    opts_target(o, i), shown, sizeof(shown));
			rc = json_str(w, shown);
		}
		rc |= json_arr_end(w);
	}
	return rc;
}

/* Help columns: options from 2, their text from HELP_COL, lines end
 * before HELP_WIDTH. */
enum { HELP_COL = 32, HELP_WIDTH = 80 };

/* Prints text from column col, wrapped at spaces before HELP_WIDTH, each
 * further line indented to HELP_COL. */
static void
print_wrapped(FILE *f, const char *text, int col)
{
	while (*text) {
		int room = HELP_WIDTH - 1 - col, n = (int)strlen(text);

		if (n > room) {
			n = room;
			while (n > 0 && text[n] != ' ')
				n--;
			if (n == 0)
				n = room;
		}
		fprintf(f, "%.*s\n", n, text);
		text += n;
		while (*text == ' ')
			text++;
		if (*text)
			fprintf(f, "%*s", HELP_COL, "");
		col = HELP_COL;
	}
}

void
opts_usage(unsigned cmd, FILE *f)
{
	for (unsigned g = 0; g < G_N; g++) {
		bool title = false;

		for (const struct opt *r = opt_table; r->name; r++) {
			char left[64], text[256];
			int  n;

			if (!(r->cmds & cmd) || r->group != g)
				continue;
			if (!title)
				fprintf(f, "\n%s:\n", group_title[g]);
			title = true;
			if (r->shortname)
				n = snprintf(left, sizeof(left), "  -%c, ",
				    r->shortname);
			else
				n = snprintf(left, sizeof(left), "      ");
			n += snprintf(left + n, sizeof(left) - (size_t)n,
			    "--%s%s%s", r->name, r->meta ? " " : "",
			    r->meta ? r->meta : "");
			if (r->type != OPT_BOOL && r->def[0]
			    && r->off != OFF(help))
				snprintf(text, sizeof(text), "%s [%s]",
				    r->help, r->def);
			else
				snprintf(text, sizeof(text), "%s", r->help);
			/* A long option name gets a line of its own. */
			if (n >= HELP_COL - 1)
				fprintf(f, "%s\n%*s", left, HELP_COL, "");
			else
				fprintf(f, "%-*s", HELP_COL, left);
			print_wrapped(f, text, HELP_COL);
		}
	}
}
