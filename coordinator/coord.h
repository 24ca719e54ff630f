/* coord.h - the coordinator: subcommands that run in the foreground and
 * drive workers.
 */
#ifndef TSL_COORD_H
#define TSL_COORD_H

/* Each returns the process exit code: 0 success, 1 the run failed, 2 bad
 * usage or configuration. argv[0] is the subcommand name. */
int coord_ingest(int argc, char **argv);
int coord_model(int argc, char **argv);
int coord_cleanup(int argc, char **argv);

#endif
