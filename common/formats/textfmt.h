/* textfmt.h - batches as text: line protocol (lp.c), Timestream
 * WriteRecords JSON records (tsjson.c), CSV in the union schema, or the
 * rows of the postgres and clickhouse targets (pg_copy.c, chtsv.c). Shared by
 * the file: and stdout: targets, which write the text, and the null:
 * target, which builds it in memory and drops it (the cost of
 * serialising, with no I/O).
 */
#ifndef TSL_TEXTFMT_H
#define TSL_TEXTFMT_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "lp.h"
#include "target.h"

/* pgcopy and chtsv are the rows the postgres and clickhouse targets send
 * (COPY text, TabSeparated), which psql \copy and curl load into the
 * tables those targets create. */
enum textfmt {
	TEXTFMT_LP     = 0,
	TEXTFMT_JSON   = 1,
	TEXTFMT_CSV    = 2,
	TEXTFMT_PGCOPY = 3,
	TEXTFMT_CHTSV  = 4,
};

/** The formats' names in enum order, NULL-terminated: the words of a
 *  format= parameter. */
extern const char *const textfmt_names[];

/** The CSV header line (the union columns of schema sc) for a layout. */
void textfmt_csv_header(struct buf *b, const struct schema *sc, bool multi);

/* One thread's encoder. */
struct textfmt_enc {
	enum textfmt  fmt;
	struct lp_enc lp; /* line protocol, nanosecond times */
};

void textfmt_enc_init(struct textfmt_enc *e, enum textfmt fmt);
void textfmt_enc_free(struct textfmt_enc *e);

/** Appends every sample of b to out in e's format (one JSON record a
 *  line). @return 0, or -ENOSPC when out's cap is too small for it. */
int textfmt_encode(
    struct textfmt_enc *e, struct buf *out, const struct batch *b);

#endif
