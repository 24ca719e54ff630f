/* mockkafka.c - librdkafka's own mock cluster for the tests and make bench.
 *
 *   mockkafka serve [--brokers N] [--topic T --partitions P]
 *                   [--produce-errors N] [--down]
 *       Starts an N-broker mock cluster (default 1) in this process,
 *       prints its bootstrap servers on one line of stdout, and serves
 *       until SIGTERM or SIGINT. --topic creates T with P partitions
 *       (default 4); --produce-errors makes the next N Produce requests
 *       fail (NOT_LEADER_FOR_PARTITION and a disconnect, alternating),
 *       which a producer retries; --down takes every broker down.
 *       The mock checks the sequence numbers of a transactional producer
 *       only: an idempotent one keeps exactly once and in order through
 *       these errors only with one request in flight per connection
 *       (max.in.flight.requests.per.connection=1; see tests/e2e/stream.sh).
 *
 *   mockkafka count BOOTSTRAPS TOPIC
 *       Consumes TOPIC from the beginning to the end of every partition and
 *       prints "messages N partitions P out_of_order K appended A": K counts
 * messages whose trailing number is not above the one before it on the same
 *       partition (0 when each partition kept the order it was given); A
 *       sums the partitions' high watermarks: every message appended,
 *       also those the mock's log cap (5 MB a partition) dropped since.
 *
 * Exit 0, or 1 with one line on stderr.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>

#include <librdkafka/rdkafka_mock.h>

enum { MK_PARTS_MAX = 1024 };

static volatile sig_atomic_t mk_stop;

static void
mk_on_stop(int sig)
{
	(void)sig;
	mk_stop = 1;
}

static int
mk_serve(int argc, char **argv)
{
	int                      brokers = 1, parts = 4, errors = 0, down = 0;
	const char              *topic = NULL;
	char                     why[512];
	rd_kafka_conf_t         *conf = rd_kafka_conf_new();
	rd_kafka_t              *rk;
	rd_kafka_mock_cluster_t *mc;
	struct sigaction         sa = { .sa_handler = mk_on_stop };

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--brokers") && i + 1 < argc)
			brokers = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--partitions") && i + 1 < argc)
			parts = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--topic") && i + 1 < argc)
			topic = argv[++i];
		else if (!strcmp(argv[i], "--produce-errors") && i + 1 < argc)
			errors = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--down"))
			down = 1;
		else {
			fprintf(stderr,
			    "mockkafka serve: unknown argument %s\n", argv[i]);
			return 1;
		}
	}
	rd_kafka_conf_set(conf, "log_level", "3", why, sizeof(why));
	rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, why, sizeof(why));
	if (!rk) {
		fprintf(stderr, "mockkafka: %s\n", why);
		return 1;
	}
	mc = rd_kafka_mock_cluster_new(rk, brokers);
	if (!mc) {
		fprintf(stderr, "mockkafka: cannot create the mock cluster\n");
		return 1;
	}
	if (topic && rd_kafka_mock_topic_create(mc, topic, parts, 1)) {
		fprintf(stderr, "mockkafka: cannot create topic %s\n", topic);
		return 1;
	}
	for (int i = 0; i < errors; i++)
		rd_kafka_mock_push_request_errors(mc, 0 /* Produce */, 1,
		    i % 2 ? RD_KAFKA_RESP_ERR__TRANSPORT
		          : RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION);
	for (int b = 1; down && b <= brokers; b++)
		rd_kafka_mock_broker_set_down(mc, b);
	printf("%s\n", rd_kafka_mock_cluster_bootstraps(mc));
	fflush(stdout);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	while (!mk_stop)
		pause();
	rd_kafka_mock_cluster_destroy(mc);
	rd_kafka_destroy(rk);
	return 0;
}

/* The number at the end of a message, -1 without one. */
static long long
mk_trailing(const char *p, size_t n)
{
	size_t e = n, b;

	while (e && (p[e - 1] == '\n' || p[e - 1] == '\r'))
		e--;
	b = e;
	while (b && p[b - 1] >= '0' && p[b - 1] <= '9')
		b--;
	if (b == e)
		return -1;
	return strtoll(p + b, NULL, 10);
}

