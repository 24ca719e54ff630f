/* params.c - a plug-in's parameters: defaults, parsing and usage lines from
 * its table (see params.h). The numbers go through parse.h; this file adds
 * the walk over "key=value" pieces, the percent-decoding of URL queries,
 * the field stores and the messages.
 */
#include "params.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "parse.h"

enum {
	PARAMS_KEY_MAX = 64,   /* longest key looked up */
	PARAMS_VAL_MAX = 4096, /* longest value, decoded */
	PARAMS_WHO_MAX = 64,
	PARAMS_WHY_MAX = 256,
	USAGE_COL      = 28, /* where the help of a usage line starts */
	USAGE_WIDTH    = 79,
};

/* The unsigned or signed range of row r's field: [min, max] of the row, or
 * the whole range of the field when both are 0, cut to the field. */
static void
params_urange(const struct param_row *r, uint64_t *lo, uint64_t *hi)
{
	uint64_t top
	    = r->size >= 8 ? UINT64_MAX : (UINT64_C(1) << (8 * r->size)) - 1;

	*lo = 0;
	*hi = top;
	if (r->min == 0 && r->max == 0)
		return;
	*lo = r->min <= 0 ? 0 : (uint64_t)r->min;
	if (r->max < 1.8e19)
		*hi = r->max <= 0 ? 0 : (uint64_t)r->max;
	if (*hi > top)
		*hi = top;
}

static void
params_irange(const struct param_row *r, int64_t *lo, int64_t *hi)
{
	int64_t top = r->size >= 8
	    ? INT64_MAX
	    : (int64_t)((UINT64_C(1) << (8 * r->size - 1)) - 1);

	*lo = -top - 1;
	*hi = top;
	if (r->min == 0 && r->max == 0)
		return;
	if (r->min > (double)*lo)
		*lo = (int64_t)r->min;
	if (r->max < (double)*hi)
		*hi = (int64_t)r->max;
}

/* Stores v into a field of size bytes (1, 2, 4 or 8). */
static void
params_put(void *f, size_t size, uint64_t v)
{
	uint8_t  v8  = (uint8_t)v;
	uint16_t v16 = (uint16_t)v;
	uint32_t v32 = (uint32_t)v;

	switch (size) {
	case 1:
		memcpy(f, &v8, 1);
		break;
	case 2:
		memcpy(f, &v16, 2);
		break;
	case 4:
		memcpy(f, &v32, 4);
		break;
	default:
		memcpy(f, &v, 8);
		break;
	}
}

/* "lp, json, csv or chtsv" (or "lp|json|csv" with sep "|") into out. */
static void
params_words(
    const struct param_row *r, const char *sep, char *out, size_t outlen)
{
	size_t o = 0, n = 0;

	out[0] = '\0';
	while (r->words && r->words[n])
		n++;
	for (size_t i = 0; i < n && o < outlen; i++) {
		const char *s = i ? sep : "";

		if (i && i + 1 == n && strcmp(sep, ", ") == 0)
			s = " or ";

		o += (size_t)snprintf(
		    out + o, outlen - o, "%s%s", s, r->words[i]);
	}
}

/* Sets row r's field from text v; a reason without the key in why. */
static int
params_value(
    const struct param_row *r, void *cfg, const char *v, char *why, size_t n)
{
	char    *f = (char *)cfg + r->off;
	char     words[PARAMS_WHY_MAX];
	uint64_t u, ulo, uhi;
	int64_t  i, ilo, ihi;
	double   d;
	bool     b;
	int      rc;

	switch (r->type) {
	case PARAM_BOOL:
		b  = true;
		rc = *v ? parse_bool(v, &b, why, n) : 0;
		if (!rc)
			memcpy(f, &b, sizeof(b));
		return rc;
	case PARAM_UINT:
		params_urange(r, &ulo, &uhi);
		rc = parse_u64(v, ulo, uhi, &u, why, n);
		if (!rc)
			params_put(f, r->size, u);
		return rc;
	case PARAM_INT:
		params_irange(r, &ilo, &ihi);
		rc = parse_i64(v, ilo, ihi, &i, why, n);
		if (!rc)
			params_put(f, r->size, (uint64_t)i);
		return rc;
	case PARAM_DOUBLE:
		rc = r->min == 0 && r->max == 0
		    ? parse_double(v, -HUGE_VAL, HUGE_VAL, &d, why, n)
		    : parse_double(v, r->min, r->max, &d, why, n);
		if (!rc)
			memcpy(f, &d, sizeof(d));
		return rc;
	case PARAM_SECS:
		rc = parse_duration(v, &d, why, n);
		if (!rc && !(r->min == 0 && r->max == 0)
		    && (d < r->min || d > r->max))
			rc = parse_error(why, n, -ERANGE, v,
			    "a duration of %g..%g seconds", r->min, r->max);
		if (!rc)
			memcpy(f, &d, sizeof(d));
		return rc;
	case PARAM_SIZE:
		params_urange(r, &ulo, &uhi);
		rc = parse_size(v, &u, why, n);
		if (!rc && (u < ulo || u > uhi))
			rc = parse_error(why, n, -ERANGE, v,
			    "a size of %" PRIu64 "..%" PRIu64 " bytes", ulo,
			    uhi);
		if (!rc)
			params_put(f, r->size, u);
		return rc;
	case PARAM_STR:
		/* Not quoted: it may be a password. */
		if (strlen(v) >= r->size) {
			snprintf(why, n, "value longer than %zu bytes",
			    r->size - 1);
			return -EINVAL;
		}
		memcpy(f, v, strlen(v) + 1);
		return 0;
	case PARAM_ENUM:
		for (int k = 0; r->words[k]; k++) {
			if (strcmp(v, r->words[k]) == 0) {
				memcpy(f, &k, sizeof(k));
				return 0;
			}
		}
		params_words(r, ", ", words, sizeof(words));
		return parse_error(why, n, -EINVAL, v, "%s", words);
	}
	snprintf(why, n, "row of unknown type %d", (int)r->type);
	return -EINVAL;
}

