/*
 * terms.h: an arena for each test, and terms parsed into it.
 */
#ifndef RELC_TEST_TERMS_H
#define RELC_TEST_TERMS_H

#include "relc/arena.h"

struct relc_term;

/* The arena of the running test, set up and released around each test. */
extern struct relc_arena test_arena;
int test_arena_setup(void **state);
int test_arena_teardown(void **state);

/* The one term in text, which must parse (the test fails otherwise). */
const struct relc_term *test_parse1(const char *text);

#endif
