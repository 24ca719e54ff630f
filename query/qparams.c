/* qparams.c - query parameter sets: the seed's fixed host and random
 * valid hosts of the perf-scale model (seed-behaviour.md §2.1, §4.1).
 *
 * The hierarchy (regions, silos, services) is common/model_layout.c's,
 * which does not pull in the model builder.
 */
#include "render.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "model.h"

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
	const struct model_region  *r;
	const struct model_service *ms = model_services;
	struct model_silo           sp;
	uint64_t                    h, i, span;
	size_t                      used = 0;
	long                        cs, ss, az, in;
	char                        st[QPARAMS_STORE];

	if (!host_scale || host_scale > MAX_HOST_SCALE || !prefix || !u)
		return -EINVAL;

	/* Every silo holds the same number of hosts, so a uniform host is a
	 * uniform silo and then a uniform host inside it. */
	sp = model_silo_at((unsigned)draw(u, ctx, MODEL_N_SILOS));
	r  = &model_regions[sp.region];

	/* Hosts of a silo in generation order: apollo 0..3hs-1, athena... */
	h = draw(u, ctx, (uint64_t)MODEL_HOSTS_SILO * host_scale);
	for (;;) {
		span = (uint64_t)ms->per_silo * host_scale;
		if (h < span || ms + 1 == model_services + MODEL_N_SERVICES)
			break;
		h -= span;
		ms++;
	}
	i = h;

	/* Built aside first, so a failure leaves p as it was. */
	cs = store_printf(st, &used, "%s-cell-%u", r->name, sp.cell);
	ss = store_printf(
	    st, &used, "%s-cell-%u-silo-%u", r->name, sp.cell, sp.silo);
	az = store_printf(
	    st, &used, "%s-%u", r->name, (unsigned)(i % MODEL_N_AZ) + 1);
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
	p->process_name      = model_process_names[draw(u, ctx, ms->nproc)];
	p->jdk_version       = ms->jdk_version;
	p->measure           = "memory_used";
	return 0;
}
