/* tsjson.c - Timestream WriteRecords records as JSON text (see tsjson.h).
 */
#include "tsjson.h"

#include <errno.h>
#include <string.h>

#include "fmt.h"

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

static struct tsj_key tsj_keys[2][2][MODEL_MAX_MEASURES];

__attribute__((constructor)) static void
tsj_keys_init(void)
{
	static const char *const open[2]
	    = { "\"MeasureName\":\"", "{\"Name\":\"" };
	static const char *const close[2]
	    = { "\",\"MeasureValue\":\"", "\",\"Value\":\"" };
	unsigned k, multi, i, n;

	for (k = 0; k < 2; k++) {
		n = k == SERIES_EVENTS ? MODEL_N_EVENTS : MODEL_N_METRICS;
		for (multi = 0; multi < 2; multi++) {
			for (i = 0; i <= n && i < MODEL_MAX_MEASURES; i++) {
				struct tsj_key *key  = &tsj_keys[k][multi][i];
				const char     *name = i == n
				        ? MODEL_DIM_REQUEST_ID
				        : k == SERIES_EVENTS
				        ? model_event_names[i]
				        : model_metric_names[i];
				char           *w    = key->s;

				/* names are plain and short (model.h) */
				w = tsj_puts(w, open[multi]);
				w = tsjson_str(w, name, strnlen(name, 48));
				w = tsj_puts(w, close[multi]);
				key->len = (uint8_t)(w - key->s);
			}
		}
	}
}

/* The key before measure i's value, copied whole. */
static inline char *
tsj_key(char *w, const struct sample *s, unsigned i, bool multi)
{
	const struct tsj_key *key
	    = &tsj_keys[s->series->kind == SERIES_EVENTS][multi][i];

	memcpy(w, key->s, sizeof(key->s));
	return w + key->len;
}

/* The measures [*first, *end) of s that this batch holds. */
static void
tsj_range(const struct sample *s, const struct batch *b, unsigned *first,
    unsigned *end)
{
	enum series_kind k = (enum series_kind)s->series->kind;
	unsigned         n = target_n_measures(k, b->req_id);

	*first = b->multi ? 0 : s->first;
	*end   = b->multi ? n : (unsigned)s->first + s->count;
	if (*end > n)
		*end = n;
	if (*first > *end)
		*first = *end;
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

	tsj_range(s, b, &first, &end);
	recs = b->multi ? 1 : end - first;
	for (d = 0; d < MODEL_N_DIMS; d++)
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
	const char *const *names = s->series->kind == SERIES_EVENTS
	    ? model_event_dim_names
	    : model_metric_dim_names;
	unsigned           d;

	*w++ = '[';
	for (d = 0; d < MODEL_N_DIMS; d++) {
		struct str v = series_dim(s->series, d);

		if (d)
			*w++ = ',';
		w = tsj_dim(w, names[d], v.p, v.len, s->series->g->plain);
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

/* "Time":"<ms>","TimeUnit":"MILLISECONDS"} and the separator. */
static char *
tsj_time(char *w, const char *ms, size_t ms_len, char sep)
{
	w    = TSJ_PUTL(w, "\"Time\":\"");
	w    = tsj_put(w, ms, ms_len);
	w    = TSJ_PUTL(w, "\",\"TimeUnit\":\"MILLISECONDS\"}");
	*w++ = sep;
	return w;
}

char *
tsjson_sample(char *w, const struct sample *s, const struct batch *b,
    bool dims, char sep)
{
	struct tgt_measure m;
	char               ms[FMT_NUM_MAX], tail[80];
	size_t   ms_len = fmt_i64(ms, s->time_ms), pre_len = 0, tail_len;
	char    *pre = w;
	unsigned i, first, end;

	tsj_range(s, b, &first, &end);
	/* The record's head, written once and copied for each measure. */
	*w++ = '{';
	if (dims) {
		w    = TSJ_PUTL(w, "\"Dimensions\":");
		w    = tsjson_dims(w, s, b);
		*w++ = ',';
	}
	pre_len = (size_t)(w - pre);

	if (b->multi) {
		w = TSJ_PUTL(w, "\"MeasureValues\":[");
		for (i = first; i < end; i++) {
			target_measure(s, i, &m);
			if (i > first)
				*w++ = ',';
			w = tsj_key(w, s, i, true);
			w = tsj_value(w, &m);
			w = TSJ_PUTL(w, "\",\"Type\":\"");
			w = tsj_puts(w, tsj_type_names[m.type]);
			w = TSJ_PUTL(w, "\"}");
		}
		w = TSJ_PUTL(w, "],\"MeasureName\":\"");
		w = tsj_puts(w,
		    s->series->kind == SERIES_EVENTS ? "events" : "metrics");
		w = TSJ_PUTL(w, "\",\"MeasureValueType\":\"MULTI\",");
		return tsj_time(w, ms, ms_len, sep);
	}
	/* what follows the type: the same for each record of s */
	tail_len = (size_t)(tsj_time(tail, ms, ms_len, sep) - tail);
	for (i = first; i < end; i++) {
		target_measure(s, i, &m);
		if (i > first)
			w = tsj_put(w, pre, pre_len);
		w = tsj_key(w, s, i, false);
		w = tsj_value(w, &m);
		memcpy(w, tsj_types[m.type].s, sizeof(tsj_types[m.type].s));
		w += tsj_types[m.type].len;
		memcpy(w, tail, sizeof(tail));
		w += tail_len;
	}
	return w;
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
