/* runset.c - run.json files read back and merged (runset.h). */
#include "runset.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "fs.h"
#include "jsonr.h"
#include "verify_show.h"
#include "xalloc.h"

enum { RUNSET_JSON_MAX = 256u << 20 };

void
runset_init(struct runset *s)
{
	memset(s, 0, sizeof(*s));
}

void
runset_free(struct runset *s)
{
	for (unsigned i = 0; i < s->n; i++) {
		free(s->run[i].options);
		free(s->run[i].verify);
	}
	for (unsigned i = 0; i < s->ng; i++) {
		free(s->g[i].h);
		free(s->g[i].hi);
		free(s->g[i].hl);
		free(s->g[i].hf);
	}
	memset(s, 0, sizeof(*s));
}

struct runset_group *
runset_find(struct runset *s, const char *name)
{
	for (unsigned i = 0; i < s->ng; i++)
		if (!strcmp(s->g[i].name, name))
			return &s->g[i];
	return NULL;
}

struct runset_group *
runset_group(struct runset *s, const char *name, const char *kind)
{
	struct runset_group *g = runset_find(s, name);

	if (g || s->ng == RUNSET_MAX_GROUPS)
		return g;
	g = &s->g[s->ng++];
	snprintf(g->name, sizeof(g->name), "%s", name);
	snprintf(g->kind, sizeof(g->kind), "%s", kind);
	g->h  = xmalloc(sizeof(*g->h));
	g->hi = xmalloc(sizeof(*g->hi));
	g->hl = xmalloc(sizeof(*g->hl));
	g->hf = xmalloc(sizeof(*g->hf));
	hist_init(g->h);
	hist_init(g->hi);
	hist_init(g->hl);
	hist_init(g->hf);
	return g;
}

static uint64_t
get_u64(const struct jsonr_val *o, const char *key)
{
	int64_t v = 0;

	if (!o || jsonr_get_i64(o, key, &v) || v < 0)
		return 0;
	return (uint64_t)v;
}

/* A histogram of run.json (key: its name, for the messages) into h
 * (added to what h has). */
static int
add_hist(struct hist *h, const struct jsonr_val *lh, const char *key,
    char *why, size_t n)
{
	const struct jsonr_val *b = jsonr_get(lh, "buckets"), *e;
	struct hist            *x;
	uint64_t                sum = 0;

	if (!b || !jsonr_is(b, JSONR_ARR)) {
		snprintf(why, n, "%s has no \"buckets\" list", key);
		return -EINVAL;
	}
	x = xmalloc(sizeof(*x));
	hist_init(x);
	for (e = jsonr_first(b); e; e = jsonr_next(e)) {
		int64_t i, c;

		if (jsonr_len(e) != 2 || jsonr_i64(jsonr_at(e, 0), &i)
		    || jsonr_i64(jsonr_at(e, 1), &c) || i < 0
		    || i >= HIST_BUCKETS || c < 0) {
			snprintf(why, n,
			    "%s bucket is not [index < %d, count >= 0]", key,
			    HIST_BUCKETS);
			free(x);
			return -EINVAL;
		}
		x->b[i] += (uint64_t)c;
		sum += (uint64_t)c;
	}
	x->count   = sum;
	x->clamped = get_u64(lh, "clamped");
	if (sum) {
		x->min = get_u64(lh, "min_ns");
		x->max = get_u64(lh, "max_ns");
	}
	if (sum != get_u64(lh, "count")) {
		snprintf(why, n,
		    "%s buckets add up to %llu, not its count %llu", key,
		    (unsigned long long)sum,
		    (unsigned long long)get_u64(lh, "count"));
		free(x);
		return -EINVAL;
	}
	hist_merge(h, x);
	free(x);
	return 0;
}

