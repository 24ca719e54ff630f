/* worker.h - entry point of `tsload worker`. */
#ifndef TSL_WORKER_H
#define TSL_WORKER_H

/** Runs a worker; argv[0] is "worker". @return the process exit code. */
int worker_main(int argc, char **argv);

#endif
