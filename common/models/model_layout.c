/* model_layout.c - the hierarchy of the perf-scale model (seed 2.1):
 * regions, their cells and silos, and the microservices of a silo with
 * their constant dimension values.
 *
 * Data and one lookup only, so that the generator (model.c) and the query
 * side (query/qparams.c) share it without the query side linking the
 * model builder.
 */
#include "model.h"

#include <stdlib.h>
#include <string.h>

#include "rng.h"
#include "xalloc.h"

const struct model_region model_regions[MODEL_N_REGIONS] = {
	{ "us-east-1", 15, 3 },
	{ "us-east-2", 2, 2 },
	{ "us-west-1", 6, 2 },
	{ "us-west-2", 2, 2 },
	{ "eu-west-1", 10, 2 },
	{ "ap-northeast-1", 5, 3 },
};

const struct model_service model_services[MODEL_N_SERVICES] = {
	{ "apollo", "r5.4xlarge", "AL2", "JDK_11", 3, 0, 1 },
	{ "athena", "m5.8xlarge", "AL2012", "JDK_8", 1, 3, 2 },
	{ "demeter", "c5.16xlarge", "AL2012", "JDK_8", 1, 4, 2 },
	{ "hercules", "r5.4xlarge", "AL2012", "JDK_8", 2, 5, 1 },
	{ "zeus", "m5.4xlarge", "AL2", "JDK_11", 3, 7, 1 },
};

const char *const model_process_names[MODEL_N_PROCS] = {
	"server",
	"host_manager",
};

struct model_silo
model_silo_at(unsigned s)
{
	struct model_silo p = { 0, 0, 0 };
	unsigned          n;

	/* past the last silo: the last region's (callers stay in range) */
	for (; p.region + 1 < MODEL_N_REGIONS; p.region++) {
		n = model_regions[p.region].cells
		    * model_regions[p.region].silos_per_cell;
		if (s < n)
			break;
		s -= n;
	}
	p.cell = s / model_regions[p.region].silos_per_cell + 1;
	p.silo = s % model_regions[p.region].silos_per_cell + 1;
	return p;
}

struct str
model_arena_put(struct model_arena *a, const char *s, size_t len)
{
	struct str r = { NULL, (uint32_t)len };

	if (a->base) {
		r.p = a->base + a->used;
		memcpy(a->base + a->used, s, len);
		a->base[a->used + len] = '\0';
	}
	a->used += len + 1;
	return r;
}

/* Marks the high/low CPU hosts of [first, first + n) of a list of
 * total hosts as the seed does: Random(12345).shuffle(range(total)); low the
 * first int(0.2 total), high the last int(0.2 total) (every host when
 * that is 0); high is checked first. */
void
model_mark_cpu(
    struct series *metrics, uint32_t first, uint32_t n, uint32_t total)
{
	struct mt19937 r;
	uint32_t      *ids, q, i;

	q = (uint32_t)(0.2 * (double)total);
	if (q == 0) {
		for (i = 0; i < n; i++)
			metrics[i].cpu = CPU_HIGH;
		return;
	}
	ids = xmalloc((size_t)total * sizeof(*ids));
	for (i = 0; i < total; i++)
		ids[i] = i;
	mt_seed(&r, MODEL_CPU_SHUFFLE_SEED);
	mt_shuffle(&r, ids, total);
	for (i = 0; i < q; i++)
		if (ids[i] - first < n)
			metrics[ids[i] - first].cpu = CPU_LOW;
	for (i = total - q; i < total; i++)
		if (ids[i] - first < n)
			metrics[ids[i] - first].cpu = CPU_HIGH;
	free(ids);
}
