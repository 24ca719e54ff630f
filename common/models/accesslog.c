/* accesslog.c - the access-log models "apache", "cloudfront" and
 * "cloudflare": lumberer's requests (seed-behaviour-2 §1.3-1.5) as
 * time-series records, so that `tsload ingest --model apache` writes them
 * into any target. Three ops tables over one implementation: they differ
 * in the measures their log format carries.
 *
 * Mapping (README "Log models"): a series is a visitor, lumberer's
 * semi-static group, drawn once per visitor from --instance-name-seed and
 * its global index: dimensions host, client_ip (the series' own name),
 * user_name, method, protocol, referer, user_agent, country. Every cycle,
 * each visitor makes one request: a record of kind <model name> with
 *   uri_path      VARCHAR, 1 or 2 segments (the 156 texts a VARCHAR
 *                 measure can hold; lumberer's 3-segment paths are left
 *                 out here, `tsload generate` has them)
 *   uri_query     VARCHAR, apache and cloudfront ("" is the empty one)
 *   http_status   BIGINT
 *   transfer_size BIGINT, absent for lumberer's '-' (cloudflare: 0)
 *   request_time  DOUBLE seconds, cloudfront, absent for '-'
 * 10 visitors per --host-scale unit.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "logfake.h"
#include "logline.h"
#include "model_ops.h"
#include "xalloc.h"

enum {
	AL_PER_UNIT = 10, /* visitors per host-scale unit */
	AL_N_PATHS  = LOGF_N_SEGMENTS + LOGF_N_SEGMENTS * LOGF_N_SEGMENTS,
	AL_N_DIMS   = 8,
	AL_NAME_DIM = 1,    /* client_ip */
	AL_STR_MAX  = 1024, /* a visitor's texts */
};

static const char *const al_dims[AL_N_DIMS]
    = { "host", "client_ip", "user_name", "method", "protocol", "referer",
	      "user_agent", "country" };

/* The 156 paths: "app", ..., "app/app", "app/main", ... */
static char        al_path_text[AL_N_PATHS][24];
static const char *al_paths[AL_N_PATHS];

static void
al_paths_init(void)
{
	if (al_paths[0])
		return;
	for (unsigned i = 0; i < AL_N_PATHS; i++) {
		if (i < LOGF_N_SEGMENTS)
			snprintf(al_path_text[i], sizeof(al_path_text[i]),
			    "%s", logf_segments[i]);
		else
			snprintf(al_path_text[i], sizeof(al_path_text[i]),
			    "%s/%s",
			    logf_segments[(i - LOGF_N_SEGMENTS)
			        / LOGF_N_SEGMENTS],
			    logf_segments[(i - LOGF_N_SEGMENTS)
			        % LOGF_N_SEGMENTS]);
		al_paths[i] = al_path_text[i];
	}
}

/* Measures, in value order; which a log type carries. */
enum { M_PATH, M_QUERY, M_STATUS, M_SIZE, M_RT, M_N };

static enum logl_type
al_type(const struct model *m)
{
	const char *n = m->ops->name;

	return (enum logl_type)logl_type_parse(n);
}

static bool
al_has(enum logl_type t, unsigned measure)
{
	if (measure == M_QUERY)
		return t != LOGL_CLOUDFLARE;
	if (measure == M_RT)
		return t == LOGL_CLOUDFRONT;
	return true;
}

static int
al_schema(struct schema *s, const char *name, enum logl_type t,
    enum req_id_mode req_id)
{
	int k, e = 0;

	al_paths_init();
	schema_init(s, name);
	k = schema_add_kind(s, name, al_dims, AL_N_DIMS, AL_NAME_DIM);
	if (k < 0)
		return -EINVAL;
	e |= schema_add_measure(
	    s, (unsigned)k, "uri_path", MT_VARCHAR, al_paths, AL_N_PATHS);
	if (al_has(t, M_QUERY))
		e |= schema_add_measure(s, (unsigned)k, "uri_query",
		    MT_VARCHAR, logf_queries, LOGF_N_QUERIES);
	e |= schema_add_measure(
	    s, (unsigned)k, "http_status", MT_BIGINT, NULL, 0);
	e |= schema_add_measure(
	    s, (unsigned)k, "transfer_size", MT_BIGINT, NULL, 0);
	if (al_has(t, M_RT))
		e |= schema_add_measure(
		    s, (unsigned)k, "request_time", MT_DOUBLE, NULL, 0);
	if (e || schema_finish(s, req_id))
		return -EINVAL;
	return 0;
}

