/* otsdb.c - OpenTSDB data points as JSON or telnet put lines: tags kept
 * per dimension group; batches split by size.
 */
#include "otsdb.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dpoint.h"
#include "fmt.h"
#include "xalloc.h"

enum {
	OTSDB_POINT_FIX = 160, /* a point's bytes besides names and tags */
	OTSDB_MEAS_MAX  = 64,  /* a measure's name, as written */
	/* a sample's tags: a group's (16-bit lengths), the name's, the
	 * request id's */
	OTSDB_TAGS_MAX = 4 * 65536 + 256,
};

/* Bytes OpenTSDB takes in a name or a tag: letters, digits, "-_./". */
static bool
otsdb_keep(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
	    || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'
	    || c == '/';
}

static char *
otsdb_word(char *w, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		w[i] = otsdb_keep((unsigned char)s[i]) ? s[i] : '_';
	return w + n;
}

/* One tag: ` k=v` (telnet) or `,"k":"v"` (JSON; the caller drops the
 * first comma); nothing for an empty value. */
static char *
otsdb_tag(char *w, enum otsdb_mode mode, const char *k, size_t kn,
    const char *v, size_t vn)
{
	if (!vn)
		return w;
	*w++ = mode == OTSDB_TELNET ? ' ' : ',';
	if (mode == OTSDB_JSON)
		*w++ = '"';
	w = otsdb_word(w, k, kn);
	if (mode == OTSDB_JSON) {
		memcpy(w, "\":\"", 3);
		w += 3;
	} else {
		*w++ = '=';
	}
	w = otsdb_word(w, v, vn);
	if (mode == OTSDB_JSON)
		*w++ = '"';
	return w;
}

bool
otsdb_prefix_ok(const char *prefix)
{
	size_t n = strlen(prefix), i;

	if (n > OTSDB_PREFIX_MAX - 2)
		return false;
	for (i = 0; i < n; i++)
		if (!otsdb_keep((unsigned char)prefix[i]))
			return false;
	return true;
}

void
otsdb_enc_init(struct otsdb_enc *e, enum otsdb_mode mode, const char *prefix)
{
	memset(e, 0, sizeof(*e));
	e->mode       = mode;
	e->prefix_len = dp_prefix_set(e->prefix, OTSDB_PREFIX_MAX, prefix);
	e->tags       = xmalloc(OTSDB_TAGS_MAX);
}

void
otsdb_enc_free(struct otsdb_enc *e)
{
	dp_groups_free(&e->groups);
	free(e->tags);
	e->tags = NULL;
}

/* The tags of g's series before the name's and after it. */
static const struct dp_group *
otsdb_group_of(struct otsdb_enc *e, const struct dimgroup *g)
{
	const struct schema_kind *k = g->sk;
	struct dp_group          *t = dp_group_find(&e->groups, g);
	size_t                    n = 8;
	char                     *w;
	unsigned                  d;

	if (t)
		return t;
	for (d = 0; d < k->n_dims; d++)
		n += strlen(k->dim[d]) + g->dim[d].len + 8;
	t = dp_group_new(&e->groups, g, n);
	w = t->text;
	for (d = 0; d < g->name_at && d < k->n_dims; d++)
		w = otsdb_tag(w, e->mode, k->dim[d], strlen(k->dim[d]),
		    g->dim[d].p, g->dim[d].len);
	t->pre_len = (uint16_t)(w - t->text);
	for (d = g->name_at + 1u; d < k->n_dims; d++)
		w = otsdb_tag(w, e->mode, k->dim[d], strlen(k->dim[d]),
		    g->dim[d].p, g->dim[d].len);
	t->post_len = (uint16_t)(w - t->text - t->pre_len);
	return t;
}

/* Most bytes the points of sample s can take. */
static size_t
otsdb_bound(
    const struct otsdb_enc *e, const struct sample *s, const struct batch *b)
{
	const struct schema_kind *k    = s->series->g->sk;
	size_t                    tags = 2 * sizeof(s->req_id) + 32;
	unsigned                  first, end, d;

	target_span(s, b, &first, &end);
	for (d = 0; d < k->n_dims; d++)
		tags += strlen(k->dim[d]) + series_dim(s->series, d).len + 8;
	return (size_t)(end - first)
	    * (e->prefix_len + k->name_len + OTSDB_MEAS_MAX + tags
	        + OTSDB_POINT_FIX)
	    + 2;
}

/* The sample's tags, JSON's without the first comma, at w. */
static char *
otsdb_tags(struct otsdb_enc *e, char *w, const struct sample *s,
    const struct batch *b)
{
	const struct series   *se    = s->series;
	const struct dp_group *t     = otsdb_group_of(e, se->g);
	const char            *dn    = se->g->sk->dim[se->g->name_at];
	char                  *start = w;

	memcpy(w, t->text, t->pre_len);
	w += t->pre_len;
	w = otsdb_tag(w, e->mode, dn, strlen(dn), se->name, se->name_len);
	memcpy(w, t->text + t->pre_len, t->post_len);
	w += t->post_len;
	if (b->req_id == REQID_DIMENSION && s->req_id[0])
		w = otsdb_tag(w, e->mode, "request_id", 10, s->req_id,
		    strnlen(s->req_id, sizeof(s->req_id)));
	if (e->mode == OTSDB_JSON && w > start) {
		memmove(start, start + 1, (size_t)(w - start - 1));
		w--;
	}
	return w;
}

/* Epoch seconds; off a whole second, JSON's in milliseconds, telnet's
 * with a fraction (VictoriaMetrics reads a telnet time as seconds, both
 * forms as OpenTSDB does). */
