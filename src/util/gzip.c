/*
 * gzip.c: parallel, deterministic gzip (see gzip.h).
 *
 * The caller's thread cuts the input into jobs and writes finished jobs in
 * order; worker threads deflate jobs.  A ring of slots bounds the memory:
 * when the caller needs a slot that is still in flight, it waits for that
 * job, writes it out, and reuses the slot.
 */
#include "relc/compat.h"
#include "relc/gzip.h"

#include <pthread.h>
#include <unistd.h>
#include <zlib.h>

#include "relc/error.h"
#include "relc/fsutil.h"
#include "relc/strbuf.h"
#include "relc/xalloc.h"

#define BLOCK ((size_t)128 * 1024)
#define DICT ((size_t)32 * 1024)
#define MAX_THREADS 8

enum slot_state { FREE, FILLING, QUEUED, WORKING, DONE };

struct slot {
	enum slot_state state;
	int last;	   /* the final block: Z_FINISH */
	size_t ndict;	   /* bytes of dictionary before the data */
	unsigned char *in; /* DICT + BLOCK bytes: dictionary, then data */
	size_t nin;	   /* data bytes */
	struct relc_strbuf out;
	int zerr; /* a zlib error code, or Z_OK */
};

struct relc_gzip {
	int fd, level;
	unsigned nthreads;
	pthread_t threads[MAX_THREADS];
	pthread_mutex_t lock;
	pthread_cond_t work, done;
	int stopping;
	struct slot *slots;
	size_t nslots;
	size_t fill;	 /* the slot being filled */
	size_t next_out; /* the slot to write next */
	uLong crc;
	unsigned long long total;
	int broken;    /* a write failed: stop writing */
	z_stream self; /* for compressing in the caller's thread */
	int self_ready;
};

/* Deflate one slot; z is the calling thread's stream. */
static void
compress_slot(z_stream *z, struct slot *s)
{
	size_t room;
	int r;

	if (deflateReset(z) != Z_OK ||
	    (s->ndict && deflateSetDictionary(z, s->in + DICT - s->ndict,
					      (uInt)s->ndict) != Z_OK)) {
		s->zerr = Z_STREAM_ERROR;
		return;
	}
	relc_strbuf_reset(&s->out);
	z->next_in = s->in + DICT;
	z->avail_in = (uInt)s->nin;
	z->next_out = (Bytef *)relc_strbuf_space(
	    &s->out, deflateBound(z, (uLong)s->nin) + 16, &room);
	z->avail_out = (uInt)room;
	r = deflate(z, s->last ? Z_FINISH : Z_SYNC_FLUSH);
	if ((s->last && r != Z_STREAM_END) || (!s->last && r != Z_OK) ||
	    z->avail_in) {
		s->zerr = r == Z_OK ? Z_BUF_ERROR : r;
		return;
	}
	relc_strbuf_commit(&s->out, room - z->avail_out);
	s->zerr = Z_OK;
}

static int
stream_init(z_stream *z, int level)
{
	memset(z, 0, sizeof(*z));
	return deflateInit2(z, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
}

static void *
worker(void *arg)
{
	struct relc_gzip *gz = arg;
	z_stream z;
	int ok = stream_init(&z, gz->level) == Z_OK;

	pthread_mutex_lock(&gz->lock);
	for (;;) {
		struct slot *s = NULL;
		size_t i;

		for (i = 0; i < gz->nslots && !s; i++) {
			/* oldest first: start from the next slot to write */
			size_t k = (gz->next_out + i) % gz->nslots;

			if (gz->slots[k].state == QUEUED)
				s = &gz->slots[k];
		}
		if (!s) {
			if (gz->stopping)
				break;
			pthread_cond_wait(&gz->work, &gz->lock);
			continue;
		}
		s->state = WORKING;
		pthread_mutex_unlock(&gz->lock);
		if (ok)
			compress_slot(&z, s);
		else
			s->zerr = Z_MEM_ERROR;
		pthread_mutex_lock(&gz->lock);
		s->state = DONE;
		pthread_cond_broadcast(&gz->done);
	}
	pthread_mutex_unlock(&gz->lock);
	if (ok)
		deflateEnd(&z);
	return NULL;
}

static int
write_out(struct relc_gzip *gz, const void *data, size_t len,
	  struct relc_error *err)
{
	if (gz->broken)
		return -1;
	if (relc_fs_write_all(gz->fd, data, len) < 0) {
		gz->broken = 1;
		return relc_error_errno(err, "cannot write the archive");
	}
	return 0;
}

/*
 * Wait for the oldest queued slot, write it and free it.  With no worker
 * threads, compress it here.  Called with the lock held.
 */
static int
flush_oldest(struct relc_gzip *gz, z_stream *self, struct relc_error *err)
{
	struct slot *s = &gz->slots[gz->next_out];
	int r;

	if (!gz->nthreads && s->state == QUEUED) {
		compress_slot(self, s);
		s->state = DONE;
	}
	while (s->state != DONE)
		pthread_cond_wait(&gz->done, &gz->lock);
	if (s->zerr != Z_OK)
		r = relc_error_set(err, RELC_EIO, "zlib failed (error %d)",
				   s->zerr);
	else
		r = write_out(gz, s->out.buf, s->out.len, err);
	s->state = FREE;
	gz->next_out = (gz->next_out + 1) % gz->nslots;
	return r;
}

/* The caller's own stream, for compressing without worker threads. */
static z_stream *
self_stream(struct relc_gzip *gz)
{
	if (!gz->self_ready && stream_init(&gz->self, gz->level) == Z_OK)
		gz->self_ready = 1;
	return &gz->self;
}

int
relc_gzip_open(struct relc_gzip **out, int fd, int level, unsigned threads,
	       struct relc_error *err)
{
	static const unsigned char header[10] = {0x1f, 0x8b, 8, 0, 0,
						 0,    0,    0, 0, 3};
	struct relc_gzip *gz;
	size_t i;

	if (level < 1 || level > 9)
		return relc_error_set(err, RELC_EUSAGE,
				      "the gzip level must be 1 to 9, not %d",
				      level);
	if (!threads) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		threads = n > 1 ? (unsigned)n : 1;
	}
	if (threads > MAX_THREADS)
		threads = MAX_THREADS;
	gz = relc_xcalloc(1, sizeof(*gz));
	gz->fd = fd;
	gz->level = level;
	/* One CPU: compress in the caller's thread, no workers. */
	gz->nthreads = threads > 1 ? threads : 0;
	gz->nslots = 2 * (size_t)threads + 2;
	gz->slots = relc_xcalloc(gz->nslots, sizeof(*gz->slots));
	for (i = 0; i < gz->nslots; i++) {
		gz->slots[i].in = relc_xmalloc(DICT + BLOCK);
		relc_strbuf_init(&gz->slots[i].out, 0);
	}
	gz->crc = crc32(0L, Z_NULL, 0);
	pthread_mutex_init(&gz->lock, NULL);
	pthread_cond_init(&gz->work, NULL);
	pthread_cond_init(&gz->done, NULL);
	gz->slots[0].state = FILLING;
	for (i = 0; i < gz->nthreads; i++) {
		if (pthread_create(&gz->threads[i], NULL, worker, gz)) {
			gz->nthreads = (unsigned)i;
			break;
		}
	}
	if (write_out(gz, header, sizeof(header), err)) {
		relc_gzip_abort(gz);
		return -1;
	}
	*out = gz;
	return 0;
}

