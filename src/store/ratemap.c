/* ratemap: two-bucket sliding windows in a fixed-size, shared, mmap'd hash table. */
#include "store/ratemap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/db.h"

#define RM_MAGIC "RSRATE1"

enum { RM_RATE = 1, RM_MARK = 2 };

struct rm_header {
	char magic[8];
	uint32_t nslots;
	uint32_t slot_size;
	char pad[48];
};

struct rm_slot {
	uint64_t hash;		/* 0: free */
	int64_t start;		/* window start (rate) or time set (mark) */
	int32_t cur, prev;	/* counts (rate); cur is the value (mark) */
	int32_t window;		/* seconds: window (rate) or time to live (mark) */
	int32_t kind;
};

#define RM_SIZE (sizeof(struct rm_header) + (size_t)RATEMAP_SLOTS * sizeof(struct rm_slot))

void ratemap_init(struct ratemap *m)
{
	memset(m, 0, sizeof(*m));
	m->fd = -1;
}

void ratemap_close(struct ratemap *m)
{
	if (m->base)
		munmap(m->base, m->size);
	if (m->fd >= 0)
		close(m->fd);
	free(m->path);
	ratemap_init(m);
}

static uint64_t key_hash(const char *key)
{
	uint64_t h = 1469598103934665603ULL;
	for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
		h ^= *p;
		h *= 1099511628211ULL;
	}
	h ^= h >> 29;	/* spread the low bits used for the slot index */
	return h ? h : 1;
}

static int lock(struct ratemap *m)
{
	return db_lock_wait(m->fd, LOCK_EX, RATEMAP_LOCK_MS);
}

static void unlock(struct ratemap *m)
{
	flock(m->fd, LOCK_UN);
}

