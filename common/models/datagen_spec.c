/* datagen_spec.c - the data generator's model file (seed-behaviour-2.md
 * §2.3) read and checked, the tags of a channel id, and the sensors'
 * value process (§2.4).
 *
 * The file is one object holding "description" (ignored) and exactly one
 * model key; the model has "tags" (ordered, "id" last) and "metrics" (the
 * seed's v1.0.3 name) or "fields" (tsperf's). Anything the seed would
 * crash on or silently mangle (two model keys, two sensors with one key,
 * an unknown type, a missing parameter) is refused with one line.
 */
#include "datagen.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fs.h"
#include "jsonr.h"
#include "pyround.h"
#include "xalloc.h"

/* "FILE: path: what" into err; returns -EINVAL. */
__attribute__((format(printf, 4, 5))) static int
bad(char *err, size_t n, const char *file, const char *fmt, ...)
{
	va_list ap;
	size_t  k = (size_t)snprintf(err, n, "--model-file %s: ", file);

	va_start(ap, fmt);
	if (k < n)
		vsnprintf(err + k, n - k, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int
parse_tag(struct dg_tag *t, const char *where, const struct jsonr_val *v,
    const char *file, char *err, size_t n)
{
	const struct jsonr_val *e;
	int64_t                 k;
	uint32_t                i = 0;

	if (jsonr_is(v, JSONR_STR)) {
		if (strcmp(jsonr_str(v), "id"))
			return bad(err, n, file,
			    "%s: \"%.40s\" is not a tag (expected \"id\", an integer N or an array of values)",
			    where, jsonr_str(v));
		t->is_id = true;
		return 0;
	}
	if (jsonr_is(v, JSONR_NUM)) {
		if (jsonr_i64(v, &k) || k < 1 || k > 10000000)
			return bad(err, n, file,
			    "%s: expected an integer 1..10000000 (the tag takes the values 0..N-1)",
			    where);
		t->numeric = true;
		t->n       = (uint32_t)k;
		t->value   = xcalloc(t->n, sizeof(*t->value));
		for (i = 0; i < t->n; i++)
			t->value[i] = xasprintf("%u", i);
		return 0;
	}
	if (!jsonr_is(v, JSONR_ARR) || !jsonr_len(v) || jsonr_len(v) > 1000000)
		return bad(err, n, file,
		    "%s: expected \"id\", an integer N or a non-empty array of values",
		    where);
	t->n     = (uint32_t)jsonr_len(v);
	t->value = xcalloc(t->n, sizeof(*t->value));
	for (e = jsonr_first(v); e; e = jsonr_next(e), i++) {
		double d;

		if (jsonr_is(e, JSONR_STR) && jsonr_len(e)
		    && jsonr_len(e) < 256
		    && strlen(jsonr_str(e)) == jsonr_len(e))
			t->value[i] = xstrdup(jsonr_str(e));
		else if (jsonr_is(e, JSONR_NUM) && !jsonr_i64(e, &k))
			t->value[i] = xasprintf("%lld", (long long)k);
		else if (jsonr_is(e, JSONR_NUM) && !jsonr_num(e, &d))
			t->value[i] = xasprintf("%.17g", d);
		else
			return bad(err, n, file,
			    "%s[%u]: expected a string (1..255 bytes) or a number",
			    where, i);
	}
	return 0;
}

static int
parse_tags(struct dg_spec *s, const char *where, const struct jsonr_val *tags,
    const char *file, char *err, size_t n)
{
	const struct jsonr_val *v;
	char                    at[400];
	uint64_t                prod = 1;
	unsigned                i;
	int                     rc;

	if (!jsonr_is(tags, JSONR_OBJ))
		return bad(
		    err, n, file, "%s: missing or not an object", where);
	for (v = jsonr_first(tags); v; v = jsonr_next(v)) {
		struct dg_tag *t;

		if (!strcmp(jsonr_key(v), "description"))
			continue;
		snprintf(at, sizeof(at), "%s.%.64s", where, jsonr_key(v));
		if (s->n_tags == DG_MAX_TAGS)
			return bad(err, n, file,
			    "%s: more than %u tags (the id included)", at,
			    (unsigned)DG_MAX_TAGS);
		if (s->n_tags && s->tag[s->n_tags - 1].is_id)
			return bad(err, n, file,
			    "%s: comes after the \"id\" tag, which must be the last",
			    at);
		for (i = 0; i < s->n_tags; i++)
			if (!strcmp(s->tag[i].name, jsonr_key(v)))
				return bad(
				    err, n, file, "%s: given twice", at);
		if (!*jsonr_key(v) || strlen(jsonr_key(v)) > 63)
			return bad(
			    err, n, file, "%s: a tag name is 1..63 bytes", at);
		t       = &s->tag[s->n_tags++];
		t->name = xstrdup(jsonr_key(v));
		rc      = parse_tag(t, at, v, file, err, n);
		if (rc)
			return rc;
		if (!t->is_id)
			prod = prod * t->n > UINT32_MAX ? UINT32_MAX
			                                : prod * t->n;
	}
	if (!s->n_tags || !s->tag[s->n_tags - 1].is_id)
		return bad(err, n, file,
		    "%s: no \"id\" tag (the channel id, last in the hierarchy)",
		    where);
	s->hierarchy = (uint32_t)prod;
	return 0;
}

/* The number under sensor member `name`'s "value" key. */
static int
num_field(const struct jsonr_val *sen, const char *name, double *out,
    const char *where, const char *file, char *err, size_t n)
{
	const struct jsonr_val *v = jsonr_get(jsonr_get(sen, name), "value");

	if (!v)
		return bad(err, n, file, "%s.%s.value: missing (a number)",
		    where, name);
	if (jsonr_num(v, out) || !isfinite(*out))
		return bad(err, n, file, "%s.%s.value: expected a number",
		    where, name);
	return 0;
}

static int
parse_float(struct dg_sensor *c, const struct jsonr_val *v, const char *at,
    const char *file, char *err, size_t n)
{
	static const char *const names[] = { "mean", "min", "max", "stdev",
		"variance", "error_rate", "error_length" };
	double *const dst[] = { &c->mean, &c->min, &c->max, &c->stdev,
		&c->variance, &c->error_rate, &c->error_length };
	int           rc    = 0;

	for (unsigned i = 0; i < 7 && !rc; i++)
		rc = num_field(v, names[i], dst[i], at, file, err, n);
	if (rc)
		return rc;
	if (c->stdev < 0 || c->stdev > 1e15)
		return bad(err, n, file,
		    "%s.stdev.value: expected 0..1e15 (it scales the pull back to the mean)",
		    at);
	if (c->variance < 0)
		return bad(err, n, file,
		    "%s.variance.value: expected a number from 0 (the largest step)",
		    at);
	if (c->error_rate < 0 || c->error_length < 0)
		return bad(err, n, file,
		    "%s.%s.value: expected a number from 0", at,
		    c->error_rate < 0 ? "error_rate" : "error_length");
	if (c->min > c->max)
		return bad(err, n, file,
		    "%s.min.value: %g is above max %g (they bound the error values)",
		    at, c->min, c->max);
	c->stdev_u = (uint64_t)floor(100 * c->stdev);
	return 0;
}

static int
parse_sensor(struct dg_spec *s, const struct jsonr_val *v, const char *at,
    const char *file, char *err, size_t n)
{
	struct dg_sensor       *c;
	const struct jsonr_val *key, *type;
	const char             *ty;

	if (!jsonr_is(v, JSONR_OBJ))
		return bad(err, n, file, "%s: expected an object", at);
	if (s->n_sensors == DG_MAX_SENSORS)
		return bad(err, n, file, "%s: more than %u sensors", at,
		    (unsigned)DG_MAX_SENSORS);
	key  = jsonr_get(jsonr_get(v, "key"), "value");
	type = jsonr_get(jsonr_get(v, "type"), "value");
	if (!jsonr_is(key, JSONR_STR) || !jsonr_len(key)
	    || jsonr_len(key) > 63)
		return bad(err, n, file,
		    "%s.key.value: missing or not a name of 1..63 bytes", at);
	for (unsigned i = 0; i < s->n_sensors; i++)
		if (!strcmp(s->sensor[i].key, jsonr_str(key)))
			return bad(err, n, file,
			    "%s.key.value: \"%s\" is also sensor %s's key (the seed overwrites one with the other)",
			    at, jsonr_str(key), s->sensor[i].name);
	for (unsigned i = 0; i < s->n_tags; i++)
		if (!strcmp(s->tag[i].name, jsonr_str(key)))
			return bad(err, n, file,
			    "%s.key.value: \"%s\" is also a tag", at,
			    jsonr_str(key));
	ty = jsonr_str(type);
	if (!ty || (strcasecmp(ty, "FLOAT") && strcasecmp(ty, "BOOL")))
		return bad(
		    err, n, file, "%s.type.value: expected FLOAT or BOOL", at);
	c       = &s->sensor[s->n_sensors++];
	c->name = xstrdup(strrchr(at, '.') + 1);
	c->key  = xstrdup(jsonr_str(key));
	if (!strcasecmp(ty, "FLOAT")) {
		c->type = DG_FLOAT;
		s->n_float++;
		return parse_float(c, v, at, file, err, n);
	}
	c->type = DG_BOOL;
	if (num_field(v, "true_ratio", &c->true_ratio, at, file, err, n))
		return -EINVAL;
	if (!(c->true_ratio > 0) || 1 / c->true_ratio > 1e15)
		return bad(err, n, file,
		    "%s.true_ratio.value: expected a number above 0 (P(true) is 1/(floor(1/r)+1))",
		    at);
	c->bool_k = (uint64_t)floor(1 / c->true_ratio);
	return 0;
}

int
dg_spec_parse(struct dg_spec *s, const char *path, const char *text,
    size_t len, char *err, size_t n)
{
	struct jsonr_doc       *doc;
	const struct jsonr_val *root, *v, *model = NULL, *sens;
	char                    why[160], at[256];
	int                     rc;

	memset(s, 0, sizeof(*s));
	if (jsonr_parse(text, len, &doc, why, sizeof(why)))
		return bad(err, n, path, "%s", why);
	root = jsonr_root(doc);
	rc   = -EINVAL;
	if (!jsonr_is(root, JSONR_OBJ)) {
		bad(err, n, path, "expected one JSON object");
		goto out;
	}
	for (v = jsonr_first(root); v; v = jsonr_next(v)) {
		if (!strcmp(jsonr_key(v), "description"))
			continue;
		if (model) {
			bad(err, n, path,
			    "%.64s: a second model key after \"%.64s\" (a file holds one model)",
			    jsonr_key(v), jsonr_key(model));
			goto out;
		}
		model = v;
	}
	if (!model || !jsonr_is(model, JSONR_OBJ) || !*jsonr_key(model)
	    || strlen(jsonr_key(model)) > 63) {
		bad(err, n, path,
		    "%s: expected the model, an object named 1..63 bytes",
		    model ? jsonr_key(model) : "(no model key)");
		goto out;
	}
	s->model = xstrdup(jsonr_key(model));
	snprintf(at, sizeof(at), "%s.tags", s->model);
	rc = parse_tags(s, at, jsonr_get(model, "tags"), path, err, n);
	if (rc)
		goto out;
	sens = jsonr_get(model, "metrics");
	snprintf(at, sizeof(at), "%s.metrics", s->model);
	if (!sens) {
		sens = jsonr_get(model, "fields");
		snprintf(at, sizeof(at), "%s.fields", s->model);
	}
	rc = -EINVAL;
	if (!jsonr_is(sens, JSONR_OBJ)) {
		bad(err, n, path,
		    "%s.metrics: missing or not an object (the sensors; tsperf calls it fields)",
		    s->model);
		goto out;
	}
	for (v = jsonr_first(sens); v; v = jsonr_next(v)) {
		char where[400];

		if (!strcmp(jsonr_key(v), "description"))
			continue;
		snprintf(where, sizeof(where), "%s.%.64s", at, jsonr_key(v));
		if (parse_sensor(s, v, where, path, err, n))
			goto out;
	}
	if (!s->n_sensors) {
		bad(err, n, path, "%s: no sensor", at);
		goto out;
	}
	rc = 0;
out:
	jsonr_free(doc);
	return rc;
}

int
dg_spec_load(struct dg_spec *s, const char *path, char *err, size_t n)
{
	char  *text, why[256];
	size_t len;
	int    rc;

	memset(s, 0, sizeof(*s));
	rc = fs_read_all(path, DG_MAX_FILE, &text, &len, why, sizeof(why));
	if (rc) {
		snprintf(err, n, "--model-file: %s", why);
		return rc;
	}
	rc = dg_spec_parse(s, path, text, len, err, n);
	free(text);
	return rc;
}

void
dg_spec_free(struct dg_spec *s)
{
	for (unsigned i = 0; i < s->n_tags; i++) {
		for (uint32_t k = 0; k < s->tag[i].n; k++)
			free(s->tag[i].value[k]);
		free(s->tag[i].value);
		free(s->tag[i].name);
	}
	for (unsigned i = 0; i < s->n_sensors; i++) {
		free(s->sensor[i].name);
		free(s->sensor[i].key);
	}
	free(s->model);
	memset(s, 0, sizeof(*s));
}

void
dg_tags(const struct dg_spec *s, uint64_t id, uint32_t *idx)
{
	uint64_t acc = 0;

	for (unsigned i = s->n_tags; i-- > 0;) {
		const struct dg_tag *t = &s->tag[i];

		if (t->is_id) {
			idx[i] = 0;
			continue;
		}
		idx[i] = (uint32_t)((acc ? (id - 1) / acc : id - 1) % t->n);
		acc += t->n;
	}
}

/* ---- the value process ---- */

/* Python's random.uniform(a, b) and randint(0, n). */
static double
uniform(struct xrng *r, double a, double b)
{
	return a + (b - a) * xrng_uniform(r);
}

static uint64_t
randint0(struct xrng *r, uint64_t n)
{
	return n == UINT64_MAX ? xrng_next(r) : xrng_below(r, n + 1);
}

void
dg_float_init(struct dg_float *f, const struct dg_sensor *c, struct xrng *r)
{
	memset(f, 0, sizeof(*f));
	f->value = py_round(
	    uniform(r, c->mean - c->variance, c->mean + c->variance), 2);
	f->rate    = c->error_rate;
	f->len     = c->error_length;
	f->started = true;
}

/* +1 to move away from the mean, -1 toward it: away when a uniform
 * integer 0..floor(100 stdev) is below 50 stdev - |value - mean|; at
 * the mean, away is down. */
static double
direction(const struct dg_float *f, const struct dg_sensor *c, struct xrng *r)
{
	double   chance = 50 * c->stdev - fabs(f->value - c->mean);
	uint64_t u      = randint0(r, c->stdev_u);
	double   away   = f->value > c->mean ? 1 : -1;

	return (double)u < chance ? away : -away;
}

double
dg_float_step(
    struct dg_float *f, const struct dg_sensor *c, struct xrng *r, bool *err)
{
	bool is_error;

	if (!f->started)
		dg_float_init(f, c, r);
	if (f->in_error) {
		f->len -= 1;
		f->rate = f->len < 0.01 ? 0.01 : f->len;
	}
	is_error = (double)randint0(r, 1000) < f->rate * 1000;
	if (!is_error) {
		double step = uniform(r, 0, c->variance);
		double dir  = direction(f, c, r);

		f->value
		    = (f->in_error ? f->last_good : f->value) + dir * step;
		if (f->in_error) {
			f->in_error = false;
			f->rate     = c->error_rate;
			f->len      = c->error_length;
		}
	} else if (!f->in_error) {
		f->last_good = f->value;
		f->value     = f->value < c->mean
		        ? py_round(uniform(r, c->min, c->mean - c->stdev), 2)
		        : py_round(uniform(r, c->mean + c->stdev, c->max), 2);
		f->in_error  = true;
	} else {
		double d = py_round(uniform(r, 0, c->variance), 2);

		f->value += xrng_below(r, 2) ? d : -d;
	}
	if (err)
		*err = f->in_error;
	return f->value;
}

bool
dg_bool_draw(const struct dg_sensor *c, struct xrng *r)
{
	return randint0(r, c->bool_k) == 0;
}
