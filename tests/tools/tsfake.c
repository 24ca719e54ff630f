/* tsfake.c - a fake Amazon Timestream endpoint for tests (see tsfake.h).
 */
#include "tsfake.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "awscreds.h"
#include "buf.h"
#include "json.h"
#include "jsonr.h"
#include "sigv4.h"
#include "xalloc.h"

enum {
	FK_REQ_MAX  = 64 << 20, /* request head and body */
	FK_SCRIPTS  = 8,
	FK_NAMES    = 64, /* databases, tables */
	FK_MAX_RECS = 100,
};

#define FK_TARGET "Timestream_20181101."
#define FK_KINESIS "Kinesis_20131202."
#define FK_NS "com.amazonaws.timestream.v20181101#"
#define FK_TOKEN "fake-imds-session-token"
#define FK_ROLE "tsfake-role"

struct fk_conn {
	struct tsfake *f;
	int            fd;
	pthread_t      th;
};

struct fk_script {
	char   op[48];
	char **fault;
	size_t n, head;
};

struct tsfake {
	struct tsfake_opts  o;
	char               *secret, *imds_id, *imds_secret, *imds_token;
	char               *req_log;
	int                 lfd, port;
	pthread_t           acc;
	atomic_bool         stop;
	pthread_mutex_t     lk;
	struct fk_conn    **conn;
	size_t              nconn;
	struct fk_script    sc[FK_SCRIPTS];
	unsigned            nsc;
	char               *db[FK_NAMES], *tab[FK_NAMES]; /* "db/table" */
	unsigned            ndb, ntab;
	char               *stream[FK_NAMES], *bucket[FK_NAMES];
	unsigned            nstream, nbucket;
	char              **obj; /* "bucket/key" */
	size_t              nobj;
	struct tsfake_stats st;
	struct tsfake_req  *req;
	size_t              nreq;
	uint64_t            qid;
};

/* ---- small helpers ---- */

static void
fk_send(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t k = send(fd, p, n, MSG_NOSIGNAL);

		if (k <= 0)
			return;
		p += k;
		n -= (size_t)k;
	}
}

static void
fk_respond(int fd, int status, const char *body, size_t n)
{
	char hdr[256];
	int  k;

	k = snprintf(hdr, sizeof(hdr),
	    "HTTP/1.1 %d X\r\nContent-Type: application/x-amz-json-1.0\r\n"
	    "Content-Length: %zu\r\nx-amzn-RequestId: tsfake\r\n\r\n",
	    status, n);
	fk_send(fd, hdr, (size_t)k);
	fk_send(fd, body, n);
}

/* An AWS JSON 1.0 error answer. */
static void
fk_error(int fd, int status, const char *code, const char *msg)
{
	struct buf    b;
	struct json_w w;
	char          type[128];

	snprintf(type, sizeof(type), FK_NS "%s", code);
	buf_init(&b, 1 << 16);
	json_w_init(&w, &b, false);
	json_obj_begin(&w);
	json_kv_str(&w, "__type", type);
	json_kv_str(&w, "message", msg);
	json_obj_end(&w);
	fk_respond(fd, status, b.p, b.len);
	buf_free(&b);
}

/* Header name's value in the request head (before the blank line). */
static void
fk_header(const char *head, const char *name, char *out, size_t n)
{
	size_t      len = strlen(name);
	const char *p   = strstr(head, "\r\n");

	out[0] = '\0';
	while (p && p[2]) {
		p += 2;
		if (strncasecmp(p, name, len) == 0 && p[len] == ':') {
			const char *v = p + len + 1;
			size_t      vn;

			v += strspn(v, " \t");
			vn = strcspn(v, "\r\n");
			snprintf(out, n, "%.*s", (int)vn, v);
			return;
		}
		p = strstr(p, "\r\n");
	}
}

static int
fk_find(char *const *list, unsigned n, const char *name)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (strcmp(list[i], name) == 0)
			return (int)i;
	return -1;
}

static void
fk_drop(char **list, unsigned *n, int i)
{
	free(list[i]);
	list[i] = list[--*n];
}

/* The next scripted fault of op, or NULL; a copy the caller frees. */
static char *
fk_fault(struct tsfake *f, const char *op)
{
	char    *r = NULL;
	unsigned i;

	pthread_mutex_lock(&f->lk);
	for (i = 0; i < f->nsc; i++) {
		struct fk_script *s = &f->sc[i];

		if (strcmp(s->op, op) == 0 && s->head < s->n) {
			r                   = s->fault[s->head];
			s->fault[s->head++] = NULL;
			break;
		}
	}
	if (r && strcmp(r, "ok") != 0)
		f->st.faults++;
	pthread_mutex_unlock(&f->lk);
	return r;
}

/* ---- SigV4 ---- */

/* Recomputes the signature of the request with the fake's secret, over
 * the headers its SignedHeaders names (sigv4 adds host, x-amz-date and the
 * token itself). */
