/* seedenv.c - the data generator's environment variables as options
 * (seedenv.h; seed-behaviour-2.md §2.2.1 and §2.5).
 */
#include "seedenv.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parse.h"

/* The end of an endless backfill (INGEST_SIZE 0): parse_time_ms's last
 * year. */
#define SEEDENV_FOREVER "9999-12-31T23:59:59Z"

__attribute__((format(printf, 4, 5))) static void
put(struct seedenv *o, const char *opt, const char *var, const char *fmt, ...)
{
	va_list ap;

	if (o->n == SEEDENV_MAX)
		return;
	o->kv[o->n].opt = opt;
	o->kv[o->n].var = var;
	va_start(ap, fmt);
	vsnprintf(o->kv[o->n].val, SEEDENV_VAL, fmt, ap);
	va_end(ap);
	o->n++;
}

__attribute__((format(printf, 2, 3))) static void
note(struct seedenv *o, const char *fmt, ...)
{
	va_list ap;

	if (o->n_notes == SEEDENV_NOTES)
		return;
	va_start(ap, fmt);
	vsnprintf(o->note[o->n_notes++], sizeof(o->note[0]), fmt, ap);
	va_end(ap);
}

/* An integer variable min..max, or def when unset. */
static int
get_u64(const char *(*get)(const char *), const char *var, uint64_t def,
    uint64_t min, uint64_t max, uint64_t *out, char *err, size_t n)
{
	const char *v = get(var);
	char        why[160];

	*out = def;
	if (!v)
		return 0;
	if (parse_u64(v, min, max, out, why, sizeof(why))) {
		snprintf(err, n, "%s: %s", var, why);
		return -EINVAL;
	}
	return 0;
}

static int
get_f64(const char *(*get)(const char *), const char *var, double min,
    double max, double *out, bool *set, char *err, size_t n)
{
	const char *v = get(var);
	char        why[160];

	*set = v != NULL;
	if (!v)
		return 0;
	if (parse_double(v, min, max, out, why, sizeof(why))) {
		snprintf(err, n, "%s: %s", var, why);
		return -EINVAL;
	}
	return 0;
}

/* Percent-encodes s for a URL's user or password. */
static void
pct(char *out, size_t n, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t            k     = 0;

	for (; *s && k + 4 < n; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
		    || (c >= '0' && c <= '9') || strchr("-._~", c)) {
			out[k++] = (char)c;
		} else {
			out[k++] = '%';
			out[k++] = hex[c >> 4];
			out[k++] = hex[c & 15];
		}
	}
	out[k] = '\0';
}

/* HOST (+ USERNAME, PASSWORD) as a target URL. */
static int
host_target(
    const char *(*get)(const char *), struct seedenv *o, char *err, size_t n)
{
	const char *host = get("HOST"), *user = get("USERNAME");
	const char *pw        = get("PASSWORD"), *p;
	char        auth[400] = "", u[160], w[200], hp[256];
	size_t      hl;
	long        port = 5432;

	if (!host)
		return 0;
	if (user && *user) {
		pct(u, sizeof(u), user);
		pct(w, sizeof(w), pw ? pw : "");
		snprintf(auth, sizeof(auth), "%s%s%s@", u,
		    pw && *pw ? ":" : "", pw && *pw ? w : "");
	}
	p = strstr(host, "://");
	if (p && strncasecmp(host, "http://", 7)
	    && strncasecmp(host, "https://", 8)) {
		/* a tsload target URL: as it is, the user added if none */
		if (!*auth || strchr(p, '@')
		    || (strncmp(host, "postgres://", 11)
		        && strncmp(host, "postgresql://", 13))) {
			put(o, "target", "HOST", "%s", host);
			return 0;
		}
		put(o, "target", "HOST", "%.*s%s%s", (int)(p + 3 - host), host,
		    auth, p + 3);
		return 0;
	}
	host = p ? p + 3 : host;
	hl   = strcspn(host, "/?#");
	if (memchr(host, '@', hl) || hl == 0 || hl >= sizeof(hp)) {
		snprintf(err, n,
		    "HOST: expected host[:port] or a URL, without user (USERNAME and PASSWORD give it)");
		return -EINVAL;
	}
	snprintf(hp, sizeof(hp), "%.*s", (int)hl, host);
	p = strrchr(hp, ':');
	if (p && strchr(hp, ':') == p && !strchr(hp, ']')) {
		char *end;
		long  v = strtol(p + 1, &end, 10);

		if (*end || v < 1 || v > 65535) {
			snprintf(err, n, "HOST: bad port in \"%s\"", hp);
			return -EINVAL;
		}
		hp[p - hp] = '\0';
		if (v != 4200)
			port = v;
		else
			note(o,
			    "HOST %s: port 4200 is CrateDB's HTTP endpoint; tsload writes over its PostgreSQL port 5432",
			    host);
	}
	put(o, "target", "HOST", "postgres://%s%s:%ld/", auth, hp, port);
	return 0;
}

