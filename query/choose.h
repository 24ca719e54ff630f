/* choose.h - weighted random choice among a few items (the query mix).
 *
 * The cumulative table is built once; each pick is a binary search for the
 * first entry above u, like numpy.random.choice(p=...) (searchsorted
 * 'right' on the normalised cumulative sum), so a zero-weight item is never
 * picked. The caller supplies the uniform u, from whatever generator.
 */
#ifndef TSL_CHOOSE_H
#define TSL_CHOOSE_H

struct chooser {
	unsigned n;    /* items */
	unsigned last; /* the last item of positive weight */
	double  *cum; /* cum[i] = (w[0] + ... + w[i]) / total; cum[last] = 1 */
};

/** Builds the table for n weights (finite, >= 0, at least one > 0; any
 *  scale). 0, or -EINVAL (c is then left empty and needs no free). */
int  choose_init(struct chooser *c, const double *w, unsigned n);
void choose_free(struct chooser *c);
/** The index of the item chosen by u in [0, 1); u outside is clamped. */
unsigned choose_pick(const struct chooser *c, double u);

#endif
