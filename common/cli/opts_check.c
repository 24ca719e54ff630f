/* opts_check.c - what the option values mean together: opts_validate
 * (time and host ranges, rates, the continuous model, the spool, the
 * targets, remote workers), and the figures derived from them.
 */
#include "opts.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "continuous.h"
#include "opts_table.h"
#include "parse.h"
#include "schedule.h"
#include "spool.h"
#include "target.h"
#include "xalloc.h"

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
 * user name or password can sit in it (the options go to run.json);
 * name is the option the user gave it as. */
static int
check_endpoint(const char *url, const char *name, char *err, size_t errlen)
{
	const char *p = strstr(url, "://");
	size_t      n;

	if (!*url)
		return 0;
	if (!p
	    || (strncmp(url, "http://", 7) && strncmp(url, "https://", 8))) {
		snprintf(err, errlen,
		    "%s: expected http://HOST[:PORT] or https://HOST[:PORT]",
		    name);
		return -EINVAL;
	}
	p += 3;
	n = strcspn(p, "/?#");
	if (!n || memchr(p, '@', n) || strspn(p + n, "/") != strlen(p + n)) {
		snprintf(err, errlen,
		    "%s: expected http[s]://HOST[:PORT], without user, path or query",
		    name);
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

	uint32_t a, b;

	*first = (uint32_t)o->id_start;
	*end   = o->id_end ? (uint32_t)o->id_end : n;
	if (o->shard_count > 1 && *end > *first
	    && !model_shard(*end - *first, (uint32_t)o->shard_count,
	        (uint32_t)o->shard_index, &a, &b)) {
		*end   = *first + b;
		*first = *first + a;
	}
}

bool
opts_host_range_given(const struct tsl_opts *o)
{
	return o->id_start || o->id_end || o->shard_count > 1;
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
	if (o->shard_count > 1) {
		uint64_t from = o->id_start, to = o->id_end ? o->id_end : n;

		if (o->shard_index >= o->shard_count) {
			snprintf(err, errlen,
			    "--shard-index: %llu is not below --shard-count %llu",
			    (unsigned long long)o->shard_index,
			    (unsigned long long)o->shard_count);
			return -EINVAL;
		}
		if (to > from && o->shard_count > to - from) {
			snprintf(err, errlen,
			    "--shard-count: %llu parts of %llu hosts leave some empty (expected 1..%llu)",
			    (unsigned long long)o->shard_count,
			    (unsigned long long)(to - from),
			    (unsigned long long)(to - from));
			return -EINVAL;
		}
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

/* --bad-data: targets whose encoding has invalid records their server
 * refuses and counts (README "Bad data"): influx, vm, postgres, promrw;
 * and the file, stdout and null targets in the lp, pgcopy or promrw
 * format, which write them as they are. */
static int
check_bad_data(
    const char *url, const struct target_ops *t, char *err, size_t errlen)
{
	static const char *const servers[]
	    = { "influx", "vm", "postgres", "promrw" };
	static const char *const local[] = { "file", "stdout", "null" };
	const char              *f       = strstr(url, "format=");

	for (size_t i = 0; i < 4; i++)
		if (!strcmp(t->name, servers[i]))
			return 0;
	for (size_t i = 0; i < 3; i++)
		if (!strcmp(t->name, local[i])
		    && (!f || !strncmp(f + 7, "lp", 2)
		        || !strncmp(f + 7, "pgcopy", 6)
		        || !strncmp(f + 7, "promrw", 6)))
			return 0;
	snprintf(err, errlen,
	    "--bad-data: the %s target has no invalid records tsload can send and count (targets that do: influx, vm, postgres, promrw; file, stdout and null with format=lp, pgcopy or promrw)",
	    t->name);
	return -EINVAL;
}

int
opts_sched(const struct tsl_opts *o, struct sched *s, char *err, size_t errlen)
{
	char why[400];
	int  rc;

	if (o->schedule[0]) {
		rc = sched_load(s, o->schedule, why, sizeof(why));
		if (rc)
			snprintf(err, errlen, "--schedule %s: %s", o->schedule,
			    why);
		return rc ? rc : 1;
	}
	if (o->rate > 0)
		return sched_const(s, o->rate) ? -EINVAL : 1;
	return 0;
}

bool
opts_rate_records(const struct tsl_opts *o)
{
	return !strcmp(o->rate_unit, "records");
}

/* --rate, --rate-unit, --schedule (the file read and checked) and
 * --max-lag. */
static int
check_rate(const struct tsl_opts *o, unsigned cmd, char *err, size_t errlen)
{
	struct sched s;
	int          rc;

	if (strcmp(o->rate_unit, "points")
	    && strcmp(o->rate_unit, "records")) {
		snprintf(err, errlen,
		    "--rate-unit: invalid value \"%.40s\" (expected points or records)",
		    o->rate_unit);
		return -EINVAL;
	}
	if (o->rate > 0 && o->schedule[0]) {
		snprintf(err, errlen,
		    "--rate and --schedule: give one of them (a schedule sets the rate)");
		return -EINVAL;
	}
	if (o->max_lag_ms && !(o->rate > 0) && !o->schedule[0]) {
		snprintf(err, errlen,
		    "--max-lag needs --rate or --schedule (without them nothing is late)");
		return -EINVAL;
	}
	if (cmd == CMD_WORKER)
		return 0; /* the worker reads the file itself */
	rc = opts_sched(o, &s, err, errlen);
	if (rc < 0)
		return rc;
	if (rc > 0)
		sched_free(&s);
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

/* The continuous model's options: given only with it, frequency codes
 * known, the include lists and the rest as the model checks them. A
 * worker gets every row as text, so it is not asked. */
static int
check_continuous(
    const struct tsl_opts *o, unsigned cmd, char *err, size_t errlen)
{
	struct model_conf mc;

	if (cmd == CMD_WORKER)
		return 0;
	if (!opts_continuous(o)) {
		for (const struct opt *r = opt_table; r->name; r++)
			if (r->group == G_CONT && (r->cmds & cmd)
			    && opt_is_given(o, opt_row_index(r))) {
				snprintf(err, errlen,
				    "--%s: only --model continuous takes it (the model is %s)",
				    r->name, o->model);
				return -EINVAL;
			}
		return 0;
	}
	if ((cmd & (CMD_INGEST | CMD_RUN))
	    && (!opt_frq_period(o->sin_frq) || !opt_frq_period(o->saw_frq))) {
		snprintf(err, errlen,
		    "--%s-frq-cpu: invalid value \"%s\" (expected m, h, d, we, mo, qu or ye)",
		    opt_frq_period(o->sin_frq) ? "saw" : "sin",
		    opt_frq_period(o->sin_frq) ? o->saw_frq : o->sin_frq);
		return -EINVAL;
	}
	mc = opts_model_conf(o);
	return continuous_check_conf(&mc, err, errlen) ? -EINVAL : 0;
}

/* The target URL as a spool's identity names it: no user name or
 * password before the host, password= in the query as "***". */
static void
spool_target_text(const char *url, char *out, size_t n)
{
	char        red[1024];
	const char *auth, *at;

	target_url_redact(url, red, sizeof(red));
	at = target_url_userinfo(red, &auth);
	if (at)
		snprintf(out, n, "%.*s%s", (int)(auth - red), red, at + 1);
	else
		snprintf(out, n, "%s", red);
}

void
opts_spool_ident(const struct tsl_opts *o, unsigned k, uint32_t first_host,
    uint32_t h0, uint32_t h1, char *out, size_t n)
{
	struct tgt_conf c = opts_tgt_conf_at(o, k);
	char            tgt[1024];

	spool_target_text(opts_target(o, k), tgt, sizeof(tgt));
	/* the continuous model's filters and scales change its hosts too,
	 * as the datagen model's file does;
	 * the target says where the records go (a fan-out in another order
	 * must not send them elsewhere) */
	snprintf(out, n,
	    "tsload spool 1 %s; model=%s host-scale=%llu instance-name-seed=%lld multi=%d req-id=%u include-region=%.100s include-ms=%.100s region-scale=%llu ms-scale=%llu%s%.200s hosts=%u+%u..%u target=%.300s",
	    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? "le" : "be", o->model,
	    (unsigned long long)o->host_scale, (long long)o->instance_seed,
	    o->multi, c.req_id, o->include_region, o->include_ms,
	    (unsigned long long)o->region_scale,
	    (unsigned long long)o->ms_scale,
	    o->model_file[0] ? " model-file=" : "", o->model_file, first_host,
	    h0, h1, tgt);
}

/* --spool-*: a policy it knows, and room for a batch in every thread's
 * share of the cap. */
/* --freshness: every target can be probed with a point query in its own
 * language (the dialects the worker's probe speaks, fresh.c). */
static int
check_freshness(const struct tsl_opts *o, char *err, size_t errlen)
{
	static const char *const ok[] = { "sqlite", "postgres", "clickhouse",
		"metricsql", "promql", "influxql", "timestream" };

	if (!o->freshness)
		return 0;
	for (unsigned i = 0; i < opts_n_targets(o); i++) {
		const char              *url   = opts_target(o, i);
		const struct target_ops *ops   = target_find(url);
		bool                     found = false;

		for (size_t j = 0;
		     ops && ops->dialect && j < sizeof(ok) / sizeof(ok[0]);
		     j++)
			found |= !strcmp(ops->dialect, ok[j]);
		if (!found) {
			snprintf(err, errlen,
			    "--freshness: target %.*s: has no query to probe (freshness probes sqlite:, postgres://, clickhouse://, vm://, promrw://, influx:// and timestream:// targets)",
			    (int)strcspn(url, ":"), url);
			return -EINVAL;
		}
	}
	return 0;
}

static int
check_spool(const struct tsl_opts *o, char *err, size_t errlen)
{
	enum spool_full f;
	uint64_t        share;

	if (spool_full_parse(o->spool_full, &f)) {
		snprintf(err, errlen,
		    "--spool-full: invalid value \"%s\" (expected block, drop-oldest or drop-new)",
		    o->spool_full);
		return -EINVAL;
	}
	if (!o->spool_dir[0])
		return 0;
	share = opts_spool_share(o);
	if (share < OPTS_SPOOL_MIN && opts_n_targets(o) > 1) {
		snprintf(err, errlen,
		    "--spool-max: %llu bytes leave %llu to each of the %llu spools (threads times %u targets), less than the %u a spool needs",
		    (unsigned long long)o->spool_max,
		    (unsigned long long)share,
		    (unsigned long long)(opts_workers(o) * o->concurrency
		        * opts_n_targets(o)),
		    opts_n_targets(o), OPTS_SPOOL_MIN);
		return -EINVAL;
	}
	if (share < OPTS_SPOOL_MIN) {
		snprintf(err, errlen,
		    "--spool-max: %llu bytes leave %llu to each of the %llu threads, less than the %u a thread's spool needs",
		    (unsigned long long)o->spool_max,
		    (unsigned long long)share,
		    (unsigned long long)(opts_workers(o) * o->concurrency),
		    OPTS_SPOOL_MIN);
		return -EINVAL;
	}
	return 0;
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
	if ((cmd & (CMD_INGEST | CMD_RUN | CMD_WORKER))
	    && !(t->flags & TGT_F_WRITE)) {
		scheme_list(names, sizeof(names), TGT_F_WRITE);
		snprintf(err, errlen,
		    "--target: %s: takes only the lines of tsload stream (targets ingest writes: %s)",
		    t->name, names);
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
	if (check_endpoint(o->endpoint,
	        o->endpoint_url[0] ? "--endpoint-url" : "--endpoint", err,
	        errlen))
		return -EINVAL;
	if (t->max_batch && o->batch_writes && !opts_batch_auto(o)
	    && o->batch_size > t->max_batch) {
		snprintf(err, errlen,
		    "--batch-size: %llu is more than the %zu records a %s write takes (expected 1..%zu)",
		    (unsigned long long)o->batch_size, t->max_batch, t->name,
		    t->max_batch);
		return -EINVAL;
	}
	if (o->bad_data > 0 && check_bad_data(url, t, err, errlen))
		return -EINVAL;
	return 0;
}

/* --listen, --remote-workers, --token, --on-worker-loss and -p 0. */
static int
check_remote(const struct tsl_opts *o, unsigned cmd, char *err, size_t errlen)
{
	if (!(cmd & (CMD_INGEST | CMD_QUERY | CMD_RUN))) {
		if (cmd == CMD_GENERATE && !o->processes) {
			snprintf(
			    err, errlen, "--processes: 0 (expected 1..4096)");
			return -EINVAL;
		}
		return 0;
	}
	if (strcmp(o->on_loss, "fail") && strcmp(o->on_loss, "continue")) {
		snprintf(err, errlen,
		    "--on-worker-loss: invalid value \"%s\" (expected fail or continue)",
		    o->on_loss);
		return -EINVAL;
	}
	if (!o->processes && !o->remote_workers) {
		snprintf(err, errlen,
		    "--processes: 0 local workers and no --remote-workers: the run needs a worker");
		return -EINVAL;
	}
	if (o->remote_workers && !o->listen[0]) {
		snprintf(err, errlen,
		    "--remote-workers %llu: give --listen tcp://ADDR:PORT for them to join",
		    (unsigned long long)o->remote_workers);
		return -EINVAL;
	}
	if (!o->listen[0])
		return 0;
	if (strncmp(o->listen, "tcp://", 6) || !strchr(o->listen + 6, ':')) {
		snprintf(err, errlen,
		    "--listen: \"%s\" is not tcp://ADDR:PORT (e.g. tcp://0.0.0.0:7400)",
		    o->listen);
		return -EINVAL;
	}
	if (!o->remote_workers) {
		snprintf(err, errlen,
		    "--listen %s: say how many workers join there with --remote-workers N",
		    o->listen);
		return -EINVAL;
	}
	if (!o->token[0]) {
		snprintf(err, errlen,
		    "--listen %s: workers from other hosts need a shared secret: --token or TSLOAD_TOKEN",
		    o->listen);
		return -EINVAL;
	}
	return 0;
}

int
opts_validate(const struct tsl_opts *o, unsigned cmd, char *err, size_t errlen)
{
	char names[256];

	if (check_remote(o, cmd, err, errlen))
		return -EINVAL;
	if (!model_find(o->model)) {
		model_names(names, sizeof(names));
		snprintf(err, errlen,
		    "--model: unknown model \"%s\" (expected one of: %s)",
		    o->model, names);
		return -EINVAL;
	}
	if (check_continuous(o, cmd, err, errlen))
		return -EINVAL;
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
		if (check_freshness(o, err, errlen))
			return -EINVAL;
		if (check_spool(o, err, errlen))
			return -EINVAL;
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
		    "--params: invalid value \"%s\" (expected table, fixed or random)",
		    o->params);
		return -EINVAL;
	}
	if ((cmd & (CMD_INGEST | CMD_RUN | CMD_WORKER))
	    && (check_time_range(o, err, errlen)
	        || check_host_range(o, err, errlen)))
		return -EINVAL;
	if ((cmd
	        & (CMD_INGEST | CMD_QUERY | CMD_RUN | CMD_WORKER | CMD_STREAM))
	    && check_rate(o, cmd, err, errlen))
		return -EINVAL;
	if (o->req_id_dim && !o->add_req_id
	    && (cmd & (CMD_INGEST | CMD_RUN))) {
		snprintf(err, errlen,
		    "--req-id-dim only has a meaning with --add-req-id");
		return -EINVAL;
	}
	return 0;
}
