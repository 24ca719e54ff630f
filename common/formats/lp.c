/* lp.c - line protocol encoder: escaping, one sample's lines, batches
 * split by size.
 */
#include "lp.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "format.h"
#include "xalloc.h"

enum {
	LP_REC_FIX  = 1536, /* a line's bytes besides tags and values */
	LP_MEAS_MAX = 512,  /* one measure's bytes, escaped */
};

const char *const lp_precision_names[] = { "ns", "us", "ms", "s", NULL };

const char *
lp_precision_name(enum lp_precision p)
{
	return lp_precision_names[p];
}

int
lp_precision_parse(const char *s, enum lp_precision *p)
{
	int i;

	for (i = 0; i < 4; i++) {
		if (strcmp(s, lp_precision_names[i]) == 0) {
			*p = (enum lp_precision)i;
			return 0;
		}
	}
	return -EINVAL;
}

static inline char *
lp_mem(char *w, const char *s, size_t n)
{
	memcpy(w, s, n);
	return w + n;
}

#define LP_PUTL(w, lit) lp_mem((w), (lit), sizeof(lit) - 1)

/* Line protocol has no way to carry a line break in a value: it becomes
 * the two characters \n (or \r) so that a record stays one line. */
static char *
lp_break(char *w, char c)
{
	*w++ = '\\';
	*w++ = c == '\n' ? 'n' : 'r';
	return w;
}

/* Tag value: ',', '=' and ' ' get a backslash. */
static char *
lp_tag(char *w, const char *s, size_t n)
{
	/* Bytes a tag value cannot hold as they are. */
	static const bool special[256] = {
		['\n'] = true,
		['\r'] = true,
		[',']  = true,
		['=']  = true,
		[' ']  = true,
	};
	size_t i = 0, clean;

	while (i < n) {
		/* Copy the run of plain bytes in one go: the model's values
		 * are all plain, so this is the whole value. */
		for (clean = i; i < n && !special[(unsigned char)s[i]]; i++)
			;
		memcpy(w, s + clean, i - clean);
		w += i - clean;
		if (i == n)
			break;
		if (s[i] == '\n' || s[i] == '\r') {
			w = lp_break(w, s[i]);
		} else {
			*w++ = '\\';
			*w++ = s[i];
		}
		i++;
	}
	return w;
}

/* String field: '"' and '\' get a backslash. */
static char *
lp_str(char *w, const char *s, size_t n)
{
	size_t i;

	*w++ = '"';
	for (i = 0; i < n; i++) {
		if (s[i] == '\n' || s[i] == '\r') {
			w = lp_break(w, s[i]);
			continue;
		}
		if (s[i] == '"' || s[i] == '\\')
			*w++ = '\\';
		*w++ = s[i];
	}
	*w++ = '"';
	return w;
}

size_t
lp_bound(const struct sample *s, const struct batch *b)
{
	size_t   dims = sizeof(s->req_id);
	unsigned first, end, d;
	size_t   lines;

	target_span(s, b, &first, &end);
	lines = b->multi ? 1 : end - first;
	for (d = 0; d < s->series->g->sk->n_dims; d++)
		dims += series_dim(s->series, d).len;
	return lines * (6 * dims + LP_REC_FIX)
	    + (size_t)(end - first) * LP_MEAS_MAX + 64;
}

static int64_t
lp_time(int64_t ms, enum lp_precision p)
{
	switch (p) {
	case LP_NS:
		return (int64_t)((uint64_t)ms * 1000000u);
	case LP_US:
		return (int64_t)((uint64_t)ms * 1000u);
	case LP_MS:
		return ms;
	case LP_S:
		return ms / 1000;
	}
	return ms;
}

struct lp_tags {
	const struct dimgroup *g;
	uint16_t               pre_len; /* measurement, tags before the name */
	uint16_t               post_len; /* tags after it */
	char                   text[];   /* pre, then post */
};

void
lp_enc_init(struct lp_enc *e, enum lp_precision p)
{
	memset(e, 0, sizeof(*e));
	e->prec = p;
}

