/* app: per-process state that outlives a request: the settings snapshot, refreshed on change. */
#include "web/app.h"

#include <errno.h>
#include <string.h>

#include "core/log.h"
#include "store/db.h"

void app_init(struct app *a, const char *home)
{
	memset(a, 0, sizeof(*a));
	a->home = home;
}

void app_release(struct app *a)
{
	if (a->loaded)
		settings_release(&a->settings);
	a->loaded = 0;
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
	app_release(a);
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
