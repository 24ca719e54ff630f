/* spawn.h - starting local workers with fork+exec and reaping them. */
#ifndef TSL_SPAWN_H
#define TSL_SPAWN_H

#include <stdbool.h>
#include <sys/types.h>

/** Starts `tsload worker --connect url` from this same executable; the
 *  child gets SIGTERM if the coordinator dies. @return pid or -errno. */
pid_t spawn_worker(const char *url);
/** Describes how a child ended ("exited with status 3", "was killed by
 *  signal 9 (Killed)") into out. */
void spawn_describe(int status, char *out, size_t outlen);

#endif
