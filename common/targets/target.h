/* target.h - what a database target is, and the registry of them.
 *
 * A target is named by a URL whose scheme picks a `const struct target_ops`
 * (fio's ioengines). Each target file in common/targets/ keeps everything
 * static except its ops object, registered in target.c. State lives per
 * thread in struct tgt_ctx; targets have no globals.
 *
 * Who calls what:
 *   coordinator: ->check (while parsing options), ->setup (once, before
 *                workers start: create database/table/file), ->cleanup
 *   each worker thread: ->init, then ->write for every batch, then ->fini
 */
#ifndef TSL_TARGET_H
#define TSL_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cluster.h"
#include "model.h"
#include "outcome.h"
#include "params.h"

enum {
	TARGET_OPS_VERSION  = 1,
	TGT_ERR_MAX         = 256,
	TGT_CLEANUP_NOTHING = 1, /* ->cleanup: nothing to drop */
};

/** What an outcome says about the target, for messages and the live line:
 *  "busy or throttled", "unreachable", "failing", "stopped by a write
 *  error", "closed by its reader"; "" for TGT_OK. */
const char *target_status_text(enum tgt_status st);

/** Bits (1u << status) of the outcomes a worker reports in its STATS
 *  (struct proto_stats.state): which ones its threads saw last. */
#define TGT_STATE_BIT(st) (1u << (unsigned)(st))

/** "postgres unreachable" (or "" when state says nothing is wrong): the
 *  target's URL scheme and the worst outcome in state, for the live
 *  line. */
void target_state_note(
    const char *url, uint32_t state, char *out, size_t outlen);

enum tgt_flags {
	TGT_F_WRITE  = 1u << 0, /* has ->write */
	TGT_F_QUERY  = 1u << 1, /* has ->query (query issue) */
	TGT_F_STDOUT = 1u << 2, /* writes to stdout: logs go to stderr */
	TGT_F_LINES  = 1u << 3, /* has ->lines: a sink of tsload stream */
	TGT_F_HOSTS  = 1u << 4, /* a networked target: its URL may name
	                           a cluster of hosts (cluster.h) */
};

/* Text lines handed to ->lines (tsload stream): n lines in data[0..len),
 * each ending with '\n' but perhaps the last (a final line without one).
 * Owned by the caller; valid only during the call. */
struct tgt_lines {
	const char *data;
	size_t      len;
	unsigned    n;
};

/* What a line sink has done so far (tgt_ctx.lines_*), for the live line
 * and the closing counts: a line is done once the sink has it stored or
 * delivered (a put object, a 2xx answer, a Kafka delivery report). */
struct tgt_line_counts {
	uint64_t done;    /* stored or delivered */
	uint64_t failed;  /* given up on: not stored */
	uint64_t retries; /* sends again after an error (the library's too) */
};

/* One generated sample of one dimension set, or the part of it that falls
 * into this batch: measures [first, first + count) of the measure list of
 * its kind (series->g->sk: the values, then request_id in REQID_MEASURE
 * mode). In the multi-measure layout a sample is never split: first = 0
 * and count = all measures. */
struct sample {
	const struct series *series;
	int64_t              time_ms; /* epoch milliseconds */
	uint8_t              first;
	uint8_t              count;
	/* --bad-data: 0, or 1 + a variant number; an encoder that can make
	 * the record invalid for its server does (target_bad_kind), the
	 * ingest loop sends such a record in a batch of its own */
	uint8_t bad;
	/* Bit i set: measure i has no value in this sample (a model left it
	 * out: the continuous model's missing CPU). The single layout never
	 * hands such a measure to a target (the ingest loop splits around
	 * it); the multi layout writes the row without it (NULL in SQL). */
	uint32_t absent;
	double   v[SCHEMA_MAX_VALUES]; /* by the kind's measures */
	char     req_id[37];           /* "" unless --add-req-id */
};

