/* continuous.c - the continuous ingestor's model (seed-behaviour.md §5):
 * the selection of regions and microservices, the build of a host range,
 * the start-up summary, the random hosts of the query side, its ops.
 *
 * Generation order is the seed's generateDimensions(): region (the seed's
 * list, eu-central-1 last) -> cell -> silo -> microservice -> instance
 * 0 .. per_silo*hs-1, each host followed by its event sets (server, then
 * host_manager). Filters keep that built-in order (the seed iterates a
 * set), so host ids do not change from run to run.
 */
#include "continuous.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "pyfmt.h"
#include "rng.h"
#include "xalloc.h"

enum {
	IDX_WIDTH   = 4,     /* {:04} of the instance index */
	PREFIX_SEED = 12345, /* generateRandomAlphaNumericString */
	GK_N        = 3,     /* group kinds: metrics, 2 processes */
};

#define INSTANCE_SUFFIX ".amazonaws.com"

/* The seventh region: the seed's regionFra, last in its list. */
static const struct model_region eu_central_1 = { "eu-central-1", 1, 1 };

const struct model_region *
continuous_region(unsigned i)
{
	return i < MODEL_N_REGIONS ? &model_regions[i] : &eu_central_1;
}

const char *const continuous_metric_names[MODEL_N_METRICS] = {
	"cpu_user",
	"cpu_system",
	"cpu_steal",
	"cpu_iowait",
	"cpu_nice",
	"cpu_hi",
	"cpu_si",
	"cpu_idle",
	"memory_free",
	"memory_used",
	"memory_cached",
	"disk_used",
	"disk_free",
	"file_descriptors_in_use",
	"disk_io_reads",
	"disk_io_writes",
	"latency_per_read",
	"latency_per_write",
	"network_bytes_in",
	"network_bytes_out",
};

const char *const continuous_metric_dim_names[MODEL_N_DIMS] = {
	MODEL_DIM_REGION,
	MODEL_DIM_CELL,
	MODEL_DIM_SILO,
	MODEL_DIM_AZ,
	MODEL_DIM_MICROSERVICE,
	MODEL_DIM_INSTANCE_NAME,
	MODEL_DIM_INSTANCE_TYPE,
	MODEL_DIM_OS_VERSION,
};

const char *const continuous_period_codes[8]
    = { "m", "h", "d", "we", "mo", "qu", "ye", NULL };
static const uint32_t period_secs[7]
    = { 60, 3600, 86400, 604800, 2631744, 7895232, 31587840 };

int
continuous_period_s(const char *code, uint32_t *secs)
{
	unsigned i;

	for (i = 0; code && continuous_period_codes[i]; i++)
		if (!strcmp(code, continuous_period_codes[i])) {
			*secs = period_secs[i];
			return 0;
		}
	return -EINVAL;
}

/* ---- the selection: filters, then the first N ---- */

/* "a, b, c" of the n names into out. */
static void
join_names(char *out, size_t n, const char *(*name)(unsigned), unsigned k)
{
	size_t   used = 0;
	unsigned i;

	out[0] = '\0';
	for (i = 0; i < k && used < n; i++)
		used += (size_t)snprintf(
		    out + used, n - used, "%s%s", i ? ", " : "", name(i));
}

static const char *
region_name(unsigned i)
{
	return continuous_region(i)->name;
}

static const char *
service_name(unsigned i)
{
	return model_services[i].name;
}

/* Parses comma list `list` of names out of name(0 .. k-1) into a bit
 * mask (all when list is NULL or ""). */
static int
parse_include(const char *list, const char *opt, const char *what,
    const char *(*name)(unsigned), unsigned k, unsigned *mask, char *err,
    size_t n)
{
	const char *p = list, *e;
	char        acc[160];
	unsigned    i;

	if (!list || !*list) {
		*mask = (1u << k) - 1;
		return 0;
	}
	*mask = 0;
	for (;;) {
		e = strchr(p, ',');
		if (!e)
			e = p + strlen(p);
		for (i = 0; i < k; i++)
			if (strlen(name(i)) == (size_t)(e - p)
			    && !strncmp(name(i), p, (size_t)(e - p)))
				break;
		if (i == k) {
			join_names(acc, sizeof(acc), name, k);
			snprintf(err, n,
			    "%s: unknown %s \"%.*s\" (accepted: %s)", opt,
			    what, (int)(e - p > 64 ? 64 : e - p), p, acc);
			return -EINVAL;
		}
		*mask |= 1u << i;
		if (!*e)
			return 0;
		p = e + 1;
	}
}

