/* test_file_target.c - the file: and stdout: targets: exact lines of each
 * format and layout for hand-built samples, escaping, one line per record,
 * the CSV header, bad URLs, and whole lines through a pipe.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "series_fixture.h"

#include "buf.h"
#include "chtsv.h"
#include "pg_copy.h"

static void
event_sample(struct sample *s, unsigned first, unsigned count)
{
	event_sample_at(s, first, count, 1700000000000);
}

#define MS "1700000000000"
#define NS "1700000000000000000"

/* Values that need escaping in every format. */
static const struct dimgroup odd_group = {
	.sk      = FX_METRICS,
	.dim     = { S("a b"), S("c,d"), S("e=f"), S("q\"t"), S("back\\slash"),
	        S("tab\there"), S("nl\nx"), { NULL, 0 } },
	.kind    = SERIES_METRICS,
	.name_at = 7,
};

static const struct series odd_series = {
	.g        = &odd_group,
	.name     = "plain",
	.name_len = 5,
	.kind     = SERIES_METRICS,
};

/* ---- expected text ---- */

/* clang-format off */
#define LP_M                                                                  \
	"metrics,region=us-east-1,cell=us-east-1-cell-1,"                     \
	"silo=us-east-1-cell-1-silo-1,availability_zone=us-east-1-1,"         \
	"microservice_name=apollo,instance_type=r5.4xlarge,os_version=AL2,"   \
	"instance_name=" INST
#define LP_E                                                                  \
	"events,region=us-east-1,cell=us-east-1-cell-1,"                      \
	"silo=us-east-1-cell-1-silo-1,availability_zone=us-east-1-1,"         \
	"microservice_name=apollo,instance_name=" INST                        \
	",process_name=server,jdk_version=JDK_11"
#define LP_M_FIELDS                                                           \
	"cpu_user=47.38912883215873,cpu_system=1.25,cpu_steal=2.25,"           \
	"cpu_iowait=3.25,cpu_nice=4.25,cpu_hi=5.25,cpu_si=6.25,"              \
	"cpu_idle=7.25,memory_free=8.25,memory_used=9.25,"                    \
	"memory_cached=10.25,disk_io_reads=11.25,disk_io_writes=12.25,"       \
	"latency_per_read=13.25,latency_per_write=14.25,"                     \
	"network_bytes_in=15.25,network_bytes_out=16.25,disk_used=17.25,"     \
	"disk_free=18.25,file_descriptors_in_use=19.25"
#define LP_E_FIELDS                                                           \
	"task_completed=123i,task_end_state=\"SUCCESS_WITH_RESULT\","         \
	"gc_reclaimed=55.5,gc_pause=0.125,memory_free=3.2e-05"

/* JSON: a dimension, the dimension lists, one single-measure tail, a
 * multi-measure value and tail. */
#define JD(n, v)                                                              \
	"{\"Name\":\"" n "\",\"Value\":\"" v                                  \
	"\",\"DimensionValueType\":\"VARCHAR\"}"
#define J_MDIMS                                                               \
	"{\"Dimensions\":["                                                   \
	JD("region", "us-east-1") ","                                         \
	JD("cell", "us-east-1-cell-1") ","                                    \
	JD("silo", "us-east-1-cell-1-silo-1") ","                             \
	JD("availability_zone", "us-east-1-1") ","                            \
	JD("microservice_name", "apollo") ","                                 \
	JD("instance_type", "r5.4xlarge") ","                                 \
	JD("os_version", "AL2") ","                                           \
	JD("instance_name", INST)
#define J_EDIMS                                                               \
	"{\"Dimensions\":["                                                   \
	JD("region", "us-east-1") ","                                         \
	JD("cell", "us-east-1-cell-1") ","                                    \
	JD("silo", "us-east-1-cell-1-silo-1") ","                             \
	JD("availability_zone", "us-east-1-1") ","                            \
	JD("microservice_name", "apollo") ","                                 \
	JD("instance_name", INST) ","                                         \
	JD("process_name", "server") ","                                      \
	JD("jdk_version", "JDK_11")
