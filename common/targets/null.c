/* null.c - the null: target accepts and discards every batch.
 *
 * It measures the harness itself (generation, batching, accounting) with
 * no database in the way. The caller counts what was written.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "target.h"

static int
null_check(const char *url, char *err, size_t errlen)
{
	static const char *const none[] = { NULL };
	char                     path[8];

	if (target_url_path(url, path, sizeof(path)) != 0 || path[0]) {
		snprintf(err, errlen, "null: takes no path (use \"null:\")");
		return -EINVAL;
	}
	return target_url_check_keys(url, none, err, errlen);
}

static int
null_init(struct tgt_ctx *ctx)
{
	ctx->priv = NULL;
	return 0;
}

static enum tgt_status
null_write(struct tgt_ctx *ctx, const struct batch *b)
{
	(void)b;
	ctx->rejected = 0;
	return TGT_OK;
}

static void
null_fini(struct tgt_ctx *ctx)
{
	ctx->priv = NULL;
}

const struct target_ops target_null = {
	.name    = "null",
	.version = TARGET_OPS_VERSION,
	.flags   = TGT_F_WRITE,
	.usage   = "null:",
	.check   = null_check,
	.init    = null_init,
	.write   = null_write,
	.fini    = null_fini,
};
