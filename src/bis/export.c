/* export: CSV writers over the stores (FIFO per variant, events and outbox in order). */
#include "bis/export.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/db.h"
#include "store/events.h"
#include "store/outbox.h"
#include "store/subs.h"
#include "tmpl/escape.h"

#define EXPORT_FLUSH_BYTES 65536

struct csv {
	struct buf b;
	export_sink sink;
	void *ctx;
	int failed;
};

static void csv_field(struct csv *c, const char *s, int last)
{
	esc_csv_field(&c->b, s ? s : "", s ? strlen(s) : 0);
	buf_adds(&c->b, last ? "\r\n" : ",");
}

static void csv_flush(struct csv *c, int force)
{
	if (c->failed || (!force && c->b.len < EXPORT_FLUSH_BYTES))
		return;
	if (c->b.len && c->sink(c->ctx, c->b.ptr, c->b.len) < 0)
		c->failed = 1;
	buf_reset(&c->b);
}

void iso_time(struct buf *out, long long t, int us)
{
	time_t tt = (time_t)(us ? t / 1000000 : t);
	struct tm tm;
	char s[32];
	gmtime_r(&tt, &tm);
	strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%S", &tm);
	buf_adds(out, s);
	if (us)
		buf_addf(out, ".%06lldZ", t % 1000000);
	else
		buf_addch(out, 'Z');
}

static const char *channel_names(unsigned ch, char *dst, size_t cap)
{
	static const char *names[] = { "EMAIL", "SMS", "PUSH", "WHATSAPP" };
	dst[0] = '\0';
	for (int i = 0; i < 4; i++) {
		if (!(ch & (1u << i)))
			continue;
		if (dst[0])
			strncat(dst, " ", cap - strlen(dst) - 1);
		strncat(dst, names[i], cap - strlen(dst) - 1);
	}
	return dst;
}

static int sub_rows(struct db *db, const char *variant, struct csv *c)
{
	struct variant_head h;
	struct sub s;
	struct buf t = BUF_INIT;
	char ch[64], price[64];
	int pos = 0;

	if (variant_head_get(db, variant, &h) < 0)
		return -1;
	sub_init(&s);
	for (long long q = h.head; q < h.next && !c->failed; q++) {
		if (subs_get(db, variant, q, &s) != 1)
			continue;
		buf_reset(&t);
		iso_time(&t, s.created_us, 1);
		snprintf(price, sizeof(price), "%.2f", s.item_price);
		char posn[32];
		snprintf(posn, sizeof(posn), "%d", ++pos);
		csv_field(c, variant, 0);
		csv_field(c, posn, 0);
		csv_field(c, s.email, 0);
		csv_field(c, s.phone, 0);
		csv_field(c, s.external_id, 0);
		csv_field(c, t.ptr, 0);
		csv_field(c, channel_names(s.channels, ch, sizeof(ch)), 0);
		csv_field(c, s.platform, 0);
		csv_field(c, s.item_title, 0);
		csv_field(c, price, 1);
		csv_flush(c, 0);
	}
	sub_release(&s);
	buf_release(&t);
	return 0;
}

int export_subscriptions(const char *home, const char *variant,
			 export_sink sink, void *ctx, struct buf *err)
{
	struct csv c = { BUF_INIT, sink, ctx, 0 };
	struct db db, w;
	struct db_iter it;
	int rc = 0;

	buf_adds(&c.b, "variant,position,email,phone_number,external_id,subscribed_at,channels,platform,item_title,item_price\r\n");
	if (db_open(&db, home, DB_SUBS, DB_READ, err) < 0) {
		if (errno != ENOENT)
			rc = -1;
		buf_reset(err);
		goto out;
	}
	if (variant) {
		rc = sub_rows(&db, variant, &c);
	} else if (db_open(&w, home, DB_WAITING, DB_READ, err) == 0) {
		/* only variants with waiters: the waiting index, not a scan of everything */
		for (int more = db_iter_first(&w, &it); more && !c.failed;
		     more = db_iter_next(&w, &it)) {
			char *v = xstrndup(it.key.dptr, (size_t)it.key.dsize);
			rc = sub_rows(&db, v, &c);
			free(v);
		}
		db_iter_release(&it);
		db_close(&w);
	} else {
		buf_reset(err);
	}
	db_close(&db);
out:
	csv_flush(&c, 1);
	buf_release(&c.b);
	return rc < 0 || c.failed ? -1 : 0;
}