/** Whether measure i of s has no value (struct sample.absent): an
 *  encoder leaves it out of the record (multi layout: the field omitted,
 *  a NULL or empty column). A model sets bits only below its kind's
 *  n_values: request_id is never absent. */
static inline bool
target_absent(const struct sample *s, unsigned i)
{
	return i < 32 && (s->absent >> i & 1u);
}

/** The variant of an injected (--bad-data) record among an encoder's n
 *  kinds of invalid record. */
static inline unsigned
target_bad_variant(const struct sample *s, unsigned n)
{
	return (unsigned)(s->bad - 1) % n;
}

/** Measure values s holds in a batch: count, less the absent measures
 *  in [first, first + count) (the points of a multi-layout record). */
unsigned target_points(const struct sample *s);

struct batch;

/** The measures [*first, *end) of s that batch b holds: all of its
 *  kind's measure list (multi layout) or [first, first + count), within
 *  the list. */
void target_span(const struct sample *s, const struct batch *b,
    unsigned *first, unsigned *end);

/* A batch handed to ->write. Owned by the caller; valid only during the
 * call. `records` counts as the seed does: one per measure (single) or one
 * per sample (multi); `points` counts measure values. */
struct batch {
	const struct sample *s;
	unsigned             n;
	unsigned             records;
	unsigned             points;
	bool                 multi;
	uint8_t              req_id; /* enum req_id_mode */
};

/** Whether every sample of b is an injected (--bad-data) one: the
 *  batches the ingest loop sends them in. */
bool target_batch_bad(const struct batch *b);

/* Settings every target sees, from the effective options. */
struct tgt_conf {
	const char *url;      /* full target URL, e.g. "sqlite:results/x.db" */
	const char *database; /* -d */
	const char *table;    /* -t */
	/* the model's schema: the tables ->setup creates; NULL where the
	 * caller has built no model (cleanup, query) */
	const struct schema *schema;
	bool                 multi;
	uint8_t              req_id; /* enum req_id_mode */
	unsigned             mem_store_hours;
	unsigned             mag_store_days;
	/* AWS targets: "" when not given */
	const char *region;   /* --region */
	const char *endpoint; /* --endpoint: explicit endpoint URL */
	const char *profile;  /* --profile */
	/* client settings "key=value" one a line (stream -e: librdkafka's),
	 * or NULL */
	const char *client_conf;
};

/* What one query returned. `row`, when set, is called for every row with
 * the column names and values as text (NULL for SQL NULL), at most
 * TGT_ROW_COLS_MAX of them; the parameter query and tsload verify use it
 * (verify's widest: a kind's 22 measure columns x 4 aggregates). */
enum { TGT_ROW_COLS_MAX = 256 };
struct tgt_qres {
	uint64_t rows;
	char     query_id[64]; /* "" when the target has none */
	uint64_t bytes_metered;
	unsigned pages;        /* result pages read (0: not paged) */
	unsigned empty_pages;  /* of those, pages without rows */
	uint64_t first_row_ns; /* now_ns() at the first page with rows;
	                          0: not known (not paged) */
	char request_id[64];   /* of the last answer, "" if none */
	/* Idempotency token of one execution (Timestream ClientToken):
	 * the caller zeroes it for a new execution, the target makes one
	 * and keeps it over the retries of that execution (same res). */
	char client_token[48];
	/* When set, a paged query stops between pages once it is true. */
	const _Atomic bool *stop;
	void (*row)(void *arg, unsigned ncol, const char *const *names,
	    const char *const *vals);
	void *row_arg;
};

struct target_ops;

/* Per-thread state of one target. */
struct tgt_ctx {
	const struct target_ops *ops;
	const struct tgt_conf   *conf;
	void                    *priv;      /* the target's, from ->init */
	unsigned                 worker;    /* 0-based worker index */
	unsigned                 thread;    /* 0-based thread index */
	uint64_t                 throttles; /* busy waits inside the target
	                                       (e.g. SQLite busy handler) */
	unsigned rejected;                  /* set by ->write: records of the
	                                       last batch refused */
	unsigned               rejected_points;  /* their measure values */
	char                   err[TGT_ERR_MAX]; /* last error message */
	struct tgt_line_counts lines; /* ->lines sinks: kept by the sink */
	/* set by the caller, or NULL: where a cluster stage publishes the
	 * state of its hosts for the reports */
	struct cluster_pub *hosts;
};

