/* params.h - a plug-in's parameters as a table read by one parser.
 *
 * A plug-in (a target's URL `?key=value`, a model's or a pacer's options)
 * declares its parameters as rows: the name, the type, where the value goes
 * in the plug-in's config struct, the default, the range or the words, and
 * one line of help. One parser fills the struct from them: the defaults
 * first, then each key given, with strict numbers (parse.h), one boolean
 * vocabulary (parse_bool), and a one-line error for an unknown key (naming
 * the accepted ones), a repeated key or a bad value. --help's lines come
 * from the same rows. Nothing here knows what the parameters mean.
 *
 *	struct ks_cfg { unsigned shards; double timeout; };
 *	static const struct param_row ks_params[] = {
 *		{ "shards", PARAM_UINT, PARAM_FIELD(struct ks_cfg, shards),
 *		    "1", 1, 10000, NULL, "N", "shards of a new stream" },
 *		{ NULL },
 *	};
 *	rc = params_parse_url(ks_params, &cfg, url, err, sizeof(err));
 */
#ifndef TSL_PARAMS_H
#define TSL_PARAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* What a row's field holds and how its text is read. */
enum param_type {
	PARAM_BOOL,   /* bool: parse_bool's words; a bare key is true */
	PARAM_UINT,   /* unsigned integer of 1, 2, 4 or 8 bytes */
	PARAM_INT,    /* signed integer of 1, 2, 4 or 8 bytes */
	PARAM_DOUBLE, /* double: a finite decimal number */
	PARAM_SECS,   /* double seconds: a duration, "90", "1.5", "250ms" */
	PARAM_SIZE,   /* uint64_t bytes: "4096", "64k", "16M", "2G" */
	PARAM_STR,    /* char[size]: the text, longer is an error */
	PARAM_ENUM,   /* int: the index of the value in words, -1 unset */
};

/* One parameter. Numbers must be in [min, max]; min = max = 0 means the
 * field's whole range. */
struct param_row {
	const char        *name; /* the key: a-z, 0-9, '_' */
	enum param_type    type;
	size_t             off;  /* of the field in the config struct */
	size_t             size; /* of the field (PARAM_FIELD) */
	const char        *def;  /* the default as text; NULL: 0, "", -1 */
	double             min;  /* numbers: the range */
	double             max;
	const char *const *words; /* PARAM_ENUM: NULL-terminated */
	const char        *arg;   /* usage: "N", "MS"; NULL: from the type */
	const char        *help;  /* usage: what it does, a few words */
};

/* offsetof and sizeof of a member, for a row's off and size. */
#define PARAM_FIELD(type, member)                                             \
	offsetof(type, member), sizeof(((type *)0)->member)

/* Most rows a table may have (keys seen are kept in a 64-bit mask). */
enum { PARAMS_MAX = 64 };

/** Checks a table: names well-formed and unique, each field's size right
 *  for its type, ranges within the field, enum words present, defaults
 *  that parse, help present. For the tests of each family's registry.
 *  @return true when usable; otherwise the reason is in err. */
bool params_table_valid(const struct param_row *t, char *err, size_t errlen);

/** Sets every field of t in cfg to its default. */
void params_defaults(const struct param_row *t, void *cfg);

/** Sets one key from its text (NULL for a bare key, which is "" but for a
 *  bool). who prefixes messages ("kinesis"). seen, when not NULL, holds
 *  the rows set so far (bit i for row i), so that a key given twice is
 *  refused. @return 0, or -EINVAL with a one-line reason in err:
 *  `kinesis: shards: invalid value "x" (expected an integer 1..10000)`,
 *  `kinesis: unknown parameter "shard" (did you mean "shards"? accepted:
 *  shards, timeout)`, `kinesis: parameter "shards" given twice`. */
int params_set(const struct param_row *t, void *cfg, const char *who,
    const char *key, const char *val, uint64_t *seen, char *err,
    size_t errlen);

/** Sets the defaults, then every "key[=value]" of a URL's query string
 *  (after the first '?', up to a '#', pieces joined by '&'; keys and
 *  values percent-decoded, "%00" refused). Messages start with the URL's
 *  scheme. @return 0, or -EINVAL with the reason in err. */
int params_parse_url(const struct param_row *t, void *cfg, const char *url,
    char *err, size_t errlen);

/** Sets the defaults, then every "key[=value]" of list, pieces joined by
 *  sep (e.g. "rate=100,jitter=0.1"); nothing is decoded. @return 0, or
 *  -EINVAL with the reason, prefixed with who, in err. */
int params_parse_list(const struct param_row *t, void *cfg, const char *who,
    const char *list, char sep, char *err, size_t errlen);

/** Writes one help line per row ("name=ARG", then the help, the range and
 *  the default), indented by indent spaces, wrapped under 80 columns. */
void params_usage(const struct param_row *t, unsigned indent, FILE *f);

#endif
