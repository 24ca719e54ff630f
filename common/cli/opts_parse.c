/* opts_parse.c - the options of a command from argv and the
 * environment (TSLOAD_<NAME>, the seeds' variables, a worker's joining
 * variables), and what the seeds mean by theirs.
 */
#include "opts.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "datagen.h"
#include "log.h"
#include "opts_table.h"
#include "parse.h"
#include "seedenv.h"
#include "xalloc.h"

static const char *const cmd_names[]
    = { "ingest", "model", "cleanup", "worker", "query", "run", "generate",
	      "stream", "report", "compare", "verify" };
enum { N_CMDS = sizeof(cmd_names) / sizeof(cmd_names[0]) };

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
	for (unsigned i = 0; i < N_CMDS && k < n; i++) {
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
	for (unsigned i = 0; i < N_CMDS; i++)
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
		if ((r->cmds & cmd) && opt_short_ok(r, cmd)
		    && r->shortname == c)
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

/* Variables TSLOAD_* that are not options: the unit tests' source dir,
 * the raw latencies of worker/latlog.h. */
static const char *const env_other[]
    = { "TSLOAD_SRCDIR", "TSLOAD_TEST_LATENCIES", NULL };

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

static const char *
env_get(const char *name)
{
	return getenv(name);
}

/* The data generator's variables (seedenv.h), for the options that no
 * TSLOAD_* variable gave. */
static int
apply_seed_env(struct tsl_opts *o, unsigned cmd, char *err, size_t errlen)
{
	struct seedenv se;

	if (!(cmd & (CMD_INGEST | CMD_RUN)))
		return 0;
	if (seedenv_translate(env_get, wall_ms(), &se, err, errlen))
		return -EINVAL;
	for (unsigned i = 0; i < se.n; i++) {
		const struct opt *r;
		char              from[96];

		for (r = opt_table; r->name; r++)
			if ((r->cmds & cmd) && !strcmp(r->name, se.kv[i].opt))
				break;
		if (!r->name || opt_is_given(o, opt_row_index(r)))
			continue;
		snprintf(
		    from, sizeof(from), "%s (as --%s)", se.kv[i].var, r->name);
		if (opt_set_value(o, r, se.kv[i].val, from, err, errlen))
			return -EINVAL;
		opt_set_given(o, opt_row_index(r));
	}
	for (unsigned i = 0; i < se.n_notes; i++)
		log_info("%s", se.note[i]);
	return 0;
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
		if (opt_set_value(o, r, v, var, err, errlen))
			return -EINVAL;
		opt_set_given(o, opt_row_index(r));
	}
	return apply_seed_env(o, cmd, err, errlen);
}

/* A seed command line names Timestream by --endpoint or --region alone:
 * without --target, that is the target (not the SQLite default). */
