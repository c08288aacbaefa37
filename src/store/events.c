/* events: append-only, numbered activity records. */
#include "store/events.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rec.h"

enum {
	EV_REC_VERSION = 1,
	T_TIME = 't', T_TYPE = 'y', T_EMAIL = 'e', T_VARIANT = 'v',
	T_PLATFORM = 'p', T_CHANNELS = 'c', T_TITLE = 'i', T_PRICE = 'r',
	T_REASON = 'R', T_NOTIF = 'n',
};

void event_init(struct event *e)
{
	memset(e, 0, sizeof(*e));
}

void event_release(struct event *e)
{
	free(e->type);
	free(e->email);
	free(e->variant);
	free(e->platform);
	free(e->item_title);
	free(e->reason);
	free(e->notification);
	event_init(e);
}

int events_append(struct db *db, struct event *e)
{
	struct buf v = BUF_INIT;
	char k[40];
	int rc;

	e->n = db_add_ll(db, "#en", 1) - 1;
	if (e->n < 0)
		return -1;
	rec_begin(&v, EV_REC_VERSION);
	rec_put_ll(&v, T_TIME, e->time_us);
	rec_put_str(&v, T_TYPE, e->type);
	rec_put_str(&v, T_EMAIL, e->email);
	rec_put_str(&v, T_VARIANT, e->variant);
	rec_put_str(&v, T_PLATFORM, e->platform);
	if (e->channels)
		rec_put_ll(&v, T_CHANNELS, e->channels);
	rec_put_str(&v, T_TITLE, e->item_title);
	if (e->has_price)
		rec_put_dbl(&v, T_PRICE, e->item_price);
	rec_put_str(&v, T_REASON, e->reason);
	rec_put_str(&v, T_NOTIF, e->notification);
	snprintf(k, sizeof(k), "E:%lld", e->n);
	rc = db_put(db, k, strlen(k), v.ptr, v.len);
	if (rc == 0 && e->type && !strcmp(e->type, EV_SUBSCRIBED) &&
	    !db_exists(db, "#any_sub", 8))
		rc = db_puts(db, "#any_sub", "1");
	buf_release(&v);
	return rc;
}

int events_get(struct db *db, long long n, struct event *e)
{
	struct buf v = BUF_INIT;
	struct rec_reader r;
	unsigned char tag;
	const char *d;
	size_t len;
	char k[40];
	int rc, more;

	event_release(e);
	snprintf(k, sizeof(k), "E:%lld", n);
	rc = db_get(db, k, strlen(k), &v);
	if (rc != 1)
		goto out;
	if (rec_reader_init(&r, v.ptr, v.len) < 0) {
		rc = -1;
		goto out;
	}
	e->n = n;
	while ((more = rec_next(&r, &tag, &d, &len)) == 1) {
		char **slot = NULL;
		switch (tag) {
		case T_TIME: e->time_us = rec_ll(d, len); break;
		case T_CHANNELS: e->channels = (unsigned)rec_ll(d, len); break;
		case T_PRICE: e->item_price = rec_dbl(d, len); e->has_price = 1; break;
		case T_TYPE: slot = &e->type; break;
		case T_EMAIL: slot = &e->email; break;
		case T_VARIANT: slot = &e->variant; break;
		case T_PLATFORM: slot = &e->platform; break;
		case T_TITLE: slot = &e->item_title; break;
		case T_REASON: slot = &e->reason; break;
		case T_NOTIF: slot = &e->notification; break;
		}
		if (slot) {
			free(*slot);
			*slot = xstrndup(d, len);
		}
	}
	if (more < 0)
		rc = -1;
out:
	buf_release(&v);
	return rc;
}

long long events_count(struct db *db)
{
	return db_get_ll(db, "#en", 0);
}

int events_any_subscribed(struct db *db)
{
	return db_exists(db, "#any_sub", 8);
}
