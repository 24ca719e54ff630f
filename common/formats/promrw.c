/* promrw.c - remote write 1.0 bodies: names, sorted labels, samples
 * grouped by series, protobuf by hand (the five message fields of
 * WriteRequest, TimeSeries, Label and Sample), snappy from libsnappy.
 */
#include "promrw.h"

#include <errno.h>
#include <snappy-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

enum {
	PRW_SRC_NAME   = 253, /* lab[].src: __name__ */
	PRW_SRC_DB     = 254, /* the db label */
	PRW_SRC_REQID  = 255, /* request_id (--req-id-dim) */
	PRW_SAMPLE_MAX = 22,  /* a Sample field: 2 + 9 + 1 + 10 */
};
#define PRW_NONE UINT32_MAX

/* Protobuf keys: field << 3 | wire type (0 varint, 1 64-bit, 2 bytes). */
enum {
	PB_TS = 0x0a,     /* WriteRequest.timeseries = 1; TimeSeries.labels
	                     = 1; Label.name = 1 */
	PB_2BYTES = 0x12, /* TimeSeries.samples = 2; Label.value = 2 */
	PB_VALUE  = 0x09, /* Sample.value = 1, double */
	PB_TIME   = 0x10, /* Sample.timestamp = 2, int64 varint */
	PB_BAD    = 0x17, /* field 2 with wire type 7, which none has */
};

