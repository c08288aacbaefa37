/* req: per-request state: CGI variables, bounded body reading, and the response. */
#include "web/req.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/limits.h"
#include "core/log.h"

const char *req_env(const struct req *r, const char *name)
{
	if (r->fcgi)
		return FCGX_GetParam(name, r->envp);
	return getenv(name);
}

/*
 * base_for_path_info: the mount prefix when PATH_INFO is set. Normally
 * SCRIPT_NAME; but when a rewrite sent a pretty URL to the program
 * (shared hosting: /api/... -> /cgi-bin/restock.fcgi/api/...), the URL the
 * client used does not start with SCRIPT_NAME, and the prefix is that URL's
 * path minus PATH_INFO (usually "").
 */
static char *base_for_path_info(const char *uri, const char *sn, const char *pi)
{
	size_t n, sl = strlen(sn), pl = strlen(pi);
	if (!uri || !*uri || (sl && !strncmp(uri, sn, sl)))
		return xstrdup(sn);
	n = strcspn(uri, "?#");
	if (n >= pl && !strncmp(uri + n - pl, pi, pl))
		return xstrndup(uri, n - pl);
	return xstrdup(sn);
}

/* route_path: PATH_INFO if given, else the request URI's path minus SCRIPT_NAME. */
static void compute_path(struct req *r)
{
	const char *pi = req_env(r, "PATH_INFO");
	const char *sn = req_env(r, "SCRIPT_NAME");
	const char *uri = req_env(r, "REQUEST_URI");
	struct buf p = BUF_INIT;

	if (!sn)
		sn = "";
	if (pi && *pi) {
		buf_adds(&p, pi);
		r->base = base_for_path_info(uri, sn, pi);
	} else if (uri && *uri) {
		size_t n = strcspn(uri, "?#");
		size_t sl = strlen(sn);
		if (sl && !strncmp(uri, sn, sl) && strstr(sn, ".fcgi")) {
			buf_add(&p, uri + sl, n - sl);
			r->base = xstrdup(sn);
		} else {
			buf_add(&p, uri, n);
			r->base = xstrdup("");
		}
	} else {
		r->base = xstrdup("");
	}
	/* a base that is just "/" would double slashes in links */
	if (!strcmp(r->base, "/"))
		r->base[0] = '\0';
	if (!p.len || p.ptr[0] != '/') {
		struct buf q = BUF_INIT;
		buf_addch(&q, '/');
		buf_add(&q, p.ptr, p.len);
		buf_release(&p);
		p = q;
	}
	r->path_owned = buf_detach(&p, NULL);
	r->path = r->path_owned;
}

void req_init(struct req *r, struct app *app, FCGX_Request *fcgi, char **envp)
{
	const char *https;
	memset(r, 0, sizeof(*r));
	r->app = app;
	r->fcgi = fcgi;
	r->envp = envp;
	r->home = app->home;
	buf_init(&r->body);
	buf_init(&r->headers);
	buf_init(&r->out);
	r->status = 200;
	r->method = req_env(r, "REQUEST_METHOD");
	if (!r->method)
		r->method = "GET";
	r->query = req_env(r, "QUERY_STRING");
	if (!r->query)
		r->query = "";
	r->content_type = req_env(r, "CONTENT_TYPE");
	r->remote_addr = req_env(r, "REMOTE_ADDR");
	if (!r->remote_addr)
		r->remote_addr = "";
	r->origin = req_env(r, "HTTP_ORIGIN");
	https = req_env(r, "HTTPS");
	r->https = https && (!strcasecmp(https, "on") || !strcmp(https, "1"));
	compute_path(r);
}

void req_release(struct req *r)
{
	buf_release(&r->body);
	buf_release(&r->headers);
	buf_release(&r->out);
	free(r->path_owned);
	free(r->base);
	memset(r, 0, sizeof(*r));
}

static int read_some(struct req *r, char *dst, int n)
{
	if (r->fcgi)
		return FCGX_GetStr(dst, n, r->fcgi->in);
	return (int)fread(dst, 1, (size_t)n, stdin);
}

