/* dirsink.c - the dir: sink of tsload stream (the seed's `filesystem`):
 *
 *   dir:PATH[?lines=N&compress=none|gzip|zstd]
 *
 * Lines gather in memory; every N lines (default 1000) become one file in
 * the directory PATH (created when missing), named as the seed names them:
 * the UTC time with microseconds, "2026-12-07T00:08:43.659767+00:00.log",
 * with ".gz" (gzip) or ".zstd" (zstd level 12, the seed's suffix and
 * level) added. The last, shorter file is written by ->drain. A file is
 * written to a temporary name and renamed, so a reader never sees half of
 * one; its lines count done once it is renamed. Two files in the same
 * microsecond get "-2", "-3", ... before the suffix (the seed overwrote).
 * Lines only: ingest cannot write to it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <zstd.h>

#include "buf.h"
#include "fs.h"
#include "http.h"
#include "target.h"
#include "xalloc.h"

enum {
	DS_LINES_MAX = 10000000,
	DS_BUF_MAX   = 1 << 30,
	DS_PATH_MAX  = 4096,
	DS_ZSTD_LVL  = 12,
};

static const char *const ds_compress[] = { "none", "gzip", "zstd", NULL };
static const char *const ds_suffix[]   = { ".log", ".log.gz", ".log.zstd" };

struct ds_params {
	unsigned lines;
	int      compress; /* index in ds_compress */
};

static const struct param_row ds_params[] = {
	{ "lines", PARAM_UINT, PARAM_FIELD(struct ds_params, lines), "1000", 1,
	    DS_LINES_MAX, NULL, "N", "lines per file" },
	{ "compress", PARAM_ENUM, PARAM_FIELD(struct ds_params, compress),
	    "none", 0, 0, ds_compress, NULL,
	    "files as written, gzip or zstd" },
	{ NULL },
};

struct ds {
	struct ds_params p;
	char             dir[DS_PATH_MAX];
	struct buf       lines; /* pending whole lines */
	unsigned         nlines;
	struct buf       z;        /* a compressed file */
	char             last[64]; /* the last file's time stem */
	unsigned         same;     /* files with that stem so far */
};

static int
ds_parse(
    const char *url, struct ds_params *p, char *dir, char *err, size_t errlen)
{
	int rc = params_parse_url(ds_params, p, url, err, errlen);

	if (rc)
		return rc;
	if (target_url_path(url, dir, DS_PATH_MAX) || !dir[0]) {
		snprintf(err, errlen, "dir: expected dir:PATH (a directory)");
		return -EINVAL;
	}
	return 0;
}

static int
ds_check(const char *url, char *err, size_t errlen)
{
	struct ds_params p;
	char             dir[DS_PATH_MAX];

	return ds_parse(url, &p, dir, err, errlen);
}

static int
ds_init(struct tgt_ctx *ctx)
{
	struct ds *d = xcalloc(1, sizeof(*d));
	char       why[256];
	int        rc;

	ctx->priv = d;
	buf_init(&d->lines, DS_BUF_MAX);
	buf_init(&d->z, DS_BUF_MAX);
	rc = ds_parse(
	    ctx->conf->url, &d->p, d->dir, ctx->err, sizeof(ctx->err));
	if (rc)
		return rc;
	rc = fs_mkdir_p(d->dir, why, sizeof(why));
	if (rc)
		snprintf(ctx->err, sizeof(ctx->err), "dir %.100s: %.120s",
		    d->dir, why);
	return rc;
}

/* "2026-12-07T00:08:43.659767+00:00" (no fraction at 0 microseconds, as
 * Python's isoformat), then "-K" for the K-th file of that stem. */
static void
ds_name(struct ds *d, char *out, size_t n)
{
	struct timeval tv;
	struct tm      tm;
	char           stem[64], frac[16] = "";

	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	if (tv.tv_usec)
		snprintf(frac, sizeof(frac), ".%06ld", (long)tv.tv_usec);
	snprintf(stem, sizeof(stem), "%04d-%02d-%02dT%02d:%02d:%02d%s+00:00",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, frac);
	if (strcmp(stem, d->last)) {
		snprintf(d->last, sizeof(d->last), "%s", stem);
		d->same = 0;
	}
	if (d->same++)
		snprintf(out, n, "%s/%s-%u%s", d->dir, stem, d->same,
		    ds_suffix[d->p.compress]);
	else
		snprintf(
		    out, n, "%s/%s%s", d->dir, stem, ds_suffix[d->p.compress]);
}

