/* datagen.c - --model datagen: the CrateDB data generator's channels
 * (seed-behaviour-2.md Part 2) from its model file (--model-file).
 *
 * Hosts are channels: host h is channel id h + 1, so --id-start/--id-end
 * (or the seed's ID_START/ID_END, 1-based inclusive) pick the channels.
 * The whole model is one pass over the tag hierarchy (the product of the
 * non-id tags' sizes: 500 for the seed's temperature.json, the seed's
 * default ID_END), or more when --id-end asks for more (ids wrap over the
 * hierarchy, as in the seed). One kind named after the model key, its
 * dimensions the tags in the seed's record order (the id first), its
 * measures the sensors in file order: FLOAT a double, BOOL a bigint 0/1.
 *
 * Each FLOAT sensor of each channel keeps its walk's state here (priv):
 * a channel belongs to one ingest thread, which alone steps it.
 */
#include "datagen.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "model_ops.h"
#include "xalloc.h"

enum { DG_NAME_MAX = 11 };

struct dg_priv {
	struct dg_spec   spec;
	char            *names; /* DG_NAME_MAX per channel: its id */
	struct dg_float *fl;    /* n_float per channel */
	uint8_t          fidx[DG_MAX_SENSORS]; /* sensor -> its FLOAT slot */
	const char      *dims[DG_MAX_TAGS];    /* tag names, the id first */
	char             file[256];
};

static uint32_t
total_of(const struct dg_spec *s, const struct model_conf *c)
{
	return c->channels > s->hierarchy ? c->channels : s->hierarchy;
}

/* The channels the model file of c makes (0 when it does not load), and
 * its sensors in *sensors. */
static uint32_t
dg_file_total(const struct model_conf *c, unsigned *sensors)
{
	struct dg_spec s;
	char           err[256];
	uint32_t       n = 0;

	memset(&s, 0, sizeof(s));
	*sensors = 0;
	if (c->model_file
	    && !dg_spec_load(&s, c->model_file, err, sizeof(err))) {
		n        = total_of(&s, c);
		*sensors = s.n_sensors;
	}
	dg_spec_free(&s);
	return n;
}

static uint32_t
dg_hosts(const struct model_conf *c)
{
	unsigned sensors;

	return dg_file_total(c, &sensors);
}

static uint64_t
dg_series_count(const struct model_conf *c)
{
	unsigned sensors;
	uint64_t n = dg_file_total(c, &sensors);

	return n * (c->multi ? 1 : sensors);
}

/* qsort_r order of channels by their tag value indices. */
static int
cmp_tags(const void *a, const void *b, void *ctx)
{
	const uint32_t *ix = ((const uint32_t **)ctx)[0];
	unsigned        T  = (unsigned)(uintptr_t)((void **)ctx)[1];

	return memcmp(ix + (size_t) * (const uint32_t *)a * T,
	    ix + (size_t) * (const uint32_t *)b * T, T * sizeof(uint32_t));
}

static int
dg_schema(struct model *m, struct dg_priv *p, enum req_id_mode req_id)
{
	const struct dg_spec *s = &p->spec;
	int                   k, e = 0;

	for (unsigned i = 0; i < s->n_tags; i++)
		p->dims[i] = s->tag[s->n_tags - 1 - i].name;
	schema_init(&m->schema, "datagen");
	k = schema_add_kind(&m->schema, s->model, p->dims, s->n_tags, 0);
	for (unsigned j = 0; k >= 0 && !e && j < s->n_sensors; j++)
		e = schema_add_measure(&m->schema, (unsigned)k,
		    s->sensor[j].key,
		    s->sensor[j].type == DG_FLOAT ? MT_DOUBLE : MT_BIGINT,
		    NULL, 0);
	if (k < 0 || e || schema_finish(&m->schema, req_id))
		return -EINVAL;
	return 0;
}

