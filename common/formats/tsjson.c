/* tsjson.c - Timestream WriteRecords records as JSON text (see tsjson.h).
 */
#include "tsjson.h"

#include <errno.h>
#include <string.h>

#include "fmt.h"
#include "format.h"

enum {
	TSJ_REC_FIX  = 1536, /* a record's bytes besides dims and values */
	TSJ_MEAS_MAX = 512,  /* one measure's bytes, escaped */
	TSJ_HEAD_MAX = 128,  /* the request's keys and brackets */
};

static const char *const tsj_type_names[] = { "DOUBLE", "BIGINT", "VARCHAR" };

/* A single-measure record's text after the value, up to the time. */
#define TSJ_TYPE(t)                                                           \
	{                                                                     \
		"\",\"MeasureValueType\":\"" t "\",",                         \
		    sizeof("\",\"MeasureValueType\":\"" t "\",") - 1          \
	}
static const struct {
	char    s[32];
	uint8_t len;
} tsj_types[]
    = { TSJ_TYPE("DOUBLE"), TSJ_TYPE("BIGINT"), TSJ_TYPE("VARCHAR") };

static inline char *
tsj_put(char *w, const char *s, size_t n)
{
	memcpy(w, s, n);
	return w + n;
}

static inline char *
tsj_puts(char *w, const char *s)
{
	return tsj_put(w, s, strlen(s));
}

#define TSJ_PUTL(w, lit) tsj_put((w), (lit), sizeof(lit) - 1)

/* Whether a JSON string holds c as it is: not '"', '\\' nor a control
 * character. */
static inline bool
tsj_plain(unsigned char c)
{
	return c >= 0x20 && c != '"' && c != '\\';
}

char *
tsjson_str(char *w, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t            i     = 0, clean;
	unsigned char     c;

	while (i < n) {
		/* Copy the run of plain bytes in one go: the model's strings
		 * are all plain, so this is the whole string. */
		for (clean = i; i < n && tsj_plain((unsigned char)s[i]); i++)
			;
		w = tsj_put(w, s + clean, i - clean);
		if (i == n)
			break;
		c = (unsigned char)s[i++];
		if (c == '"' || c == '\\') {
			*w++ = '\\';
			*w++ = (char)c;
		} else if (c == '\n') {
			w = TSJ_PUTL(w, "\\n");
		} else if (c == '\t') {
			w = TSJ_PUTL(w, "\\t");
		} else if (c == '\r') {
			w = TSJ_PUTL(w, "\\r");
		} else {
			w    = TSJ_PUTL(w, "\\u00");
			*w++ = hex[c >> 4];
			*w++ = hex[c & 15];
		}
	}
	return w;
}

/* Per series kind and measure (request_id last), the text before a
 * value: "MeasureName":"cpu_user","MeasureValue":" for single-measure
 * records and {"Name":"cpu_user","Value":" for multi-measure ones,
 * made once at start-up and copied whole (the room after is scratch). */
struct tsj_key {
	char    s[96];
	uint8_t len;
};

/* The keys of one kind's measures, single and multi layout, made on a
 * thread's first sample of that kind and kept: a schema lives for the run,
 * so its kinds' addresses name them. */
struct tsj_kind_keys {
	const struct schema_kind *k;
	struct tsj_key            key[2][SCHEMA_MAX_VALUES + 1];
};

static _Thread_local struct tsj_kind_keys tsj_keys[SCHEMA_MAX_KINDS];

static void
tsj_keys_make(struct tsj_kind_keys *kk, const struct schema_kind *k)
{
	static const char *const open[2]
	    = { "\"MeasureName\":\"", "{\"Name\":\"" };
	static const char *const close[2]
	    = { "\",\"MeasureValue\":\"", "\",\"Value\":\"" };
	unsigned multi, i;
	char     name[6 * 48 + 1];
	size_t   nl;

	for (multi = 0; multi < 2; multi++) {
		for (i = 0; i <= k->n_values; i++) {
			struct tsj_key *key = &kk->key[multi][i];
			char           *w   = key->s;

			/* a name that escapes to more than the key's room
			 * is cut (the models' names are plain and short) */
			nl = (size_t)(tsjson_str(name, k->m[i].name,
			                  strnlen(k->m[i].name, 48))
			    - name);
			if (nl > sizeof(key->s) - 40)
				nl = sizeof(key->s) - 40;
			w        = tsj_puts(w, open[multi]);
			w        = tsj_put(w, name, nl);
			w        = tsj_puts(w, close[multi]);
			key->len = (uint8_t)(w - key->s);
		}
	}
	kk->k = k;
}

