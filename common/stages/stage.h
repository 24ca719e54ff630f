/* stage.h - what happens to a batch between the ingest loop and the
 * target: a chain of stages, each taking a batch in and handing batches
 * on to the next; the chain ends at the thread's target.
 *
 * A stage is an ops table registered in stage.c (pass now; fan-out and a
 * disk spool are to come): a new stage is one file here plus one line
 * there.
 *
 * Who calls what: each ingest thread builds its own chain (no stage is
 * shared between threads) with stage_chain_init, after the target's
 * ->init; ->write for every batch, which may block as the target's write
 * does; ->fini once at the end. The batch belongs to the caller and is
 * valid only during ->write: a stage that keeps it must copy it.
 */
#ifndef TSL_STAGE_H
#define TSL_STAGE_H

#include <stdbool.h>

#include "target.h"

struct stage {
	const struct stage_ops *ops;
	void                   *priv; /* the stage's own, from ->init */
	struct stage           *next; /* NULL: the last, writing to ctx */
	struct tgt_ctx         *ctx;  /* the target the chain ends at */
};

struct stage_ops {
	const char *name;
	const char *help; /* one line for the docs */
	/* Sets up priv. May be NULL. 0, or -errno with the reason in
	 * s->ctx->err. */
	int (*init)(struct stage *s);
	/* Takes one batch; returns the outcome of handing it on (as the
	 * target's ->write: TGT_OK, TGT_RETRY, ...). */
	enum tgt_status (*write)(struct stage *s, const struct batch *b);
	/* Frees priv. May be NULL. */
	void (*fini)(struct stage *s);
};

extern const struct stage_ops stage_pass;

/** The registered stages, NULL-terminated. */
const struct stage_ops *const *stage_list(void);
/** The stage named name, or NULL. */
const struct stage_ops *stage_find(const char *name);
/** Whether an ops table has its mandatory members. */
bool stage_ops_valid(const struct stage_ops *ops);

/** Hands b on from stage s: to the next stage, or to the target. */
enum tgt_status stage_forward(struct stage *s, const struct batch *b);
/** Makes s a one-stage chain of ops ending at ctx. @return ->init's. */
int stage_chain_init(
    struct stage *s, const struct stage_ops *ops, struct tgt_ctx *ctx);
/** Writes b through the chain that starts at s. */
static inline enum tgt_status
stage_write(struct stage *s, const struct batch *b)
{
	return s->ops->write(s, b);
}
/** Ends every stage of the chain. */
void stage_chain_fini(struct stage *s);

#endif