#define J_REQ "," JD("request_id", REQ)
#define J_ONE(n, v, t)                                                        \
	"\"MeasureName\":\"" n "\",\"MeasureValue\":\"" v                     \
	"\",\"MeasureValueType\":\"" t "\",\"Time\":\"" MS                    \
	"\",\"TimeUnit\":\"MILLISECONDS\"}\n"
#define JM(n, v, t)                                                           \
	"{\"Name\":\"" n "\",\"Value\":\"" v "\",\"Type\":\"" t "\"}"
#define JMD(n, v) JM(n, v, "DOUBLE") ","
#define J_M_VALUES                                                            \
	JMD("cpu_user", "47.38912883215873")                                   \
	JMD("cpu_system", "1.25")                                             \
	JMD("cpu_steal", "2.25")                                              \
	JMD("cpu_iowait", "3.25")                                             \
	JMD("cpu_nice", "4.25")                                               \
	JMD("cpu_hi", "5.25")                                                 \
	JMD("cpu_si", "6.25")                                                 \
	JMD("cpu_idle", "7.25")                                               \
	JMD("memory_free", "8.25")                                            \
	JMD("memory_used", "9.25")                                            \
	JMD("memory_cached", "10.25")                                         \
	JMD("disk_io_reads", "11.25")                                         \
	JMD("disk_io_writes", "12.25")                                        \
	JMD("latency_per_read", "13.25")                                      \
	JMD("latency_per_write", "14.25")                                     \
	JMD("network_bytes_in", "15.25")                                      \
	JMD("network_bytes_out", "16.25")                                     \
	JMD("disk_used", "17.25")                                             \
	JMD("disk_free", "18.25")                                             \
	JM("file_descriptors_in_use", "19.25", "DOUBLE")
#define J_E_VALUES                                                            \
	JM("task_completed", "123", "BIGINT") ","                             \
	JM("task_end_state", "SUCCESS_WITH_RESULT", "VARCHAR") ","            \
	JMD("gc_reclaimed", "55.5")                                           \
	JMD("gc_pause", "0.125")                                              \
	JM("memory_free", "3.2e-05", "DOUBLE")
#define J_MULTI(kind)                                                         \
	"],\"MeasureName\":\"" kind "\",\"MeasureValueType\":\"MULTI\","      \
	"\"Time\":\"" MS "\",\"TimeUnit\":\"MILLISECONDS\"}\n"

#define CSV_H1                                                                \
	"time_ms,region,cell,silo,availability_zone,microservice_name,"       \
	"instance_type,os_version,instance_name,process_name,jdk_version,"    \
	"request_id,measure_name,measure_type,measure_value\n"
#define CSV_H2                                                                \
	"time_ms,region,cell,silo,availability_zone,microservice_name,"       \
	"instance_type,os_version,instance_name,process_name,jdk_version,"    \
	"request_id,measure_name,cpu_user,cpu_system,cpu_steal,cpu_iowait,"   \
	"cpu_nice,cpu_hi,cpu_si,cpu_idle,memory_free,memory_used,"            \
	"memory_cached,disk_io_reads,disk_io_writes,latency_per_read,"        \
	"latency_per_write,network_bytes_in,network_bytes_out,disk_used,"     \
	"disk_free,file_descriptors_in_use,task_completed,task_end_state,"    \
	"gc_reclaimed,gc_pause\n"
/* Up to and including jdk_version; request_id is the caller's. */
#define CSV_M                                                                 \
	MS ",us-east-1,us-east-1-cell-1,us-east-1-cell-1-silo-1,us-east-1-1," \
	"apollo,r5.4xlarge,AL2," INST ",,"
#define CSV_E                                                                 \
	MS ",us-east-1,us-east-1-cell-1,us-east-1-cell-1-silo-1,us-east-1-1," \
	"apollo,,," INST ",server,JDK_11"
