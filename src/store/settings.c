/* settings: the settings table, its validation, and storage in settings.gdbm. */
#include "store/settings.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "store/db.h"


const struct setting_def setting_defs[] = {
	/* identity (written by restockctl init) */
	{ "public_key", SK_STRING, "", 0, 64, NULL,
	  "The public API key (the \"a\" field and company_id) storefronts send." },
	{ "private_key", SK_SECRET, "", 0, 128, NULL,
	  "The private API key for POST /api/back-in-stock-subscriptions." },
	{ "base_url", SK_URL, "http://127.0.0.1:8080", 0, 2048, NULL,
	  "Public URL of restock, used for links in emails (unsubscribe, confirm)." },

	/* Back in Stock Settings (SPEC 4) */
	{ "min_inventory", SK_INT, "1", 1, 1000000000, NULL,
	  "An item counts as back in stock when its quantity is at least this." },
	{ "notify_mode", SK_ENUM, "all", 0, 0, "all|per_unit",
	  "all: notify every waiting subscriber at once; per_unit: notify customers_per_unit per unit in stock." },
	{ "customers_per_unit", SK_INT, "1", 1, 1000000, NULL,
	  "With per_unit, how many waiting subscribers are notified per unit in stock." },
	{ "wait_minutes", SK_INT, "60", 0, 525600, NULL,
	  "With per_unit, minutes between batches; restocks during a wait are acted on at its end." },
	{ "recheck_before_send", SK_BOOL, "on", 0, 0, NULL,
	  "At delivery, skip a notification whose item fell below min_inventory and put the subscriber back at the head of the line." },
	{ "double_opt_in", SK_BOOL, "off", 0, 0, NULL,
	  "A new subscription waits for a confirmation link before it counts." },
	{ "unconfirmed_purge_days", SK_INT, "7", 1, 365, NULL,
	  "Unconfirmed subscriptions (double opt-in) are deleted after this many days." },

	/* catalog feed (SPEC 2) */
	{ "feed_sources", SK_TEXT, "", 0, 16384, NULL,
	  "Feed sources, one per line: a path or an http(s):// URL." },
	{ "feed_format", SK_ENUM, "auto", 0, 0, "auto|xml|json",
	  "Feed format; auto detects it from the content." },
	{ "feed_item_element", SK_STRING, "", 0, 256, NULL,
	  "XML element holding one item; empty detects the most repeated one." },
	{ "feed_preset", SK_ENUM, "auto", 0, 0, "auto|default|google",
	  "Field mapping preset; auto picks google when the feed has g: fields." },
	{ "feed_mapping", SK_TEXT, "", 0, 65536, NULL,
	  "Mapping overrides, one per line: feed_field=$klaviyo_field:Type (Type: String, Number, Boolean, Date, List)." },
	{ "feed_max_bytes", SK_INT, "104857600", 1024, 10737418240LL, NULL,
	  "Largest feed accepted per source, in bytes." },
	{ "feed_allowed_hosts", SK_TEXT, "", 0, 4096, NULL,
	  "Hosts feed URLs may point at when they resolve to private or loopback addresses, one per line." },

	/* email */
	{ "store_name", SK_STRING, "My Store", 1, 200, NULL,
	  "The store name shown in emails." },
	{ "mail_from", SK_EMAIL, "store@example.com", 0, 254, NULL,
	  "Sender address of notifications." },
	{ "mail_from_name", SK_STRING, "", 0, 200, NULL,
	  "Sender name of notifications; empty uses the store name." },
	{ "mail_transport", SK_TRANSPORT, "file:mail", 0, 2048, NULL,
	  "file:DIR (one .eml per message; relative to the home), sendmail:PATH, or smtp(s)://[user:pass@]host:port." },
	{ "webhook_url", SK_URL, "", 0, 2048, NULL,
	  "If set, every notification is also POSTed here as JSON, signed with HMAC-SHA256." },
	{ "utm", SK_BOOL, "on", 0, 0, NULL,
	  "Add utm_source=restock&utm_medium=email&utm_campaign=back-in-stock to product links." },
	{ "send_max_attempts", SK_INT, "6", 1, 50, NULL,
	  "Delivery attempts before a notification is marked failed." },
	{ "send_backoff_seconds", SK_INT, "60", 1, 86400, NULL,
	  "First retry delay; each further retry waits twice as long." },

	/* abuse limits (SPEC 3.3) */
	{ "rate_ip_per_minute", SK_INT, "30", 0, 100000, NULL,
	  "Subscribe requests allowed per client IP per minute (0 turns the limit off)." },
	{ "rate_email_per_hour", SK_INT, "20", 0, 100000, NULL,
	  "Subscribe requests allowed per email address per hour (0 turns the limit off)." },
	{ "max_waiting_per_email", SK_INT, "100", 0, 100000, NULL,
	  "Waiting subscriptions one email address may hold (0: no cap)." },
	{ "honeypot_field", SK_STRING, "", 0, 64, NULL,
	  "Name of a hidden form field on the onsite endpoint; a request that fills it is dropped silently." },
	{ "cors_origins", SK_TEXT, "", 0, 4096, NULL,
	  "Origins allowed to call the browser endpoints, one per line; empty allows any (*)." },

	/* admin */
	{ "admin_password", SK_SECRET, "", 0, 512, NULL,
	  "yescrypt hash of the admin password (set with restockctl passwd)." },
	{ "session_idle_minutes", SK_INT, "30", 1, 1440, NULL,
	  "An admin session ends after this many idle minutes." },
	{ "session_max_hours", SK_INT, "12", 1, 720, NULL,
	  "An admin session ends this many hours after login." },
	{ NULL, 0, NULL, 0, 0, NULL, NULL },
};

