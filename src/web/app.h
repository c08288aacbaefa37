/* app: what a worker process keeps between requests — read-only configuration and a settings cache. */
#ifndef RESTOCK_APP_H
#define RESTOCK_APP_H

#include <sys/stat.h>

#include "store/settings.h"

struct app {
	const char *home;	/* RESTOCK_HOME, fixed for the process */
	struct settings settings;	/* last loaded snapshot */
	int loaded;
	struct stat st;		/* settings.gdbm when it was loaded */
};

void app_init(struct app *a, const char *home);
void app_release(struct app *a);
/*
 * app_settings: the settings, reloaded when settings.gdbm changed since the
 * last load (a stat() per call). Call at most once per request: a reload
 * frees the previous snapshot. NULL on error.
 */
const struct settings *app_settings(struct app *a);

#endif
