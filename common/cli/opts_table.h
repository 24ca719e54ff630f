/* opts_table.h - the rows of the option table, for the files of
 * common/cli that read it: opts.c (the table and the values it sets),
 * opts_parse.c (argv and the environment), opts_check.c (what the values
 * mean together), opts_text.c (the text for a worker and run.json) and
 * opts_help.c (--help). Not for other modules: they use opts.h.
 */
#ifndef TSL_OPTS_TABLE_H
#define TSL_OPTS_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "opts.h"

/* OPT_U64_AUTO: a number, or "auto" stored as 0 (--batch-size). */
/* OPT_SIZE: bytes, written as 64M or 2G (parse_size), kept as a number. */
/* OPT_LIST: text, each further value appended on a line of its own
 * (repeatable options: --broker, -e). */
enum opt_type {
	OPT_BOOL,
	OPT_STR,
	OPT_U64,
	OPT_U64_AUTO,
	OPT_I64,
	OPT_SECS,
	OPT_F64,
	OPT_SIZE,
	OPT_LIST
};

/* Sections of --help, in this order. */
enum opt_group {
	G_TARGET,
	G_SHAPE,
	G_CONT,
	G_PACE,
	G_QUERY,
	G_OUTPUT,
	G_WORKER,
	G_OTHER,
	G_N
};

struct opt {
	const char   *name;
	char          shortname;
	enum opt_type type;
	size_t        off;
	const char   *def;
	double        min, max; /* numbers: accepted range */
	unsigned      cmds;
	const char   *meta;
	const char   *help;
	unsigned      group; /* enum opt_group; G_CONT: only the continuous
	                        model takes it */
};

#define OFF(f) offsetof(struct tsl_opts, f)

/* The rows, ended by one whose name is NULL. */
extern const struct opt opt_table[];

/* The field of row r in o. */
static inline void *
opt_field(struct tsl_opts *o, const struct opt *r)
{
	return (char *)o + r->off;
}

static inline const void *
opt_cfield(const struct tsl_opts *o, const struct opt *r)
{
	return (const char *)o + r->off;
}

/** Whether row r has its short form in cmd. */
bool opt_short_ok(const struct opt *r, unsigned cmd);
/** Stores value v into the field of row r; `from` names the source for
 *  messages ("--processes", "TSLOAD_PROCESSES"). @return 0, or -EINVAL
 *  with "from: reason" in err. */
int opt_set_value(struct tsl_opts *o, const struct opt *r, const char *v,
    const char *from, char *err, size_t errlen);
/** Marks row i as given; whether it was; the index of row r. */
void     opt_set_given(struct tsl_opts *o, size_t i);
bool     opt_is_given(const struct tsl_opts *o, size_t i);
unsigned opt_row_index(const struct opt *r);
/** The period in seconds of a --sin-frq-cpu / --saw-frq-cpu code (the
 *  model's table), 0 for none. */
uint32_t opt_frq_period(const char *code);

#endif
