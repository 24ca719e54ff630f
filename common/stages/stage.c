/* stage.c - the registry of stages (one line each) and the chain. */
#include "stage.h"

#include <string.h>

static const struct stage_ops *const stages[] = {
	&stage_pass,
	&stage_cluster,
	NULL,
};

const struct stage_ops *const *
stage_list(void)
{
	return stages;
}

const struct stage_ops *
stage_find(const char *name)
{
	for (size_t i = 0; stages[i]; i++)
		if (!strcmp(stages[i]->name, name))
			return stages[i];
	return NULL;
}

bool
stage_ops_valid(const struct stage_ops *ops)
{
	return ops && ops->name && ops->help && ops->write;
}

enum tgt_status
stage_forward(struct stage *s, const struct batch *b)
{
	if (s->next)
		return stage_write(s->next, b);
	return s->ctx->ops->write(s->ctx, b);
}

int
stage_chain_init(
    struct stage *s, const struct stage_ops *ops, struct tgt_ctx *ctx)
{
	memset(s, 0, sizeof(*s));
	s->ops = ops;
	s->ctx = ctx;
	return ops->init ? ops->init(s) : 0;
}

void
stage_chain_fini(struct stage *s)
{
	for (; s; s = s->next)
		if (s->ops && s->ops->fini)
			s->ops->fini(s);
}

int
stage_chain_open(struct stage *s, struct tgt_ctx *ctx)
{
	int rc;

	memset(s, 0, sizeof(*s));
	if ((ctx->ops->flags & TGT_F_HOSTS) && cluster_wanted(ctx->conf->url))
		return stage_chain_init(s, &stage_cluster, ctx);
	rc = ctx->ops->init(ctx);
	if (!rc)
		rc = stage_chain_init(s, &stage_pass, ctx);
	return rc;
}

void
stage_chain_close(struct stage *s, struct tgt_ctx *ctx)
{
	stage_chain_fini(s);
	ctx->ops->fini(ctx);
}