static uint32_t
al_hosts(const struct model_conf *c)
{
	return c->host_scale && c->host_scale <= 4000
	    ? AL_PER_UNIT * c->host_scale
	    : 0;
}

static uint64_t
al_series_count(const struct model_conf *c)
{
	return al_hosts(c);
}

static struct str
al_keep(char **at, struct logf_str s)
{
	struct str r = { *at, s.n };

	memcpy(*at, s.p, s.n);
	(*at)[s.n] = '\0';
	*at += s.n + 1;
	return r;
}

static bool
al_plain(const struct dimgroup *g)
{
	for (unsigned d = 0; d < AL_N_DIMS; d++)
		if (d != g->name_at
		    && !model_plain(g->dim[d].p, g->dim[d].len))
			return false;
	return true;
}

static int
al_build(struct model *m, const struct model_conf *c, uint32_t first,
    uint32_t end, const struct model_ops *ops)
{
	uint32_t             total = al_hosts(c), n;
	struct logf_visitor *v;
	enum logl_type       t = (enum logl_type)logl_type_parse(ops->name);
	char                *at;

	memset(m, 0, sizeof(*m));
	m->ops = ops;
	if (!end)
		end = total;
	if (!total || first >= end || end > total)
		return -EINVAL;
	if (al_schema(&m->schema, ops->name, t, (enum req_id_mode)c->req_id))
		return -EINVAL;
	n              = end - first;
	m->host_scale  = c->host_scale;
	m->total_hosts = total;
	m->first_host  = first;
	m->n_metrics   = n;
	m->n_groups    = n;
	m->metrics     = xcalloc(n, sizeof(*m->metrics));
	m->groups      = xcalloc(n, sizeof(*m->groups));
	m->host_events = xcalloc((size_t)n + 1, sizeof(*m->host_events));
	m->arena = at = xmalloc((size_t)n * AL_STR_MAX);
	v             = xmalloc(sizeof(*v));
	for (uint32_t i = 0; i < n; i++) {
		struct dimgroup *g = &m->groups[i];
		struct series   *s = &m->metrics[i];
		struct xrng      r;
		struct str       ip;

		/* a visitor is a function of the seed and its global index */
		xrng_seed(&r, (uint64_t)c->instance_seed, first + i);
		logf_visitor_good(v, &r, 0);
		g->sk      = &m->schema.kind[0];
		g->id      = (uint16_t)i;
		g->kind    = 0;
		g->name_at = AL_NAME_DIM;
		g->dim[0]  = al_keep(&at, v->host);
		ip         = al_keep(&at, v->ip);
		g->dim[2]  = al_keep(&at, v->user);
		g->dim[3]  = al_keep(&at, v->method);
		g->dim[4]  = al_keep(&at, v->proto);
		g->dim[5]  = al_keep(&at, v->referer);
		g->dim[6]  = al_keep(&at, v->ua);
		g->dim[7]  = al_keep(&at, v->loc);
		g->plain   = al_plain(g) && model_plain(ip.p, ip.len);
		*s         = (struct series) { .g = g,
			        .name             = ip.p,
			        .host             = i,
			        .name_len         = (uint16_t)ip.len,
			        .kind             = 0 };
	}
	free(v);
	return 0;
}

static void
al_free(struct model *m)
{
	free(m->metrics);
	free(m->groups);
	free(m->host_events);
	free(m->arena);
	memset(m, 0, sizeof(*m));
}

static void
al_cycle(const struct model *m, uint32_t h0, uint32_t h1, struct model_emit *e)
{
	for (uint32_t h = h0; h < h1; h++)
		if (!e->series(e, &m->metrics[h]))
			return;
}

