/* chtsv.c - ClickHouse TabSeparated rows of the union schema, written
 * straight into the batch buffer (no printf per value), and the reading
 * back of escaped fields.
 */
#include "chtsv.h"

#include <string.h>

#include "fmt.h"
#include "format.h"

static const char chtsv_null_s[] = "\\N";

/* What c is written as after a backslash, or 0 if it needs no escape. */
static inline char
chtsv_esc(unsigned char c)
{
	switch (c) {
	case '\\':
		return '\\';
	case '\t':
		return 't';
	case '\n':
		return 'n';
	case '\r':
		return 'r';
	case '\0':
		return '0';
	default:
		return 0;
	}
}

int
chtsv_str(struct buf *b, const char *s, size_t n)
{
	char  *w;
	size_t i;
	int    rc = buf_reserve(b, 2 * n);

	if (rc)
		return rc;
	w = b->p + b->len;
	for (i = 0; i < n; i++) {
		char e = chtsv_esc((unsigned char)s[i]);

		if (e) {
			*w++ = '\\';
			*w++ = e;
		} else {
			*w++ = s[i];
		}
	}
	b->len = (size_t)(w - b->p);
	return 0;
}

int
chtsv_columns(struct buf *b, const struct schema *sc, bool multi)
{
	return schema_columns(b, sc, multi);
}

/* ---- rows ---- */

/* One value of a measure column (no separator). */
static int
chtsv_value(struct buf *b, const struct tgt_measure *m)
{
	int rc;

	if (m->type == MT_VARCHAR)
		return chtsv_str(b, m->s, m->len);
	rc = buf_reserve(b, FMT_NUM_MAX);
	if (rc)
		return rc;
	b->len += m->type == MT_BIGINT ? fmt_i64(b->p + b->len, m->i)
	                               : fmt_double(b->p + b->len, m->d);
	return 0;
}

/* The fields every row of sample s starts with: time, the dimension
 * columns and measure_name's tab, i.e. "time\tregion\t...\trequest_id\t".
 * The request id goes to its column when with_req is set. */
static int
chtsv_prefix(struct buf *b, const struct sample *s, bool with_req)
{
	const struct series      *se = s->series;
	const struct schema_kind *k  = se->g->sk;
	const struct schema      *sc = k->schema;
	struct str                col[SCHEMA_MAX_DCOLS];
	unsigned                  d;
	int                       rc;

	memset(col, 0, sc->n_dcols * sizeof(col[0]));
	for (d = 0; d < k->n_dims; d++)
		col[k->dcol[d]] = series_dim(se, d);
	if (with_req) {
		col[sc->dcol_req_id].p = s->req_id;
		col[sc->dcol_req_id].len
		    = (uint32_t)strnlen(s->req_id, sizeof(s->req_id));
	}
	rc = buf_reserve(b, FMT_NUM_MAX + 1);
	if (rc)
		return rc;
	b->len += fmt_i64(b->p + b->len, s->time_ms);
	b->p[b->len++] = '\t';
	for (d = 0; d < sc->n_dcols; d++) {
		rc = col[d].len ? chtsv_str(b, col[d].p, col[d].len) : 0;
		if (!rc)
			rc = buf_addc(b, '\t');
		if (rc)
			return rc;
	}
	return 0;
}

/* Single layout: one row per measure of the sample's slice. The prefix
 * is written once and copied in front of every further row. */