/* A figures object (totals, a target, queries.totals) into group name. */
static int
add_stats(struct runset *s, const char *name, const char *kind,
    const struct jsonr_val *o, const struct jsonr_val *rate, double secs,
    char *why, size_t n)
{
	struct runset_group    *g = runset_group(s, name, kind);
	const struct jsonr_val *lh, *sp;
	double                  t = 0;

	if (!g) {
		snprintf(why, n, "more than %d roles, targets and queries",
		    RUNSET_MAX_GROUPS);
		return -ENOSPC;
	}
	g->attempts += get_u64(o, "attempts");
	g->ok += get_u64(o, "ok");
	g->failed += get_u64(o, "failed");
	g->throttles += get_u64(o, "throttles");
	g->records += get_u64(o, "records");
	g->points += get_u64(o, "points");
	g->behind += get_u64(o, "behind_schedule");
	g->skipped += get_u64(o, "skipped");
	g->lost += get_u64(o, "lost");
	sp = jsonr_get(o, "spool");
	g->spooled += get_u64(sp, "spooled");
	g->replayed += get_u64(sp, "replayed");
	if (rate && !jsonr_num(jsonr_get(rate, "target_per_s"), &t))
		g->target_per_s += t;
	g->secs += secs;
	g->runs++;
	lh = jsonr_get(o, "latency_hist");
	if (!lh) {
		snprintf(why, n,
		    "%s has no latency_hist (written by a tsload before 0.x: run it again to report it)",
		    name);
		return -EINVAL;
	}
	if (add_hist(g->h, lh, "latency_hist", why, n))
		return -EINVAL;
	/* open loop (older runs have percentiles only: no spectrum) */
	lh = jsonr_get(o, "latency_from_intended_hist");
	if (lh && add_hist(g->hi, lh, "latency_from_intended_hist", why, n))
		return -EINVAL;
	lh = jsonr_get(o, "schedule_lag_hist");
	if (lh && add_hist(g->hl, lh, "schedule_lag_hist", why, n))
		return -EINVAL;
	/* --freshness */
	g->fresh_lost += get_u64(jsonr_get(o, "freshness"), "not_visible");
	lh = jsonr_get(o, "freshness_hist");
	if (lh && add_hist(g->hf, lh, "freshness_hist", why, n))
		return -EINVAL;
	return 0;
}

/* A per_query entry: counts and its histogram. */
static int
add_query(struct runset *s, const struct jsonr_val *q, double secs, char *why,
    size_t n)
{
	const char          *name = jsonr_get_str(q, "query");
	struct runset_group *g = name ? runset_group(s, name, "query") : NULL;

	if (!g) {
		snprintf(why, n, "a per_query entry without \"query\"");
		return -EINVAL;
	}
	g->attempts += get_u64(q, "total");
	g->ok += get_u64(q, "ok");
	g->failed += get_u64(q, "total") - get_u64(q, "ok");
	g->secs += secs;
	g->runs++;
	if (!jsonr_get(q, "latency_hist")) {
		snprintf(why, n, "%s has no latency_hist", name);
		return -EINVAL;
	}
	return add_hist(
	    g->h, jsonr_get(q, "latency_hist"), "latency_hist", why, n);
}

static void
copy_str(char *dst, size_t n, const struct jsonr_val *o, const char *key)
{
	const char *v = jsonr_get_str(o, key);

	snprintf(dst, n, "%s", v ? v : "");
}

/* "key=value" lines of the options object. */
static char *
options_text(const struct jsonr_val *o)
{
	struct buf b;

	buf_init(&b, 1u << 20);
	for (const struct jsonr_val *v = o ? jsonr_first(o) : NULL; v;
	     v                         = jsonr_next(v)) {
		double d;
		bool   t;

		if (jsonr_is(v, JSONR_STR))
			buf_printf(&b, "%s=%s\n", jsonr_key(v), jsonr_str(v));
		else if (jsonr_is(v, JSONR_BOOL) && !jsonr_bool(v, &t))
			buf_printf(
			    &b, "%s=%s\n", jsonr_key(v), t ? "true" : "false");
		else if (!jsonr_num(v, &d))
			buf_printf(&b, "%s=%.15g\n", jsonr_key(v), d);
	}
	buf_cstr(&b);
	return b.p ? b.p : calloc(1, 1);
}

static bool
exists(const char *dir, const char *name)
{
	char        p[1024];
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return stat(p, &st) == 0;
}