#define CSV_M_VALUES                                                          \
	"47.38912883215873,1.25,2.25,3.25,4.25,5.25,6.25,7.25,8.25,9.25,"      \
	"10.25,11.25,12.25,13.25,14.25,15.25,16.25,17.25,18.25,19.25,,,,"
/* c0..c7 empty, memory_free, c9..c19 empty, the four events. */
#define CSV_E_VALUES                                                          \
	",,,,,,,,3.2e-05,,,,,,,,,,,,123,SUCCESS_WITH_RESULT,55.5,0.125"
/* clang-format on */

/* ---- helpers ---- */

static char tmpdir[] = "/tmp/tsl-file-XXXXXX";

static int
rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static int
group_setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int
group_teardown(void **state)
{
	(void)state;
	return nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static char *
slurp(const char *path)
{
	FILE  *f = fopen(path, "rb");
	char  *p;
	long   n;
	size_t got;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	p   = malloc((size_t)n + 1);
	got = fread(p, 1, (size_t)n, f);
	assert_int_equal(got, (size_t)n);
	p[n] = '\0';
	fclose(f);
	return p;
}

static unsigned
count_lines(const char *p)
{
	unsigned n = 0;

	for (; *p; p++)
		n += *p == '\n';
	return n;
}

/* Sets up url, writes the batches with one thread, returns the file. */
static char *
run_file(const char *url, const struct batch *b, unsigned nb)
{
	struct tgt_conf conf
	    = { .url = url, .table = "devops", .schema = &fx_schema };
	struct tgt_ctx ctx = { .ops = &target_file, .conf = &conf };
	char           err[TGT_ERR_MAX], path[512];
	unsigned       i;

	conf.multi  = b[0].multi;
	conf.req_id = b[0].req_id;
	assert_int_equal(target_file.check(url, err, sizeof(err)), 0);
	if (target_file.setup(&conf, err, sizeof(err)) != 0)
		fail_msg("setup: %s", err);
	if (target_file.init(&ctx) != 0)
		fail_msg("init: %s", ctx.err);
	for (i = 0; i < nb; i++)
		assert_int_equal(target_file.write(&ctx, &b[i]), TGT_OK);
	target_file.fini(&ctx);
	assert_null(ctx.priv);
	assert_int_equal(target_url_path(url, path, sizeof(path)), 0);
	return slurp(path);
}

/* Fills the batch counts the way the caller does. */
static void
batch_count(struct batch *b)
{
	unsigned i;

	b->records = 0;
	b->points  = 0;
	for (i = 0; i < b->n; i++) {
		b->records += b->multi ? 1 : b->s[i].count;
		b->points += b->s[i].count;
	}
}

/* ---- the table of exact outputs ---- */

struct fcase {
	const char *fmt;
	bool        multi;
	uint8_t     req_id;
	unsigned    mfirst, mcount, efirst, ecount;
	const char *want;
};

/* clang-format off */
static const struct fcase fcases[] = {
	{ "lp", false, REQID_NONE, 0, 3, 0, 5,
	  LP_M " cpu_user=47.38912883215873 " NS "\n"
	  LP_M " cpu_system=1.25 " NS "\n"
	  LP_M " cpu_steal=2.25 " NS "\n"
	  LP_E " task_completed=123i " NS "\n"
	  LP_E " task_end_state=\"SUCCESS_WITH_RESULT\" " NS "\n"
	  LP_E " gc_reclaimed=55.5 " NS "\n"
	  LP_E " gc_pause=0.125 " NS "\n"
	  LP_E " memory_free=3.2e-05 " NS "\n" },
	{ "lp", false, REQID_DIMENSION, 18, 2, 3, 2,
	  LP_M ",request_id=" REQ " disk_free=18.25 " NS "\n"
	  LP_M ",request_id=" REQ " file_descriptors_in_use=19.25 " NS "\n"
	  LP_E ",request_id=" REQ " gc_pause=0.125 " NS "\n"
	  LP_E ",request_id=" REQ " memory_free=3.2e-05 " NS "\n" },
	{ "lp", false, REQID_MEASURE, 19, 2, 4, 2,
	  LP_M " file_descriptors_in_use=19.25 " NS "\n"
	  LP_M " request_id=\"" REQ "\" " NS "\n"
	  LP_E " memory_free=3.2e-05 " NS "\n"
	  LP_E " request_id=\"" REQ "\" " NS "\n" },
	{ "lp", true, REQID_NONE, 0, 20, 0, 5,
	  LP_M " " LP_M_FIELDS " " NS "\n"
	  LP_E " " LP_E_FIELDS " " NS "\n" },
	{ "lp", true, REQID_MEASURE, 0, 21, 0, 6,
	  LP_M " " LP_M_FIELDS ",request_id=\"" REQ "\" " NS "\n"
	  LP_E " " LP_E_FIELDS ",request_id=\"" REQ "\" " NS "\n" },
	{ "lp", true, REQID_DIMENSION, 0, 20, 0, 5,
	  LP_M ",request_id=" REQ " " LP_M_FIELDS " " NS "\n"
	  LP_E ",request_id=" REQ " " LP_E_FIELDS " " NS "\n" },

	{ "json", false, REQID_NONE, 0, 2, 0, 2,
	  J_MDIMS "]," J_ONE("cpu_user", "47.38912883215873", "DOUBLE")
	  J_MDIMS "]," J_ONE("cpu_system", "1.25", "DOUBLE")
	  J_EDIMS "]," J_ONE("task_completed", "123", "BIGINT")
	  J_EDIMS "]," J_ONE("task_end_state", "SUCCESS_WITH_RESULT",
			     "VARCHAR") },
	{ "json", false, REQID_DIMENSION, 7, 1, 4, 1,
	  J_MDIMS J_REQ "]," J_ONE("cpu_idle", "7.25", "DOUBLE")
	  J_EDIMS J_REQ "]," J_ONE("memory_free", "3.2e-05", "DOUBLE") },
	{ "json", false, REQID_MEASURE, 20, 1, 5, 1,
	  J_MDIMS "]," J_ONE("request_id", REQ, "VARCHAR")
	  J_EDIMS "]," J_ONE("request_id", REQ, "VARCHAR") },
	{ "json", true, REQID_NONE, 0, 20, 0, 5,
	  J_MDIMS "],\"MeasureValues\":[" J_M_VALUES J_MULTI("metrics")
	  J_EDIMS "],\"MeasureValues\":[" J_E_VALUES J_MULTI("events") },
	{ "json", true, REQID_MEASURE, 0, 21, 0, 6,
	  J_MDIMS "],\"MeasureValues\":[" J_M_VALUES ","
	  JM("request_id", REQ, "VARCHAR") J_MULTI("metrics")
	  J_EDIMS "],\"MeasureValues\":[" J_E_VALUES ","
	  JM("request_id", REQ, "VARCHAR") J_MULTI("events") },
	{ "json", true, REQID_DIMENSION, 0, 20, 0, 5,
	  J_MDIMS J_REQ "],\"MeasureValues\":[" J_M_VALUES J_MULTI("metrics")
	  J_EDIMS J_REQ "],\"MeasureValues\":[" J_E_VALUES J_MULTI("events") },

	{ "csv", false, REQID_NONE, 0, 2, 0, 2,
	  CSV_H1
	  CSV_M ",,cpu_user,DOUBLE,47.38912883215873\n"
	  CSV_M ",,cpu_system,DOUBLE,1.25\n"
	  CSV_E ",,task_completed,BIGINT,123\n"
	  CSV_E ",,task_end_state,VARCHAR,SUCCESS_WITH_RESULT\n" },
	{ "csv", false, REQID_DIMENSION, 19, 1, 2, 1,
	  CSV_H1
	  CSV_M "," REQ ",file_descriptors_in_use,DOUBLE,19.25\n"
	  CSV_E "," REQ ",gc_reclaimed,DOUBLE,55.5\n" },
	{ "csv", false, REQID_MEASURE, 19, 2, 4, 2,
	  CSV_H1
	  CSV_M ",,file_descriptors_in_use,DOUBLE,19.25\n"
	  CSV_M ",,request_id,VARCHAR," REQ "\n"
	  CSV_E ",,memory_free,DOUBLE,3.2e-05\n"
	  CSV_E ",,request_id,VARCHAR," REQ "\n" },
	{ "csv", true, REQID_NONE, 0, 20, 0, 5,
	  CSV_H2
	  CSV_M ",,metrics," CSV_M_VALUES "\n"
	  CSV_E ",,events," CSV_E_VALUES "\n" },
	{ "csv", true, REQID_MEASURE, 0, 21, 0, 6,
	  CSV_H2
	  CSV_M "," REQ ",metrics," CSV_M_VALUES "\n"
	  CSV_E "," REQ ",events," CSV_E_VALUES "\n" },
	{ "csv", true, REQID_DIMENSION, 0, 20, 0, 5,
	  CSV_H2
	  CSV_M "," REQ ",metrics," CSV_M_VALUES "\n"
	  CSV_E "," REQ ",events," CSV_E_VALUES "\n" },
};
/* clang-format on */

static void
test_exact_lines(void **state)
{
	struct sample s[2];
	struct batch  b;
	char          url[512], *got;
	size_t        i;

	(void)state;
	for (i = 0; i < sizeof(fcases) / sizeof(fcases[0]); i++) {
		const struct fcase *c = &fcases[i];

		metric_sample(&s[0], c->mfirst, c->mcount);
		event_sample(&s[1], c->efirst, c->ecount);
		b = (struct batch) {
			.s = s, .n = 2, .multi = c->multi, .req_id = c->req_id
		};
		batch_count(&b);
		snprintf(url, sizeof(url), "file:%s/exact/%zu.%s?format=%s",
		    tmpdir, i, c->fmt, c->fmt);
		got = run_file(url, &b, 1);
		if (strcmp(got, c->want) != 0)
			fail_msg(
			    "case %zu (%s %s req %u):\ngot:\n%s\nwant:\n%s", i,
			    c->fmt, c->multi ? "multi" : "single", c->req_id,
			    got, c->want);
		free(got);
	}
}

/* Separators and quotes inside values. */
static void
test_escaping(void **state)
{
	/* clang-format off */
	static const struct {
		const char *fmt, *want;
	} cases[] = {
		{ "lp",
		  "metrics,region=a\\ b,cell=c\\,d,silo=e\\=f,"
		  "availability_zone=q\"t,microservice_name=back\\slash,"
		  "instance_type=tab\there,os_version=nl\\nx,"
		  "instance_name=plain cpu_user=47.38912883215873 " NS "\n" },
		{ "json",
		  "{\"Dimensions\":["
		  JD("region", "a b") ","
		  JD("cell", "c,d") ","
		  JD("silo", "e=f") ","
		  JD("availability_zone", "q\\\"t") ","
		  JD("microservice_name", "back\\\\slash") ","
		  JD("instance_type", "tab\\there") ","
		  JD("os_version", "nl\\nx") ","
		  JD("instance_name", "plain") "],"
		  J_ONE("cpu_user", "47.38912883215873", "DOUBLE") },
		{ "csv",
		  CSV_H1 MS ",a b,\"c,d\",e=f,\"q\"\"t\",back\\slash,"
		  "tab\there,\"nl\nx\",plain,,,,cpu_user,DOUBLE,"
		  "47.38912883215873\n" },
	};
	/* clang-format on */
	struct sample s;
	struct batch  b;
	char          url[512], *got;
	size_t        i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		metric_sample(&s, 0, 1);
		s.series = &odd_series;
		b        = (struct batch) {
			       .s = &s, .n = 1, .records = 1, .points = 1
		};
		snprintf(url, sizeof(url), "file:%s/odd.%s?format=%s", tmpdir,
		    cases[i].fmt, cases[i].fmt);
		got = run_file(url, &b, 1);
		assert_string_equal(got, cases[i].want);
		free(got);
	}
}

