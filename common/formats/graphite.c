/* graphite.c - Graphite plaintext lines: dotted paths from the schema,
 * kept per dimension group; batches split by size.
 */
#include "graphite.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dpoint.h"
#include "fmt.h"
#include "xalloc.h"

enum {
	GPH_LINE_FIX = 160, /* a line's bytes besides the path's parts */
	GPH_MEAS_MAX = 64,  /* a measure's name, as written */
};

/* Bytes a part keeps as they are: letters, digits, '-', '_'. */
static bool
gph_keep(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
	    || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* One part of a path: s[0..n) with every other byte as '_', "_" when
 * empty. */
static char *
gph_part(char *w, const char *s, size_t n)
{
	size_t i;

	if (!n) {
		*w++ = '_';
		return w;
	}
	for (i = 0; i < n; i++)
		w[i] = gph_keep((unsigned char)s[i]) ? s[i] : '_';
	return w + n;
}

bool
gph_prefix_ok(const char *prefix)
{
	size_t n = strlen(prefix), i;

	if (n > GPH_PREFIX_MAX - 2)
		return false;
	for (i = 0; i < n; i++) {
		if (prefix[i] == '.') {
			/* no empty part: not first, last, nor doubled */
			if (i == 0 || i == n - 1 || prefix[i + 1] == '.')
				return false;
		} else if (!gph_keep((unsigned char)prefix[i])) {
			return false;
		}
	}
	return true;
}

void
gph_enc_init(struct gph_enc *e, const char *prefix)
{
	memset(e, 0, sizeof(*e));
	e->prefix_len = dp_prefix_set(e->prefix, GPH_PREFIX_MAX, prefix);
}

void
gph_enc_free(struct gph_enc *e)
{
	dp_groups_free(&e->groups);
}

/* The path of g's series before the name (prefix, measurement, parts
 * before the name, and a '.') and after it (the parts after). */
static const struct dp_group *
gph_group_of(struct gph_enc *e, const struct dimgroup *g)
{
	const struct schema_kind *k = g->sk;
	struct dp_group          *t = dp_group_find(&e->groups, g);
	size_t                    n = e->prefix_len + k->name_len + 8;
	char                     *w;
	unsigned                  d;

	if (t)
		return t;
	for (d = 0; d < k->n_dims; d++)
		n += g->dim[d].len + 2;
	t = dp_group_new(&e->groups, g, n);
	w = t->text;
	memcpy(w, e->prefix, e->prefix_len);
	w += e->prefix_len;
	w = gph_part(w, k->name, k->name_len);
	for (d = 0; d < g->name_at && d < k->n_dims; d++) {
		*w++ = '.';
		w    = gph_part(w, g->dim[d].p, g->dim[d].len);
	}
	*w++       = '.';
	t->pre_len = (uint16_t)(w - t->text);
	for (d = g->name_at + 1u; d < k->n_dims; d++) {
		*w++ = '.';
		w    = gph_part(w, g->dim[d].p, g->dim[d].len);
	}
	t->post_len = (uint16_t)(w - t->text - t->pre_len);
	return t;
}

/* Most bytes the lines of sample s can take. */
static size_t
gph_bound(
    const struct gph_enc *e, const struct sample *s, const struct batch *b)
{
	const struct schema_kind *k = s->series->g->sk;
	size_t path = e->prefix_len + k->name_len + sizeof(s->req_id)
	    + GPH_MEAS_MAX + 2u * k->n_dims + 8;
	unsigned first, end, d;

	target_span(s, b, &first, &end);
	for (d = 0; d < k->n_dims; d++)
		path += series_dim(s->series, d).len;
	return (size_t)(end - first) * (path + GPH_LINE_FIX) + 1;
}

/* " 1700000000\n", or " 1700000000.250\n" off a whole second. */
static char *
gph_time(char *w, int64_t ms)
{
	*w++ = ' ';
	w += fmt_ms_as_secs(w, ms);
	*w++ = '\n';
	return w;
}

/* The lines of sample s at w (gph_bound() bytes of room). */
static char *
gph_put(
    struct gph_enc *e, char *w, const struct sample *s, const struct batch *b)
{
	const struct series   *se = s->series;
	const struct dp_group *t  = gph_group_of(e, se->g);
	char                   ts[FMT_NUM_MAX + 8], *path;
	size_t                 path_len, ts_len;
	struct dp_walk         wk;
	struct tgt_measure     m;

	dp_walk_init(&wk, s, b);
	ts_len = (size_t)(gph_time(ts, s->time_ms) - ts);
	/* the series' path once, copied for each measure */
	path = w;
	memcpy(w, t->text, t->pre_len);
	w = gph_part(w + t->pre_len, se->name, se->name_len);
	memcpy(w, t->text + t->pre_len, t->post_len);
	w += t->post_len;
	if (b->req_id == REQID_DIMENSION && s->req_id[0]) {
		*w++ = '.';
		w    = gph_part(
		       w, s->req_id, strnlen(s->req_id, sizeof(s->req_id)));
	}
	*w++     = '.';
	path_len = (size_t)(w - path);
	w        = path; /* the first line starts here */
	while (dp_walk_next(&wk, &m)) {
		if (w != path)
			memcpy(w, path, path_len); /* the first line's */
		w += path_len;
		w    = gph_part(w, m.name, strnlen(m.name, GPH_MEAS_MAX));
		*w++ = ' ';
		w += m.type == MT_BIGINT ? fmt_i64(w, m.i)
		                         : fmt_double(w, m.d);
		memcpy(w, ts, ts_len);
		w += ts_len;
	}
	dp_walk_count(&wk, b, &e->skip_points, &e->skip_records);
	return w;
}

int
gph_encode(struct gph_enc *e, struct buf *out, const struct batch *b,
    unsigned *next, size_t limit)
{
	size_t   start = out->len, before;
	unsigned i, sp = e->skip_points, sr = e->skip_records;
	int      rc = 0;

	for (i = *next; i < b->n; i++) {
		rc = buf_reserve(out, gph_bound(e, &b->s[i], b));
		if (rc)
			break;
		before   = out->len;
		sp       = e->skip_points;
		sr       = e->skip_records;
		out->len = (size_t)(gph_put(e, out->p + out->len, &b->s[i], b)
		    - out->p);
		if (out->len > limit && before > start) {
			out->len        = before; /* goes into the next body */
			e->skip_points  = sp;
			e->skip_records = sr;
			break;
		}
	}
	rc    = i == *next && i < b->n ? -ENOSPC : 0;
	*next = i;
	return rc;
}

/* ---- format_graphite: the ops of format.h ---- */

static int
gph_fmt_init(void **state, const struct format_conf *conf)
{
	struct gph_enc *e = xmalloc(sizeof(*e));

	(void)conf;
	gph_enc_init(e, NULL);
	*state = e;
	return 0;
}

static void
gph_fmt_fini(void *state)
{
	gph_enc_free(state);
	free(state);
}

static int
gph_fmt_encode(void *state, struct buf *out, const struct batch *b)
{
	unsigned next = 0;
	int      rc   = gph_encode(state, out, b, &next, SIZE_MAX);

	return rc || next == b->n ? rc : -ENOSPC;
}

const struct format_ops format_graphite = {
	.name    = "graphite",
	.version = FORMAT_OPS_VERSION,
	.desc    = "Graphite plaintext, one \"path value seconds\" line a "
	           "data point",
	.ctype   = "text/plain; charset=utf-8",
	.init    = gph_fmt_init,
	.fini    = gph_fmt_fini,
	.encode  = gph_fmt_encode,
};
