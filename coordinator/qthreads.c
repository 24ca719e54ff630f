/* qthreads.c - per-thread query CSVs and logs read back (qthreads.h). */
#include "qthreads.h"

#include <errno.h>
#include <fnmatch.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs.h"
#include "pyfmt.h"
#include "xalloc.h"

enum { QTHREADS_FILE_MAX = 1u << 30 };

void
qthreads_init(struct qthreads *q)
{
	memset(q, 0, sizeof(*q));
	qsum_init(&q->qs);
}

void
qthreads_free(struct qthreads *q)
{
	qsum_free(&q->qs);
	memset(q, 0, sizeof(*q));
}

/* The row of query id in q->qs, added when new; -1 for a bad id. */
static int
qrow(struct qthreads *q, unsigned id)
{
	int r = qsum_find(&q->qs, id);

	return r >= 0 ? r : qsum_add_query(&q->qs, id);
}

/* "do-q3" -> 3, 0 when it is not one. */
static unsigned
query_id(const char *s)
{
	char         *end;
	unsigned long v;

	if (strncmp(s, "do-q", 4))
		return 0;
	v = strtoul(s + 4, &end, 10);
	return end != s + 4 && v < 100 ? (unsigned)v : 0;
}

/* One do-qN.log: its RESULT lines ("... Time: T. Rows: R|None"). */
static int
read_log(struct qthreads *q, const char *path, unsigned id, char *err,
    size_t errlen)
{
	char *text, *line, *save = NULL;
	int   row = qrow(q, id), rc;

	if (row < 0)
		return 0; /* not a query of the seed's six */
	rc = fs_read_all(path, QTHREADS_FILE_MAX, &text, NULL, err, errlen);
	if (rc)
		return rc;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		const char *t = strstr(line, "QueryId: ");
		const char *r = strstr(line, ". Rows: ");
		double      secs;

		/* the TIMING line has "First result"; RESULT has "Rows" */
		if (!t || !r || !(t = strstr(t, ". Time: ")))
			continue;
		if (sscanf(t, ". Time: %lf", &secs) != 1 || secs < 0)
			continue;
		qsum_record(&q->qs, (unsigned)row,
		    strcmp(r, ". Rows: None") != 0, secs);
	}
	free(text);
	q->logs++;
	return 0;
}

/* One per-thread CSV: header, then "do-qN, v1, ..., v8". */
static int
read_csv(struct qthreads *q, const char *path, char *err, size_t errlen)
{
	char *text, *line, *save = NULL;
	int   rc
	    = fs_read_all(path, QTHREADS_FILE_MAX, &text, NULL, err, errlen);
	bool first = true;

	if (rc)
		return rc;
	for (line = strtok_r(text, "\r\n", &save); line;
	     line = strtok_r(NULL, "\r\n", &save)) {
		char    *f, *fs = NULL, *key;
		unsigned k = 0, i;

		if (first) {
			snprintf(q->header, sizeof(q->header), "%s", line);
			first = false;
			continue;
		}
		key = strtok_r(line, ",", &fs);
		if (!key)
			continue;
		for (i = 0; i < q->nrow && strcmp(q->row[i].key, key); i++)
			;
		if (i == q->nrow) {
			if (q->nrow == QTHREADS_KEYS)
				continue;
			snprintf(q->row[q->nrow++].key, sizeof(q->row[0].key),
			    "%s", key);
			if (query_id(key))
				qrow(q, query_id(key));
		}
		/* strtok_r would merge empty fields: walk by hand */
		for (f = fs; f && k < QTHREADS_COLS; k++) {
			char  *comma = strchr(f, ',');
			char  *end;
			double v;

			if (comma)
				*comma = '\0';
			v = strtod(f, &end);
			if (end != f) {
				q->row[i].sum[k] += v;
				q->row[i].n[k]++;
			}
			f = comma ? comma + 1 : NULL;
		}
	}
	free(text);
	q->files++;
	return 0;
}

/* The do-qN.log files of dir, by query number. */
static int
read_logs(struct qthreads *q, const char *dir, char *err, size_t errlen)
{
	for (unsigned id = 1; id < 100; id++) {
		char  path[1200];
		FILE *f;
		int   rc;

		snprintf(path, sizeof(path), "%s/do-q%u.log", dir, id);
		f = fopen(path, "r");
		if (!f)
			continue;
		fclose(f);
		rc = read_log(q, path, id, err, errlen);
		if (rc)
			return rc;
	}
	return 0;
}

/* nftw has no user pointer: the walk's state, one walk at a time. */
static struct walk {
	struct qthreads *q;
	const char      *pattern, *skip;
	char            *err;
	size_t           errlen;
	int              rc;
} walk;

static int
visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	const char *base = path + ftw->base;
	char        dir[1024];
	int         rc;

	(void)st;
	if (type != FTW_F || fnmatch(walk.pattern, base, 0))
		return 0;
	if (walk.skip && !strcmp(path, walk.skip))
		return 0;
	rc = read_csv(walk.q, path, walk.err, walk.errlen);
	snprintf(dir, sizeof(dir), "%.*s", ftw->base ? ftw->base - 1 : 1,
	    ftw->base ? path : ".");
	if (!rc)
		rc = read_logs(walk.q, dir, walk.err, walk.errlen);
	walk.rc = rc;
	return rc ? 1 : 0;
}

int
qthreads_load(struct qthreads *q, const char *dir, const char *pattern,
    const char *skip, char *err, size_t errlen)
{
	walk = (struct walk) { q, pattern, skip, err, errlen, 0 };
	if (nftw(dir, visit, 16, FTW_PHYS) < 0) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -errno;
	}
	if (walk.rc)
		return walk.rc;
	if (!q->files) {
		snprintf(err, errlen,
		    "-d %s: no file matches -p \"%s\" under it (searched recursively)",
		    dir, pattern);
		return -ENOENT;
	}
	return 0;
}

int
qthreads_mean_csv(const struct qthreads *q, struct buf *out)
{
	int rc = buf_printf(out, "%s\r\n", q->header);

	for (unsigned i = 0; i < q->nrow; i++) {
		rc |= buf_adds(out, q->row[i].key);
		for (unsigned k = 0; k < QTHREADS_COLS; k++) {
			char v[40] = "";

			if (q->row[i].n[k])
				pyfmt_repr(v, sizeof(v),
				    pyfmt_round(
				        q->row[i].sum[k] / q->row[i].n[k], 3));
			rc |= buf_printf(out, ",%s", v);
		}
		rc |= buf_adds(out, "\r\n");
	}
	return rc ? -ENOSPC : 0;
}