/* Many samples, split as the batcher splits them: one line per record in
 * the single layout, one per sample in the multi layout. */
static void
test_line_counts(void **state)
{
	static const char *const fmts[] = { "lp", "json", "csv" };
	enum { NS_ = 60, NB = 7 };
	struct sample *s = calloc(NS_ * NB, sizeof(*s));
	struct batch   b[NB];
	char           url[512], *got;
	unsigned       f, m, r, k, i, want;

	(void)state;
	for (f = 0; f < 3; f++)
		for (m = 0; m < 2; m++)
			for (r = 0; r < 3; r++) {
				want = 0;
				for (k = 0; k < NB; k++) {
					for (i = 0; i < NS_; i++) {
						struct sample *x
						    = &s[k * NS_ + i];
						unsigned n, first;

						if (i % 3) {
							n = 20 + (r == 1);
							metric_sample(x, 0, 0);
						} else {
							n = 5 + (r == 1);
							event_sample(x, 0, 0);
						}
						first    = m ? 0 : (i * 7) % n;
						x->first = (uint8_t)first;
						x->count = (uint8_t)(m ? n
						                       : 1
						            + (i * 5)
						                % (n - first));
					}
					b[k] = (struct batch) { .s
						= &s[k * NS_],
						.n      = NS_,
						.multi  = m,
						.req_id = (uint8_t)r };
					batch_count(&b[k]);
					want += b[k].records;
				}
				snprintf(url, sizeof(url),
				    "file:%s/count/%s-%u-%u?format=%s", tmpdir,
				    fmts[f], m, r, fmts[f]);
				got = run_file(url, b, NB);
				assert_int_equal(
				    count_lines(got), want + (f == 2));
				free(got);
			}
	free(s);
}