struct target_ops {
	const char *name;      /* URL scheme without ':', e.g. "sqlite" */
	int         version;   /* TARGET_OPS_VERSION */
	unsigned    flags;     /* enum tgt_flags */
	const char *usage;     /* one line for --help, e.g. "sqlite:PATH" */
	size_t      max_batch; /* most records per write, 0 = no limit */
	/* The URL's ?key=value parameters, read with params_parse_url()
	 * and listed by --help; NULL when they are not tsload's (postgres:
	 * libpq reads them). */
	const struct param_row *params;

	/* Validates the URL (path, parameters) without side effects.
	 * Coordinator, while parsing options. May be NULL. 0 or -EINVAL
	 * with a one-line reason in err. */
	int (*check)(const char *url, char *err, size_t errlen);

	/* Creates what the run writes into (database, table, file with its
	 * header). Coordinator, once, before workers start. May block. May be
	 * NULL. 0 or a negative errno with the reason in err. */
	int (*setup)(const struct tgt_conf *conf, char *err, size_t errlen);

	/* Connects one thread: allocates ctx->priv. Worker thread. On
	 * failure returns a negative errno with ctx->err set; ->fini is still
	 * called and must cope with a half-built priv. */
	int (*init)(struct tgt_ctx *ctx);

	/* Writes one batch; blocks until the target has accepted it (then it
	 * is counted as written) or refused it. Worker thread. */
	enum tgt_status (*write)(struct tgt_ctx *ctx, const struct batch *b);

	/* Query dialect: the directory of its templates under
	 * configs/queries/. NULL unless TGT_F_QUERY. */
	const char *dialect;
	bool        sql; /* the dialect is SQL: row_count mode can wrap it */

	/* Runs one query text and reads every row (every page), counting
	 * them in res->rows. Worker thread, after ->init. TGT_RETRY when the
	 * target was busy or throttled, TGT_FAIL with ctx->err otherwise. */
	enum tgt_status (*query)(
	    struct tgt_ctx *ctx, const char *text, struct tgt_qres *res);

	/* Line sinks (TGT_F_LINES, tsload stream): takes the lines of l, as
	 * messages (kafka, kinesis: one a line, without its newline) or as
	 * text (file, s3 objects, HTTP bodies). May keep them to send later
	 * (a part of an object, a Kafka queue); what is stored or refused
	 * is counted in ctx->lines as it happens. TGT_OK once taken;
	 * TGT_RETRY (nothing taken, try again) or TGT_FAIL with ctx->err. */
	enum tgt_status (*lines)(
	    struct tgt_ctx *ctx, const struct tgt_lines *l);
	/* Sends whatever ->lines kept and waits until each line is counted
	 * done or failed (no time limit but the sink's own: Kafka's
	 * message.timeout.ms). May be NULL (nothing is kept). 0, or a
	 * negative errno with ctx->err. */
	int (*drain)(struct tgt_ctx *ctx);

	/* Frees ctx->priv; safe on a half-built or NULL priv. */
	void (*fini)(struct tgt_ctx *ctx);

	/* Drops what ->setup created. Coordinator (tsload cleanup). May be
	 * NULL. Before a drop that may take a while it says what it drops
	 * (log_info "dropping table X (N rows) of FILE ..."). 0 when dropped,
	 * TGT_CLEANUP_NOTHING with the reason in err when there is nothing to
	 * drop ("table X does not exist in FILE"), or a negative errno with
	 * the reason in err. */
	int (*cleanup)(const struct tgt_conf *conf, char *err, size_t errlen);
};

