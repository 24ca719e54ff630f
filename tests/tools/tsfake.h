/* tsfake.h - a fake Amazon Timestream endpoint on 127.0.0.1 for tests and
 * throughput figures: AWS JSON 1.0 over HTTP/1.1 keep-alive, a thread per
 * connection.
 *
 * It answers DescribeEndpoints (its own address), CreateDatabase,
 * CreateTable, DeleteTable, DeleteDatabase (with Conflict and
 * ResourceNotFound as Timestream has them), WriteRecords (records counted,
 * at most 100 a call, the table must exist) and Query (canned pages linked
 * by NextToken, or a new NextToken for ever with opts.endless; the
 * parameter query of the query driver gets one metric row and one event
 * row). It keeps the User-Agent of each request, and with opts.req_log
 * appends a line per request to that file: "OP<TAB>User-Agent<TAB>
 * ClientToken<TAB>NextToken" (a missing member: "-"). With a secret set it
 * checks each SigV4 signature. It also serves the instance-metadata paths
 * (IMDSv2) when given credentials to hand out, a little of Kinesis
 * (CreateStream, DescribeStreamSummary, DeleteStream, PutRecords) and of S3,
 * path-style (CreateBucket, PutObject, ListObjectsV2, DeleteObject); their
 * records (Kinesis records, lines of uncompressed objects) count as records.
 *
 * Faults are scripted per operation and used up one per call, in order:
 *   ok           answer normally
 *   throttle     400 ThrottlingException
 *   500 503 429  that status, with an InternalServerException body
 *   reject:N     400 RejectedRecordsException for the first N records
 *   fail:N       PutRecords: the first N records fail (throughput)
 *   slow:MS      answer normally after MS milliseconds
 *   drop         close the connection without an answer
 *   invalid      400 InvalidEndpointException
 *   validation   400 ValidationException
 *   notfound     400 ResourceNotFoundException
 */
#ifndef TSL_TSFAKE_H
#define TSL_TSFAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tsfake;

struct tsfake_opts {
	int      port;          /* 0: any free port */
	bool     keep;          /* keep every request for tsfake_req() */
	bool     no_tables;     /* WriteRecords without a CreateTable */
	int      cache_minutes; /* DescribeEndpoints' CachePeriodInMinutes */
	unsigned pages;         /* Query: pages per answer (0: 1) */
	unsigned rows;          /* Query: rows per non-empty page */
	bool     endless;       /* Query: a new NextToken on every page */
	const char *req_log;    /* a line per request appended here */
	const char *secret;     /* check SigV4 signatures with it */
	/* instance metadata: credentials to hand out (NULL: 404) */
	const char *imds_key_id, *imds_secret, *imds_token;
};

/* A request kept with opts.keep. */
struct tsfake_req {
	char   op[48];     /* "WriteRecords", or "GET /path" for others */
	char   host[128];  /* Host header */
	char   ctype[64];  /* Content-Type */
	char   auth[512];  /* Authorization */
	char   date[32];   /* X-Amz-Date */
	char   token[256]; /* X-Amz-Security-Token */
	char   ua[128];    /* User-Agent */
	char  *body;       /* NUL-terminated */
	size_t len;
};

struct tsfake_stats {
	uint64_t requests;  /* every request answered or dropped */
	uint64_t conns;     /* connections accepted */
	uint64_t writes;    /* WriteRecords calls */
	uint64_t records;   /* records taken in */
	uint64_t rejected;  /* records refused (reject:N) */
	uint64_t faults;    /* scripted faults used (ok excluded) */
	uint64_t describes; /* DescribeEndpoints calls */
	uint64_t queries;   /* Query calls */
	uint64_t bad_sigs;  /* signatures that did not match */
	uint64_t imds;      /* instance-metadata requests */
};

/** Listens on 127.0.0.1 and serves in threads. NULL on failure. */
struct tsfake *tsfake_start(const struct tsfake_opts *o);
/** Stops serving, closes every connection, frees f. */
void tsfake_stop(struct tsfake *f);
int  tsfake_port(const struct tsfake *f);

/** Appends faults (comma-separated, see above) for operation op.
 *  @return 0, or -EINVAL for an unknown fault. */
int  tsfake_script(struct tsfake *f, const char *op, const char *faults);
void tsfake_stats(struct tsfake *f, struct tsfake_stats *s);
/** Request i kept with opts.keep (a copy the caller frees with
 *  tsfake_req_free), or false when there is none. */
bool     tsfake_req(struct tsfake *f, unsigned i, struct tsfake_req *r);
void     tsfake_req_free(struct tsfake_req *r);
unsigned tsfake_nreq(struct tsfake *f);
/** Forgets the kept requests. */
void tsfake_clear(struct tsfake *f);

#endif
