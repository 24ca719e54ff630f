/* generate_cmd.c - `tsload generate`: lumberer's access-log generator
 * (seed-behaviour-2 §1.2-1.7) on -p x -c threads.
 *
 * The lines are cut into chunks of LOGL_CHUNK_LINES; threads take chunks
 * in turn and write them in chunk order, so the output is the same lines
 * in the same order whatever the thread count (common/models/logline.h).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <unistd.h>

#include "clock.h"
#include "cmdutil.h"
#include "coord.h"
#include "log.h"
#include "logline.h"
#include "parse.h"
#include "sigstop.h"
#include "xalloc.h"
#include "zout.h"

struct gen_run {
	struct logl_conf     c;
	struct zout         *out;
	uint64_t             lines;   /* to write */
	uint64_t             nchunks; /* of them */
	atomic_uint_fast64_t next_chunk;
	atomic_uint_fast64_t written, bad; /* lines out so far */
	pthread_mutex_t      mu;
	pthread_cond_t       turn;
	uint64_t             next_write; /* the chunk whose turn it is */
	int                  err;        /* the first write error */
};

struct gen_thread {
	struct gen_run *run;
	unsigned        index;
	pthread_t       tid;
};

static atomic_bool gen_stop;

static void
on_signal(int sig)
{
	(void)sig;
	atomic_store(&gen_stop, true);
}

/* Waits for chunk c's turn, writes it, passes the turn on. */
static void
write_in_turn(struct gen_run *g, uint64_t c, const struct buf *b,
    uint64_t lines, uint64_t bad)
{
	pthread_mutex_lock(&g->mu);
	while (g->next_write != c)
		pthread_cond_wait(&g->turn, &g->mu);
	if (!g->err && !atomic_load(&gen_stop)) {
		g->err = zout_write(g->out, b->p, b->len);
		if (!g->err) {
			atomic_fetch_add(&g->written, lines);
			atomic_fetch_add(&g->bad, bad);
		}
	}
	g->next_write++;
	pthread_cond_broadcast(&g->turn);
	pthread_mutex_unlock(&g->mu);
}

static void *
gen_thread_main(void *arg)
{
	struct gen_thread *t  = arg;
	struct gen_run    *g  = t->run;
	struct logl_gen   *lg = xmalloc(sizeof(*lg));
	struct buf         b;

	logl_init(lg, &g->c, t->index);
	buf_init(&b, (size_t)LOGL_CHUNK_LINES * LOGL_LINE_MAX + 1);
	for (;;) {
		uint64_t c   = atomic_fetch_add(&g->next_chunk, 1), first, n,
		         bad = 0;

		if (c >= g->nchunks)
			break;
		first = c * LOGL_CHUNK_LINES;
		n     = g->lines - first < LOGL_CHUNK_LINES ? g->lines - first
		                                            : LOGL_CHUNK_LINES;
		buf_reset(&b);
		/* a stopped run still takes its turn, so nobody waits */
		if (!atomic_load(&gen_stop))
			logl_lines(lg, first, (unsigned)n, &b, &bad);
		write_in_turn(g, c, &b, n, bad);
	}
	buf_free(&b);
	free(lg);
	return NULL;
}

static void
gen_usage(FILE *f)
{
	cmd_usage(CMD_GENERATE, f);
}

/* --seed 0: a random one (said at the end, so the run can be redone). */
static uint64_t
random_seed(void)
{
	uint64_t s = 0;

	while (!s)
		if (getrandom(&s, sizeof(s), 0) != sizeof(s))
			s = now_ns() ^ (uint64_t)getpid();
	return s;
}

/* The options into c. @return 0, or 2 after one line naming what is
 * wrong. */
static int
gen_conf(const struct tsl_opts *o, struct logl_conf *c)
{
	int     type = logl_type_parse(o->logtype);
	int64_t start;
	char    why[160];

	if (!o->logtype[0]) {
		log_err(
		    "generate: --logtype/-l is required (expected apache, cloudfront or cloudflare)");
		return 2;
	}
	if (type < 0) {
		log_err(
		    "--logtype: invalid value \"%s\" (expected apache, cloudfront or cloudflare, any case)",
		    o->logtype);
		return 2;
	}
	start = wall_ms();
	if (o->start_time[0]
	    && parse_time_ms(o->start_time, start, &start, why, sizeof(why))) {
		log_err("--start-time: %s", why);
		return 2;
	}
	*c = (struct logl_conf) {
		.type          = (enum logl_type)type,
		.seed          = o->gen_seed ? o->gen_seed : random_seed(),
		.bad_pct       = o->bad_data,
		.visitor_lines = o->visitor_lines,
		.realtime      = o->realtime,
		.start_s       = start / 1000,
	};
	return 0;
}

