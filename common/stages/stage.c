/* stage.c - the registry of stages (one line each) and the chain. */
#include "stage.h"

#include <string.h>

static const struct stage_ops *const stages[] = {
	&stage_pass,
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
