/* cmd_passwd: restockctl passwd — set the admin password from one line of standard input. */
#include <stdio.h>
#include <string.h>

#include "bis/password.h"
#include "cli/cli.h"
#include "store/settings.h"

int cmd_passwd(int argc, char **argv, const char *home)
{
	char line[PASSWORD_MAX_BYTES + 2];
	struct buf hash = BUF_INIT, err = BUF_INIT;
	int rc = 0;

	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: echo PASSWORD | restockctl passwd\n");
		return 2;
	}
	if (!fgets(line, sizeof(line), stdin))
		return cli_fail("passwd", "no password on standard input");
	line[strcspn(line, "\r\n")] = '\0';
	if (password_hash(line, &hash, &err) < 0 ||
	    settings_put_raw(home, "admin_password", hash.ptr, &err) < 0)
		rc = cli_fail("passwd", "%s", err.ptr);
	else
		printf("passwd: admin password set\n");
	memset(line, 0, sizeof(line));
	buf_release(&hash);
	buf_release(&err);
	return rc;
}