/* Resolves c into p's selection and counts. */
static int
select_conf(
    const struct model_conf *c, struct continuous_priv *p, char *err, size_t n)
{
	unsigned rmask, smask, i, s = 0, off = 0;
	int      rc;

	memset(p, 0, sizeof(*p));
	if (c->host_scale < 1 || c->host_scale > CONTINUOUS_MAX_SCALE) {
		snprintf(err, n, "--host-scale: %u is out of range (1..%u)",
		    c->host_scale, (unsigned)CONTINUOUS_MAX_SCALE);
		return -EINVAL;
	}
	rc = parse_include(c->include_region, "--include-region", "region",
	    region_name, CONTINUOUS_N_REGIONS, &rmask, err, n);
	if (!rc)
		rc = parse_include(c->include_ms, "--include-ms",
		    "microservice", service_name, MODEL_N_SERVICES, &smask,
		    err, n);
	if (rc)
		return rc;
	if (c->missing_cpu > 100) {
		snprintf(err, n, "--missing-cpu: %u is out of range (0..100)",
		    c->missing_cpu);
		return -EINVAL;
	}
	if (!(c->sin_snr >= 0 && c->sin_snr < 1e300)
	    || !(c->saw_snr >= 0 && c->saw_snr < 1e300)) {
		snprintf(err, n,
		    "--sin-signal-cpu / --saw-signal-cpu: a signal-to-noise ratio is a number from 0");
		return -EINVAL;
	}
	if ((c->sin_snr > 0 && !c->sin_period_s)
	    || (c->saw_snr > 0 && !c->saw_period_s)) {
		snprintf(err, n,
		    "--sin-frq-cpu / --saw-frq-cpu: no period for the signal");
		return -EINVAL;
	}

	for (i = 0; i < CONTINUOUS_N_REGIONS; i++)
		if (rmask >> i & 1
		    && (!c->region_scale || p->nreg < c->region_scale)) {
			const struct model_region *r = continuous_region(i);

			p->silo0[p->nreg] = (uint16_t)s;
			p->reg[p->nreg++] = (uint8_t)i;
			s += r->cells * r->silos_per_cell;
		}
	p->nsilos = (uint16_t)s;
	for (i = 0; i < MODEL_N_SERVICES; i++)
		if (smask >> i & 1
		    && (!c->ms_scale || p->nsvc < c->ms_scale)) {
			p->svc_off[p->nsvc] = off;
			p->svc[p->nsvc++]   = (uint8_t)i;
			off += model_services[i].per_silo;
			p->events_silo += model_services[i].per_silo
			    * model_services[i].nproc;
		}
	p->hosts_silo  = off;
	p->missing_cpu = c->missing_cpu;
	if (c->sin_snr > 0 || c->saw_snr > 0) {
		p->has_sig = true;
		if (c->sin_snr > 0)
			continuous_signal_init(
			    &p->sig, true, c->sin_snr, c->sin_period_s);
		else
			continuous_signal_init(
			    &p->sig, false, c->saw_snr, c->saw_period_s);
	}
	return 0;
}

int
continuous_check_conf(const struct model_conf *c, char *err, size_t n)
{
	struct continuous_priv p;

	return select_conf(c, &p, err, n);
}

/* Region index (into p->reg), cell and silo (from 1) of selected silo s. */
static struct model_silo
silo_at(const struct continuous_priv *p, unsigned s)
{
	struct model_silo          r = { 0, 0, 0 };
	const struct model_region *g;

	while (r.region + 1u < p->nreg && s >= p->silo0[r.region + 1])
		r.region++;
	g = continuous_region(p->reg[r.region]);
	s -= p->silo0[r.region];
	r.cell = s / g->silos_per_cell + 1;
	r.silo = s % g->silos_per_cell + 1;
	return r;
}

/* ---- the build ---- */

__attribute__((format(printf, 2, 3))) static struct str
sputf(struct model_arena *a, const char *fmt, ...)
{
	char    buf[128];
	va_list ap;
	int     len;

	va_start(ap, fmt);
	len = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return model_arena_put(a, buf, len < 0 ? 0 : (size_t)len);
}

