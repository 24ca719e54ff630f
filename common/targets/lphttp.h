/* lphttp.h - what the influx and vm targets share: their URL options,
 * line protocol batches POSTed to /write (split to respect the server's
 * body size limit), and rejected-line accounting. Internal to the two
 * targets; each still exports only its ops object.
 */
#ifndef TSL_LPHTTP_H
#define TSL_LPHTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "http.h"
#include "lp.h"
#include "target.h"

enum { LPH_DB_MAX = 128 };

/* Options common to influx:// and vm:// URLs, the fields of lph_params. */
struct lph_url {
	char     db[LPH_DB_MAX]; /* database / db label */
	bool     gzip;           /* gzip request bodies */
	int      prec;           /* enum lp_precision: timestamps written */
	uint64_t max_body;       /* most bytes of one POST */
	double   timeout;        /* seconds: longest request */
	/* vm:// only */
	int      protocol;    /* index in lph_protocols: 0 lp, 1 rw */
	unsigned max_samples; /* protocol=rw: samples of one request */
};

/* The ?key=value parameters of influx:// URLs; vm:// adds protocol=
 * (lph_protocols: "lp", "rw") and max_samples=. */
extern const struct param_row lph_params[];
extern const struct param_row lph_vm_params[];
extern const char *const      lph_protocols[];

/* A thread's connection. */
struct lph {
	struct http    h;
	struct lph_url u;
	struct buf     body;  /* line protocol of the batch (or a part) */
	struct buf     tmp;   /* request texts, decoded strings */
	struct lp_enc  enc;   /* this thread's line protocol encoder */
	char          *wpath; /* "/write?db=..&precision=ms" */
};

/** Parses and checks url (hosts, db, gzip, precision, max_body); db
 *  defaults to def_db. @return 0 or -EINVAL with the reason in err. */
int lph_url_parse(const char *url, const char *def_db, struct lph_url *u,
    char *err, size_t errlen);

/** Connects (lazily: curl connects on the first request). name and port
 *  are the target's ("influx", 8086). @return 0 or a negative errno. */
int  lph_open(struct lph *l, const char *name, unsigned port,
     const struct tgt_conf *conf, char *err, size_t errlen);
void lph_close(struct lph *l);

/** Writes batch b in bodies of at most max_body bytes. A 400 that names
 *  unparsable lines counts them in *rejected and is not a failure.
 *  @return the outcome, with the reason in err unless TGT_OK. */
enum tgt_status lph_write(struct lph *l, const struct batch *b,
    unsigned *rejected, char *err, size_t errlen);

/** Writes line protocol text as it is (tsload stream), in bodies of at
 *  most max_body bytes cut at line ends; refused lines as lph_write.
 *  @return the outcome, with the reason in err unless TGT_OK. */
enum tgt_status lph_write_text(struct lph *l, const char *text, size_t len,
    unsigned *rejected, char *err, size_t errlen);

/** The ->lines of influx:// and vm://: lph_write_text of the lines,
 *  counted done (or failed: the ones the server refused) on TGT_OK. */
enum tgt_status lph_lines(struct tgt_ctx *ctx, const struct tgt_lines *l);

/** POSTs an application/x-www-form-urlencoded body built from name,
 *  value pairs (NULL-ended) to path. The answer is in l->h. */
enum tgt_status lph_post_form(struct lph *l, const char *path,
    const char *const *kv, char *err, size_t errlen);

#endif
