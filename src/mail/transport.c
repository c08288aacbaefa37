/* transport: parse the mail_transport setting and dispatch to the file, sendmail or smtp transport. */
#include "mail/transport_int.h"

#include <stdlib.h>
#include <string.h>

#include "mail/encode.h"

int transport_open(struct mail_transport *t, const char *spec, const char *home,
		   struct buf *err)
{
	int r;

	*t = (struct mail_transport)MAIL_TRANSPORT_INIT;
	if (!spec) {
		buf_adds(err, "mail_transport: not set");
		return -1;
	}
	if (!strncmp(spec, "file:", 5)) {
		t->kind = TRANSPORT_FILE;
		r = tfile_open(t, spec + 5, home, err);
	} else if (!strncmp(spec, "sendmail:", 9)) {
		t->kind = TRANSPORT_SENDMAIL;
		r = tsendmail_open(t, spec + 9, err);
	} else if (!strncmp(spec, "smtp://", 7) || !strncmp(spec, "smtps://", 8)) {
		t->kind = TRANSPORT_SMTP;
		r = tsmtp_open(t, spec, err);
	} else {
		buf_adds(err, "mail_transport: must be file:DIR, sendmail:PATH, "
			 "smtp://host:port or smtps://host:port");
		r = -1;
	}
	if (r < 0)
		transport_close(t);
	return r;
}

int transport_send(struct mail_transport *t, const char *from_addr,
		   const char *to_addr, const char *message, size_t len,
		   struct buf *err)
{
	if (!mail_addr_valid(from_addr) || !mail_addr_valid(to_addr)) {
		buf_adds(err, "envelope address is not a plain email address");
		return -1;
	}
	if (!message || !len || len > MAIL_MAX_MESSAGE_BYTES) {
		buf_adds(err, "message empty or too large");
		return -1;
	}
	switch (t->kind) {
	case TRANSPORT_FILE:
		return tfile_send(t, message, len, err);
	case TRANSPORT_SENDMAIL:
		return tsendmail_send(t, from_addr, message, len, err);
	case TRANSPORT_SMTP:
		return tsmtp_send(t, from_addr, to_addr, message, len, err);
	default:
		buf_adds(err, "mail transport not open");
		return -1;
	}
}

void transport_close(struct mail_transport *t)
{
	tsmtp_close(t);
	free(t->dir);
	free(t->path);
	free(t->url);
	if (t->password)
		memset(t->password, 0, strlen(t->password));
	free(t->user);
	free(t->password);
	buf_release(&t->reply);
	*t = (struct mail_transport)MAIL_TRANSPORT_INIT;
}
