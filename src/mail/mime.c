/* mime: the notification message builder (headers validated or encoded, bodies quoted-printable). */
#include "mail/mime.h"

#include <string.h>
#include <strings.h>

#include "core/crypto.h"
#include "mail/encode.h"

#define MIME_ID_RANDOM_BYTES	16
#define MIME_BOUNDARY_RANDOM_BYTES 12
#define MIME_FALLBACK_DOMAIN	"restock.invalid"
#define MIME_PREAMBLE		"This is a multi-part message in MIME format.\r\n"

/* Headers mime_build writes itself (or that carry addresses): never extra. */
static const char *const reserved_headers[] = {
	"date", "from", "sender", "reply-to", "to", "cc", "bcc", "subject",
	"message-id", "in-reply-to", "references", "mime-version",
	"return-path", "list-unsubscribe", "list-unsubscribe-post", NULL
};

static int is_ascii_domain(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > MAIL_DOMAIN_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789-.", s[i]))
			return 0;
	return 1;
}

int mime_message_id(struct buf *out, const char *from_addr)
{
	const char *at = from_addr ? strrchr(from_addr, '@') : NULL;
	const char *dom = at && is_ascii_domain(at + 1) ? at + 1
						       : MIME_FALLBACK_DOMAIN;

	if (random_hex(out, MIME_ID_RANDOM_BYTES) < 0)
		return -1;
	buf_addf(out, "@%s", dom);
	return 0;
}

void mime_date(struct buf *out, time_t t)
{
	static const char days[7][4] = {
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
	};
	static const char months[12][4] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
	};
	struct tm tm;

	if (!t)
		t = time(NULL);
	gmtime_r(&t, &tm);
	buf_addf(out, "%s, %d %s %04d %02d:%02d:%02d +0000",
		 days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
		 tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* msgid_valid: "left@right", both dot-atom-text of ASCII atext. */
static int msgid_valid(const char *s)
{
	const char *at = strchr(s, '@');
	size_t n = strlen(s);

	if (!at || n > MAIL_MAX_MSGID_BYTES || at == s || !at[1] ||
	    strchr(at + 1, '@'))
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '@' || c == '.') {
			if (i == 0 || i + 1 == n || s[i + 1] == '.' ||
			    s[i + 1] == '@' || s[i - 1] == '.')
				return 0;
			continue;
		}
		if (c < 0x21 || c > 0x7e || strchr("()<>[]:;\\,\"", c))
			return 0;
	}
	return 1;
}

/* uri_valid: prefix (case-insensitive), then printable ASCII without
 * spaces or angle brackets, within MAIL_MAX_URL_BYTES. */
static int uri_valid(const char *s, const char *prefix)
{
	size_t n = strlen(s), p = strlen(prefix);

	if (n <= p || n > MAIL_MAX_URL_BYTES || strncasecmp(s, prefix, p))
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x21 || c > 0x7e || c == '<' || c == '>' || c == '"')
			return 0;
	}
	return 1;
}

static int header_name_valid(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > MAIL_MAX_HEADER_NAME || s[0] == '-')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789-", s[i]))
			return 0;
	if (!strncasecmp(s, "content-", 8) || !strncasecmp(s, "resent-", 7))
		return 0;
	for (size_t i = 0; reserved_headers[i]; i++)
		if (!strcasecmp(s, reserved_headers[i]))
			return 0;
	return 1;
}

static int check_headers(const struct mail_msg *m, struct buf *err)
{
	if (m->nr_headers > MAIL_MAX_EXTRA_HEADERS || (m->nr_headers && !m->headers)) {
		buf_addf(err, "too many extra headers (at most %d)", MAIL_MAX_EXTRA_HEADERS);
		return -1;
	}
	for (size_t i = 0; i < m->nr_headers; i++) {
		const struct mail_header *h = &m->headers[i];
		if (!h->name || !header_name_valid(h->name) || !h->value) {
			buf_adds(err, "extra header: invalid or reserved name");
			return -1;
		}
	}
	return 0;
}