int
runset_add_json(struct runset *s, const char *dir, const char *text,
    size_t len, char *err, size_t errlen)
{
	struct jsonr_doc       *doc;
	const struct jsonr_val *j, *sch, *q, *v;
	struct runset_run      *r;
	char                    why[256] = "";
	int64_t                 sub = -1, groups = -1, ec = 0;
	double                  secs = 0;
	int                     rc   = 0;

	if (s->n == RUNSET_MAX_RUNS) {
		snprintf(err, errlen, "%s: more than %d runs in one report",
		    dir, RUNSET_MAX_RUNS);
		return -ENOSPC;
	}
	if (jsonr_parse(text, len, &doc, why, sizeof(why))) {
		snprintf(err, errlen, "%s/run.json: %s", dir, why);
		return -EINVAL;
	}
	j   = jsonr_root(doc);
	sch = jsonr_get(j, "hist_scheme");
	if (!sch || jsonr_get_i64(sch, "sub_bits", &sub)
	    || jsonr_get_i64(sch, "groups", &groups) || sub != HIST_SUB_BITS
	    || groups != HIST_GROUPS) {
		snprintf(err, errlen,
		    "%s/run.json: no hist_scheme {sub_bits %d, groups %d} (another tsload wrote it, or an older one: run it again)",
		    dir, HIST_SUB_BITS, HIST_GROUPS);
		jsonr_free(doc);
		return -EINVAL;
	}
	r = &s->run[s->n];
	memset(r, 0, sizeof(*r));
	snprintf(r->dir, sizeof(r->dir), "%s", dir);
	copy_str(r->host, sizeof(r->host), j, "host");
	copy_str(r->version, sizeof(r->version), j, "version");
	copy_str(r->command, sizeof(r->command), j, "command");
	copy_str(r->run_id, sizeof(r->run_id), j, "run_id");
	copy_str(r->start, sizeof(r->start), j, "start");
	copy_str(r->cmdline, sizeof(r->cmdline), j, "command_line");
	jsonr_num(jsonr_get(j, "seconds"), &secs);
	r->seconds    = secs;
	r->value_seed = get_u64(j, "value_seed");
	jsonr_get_i64(j, "exit_code", &ec);
	r->exit_code = (int)ec;
	r->options   = options_text(jsonr_get(j, "options"));
	r->ts        = exists(dir, "timeseries.csv");
	r->qts       = exists(dir, "query-timeseries.csv");
	for (unsigned k = 1; k <= 8; k++) {
		char name[40];

		snprintf(name, sizeof(name), "timeseries-target-%u.csv", k);
		if (!exists(dir, name))
			break;
		r->n_tts = k;
	}
	s->n++;
	v = jsonr_get(j, "verify");
	if (v) {
		r->verify = xmalloc(sizeof(*r->verify));
		rc        = verify_show_read(v, r->verify, why, sizeof(why));
	}
	if (!rc && jsonr_get(j, "totals"))
		rc = add_stats(s, "ingest", "role", jsonr_get(j, "totals"),
		    jsonr_get(j, "rate"), secs, why, sizeof(why));
	v = jsonr_get(j, "targets");
	for (size_t i = 0; !rc && v && i < jsonr_len(v); i++) {
		const struct jsonr_val *t = jsonr_at(v, i);
		char                    name[80];
		const char             *url = jsonr_get_str(t, "url");

		snprintf(name, sizeof(name), "target %zu %.60s", i + 1,
		    url ? url : "");
		if (i < 8)
			snprintf(r->tgt_url[i], sizeof(r->tgt_url[i]), "%s",
			    url ? url : "");
		rc = add_stats(
		    s, name, "target", t, NULL, secs, why, sizeof(why));
	}
	q = jsonr_get(j, "queries");
	if (!rc && q)
		rc = add_stats(s, "query", "role", jsonr_get(q, "totals"),
		    jsonr_get(q, "rate"), secs, why, sizeof(why));
	v = q ? jsonr_get(q, "per_query") : NULL;
	for (size_t i = 0; !rc && v && i < jsonr_len(v); i++)
		rc = add_query(s, jsonr_at(v, i), secs, why, sizeof(why));
	if (rc)
		snprintf(err, errlen, "%s/run.json: %s", dir, why);
	jsonr_free(doc);
	return rc;
}

static int
add_one(struct runset *s, const char *dir, char *err, size_t errlen)
{
	char   path[1024];
	char  *text;
	size_t len;
	int    rc;

	snprintf(path, sizeof(path), "%s/run.json", dir);
	rc = fs_read_all(path, RUNSET_JSON_MAX, &text, &len, err, errlen);
	if (rc)
		return rc;
	rc = runset_add_json(s, dir, text, len, err, errlen);
	free(text);
	return rc;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
add_dir(struct runset *s, const char *dir, char *err, size_t errlen)
{
	struct stat    st;
	DIR           *d;
	struct dirent *e;
	char         **names = NULL;
	size_t         n = 0, before = s->n;
	int            rc = 0;

	if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: not a directory", dir);
		return -ENOENT;
	}
	if (exists(dir, "run.json"))
		return add_one(s, dir, err, errlen);
	/* a results root: its run directories, in name (time) order */
	d = opendir(dir);
	if (!d) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", dir, strerror(-rc));
		return rc;
	}
	while ((e = readdir(d))) {
		char sub[700];

		if (e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name);
		if (!exists(sub, "run.json"))
			continue;
		names      = xrealloc(names, (n + 1) * sizeof(*names));
		names[n++] = xstrdup(sub);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++) {
		if (!rc)
			rc = add_one(s, names[i], err, errlen);
		free(names[i]);
	}
	free(names);
	if (!rc && s->n == before) {
		snprintf(err, errlen,
		    "%s: no run.json in it nor in its subdirectories (a run directory is results/<run-id>/)",
		    dir);
		rc = -ENOENT;
	}
	return rc;
}

int
runset_add_dir(struct runset *s, const char *given, char *err, size_t errlen)
{
	char *dir = realpath(given, NULL);
	int   rc;

	if (!dir) {
		snprintf(err, errlen, "%s: %s", given, strerror(errno));
		return -ENOENT;
	}
	rc = add_dir(s, dir, err, errlen);
	free(dir);
	return rc;
}
