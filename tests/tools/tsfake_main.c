/* tsfake_main.c - the fake Timestream endpoint as a program, for the shell
 * tests and throughput figures:
 *
 *   tsfake [--port N] [--port-file F] [--stats-file F] [--secret S]
 *          [--cache-minutes N] [--pages N] [--rows N] [--no-tables]
 *          [--endless-pages] [--requests-file F]
 *          [--script OP=FAULT,FAULT,...]... [--imds KEYID:SECRET:TOKEN]
 *
 * Listens on 127.0.0.1 (port 0, the default: any free one, written to
 * --port-file), serves until SIGTERM or SIGINT, then writes its counters
 * as "name value" lines to --stats-file (stdout by default). SIGUSR1
 * writes them without stopping.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tsfake.h"

static int
write_stats(struct tsfake *f, const char *path)
{
	struct tsfake_stats s;
	char                tmp[4096];
	FILE               *out = stdout;

	tsfake_stats(f, &s);
	if (path) {
		snprintf(tmp, sizeof(tmp), "%s.tmp", path);
		out = fopen(tmp, "w");
		if (!out) {
			perror(tmp);
			return 1;
		}
	}
	fprintf(out,
	    "requests %llu\nconns %llu\nwrites %llu\nrecords %llu\n"
	    "rejected %llu\nfaults %llu\ndescribes %llu\nqueries %llu\n"
	    "bad_sigs %llu\nimds %llu\n",
	    (unsigned long long)s.requests, (unsigned long long)s.conns,
	    (unsigned long long)s.writes, (unsigned long long)s.records,
	    (unsigned long long)s.rejected, (unsigned long long)s.faults,
	    (unsigned long long)s.describes, (unsigned long long)s.queries,
	    (unsigned long long)s.bad_sigs, (unsigned long long)s.imds);
	if (path) {
		if (fclose(out) != 0 || rename(tmp, path) != 0) {
			perror(path);
			return 1;
		}
	} else {
		fflush(out);
	}
	return 0;
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: tsfake [--port N] [--port-file F] [--stats-file F] "
	    "[--secret S]\n"
	    "              [--cache-minutes N] [--pages N] [--rows N] "
	    "[--no-tables]\n"
	    "              [--endless-pages] [--requests-file F]\n"
	    "              [--script OP=FAULT,...]... "
	    "[--imds KEYID:SECRET:TOKEN]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct tsfake_opts o         = { .cache_minutes = 1440, .rows = 2 };
	const char        *port_file = NULL, *stats_file = NULL;
	const char        *scripts[16];
	char              *imds    = NULL;
	unsigned           nscript = 0, i;
	struct tsfake     *f;
	sigset_t           set;
	int                sig, rc;

	for (i = 1; i < (unsigned)argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < (unsigned)argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--no-tables")) {
			o.no_tables = true;
			continue;
		}
		if (!strcmp(a, "--endless-pages")) {
			o.endless = true;
			continue;
		}
		if (!v)
			usage();
		i++;
		if (!strcmp(a, "--port"))
			o.port = atoi(v);
		else if (!strcmp(a, "--port-file"))
			port_file = v;
		else if (!strcmp(a, "--stats-file"))
			stats_file = v;
		else if (!strcmp(a, "--secret"))
			o.secret = v;
		else if (!strcmp(a, "--cache-minutes"))
			o.cache_minutes = atoi(v);
		else if (!strcmp(a, "--pages"))
			o.pages = (unsigned)atoi(v);
		else if (!strcmp(a, "--rows"))
			o.rows = (unsigned)atoi(v);
		else if (!strcmp(a, "--requests-file"))
			o.req_log = v;
		else if (!strcmp(a, "--script") && nscript < 16)
			scripts[nscript++] = v;
		else if (!strcmp(a, "--imds"))
			imds = strdup(v);
		else
			usage();
	}
	if (imds) {
		char *s = strchr(imds, ':'),
		     *t = s ? strchr(s + 1, ':') : NULL;

		if (!t)
			usage();
		*s = *t       = '\0';
		o.imds_key_id = imds;
		o.imds_secret = s + 1;
		o.imds_token  = t + 1;
	}

	/* Signals are taken by sigwait below, not by the server threads. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	f = tsfake_start(&o);
	free(imds);
	if (!f) {
		fprintf(stderr, "tsfake: cannot listen on 127.0.0.1:%d: %s\n",
		    o.port, strerror(errno));
		return 1;
	}
	for (i = 0; i < nscript; i++) {
		const char *eq = strchr(scripts[i], '=');
		char        op[64];

		snprintf(op, sizeof(op), "%.*s",
		    eq ? (int)(eq - scripts[i]) : 0, scripts[i]);
		if (!eq || tsfake_script(f, op, eq + 1)) {
			fprintf(
			    stderr, "tsfake: bad --script %s\n", scripts[i]);
			tsfake_stop(f);
			return 2;
		}
	}
	if (port_file) {
		char  tmp[4096];
		FILE *pf;

		snprintf(tmp, sizeof(tmp), "%s.tmp", port_file);
		pf = fopen(tmp, "w");
		if (!pf || fprintf(pf, "%d\n", tsfake_port(f)) < 0
		    || fclose(pf) != 0 || rename(tmp, port_file) != 0) {
			perror(port_file);
			tsfake_stop(f);
			return 1;
		}
	} else {
		printf("%d\n", tsfake_port(f));
		fflush(stdout);
	}
	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig != SIGUSR1)
			break;
		write_stats(f, stats_file);
	}
	rc = write_stats(f, stats_file);
	tsfake_stop(f);
	return rc;
}
