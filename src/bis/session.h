/* session: admin sessions, login throttling and the admin page's small indexes, in admin.gdbm. */
#ifndef RESTOCK_SESSION_H
#define RESTOCK_SESSION_H

#include "core/buf.h"

/*
 * Keys of admin.gdbm:
 *   S:<hash>        a session; <hash> is the hex HMAC-SHA256 of the cookie's
 *                   session id (the id itself is never stored). Value, text:
 *                   "1 <created> <last_seen> <csrf>\n<flash kind>\n<flash>"
 *                   (kind "" none, "ok" or "error").
 *   r:login:<ip>    failed-login window (store/ratelimit.h)
 *   x:<email_key>   an address the admin put on the suppression list (its
 *                   time): the listing index; the list itself is subs.gdbm x:
 *   c:<name>        cached page data (e.g. c:mostwanted), "<time>\n<data>"
 */

#define SESSION_ID_BYTES	32	/* random bytes in a session id (64 hex) */
#define SESSION_CSRF_BYTES	32	/* random bytes in a CSRF token */
#define SESSION_TOUCH_S		30	/* last_seen is rewritten at most this often */
#define SESSION_MAX_FLASH	1024	/* bytes of a flash message kept */
#define LOGIN_MAX_FAILURES	5	/* failed logins per IP ... */
#define LOGIN_WINDOW_S		60	/* ... per this many seconds, then 429 */

struct session {
	char hash[65];		/* hex HMAC of the id: the storage key */
	char csrf[2 * SESSION_CSRF_BYTES + 1];
	long long created, last_seen;
	char flash_kind[8];	/* "", "ok" or "error" */
	char *flash;		/* taken flash message or NULL (owned) */
};

void session_init(struct session *s);
void session_release(struct session *s);

/*
 * session_create: a new session with a fresh random id (appended as hex to
 * id_out) and CSRF token; expired sessions are purged on the way. Returns
 * 0, or -1 with err.
 */
int session_create(const char *home, long long now, long long idle_s,
		   long long max_s, struct session *s, struct buf *id_out,
		   struct buf *err);

/*
 * session_load: the session for the cookie value id. Returns 1 valid (s
 * filled; last_seen refreshed; with take_flash the flash moves into s and
 * is cleared), 0 unknown, malformed or expired (an expired one is deleted),
 * -1 storage error.
 */
int session_load(const char *home, const char *id, long long now,
		 long long idle_s, long long max_s, int take_flash,
		 struct session *s);

/* session_flash: store a message shown by the next page of session s. 0 or -1. */
int session_flash(const char *home, const struct session *s, int error,
		  const char *msg);

/* session_destroy: delete the session of s. 0 or -1. */
int session_destroy(const char *home, const struct session *s);

/*
 * login_throttle: count one login attempt for ip. Returns 0 allowed, a
 * positive Retry-After when LOGIN_MAX_FAILURES attempts were already made in
 * the window, -1 on error. login_throttle_reset forgets the ip's attempts
 * (after a successful login), so only failures add up.
 */
long login_throttle(const char *home, const char *ip, long long now);
int login_throttle_reset(const char *home, const char *ip);

/* admin_kv_get: value of key in admin.gdbm: 1 (out set), 0 absent, -1. */
int admin_kv_get(const char *home, const char *key, struct buf *out);
/* admin_kv_put / admin_kv_del: 0 or -1. */
int admin_kv_put(const char *home, const char *key, const char *val, size_t len);
int admin_kv_del(const char *home, const char *key);
/*
 * admin_kv_list: keys starting with prefix (admin.gdbm is small: sessions,
 * throttles and the indexes above), without the prefix, sorted, at most
 * max, as "key\tvalue\n" lines into out (replaced; values cut at a tab or
 * line break). Returns how many keys matched, or -1.
 */
long admin_kv_list(const char *home, const char *prefix, long max,
		   struct buf *out);

#endif
