/* render.c - query template loading and placeholder filling.
 *
 * A template is parsed once into segments (literal text, or a placeholder
 * index), so rendering per query is a walk over the segments that copies
 * literals and escaped values into a struct buf.
 */
#include "render.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "xalloc.h"

/* How a value is put into the text. */
enum pkind {
	PK_RAW,    /* an expression ({end}): verbatim */
	PK_IDENT,  /* an identifier ({db}, {table}, {measure}): checked */
	PK_STRING, /* inside '...': ' doubled for SQL */
};

struct pdef {
	const char *name;
	size_t      off; /* of the const char * in struct qparams */
	enum pkind  kind;
};

#define P(field, kind)                                                        \
	{                                                                     \
#field, offsetof(struct qparams, field), kind                 \
	}
static const struct pdef pdefs[] = {
	P(db, PK_IDENT),
	P(table, PK_IDENT),
	P(end, PK_RAW),
	P(region, PK_STRING),
	P(cell, PK_STRING),
	P(silo, PK_STRING),
	P(availability_zone, PK_STRING),
	P(microservice_name, PK_STRING),
	P(instance_type, PK_STRING),
	P(os_version, PK_STRING),
	P(instance_name, PK_STRING),
	P(process_name, PK_STRING),
	P(jdk_version, PK_STRING),
	P(measure, PK_IDENT),
};
#undef P
#define N_PDEFS (sizeof(pdefs) / sizeof(pdefs[0]))

enum { NAME_MAX_LEN = 64 };

/* A run of template text [off, off + len), or placeholder pdefs[param]. */
struct render_seg {
	uint32_t off;
	uint32_t len;
	int      param; /* -1 for literal text */
};

static const struct {
	const char *dialect;
	const char *end;
} default_ends[] = {
	{ "timestream", RENDER_END_TIMESTREAM },
	{ "sqlite", RENDER_END_SQLITE },
	{ "clickhouse", RENDER_END_CLICKHOUSE },
	{ "influxql", RENDER_END_INFLUXQL },
	{ "promql", RENDER_END_PROMQL },
	{ "metricsql", RENDER_END_PROMQL },
	{ "postgres", RENDER_END_POSTGRES },
};

const char *
render_default_end(const char *dialect)
{
	size_t i;

	for (i = 0; i < sizeof(default_ends) / sizeof(default_ends[0]); i++)
		if (strcmp(dialect, default_ends[i].dialect) == 0)
			return default_ends[i].end;
	return NULL;
}

int
render_name(char *dst, size_t len, const char *key, bool multi)
{
	int n = snprintf(dst, len, "%s%s", key, multi ? "-multi" : "");

	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}

static int
pdef_find(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < N_PDEFS; i++)
		if (strlen(pdefs[i].name) == len
		    && memcmp(pdefs[i].name, name, len) == 0)
			return (int)i;
	return -1;
}

static const char **
pdef_slot(struct qparams *p, const struct pdef *d)
{
	return (const char **)(void *)((char *)p + d->off);
}

static const char *
pdef_value(const struct qparams *p, const struct pdef *d)
{
	return *(const char *const *)(const void *)((const char *)p + d->off);
}

void
qparams_init(
    struct qparams *p, const char *db, const char *table, const char *end)
{
	memset(p, 0, sizeof(*p));
	p->db    = db;
	p->table = table;
	p->end   = end;
	/* do-q1's metric is part of the workload, whatever the parameter
	 * source (seed §4.2) */
	p->measure = "memory_used";
}

int
qparams_set(struct qparams *p, const char *name, const char *value)
{
	int i = pdef_find(name, strlen(name));

	if (i < 0)
		return -ENOENT;
	*pdef_slot(p, &pdefs[i]) = value;
	return 0;
}

const char *
qparams_get(const struct qparams *p, const char *name)
{
	int i = pdef_find(name, strlen(name));

	return i < 0 ? NULL : pdef_value(p, &pdefs[i]);
}

bool
qparams_known(const char *name)
{
	return pdef_find(name, strlen(name)) >= 0;
}

static bool
is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
	    || (c >= '0' && c <= '9') || c == '_';
}

/* Timestream and SQLite names we accept unquoted or inside "...". */
static bool
is_ident(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!is_name_char(*s) && *s != '-' && *s != '.')
			return false;
	return true;
}

static unsigned
line_of(const char *text, size_t off)
{
	unsigned line = 1;
	size_t   i;

	for (i = 0; i < off; i++)
		line += text[i] == '\n';
	return line;
}

static void
seg_push(struct template *t, size_t *cap, size_t off, size_t len, int param)
{
	if (param < 0 && len == 0)
		return;
	if (t->nseg == *cap) {
		*cap   = *cap ? *cap * 2 : 16;
		t->seg = xrealloc(t->seg, *cap * sizeof(*t->seg));
	}
	t->seg[t->nseg].off   = (uint32_t)off;
	t->seg[t->nseg].len   = (uint32_t)len;
	t->seg[t->nseg].param = param;
	t->nseg++;
}

/* Cuts t->text into segments; -EINVAL with "file:line: reason" on a
 * malformed or unknown placeholder or a lone '}'. */
