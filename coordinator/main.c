/* main.c - the tsload binary: dispatches subcommands. */
#include <stdio.h>
#include <string.h>

#include "coord.h"
#include "log.h"
#include "version.h"
#include "worker.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help;
};

static const struct command commands[] = {
	{ "ingest", coord_ingest,
	    "drive the perf-scale DevOps ingest load into a target" },
	{ "query", coord_query,
	    "run the weighted query workload of config.ini" },
	{ "run", coord_run, "ingest and query at once, one coordinator" },
	{ "model", coord_model, "print the model summary and exit" },
	{ "cleanup", coord_cleanup, "drop the table the ingest created" },
	{ "worker", worker_main,
	    "a worker process (started by ingest, or by hand)" },
	{ NULL },
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: tsload COMMAND [options]   (tsload COMMAND --help)"
	    "\n\ncommands:\n");
	for (const struct command *c = commands; c->name; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->help);
	fprintf(f,
	    "\nExit codes: 0 success, 1 the run failed, 2 bad usage or "
	    "configuration.\n");
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")
	    || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("tsload %s\n", TSLOAD_VERSION);
		return 0;
	}
	for (const struct command *c = commands; c->name; c++)
		if (!strcmp(argv[1], c->name))
			return c->run(argc - 1, argv + 1);
	log_err("unknown command \"%s\" (expected one of: ingest, query, "
	        "run, model, cleanup, worker)",
	    argv[1]);
	return 2;
}
