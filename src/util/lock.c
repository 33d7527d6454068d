/*
 * lock.c: a directory lock through flock(2) (see lock.h).
 */
#include "relc/compat.h"
#include "relc/lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "relc/error.h"
#include "relc/interrupt.h"
#include "relc/strbuf.h"

int
relc_lock_dir(struct relc_lock *l, const char *dir,
	      void (*waiting)(void *ctx, const char *msg), void *ctx,
	      struct relc_error *err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	l->fd = -1;
	if (fd < 0)
		return relc_error_errno(err, "cannot open '%s'", dir);
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK) {
			relc_error_errno(err, "cannot lock '%s'", dir);
			close(fd);
			return -1;
		}
		if (waiting) {
			struct relc_strbuf msg = RELC_STRBUF_INIT;

			relc_strbuf_addf(&msg,
					 "another relc is building in '%s'; "
					 "waiting for it to finish",
					 dir);
			waiting(ctx, msg.buf);
			relc_strbuf_release(&msg);
		}
		for (;;) {
			/* an interrupt that came before the wait stops it too
			 */
			if (relc_interrupt_check(err)) {
				close(fd);
				return -1;
			}
			if (flock(fd, LOCK_EX) == 0)
				break;
			if (errno != EINTR) {
				relc_error_errno(err, "cannot lock '%s'", dir);
				close(fd);
				return -1;
			}
		}
	}
	l->fd = fd;
	return 0;
}

void
relc_lock_release(struct relc_lock *l)
{
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
}