/* The strings of a build, per selected region / silo / service. */
struct strs {
	struct str region[CONTINUOUS_N_REGIONS];
	struct str az[CONTINUOUS_N_REGIONS][MODEL_N_AZ];
	struct str cell[CONTINUOUS_N_SILOS]; /* of each selected silo */
	struct str silo[CONTINUOUS_N_SILOS];
	struct {
		struct str name, type, os, jdk;
	} svc[MODEL_N_SERVICES];
	struct str  proc[MODEL_N_PROCS];
	struct str *inst[MODEL_N_SERVICES]; /* per_silo * hs names each */
};

static void
put_strings(struct model_arena *a, struct strs *t,
    const struct continuous_priv *p, unsigned hs)
{
	unsigned i, z, s, k;

	for (i = 0; i < p->nreg; i++) {
		const char *rn = continuous_region(p->reg[i])->name;

		t->region[i] = model_arena_put(a, rn, strlen(rn));
		for (z = 0; z < MODEL_N_AZ; z++)
			t->az[i][z] = sputf(a, "%s-%u", rn, z + 1);
	}
	for (s = 0; s < p->nsilos; s++) {
		struct model_silo q = silo_at(p, s);
		const char *rn = continuous_region(p->reg[q.region])->name;

		t->cell[s] = q.silo == 1 ? sputf(a, "%s-cell-%u", rn, q.cell)
		                         : t->cell[s - 1];
		t->silo[s]
		    = sputf(a, "%s-cell-%u-silo-%u", rn, q.cell, q.silo);
	}
	for (i = 0; i < p->nsvc; i++) {
		const struct model_service *ms = &model_services[p->svc[i]];

		t->svc[i].name
		    = model_arena_put(a, ms->name, strlen(ms->name));
		t->svc[i].type = model_arena_put(
		    a, ms->instance_type, strlen(ms->instance_type));
		t->svc[i].os = model_arena_put(
		    a, ms->os_version, strlen(ms->os_version));
		t->svc[i].jdk = model_arena_put(
		    a, ms->jdk_version, strlen(ms->jdk_version));
		for (k = 0; k < ms->per_silo * hs; k++) {
			struct str in
			    = sputf(a, "i-%s-%s-%0*u" INSTANCE_SUFFIX,
			        CONTINUOUS_PREFIX, ms->name, IDX_WIDTH, k);

			if (t->inst[i])
				t->inst[i][k] = in;
		}
	}
	for (i = 0; i < MODEL_N_PROCS; i++)
		t->proc[i] = model_arena_put(
		    a, model_process_names[i], strlen(model_process_names[i]));
}

static bool
group_plain(const struct dimgroup *g)
{
	unsigned d;

	for (d = 0; d < MODEL_N_DIMS; d++)
		if (d != g->name_at
		    && !model_plain(g->dim[d].p, g->dim[d].len))
			return false;
	return true;
}

/* The groups of selected silo s (local index ls from the build's first
 * silo): per service, availability zone and kind. */
static void
fill_groups(struct model *m, const struct continuous_priv *p,
    const struct strs *t, unsigned s, unsigned ls)
{
	struct model_silo q = silo_at(p, s);
	unsigned          j, z, k;

	for (j = 0; j < p->nsvc; j++) {
		const struct model_service *ms = &model_services[p->svc[j]];

		for (z = 0; z < MODEL_N_AZ; z++)
			for (k = 0; k < 1 + ms->nproc; k++) {
				uint32_t gi
				    = ((ls * p->nsvc + j) * MODEL_N_AZ + z)
				        * GK_N
				    + k;
				struct dimgroup *g = &m->groups[gi];

				g->kind = k ? SERIES_EVENTS : SERIES_METRICS;
				g->sk   = &m->schema.kind[g->kind];
				g->name_at = 5;
				g->id      = (uint16_t)gi;
				g->dim[0]  = t->region[q.region];
				g->dim[1]  = t->cell[s];
				g->dim[2]  = t->silo[s];
				g->dim[3]  = t->az[q.region][z];
				g->dim[4]  = t->svc[j].name;
				if (k == 0) {
					g->dim[6] = t->svc[j].type;
					g->dim[7] = t->svc[j].os;
				} else {
					g->dim[6] = t->proc[k - 1];
					g->dim[7] = t->svc[j].jdk;
				}
				/* names: prefix, service, digits, suffix */
				g->plain = group_plain(g);
			}
	}
}

