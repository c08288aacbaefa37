/* events: the activity log (subscribed, queued, sent, skipped, failed, unsubscribed) in subs.gdbm. */
#ifndef RESTOCK_EVENTS_H
#define RESTOCK_EVENTS_H

#include "core/buf.h"
#include "store/db.h"

#define EV_SUBSCRIBED	"Subscribed to Back in Stock"
#define EV_CONFIRM_SENT	"Confirmation requested"
#define EV_CONFIRMED	"Subscription confirmed"
#define EV_QUEUED	"Notification queued"
#define EV_SENT		"Notification sent"
#define EV_SKIPPED	"Notification skipped"
#define EV_FAILED	"Notification failed"
#define EV_UNSUBSCRIBED	"Unsubscribed"
#define EV_DELETED	"Subscription deleted"

struct event {
	long long n;		/* position in the log (set by events_append) */
	long long time_us;
	char *type;		/* one of EV_* */
	char *email, *variant, *platform;
	unsigned channels;
	char *item_title;
	double item_price;
	int has_price;
	char *reason;		/* skipped/failed reason, or a note */
	char *notification;	/* outbox id, when about a notification */
};

void event_init(struct event *e);
void event_release(struct event *e);
/* events_append: add e to the log (sets e->n). 0 or -1. */
int events_append(struct db *subs, struct event *e);
/* events_get: the n-th event: 1, 0 absent, -1. */
int events_get(struct db *subs, long long n, struct event *e);
/* events_count: how many events have been appended. */
long long events_count(struct db *subs);
/* events_any_subscribed: 1 once a Subscribed to Back in Stock event exists. */
int events_any_subscribed(struct db *subs);

#endif
