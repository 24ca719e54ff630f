/* file.c - the file: and stdout: targets: batches as text lines in InfluxDB
 * line protocol (lp.c), Timestream WriteRecords JSON (one record a line,
 * from tsjson.c, the timestream target's encoder) or CSV; or as the rows
 * the postgres and clickhouse targets send (pgcopy: COPY text, pg_copy.c;
 * chtsv: TabSeparated, chtsv.c), which their own clients can load into
 * the table those targets create (make bench replays them).
 *
 * The line protocol encoder is common/lp.c, shared with the influx and vm
 * targets. Each batch is built in a per-thread buffer and written with one
 * write() on an O_APPEND descriptor, so threads and processes sharing a
 * file only ever interleave whole batches. On a pipe or terminal, where
 * only writes up to PIPE_BUF are atomic, the batch goes out in chunks of
 * whole lines.
 */
#include <assert.h>
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
#include "chtsv.h"
#include "fmt.h"
#include "lp.h"
#include "pg_copy.h"
#include "target.h"
#include "tsjson.h"
#include "xalloc.h"

enum file_fmt {
	FF_LP     = 0,
	FF_JSON   = 1,
	FF_CSV    = 2,
	FF_PGCOPY = 3,
	FF_CHTSV  = 4
};

enum {
	FILE_BUF_MAX  = 64 << 20, /* most bytes of one batch's text */
	FILE_REC_FIX  = 1536, /* a record's bytes besides dims and values */
	FILE_MEAS_MAX = 512,  /* one measure's bytes, escaped */
};

static const char *const file_fmt_names[]
    = { "lp", "json", "csv", "pgcopy", "chtsv", NULL };
static const char *const file_type_names[] = { "DOUBLE", "BIGINT", "VARCHAR" };

struct file_priv {
	int           fd;
	bool          own_fd;  /* false for stdout */
	bool          chunked; /* not a regular file: PIPE_BUF line chunks */
	enum file_fmt fmt;
	char         *name; /* "file PATH" or "stdout", for messages */
	struct buf    out;
};

/* Appends n bytes at w; the caller has reserved the room. */
static inline char *
file_put(char *w, const char *s, size_t n)
{
	memcpy(w, s, n);
	return w + n;
}

#define FILE_PUTL(w, lit) file_put((w), (lit), sizeof(lit) - 1)

/* ---- URL ---- */

static int
file_url_fmt(const char *url, enum file_fmt *fmt, char *err, size_t errlen)
{
	char v[16];
	int  i;

	*fmt = FF_LP;
	if (!target_url_param(url, "format", v, sizeof(v)))
		return 0;
	for (i = 0; file_fmt_names[i]; i++) {
		if (strcmp(v, file_fmt_names[i]) == 0) {
			*fmt = (enum file_fmt)i;
			return 0;
		}
	}
	snprintf(err, errlen,
	    "%.*s: unknown format \"%s\" (expected lp, json, csv, pgcopy "
	    "or chtsv)",
	    (int)strcspn(url, ":"), url, v);
	return -EINVAL;
}

static int
file_url_check(const char *url, bool is_stdout, char *err, size_t errlen)
{
	static const char *const keys[] = { "format", NULL };
	enum file_fmt            fmt;
	char                     path[PATH_MAX];
	int                      rc;

	rc = target_url_check_keys(url, keys, err, errlen);
	if (!rc)
		rc = file_url_fmt(url, &fmt, err, errlen);
	if (rc)
		return rc;
	if (target_url_path(url, path, sizeof(path)) != 0) {
		snprintf(err, errlen, "file: path too long");
		return -EINVAL;
	}
	if (is_stdout && path[0]) {
		snprintf(err, errlen,
		    "stdout: takes no path (use stdout:?format=lp|json|"
		    "csv|pgcopy|chtsv)");
		return -EINVAL;
	}
	if (!is_stdout && !path[0]) {
		snprintf(err, errlen,
		    "file: no path (use file:PATH?format=lp|json|csv|"
		    "pgcopy|chtsv)");
		return -EINVAL;
	}
	return 0;
}

static int
file_check(const char *url, char *err, size_t errlen)
{
	return file_url_check(url, false, err, errlen);
}

static int
stdout_check(const char *url, char *err, size_t errlen)
{
	return file_url_check(url, true, err, errlen);
}

/* ---- writing whole buffers ---- */

static int
file_write_all(int fd, const char *p, size_t n)
{
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
	}
	return 0;
}

/* Writes the batch text; on a pipe in chunks of whole lines of at most
 * PIPE_BUF bytes (a longer line goes alone). */
static int
file_flush(struct file_priv *f)
{
	const char *p   = f->out.p;
	size_t      len = f->out.len, n;
	const char *nl;
	int         rc;

	if (!f->chunked)
		return file_write_all(f->fd, p, len);
	while (len) {
		n = len;
		if (n > PIPE_BUF) {
			nl = memrchr(p, '\n', PIPE_BUF);
			if (!nl)
				nl = memchr(
				    p + PIPE_BUF, '\n', len - PIPE_BUF);
			n = nl ? (size_t)(nl - p) + 1 : len;
		}
		rc = file_write_all(f->fd, p, n);
		if (rc)
			return rc;
		p += n;
		len -= n;
	}
	return 0;
}

