/* dpoint.h - what the data-point formats share (Graphite's lines and
 * OpenTSDB's points, graphite.c and otsdb.c): the text of a dimension
 * group made once, and the walk over a sample's numeric measures.
 *
 * Each data point repeats its series' text: Graphite's path parts or
 * OpenTSDB's tags, before and after the series' own name. That text
 * depends only on the dimension group, so an encoder keeps it in a
 * struct dp_groups, by the group's id, and writes the name between.
 * Text measures have no place in either protocol: the walk passes them
 * by and the encoder counts them as left out.
 */
#ifndef TSL_DPOINT_H
#define TSL_DPOINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "target.h"

/* One group's text before and after the series' name. */
struct dp_group {
	const struct dimgroup *g;
	uint16_t               pre_len;
	uint16_t               post_len;
	char                   text[]; /* pre, then post */
};

/* An encoder's texts, by dimgroup id. */
struct dp_groups {
	struct dp_group **g;
	unsigned          n;
};

/** g's text when it is made already; otherwise NULL, with a slot for it
 *  (dp_group_new). */
struct dp_group *dp_group_find(struct dp_groups *c, const struct dimgroup *g);
/** A text of n bytes for g in its slot, the one before freed; the caller
 *  writes it and sets pre_len and post_len. */
struct dp_group *dp_group_new(
    struct dp_groups *c, const struct dimgroup *g, size_t n);
void dp_groups_free(struct dp_groups *c);

/** Sets dst (max bytes) to prefix and a '.', or to "" for a NULL or empty
 *  prefix; prefix is cut to max - 2 bytes. @return the length. */
size_t dp_prefix_set(char *dst, size_t max, const char *prefix);

/* The measures of one sample in a batch that hold a number. */
struct dp_walk {
	const struct sample *s;
	unsigned             i, end;
	unsigned             skipped; /* text measures passed by */
	unsigned             points;  /* numbers handed out */
};

void dp_walk_init(
    struct dp_walk *w, const struct sample *s, const struct batch *b);
/** The next measure with a number into *m. @return false at the end. */
bool dp_walk_next(struct dp_walk *w, struct tgt_measure *m);
/** Adds what the walk left out to *points, and to *records the records
 *  left out whole: single layout, each text measure is one; multi, the
 *  sample is one when it gave no number but had text. */
void dp_walk_count(const struct dp_walk *w, const struct batch *b,
    unsigned *points, unsigned *records);

#endif