/* pgcopy and chtsv: exactly the bytes of the postgres and clickhouse
 * targets' encoders, batch after batch, in both layouts. */
static void
test_target_rows(void **state)
{
	struct sample s[4];
	struct batch  b[2];
	struct buf    want;
	char          url[512], *got;
	unsigned      f, m, k;

	(void)state;
	for (f = 0; f < 2; f++)
		for (m = 0; m < 2; m++) {
			metric_sample(&s[0], m ? 0 : 3, m ? 20 : 4);
			event_sample(&s[1], 0, 5);
			event_sample(&s[2], m ? 0 : 1, m ? 5 : 2);
			metric_sample(&s[3], 0, 20);
			buf_init(&want, 1 << 20);
			for (k = 0; k < 2; k++) {
				b[k] = (struct batch) {
					.s = &s[2 * k], .n = 2, .multi = m
				};
				batch_count(&b[k]);
				if (f == 0)
					assert_true(
					    pgcopy_batch(&want, &b[k]) > 0);
				else
					assert_int_equal(
					    chtsv_batch(&want, &b[k]), 0);
			}
			assert_int_equal(buf_cstr(&want), 0);
			snprintf(url, sizeof(url),
			    "file:%s/rows/%u-%u?format=%s", tmpdir, f, m,
			    f ? "chtsv" : "pgcopy");
			got = run_file(url, b, 2);
			assert_string_equal(got, want.p);
			assert_int_equal(
			    count_lines(got), b[0].records + b[1].records);
			free(got);
			buf_free(&want);
		}
}

