/* file.c - the file: and stdout: targets: batches as text lines in InfluxDB
 * line protocol (lp.c), Timestream WriteRecords JSON (one record a line,
 * from tsjson.c, the timestream target's encoder) or CSV; or as the rows
 * the postgres and clickhouse targets send (pgcopy: COPY text; chtsv:
 * TabSeparated), which their own clients load into the table those
 * targets create (make bench replays them).
 *
 * The text comes from the format ?format=NAME finds in the formats registry
 * (format.h; shared with null:). Each batch is built in a per-thread buffer
 * and written with one write() on an O_APPEND descriptor, so threads and
 * processes sharing a file only ever interleave whole batches. On
 * a pipe or terminal, where only writes up to PIPE_BUF are atomic, the batch
 * goes out in chunks of whole lines.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "clock.h"
#include "format.h"
#include "target.h"
#include "xalloc.h"

enum { FILE_BUF_MAX = 64 << 20 }; /* most bytes of one batch's text */

/* A full disk is waited for this long (the batch retried with backoff),
 * then it ends the run. */
#define FILE_FULL_NS (5ull * 1000 * 1000 * 1000)

struct file_priv {
	int  fd;
	bool own_fd;  /* false for stdout */
	bool chunked; /* not a regular file: PIPE_BUF line chunks */
	const struct format_ops *fmt;
	void                    *enc; /* fmt's state */
	char      *name; /* "file PATH" or "stdout", for messages */
	struct buf out;
	uint64_t   full_since; /* now_ns() of the first failure of a
	                          full disk in a row, 0 if none */
};

/* ---- URL ---- */

struct file_params {
	int format; /* index in format_names */
};

static const struct param_row file_params[] = {
	{ "format", PARAM_ENUM, PARAM_FIELD(struct file_params, format), "lp",
	    0, 0, format_names, NULL, "the text written" },
	{ NULL },
};

/* Checks the URL and reads its format into *fmt. */
static int
file_url_check(const char *url, bool is_stdout, const struct format_ops **fmt,
    char *err, size_t errlen)
{
	struct file_params p;
	char               path[PATH_MAX], words[128];
	int                rc;

	rc = params_parse_url(file_params, &p, url, err, errlen);
	if (rc)
		return rc;
	*fmt = format_find(format_names[p.format]);
	if (target_url_path(url, path, sizeof(path)) != 0) {
		snprintf(err, errlen, "file: path too long");
		return -EINVAL;
	}
	if (is_stdout && path[0]) {
		(void)format_names_join(words, sizeof(words), "|");
		snprintf(err, errlen,
		    "stdout: takes no path (use stdout:?format=%s)", words);
		return -EINVAL;
	}
	if (!is_stdout && !path[0]) {
		(void)format_names_join(words, sizeof(words), "|");
		snprintf(err, errlen,
		    "file: no path (use file:PATH?format=%s)", words);
		return -EINVAL;
	}
	return 0;
}

static int
file_check(const char *url, char *err, size_t errlen)
{
	const struct format_ops *fmt;

	return file_url_check(url, false, &fmt, err, errlen);
}

static int
stdout_check(const char *url, char *err, size_t errlen)
{
	const struct format_ops *fmt;

	return file_url_check(url, true, &fmt, err, errlen);
}

/* ---- writing whole buffers ---- */

/* Writes p[0..n); *done counts the bytes that went out, also on failure.
 * 0 or -errno. */
static int
file_write_all(int fd, const char *p, size_t n, size_t *done)
{
	*done = 0;
	while (n) {
		ssize_t k = write(fd, p, n);

		if (k < 0) {
			struct pollfd pfd = { .fd = fd, .events = POLLOUT };

			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				return -errno;
			(void)poll(&pfd, 1, -1); /* non-blocking stdout */
			continue;
		}
		p += k;
		n -= (size_t)k;
		*done += (size_t)k;
	}
	return 0;
}

/* Writes the batch text; on a pipe in chunks of whole lines of at most
 * PIPE_BUF bytes (a longer line goes alone). *done counts the bytes that
 * went out. */
