/* transport_file: file:DIR, one <unix-time>-<message-id>.eml per message, written atomically. */
#include "mail/transport_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/crypto.h"

#define FILE_ID_MAX		100	/* characters of the Message-ID in a file name */
#define FILE_TMP_RANDOM_BYTES	8

/* mkdir_p: create dir and missing parents (new ones 0700). 0 or -1. */
static int mkdir_p(const char *dir, struct buf *err)
{
	char *p = xstrdup(dir);
	struct stat st;

	for (char *s = p + 1;; s++) {
		char c = *s;
		if (c != '/' && c)
			continue;
		*s = '\0';
		if (mkdir(p, 0700) < 0 && errno != EEXIST) {
			buf_addf(err, "file transport: cannot create %s: %s", p,
				 strerror(errno));
			free(p);
			return -1;
		}
		*s = c;
		if (!c)
			break;
	}
	free(p);
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode) || access(dir, W_OK | X_OK) < 0) {
		buf_addf(err, "file transport: %s is not a writable directory", dir);
		return -1;
	}
	return 0;
}

int tfile_open(struct mail_transport *t, const char *dir, const char *home,
	       struct buf *err)
{
	struct buf path = BUF_INIT;

	if (!*dir) {
		buf_adds(err, "file transport: file: needs a directory");
		return -1;
	}
	if (dir[0] != '/') {
		if (!home || !*home) {
			buf_adds(err, "file transport: relative directory without a home");
			return -1;
		}
		buf_addf(&path, "%s/", home);
	}
	buf_adds(&path, dir);
	t->dir = buf_detach(&path, NULL);
	return mkdir_p(t->dir, err);
}

/* id_char: the characters of a Message-ID kept in a file name. */
static int id_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' ||
	       c == '@';
}

/* name_id: append the message's Message-ID made file-name safe, or random hex. */
static void name_id(struct buf *out, const char *msg, size_t len)
{
	size_t start = out->len, i = 0;

	while (i + 11 < len) {
		if (msg[i] == '\r' && msg[i + 1] == '\n' && i + 3 < len &&
		    msg[i + 2] == '\r')
			break;	/* end of the header block */
		if ((i == 0 || msg[i - 1] == '\n') &&
		    !strncasecmp(msg + i, "Message-ID:", 11)) {
			i += 11;
			while (i < len && (msg[i] == ' ' || msg[i] == '<'))
				i++;
			while (i < len && id_char((unsigned char)msg[i]) &&
			       out->len - start < FILE_ID_MAX)
				buf_addch(out, msg[i++]);
			break;
		}
		i++;
	}
	if (out->len == start)
		random_hex(out, FILE_TMP_RANDOM_BYTES);
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* write_tmp: the message into a new, synced file at path. 0 or -1 (errno). */
static int write_tmp(const char *path, const char *msg, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (fd < 0)
		return -1;
	if (write_all(fd, msg, len) < 0 || fsync(fd) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return close(fd);
}

static void sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

int tfile_send(struct mail_transport *t, const char *message, size_t len,
	       struct buf *err)
{
	struct buf tmp = BUF_INIT, dst = BUF_INIT;
	int ret = 0;

	buf_addf(&tmp, "%s/.tmp-%ld-", t->dir, (long)getpid());
	random_hex(&tmp, FILE_TMP_RANDOM_BYTES);
	buf_adds(&tmp, ".part");
	buf_addf(&dst, "%s/%lld-", t->dir, (long long)time(NULL));
	name_id(&dst, message, len);
	buf_adds(&dst, ".eml");
	if (write_tmp(tmp.ptr, message, len) < 0 || rename(tmp.ptr, dst.ptr) < 0) {
		buf_addf(err, "file transport: %s: %s", dst.ptr, strerror(errno));
		unlink(tmp.ptr);
		ret = -1;
	} else {
		sync_dir(t->dir);
	}
	buf_release(&tmp);
	buf_release(&dst);
	return ret;
}
