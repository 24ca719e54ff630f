/* perf_scale.c - the perf-scale model: builds the seed's DevOps model
 * (model.py) for a host range, and its model_ops.
 *
 * Everything lives in one allocation: the series arrays, the host -> event
 * index and the strings. Region, cell, silo, AZ and the constant values are
 * stored once; only instance names are per host. Also the seed's
 * --print-model-summary text and the random hosts of the query side.
 */
#include "model.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "gen.h"
#include "model_ops.h"
#include "buf.h"
#include "pyfmt.h"
#include "rng.h"
#include "xalloc.h"

/* The name arrays of model.h live in model_names.c; the regions, silos
 * and services in model_layout.c. */

enum {
	IDX_WIDTH = 8, /* {:08} of the instance index */
};

#define INSTANCE_SUFFIX ".amazonaws.com"

_Static_assert(MODEL_N_SILOS *MODEL_HOSTS_SILO == MODEL_HOSTS_PER_UNIT,
    "every silo holds the same number of hosts");

static int
cell_name(char *out, size_t n, struct model_silo p)
{
	return snprintf(
	    out, n, "%s-cell-%u", model_regions[p.region].name, p.cell);
}

static int
silo_name(char *out, size_t n, struct model_silo p)
{
	return snprintf(out, n, "%s-cell-%u-silo-%u",
	    model_regions[p.region].name, p.cell, p.silo);
}

static int
az_name(char *out, size_t n, unsigned region, unsigned az)
{
	return snprintf(out, n, "%s-%u", model_regions[region].name, az + 1);
}

/* "i-{prefix}-{ms}-{silo}-": the part of an instance name before the
 * index. */
static int
instance_head(
    char *out, size_t n, const char *prefix, unsigned ms, const char *silo)
{
	return snprintf(
	    out, n, "i-%s-%s-%s-", prefix, model_services[ms].name, silo);
}

static size_t
head_len(const char *prefix, unsigned ms, size_t silo_len)
{
	return 2 + strlen(prefix) + 1 + strlen(model_services[ms].name) + 1
	    + silo_len + 1;
}

/* Most distinct constant values: a service's name, type, OS and JDK,
 * and the process names. */
enum { KONST_MAX = MODEL_N_SERVICES * 4 + MODEL_N_PROCS };

/* The strings shared between hosts. */
struct shared {
	struct str region[MODEL_N_REGIONS];
	struct str az[MODEL_N_REGIONS][MODEL_N_AZ];
	struct str cell[MODEL_N_CELLS];
	struct str silo[MODEL_N_SILOS];
	struct {
		struct str name, type, os, jdk;
	} svc[MODEL_N_SERVICES];
	struct str proc[MODEL_N_PROCS];
	/* the distinct constant values stored so far */
	const char *ktext[KONST_MAX];
	struct str  konst[KONST_MAX];
	unsigned    nkonst;
};

/* A constant value, stored once however many services share it. */
static struct str
put_konst(struct model_arena *a, struct shared *sh, const char *text)
{
	unsigned i;

	for (i = 0; i < sh->nkonst; i++)
		if (strcmp(sh->ktext[i], text) == 0)
			return sh->konst[i];
	sh->ktext[sh->nkonst] = text;
	sh->konst[sh->nkonst] = model_arena_put(a, text, strlen(text));
	return sh->konst[sh->nkonst++];
}

static void
put_shared(struct model_arena *a, struct shared *sh)
{
	char     buf[64];
	unsigned r, z, s, c = 0;
	int      n;

	for (r = 0; r < MODEL_N_REGIONS; r++) {
		sh->region[r] = model_arena_put(
		    a, model_regions[r].name, strlen(model_regions[r].name));
		for (z = 0; z < MODEL_N_AZ; z++) {
			n            = az_name(buf, sizeof(buf), r, z);
			sh->az[r][z] = model_arena_put(a, buf, (size_t)n);
		}
	}
	for (s = 0; s < MODEL_N_SILOS; s++) {
		struct model_silo p = model_silo_at(s);

		if (p.silo == 1) { /* first silo of a new cell */
			n             = cell_name(buf, sizeof(buf), p);
			sh->cell[c++] = model_arena_put(a, buf, (size_t)n);
		}
		n           = silo_name(buf, sizeof(buf), p);
		sh->silo[s] = model_arena_put(a, buf, (size_t)n);
	}
	sh->nkonst = 0;
	for (r = 0; r < MODEL_N_SERVICES; r++) {
		const struct model_service *ms = &model_services[r];

		sh->svc[r].name = put_konst(a, sh, ms->name);
		sh->svc[r].type = put_konst(a, sh, ms->instance_type);
		sh->svc[r].os   = put_konst(a, sh, ms->os_version);
		sh->svc[r].jdk  = put_konst(a, sh, ms->jdk_version);
	}
	for (r = 0; r < MODEL_N_PROCS; r++)
		sh->proc[r] = put_konst(a, sh, model_process_names[r]);
}

