/* confirm: GET /confirm?t= — the double opt-in link of the confirmation email. */
#include "bis/subscribe.h"
#include "http/form.h"
#include "web/unsubscribe.h"

void h_confirm(struct req *r)
{
	struct form q = FORM_INIT;
	const struct settings *s = req_settings(r);
	const char *t = form_parse_query(&q, r->query) == 0 ? form_get(&q, "t") : NULL;
	int rc = -2;

	if (!s) {
		link_page(r, 503, "Please try again",
			  "<p>We could not confirm your alert just now. Please open the link again in a minute.</p>");
		form_release(&q);
		return;
	}
	if (t)
		rc = bis_confirm(r->home, s, t);
	switch (rc) {
	case 1:
		link_page(r, 200, "Your alert is confirmed",
			  "<p>Thank you. We will email you once, as soon as the item is back in stock.</p>");
		break;
	case 0:
		link_page(r, 404, "This link has expired",
			  "<p>This confirmation link has already been used or has expired. "
			  "If you confirmed before, you are all set; otherwise please sign up for the alert again.</p>");
		break;
	case -2:
		link_page(r, 400, "This link is not valid",
			  "<p>The confirmation link is incomplete or has been changed. "
			  "Please use the link from the email exactly as it was sent.</p>");
		break;
	default:
		link_page(r, 503, "Please try again",
			  "<p>We could not confirm your alert just now. Please open the link again in a minute.</p>");
		break;
	}
	form_release(&q);
}
