/* log: one line per event on stderr (the web server's error log), never secrets or full emails. */
#ifndef RESTOCK_LOG_H
#define RESTOCK_LOG_H

#include "core/buf.h"

void log_msg(const char *level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
#define log_error(...) log_msg("error", __VA_ARGS__)
#define log_warn(...) log_msg("warn", __VA_ARGS__)
#define log_info(...) log_msg("info", __VA_ARGS__)

/* log_email_redact: "jane.doe@example.com" -> "j***@example.com" into out. */
void log_email_redact(struct buf *out, const char *email);

#endif