static void
imply_target(struct tsl_opts *o, unsigned cmd)
{
	if (cmd == CMD_WORKER || opts_given(o, "target")
	    || !(opts_given(o, "endpoint") || opts_given(o, "region")
	        || opts_given(o, "endpoint-url")))
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

static void
set_str(char **field, const char *v)
{
	char *copy = xstrdup(v);

	free(*field);
	*field = copy;
}

/* --model-file implies --model datagen, which needs it; the file is read
 * here (a bad one is one line, exit 2), and names the table unless
 * --table-name does (the seed's default table is the model key). */
static int
datagen_meaning(struct tsl_opts *o, unsigned cmd, char *err, size_t errlen)
{
	struct dg_spec s;

	if (o->model_file[0] && !opts_given(o, "model"))
		set_str(&o->model, "datagen");
	if (strcmp(o->model, "datagen")) {
		if (!o->model_file[0])
			return 0;
		snprintf(err, errlen,
		    "--model-file: only --model datagen reads it (the model is %s)",
		    o->model);
		return -EINVAL;
	}
	if (!o->model_file[0]) {
		snprintf(err, errlen,
		    "--model datagen needs --model-file FILE (the data generator's data-model JSON)");
		return -EINVAL;
	}
	if (dg_spec_load(&s, o->model_file, err, errlen)) {
		dg_spec_free(&s);
		return -EINVAL;
	}
	if (!opts_given(o, "table-name") && (cmd & (CMD_INGEST | CMD_RUN)))
		set_str(&o->table, s.model);
	/* a worker's channels of distinct non-id tags are its dimension
	 * groups, at most DG_MAX_GROUPS (at most the hierarchy's size) */
	{
		uint64_t end = o->id_end ? o->id_end : s.hierarchy;
		uint64_t n   = end > o->id_start ? end - o->id_start : 0;
		uint64_t k   = o->shard_count * o->processes;

		n = k ? (n + k - 1) / k : n;
		if ((n < s.hierarchy ? n : s.hierarchy) > DG_MAX_GROUPS) {
			snprintf(err, errlen,
			    "--model-file %s: a worker would hold up to %llu combinations of the tags (at most %u): use more -p or --shard-count, or a narrower --id-start/--id-end",
			    o->model_file, (unsigned long long)n,
			    (unsigned)DG_MAX_GROUPS);
			dg_spec_free(&s);
			return -EINVAL;
		}
	}
	dg_spec_free(&s);
	return 0;
}

/* --shard-count N: the shard is --shard-index, or Kubernetes'
 * JOB_COMPLETION_INDEX (an Indexed Job's pod). */
static int
shard_meaning(struct tsl_opts *o, char *err, size_t errlen)
{
	const char *ix = getenv("JOB_COMPLETION_INDEX");
	char        why[160];

	if (o->shard_count < 2 || opts_given(o, "shard-index"))
		return 0;
	if (!ix) {
		snprintf(err, errlen,
		    "--shard-count %llu needs --shard-index (or JOB_COMPLETION_INDEX, which Kubernetes sets in an Indexed Job's pods)",
		    (unsigned long long)o->shard_count);
		return -EINVAL;
	}
	if (parse_u64(ix, 0, 4095, &o->shard_index, why, sizeof(why))) {
		snprintf(err, errlen, "JOB_COMPLETION_INDEX: %s", why);
		return -EINVAL;
	}
	return 0;
}

/* What the seeds mean by their options, said once on the command line's
 * side (a worker gets the outcome as text). The continuous ingestor's
 * (seed-behaviour.md §1.5): -e/--endpoint and -r/--region are the
 * region, --endpoint-url/-url the URL; its defaults -c 10 and
 * --host-scale 1 when not given; its own pacing (--interval-millis 0:
 * the model's step) unless an interval is given. Any model:
 * --endpoint-url is --endpoint; --dry-run writes to null:. */
/* --replay DIR sends the spool in DIR: it is the run's --spool-dir. */
static int
replay_dir(struct tsl_opts *o, char *err, size_t errlen)
{
	if (!o->replay || !o->replay[0])
		return 0;
	if (o->spool_dir[0] && strcmp(o->spool_dir, o->replay)) {
		snprintf(err, errlen,
		    "--replay %s and --spool-dir %s: the spool replayed is the --replay one; give one of them",
		    o->replay, o->spool_dir);
		return -EINVAL;
	}
	free(o->spool_dir);
	o->spool_dir = xstrdup(o->replay);
	return 0;
}

static int
seed_meaning(struct tsl_opts *o, unsigned cmd, char *err, size_t errlen)
{
	if (opts_continuous(o)) {
		if (opts_given(o, "endpoint")) {
			if (opts_given(o, "region")
			    && strcmp(o->region, o->endpoint)) {
				snprintf(err, errlen,
				    "-e/--endpoint \"%s\" and -r/--region \"%s\": with --model continuous both name the region; give one",
				    o->endpoint, o->region);
				return -EINVAL;
			}
			set_str(&o->region, o->endpoint);
			set_str(&o->endpoint, "");
		}
		if (!opts_given(o, "concurrency")
		    && (cmd & (CMD_INGEST | CMD_RUN)))
			o->concurrency = 10;
		if (!opts_given(o, "host-scale"))
			o->host_scale = 1;
		if (!opts_given(o, "interval-millis"))
			o->interval_ms = 0;
	}
	if (o->endpoint_url[0]) {
		if (o->endpoint[0] && strcmp(o->endpoint, o->endpoint_url)) {
			snprintf(err, errlen,
			    "--endpoint-url \"%s\" and --endpoint \"%s\" name two endpoints; give one",
			    o->endpoint_url, o->endpoint);
			return -EINVAL;
		}
		set_str(&o->endpoint, o->endpoint_url);
	}
	if (datagen_meaning(o, cmd, err, errlen)
	    || shard_meaning(o, err, errlen))
		return -EINVAL;
	imply_target(o, cmd);
	if (o->dry_run) {
		set_str(&o->target, "null:");
		o->target_implied = false;
	}
	return 0;
}

/* Long options that a seed spells with one dash (argparse takes any
 * spelling): the continuous ingestor's -url. */
static const struct {
	const char *dash, *name;
} dash_long[] = { { "url", "endpoint-url" } };

/* The row of a one-dash long option a ("url" or "url=X" after the dash)
 * for cmd, with its value in *v when given after '='; NULL if none. */
static const struct opt *
find_dash_long(const char *a, unsigned cmd, const char **v)
{
	size_t n = strcspn(a, "=");

	for (size_t i = 0; i < sizeof(dash_long) / sizeof(dash_long[0]); i++) {
		if (strlen(dash_long[i].dash) != n
		    || strncmp(a, dash_long[i].dash, n))
			continue;
		for (const struct opt *r = opt_table; r->name; r++)
			if ((r->cmds & cmd)
			    && !strcmp(r->name, dash_long[i].name)) {
				*v = a[n] ? a + n + 1 : NULL;
				return r;
			}
	}
	return NULL;
}

/* A worker takes from the environment only what joining needs (the
 * coordinator sends the rest): TSLOAD_CONNECT, TSLOAD_TOKEN and the slot
 * it asks for, TSLOAD_SHARD_INDEX or JOB_COMPLETION_INDEX. */
static int
apply_worker_env(struct tsl_opts *o, char *err, size_t errlen)
{
	for (const struct opt *r = opt_table; r->name; r++) {
		char        var[80];
		const char *v;

		if (r->off != OFF(connect) && r->off != OFF(token)
		    && r->off != OFF(shard_index))
			continue;
		env_name(r, var, sizeof(var));
		/* an Indexed Job's pod asks for its slot by its index */
		if (r->off == OFF(shard_index) && !getenv(var))
			snprintf(var, sizeof(var), "JOB_COMPLETION_INDEX");
		v = getenv(var);
		if (!v)
			continue;
		if (opt_set_value(o, r, v, var, err, errlen))
			return -EINVAL;
		opt_set_given(o, opt_row_index(r));
	}
	return 0;
}

static int
parse_args(struct tsl_opts *o, unsigned cmd, int argc, const char *const *argv,
    char *err, size_t errlen)
{
	int      rc      = cmd == CMD_WORKER ? apply_worker_env(o, err, errlen)
	                                     : apply_env(o, cmd, err, errlen);
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
		} else if (a[0] == '-'
		    && (r = find_dash_long(a + 1, cmd, &v))) {
			snprintf(from, sizeof(from), "-%.*s/--%s",
			    (int)strcspn(a + 1, "="), a + 1, r->name);
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
		} else if (cmd & (CMD_STREAM | CMD_REPORT | CMD_COMPARE)) {
			/* SINK [FILE...], DIR... */
			o->args = xrealloc(
			    o->args, (o->nargs + 1) * sizeof(*o->args));
			o->args[o->nargs++] = xstrdup(a);
			continue;
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
		opt_set_given(o, opt_row_index(r));
		if (r->type == OPT_BOOL && !v) {
			*(bool *)opt_field(o, r) = true;
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
		rc = opt_set_value(o, r, v, from, err, errlen);
	}
	if (!rc && cmd != CMD_WORKER)
		rc = seed_meaning(o, cmd, err, errlen);
	if (!rc)
		rc = replay_dir(o, err, errlen);
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
