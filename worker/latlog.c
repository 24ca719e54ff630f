/* latlog.c - TSLOAD_TEST_LATENCIES: raw write latencies for the tests. */
#include "latlog.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static pthread_once_t  once = PTHREAD_ONCE_INIT;
static pthread_mutex_t mu   = PTHREAD_MUTEX_INITIALIZER;
static FILE           *out; /* flushed by exit() */

static void
open_log(void)
{
	const char *dir      = getenv("TSLOAD_TEST_LATENCIES");
	char        host[64] = "", path[4096];

	if (!dir || !dir[0])
		return;
	gethostname(host, sizeof(host) - 1);
	snprintf(
	    path, sizeof(path), "%s/lat-%s-%d.txt", dir, host, (int)getpid());
	out = fopen(path, "w");
}

void
latlog_write(uint64_t ns)
{
	pthread_once(&once, open_log);
	if (!out)
		return;
	pthread_mutex_lock(&mu);
	fprintf(out, "%llu\n", (unsigned long long)ns);
	pthread_mutex_unlock(&mu);
}