/* Writes the first len bytes of the pending lines as the next file. */
static enum tgt_status
ds_put(struct tgt_ctx *ctx, struct ds *d, size_t len)
{
	const char *body = d->lines.p;
	size_t      n = len, done = 0;
	char        path[DS_PATH_MAX + 96], tmp[DS_PATH_MAX + 112];
	int         fd, rc = 0;

	if (d->p.compress == 1) {
		if (http_gzip(&d->z, d->lines.p, len)) {
			snprintf(ctx->err, sizeof(ctx->err),
			    "dir: gzip of %zu bytes failed", len);
			return TGT_FATAL;
		}
		body = d->z.p;
		n    = d->z.len;
	} else if (d->p.compress == 2) {
		size_t z;

		buf_reset(&d->z);
		if (buf_reserve(&d->z, ZSTD_compressBound(len))) {
			snprintf(ctx->err, sizeof(ctx->err),
			    "dir: %zu bytes too many to compress", len);
			return TGT_FATAL;
		}
		z = ZSTD_compress(d->z.p, ZSTD_compressBound(len), d->lines.p,
		    len, DS_ZSTD_LVL);
		if (ZSTD_isError(z)) {
			snprintf(ctx->err, sizeof(ctx->err), "dir: zstd: %s",
			    ZSTD_getErrorName(z));
			return TGT_FATAL;
		}
		body = d->z.p;
		n    = z;
	}
	ds_name(d, path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		rc = -errno;
	while (!rc && done < n) {
		ssize_t k = write(fd, body + done, n - done);

		if (k < 0 && errno != EINTR)
			rc = -errno;
		else if (k > 0)
			done += (size_t)k;
	}
	if (fd >= 0 && close(fd) && !rc)
		rc = -errno;
	if (!rc && rename(tmp, path))
		rc = -errno;
	if (rc) {
		unlink(tmp);
		snprintf(ctx->err, sizeof(ctx->err), "dir %.200s: %s", path,
		    strerror(-rc));
		return rc == -ENOSPC || rc == -EDQUOT ? TGT_RETRY : TGT_FATAL;
	}
	return TGT_OK;
}

/* Offset just past the n-th newline of the pending lines. */
static size_t
ds_cut(const struct ds *d, unsigned n)
{
	const char *p = d->lines.p, *end = p + d->lines.len;

	while (n-- && p < end) {
		p = memchr(p, '\n', (size_t)(end - p));
		if (!p)
			return d->lines.len;
		p++;
	}
	return (size_t)(p - d->lines.p);
}

static enum tgt_status
ds_lines(struct tgt_ctx *ctx, const struct tgt_lines *l)
{
	struct ds      *d      = ctx->priv;
	size_t          mark   = d->lines.len, cut;
	unsigned        mark_n = d->nlines, k;
	enum tgt_status st;

	if (buf_add(&d->lines, l->data, l->len)) {
		snprintf(ctx->err, sizeof(ctx->err),
		    "dir: more than %d MiB of pending lines",
		    DS_BUF_MAX >> 20);
		return TGT_FAIL;
	}
	d->nlines += l->n;
	for (k = 0; d->nlines >= d->p.lines; k++) {
		cut = ds_cut(d, d->p.lines);
		st  = ds_put(ctx, d, cut);
		if (st != TGT_OK && k) /* the rest goes with the next file */
			return TGT_OK;
		if (st != TGT_OK) { /* nothing written: taken out again */
			d->lines.len = mark;
			d->nlines    = mark_n;
			return st;
		}
		ctx->lines.done += d->p.lines;
		memmove(d->lines.p, d->lines.p + cut, d->lines.len - cut);
		d->lines.len -= cut;
		d->nlines -= d->p.lines;
	}
	return TGT_OK;
}

/* The last, shorter file. */
static int
ds_drain(struct tgt_ctx *ctx)
{
	struct ds *d = ctx->priv;

	if (!d->lines.len)
		return 0;
	if (ds_put(ctx, d, d->lines.len) != TGT_OK) {
		ctx->lines.failed += d->nlines;
		return -EIO;
	}
	ctx->lines.done += d->nlines;
	d->lines.len = 0;
	d->nlines    = 0;
	return 0;
}

static void
ds_fini(struct tgt_ctx *ctx)
{
	struct ds *d = ctx->priv;

	if (!d)
		return;
	buf_free(&d->lines);
	buf_free(&d->z);
	free(d);
	ctx->priv = NULL;
}

const struct target_ops target_dir = {
	.name    = "dir",
	.version = TARGET_OPS_VERSION,
	.flags   = TGT_F_LINES,
	.usage   = "dir:PATH (tsload stream only)",
	.params  = ds_params,
	.check   = ds_check,
	.init    = ds_init,
	.lines   = ds_lines,
	.drain   = ds_drain,
	.fini    = ds_fini,
};
