/* subscribe: the one subscribe path behind all four endpoints (SPEC 3.3). */
#ifndef RESTOCK_SUBSCRIBE_H
#define RESTOCK_SUBSCRIBE_H

#include "core/buf.h"
#include "store/settings.h"

enum sub_source {
	SRC_API_V1,	/* POST /api/v1/catalog/subscribe */
	SRC_ONSITE,	/* POST /onsite/components/back-in-stock/subscribe */
	SRC_CLIENT,	/* POST /client/back-in-stock-subscriptions */
	SRC_SERVER,	/* POST /api/back-in-stock-subscriptions */
};

/* A decoded request: the endpoints fill this from their wire format. */
struct sub_request {
	enum sub_source source;
	const char *email;	/* may be NULL for JSON:API with phone/external_id */
	const char *phone;
	const char *external_id;
	const char *variant;	/* the item $id */
	unsigned channels;	/* CH_* of store/subs.h; 0 = EMAIL */
	const char *platform;	/* "api" (form endpoints) */
	const char *product, *store, *g;
	int newsletter;
	const char *client_ip;
};

enum sub_status {
	SUB_ACCEPTED,		/* journalled: applied (dedupe, suppression, cap, event) in order */
	SUB_PENDING,		/* journalled, double opt-in: kept pending when applied */
	SUB_DUPLICATE,		/* already waiting: nothing changed (found when checking the cap) */
	SUB_UNKNOWN_VARIANT,	/* not in the catalog: nothing stored */
	SUB_SUPPRESSED,		/* on the suppression list: nothing stored (found when checking the cap) */
	SUB_DROPPED,		/* honeypot filled: nothing stored */
	SUB_INVALID_EMAIL,
	SUB_INVALID_PHONE,
	SUB_RATE_LIMITED,	/* retry_after set */
	SUB_CAP_REACHED,	/* max_waiting_per_email */
	SUB_ERROR,		/* storage failure: 503 */
};

struct sub_outcome {
	enum sub_status status;
	long retry_after;	/* seconds, for SUB_RATE_LIMITED / SUB_CAP_REACHED */
	char *email;		/* trimmed email as given (NULL when none); caller frees via sub_outcome_release */
};

/*
 * What a long-lived caller (a FastCGI worker, web/app.h) keeps open between
 * calls. Either member may be NULL: it is then opened for the call.
 */
struct catalog;
struct ratemap;
struct sub_env {
	struct catalog *catalog;	/* an open catalog (store/catalog.h) */
	struct ratemap *rates;		/* a mapped rate table (store/ratemap.h) */
};

/*
 * bis_subscribe: validate, rate-limit and journal one subscription
 * (store/journal.h); dedupe, suppression, the cap and its "Subscribed to
 * Back in Stock" event are applied from the journal in order. Answers
 * depend only on validation, the limits and whether the journal write
 * succeeded. Never fails open: when the rate limiter cannot be consulted
 * the request is refused (SUB_ERROR). env may be NULL.
 */
void bis_subscribe(const char *home, const struct settings *s,
		   const struct sub_request *rq, struct sub_env *env,
		   struct sub_outcome *out);
void sub_outcome_release(struct sub_outcome *o);

/*
 * bis_confirm: confirm a double opt-in token (from the confirmation link).
 * Returns 1 confirmed now, 0 already confirmed or unknown, -2 tampered
 * token, -1 error.
 */
int bis_confirm(const char *home, const struct settings *s, const char *token);

#endif
