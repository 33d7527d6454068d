/*
 * gzip.h: a gzip writer that compresses blocks in parallel (the pigz
 * idea) and still writes one ordinary gzip stream.
 *
 * The input is cut into blocks of 128 KiB; each block is deflated on its
 * own, primed with the 32 KiB before it, and all but the last end with a
 * sync flush, so the blocks concatenate into one deflate stream.  The
 * output depends only on the data and the level, never on the number of
 * threads or their timing: a tarball is the same on a laptop and on a
 * 64-core build server (with the same zlib).
 */
#ifndef RELC_GZIP_H
#define RELC_GZIP_H

#include <stddef.h>

struct relc_error;
struct relc_gzip;

/*
 * Start a gzip stream written to fd, at `level` (1..9), with `threads`
 * compressing threads (0: one per CPU, at most 8).  The gzip header holds
 * no name and no time.
 */
int relc_gzip_open(struct relc_gzip **out, int fd, int level, unsigned threads,
		   struct relc_error *err);
int relc_gzip_write(struct relc_gzip *gz, const void *data, size_t len,
		    struct relc_error *err);
/* Finish the stream (last block, CRC and length) and free gz. */
int relc_gzip_close(struct relc_gzip *gz, struct relc_error *err);
/* Stop without finishing (after an error) and free gz; NULL is fine. */
void relc_gzip_abort(struct relc_gzip *gz);

#endif
