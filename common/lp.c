/* lp.c - line protocol encoder: escaping, one sample's lines, batches
 * split by size.
 */
#include "lp.h"

#include <errno.h>
#include <string.h>

#include "fmt.h"

enum {
	LP_REC_FIX  = 1536, /* a line's bytes besides tags and values */
	LP_MEAS_MAX = 512,  /* one measure's bytes, escaped */
};

static const char *const lp_prec_names[] = { "ns", "us", "ms", "s" };

const char *
lp_precision_name(enum lp_precision p)
{
	return lp_prec_names[p];
}

int
lp_precision_parse(const char *s, enum lp_precision *p)
{
	int i;

	for (i = 0; i < 4; i++) {
		if (strcmp(s, lp_prec_names[i]) == 0) {
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

static char *
lp_field(char *w, const struct tgt_measure *m)
{
	w    = lp_mem(w, m->name, strlen(m->name));
	*w++ = '=';
	if (m->type == MT_DOUBLE) {
		w += fmt_double(w, m->d);
	} else if (m->type == MT_BIGINT) {
		w += fmt_i64(w, m->i);
		*w++ = 'i';
	} else {
		w = lp_str(w, m->s, m->len);
	}
	return w;
}

/* The measures [*first, *end) of s that go into this batch. */
static void
lp_span(const struct sample *s, const struct batch *b, unsigned *first,
    unsigned *end)
{
	unsigned n
	    = target_n_measures((enum series_kind)s->series->kind, b->req_id);

	*first = b->multi ? 0 : s->first;
	*end   = b->multi ? n : (unsigned)s->first + s->count;
	if (*end > n)
		*end = n;
	if (*first > *end)
		*first = *end;
}

size_t
lp_bound(const struct sample *s, const struct batch *b)
{
	size_t   dims = sizeof(s->req_id);
	unsigned first, end, d;
	size_t   lines;

	lp_span(s, b, &first, &end);
	lines = b->multi ? 1 : end - first;
	for (d = 0; d < MODEL_N_DIMS; d++)
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

char *
lp_put(char *w, const struct sample *s, const struct batch *b,
    enum lp_precision p)
{
	const struct series *se = s->series;
	bool                 ev = se->kind == SERIES_EVENTS;
	const char *const   *dn
	    = ev ? model_event_dim_names : model_metric_dim_names;
	const char        *kind = ev ? "events" : "metrics";
	struct tgt_measure m;
	char               ts[FMT_NUM_MAX + 2];
	size_t             ts_len, pre_len;
	char              *pre;
	unsigned           d, i, first, end;

	lp_span(s, b, &first, &end);
	/* Measurement and tags, written once and copied for each line. */
	pre = w;
	w   = lp_mem(w, kind, strlen(kind));
	for (d = 0; d < MODEL_N_DIMS; d++) {
		struct str v = series_dim(se, d);

		if (!v.len)
			continue; /* an empty tag value is not allowed */
		*w++ = ',';
		w    = lp_mem(w, dn[d], strlen(dn[d]));
		*w++ = '=';
		w    = lp_tag(w, v.p, v.len);
	}
	if (b->req_id == REQID_DIMENSION && s->req_id[0]) {
		w = LP_PUTL(w, ",request_id=");
		w = lp_tag(
		    w, s->req_id, strnlen(s->req_id, sizeof(s->req_id)));
	}
	*w++    = ' ';
	pre_len = (size_t)(w - pre);

	ts[0]        = ' ';
	ts_len       = 1 + fmt_i64(ts + 1, lp_time(s->time_ms, p));
	ts[ts_len++] = '\n';

	for (i = first; i < end; i++) {
		if (i > first) {
			if (b->multi)
				*w++ = ',';
			else
				w = lp_mem(w, pre, pre_len);
		}
		target_measure(s, i, &m);
		w = lp_field(w, &m);
		if (!b->multi)
			w = lp_mem(w, ts, ts_len);
	}
	if (b->multi)
		w = lp_mem(w, ts, ts_len);
	return w;
}

int
lp_encode(struct buf *out, const struct batch *b, unsigned *next, size_t limit,
    enum lp_precision p)
{
	size_t   start = out->len, before;
	unsigned i;
	int      rc;

	for (i = *next; i < b->n; i++) {
		rc = buf_reserve(out, lp_bound(&b->s[i], b));
		if (rc)
			break;
		before   = out->len;
		out->len = (size_t)(lp_put(out->p + out->len, &b->s[i], b, p)
		    - out->p);
		if (out->len > limit && before > start) {
			out->len = before; /* goes into the next body */
			break;
		}
	}
	rc    = i == *next && i < b->n ? -ENOSPC : 0;
	*next = i;
	return rc;
}