static void
test_bad_urls(void **state)
{
	struct tgt_conf conf = { .table = "devops", .schema = &fx_schema };
	struct tgt_ctx  ctx  = { .ops = &target_file, .conf = &conf };
	char            err[TGT_ERR_MAX], url[512];

	(void)state;
	assert_int_equal(
	    target_file.check("file:/tmp/x?format=xml", err, sizeof(err)),
	    -EINVAL);
	assert_string_equal(err,
	    "file: format: invalid value \"xml\" (expected lp, "
	    "json, csv, pgcopy, chtsv, graphite, opentsdb or "
	    "opentsdbtelnet)");
	assert_int_equal(
	    target_stdout.check("stdout:?format=LP", err, sizeof(err)),
	    -EINVAL);
	assert_non_null(strstr(err, "stdout: format: invalid value \"LP\""));
	assert_int_equal(
	    target_file.check("file:?format=lp", err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "no path"));

	/* init without setup: no file; fini copes with the half-built. */
	snprintf(url, sizeof(url), "file:%s/missing/x.lp", tmpdir);
	conf.url = url;
	assert_int_equal(target_file.init(&ctx), -ENOENT);
	assert_non_null(strstr(ctx.err, "No such file"));
	assert_non_null(strstr(ctx.err, "/missing/x.lp"));
	target_file.fini(&ctx);
	assert_null(ctx.priv);
	conf.url = "file:/tmp/x?format=xml";
	assert_int_equal(target_file.init(&ctx), -EINVAL);
	target_file.fini(&ctx);
	/* setup where a directory cannot be made */
	snprintf(url, sizeof(url), "file:/proc/tsl-nope/x.lp");
	conf.url = url;
	assert_true(target_file.setup(&conf, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "/proc/tsl-nope"));
}

