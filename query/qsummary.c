/* qsummary.c - exact per-query latency summaries: recording, merging,
 * statistics as numpy/scipy compute them, the seed's CSV, a terminal table
 * and a little-endian wire format for sending them to the coordinator.
 */
#include "qsummary.h"

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "wire.h"
#include "xalloc.h"

/* Bytes of a row header on the wire: id, total, ok. */
#define WIRE_ROW (4 + 8 + 8)

void
qsum_init(struct qsum *s)
{
	memset(s, 0, sizeof(*s));
}

void
qsum_free(struct qsum *s)
{
	unsigned i;

	for (i = 0; i < s->n; i++)
		free(s->row[i].lat);
	qsum_init(s);
}

int
qsum_find(const struct qsum *s, unsigned id)
{
	unsigned i;

	for (i = 0; i < s->n; i++)
		if (s->row[i].id == id)
			return (int)i;
	return -ENOENT;
}

int
qsum_add_query(struct qsum *s, unsigned id)
{
	struct qsum_row *r;

	if (id < 1 || id > QSUM_MAX)
		return -EINVAL;
	if (qsum_find(s, id) >= 0)
		return -EEXIST;
	assert(s->n < QSUM_MAX); /* ids are distinct and 1..QSUM_MAX */
	r = &s->row[s->n];
	memset(r, 0, sizeof(*r));
	r->id     = id;
	r->sorted = true;
	return (int)s->n++;
}

/* Makes room for `more` latencies in r. */
static void
row_reserve(struct qsum_row *r, uint64_t more)
{
	size_t want, cap;

	if (more > SIZE_MAX / sizeof(double) - r->ok) {
		fprintf(stderr, "tsload: too many latencies\n");
		abort();
	}
	want = (size_t)(r->ok + more);
	if (want <= r->cap)
		return;
	cap = r->cap ? r->cap : 256;
	while (cap < want)
		cap = cap > SIZE_MAX / 2 / sizeof(double) ? want : 2 * cap;
	r->lat = xrealloc(r->lat, cap * sizeof(double));
	r->cap = cap;
}

/* Appends one latency, noting whether the order still holds. */
static void
row_push(struct qsum_row *r, double secs)
{
	row_reserve(r, 1);
	if (r->ok && secs < r->lat[r->ok - 1])
		r->sorted = false;
	r->lat[r->ok++] = secs;
}

void
qsum_record(struct qsum *s, unsigned row, bool ok, double secs)
{
	assert(row < s->n);
	s->row[row].total++;
	if (ok)
		row_push(&s->row[row], secs);
}

void
qsum_merge(struct qsum *dst, const struct qsum *src)
{
	unsigned i;

	assert(dst != src);
	for (i = 0; i < src->n; i++) {
		const struct qsum_row *sr = &src->row[i];
		struct qsum_row       *dr;
		int                    at = qsum_find(dst, sr->id);

		if (at < 0)
			at = qsum_add_query(dst, sr->id);
		assert(at >= 0);
		dr = &dst->row[at];
		dr->total += sr->total;
		if (sr->ok == 0)
			continue;
		row_reserve(dr, sr->ok);
		memcpy(dr->lat + dr->ok, sr->lat, sr->ok * sizeof(double));
		dr->ok += sr->ok;
		dr->sorted = false;
	}
}

/*
 * Statistics.
 */

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Neumaier's compensated sum: the mean of many similar latencies stays
 * accurate to the last bit or so (numpy sums pairwise, also accurate). */
struct ksum {
	double s, c;
};

static void
ksum_add(struct ksum *k, double v)
{
	double t = k->s + v;

	if (fabs(k->s) >= fabs(v))
		k->c += (k->s - t) + v;
	else
		k->c += (v - t) + k->s;
	k->s = t;
}

static double
ksum_get(const struct ksum *k)
{
	return k->s + k->c;
}

/* np.percentile(x, p) of sorted x, method 'linear', with numpy's lerp
 * (which interpolates from the nearer end for t >= 0.5). */
static double
percentile(const double *x, uint64_t n, double p)
{
	double   rank = p / 100 * (double)(n - 1);
	double   lo = floor(rank), t = rank - lo;
	uint64_t i = (uint64_t)lo;
	double   a, b;

	if (i >= n - 1)
		return x[n - 1];
	a = x[i];
	b = x[i + 1];
	if (t >= 0.5)
		return b - (b - a) * (1 - t);
	return a + (b - a) * t;
}

