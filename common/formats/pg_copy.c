/* pg_copy.c - the COPY text encoder of the postgres: target (pg_copy.h).
 *
 * A sample's time and dimension fields are encoded once and copied in
 * front of each of its single-measure rows. Room is reserved per sample
 * from a bound, then the fields are written through a plain pointer.
 */
#include "pg_copy.h"

#include <errno.h>
#include <string.h>

#include "buf.h"
#include "fmt.h"
#include "format.h"

enum {
	PGC_TEXT_MAX = 64, /* longest measure name or VARCHAR value */
	PGC_VAL_MAX  = 2 * PGC_TEXT_MAX + 2, /* one value field + '\t' */
	PGC_ROW_FIX  = 2 * PGC_TEXT_MAX + 3 * PGC_VAL_MAX + 8,
};

static inline char *
pgc_put(char *w, const char *s, size_t n)
{
	memcpy(w, s, n);
	return w + n;
}

#define PGC_NULL(w) pgc_put((w), "\\N", 2)

char *
pgcopy_field(char *w, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char c = s[i];

		switch (c) {
		case '\\':
			*w++ = '\\';
			*w++ = '\\';
			break;
		case '\t':
			*w++ = '\\';
			*w++ = 't';
			break;
		case '\n':
			*w++ = '\\';
			*w++ = 'n';
			break;
		case '\r':
			*w++ = '\\';
			*w++ = 'r';
			break;
		default:
			*w++ = c;
		}
	}
	return w;
}

void
pgcopy_columns(struct buf *b, const struct schema *sc, bool multi)
{
	(void)schema_columns(b, sc, multi);
}

static char *
pgc_value(char *w, const struct tgt_measure *m)
{
	if (m->type == MT_DOUBLE)
		return w + fmt_double(w, m->d);
	if (m->type == MT_BIGINT)
		return w + fmt_i64(w, m->i);
	return pgcopy_field(
	    w, m->s, m->len < PGC_TEXT_MAX ? m->len : PGC_TEXT_MAX);
}

/* Time and the union's dimension fields, each followed by '\t'; at most
 * pgc_prefix_bound() bytes. */
static char *
pgc_prefix(char *w, const struct sample *s, bool req)
{
	const struct series      *se = s->series;
	const struct schema_kind *k  = se->g->sk;
	const struct schema      *sc = k->schema;
	struct str                col[SCHEMA_MAX_DCOLS];
	unsigned                  d, c;
	/* kept in registers: the writes through w may alias the schema */
	unsigned n_dcols = sc->n_dcols, req_col = sc->dcol_req_id;

	memset(col, 0, n_dcols * sizeof(col[0]));
	for (d = 0; d < k->n_dims; d++)
		col[k->dcol[d]] = series_dim(se, d);
	w    = w + fmt_i64(w, s->time_ms);
	*w++ = '\t';
	for (c = 0; c < n_dcols; c++) {
		if (c == req_col && req)
			w = pgcopy_field(w, s->req_id,
			    strnlen(s->req_id, sizeof(s->req_id)));
		else if (col[c].p)
			w = pgcopy_field(w, col[c].p, col[c].len);
		else
			w = PGC_NULL(w);
		*w++ = '\t';
	}
	return w;
}

static size_t
pgc_prefix_bound(const struct sample *s)
{
	const struct schema_kind *k = s->series->g->sk;
	size_t                    n
	    = FMT_NUM_MAX + 1 + k->schema->n_dcols * 3 + 2 * sizeof(s->req_id);
	unsigned d;

	for (d = 0; d < k->n_dims; d++)
		n += 2 * (size_t)series_dim(s->series, d).len;
	return n;
}

/* One row per measure: measure_name and one of the three value fields. */
static char *
pgc_single(char *w, const struct sample *s, unsigned end, bool req, long *rows)
{
	struct tgt_measure m;
	char              *pre = w;
	size_t             pre_len;
	unsigned           i, t;

	w       = pgc_prefix(w, s, req);
	pre_len = (size_t)(w - pre);
	for (i = s->first; i < end; i++) {
		target_measure(s, i, &m);
		if (m.absent)
			continue; /* no value: no row */
		if (w != pre + pre_len)
			w = pgc_put(w, pre, pre_len);
		w = pgcopy_field(w, m.name, strnlen(m.name, PGC_TEXT_MAX));
		for (t = 0; t < 3; t++) {
			*w++ = '\t';
			w    = t == m.type ? pgc_value(w, &m) : PGC_NULL(w);
		}
		*w++ = '\n';
		(*rows)++;
	}
	return w == pre + pre_len ? pre : w;
}

/* One row per sample: the kind's name, then one field per column; a
 * request_id measure is in the prefix's request_id field. */
