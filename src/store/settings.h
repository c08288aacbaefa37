/* settings: the merchant's settings, validated by one table shared by restockctl and the admin page. */
#ifndef RESTOCK_SETTINGS_H
#define RESTOCK_SETTINGS_H

#include "core/buf.h"

enum setting_kind {
	SK_INT,		/* integer in [min, max] */
	SK_BOOL,	/* on/off (also accepts true/false/1/0/yes/no) */
	SK_ENUM,	/* one of choices ("a|b|c") */
	SK_STRING,	/* free text up to max bytes, no control chars */
	SK_URL,		/* empty or http(s)://... */
	SK_EMAIL,	/* empty or an email address */
	SK_TRANSPORT,	/* file:DIR | sendmail:PATH | smtp(s)://... */
	SK_TEXT,	/* multi-line text up to max bytes (mapping, sources) */
	SK_SECRET,	/* never printed by "settings" */
};

struct setting_def {
	const char *name;
	enum setting_kind kind;
	const char *def;
	long long min, max;	/* SK_INT range; max bytes for strings */
	const char *choices;	/* SK_ENUM */
	const char *help;	/* one sentence for restockctl and the admin page */
};

/* All known settings, terminated by a NULL name. */
extern const struct setting_def setting_defs[];
const struct setting_def *setting_find(const char *name);

/*
 * settings_validate: check (and normalise into out) a value for a setting.
 * Returns 0, or -1 with a one-line reason in err.
 */
int settings_validate(const struct setting_def *d, const char *value,
		      struct buf *out, struct buf *err);

/* A loaded snapshot of settings.gdbm (read once per request or command). */
struct settings {
	char **names, **values;
	size_t n;
};
/* settings_load: read all settings from HOME. 0, or -1 with err. */
int settings_load(struct settings *s, const char *home, struct buf *err);
void settings_release(struct settings *s);
/* settings_get: the stored value, else the default, else "". Never NULL. */
const char *settings_get(const struct settings *s, const char *name);
long long settings_get_ll(const struct settings *s, const char *name);
int settings_get_bool(const struct settings *s, const char *name);

/* settings_set: validate and store one value. 0, or -1 with err. */
int settings_set(const char *home, const char *name, const char *value,
		 struct buf *err);
/* settings_put_raw: store an internal value (keys, reports) without validation. */
int settings_put_raw(const char *home, const char *name, const char *value,
		     struct buf *err);

#endif
