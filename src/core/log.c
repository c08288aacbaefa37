/* log: single-line stderr logging with control characters replaced. */
#include "core/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void log_msg(const char *level, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	time_t t = time(NULL);
	struct tm tm;
	char ts[32];

	gmtime_r(&t, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	buf_addf(&b, "restock[%d] %s %s: ", (int)getpid(), ts, level);
	size_t start = b.len;
	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	for (size_t i = start; i < b.len; i++)
		if ((unsigned char)b.ptr[i] < 0x20)
			b.ptr[i] = ' ';	/* one event, one line */
	buf_addch(&b, '\n');
	fwrite(b.ptr, 1, b.len, stderr);
	fflush(stderr);
	buf_release(&b);
}

void log_email_redact(struct buf *out, const char *email)
{
	const char *at = strchr(email, '@');
	if (!at || at == email) {
		buf_adds(out, "***");
		return;
	}
	buf_addch(out, email[0]);
	buf_adds(out, "***");
	buf_adds(out, at);
}