static bool
fk_sig_ok(struct tsfake *f, const char *method, const char *target,
    const char *head, const char *body, size_t blen)
{
	char                auth[1024], host[256], date[32], token[1024];
	char                akid[128], region[64], d8[16], svc[32], sh[256];
	char                val[8][256], name[8][64], path[1024], sha[128];
	struct aws_creds    c = { 0 };
	struct sigv4_header h[8];
	struct sigv4_req    r;
	struct buf          out;
	struct tm           tm = { 0 };
	char                amz[SIGV4_DATE_SIZE], *q, *tok, *save;
	const char         *p;
	size_t              n = 0;
	bool                ok;

	fk_header(head, "Authorization", auth, sizeof(auth));
	fk_header(head, "Host", host, sizeof(host));
	fk_header(head, "X-Amz-Date", date, sizeof(date));
	fk_header(head, "X-Amz-Security-Token", token, sizeof(token));
	fk_header(head, "x-amz-content-sha256", sha, sizeof(sha));
	p = strstr(auth, "SignedHeaders=");
	if (sscanf(auth,
	        "AWS4-HMAC-SHA256 Credential=%127[^/]/%15[^/]/%63[^/]/"
	        "%31[^/]/aws4_request",
	        akid, d8, region, svc)
	        != 4
	    || !p || sscanf(p, "SignedHeaders=%255[^,]", sh) != 1
	    || !strptime(date, "%Y%m%dT%H%M%SZ", &tm))
		return false;
	for (tok = strtok_r(sh, ";", &save); tok && n < 8;
	     tok = strtok_r(NULL, ";", &save)) {
		if (!strcmp(tok, "host") || !strcmp(tok, "x-amz-date")
		    || !strcmp(tok, "x-amz-security-token"))
			continue;
		snprintf(name[n], sizeof(name[n]), "%s", tok);
		fk_header(head, tok, val[n], sizeof(val[n]));
		h[n] = (struct sigv4_header) { name[n], val[n] };
		n++;
	}
	snprintf(path, sizeof(path), "%s", target);
	q = strchr(path, '?');
	if (q)
		*q++ = '\0';
	c.access_key_id     = akid;
	c.secret_access_key = f->secret;
	c.session_token     = token[0] ? token : NULL;
	r                   = (struct sigv4_req) { .method = method,
		                  .host                    = host,
		                  .path                    = path,
		                  .query                   = q,
		                  .headers                 = h,
		                  .nheaders                = n,
		                  .body                    = body,
		                  .body_len                = blen,
		                  .payload_hash            = sha[0] ? sha : NULL };
	buf_init(&out, 4096);
	ok = sigv4_sign(&r, &c, region, svc, timegm(&tm), &out, amz) == 0
	    && strcmp(out.p, auth) == 0;
	buf_free(&out);
	return ok;
}

/* ---- operations ---- */

static void
fk_keep(struct tsfake *f, const char *op, const char *head, const char *body,
    size_t blen)
{
	struct tsfake_req *r;

	pthread_mutex_lock(&f->lk);
	f->req = xrealloc(f->req, (f->nreq + 1) * sizeof(*f->req));
	r      = &f->req[f->nreq++];
	memset(r, 0, sizeof(*r));
	snprintf(r->op, sizeof(r->op), "%s", op);
	fk_header(head, "Host", r->host, sizeof(r->host));
	fk_header(head, "Content-Type", r->ctype, sizeof(r->ctype));
	fk_header(head, "Authorization", r->auth, sizeof(r->auth));
	fk_header(head, "X-Amz-Date", r->date, sizeof(r->date));
	fk_header(head, "X-Amz-Security-Token", r->token, sizeof(r->token));
	fk_header(head, "User-Agent", r->ua, sizeof(r->ua));
	r->body = xstrndup(body, blen);
	r->len  = blen;
	pthread_mutex_unlock(&f->lk);
}

/* One line in the request log: op, User-Agent, and the ClientToken and
 * NextToken of a JSON body. */
static void
fk_log(struct tsfake *f, const char *op, const char *head, const char *body,
    size_t blen)
{
	struct jsonr_doc *doc = NULL;
	const char       *ct = NULL, *nt = NULL;
	char              ua[128], why[64];
	FILE             *out;

	fk_header(head, "User-Agent", ua, sizeof(ua));
	if (blen && !jsonr_parse(body, blen, &doc, why, sizeof(why))) {
		ct = jsonr_get_str(jsonr_root(doc), "ClientToken");
		nt = jsonr_get_str(jsonr_root(doc), "NextToken");
	}
	pthread_mutex_lock(&f->lk);
	out = fopen(f->req_log, "a");
	if (out) {
		fprintf(out, "%s\t%s\t%s\t%s\n", op, ua[0] ? ua : "-",
		    ct ? ct : "-", nt ? nt : "-");
		fclose(out);
	}
	pthread_mutex_unlock(&f->lk);
	jsonr_free(doc);
}

static void
fk_ok_json(int fd, struct buf *b)
{
	fk_respond(fd, 200, b->p, b->len);
}

static void
fk_describe(struct tsfake *f, int fd)
{
	struct buf    b;
	struct json_w w;
	char          addr[64];

	snprintf(addr, sizeof(addr), "127.0.0.1:%d", f->port);
	buf_init(&b, 1 << 12);
	json_w_init(&w, &b, false);
	json_obj_begin(&w);
	json_key(&w, "Endpoints");
	json_arr_begin(&w);
	json_obj_begin(&w);
	json_kv_str(&w, "Address", addr);
	json_kv_int(&w, "CachePeriodInMinutes", f->o.cache_minutes);
	json_obj_end(&w);
	json_arr_end(&w);
	json_obj_end(&w);
	fk_ok_json(fd, &b);
	buf_free(&b);
}

