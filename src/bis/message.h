/* message: render notification emails (back in stock, confirmation) from templates/email/. */
#ifndef RESTOCK_BIS_MESSAGE_H
#define RESTOCK_BIS_MESSAGE_H

#include "core/buf.h"
#include "store/catalog.h"
#include "store/item.h"
#include "store/settings.h"
#include "store/subs.h"
#include "tmpl/tmpl.h"

#define MSG_MAX_RECOMMENDATIONS	3
#define MSG_RECO_SCAN_MAX	200	/* category entries looked at per category */
#ifndef MSG_TEMPLATES_DEFAULT
#define MSG_TEMPLATES_DEFAULT	"/usr/local/share/restock/templates"
#endif
#define MSG_UTM_QUERY		"utm_source=restock&utm_medium=email&utm_campaign=back-in-stock"

/* The templates of one kind of message. */
enum msg_kind {
	MSG_RESTOCK,		/* back-in-stock.{subject,txt,html} */
	MSG_CONFIRM,		/* confirm.{subject,txt,html} */
	MSG_NKINDS
};

enum msg_part {
	MSG_SUBJECT,
	MSG_TEXT,
	MSG_HTML,
	MSG_NPARTS
};

/* What rendering needs, loaded once per run (send) or request (preview). */
struct msg_env {
	const char *home;
	const struct settings *settings;	/* not owned */
	struct catalog *cat;			/* not owned; open */
	char *secret;
	char *templates_dir;
	long long min_inventory;
	int utm;
	struct buf tpl[MSG_NKINDS][MSG_NPARTS];
	int loaded[MSG_NKINDS];
	char **meta_names;	/* "meta.<name>" used by the templates */
	size_t nmeta_names;
};

/* A rendered message. */
struct message {
	struct buf subject, text, html;
	struct buf unsubscribe_url;	/* for List-Unsubscribe */
};

/*
 * message_templates_dir: the templates directory into out (replaced):
 * $RESTOCK_TEMPLATES, else the first existing of ../templates,
 * ../share/restock/templates and ../../../share/restock/templates beside the
 * executable (via /proc/self/exe; a tree, a bundle, an install), else
 * MSG_TEMPLATES_DEFAULT (make sets it from PREFIX). Emails prefer
 * HOME/templates when HOME/templates/email exists.
 */
void message_templates_dir(struct buf *out);

/*
 * msg_env_init: read the secret; the templates are loaded on first use.
 * settings and cat stay owned by the caller and must outlive env.
 * Returns 0, or -1 with err. Release with msg_env_release either way.
 */
int msg_env_init(struct msg_env *env, const char *home,
		 const struct settings *settings, struct catalog *cat,
		 struct buf *err);
void msg_env_release(struct msg_env *env);

void message_init(struct message *m);
void message_release(struct message *m);

/*
 * message_product_url: link with the UTM parameters appended (when utm is
 * on and link is not empty), with '?' or '&' as the link needs, before any
 * "#fragment". Appends to out.
 */
void message_product_url(struct buf *out, const char *link, int utm);

/* message_link: base_url + path + "?t=" + token_make(secret, purpose, payload) into out (replaced). */
void message_link(struct buf *out, const struct msg_env *env, const char *path,
		  const char *purpose, const char *payload);

/*
 * message_context: the template context for item it and recipient email
 * (may be NULL): item fields, meta, store_name, product_url,
 * unsubscribe_url, recommendations; confirm_url when confirm_id is not
 * NULL. Returns a new tree (caller frees with tv_free).
 */
struct tval *message_context(struct msg_env *env, const struct item *it,
			     const char *email, const char *confirm_id);

/*
 * message_render: render the kind's three templates against ctx (strict:
 * an unknown name is an error) into m. Returns 0, or -1 with
 * "template NAME: line N: ..." in err.
 */
int message_render(struct msg_env *env, enum msg_kind kind,
		   const struct tval *ctx, struct message *m, struct buf *err);

/*
 * message_set_recipient: set "email" and "unsubscribe_url" of ctx for the
 * recipient email (a context built once per item serves many recipients).
 */
void message_set_recipient(struct msg_env *env, struct tval *ctx,
			   const char *email);

/*
 * message_build: render kind against ctx (message_context, recipient set)
 * and build the complete MIME message to `to` into eml (appended), with
 * message_id (NULL: a new one). Returns 0, or -1 with err (a template
 * error, or an address mime_build refuses).
 */
int message_build(struct msg_env *env, enum msg_kind kind, struct tval *ctx,
		  const char *to, const char *message_id, struct buf *eml,
		  struct buf *err);

/*
 * message_preview: the back-in-stock email for item_id as it would be sent
 * to "customer@example.com", as a complete .eml into eml (appended), for the
 * admin page. Returns 0, -1 with err; err "unknown item" when the id is not
 * in the catalog.
 */
int message_preview(const char *home, const char *item_id, struct buf *eml,
		    struct buf *err);

#endif