/* The field keys of kind k: its measures, then request_id. */
static void
lp_keys_make(struct lp_enc *e, const struct schema_kind *k)
{
	unsigned i;

	for (i = 0; i <= k->n_values; i++) {
		const char *name = k->m[i].name;
		char       *s    = e->kind[k->index].key[i].s;
		char       *w    = lp_tag(s, name,
		             strnlen(name, sizeof(e->kind[0].key[0].s) / 2 - 1));

		*w++                         = '=';
		e->kind[k->index].key[i].len = (uint8_t)(w - s);
		e->kind[k->index].key[i].dbl
		    = i < k->n_values && k->m[i].type == MT_DOUBLE;
	}
	e->kind[k->index].k = k;
}

void
lp_enc_free(struct lp_enc *e)
{
	unsigned i;

	for (i = 0; i < e->n_tags; i++)
		free(e->tags[i]);
	free(e->tags);
	e->tags   = NULL;
	e->n_tags = 0;
}

/* Escaped ",name=value" for dims [d0, d1) of g but the instance name. */
static char *
lp_group_tags(char *w, const struct dimgroup *g, unsigned d0, unsigned d1)
{
	const char *const *dn = g->sk->dim;
	unsigned           d;

	for (d = d0; d < d1; d++) {
		if (d == g->name_at || !g->dim[d].len)
			continue; /* an empty tag value is not allowed */
		*w++ = ',';
		w    = lp_tag(w, dn[d], strlen(dn[d]));
		*w++ = '=';
		w    = lp_tag(w, g->dim[d].p, g->dim[d].len);
	}
	return w;
}

static struct lp_tags *
lp_tags_of(struct lp_enc *e, const struct dimgroup *g)
{
	struct lp_tags *t;
	size_t          n = 16;
	char           *w;
	unsigned        d;

	if (g->id < e->n_tags && e->tags[g->id] && e->tags[g->id]->g == g)
		return e->tags[g->id];
	if (g->id >= e->n_tags) {
		unsigned cap
		    = g->id + 1u > 2 * e->n_tags ? g->id + 1u : 2 * e->n_tags;

		e->tags = xrealloc(e->tags, cap * sizeof(*e->tags));
		memset(e->tags + e->n_tags, 0,
		    (cap - e->n_tags) * sizeof(*e->tags));
		e->n_tags = cap;
	}
	for (d = 0; d < g->sk->n_dims; d++)
		n += 2 * (32 + g->dim[d].len); /* escaped name and value */
	free(e->tags[g->id]);
	t              = xmalloc(sizeof(*t) + n);
	t->g           = g;
	w              = t->text;
	w              = lp_tag(t->text, g->sk->name, g->sk->name_len);
	w              = lp_group_tags(w, g, 0, g->name_at);
	t->pre_len     = (uint16_t)(w - t->text);
	w              = lp_group_tags(w, g, g->name_at + 1u, g->sk->n_dims);
	t->post_len    = (uint16_t)(w - t->text - t->pre_len);
	e->tags[g->id] = t;
	return t;
}

/* One field value of sample s: measure i. */
static char *
lp_value(char *w, const struct sample *s, bool dbl, unsigned i)
{
	struct tgt_measure m;

	if (dbl)
		return w + fmt_double(w, s->v[i]); /* the common case */
	target_measure(s, i, &m);
	if (m.type == MT_DOUBLE)
		return w + fmt_double(w, m.d);
	if (m.type == MT_BIGINT) {
		w += fmt_i64(w, m.i);
		*w++ = 'i';
		return w;
	}
	return lp_str(w, m.s, m.len);
}

char *
lp_put(
    struct lp_enc *e, char *w, const struct sample *s, const struct batch *b)
{
	const struct series      *se = s->series;
	const struct lp_tags     *t  = lp_tags_of(e, se->g);
	const struct schema_kind *k  = se->g->sk;
	const char               *dn = k->dim[se->g->name_at];
	size_t                    pre_len;
	char                     *pre, *fields;
	unsigned                  i, first, end;
	unsigned                  ki = k->index;

	target_span(s, b, &first, &end);
	if (e->kind[ki].k != k)
		lp_keys_make(e, k);
	/* Measurement and tags, written once and copied for each line. */
	pre = w;
	w   = lp_mem(w, t->text, t->pre_len);
	if (se->name_len) {
		*w++ = ',';
		w    = lp_mem(w, dn, strlen(dn));
		*w++ = '=';
		w    = se->g->plain ? lp_mem(w, se->name, se->name_len)
		                    : lp_tag(w, se->name, se->name_len);
	}
	w = lp_mem(w, t->text + t->pre_len, t->post_len);
	if (b->req_id == REQID_DIMENSION && s->req_id[0]) {
		w = LP_PUTL(w, ",request_id=");
		w = lp_tag(
		    w, s->req_id, strnlen(s->req_id, sizeof(s->req_id)));
	}
	*w++    = ' ';
	pre_len = (size_t)(w - pre);