/* One request of the visitor (§1.4's per-line fields). */
static unsigned
al_values(const struct model *m, const struct series *se, struct model_draw *d,
    double *v)
{
	enum logl_type t = al_type(m);
	struct xrng   *r = d->r;
	unsigned       k = 0, segs;
	uint64_t       size;
	double         u;

	(void)se;
	d->absent = 0;
	segs      = 1 + (unsigned)xrng_below(r, 2);
	v[k++]    = segs == 1
	       ? (double)xrng_below(r, LOGF_N_SEGMENTS)
	       : (double)(LOGF_N_SEGMENTS
                + xrng_below(r, LOGF_N_SEGMENTS * LOGF_N_SEGMENTS));
	if (al_has(t, M_QUERY))
		v[k++] = (double)xrng_below(r, LOGF_N_QUERIES);
	v[k++] = logf_statuses[xrng_below(r, LOGF_N_STATUSES)];
	size   = xrng_below(r, 10000);
	if (xrng_next(r) >> 63) {
		v[k] = (double)size;
	} else {
		v[k] = 0;
		if (t != LOGL_CLOUDFLARE) /* '-'; Cloudflare prints 0 */
			d->absent |= 1u << k;
	}
	k++;
	if (al_has(t, M_RT)) {
		u = xrng_uniform(r);
		if (xrng_next(r) >> 63) {
			v[k] = (double)(long long)(u * 100.0 + 0.5) / 1000.0;
		} else {
			v[k] = 0;
			d->absent |= 1u << k;
		}
		k++;
	}
	if (d->note)
		d->note[0] = '\0';
	return k;
}

static int
al_summary(const struct model *m, uint64_t interval_ms, bool multi, char *out,
    size_t outlen)
{
	const struct schema_kind *k = &m->schema.kind[0];
	struct tbuf               b = { out, outlen, 0 };

	(void)multi;
	if (outlen == 0)
		return -ENOSPC;
	out[0] = '\0';
	tbuf_printf(&b,
	    "%s access-log model: %u visitors (%u per host-scale unit), each one request record per %s\n",
	    m->ops->name, m->total_hosts, AL_PER_UNIT,
	    interval_ms ? "interval" : "cycle (unpaced)");
	tbuf_printf(&b,
	    "dimensions: host, client_ip, user_name, method, protocol, referer, user_agent, country; measures:");
	for (unsigned i = 0; i < k->n_values; i++)
		tbuf_printf(&b, " %s", k->m[i].name);
	tbuf_printf(&b, "\n");
	return b.err;
}

static const struct param_row al_params[] = {
	{ "host_scale", PARAM_UINT, PARAM_FIELD(struct model_conf, host_scale),
	    "100", 1, 4000, NULL, "N", "visitors = 10 x N" },
	{ "instance_name_seed", PARAM_INT,
	    PARAM_FIELD(struct model_conf, instance_seed), "12345", -9.2e18,
	    9.2e18, NULL, "N", "seed of the visitors" },
	{ NULL, 0, 0, 0, NULL, 0, 0, NULL, NULL, NULL },
};

#define AL_MODEL(x, text)                                                     \
	static int al_build_##x(struct model *m, const struct model_conf *c,  \
	    uint32_t first, uint32_t end)                                     \
	{                                                                     \
		return al_build(m, c, first, end, &model_##x);                \
	}                                                                     \
	const struct model_ops model_##x = {                                  \
		.name         = #x,                                           \
		.version      = MODEL_OPS_VERSION,                            \
		.help         = text,                                         \
		.params       = al_params,                                    \
		.hosts        = al_hosts,                                     \
		.series_count = al_series_count,                              \
		.build        = al_build_##x,                                 \
		.free         = al_free,                                      \
		.cycle        = al_cycle,                                     \
		.values       = al_values,                                    \
		.summary      = al_summary,                                   \
	};

AL_MODEL(apache, "Apache access-log requests, 10 visitors per host scale")
AL_MODEL(cloudfront, "CloudFront access-log requests, with request_time")
AL_MODEL(cloudflare, "Cloudflare access-log requests, no query")
