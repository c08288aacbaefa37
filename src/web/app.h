/* app: what a worker process keeps between requests — read-only configuration and a settings cache. */
#ifndef RESTOCK_APP_H
#define RESTOCK_APP_H

#include <sys/stat.h>

#include "bis/subscribe.h"
#include "store/catalog.h"
#include "store/ratemap.h"
#include "store/settings.h"

struct app {
	const char *home;	/* RESTOCK_HOME, fixed for the process */
	struct settings settings;	/* last loaded snapshot */
	int loaded;
	struct stat st;		/* settings.gdbm when it was loaded */
	struct catalog cat;	/* read-only catalog, reopened when sync renames a new one in */
	int cat_open;
	struct stat cat_st;	/* catalog.gdbm when it was opened */
	struct ratemap rates;	/* the shared rate table, mapped on first use */
	struct sub_env env;	/* what bis_subscribe may reuse */
};

void app_init(struct app *a, const char *home);
void app_release(struct app *a);
/*
 * app_settings: the settings, reloaded when settings.gdbm changed since the
 * last load (a stat() per call). Call at most once per request: a reload
 * frees the previous snapshot. NULL on error.
 */
const struct settings *app_settings(struct app *a);

/*
 * app_sub_env: the open catalog and mapped rate table for bis_subscribe
 * (stat()s catalog.gdbm and ratelimit.map; reopens on change). Members are
 * NULL when they could not be opened: bis_subscribe then opens its own.
 * Valid until the next call.
 */
struct sub_env *app_sub_env(struct app *a);

#endif
