/* pass.c - the stage that hands every batch on unchanged: the chain of a
 * run with one target and no spool. */
#include "stage.h"

static enum tgt_status
pass_write(struct stage *s, const struct batch *b)
{
	return stage_forward(s, b);
}

const struct stage_ops stage_pass = {
	.name  = "pass",
	.help  = "hands every batch to the target as it is",
	.write = pass_write,
};
