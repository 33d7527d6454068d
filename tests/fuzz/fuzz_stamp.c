/*
 * fuzz_stamp.c: the build stamp's parser.  Every input is either a stamp
 * or one error, about the file, on one line.  A stamp that parses formats
 * to a text that parses again to the same stamp (the same text again),
 * with its entries sorted, each path once.
 */
#include "relc/compat.h"

#include "relc/error.h"
#include "relc/stamp.h"
#include "relc/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PATH "fuzz/.relc/stamp"

static void
check_stamp(const struct relc_stamp *st)
{
	size_t i;

	if (st->version != RELC_STAMP_VERSION)
		RELC_BUG("stamp of version %u", st->version);
	if (!*st->relc_version || !*st->name || !*st->vsn || !*st->env)
		RELC_BUG("an empty name");
	if (strlen(st->key) != 64)
		RELC_BUG("a key of %zu digits", strlen(st->key));
	for (i = 0; i < st->nparts; i++)
		if (strlen(st->parts[i].fingerprint) != 32)
			RELC_BUG("a fingerprint of %zu digits",
				 strlen(st->parts[i].fingerprint));
	for (i = 0; i < st->nentries; i++) {
		const struct relc_stamp_entry *e = &st->entries[i];

		if (!strchr("fld", e->type) || !e->type)
			RELC_BUG("an entry of type %d", e->type);
		if (e->mode > 07777)
			RELC_BUG("an entry of mode %o", e->mode);
		if (!*e->path)
			RELC_BUG("an entry without a path");
		if (i && strcmp(st->entries[i - 1].path, e->path) >= 0)
			RELC_BUG("entries not sorted, or one listed twice");
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_strbuf text = RELC_STRBUF_INIT, again = RELC_STRBUF_INIT;
	struct relc_stamp st, back;

	if (relc_stamp_parse(&st, (const char *)data, size, PATH, &err)) {
		struct relc_strbuf msg = RELC_STRBUF_INIT;

		if (!relc_error_isset(&err) || !err.msg.len)
			RELC_BUG("failed without an error message");
		if (!err.path || strcmp(err.path, PATH))
			RELC_BUG("an error not about the stamp");
		if (st.entries || st.parts || st.nentries || st.nparts)
			RELC_BUG("a failed parse left entries behind");
		relc_error_format(&msg, &err);
		if (strchr(msg.buf, '\n'))
			RELC_BUG("a message on more than one line: %s",
				 msg.buf);
		relc_strbuf_release(&msg);
		relc_error_release(&err);
		return 0;
	}
	check_stamp(&st);
	relc_stamp_format(&text, &st);
	if (relc_stamp_parse(&back, text.buf, text.len, PATH, &err))
		RELC_BUG("a formatted stamp does not parse: %s\n%s",
			 err.msg.buf, text.buf);
	check_stamp(&back);
	relc_stamp_format(&again, &back);
	if (strcmp(text.buf, again.buf))
		RELC_BUG("format, parse, format differs:\n%s\n%s", text.buf,
			 again.buf);
	relc_stamp_release(&st);
	relc_stamp_release(&back);
	relc_strbuf_release(&text);
	relc_strbuf_release(&again);
	return 0;
}