static int
mk_count(const char *boot, const char *topic)
{
	rd_kafka_conf_t                 *conf = rd_kafka_conf_new();
	rd_kafka_t                      *rk;
	rd_kafka_topic_partition_list_t *tl;
	const struct rd_kafka_metadata  *md;
	rd_kafka_topic_t                *rkt;
	char                             why[512];
	int                              parts, eofs = 0;
	long long                        last[MK_PARTS_MAX];
	char                             at_eof[MK_PARTS_MAX];
	int64_t                          lo, hi; /* watermarks */
	long long                        marks = 0;
	unsigned long long               n = 0, bad = 0;

	rd_kafka_conf_set(conf, "bootstrap.servers", boot, why, sizeof(why));
	rd_kafka_conf_set(
	    conf, "group.id", "mockkafka-count", why, sizeof(why));
	rd_kafka_conf_set(
	    conf, "auto.offset.reset", "earliest", why, sizeof(why));
	rd_kafka_conf_set(
	    conf, "enable.partition.eof", "true", why, sizeof(why));
	rd_kafka_conf_set(
	    conf, "enable.auto.commit", "false", why, sizeof(why));
	rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, why, sizeof(why));
	if (!rk) {
		fprintf(stderr, "mockkafka: %s\n", why);
		return 1;
	}
	rkt = rd_kafka_topic_new(rk, topic, NULL);
	if (rd_kafka_metadata(rk, 0, rkt, &md, 10000) || md->topic_cnt != 1
	    || md->topics[0].err) {
		fprintf(
		    stderr, "mockkafka: no metadata for topic %s\n", topic);
		return 1;
	}
	parts = md->topics[0].partition_cnt;
	rd_kafka_metadata_destroy(md);
	rd_kafka_topic_destroy(rkt);
	if (parts < 1 || parts > MK_PARTS_MAX) {
		fprintf(stderr, "mockkafka: topic %s has %d partitions\n",
		    topic, parts);
		return 1;
	}
	/* assign every partition from the beginning (no group rebalance) */
	tl = rd_kafka_topic_partition_list_new(parts);
	for (int p = 0; p < parts; p++) {
		rd_kafka_topic_partition_list_add(tl, topic, p)->offset
		    = RD_KAFKA_OFFSET_BEGINNING;
		last[p] = -1;
	}
	rd_kafka_poll_set_consumer(rk);
	rd_kafka_assign(rk, tl);
	rd_kafka_topic_partition_list_destroy(tl);
	for (int p = 0; p < parts; p++)
		at_eof[p] = 0;
	while (eofs < parts) {
		rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 1000);
		long long           v;

		if (!m)
			continue;
		if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
			if (m->partition >= 0 && m->partition < parts
			    && !at_eof[m->partition]) {
				at_eof[m->partition] = 1;
				eofs++;
			}
		} else if (m->err) {
			fprintf(stderr, "mockkafka: consume: %s\n",
			    rd_kafka_message_errstr(m));
			rd_kafka_message_destroy(m);
			return 1;
		} else {
			n++;
			v = mk_trailing(m->payload, m->len);
			if (m->partition >= 0 && m->partition < parts) {
				if (v <= last[m->partition])
					bad++;
				last[m->partition] = v;
			}
		}
		rd_kafka_message_destroy(m);
	}
	/* appended: the high watermarks, which count what the partitions
	 * took even when the mock's log cap (5 MB a partition) has dropped
	 * the oldest */
	for (int p = 0; p < parts; p++)
		if (!rd_kafka_query_watermark_offsets(
		        rk, topic, p, &lo, &hi, 5000))
			marks += hi;
	printf("messages %llu partitions %d out_of_order %llu appended %lld\n",
	    n, parts, bad, marks);
	rd_kafka_consumer_close(rk);
	rd_kafka_destroy(rk);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "serve"))
		return mk_serve(argc - 2, argv + 2);
	if (argc == 4 && !strcmp(argv[1], "count"))
		return mk_count(argv[2], argv[3]);
	fprintf(stderr,
	    "usage: mockkafka serve [--brokers N] [--topic T --partitions P] [--produce-errors N] [--down] | mockkafka count BOOTSTRAPS TOPIC\n");
	return 1;
}
