/* jsonapi: Klaviyo JSON:API back-in-stock subscription bodies and error documents. */
#ifndef RESTOCK_JSONAPI_H
#define RESTOCK_JSONAPI_H

#include <stddef.h>

#include "core/buf.h"

#define JSONAPI_CH_EMAIL	1u
#define JSONAPI_CH_SMS		2u
#define JSONAPI_CH_PUSH		4u
#define JSONAPI_CH_WHATSAPP	8u

#define JSONAPI_VARIANT_PREFIX	"$custom:::$default:::"

/* A valid subscription request; absent members are NULL. */
struct jsonapi_sub {
	char *email;		/* trimmed, email_valid() */
	char *phone;		/* trimmed, phone_e164_valid() */
	char *external_id;	/* trimmed, no control characters */
	char *variant_id;	/* the id after JSONAPI_VARIANT_PREFIX */
	unsigned channels;	/* JSONAPI_CH_* bits */
};

#define JSONAPI_SUB_INIT { NULL, NULL, NULL, NULL, 0 }

struct jsonapi_error {
	int status;		/* HTTP status, e.g. 400 */
	char *code;		/* e.g. "invalid" */
	char *title;		/* e.g. "Invalid input." */
	char *detail;		/* a human sentence */
	char *pointer;		/* JSON pointer of the bad member, or NULL */
};

struct jsonapi_errors {
	struct jsonapi_error *v;
	size_t nr, alloc;
};

#define JSONAPI_ERRORS_INIT { NULL, 0, 0 }

/* jsonapi_sub_init: make an empty subscription. */
void jsonapi_sub_init(struct jsonapi_sub *s);
/* jsonapi_sub_release: free the strings and re-initialise. */
void jsonapi_sub_release(struct jsonapi_sub *s);

/* jsonapi_errors_init: make an empty error list. */
void jsonapi_errors_init(struct jsonapi_errors *e);
/* jsonapi_errors_release: free every error and re-initialise. */
void jsonapi_errors_release(struct jsonapi_errors *e);
/* jsonapi_errors_add: append an error; the strings are copied (pointer may be NULL). */
void jsonapi_errors_add(struct jsonapi_errors *e, int status, const char *code,
			const char *title, const char *detail,
			const char *pointer);

/*
 * jsonapi_parse_subscription: parse and validate a back-in-stock
 * subscription body:
 *   {"data":{"type":"back-in-stock-subscription","attributes":{
 *     "channels":["EMAIL",...],"profile":{"data":{"type":"profile",
 *     "attributes":{"email":..,"phone_number":..,"external_id":..}}}},
 *     "relationships":{"variant":{"data":{"type":"catalog-variant",
 *     "id":"$custom:::$default:::<id>"}}}}}
 *
 * Every invalid member is reported (status 400, code "invalid", title
 * "Invalid input.", the member's JSON pointer; "/" when the body is not
 * JSON, nests deeper than MAX_JSONAPI_DEPTH or is not an object). A member
 * given twice is invalid. A null, empty or blank email, phone_number or
 * external_id counts as absent. Unknown members are ignored.
 *
 * Returns 0 with out filled (caller releases it with jsonapi_sub_release);
 * 400 with errors appended to errs and out left empty; 413 (errs untouched,
 * out empty) when len > MAX_BODY_BYTES. out must be initialised.
 */
int jsonapi_parse_subscription(const char *body, size_t len,
			       struct jsonapi_sub *out,
			       struct jsonapi_errors *errs);

/*
 * jsonapi_errors_write: append to out the JSON:API error document
 * {"errors":[{"id","status","code","title","detail","source":{"pointer"}}]}
 * for errs; "id" is a fresh random UUID v4, "status" a number, and "source"
 * is left out for an error without a pointer.
 */
void jsonapi_errors_write(const struct jsonapi_errors *errs, struct buf *out);

/*
 * jsonapi_error_write: append to out a document holding one error, e.g.
 * (401, "not_authenticated", ...), (403, "permission_denied", ...),
 * (429, "throttled", ...). pointer may be NULL.
 */
void jsonapi_error_write(struct buf *out, int status, const char *code,
			 const char *title, const char *detail,
			 const char *pointer);

#endif
