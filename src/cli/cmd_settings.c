/* cmd_settings: restockctl settings [KEY [VALUE]] — print or set validated settings. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "store/settings.h"

static void print_one(const struct settings *s, const struct setting_def *d)
{
	const char *v = d->kind == SK_SECRET ? "(hidden)" : settings_get(s, d->name);
	if (d->kind == SK_TEXT && strchr(v, '\n')) {
		printf("%s =\n", d->name);
		for (const char *p = v; *p;) {
			const char *nl = strchr(p, '\n');
			int n = nl ? (int)(nl - p) : (int)strlen(p);
			printf("    %.*s\n", n, p);
			p = nl ? nl + 1 : p + n;
		}
		return;
	}
	printf("%s = %s\n", d->name, v);
}

int cmd_settings(int argc, char **argv, const char *home)
{
	struct settings s;
	struct buf err = BUF_INIT;
	int rc = 0;

	if (argc > 3) {
		fprintf(stderr, "usage: restockctl settings [KEY [VALUE]]\n");
		return 2;
	}
	if (argc == 3) {
		const struct setting_def *d = setting_find(argv[1]);
		if (d && d->kind == SK_SECRET && strcmp(d->name, "private_key")) {
			rc = cli_fail("settings", "%s cannot be set here", d->name);
		} else if (settings_set(home, argv[1], argv[2], &err) < 0) {
			rc = cli_fail("settings", "%s", err.ptr);
		}
		buf_release(&err);
		if (rc)
			return rc;
	}
	if (settings_load(&s, home, &err) < 0) {
		rc = cli_fail("settings", "%s", err.ptr);
		buf_release(&err);
		return rc;
	}
	if (argc >= 2) {
		const struct setting_def *d = setting_find(argv[1]);
		if (!d)
			rc = cli_fail("settings", "unknown setting \"%s\"", argv[1]);
		else if (argc == 2)
			printf("%s\n", d->kind == SK_SECRET ? "(hidden)" : settings_get(&s, d->name));
	} else {
		for (const struct setting_def *d = setting_defs; d->name; d++)
			print_one(&s, d);
	}
	settings_release(&s);
	buf_release(&err);
	return rc;
}
