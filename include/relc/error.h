/*
 * error.h: the one error struct of relc.
 *
 * The function that detects a failure fills in the error exactly once and
 * returns -1; callers pass the -1 up without touching the error (libgit2's
 * "do not overwrite" rule: once set, later relc_error_set calls are
 * ignored, so a failing cleanup cannot hide the root cause).  Only the CLI
 * prints errors, through relc_error_format().
 *
 * Messages follow git's style: lower-case, no full stop, subjects quoted.
 * Line and column are 1-based; 0 means unknown.
 */
#ifndef RELC_ERROR_H
#define RELC_ERROR_H

#include "relc/strbuf.h"

enum relc_errkind {
	RELC_EOK = 0,
	RELC_EUSAGE,	   /* bad command line */
	RELC_ECONFIG,	   /* bad rel/relc.yaml */
	RELC_ETERM,	   /* unreadable Erlang term file */
	RELC_EAPP,	   /* bad or missing application */
	RELC_EGRAPH,	   /* dependency graph problems (cycles, duplicates) */
	RELC_EIO,	   /* the file system said no */
	RELC_EOTP,	   /* the target OTP install is unusable */
	RELC_EBOOT,	   /* boot script generation */
	RELC_EUNSUPPORTED, /* a command or feature that does not exist yet */
	RELC_EINTERRUPTED, /* a signal asked the run to stop (interrupt.h) */
	RELC_EINTERNAL
};

struct relc_error {
	enum relc_errkind kind;
	int sys_errno; /* errno when the failure came from the OS */
	char *path;    /* file the error is about, or NULL */
	unsigned long line, col;
	struct relc_strbuf msg;
};

#define RELC_ERROR_INIT                                                        \
	{                                                                      \
		RELC_EOK, 0, NULL, 0, 0, RELC_STRBUF_INIT                      \
	}

void relc_error_init(struct relc_error *err);
void relc_error_release(struct relc_error *err);
static inline int
relc_error_isset(const struct relc_error *err)
{
	return err->kind != RELC_EOK;
}

/* Record an error (if none is recorded yet) and return -1. */
int relc_error_set(struct relc_error *err, enum relc_errkind kind,
		   const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The same, about a place in a file (line and col may be 0). */
int relc_error_at(struct relc_error *err, enum relc_errkind kind,
		  const char *path, unsigned long line, unsigned long col,
		  const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/*
 * The same for a failed system call: errno is saved first and its text is
 * appended to the message as ": strerror".
 */
int relc_error_errno(struct relc_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Fill in the file position of an error that was recorded without one, as
 * when a pure parser fails and its caller knows which file it was reading.
 * relc_error_locate also sets line and column (0: unknown).
 */
void relc_error_set_path(struct relc_error *err, const char *path);
void relc_error_locate(struct relc_error *err, const char *path,
		       unsigned long line, unsigned long col);

/*
 * Format as "PATH:LINE:COL: MSG" (the parts that are known), always on
 * one line: control characters that a name or a path brought into the
 * message are written as escapes (\n, \t, \xNN).
 */
void relc_error_format(struct relc_strbuf *out, const struct relc_error *err);

/*
 * A warning: format it and hand it to `warn` (the build options' callback;
 * NULL drops it).  Warnings are not errors: nothing is recorded.
 */
void relc_warnf(void (*warn)(void *ctx, const char *msg), void *ctx,
		const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
