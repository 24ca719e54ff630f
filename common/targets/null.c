/* null.c - the null: target accepts and discards every batch.
 *
 * It measures the harness itself (generation, batching, accounting) with
 * no database in the way. With ?format= (any format of file:) it first
 * serialises each batch into a per-thread buffer, as file: would, so the
 * cost of building the text is measured without any I/O. The caller
 * counts what was written.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "target.h"
#include "textfmt.h"
#include "xalloc.h"

enum { NULL_BUF_MAX = 64 << 20 }; /* most bytes of one batch's text */

struct null_priv {
	struct textfmt_enc enc;
	struct buf         out; /* reused for every batch */
};

struct null_params {
	int format; /* enum textfmt, -1: none */
};

static const struct param_row null_params[] = {
	{ "format", PARAM_ENUM, PARAM_FIELD(struct null_params, format), NULL,
	    0, 0, textfmt_names, NULL,
	    "build each batch's text in this format, then drop it" },
	{ NULL },
};

static int
null_check(const char *url, char *err, size_t errlen)
{
	struct null_params p;
	char               path[8];

	if (target_url_path(url, path, sizeof(path)) != 0 || path[0]) {
		snprintf(err, errlen,
		    "null: takes no path (use \"null:\" or "
		    "\"null:?format=lp|json|csv|pgcopy|chtsv\")");
		return -EINVAL;
	}
	return params_parse_url(null_params, &p, url, err, errlen);
}

static int
null_init(struct tgt_ctx *ctx)
{
	struct null_priv  *p;
	struct null_params np;
	int                rc;

	ctx->priv = NULL;
	rc        = params_parse_url(
	           null_params, &np, ctx->conf->url, ctx->err, sizeof(ctx->err));
	if (rc || np.format < 0)
		return rc; /* plain null: drops the samples as they are */
	p         = xcalloc(1, sizeof(*p));
	ctx->priv = p;
	buf_init(&p->out, NULL_BUF_MAX);
	textfmt_enc_init(&p->enc, (enum textfmt)np.format);
	return 0;
}

static enum tgt_status
null_write(struct tgt_ctx *ctx, const struct batch *b)
{
	struct null_priv *p = ctx->priv;

	ctx->rejected = 0;
	if (!p)
		return TGT_OK;
	buf_reset(&p->out);
	if (textfmt_encode(&p->enc, &p->out, b) != 0) {
		snprintf(ctx->err, sizeof(ctx->err),
		    "null: a batch of %u records exceeds %d MiB of text",
		    b->records, NULL_BUF_MAX >> 20);
		return TGT_FAIL;
	}
	return TGT_OK;
}

static void
null_fini(struct tgt_ctx *ctx)
{
	struct null_priv *p = ctx->priv;

	if (p) {
		buf_free(&p->out);
		textfmt_enc_free(&p->enc);
		free(p);
	}
	ctx->priv = NULL;
}

const struct target_ops target_null = {
	.name    = "null",
	.version = TARGET_OPS_VERSION,
	.flags   = TGT_F_WRITE,
	.usage   = "null:",
	.params  = null_params,
	.check   = null_check,
	.init    = null_init,
	.write   = null_write,
	.fini    = null_fini,
};
