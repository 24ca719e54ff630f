/* schedule.c - load schedules: parsing (--rate, the seed's JSON, steps),
 * the count of units due and its inverse, and reloads of a changed file.
 */
#include "schedule.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "jsonr.h"
#include "parse.h"
#include "xalloc.h"

enum { SCHED_FILE_MAX = 16 << 20 };

#define RATE_MAX 1e12 /* units/s: far above anything sent */
#define SECS_MAX 1e9  /* a segment's length: about 31 years */

void
sched_free(struct sched *s)
{
	free(s->seg);
	free(s->path);
	memset(s, 0, sizeof(*s));
}

/* Units of segment g in its first x seconds. */
static double
seg_units(const struct sched_seg *g, double x)
{
	if (x <= 0)
		return 0;
	if (x > g->len)
		x = g->len;
	return g->r0 * x + (g->r1 - g->r0) / (2 * g->len) * x * x;
}

/* Fills t0 and u0 of every segment, the period and the units of a pass. */
static void
seal(struct sched *s)
{
	double t = 0, u = 0;

	for (unsigned i = 0; i < s->n; i++) {
		s->seg[i].t0 = t;
		s->seg[i].u0 = u;
		t += s->seg[i].len;
		u += seg_units(&s->seg[i], s->seg[i].len);
	}
	s->period = t;
	s->units  = u;
}

static struct sched_seg *
add_seg(struct sched *s, double len, double r0, double r1)
{
	struct sched_seg *g;

	s->seg = xrealloc(s->seg, (s->n + 1) * sizeof(*s->seg));
	g      = &s->seg[s->n++];
	memset(g, 0, sizeof(*g));
	g->len = len;
	g->r0  = r0;
	g->r1  = r1;
	return g;
}

int
sched_const(struct sched *s, double rate)
{
	memset(s, 0, sizeof(*s));
	if (!(rate > 0) || rate > RATE_MAX)
		return -EINVAL;
	add_seg(s, 1.0, rate, rate);
	s->cycle = true;
	seal(s);
	return 0;
}

/* A rate: a number in [0, RATE_MAX]. */
static bool
rate_of(const struct jsonr_val *v, double *r)
{
	return jsonr_num(v, r) == 0 && *r >= 0 && *r <= RATE_MAX;
}

/* A duration > 0: seconds as a number, or a string parse_duration takes. */
static bool
secs_of(const struct jsonr_val *v, double *d)
{
	const char *str = jsonr_str(v);

	if (str ? parse_duration(str, d, NULL, 0) != 0 : jsonr_num(v, d) != 0)
		return false;
	return *d > 0 && *d <= SECS_MAX;
}

/* The seed's format: a rate per update_interval seconds, cycling. */
static int
parse_cycle(
    struct sched *s, const struct jsonr_val *root, char *err, size_t errlen)
{
	const struct jsonr_val *iv  = jsonr_get(root, "update_interval");
	const struct jsonr_val *arr = jsonr_get(root, "schedule"), *v;
	double                  len;
	unsigned                i = 0;

	if (!iv || !arr) {
		snprintf(err, errlen, "missing key \"%s\"",
		    iv ? "schedule" : "update_interval");
		return -EINVAL;
	}
	if (!secs_of(iv, &len)) {
		snprintf(err, errlen,
		    "\"update_interval\" must be a number of seconds > 0 (or a duration such as \"30s\")");
		return -EINVAL;
	}
	if (!jsonr_is(arr, JSONR_ARR) || !jsonr_len(arr)
	    || jsonr_len(arr) > SCHED_MAX_SEGS) {
		snprintf(err, errlen,
		    "\"schedule\" must be an array of 1 to %d rates",
		    SCHED_MAX_SEGS);
		return -EINVAL;
	}
	for (v = jsonr_first(arr); v; v = jsonr_next(v), i++) {
		double r;

		if (!rate_of(v, &r)) {
			snprintf(err, errlen,
			    "\"schedule\"[%u] must be a rate, a number from 0 to 1e12",
			    i);
			return -EINVAL;
		}
		add_seg(s, len, r, r);
	}
	s->cycle = true;
	return 0;
}

/* Steps: a rate held, or a ramp from the last rate, for a while each. */
static int
parse_steps(
    struct sched *s, const struct jsonr_val *arr, char *err, size_t errlen)
{
	const struct jsonr_val *st;
	double                  last = 0;
	unsigned                i    = 0;