/* ---- CSV header ---- */

static void
file_csv_header(struct buf *b, bool multi)
{
	int i;

	buf_adds(b, "time_ms");
	for (i = 0; i < TGT_N_DCOLS; i++) {
		buf_addc(b, ',');
		buf_adds(b, target_dcol_names[i]);
	}
	if (!multi) {
		buf_adds(b, ",measure_name,measure_type,measure_value\n");
		return;
	}
	buf_adds(b, ",measure_name");
	for (i = 0; i < TGT_N_MCOLS; i++) {
		buf_addc(b, ',');
		buf_adds(b, target_mcol_name((unsigned)i));
	}
	buf_addc(b, '\n');
}

/* ---- escaping ---- */

/* One CSV field, quoted (RFC 4180) only when it must be. */
static char *
csv_field(char *w, const char *s, size_t n)
{
	size_t i;

	if (!memchr(s, ',', n) && !memchr(s, '"', n) && !memchr(s, '\n', n)
	    && !memchr(s, '\r', n))
		return file_put(w, s, n);
	*w++ = '"';
	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			*w++ = '"';
		*w++ = s[i];
	}
	*w++ = '"';
	return w;
}

/* ---- one sample in each format ---- */

struct file_rec {
	const struct sample *s;
	const char *const   *dim_names;
	const char          *kind;    /* "metrics" or "events" */
	bool                 req_dim; /* request_id as a dimension */
	unsigned             first, end;
	char                 ms[FMT_NUM_MAX];
	size_t               ms_len;
};

static void
file_rec_init(
    struct file_rec *r, const struct sample *s, const struct batch *b)
{
	bool     ev = s->series->kind == SERIES_EVENTS;
	unsigned n  = target_n_measures(
	     ev ? SERIES_EVENTS : SERIES_METRICS, b->req_id);

	r->s         = s;
	r->dim_names = ev ? model_event_dim_names : model_metric_dim_names;
	r->kind      = ev ? "events" : "metrics";
	r->req_dim   = b->req_id == REQID_DIMENSION && s->req_id[0];
	r->first     = b->multi ? 0 : s->first;
	r->end       = b->multi ? n : s->first + s->count;
	if (r->end > n)
		r->end = n;
	if (r->first > r->end)
		r->first = r->end;
	r->ms_len = fmt_i64(r->ms, s->time_ms);
}

/* Upper bound of the bytes one sample can take in any format. */
static size_t
file_bound(const struct file_rec *r, bool multi)
{
	size_t   dims = sizeof(r->s->req_id);
	size_t   recs = multi ? 1 : r->end - r->first;
	unsigned d;

	for (d = 0; d < MODEL_N_DIMS; d++)
		dims += series_dim(r->s->series, d).len;
	return recs * (6 * dims + FILE_REC_FIX)
	    + (size_t)(r->end - r->first) * FILE_MEAS_MAX + 64;
}

static char *
csv_value(char *w, const struct tgt_measure *m)
{
	if (m->type == MT_DOUBLE)
		return w + fmt_double(w, m->d);
	if (m->type == MT_BIGINT)
		return w + fmt_i64(w, m->i);
	return csv_field(w, m->s, m->len);
}

static char *
file_csv(char *w, const struct file_rec *r, bool multi, uint8_t req_id)
{
	const struct series *se               = r->s->series;
	enum series_kind     kind             = (enum series_kind)se->kind;
	struct str           col[TGT_N_DCOLS] = { { NULL, 0 } };
	struct tgt_measure   m, mc[TGT_N_MCOLS];
	bool                 has[TGT_N_MCOLS] = { false };
	char                *pre;
	size_t               pre_len;
	unsigned             d, i, c;

	for (d = 0; d < MODEL_N_DIMS; d++)
		col[target_dcol(kind, d)] = series_dim(se, d);
	/* Multi-measure rows carry a request_id measure in its dimension
	 * column; single-measure rows give it a row of its own. */
	if (r->req_dim || (multi && req_id == REQID_MEASURE)) {
		col[TGT_DCOL_REQ_ID].p   = r->s->req_id;
		col[TGT_DCOL_REQ_ID].len = (uint32_t)strlen(r->s->req_id);
	}

	pre = w;
	w   = file_put(w, r->ms, r->ms_len);
	for (c = 0; c < TGT_N_DCOLS; c++) {
		*w++ = ',';
		if (col[c].len)
			w = csv_field(w, col[c].p, col[c].len);
	}
	*w++    = ',';
	pre_len = (size_t)(w - pre);

	if (!multi) {
		for (i = r->first; i < r->end; i++) {
			if (i > r->first)
				w = file_put(w, pre, pre_len);
			target_measure(r->s, i, &m);
			w    = file_put(w, m.name, strlen(m.name));
			*w++ = ',';
			w    = file_put(w, file_type_names[m.type],
			       strlen(file_type_names[m.type]));
			*w++ = ',';
			w    = csv_value(w, &m);
			*w++ = '\n';
		}
		return w;
	}
	w = file_put(w, r->kind, strlen(r->kind));
	for (i = r->first; i < r->end; i++) {
		target_measure(r->s, i, &m);
		if (m.mcol != TGT_MCOL_NONE) {
			mc[m.mcol]  = m;
			has[m.mcol] = true;
		}
	}
	for (c = 0; c < TGT_N_MCOLS; c++) {
		*w++ = ',';
		if (has[c])
			w = csv_value(w, &mc[c]);
	}
	*w++ = '\n';
	return w;
}

