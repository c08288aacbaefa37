/* restockctl: the command-line tool (init, sync, send, run, settings, status, export, check, compact, passwd). */
#include <curl/curl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

#define DEFAULT_HOME "/var/lib/restock"

struct verb {
	const char *name;
	int (*fn)(int, char **, const char *);
	const char *usage;
};

static const struct verb verbs[] = {
	{ "init", cmd_init, "init [--public-key KEY] [--private-key KEY] [--base-url URL]" },
	{ "passwd", cmd_passwd, "passwd            (password on standard input)" },
	{ "sync", cmd_sync, "sync [SOURCE ...]  (path, - or http(s):// URL)" },
	{ "send", cmd_send, "send" },
	{ "run", cmd_run, "run               (sync + send; the cron entry point)" },
	{ "settings", cmd_settings, "settings [KEY [VALUE]]" },
	{ "status", cmd_status, "status" },
	{ "export", cmd_export, "export subscriptions|events|notifications" },
	{ "check", cmd_check, "check [--repair]" },
	{ "compact", cmd_compact, "compact" },
	{ NULL, NULL, NULL },
};

int cli_fail(const char *verb, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "restockctl: %s: ", verb);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

static int usage(FILE *f)
{
	fprintf(f, "usage: restockctl [--home DIR] VERB [ARGS]\n\n"
		   "The home is --home DIR, else $RESTOCK_HOME, else " DEFAULT_HOME ".\n\nverbs:\n");
	for (const struct verb *v = verbs; v->name; v++)
		fprintf(f, "  %s\n", v->usage);
	return f == stderr ? 2 : 0;
}

int main(int argc, char **argv)
{
	const char *home = getenv("RESTOCK_HOME");
	int i = 1;

	while (i < argc && argv[i][0] == '-') {
		if (!strcmp(argv[i], "--home") && i + 1 < argc) {
			home = argv[i + 1];
			i += 2;
		} else if (!strncmp(argv[i], "--home=", 7)) {
			home = argv[i] + 7;
			i++;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			return usage(stdout);
		} else {
			return usage(stderr);
		}
	}
	if (!home || !*home)
		home = DEFAULT_HOME;
	signal(SIGPIPE, SIG_IGN);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (i >= argc)
		return usage(stderr);
	/* "restockctl sync --home X" works too: pick --home out of the verb's args */
	for (int j = i + 1; j < argc; j++) {
		if (!strcmp(argv[j], "--home") && j + 1 < argc) {
			home = argv[j + 1];
			memmove(&argv[j], &argv[j + 2], (size_t)(argc - j - 2) * sizeof(char *));
			argc -= 2;
			j--;
		}
	}
	for (const struct verb *v = verbs; v->name; v++)
		if (!strcmp(v->name, argv[i]))
			return v->fn(argc - i, argv + i, home);
	fprintf(stderr, "restockctl: unknown verb \"%s\"\n", argv[i]);
	return usage(stderr);
}
