/* mail_driver: a tiny program for tests/e2e/mail_*.t that drives src/mail/ (build, send, webhook). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "mail/mime.h"
#include "mail/transport.h"

/*
 * mail_driver build FROM TO SUBJECT            print one message
 * mail_driver send SPEC HOME FROM SUBJECT TO...  one message per TO over one
 *     transport; prints "<to> <result> <err>" per line (result: 0, 1 temp,
 *     2 perm, -1 local); exit 0 when every message ran
 * mail_driver webhook URL SECRET JSON          prints "<result> <err>"
 */

static void fill(struct mail_msg *m, const char *from, const char *to, const char *subject)
{
	memset(m, 0, sizeof(*m));
	m->from_name = "Acme Caf\xc3\xa9 Store";
	m->from_addr = from;
	m->to_addr = to;
	m->subject = subject;
	m->text_body = "The item you wanted is back.\nLink: https://shop.example/p/1?utm_source=restock\n";
	m->html_body = "<p>The item you wanted is <b>back</b>.</p>\n"
		       "<p><a href=\"https://shop.example/p/1?utm_source=restock\">Buy it</a></p>\n";
	m->list_unsubscribe_url = "https://shop.example/unsubscribe?t=tok.sig";
}

static int cmd_build(char **argv)
{
	struct mail_msg m;
	struct buf out = BUF_INIT, err = BUF_INIT;

	fill(&m, argv[0], argv[1], argv[2]);
	if (mime_build(&m, &out, &err) < 0) {
		fprintf(stderr, "mime_build: %s\n", err.ptr);
		return 1;
	}
	fwrite(out.ptr, 1, out.len, stdout);
	buf_release(&out);
	buf_release(&err);
	return 0;
}

static int cmd_send(int argc, char **argv)
{
	struct mail_transport t;
	struct buf err = BUF_INIT;

	if (transport_open(&t, argv[0], argv[1], &err) < 0) {
		fprintf(stderr, "transport_open: %s\n", err.ptr);
		return 1;
	}
	for (int i = 4; i < argc; i++) {
		struct mail_msg m;
		struct buf msg = BUF_INIT;
		int r;

		buf_reset(&err);
		fill(&m, argv[2], argv[i], argv[3]);
		r = mime_build(&m, &msg, &err);
		if (r == 0)
			r = transport_send(&t, argv[2], argv[i], msg.ptr, msg.len, &err);
		printf("%s %d %s\n", argv[i], r, err.ptr);
		fflush(stdout);
		buf_release(&msg);
	}
	transport_close(&t);
	buf_release(&err);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "build"))
		return cmd_build(argv + 2);
	if (argc >= 7 && !strcmp(argv[1], "send"))
		return cmd_send(argc - 2, argv + 2);
	if (argc == 5 && !strcmp(argv[1], "webhook")) {
		struct buf err = BUF_INIT;
		int r = webhook_post(argv[2], argv[3], argv[4], strlen(argv[4]), &err);
		printf("%d %s\n", r, err.ptr);
		buf_release(&err);
		return 0;
	}
	fprintf(stderr, "usage: mail_driver build FROM TO SUBJECT | send SPEC HOME FROM SUBJECT TO... | webhook URL SECRET JSON\n");
	return 2;
}
