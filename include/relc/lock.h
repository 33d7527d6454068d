/*
 * lock.h: one relc at a time in a directory.
 *
 * A build takes an exclusive flock(2) on the directory its output and
 * staging directories live in.  The kernel drops the lock when the
 * process ends, however it ends, so a killed run never leaves a stale
 * lock, and no lock file is left behind either.  Holding the lock, a run
 * knows that every ".relc-*" entry there belongs to a run that is gone.
 */
#ifndef RELC_LOCK_H
#define RELC_LOCK_H

struct relc_error;

struct relc_lock {
	int fd; /* -1: not held */
};

#define RELC_LOCK_INIT                                                         \
	{                                                                      \
		-1                                                             \
	}

/*
 * Lock directory `dir`.  When another process holds it, call
 * waiting(ctx, message) once and wait; an interrupt stops the wait with
 * RELC_EINTERRUPTED.
 */
int relc_lock_dir(struct relc_lock *l, const char *dir,
		  void (*waiting)(void *ctx, const char *msg), void *ctx,
		  struct relc_error *err);
/* Let go (a released lock is fine). */
void relc_lock_release(struct relc_lock *l);

#endif
