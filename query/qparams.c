/* qparams.c - query parameter sets: the seed's fixed host and random
 * valid hosts of the perf-scale model (seed-behaviour.md §2.1, §4.1).
 *
 * The model's hierarchy is repeated here in small tables on purpose, so
 * the query side does not depend on the generator module.
 */
#include "render.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const struct qregion {
	const char *name;
	unsigned    cells;
	unsigned    silos; /* per cell */
} qregions[] = {
	{ "us-east-1", 15, 3 },
	{ "us-east-2", 2, 2 },
	{ "us-west-1", 6, 2 },
	{ "us-west-2", 2, 2 },
	{ "eu-west-1", 10, 2 },
	{ "ap-northeast-1", 5, 3 },
};
#define N_QREGIONS (sizeof(qregions) / sizeof(qregions[0]))
#define N_SILOS 100 /* sum of cells * silos */

static const struct qservice {
	const char *name;
	unsigned    per_silo; /* instances per silo at host scale 1 */
	const char *instance_type;
	const char *os_version;
	const char *jdk_version;
	unsigned    nproc;
	const char *proc[2];
} qservices[] = {
	{ "apollo", 3, "r5.4xlarge", "AL2", "JDK_11", 1, { "server" } },
	{ "athena", 1, "m5.8xlarge", "AL2012", "JDK_8", 2,
	    { "server", "host_manager" } },
	{ "demeter", 1, "c5.16xlarge", "AL2012", "JDK_8", 2,
	    { "server", "host_manager" } },
	{ "hercules", 2, "r5.4xlarge", "AL2012", "JDK_8", 1, { "server" } },
	{ "zeus", 3, "m5.4xlarge", "AL2", "JDK_11", 1, { "server" } },
};
#define N_QSERVICES (sizeof(qservices) / sizeof(qservices[0]))
#define HOSTS_PER_SILO 10 /* sum of per_silo */

/* Host-scale limit: keeps every index well inside 64 bits. */
#define MAX_HOST_SCALE 100000000u

void
qparams_fixed(struct qparams *p)
{
	p->region            = "eu-west-1";
	p->availability_zone = "eu-west-1-1";
	p->cell              = "eu-west-1-cell-8";
	p->silo              = "eu-west-1-cell-8-silo-1";
	p->microservice_name = "apollo";
	p->instance_type     = "r5.4xlarge";
	p->os_version        = "AL2";
	p->instance_name
	    = "i-ojtoEEXU-apollo-eu-west-1-cell-8-silo-1-00000033."
	      "amazonaws.com";
	p->process_name = "host_manager";
	p->jdk_version  = "JDK_8";
	p->measure      = "memory_used";
}

/* floor(u * n) clamped to [0, n): a u() slightly out of [0, 1) still
 * gives a valid index. */
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

/* printf into st (QPARAMS_STORE bytes) after *used bytes; the offset of
 * the string, or -1 when it does not fit. */
__attribute__((format(printf, 3, 4))) static long
store_printf(char *st, size_t *used, const char *fmt, ...)
{
	char   *dst  = st + *used;
	size_t  room = QPARAMS_STORE - *used;
	size_t  at   = *used;
	va_list ap;
	int     n;

	va_start(ap, fmt);
	n = vsnprintf(dst, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room)
		return -1;
	*used += (size_t)n + 1;
	return (long)at;
}

int
qparams_random(struct qparams *p, double (*u)(void *), void *ctx,
    unsigned host_scale, const char *prefix)
{
	const struct qregion  *r  = qregions;
	const struct qservice *ms = qservices;
	uint64_t               s, h, i, span;
	unsigned               cell, silo;
	size_t                 used = 0;
	long                   cs, ss, az, in;
	char                   st[QPARAMS_STORE];

	if (!host_scale || host_scale > MAX_HOST_SCALE || !prefix || !u)
		return -EINVAL;

	/* Every silo holds the same number of hosts, so a uniform host is a
	 * uniform silo and then a uniform host inside it. */
	s = draw(u, ctx, N_SILOS);
	while (s >= (uint64_t)r->cells * r->silos
	    && r + 1 < qregions + N_QREGIONS) {
		s -= (uint64_t)r->cells * r->silos;
		r++;
	}
	cell = (unsigned)(s / r->silos) + 1;
	silo = (unsigned)(s % r->silos) + 1;

	/* Hosts of a silo in generation order: apollo 0..3hs-1, athena... */
	h = draw(u, ctx, (uint64_t)HOSTS_PER_SILO * host_scale);
	for (;;) {
		span = (uint64_t)ms->per_silo * host_scale;
		if (h < span || ms + 1 == qservices + N_QSERVICES)
			break;
		h -= span;
		ms++;
	}
	i = h;

	/* Built aside first, so a failure leaves p as it was. */
	cs = store_printf(st, &used, "%s-cell-%u", r->name, cell);
	ss = store_printf(
	    st, &used, "%s-cell-%u-silo-%u", r->name, cell, silo);
	az = store_printf(st, &used, "%s-%u", r->name, (unsigned)(i % 3) + 1);
	in = ss < 0
	    ? -1
	    : store_printf(st, &used, "i-%s-%s-%s-%08" PRIu64 ".amazonaws.com",
	        prefix, ms->name, st + ss, i);
	if (cs < 0 || ss < 0 || az < 0 || in < 0)
		return -ENAMETOOLONG;

	memcpy(p->store, st, used);
	p->region            = r->name;
	p->cell              = p->store + cs;
	p->silo              = p->store + ss;
	p->availability_zone = p->store + az;
	p->microservice_name = ms->name;
	p->instance_type     = ms->instance_type;
	p->os_version        = ms->os_version;
	p->instance_name     = p->store + in;
	p->process_name      = ms->proc[draw(u, ctx, ms->nproc)];
	p->jdk_version       = ms->jdk_version;
	p->measure           = "memory_used";
	return 0;
}