/* stdout: with fd 1 pointed at a file: the CSV header, then lines. */
static void
test_stdout(void **state)
{
	struct tgt_conf conf = {
		.url = "stdout:?format=csv", .table = "t", .schema = &fx_schema
	};
	struct tgt_ctx ctx = { .ops = &target_stdout, .conf = &conf };
	struct sample  s;
	struct batch   b;
	char           err[TGT_ERR_MAX], path[512], *got;
	int            fd, saved;

	(void)state;
	assert_true(target_stdout.flags & TGT_F_STDOUT);
	snprintf(path, sizeof(path), "%s/stdout.csv", tmpdir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	fflush(stdout);
	saved = dup(1);
	dup2(fd, 1);
	close(fd);

	metric_sample(&s, 0, 1);
	b = (struct batch) { .s = &s, .n = 1, .records = 1, .points = 1 };
	assert_int_equal(target_stdout.setup(&conf, err, sizeof(err)), 0);
	assert_int_equal(target_stdout.init(&ctx), 0);
	assert_int_equal(target_stdout.write(&ctx, &b), TGT_OK);
	target_stdout.fini(&ctx);

	dup2(saved, 1);
	close(saved);
	/* fd 1 still works after fini */
	assert_true(write(1, "", 0) == 0);
	got = slurp(path);
	assert_string_equal(
	    got, CSV_H1 CSV_M ",,cpu_user,DOUBLE,47.38912883215873\n");
	free(got);
}

struct reader {
	int    fd;
	char  *p;
	size_t len;
};

static void *
read_all(void *arg)
{
	struct reader *r   = arg;
	size_t         cap = 1 << 16;
	ssize_t        k;

	r->p = malloc(cap);
	while ((k = read(r->fd, r->p + r->len, cap - r->len)) > 0) {
		r->len += (size_t)k;
		if (r->len == cap)
			r->p = realloc(r->p, cap *= 2);
	}
	return NULL;
}

/* Through a pipe the text comes out the same as in a regular file. */
static void
test_stdout_pipe(void **state)
{
	enum { N = 300 };
	struct tgt_conf conf = { .url = "stdout:?format=json",
		.table                = "t",
		.schema               = &fx_schema };
	struct tgt_ctx  ctx  = { .ops = &target_stdout, .conf = &conf };
	struct sample  *s    = calloc(N, sizeof(*s));
	struct reader   rd   = { 0 };
	struct batch    b;
	pthread_t       th;
	char            url[512], *want;
	int             pfd[2], saved, i;

	(void)state;
	for (i = 0; i < N; i++) {
		if (i % 2)
			event_sample(&s[i], 0, 5);
		else
			metric_sample(&s[i], 0, 20);
	}
	b = (struct batch) { .s = s, .n = N };
	batch_count(&b);
	snprintf(
	    url, sizeof(url), "file:%s/pipe-ref.json?format=json", tmpdir);
	want = run_file(url, &b, 1);

	assert_int_equal(pipe(pfd), 0);
	rd.fd = pfd[0];
	pthread_create(&th, NULL, read_all, &rd);
	fflush(stdout);
	saved = dup(1);
	dup2(pfd[1], 1);
	close(pfd[1]);
	assert_int_equal(target_stdout.init(&ctx), 0);
	assert_int_equal(target_stdout.write(&ctx, &b), TGT_OK);
	target_stdout.fini(&ctx);
	dup2(saved, 1); /* closes the pipe's last write end */
	close(saved);
	pthread_join(th, NULL);
	close(pfd[0]);

	assert_int_equal(rd.len, strlen(want));
	assert_memory_equal(rd.p, want, rd.len);
	assert_int_equal(count_lines(want), b.records);
	free(rd.p);
	free(want);
	free(s);
}

/* A closed pipe is TGT_CLOSED (the run stops, nothing failed); a full
 * device is tried again (TGT_RETRY); any other error stops the run, and
 * the file ends with the last whole batch. */
static void
test_write_errors(void **state)
{
	struct tgt_conf conf = {
		.url = "stdout:?format=lp", .table = "t", .schema = &fx_schema
	};
	struct tgt_ctx ctx = { .ops = &target_stdout, .conf = &conf };
	struct sample  s[40];
	struct batch   b;
	struct rlimit  rl, cut;
	struct stat    st;
	char           url[600], path[512], err[TGT_ERR_MAX], *got;
	int            pfd[2], saved, i;
	off_t          one;

	(void)state;
	for (i = 0; i < 40; i++)
		metric_sample(&s[i], 0, 20);
	b = (struct batch) { .s = s, .n = 40 };
	batch_count(&b);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);

	/* stdout into a pipe nobody reads any more */
	assert_int_equal(pipe(pfd), 0);
	close(pfd[0]);
	fflush(stdout);
	saved = dup(1);
	dup2(pfd[1], 1);
	close(pfd[1]);
	assert_int_equal(target_stdout.init(&ctx), 0);
	assert_int_equal(target_stdout.write(&ctx, &b), TGT_CLOSED);
	assert_non_null(strstr(ctx.err, "stdout: the reader closed the pipe"));
	target_stdout.fini(&ctx);
	dup2(saved, 1);
	close(saved);

	/* a full device */
	conf.url = "file:/dev/full?format=lp";
	ctx      = (struct tgt_ctx) { .ops = &target_file, .conf = &conf };
	assert_int_equal(target_file.init(&ctx), 0);
	assert_int_equal(target_file.write(&ctx, &b), TGT_RETRY);
	assert_non_null(strstr(ctx.err, "file /dev/full: No space left"));
	target_file.fini(&ctx);

	/* a file that may grow by half a batch more: the partial batch is
	 * taken back */
	snprintf(path, sizeof(path), "%s/cut.lp", tmpdir);
	snprintf(url, sizeof(url), "file:%s?format=lp", path);
	conf.url = url;
	ctx      = (struct tgt_ctx) { .ops = &target_file, .conf = &conf };
	assert_int_equal(target_file.setup(&conf, err, sizeof(err)), 0);
	assert_int_equal(target_file.init(&ctx), 0);
	assert_int_equal(target_file.write(&ctx, &b), TGT_OK);
	assert_int_equal(stat(path, &st), 0);
	one = st.st_size;
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &rl), 0);
	cut          = rl;
	cut.rlim_cur = (rlim_t)(one + one / 2);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &cut), 0);
	i = target_file.write(&ctx, &b);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &rl), 0);
	assert_int_equal(i, TGT_FATAL);
	assert_non_null(strstr(ctx.err, "File too large"));
	target_file.fini(&ctx);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, one);
	got = slurp(path);
	assert_int_equal(count_lines(got), b.records);
	free(got);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact_lines),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_line_counts),
		cmocka_unit_test(test_target_rows),
		cmocka_unit_test(test_bad_urls),
		cmocka_unit_test(test_stdout),
		cmocka_unit_test(test_stdout_pipe),
		cmocka_unit_test(test_write_errors),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
