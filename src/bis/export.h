/* export: subscriptions, events and notifications as RFC 4180 CSV (restockctl export, admin downloads). */
#ifndef RESTOCK_EXPORT_H
#define RESTOCK_EXPORT_H

#include "core/buf.h"

/* The sink receives CSV in chunks; return 0 to continue, -1 to stop. */
typedef int (*export_sink)(void *ctx, const char *data, size_t len);

/*
 * export_subscriptions: waiting subscriptions in FIFO order per variant
 * (only variant, or every variant with waiters when NULL). 0 or -1 with err.
 */
int export_subscriptions(const char *home, const char *variant,
			 export_sink sink, void *ctx, struct buf *err);
int export_events(const char *home, export_sink sink, void *ctx, struct buf *err);
int export_notifications(const char *home, export_sink sink, void *ctx,
			 struct buf *err);

/* iso_time: "2026-11-26T16:00:00Z" (or with .micro when us) into out. */
void iso_time(struct buf *out, long long t, int us);

#endif
