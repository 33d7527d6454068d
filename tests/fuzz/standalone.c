/*
 * standalone.c: replay fuzz inputs without libFuzzer, so that the corpora
 * run as ordinary tests (libgit2's fuzzers/standalone_driver.c idea).
 * Arguments are files or directories of files.
 */
#include "relc/compat.h"

#include <dirent.h>
#include <sys/stat.h>

#include "relc/error.h"
#include "relc/fsutil.h"
#include "relc/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
run_file(const char *path, size_t *count)
{
	struct relc_strbuf sb = RELC_STRBUF_INIT;
	struct relc_error err = RELC_ERROR_INIT;

	if (relc_fs_read_file(&sb, path, (size_t)1 << 26, 0, &err)) {
		fprintf(stderr, "standalone: %s\n", err.msg.buf);
		relc_error_release(&err);
		return -1;
	}
	LLVMFuzzerTestOneInput((const uint8_t *)sb.buf, sb.len);
	relc_strbuf_release(&sb);
	(*count)++;
	return 0;
}

int
main(int argc, char **argv)
{
	size_t count = 0;
	int i;

	for (i = 1; i < argc; i++) {
		struct relc_error err = RELC_ERROR_INIT;
		char **names;
		size_t n, k;

		if (!relc_fs_is_dir(argv[i])) {
			if (run_file(argv[i], &count))
				return 1;
			continue;
		}
		if (relc_fs_list_dir(&names, &n, argv[i], 0, &err)) {
			fprintf(stderr, "standalone: %s\n", err.msg.buf);
			return 1;
		}
		for (k = 0; k < n; k++) {
			struct relc_strbuf p = RELC_STRBUF_INIT;

			relc_strbuf_addf(&p, "%s/%s", argv[i], names[k]);
			if (run_file(p.buf, &count))
				return 1;
			relc_strbuf_release(&p);
		}
		relc_fs_free_names(names, n);
	}
	printf("replayed %zu inputs\n", count);
	return count ? 0 : 1;
}