/* Create/Delete Database/Table. */
static void
fk_admin(struct tsfake *f, int fd, const char *op, const struct jsonr_val *rq)
{
	const char *db    = jsonr_get_str(rq, "DatabaseName");
	const char *t     = jsonr_get_str(rq, "TableName");
	bool        table = strstr(op, "Table") != NULL;
	char        key[512], msg[600];
	int         di, ti;

	if (!db || (table && !t)) {
		fk_error(fd, 400, "ValidationException", "missing a name");
		return;
	}
	snprintf(key, sizeof(key), "%s/%s", db, t ? t : "");
	pthread_mutex_lock(&f->lk);
	di = fk_find(f->db, f->ndb, db);
	ti = fk_find(f->tab, f->ntab, key);
	if (!strcmp(op, "CreateDatabase")) {
		if (di >= 0) {
			snprintf(msg, sizeof(msg),
			    "A database with name %s already exists", db);
			goto conflict;
		}
		if (f->ndb < FK_NAMES)
			f->db[f->ndb++] = xstrdup(db);
	} else if (!strcmp(op, "CreateTable")) {
		if (di < 0)
			goto no_db;
		if (ti >= 0) {
			snprintf(msg, sizeof(msg),
			    "A table with name %s already exists", t);
			goto conflict;
		}
		if (f->ntab < FK_NAMES)
			f->tab[f->ntab++] = xstrdup(key);
	} else if (!strcmp(op, "DeleteTable")) {
		if (di < 0)
			goto no_db;
		if (ti < 0) {
			snprintf(msg, sizeof(msg),
			    "The table %s does not exist.", t);
			goto not_found;
		}
		fk_drop(f->tab, &f->ntab, ti);
	} else {
		unsigned i;

		if (di < 0)
			goto no_db;
		for (i = 0; i < f->ntab; i++)
			if (!strncmp(f->tab[i], key, strlen(db) + 1)) {
				pthread_mutex_unlock(&f->lk);
				fk_error(fd, 400, "ValidationException",
				    "The database is not empty.");
				return;
			}
		fk_drop(f->db, &f->ndb, di);
	}
	pthread_mutex_unlock(&f->lk);
	fk_respond(fd, 200, "{}", 2);
	return;
no_db:
	snprintf(msg, sizeof(msg), "The database %s does not exist.", db);
not_found:
	pthread_mutex_unlock(&f->lk);
	fk_error(fd, 400, "ResourceNotFoundException", msg);
	return;
conflict:
	pthread_mutex_unlock(&f->lk);
	fk_error(fd, 400, "ConflictException", msg);
}

static void
fk_write(struct tsfake *f, int fd, const struct jsonr_val *rq, unsigned rej)
{
	const struct jsonr_val *recs = jsonr_get(rq, "Records");
	const char             *db   = jsonr_get_str(rq, "DatabaseName");
	const char             *t    = jsonr_get_str(rq, "TableName");
	size_t                  n    = jsonr_len(recs), i;
	char                    key[512], msg[600];
	struct buf              b;
	struct json_w           w;
	bool                    have;

	if (!db || !t || !jsonr_is(recs, JSONR_ARR) || !n || n > FK_MAX_RECS) {
		fk_error(fd, 400, "ValidationException",
		    "1..100 records, database and table expected");
		return;
	}
	snprintf(key, sizeof(key), "%s/%s", db, t);
	pthread_mutex_lock(&f->lk);
	have = f->o.no_tables || fk_find(f->tab, f->ntab, key) >= 0;
	if (have) {
		if (rej > n)
			rej = (unsigned)n;
		f->st.writes++;
		f->st.records += n - rej;
		f->st.rejected += rej;
	}
	pthread_mutex_unlock(&f->lk);
	if (!have) {
		snprintf(msg, sizeof(msg), "The table %s does not exist.", t);
		fk_error(fd, 400, "ResourceNotFoundException", msg);
		return;
	}
	buf_init(&b, 1 << 20);
	json_w_init(&w, &b, false);
	json_obj_begin(&w);
	if (rej) {
		json_kv_str(&w, "__type", FK_NS "RejectedRecordsException");
		json_kv_str(&w, "message",
		    "One or more records have been rejected. See "
		    "RejectedRecords for details.");
		json_key(&w, "RejectedRecords");
		json_arr_begin(&w);
		for (i = 0; i < rej; i++) {
			json_obj_begin(&w);
			json_kv_uint(&w, "RecordIndex", i);
			json_kv_str(&w, "Reason",
			    "The record timestamp is outside the time range "
			    "of "
			    "the data ingestion window.");
			json_obj_end(&w);
		}
		json_arr_end(&w);
	} else {
		json_key(&w, "RecordsIngested");
		json_obj_begin(&w);
		json_kv_uint(&w, "Total", n);
		json_kv_uint(&w, "MemoryStore", n);
		json_kv_uint(&w, "MagneticStore", 0);
		json_obj_end(&w);
	}
	json_obj_end(&w);
	fk_respond(fd, rej ? 400 : 200, b.p, b.len);
	buf_free(&b);
}

static void
fk_col(struct json_w *w, const char *name, const char *type)
{
	json_obj_begin(w);
	json_kv_str(w, "Name", name);
	json_key(w, "Type");
	json_obj_begin(w);
	json_kv_str(w, "ScalarType", type);
	json_obj_end(w);
	json_obj_end(w);
}

static void
fk_datum(struct json_w *w, const char *v)
{
	json_obj_begin(w);
	if (v)
		json_kv_str(w, "ScalarValue", v);
	else
		json_kv_bool(w, "NullValue", true);
	json_obj_end(w);
}

/* The query driver's parameter query: a cpu_user row and a
 * task_completed row of the model's first host. */