/* Groups: channels with the same non-id tag values share one. */
static int
dg_groups(struct model *m, struct dg_priv *p, const uint32_t *ix, unsigned T)
{
	uint32_t  n = m->n_metrics, *ord = xcalloc(n, sizeof(uint32_t)), g = 0;
	uint32_t  i;
	void     *ctx[2] = { (void *)ix, (void *)(uintptr_t)T };
	uint32_t *gid    = xcalloc(n, sizeof(uint32_t));

	for (i = 0; i < n; i++)
		ord[i] = i;
	qsort_r(ord, n, sizeof(*ord), cmp_tags, ctx);
	for (i = 0; i < n; i++) {
		if (i && cmp_tags(&ord[i - 1], &ord[i], ctx))
			g++;
		gid[ord[i]] = g;
	}
	m->n_groups = n ? g + 1 : 0;
	if (m->n_groups > DG_MAX_GROUPS) {
		free(ord);
		free(gid);
		return -EINVAL;
	}
	m->groups
	    = xcalloc(m->n_groups ? m->n_groups : 1, sizeof(struct dimgroup));
	for (i = 0; i < n; i++) {
		struct dimgroup *gr = &m->groups[gid[i]];
		struct series   *se = &m->metrics[i];

		se->g = gr;
		if (gr->sk)
			continue;
		gr->sk      = &m->schema.kind[0];
		gr->id      = (uint16_t)gid[i];
		gr->kind    = SERIES_METRICS;
		gr->name_at = 0;
		gr->plain   = true;
		for (unsigned d = 1; d < T; d++) {
			const struct dg_tag *t = &p->spec.tag[T - 1 - d];
			const char          *v
			    = t->value[ix[(size_t)i * T + T - 1 - d]];

			gr->dim[d] = (struct str) { v, (uint32_t)strlen(v) };
			gr->plain  = gr->plain && model_plain(v, strlen(v));
		}
	}
	free(ord);
	free(gid);
	return 0;
}

static int
dg_build(
    struct model *m, const struct model_conf *c, uint32_t first, uint32_t end)
{
	struct dg_priv *p;
	char            err[256];
	uint32_t        total, n, i, *ix;
	unsigned        T;
	int             rc;

	memset(m, 0, sizeof(*m));
	m->ops  = &model_datagen;
	m->priv = p = xcalloc(1, sizeof(*p));
	if (!c->model_file
	    || dg_spec_load(&p->spec, c->model_file, err, sizeof(err)))
		return -EINVAL;
	snprintf(p->file, sizeof(p->file), "%s", c->model_file);
	total = total_of(&p->spec, c);
	if (end == 0)
		end = total;
	if (first >= end || end > total)
		return -EINVAL;
	if (dg_schema(m, p, (enum req_id_mode)c->req_id))
		return -EINVAL;
	T              = p->spec.n_tags;
	n              = end - first;
	m->host_scale  = c->host_scale;
	m->total_hosts = total;
	m->first_host  = first;
	m->n_metrics   = n;
	m->metrics     = xcalloc(n, sizeof(struct series));
	m->host_events = xcalloc((size_t)n + 1, sizeof(uint32_t));
	p->names       = xmalloc((size_t)n * DG_NAME_MAX);
	p->fl = xcalloc((size_t)n * (p->spec.n_float ? p->spec.n_float : 1),
	    sizeof(struct dg_float));
	for (unsigned j = 0, f = 0; j < p->spec.n_sensors; j++)
		if (p->spec.sensor[j].type == DG_FLOAT)
			p->fidx[j] = (uint8_t)f++;
	ix = xcalloc((size_t)n * T, sizeof(uint32_t));
	for (i = 0; i < n; i++) {
		struct series *se   = &m->metrics[i];
		char          *name = p->names + (size_t)i * DG_NAME_MAX;
		uint64_t       id   = (uint64_t)first + i + 1;

		dg_tags(&p->spec, id, ix + (size_t)i * T);
		se->name = name;
		se->name_len
		    = (uint16_t)snprintf(name, DG_NAME_MAX, "%" PRIu64, id);
		se->host = i;
		se->kind = SERIES_METRICS;
	}
	rc = dg_groups(m, p, ix, T);
	free(ix);
	return rc;
}

