/* message: the template context of a notification, rendering, and the MIME message. */
#include "bis/message.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bis/home.h"
#include "bis/token.h"
#include "core/limits.h"
#include "mail/mime.h"

#define PREVIEW_EMAIL "customer@example.com"

static const char *const kind_names[MSG_NKINDS] = { "back-in-stock", "confirm" };
static const char *const part_ext[MSG_NPARTS] = { "subject", "txt", "html" };

static int is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Where templates may sit relative to the running program: the source tree or
 * a bundle (<exe>/../templates), restockctl installed in PREFIX/bin, and
 * restock.fcgi installed in PREFIX/lib/restock/cgi-bin. */
static const char *const exe_relative[] = {
	"../templates", "../share/restock/templates", "../../../share/restock/templates",
};

void message_templates_dir(struct buf *out)
{
	const char *env = getenv("RESTOCK_TEMPLATES");
	char exe[4096];
	ssize_t n;

	buf_reset(out);
	if (env && *env) {
		buf_adds(out, env);
		return;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			for (size_t i = 0; i < sizeof(exe_relative) / sizeof(*exe_relative); i++) {
				buf_reset(out);
				buf_addf(out, "%s/%s", exe, exe_relative[i]);
				if (is_dir(out->ptr))
					return;
			}
			buf_reset(out);
		}
	}
	buf_adds(out, MSG_TEMPLATES_DEFAULT);
}

int msg_env_init(struct msg_env *env, const char *home,
		 const struct settings *settings, struct catalog *cat,
		 struct buf *err)
{
	struct buf b = BUF_INIT;

	memset(env, 0, sizeof(*env));
	for (int k = 0; k < MSG_NKINDS; k++)
		for (int p = 0; p < MSG_NPARTS; p++)
			buf_init(&env->tpl[k][p]);
	env->home = home;
	env->settings = settings;
	env->cat = cat;
	env->min_inventory = settings_get_ll(settings, "min_inventory");
	env->utm = settings_get_bool(settings, "utm");
	/* a merchant's own templates in HOME/templates win (kept outside the web root) */
	buf_addf(&b, "%s/templates/email", home);
	if (is_dir(b.ptr)) {
		buf_reset(&b);
		buf_addf(&b, "%s/templates", home);
	} else {
		message_templates_dir(&b);
	}
	env->templates_dir = buf_detach(&b, NULL);
	if (home_secret(home, &b, err) < 0) {
		buf_release(&b);
		return -1;
	}
	env->secret = buf_detach(&b, NULL);
	return 0;
}

void msg_env_release(struct msg_env *env)
{
	for (int k = 0; k < MSG_NKINDS; k++)
		for (int p = 0; p < MSG_NPARTS; p++)
			buf_release(&env->tpl[k][p]);
	for (size_t i = 0; i < env->nmeta_names; i++)
		free(env->meta_names[i]);
	free(env->meta_names);
	free(env->secret);
	free(env->templates_dir);
	memset(env, 0, sizeof(*env));
}

void message_init(struct message *m)
{
	buf_init(&m->subject);
	buf_init(&m->text);
	buf_init(&m->html);
	buf_init(&m->unsubscribe_url);
}

void message_release(struct message *m)
{
	buf_release(&m->subject);
	buf_release(&m->text);
	buf_release(&m->html);
	buf_release(&m->unsubscribe_url);
}