/* Global cell index of silo s (cells are numbered in generation order). */
static unsigned
silo_cell(unsigned s)
{
	struct model_silo p = model_silo_at(s);
	unsigned          r, c = 0;

	for (r = 0; r < p.region; r++)
		c += model_regions[r].cells;
	return c + p.cell - 1;
}

/* Hosts [lo, hi) of service ms in silo s that fall in [first, end). */
static void
block_range(unsigned hs, unsigned s, unsigned ms, uint32_t first, uint32_t end,
    uint32_t *lo, uint32_t *hi)
{
	uint32_t g0 = s * MODEL_HOSTS_SILO * hs + model_services[ms].off * hs;
	uint32_t g1 = g0 + model_services[ms].per_silo * hs;

	*lo = g0 > first ? g0 : first;
	*hi = g1 < end ? g1 : end;
	if (*lo > *hi)
		*lo = *hi;
}

/* Writes i as at least IDX_WIDTH zero-padded digits; returns the count. */
static size_t
put_index(char *out, uint32_t i)
{
	char   tmp[12];
	size_t n = 0, w;

	do {
		tmp[n++] = (char)('0' + i % 10);
		i /= 10;
	} while (i);
	w = n < IDX_WIDTH ? IDX_WIDTH : n;
	memset(out, '0', w - n);
	for (size_t k = 0; k < n; k++)
		out[w - 1 - k] = tmp[k];
	return w;
}

static size_t
index_width(uint32_t i)
{
	size_t n = 1;

	while (i >= 10) {
		i /= 10;
		n++;
	}
	return n < IDX_WIDTH ? IDX_WIDTH : n;
}

/* Large models are mostly page faults: ask for transparent huge pages
 * (a hint; where THP is "madvise" it cuts the build time). */
static void
advise_huge(void *p, size_t n)
{
	uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t lo = ((uintptr_t)p + pg - 1) & ~(pg - 1);
	uintptr_t hi = ((uintptr_t)p + n) & ~(pg - 1);

	if (n >= ((size_t)8 << 20) && hi > lo)
		(void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
}

static bool
scale_ok(unsigned hs)
{
	return hs > 0 && hs <= UINT32_MAX / MODEL_EVENTS_PER_UNIT;
}

/* Where a build is: the shared strings, the string cursor and the next
 * local host and event set to fill. s0 is the first silo of the range:
 * groups are numbered from it. */
struct build {
	struct model      *m;
	struct shared      sh;
	struct model_arena a;
	uint32_t           h, e;
	unsigned           s0;
};

/* Kinds of group within a silo, microservice and availability zone: the
 * metric sets, and the event sets of each process. */
enum { GK_METRICS = 0, GK_N = 3 };

static uint32_t
group_index(
    const struct build *b, unsigned s, unsigned j, unsigned z, unsigned gk)
{
	return (((s - b->s0) * MODEL_N_SERVICES + j) * MODEL_N_AZ + z) * GK_N
	    + gk;
}

/* Writes instance name "{head}{i:08d}.amazonaws.com" at the cursor. */
static struct str
put_instance(struct model_arena *a, const char *head, size_t hl, uint32_t i)
{
	char  *dst = a->base + a->used;
	size_t len = hl;

	memcpy(dst, head, hl);
	len += put_index(dst + len, i);
	memcpy(dst + len, INSTANCE_SUFFIX, sizeof(INSTANCE_SUFFIX));
	len += sizeof(INSTANCE_SUFFIX) - 1;
	a->used += len + 1;
	return (struct str) { dst, (uint32_t)len };
}

bool
model_plain(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
		        || (c >= '0' && c <= '9') || c == '-' || c == '.'
		        || c == '_'))
			return false;
	}
	return true;
}