/* ---- ops ---- */

static int
file_setup_any(
    const struct tgt_conf *conf, bool is_stdout, char *err, size_t errlen)
{
	enum file_fmt fmt;
	struct buf    hdr;
	char          path[PATH_MAX];
	int           fd, rc;

	rc = file_url_check(conf->url, is_stdout, err, errlen);
	if (!rc)
		rc = file_url_fmt(conf->url, &fmt, err, errlen);
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
	if (fmt == FF_CSV) {
		buf_init(&hdr, 1 << 16);
		file_csv_header(&hdr, conf->multi);
		rc = file_write_all(fd, hdr.p, hdr.len);
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
	    ctx->conf->url, is_stdout, ctx->err, sizeof(ctx->err));
	if (!rc)
		rc = file_url_fmt(
		    ctx->conf->url, &f->fmt, ctx->err, sizeof(ctx->err));
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

/* Writes batch b in a format whose encoder takes whole batches: the rows
 * of the postgres or clickhouse target. */
static enum tgt_status
file_write_rows(
    struct tgt_ctx *ctx, struct file_priv *f, const struct batch *b)
{
	int rc;

	rc = f->fmt == FF_PGCOPY ? (pgcopy_batch(&f->out, b) < 0 ? -ENOSPC : 0)
	                         : chtsv_batch(&f->out, b);
	if (rc) {
		snprintf(ctx->err, sizeof(ctx->err),
		    "%s: a batch of %u records exceeds %d MiB", f->name,
		    b->records, FILE_BUF_MAX >> 20);
		return TGT_FAIL;
	}
	rc = file_flush(f);
	if (rc) {
		snprintf(ctx->err, sizeof(ctx->err), "%s: %s", f->name,
		    strerror(-rc));
		return TGT_FAIL;
	}
	return TGT_OK;
}

static enum tgt_status
file_write(struct tgt_ctx *ctx, const struct batch *b)
{
	struct file_priv *f = ctx->priv;
	struct file_rec   r;
	unsigned          i;
	size_t            need;
	char             *w;
	int               rc;

	ctx->rejected = 0;
	buf_reset(&f->out);
	if (f->fmt == FF_PGCOPY || f->fmt == FF_CHTSV)
		return file_write_rows(ctx, f, b);
	for (i = 0; i < b->n; i++) {
		file_rec_init(&r, &b->s[i], b);
		need = f->fmt == FF_JSON ? tsjson_bound(r.s, b)
		                         : file_bound(&r, b->multi);
		if (buf_reserve(&f->out, need) != 0) {
			snprintf(ctx->err, sizeof(ctx->err),
			    "%s: a batch of %u records exceeds %d MiB",
			    f->name, b->records, FILE_BUF_MAX >> 20);
			return TGT_FAIL;
		}
		w = f->out.p + f->out.len;
		switch (f->fmt) {
		case FF_LP:
			w = lp_put(w, r.s, b, LP_NS);
			break;
		case FF_JSON:
			w = tsjson_sample(w, r.s, b, true, '\n');
			break;
		case FF_CSV:
			w = file_csv(w, &r, b->multi, b->req_id);
			break;
		case FF_PGCOPY: /* whole batches: file_write_rows */
		case FF_CHTSV:
			break;
		}
		f->out.len = (size_t)(w - f->out.p);
		assert(f->out.len <= f->out.cap);
	}
	rc = file_flush(f);
	if (rc) {
		snprintf(ctx->err, sizeof(ctx->err), "%s: %s", f->name,
		    strerror(-rc));
		return TGT_FAIL;
	}
	return TGT_OK;
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
	free(f->name);
	free(f);
	ctx->priv = NULL;
}

const struct target_ops target_file = {
	.name    = "file",
	.version = TARGET_OPS_VERSION,
	.flags   = TGT_F_WRITE,
	.usage   = "file:PATH[?format=lp|json|csv|pgcopy|chtsv]",
	.check   = file_check,
	.setup   = file_setup,
	.init    = file_init,
	.write   = file_write,
	.fini    = file_fini,
};

const struct target_ops target_stdout = {
	.name    = "stdout",
	.version = TARGET_OPS_VERSION,
	.flags   = TGT_F_WRITE | TGT_F_STDOUT,
	.usage   = "stdout:[?format=lp|json|csv|pgcopy|chtsv]",
	.check   = stdout_check,
	.setup   = stdout_setup,
	.init    = stdout_init,
	.write   = file_write,
	.fini    = file_fini,
};
