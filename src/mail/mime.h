/* mime: build one RFC 5322 / MIME notification message (multipart/alternative, CRLF, header-injection safe). */
#ifndef RESTOCK_MAIL_MIME_H
#define RESTOCK_MAIL_MIME_H

#include <stddef.h>
#include <time.h>

#include "core/buf.h"
#include "core/limits.h"


/* One extra header, e.g. { "X-Restock-Notification", "42" }. */
struct mail_header {
	const char *name;	/* letters, digits, '-'; not one mime_build writes */
	const char *value;	/* any text; cleaned and encoded like Subject */
};

/*
 * A message to build. Strings are UTF-8 and NUL-terminated, owned by the
 * caller; optional fields may be NULL.
 */
struct mail_msg {
	const char *from_name;	/* optional display name: cleaned, quoted or RFC 2047 encoded */
	const char *from_addr;	/* required addr-spec (mail_addr_valid) */
	const char *to_addr;	/* required addr-spec */
	const char *subject;	/* feed data welcome: CR/LF/controls become spaces */
	const char *text_body;	/* required text/plain part (line breaks: any of CRLF/LF/CR) */
	const char *html_body;	/* optional text/html part: with it, multipart/alternative */
	const char *list_unsubscribe_url;	/* optional http(s) URL: List-Unsubscribe + List-Unsubscribe-Post */
	const char *list_unsubscribe_mailto;	/* optional "mailto:..." also listed */
	const char *message_id;	/* optional id without <> (mime_message_id); NULL: a new one */
	time_t date;		/* 0: now */
	const struct mail_header *headers;	/* optional extra headers */
	size_t nr_headers;
};

/*
 * mime_build: append the complete message for m to out (CRLF line endings,
 * header lines folded to 78 columns, 7-bit: bodies quoted-printable).
 * Headers: Date, From, To, Subject, Message-ID, MIME-Version,
 * List-Unsubscribe, List-Unsubscribe-Post (RFC 8058 one-click; only with a
 * URL), extra headers, Content-Type. Returns 0, or -1 with a reason in err
 * (out is then left as it was) when an address is not a plain addr-spec, a
 * URL or extra header is unusable, a body is missing or too large, or no
 * random boundary could be made.
 */
int mime_build(const struct mail_msg *m, struct buf *out, struct buf *err);

/*
 * mime_message_id: append a new globally unique Message-ID, without the angle
 * brackets ("<32 random hex>@<domain of from_addr>", or @restock.invalid
 * when that domain is not ASCII). For callers that store the id (the outbox)
 * and pass it back in mail_msg.message_id. Returns 0, or -1 when no random
 * bytes were available.
 */
int mime_message_id(struct buf *out, const char *from_addr);

/*
 * mime_date: append now-or-t as an RFC 5322 date in UTC
 * ("Tue, 26 Nov 2024 16:46:00 +0000"), independent of the locale.
 */
void mime_date(struct buf *out, time_t t);

#endif