int export_events(const char *home, export_sink sink, void *ctx, struct buf *err)
{
	struct csv c = { BUF_INIT, sink, ctx, 0 };
	struct db db;
	struct event e;
	struct buf t = BUF_INIT;
	char ch[64], price[64];

	buf_adds(&c.b, "n,time,type,email,variant,channels,platform,item_title,item_price,reason,notification\r\n");
	event_init(&e);
	if (db_open(&db, home, DB_SUBS, DB_READ, err) == 0) {
		long long n = events_count(&db);
		for (long long i = 0; i < n && !c.failed; i++) {
			if (events_get(&db, i, &e) != 1)
				continue;
			char num[32];
			snprintf(num, sizeof(num), "%lld", e.n);
			buf_reset(&t);
			iso_time(&t, e.time_us, 1);
			if (e.has_price)
				snprintf(price, sizeof(price), "%.2f", e.item_price);
			else
				price[0] = '\0';
			csv_field(&c, num, 0);
			csv_field(&c, t.ptr, 0);
			csv_field(&c, e.type, 0);
			csv_field(&c, e.email, 0);
			csv_field(&c, e.variant, 0);
			csv_field(&c, channel_names(e.channels, ch, sizeof(ch)), 0);
			csv_field(&c, e.platform, 0);
			csv_field(&c, e.item_title, 0);
			csv_field(&c, price, 0);
			csv_field(&c, e.reason, 0);
			csv_field(&c, e.notification, 1);
			csv_flush(&c, 0);
		}
		db_close(&db);
	} else {
		buf_reset(err);
	}
	csv_flush(&c, 1);
	event_release(&e);
	buf_release(&t);
	buf_release(&c.b);
	return c.failed ? -1 : 0;
}

int export_notifications(const char *home, export_sink sink, void *ctx,
			 struct buf *err)
{
	struct csv c = { BUF_INIT, sink, ctx, 0 };
	struct db db;
	struct notif n;
	struct buf t = BUF_INIT, u = BUF_INIT;

	buf_adds(&c.b, "id,kind,state,email,variant,attempts,created_at,updated_at,last_error,message_id\r\n");
	notif_init(&n);
	if (db_open(&db, home, DB_OUTBOX, DB_READ, err) == 0) {
		long long max = outbox_next_id(&db);
		for (long long i = 0; i < max && !c.failed; i++) {
			if (outbox_get(&db, i, &n) != 1)
				continue;
			char id[32], att[16], kind[16];
			snprintf(id, sizeof(id), "%lld", n.id);
			snprintf(att, sizeof(att), "%d", n.attempts);
			snprintf(kind, sizeof(kind), "%s", n.kind == NK_RESTOCK ? "restock" :
				 n.kind == NK_CONFIRM ? "confirm" : "test");
			buf_reset(&t);
			iso_time(&t, n.created, 0);
			buf_reset(&u);
			iso_time(&u, n.updated, 0);
			csv_field(&c, id, 0);
			csv_field(&c, kind, 0);
			csv_field(&c, notif_state_name(n.state), 0);
			csv_field(&c, n.email, 0);
			csv_field(&c, n.variant, 0);
			csv_field(&c, att, 0);
			csv_field(&c, t.ptr, 0);
			csv_field(&c, u.ptr, 0);
			csv_field(&c, n.last_error, 0);
			csv_field(&c, n.message_id, 1);
			csv_flush(&c, 0);
		}
		db_close(&db);
	} else {
		buf_reset(err);
	}
	csv_flush(&c, 1);
	notif_release(&n);
	buf_release(&t);
	buf_release(&u);
	buf_release(&c.b);
	return c.failed ? -1 : 0;
}