/* read_file: a template file into out (replaced). 0, or -1 with err. */
static int read_file(const char *path, struct buf *out, struct buf *err)
{
	FILE *f = fopen(path, "rb");
	char chunk[8192];
	size_t n;

	buf_reset(out);
	if (!f) {
		buf_addf(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (out->len + n > TMPL_MAX_BYTES) {
			fclose(f);
			buf_addf(err, "%s: larger than %d bytes", path, TMPL_MAX_BYTES);
			return -1;
		}
		buf_add(out, chunk, n);
	}
	if (ferror(f)) {
		fclose(f);
		buf_addf(err, "%s: read error", path);
		return -1;
	}
	fclose(f);
	return 0;
}

static void note_meta_name(struct msg_env *env, const char *s, size_t n)
{
	for (size_t i = 0; i < env->nmeta_names; i++)
		if (strlen(env->meta_names[i]) == n && !memcmp(env->meta_names[i], s, n))
			return;
	env->meta_names = xrealloc(env->meta_names,
				   (env->nmeta_names + 1) * sizeof(char *));
	env->meta_names[env->nmeta_names++] = xstrndup(s, n);
}

/*
 * scan_meta_names: remember every "meta.<name>" a template mentions, so
 * that an item without that custom field renders it empty instead of
 * failing the strict render (other unknown names still fail).
 */
static void scan_meta_names(struct msg_env *env, const char *t, size_t len)
{
	const char *p = t, *end = t + len;
	while ((p = memmem(p, (size_t)(end - p), "{{", 2)) != NULL) {
		p += 2;
		while (p < end && strchr("#^/&{ ", *p))
			p++;
		if (end - p > 5 && !memcmp(p, "meta.", 5)) {
			const char *q = p + 5;
			while (q < end && !strchr(" }.", *q))
				q++;
			if (q > p + 5)
				note_meta_name(env, p + 5, (size_t)(q - p - 5));
		}
	}
}

/* load_kind: read the three templates of kind once. 0, or -1 with err. */
static int load_kind(struct msg_env *env, enum msg_kind kind, struct buf *err)
{
	struct buf path = BUF_INIT;
	int rc = 0;

	if (env->loaded[kind])
		return 0;
	for (int p = 0; p < MSG_NPARTS && rc == 0; p++) {
		buf_reset(&path);
		buf_addf(&path, "%s/email/%s.%s", env->templates_dir,
			 kind_names[kind], part_ext[p]);
		rc = read_file(path.ptr, &env->tpl[kind][p], err);
		if (rc == 0)
			scan_meta_names(env, env->tpl[kind][p].ptr,
					env->tpl[kind][p].len);
	}
	buf_release(&path);
	if (rc == 0)
		env->loaded[kind] = 1;
	return rc;
}

void message_product_url(struct buf *out, const char *link, int utm)
{
	const char *hash;
	size_t base;

	if (!link)
		return;
	if (!utm || !*link) {
		buf_adds(out, link);
		return;
	}
	hash = strchr(link, '#');
	base = hash ? (size_t)(hash - link) : strlen(link);
	buf_add(out, link, base);
	if (!memchr(link, '?', base))
		buf_addch(out, '?');
	else if (base && link[base - 1] != '?' && link[base - 1] != '&')
		buf_addch(out, '&');
	buf_adds(out, MSG_UTM_QUERY);
	if (hash)
		buf_adds(out, hash);
}

void message_link(struct buf *out, const struct msg_env *env, const char *path,
		  const char *purpose, const char *payload)
{
	struct buf tok = BUF_INIT;
	const char *base = settings_get(env->settings, "base_url");
	size_t n = strlen(base);

	while (n && base[n - 1] == '/')
		n--;
	buf_reset(out);
	buf_add(out, base, n);
	buf_addf(out, "%s?t=", path);
	token_make(&tok, env->secret, purpose, payload, strlen(payload));
	buf_add(out, tok.ptr, tok.len);	/* base64url and hex: nothing to escape */
	buf_release(&tok);
}

static void set_price(struct tval *m, const struct item *it)
{
	char p[64];
	if (it->has_price)
		snprintf(p, sizeof(p), "%.2f", it->price);
	else
		p[0] = '\0';
	tv_set_str(m, "price", p);
	tv_set_bool(m, "has_price", it->has_price);
}

static const char *str_or_empty(const char *s)
{
	return s ? s : "";
}

/* item_fields: the fields of an item (also used for each recommendation). */
static void item_fields(struct tval *m, const struct item *it, int utm)
{
	struct buf url = BUF_INIT;
	tv_set_str(m, "id", str_or_empty(it->id));
	tv_set_str(m, "title", str_or_empty(it->title));
	tv_set_str(m, "link", str_or_empty(it->link));
	tv_set_str(m, "image_link", str_or_empty(it->image_link));
	tv_set_str(m, "description", str_or_empty(it->description));
	set_price(m, it);
	message_product_url(&url, str_or_empty(it->link), utm);
	tv_set_str(m, "product_url", url.ptr);
	buf_release(&url);
}

static void add_meta(struct msg_env *env, struct tval *ctx, const struct item *it)
{
	struct tval *meta = tv_map();
	for (size_t i = 0; i < env->nmeta_names; i++)
		tv_set(meta, env->meta_names[i], tv_null());
	for (size_t i = 0; i < it->nmeta; i++)
		tv_set_str(meta, it->meta[i].name, str_or_empty(it->meta[i].value));
	tv_set(ctx, "meta", meta);
}

static int chosen(struct tval *list, const char *id)
{
	for (size_t i = 0; i < list->nitems; i++) {
		struct tval *v = tv_get(list->items[i], "id");
		if (v && v->str && !strcmp(v->str, id))
			return 1;
	}
	return 0;
}

/* add_recommendations: up to three visible, in-stock items of the item's categories. */
static void add_recommendations(struct msg_env *env, struct tval *ctx,
				const struct item *it)
{
	struct tval *list = tv_list();
	struct item r;

	item_init(&r);
	for (size_t c = 0; env->cat && c < it->ncategories &&
	     list->nitems < MSG_MAX_RECOMMENDATIONS; c++) {
		long long n = catalog_cat_count(env->cat, it->categories[c]);
		if (n > MSG_RECO_SCAN_MAX)
			n = MSG_RECO_SCAN_MAX;
		for (long long k = 0; k < n && list->nitems < MSG_MAX_RECOMMENDATIONS; k++) {
			if (catalog_cat_at(env->cat, it->categories[c], k, &r) != 1)
				continue;
			if (!r.id || (it->id && !strcmp(r.id, it->id)) || chosen(list, r.id) ||
			    !item_visible(&r, env->min_inventory) ||
			    !item_in_stock(&r, env->min_inventory))
				continue;
			struct tval *m = tv_map();
			item_fields(m, &r, env->utm);
			tv_push(list, m);
		}
	}
	item_release(&r);
	tv_set_bool(ctx, "has_recommendations", list->nitems > 0);
	tv_set(ctx, "recommendations", list);
}

void message_set_recipient(struct msg_env *env, struct tval *ctx,
			   const char *email)
{
	struct buf url = BUF_INIT;
	tv_set_str(ctx, "email", str_or_empty(email));
	if (email && *email)
		message_link(&url, env, "/unsubscribe", "unsub", email);
	tv_set_str(ctx, "unsubscribe_url", url.ptr);
	buf_release(&url);
}

struct tval *message_context(struct msg_env *env, const struct item *it,
			     const char *email, const char *confirm_id)
{
	struct tval *ctx = tv_map(), *cats = tv_list();
	struct buf url = BUF_INIT;

	/* every template may use meta.* names: load both kinds when possible */
	for (int k = 0; k < MSG_NKINDS; k++) {
		struct buf ignore = BUF_INIT;
		load_kind(env, (enum msg_kind)k, &ignore);
		buf_release(&ignore);
	}
	item_fields(ctx, it, env->utm);
	tv_set_int(ctx, "quantity", it->has_quantity ? it->quantity : 0);
	for (size_t i = 0; i < it->ncategories; i++)
		tv_push(cats, tv_str(it->categories[i]));
	tv_set(ctx, "categories", cats);
	add_meta(env, ctx, it);
	tv_set_str(ctx, "store_name", settings_get(env->settings, "store_name"));
	message_set_recipient(env, ctx, email);
	if (confirm_id) {
		message_link(&url, env, "/confirm", "confirm", confirm_id);
		tv_set_str(ctx, "confirm_url", url.ptr);
	}
	add_recommendations(env, ctx, it);
	buf_release(&url);
	return ctx;
}

/* render_part: one template into out (replaced). 0, or -1 with err. */
static int render_part(struct msg_env *env, enum msg_kind kind, enum msg_part p,
		       const struct tval *ctx, struct buf *out, struct buf *err)
{
	struct tmpl_opts o = TMPL_OPTS_INIT;
	struct buf e = BUF_INIT;
	const struct buf *t = &env->tpl[kind][p];

	o.escape = p == MSG_HTML ? TMPL_ESC_HTML : TMPL_ESC_NONE;
	o.strict = 1;
	buf_reset(out);
	if (tmpl_render(t->ptr, t->len, ctx, &o, out, &e) < 0) {
		buf_addf(err, "template %s.%s: %s", kind_names[kind], part_ext[p], e.ptr);
		buf_release(&e);
		return -1;
	}
	buf_release(&e);
	return 0;
}

int message_render(struct msg_env *env, enum msg_kind kind,
		   const struct tval *ctx, struct message *m, struct buf *err)
{
	const struct tval *u;

	if (load_kind(env, kind, err) < 0)
		return -1;
	if (render_part(env, kind, MSG_SUBJECT, ctx, &m->subject, err) < 0 ||
	    render_part(env, kind, MSG_TEXT, ctx, &m->text, err) < 0 ||
	    render_part(env, kind, MSG_HTML, ctx, &m->html, err) < 0)
		return -1;
	buf_trim(&m->subject);
	buf_reset(&m->unsubscribe_url);
	u = tv_get(ctx, "unsubscribe_url");
	if (u && u->type == TV_STRING)
		buf_add(&m->unsubscribe_url, u->str, u->len);
	return 0;
}

int message_build(struct msg_env *env, enum msg_kind kind, struct tval *ctx,
		  const char *to, const char *message_id, struct buf *eml,
		  struct buf *err)
{
	struct message m;
	struct mail_msg mm;
	const char *from_name = settings_get(env->settings, "mail_from_name");
	int rc = -1;

	message_init(&m);
	if (message_render(env, kind, ctx, &m, err) < 0)
		goto out;
	memset(&mm, 0, sizeof(mm));
	mm.from_name = *from_name ? from_name : settings_get(env->settings, "store_name");
	mm.from_addr = settings_get(env->settings, "mail_from");
	mm.to_addr = to;
	mm.subject = m.subject.ptr;
	mm.text_body = m.text.ptr;
	mm.html_body = m.html.len ? m.html.ptr : NULL;
	mm.list_unsubscribe_url = m.unsubscribe_url.len ? m.unsubscribe_url.ptr : NULL;
	mm.message_id = message_id;
	rc = mime_build(&mm, eml, err);
out:
	message_release(&m);
	return rc;
}

int message_preview(const char *home, const char *item_id, struct buf *eml,
		    struct buf *err)
{
	struct settings s;
	struct catalog cat;
	struct msg_env env;
	struct item it;
	struct tval *ctx = NULL;
	int rc = -1, found;

	item_init(&it);
	if (settings_load(&s, home, err) < 0)
		return -1;
	if (catalog_open(&cat, home, err) < 0) {
		settings_release(&s);
		return -1;
	}
	if (msg_env_init(&env, home, &s, &cat, err) < 0)
		goto out;
	found = catalog_get(&cat, item_id, &it);
	if (found <= 0) {
		buf_adds(err, found < 0 ? "catalog read error" : "unknown item");
		goto out;
	}
	ctx = message_context(&env, &it, PREVIEW_EMAIL, NULL);
	rc = message_build(&env, MSG_RESTOCK, ctx, PREVIEW_EMAIL, NULL, eml, err);
out:
	tv_free(ctx);
	item_release(&it);
	msg_env_release(&env);
	catalog_close(&cat);
	settings_release(&s);
	return rc;
}
