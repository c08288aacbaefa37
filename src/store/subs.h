/* subs: waiting subscriptions as per-variant FIFO queues in subs.gdbm, with dedupe and counters. */
#ifndef RESTOCK_SUBS_H
#define RESTOCK_SUBS_H

#include "core/buf.h"
#include "store/db.h"

/*
 * Keys of subs.gdbm:
 *   q:<variant>\n<seq>     a waiting subscription (struct sub record)
 *   v:<variant>            queue head: head seq, next seq, waiting, wait_until
 *   d:<email_key>\n<variant>  seq of the email's waiting subscription (dedupe)
 *   m:<email_key>          number of waiting subscriptions of the email
 *   M:<email_key>          the variants it waits for, "\n"-separated
 *   x:<email_key>          suppressed (unsubscribed) since unix time
 *   p:<token>              a subscription waiting for double opt-in
 *   P:<n> / #pn / #pcur    pending confirmations in creation order (purge)
 *   r:<kind>:<key>         rate-limit window (see ratelimit_hit)
 *   E:<n> / #en            events in order (store/events.h)
 *   D:<yyyy-mm-dd>:<what>  per-day counters (s subscribed, q queued, n sent)
 *   #waiting #variants #subscribed   totals kept up to date on write
 *
 * waiting.gdbm holds one key per variant that has waiters, so the restock
 * engine visits only those. A key is added before the first subscription is
 * written and removed after the last one is released, so the index may
 * briefly list a variant with no waiters but never misses one.
 */

enum sub_channel {
	CH_EMAIL = 1,
	CH_SMS = 2,
	CH_PUSH = 4,
	CH_WHATSAPP = 8,
};

struct sub {
	char *email;		/* as given, trimmed */
	char *email_key;	/* lowercased: the dedupe key */
	char *variant;
	char *phone, *external_id;
	char *platform;		/* "api" for the form endpoints, "jsonapi" ... */
	char *product, *store, *g;	/* optional form fields, kept */
	unsigned channels;
	int newsletter;
	long long created_us;	/* subscription time, microseconds */
	long long seq;		/* position in the variant's queue */
	/* item at subscription time (for the event and the admin page) */
	char *item_title;
	double item_price;
};

struct variant_head {
	long long head;		/* seq of the oldest waiter (may be a gap) */
	long long next;		/* seq the next subscription gets */
	long long waiting;	/* waiters in the queue */
	long long wait_until;	/* per_unit: no release before this unix time */
	long long released;	/* notifications released so far */
};

void sub_init(struct sub *s);
void sub_release(struct sub *s);
void sub_encode(const struct sub *s, struct buf *out);
int sub_decode(struct sub *s, const char *data, size_t len);

/* email_key: lowercase copy of an email for dedupe (caller frees). */
char *email_key(const char *email);
/*
 * sub_identity: the dedupe identity of a subscriber: the email key, else
 * "tel:<phone>", else "ext:<external id>" (caller frees).
 */
char *sub_identity(const char *email, const char *phone, const char *external_id);

/* variant_head_get: fills h (zeros when absent). 1 found, 0 absent, -1 error. */
int variant_head_get(struct db *db, const char *variant, struct variant_head *h);
int variant_head_put(struct db *db, const char *variant, const struct variant_head *h);

/* subs_find: seq of the email's waiting subscription on variant: 1 (seq set), 0, -1. */
int subs_find(struct db *db, const char *email_key, const char *variant,
	      long long *seq);
/*
 * subs_enqueue: append s at the tail of its variant's queue (sets s->seq),
 * write the dedupe entry and counters. The caller has checked for a
 * duplicate and added the variant to waiting.gdbm. 0 or -1.
 */
int subs_enqueue(struct db *db, struct sub *s);
/* subs_get: the subscription at (variant, seq): 1, 0 (gap), -1. */
int subs_get(struct db *db, const char *variant, long long seq, struct sub *s);
/*
 * subs_remove: delete the subscription at (variant, seq) with its dedupe
 * entry and counters. Advances the head past gaps. 1 removed, 0 absent, -1.
 */
int subs_remove(struct db *db, const char *variant, long long seq);
/*
 * subs_put_back: return a released subscription to its original place at
 * the head of the line (recheck_before_send). If the email subscribed
 * again meanwhile, that newer subscription is dropped: the earlier place
 * wins. 0 or -1.
 */
int subs_put_back(struct db *db, struct sub *s);
/* subs_next: the first waiting seq >= from: 1 (seq set), 0 none, -1. */
int subs_next(struct db *db, const char *variant, long long from,
	      long long *seq);

/* subs_of_email: the variants email_key waits for, "\n"-separated, into variants. 0 or -1. */
int subs_of_email(struct db *db, const char *email_key, struct buf *variants);

/* Suppression list. */
int subs_suppressed(struct db *db, const char *email_key);
int subs_suppress(struct db *db, const char *email_key, long long now);
int subs_unsuppress(struct db *db, const char *email_key);

/* waiting.gdbm: variants with waiters. */
int waiting_add(const char *home, const char *variant, struct buf *err);
int waiting_remove(const char *home, const char *variant, struct buf *err);

/* Per-day counters: day is "YYYY-MM-DD" of unix time t (UTC). */
void day_key(struct buf *out, long long t, const char *what);
int day_count(struct db *db, long long t, const char *what, long long delta);

#endif