/* Kinds "metrics" and "events": the continuous orders, perf-scale's event
 * measures. */
static int
cont_schema(struct schema *s, enum req_id_mode req_id)
{
	int      k, e = 0;
	unsigned i;

	schema_init(s, "continuous");
	k = schema_add_kind(
	    s, "metrics", continuous_metric_dim_names, MODEL_N_DIMS, 5);
	for (i = 0; k >= 0 && !e && i < MODEL_N_METRICS; i++)
		e = schema_add_measure(s, (unsigned)k,
		    continuous_metric_names[i], MT_DOUBLE, NULL, 0);
	if (k < 0 || e)
		return -EINVAL;
	if (model_schema_events(s))
		return -EINVAL;
	if (schema_finish(s, req_id))
		return -EINVAL;
	s->seconds = true;
	return 0;
}

static int
cont_build(
    struct model *m, const struct model_conf *c, uint32_t first, uint32_t end)
{
	struct continuous_priv *p;
	struct model_arena      a = { NULL, 0 };
	struct strs             t;
	char                    err[256];
	uint32_t                total, h, e = 0, per_silo, g;
	unsigned                hs = c->host_scale, s0, s1, s, j, k;
	size_t                  off_ev, off_he, off_gr, size;

	memset(m, 0, sizeof(*m));
	m->ops  = &model_continuous;
	m->priv = p = xcalloc(1, sizeof(*p));
	if (select_conf(c, p, err, sizeof(err)))
		return -EINVAL;
	per_silo = p->hosts_silo * hs;
	total    = p->nsilos * per_silo;
	if (end == 0)
		end = total;
	if (first >= end || end > total)
		return -EINVAL;
	if (cont_schema(&m->schema, (enum req_id_mode)c->req_id))
		return -EINVAL;
	mt_alnum_choice(PREFIX_SEED, m->prefix, MODEL_PREFIX_LEN);
	m->host_scale   = hs;
	m->total_hosts  = total;
	m->total_events = p->nsilos * p->events_silo * hs;
	m->first_host   = first;
	m->n_metrics    = end - first;

	/* The strings: measure, then fill. */
	memset(&t, 0, sizeof(t));
	put_strings(&a, &t, p, hs);
	p->strings = xmalloc(a.used);
	for (j = 0; j < p->nsvc; j++)
		t.inst[j] = xcalloc(model_services[p->svc[j]].per_silo * hs,
		    sizeof(struct str));
	a = (struct model_arena) { p->strings, 0 };
	put_strings(&a, &t, p, hs);

	/* Event sets in range. */
	s0 = first / per_silo;
	s1 = (end - 1) / per_silo;
	for (h = first; h < end; h++) {
		uint32_t o = (h % per_silo) / hs;

		for (j = 0; j + 1 < p->nsvc && o >= p->svc_off[j + 1]; j++)
			;
		e += model_services[p->svc[j]].nproc;
	}
	m->n_events = e;
	m->n_groups = (s1 - s0 + 1) * p->nsvc * MODEL_N_AZ * GK_N;

	off_ev     = (size_t)m->n_metrics * sizeof(struct series);
	off_he     = off_ev + (size_t)m->n_events * sizeof(struct series);
	off_gr     = off_he + ((size_t)m->n_metrics + 1) * sizeof(uint32_t);
	off_gr     = (off_gr + 15) & ~(size_t)15;
	size       = off_gr + (size_t)m->n_groups * sizeof(struct dimgroup);
	m->arena   = xcalloc(1, size);
	m->metrics = (struct series *)m->arena;
	m->events  = (struct series *)(m->arena + off_ev);
	m->host_events = (uint32_t *)(m->arena + off_he);
	m->groups      = (struct dimgroup *)(m->arena + off_gr);
	for (s = s0; s <= s1; s++)
		fill_groups(m, p, &t, s, s - s0);

