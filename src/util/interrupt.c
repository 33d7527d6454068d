/*
 * interrupt.c: the cancellation flag (see interrupt.h).
 */
#include "relc/compat.h"
#include "relc/interrupt.h"

#include <signal.h>

#include "relc/error.h"

static volatile sig_atomic_t pending;

static void
on_signal(int sig)
{
	if (!pending)
		pending = sig;
}

void
relc_interrupt_install(void)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < RELC_ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
}

int
relc_interrupt_signal(void)
{
	return pending;
}

void
relc_interrupt_raise(int sig)
{
	pending = sig;
}

int
relc_interrupt_check(struct relc_error *err)
{
	if (!pending)
		return 0;
	return relc_error_set(err, RELC_EINTERRUPTED, "interrupted");
}
