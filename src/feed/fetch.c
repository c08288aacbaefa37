/* fetch: open files, spool stdin and URLs (libcurl, size cap, SSRF guard) into temp files. */
#include "feed/fetch.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>

#include "core/limits.h"
#include "core/lines.h"

int feed_is_url(const char *source)
{
	return !strncasecmp(source, "http://", 7) ||
	       !strncasecmp(source, "https://", 8);
}

/* spool_open: an anonymous temporary file in dir. fd or -1. */
static int spool_open(const char *dir, struct buf *err)
{
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0) {
		struct buf path = BUF_INIT;
		buf_addf(&path, "%s/.feed-XXXXXX", dir);
		fd = mkstemp(path.ptr);
		if (fd >= 0)
			unlink(path.ptr);
		buf_release(&path);
	}
	if (fd < 0)
		buf_addf(err, "cannot create a temporary file in %s: %s", dir,
			 strerror(errno));
	return fd;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* spool_fd: copy from src to a temp file with the size cap. */
static int spool_fd(int src, const struct feed_fetch_opts *o, long long *size,
		    struct buf *err)
{
	char *chunk;
	long long total = 0;
	int fd = spool_open(o->spool_dir, err);
	if (fd < 0)
		return -1;
	chunk = xmalloc(64 * 1024);
	for (;;) {
		ssize_t r = read(src, chunk, 64 * 1024);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			buf_addf(err, "read error: %s", strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
		total += r;
		if (o->max_bytes > 0 && total > o->max_bytes) {
			buf_addf(err, "larger than feed_max_bytes (%lld)", o->max_bytes);
			goto fail;
		}
		if (write_all(fd, chunk, (size_t)r) < 0) {
			buf_addf(err, "writing the temporary file: %s", strerror(errno));
			goto fail;
		}
		if (o->progress)
			o->progress(o->progress_ctx, total, -1);
	}
	free(chunk);
	*size = total;
	return fd;
fail:
	free(chunk);
	close(fd);
	return -1;
}

static int open_path(const char *path, const struct feed_fetch_opts *o,
		     long long *size, struct buf *err)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		buf_addf(err, "%s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		buf_addf(err, "%s", strerror(errno));
		close(fd);
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		buf_adds(err, "is a directory");
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		int sfd = spool_fd(fd, o, size, err);
		close(fd);
		return sfd;
	}
	if (o->max_bytes > 0 && (long long)st.st_size > o->max_bytes) {
		buf_addf(err, "larger than feed_max_bytes (%lld)", o->max_bytes);
		close(fd);
		return -1;
	}
	*size = (long long)st.st_size;
	return fd;
}

/* ---- URLs ---- */

int feed_private_addr(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		uint32_t a = ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr);
		return (a >> 24) == 127 || (a >> 24) == 10 || (a >> 24) == 0 ||
		       (a & 0xfff00000u) == 0xac100000u ||	/* 172.16/12 */
		       (a & 0xffff0000u) == 0xc0a80000u ||	/* 192.168/16 */
		       (a & 0xffff0000u) == 0xa9fe0000u;	/* 169.254/16 */
	}
	if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
		const unsigned char *b = a->s6_addr;
		if (IN6_IS_ADDR_LOOPBACK(a) || IN6_IS_ADDR_UNSPECIFIED(a))
			return 1;
		if ((b[0] & 0xfe) == 0xfc)			/* fc00::/7 */
			return 1;
		if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)	/* fe80::/10 */
			return 1;
		if (IN6_IS_ADDR_V4MAPPED(a) || IN6_IS_ADDR_V4COMPAT(a)) {
			struct sockaddr_in v4;
			memset(&v4, 0, sizeof(v4));
			v4.sin_family = AF_INET;
			memcpy(&v4.sin_addr, b + 12, 4);
			return feed_private_addr((struct sockaddr *)&v4);
		}
		return 0;
	}
	return 1;	/* anything else is not for us */
}

struct fetch {
	CURL *curl;
	const struct feed_fetch_opts *o;
	int fd;
	long long got;
	int over, werr, refused;
	char refused_ip[INET6_ADDRSTRLEN];
	char refused_host[256];
};

/* listed: 1 when name is one of the lines of list (case-insensitive). */
static int listed(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p = list ? list : "", *q;
	size_t ql;
	while (line_next(&p, &q, &ql))
		if (ql == n && n && !strncasecmp(q, name, n))
			return 1;
	return 0;
}

/* current_host: the host of the URL being fetched now (redirects included). */
static void current_host(CURL *curl, char *out, size_t outlen)
{
	char *url = NULL, *host = NULL;
	CURLU *u;
	out[0] = '\0';
	if (curl_easy_getinfo(curl, CURLINFO_EFFECTIVE_URL, &url) != CURLE_OK || !url)
		return;
	u = curl_url();
	if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
		const char *h = host;
		size_t n = strlen(h);
		if (n >= 2 && h[0] == '[' && h[n - 1] == ']')
			h++, n -= 2;
		snprintf(out, outlen, "%.*s", (int)n, h);
	}
	curl_free(host);
	curl_url_cleanup(u);
}