static size_t
otsdb_time(char *w, enum otsdb_mode mode, int64_t ms)
{
	if (mode == OTSDB_TELNET)
		return fmt_ms_as_secs(w, ms);
	return fmt_i64(w, ms % 1000 ? ms : ms / 1000);
}

/* The points of sample s at w (otsdb_bound() bytes of room), JSON's
 * each with a comma before it; the number written in *n. */
static char *
otsdb_put(struct otsdb_enc *e, char *w, const struct sample *s,
    const struct batch *b, unsigned *n)
{
	const struct schema_kind *k        = s->series->g->sk;
	char                     *tags     = e->tags, ts[FMT_NUM_MAX];
	size_t                    tags_len = 0, ts_len;
	struct dp_walk            wk;
	struct tgt_measure        m;

	dp_walk_init(&wk, s, b);
	ts_len = otsdb_time(ts, e->mode, s->time_ms);
	while (dp_walk_next(&wk, &m)) {
		if (wk.points == 1) /* the tags once, at the first point */
			tags_len = (size_t)(otsdb_tags(e, tags, s, b) - tags);
		if (e->mode == OTSDB_TELNET) {
			memcpy(w, "put ", 4);
			w += 4;
		} else {
			memcpy(w, ",{\"metric\":\"", 12);
			w += 12;
		}
		memcpy(w, e->prefix, e->prefix_len);
		w += e->prefix_len;
		w    = otsdb_word(w, k->name, k->name_len);
		*w++ = '.';
		w    = otsdb_word(w, m.name, strnlen(m.name, OTSDB_MEAS_MAX));
		if (e->mode == OTSDB_TELNET) {
			*w++ = ' ';
			memcpy(w, ts, ts_len);
			w += ts_len;
			*w++ = ' ';
		} else {
			memcpy(w, "\",\"timestamp\":", 14);
			w += 14;
			memcpy(w, ts, ts_len);
			w += ts_len;
			memcpy(w, ",\"value\":", 9);
			w += 9;
		}
		w += m.type == MT_BIGINT ? fmt_i64(w, m.i)
		                         : fmt_double(w, m.d);
		if (e->mode == OTSDB_TELNET) {
			memcpy(w, tags, tags_len);
			w += tags_len;
			*w++ = '\n';
		} else {
			memcpy(w, ",\"tags\":{", 9);
			w += 9;
			memcpy(w, tags, tags_len);
			w += tags_len;
			*w++ = '}';
			*w++ = '}';
		}
	}
	dp_walk_count(&wk, b, &e->skip_points, &e->skip_records);
	*n = wk.points;
	return w;
}

int
otsdb_encode(struct otsdb_enc *e, struct buf *out, const struct batch *b,
    unsigned *next, size_t limit, unsigned *points)
{
	size_t   start = out->len, before, body;
	unsigned i, n, total = 0, sp, sr;
	bool     json = e->mode == OTSDB_JSON;
	int      rc;

	if (json && buf_addc(out, '['))
		return -ENOSPC;
	body = out->len;
	for (i = *next; i < b->n; i++) {
		rc = buf_reserve(out, otsdb_bound(e, &b->s[i], b) + 1);
		if (rc)
			break;
		before = out->len;
		sp     = e->skip_points;
		sr     = e->skip_records;
		out->len
		    = (size_t)(otsdb_put(e, out->p + out->len, &b->s[i], b, &n)
		        - out->p);
		if (out->len + json > limit && before > body) {
			out->len        = before; /* goes into the next body */
			e->skip_points  = sp;
			e->skip_records = sr;
			break;
		}
		total += n;
	}
	rc = i == *next && i < b->n ? -ENOSPC : 0;
	if (json && !rc) {
		if (out->len > body) /* the first point's comma */
			memmove(out->p + body, out->p + body + 1,
			    --out->len - body);
		out->p[out->len++] = ']'; /* the +1 reserved */
	} else if (json) {
		out->len = start;
	}
	*next = i;
	if (points)
		*points = total;
	return rc;
}

/* ---- the formats (format.h) ---- */

static int
otsdb_fmt_init_mode(void **state, enum otsdb_mode mode)
{
	struct otsdb_enc *e = xmalloc(sizeof(*e));

	otsdb_enc_init(e, mode, NULL);
	*state = e;
	return 0;
}

static int
otsdb_fmt_init_json(void **state, const struct format_conf *conf)
{
	(void)conf;
	return otsdb_fmt_init_mode(state, OTSDB_JSON);
}

static int
otsdb_fmt_init_telnet(void **state, const struct format_conf *conf)
{
	(void)conf;
	return otsdb_fmt_init_mode(state, OTSDB_TELNET);
}

static void
otsdb_fmt_fini(void *state)
{
	otsdb_enc_free(state);
	free(state);
}

static int
otsdb_fmt_encode(void *state, struct buf *out, const struct batch *b)
{
	unsigned next = 0;
	int      rc   = otsdb_encode(state, out, b, &next, SIZE_MAX, NULL);

	return rc || next == b->n ? rc : -ENOSPC;
}

const struct format_ops format_opentsdb = {
	.name    = "opentsdb",
	.version = FORMAT_OPS_VERSION,
	.desc    = "OpenTSDB /api/put JSON, an array of data points a batch",
	.ctype   = "application/json",
	.init    = otsdb_fmt_init_json,
	.fini    = otsdb_fmt_fini,
	.encode  = otsdb_fmt_encode,
};

const struct format_ops format_opentsdbtelnet = {
	.name    = "opentsdbtelnet",
	.version = FORMAT_OPS_VERSION,
	.desc   = "OpenTSDB telnet, one \"put metric time value tags\" line a "
	          "data point",
	.ctype  = "text/plain; charset=utf-8",
	.init   = otsdb_fmt_init_telnet,
	.fini   = otsdb_fmt_fini,
	.encode = otsdb_fmt_encode,
};
