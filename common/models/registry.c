/* registry.c - the data models, one MODEL(x) line each, and what they
 * share: the lookup, the ops check, the shard split.
 *
 * A new model is common/models/x.c exporting `const struct model_ops
 * model_x` plus one MODEL(x) line below.
 */
#include "model_ops.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* apache, cloudfront, cloudflare: the access-log models (accesslog.c) */
#define MODELS(MODEL)                                                         \
	MODEL(perf_scale)                                                     \
	MODEL(continuous)                                                     \
	MODEL(apache) MODEL(cloudfront) MODEL(cloudflare) MODEL(datagen)

#define MODEL_PTR(x) &model_##x,
static const struct model_ops *const models[] = { MODELS(MODEL_PTR) NULL };

const struct model_ops *
model_find(const char *name)
{
	unsigned i;

	for (i = 0; name && models[i]; i++)
		if (!strcmp(models[i]->name, name))
			return models[i];
	return NULL;
}

void
model_release(struct model *m)
{
	if (m->ops)
		m->ops->free(m);
}

const struct model_ops *const *
model_list(void)
{
	return models;
}

bool
model_ops_valid(const struct model_ops *ops, char *err, size_t n)
{
	const char *name;
	char        why[192];

	if (!ops) {
		snprintf(err, n, "model: no ops");
		return false;
	}
	name = ops->name ? ops->name : "(unnamed)";
	if (ops->version != MODEL_OPS_VERSION) {
		snprintf(err, n, "model %s: ops version %d, expected %d", name,
		    ops->version, MODEL_OPS_VERSION);
		return false;
	}
	if (!ops->name || !*ops->name
	    || strspn(ops->name, "abcdefghijklmnopqrstuvwxyz0123456789-")
	        != strlen(ops->name)) {
		snprintf(err, n, "model %s: the name is not a lower-case word",
		    name);
		return false;
	}
	if (!ops->help || !*ops->help) {
		snprintf(err, n, "model %s: no help line", name);
		return false;
	}
	if (!ops->hosts || !ops->series_count || !ops->build || !ops->free
	    || !ops->cycle || !ops->values || !ops->summary) {
		snprintf(err, n,
		    "model %s: needs hosts, series_count, build, free, cycle, values and summary",
		    name);
		return false;
	}
	if (ops->params
	    && !params_table_valid(ops->params, why, sizeof(why))) {
		snprintf(err, n, "model %s: %s", name, why);
		return false;
	}
	return true;
}

int
model_shard(
    uint32_t total, uint32_t n, uint32_t i, uint32_t *first, uint32_t *end)
{
	uint32_t base, rem;

	if (n == 0 || n > total || i >= n)
		return -EINVAL;
	base   = total / n;
	rem    = total % n;
	*first = i * base + (i < rem ? i : rem);
	*end   = *first + base + (i < rem ? 1 : 0);
	return 0;
}
