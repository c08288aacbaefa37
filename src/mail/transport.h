/* transport: deliver built messages by file:, sendmail: or smtp(s):// (one open transport per batch). */
#ifndef RESTOCK_MAIL_TRANSPORT_H
#define RESTOCK_MAIL_TRANSPORT_H

#include <stddef.h>

#include "core/buf.h"
#include "core/limits.h"

/* transport_send results besides 0 (sent) and negative (local error). */
#define TRANSPORT_TEMPFAIL	1	/* try again later: SMTP 4xx, no connection, EX_TEMPFAIL */
#define TRANSPORT_PERMFAIL	2	/* give up on this message: SMTP 5xx, sendmail error exit */


enum transport_kind {
	TRANSPORT_NONE = 0,
	TRANSPORT_FILE,
	TRANSPORT_SENDMAIL,
	TRANSPORT_SMTP
};

struct mail_transport {
	enum transport_kind kind;
	char *dir;		/* file: absolute directory */
	char *path;		/* sendmail: program */
	char *url;		/* smtp: scheme://host:port/ without credentials */
	char *user;		/* smtp: percent-decoded, or NULL */
	char *password;
	int require_tls;	/* smtp://...?starttls=1 */
	void *curl;		/* smtp: the CURL easy handle kept for the batch */
	struct buf reply;	/* smtp: last error reply line from the server */
};

#define MAIL_TRANSPORT_INIT { TRANSPORT_NONE, NULL, NULL, NULL, NULL, NULL, 0, NULL, BUF_INIT }

/*
 * transport_open: set up t from the mail_transport setting:
 *   file:DIR                 DIR relative to home unless absolute; created 0700
 *   sendmail:/ABS/PATH       run as PATH -t -i -f FROM, message on stdin
 *   smtp://[user[:pass]@]host[:port][/helo-domain][?starttls=1]
 *   smtps://[user[:pass]@]host[:port][/helo-domain]
 * (user and password percent-decoded). No connection is made yet; SMTP
 * connects on the first send and keeps the connection for the next ones.
 * Returns 0, or -1 with a reason in err (t is then released). Release with
 * transport_close either way. t must stay at its address while open (the
 * CURL handle points back into it).
 */
int transport_open(struct mail_transport *t, const char *spec, const char *home,
		   struct buf *err);

/*
 * transport_send: deliver message[0..len) (a complete CRLF message, e.g.
 * from mime_build) with envelope from_addr -> to_addr (both must pass
 * mail_addr_valid). Returns 0 when delivered (handed to the server, the
 * sendmail program, or renamed into DIR), TRANSPORT_TEMPFAIL or
 * TRANSPORT_PERMFAIL with the reason in err (SMTP replies quoted:
 * "SMTP 550 5.1.1 no such user"), or -1 for a local error (bad arguments,
 * disk, fork), also with err.
 */
int transport_send(struct mail_transport *t, const char *from_addr,
		   const char *to_addr, const char *message, size_t len,
		   struct buf *err);

/* transport_close: close any connection, free everything; t can be opened again. */
void transport_close(struct mail_transport *t);

/*
 * webhook_post: POST json_body[0..len) to url (http or https only; no
 * redirects) with Content-Type: application/json and the signature header
 *
 *   X-Restock-Signature: t=<unix time>,v1=<hex HMAC-SHA256>
 *
 * where the HMAC key is secret and the signed message is the decimal time,
 * a '.', and the exact body bytes ("<t>.<body>"). A receiver recomputes
 * the HMAC over the raw body it received, compares it in constant time, and
 * rejects times more than a few minutes off (replay). Returns 0 for a 2xx
 * answer; TRANSPORT_TEMPFAIL for 408, 429, 5xx, connection errors and
 * timeouts; TRANSPORT_PERMFAIL for other answers (3xx, 4xx); -1 for local
 * errors (bad URL or scheme, empty secret). err gets the reason.
 */
int webhook_post(const char *url, const char *secret, const char *json_body,
		 size_t len, struct buf *err);


#endif
