/* coord.h - the coordinator's subcommands, and the ingest steps that the
 * mixed `run` shares with `ingest`.
 */
#ifndef TSL_COORD_H
#define TSL_COORD_H

#include "model.h"
#include "opts.h"
#include "stats.h"

/* Each returns the process exit code: 0 success, 1 the run failed, 2 bad
 * usage or configuration. argv[0] is the subcommand name. */
int coord_ingest(int argc, char **argv);
int coord_query(int argc, char **argv);
int coord_run(int argc, char **argv);
int coord_model(int argc, char **argv);
int coord_cleanup(int argc, char **argv);
int coord_stream(int argc, char **argv);
/** tsload stream --replay DIR: the spool in DIR sent (replay_cmd.c). */
int coord_replay(int argc, char **argv);
/** tsload compare DIR DIR...: compare.c. */
int coord_compare(int argc, char **argv);
/** tsload verify --target URL --results RUNDIR: verify_cmd.c. */
int coord_verify(int argc, char **argv);
/** Verifies target url against run dir, says the summary and adds it to
 *  the run's run.json. 0 same, 1 differences, 2 cannot verify. */
int verify_and_report(const char *url, const char *dir);
/* report: run directories into report/index.html (report_cmd.c) */
int coord_report(int argc, char **argv);
/** tsload generate: access-log lines (lumberer's generate). */
int coord_generate(int argc, char **argv);

/** Prints the model summary, checks the shape and sets up the target.
 *  @return -1 to go on, or an exit code (0 after --print-model-summary). */
int ingest_prepare(struct tsl_opts *o, struct model *m);
struct engine;
/** Prints the seed's closing lines and tsload's resource line; turns
 *  failed writes into exit 1. */
int ingest_finish(struct stats *t, const struct engine *e,
    const struct report_run *rr, int rc);

#endif