int
qsum_row_stats(struct qsum_row *r, struct qsum_stats *st)
{
	struct ksum sum = { 0, 0 }, dev = { 0, 0 }, logs = { 0, 0 };
	uint64_t    i, n = r->ok, npos = 0;

	memset(st, 0, sizeof(*st));
	if (n == 0)
		return -ENODATA;
	if (!r->sorted) {
		qsort(r->lat, (size_t)n, sizeof(double), cmp_double);
		r->sorted = true;
	}
	for (i = 0; i < n; i++)
		ksum_add(&sum, r->lat[i]);
	st->avg = ksum_get(&sum) / (double)n;
	/* Two passes, like np.std: mean of squared deviations. */
	for (i = 0; i < n; i++)
		ksum_add(&dev, (r->lat[i] - st->avg) * (r->lat[i] - st->avg));
	st->stddev = sqrt(ksum_get(&dev) / (double)n);
	st->median = percentile(r->lat, n, 50);
	st->p90    = percentile(r->lat, n, 90);
	st->p99    = percentile(r->lat, n, 99);
	for (i = 0; i < n; i++) {
		if (r->lat[i] > 0) {
			ksum_add(&logs, log(r->lat[i]));
			npos++;
		}
	}
	st->geomean = npos ? exp(ksum_get(&logs) / (double)npos) : 0;
	return 0;
}

/*
 * Python number formatting.
 */

/* Python round(x, 3): the double nearest to x correctly rounded to 3
 * decimals (printf rounds the exact binary value, ties to even). From
 * 2^49 on every double is a multiple of 1/8 and already exact. */
static double
py_round3(double x)
{
	char tmp[64];

	if (!isfinite(x) || fabs(x) >= 0x1p49)
		return x;
	snprintf(tmp, sizeof(tmp), "%.3f", x);
	return strtod(tmp, NULL);
}

int
qsum_fmt3(char *out, size_t n, double x)
{
	char   tmp[FMT_NUM_MAX + 1];
	size_t len;

	len      = fmt_double(tmp, py_round3(x)); /* Python's repr() */
	tmp[len] = '\0';
	if (len >= n)
		return -ENOSPC;
	memcpy(out, tmp, len + 1);
	return (int)len;
}

int
qsum_tps_line(char *out, size_t n, uint64_t queries, double secs)
{
	char tmp[32];
	int  len;

	if (!(secs > 0) || !isfinite(secs))
		return -EINVAL;
	qsum_fmt3(tmp, sizeof(tmp), (double)queries / secs);
	len = snprintf(out, n, "TPS: %s", tmp);
	return (size_t)len < n ? len : -ENOSPC;
}

/*
 * Output.
 */

static int
csv_row(struct qsum_row *r, struct buf *out)
{
	struct qsum_stats st;
	double            v[6];
	char              num[32];
	unsigned          i;
	int               rc;

	rc = buf_printf(
	    out, "\ndo-q%u, %" PRIu64 ", %" PRIu64, r->id, r->total, r->ok);
	if (rc)
		return rc;
	if (qsum_row_stats(r, &st) < 0) {
		/* No success: six empty statistics, still 9 fields. */
		return buf_adds(out, ", , , , , , ");
	}
	v[0] = st.avg;
	v[1] = st.stddev;
	v[2] = st.median;
	v[3] = st.p90;
	v[4] = st.p99;
	v[5] = st.geomean;
	for (i = 0; i < 6 && !rc; i++) {
		qsum_fmt3(num, sizeof(num), v[i]);
		rc = buf_printf(out, ", %s", num);
	}
	return rc;
}

int
qsum_csv(struct qsum *s, struct buf *out)
{
	unsigned i;
	int      rc;

	rc = buf_adds(out, QSUM_CSV_HEADER);
	for (i = 0; i < s->n && !rc; i++)
		rc = csv_row(&s->row[i], out);
	return rc;
}

int
qsum_print_table(struct qsum *s, FILE *f)
{
	struct qsum_stats st;
	unsigned          i;

	fprintf(f, "%-6s %10s %10s %10s %10s %10s %10s %10s %10s\n", "query",
	    "total", "ok", "avg ms", "stddev ms", "p50 ms", "p90 ms", "p99 ms",
	    "geo ms");
	for (i = 0; i < s->n; i++) {
		struct qsum_row *r = &s->row[i];
		char             name[16];

		snprintf(name, sizeof(name), "do-q%u", r->id);
		fprintf(
		    f, "%-6s %10" PRIu64 " %10" PRIu64, name, r->total, r->ok);
		if (qsum_row_stats(r, &st) < 0)
			fprintf(f, " %10s %10s %10s %10s %10s %10s\n", "-",
			    "-", "-", "-", "-", "-");
		else
			fprintf(f,
			    " %10.3f %10.3f %10.3f %10.3f %10.3f %10.3f\n",
			    st.avg * 1e3, st.stddev * 1e3, st.median * 1e3,
			    st.p90 * 1e3, st.p99 * 1e3, st.geomean * 1e3);
	}
	return ferror(f) ? -EIO : 0;
}

/*
 * The seed's log files.
 */

static const char *
or_none(const char *s)
{
	return s && s[0] ? s : "None";
}

