/* transport_sendmail: sendmail:PATH, the message piped to "PATH -t -i -f FROM" (no shell). */
#include "mail/transport_int.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define EX_TEMPFAIL_CODE	75	/* sysexits.h EX_TEMPFAIL */
#define SENDMAIL_READ_CHUNK	512

extern char **environ;

/* A running sendmail child and our ends of its pipes. */
struct child {
	pid_t pid;
	int in;			/* its stdin, -1 once closed */
	int out;		/* its stdout+stderr, -1 once closed */
	size_t off;		/* message bytes written */
	int broken;		/* it stopped reading before the end */
	struct buf text;	/* what it printed (first MAIL_REPLY_MAX bytes) */
};

int tsendmail_open(struct mail_transport *t, const char *path, struct buf *err)
{
	if (path[0] != '/' || access(path, X_OK) < 0) {
		buf_addf(err, "sendmail transport: %s is not an absolute path to a program", path);
		return -1;
	}
	t->path = xstrdup(path);
	return 0;
}

/* spawn: start the program with its stdin and output on pipes. 0 or -1. */
static int spawn(struct child *c, const char *path, const char *from, struct buf *err)
{
	int in[2], out[2], rc;
	posix_spawn_file_actions_t fa;
	char *argv[] = { (char *)path, "-t", "-i", "-f", (char *)from, NULL };

	if (pipe2(in, O_CLOEXEC) < 0)
		goto fail;
	if (pipe2(out, O_CLOEXEC) < 0) {
		close(in[0]);
		close(in[1]);
		goto fail;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_adddup2(&fa, out[1], 2);
	rc = posix_spawn(&c->pid, path, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(in[0]);
	close(out[1]);
	c->in = in[1];
	c->out = out[0];
	if (rc) {
		close(c->in);
		close(c->out);
		c->in = c->out = -1;
		errno = rc;
		goto fail;
	}
	fcntl(c->in, F_SETFL, O_NONBLOCK);
	return 0;
fail:
	buf_addf(err, "sendmail transport: cannot run %s: %s", path, strerror(errno));
	return -1;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void feed(struct child *c, const char *msg, size_t len)
{
	ssize_t n = write(c->in, msg + c->off, len - c->off);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n < 0) {
		c->broken = 1;
		close_fd(&c->in);
		return;
	}
	c->off += (size_t)n;
	if (c->off == len)
		close_fd(&c->in);
}

static void drain(struct child *c)
{
	char tmp[SENDMAIL_READ_CHUNK];
	ssize_t n = read(c->out, tmp, sizeof(tmp));

	if (n < 0 && errno == EINTR)
		return;
	if (n <= 0) {
		close_fd(&c->out);
		return;
	}
	if (c->text.len < MAIL_REPLY_MAX) {
		size_t room = MAIL_REPLY_MAX - c->text.len;
		buf_add(&c->text, tmp, (size_t)n < room ? (size_t)n : room);
	}
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* pump: write the message and collect output until both pipes close.
 * 0, or -1 on timeout (the child is then killed). */
static int pump(struct child *c, const char *msg, size_t len)
{
	long long deadline = now_ms() + MAIL_SENDMAIL_TIMEOUT_S * 1000LL;

	while (c->in >= 0 || c->out >= 0) {
		struct pollfd p[2] = {
			{ .fd = c->in, .events = POLLOUT },
			{ .fd = c->out, .events = POLLIN },
		};
		long long left = deadline - now_ms();
		int r;

		if (left <= 0) {
			kill(c->pid, SIGKILL);
			return -1;
		}
		r = poll(p, 2, (int)left);
		if (r < 0 && errno != EINTR) {
			kill(c->pid, SIGKILL);
			return -1;
		}
		if (r <= 0)
			continue;
		if (p[0].revents)
			feed(c, msg, len);
		if (p[1].revents)
			drain(c);
	}
	return 0;
}

/* first_line: the child's first output line, cleaned, for err. */
static void first_line(struct buf *err, const struct buf *text)
{
	for (size_t i = 0; i < text->len && text->ptr[i] != '\n'; i++) {
		unsigned char ch = (unsigned char)text->ptr[i];
		if (ch >= 0x20 && ch != 0x7f)
			buf_addch(err, ch);
	}
}

/* verdict: map the exit status to transport_send's results. */
static int verdict(const struct child *c, int status, int timed_out, struct buf *err)
{
	if (timed_out) {
		buf_addf(err, "sendmail: no exit after %ds (killed)", MAIL_SENDMAIL_TIMEOUT_S);
		return TRANSPORT_TEMPFAIL;
	}
	if (WIFSIGNALED(status)) {
		buf_addf(err, "sendmail: killed by signal %d", WTERMSIG(status));
		return TRANSPORT_TEMPFAIL;
	}
	if (WEXITSTATUS(status) == 0 && !c->broken)
		return 0;
	if (WEXITSTATUS(status) == 0) {
		buf_adds(err, "sendmail: exited before reading the whole message");
		return TRANSPORT_TEMPFAIL;
	}
	buf_addf(err, "sendmail exit %d", WEXITSTATUS(status));
	if (c->text.len && c->text.ptr[0] != '\n')
		buf_adds(err, ": ");
	first_line(err, &c->text);
	return WEXITSTATUS(status) == EX_TEMPFAIL_CODE ? TRANSPORT_TEMPFAIL
						       : TRANSPORT_PERMFAIL;
}

int tsendmail_send(struct mail_transport *t, const char *from_addr,
		   const char *message, size_t len, struct buf *err)
{
	struct child c = { .pid = -1, .in = -1, .out = -1, .text = BUF_INIT };
	sigset_t pipe_set, old, pending;
	int status = 0, timed_out, was_pending, ret;

	if (from_addr[0] == '-') {
		buf_adds(err, "sendmail transport: sender may not start with '-'");
		return -1;
	}
	/* a reader that exits early must give EPIPE, not kill us */
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	sigpending(&pending);
	was_pending = sigismember(&pending, SIGPIPE);
	sigprocmask(SIG_BLOCK, &pipe_set, &old);
	if (spawn(&c, t->path, from_addr, err) < 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		return -1;
	}
	timed_out = pump(&c, message, len) < 0;
	close_fd(&c.in);
	close_fd(&c.out);
	while (waitpid(c.pid, &status, 0) < 0 && errno == EINTR)
		;
	if (c.broken && !was_pending) {
		struct timespec zero = { 0, 0 };
		sigtimedwait(&pipe_set, NULL, &zero);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	ret = verdict(&c, status, timed_out, err);
	buf_release(&c.text);
	return ret;
}
