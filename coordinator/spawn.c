/* spawn.c - fork+exec of worker processes. nng is not fork-safe, so the
 * child execs at once and opens its own sockets after exec.
 */
#include "spawn.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

pid_t
spawn_worker(const char *url)
{
	static char self[PATH_MAX];
	ssize_t     n;
	pid_t       pid, parent;

	if (!self[0]) {
		n = readlink("/proc/self/exe", self, sizeof(self) - 1);
		if (n <= 0)
			return -errno;
		self[n] = '\0';
	}
	parent = getpid();
	pid    = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		static char a0[] = "tsload", a1[] = "worker",
		            a2[] = "--connect";
		char *argv[]     = { a0, a1, a2, (char *)url, NULL };

		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent) /* the coordinator died already */
			_exit(1);
		/* Until the worker installs its handlers, a signal to the
		 * process group must not kill it: the coordinator stops it. */
		signal(SIGINT, SIG_IGN);
		signal(SIGTERM, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
		execv(self, argv);
		fprintf(stderr, "tsload: cannot exec %s: %s\n", self,
		    strerror(errno));
		_exit(127);
	}
	return pid;
}

void
spawn_describe(int status, char *out, size_t outlen)
{
	if (WIFSIGNALED(status))
		snprintf(out, outlen, "was killed by signal %d (%s)",
		    WTERMSIG(status), strsignal(WTERMSIG(status)));
	else if (WIFEXITED(status))
		snprintf(
		    out, outlen, "exited with status %d", WEXITSTATUS(status));
	else
		snprintf(out, outlen, "ended (status 0x%x)", status);
}