/* mime_check: everything that makes a message unbuildable, before building. */
static int mime_check(const struct mail_msg *m, struct buf *err)
{
	if (!mail_addr_valid(m->from_addr)) {
		buf_adds(err, "From address is not a plain email address");
		return -1;
	}
	if (!mail_addr_valid(m->to_addr)) {
		buf_adds(err, "To address is not a plain email address");
		return -1;
	}
	if (m->list_unsubscribe_url &&
	    !uri_valid(m->list_unsubscribe_url, "https://") &&
	    !uri_valid(m->list_unsubscribe_url, "http://")) {
		buf_adds(err, "List-Unsubscribe URL must be http(s), printable ASCII, no spaces");
		return -1;
	}
	if (m->list_unsubscribe_mailto &&
	    !uri_valid(m->list_unsubscribe_mailto, "mailto:")) {
		buf_adds(err, "List-Unsubscribe mailto must be a printable mailto: URI");
		return -1;
	}
	if (m->message_id && !msgid_valid(m->message_id)) {
		buf_adds(err, "Message-ID must be left@right without brackets");
		return -1;
	}
	if (!m->text_body || strlen(m->text_body) > MAIL_MAX_BODY_BYTES ||
	    (m->html_body && strlen(m->html_body) > MAIL_MAX_BODY_BYTES)) {
		buf_addf(err, "body missing or larger than %d bytes", MAIL_MAX_BODY_BYTES);
		return -1;
	}
	return check_headers(m, err);
}

/* add_text_header: "Name: " and cleaned, folded, maybe encoded text. */
static void add_text_header(struct buf *out, const char *name, const char *value,
			    size_t max)
{
	struct buf clean = BUF_INIT;
	size_t col = strlen(name) + 2;

	hdr_text_clean(&clean, value ? value : "", value ? strlen(value) : 0, max);
	buf_addf(out, "%s:", name);
	if (clean.len) {
		buf_addch(out, ' ');
		hdr_fold_text(out, clean.ptr, clean.len, &col);
	}
	buf_adds(out, "\r\n");
	buf_release(&clean);
}

/* quotable: a display name that can go out as a plain quoted-string. */
static int quotable(const char *s, size_t n, size_t col)
{
	if (col + n + 2 > MAIL_LINE_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c > 0x7e || c == '"' || c == '\\' ||
		    (c == '=' && s[i + 1] == '?'))
			return 0;
	}
	return 1;
}

static void add_from(struct buf *out, const struct mail_msg *m)
{
	struct buf name = BUF_INIT;
	size_t col = 6;

	if (m->from_name)
		hdr_text_clean(&name, m->from_name, strlen(m->from_name),
			       MAIL_MAX_NAME_BYTES);
	buf_adds(out, "From: ");
	if (!name.len) {
		buf_addf(out, "%s\r\n", m->from_addr);
		buf_release(&name);
		return;
	}
	if (quotable(name.ptr, name.len, col)) {
		buf_addf(out, "\"%s\"", name.ptr);
		col += name.len + 2;
	} else {
		hdr_encode_words(out, name.ptr, name.len, &col);
	}
	if (col + strlen(m->from_addr) + 3 > MAIL_LINE_MAX)
		buf_adds(out, "\r\n");
	buf_addf(out, " <%s>\r\n", m->from_addr);
	buf_release(&name);
}

static void add_unsubscribe(struct buf *out, const struct mail_msg *m)
{
	const char *url = m->list_unsubscribe_url, *mailto = m->list_unsubscribe_mailto;

	if (!url && !mailto)
		return;
	buf_adds(out, "List-Unsubscribe: ");
	if (mailto)
		buf_addf(out, "<%s>", mailto);
	if (mailto && url)
		buf_adds(out, ",\r\n ");
	if (url)
		buf_addf(out, "<%s>", url);
	buf_adds(out, "\r\n");
	if (url)
		buf_adds(out, "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n");
}