/** The ops for url's scheme ("sqlite:x.db" -> sqlite), or NULL. */
const struct target_ops *target_find(const char *url);
/** The registered targets, NULL-terminated. */
const struct target_ops *const *target_list(void);
/** Sanity checks one ops table (version, handlers matching flags).
 *  @return true when it is usable; otherwise the reason is in err. */
bool target_ops_valid(const struct target_ops *ops, char *err, size_t n);

/** The URL without scheme and query string ("file:/a/b?x" -> "/a/b"),
 *  copied into out. @return 0 or -ENOSPC. */
int target_url_path(const char *url, char *out, size_t outlen);

/** The URL for showing (logs, run.json): the password of
 *  "scheme://user:password@host" and the value of a password= parameter
 *  replaced by "***"; cut to outlen - 1 bytes. */
void target_url_redact(const char *url, char *out, size_t outlen);
/** The '@' ending the "user[:password]" before the host of url, or NULL
 *  when there is none; *auth is where that part begins (after "://"). */
const char *target_url_userinfo(const char *url, const char **auth);
/** Redacts a message that may quote the target URL (as written, or
 *  spelt "postgresql:" as libpq echoes it): every occurrence of that URL
 *  is replaced by its target_url_redact() form, and a quoted "TOKEN" that
 *  is exactly the URL's password (user info or password=, as written) by
 *  "***". Nothing else is touched: a password that happens to be a word
 *  of the message stays. In place, within n bytes. */
void target_redact_msg(char *msg, size_t n, const char *url);
/** Checks a table name for an SQL target (not empty, at most max bytes,
 *  no control characters, not starting with `reserved` when given) and
 *  writes it as a double-quoted identifier into out. 0, or -EINVAL with
 *  "<who>: invalid table name ..." in err. */
int target_sql_ident(const char *who, const char *table, size_t max,
    const char *reserved, char *out, size_t outlen, char *err, size_t errlen);

/** Whether conf carries the model's schema, which ->setup creates its
 *  tables (or header) from; otherwise "<who>: no schema ..." in err.
 *  @return 0 or -EINVAL. */
int target_need_schema(
    const char *who, const struct tgt_conf *conf, char *err, size_t errlen);

/** Creates the missing parent directories of path (mkdir -p dirname).
 *  @return 0, or a negative errno with "mkdir DIR: reason" in err. */
int target_mkdir_parents(const char *path, char *err, size_t errlen);

/* One measure of a sample, resolved for writing. */
struct tgt_measure {
	const char *name;
	const char *s; /* MT_VARCHAR: the text (len bytes, then NUL) */
	size_t      len;
	double      d;    /* MT_DOUBLE */
	int64_t     i;    /* MT_BIGINT */
	uint8_t     type; /* enum measure_type */
	uint8_t     mcol; /* union measure column, or SCHEMA_NONE */
	bool absent;      /* no value in this sample (target_absent): s is "",
	                     d and i are 0 */
};

/** Measure i of the measure list of s's kind (its schema_kind): a
 *  double, an integer (MT_BIGINT) or a text (MT_VARCHAR: the measure's
 *  word the value indexes; request_id: the sample's); when s has no
 *  value for it, absent is set and the value fields are empty. */
void target_measure(const struct sample *s, unsigned i, struct tgt_measure *m);

extern const struct target_ops target_null;
extern const struct target_ops target_file;
extern const struct target_ops target_stdout;
extern const struct target_ops target_sqlite;
extern const struct target_ops target_clickhouse;
extern const struct target_ops target_influx;
extern const struct target_ops target_vm;
extern const struct target_ops target_promrw;
extern const struct target_ops target_postgres;
extern const struct target_ops target_timestream;
extern const struct target_ops target_timestream_http;
extern const struct target_ops target_timestream_https;
extern const struct target_ops target_kinesis;
extern const struct target_ops target_s3;
extern const struct target_ops target_kafka;
extern const struct target_ops target_http;
extern const struct target_ops target_https;
extern const struct target_ops target_dir;
extern const struct target_ops target_graphite;
extern const struct target_ops target_opentsdb;

#endif