void
params_defaults(const struct param_row *t, void *cfg)
{
	char why[PARAMS_WHY_MAX];
	int  unset = -1;

	for (; t->name; t++) {
		char *f = (char *)cfg + t->off;

		if (t->def) {
			(void)params_value(t, cfg, t->def, why, sizeof(why));
			continue;
		}
		memset(f, 0, t->size);
		if (t->type == PARAM_ENUM)
			memcpy(f, &unset, sizeof(unset));
	}
}

/* "a, b, c" of the table's names into out. */
static void
params_names(const struct param_row *t, char *out, size_t outlen)
{
	size_t o = 0;

	out[0] = '\0';
	for (size_t i = 0; t[i].name && o < outlen; i++)
		o += (size_t)snprintf(
		    out + o, outlen - o, "%s%s", i ? ", " : "", t[i].name);
}

static int
params_unknown(const struct param_row *t, const char *who, const char *key,
    char *err, size_t errlen)
{
	char q[PARSE_QUOTE_MAX + 4], names[512], near[PARAMS_KEY_MAX + 24];
	const char *best = NULL;
	unsigned    bd   = 3; /* suggest only names at most 2 edits away */

	parse_quote(q, key);
	if (!t->name) {
		snprintf(err, errlen,
		    "%s: unknown parameter \"%s\" (it takes no parameters)",
		    who, q);
		return -EINVAL;
	}
	for (const struct param_row *r = t; r->name; r++) {
		unsigned d = parse_edit_distance(key, r->name);

		if (d < bd) {
			bd   = d;
			best = r->name;
		}
	}
	near[0] = '\0';
	if (best)
		snprintf(near, sizeof(near), "did you mean \"%s\"? ", best);
	params_names(t, names, sizeof(names));
	snprintf(err, errlen, "%s: unknown parameter \"%s\" (%saccepted: %s)",
	    who, q, near, names);
	return -EINVAL;
}

int
params_set(const struct param_row *t, void *cfg, const char *who,
    const char *key, const char *val, uint64_t *seen, char *err, size_t errlen)
{
	char     why[PARAMS_WHY_MAX];
	unsigned i;
	int      rc;

	for (i = 0; t[i].name; i++)
		if (strcmp(t[i].name, key) == 0)
			break;
	if (!t[i].name || i >= PARAMS_MAX)
		return params_unknown(t, who, key, err, errlen);
	if (seen) {
		if (*seen & (UINT64_C(1) << i)) {
			snprintf(err, errlen,
			    "%s: parameter \"%s\" given twice", who, key);
			return -EINVAL;
		}
		*seen |= UINT64_C(1) << i;
	}
	rc = params_value(&t[i], cfg, val ? val : "", why, sizeof(why));
	if (rc) {
		snprintf(err, errlen, "%s: %s: %s", who, key, why);
		return -EINVAL;
	}
	return 0;
}

/* Copies s[0..n) into out[n + 1], percent-decoded when asked ("%41" is
 * 'A'; a '%' not followed by two hex digits stays as it is). -EINVAL
 * when the result would hold a NUL byte. */
