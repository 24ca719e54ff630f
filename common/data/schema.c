/* schema.c - building a model's schema and its union view. */
#include "schema.h"

#include <errno.h>
#include <string.h>

void
schema_init(struct schema *s, const char *model)
{
	memset(s, 0, sizeof(*s));
	s->model = model;
}

int
schema_add_kind(struct schema *s, const char *name, const char *const *dims,
    unsigned n_dims, unsigned name_dim)
{
	struct schema_kind *k;
	unsigned            d;

	if (s->n_dcols || s->n_kinds >= SCHEMA_MAX_KINDS
	    || n_dims > SCHEMA_MAX_DIMS || name_dim >= n_dims
	    || strlen(name) > 255)
		return -EINVAL;
	k           = &s->kind[s->n_kinds];
	k->schema   = s;
	k->name     = name;
	k->name_len = (uint8_t)strlen(name);
	k->index    = s->n_kinds;
	k->n_dims   = (uint8_t)n_dims;
	k->name_dim = (uint8_t)name_dim;
	for (d = 0; d < n_dims; d++)
		k->dim[d] = dims[d];
	return s->n_kinds++;
}

int
schema_add_measure(struct schema *s, unsigned k, const char *name,
    enum measure_type t, const char *const *words, unsigned n_words)
{
	struct schema_kind    *kk;
	struct schema_measure *m;

	if (s->n_dcols || k >= s->n_kinds || n_words > 255
	    || (t == MT_VARCHAR && !n_words))
		return -EINVAL;
	kk = &s->kind[k];
	if (kk->n_values >= SCHEMA_MAX_VALUES)
		return -EINVAL;
	m          = &kk->m[kk->n_values++];
	m->name    = name;
	m->type    = (uint8_t)t;
	m->words   = words;
	m->n_words = (uint8_t)n_words;
	return 0;
}

/* Index of name in cols[0, n), or n. */
static unsigned
col_find(const char *const *cols, unsigned n, const char *name)
{
	unsigned c;

	for (c = 0; c < n && strcmp(cols[c], name); c++)
		;
	return c;
}

int
schema_finish(struct schema *s, enum req_id_mode req_id)
{
	unsigned k, i, c;

	s->req_id  = (uint8_t)req_id;
	s->n_dcols = 0;
	s->n_mcols = 0;
	for (k = 0; k < s->n_kinds; k++) {
		struct schema_kind *kk = &s->kind[k];

		for (i = 0; i < kk->n_dims; i++) {
			c = col_find(s->dcol, s->n_dcols, kk->dim[i]);
			if (c == s->n_dcols) {
				if (c + 1u >= SCHEMA_MAX_DCOLS)
					return -EINVAL;
				s->dcol[s->n_dcols++] = kk->dim[i];
			}
			kk->dcol[i] = (uint8_t)c;
		}
		for (i = 0; i < kk->n_values; i++) {
			struct schema_measure *m = &kk->m[i];

			c = col_find(s->mcol, s->n_mcols, m->name);
			if (c == s->n_mcols) {
				if (c >= SCHEMA_MAX_MCOLS)
					return -EINVAL;
				s->mcol[s->n_mcols]      = m->name;
				s->mcol_type[s->n_mcols] = m->type;
				s->n_mcols++;
			} else if (s->mcol_type[c] != m->type) {
				return -EINVAL;
			}
			m->mcol = (uint8_t)c;
		}
		/* request_id: described always, sent as the mode says */
		kk->m[kk->n_values] = (struct schema_measure) {
			.name = "request_id",
			.type = MT_VARCHAR,
			.mcol = SCHEMA_NONE,
		};
		kk->n_measures = (uint8_t)schema_n_measures(kk, req_id);
		kk->req_dim    = req_id == REQID_DIMENSION;
	}
	s->dcol_req_id        = s->n_dcols;
	s->dcol[s->n_dcols++] = "request_id";
	return 0;
}

const struct schema_kind *
schema_kind_find(const struct schema *s, const char *name)
{
	unsigned k;

	for (k = 0; k < s->n_kinds; k++)
		if (!strcmp(s->kind[k].name, name))
			return &s->kind[k];
	return NULL;
}

const char *const schema_value_cols[3] = { "measure_value_double",
	"measure_value_bigint", "measure_value_varchar" };

int
schema_columns(struct buf *b, const struct schema *sc, bool multi)
{
	unsigned c;
	int      rc = buf_adds(b, "(time");

	for (c = 0; !rc && c < sc->n_dcols; c++)
		rc = buf_printf(b, ", %s", sc->dcol[c]);
	if (!rc)
		rc = buf_adds(b, ", measure_name");
	for (c = 0; !rc && c < (multi ? sc->n_mcols : 3u); c++)
		rc = buf_printf(
		    b, ", %s", multi ? sc->mcol[c] : schema_value_cols[c]);
	return rc ? rc : buf_addc(b, ')');
}
