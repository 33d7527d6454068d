/*
 * interrupt.h: stopping a run cleanly on SIGINT, SIGTERM and SIGHUP.
 *
 * The handler only records the signal (style(9): a volatile sig_atomic_t).
 * Long loops call relc_interrupt_check() between files, which turns a
 * pending signal into an ordinary RELC_EINTERRUPTED error, so that the
 * normal error path removes what the run made.  The CLI exits with 128
 * plus the signal's number, as a shell does for a process the signal
 * killed.  SIGKILL cannot be caught: what such a run leaves, the next run
 * removes (see place.h and tempfile.h).
 */
#ifndef RELC_INTERRUPT_H
#define RELC_INTERRUPT_H

struct relc_error;

/*
 * Install the handlers (without SA_RESTART, so that a blocking call such
 * as waiting for a lock returns EINTR).  Called once by the CLI; the
 * library never installs handlers itself.
 */
void relc_interrupt_install(void);

/* The signal that arrived, or 0. */
int relc_interrupt_signal(void);

/* As if signal `sig` had arrived (for tests; 0 clears it). */
void relc_interrupt_raise(int sig);

/* Return -1 with RELC_EINTERRUPTED set if a signal arrived, else 0. */
int relc_interrupt_check(struct relc_error *err);

#endif