/* INGEST_* as pacing options. */
static int
ingest_pacing(const char *(*get)(const char *), int64_t now_ms,
    struct seedenv *o, char *err, size_t n)
{
	const char *mode = get("INGEST_MODE");
	uint64_t    size;
	double      delta = 0.5, ts = (double)now_ms / 1000, ms, inv, last;
	bool        fast = true, set;
	int64_t     start;

	if (mode && (!strcmp(mode, "0") || !strcasecmp(mode, "consecutive")))
		fast = false;
	else if (mode && strcmp(mode, "1") && strcasecmp(mode, "fast")) {
		snprintf(err, n,
		    "INGEST_MODE: \"%.40s\" is not 0 or 1 (consecutive or fast)",
		    mode);
		return -EINVAL;
	}
	if (get_u64(
	        get, "INGEST_SIZE", 1000, 0, 1000000000000ull, &size, err, n)
	    || get_f64(get, "INGEST_DELTA", 1e-9, 86400, &delta, &set, err, n)
	    || get_f64(get, "INGEST_TS", 0, 253402300799.0, &ts, &set, err, n))
		return -EINVAL;
	ms = delta * 1000;
	if (fabs(ms - nearbyint(ms)) > 1e-6 * ms || nearbyint(ms) < 1) {
		snprintf(err, n,
		    "INGEST_DELTA: %g s is not a whole number of milliseconds (tsload's interval is in ms)",
		    delta);
		return -EINVAL;
	}
	put(o, "interval-millis", "INGEST_DELTA", "%.0f", nearbyint(ms));
	inv = 1 / delta;
	if (!fast) {
		/* ticks on the wall clock stamped on the delta grid, so that
		 * pods started apart write the same stamps (the generator's
		 * round_half_even(now / delta) * delta) */
		last = nearbyint((double)now_ms / 1000 * inv) / inv;
		put(o, "start-time", "INGEST_DELTA", "%lld",
		    (long long)nearbyint(last * 1000));
		if (size)
			put(o, "autostop", "INGEST_SIZE", "%llu",
			    (unsigned long long)size);
		return 0;
	}
	/* the seed's last <- round_half_even((last + delta) / delta) * delta,
	 * its ts_ms = trunc(last * 1000) */
	last  = nearbyint((ts + delta) * inv) / inv;
	start = (int64_t)(last * 1000);
	put(o, "start-time", "INGEST_TS", "%lld", (long long)start);
	if (size)
		put(o, "end-time", "INGEST_SIZE", "%lld",
		    (long long)(start
		        + (int64_t)size * (int64_t)nearbyint(ms)));
	else
		put(o, "end-time", "INGEST_SIZE", SEEDENV_FOREVER);
	return 0;
}

int
seedenv_translate(const char *(*get)(const char *name), int64_t now_ms,
    struct seedenv *o, char *err, size_t n)
{
	const char *model = get("MODEL_PATH"), *table = get("TABLE_NAME");
	const char *shards = get("SHARDS");
	uint64_t    a, b;

	memset(o, 0, sizeof(*o));
	if (!model)
		return 0;
	if (!*model) {
		snprintf(
		    err, n, "MODEL_PATH: empty (the data-model JSON file)");
		return -EINVAL;
	}
	put(o, "model", "MODEL_PATH", "datagen");
	put(o, "model-file", "MODEL_PATH", "%s", model);
	if (get_u64(get, "ID_START", 1, 1, UINT32_MAX, &a, err, n)
	    || get_u64(get, "ID_END", 500, 1, UINT32_MAX, &b, err, n))
		return -EINVAL;
	if (a > b) {
		snprintf(err, n, "ID_START: %llu > ID_END: %llu",
		    (unsigned long long)a, (unsigned long long)b);
		return -EINVAL;
	}
	put(o, "id-start", "ID_START", "%llu", (unsigned long long)(a - 1));
	put(o, "id-end", "ID_END", "%llu", (unsigned long long)b);
	if (ingest_pacing(get, now_ms, o, err, n))
		return -EINVAL;
	if (table && *table)
		put(o, "table-name", "TABLE_NAME", "%s", table);
	if (host_target(get, o, err, n))
		return -EINVAL;
	/* the seed's Prometheus exporter: always on, port 8000, every
	 * interface (options of the /metrics endpoint; skipped by a tsload
	 * built without it) */
	put(o, "metrics-port", "MODEL_PATH", "8000");
	put(o, "metrics-addr", "MODEL_PATH", "0.0.0.0");
	if (shards)
		note(o,
		    "SHARDS=%.20s: CrateDB's table shards; tsload does not create CrateDB tables, ignored",
		    shards);
	return 0;
}
