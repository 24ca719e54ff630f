/* qconfig.c - loads and checks the query workload's config.ini.
 *
 * A small pre-scan of our own reads the file line by line first: it gives
 * our own message for a missing file, syntax errors with line numbers, and
 * catches duplicate keys and sections, which iniparser silently merges.
 * iniparser then does the value syntax (quotes, inline comments).
 */
#include "qconfig.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <fcntl.h>

#include <iniparser.h>

#include "parse.h"
#include "xalloc.h"

#define SECT_DEFAULT "default"
#define SECT_DIST "query_distribution"
/* Longest part of a value or key quoted in a message. */
#define QUOTE_MAX 48
/* Weights are percent and must add up to 100 within this. numpy's
 * choice() allows sqrt(DBL_EPSILON) ~ 1.5e-8 on probabilities, which is
 * about the same on a sum of 100. */
#define SUM_TOLERANCE 1e-6
/* Largest config.ini read (the seed's is under 1 KiB). */
#define QCONFIG_MAX_BYTES (1u << 20)

static __attribute__((format(printf, 3, 4))) int
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* Copies s into out[QUOTE_MAX + 4], one line, cut with "..." if long. */
static void
quote(char *out, const char *s)
{
	size_t i;

	for (i = 0; s[i] && i < QUOTE_MAX; i++) {
		unsigned char c = (unsigned char)s[i];

		out[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	strcpy(out + i, s[i] ? "..." : "");
}

static void
lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

/* Strips leading and trailing white space in place; returns the start. */
static char *
strip(char *s)
{
	size_t n;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

/*
 * Pre-scan. Mirrors iniparser 4.1's line rules: lines are stripped, a
 * trailing backslash continues a line, '#' and ';' start comment lines,
 * "[name]" opens a section, anything else must be "key = value".
 */

/* A section ("name") or key ("section:key") seen so far, and its line. */
struct seen {
	char    *name;
	unsigned line;
};

struct prescan {
	const char  *path;
	struct seen *v;
	size_t       n, cap;
	char         sect[128]; /* current section, "" before the first */
	char        *err;
	size_t       errlen;
};

/* Remembers name at line; if it was seen before returns its first line. */
static unsigned
seen_add(struct prescan *ps, const char *name, unsigned line)
{
	size_t i;

	for (i = 0; i < ps->n; i++)
		if (strcmp(ps->v[i].name, name) == 0)
			return ps->v[i].line;
	if (ps->n == ps->cap) {
		ps->cap = ps->cap ? 2 * ps->cap : 16;
		ps->v   = xrealloc(ps->v, ps->cap * sizeof(*ps->v));
	}
	ps->v[ps->n].name = xstrdup(name);
	ps->v[ps->n].line = line;
	ps->n++;
	return 0;
}

static void
prescan_free(struct prescan *ps)
{
	size_t i;

	for (i = 0; i < ps->n; i++)
		free(ps->v[i].name);
	free(ps->v);
}

/* Checks one logical line (already stripped) that started at lineno. */
static int
prescan_line(struct prescan *ps, char *s, unsigned lineno)
{
	char     q[QUOTE_MAX + 4];
	char    *eq, *name, *key;
	size_t   len = strlen(s);
	unsigned first;

	if (len == 0 || s[0] == '#' || s[0] == ';')
		return 0;
	if (s[0] == '[' && s[len - 1] == ']') {
		s[len - 1] = '\0';
		name       = strip(s + 1);
		lower(name);
		quote(q, name);
		if (!*name || strchr(name, ']') || strchr(name, ':'))
			return fail(ps->err, ps->errlen,
			    "%s:%u: bad section name [%s]", ps->path, lineno,
			    q);
		if (strlen(name) >= sizeof(ps->sect))
			return fail(ps->err, ps->errlen,
			    "%s:%u: section name [%s] too long", ps->path,
			    lineno, q);
		first = seen_add(ps, name, lineno);
		if (first)
			return fail(ps->err, ps->errlen,
			    "%s:%u: duplicate section [%s] (first on line %u)",
			    ps->path, lineno, q, first);
		strcpy(ps->sect, name);
		return 0;
	}
	eq = strchr(s, '=');
	if (!eq || eq == s) {
		quote(q, s);
		return fail(ps->err, ps->errlen,
		    "%s:%u: syntax error: \"%s\" (expected [section], key = value or a # comment)",
		    ps->path, lineno, q);
	}
	*eq = '\0';
	key = strip(s);
	lower(key);
	quote(q, key);
	if (!ps->sect[0])
		return fail(ps->err, ps->errlen,
		    "%s:%u: key \"%s\" comes before any [section]", ps->path,
		    lineno, q);
	name  = xasprintf("%s:%s", ps->sect, key);
	first = seen_add(ps, name, lineno);
	free(name);
	if (first)
		return fail(ps->err, ps->errlen,
		    "%s:%u: [%s] duplicate key \"%s\" (first on line %u)",
		    ps->path, lineno, ps->sect, q, first);
	return 0;
}

/* Opens path for reading if it is a regular file of at most
 * QCONFIG_MAX_BYTES: /dev/zero would never end, a FIFO would block. */
static int
open_config(const char *path, FILE **f, char *err, size_t errlen)
{
	struct stat st;
	const char *kind;
	int         fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC), rc;

	if (fd < 0) {
		rc = -errno;
		snprintf(
		    err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return rc;
	}
	if (fstat(fd, &st)) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return rc;
	}
	if (!S_ISREG(st.st_mode)) {
		kind = S_ISDIR(st.st_mode) ? "a directory"
		    : S_ISFIFO(st.st_mode) ? "a FIFO"
		    : S_ISCHR(st.st_mode)  ? "a character device"
		    : S_ISBLK(st.st_mode)  ? "a block device"
		    : S_ISSOCK(st.st_mode) ? "a socket"
		                           : "of an unknown kind";
		close(fd);
		return fail(err, errlen,
		    "%s: not a regular file (%s); expected a config.ini file",
		    path, kind);
	}
	if (st.st_size > QCONFIG_MAX_BYTES) {
		close(fd);
		return fail(err, errlen,
		    "%s: %lld bytes, more than the %u a config.ini may have",
		    path, (long long)st.st_size, QCONFIG_MAX_BYTES);
	}
	*f = fdopen(fd, "r");
	if (!*f) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return rc;
	}
	return 0;
}

/* Opens and pre-scans path; 0, -EINVAL or the negative errno of a failed
 * open or read. */
static int
prescan_file(const char *path, char *err, size_t errlen)
{
	struct prescan ps  = { .path = path, .err = err, .errlen = errlen };
	char          *raw = NULL, *acc = NULL;
	size_t         rawn = 0, accn = 0, n, total = 0;
	unsigned       lineno = 0, start = 0;
	ssize_t        got;
	FILE          *f;
	int            rc = 0;

	rc = open_config(path, &f, err, errlen);
	if (rc)
		return rc;
	errno = 0;
	while ((got = getline(&raw, &rawn, f)) >= 0) {
		char *line;

		lineno++;
		total += (size_t)got;
		if (total > QCONFIG_MAX_BYTES) {
			rc = fail(err, errlen,
			    "%s: more than %u bytes (a config.ini is a few lines)",
			    path, QCONFIG_MAX_BYTES);
			break;
		}
		if (memchr(raw, '\0', (size_t)got)) {
			rc = fail(err, errlen, "%s:%u: NUL byte in line", path,
			    lineno);
			break;
		}
		/* Join continued lines into acc, as iniparser does. */
		n = (size_t)got;
		while (n && isspace((unsigned char)raw[n - 1]))
			raw[--n] = '\0';
		if (!acc)
			start = lineno;
		acc = xrealloc(acc, accn + n + 1);
		memcpy(acc + accn, raw, n + 1);
		accn += n;
		if (n && raw[n - 1] == '\\') {
			acc[--accn] = '\0';
			continue;
		}
		line = strip(acc);
		rc   = prescan_line(&ps, line, start);
		free(acc);
		acc  = NULL;
		accn = 0;
		if (rc)
			break;
	}
	if (!rc && ferror(f)) {
		rc = errno ? -errno : -EIO;
		snprintf(
		    err, errlen, "%s: cannot read: %s", path, strerror(-rc));
	}
	if (!rc && acc)
		rc = prescan_line(&ps, strip(acc), start);
	free(acc);
	free(raw);
	fclose(f);
	prescan_free(&ps);
	return rc;
}

/*
 * iniparser reports its own errors through a global callback; keep the
 * first message to put into ours instead of letting it reach stderr.
 */
static char ini_msg[256];

static __attribute__((format(printf, 1, 2))) int
ini_errback(const char *fmt, ...)
{
	va_list ap;
	char   *p;

	if (ini_msg[0])
		return 0;
	va_start(ap, fmt);
	vsnprintf(ini_msg, sizeof(ini_msg), fmt, ap);
	va_end(ap);
	for (p = ini_msg; *p; p++)
		if (*p == '\n')
			*p = ' ';
	strip(ini_msg);
	return 0;
}

/*
 * Semantic checks on the dictionary.
 */

static const char *const default_keys[]
    = { "query_mode", "repetitions", "retries" };
#define N_DEFAULT_KEYS (sizeof(default_keys) / sizeof(default_keys[0]))

static int
unknown_default_key(
    const char *path, const char *key, char *err, size_t errlen)
{
	char     q[QUOTE_MAX + 4];
	unsigned i, d, best = 3;
	size_t   at = N_DEFAULT_KEYS;

	quote(q, key);
	if (strncmp(key, "do-q", 4) == 0)
		return fail(err, errlen,
		    "%s: [" SECT_DEFAULT
		    "] unknown key \"%s\" (queries go under [" SECT_DIST "])",
		    path, q);
	for (i = 0; i < N_DEFAULT_KEYS; i++) {
		d = parse_edit_distance(key, default_keys[i]);
		if (d < best) {
			best = d;
			at   = i;
		}
	}
	if (at < N_DEFAULT_KEYS)
		return fail(err, errlen,
		    "%s: [" SECT_DEFAULT
		    "] unknown key \"%s\" (did you mean \"%s\"?)",
		    path, q, default_keys[at]);
	return fail(err, errlen,
	    "%s: [" SECT_DEFAULT
	    "] unknown key \"%s\" (expected query_mode, repetitions or retries)",
	    path, q);
}

static int
load_default(struct qconfig *c, dictionary *d, const char *path, char *err,
    size_t errlen)
{
	const char **keys;
	char         why[160], q[QUOTE_MAX + 4];
	int          i, n, rc = 0;

	n = iniparser_getsecnkeys(d, SECT_DEFAULT);
	if (n <= 0)
		return 0;
	keys = xcalloc((size_t)n, sizeof(*keys));
	iniparser_getseckeys(d, SECT_DEFAULT, keys);
	for (i = 0; i < n && !rc; i++) {
		const char *key = keys[i] + strlen(SECT_DEFAULT ":");
		const char *val = iniparser_getstring(d, keys[i], "");

		if (strcmp(key, "query_mode") == 0) {
			if (strcmp(val, "regular") == 0) {
				c->mode = QMODE_REGULAR;
			} else if (strcmp(val, "row_count") == 0) {
				c->mode = QMODE_ROW_COUNT;
			} else {
				quote(q, val);
				rc = fail(err, errlen,
				    "%s: [" SECT_DEFAULT
				    "] query_mode: unknown mode \"%s\" (expected regular or row_count)",
				    path, q);
			}
		} else if (strcmp(key, "repetitions") == 0) {
			if (parse_u64(val, 1, QCONFIG_MAX_REPETITIONS,
			        &c->repetitions, why, sizeof(why)))
				rc = fail(err, errlen,
				    "%s: [" SECT_DEFAULT "] repetitions: %s",
				    path, why);
		} else if (strcmp(key, "retries") == 0) {
			if (parse_u64(val, 0, QCONFIG_MAX_RETRIES, &c->retries,
			        why, sizeof(why)))
				rc = fail(err, errlen,
				    "%s: [" SECT_DEFAULT "] retries: %s", path,
				    why);
		} else {
			rc = unknown_default_key(path, key, err, errlen);
		}
	}
	free(keys);
	return rc;
}

/* 1..6 for exactly "do-q1".."do-q6", else 0. */
static unsigned
query_id(const char *key)
{
	if (strncmp(key, "do-q", 4) == 0 && key[4] >= '1' && key[4] <= '6'
	    && key[5] == '\0')
		return (unsigned)(key[4] - '0');
	return 0;
}

static int
load_distribution(struct qconfig *c, dictionary *d, const char *path,
    char *err, size_t errlen)
{
	const char **keys;
	char         why[160], q[QUOTE_MAX + 4];
	double       sum = 0;
	int          i, n, rc = 0;

	if (!iniparser_find_entry(d, SECT_DIST))
		return fail(err, errlen,
		    "%s: [" SECT_DIST
		    "] section missing (it lists the queries to run, e.g. do-q1 = 100)",
		    path);
	n = iniparser_getsecnkeys(d, SECT_DIST);
	if (n <= 0)
		return fail(
		    err, errlen, "%s: [" SECT_DIST "] lists no queries", path);
	keys = xcalloc((size_t)n, sizeof(*keys));
	iniparser_getseckeys(d, SECT_DIST, keys);
	for (i = 0; i < n && !rc; i++) {
		const char *key = keys[i] + strlen(SECT_DIST ":");
		const char *val = iniparser_getstring(d, keys[i], "");
		unsigned    id  = query_id(key);
		double      w;

		quote(q, key);
		if (!id) {
			rc = fail(err, errlen,
			    "%s: [" SECT_DIST
			    "] unknown query \"%s\" (expected do-q1..do-q6)",
			    path, q);
		} else if (parse_double(val, 0, 100, &w, why, sizeof(why))) {
			rc = fail(err, errlen, "%s: [" SECT_DIST "] %s: %s",
			    path, q, why);
		} else {
			/* The pre-scan rules out duplicates, so n <= 6. */
			c->q[c->n].id     = id;
			c->q[c->n].weight = w;
			c->n++;
			sum += w;
		}
	}
	free(keys);
	if (rc)
		return rc;
	if (sum == 0)
		return fail(err, errlen,
		    "%s: [" SECT_DIST
		    "] every weight is 0; at least one query must run",
		    path);
	if (!(fabs(sum - 100) <= SUM_TOLERANCE))
		return fail(err, errlen,
		    "%s: [" SECT_DIST "] weights add up to %.12g, not 100",
		    path, sum);
	return 0;
}

static int
check_sections(dictionary *d, const char *path, char *err, size_t errlen)
{
	char q[QUOTE_MAX + 4];
	int  i, n = iniparser_getnsec(d);

	for (i = 0; i < n; i++) {
		const char *s = iniparser_getsecname(d, i);

		if (strcmp(s, SECT_DEFAULT) == 0 || strcmp(s, SECT_DIST) == 0)
			continue;
		quote(q, s);
		return fail(err, errlen,
		    "%s: unknown section [%s] (expected [" SECT_DEFAULT
		    "] and [" SECT_DIST "])",
		    path, q);
	}
	return 0;
}

int
qconfig_load(struct qconfig *c, const char *path, char *err, size_t errlen)
{
	dictionary *d;
	int         rc;

	memset(c, 0, sizeof(*c));
	c->mode        = QMODE_REGULAR;
	c->repetitions = 100;
	c->retries     = 0;

	rc = prescan_file(path, err, errlen);
	if (rc)
		return rc;
	ini_msg[0] = '\0';
	iniparser_set_error_callback(ini_errback);
	d = iniparser_load(path);
	iniparser_set_error_callback(NULL);
	if (!d)
		return fail(err, errlen, "%s: %s", path,
		    ini_msg[0] ? ini_msg : "cannot parse");
	rc = check_sections(d, path, err, errlen);
	if (!rc)
		rc = load_default(c, d, path, err, errlen);
	if (!rc)
		rc = load_distribution(c, d, path, err, errlen);
	iniparser_freedict(d);
	return rc;
}

const char *
qconfig_mode_name(enum qmode m)
{
	return m == QMODE_ROW_COUNT ? "row_count" : "regular";
}
