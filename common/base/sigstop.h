/* sigstop.h - the signals that ask a tsload process to stop. */
#ifndef TSL_SIGSTOP_H
#define TSL_SIGSTOP_H

/** Calls fn for INT, TERM and HUP (a closed terminal, Kubernetes and
 *  `timeout` stop a run with them), and ignores SIGPIPE: a closed pipe is
 *  an EPIPE from write(), handled where it happens. */
void sigstop_catch(void (*fn)(int sig));

#endif