static int
parse(struct template *t, char *err, size_t errlen)
{
	const char *s     = t->text;
	size_t      n     = strlen(s);
	size_t      cap   = 0;
	size_t      start = 0;
	size_t      i     = 0;

	while (i < n) {
		size_t j;
		int    k;

		if (s[i] == '}') {
			if (s[i + 1] != '}') {
				snprintf(err, errlen,
				    "%s:%u: lone '}' (write '}}' for a literal brace)",
				    t->path, line_of(s, i));
				return -EINVAL;
			}
			seg_push(t, &cap, start, i + 1 - start, -1);
			i = start = i + 2;
			continue;
		}
		if (s[i] != '{') {
			i++;
			continue;
		}
		if (s[i + 1] == '{') {
			seg_push(t, &cap, start, i + 1 - start, -1);
			i = start = i + 2;
			continue;
		}
		for (j = i + 1; j < n && is_name_char(s[j]); j++)
			;
		if (j == i + 1 || j >= n || s[j] != '}'
		    || j - i - 1 > NAME_MAX_LEN) {
			snprintf(err, errlen,
			    "%s:%u: malformed placeholder at \"%.20s\" (expected {name}; write '{{' for a literal brace)",
			    t->path, line_of(s, i), s + i);
			return -EINVAL;
		}
		k = pdef_find(s + i + 1, j - i - 1);
		if (k < 0) {
			snprintf(err, errlen,
			    "%s:%u: unknown placeholder {%.*s}", t->path,
			    line_of(s, i), (int)(j - i - 1), s + i + 1);
			return -EINVAL;
		}
		seg_push(t, &cap, start, i - start, -1);
		seg_push(t, &cap, 0, 0, k);
		i = start = j + 1;
	}
	seg_push(t, &cap, start, n - start, -1);
	return 0;
}

/* Reads a whole (small) file into a NUL-terminated allocation. */
static int
read_file(const char *path, char **out, char *err, size_t errlen)
{
	FILE  *f   = fopen(path, "rb");
	char  *p   = NULL;
	size_t len = 0, cap = 0, got;

	if (!f) {
		int e = errno;

		snprintf(err, errlen, "%s: %s", path, strerror(e));
		return -e;
	}
	do {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 8192;
			p   = xrealloc(p, cap);
		}
		got = fread(p + len, 1, cap - len - 1, f);
		len += got;
	} while (got > 0 && len <= RENDER_MAX_FILE);
	if (ferror(f) || len > RENDER_MAX_FILE) {
		bool big = len > RENDER_MAX_FILE;

		snprintf(err, errlen, "%s: %s", path,
		    big ? "template larger than 1 MiB" : "read error");
		fclose(f);
		free(p);
		return big ? -EFBIG : -EIO;
	}
	fclose(f);
	p[len] = '\0';
	if (strlen(p) != len) {
		snprintf(err, errlen, "%s: NUL byte in template", path);
		free(p);
		return -EINVAL;
	}
	*out = p;
	return 0;
}

int
render_load(struct template *t, const char *dir, const char *dialect,
    const char *name, char *err, size_t errlen)
{
	int rc;

	memset(t, 0, sizeof(*t));
	t->sql  = true;
	t->path = xasprintf("%s/%s/%s.sql", dir, dialect, name);
	rc      = read_file(t->path, &t->text, err, errlen);
	if (rc == 0)
		rc = parse(t, err, errlen);
	if (rc)
		render_free(t);
	return rc;
}

void
render_free(struct template *t)
{
	free(t->path);
	free(t->text);
	free(t->seg);
	memset(t, 0, sizeof(*t));
}

static int
add_value(const struct template *t, const struct pdef *d, const char *v,
    struct buf *out, char *err, size_t errlen)
{
	const char *q;
	int         rc = 0;

	if (!v || (!*v && d->kind != PK_STRING)) {
		snprintf(
		    err, errlen, "%s: no value for {%s}", t->path, d->name);
		return -EINVAL;
	}
	if (d->kind == PK_IDENT && !is_ident(v)) {
		snprintf(err, errlen,
		    "%s: {%s} value \"%.64s\" is not a plain name (letters, digits, _ - .)",
		    t->path, d->name, v);
		return -EINVAL;
	}
	if (d->kind != PK_STRING || !t->sql)
		return buf_adds(out, v);
	/* Inside a '...' literal: a quote becomes two. */
	while (rc == 0 && (q = strchr(v, '\'')) != NULL) {
		rc = buf_add(out, v, (size_t)(q - v) + 1);
		if (rc == 0)
			rc = buf_addc(out, '\'');
		v = q + 1;
	}
	return rc ? rc : buf_adds(out, v);
}

int
render(const struct template *t, const struct qparams *p, struct buf *out,
    char *err, size_t errlen)
{
	size_t i;
	int    rc = 0;

	for (i = 0; i < t->nseg && rc == 0; i++) {
		const struct render_seg *s = &t->seg[i];
		const struct pdef       *d;

		if (s->param < 0) {
			rc = buf_add(out, t->text + s->off, s->len);
			continue;
		}
		d  = &pdefs[s->param];
		rc = add_value(t, d, pdef_value(p, d), out, err, errlen);
		if (rc == -EINVAL)
			return rc;
	}
	if (rc == 0)
		rc = buf_cstr(out);
	if (rc)
		snprintf(err, errlen, "%s: query text over %zu bytes", t->path,
		    out->max);
	return rc;
}
