/* admin_email: /admin/email — sender, transport, store name, UTM, webhook; "send a test email". */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "mail/encode.h"
#include "mail/mime.h"
#include "mail/transport.h"
#include "web/admin.h"

static const char *const names[] = {
	"store_name", "mail_from_name", "mail_from", "mail_transport", "utm",
	"webhook_url", "base_url", "send_max_attempts", "send_backoff_seconds", NULL,
};
static const char *const labels[] = {
	"Store name", "Sender name", "Sender address", "Transport", "UTM parameters on product links",
	"Webhook URL", "Public URL of restock", "Delivery attempts", "First retry delay (seconds)", NULL,
};

static void explain(struct admin *a, const char *name, struct buf *o)
{
	if (!strcmp(name, "mail_from_name")) {
		const char *n = settings_get(a->st, "mail_from_name");
		buf_addf(o, "Now: emails come from “%s” <%s>.", *n ? n : settings_get(a->st, "store_name"),
			 settings_get(a->st, "mail_from"));
	} else if (!strcmp(name, "send_backoff_seconds")) {
		long long b = settings_get_ll(a->st, "send_backoff_seconds");
		long long n = settings_get_ll(a->st, "send_max_attempts");
		buf_addf(o, "Now: retries after %lld s, %lld s, %lld s … up to %lld attempts in all.",
			 b, 2 * b, 4 * b, n);
	} else if (!strcmp(name, "utm")) {
		buf_adds(o, settings_get_bool(a->st, "utm") ?
			 "Now on: product links carry the UTM parameters." :
			 "Now off: product links are used as the feed gives them.");
	} else if (!strcmp(name, "webhook_url")) {
		buf_adds(o, *settings_get(a->st, "webhook_url") ?
			 "Now on: each notification is also POSTed to this URL." :
			 "Now off: no webhook is called.");
	}
}

static void send_test(struct admin *a)
{
	struct buf to = BUF_INIT, msg = BUF_INIT, err = BUF_INIT, body = BUF_INIT;
	struct mail_transport t = MAIL_TRANSPORT_INIT;
	struct mail_msg m;
	const char *from = settings_get(a->st, "mail_from");
	const char *name = settings_get(a->st, "mail_from_name");
	int rc;

	buf_adds(&to, admin_p(a, "to"));
	buf_trim(&to);
	if (!mail_addr_valid(to.ptr)) {
		admin_done(a, "/email#test", 1, "That is not an email address.");
		goto out;
	}
	if (!mail_addr_valid(from)) {
		admin_done(a, "/email#test", 1, "Set a valid sender address first.");
		goto out;
	}
	memset(&m, 0, sizeof(m));
	m.from_name = *name ? name : settings_get(a->st, "store_name");
	m.from_addr = from;
	m.to_addr = to.ptr;
	m.subject = "restock test email";
	buf_addf(&body, "This is a test email from the restock admin page of %s.\n\n"
		 "If you can read it, the mail transport works.\n", settings_get(a->st, "store_name"));
	m.text_body = body.ptr;
	m.date = (time_t)a->now;
	if (mime_build(&m, &msg, &err) < 0) {
		admin_done(a, "/email#test", 1, "The test email could not be built: %s", err.ptr);
		goto out;
	}
	if (transport_open(&t, settings_get(a->st, "mail_transport"), a->r->home, &err) < 0) {
		admin_done(a, "/email#test", 1, "The transport could not be opened: %s", err.ptr);
		goto out;
	}
	rc = transport_send(&t, from, to.ptr, msg.ptr, msg.len, &err);
	transport_close(&t);
	if (rc == 0)
		admin_done(a, "/email#test", 0, "A test email was handed to %s for %s.",
			   settings_get(a->st, "mail_transport"), to.ptr);
	else
		admin_done(a, "/email#test", 1, "The test email was not delivered: %s", err.ptr);
out:
	buf_release(&to);
	buf_release(&msg);
	buf_release(&err);
	buf_release(&body);
}

void admin_email(struct admin *a)
{
	struct tval *c;
	if (a->post) {
		if (!strcmp(a->sub, "/email/test")) {
			send_test(a);
		} else if (!strcmp(a->sub, "/email")) {
			struct buf msg = BUF_INIT;
			int n = admin_settings_save(a, names, &msg);
			if (n < 0)
				admin_done(a, "/email", 1, "Nothing was saved: %s", msg.ptr);
			else
				admin_done(a, "/email", 0, n ? "Email settings saved." : "No setting changed.");
			buf_release(&msg);
		} else {
			admin_error_page(a, 404, "There is no such admin page.");
		}
		return;
	}
	c = admin_ctx(a, "Email", "email");
	tv_set(c, "fields", admin_setting_fields(a, names, labels, explain));
	admin_render(a, 200, "email", c);
}