static void
fk_params_rows(struct json_w *w)
{
	static const char *const cols[]     = { "region", "cell", "silo",
		    "availability_zone", "microservice_name", "instance_type",
		    "os_version", "instance_name", "process_name", "jdk_version",
		    "measure_name" };
	static const char *const row[2][11] = {
		{ "us-east-1", "us-east-1-cell-1", "us-east-1-cell-1-silo-1",
		    "us-east-1-1", "apollo", "r5.4xlarge", "AL2",
		    "i-zaZswmJk-apollo-us-east-1-cell-1-silo-1-00000000."
		    "amazonaws.com",
		    NULL, NULL, "cpu_user" },
		{ "us-east-1", "us-east-1-cell-1", "us-east-1-cell-1-silo-1",
		    "us-east-1-1", "apollo", NULL, NULL,
		    "i-zaZswmJk-apollo-us-east-1-cell-1-silo-1-00000000."
		    "amazonaws.com",
		    "server", "JDK_11", "task_completed" },
	};
	unsigned i, j;

	json_key(w, "ColumnInfo");
	json_arr_begin(w);
	for (i = 0; i < 11; i++)
		fk_col(w, cols[i], "VARCHAR");
	json_arr_end(w);
	json_key(w, "Rows");
	json_arr_begin(w);
	for (j = 0; j < 2; j++) {
		json_obj_begin(w);
		json_key(w, "Data");
		json_arr_begin(w);
		for (i = 0; i < 11; i++)
			fk_datum(w, row[j][i]);
		json_arr_end(w);
		json_obj_end(w);
	}
	json_arr_end(w);
}

/* Pages of rows (region, value, note); with 3 pages or more the second
 * is empty. The count query gets one row: the records taken so far. */
static void
fk_query(struct tsfake *f, int fd, const struct jsonr_val *rq)
{
	const char        *q     = jsonr_get_str(rq, "QueryString");
	const char        *tok   = jsonr_get_str(rq, "NextToken");
	unsigned           pages = f->o.pages ? f->o.pages : 1, page = 0, j, n;
	unsigned long long qid;
	char               id[64], v[64];
	struct buf         b;
	struct json_w      w;

	if (!q || !q[0]) {
		fk_error(fd, 400, "ValidationException", "no QueryString");
		return;
	}
	pthread_mutex_lock(&f->lk);
	f->st.queries++;
	qid = ++f->qid;
	pthread_mutex_unlock(&f->lk);
	if (tok && sscanf(tok, "tok-%llu-%u", &qid, &page) != 2) {
		fk_error(fd, 400, "ValidationException", "bad NextToken");
		return;
	}
	if (strstr(q, "selectedTaskCompleted") || strstr(q, "num_data_points"))
		pages = 1;
	else if (f->o.endless)
		pages = page + 2; /* one more, for ever */
	snprintf(id, sizeof(id), "tsfake-query-%llu", qid);
	buf_init(&b, 1 << 24);
	json_w_init(&w, &b, false);
	json_obj_begin(&w);
	json_kv_str(&w, "QueryId", id);
	if (strstr(q, "selectedTaskCompleted")) {
		fk_params_rows(&w);
	} else if (strstr(q, "num_data_points")) {
		pthread_mutex_lock(&f->lk);
		snprintf(
		    v, sizeof(v), "%llu", (unsigned long long)f->st.records);
		pthread_mutex_unlock(&f->lk);
		json_key(&w, "ColumnInfo");
		json_arr_begin(&w);
		fk_col(&w, "num_data_points", "BIGINT");
		json_arr_end(&w);
		json_key(&w, "Rows");
		json_arr_begin(&w);
		json_obj_begin(&w);
		json_key(&w, "Data");
		json_arr_begin(&w);
		fk_datum(&w, v);
		json_arr_end(&w);
		json_obj_end(&w);
		json_arr_end(&w);
	} else {
		json_key(&w, "ColumnInfo");
		json_arr_begin(&w);
		fk_col(&w, "region", "VARCHAR");
		fk_col(&w, "value", "DOUBLE");
		fk_col(&w, "note", "VARCHAR");
		json_arr_end(&w);
		json_key(&w, "Rows");
		json_arr_begin(&w);
		n = pages > 2 && page == 1 ? 0 : f->o.rows;
		for (j = 0; j < n; j++) {
			json_obj_begin(&w);
			json_key(&w, "Data");
			json_arr_begin(&w);
			snprintf(v, sizeof(v), "r%u-%u", page, j);
			fk_datum(&w, v);
			snprintf(v, sizeof(v), "%u.5", j);
			fk_datum(&w, v);
			fk_datum(&w, NULL);
			json_arr_end(&w);
			json_obj_end(&w);
		}
		json_arr_end(&w);
	}
	if (page + 1 < pages) {
		snprintf(v, sizeof(v), "tok-%llu-%u", qid, page + 1);
		json_kv_str(&w, "NextToken", v);
	}
	json_key(&w, "QueryStatus");
	json_obj_begin(&w);
	json_kv_double(&w, "ProgressPercentage", 100.0 * (page + 1) / pages);
	json_kv_uint(&w, "CumulativeBytesScanned", 20971520ull * (page + 1));
	json_kv_uint(&w, "CumulativeBytesMetered", 10485760ull * (page + 1));
	json_obj_end(&w);
	json_obj_end(&w);
	fk_ok_json(fd, &b);
	buf_free(&b);
}

/* Kinesis: CreateStream, DescribeStreamSummary (always ACTIVE),
 * DeleteStream, PutRecords (with fail:N, the first N records fail). */