static char *
pgc_multi(char *w, const struct sample *s, unsigned n, bool req)
{
	const struct schema_kind *k = s->series->g->sk;
	struct tgt_measure        m, mc[SCHEMA_MAX_MCOLS];
	bool                      has[SCHEMA_MAX_MCOLS];
	unsigned                  i, c;

	memset(has, 0, k->schema->n_mcols);
	w = pgc_prefix(w, s, req);
	w = pgcopy_field(w, k->name, k->name_len);
	for (i = 0; i < n; i++) {
		target_measure(s, i, &m);
		if (m.mcol != SCHEMA_NONE && !m.absent) {
			mc[m.mcol]  = m;
			has[m.mcol] = true;
		}
	}
	for (c = 0; c < k->schema->n_mcols; c++) {
		*w++ = '\t';
		w    = has[c] ? pgc_value(w, &mc[c]) : PGC_NULL(w);
	}
	*w++ = '\n';
	return w;
}

/* --bad-data: spoils the row [row, row + n) of an injected sample (room
 * for PGC_SPOIL_MAX more bytes) so that COPY refuses it: 0 one column
 * (22P04), 1 a time beyond bigint (22003), 2 a time that is no number
 * (22P02), 3 invalid UTF-8 in the first dimension (22021).
 * @return the new length. */
enum { PGC_SPOIL_MAX = 32 };
static size_t
pgc_spoil(char *row, size_t n, const struct sample *s)
{
	static const char *const head[]
	    = { NULL, "99999999999999999999", "not-a-number", NULL };
	unsigned v   = target_bad_variant(s, 4);
	size_t   tab = 0, h;

	if (v == 0) {
		memcpy(row, "bad-data\n", 9);
		return 9;
	}
	while (tab < n && row[tab] != '\t')
		tab++;
	if (v == 3) {
		memmove(row + tab + 2, row + tab + 1, n - tab - 1);
		row[tab + 1] = (char)0xff;
		return n + 1;
	}
	h = strlen(head[v]);
	memmove(row + h, row + tab, n - tab);
	memcpy(row, head[v], h);
	return n - tab + h;
}

long
pgcopy_batch(struct buf *b, const struct batch *bt)
{
	long     rows = 0;
	unsigned k;

	for (k = 0; k < bt->n; k++) {
		const struct sample      *s  = &bt->s[k];
		const struct schema_kind *sk = s->series->g->sk;
		unsigned n   = schema_n_measures(sk, bt->req_id);
		unsigned end = s->first + s->count;
		size_t   pre = pgc_prefix_bound(s), need;
		char    *w;

		end  = end < n ? end : n;
		need = bt->multi ? pre + 2 * sk->name_len + 2
		        + sk->schema->n_mcols * PGC_VAL_MAX + 2
		                 : (end > s->first ? end - s->first : 0)
		        * (pre + PGC_ROW_FIX);
		if (buf_reserve(b, need + PGC_SPOIL_MAX) != 0)
			return -ENOSPC;
		w = b->p + b->len;
		if (bt->multi) {
			w = pgc_multi(
			    w, s, n, bt->req_id != REQID_NONE && s->req_id[0]);
			rows++;
		} else {
			w = pgc_single(w, s, end,
			    bt->req_id == REQID_DIMENSION && s->req_id[0],
			    &rows);
		}
		if (s->bad && w > b->p + b->len)
			w = b->p + b->len
			    + pgc_spoil(b->p + b->len,
			        (size_t)(w - (b->p + b->len)), s);
		b->len = (size_t)(w - b->p);
	}
	return rows;
}

/* ---- format_pgcopy: the ops of format.h ---- */

/* Room for any layout's column list, reserved first so that it goes in
 * whole or not at all. */
enum { PGC_COLUMNS_MAX = 4096 };

static int
pgcopy_fmt_columns(struct buf *out, const struct schema *sc, bool multi)
{
	if (buf_reserve(out, PGC_COLUMNS_MAX) != 0)
		return -ENOSPC;
	pgcopy_columns(out, sc, multi);
	return 0;
}

static int
pgcopy_fmt_encode(void *state, struct buf *out, const struct batch *b)
{
	(void)state;
	return pgcopy_batch(out, b) < 0 ? -ENOSPC : 0;
}

const struct format_ops format_pgcopy = {
	.name    = "pgcopy",
	.version = FORMAT_OPS_VERSION,
	.desc    = "PostgreSQL COPY text rows of the postgres target's table",
	.ctype   = "text/plain; charset=utf-8",
	.columns = pgcopy_fmt_columns,
	.encode  = pgcopy_fmt_encode,
};