size_t
prw_varint(uint8_t *w, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		w[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	w[n++] = (uint8_t)v;
	return n;
}

static inline size_t
prw_vlen(uint64_t v)
{
	size_t n = 1;

	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

/* ---- names ---- */

static bool
prw_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
	    || (c >= '0' && c <= '9') || c == '_';
}

/* Copies s into out (n bytes), bytes outside [a-zA-Z0-9_] (and ':' when
 * colon) as '_', with a '_' before a leading digit. */
static size_t
prw_sanitise(char *out, size_t n, size_t o, const char *s, bool colon)
{
	if (!n)
		return 0;
	if (o == 0 && *s >= '0' && *s <= '9' && o + 1 < n)
		out[o++] = '_';
	for (; *s && o + 1 < n; s++)
		out[o++] = prw_alnum(*s) || (colon && *s == ':') ? *s : '_';
	out[o] = '\0';
	return o;
}

void
prw_metric_name(char *out, size_t n, const char *kind, const char *m)
{
	size_t o = prw_sanitise(out, n, 0, kind, true);

	if (o + 1 < n)
		out[o++] = '_';
	prw_sanitise(out, n, o, m, true);
}

void
prw_label_name(char *out, size_t n, const char *dim)
{
	size_t o = prw_sanitise(out, n, 0, dim, false);

	if (!o && n > 1) {
		out[0] = '_';
		out[1] = '\0';
	} else if (o >= 2 && out[0] == '_' && out[1] == '_') {
		memmove(out, out + 1, o); /* "__" is reserved */
	}
}

/* ---- the labels of a kind ---- */

int
prw_put_label(struct buf *out, const char *name, size_t nlen, const char *val,
    size_t vlen)
{
	size_t   inner = 1 + prw_vlen(nlen) + nlen + 1 + prw_vlen(vlen) + vlen;
	uint8_t *w;
	int      rc = buf_reserve(out, inner + 11);

	if (rc)
		return rc;
	w    = (uint8_t *)out->p + out->len;
	*w++ = PB_TS;
	w += prw_varint(w, inner);
	*w++ = PB_TS;
	w += prw_varint(w, nlen);
	memcpy(w, name, nlen);
	w += nlen;
	*w++ = PB_2BYTES;
	w += prw_varint(w, vlen);
	memcpy(w, val, vlen);
	w += vlen;
	out->len = (size_t)((char *)w - out->p);
	return 0;
}

/* Label names of kind k in sort order into pk (req: --req-id-dim). */
static void
prw_kind_make(
    struct prw_kind *pk, const struct schema_kind *k, bool db, bool req)
{
	char     name[PRW_NAME_MAX];
	unsigned i, j, n = 0;

	pk->lab[n].src = PRW_SRC_NAME;
	snprintf(pk->lab[n++].name, PRW_NAME_MAX, "__name__");
	for (i = 0; i < k->n_dims; i++) {
		pk->lab[n].src = (uint8_t)i;
		prw_label_name(pk->lab[n++].name, PRW_NAME_MAX, k->dim[i]);
	}
	if (db) {
		pk->lab[n].src = PRW_SRC_DB;
		snprintf(pk->lab[n++].name, PRW_NAME_MAX, "db");
	}
	if (req) {
		pk->lab[n].src = PRW_SRC_REQID;
		snprintf(pk->lab[n++].name, PRW_NAME_MAX, "request_id");
	}
	/* insertion sort by name, byte order (at most 15 labels) */
	for (i = 1; i < n; i++) {
		uint8_t src = pk->lab[i].src;

		memcpy(name, pk->lab[i].name, sizeof(name));
		for (j = i; j > 0 && strcmp(pk->lab[j - 1].name, name) > 0;
		     j--)
			pk->lab[j] = pk->lab[j - 1];
		pk->lab[j].src = src;
		memcpy(pk->lab[j].name, name, sizeof(name));
	}
	for (i = 0; i < n; i++)
		if (pk->lab[i].src == PRW_SRC_NAME)
			pk->name_at = (uint8_t)i;
	pk->n   = (uint8_t)n;
	pk->req = req;

	buf_reset(&pk->names);
	for (i = 0; i <= k->n_values; i++) {
		prw_metric_name(name, sizeof(name), k->name, k->m[i].name);
		pk->name_off[i] = (uint32_t)pk->names.len;
		if (prw_put_label(
		        &pk->names, "__name__", 8, name, strlen(name)))
			abort(); /* no cap on names: out of memory aborts */
		pk->name_len[i] = (uint16_t)(pk->names.len - pk->name_off[i]);
	}
	pk->k = k;
}

int
prw_schema_check(
    const char *who, const struct schema *sc, char *err, size_t errlen)
{
	struct prw_kind pk;
	unsigned        i, j;

	buf_init(&pk.names, 1 << 20);
	for (i = 0; i < sc->n_kinds; i++) {
		prw_kind_make(&pk, &sc->kind[i], true, true);
		for (j = 1; j < pk.n; j++) {
			if (strcmp(pk.lab[j - 1].name, pk.lab[j].name) != 0)
				continue;
			snprintf(err, errlen,
			    "%s: two labels of kind %s would both be named \"%s\" (a dimension's name sanitised, or db/request_id)",
			    who, sc->kind[i].name, pk.lab[j].name);
			buf_free(&pk.names);
			return -EINVAL;
		}
	}
	buf_free(&pk.names);
	return 0;
}

/* ---- the encoder ---- */

void
prw_enc_init(struct prw_enc *e, const char *db)
{
	unsigned i;

	memset(e, 0, sizeof(*e));
	e->db = db && *db ? db : NULL;
	for (i = 0; i < SCHEMA_MAX_KINDS; i++)
		buf_init(&e->kind[i].names, 1 << 20);
	buf_init(&e->pb, (size_t)1 << 31);
	buf_init(&e->lab, 1 << 20);
}

void
prw_enc_free(struct prw_enc *e)
{
	unsigned i;

	for (i = 0; i < SCHEMA_MAX_KINDS; i++)
		buf_free(&e->kind[i].names);
	buf_free(&e->pb);
	buf_free(&e->lab);
	free(e->head);
	free(e->nxt);
	free(e->slot);
	free(e->stamp);
	memset(e, 0, sizeof(*e));
}

static struct prw_kind *
prw_kind_of(struct prw_enc *e, const struct schema_kind *k, bool req)
{
	struct prw_kind *pk = &e->kind[k->index];

	if (pk->k != k || pk->req != req)
		prw_kind_make(pk, k, e->db != NULL, req);
	return pk;
}

void
prw_plan(struct prw_enc *e, const struct batch *b)
{
	unsigned i, n = b->n, mask;
	bool     group = b->req_id != REQID_DIMENSION;

	if (n > e->cap) {
		e->cap   = n;
		e->head  = xrealloc(e->head, n * sizeof(*e->head));
		e->nxt   = xrealloc(e->nxt, n * sizeof(*e->nxt));
		e->stamp = xrealloc(e->stamp, n * sizeof(*e->stamp));
		memset(e->stamp, 0, n * sizeof(*e->stamp));
		e->serial = 0;
	}
	if (group && 2 * n > e->n_slot) {
		for (e->n_slot = 64; e->n_slot < 2 * n;)
			e->n_slot *= 2;
		e->slot = xrealloc(e->slot, e->n_slot * sizeof(*e->slot));
	}
	e->b      = b;
	e->n_head = 0;
	if (group)
		memset(e->slot, 0xff, e->n_slot * sizeof(*e->slot));
	mask = e->n_slot - 1;
	/* samples of one series chained in batch order; the slot of a
	 * series holds the last sample of its chain */
	for (i = 0; i < n; i++) {
		const struct series *se = b->s[i].series;
		uint32_t             h;

		e->nxt[i] = PRW_NONE;
		if (!group) {
			e->head[e->n_head++] = i;
			continue;
		}
		h = (uint32_t)(((uintptr_t)se >> 3) * 0x9E3779B1u) & mask;
		while (e->slot[h] != PRW_NONE && b->s[e->slot[h]].series != se)
			h = (h + 1) & mask;
		if (e->slot[h] == PRW_NONE)
			e->head[e->n_head++] = i;
		else
			e->nxt[e->slot[h]] = i;
		e->slot[h] = i;
	}
	e->g     = 0;
	e->m     = 0;
	e->s     = e->n_head ? e->head[0] : PRW_NONE;
	e->lab_g = UINT32_MAX;
}

bool
prw_done(const struct prw_enc *e)
{
	return !e->b || e->g >= e->n_head;
}

/* Whether sample s has a point of measure m in batch b. */
static inline bool
prw_has(const struct sample *s, const struct batch *b, unsigned m)
{
	if (target_absent(s, m))
		return false;
	return b->multi
	    || (m >= s->first && m < (unsigned)s->first + s->count);
}

/* The labels of sample s's series but __name__ into e->lab: those before
 * __name__ (e->lab_pre bytes), then those after it. */
static int
prw_series_labels(
    struct prw_enc *e, const struct prw_kind *pk, const struct sample *s)
{
	unsigned i;
	int      rc = 0;

	buf_reset(&e->lab);
	e->lab_pre = 0;
	for (i = 0; i < pk->n && !rc; i++) {
		const char *v;
		size_t      vlen;
		struct str  d;

		switch (pk->lab[i].src) {
		case PRW_SRC_NAME:
			e->lab_pre = e->lab.len;
			continue;
		case PRW_SRC_DB:
			v    = e->db;
			vlen = strlen(v);
			break;
		case PRW_SRC_REQID:
			v    = s->req_id;
			vlen = strnlen(s->req_id, sizeof(s->req_id));
			break;
		default:
			d    = series_dim(s->series, pk->lab[i].src);
			v    = d.p;
			vlen = d.len;
			break;
		}
		if (!vlen)
			continue; /* remote write has no empty values */
		rc = prw_put_label(&e->lab, pk->lab[i].name,
		    strlen(pk->lab[i].name), v, vlen);
	}
	return rc;
}

static inline uint8_t *
prw_sample(uint8_t *w, const struct sample *s, unsigned m, bool value)
{
	uint64_t t = (uint64_t)s->time_ms;
	double   v = value ? s->v[m] : 0;

	*w++ = PB_2BYTES;
	*w++ = (uint8_t)(10 + prw_vlen(t));
	*w++ = PB_VALUE;
	memcpy(w, &v, 8); /* little-endian on every target we build for */
	w += 8;
	*w++ = s->bad ? PB_BAD : PB_TIME;
	return w + prw_varint(w, t);
}

int
prw_body(struct prw_enc *e, struct buf *out, unsigned max_samples,
    size_t max_bytes, struct prw_part *part)
{
	const struct batch *b = e->b;
	size_t              zlen;
	int                 rc = 0;

	memset(part, 0, sizeof(*part));
	e->serial++;
	buf_reset(&e->pb);
	while (b && e->g < e->n_head) {
		const struct sample      *hs = &b->s[e->head[e->g]];
		const struct schema_kind *k  = hs->series->g->sk;
		struct prw_kind          *pk
		    = prw_kind_of(e, k, b->req_id == REQID_DIMENSION);
		unsigned nm = schema_n_measures(k, b->req_id);

		if (e->lab_g != e->g) {
			rc = prw_series_labels(e, pk, hs);
			if (rc)
				return rc;
			e->lab_g = e->g;
		}
		for (; e->m < nm; e->m++, e->s = e->head[e->g]) {
			unsigned m     = e->m;
			size_t   fixed = e->lab.len + pk->name_len[m];
			size_t   sb    = 0, tslen;
			unsigned cnt   = 0;
			uint32_t j;
			uint8_t *w;

			for (j = e->s; j != PRW_NONE; j = e->nxt[j]) {
				const struct sample *s = &b->s[j];
				size_t               one
				    = 12 + prw_vlen((uint64_t)s->time_ms);

				if (!prw_has(s, b, m))
					continue;
				if (part->samples + cnt >= max_samples
				    || (part->samples + cnt > 0
				        && e->pb.len + 11 + fixed + sb + one
				            > max_bytes))
					break;
				cnt++;
				sb += one;
			}
			if (cnt) {
				tslen = fixed + sb;
				rc    = buf_reserve(&e->pb, 11 + tslen);
				if (rc)
					return rc;
				w    = (uint8_t *)e->pb.p + e->pb.len;
				*w++ = PB_TS;
				w += prw_varint(w, tslen);
				memcpy(w, e->lab.p, e->lab_pre);
				w += e->lab_pre;
				memcpy(w, pk->names.p + pk->name_off[m],
				    pk->name_len[m]);
				w += pk->name_len[m];
				memcpy(w, e->lab.p + e->lab_pre,
				    e->lab.len - e->lab_pre);
				w += e->lab.len - e->lab_pre;
				for (uint32_t x = e->s, left = cnt; left;
				     x = e->nxt[x]) {
					const struct sample *s = &b->s[x];

					if (!prw_has(s, b, m))
						continue;
					w = prw_sample(
					    w, s, m, m < k->n_values);
					e->stamp[x] = e->serial;
					left--;
				}
				e->pb.len = (size_t)((char *)w - e->pb.p);
				part->series++;
				part->samples += cnt;
			}
			if (j != PRW_NONE) {
				e->s = j; /* the rest go into the next body */
				goto full;
			}
		}
		e->g++;
		e->m = 0;
		if (e->g < e->n_head)
			e->s = e->head[e->g];
	}
full:
	part->pb_len = e->pb.len;
	zlen         = snappy_max_compressed_length(e->pb.len);
	rc           = buf_reserve(out, zlen);
	if (rc)
		return rc;
	if (snappy_compress(
	        e->pb.p ? e->pb.p : "", e->pb.len, out->p + out->len, &zlen)
	    != SNAPPY_OK)
		return -EIO;
	out->len += zlen;
	return 0;
}

/* ---- format_promrw ---- */

static int
prw_fmt_init(void **state, const struct format_conf *conf)
{
	struct prw_enc *e = xmalloc(sizeof(*e));

	(void)conf;
	prw_enc_init(e, NULL);
	*state = e;
	return 0;
}

static void
prw_fmt_fini(void *state)
{
	prw_enc_free(state);
	free(state);
}

static int
prw_fmt_encode(void *state, struct buf *out, const struct batch *b)
{
	struct prw_part part;

	prw_plan(state, b);
	return prw_body(state, out, UINT32_MAX, SIZE_MAX, &part);
}

const struct format_ops format_promrw = {
	.name    = "promrw",
	.version = FORMAT_OPS_VERSION,
	.desc    = "Prometheus remote write 1.0 request bodies (snappy "
	           "protobuf), one per batch",
	.ctype   = "application/x-protobuf",
	.binary  = true,
	.init    = prw_fmt_init,
	.fini    = prw_fmt_fini,
	.encode  = prw_fmt_encode,
};