/* The keys of s's kind. */
static inline const struct tsj_kind_keys *
tsj_keys_of(const struct sample *s)
{
	const struct schema_kind *k  = s->series->g->sk;
	struct tsj_kind_keys     *kk = &tsj_keys[k->index];

	if (kk->k != k)
		tsj_keys_make(kk, k);
	return kk;
}

/* The key before measure i's value, copied whole. */
static inline char *
tsj_key(char *w, const struct tsj_kind_keys *kk, unsigned i, bool multi)
{
	const struct tsj_key *key = &kk->key[multi][i];

	memcpy(w, key->s, sizeof(key->s));
	return w + key->len;
}

static bool
tsj_req_dim(const struct sample *s, const struct batch *b)
{
	return b->req_id == REQID_DIMENSION && s->req_id[0];
}

size_t
tsjson_bound(const struct sample *s, const struct batch *b)
{
	size_t   dims = sizeof(s->req_id);
	unsigned d, first, end;
	size_t   recs;

	target_span(s, b, &first, &end);
	recs = b->multi ? 1 : end - first;
	for (d = 0; d < s->series->g->sk->n_dims; d++)
		dims += series_dim(s->series, d).len;
	return recs * (6 * dims + TSJ_REC_FIX)
	    + (size_t)(end - first) * TSJ_MEAS_MAX + 64;
}

/* plain: v needs no escaping (dimgroup.plain) */
static char *
tsj_dim(char *w, const char *name, const char *v, size_t n, bool plain)
{
	w = TSJ_PUTL(w, "{\"Name\":\"");
	w = tsj_puts(w, name);
	w = TSJ_PUTL(w, "\",\"Value\":\"");
	w = plain ? tsj_put(w, v, n) : tsjson_str(w, v, n);
	return TSJ_PUTL(w, "\",\"DimensionValueType\":\"VARCHAR\"}");
}

char *
tsjson_dims(char *w, const struct sample *s, const struct batch *b)
{
	const struct schema_kind *k = s->series->g->sk;
	unsigned                  d;

	*w++ = '[';
	for (d = 0; d < k->n_dims; d++) {
		struct str v = series_dim(s->series, d);

		if (d)
			*w++ = ',';
		w = tsj_dim(w, k->dim[d], v.p, v.len, s->series->g->plain);
	}
	if (tsj_req_dim(s, b)) {
		*w++ = ',';
		w    = tsj_dim(w, MODEL_DIM_REQUEST_ID, s->req_id,
		       strlen(s->req_id), false);
	}
	*w++ = ']';
	return w;
}

static char *
tsj_value(char *w, const struct tgt_measure *m)
{
	if (m->type == MT_DOUBLE)
		return w + fmt_double(w, m->d);
	if (m->type == MT_BIGINT)
		return w + fmt_i64(w, m->i);
	return tsjson_str(w, m->s, m->len);
}

/* "Time":"<t>","TimeUnit":"MILLISECONDS"} (or "SECONDS" when the
 * schema's timestamps are whole seconds) and the separator. */
static char *
tsj_time(char *w, const char *t, size_t t_len, bool secs, char sep)
{
	w = TSJ_PUTL(w, "\"Time\":\"");
	w = tsj_put(w, t, t_len);
	if (secs)
		w = TSJ_PUTL(w, "\",\"TimeUnit\":\"SECONDS\"}");
	else
		w = TSJ_PUTL(w, "\",\"TimeUnit\":\"MILLISECONDS\"}");
	*w++ = sep;
	return w;
}