static curl_socket_t open_socket(void *ctx, curlsocktype purpose,
				 struct curl_sockaddr *a)
{
	struct fetch *f = ctx;
	(void)purpose;
	if (feed_private_addr(&a->addr)) {
		char ip[INET6_ADDRSTRLEN] = "";
		char host[256];
		const void *src = a->family == AF_INET6 ?
			(const void *)&((struct sockaddr_in6 *)&a->addr)->sin6_addr :
			(const void *)&((struct sockaddr_in *)&a->addr)->sin_addr;
		inet_ntop(a->family, src, ip, sizeof(ip));
		current_host(f->curl, host, sizeof(host));
		if (!listed(f->o->allowed_hosts, host) &&
		    !listed(f->o->allowed_hosts, ip)) {
			f->refused = 1;
			snprintf(f->refused_ip, sizeof(f->refused_ip), "%s", ip);
			snprintf(f->refused_host, sizeof(f->refused_host), "%s", host);
			return CURL_SOCKET_BAD;
		}
	}
	return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

static size_t on_data(char *p, size_t sz, size_t nm, void *ctx)
{
	struct fetch *f = ctx;
	size_t n = sz * nm;
	f->got += (long long)n;
	if (f->o->max_bytes > 0 && f->got > f->o->max_bytes) {
		f->over = 1;
		return 0;
	}
	if (write_all(f->fd, p, n) < 0) {
		f->werr = errno;
		return 0;
	}
	if (f->o->progress) {
		curl_off_t cl = -1;
		curl_easy_getinfo(f->curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl);
		f->o->progress(f->o->progress_ctx, f->got, cl > 0 ? (long long)cl : -1);
	}
	return n;
}

static void fetch_error(struct fetch *f, CURLcode c, const char *ebuf,
			struct buf *err)
{
	long status = 0;
	curl_easy_getinfo(f->curl, CURLINFO_RESPONSE_CODE, &status);
	if (f->refused)
		buf_addf(err, "refused: %s resolves to the private address %s "
			 "(list the host in feed_allowed_hosts to allow it)",
			 f->refused_host, f->refused_ip);
	else if (f->over || c == CURLE_FILESIZE_EXCEEDED)
		buf_addf(err, "larger than feed_max_bytes (%lld)", f->o->max_bytes);
	else if (c == CURLE_HTTP_RETURNED_ERROR)
		buf_addf(err, "HTTP %ld", status);
	else if (f->werr)
		buf_addf(err, "writing the temporary file: %s", strerror(f->werr));
	else
		buf_addf(err, "%s", ebuf[0] ? ebuf : curl_easy_strerror(c));
}

static int fetch_url(const char *url, const struct feed_fetch_opts *o,
		     long long *size, struct buf *err)
{
	struct fetch f;
	char ebuf[CURL_ERROR_SIZE] = "";
	CURLcode c;

	memset(&f, 0, sizeof(f));
	f.o = o;
	f.fd = spool_open(o->spool_dir, err);
	if (f.fd < 0)
		return -1;
	f.curl = curl_easy_init();
	if (!f.curl) {
		buf_adds(err, "cannot initialise libcurl");
		close(f.fd);
		return -1;
	}
	curl_easy_setopt(f.curl, CURLOPT_URL, url);
	curl_easy_setopt(f.curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(f.curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(f.curl, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(f.curl, CURLOPT_MAXREDIRS, (long)FEED_MAX_REDIRECTS);
	curl_easy_setopt(f.curl, CURLOPT_CONNECTTIMEOUT, (long)FEED_CONNECT_TIMEOUT_S);
	curl_easy_setopt(f.curl, CURLOPT_TIMEOUT, (long)FEED_FETCH_TIMEOUT_S);
	if (o->max_bytes > 0)
		curl_easy_setopt(f.curl, CURLOPT_MAXFILESIZE_LARGE,
				 (curl_off_t)o->max_bytes);
	curl_easy_setopt(f.curl, CURLOPT_FAILONERROR, 1L);
	curl_easy_setopt(f.curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(f.curl, CURLOPT_PROXY, "");	/* no proxy from the environment */
	curl_easy_setopt(f.curl, CURLOPT_USERAGENT, "restock/1");
	curl_easy_setopt(f.curl, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(f.curl, CURLOPT_ERRORBUFFER, ebuf);
	curl_easy_setopt(f.curl, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(f.curl, CURLOPT_WRITEDATA, &f);
	curl_easy_setopt(f.curl, CURLOPT_OPENSOCKETFUNCTION, open_socket);
	curl_easy_setopt(f.curl, CURLOPT_OPENSOCKETDATA, &f);
	c = curl_easy_perform(f.curl);
	if (c != CURLE_OK) {
		fetch_error(&f, c, ebuf, err);
		curl_easy_cleanup(f.curl);
		close(f.fd);
		return -1;
	}
	curl_easy_cleanup(f.curl);
	*size = f.got;
	return f.fd;
}

int feed_fetch_open(const char *source, const struct feed_fetch_opts *o,
		    long long *size, struct buf *err)
{
	*size = 0;
	if (!strcmp(source, "-"))
		return spool_fd(STDIN_FILENO, o, size, err);
	if (feed_is_url(source))
		return fetch_url(source, o, size, err);
	if (strstr(source, "://")) {
		buf_adds(err, "only http:// and https:// URLs are supported");
		return -1;
	}
	return open_path(source, o, size, err);
}