/* map_file: open, size (first use) and map path. 0 or -1. */
static int map_file(struct ratemap *m, struct buf *err)
{
	struct stat st;
	struct rm_header *h;

	m->fd = open(m->path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (m->fd < 0)
		goto fail;
	if (lock(m) < 0)
		goto fail;
	if (fstat(m->fd, &st) < 0) {
		unlock(m);
		goto fail;
	}
	if ((size_t)st.st_size != RM_SIZE) {
		/* new (or foreign) file: a fresh empty table; rate state is soft */
		if (ftruncate(m->fd, 0) < 0 || ftruncate(m->fd, (off_t)RM_SIZE) < 0) {
			unlock(m);
			goto fail;
		}
	}
	m->base = mmap(NULL, RM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, m->fd, 0);
	if (m->base == MAP_FAILED) {
		m->base = NULL;
		unlock(m);
		goto fail;
	}
	m->size = RM_SIZE;
	h = m->base;
	if (memcmp(h->magic, RM_MAGIC, sizeof(RM_MAGIC)) ||
	    h->nslots != RATEMAP_SLOTS || h->slot_size != sizeof(struct rm_slot)) {
		memset(m->base, 0, RM_SIZE);
		memcpy(h->magic, RM_MAGIC, sizeof(RM_MAGIC));
		h->nslots = RATEMAP_SLOTS;
		h->slot_size = sizeof(struct rm_slot);
	}
	unlock(m);
	m->dev = st.st_dev;
	m->ino = st.st_ino;
	return 0;
fail:
	if (err)
		buf_addf(err, "%s: %s", m->path, strerror(errno));
	return -1;
}

int ratemap_open(struct ratemap *m, const char *home, struct buf *err)
{
	struct stat st;
	if (m->base) {
		if (stat(m->path, &st) == 0 && st.st_dev == m->dev && st.st_ino == m->ino)
			return 0;
		ratemap_close(m);	/* replaced or removed: map the new one */
	}
	ratemap_init(m);
	{
		struct buf p = BUF_INIT;
		db_home_path(&p, home, RATEMAP_FILE);
		m->path = buf_detach(&p, NULL);
	}
	if (map_file(m, err) < 0) {
		ratemap_close(m);
		return -1;
	}
	return 0;
}

static int expired(const struct rm_slot *s, long long now)
{
	if (s->kind == RM_RATE)
		return now >= s->start + 2LL * s->window;
	return now >= s->start + s->window;
}

/*
 * find: the slot of hash (create: claim a free, expired or the oldest slot,
 * zeroed). NULL when absent and not creating. Called under the lock.
 */
static struct rm_slot *find(struct ratemap *m, uint64_t hash, long long now,
			    int create)
{
	struct rm_slot *slots = (struct rm_slot *)((char *)m->base + sizeof(struct rm_header));
	struct rm_slot *free_slot = NULL, *oldest = NULL;
	size_t i0 = (size_t)(hash & (RATEMAP_SLOTS - 1));

	for (size_t k = 0; k < RATEMAP_PROBE; k++) {
		struct rm_slot *s = &slots[(i0 + k) & (RATEMAP_SLOTS - 1)];
		if (s->hash == hash) {
			if (expired(s, now)) {
				if (!create)
					return NULL;
				memset(s, 0, sizeof(*s));
				s->hash = hash;
			}
			return s;
		}
		if (!free_slot && (s->hash == 0 || expired(s, now)))
			free_slot = s;
		if (!oldest || s->start < oldest->start)
			oldest = s;
	}
	if (!create)
		return NULL;
	if (!free_slot)
		free_slot = oldest;	/* full: evict the oldest window */
	memset(free_slot, 0, sizeof(*free_slot));
	free_slot->hash = hash;
	return free_slot;
}

/* hit_locked: one window of ratemap_hit, under the lock. */
static long hit_locked(struct ratemap *m, const char *key, long limit,
		       long window_s, long long now)
{
	struct rm_slot *s;
	if (limit <= 0)
		return 0;
	if (window_s <= 0)
		return -1;
	s = find(m, key_hash(key), now, 1);
	if (s->kind != RM_RATE || s->window != window_s) {
		s->kind = RM_RATE;
		s->window = (int32_t)window_s;
		s->start = s->cur = s->prev = 0;
	}
	long long bucket = now - now % window_s;
	if (bucket != s->start) {
		s->prev = bucket - s->start == window_s ? s->cur : 0;
		s->cur = 0;
		s->start = bucket;
	}
	double elapsed = (double)(now - bucket) / (double)window_s;
	double estimate = (double)s->prev * (1.0 - elapsed) + (double)s->cur;
	if (estimate + 1 > (double)limit) {
		long wait = (long)(bucket + window_s - now);
		return wait > 0 ? wait : 1;
	}
	s->cur++;
	return 0;
}

long ratemap_hit(struct ratemap *m, const char *key, long limit, long window_s,
		 long long now)
{
	struct rate_rule r = { key, limit, window_s };
	if (limit <= 0)
		return 0;
	return ratemap_hit_all(m, &r, 1, NULL, NULL, now);
}

long ratemap_hit_all(struct ratemap *m, const struct rate_rule *rules, int n,
		     const char *mark_key, long long *mark, long long now)
{
	long rc = 0;
	if (!m->base || lock(m) < 0)
		return -1;	/* fail closed */
	for (int i = 0; i < n && rc == 0; i++)
		rc = hit_locked(m, rules[i].key, rules[i].limit, rules[i].window_s, now);
	if (mark_key && mark) {
		struct rm_slot *s = find(m, key_hash(mark_key), now, 0);
		*mark = s && s->kind == RM_MARK ? s->cur : 0;
	}
	unlock(m);
	return rc;
}

int ratemap_mark(struct ratemap *m, const char *key, long long value,
		 long long now, long ttl_s)
{
	struct rm_slot *s;
	if (!m->base || lock(m) < 0)
		return -1;
	s = find(m, key_hash(key), now, value != 0);
	if (s && value == 0) {
		memset(s, 0, sizeof(*s));
	} else if (s) {
		s->kind = RM_MARK;
		s->start = now;
		s->window = (int32_t)ttl_s;
		s->cur = value > INT32_MAX ? INT32_MAX : (int32_t)value;
	}
	unlock(m);
	return 0;
}

long long ratemap_peek(struct ratemap *m, const char *key, long long now)
{
	struct rm_slot *s;
	long long v = 0;
	if (!m->base || lock(m) < 0)
		return -1;
	s = find(m, key_hash(key), now, 0);
	if (s && s->kind == RM_MARK)
		v = s->cur;
	unlock(m);
	return v;
}