int req_body(struct req *r)
{
	const char *cl;
	char *end;
	long long len;

	if (r->body_read)
		return r->body_status;
	r->body_read = 1;
	cl = req_env(r, "CONTENT_LENGTH");
	if (!cl || !*cl)
		return r->body_status = 0;	/* no body */
	len = strtoll(cl, &end, 10);
	if (*end || len < 0)
		return r->body_status = 400;
	if (len > MAX_BODY_BYTES)
		return r->body_status = 413;	/* refused before reading */
	buf_grow(&r->body, (size_t)len);
	while (r->body.len < (size_t)len) {
		int got = read_some(r, r->body.ptr + r->body.len,
				    (int)((size_t)len - r->body.len));
		if (got <= 0)
			break;
		r->body.len += (size_t)got;
	}
	r->body.ptr[r->body.len] = '\0';
	if (r->body.len != (size_t)len)
		return r->body_status = 400;	/* client sent less than it said */
	return r->body_status = 0;
}

struct sub_env *req_sub_env(struct req *r)
{
	if (!r->sub_env && r->app)
		r->sub_env = app_sub_env(r->app);
	return r->sub_env;
}

struct catalog *req_catalog(struct req *r)
{
	struct sub_env *env = req_sub_env(r);
	return env ? env->catalog : NULL;
}

const struct settings *req_settings(struct req *r)
{
	if (!r->settings_checked) {
		r->settings = app_settings(r->app);
		r->settings_checked = 1;
	}
	return r->settings;
}

void req_set_status(struct req *r, int status)
{
	r->status = status;
}

void req_add_header(struct req *r, const char *name, const char *value)
{
	/* header values never carry CR or LF */
	buf_adds(&r->headers, name);
	buf_adds(&r->headers, ": ");
	for (const char *p = value; *p; p++)
		if (*p != '\r' && *p != '\n')
			buf_addch(&r->headers, *p);
	buf_adds(&r->headers, "\r\n");
}

void req_json(struct req *r, int status, const char *body)
{
	r->status = status;
	req_add_header(r, "Content-Type", "application/json");
	buf_reset(&r->out);
	if (body)
		buf_adds(&r->out, body);
}

const char *req_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 303: return "See Other";
	case 302: return "Found";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	}
	return "Unknown";
}

static int put(struct req *r, const void *data, size_t len)
{
	if (r->fcgi)
		return FCGX_PutStr(data, (int)len, r->fcgi->out) == (int)len ? 0 : -1;
	return fwrite(data, 1, len, stdout) == len ? 0 : -1;
}

void req_stream_begin(struct req *r)
{
	struct buf head = BUF_INIT;
	buf_addf(&head, "Status: %d %s\r\n", r->status, req_reason(r->status));
	buf_add(&head, r->headers.ptr, r->headers.len);
	buf_adds(&head, "\r\n");
	put(r, head.ptr, head.len);
	r->streamed = 1;
	buf_release(&head);
}

int req_write(struct req *r, const void *data, size_t len)
{
	return strcmp(r->method, "HEAD") ? put(r, data, len) : 0;
}

void req_send(struct req *r)
{
	struct buf head = BUF_INIT;
	if (r->streamed) {
		if (!r->fcgi)
			fflush(stdout);
		return;
	}
	buf_addf(&head, "Status: %d %s\r\n", r->status, req_reason(r->status));
	buf_add(&head, r->headers.ptr, r->headers.len);
	if (!strstr(r->headers.ptr, "Content-Type:") && r->out.len)
		buf_adds(&head, "Content-Type: text/plain; charset=utf-8\r\n");
	buf_addf(&head, "Content-Length: %zu\r\n\r\n", r->out.len);
	if (r->fcgi) {
		FCGX_PutStr(head.ptr, (int)head.len, r->fcgi->out);
		if (strcmp(r->method, "HEAD"))
			FCGX_PutStr(r->out.ptr, (int)r->out.len, r->fcgi->out);
	} else {
		fwrite(head.ptr, 1, head.len, stdout);
		if (strcmp(r->method, "HEAD"))
			fwrite(r->out.ptr, 1, r->out.len, stdout);
		fflush(stdout);
	}
	buf_release(&head);
}
