/* sigstop.c - one place that says which signals stop a run. */
#include "sigstop.h"

#include <signal.h>

void
sigstop_catch(void (*fn)(int sig))
{
	struct sigaction sa = { .sa_handler = fn };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}
