/* cli: the restockctl verbs, one file each (cmd_<verb>.c), dispatched from main.c. */
#ifndef RESTOCK_CLI_H
#define RESTOCK_CLI_H

/*
 * Each verb gets its own arguments (argv[0] is the verb) and the resolved
 * home directory. It returns the process exit status: 0 success, 1 failure
 * (one-line reason on stderr), 2 usage error.
 */
int cmd_init(int argc, char **argv, const char *home);
int cmd_passwd(int argc, char **argv, const char *home);
int cmd_sync(int argc, char **argv, const char *home);
int cmd_send(int argc, char **argv, const char *home);
int cmd_run(int argc, char **argv, const char *home);
int cmd_settings(int argc, char **argv, const char *home);
int cmd_status(int argc, char **argv, const char *home);
int cmd_export(int argc, char **argv, const char *home);
int cmd_check(int argc, char **argv, const char *home);
int cmd_compact(int argc, char **argv, const char *home);

/* cli_fail: print "restockctl: VERB: message" to stderr, return 1. */
int cli_fail(const char *verb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
