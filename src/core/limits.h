/* limits: every size and count limit of restock, named in one place. */
#ifndef RESTOCK_LIMITS_H
#define RESTOCK_LIMITS_H

/* HTTP requests */
#define MAX_BODY_BYTES		(64 * 1024)	/* larger bodies get 413 */
#define MAX_FORM_FIELDS		64		/* fields in one form body */
#define MAX_FORM_FIELD_BYTES	4096		/* one decoded form value */
#define MAX_FORM_NAME_BYTES	128		/* one form field name */
#define MAX_MULTIPART_PARTS	64
#define MAX_MULTIPART_HEADER_BYTES 4096	/* header block of one part */
#define MAX_COOKIE_BYTES	4096
#define MAX_COOKIES		32
#define MAX_JSONAPI_DEPTH	16
#define MAX_QUERY_BYTES		4096

/* the preforked pool on a socket-activated listener (restock.service) */
#define POOL_MAX_WORKERS	64		/* RESTOCK_WORKERS is capped here */
#define POOL_STOP_SECONDS	10		/* then workers still busy are killed */

/* subscriptions */
#define MAX_EMAIL_BYTES		254
#define MAX_PHONE_BYTES		16		/* '+' and up to 15 digits */
#define MAX_VARIANT_BYTES	512
#define MAX_EXTERNAL_ID_BYTES	256

/* feeds */
#define FEED_MAX_BYTES_DEFAULT	(100L * 1024 * 1024)	/* per source */
#define FEED_MAX_FIELD_BYTES	(64 * 1024)	/* a longer value rejects the item */
#define FEED_MAX_FIELDS		256		/* more fields reject the item */
#define FEED_MAX_JSON_DEPTH	32		/* deeper JSON is a malformed feed */
#define FEED_MAX_SOURCES	16
#define FEED_MAX_REPORT_ROWS	1000		/* rejected items listed in a report */
#define FEED_MAX_CATEGORIES	64
#define FEED_FETCH_TIMEOUT_S	120
#define FEED_CONNECT_TIMEOUT_S	15
#define FEED_MAX_REDIRECTS	5
#define FEED_MAX_FIELD_NAME_BYTES 256		/* a longer name rejects the item */
#define FEED_MAX_SEEN_FIELDS	512		/* field names remembered per sync */
#define FEED_DETECT_MAX_ELEMENTS 2000		/* XML item-element detection pre-pass */
#define FEED_DETECT_MAX_BYTES	(4L * 1024 * 1024)
#define FEED_MAX_QUANTITY	1000000000000000LL	/* |quantity| above rejects the item */
#define FEED_MAX_WARNINGS	1000		/* warnings listed in a report */

/* store */
#define STORE_LOCK_WAIT_MS	10000		/* bounded wait for a GDBM lock */

/* templates */
#define TMPL_MAX_DEPTH		32		/* nested sections */
#define TMPL_MAX_BYTES		(1024 * 1024)
#define TMPL_MAX_OUTPUT		(8 * 1024 * 1024)
#define TMPL_MAX_STEPS		(4L * 1024 * 1024)	/* work budget of one render */
#define TMPL_MAX_PARTIALS	64		/* distinct partials per render */
#define TMPL_MAX_PARTIAL_TOTAL	(4L * TMPL_MAX_BYTES)	/* their summed size */

/* catalog API */
#define API_ITEMS_DEFAULT_LIMIT	50
#define API_ITEMS_MAX_LIMIT	500

/* mail */
#define MAIL_MAX_SUBJECT_BYTES	400	/* longer subjects are cut, ending in "..." */
#define MAIL_MAX_NAME_BYTES	200	/* display name, cut likewise */
#define MAIL_MAX_URL_BYTES	900	/* a List-Unsubscribe URI; longer is an error */
#define MAIL_MAX_MSGID_BYTES	200
#define MAIL_MAX_EXTRA_HEADERS	8
#define MAIL_MAX_HEADER_NAME	64
#define MAIL_MAX_HEADER_BYTES	900	/* an extra header value, cut */
#define MAIL_MAX_BODY_BYTES	(4 * 1024 * 1024)	/* each body part */
#define MAIL_BOUNDARY_TRIES	8
#define MAIL_SMTP_CONNECT_TIMEOUT_S	15
#define MAIL_SMTP_TIMEOUT_S		120	/* one whole message transfer */
#define MAIL_SENDMAIL_TIMEOUT_S		120	/* then the child is killed: TEMPFAIL */
#define MAIL_REPLY_MAX			512	/* server text kept for err */
#define MAIL_MAX_MESSAGE_BYTES		(32 * 1024 * 1024)
#define MAIL_WEBHOOK_CONNECT_TIMEOUT_S	10
#define MAIL_WEBHOOK_TIMEOUT_S		30

#endif