static int
params_copy(const char *s, size_t n, bool decode, char *out)
{
	size_t i, o = 0;
	int    hi, lo;

	for (i = 0; i < n; i++) {
		if (decode && s[i] == '%' && i + 2 < n
		    && (hi = parse_hexval(s[i + 1])) >= 0
		    && (lo = parse_hexval(s[i + 2])) >= 0) {
			if (!hi && !lo)
				return -EINVAL;
			out[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	return 0;
}

/* One walk over "key[=value]" pieces. */
struct params_walk {
	const struct param_row *t;
	void                   *cfg;
	const char             *who;
	bool                    decode;
	uint64_t                seen;
	char                   *err;
	size_t                  errlen;
};

static int
params_piece(struct params_walk *w, const char *k, size_t kn, const char *v,
    size_t vn, bool has_val)
{
	char key[PARAMS_KEY_MAX + 1], val[PARAMS_VAL_MAX + 1];

	if (kn > PARAMS_KEY_MAX)
		kn = PARAMS_KEY_MAX; /* long enough to be unknown */
	if (params_copy(k, kn, w->decode, key) != 0) {
		snprintf(w->err, w->errlen, "%s: a NUL byte (%%00) in a key",
		    w->who);
		return -EINVAL;
	}
	if (vn > PARAMS_VAL_MAX) {
		snprintf(w->err, w->errlen,
		    "%s: %s: value longer than %d bytes", w->who, key,
		    PARAMS_VAL_MAX);
		return -EINVAL;
	}
	if (params_copy(v, vn, w->decode, val) != 0) {
		snprintf(w->err, w->errlen,
		    "%s: %s: a NUL byte (%%00) in the value", w->who, key);
		return -EINVAL;
	}
	return params_set(w->t, w->cfg, w->who, key, has_val ? val : NULL,
	    &w->seen, w->err, w->errlen);
}

/* Sets each "key[=value]" of s, pieces separated by sep, up to the end or
 * a character of stop. Empty pieces ("a=1&&b=2") are skipped. */
static int
params_walk(struct params_walk *w, const char *s, char sep, const char *stop)
{
	char ends[8];

	snprintf(ends, sizeof(ends), "%c%s", sep, stop);
	while (*s && !strchr(stop, *s)) {
		size_t      n  = strcspn(s, ends);
		const char *eq = memchr(s, '=', n);
		size_t      kn = eq ? (size_t)(eq - s) : n;
		int         rc;

		if (n) {
			rc = params_piece(w, s, kn, eq ? eq + 1 : s + n,
			    eq ? n - kn - 1 : 0, eq != NULL);
			if (rc)
				return rc;
		}
		s += n;
		if (*s == sep)
			s++;
	}
	return 0;
}

int
params_parse_url(const struct param_row *t, void *cfg, const char *url,
    char *err, size_t errlen)
{
	char               who[PARAMS_WHO_MAX];
	const char        *q = strchr(url, '?');
	struct params_walk w = { t, cfg, who, true, 0, err, errlen };
	size_t             n = strcspn(url, ":?");

	snprintf(who, sizeof(who), "%.*s", (int)n, url);
	params_defaults(t, cfg);
	return q ? params_walk(&w, q + 1, '&', "#") : 0;
}

int
params_parse_list(const struct param_row *t, void *cfg, const char *who,
    const char *list, char sep, char *err, size_t errlen)
{
	struct params_walk w = { t, cfg, who, false, 0, err, errlen };

	params_defaults(t, cfg);
	return list ? params_walk(&w, list, sep, "") : 0;
}

/* ---- usage ---- */

/* The placeholder of row r's value: its arg, or one from the type. */
static void
params_arg(const struct param_row *r, char *out, size_t outlen)
{
	static const char *const by_type[] = {
		[PARAM_BOOL]   = "0|1",
		[PARAM_UINT]   = "N",
		[PARAM_INT]    = "N",
		[PARAM_DOUBLE] = "X",
		[PARAM_SECS]   = "DURATION",
		[PARAM_SIZE]   = "BYTES",
		[PARAM_STR]    = "TEXT",
		[PARAM_ENUM]   = NULL,
	};

	if (r->arg)
		snprintf(out, outlen, "%s", r->arg);
	else if (r->type == PARAM_ENUM)
		params_words(r, "|", out, outlen);
	else
		snprintf(out, outlen, "%s", by_type[r->type]);
}

/* "(1..10000, default 1)" or "" into out. */
static void
params_details(const struct param_row *r, char *out, size_t outlen)
{
	char     range[96] = "";
	uint64_t ulo, uhi;
	int64_t  ilo, ihi;
	bool     some = !(r->min == 0 && r->max == 0);

	switch (r->type) {
	case PARAM_UINT:
	case PARAM_SIZE:
		params_urange(r, &ulo, &uhi);
		if (some)
			snprintf(range, sizeof(range), "%" PRIu64 "..%" PRIu64,
			    ulo, uhi);
		break;
	case PARAM_INT:
		params_irange(r, &ilo, &ihi);
		if (some)
			snprintf(range, sizeof(range), "%" PRId64 "..%" PRId64,
			    ilo, ihi);
		break;
	case PARAM_DOUBLE:
		if (some)
			snprintf(
			    range, sizeof(range), "%g..%g", r->min, r->max);
		break;
	case PARAM_SECS:
		if (some)
			snprintf(
			    range, sizeof(range), "%g..%g s", r->min, r->max);
		break;
	default:
		break;
	}
	if (range[0] && r->def && r->def[0])
		snprintf(out, outlen, " (%s, default %s)", range, r->def);
	else if (range[0])
		snprintf(out, outlen, " (%s)", range);
	else if (r->def && r->def[0])
		snprintf(out, outlen, " (default %s)", r->def);
	else
		out[0] = '\0';
}

void
params_usage(const struct param_row *t, unsigned indent, FILE *f)
{
	for (; t->name; t++) {
		char        arg[128], text[512], det[160];
		const char *p = text;
		int         col;

		params_arg(t, arg, sizeof(arg));
		params_details(t, det, sizeof(det));
		snprintf(text, sizeof(text), "%s%s", t->help, det);
		col = fprintf(f, "%*s%s=%s", (int)indent, "", t->name, arg);
		if (col > USAGE_COL - 2) {
			fputc('\n', f);
			col = 0;
		}
		/* The help in words, wrapped at USAGE_WIDTH. */
		while (*p) {
			size_t n = strcspn(p, " ");

			if (col > USAGE_COL
			    && col + 1 + (int)n > USAGE_WIDTH) {
				fputc('\n', f);
				col = 0;
			}
			if (col < USAGE_COL) {
				col += fprintf(f, "%*s", USAGE_COL - col, "");
			} else {
				fputc(' ', f);
				col++;
			}
			col += fprintf(f, "%.*s", (int)n, p);
			p += n;
			p += strspn(p, " ");
		}
		fputc('\n', f);
	}
}

/* ---- checking a table ---- */

static bool
params_row_valid(const struct param_row *r, char *err, size_t errlen)
{
	char             why[PARAMS_WHY_MAX];
	struct param_row at0 = *r; /* the default goes to scratch */
	union {
		char     c[PARAMS_VAL_MAX];
		uint64_t align;
	} scratch;
	size_t want = 0;

	if (strspn(r->name, "abcdefghijklmnopqrstuvwxyz0123456789_")
	        != strlen(r->name)
	    || !r->name[0] || strlen(r->name) > PARAMS_KEY_MAX) {
		snprintf(err, errlen, "parameter \"%s\": bad name", r->name);
		return false;
	}
	if (!r->help || !r->help[0]) {
		snprintf(err, errlen, "parameter %s: no help", r->name);
		return false;
	}
	switch (r->type) {
	case PARAM_BOOL:
		want = sizeof(bool);
		break;
	case PARAM_UINT:
	case PARAM_INT:
		if (r->size != 1 && r->size != 2 && r->size != 4
		    && r->size != 8) {
			snprintf(err, errlen,
			    "parameter %s: an integer of %zu bytes", r->name,
			    r->size);
			return false;
		}
		want = r->size;
		break;
	case PARAM_DOUBLE:
	case PARAM_SECS:
		want = sizeof(double);
		break;
	case PARAM_SIZE:
		want = sizeof(uint64_t);
		break;
	case PARAM_STR:
		want = r->size >= 2 && r->size <= PARAMS_VAL_MAX ? r->size : 0;
		break;
	case PARAM_ENUM:
		want = r->words && r->words[0] ? sizeof(int) : 0;
		break;
	}
	if (r->size != want) {
		snprintf(err, errlen,
		    "parameter %s: field of %zu bytes does not fit type %d",
		    r->name, r->size, (int)r->type);
		return false;
	}
	if (r->min > r->max) {
		snprintf(err, errlen, "parameter %s: min > max", r->name);
		return false;
	}
	at0.off = 0;
	if (r->def
	    && params_value(&at0, scratch.c, r->def, why, sizeof(why))) {
		snprintf(
		    err, errlen, "parameter %s: default: %s", r->name, why);
		return false;
	}
	return true;
}

bool
params_table_valid(const struct param_row *t, char *err, size_t errlen)
{
	if (!t) {
		snprintf(err, errlen, "no parameter table");
		return false;
	}
	for (size_t i = 0; t[i].name; i++) {
		if (i >= PARAMS_MAX) {
			snprintf(err, errlen, "more than %d parameters",
			    PARAMS_MAX);
			return false;
		}
		if (!params_row_valid(&t[i], err, errlen))
			return false;
		for (size_t j = 0; j < i; j++) {
			if (strcmp(t[i].name, t[j].name) == 0) {
				snprintf(err, errlen,
				    "parameter %s: given twice", t[i].name);
				return false;
			}
		}
	}
	return true;
}