static bool
group_plain(const struct dimgroup *g)
{
	unsigned d;

	for (d = 0; d < MODEL_N_DIMS; d++)
		if (!model_plain(g->dim[d].p, g->dim[d].len))
			return false;
	return true;
}

/* Fills global hosts [lo, hi) of service j in silo s, with their event
 * sets right after each other (server, then host_manager). */
static void
fill_block(struct build *b, unsigned s, unsigned j, uint32_t lo, uint32_t hi)
{
	const struct model_service *ms = &model_services[j];
	const struct shared        *sh = &b->sh;
	struct model_silo           sp = model_silo_at(s);
	unsigned                    hs = b->m->host_scale;
	uint32_t        g0 = s * MODEL_HOSTS_SILO * hs + ms->off * hs;
	struct dimgroup tm, te, *grp = b->m->groups;
	struct series  *ser;
	char            head[128];
	size_t          hl;
	uint32_t        g, p, z;
	bool            names_plain;

	hl = (size_t)instance_head(
	    head, sizeof(head), b->m->prefix, j, sh->silo[s].p);
	/* Names are the head, digits and the suffix. */
	names_plain = model_plain(head, hl)
	    && model_plain(INSTANCE_SUFFIX, sizeof(INSTANCE_SUFFIX) - 1);

	/* The groups of this silo and service: per availability zone, the
	 * metric sets and the event sets of each process. */
	memset(&tm, 0, sizeof(tm));
	tm.sk      = &b->m->schema.kind[SERIES_METRICS];
	tm.kind    = SERIES_METRICS;
	tm.name_at = 7;
	tm.dim[0]  = sh->region[sp.region];
	tm.dim[1]  = sh->cell[silo_cell(s)];
	tm.dim[2]  = sh->silo[s];
	tm.dim[4]  = sh->svc[j].name;
	tm.dim[5]  = sh->svc[j].type;
	tm.dim[6]  = sh->svc[j].os;
	te         = tm;
	te.sk      = &b->m->schema.kind[SERIES_EVENTS];
	te.kind    = SERIES_EVENTS;
	te.name_at = 5;
	te.dim[5]  = (struct str) { NULL, 0 };
	te.dim[7]  = sh->svc[j].jdk;
	for (z = 0; z < MODEL_N_AZ; z++) {
		uint32_t gi = group_index(b, s, j, z, GK_METRICS);

		grp[gi]        = tm;
		grp[gi].dim[3] = sh->az[sp.region][z];
		grp[gi].id     = (uint16_t)gi;
		grp[gi].plain  = names_plain && group_plain(&grp[gi]);
		for (p = 0; p < ms->nproc; p++) {
			gi             = group_index(b, s, j, z, 1 + p);
			grp[gi]        = te;
			grp[gi].dim[3] = sh->az[sp.region][z];
			grp[gi].dim[6] = sh->proc[p];
			grp[gi].id     = (uint16_t)gi;
			grp[gi].plain  = names_plain && group_plain(&grp[gi]);
		}
	}

	for (g = lo; g < hi; g++, b->h++) {
		uint32_t   az = (g - g0) % MODEL_N_AZ;
		struct str in = put_instance(&b->a, head, hl, g - g0);

		ser           = &b->m->metrics[b->h];
		ser->g        = &grp[group_index(b, s, j, az, GK_METRICS)];
		ser->name     = in.p;
		ser->name_len = (uint16_t)in.len;
		ser->host     = b->h;
		ser->kind     = SERIES_METRICS;
		ser->cpu      = CPU_NORMAL;

		b->m->host_events[b->h] = b->e;
		for (p = 0; p < ms->nproc; p++, b->e++) {
			ser           = &b->m->events[b->e];
			ser->g        = &grp[group_index(b, s, j, az, 1 + p)];
			ser->name     = in.p;
			ser->name_len = (uint16_t)in.len;
			ser->host     = b->h;
			ser->kind     = SERIES_EVENTS;
			ser->cpu      = CPU_NORMAL;
		}
	}
}

