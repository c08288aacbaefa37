/* transport_smtp: smtp:// and smtps:// through libcurl, one easy handle (and connection) per batch. */
#include "mail/transport_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

/* The message being uploaded by one tsmtp_send. */
struct upload {
	const char *p;
	size_t len, off;
};

static size_t read_cb(char *dst, size_t size, size_t nmemb, void *arg)
{
	struct upload *u = arg;
	size_t n = size * nmemb;

	if (n > u->len - u->off)
		n = u->len - u->off;
	memcpy(dst, u->p + u->off, n);
	u->off += n;
	return n;
}

/* reply_cb: libcurl hands every server reply line to the header callback;
 * keep the last 4xx/5xx one (QUIT's 221 must not overwrite it). */
static size_t reply_cb(char *line, size_t size, size_t nmemb, void *arg)
{
	struct mail_transport *t = arg;
	size_t n = size * nmemb;

	if (n >= 3 && (line[0] == '4' || line[0] == '5')) {
		buf_reset(&t->reply);
		for (size_t i = 0; i < n && t->reply.len < MAIL_REPLY_MAX; i++) {
			unsigned char c = (unsigned char)line[i];
			if (c >= 0x20 && c != 0x7f)
				buf_addch(&t->reply, c);
		}
	}
	return n;
}

/* parse_query: only "starttls=0|1" is known; anything else is a typo to report. */
static int parse_query(struct mail_transport *t, const char *q, struct buf *err)
{
	char *copy = xstrdup(q), *save = NULL;
	int ret = 0;

	for (char *kv = strtok_r(copy, "&", &save); kv; kv = strtok_r(NULL, "&", &save)) {
		if (!strcmp(kv, "starttls=1")) {
			t->require_tls = 1;
		} else if (!strcmp(kv, "starttls=0")) {
			t->require_tls = 0;
		} else {
			buf_addf(err, "smtp transport: unknown option \"%s\" (known: starttls=1)", kv);
			ret = -1;
			break;
		}
	}
	free(copy);
	return ret;
}

/* take_part: copy a CURLU part (URL-decoded when asked) into *dst. */
static void take_part(CURLU *u, CURLUPart part, unsigned flags, char **dst)
{
	char *v = NULL;

	if (curl_url_get(u, part, &v, flags) == CURLUE_OK && v)
		*dst = xstrdup(v);
	curl_free(v);
}

/* parse_url: split credentials and options off; t->url keeps the rest. */
static int parse_url(struct mail_transport *t, const char *spec, struct buf *err)
{
	CURLU *u = curl_url();
	char *query = NULL;
	int ret = -1;

	if (!u || curl_url_set(u, CURLUPART_URL, spec, 0) != CURLUE_OK) {
		buf_adds(err, "smtp transport: not a valid smtp:// or smtps:// URL");
		goto out;
	}
	take_part(u, CURLUPART_USER, CURLU_URLDECODE, &t->user);
	take_part(u, CURLUPART_PASSWORD, CURLU_URLDECODE, &t->password);
	take_part(u, CURLUPART_QUERY, 0, &query);
	if (query && parse_query(t, query, err) < 0)
		goto out;
	curl_url_set(u, CURLUPART_USER, NULL, 0);
	curl_url_set(u, CURLUPART_PASSWORD, NULL, 0);
	curl_url_set(u, CURLUPART_QUERY, NULL, 0);
	curl_url_set(u, CURLUPART_FRAGMENT, NULL, 0);
	take_part(u, CURLUPART_URL, 0, &t->url);
	if (!t->url) {
		buf_adds(err, "smtp transport: not a valid URL");
		goto out;
	}
	ret = 0;
out:
	free(query);
	curl_url_cleanup(u);
	return ret;
}

int tsmtp_open(struct mail_transport *t, const char *spec, struct buf *err)
{
	CURL *h;

	if (parse_url(t, spec, err) < 0)
		return -1;
	h = curl_easy_init();
	if (!h) {
		buf_adds(err, "smtp transport: curl_easy_init failed");
		return -1;
	}
	t->curl = h;
	if (curl_easy_setopt(h, CURLOPT_URL, t->url) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps") != CURLE_OK) {
		buf_adds(err, "smtp transport: URL rejected by libcurl");
		return -1;
	}
	if (t->user) {
		curl_easy_setopt(h, CURLOPT_USERNAME, t->user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, t->password ? t->password : "");
	}
	curl_easy_setopt(h, CURLOPT_USE_SSL,
			 (long)(t->require_tls ? CURLUSESSL_ALL : CURLUSESSL_NONE));
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)MAIL_SMTP_CONNECT_TIMEOUT_S);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)MAIL_SMTP_TIMEOUT_S);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, reply_cb);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, t);
	return 0;
}

/* auth_code: 5xx replies about the relay's authentication, not the message. */
static int auth_code(long code)
{
	return code == 530 || code == 534 || code == 535 || code == 538;
}

/* classify: libcurl's result and the last reply code -> transport_send's results. */
static int classify(CURLcode rc, long code)
{
	if (rc == CURLE_OK)
		return 0;
	if (rc == CURLE_OUT_OF_MEMORY || rc == CURLE_BAD_FUNCTION_ARGUMENT)
		return -1;
	if (code >= 500 && code < 600 && !auth_code(code) &&
	    rc != CURLE_LOGIN_DENIED)
		return TRANSPORT_PERMFAIL;
	return TRANSPORT_TEMPFAIL;
}

static void describe(const struct mail_transport *t, CURLcode rc, long code,
		     struct buf *err)
{
	char lead[4];

	snprintf(lead, sizeof(lead), "%ld", code);
	if (code >= 400 && !strncmp(t->reply.ptr, lead, 3))
		buf_addf(err, "SMTP %s", t->reply.ptr);
	else if (code >= 400)
		buf_addf(err, "SMTP %ld (%s)", code, curl_easy_strerror(rc));
	else
		buf_addf(err, "SMTP: %s", curl_easy_strerror(rc));
}

int tsmtp_send(struct mail_transport *t, const char *from_addr,
	       const char *to_addr, const char *message, size_t len,
	       struct buf *err)
{
	struct upload up = { message, len, 0 };
	struct buf from = BUF_INIT, to = BUF_INIT;
	struct curl_slist *rcpt = NULL;
	CURL *h = t->curl;
	CURLcode rc;
	long code = 0;
	int ret;

	buf_addf(&from, "<%s>", from_addr);
	buf_addf(&to, "<%s>", to_addr);
	rcpt = curl_slist_append(NULL, to.ptr);
	buf_reset(&t->reply);
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, from.ptr);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(h, CURLOPT_READDATA, &up);
	curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	rc = rcpt ? curl_easy_perform(h) : CURLE_OUT_OF_MEMORY;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, NULL);
	curl_easy_setopt(h, CURLOPT_READDATA, NULL);
	ret = classify(rc, code);
	if (ret)
		describe(t, rc, code, err);
	curl_slist_free_all(rcpt);
	buf_release(&from);
	buf_release(&to);
	return ret;
}

void tsmtp_close(struct mail_transport *t)
{
	if (t->curl)
		curl_easy_cleanup(t->curl);
	t->curl = NULL;
}