	for (h = first, e = 0; h < end; h++) {
		uint32_t       ls = h - first, o = h % per_silo, i, az;
		unsigned       sl = h / per_silo;
		struct series *se = &m->metrics[ls];
		const struct model_service *ms;

		for (j = 0; j + 1 < p->nsvc && o / hs >= p->svc_off[j + 1];
		     j++)
			;
		ms    = &model_services[p->svc[j]];
		i     = o - p->svc_off[j] * hs;
		az    = i % MODEL_N_AZ;
		g     = (((sl - s0) * p->nsvc + j) * MODEL_N_AZ + az) * GK_N;
		se->g = &m->groups[g];
		se->name           = t.inst[j][i].p;
		se->name_len       = (uint16_t)t.inst[j][i].len;
		se->host           = ls;
		se->kind           = SERIES_METRICS;
		m->host_events[ls] = e;
		for (k = 0; k < ms->nproc; k++, e++) {
			m->events[e]      = *se;
			m->events[e].g    = &m->groups[g + 1 + k];
			m->events[e].kind = SERIES_EVENTS;
		}
	}
	m->host_events[m->n_metrics] = e;
	for (j = 0; j < p->nsvc; j++)
		free(t.inst[j]);
	model_mark_cpu(m->metrics, first, m->n_metrics, total);
	return 0;
}

static void
cont_free(struct model *m)
{
	struct continuous_priv *p = m->priv;

	if (p)
		free(p->strings);
	free(p);
	free(m->arena);
	memset(m, 0, sizeof(*m));
}

static uint32_t
cont_hosts(const struct model_conf *c)
{
	struct continuous_priv p;
	char                   err[256];

	if (select_conf(c, &p, err, sizeof(err)))
		return 0;
	return p.nsilos * p.hosts_silo * c->host_scale;
}

static uint64_t
cont_series_count(const struct model_conf *c)
{
	struct continuous_priv p;
	char                   err[256];
	uint64_t               M, E;

	if (select_conf(c, &p, err, sizeof(err)))
		return 0;
	M = (uint64_t)p.nsilos * p.hosts_silo * c->host_scale;
	E = (uint64_t)p.nsilos * p.events_silo * c->host_scale;
	return c->multi ? M + E : MODEL_N_METRICS * M + MODEL_N_EVENTS * E;
}

/* The seed's ingest loop: the metric sets in order, then the event sets
 * (its series ids: metrics first). */
static void
cont_cycle(
    const struct model *m, uint32_t h0, uint32_t h1, struct model_emit *x)
{
	uint32_t h, k, e1 = m->host_events[h1];

	for (h = h0; h < h1; h++)
		if (!x->series(x, &m->metrics[h]))
			return;
	for (k = m->host_events[h0]; k < e1; k++)
		if (!x->series(x, &m->events[k]))
			return;
}

/* The seed's start-up lines, then the sizing (interval_ms is not used:
 * the model paces itself, one pass per second at most). */
static int
cont_summary(const struct model *m, uint64_t interval_ms, bool multi,
    char *out, size_t outlen)
{
	const struct continuous_priv *p = m->priv;
	struct tbuf                   b = { out, outlen, 0 };
	char     regs[160] = "", svcs[96] = "", sm[32], se[32], st[32];
	char     sms[32], ses[32], sr[32];
	size_t   u = 0, v = 0;
	uint64_t M = m->total_hosts, E = m->total_events;
	unsigned i;

	(void)interval_ms;
	if (outlen == 0)
		return -ENOSPC;
	out[0] = '\0';
	/* Python's list repr, in the built-in order (the seed prints a set
	 * when filtering, in an order that changes from run to run). */
	for (i = 0; i < p->nreg; i++)
		u += (size_t)snprintf(regs + u, sizeof(regs) - u, "%s'%s'",
		    i ? ", " : "", continuous_region(p->reg[i])->name);
	for (i = 0; i < p->nsvc; i++)
		v += (size_t)snprintf(svcs + v, sizeof(svcs) - v, "%s'%s'",
		    i ? ", " : "", model_services[p->svc[i]].name);
	tbuf_printf(&b,
	    "Generating dimensions for regions [%s] and microservices [%s]\n",
	    regs, svcs);
	tbuf_printf(&b, "%" PRIu64 " unique metric dimensions.\n", M);
	tbuf_printf(&b, "%" PRIu64 " unique event dimensions.\n", E);
	pyfmt_int_comma(sm, sizeof(sm), (int64_t)M);
	pyfmt_int_comma(se, sizeof(se), (int64_t)E);
	pyfmt_int_comma(sms, sizeof(sms), (int64_t)(MODEL_N_METRICS * M));
	pyfmt_int_comma(ses, sizeof(ses), (int64_t)(MODEL_N_EVENTS * E));
	pyfmt_int_comma(st, sizeof(st),
	    (int64_t)(MODEL_N_METRICS * M + MODEL_N_EVENTS * E));
	pyfmt_int_comma(sr, sizeof(sr), (int64_t)(M + E));
	tbuf_printf(
	    &b, "Hosts: %s (%u silos). Event sets: %s.\n", sm, p->nsilos, se);
	tbuf_printf(&b,
	    "Time series: %s single-measure (%s metric + %s event), %s multi-measure.\n",
	    st, sms, ses, sr);
	tbuf_printf(&b,
	    "Records per pass: %s (%s layout); one pass per second at most, each pass a new second.\n",
	    multi ? sr : st, multi ? "multi-measure" : "single-measure");
	if (p->missing_cpu)
		tbuf_printf(&b,
		    "Missing CPU: %u%% of metric samples without their 8 CPU measures.\n",
		    p->missing_cpu);
	if (p->has_sig)
		tbuf_printf(&b,
		    "cpu_user: %s signal, period %.0f s, SNR %g%s.\n",
		    p->sig.sine ? "sine" : "sawtooth", p->sig.P, p->sig.snr,
		    p->sig.snr >= 100 ? " (no noise)" : "");
	return b.err;
}

