/* cmd_init: restockctl init — create the data home, keys and secret (idempotent). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bis/home.h"
#include "cli/cli.h"
#include "store/settings.h"

int cmd_init(int argc, char **argv, const char *home)
{
	struct home_init_opts o = { NULL, NULL, NULL };
	struct buf err = BUF_INIT;
	struct settings s;
	char *abs;

	for (int i = 1; i < argc; i++) {
		const char **slot = NULL;
		if (!strcmp(argv[i], "--public-key"))
			slot = &o.public_key;
		else if (!strcmp(argv[i], "--private-key"))
			slot = &o.private_key;
		else if (!strcmp(argv[i], "--base-url"))
			slot = &o.base_url;
		if (!slot || i + 1 >= argc) {
			fprintf(stderr, "usage: restockctl init [--public-key KEY] [--private-key KEY] [--base-url URL]\n");
			return 2;
		}
		*slot = argv[++i];
	}
	if (home_init(home, &o, &err) < 0 || settings_load(&s, home, &err) < 0) {
		int rc = cli_fail("init", "%s", err.ptr);
		buf_release(&err);
		return rc;
	}
	abs = realpath(home, NULL);
	printf("home:        %s\n", abs ? abs : home);
	printf("public key:  %s\n", settings_get(&s, "public_key"));
	printf("private key: %s\n", settings_get(&s, "private_key"));
	printf("base url:    %s\n", settings_get(&s, "base_url"));
	printf("cron line:   */15 * * * * restockctl --home %s run\n", abs ? abs : home);
	free(abs);
	settings_release(&s);
	buf_release(&err);
	return 0;
}
