/* verify_show.h - run.json's "verify" object (verify.c's verify_json)
 * read back and said in words: the verdict, the counts, the first
 * differing cells; for tsload verify's own lines, the printed report
 * (tsload report), its page and tsload compare.
 */
#ifndef TSL_VERIFY_SHOW_H
#define TSL_VERIFY_SHOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "verify.h"

struct jsonr_val;

/* A verify as run.json keeps it. */
struct verify_shown {
	char                 target[512]; /* redacted */
	bool                 differs;
	struct verify_result r;
};

/** The verdict in words: "the target holds exactly what was written",
 *  or "DIFFERENCES: the target differs from what was written". */
const char *verify_verdict(bool differs);
/** "N points expected, M found; missing .., duplicated .., changed ..,
 *  at unexpected times .." into out. */
void verify_counts_text(const struct verify_counts *c, char *out, size_t n);
/** What differs, briefly: "missing 7, duplicated 5, changed 3" (only
 *  the counts that are not 0, unexpected series included); "" when
 *  nothing does. */
void verify_brief(const struct verify_result *r, char *out, size_t n);
/** An hour as run.json writes it: "2026-01-01T00:00:00Z". */
void verify_hour_text(int64_t ms, char *out, size_t n);
/** Reads the "verify" object v of run.json into *out. 0, or -EINVAL
 *  with what is wrong in err ("verify has no totals"). */
int verify_show_read(const struct jsonr_val *v, struct verify_shown *out,
    char *err, size_t errlen);
/** The printed report's section: the verdict line naming the run (its
 *  id) and the target, the counts per measurement, unexpected series,
 *  what was compared and how long it took, and the first differing
 *  cells as a table (at most max_rows of them). */
void verify_show_print(
    FILE *f, const struct verify_shown *v, const char *run, unsigned max_rows);

#endif
