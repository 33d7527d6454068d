/*
 * fuzz_config.c: the YAML config loader and schema checks.  Every input is
 * either a config or one error with a position inside the input.
 */
#include "relc/compat.h"

#include "relc/config.h"
#include "relc/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct relc_error err = RELC_ERROR_INIT;
	struct relc_config *cfg = NULL;

	if (relc_config_parse(&cfg, (const char *)data, size, "fuzz.yaml",
			      &err)) {
		if (!relc_error_isset(&err) || !err.msg.len)
			RELC_BUG("failed without an error message");
	} else {
		const struct relc_release_config *rel;
		struct relc_settings s;
		const char *env;

		relc_config_select(&rel, &env, &s, cfg, NULL, NULL, NULL, &err);
		relc_config_free(cfg);
	}
	relc_error_release(&err);
	return 0;
}
