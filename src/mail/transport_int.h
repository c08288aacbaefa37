/* transport_int: the per-kind halves of transport.c (file, sendmail, smtp); internal to src/mail/. */
#ifndef RESTOCK_MAIL_TRANSPORT_INT_H
#define RESTOCK_MAIL_TRANSPORT_INT_H

#include "mail/transport.h"

/* tfile_open: resolve DIR against home and create it 0700. 0 or -1 (err). */
int tfile_open(struct mail_transport *t, const char *dir, const char *home,
	       struct buf *err);
/* tfile_send: write one .eml atomically into t->dir. 0 or -1 (err). */
int tfile_send(struct mail_transport *t, const char *message, size_t len,
	       struct buf *err);

/* tsendmail_open: check that path is an absolute executable. 0 or -1. */
int tsendmail_open(struct mail_transport *t, const char *path, struct buf *err);
/* tsendmail_send: run the program with the message on stdin; transport_send's results. */
int tsendmail_send(struct mail_transport *t, const char *from_addr,
		   const char *message, size_t len, struct buf *err);

/* tsmtp_open: parse the URL and make the CURL handle. 0 or -1 (err). */
int tsmtp_open(struct mail_transport *t, const char *spec, struct buf *err);
/* tsmtp_send: one message over the kept connection; transport_send's results. */
int tsmtp_send(struct mail_transport *t, const char *from_addr,
	       const char *to_addr, const char *message, size_t len,
	       struct buf *err);
/* tsmtp_close: QUIT and free the CURL handle (safe when none). */
void tsmtp_close(struct mail_transport *t);

#endif