	if (!jsonr_is(arr, JSONR_ARR) || !jsonr_len(arr)
	    || jsonr_len(arr) > SCHED_MAX_SEGS) {
		snprintf(err, errlen,
		    "\"steps\" must be an array of 1 to %d steps",
		    SCHED_MAX_SEGS);
		return -EINVAL;
	}
	for (st = jsonr_first(arr); st; st = jsonr_next(st), i++) {
		const struct jsonr_val *rate = jsonr_get(st, "rate");
		const struct jsonr_val *ramp = jsonr_get(st, "ramp_to");
		const struct jsonr_val *dur  = jsonr_get(st, "for"), *m;
		double                  r, len;

		if (!jsonr_is(st, JSONR_OBJ)) {
			snprintf(err, errlen,
			    "\"steps\"[%u] must be an object such as {\"rate\": 1000, \"for\": \"30s\"}",
			    i);
			return -EINVAL;
		}
		for (m = jsonr_first(st); m; m = jsonr_next(m))
			if (strcmp(jsonr_key(m), "rate")
			    && strcmp(jsonr_key(m), "ramp_to")
			    && strcmp(jsonr_key(m), "for")) {
				snprintf(err, errlen,
				    "\"steps\"[%u]: unknown key \"%.40s\" (expected rate or ramp_to, and for)",
				    i, jsonr_key(m));
				return -EINVAL;
			}
		if (!rate == !ramp) {
			snprintf(err, errlen,
			    "\"steps\"[%u] needs one of \"rate\" and \"ramp_to\"",
			    i);
			return -EINVAL;
		}
		if (!rate_of(rate ? rate : ramp, &r)) {
			snprintf(err, errlen,
			    "\"steps\"[%u]: \"%s\" must be a rate, a number from 0 to 1e12",
			    i, rate ? "rate" : "ramp_to");
			return -EINVAL;
		}
		if (!dur || !secs_of(dur, &len)) {
			snprintf(err, errlen,
			    "\"steps\"[%u]: \"for\" must be a duration > 0 such as 30, \"30s\" or \"5m\"",
			    i);
			return -EINVAL;
		}
		add_seg(s, len, rate ? r : last, r);
		last = r;
	}
	return 0;
}

int
sched_parse(
    struct sched *s, const char *text, size_t len, char *err, size_t errlen)
{
	struct jsonr_doc       *doc;
	const struct jsonr_val *root, *m;
	int                     rc;

	memset(s, 0, sizeof(*s));
	if (jsonr_parse(text, len, &doc, err, errlen))
		return -EINVAL;
	root = jsonr_root(doc);
	rc   = -EINVAL;
	if (!jsonr_is(root, JSONR_OBJ)) {
		snprintf(err, errlen,
		    "expected an object: {\"update_interval\": S, \"schedule\": [R, ...]} or {\"steps\": [...]}");
		goto out;
	}
	for (m = jsonr_first(root); m; m = jsonr_next(m)) {
		const char *k = jsonr_key(m);

		bool known = jsonr_get(root, "steps")
		    ? !strcmp(k, "steps")
		    : !strcmp(k, "update_interval") || !strcmp(k, "schedule");

		if (!known) {
			snprintf(err, errlen,
			    "unknown key \"%.40s\" (expected update_interval and schedule, or steps alone)",
			    k);
			goto out;
		}
	}
	m  = jsonr_get(root, "steps");
	rc = m ? parse_steps(s, m, err, errlen)
	       : parse_cycle(s, root, err, errlen);
	if (rc)
		goto out;
	seal(s);
out:
	jsonr_free(doc);
	if (rc)
		sched_free(s);
	return rc;
}

static void
stamp_of(const struct stat *st, struct sched_stamp *p)
{
	p->dev   = (uint64_t)st->st_dev;
	p->ino   = (uint64_t)st->st_ino;
	p->size  = (int64_t)st->st_size;
	p->mtime = st->st_mtim;
	p->seen  = true;
}

static bool
same_stamp(const struct sched_stamp *a, const struct sched_stamp *b)
{
	return a->seen && b->seen && a->dev == b->dev && a->ino == b->ino
	    && a->size == b->size && a->mtime.tv_sec == b->mtime.tv_sec
	    && a->mtime.tv_nsec == b->mtime.tv_nsec;
}

/* Reads path into b; its stamp (taken before reading) into *p. */
static int
read_file(const char *path, struct buf *b, struct sched_stamp *p, char *err,
    size_t errlen)
{
	struct stat st;
	FILE       *f = fopen(path, "r");
	char        chunk[8192];
	size_t      n;
	int         rc = 0;

	if (!f || fstat(fileno(f), &st)) {
		rc = -errno;
		snprintf(err, errlen, "%s", strerror(errno));
		if (f)
			fclose(f);
		return rc;
	}
	stamp_of(&st, p);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(b, chunk, n)) {
			snprintf(err, errlen, "larger than %d MiB",
			    SCHED_FILE_MAX >> 20);
			rc = -EFBIG;
			break;
		}
	if (!rc && ferror(f)) {
		rc = -EIO;
		snprintf(err, errlen, "cannot read it");
	}
	fclose(f);
	return rc;
}

int
sched_load(struct sched *s, const char *path, char *err, size_t errlen)
{
	struct buf         b;
	struct sched_stamp p = { 0 };
	int                rc;

	memset(s, 0, sizeof(*s));
	buf_init(&b, SCHED_FILE_MAX);
	rc = read_file(path, &b, &p, err, errlen);
	if (!rc)
		rc = sched_parse(s, b.p ? b.p : "", b.len, err, errlen);
	buf_free(&b);
	if (rc)
		return rc;
	s->path  = xstrdup(path);
	s->stamp = p;
	return 0;
}