static int
file_flush(struct file_priv *f, size_t *done)
{
	const char *p   = f->out.p;
	size_t      len = f->out.len, n, k;
	const char *nl;
	int         rc;

	if (!f->chunked)
		return file_write_all(f->fd, p, len, done);
	*done = 0;
	while (len) {
		n = len;
		if (n > PIPE_BUF) {
			nl = memrchr(p, '\n', PIPE_BUF);
			if (!nl)
				nl = memchr(
				    p + PIPE_BUF, '\n', len - PIPE_BUF);
			n = nl ? (size_t)(nl - p) + 1 : len;
		}
		rc = file_write_all(f->fd, p, n, &k);
		*done += k;
		if (rc)
			return rc;
		p += n;
		len -= n;
	}
	return 0;
}

/* After a failed write of a regular file, takes back the `done` bytes of
 * the batch that reached it, so that the file ends with the last whole
 * batch: when the file still ends where this write left it (no other
 * writer appended since). 0, or -EAGAIN when the file could not be cut. */
static int
file_take_back(struct file_priv *f, size_t done)
{
	struct stat st;
	off_t       end;

	if (!done)
		return 0;
	if (f->chunked)
		return -EAGAIN;
	end = lseek(f->fd, 0, SEEK_CUR);
	if (end < (off_t)done || fstat(f->fd, &st) != 0 || st.st_size != end
	    || ftruncate(f->fd, end - (off_t)done) != 0)
		return -EAGAIN;
	return 0;
}

/* ---- ops ---- */

static int
file_setup_any(
    const struct tgt_conf *conf, bool is_stdout, char *err, size_t errlen)
{
	const struct format_ops *fmt;
	struct buf               hdr;
	char                     path[PATH_MAX];
	int                      fd, rc;

	rc = file_url_check(conf->url, is_stdout, &fmt, err, errlen);
	if (!rc && fmt->header)
		rc = target_need_schema(
		    is_stdout ? "stdout" : "file", conf, err, errlen);
	if (rc)
		return rc;
	(void)target_url_path(conf->url, path, sizeof(path));
	if (is_stdout) {
		fd = STDOUT_FILENO;
	} else {
		rc = target_mkdir_parents(path, err, errlen);
		if (rc)
			return rc;
		fd = open(
		    path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0) {
			rc = -errno;
			snprintf(
			    err, errlen, "file %s: %s", path, strerror(errno));
			return rc;
		}
	}
	if (fmt->header) {
		size_t done;

		buf_init(&hdr, 1 << 16);
		rc = fmt->header(&hdr, conf->schema, conf->multi);
		if (!rc)
			rc = file_write_all(fd, hdr.p, hdr.len, &done);
		if (rc)
			snprintf(err, errlen, "%s%s: %s",
			    is_stdout ? "stdout" : "file ",
			    is_stdout ? "" : path, strerror(-rc));
		buf_free(&hdr);
	}
	if (!is_stdout && close(fd) != 0 && !rc) {
		rc = -errno;
		snprintf(err, errlen, "file %s: %s", path, strerror(errno));
	}
	return rc;
}

static int
file_setup(const struct tgt_conf *conf, char *err, size_t errlen)
{
	return file_setup_any(conf, false, err, errlen);
}

static int
stdout_setup(const struct tgt_conf *conf, char *err, size_t errlen)
{
	return file_setup_any(conf, true, err, errlen);
}

static int
file_init_any(struct tgt_ctx *ctx, bool is_stdout)
{
	struct file_priv *f = xcalloc(1, sizeof(*f));
	char              path[PATH_MAX];
	struct stat       st;
	int               rc;

	f->fd     = -1;
	ctx->priv = f;
	buf_init(&f->out, FILE_BUF_MAX);
	rc = file_url_check(
	    ctx->conf->url, is_stdout, &f->fmt, ctx->err, sizeof(ctx->err));
	if (!rc)
		rc = format_init(f->fmt, NULL, &f->enc);
	if (rc)
		return rc;
	(void)target_url_path(ctx->conf->url, path, sizeof(path));
	if (is_stdout) {
		f->name = xstrdup("stdout");
		f->fd   = STDOUT_FILENO;
	} else {
		f->name   = xasprintf("file %s", path);
		f->own_fd = true;
		f->fd     = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
		if (f->fd < 0) {
			rc = -errno;
			snprintf(ctx->err, sizeof(ctx->err), "%s: %s", f->name,
			    strerror(errno));
			return rc;
		}
	}
	if (fstat(f->fd, &st) != 0) {
		rc = -errno;
		snprintf(ctx->err, sizeof(ctx->err), "%s: %s", f->name,
		    strerror(errno));
		return rc;
	}
	f->chunked = !S_ISREG(st.st_mode);
	return 0;
}

static int
file_init(struct tgt_ctx *ctx)
{
	return file_init_any(ctx, false);
}

