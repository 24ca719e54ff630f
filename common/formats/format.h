/* format.h - the formats family: a batch as text, one calling convention.
 *
 * Each format is one file in common/formats/ exporting one
 * `const struct format_ops format_<name>` and registered with one FORMAT()
 * line in format.c. The targets that write text (file:, stdout:, and
 * null:'s ?format=) find a format by name and call it through these
 * members; clickhouse and postgres use their format's ops directly:
 *
 *	const struct format_ops *f = format_find("csv");
 *	void *st;
 *	format_init(f, &conf, &st);              once per thread
 *	f->header(&out, schema, multi);          once per file, when set
 *	f->encode(st, &out, batch);              once per batch
 *	format_fini(f, st);
 *
 * Every member is called from the caller's thread, never blocks and does
 * no I/O: the caller owns `out` and writes it where it goes. A state
 * belongs to one thread; the ops object itself is constant and shared.
 */
#ifndef TSL_FORMAT_H
#define TSL_FORMAT_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "target.h"

enum { FORMAT_OPS_VERSION = 1 };

/* The run's schema (names of kinds, dimensions and measures), which the
 * header and column lists name; NULL: the union schema of target.h. */
struct schema;

/* What a caller may set for a format's state; zero for the defaults. */
struct format_conf {
	/* unit of the timestamps, for a format that has one: enum
	 * lp_precision for lp (0: nanoseconds) */
	int prec;
};

struct format_ops {
	const char *name;    /* the ?format= word: a-z, 0-9 */
	int         version; /* FORMAT_OPS_VERSION */
	const char *desc;    /* what it is, one line, for listings */
	const char *ctype;   /* the Content-Type of an HTTP body of it */
	/* Not lines of text but one binary body per batch (promrw):
	 * targets that cut a batch's text into lines or POST it as it is
	 * (kafka, http) refuse it. */
	bool binary;

	/* Optional (NULL: none). Appends the text that starts a file of
	 * this format for schema sc and a layout (multi: one row per
	 * sample), e.g. CSV's header line. Called once per file by its
	 * creator, before any batch. @return 0 or -ENOSPC when out's cap
	 * is too small. */
	int (*header)(struct buf *out, const struct schema *sc, bool multi);

	/* Optional (NULL: none). Appends the parenthesised column list a
	 * loader names for a layout's rows of schema sc ("(time, region,
	 * ...)", for COPY ... FROM STDIN or INSERT ... FORMAT): the order
	 * encode writes the fields in. @return 0 or -ENOSPC. */
	int (*columns)(struct buf *out, const struct schema *sc, bool multi);

	/* Optional, both or neither (NULL: the format keeps no state and
	 * encode gets NULL). init makes one thread's encoder state in
	 * *state (owned by the caller until it hands it to fini; caches
	 * such as line protocol's escaped tags of each dimension group
	 * live there). conf may be NULL for the defaults. Call them
	 * through format_init() and format_fini(). @return 0 or -errno. */
	int (*init)(void **state, const struct format_conf *conf);
	void (*fini)(void *state);

	/* Appends every sample of b to out (the caller resets out when it
	 * wants one batch alone). The hot path: one call per batch, no
	 * allocation but out's growth. @return 0, or -ENOSPC when out's
	 * cap is too small for the batch (out then holds part of it). */
	int (*encode)(void *state, struct buf *out, const struct batch *b);
};

/** The format called name, or NULL. */
const struct format_ops *format_find(const char *name);

/** Every registered format in registry order, NULL-terminated. */
const struct format_ops *const *format_list(void);

/** The registered formats' names in registry order, NULL-terminated: the
 *  words of a target's format= parameter (PARAM_ENUM). */
extern const char *const format_names[];

/** Writes the names joined by sep ("lp|json|...") to s, n bytes.
 *  @return 0, or -ENOSPC when truncated. */
int format_names_join(char *s, size_t n, const char *sep);

/** Sanity checks one ops object: name a word, version, description and
 *  content type present, encode set, init and fini both or neither.
 *  @return true when usable; otherwise the reason is in err. */
bool format_ops_valid(const struct format_ops *ops, char *err, size_t n);

/** Makes f's state in *state (NULL for a format with none).
 *  @return 0 or -errno. */
int format_init(
    const struct format_ops *f, const struct format_conf *conf, void **state);

/** Frees a state of f made by format_init (NULL is fine). */
void format_fini(const struct format_ops *f, void *state);

#endif