/* Hand the slot being filled to the workers and start filling the next. */
static int
submit(struct relc_gzip *gz, int last, struct relc_error *err)
{
	struct slot *s = &gz->slots[gz->fill], *n;
	size_t next = (gz->fill + 1) % gz->nslots;
	int r = 0;

	pthread_mutex_lock(&gz->lock);
	s->last = last;
	s->state = QUEUED;
	pthread_cond_signal(&gz->work);
	if (last) {
		while (!r && gz->slots[gz->next_out].state != FREE)
			r = flush_oldest(gz, self_stream(gz), err);
		pthread_mutex_unlock(&gz->lock);
		return r;
	}
	/* The next slot must be free; write out what is in the way. */
	while (!r && gz->slots[next].state != FREE)
		r = flush_oldest(gz, self_stream(gz), err);
	pthread_mutex_unlock(&gz->lock);
	if (r)
		return r;
	/*
	 * Its dictionary: the last 32 KiB before it, all in this block, since
	 * every block but the last is full.
	 */
	n = &gz->slots[next];
	memcpy(n->in, s->in + DICT + s->nin - DICT, DICT);
	n->ndict = DICT;
	n->nin = 0;
	n->state = FILLING;
	gz->fill = next;
	return 0;
}

int
relc_gzip_write(struct relc_gzip *gz, const void *data, size_t len,
		struct relc_error *err)
{
	const unsigned char *p = data;

	if (gz->broken)
		return -1;
	while (len) {
		struct slot *s = &gz->slots[gz->fill];
		size_t take = BLOCK - s->nin < len ? BLOCK - s->nin : len;

		memcpy(s->in + DICT + s->nin, p, take);
		gz->crc = crc32(gz->crc, p, (uInt)take);
		gz->total += take;
		s->nin += take;
		p += take;
		len -= take;
		if (s->nin == BLOCK && submit(gz, 0, err))
			return -1;
	}
	return 0;
}

static void
stop_threads(struct relc_gzip *gz)
{
	unsigned i;

	pthread_mutex_lock(&gz->lock);
	gz->stopping = 1;
	pthread_cond_broadcast(&gz->work);
	pthread_mutex_unlock(&gz->lock);
	for (i = 0; i < gz->nthreads; i++)
		pthread_join(gz->threads[i], NULL);
}

static void
free_gz(struct relc_gzip *gz)
{
	size_t i;

	for (i = 0; i < gz->nslots; i++) {
		free(gz->slots[i].in);
		relc_strbuf_release(&gz->slots[i].out);
	}
	free(gz->slots);
	if (gz->self_ready)
		deflateEnd(&gz->self);
	pthread_mutex_destroy(&gz->lock);
	pthread_cond_destroy(&gz->work);
	pthread_cond_destroy(&gz->done);
	free(gz);
}

int
relc_gzip_close(struct relc_gzip *gz, struct relc_error *err)
{
	unsigned char trailer[8];
	unsigned i;
	int r;

	r = gz->broken ? -1 : submit(gz, 1, err);
	stop_threads(gz);
	for (i = 0; i < 4; i++) {
		trailer[i] = (unsigned char)(gz->crc >> (8 * i));
		trailer[4 + i] = (unsigned char)(gz->total >> (8 * i));
	}
	if (!r)
		r = write_out(gz, trailer, sizeof(trailer), err);
	free_gz(gz);
	return r;
}

void
relc_gzip_abort(struct relc_gzip *gz)
{
	if (!gz)
		return;
	gz->broken = 1;
	stop_threads(gz);
	free_gz(gz);
}