static void
fk_kinesis(struct tsfake *f, int fd, const char *op,
    const struct jsonr_val *rq, unsigned nfail)
{
	const char             *name = jsonr_get_str(rq, "StreamName");
	const struct jsonr_val *recs = jsonr_get(rq, "Records"), *r;
	size_t                  n    = jsonr_len(recs), i;
	struct buf              b;
	struct json_w           w;
	int                     si;

	if (!name) {
		fk_error(fd, 400, "ValidationException", "no StreamName");
		return;
	}
	pthread_mutex_lock(&f->lk);
	si = fk_find(f->stream, f->nstream, name);
	if (!strcmp(op, "CreateStream")) {
		if (si < 0 && f->nstream < FK_NAMES)
			f->stream[f->nstream++] = xstrdup(name);
		pthread_mutex_unlock(&f->lk);
		if (si >= 0)
			fk_error(fd, 400, "ResourceInUseException",
			    "Stream already exists");
		else
			fk_respond(fd, 200, "{}", 2);
		return;
	}
	if (si < 0) {
		pthread_mutex_unlock(&f->lk);
		fk_error(
		    fd, 400, "ResourceNotFoundException", "Stream not found");
		return;
	}
	if (!strcmp(op, "DeleteStream")) {
		fk_drop(f->stream, &f->nstream, si);
		pthread_mutex_unlock(&f->lk);
		fk_respond(fd, 200, "{}", 2);
		return;
	}
	if (!strcmp(op, "DescribeStreamSummary")) {
		pthread_mutex_unlock(&f->lk);
		static const char active[] = "{\"StreamDescriptionSummary\":"
		                             "{\"StreamStatus\":\"ACTIVE\"}}";

		fk_respond(fd, 200, active, sizeof(active) - 1);
		return;
	}
	if (strcmp(op, "PutRecords") || !n || n > 500) {
		pthread_mutex_unlock(&f->lk);
		fk_error(fd, 400, "ValidationException", op);
		return;
	}
	if (nfail > n)
		nfail = (unsigned)n;
	f->st.writes++;
	f->st.records += n - nfail;
	f->st.rejected += nfail;
	pthread_mutex_unlock(&f->lk);
	buf_init(&b, 1 << 20);
	json_w_init(&w, &b, false);
	json_obj_begin(&w);
	json_kv_uint(&w, "FailedRecordCount", nfail);
	json_key(&w, "Records");
	json_arr_begin(&w);
	for (i = 0, r = jsonr_first(recs); r; r = jsonr_next(r), i++) {
		json_obj_begin(&w);
		if (i < nfail) {
			json_kv_str(&w, "ErrorCode",
			    "ProvisionedThroughputExceededException");
			json_kv_str(
			    &w, "ErrorMessage", "Rate exceeded for shard");
		} else {
			json_kv_str(&w, "SequenceNumber", "1");
			json_kv_str(&w, "ShardId", "shardId-000000000000");
		}
		json_obj_end(&w);
	}
	json_arr_end(&w);
	json_obj_end(&w);
	fk_ok_json(fd, &b);
	buf_free(&b);
}

static void
fk_s3_error(int fd, int status, const char *code)
{
	char body[256];
	int  n = snprintf(body, sizeof(body),
	     "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>%s"
	      "</Code><Message>%s</Message></Error>",
	     code, code);

	fk_respond(fd, status, body, (size_t)n);
}

/* S3, path-style: CreateBucket, PutObject (its lines counted; a body
 * starting with the gzip magic is counted after inflating), ListObjectsV2
 * (one page), DeleteObject. */