	if (s->time_ms != e->ts_ms || !e->ts_len) {
		e->ts[0]           = ' ';
		e->ts_len          = (uint8_t)(1
                    + fmt_i64(e->ts + 1, lp_time(s->time_ms, e->prec)));
		e->ts[e->ts_len++] = '\n';
		e->ts_ms           = s->time_ms;
	}

	fields = w;
	for (i = first; i < end; i++) {
		if (target_absent(s, i))
			continue; /* no value: no field (single: no line) */
		if (w != fields) {
			if (b->multi)
				*w++ = ',';
			else
				w = lp_mem(w, pre, pre_len);
		}
		/* fixed-size copies: the room after w is scratch */
		memcpy(w, e->kind[ki].key[i].s, sizeof(e->kind[ki].key[i].s));
		w += e->kind[ki].key[i].len;
		w = lp_value(w, s, e->kind[ki].key[i].dbl, i);
		if (!b->multi) {
			memcpy(w, e->ts, 24);
			w += e->ts_len;
		}
	}
	if (w == fields)
		return pre; /* no field at all: a line needs one */
	if (b->multi)
		w = lp_mem(w, e->ts, e->ts_len);
	return w;
}

/* --bad-data: spoils the line [line, line + n) that lp_put wrote for an
 * injected sample (room for LP_SPOIL_MAX more bytes), as InfluxDB and
 * VictoriaMetrics both refuse: 0 no measurement (a leading ','), 1 a
 * timestamp out of the int64 range. @return the new length. */
enum { LP_SPOIL_MAX = 24 };
static size_t
lp_spoil(char *line, size_t n, const struct sample *s)
{
	static const char far[] = "99999999999999999999\n";
	size_t            sp;

	if (!n)
		return 0;
	if (target_bad_variant(s, 2) == 0) {
		memmove(line + 1, line, n);
		line[0] = ',';
		return n + 1;
	}
	for (sp = n - 1; sp > 0 && line[sp - 1] != ' '; sp--)
		;
	memcpy(line + sp, far, sizeof(far) - 1);
	return sp + sizeof(far) - 1;
}

int
lp_encode(struct lp_enc *e, struct buf *out, const struct batch *b,
    unsigned *next, size_t limit)
{
	size_t   start = out->len, before;
	unsigned i;
	int      rc;

	for (i = *next; i < b->n; i++) {
		rc = buf_reserve(out, lp_bound(&b->s[i], b) + LP_SPOIL_MAX);
		if (rc)
			break;
		before   = out->len;
		out->len = (size_t)(lp_put(e, out->p + out->len, &b->s[i], b)
		    - out->p);
		if (b->s[i].bad)
			out->len = before
			    + lp_spoil(
			        out->p + before, out->len - before, &b->s[i]);
		if (out->len > limit && before > start) {
			out->len = before; /* goes into the next body */
			break;
		}
	}
	rc    = i == *next && i < b->n ? -ENOSPC : 0;
	*next = i;
	return rc;
}

/* ---- format_lp: the ops of format.h ---- */

static int
lp_fmt_init(void **state, const struct format_conf *conf)
{
	struct lp_enc *e = xmalloc(sizeof(*e));

	lp_enc_init(e, conf ? (enum lp_precision)conf->prec : LP_NS);
	*state = e;
	return 0;
}

static void
lp_fmt_fini(void *state)
{
	lp_enc_free(state);
	free(state);
}

/* The whole batch or -ENOSPC: lp_encode with no size limit. */
static int
lp_fmt_encode(void *state, struct buf *out, const struct batch *b)
{
	unsigned next = 0;
	int      rc   = lp_encode(state, out, b, &next, SIZE_MAX);

	return rc || next == b->n ? rc : -ENOSPC;
}

const struct format_ops format_lp = {
	.name    = "lp",
	.version = FORMAT_OPS_VERSION,
	.desc    = "InfluxDB line protocol, one line per measure or sample",
	.ctype   = "text/plain; charset=utf-8",
	.init    = lp_fmt_init,
	.fini    = lp_fmt_fini,
	.encode  = lp_fmt_encode,
};