int
model_build(struct model *m, unsigned host_scale, int64_t instance_seed,
    uint32_t first_host, uint32_t end_host)
{
	struct build b     = { .m = m };
	size_t       names = 0, off_ev, off_he, off_gr, off_str, size;
	uint32_t     total, nm = 0, ne = 0, lo, hi;
	unsigned     s, j, s0, s1, hs = host_scale;

	memset(m, 0, sizeof(*m));
	if (!scale_ok(hs))
		return -EINVAL;
	total = MODEL_HOSTS_PER_UNIT * hs;
	if (end_host == 0)
		end_host = total;
	if (first_host >= end_host || end_host > total)
		return -EINVAL;

	if (model_schema(&m->schema, REQID_NONE))
		return -EINVAL;
	m->ops = &model_perf_scale;
	mt_alnum_string(instance_seed, m->prefix, MODEL_PREFIX_LEN);
	m->host_scale   = hs;
	m->total_hosts  = total;
	m->total_events = MODEL_EVENTS_PER_UNIT * hs;
	m->first_host   = first_host;

	/* Measure: hosts, event sets and string bytes in range. */
	s0 = first_host / (MODEL_HOSTS_SILO * hs);
	s1 = (end_host - 1) / (MODEL_HOSTS_SILO * hs);
	put_shared(&b.a, &b.sh);
	for (s = s0; s <= s1; s++) {
		for (j = 0; j < MODEL_N_SERVICES; j++) {
			block_range(hs, s, j, first_host, end_host, &lo, &hi);
			names += (size_t)(hi - lo)
			    * (head_len(m->prefix, j, b.sh.silo[s].len)
			        + index_width(
			            model_services[j].per_silo * hs - 1)
			        + sizeof(INSTANCE_SUFFIX));
			nm += hi - lo;
			ne += (hi - lo) * model_services[j].nproc;
		}
	}

	/* One allocation: metrics, events, host_events, groups, strings. */
	b.s0        = s0;
	m->n_groups = (s1 - s0 + 1) * MODEL_N_SERVICES * MODEL_N_AZ * GK_N;
	off_ev      = (size_t)nm * sizeof(struct series);
	off_he      = off_ev + (size_t)ne * sizeof(struct series);
	off_gr      = off_he + ((size_t)nm + 1) * sizeof(uint32_t);
	off_gr      = (off_gr + 15) & ~(size_t)15;
	off_str     = off_gr + (size_t)m->n_groups * sizeof(struct dimgroup);
	size        = off_str + b.a.used + names;
	m->arena    = xmalloc(size);
	advise_huge(m->arena, size);
	m->metrics     = (struct series *)m->arena;
	m->events      = (struct series *)(m->arena + off_ev);
	m->host_events = (uint32_t *)(m->arena + off_he);
	m->groups      = (struct dimgroup *)(m->arena + off_gr);
	memset(m->groups, 0, (size_t)m->n_groups * sizeof(struct dimgroup));
	m->n_metrics = nm;
	m->n_events  = ne;
	b.a.base     = m->arena + off_str;
	b.a.used     = 0;
	put_shared(&b.a, &b.sh);

	for (s = s0; s <= s1; s++) {
		for (j = 0; j < MODEL_N_SERVICES; j++) {
			block_range(hs, s, j, first_host, end_host, &lo, &hi);
			if (lo < hi)
				fill_block(&b, s, j, lo, hi);
		}
	}
	m->host_events[nm] = b.e;
	/* the seed shuffles each process's own list (§2.6) */
	model_mark_cpu(m->metrics, 0, nm, nm);
	return 0;
}

void
model_free(struct model *m)
{
	free(m->arena);
	memset(m, 0, sizeof(*m));
}

uint64_t
model_series_count(unsigned host_scale, bool multi)
{
	uint64_t hs = host_scale;

	if (multi)
		return (MODEL_HOSTS_PER_UNIT + MODEL_EVENTS_PER_UNIT) * hs;
	return (MODEL_N_METRICS * MODEL_HOSTS_PER_UNIT
	           + MODEL_N_EVENTS * MODEL_EVENTS_PER_UNIT)
	    * hs;
}

/* Dimension bytes of global host 0 (DM) and of its first event set (DE):
 * the sum of 2 * len(value) over the eight values. */
static void
first_dim_bytes(const char *prefix, unsigned *dm, unsigned *de)
{
	struct model_silo p = model_silo_at(0);
	char              cell[64], silo[64], az[64], head[128];
	size_t            shared, inst;

	shared = strlen(model_regions[0].name)
	    + (size_t)cell_name(cell, sizeof(cell), p)
	    + (size_t)silo_name(silo, sizeof(silo), p)
	    + (size_t)az_name(az, sizeof(az), 0, 0)
	    + strlen(model_services[0].name);
	inst = (size_t)instance_head(head, sizeof(head), prefix, 0, silo)
	    + index_width(0) + strlen(INSTANCE_SUFFIX);
	*dm = (unsigned)(2
	    * (shared + inst + strlen(model_services[0].instance_type)
	        + strlen(model_services[0].os_version)));
	*de = (unsigned)(2
	    * (shared + inst + strlen(model_process_names[0])
	        + strlen(model_services[0].jdk_version)));
}

