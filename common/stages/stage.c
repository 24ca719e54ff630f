/* stage.c - the registry of stages (one line each) and the chain. */
#include "stage.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static const struct stage_ops *const stages[] = {
	&stage_pass,
	&stage_cluster,
	&stage_spool,
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
stage_chain_init(struct stage *s, const struct stage_ops *ops,
    struct tgt_ctx *ctx, const struct stage_conf *conf)
{
	static const struct stage_conf none;

	memset(s, 0, sizeof(*s));
	s->ops  = ops;
	s->ctx  = ctx;
	s->conf = conf ? conf : &none;
	return ops->init ? ops->init(s) : 0;
}

enum tgt_status
stage_spill(struct stage *s, const struct batch *b)
{
	for (; s; s = s->next)
		if (s->ops->spill)
			return s->ops->spill(s, b);
	return TGT_FAIL;
}

bool
stage_chain_flush(struct stage *s)
{
	bool more = false;

	for (; s; s = s->next)
		if (s->ops->flush && s->ops->flush(s))
			more = true;
	return more;
}

void
stage_chain_counts(struct stage *s, struct stage_counts *c)
{
	memset(c, 0, sizeof(*c));
	for (; s; s = s->next)
		if (s->ops->counts)
			s->ops->counts(s, c);
}

void
stage_chain_fini(struct stage *s)
{
	for (; s; s = s->next)
		if (s->ops && s->ops->fini)
			s->ops->fini(s);
}

/* The end of a chain at ctx: the cluster stage for a cluster URL (it
 * connects the hosts), else ctx connected and the pass stage. */
static int
chain_end(struct stage *s, struct tgt_ctx *ctx, const struct stage_conf *conf)
{
	int rc;

	if ((ctx->ops->flags & TGT_F_HOSTS) && cluster_wanted(ctx->conf->url))
		return stage_chain_init(s, &stage_cluster, ctx, conf);
	rc = ctx->ops->init(ctx);
	if (!rc)
		rc = stage_chain_init(s, &stage_pass, ctx, conf);
	return rc;
}

int
stage_chain_open(
    struct stage *s, struct tgt_ctx *ctx, const struct stage_conf *conf)
{
	int rc;

	memset(s, 0, sizeof(*s));
	if (!conf || !conf->spool_dir || !conf->spool_dir[0])
		return chain_end(s, ctx, conf);
	/* spool -> the target (one host, as a run without fan-out always
	 * had it), or spool -> cluster */
	if ((ctx->ops->flags & TGT_F_HOSTS)
	    && cluster_wanted(ctx->conf->url)) {
		struct stage *end = xcalloc(1, sizeof(*end));

		rc = chain_end(end, ctx, conf);
		if (rc) {
			stage_chain_fini(end);
			free(end);
			return rc;
		}
		rc      = stage_chain_init(s, &stage_spool, ctx, conf);
		s->next = end;
		s->own  = true;
		return rc;
	}
	rc = ctx->ops->init(ctx);
	if (!rc)
		rc = stage_chain_init(s, &stage_spool, ctx, conf);
	return rc;
}

void
stage_chain_close(struct stage *s, struct tgt_ctx *ctx)
{
	struct stage *end = s->own ? s->next : NULL;

	stage_chain_fini(s);
	free(end);
	s->next = NULL;
	s->own  = false;
	ctx->ops->fini(ctx);
}
