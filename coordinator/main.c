/* main.c - the tsload binary: dispatches subcommands. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cmdutil.h"
#include "coord.h"
#include "log.h"
#include "parse.h"
#include "report.h"
#include "version.h"
#include "worker.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help;
};

static const struct command commands[] = {
	{ "ingest", coord_ingest,
	    "ingest a model's data (perf-scale, continuous, logs) into targets" },
	{ "query", coord_query,
	    "run the weighted query workload of config.ini" },
	{ "run", coord_run, "ingest and query at once, one coordinator" },
	{ "model", coord_model, "print the model summary and exit" },
	{ "cleanup", coord_cleanup, "drop the table the ingest created" },
	{ "generate", coord_generate,
	    "write access-log lines (apache, cloudfront, cloudflare)" },
	{ "stream", coord_stream,
	    "send the lines of files or stdin to kafka, s3, kinesis, ..." },
	{ "compare", coord_compare,
	    "runs side by side, with verdicts and a --fail-if CI gate" },
	{ "verify", coord_verify,
	    "check what a target holds against what a run wrote" },
	{ "report", coord_report,
	    "merge runs into report/index.html with plots (or the seed's -d)" },
	{ "worker", worker_main,
	    "a worker process (started by ingest, or by hand)" },
	{ NULL },
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: tsload COMMAND [options]   (tsload COMMAND --help, tsload help COMMAND)\n\ncommands:\n");
	for (const struct command *c = commands; c->name; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->help);
	fprintf(f,
	    "  %-10s print the version (also --version, -V)\n"
	    "  %-10s the help of COMMAND (= tsload COMMAND --help)\n",
	    "version", "help CMD");
	fprintf(f,
	    "\nExit codes: 0 success, 1 the run failed, 2 bad usage or configuration,\n3 a --threshold failed, 4 a compare --fail-if held.\n");
}

static int
version(void)
{
	if (TSLOAD_GIT_DESCRIBE[0])
		printf("tsload %s (git %s)\n", TSLOAD_VERSION,
		    TSLOAD_GIT_DESCRIBE);
	else
		printf("tsload %s\n", TSLOAD_VERSION);
	return 0;
}

static const struct command *
find_command(const char *name)
{
	const struct command *near = NULL;
	unsigned              best = 3;

	for (const struct command *c = commands; c->name; c++)
		if (!strcmp(name, c->name))
			return c;
	for (const struct command *c = commands; c->name; c++) {
		unsigned d = parse_edit_distance(name, c->name);

		if (d < best) {
			best = d;
			near = c;
		}
	}
	if (near)
		log_err("unknown command \"%s\" (did you mean %s?)", name,
		    near->name);
	else
		log_err(
		    "unknown command \"%s\" (expected one of: ingest, query, run, model, cleanup, generate, stream, report, compare, verify, worker, version, help)",
		    name);
	return NULL;
}

static bool
wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return true;
	return false;
}

/* `tsload CMD --help`; the worker's own parser insists on --connect. */
static int
command_help(const struct command *c)
{
	char *argv[] = { (char *)c->name, (char *)"--help", NULL };

	if (c->run == worker_main) {
		cmd_usage(CMD_WORKER, stdout);
		return 0;
	}
	return c->run(2, argv);
}

int
main(int argc, char **argv)
{
	const struct command *c;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")
	    || (!strcmp(argv[1], "help") && argc == 2)) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")
	    || !strcmp(argv[1], "version"))
		return version();
	if (!strcmp(argv[1], "help")) {
		if (!strcmp(argv[2], "help") || !strcmp(argv[2], "version")) {
			usage(stdout);
			return 0;
		}
		c = find_command(argv[2]);
		return c ? command_help(c) : 2;
	}
	c = find_command(argv[1]);
	if (!c)
		return 2;
	if (c->run == worker_main && wants_help(argc - 1, argv + 1))
		return command_help(c);
	report_set_command_line(argc, argv);
	return c->run(argc - 1, argv + 1);
}