const struct setting_def *setting_find(const char *name)
{
	for (const struct setting_def *d = setting_defs; d->name; d++)
		if (!strcmp(d->name, name))
			return d;
	return NULL;
}

static int has_ctl(const char *s, int allow_newline)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c < 0x20 && !(allow_newline && (c == '\n' || c == '\r' || c == '\t'))) || c == 0x7f)
			return 1;
	}
	return 0;
}

static int parse_bool(const char *v, int *out)
{
	static const char *yes[] = { "on", "true", "1", "yes", NULL };
	static const char *no[] = { "off", "false", "0", "no", NULL };
	for (int i = 0; yes[i]; i++)
		if (!strcasecmp(v, yes[i]))
			return *out = 1, 0;
	for (int i = 0; no[i]; i++)
		if (!strcasecmp(v, no[i]))
			return *out = 0, 0;
	return -1;
}

static int enum_has(const char *choices, const char *v)
{
	size_t n = strlen(v);
	const char *p = choices;
	while (p && *p) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);
		if (len == n && !memcmp(p, v, n))
			return 1;
		p = bar ? bar + 1 : NULL;
	}
	return 0;
}

static int simple_email(const char *v)
{
	const char *at = strchr(v, '@');
	return at && at != v && !strchr(at + 1, '@') && strchr(at + 1, '.') &&
	       !strchr(v, ' ') && at[1] != '.';
}

int settings_validate(const struct setting_def *d, const char *value,
		      struct buf *out, struct buf *err)
{
	buf_reset(out);
	buf_adds(out, value);
	if (d->kind != SK_TEXT)
		buf_trim(out);
	const char *v = out->ptr;

