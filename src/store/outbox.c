/* outbox: notification records with per-state counters and a pending cursor. */
#include "store/outbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/rec.h"

enum {
	NOTIF_REC_VERSION = 1,
	T_KIND = 'K', T_STATE = 'S', T_EMAIL = 'e', T_VARIANT = 'v', T_SUB = 'b',
	T_TOKEN = 'T', T_CHANNELS = 'c', T_ATTEMPTS = 'a', T_CREATED = 'C',
	T_UPDATED = 'U', T_NEXT = 'N', T_ERROR = 'E', T_MSGID = 'M',
};

void notif_init(struct notif *n)
{
	memset(n, 0, sizeof(*n));
	buf_init(&n->sub);
	n->kind = NK_RESTOCK;
	n->state = NS_PENDING;
}

void notif_release(struct notif *n)
{
	free(n->email);
	free(n->variant);
	free(n->token);
	free(n->last_error);
	free(n->message_id);
	buf_release(&n->sub);
	notif_init(n);
}

const char *notif_state_name(char state)
{
	switch (state) {
	case NS_PENDING: return "pending";
	case NS_SENT: return "sent";
	case NS_FAILED: return "failed";
	case NS_SKIPPED: return "skipped";
	}
	return "unknown";
}

int notif_state_parse(const char *name)
{
	static const char states[] = { NS_PENDING, NS_SENT, NS_FAILED, NS_SKIPPED };
	for (size_t i = 0; i < sizeof(states); i++)
		if (!strcmp(name, notif_state_name(states[i])))
			return states[i];
	return -1;
}

static void encode(const struct notif *n, struct buf *v)
{
	char c[2] = { 0, 0 };
	rec_begin(v, NOTIF_REC_VERSION);
	c[0] = n->kind;
	rec_put_str(v, T_KIND, c);
	c[0] = n->state;
	rec_put_str(v, T_STATE, c);
	rec_put_str(v, T_EMAIL, n->email);
	rec_put_str(v, T_VARIANT, n->variant);
	if (n->sub.len)
		rec_put(v, T_SUB, n->sub.ptr, n->sub.len);
	rec_put_str(v, T_TOKEN, n->token);
	rec_put_ll(v, T_CHANNELS, n->channels);
	rec_put_ll(v, T_ATTEMPTS, n->attempts);
	rec_put_ll(v, T_CREATED, n->created);
	rec_put_ll(v, T_UPDATED, n->updated);
	rec_put_ll(v, T_NEXT, n->next_at);
	rec_put_str(v, T_ERROR, n->last_error);
	rec_put_str(v, T_MSGID, n->message_id);
}

static int decode(struct notif *n, const char *data, size_t len)
{
	struct rec_reader r;
	unsigned char tag;
	const char *d;
	size_t l;
	int rc;

	if (rec_reader_init(&r, data, len) < 0 || r.version != NOTIF_REC_VERSION)
		return -1;
	while ((rc = rec_next(&r, &tag, &d, &l)) == 1) {
		char **slot = NULL;
		switch (tag) {
		case T_KIND: if (l) n->kind = d[0]; break;
		case T_STATE: if (l) n->state = d[0]; break;
		case T_SUB: buf_reset(&n->sub); buf_add(&n->sub, d, l); break;
		case T_CHANNELS: n->channels = (unsigned)rec_ll(d, l); break;
		case T_ATTEMPTS: n->attempts = (int)rec_ll(d, l); break;
		case T_CREATED: n->created = rec_ll(d, l); break;
		case T_UPDATED: n->updated = rec_ll(d, l); break;
		case T_NEXT: n->next_at = rec_ll(d, l); break;
		case T_EMAIL: slot = &n->email; break;
		case T_VARIANT: slot = &n->variant; break;
		case T_TOKEN: slot = &n->token; break;
		case T_ERROR: slot = &n->last_error; break;
		case T_MSGID: slot = &n->message_id; break;
		}
		if (slot) {
			free(*slot);
			*slot = xstrndup(d, l);
		}
	}
	return rc < 0 ? -1 : 0;
}

static void state_key(char *k, size_t cap, char state)
{
	snprintf(k, cap, "#n:%s", notif_state_name(state));
}

static int count_state(struct db *ob, char state, long long delta)
{
	char k[32];
	state_key(k, sizeof(k), state);
	return db_add_ll(ob, k, delta) < 0 && delta > 0 ? -1 : 0;
}

long long outbox_count(struct db *ob, char state)
{
	char k[32];
	state_key(k, sizeof(k), state);
	return db_get_ll(ob, k, 0);
}

static int write_rec(struct db *ob, const struct notif *n)
{
	struct buf v = BUF_INIT;
	char k[40];
	int rc;
	snprintf(k, sizeof(k), "o:%lld", n->id);
	encode(n, &v);
	rc = db_put(ob, k, strlen(k), v.ptr, v.len);
	buf_release(&v);
	return rc;
}

int outbox_add(struct db *ob, struct notif *n, const char *dedupe_key)
{
	struct buf k = BUF_INIT, v = BUF_INIT;
	int rc = -1;

	if (dedupe_key) {
		buf_addf(&k, "k:%s", dedupe_key);
		int got = db_get(ob, k.ptr, k.len, &v);
		if (got < 0)
			goto out;
		if (got == 1) {
			n->id = strtoll(v.ptr, NULL, 10);
			rc = 0;
			goto out;
		}
	}
	n->id = db_add_ll(ob, "#on", 1) - 1;
	if (n->id < 0)
		goto out;
	n->created = n->updated = (long long)time(NULL);
	if (!n->next_at)
		n->next_at = n->created;
	n->state = NS_PENDING;
	if (write_rec(ob, n) < 0 || count_state(ob, NS_PENDING, 1) < 0)
		goto out;
	if (dedupe_key && db_put_ll(ob, k.ptr, n->id) < 0)
		goto out;
	rc = 1;
out:
	buf_release(&k);
	buf_release(&v);
	return rc;
}

int outbox_get(struct db *ob, long long id, struct notif *n)
{
	struct buf v = BUF_INIT;
	char k[40];
	int rc;
	notif_release(n);
	snprintf(k, sizeof(k), "o:%lld", id);
	rc = db_get(ob, k, strlen(k), &v);
	if (rc == 1) {
		n->id = id;
		if (decode(n, v.ptr, v.len) < 0)
			rc = -1;
	}
	buf_release(&v);
	return rc;
}

int outbox_put(struct db *ob, struct notif *n)
{
	struct notif old;
	int rc;
	notif_init(&old);
	rc = outbox_get(ob, n->id, &old);
	if (rc < 0)
		goto out;
	n->updated = (long long)time(NULL);
	rc = write_rec(ob, n);
	if (rc == 0 && old.state != n->state) {
		count_state(ob, old.state, -1);
		rc = count_state(ob, n->state, 1);
	}
out:
	notif_release(&old);
	return rc;
}

long long outbox_next_id(struct db *ob)
{
	return db_get_ll(ob, "#on", 0);
}

long long outbox_cursor(struct db *ob)
{
	return db_get_ll(ob, "#pcur", 0);
}

int outbox_set_cursor(struct db *ob, long long id)
{
	return db_put_ll(ob, "#pcur", id);
}