static int
chtsv_single(struct buf *b, const struct sample *s, const struct batch *bt)
{
	struct tgt_measure m;
	unsigned           i, end, n, t, rows = 0;
	size_t             off = b->len, plen;
	int                rc;

	n   = schema_n_measures(s->series->g->sk, bt->req_id);
	end = s->first + s->count < n ? s->first + s->count : n;
	rc = chtsv_prefix(b, s, bt->req_id == REQID_DIMENSION && s->req_id[0]);
	plen = b->len - off;
	for (i = s->first; !rc && i < end; i++) {
		target_measure(s, i, &m);
		if (m.absent)
			continue; /* no value: no row */
		if (rows++) {
			rc = buf_reserve(b, plen);
			if (rc)
				break;
			memcpy(b->p + b->len, b->p + off, plen);
			b->len += plen;
		}
		rc = buf_adds(b, m.name);
		for (t = 0; !rc && t < 3; t++) {
			rc = buf_addc(b, '\t');
			if (!rc)
				rc = t == m.type ? chtsv_value(b, &m)
				                 : buf_add(b, chtsv_null_s, 2);
		}
		if (!rc)
			rc = buf_addc(b, '\n');
	}
	if (!rc && !rows)
		b->len = off; /* no row: not its prefix either */
	return rc;
}

/* Multi layout: one row per sample, a column per measure; a request_id
 * measure goes to the request_id dimension column instead. */
static int
chtsv_multi(struct buf *b, const struct sample *s, const struct batch *bt)
{
	const struct schema_kind *k = s->series->g->sk;
	struct tgt_measure        m[SCHEMA_MAX_MCOLS], one;
	bool                      have[SCHEMA_MAX_MCOLS];
	unsigned                  i, n, c;
	int                       rc;

	memset(have, 0, k->schema->n_mcols);
	n = schema_n_measures(k, bt->req_id);
	for (i = 0; i < n; i++) {
		target_measure(s, i, &one);
		if (one.mcol != SCHEMA_NONE && !one.absent) {
			m[one.mcol]    = one;
			have[one.mcol] = true;
		}
	}
	rc = chtsv_prefix(b, s, bt->req_id != REQID_NONE && s->req_id[0]);
	if (!rc)
		rc = buf_add(b, k->name, k->name_len);
	for (c = 0; !rc && c < k->schema->n_mcols; c++) {
		rc = buf_addc(b, '\t');
		if (!rc)
			rc = have[c] ? chtsv_value(b, &m[c])
			             : buf_add(b, chtsv_null_s, 2);
	}
	return rc ? rc : buf_addc(b, '\n');
}

int
chtsv_batch(struct buf *b, const struct batch *bt)
{
	unsigned i;
	int      rc = 0;

	for (i = 0; !rc && i < bt->n; i++)
		rc = bt->multi ? chtsv_multi(b, &bt->s[i], bt)
		               : chtsv_single(b, &bt->s[i], bt);
	return rc;
}

/* ---- reading ---- */

bool
chtsv_unescape(char *s, size_t *n)
{
	size_t i, o = 0, len = *n;

	if (len == 2 && s[0] == '\\' && s[1] == 'N') {
		s[0] = '\0';
		*n   = 0;
		return false;
	}
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (c == '\\' && i + 1 < len) {
			switch (s[++i]) {
			case 't':
				c = '\t';
				break;
			case 'n':
				c = '\n';
				break;
			case 'r':
				c = '\r';
				break;
			case '0':
				c = '\0';
				break;
			case 'b':
				c = '\b';
				break;
			case 'f':
				c = '\f';
				break;
			case 'a':
				c = '\a';
				break;
			case 'v':
				c = '\v';
				break;
			default: /* \\ \' and anything else: the character */
				c = s[i];
			}
		}
		s[o++] = c;
	}
	s[o] = '\0';
	*n   = o;
	return true;
}

/* ---- format_chtsv: the ops of format.h ---- */

static int
chtsv_fmt_columns(struct buf *out, const struct schema *sc, bool multi)
{
	return chtsv_columns(out, sc, multi);
}

static int
chtsv_fmt_encode(void *state, struct buf *out, const struct batch *b)
{
	(void)state;
	return chtsv_batch(out, b);
}

const struct format_ops format_chtsv = {
	.name    = "chtsv",
	.version = FORMAT_OPS_VERSION,
	.desc
	= "ClickHouse TabSeparated rows of the clickhouse target's table",
	.ctype   = "text/tab-separated-values; charset=UTF-8",
	.columns = chtsv_fmt_columns,
	.encode  = chtsv_fmt_encode,
};
