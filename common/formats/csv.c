/* csv.c - format_csv: a batch as CSV text in the union schema (RFC 4180
 * quoting), with a header line naming the columns of a layout.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "format.h"

enum {
	TF_REC_FIX  = 1536, /* a record's bytes besides dims and values */
	TF_MEAS_MAX = 512,  /* one measure's bytes, escaped */
};

static const char *const tf_type_names[] = { "DOUBLE", "BIGINT", "VARCHAR" };

static inline char *
tf_put(char *w, const char *s, size_t n)
{
	memcpy(w, s, n);
	return w + n;
}

static void
csv_header_line(struct buf *b, const struct schema *sc, bool multi)
{
	int i;

	buf_adds(b, "time_ms");
	for (i = 0; i < sc->n_dcols; i++) {
		buf_addc(b, ',');
		buf_adds(b, sc->dcol[i]);
	}
	if (!multi) {
		buf_adds(b, ",measure_name,measure_type,measure_value\n");
		return;
	}
	buf_adds(b, ",measure_name");
	for (i = 0; i < sc->n_mcols; i++) {
		buf_addc(b, ',');
		buf_adds(b, sc->mcol[i]);
	}
	buf_addc(b, '\n');
}

/* One CSV field, quoted (RFC 4180) only when it must be. */
static char *
csv_field(char *w, const char *s, size_t n)
{
	size_t i;

	/* one pass: quotes are needed for ',', '"' and line breaks */
	for (i = 0; i < n; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r')
			break;
	if (i == n)
		return tf_put(w, s, n);
	*w++ = '"';
	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			*w++ = '"';
		*w++ = s[i];
	}
	*w++ = '"';
	return w;
}

struct tf_rec {
	const struct sample      *s;
	const struct schema_kind *k;       /* names and types */
	bool                      req_dim; /* request_id as a dimension */
	unsigned                  first, end;
	char                      ms[FMT_NUM_MAX];
	size_t                    ms_len;
};

static void
tf_rec_init(struct tf_rec *r, const struct sample *s, const struct batch *b)
{
	const struct schema_kind *k = s->series->g->sk;
	unsigned                  n = schema_n_measures(k, b->req_id);

	r->s       = s;
	r->k       = k;
	r->req_dim = b->req_id == REQID_DIMENSION && s->req_id[0];
	r->first   = b->multi ? 0 : s->first;
	r->end     = b->multi ? n : s->first + s->count;
	if (r->end > n)
		r->end = n;
	if (r->first > r->end)
		r->first = r->end;
	r->ms_len = fmt_i64(r->ms, s->time_ms);
}

/* Upper bound of the bytes one sample can take in any format. */
static size_t
tf_bound(const struct tf_rec *r, bool multi)
{
	size_t   dims = sizeof(r->s->req_id);
	size_t   recs = multi ? 1 : r->end - r->first;
	unsigned d;

	for (d = 0; d < r->k->n_dims; d++)
		dims += series_dim(r->s->series, d).len;
	return recs * (6 * dims + TF_REC_FIX)
	    + (size_t)(r->end - r->first) * TF_MEAS_MAX + 64;
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
tf_csv(char *w, const struct tf_rec *r, bool multi, uint8_t req_id)
{
	const struct series      *se = r->s->series;
	const struct schema_kind *k  = r->k;
	const struct schema      *sc = k->schema;
	struct str                col[SCHEMA_MAX_DCOLS];
	struct tgt_measure        m, mc[SCHEMA_MAX_MCOLS];
	bool                      has[SCHEMA_MAX_MCOLS];
	char                     *pre, *rows;
	size_t                    pre_len;
	unsigned                  d, i, c;
	/* kept in registers: the writes through w may alias the schema */
	unsigned n_dcols = sc->n_dcols, req_col = sc->dcol_req_id;
	bool     plain = se->g->plain;

	memset(col, 0, n_dcols * sizeof(col[0]));
	for (d = 0; d < k->n_dims; d++)
		col[k->dcol[d]] = series_dim(se, d);
	/* Multi-measure rows carry a request_id measure in its dimension
	 * column; single-measure rows give it a row of its own. */
	if (r->req_dim || (multi && req_id == REQID_MEASURE)) {
		col[req_col].p   = r->s->req_id;
		col[req_col].len = (uint32_t)strlen(r->s->req_id);
	}

	pre = w;
	w   = tf_put(w, r->ms, r->ms_len);
	for (c = 0; c < n_dcols; c++) {
		*w++ = ',';
		if (!col[c].len)
			continue;
		/* the model's values and names need no quotes when plain */
		if (plain && c != req_col)
			w = tf_put(w, col[c].p, col[c].len);
		else
			w = csv_field(w, col[c].p, col[c].len);
	}
	*w++    = ',';
	pre_len = (size_t)(w - pre);

	if (!multi) {
		rows = w;
		for (i = r->first; i < r->end; i++) {
			target_measure(r->s, i, &m);
			if (m.absent)
				continue; /* no value: no row */
			if (w != rows)
				w = tf_put(w, pre, pre_len);
			w    = tf_put(w, m.name, strlen(m.name));
			*w++ = ',';
			w    = tf_put(w, tf_type_names[m.type],
			       strlen(tf_type_names[m.type]));
			*w++ = ',';
			w    = csv_value(w, &m);
			*w++ = '\n';
		}
		return w == rows ? pre : w;
	}
	w = tf_put(w, k->name, k->name_len);
	memset(has, 0, sc->n_mcols);
	for (i = r->first; i < r->end; i++) {
		target_measure(r->s, i, &m);
		if (m.mcol != SCHEMA_NONE && !m.absent) {
			mc[m.mcol]  = m;
			has[m.mcol] = true;
		}
	}
	for (c = 0; c < sc->n_mcols; c++) {
		*w++ = ',';
		if (has[c])
			w = csv_value(w, &mc[c]);
	}
	*w++ = '\n';
	return w;
}

/* Room for any layout's header line, reserved first so that it goes in
 * whole or not at all. */
enum { CSV_HEADER_MAX = 4096 };

static int
csv_header(struct buf *out, const struct schema *sc, bool multi)
{
	if (buf_reserve(out, CSV_HEADER_MAX) != 0)
		return -ENOSPC;
	csv_header_line(out, sc, multi);
	return 0;
}

static int
csv_encode(void *state, struct buf *out, const struct batch *b)
{
	struct tf_rec r;
	unsigned      i;
	char         *w;

	(void)state;
	for (i = 0; i < b->n; i++) {
		tf_rec_init(&r, &b->s[i], b);
		if (buf_reserve(out, tf_bound(&r, b->multi)) != 0)
			return -ENOSPC;
		w        = tf_csv(out->p + out->len, &r, b->multi, b->req_id);
		out->len = (size_t)(w - out->p);
	}
	return 0;
}

const struct format_ops format_csv = {
	.name    = "csv",
	.version = FORMAT_OPS_VERSION,
	.desc    = "CSV in the union schema, after a header line",
	.ctype   = "text/csv; charset=utf-8",
	.header  = csv_header,
	.encode  = csv_encode,
};