char *
tsjson_sample(char *w, const struct sample *s, const struct batch *b,
    bool dims, char sep)
{
	struct tgt_measure m;
	char               ms[FMT_NUM_MAX], tail[80];
	bool               secs = s->series->g->sk->schema->seconds;
	size_t ms_len  = fmt_i64(ms, secs ? s->time_ms / 1000 : s->time_ms),
	       pre_len = 0, tail_len;
	char                       *pre = w, *values;
	unsigned                    i, first, end;
	const struct tsj_kind_keys *kk = tsj_keys_of(s);

	target_span(s, b, &first, &end);
	/* The record's head, written once and copied for each measure. */
	*w++ = '{';
	if (dims) {
		w    = TSJ_PUTL(w, "\"Dimensions\":");
		w    = tsjson_dims(w, s, b);
		*w++ = ',';
	}
	pre_len = (size_t)(w - pre);

	if (b->multi) {
		w      = TSJ_PUTL(w, "\"MeasureValues\":[");
		values = w;
		for (i = first; i < end; i++) {
			target_measure(s, i, &m);
			if (m.absent)
				continue; /* no value: no entry */
			if (w != values)
				*w++ = ',';
			w = tsj_key(w, kk, i, true);
			w = tsj_value(w, &m);
			w = TSJ_PUTL(w, "\",\"Type\":\"");
			w = tsj_puts(w, tsj_type_names[m.type]);
			w = TSJ_PUTL(w, "\"}");
		}
		if (w == values)
			return pre; /* no value at all: no record */
		w = TSJ_PUTL(w, "],\"MeasureName\":\"");
		w = tsj_put(
		    w, s->series->g->sk->name, s->series->g->sk->name_len);
		w = TSJ_PUTL(w, "\",\"MeasureValueType\":\"MULTI\",");
		return tsj_time(w, ms, ms_len, secs, sep);
	}
	/* what follows the type: the same for each record of s */
	tail_len = (size_t)(tsj_time(tail, ms, ms_len, secs, sep) - tail);
	values   = w;
	for (i = first; i < end; i++) {
		target_measure(s, i, &m);
		if (m.absent)
			continue; /* no value: no record */
		if (w != values)
			w = tsj_put(w, pre, pre_len);
		w = tsj_key(w, kk, i, false);
		w = tsj_value(w, &m);
		memcpy(w, tsj_types[m.type].s, sizeof(tsj_types[m.type].s));
		w += tsj_types[m.type].len;
		memcpy(w, tail, sizeof(tail));
		w += tail_len;
	}
	return w == values ? pre : w;
}

bool
tsjson_same_dims(const struct batch *b)
{
	const struct sample *s0 = &b->s[0];
	bool                 rd = b->n && tsj_req_dim(s0, b);
	unsigned             i;

	for (i = 1; i < b->n; i++) {
		const struct sample *s = &b->s[i];

		if (s->series != s0->series || tsj_req_dim(s, b) != rd
		    || (rd && strcmp(s->req_id, s0->req_id) != 0))
			return false;
	}
	return b->n > 0;
}

int
tsjson_write_records(struct buf *out, const char *db, const char *table,
    const struct batch *b, bool common)
{
	size_t   need = 6 * (strlen(db) + strlen(table)) + TSJ_HEAD_MAX;
	bool     dims = !(common && tsjson_same_dims(b));
	unsigned i;
	char    *w;

	for (i = 0; i < b->n; i++)
		need += tsjson_bound(&b->s[i], b);
	buf_reset(out);
	if (buf_reserve(out, need) != 0)
		return -ENOSPC;
	w = out->p;
	w = TSJ_PUTL(w, "{\"DatabaseName\":\"");
	w = tsjson_str(w, db, strlen(db));
	w = TSJ_PUTL(w, "\",\"TableName\":\"");
	w = tsjson_str(w, table, strlen(table));
	w = TSJ_PUTL(w, "\",");
	if (!dims) {
		w = TSJ_PUTL(w, "\"CommonAttributes\":{\"Dimensions\":");
		w = tsjson_dims(w, &b->s[0], b);
		w = TSJ_PUTL(w, "},");
	}
	w = TSJ_PUTL(w, "\"Records\":[");
	for (i = 0; i < b->n; i++)
		w = tsjson_sample(w, &b->s[i], b, dims, ',');
	if (w[-1] == ',')
		w--; /* the last record's separator */
	w        = TSJ_PUTL(w, "]}");
	out->len = (size_t)(w - out->p);
	return 0;
}

/* ---- format_json: the ops of format.h ---- */

/* One record a line, every record with its dimensions. */
static int
tsjson_fmt_encode(void *state, struct buf *out, const struct batch *b)
{
	unsigned i;
	char    *w;

	(void)state;
	for (i = 0; i < b->n; i++) {
		const struct sample *s = &b->s[i];

		if (buf_reserve(out, tsjson_bound(s, b)) != 0)
			return -ENOSPC;
		w        = tsjson_sample(out->p + out->len, s, b, true, '\n');
		out->len = (size_t)(w - out->p);
	}
	return 0;
}

const struct format_ops format_json = {
	.name    = "json",
	.version = FORMAT_OPS_VERSION,
	.desc    = "Timestream WriteRecords records, one JSON object a line",
	.ctype   = "application/x-ndjson",
	.encode  = tsjson_fmt_encode,
};
