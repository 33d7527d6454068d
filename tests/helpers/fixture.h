/*
 * fixture.h: helpers shared by the unit tests: a fresh temporary directory
 * per test (removed when the test passes), and small file writers.
 */
#ifndef RELC_TEST_FIXTURE_H
#define RELC_TEST_FIXTURE_H

#include <stddef.h>

struct relc_strbuf;

/* cmocka setup/teardown: *state becomes the temporary directory's path. */
int fixture_tmpdir_setup(void **state);
int fixture_tmpdir_teardown(void **state);

/* Write `text` to DIR/REL (creating directories); aborts on failure. */
void fixture_write(const char *dir, const char *rel, const char *text);
/* Read DIR/REL into a malloc'ed string (NULL when missing). */
char *fixture_read(const char *dir, const char *rel, size_t *len);
/* DIR/rel, malloc'ed. */
char *fixture_join(const char *dir, const char *rel);
/* The inode of DIR/rel (not followed); fails the test when it is missing. */
unsigned long fixture_inode(const char *dir, const char *rel);

#endif

#ifndef RELC_TEST_FIXTURE_OTP
#define RELC_TEST_FIXTURE_OTP
/*
 * A small but complete fake OTP installation under DIR/REL: releases/25
 * (OTP_VERSION, start_clean.rel, start_clean.script), erts-13.1.5/bin,
 * lib/{kernel-8.5.3,stdlib-4.2,sasl-4.2} and a bin/erl script whose
 * ROOTDIR= line points at it.  Returns the root's path (malloc'ed).
 */
char *fixture_fake_otp(const char *dir, const char *rel);
/* An application DIR/REL/ebin/NAME.app with the given vsn and deps. */
void fixture_app(const char *dir, const char *rel, const char *name,
		 const char *vsn, const char *deps);
#endif

#ifndef RELC_TEST_FIXTURE_BEAM
#define RELC_TEST_FIXTURE_BEAM
/*
 * A synthetic BEAM file: the FOR1/BEAM container with the chunks named in
 * `chunks` (four-letter ids, concatenated: "AtU8CodeDbgi..."), each holding
 * a few bytes.  Enough for the stripper; not loadable code.
 */
void fixture_beam_bytes(struct relc_strbuf *out, const char *chunks);
void fixture_beam(const char *dir, const char *rel);
#endif