/* floor(u * n) clamped to [0, n). */
static uint64_t
draw(double (*u)(void *), void *ctx, uint64_t n)
{
	double   x = u(ctx);
	uint64_t k;

	if (!(x > 0))
		return 0;
	if (x >= 1)
		return n - 1;
	k = (uint64_t)(x * (double)n);
	return k < n ? k : n - 1;
}

static void
host_dim(struct model_host *h, const char *name, const char *value)
{
	h->name[h->n]  = name;
	h->value[h->n] = value;
	h->n++;
}

/* A uniform host: a uniform selected silo, then a uniform host in it.
 * Instance names carry the model's own prefix (prefix is not used: the
 * seed's is fixed). */
static int
cont_random_host(const struct model_conf *c, const char *prefix,
    double (*u)(void *), void *ctx, struct model_host *h)
{
	struct continuous_priv      p;
	const struct model_region  *r;
	const struct model_service *ms;
	struct model_silo           q;
	char                        err[256], *st = h->store;
	size_t                      room = sizeof(h->store);
	uint64_t                    k;
	unsigned                    j = 0, i;
	int                         n1, n2, n3, n4;

	(void)prefix;
	if (!u || select_conf(c, &p, err, sizeof(err)))
		return -EINVAL;
	q = silo_at(&p, (unsigned)draw(u, ctx, p.nsilos));
	r = continuous_region(p.reg[q.region]);
	k = draw(u, ctx, (uint64_t)p.hosts_silo * c->host_scale);
	while (
	    j + 1 < p.nsvc && k >= (uint64_t)p.svc_off[j + 1] * c->host_scale)
		j++;
	ms = &model_services[p.svc[j]];
	i  = (unsigned)(k - (uint64_t)p.svc_off[j] * c->host_scale);
	n1 = snprintf(st, room, "%s-cell-%u", r->name, q.cell);
	n2 = snprintf(st + n1 + 1, room - (size_t)n1 - 1, "%s-cell-%u-silo-%u",
	    r->name, q.cell, q.silo);
	n3 = snprintf(st + n1 + n2 + 2, room - (size_t)(n1 + n2 + 2), "%s-%u",
	    r->name, i % MODEL_N_AZ + 1);
	n4 = snprintf(st + n1 + n2 + n3 + 3, room - (size_t)(n1 + n2 + n3 + 3),
	    "i-%s-%s-%0*u" INSTANCE_SUFFIX, CONTINUOUS_PREFIX, ms->name,
	    IDX_WIDTH, i);
	if (n1 + n2 + n3 + n4 + 4 > (int)room)
		return -ENAMETOOLONG;
	h->n = 0;
	host_dim(h, MODEL_DIM_REGION, r->name);
	host_dim(h, MODEL_DIM_CELL, st);
	host_dim(h, MODEL_DIM_SILO, st + n1 + 1);
	host_dim(h, MODEL_DIM_AZ, st + n1 + n2 + 2);
	host_dim(h, MODEL_DIM_MICROSERVICE, ms->name);
	host_dim(h, MODEL_DIM_INSTANCE_TYPE, ms->instance_type);
	host_dim(h, MODEL_DIM_OS_VERSION, ms->os_version);
	host_dim(h, MODEL_DIM_INSTANCE_NAME, st + n1 + n2 + n3 + 3);
	host_dim(h, MODEL_DIM_PROCESS_NAME,
	    model_process_names[draw(u, ctx, ms->nproc)]);
	host_dim(h, MODEL_DIM_JDK_VERSION, ms->jdk_version);
	h->measure = "memory_used";
	return 0;
}