static unsigned
names_len(const char *const *names, unsigned n)
{
	unsigned i, len = 0;

	for (i = 0; i < n; i++)
		len += (unsigned)strlen(names[i]);
	return len;
}

/* round(x, 2) on a numpy float64, as the seed's summary values are:
 * numpy scales, rounds half-even and scales back (not correctly rounded
 * like Python's round; they differ e.g. for hs 51, 1000 ms, multi). */
static double
np_round2(double x)
{
	return rint(x * 100.0) / 100.0;
}

/* Python round(x) to an integer. */
static int64_t
py_round0(double x)
{
	return (int64_t)pyfmt_round(x, 0);
}

int
model_summary(const struct model *m, uint64_t interval_ms, bool multi,
    char *out, size_t outlen)
{
	struct tbuf b = { out, outlen, 0 };
	char        sm[32], se[32], sts[32], sdps[32], smps[32], sdph[32];
	char        svol[40], sgbh[40], sgbd[40], styr[40], savg[40];
	uint64_t    M = m->total_hosts, E = m->total_events;
	unsigned    dm, de, nmb, neb;
	double      inv, rowm, rowe, vol, gbh, gbd, tby, avg;
	int64_t     ts, dps, mps, nms, nes;

	if (outlen == 0)
		return -ENOSPC;
	out[0] = '\0';
	first_dim_bytes(m->prefix, &dm, &de);
	nmb = names_len(model_metric_names, MODEL_N_METRICS);
	neb = names_len(model_event_names, MODEL_N_EVENTS);

	pyfmt_int_comma(sm, sizeof(sm), (int64_t)M);
	pyfmt_int_comma(se, sizeof(se), (int64_t)E);
	tbuf_printf(&b, "Dimensions for metrics: %s\n", sm);
	tbuf_printf(&b, "Dimensions for events: %s\n", se);
	tbuf_printf(&b, "Dimension bytes: Events: %u, Metrics: %u\n", de, dm);
	tbuf_printf(
	    &b, "Bytes for names: Metrics: %u, Events: %u\n", nmb, neb);

	/* Bytes per data point (single) or per row (multi), as the seed
	 * computes them: the name average is numpy's float mean. */
	if (multi) {
		rowm = dm + 7 + 8 + MODEL_N_METRICS * 8 + nmb;
		rowe = de + 6 + 8 + neb;
		ts   = (int64_t)(M + E);
	} else {
		rowm = (dm + nmb / (double)MODEL_N_METRICS) + 16;
		rowe = (de + neb / (double)MODEL_N_EVENTS) + 16;
		ts   = (int64_t)(MODEL_N_METRICS * M + MODEL_N_EVENTS * E);
	}
	pyfmt_int_comma(sts, sizeof(sts), ts);

	if (interval_ms == 0) {
		/* Unpaced: no rates; the row size is the cycle average. */
		double pm = multi ? 1 : MODEL_N_METRICS;
		double pe = multi ? 1 : MODEL_N_EVENTS;

		avg = np_round2(
		    (pm * M * rowm + pe * E * rowe) / (pm * M + pe * E));
		pyfmt_repr(savg, sizeof(savg), avg);
		tbuf_printf(&b, "avg row size: %s Bytes\n", savg);
		tbuf_printf(&b,
		    "Number of timeseries: %s. Avg. data points per "
		    "second: unpaced. Avg. no. of metrics per second: "
		    "unpaced Avg. data points per hour: unpaced\n",
		    sts);
		tbuf_printf(&b,
		    "Avg. Ingestion volume: unpaced MB/s. Data size "
		    "per hour: unpaced GB. Data size per day: "
		    "unpaced GB. Data size per year: unpaced TB\n");
		return b.err;
	}

	/* The seed's I = int(ms / 1000); below a second a fraction. */
	if (interval_ms >= 1000)
		inv = 1.0 / trunc((double)interval_ms / 1000.0);
	else
		inv = 1.0 / ((double)interval_ms / 1000.0);

	/* Same operation order as model.py, e.g. (1/I) * M * 20. */
	mps = py_round0(inv * M * MODEL_N_METRICS + inv * E * MODEL_N_EVENTS);
	if (multi) {
		dps = py_round0(inv * M + inv * E);
		nms = py_round0(inv * M);
		nes = py_round0(inv * E);
		vol = np_round2(
		    (double)(nms * (int64_t)rowm + nes * (int64_t)rowe)
		    / (1024.0 * 1024.0));
	} else {
		dps = mps;
		nms = py_round0(inv * M * MODEL_N_METRICS);
		nes = py_round0(inv * E * MODEL_N_EVENTS);
		vol = np_round2((nms * rowm + nes * rowe) / (1024.0 * 1024.0));
	}
	gbh = np_round2(vol * 3600 / 1024.0);
	gbd = np_round2(gbh * 24);
	tby = np_round2(gbd * 365 / 1024.0);
	/* numpy divides by a zero DPS without raising: nan (vol is 0). */
	if (dps)
		avg = np_round2(vol * 1024 * 1024 / (double)dps);
	else
		avg = vol == 0.0 ? NAN : INFINITY;

	pyfmt_repr(savg, sizeof(savg), avg);
	pyfmt_int_comma(sdps, sizeof(sdps), dps);
	pyfmt_int_comma(smps, sizeof(smps), mps);
	pyfmt_int_comma(sdph, sizeof(sdph), 3600 * dps);
	pyfmt_float_comma(svol, sizeof(svol), vol);
	pyfmt_float_comma(sgbh, sizeof(sgbh), gbh);
	pyfmt_float_comma(sgbd, sizeof(sgbd), gbd);
	pyfmt_float_comma(styr, sizeof(styr), tby);
	tbuf_printf(&b, "avg row size: %s Bytes\n", savg);
	tbuf_printf(&b,
	    "Number of timeseries: %s. Avg. data points per second: %s. "
	    "Avg. no. of metrics per second: %s Avg. data points per "
	    "hour: %s\n",
	    sts, sdps, smps, sdph);
	tbuf_printf(&b,
	    "Avg. Ingestion volume: %s MB/s. Data size per hour: %s GB. "
	    "Data size per day: %s GB. Data size per year: %s TB\n",
	    svol, sgbh, sgbd, styr);
	return b.err;
}

