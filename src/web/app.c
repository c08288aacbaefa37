/* app: per-process state that outlives a request: settings snapshot, open catalog, rate table. */
#include "web/app.h"

#include <errno.h>
#include <string.h>

#include "core/log.h"
#include "store/db.h"

void app_init(struct app *a, const char *home)
{
	memset(a, 0, sizeof(*a));
	a->home = home;
	a->cat.db.lockfd = -1;
	ratemap_init(&a->rates);
}

static void settings_drop(struct app *a)
{
	if (a->loaded)
		settings_release(&a->settings);
	a->loaded = 0;
}

void app_release(struct app *a)
{
	settings_drop(a);
	if (a->cat_open)
		catalog_close(&a->cat);
	a->cat_open = 0;
	ratemap_close(&a->rates);
}

static int same_file(const struct stat *x, const struct stat *y)
{
	return x->st_ino == y->st_ino && x->st_dev == y->st_dev &&
	       x->st_size == y->st_size &&
	       x->st_mtim.tv_sec == y->st_mtim.tv_sec &&
	       x->st_mtim.tv_nsec == y->st_mtim.tv_nsec;
}

const struct settings *app_settings(struct app *a)
{
	struct buf path = BUF_INIT, err = BUF_INIT;
	struct stat st;

	db_home_path(&path, a->home, DB_SETTINGS);
	if (stat(path.ptr, &st) < 0)
		memset(&st, 0, sizeof(st));	/* no settings yet: defaults */
	buf_release(&path);
	if (a->loaded && same_file(&st, &a->st))
		return &a->settings;
	settings_drop(a);
	if (settings_load(&a->settings, a->home, &err) < 0) {
		log_error("settings: %s", err.ptr);
		buf_release(&err);
		return NULL;
	}
	buf_release(&err);
	a->st = st;
	a->loaded = 1;
	return &a->settings;
}

struct sub_env *app_sub_env(struct app *a)
{
	struct buf path = BUF_INIT, err = BUF_INIT;
	struct stat st;

	a->env.catalog = NULL;
	a->env.rates = NULL;
	db_home_path(&path, a->home, DB_CATALOG);
	if (stat(path.ptr, &st) < 0)
		memset(&st, 0, sizeof(st));	/* no catalog yet: an empty one */
	if (a->cat_open && !same_file(&st, &a->cat_st)) {
		catalog_close(&a->cat);	/* sync renamed a new catalog in */
		a->cat_open = 0;
	}
	if (!a->cat_open) {
		if (catalog_open(&a->cat, a->home, &err) == 0) {
			a->cat_open = 1;
			a->cat_st = st;
		} else {
			log_error("catalog: %s", err.ptr);
			buf_reset(&err);
		}
	}
	if (a->cat_open)
		a->env.catalog = &a->cat;
	if (ratemap_open(&a->rates, a->home, &err) == 0)
		a->env.rates = &a->rates;
	else
		log_error("rates: %s", err.ptr);
	buf_release(&path);
	buf_release(&err);
	return &a->env;
}