static int
stdout_init(struct tgt_ctx *ctx)
{
	return file_init_any(ctx, true);
}

/* A failed write: a closed pipe ends the run quietly; a full disk (which
 * may clear) is tried again after a pause, once the partial batch is
 * taken back, for up to FILE_FULL_NS; any other error, a disk full for
 * longer, or a partial batch that cannot be taken back ends the run. */
static enum tgt_status file_out(struct tgt_ctx *ctx, struct file_priv *f);

static enum tgt_status
file_write(struct tgt_ctx *ctx, const struct batch *b)
{
	struct file_priv *f = ctx->priv;

	ctx->rejected = 0;
	buf_reset(&f->out);
	if (f->fmt->encode(f->enc, &f->out, b) != 0) {
		snprintf(ctx->err, sizeof(ctx->err),
		    "%s: a batch of %u records exceeds %d MiB", f->name,
		    b->records, FILE_BUF_MAX >> 20);
		return TGT_FAIL;
	}
	return file_out(ctx, f);
}

/* Writes f->out (see file_write). */
static enum tgt_status
file_out(struct tgt_ctx *ctx, struct file_priv *f)
{
	size_t done;
	int    rc;

	rc = file_flush(f, &done);
	if (!rc) {
		f->full_since = 0;
		return TGT_OK;
	}
	if (rc == -EPIPE) {
		snprintf(ctx->err, sizeof(ctx->err),
		    "%s: the reader closed the pipe", f->name);
		return TGT_CLOSED;
	}
	if (file_take_back(f, done) != 0) {
		snprintf(ctx->err, sizeof(ctx->err),
		    "%s: %s (a partial batch of %zu bytes is left)", f->name,
		    strerror(-rc), done);
		return TGT_FATAL;
	}
	if (rc != -ENOSPC && rc != -EDQUOT) {
		snprintf(ctx->err, sizeof(ctx->err), "%s: %s", f->name,
		    strerror(-rc));
		return TGT_FATAL;
	}
	if (!f->full_since)
		f->full_since = now_ns();
	if (now_ns() - f->full_since < FILE_FULL_NS) {
		snprintf(ctx->err, sizeof(ctx->err), "%s: %s", f->name,
		    strerror(-rc));
		return TGT_RETRY;
	}
	snprintf(ctx->err, sizeof(ctx->err), "%s: %s for %llu s", f->name,
	    strerror(-rc), FILE_FULL_NS / 1000000000ull);
	return TGT_FATAL;
}

/* tsload stream: the lines as they are, with the same failure rules. */
static enum tgt_status
file_lines(struct tgt_ctx *ctx, const struct tgt_lines *l)
{
	struct file_priv *f = ctx->priv;
	enum tgt_status   st;

	buf_reset(&f->out);
	if (buf_add(&f->out, l->data, l->len) != 0) {
		snprintf(ctx->err, sizeof(ctx->err),
		    "%s: %zu bytes of lines exceed %d MiB", f->name, l->len,
		    FILE_BUF_MAX >> 20);
		return TGT_FAIL;
	}
	st = file_out(ctx, f);
	if (st == TGT_OK)
		ctx->lines.done += l->n;
	return st;
}

static void
file_fini(struct tgt_ctx *ctx)
{
	struct file_priv *f = ctx->priv;

	if (!f)
		return;
	if (f->own_fd && f->fd >= 0)
		close(f->fd);
	buf_free(&f->out);
	if (f->fmt)
		format_fini(f->fmt, f->enc);
	free(f->name);
	free(f);
	ctx->priv = NULL;
}

const struct target_ops target_file = {
	.name    = "file",
	.version = TARGET_OPS_VERSION,
	.flags   = TGT_F_WRITE | TGT_F_LINES,
	.usage   = "file:PATH",
	.params  = file_params,
	.check   = file_check,
	.setup   = file_setup,
	.init    = file_init,
	.write   = file_write,
	.lines   = file_lines,
	.fini    = file_fini,
};

const struct target_ops target_stdout = {
	.name    = "stdout",
	.version = TARGET_OPS_VERSION,
	.flags   = TGT_F_WRITE | TGT_F_STDOUT | TGT_F_LINES,
	.usage   = "stdout:",
	.params  = file_params,
	.check   = stdout_check,
	.setup   = stdout_setup,
	.init    = stdout_init,
	.write   = file_write,
	.lines   = file_lines,
	.fini    = file_fini,
};