/* ---- the model's ops ---- */

static const struct param_row ps_params[] = {
	{ "host_scale", PARAM_UINT, PARAM_FIELD(struct model_conf, host_scale),
	    "100", 1, 4000, NULL, "N",
	    "hosts = 1000 x N, event sets = 1200 x N" },
	{ "instance_name_seed", PARAM_INT,
	    PARAM_FIELD(struct model_conf, instance_seed), "12345", -9.2e18,
	    9.2e18, NULL, "N", "seed of the instance-name prefix" },
	{ "multi", PARAM_BOOL, PARAM_FIELD(struct model_conf, multi), "false",
	    0, 0, NULL, NULL, "multi-measure records" },
	{ NULL, 0, 0, 0, NULL, 0, 0, NULL, NULL, NULL },
};

static uint32_t
ps_hosts(const struct model_conf *c)
{
	return scale_ok(c->host_scale) ? MODEL_HOSTS_PER_UNIT * c->host_scale
	                               : 0;
}

static uint64_t
ps_series_count(const struct model_conf *c)
{
	return model_series_count(c->host_scale, c->multi);
}

static int
ps_build(
    struct model *m, const struct model_conf *c, uint32_t first, uint32_t end)
{
	int rc = model_build(m, c->host_scale, c->instance_seed, first, end);

	if (!rc)
		rc = schema_finish(&m->schema, (enum req_id_mode)c->req_id);
	return rc;
}

/* A thread's hosts' metric sets, then their event sets (seed §2.8). */
static void
ps_cycle(const struct model *m, uint32_t h0, uint32_t h1, struct model_emit *e)
{
	uint32_t h, k, e1 = m->host_events[h1];

	for (h = h0; h < h1; h++)
		if (!e->series(e, &m->metrics[h]))
			return;
	for (k = m->host_events[h0]; k < e1; k++)
		if (!e->series(e, &m->events[k]))
			return;
}