/* The pass that holds t, and t within it. */
static double
pass_of(const struct sched *s, double t, double *in)
{
	double k;

	if (!s->cycle || s->period <= 0) {
		*in = t;
		return 0;
	}
	k   = floor(t / s->period);
	*in = t - k * s->period;
	if (*in >= s->period) { /* rounding */
		*in -= s->period;
		k++;
	}
	if (*in < 0)
		*in = 0;
	return k;
}

/* The segment that holds time x of a pass (the last one past the end). */
static unsigned
seg_at(const struct sched *s, double x)
{
	unsigned lo = 0, hi = s->n;

	while (hi - lo > 1) {
		unsigned mid = (lo + hi) / 2;

		if (s->seg[mid].t0 <= x)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

double
sched_units(const struct sched *s, double t)
{
	const struct sched_seg *g;
	double                  in, k;

	if (!s->n || t <= 0)
		return s->offset;
	if (!s->cycle && t >= s->period)
		return s->offset + s->units;
	k = pass_of(s, t, &in);
	g = &s->seg[seg_at(s, in)];
	return s->offset + k * s->units + g->u0 + seg_units(g, in - g->t0);
}

/* The last segment with u0 <= u. */
static unsigned
seg_of_units(const struct sched *s, double u)
{
	unsigned lo = 0, hi = s->n;

	while (hi - lo > 1) {
		unsigned mid = (lo + hi) / 2;

		if (s->seg[mid].u0 <= u)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* x in [0, g->len] at which segment g has given du units. */
static double
seg_inverse(const struct sched_seg *g, double du)
{
	double a = (g->r1 - g->r0) / (2 * g->len), d, x;

	if (du <= 0)
		return 0;
	/* r0 x + a x^2 = du, in the form that does not cancel */
	d = g->r0 * g->r0 + 4 * a * du;
	x = 2 * du / (g->r0 + sqrt(d > 0 ? d : 0));
	if (!isfinite(x) || x > g->len)
		x = g->len;
	return x;
}

bool
sched_time(const struct sched *s, double u, double *t)
{
	double   k = 0, rem;
	unsigned i;

	u -= s->offset;
	if (u < 0)
		u = 0;
	if (!s->n || !(s->units > 0))
		return false;
	if (s->cycle) {
		k   = floor(u / s->units);
		rem = u - k * s->units;
		if (rem >= s->units) {
			rem -= s->units;
			k++;
		}
	} else {
		if (u >= s->units)
			return false;
		rem = u;
	}
	/* the segment that passes rem: u0 <= rem < u0 + its units (a rate
	 * of 0 adds nothing, so it is never the one) */
	i = seg_of_units(s, rem);
	while (i < s->n && seg_units(&s->seg[i], s->seg[i].len) <= 0)
		i++;
	if (i == s->n)
		return false;
	*t = k * s->period + s->seg[i].t0
	    + seg_inverse(&s->seg[i], rem - s->seg[i].u0);
	return true;
}

double
sched_rate(const struct sched *s, double t)
{
	const struct sched_seg *g;
	double                  in;

	if (!s->n || t < 0 || (!s->cycle && t >= s->period))
		return 0;
	pass_of(s, t, &in);
	g = &s->seg[seg_at(s, in)];
	return g->r0 + (g->r1 - g->r0) * (in - g->t0) / g->len;
}

double
sched_end(const struct sched *s)
{
	return s->cycle ? INFINITY : s->period;
}

int
sched_reload(struct sched *s, double t, char *err, size_t errlen)
{
	struct stat        st;
	struct sched_stamp now = { 0 };
	struct sched       fresh;
	char               why[400];
	double             before;
	int                rc;

	if (!s->path || stat(s->path, &st))
		return 0;
	stamp_of(&st, &now);
	if (same_stamp(&now, &s->stamp))
		return 0;
	rc = sched_load(&fresh, s->path, why, sizeof(why));
	if (rc) {
		s->stamp = now; /* said once per version of the file */
		snprintf(err, errlen, "%s: %s", s->path, why);
		return rc;
	}
	before       = sched_units(s, t);
	fresh.offset = before - sched_units(&fresh, t);
	free(s->seg);
	free(s->path);
	*s = fresh;
	return 1;
}

void
sched_describe(const struct sched *s, char *out, size_t n)
{
	if (s->cycle && s->n == 1 && !s->path)
		snprintf(out, n, "%.15g/s", s->seg[0].r0);
	else if (s->cycle)
		snprintf(out, n, "%u rate%s of %.15g s, cycling", s->n,
		    s->n == 1 ? "" : "s", s->seg[0].len);
	else
		snprintf(out, n, "%u step%s, %.15g s", s->n,
		    s->n == 1 ? "" : "s", s->period);
}
