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
#include "format.h"
#include "target.h"
#include "xalloc.h"

enum { NULL_BUF_MAX = 64 << 20 }; /* most bytes of one batch's text */

struct null_priv {
	const struct format_ops *fmt;
	void                    *enc; /* fmt's state */
	struct buf               out; /* reused for every batch */
};

struct null_params {
	int format; /* index in format_names, -1: none */
};

static const struct param_row null_params[] = {
	{ "format", PARAM_ENUM, PARAM_FIELD(struct null_params, format), NULL,
	    0, 0, format_names, NULL,
	    "build each batch's text in this format, then drop it" },
	{ NULL },
};

static int
null_check(const char *url, char *err, size_t errlen)
{
	struct null_params p;
	char               path[8], words[128];

	if (target_url_path(url, path, sizeof(path)) != 0 || path[0]) {
		(void)format_names_join(words, sizeof(words), "|");
		snprintf(err, errlen,
		    "null: takes no path (use \"null:\" or \"null:?format=%s\")",
		    words);
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
	p->fmt = format_find(format_names[np.format]);
	return format_init(p->fmt, NULL, &p->enc);
}

static enum tgt_status
null_write(struct tgt_ctx *ctx, const struct batch *b)
{
	struct null_priv *p = ctx->priv;

	ctx->rejected = 0;
	if (!p)
		return TGT_OK;
	buf_reset(&p->out);
	if (p->fmt->encode(p->enc, &p->out, b) != 0) {
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
		format_fini(p->fmt, p->enc);
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