	if (has_ctl(v, d->kind == SK_TEXT)) {
		buf_addf(err, "%s: control characters are not allowed", d->name);
		return -1;
	}
	switch (d->kind) {
	case SK_INT: {
		char *end;
		errno = 0;
		long long n = strtoll(v, &end, 10);
		if (!*v || *end || errno) {
			buf_addf(err, "%s: \"%s\" is not a whole number", d->name, v);
			return -1;
		}
		if (n < d->min || n > d->max) {
			buf_addf(err, "%s: must be between %lld and %lld", d->name,
				 d->min, d->max);
			return -1;
		}
		buf_reset(out);
		buf_addf(out, "%lld", n);
		return 0;
	}
	case SK_BOOL: {
		int b;
		if (parse_bool(v, &b) < 0) {
			buf_addf(err, "%s: must be on or off", d->name);
			return -1;
		}
		buf_reset(out);
		buf_adds(out, b ? "on" : "off");
		return 0;
	}
	case SK_ENUM:
		if (!enum_has(d->choices, v)) {
			buf_addf(err, "%s: must be one of %s", d->name, d->choices);
			return -1;
		}
		return 0;
	case SK_URL:
		if (*v && strncmp(v, "http://", 7) && strncmp(v, "https://", 8)) {
			buf_addf(err, "%s: must start with http:// or https://", d->name);
			return -1;
		}
		if (strchr(v, ' ')) {
			buf_addf(err, "%s: a URL cannot contain spaces", d->name);
			return -1;
		}
		break;
	case SK_EMAIL:
		if (*v && !simple_email(v)) {
			buf_addf(err, "%s: \"%s\" is not an email address", d->name, v);
			return -1;
		}
		break;
	case SK_TRANSPORT:
		if (strncmp(v, "file:", 5) && strncmp(v, "sendmail:", 9) &&
		    strncmp(v, "smtp://", 7) && strncmp(v, "smtps://", 8)) {
			buf_addf(err, "%s: must be file:DIR, sendmail:PATH, smtp://host:port or smtps://host:port", d->name);
			return -1;
		}
		if ((!strncmp(v, "file:", 5) && !v[5]) ||
		    (!strncmp(v, "sendmail:", 9) && v[9] != '/')) {
			buf_addf(err, "%s: file: needs a directory, sendmail: an absolute path", d->name);
			return -1;
		}
		break;
	default:
		break;
	}
	if ((long long)out->len > d->max || (long long)out->len < d->min) {
		buf_addf(err, "%s: must be %lld to %lld bytes long", d->name,
			 d->min, d->max);
		return -1;
	}
	return 0;
}

int settings_load(struct settings *s, const char *home, struct buf *err)
{
	struct db db;
	struct db_iter it;
	struct buf val = BUF_INIT;
	size_t alloc = 0;

	memset(s, 0, sizeof(*s));
	if (db_open(&db, home, DB_SETTINGS, DB_READ, err) < 0)
		return errno == ENOENT ? (buf_reset(err), 0) : -1;
	for (int more = db_iter_first(&db, &it); more; more = db_iter_next(&db, &it)) {
		if (db_get(&db, it.key.dptr, (size_t)it.key.dsize, &val) != 1)
			continue;
		if (s->n == alloc) {
			alloc = alloc ? alloc * 2 : 32;
			s->names = xrealloc(s->names, alloc * sizeof(char *));
			s->values = xrealloc(s->values, alloc * sizeof(char *));
		}
		s->names[s->n] = xstrndup(it.key.dptr, (size_t)it.key.dsize);
		s->values[s->n] = xstrndup(val.ptr, val.len);
		s->n++;
	}
	db_iter_release(&it);
	db_close(&db);
	buf_release(&val);
	return 0;
}

void settings_release(struct settings *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->names[i]);
		free(s->values[i]);
	}
	free(s->names);
	free(s->values);
	memset(s, 0, sizeof(*s));
}

const char *settings_get(const struct settings *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->names[i], name))
			return s->values[i];
	const struct setting_def *d = setting_find(name);
	return d ? d->def : "";
}

long long settings_get_ll(const struct settings *s, const char *name)
{
	return strtoll(settings_get(s, name), NULL, 10);
}

int settings_get_bool(const struct settings *s, const char *name)
{
	int b = 0;
	parse_bool(settings_get(s, name), &b);
	return b;
}

int settings_put_raw(const char *home, const char *name, const char *value,
		     struct buf *err)
{
	struct db db;
	int rc;
	if (db_open(&db, home, DB_SETTINGS, DB_WRITE, err) < 0)
		return -1;
	rc = db_puts(&db, name, value);
	if (rc < 0)
		buf_addf(err, "%s: %s", name, db_error(&db));
	db_close(&db);
	return rc;
}

int settings_set(const char *home, const char *name, const char *value,
		 struct buf *err)
{
	const struct setting_def *d = setting_find(name);
	struct buf norm = BUF_INIT;
	int rc = -1;
	if (!d) {
		buf_addf(err, "unknown setting \"%s\"", name);
		return -1;
	}
	if (settings_validate(d, value, &norm, err) == 0)
		rc = settings_put_raw(home, name, norm.ptr, err);
	buf_release(&norm);
	return rc;
}