/* make_boundary: a random boundary found in neither encoded body. */
static int make_boundary(struct buf *bnd, const struct buf *a, const struct buf *b)
{
	for (int i = 0; i < MAIL_BOUNDARY_TRIES; i++) {
		buf_reset(bnd);
		buf_adds(bnd, "=_rs_");
		if (random_hex(bnd, MIME_BOUNDARY_RANDOM_BYTES) < 0)
			return -1;
		if (!strstr(a->ptr, bnd->ptr) && !strstr(b->ptr, bnd->ptr))
			return 0;
	}
	return -1;
}

static void add_part(struct buf *out, const char *bnd, const char *type,
		     const struct buf *qp)
{
	buf_addf(out, "--%s\r\nContent-Type: %s; charset=utf-8\r\n"
		 "Content-Transfer-Encoding: quoted-printable\r\n\r\n", bnd, type);
	buf_add(out, qp->ptr, qp->len);
	if (!qp->len)
		buf_adds(out, "\r\n");
}

/* add_body: the Content-Type header, the blank line and the body. */
static int add_body(struct buf *out, const struct mail_msg *m, struct buf *err)
{
	struct buf text = BUF_INIT, html = BUF_INIT, bnd = BUF_INIT;
	int ret = 0;

	qp_encode(&text, m->text_body, strlen(m->text_body));
	if (!m->html_body) {
		buf_adds(out, "Content-Type: text/plain; charset=utf-8\r\n"
			 "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
		buf_add(out, text.ptr, text.len);
		buf_release(&text);
		return 0;
	}
	qp_encode(&html, m->html_body, strlen(m->html_body));
	if (make_boundary(&bnd, &text, &html) < 0) {
		buf_adds(err, "no usable MIME boundary (random source failed)");
		ret = -1;
		goto out;
	}
	buf_addf(out, "Content-Type: multipart/alternative;\r\n boundary=\"%s\"\r\n\r\n",
		 bnd.ptr);
	buf_adds(out, MIME_PREAMBLE);
	add_part(out, bnd.ptr, "text/plain", &text);
	add_part(out, bnd.ptr, "text/html", &html);
	buf_addf(out, "--%s--\r\n", bnd.ptr);
out:
	buf_release(&text);
	buf_release(&html);
	buf_release(&bnd);
	return ret;
}

static int add_headers(struct buf *out, const struct mail_msg *m, struct buf *err)
{
	buf_adds(out, "Date: ");
	mime_date(out, m->date);
	buf_adds(out, "\r\n");
	add_from(out, m);
	buf_addf(out, "To: %s\r\n", m->to_addr);
	add_text_header(out, "Subject", m->subject, MAIL_MAX_SUBJECT_BYTES);
	buf_adds(out, "Message-ID: <");
	if (m->message_id) {
		buf_adds(out, m->message_id);
	} else if (mime_message_id(out, m->from_addr) < 0) {
		buf_adds(err, "no random bytes for a Message-ID");
		return -1;
	}
	buf_adds(out, ">\r\nMIME-Version: 1.0\r\n");
	add_unsubscribe(out, m);
	for (size_t i = 0; i < m->nr_headers; i++)
		add_text_header(out, m->headers[i].name, m->headers[i].value,
				MAIL_MAX_HEADER_BYTES);
	return 0;
}

int mime_build(const struct mail_msg *m, struct buf *out, struct buf *err)
{
	struct buf msg = BUF_INIT;

	if (mime_check(m, err) < 0)
		return -1;
	if (add_headers(&msg, m, err) < 0 || add_body(&msg, m, err) < 0) {
		buf_release(&msg);
		return -1;
	}
	buf_add(out, msg.ptr, msg.len);
	buf_release(&msg);
	return 0;
}
