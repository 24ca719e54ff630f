/* dpoint.c - the group texts and the measure walk of the data-point
 * formats (dpoint.h).
 */
#include "dpoint.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

struct dp_group *
dp_group_find(struct dp_groups *c, const struct dimgroup *g)
{
	unsigned cap;

	if (g->id < c->n && c->g[g->id] && c->g[g->id]->g == g)
		return c->g[g->id];
	if (g->id >= c->n) {
		cap  = g->id + 1u > 2 * c->n ? g->id + 1u : 2 * c->n;
		c->g = xrealloc(c->g, cap * sizeof(*c->g));
		memset(c->g + c->n, 0, (cap - c->n) * sizeof(*c->g));
		c->n = cap;
	}
	return NULL;
}

struct dp_group *
dp_group_new(struct dp_groups *c, const struct dimgroup *g, size_t n)
{
	struct dp_group *t = xmalloc(sizeof(*t) + n);

	t->g        = g;
	t->pre_len  = 0;
	t->post_len = 0;
	free(c->g[g->id]);
	c->g[g->id] = t;
	return t;
}

void
dp_groups_free(struct dp_groups *c)
{
	unsigned i;

	for (i = 0; i < c->n; i++)
		free(c->g[i]);
	free(c->g);
	c->g = NULL;
	c->n = 0;
}

size_t
dp_prefix_set(char *dst, size_t max, const char *prefix)
{
	size_t n = 0;

	if (prefix && *prefix) {
		n = strnlen(prefix, max - 2);
		memcpy(dst, prefix, n);
		dst[n++] = '.';
	}
	dst[n] = '\0';
	return n;
}

void
dp_walk_init(struct dp_walk *w, const struct sample *s, const struct batch *b)
{
	memset(w, 0, sizeof(*w));
	w->s = s;
	target_span(s, b, &w->i, &w->end);
}

bool
dp_walk_next(struct dp_walk *w, struct tgt_measure *m)
{
	for (; w->i < w->end; w->i++) {
		if (target_absent(w->s, w->i))
			continue;
		target_measure(w->s, w->i, m);
		if (m->type == MT_VARCHAR) {
			w->skipped++;
			continue;
		}
		w->i++;
		w->points++;
		return true;
	}
	return false;
}

void
dp_walk_count(const struct dp_walk *w, const struct batch *b, unsigned *points,
    unsigned *records)
{
	*points += w->skipped;
	if (!b->multi)
		*records += w->skipped;
	else if (!w->points && w->skipped)
		(*records)++;
}
