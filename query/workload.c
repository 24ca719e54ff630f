/* workload.c - loading the query workload (config.ini and templates). */
#include "workload.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

void
qwork_exp_name(char *out, size_t n, const char *prefix, int64_t t0_ms)
{
	time_t    s = (time_t)(t0_ms / 1000);
	struct tm tm;

	gmtime_r(&s, &tm);
	snprintf(out, n, "%s-%04d-%02d-%02d-%02d-%02d-%02d", prefix,
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec);
}

static int
load_tpl(const struct tsl_opts *o, const struct target_ops *ops,
    struct template *t, const char *key, bool multi, char *err, size_t errlen)
{
	char name[64];
	int  rc;

	render_name(name, sizeof(name), key, multi);
	rc = render_load(t, o->queries_dir, ops->dialect, name, err, errlen);
	/* Not every query can be said in every dialect (InfluxQL has no
	 * joins, ...): say so rather than just "no such file". */
	if (rc == -ENOENT && strncmp(key, "do-q", 4) == 0)
		snprintf(err, errlen,
		    "%s/%s/%s.sql not found: %s has no %s version (configs/queries/README.md); leave it out of [query_distribution]",
		    o->queries_dir, ops->dialect, name, key, ops->dialect);
	return rc;
}

int
qwork_load(struct qworkload *w, const struct tsl_opts *o,
    const struct target_ops *ops, char *err, size_t errlen)
{
	double weight[6];
	int    rc;

	memset(w, 0, sizeof(*w));
	rc = qconfig_load(&w->cfg, o->config, err, errlen);
	if (rc)
		return rc;
	if (w->cfg.mode == QMODE_ROW_COUNT && !ops->sql) {
		snprintf(err, errlen,
		    "%s: query_mode = row_count needs an SQL dialect; %s queries are %s",
		    o->config, ops->name, ops->dialect);
		return -EINVAL;
	}
	for (unsigned i = 0; i < w->cfg.n; i++)
		weight[i] = w->cfg.q[i].weight;
	rc = choose_init(&w->choose, weight, w->cfg.n);
	for (unsigned i = 0; !rc && i < w->cfg.n; i++) {
		char key[16];

		snprintf(key, sizeof(key), "do-q%u", w->cfg.q[i].id);
		rc = load_tpl(o, ops, &w->tpl[i], key, o->multi, err, errlen);
	}
	if (!rc)
		rc = load_tpl(
		    o, ops, &w->params, "params", o->multi, err, errlen);
	if (!rc)
		rc = load_tpl(o, ops, &w->count, "count", false, err, errlen);
	return rc;
}

void
qwork_free(struct qworkload *w)
{
	for (unsigned i = 0; i < 6; i++)
		render_free(&w->tpl[i]);
	render_free(&w->params);
	render_free(&w->count);
	choose_free(&w->choose);
}