static double
cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6
	    + (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* The live line (stderr, a terminal, not --quiet) until the threads end. */
static void
watch(struct gen_run *g, uint64_t t0, bool live)
{
	uint64_t last = t0;

	while (atomic_load(&g->written) < g->lines && !atomic_load(&gen_stop)
	    && !g->err) {
		uint64_t now;

		nap_until_ns(now_ns() + 10000000ULL, &gen_stop);
		now = now_ns();
		if (!live || now - last < 1000000000ULL)
			continue;
		last = now;
		fprintf(stderr, "\rGenerating: %llu/%llu lines, %.0f lines/s ",
		    (unsigned long long)atomic_load(&g->written),
		    (unsigned long long)g->lines,
		    (double)atomic_load(&g->written) * 1e9
		        / (double)(now - t0));
		/* every user-facing message on one line above */
	}
	if (live && last != t0)
		fputc('\n', stderr);
}

int
coord_generate(int argc, char **argv)
{
	struct tsl_opts    o;
	struct gen_run     g = { 0 };
	struct gen_thread *th;
	unsigned           n_threads;
	uint64_t           t0;
	double             secs, cpu;
	char               err[512];
	int rc = cmd_parse(&o, CMD_GENERATE, argc, argv, gen_usage);

	if (rc >= 0)
		return rc;
	rc = gen_conf(&o, &g.c);
	if (rc) {
		opts_free(&o);
		return rc;
	}
	if (zout_open(&g.out, o.output, err, sizeof(err))) {
		log_err("%s", err);
		opts_free(&o);
		return 2;
	}
	sigstop_catch(on_signal);
	g.lines   = o.iterations > 0 ? (uint64_t)o.iterations : 0;
	g.nchunks = (g.lines + LOGL_CHUNK_LINES - 1) / LOGL_CHUNK_LINES;
	pthread_mutex_init(&g.mu, NULL);
	pthread_cond_init(&g.turn, NULL);
	n_threads = (unsigned)(o.processes * o.concurrency);
	if (n_threads > g.nchunks)
		n_threads = g.nchunks ? (unsigned)g.nchunks : 1;
	th = xcalloc(n_threads, sizeof(*th));
	t0 = now_ns();
	for (unsigned i = 0; i < n_threads; i++) {
		int e;

		th[i] = (struct gen_thread) { .run = &g, .index = i };
		e = pthread_create(&th[i].tid, NULL, gen_thread_main, &th[i]);
		if (e) {
			/* the threads started take every chunk */
			log_warn("generate: cannot start thread %u: %s", i + 1,
			    strerror(e));
			n_threads = i;
			break;
		}
	}
	if (!n_threads) {
		zout_close(g.out);
		free(th);
		opts_free(&o);
		return 1;
	}
	watch(&g, t0, !o.quiet && isatty(STDERR_FILENO));
	for (unsigned i = 0; i < n_threads; i++)
		pthread_join(th[i].tid, NULL);
	rc    = zout_close(g.out);
	g.err = g.err ? g.err : rc;
	secs  = (double)(now_ns() - t0) / 1e9;
	cpu   = cpu_seconds();
	if (g.err && g.err != -EPIPE) {
		log_err("generate: writing %s: %s",
		    strcmp(o.output, "-") ? o.output : "stdout",
		    strerror(-g.err));
		rc = 1;
	} else {
		rc = 0;
	}
	if (!o.quiet)
		fprintf(stderr,
		    "tsload generate: %llu lines (%llu bad) of %s, seed %llu, %u threads, %.3f s, %.0f lines/s, CPU %.3f s, %.0f lines per CPU-second%s\n",
		    (unsigned long long)atomic_load(&g.written),
		    (unsigned long long)atomic_load(&g.bad),
		    logl_type_name(g.c.type), (unsigned long long)g.c.seed,
		    n_threads, secs,
		    secs > 0 ? (double)atomic_load(&g.written) / secs : 0.0,
		    cpu, cpu > 0 ? (double)atomic_load(&g.written) / cpu : 0.0,
		    g.err == -EPIPE ? " (the reader closed the pipe)"
		        : atomic_load(&gen_stop) ? " (stopped by a signal)"
		                                 : "");
	free(th);
	pthread_mutex_destroy(&g.mu);
	pthread_cond_destroy(&g.turn);
	opts_free(&o);
	return rc;
}
