/* outbox: notifications waiting for, or done with, delivery (outbox.gdbm). */
#ifndef RESTOCK_OUTBOX_H
#define RESTOCK_OUTBOX_H

#include "core/buf.h"
#include "store/db.h"

/*
 * Keys of outbox.gdbm:
 *   o:<id>            notification record (id = creation number)
 *   k:<dedupe key>    id of the notification made for that key, so that
 *                     re-running an interrupted release never queues twice
 *                     (restock: "<variant>\n<subscription seq>")
 *   #on               next id
 *   #pcur             no notification below this id is pending
 *   #n:<state>        notifications per state, kept on every write
 */

enum notif_state {
	NS_PENDING = 'p',
	NS_SENT = 's',
	NS_FAILED = 'f',
	NS_SKIPPED = 'k',
};

enum notif_kind {
	NK_RESTOCK = 'r',	/* back in stock alert */
	NK_CONFIRM = 'c',	/* double opt-in confirmation */
	NK_TEST = 't',		/* "send a test email" from the admin page */
};

struct notif {
	long long id;
	char kind;		/* enum notif_kind */
	char state;		/* enum notif_state */
	char *email;
	char *variant;
	struct buf sub;		/* the released subscription's record (store/subs.h) */
	char *token;		/* NK_CONFIRM: the pending subscription's token */
	unsigned channels;
	int attempts;
	long long created, updated, next_at;	/* unix seconds */
	char *last_error;	/* failed/skipped reason, or last temporary error */
	char *message_id;
};

void notif_init(struct notif *n);
void notif_release(struct notif *n);
const char *notif_state_name(char state);	/* "pending", "sent", ... */
int notif_state_parse(const char *name);	/* state char, or -1 */

/*
 * outbox_add: append n (sets id, created, state pending). With a dedupe
 * key, a second add for the same key returns 0 and n->id of the first.
 * Returns 1 added, 0 already there, -1 error.
 */
int outbox_add(struct db *ob, struct notif *n, const char *dedupe_key);
/* outbox_get: 1, 0 absent, -1 error. */
int outbox_get(struct db *ob, long long id, struct notif *n);
/* outbox_put: write n back, keeping the per-state counters right. 0 or -1. */
int outbox_put(struct db *ob, struct notif *n);
long long outbox_count(struct db *ob, char state);
long long outbox_next_id(struct db *ob);
/* outbox_cursor / outbox_set_cursor: the first id that may still be pending. */
long long outbox_cursor(struct db *ob);
int outbox_set_cursor(struct db *ob, long long id);

#endif