static void
dg_free(struct model *m)
{
	struct dg_priv *p = m->priv;

	if (p) {
		dg_spec_free(&p->spec);
		free(p->names);
		free(p->fl);
	}
	free(p);
	free(m->metrics);
	free(m->host_events);
	free(m->groups);
	memset(m, 0, sizeof(*m));
}

static void
dg_cycle(const struct model *m, uint32_t h0, uint32_t h1, struct model_emit *x)
{
	for (uint32_t h = h0; h < h1; h++)
		if (!x->series(x, &m->metrics[h]))
			return;
}

static unsigned
dg_values(const struct model *m, const struct series *se, struct model_draw *d,
    double *v)
{
	const struct dg_priv *p    = m->priv;
	const struct dg_spec *s    = &p->spec;
	struct dg_float      *fl   = p->fl + (size_t)se->host * s->n_float;
	unsigned              errs = 0;

	for (unsigned j = 0; j < s->n_sensors; j++) {
		const struct dg_sensor *c = &s->sensor[j];
		bool                    e = false;

		if (c->type == DG_FLOAT) {
			v[j] = dg_float_step(&fl[p->fidx[j]], c, d->r, &e);
			errs += e;
		} else {
			v[j] = dg_bool_draw(c, d->r);
		}
	}
	d->absent = 0;
	if (d->note)
		snprintf(d->note, d->note_len, "%s",
		    errs ? "in an error burst" : "");
	return s->n_sensors;
}

static int
dg_summary(const struct model *m, uint64_t interval_ms, bool multi, char *out,
    size_t outlen)
{
	const struct dg_priv *p         = m->priv;
	const struct dg_spec *s         = &p->spec;
	struct tbuf           b         = { out, outlen, 0 };
	char                  tags[512] = "", sens[512] = "";
	size_t                u = 0, w = 0;

	(void)interval_ms;
	if (outlen == 0)
		return -ENOSPC;
	out[0] = '\0';
	for (unsigned i = 0; i < s->n_tags && u < sizeof(tags); i++) {
		const struct dg_tag *t = &s->tag[i];

		if (t->is_id)
			u += (size_t)snprintf(tags + u, sizeof(tags) - u,
			    "%s%s (the channel id)", i ? ", " : "", t->name);
		else
			u += (size_t)snprintf(tags + u, sizeof(tags) - u,
			    "%s%s (%u %s)", i ? ", " : "", t->name, t->n,
			    t->numeric ? "integers" : "values");
	}
	for (unsigned j = 0; j < s->n_sensors && w < sizeof(sens); j++)
		w += (size_t)snprintf(sens + w, sizeof(sens) - w, "%s%s %s",
		    j ? ", " : "", s->sensor[j].key,
		    s->sensor[j].type == DG_FLOAT ? "FLOAT" : "BOOL");
	tbuf_printf(&b, "Data model %s from %s: tags %s; sensors %s.\n",
	    s->model, p->file, tags, sens);
	tbuf_printf(&b,
	    "Channels: %u (ids 1..%u; one tag hierarchy is %u). Time series: %" PRIu64
	    " %s.\n",
	    m->total_hosts, m->total_hosts, s->hierarchy,
	    (uint64_t)m->total_hosts * (multi ? 1 : s->n_sensors),
	    multi ? "multi-measure" : "single-measure");
	return b.err;
}

const struct model_ops model_datagen = {
	.name    = "datagen",
	.version = MODEL_OPS_VERSION,
	.help    = "the CrateDB data generator's channels (--model-file FILE)",
	.hosts   = dg_hosts,
	.series_count = dg_series_count,
	.build        = dg_build,
	.free         = dg_free,
	.cycle        = dg_cycle,
	.values       = dg_values,
	.summary      = dg_summary,
};
