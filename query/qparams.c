/* qparams.c - query parameter sets: the seed's fixed host and random
 * valid hosts of a model (its model_ops->random_host; perf-scale's follows
 * seed-behaviour.md §2.1, §4.1).
 */
#include "render.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "model_ops.h"

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

/* The fields a model's host dimensions fill, by dimension name. */
static const struct {
	const char *name;
	size_t      off;
} qp_fields[] = {
	{ "region", offsetof(struct qparams, region) },
	{ "cell", offsetof(struct qparams, cell) },
	{ "silo", offsetof(struct qparams, silo) },
	{ "availability_zone", offsetof(struct qparams, availability_zone) },
	{ "microservice_name", offsetof(struct qparams, microservice_name) },
	{ "instance_type", offsetof(struct qparams, instance_type) },
	{ "os_version", offsetof(struct qparams, os_version) },
	{ "instance_name", offsetof(struct qparams, instance_name) },
	{ "process_name", offsetof(struct qparams, process_name) },
	{ "jdk_version", offsetof(struct qparams, jdk_version) },
};

int
qparams_random_model(struct qparams *p, const struct model_ops *ops,
    double (*u)(void *), void *ctx, const struct model_conf *c,
    const char *prefix)
{
	struct model_host h;
	struct qparams    q    = *p;
	size_t            used = 0, n;
	unsigned          i, f;
	int               rc;

	if (!ops || !ops->random_host)
		return -EINVAL;
	rc = ops->random_host(c, prefix, u, ctx, &h);
	if (rc)
		return rc;
	/* Built aside first, so a failure leaves p as it was: the model's
	 * own strings move into store[], constants stay where they are. */
	for (i = 0; i < h.n; i++) {
		const char *v = h.value[i];

		if (v >= h.store && v < h.store + sizeof(h.store)) {
			n = strlen(v) + 1;
			if (n > sizeof(q.store) - used)
				return -ENAMETOOLONG;
			memcpy(q.store + used, v, n);
			v = p->store + used;
			used += n;
		}
		for (f = 0; f < sizeof(qp_fields) / sizeof(qp_fields[0]); f++)
			if (!strcmp(qp_fields[f].name, h.name[i]))
				*(const char **)((char *)&q + qp_fields[f].off)
				    = v;
	}
	q.measure = h.measure;
	memcpy(p, &q, offsetof(struct qparams, store));
	memcpy(p->store, q.store, used);
	return 0;
}

int
qparams_random(struct qparams *p, double (*u)(void *), void *ctx,
    unsigned host_scale, const char *prefix)
{
	struct model_conf c = { .host_scale = host_scale };

	return qparams_random_model(p, &model_perf_scale, u, ctx, &c, prefix);
}