int
qsum_log_lines(struct buf *out, const struct qsum_exec *e)
{
	char     t[32], ttfr[32], rest[32], mb[32], rows[24] = "None";
	unsigned pages = e->pages, empty = e->empty_pages;
	int      rc = 0;

	qsum_fmt3(t, sizeof(t), e->secs);
	if (e->first_secs >= 0) {
		qsum_fmt3(ttfr, sizeof(ttfr), e->first_secs);
		qsum_fmt3(rest, sizeof(rest), e->secs - e->first_secs);
	} else { /* no row: the seed's int 0 */
		qsum_fmt3(ttfr, sizeof(ttfr), e->secs);
		snprintf(rest, sizeof(rest), "0");
	}
	if (e->ok) {
		if (!pages) { /* one page, as a paged target would say */
			pages = 1;
			empty = e->rows ? 0 : 1;
		}
		qsum_fmt3(mb, sizeof(mb), (double)e->bytes_metered / 1048576);
		snprintf(rows, sizeof(rows), "%" PRIu64, e->rows);
		/* clang-format off */
		rc = buf_printf(out, "Read %u pages of result. Empty pages: %u. Bytes metered (MB): %s\n",
		    pages > empty ? pages - empty : 1, empty, mb);
		/* clang-format on */
	}
	/* clang-format off */
	if (!rc)
		rc = buf_printf(out, "%s. QueryId: %s Time: %s. First result: %s. Time to read results: %s.\n",
		    e->when, or_none(e->query_id), t, ttfr, rest);
	/* clang-format on */
	if (!rc)
		rc = buf_printf(out,
		    "%s %" PRIu64 ". %s. QueryId: %s. Time: %s. Rows: %s\n",
		    e->prefix, e->n, e->when, or_none(e->query_id), t, rows);
	return rc;
}

int
qsum_err_lines(struct buf *out, const struct qsum_exec *e)
{
	int rc;

	if (e->ok)
		return 0;
	rc = buf_printf(out, "%s\n%s QueryId: %s RequestId: %s\n",
	    e->error ? e->error : "", e->when, or_none(e->query_id),
	    or_none(e->request_id));
	if (!rc && e->detail && e->detail[0])
		rc = buf_printf(out, "%s%s", e->detail,
		    e->detail[strlen(e->detail) - 1] == '\n' ? "" : "\n");
	return rc ? rc : buf_adds(out, "\n");
}

int
qsum_count_result(struct buf *out, const char *column, const char *value)
{
	int w;

	if (!value)
		return buf_adds(
		    out, "Empty DataFrame\nColumns: []\nIndex: []");
	/* pandas: the index column (width 1, no header), two spaces, the
	 * column right-aligned to its header or its value, the wider. */
	w = (int)(strlen(column) > strlen(value) ? strlen(column)
	                                         : strlen(value));
	return buf_printf(out, "   %*s\n0  %*s", w, column, w, value);
}

/*
 * Wire format.
 */

int
qsum_encode(const struct qsum *s, struct buf *out)
{
	size_t   need = 4;
	unsigned i;
	uint64_t j;
	uint8_t *p;
	int      rc;

	for (i = 0; i < s->n; i++) {
		if (s->row[i].ok > (SIZE_MAX - need - WIRE_ROW) / 8)
			return -ENOSPC;
		need += WIRE_ROW + (size_t)s->row[i].ok * 8;
	}
	rc = buf_reserve(out, need);
	if (rc)
		return rc;
	p = (uint8_t *)out->p + out->len;
	wire_put_le(p, s->n, 4);
	p += 4;
	for (i = 0; i < s->n; i++) {
		const struct qsum_row *r = &s->row[i];

		wire_put_le(p, r->id, 4);
		wire_put_le(p + 4, r->total, 8);
		wire_put_le(p + 12, r->ok, 8);
		p += WIRE_ROW;
		for (j = 0; j < r->ok; j++) {
			uint64_t u;

			memcpy(&u, &r->lat[j], 8);
			wire_put_le(p, u, 8);
			p += 8;
		}
	}
	out->len += need;
	return 0;
}

int
qsum_decode(struct qsum *s, const void *msg, size_t len, size_t *used)
{
	const uint8_t *p = msg, *end = p + len;
	uint64_t       rows, total, ok, j;
	unsigned       i, id;
	int            at;

	qsum_init(s);
	if (len < 4)
		goto bad;
	rows = wire_get_le(p, 4);
	p += 4;
	if (rows > QSUM_MAX)
		goto bad;
	for (i = 0; i < rows; i++) {
		if ((size_t)(end - p) < WIRE_ROW)
			goto bad;
		id    = (unsigned)wire_get_le(p, 4);
		total = wire_get_le(p + 4, 8);
		ok    = wire_get_le(p + 12, 8);
		p += WIRE_ROW;
		if (ok > total || ok > (size_t)(end - p) / 8)
			goto bad;
		at = qsum_add_query(s, id);
		if (at < 0)
			goto bad;
		row_reserve(&s->row[at], ok);
		s->row[at].total = total;
		for (j = 0; j < ok; j++) {
			uint64_t u = wire_get_le(p, 8);
			double   v;

			memcpy(&v, &u, 8);
			if (!isfinite(v) || v < 0)
				goto bad;
			row_push(&s->row[at], v);
			p += 8;
		}
	}
	if (used)
		*used = (size_t)(p - (const uint8_t *)msg);
	else if (p != end)
		goto bad;
	return 0;
bad:
	qsum_free(s);
	return -EBADMSG;
}
