/* cmdutil.h - pieces every coordinator subcommand shares. */
#ifndef TSL_CMDUTIL_H
#define TSL_CMDUTIL_H

#include <stdio.h>

#include "engine.h"
#include "model.h"
#include "opts.h"
#include "report.h"
#include "target.h"

/** Parses and validates the options of cmd; --config and --queries-dir
 *  left at their defaults are taken from next to the binary (an install's
 *  share/tsload/configs or the checkout's configs). @return -1 to go on,
 *  or the exit code to return now (0 after --help, 2 on bad usage), o
 *  then freed already (opts_free() may be called again). */
int cmd_parse(struct tsl_opts *o, unsigned cmd, int argc, char **argv,
    void (*usage)(FILE *));
/** Prints the --help of subcommand cmd (synopsis, grouped options,
 *  examples), every line under 80 columns. */
void cmd_usage(unsigned cmd, FILE *f);
/** Says at the start how many queries threads x repetitions plan and how
 *  long that takes at least (think time), with how to shorten it.
 *  @return the queries planned, 0 when --duration alone ends the run. */
uint64_t cmd_query_plan(const struct tsl_opts *o, uint64_t threads);
/** Lists the registered targets for --help. */
void cmd_list_targets(FILE *f);
/** Fills what run.json says of the run itself (options, times, exit code)
 *  and, with a model, of the model. */
void cmd_fill_run(struct report_run *r, const struct engine *e,
    const struct tsl_opts *o, unsigned opts_cmd, int exit_code,
    const struct model *m);
/** Copies every slot into r->w (allocated; free it) for run.json, and
 *  warns once per worker about its first error. */
void cmd_collect_workers(const struct engine *e, struct report_run *r);

/** --threshold: checks the thresholds of e on the totals (ing, qry:
 *  NULL when the run has no such side), prints them as closing lines and
 *  points rr at them for run.json. @return rc, or THR_EXIT (3) when rc
 *  is 0 and a threshold failed. */
struct stats;
int cmd_thresholds(struct engine *e, struct report_run *rr,
    const struct stats *ing, const struct stats *qry, int rc);

#endif