static unsigned
ps_values(const struct model *m, const struct series *se, struct model_draw *d,
    double *v)
{
	d->absent = 0;
	crng_init(&d->c, crng_key(d->seed, gen_series_key(m, se), d->time_ms));
	if (se->kind == SERIES_METRICS) {
		gen_metrics(&d->c, (enum cpu_class)se->cpu, v);
		return MODEL_N_METRICS;
	}
	gen_events(&d->c, v);
	return MODEL_N_EVENTS;
}

/* Host-scale limit of the query side: keeps every index well inside 64
 * bits. */
#define PS_QUERY_MAX_SCALE 100000000u

/* floor(u * n) clamped to [0, n): a u() slightly out of [0, 1) still
 * gives a valid index. */
static uint64_t
ps_draw(double (*u)(void *), void *ctx, uint64_t n)
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

/* printf into h's store; the string, or NULL when it does not fit. */
__attribute__((format(printf, 3, 4))) static const char *
ps_store(struct model_host *h, size_t *used, const char *fmt, ...)
{
	char   *dst  = h->store + *used;
	size_t  room = sizeof(h->store) - *used;
	va_list ap;
	int     n;

	va_start(ap, fmt);
	n = vsnprintf(dst, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room)
		return NULL;
	*used += (size_t)n + 1;
	return dst;
}

static void
ps_host_dim(struct model_host *h, const char *name, const char *value)
{
	h->name[h->n]  = name;
	h->value[h->n] = value;
	h->n++;
}

/* A uniform host is a uniform silo (every silo holds as many hosts), then
 * a uniform host inside it (seed-behaviour.md §4.1). */
static int
ps_random_host(const struct model_conf *c, const char *prefix,
    double (*u)(void *), void *ctx, struct model_host *h)
{
	const struct model_region  *r;
	const struct model_service *ms = model_services;
	struct model_silo           sp;
	uint64_t                    k, i, span;
	size_t                      used = 0;
	const char                 *cs, *ss, *az, *in;

	if (!c->host_scale || c->host_scale > PS_QUERY_MAX_SCALE || !prefix
	    || !u)
		return -EINVAL;
	sp = model_silo_at((unsigned)ps_draw(u, ctx, MODEL_N_SILOS));
	r  = &model_regions[sp.region];
	/* Hosts of a silo in generation order: apollo 0..3hs-1, athena... */
	k = ps_draw(u, ctx, (uint64_t)MODEL_HOSTS_SILO * c->host_scale);
	for (;;) {
		span = (uint64_t)ms->per_silo * c->host_scale;
		if (k < span || ms + 1 == model_services + MODEL_N_SERVICES)
			break;
		k -= span;
		ms++;
	}
	i    = k;
	h->n = 0;
	cs   = ps_store(h, &used, "%s-cell-%u", r->name, sp.cell);
	ss   = ps_store(
	      h, &used, "%s-cell-%u-silo-%u", r->name, sp.cell, sp.silo);
	az = ps_store(
	    h, &used, "%s-%u", r->name, (unsigned)(i % MODEL_N_AZ) + 1);
	in = !ss ? NULL
	         : ps_store(h, &used, "i-%s-%s-%s-%08" PRIu64 ".amazonaws.com",
	             prefix, ms->name, ss, i);
	if (!cs || !ss || !az || !in)
		return -ENAMETOOLONG;
	ps_host_dim(h, "region", r->name);
	ps_host_dim(h, "cell", cs);
	ps_host_dim(h, "silo", ss);
	ps_host_dim(h, "availability_zone", az);
	ps_host_dim(h, "microservice_name", ms->name);
	ps_host_dim(h, "instance_type", ms->instance_type);
	ps_host_dim(h, "os_version", ms->os_version);
	ps_host_dim(h, "instance_name", in);
	ps_host_dim(h, "process_name",
	    model_process_names[ps_draw(u, ctx, ms->nproc)]);
	ps_host_dim(h, "jdk_version", ms->jdk_version);
	h->measure = "memory_used";
	return 0;
}

const struct model_ops model_perf_scale = {
	.name    = "perf-scale",
	.version = MODEL_OPS_VERSION,
	.help    = "the seed's DevOps hosts: 20 metrics and 5 events per host",
	.params  = ps_params,
	.hosts   = ps_hosts,
	.series_count = ps_series_count,
	.build        = ps_build,
	.free         = model_free,
	.cycle        = ps_cycle,
	.values       = ps_values,
	.summary      = model_summary,
	.random_host  = ps_random_host,
};
