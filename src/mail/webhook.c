/* webhook: POST one notification as signed JSON (X-Restock-Signature: t=...,v1=HMAC-SHA256). */
#include "mail/transport.h"

#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "core/crypto.h"

#define WEBHOOK_BODY_KEEP	200	/* response bytes quoted in err */

/* keep_cb: remember the start of the response body for err, discard the rest. */
static size_t keep_cb(char *p, size_t size, size_t nmemb, void *arg)
{
	struct buf *b = arg;
	size_t n = size * nmemb;

	for (size_t i = 0; i < n && b->len < WEBHOOK_BODY_KEEP; i++) {
		unsigned char c = (unsigned char)p[i];
		buf_addch(b, c >= 0x20 && c != 0x7f ? c : ' ');
	}
	return n;
}

/* webhook_sign: the X-Restock-Signature header line for body at time t. */
static void webhook_sign(struct buf *hdr, const char *secret, long long t,
			 const char *body, size_t len)
{
	struct buf msg = BUF_INIT;

	buf_addf(&msg, "%lld.", t);
	buf_add(&msg, body, len);
	buf_addf(hdr, "X-Restock-Signature: t=%lld,v1=", t);
	hmac_sha256_hex(hdr, secret, strlen(secret), msg.ptr, msg.len);
	buf_release(&msg);
}

static int webhook_classify(CURLcode rc, long code)
{
	/* the scheme was checked before; CURLE_UNSUPPORTED_PROTOCOL after that
	 * means a server that does not speak HTTP/1+ (temporary) */
	if (rc == CURLE_URL_MALFORMAT || rc == CURLE_OUT_OF_MEMORY)
		return -1;
	if (rc != CURLE_OK)
		return TRANSPORT_TEMPFAIL;
	if (code >= 200 && code < 300)
		return 0;
	if (code == 408 || code == 429 || code >= 500)
		return TRANSPORT_TEMPFAIL;
	return TRANSPORT_PERMFAIL;
}

static void webhook_setup(CURL *h, const char *url, const char *body, size_t len,
			  struct curl_slist *hdrs, struct buf *resp)
{
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)MAIL_WEBHOOK_CONNECT_TIMEOUT_S);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)MAIL_WEBHOOK_TIMEOUT_S);
	curl_easy_setopt(h, CURLOPT_POST, 1L);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "restock");
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, keep_cb);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, resp);
}

int webhook_post(const char *url, const char *secret, const char *json_body,
		 size_t len, struct buf *err)
{
	struct buf sig = BUF_INIT, resp = BUF_INIT;
	struct curl_slist *hdrs = NULL;
	CURL *h;
	CURLcode rc;
	long code = 0;
	int ret;

	if (!url || (strncasecmp(url, "http://", 7) && strncasecmp(url, "https://", 8))) {
		buf_adds(err, "webhook: URL must be http:// or https://");
		return -1;
	}
	if (!secret || !*secret || !json_body) {
		buf_adds(err, "webhook: no signing secret or body");
		return -1;
	}
	h = curl_easy_init();
	if (!h) {
		buf_adds(err, "webhook: curl_easy_init failed");
		return -1;
	}
	webhook_sign(&sig, secret, (long long)time(NULL), json_body, len);
	hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
	hdrs = curl_slist_append(hdrs, sig.ptr);
	hdrs = curl_slist_append(hdrs, "Expect:");
	webhook_setup(h, url, json_body, len, hdrs, &resp);
	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	ret = webhook_classify(rc, code);
	if (ret && rc != CURLE_OK)
		buf_addf(err, "webhook: %s", curl_easy_strerror(rc));
	else if (ret)
		buf_addf(err, "webhook HTTP %ld: %s", code, resp.ptr);
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(h);
	buf_release(&sig);
	buf_release(&resp);
	return ret;
}
