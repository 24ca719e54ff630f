/* promrw.h - Prometheus remote write 1.0 request bodies for batches: a
 * protobuf WriteRequest compressed with snappy's block format. Shared by
 * the promrw:// target, vm://?protocol=rw and the "promrw" format (null:
 * measures the encoding in memory; file: gets the bodies one after the
 * other).
 *
 * From the sample's schema kind: one series per measure, named
 * "<kind>_<measure>" (metrics_cpu_user, as VictoriaMetrics names line
 * protocol fields), the dimensions as labels, plus db="<db>" when a db is
 * given and request_id="<id>" with --req-id-dim. Names are sanitised:
 * a metric name keeps [a-zA-Z0-9_:], a label name [a-zA-Z0-9_], any other
 * byte becomes '_', a leading digit gets a '_' before it, and a label
 * name's leading "__" (reserved) becomes "_". Labels are sorted by name
 * (byte order) and an empty value is left out (remote write allows
 * none). A measure's value is the sample's double: an integer as it is,
 * a text measure (task_end_state) the index of its word in the model's
 * list, request_id (--add-req-id) 0. Each series' samples are in the
 * batch's (time) order, a batch's samples of one series in one
 * TimeSeries. An injected (--bad-data) sample's timestamp is written with
 * an invalid wire type, so that the receiver refuses its request (400).
 *
 *	struct prw_enc e;  prw_enc_init(&e, "devops");
 *	prw_plan(&e, batch);                  once per batch
 *	while (!prw_done(&e))
 *		prw_body(&e, &out, max_samples, max_bytes, &part);   one
 *request prw_enc_free(&e);
 */
#ifndef TSL_PROMRW_H
#define TSL_PROMRW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "format.h"
#include "target.h"

enum {
	PRW_NAME_MAX   = 128, /* longest label name or metric name kept */
	PRW_LABELS_MAX = SCHEMA_MAX_DIMS + 3, /* __name__, db, request_id */
};

/* The sorted label list of one schema kind. */
struct prw_kind {
	const struct schema_kind *k;       /* the kind it was made for */
	uint8_t                   n;       /* labels, __name__ included */
	uint8_t                   name_at; /* position of __name__ */
	bool                      req;     /* has request_id */
	struct {
		uint8_t src; /* dimension index, or PRW_SRC_DB / _REQID */
		char    name[PRW_NAME_MAX];
	} lab[PRW_LABELS_MAX];
	/* the __name__ Label field of each measure ("0a len 0a 08 __name__
	 * 12 len name"), made once */
	struct buf names;
	uint32_t   name_off[SCHEMA_MAX_VALUES + 1];
	uint16_t   name_len[SCHEMA_MAX_VALUES + 1];
};

/* What one request body holds. */
struct prw_part {
	unsigned series;  /* TimeSeries */
	unsigned samples; /* samples (data points) */
	size_t   pb_len;  /* protobuf bytes before compression */
};

/* One thread's encoder: label lists per kind, the batch's series groups,
 * the request being built. */
struct prw_enc {
	const char     *db; /* the db label's value; NULL or "": none */
	struct prw_kind kind[SCHEMA_MAX_KINDS];
	struct buf      pb;  /* the protobuf of the request being built */
	struct buf      lab; /* labels of the current series but __name__:
	                        lab_pre bytes before it, the rest after */
	size_t   lab_pre;
	unsigned lab_g; /* the group lab is of */
	/* the batch: samples grouped by series in order of first
	 * appearance: head[] the first sample of each group, nxt[i] the
	 * next sample of i's series (UINT32_MAX: none) */
	const struct batch *b;
	uint32_t           *head, *nxt, *slot;
	unsigned            n_head, cap, n_slot;
	/* position: group g, measure m, sample s of the group (chain) */
	unsigned g, m;
	uint32_t s;
	/* samples of the batch that have a point in the last body: the
	 * caller counts records of a refused body (stamp[i] == serial) */
	uint32_t *stamp, serial;
};

void prw_enc_init(struct prw_enc *e, const char *db);
void prw_enc_free(struct prw_enc *e);

/** Groups the samples of b by series and starts at its first point. b
 *  must stay valid until prw_done(). */
void prw_plan(struct prw_enc *e, const struct batch *b);
/** Whether every point of the planned batch is in a body. */
bool prw_done(const struct prw_enc *e);
/** Appends to out the next request body: points in batch order of at
 *  most max_samples points and max_bytes protobuf bytes (but always
 *  one point), snappy-compressed; part says what it holds.
 *  @return 0, -ENOSPC (out's cap; or a series' labels alone exceed
 *  max_bytes) or -EIO (snappy failed). */
int prw_body(struct prw_enc *e, struct buf *out, unsigned max_samples,
    size_t max_bytes, struct prw_part *part);
/** Whether sample i of the planned batch has a point in the last body. */
static inline bool
prw_in_body(const struct prw_enc *e, unsigned i)
{
	return e->stamp[i] == e->serial;
}

/** A metric name (sanitised as above) into out, n bytes. */
void prw_metric_name(char *out, size_t n, const char *kind, const char *m);
/** A label name (sanitised as above) into out, n bytes. */
void prw_label_name(char *out, size_t n, const char *dim);

/** Checks that no two labels of a kind of sc get one name after
 *  sanitising (with db and request_id). @return 0, or -EINVAL with
 *  "<who>: ..." in err. */
int prw_schema_check(
    const char *who, const struct schema *sc, char *err, size_t errlen);

/* Protobuf pieces, for the tests: a varint at w; a Label field. */
size_t prw_varint(uint8_t *w, uint64_t v);
int    prw_put_label(struct buf *out, const char *name, size_t nlen,
       const char *val, size_t vlen);

/* The "promrw" format (format.h): each batch one whole request body. */
extern const struct format_ops format_promrw;

#endif