static void
fk_s3(struct tsfake *f, int fd, const char *method, const char *path,
    const char *op, const char *body, size_t blen)
{
	char       bucket[128], key[512];
	size_t     bn = strcspn(path + 1, "/?"), i, lines = 0;
	struct buf b;
	int        bi;

	(void)method;
	snprintf(bucket, sizeof(bucket), "%.*s", (int)bn, path + 1);
	snprintf(key, sizeof(key), "%s", path + 1);
	key[strcspn(key, "?")] = '\0';
	pthread_mutex_lock(&f->lk);
	bi = fk_find(f->bucket, f->nbucket, bucket);
	if (!strcmp(op, "CreateBucket")) {
		if (bi < 0 && f->nbucket < FK_NAMES)
			f->bucket[f->nbucket++] = xstrdup(bucket);
		pthread_mutex_unlock(&f->lk);
		if (bi >= 0)
			fk_s3_error(fd, 409, "BucketAlreadyOwnedByYou");
		else
			fk_respond(fd, 200, "", 0);
		return;
	}
	if (bi < 0) {
		pthread_mutex_unlock(&f->lk);
		fk_s3_error(fd, 404, "NoSuchBucket");
		return;
	}
	if (!strcmp(op, "PutObject")) {
		if (blen > 2 && (unsigned char)body[0] == 0x1f
		    && (unsigned char)body[1] == 0x8b) {
			lines = (size_t)-1; /* not inflated: counted as 0 */
		} else {
			for (i = 0; i < blen; i++)
				lines += body[i] == '\n';
		}
		f->obj = xrealloc(f->obj, (f->nobj + 1) * sizeof(*f->obj));
		f->obj[f->nobj++] = xstrdup(key);
		f->st.writes++;
		f->st.records += lines == (size_t)-1 ? 0 : lines;
		pthread_mutex_unlock(&f->lk);
		fk_respond(fd, 200, "", 0);
		return;
	}
	if (!strcmp(op, "DeleteObject")) {
		for (i = 0; i < f->nobj; i++)
			if (!strcmp(f->obj[i], key)) {
				free(f->obj[i]);
				f->obj[i] = f->obj[--f->nobj];
				break;
			}
		pthread_mutex_unlock(&f->lk);
		fk_respond(fd, 204, "", 0);
		return;
	}
	buf_init(&b, 1 << 24);
	buf_adds(&b,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<ListBucketResult>");
	for (i = 0; i < f->nobj; i++)
		if (!strncmp(f->obj[i], bucket, bn) && f->obj[i][bn] == '/')
			buf_printf(&b, "<Contents><Key>%s</Key></Contents>",
			    f->obj[i] + bn + 1);
	buf_adds(&b, "</ListBucketResult>");
	pthread_mutex_unlock(&f->lk);
	fk_respond(fd, 200, b.p, b.len);
	buf_free(&b);
}

/* Instance metadata (IMDSv2). */
static void
fk_imds(struct tsfake *f, int fd, const char *method, const char *path,
    const char *head)
{
	char          tok[128];
	struct buf    b;
	struct json_w w;

	pthread_mutex_lock(&f->lk);
	f->st.imds++;
	pthread_mutex_unlock(&f->lk);
	if (!f->imds_id) {
		fk_respond(fd, 404, "", 0);
		return;
	}
	if (!strcmp(method, "PUT") && !strcmp(path, "/latest/api/token")) {
		fk_header(head, "X-aws-ec2-metadata-token-ttl-seconds", tok,
		    sizeof(tok));
		if (!tok[0])
			fk_respond(fd, 400, "", 0);
		else
			fk_respond(fd, 200, FK_TOKEN, strlen(FK_TOKEN));
		return;
	}
	fk_header(head, "X-aws-ec2-metadata-token", tok, sizeof(tok));
	if (strcmp(tok, FK_TOKEN) != 0) {
		fk_respond(fd, 401, "", 0);
		return;
	}
	if (!strcmp(path, "/latest/meta-data/iam/security-credentials/")) {
		fk_respond(fd, 200, FK_ROLE "\n", strlen(FK_ROLE) + 1);
		return;
	}
	if (strcmp(path, "/latest/meta-data/iam/security-credentials/" FK_ROLE)
	    != 0) {
		fk_respond(fd, 404, "", 0);
		return;
	}
	buf_init(&b, 1 << 12);
	json_w_init(&w, &b, false);
	json_obj_begin(&w);
	json_kv_str(&w, "Code", "Success");
	json_kv_str(&w, "Type", "AWS-HMAC");
	json_kv_str(&w, "AccessKeyId", f->imds_id);
	json_kv_str(&w, "SecretAccessKey", f->imds_secret);
	json_kv_str(&w, "Token", f->imds_token);
	json_kv_str(&w, "Expiration", "2099-01-01T00:00:00Z");
	json_obj_end(&w);
	fk_ok_json(fd, &b);
	buf_free(&b);
}

/* Answers one request; false closes the connection. */
static bool
fk_handle(struct tsfake *f, int fd, const char *method, const char *path,
    const char *head, const char *body, size_t blen)
{
	struct jsonr_doc *doc = NULL;
	char              target[128], op[64], err[64], *fault;
	unsigned          rej  = 0;
	bool              keep = true, kinesis = false, s3 = false;

	pthread_mutex_lock(&f->lk);
	f->st.requests++;
	pthread_mutex_unlock(&f->lk);
	if (!strncmp(path, "/latest/", 8)) {
		char what[300];

		snprintf(what, sizeof(what), "%s %s", method, path);
		if (f->o.keep)
			fk_keep(f, what, head, body, blen);
		fk_imds(f, fd, method, path, head);
		return true;
	}
	fk_header(head, "X-Amz-Target", target, sizeof(target));
	if (!strcmp(method, "POST") && !strcmp(path, "/")
	    && !strncmp(target, FK_TARGET, strlen(FK_TARGET))) {
		snprintf(op, sizeof(op), "%.63s", target + strlen(FK_TARGET));
	} else if (!strcmp(method, "POST") && !strcmp(path, "/")
	    && !strncmp(target, FK_KINESIS, strlen(FK_KINESIS))) {
		snprintf(op, sizeof(op), "%.63s", target + strlen(FK_KINESIS));
		kinesis = true;
	} else if (path[0] == '/' && path[1] && !target[0]) {
		const char *k = path + 1 + strcspn(path + 1, "/?");

		s3 = true;
		snprintf(op, sizeof(op), "%s",
		    !strcmp(method, "PUT")
		        ? (*k == '/' && k[1] ? "PutObject" : "CreateBucket")
		        : !strcmp(method, "GET")    ? "ListObjectsV2"
		        : !strcmp(method, "DELETE") ? "DeleteObject"
		                                    : "?");
	} else {
		fk_error(fd, 400, "UnknownOperationException", "not an op");
		return true;
	}
	if (f->o.keep)
		fk_keep(f, op, head, body, blen);
	if (f->req_log)
		fk_log(f, op, head, body, blen);
	if (f->secret && !fk_sig_ok(f, method, path, head, body, blen)) {
		pthread_mutex_lock(&f->lk);
		f->st.bad_sigs++;
		pthread_mutex_unlock(&f->lk);
		fk_error(fd, 403, "InvalidSignatureException",
		    "The request signature we calculated does not match the "
		    "signature you provided.");
		return true;
	}
	fault = fk_fault(f, op);
	if (fault) {
		int ms = 0;

		if (!strcmp(fault, "drop"))
			keep = false;
		else if (!strcmp(fault, "throttle"))
			fk_error(
			    fd, 400, "ThrottlingException", "Rate exceeded");
		else if (!strcmp(fault, "500") || !strcmp(fault, "503")
		    || !strcmp(fault, "429"))
			fk_error(fd, atoi(fault), "InternalServerException",
			    "try again");
		else if (!strcmp(fault, "invalid"))
			fk_error(fd, 400, "InvalidEndpointException",
			    "The endpoint is not valid.");
		else if (!strcmp(fault, "validation"))
			fk_error(fd, 400, "ValidationException",
			    "Invalid measure value.");
		else if (!strcmp(fault, "notfound"))
			fk_error(fd, 400, "ResourceNotFoundException",
			    "The table does not exist.");
		else if (sscanf(fault, "reject:%u", &rej) == 1
		    || sscanf(fault, "fail:%u", &rej) == 1)
			fault[0] = '\0'; /* answered below */
		else if (sscanf(fault, "slow:%d", &ms) == 1) {
			struct timespec ts
			    = { ms / 1000, (long)(ms % 1000) * 1000000 };

			nanosleep(&ts, NULL);
			fault[0] = '\0';
		} else
			fault[0] = strcmp(fault, "ok") ? fault[0] : '\0';
		if (fault[0]) {
			free(fault);
			return keep;
		}
		free(fault);
	}
	if (s3) {
		fk_s3(f, fd, method, path, op, body, blen);
		return true;
	}
	if (!strcmp(op, "DescribeEndpoints")) {
		pthread_mutex_lock(&f->lk);
		f->st.describes++;
		pthread_mutex_unlock(&f->lk);
		fk_describe(f, fd);
		return true;
	}
	if (jsonr_parse(body, blen, &doc, err, sizeof(err))) {
		fk_error(fd, 400, "SerializationException", err);
		return true;
	}
	if (kinesis)
		fk_kinesis(f, fd, op, jsonr_root(doc), rej);
	else if (!strcmp(op, "WriteRecords"))
		fk_write(f, fd, jsonr_root(doc), rej);
	else if (!strcmp(op, "Query"))
		fk_query(f, fd, jsonr_root(doc));
	else if (!strcmp(op, "CreateDatabase") || !strcmp(op, "CreateTable")
	    || !strcmp(op, "DeleteTable") || !strcmp(op, "DeleteDatabase"))
		fk_admin(f, fd, op, jsonr_root(doc));
	else
		fk_error(fd, 400, "UnknownOperationException", op);
	jsonr_free(doc);
	return true;
}

/* ---- connections ---- */

static void *
fk_conn_main(void *arg)
{
	struct fk_conn *c   = arg;
	char           *buf = xmalloc(FK_REQ_MAX + 1);
	size_t          len = 0;

	for (;;) {
		char    method[16], path[256], cl[32], *end;
		size_t  hlen, blen;
		ssize_t k;

		buf[len] = '\0';
		end      = strstr(buf, "\r\n\r\n");
		if (!end) {
			if (len >= FK_REQ_MAX)
				break;
			k = recv(c->fd, buf + len, FK_REQ_MAX - len, 0);
			if (k <= 0)
				break;
			len += (size_t)k;
			continue;
		}
		hlen = (size_t)(end - buf) + 4;
		*end = '\0';
		fk_header(buf, "Content-Length", cl, sizeof(cl));
		blen = (size_t)strtoul(cl, NULL, 10);
		if (hlen + blen > FK_REQ_MAX)
			break;
		while (len < hlen + blen) {
			k = recv(c->fd, buf + len, FK_REQ_MAX - len, 0);
			if (k <= 0)
				goto out;
			len += (size_t)k;
		}
		if (sscanf(buf, "%15s %255s", method, path) != 2)
			break;
		if (!fk_handle(
		        c->f, c->fd, method, path, buf, buf + hlen, blen))
			break;
		memmove(buf, buf + hlen + blen, len - hlen - blen);
		len -= hlen + blen;
	}
out:
	shutdown(c->fd, SHUT_RDWR);
	free(buf);
	return NULL;
}

static void *
fk_acc_main(void *arg)
{
	struct tsfake *f = arg;

	for (;;) {
		int             fd = accept(f->lfd, NULL, NULL), one = 1;
		struct fk_conn *c;

		if (fd < 0) {
			if (atomic_load(&f->stop))
				return NULL;
			continue;
		}
		if (atomic_load(&f->stop)) {
			close(fd);
			return NULL;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		c     = xcalloc(1, sizeof(*c));
		c->f  = f;
		c->fd = fd;
		pthread_mutex_lock(&f->lk);
		f->st.conns++;
		f->conn = xrealloc(f->conn, (f->nconn + 1) * sizeof(*f->conn));
		f->conn[f->nconn++] = c;
		if (pthread_create(&c->th, NULL, fk_conn_main, c) != 0) {
			f->nconn--;
			close(fd);
			free(c);
		}
		pthread_mutex_unlock(&f->lk);
	}
}

static char *
fk_dup(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

struct tsfake *
tsfake_start(const struct tsfake_opts *o)
{
	struct tsfake     *f   = xcalloc(1, sizeof(*f));
	struct sockaddr_in sa  = { 0 };
	socklen_t          sl  = sizeof(sa);
	int                one = 1;

	f->o           = *o;
	f->secret      = fk_dup(o->secret);
	f->imds_id     = fk_dup(o->imds_key_id);
	f->imds_secret = fk_dup(o->imds_secret);
	f->imds_token  = fk_dup(o->imds_token);
	f->req_log     = fk_dup(o->req_log);
	f->o.secret = f->o.imds_key_id = f->o.imds_secret = f->o.imds_token
	    = f->o.req_log                                = NULL;
	pthread_mutex_init(&f->lk, NULL);
	atomic_init(&f->stop, false);
	f->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	setsockopt(f->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	sa.sin_family      = AF_INET;
	sa.sin_port        = htons((uint16_t)o->port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (f->lfd < 0 || bind(f->lfd, (struct sockaddr *)&sa, sizeof(sa))
	    || listen(f->lfd, 128)
	    || getsockname(f->lfd, (struct sockaddr *)&sa, &sl)
	    || pthread_create(&f->acc, NULL, fk_acc_main, f)) {
		if (f->lfd >= 0)
			close(f->lfd);
		free(f->secret);
		free(f->imds_id);
		free(f->imds_secret);
		free(f->imds_token);
		free(f->req_log);
		pthread_mutex_destroy(&f->lk);
		free(f);
		return NULL;
	}
	f->port = ntohs(sa.sin_port);
	return f;
}

int
tsfake_port(const struct tsfake *f)
{
	return f->port;
}

void
tsfake_stop(struct tsfake *f)
{
	size_t   i, k;
	unsigned j;

	atomic_store(&f->stop, true);
	shutdown(f->lfd, SHUT_RDWR);
	pthread_join(f->acc, NULL);
	close(f->lfd);
	for (i = 0; i < f->nconn; i++) {
		shutdown(f->conn[i]->fd, SHUT_RDWR);
		pthread_join(f->conn[i]->th, NULL);
		close(f->conn[i]->fd);
		free(f->conn[i]);
	}
	free(f->conn);
	for (j = 0; j < f->nsc; j++) {
		for (k = 0; k < f->sc[j].n; k++)
			free(f->sc[j].fault[k]);
		free(f->sc[j].fault);
	}
	for (j = 0; j < f->ndb; j++)
		free(f->db[j]);
	for (j = 0; j < f->ntab; j++)
		free(f->tab[j]);
	for (j = 0; j < f->nstream; j++)
		free(f->stream[j]);
	for (j = 0; j < f->nbucket; j++)
		free(f->bucket[j]);
	for (k = 0; k < f->nobj; k++)
		free(f->obj[k]);
	free(f->obj);
	tsfake_clear(f);
	free(f->secret);
	free(f->imds_id);
	free(f->imds_secret);
	free(f->imds_token);
	free(f->req_log);
	pthread_mutex_destroy(&f->lk);
	free(f);
}

static bool
fk_fault_ok(const char *s)
{
	static const char *const plain[] = { "ok", "throttle", "500", "503",
		"429", "drop", "invalid", "validation", "notfound", NULL };
	unsigned                 i, v;
	char                     c;

	for (i = 0; plain[i]; i++)
		if (!strcmp(s, plain[i]))
			return true;
	return sscanf(s, "reject:%u%c", &v, &c) == 1
	    || sscanf(s, "fail:%u%c", &v, &c) == 1
	    || sscanf(s, "slow:%u%c", &v, &c) == 1;
}

int
tsfake_script(struct tsfake *f, const char *op, const char *faults)
{
	struct fk_script *s = NULL;
	const char       *p;
	unsigned          i;
	int               rc = 0;

	pthread_mutex_lock(&f->lk);
	for (i = 0; i < f->nsc; i++)
		if (!strcmp(f->sc[i].op, op))
			s = &f->sc[i];
	if (!s && f->nsc < FK_SCRIPTS) {
		s = &f->sc[f->nsc++];
		snprintf(s->op, sizeof(s->op), "%s", op);
	}
	for (p = faults; s && *p;) {
		size_t n   = strcspn(p, ",");
		char  *one = xstrndup(p, n);

		if (!fk_fault_ok(one)) {
			free(one);
			rc = -EINVAL;
			break;
		}
		s->fault = xrealloc(s->fault, (s->n + 1) * sizeof(*s->fault));
		s->fault[s->n++] = one;
		p += n + (p[n] == ',');
	}
	pthread_mutex_unlock(&f->lk);
	return s ? rc : -ENOSPC;
}

void
tsfake_stats(struct tsfake *f, struct tsfake_stats *s)
{
	pthread_mutex_lock(&f->lk);
	*s = f->st;
	pthread_mutex_unlock(&f->lk);
}

unsigned
tsfake_nreq(struct tsfake *f)
{
	unsigned n;

	pthread_mutex_lock(&f->lk);
	n = (unsigned)f->nreq;
	pthread_mutex_unlock(&f->lk);
	return n;
}

bool
tsfake_req(struct tsfake *f, unsigned i, struct tsfake_req *r)
{
	bool ok;

	pthread_mutex_lock(&f->lk);
	ok = i < f->nreq;
	if (ok) {
		*r      = f->req[i];
		r->body = xstrndup(f->req[i].body, f->req[i].len);
	}
	pthread_mutex_unlock(&f->lk);
	return ok;
}

void
tsfake_req_free(struct tsfake_req *r)
{
	free(r->body);
	r->body = NULL;
}

void
tsfake_clear(struct tsfake *f)
{
	size_t i;

	pthread_mutex_lock(&f->lk);
	for (i = 0; i < f->nreq; i++)
		free(f->req[i].body);
	free(f->req);
	f->req  = NULL;
	f->nreq = 0;
	pthread_mutex_unlock(&f->lk);
}