/* ---- parameters ---- */

const struct param_row continuous_param_rows[] = {
	{ "host_scale", PARAM_UINT,
	    PARAM_FIELD(struct continuous_params, host_scale), "1", 1,
	    CONTINUOUS_MAX_SCALE, NULL, "N",
	    "hosts = 1010 x N, event sets = 1212 x N" },
	{ "include_region", PARAM_STR,
	    PARAM_FIELD(struct continuous_params, include_region), NULL, 0, 0,
	    NULL, "LIST", "comma list of regions to keep (default: all 7)" },
	{ "include_ms", PARAM_STR,
	    PARAM_FIELD(struct continuous_params, include_ms), NULL, 0, 0,
	    NULL, "LIST", "comma list of microservices to keep" },
	{ "region_scale", PARAM_UINT,
	    PARAM_FIELD(struct continuous_params, region_scale), "0", 0, 7,
	    NULL, "N", "the first N regions only (0: all)" },
	{ "ms_scale", PARAM_UINT,
	    PARAM_FIELD(struct continuous_params, ms_scale), "0", 0, 5, NULL,
	    "N", "the first N microservices only (0: all)" },
	{ "missing_cpu", PARAM_UINT,
	    PARAM_FIELD(struct continuous_params, missing_cpu), "0", 0, 100,
	    NULL, "PCT", "% of metric samples without the 8 CPU measures" },
	{ "sin_signal_cpu", PARAM_DOUBLE,
	    PARAM_FIELD(struct continuous_params, sin_signal_cpu), "0", 0, 1e9,
	    NULL, "SNR", "cpu_user as a sine; >= 100: no noise" },
	{ "sin_frq_cpu", PARAM_ENUM,
	    PARAM_FIELD(struct continuous_params, sin_frq_cpu), "m", 0, 0,
	    continuous_period_codes, NULL, "the sine's period" },
	{ "saw_signal_cpu", PARAM_DOUBLE,
	    PARAM_FIELD(struct continuous_params, saw_signal_cpu), "0", 0, 1e9,
	    NULL, "SNR", "cpu_user as a sawtooth (sine wins)" },
	{ "saw_frq_cpu", PARAM_ENUM,
	    PARAM_FIELD(struct continuous_params, saw_frq_cpu), "m", 0, 0,
	    continuous_period_codes, NULL, "the sawtooth's period" },
	{ NULL, 0, 0, 0, NULL, 0, 0, NULL, NULL, NULL },
};

int
continuous_params_conf(const struct continuous_params *p, struct model_conf *c)
{
	if (p->sin_frq_cpu < 0 || p->sin_frq_cpu > 6 || p->saw_frq_cpu < 0
	    || p->saw_frq_cpu > 6)
		return -EINVAL;
	c->host_scale     = p->host_scale;
	c->include_region = p->include_region;
	c->include_ms     = p->include_ms;
	c->region_scale   = p->region_scale;
	c->ms_scale       = p->ms_scale;
	c->missing_cpu    = p->missing_cpu;
	c->sin_snr        = p->sin_signal_cpu;
	c->saw_snr        = p->saw_signal_cpu;
	c->sin_period_s   = period_secs[p->sin_frq_cpu];
	c->saw_period_s   = period_secs[p->saw_frq_cpu];
	return 0;
}

const struct model_ops model_continuous = {
	.name    = "continuous",
	.version = MODEL_OPS_VERSION,
	.help    = "the continuous ingestor's hosts: 1010 x N in 101 silos",
	.params  = continuous_param_rows,
	.step_ms = 1000,
	.hosts   = cont_hosts,
	.series_count = cont_series_count,
	.build        = cont_build,
	.free         = cont_free,
	.cycle        = cont_cycle,
	.values       = continuous_values,
	.summary      = cont_summary,
	.random_host  = cont_random_host,
};
