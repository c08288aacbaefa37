/* req: the state of one HTTP request, created and released in each turn of the accept loop. */
#ifndef RESTOCK_REQ_H
#define RESTOCK_REQ_H

#include <fcgiapp.h>

#include "core/buf.h"
#include "store/settings.h"
#include "web/app.h"

struct req {
	FCGX_Request *fcgi;	/* NULL when running as plain CGI */
	char **envp;
	const char *home;

	/* request (pointers into envp: valid for this request only) */
	const char *method;
	const char *path;	/* route path, always starting with "/" */
	const char *query;
	const char *content_type;
	const char *remote_addr;
	const char *origin;
	char *path_owned;
	char *base;		/* URL prefix the app is mounted at ("" or "/cgi-bin/restock.fcgi") */
	int https;

	/* body, read on demand by req_body() */
	struct buf body;
	int body_read;
	int body_status;	/* 0, or 413/400 when the body was refused */

	/* settings: the process's snapshot, checked for changes once per request */
	struct app *app;
	struct sub_env *sub_env;	/* app_sub_env, fetched once per request */
	const struct settings *settings;
	int settings_checked;

	/* response */
	int streamed;		/* req_stream_begin sent the head already */
	int status;
	struct buf headers;
	struct buf out;
};

void req_init(struct req *r, struct app *app, FCGX_Request *fcgi, char **envp);
void req_release(struct req *r);

/* req_env: a CGI variable of this request, or NULL. */
const char *req_env(const struct req *r, const char *name);
/* req_header: an HTTP request header by CGI name, e.g. "HTTP_REVISION". */
#define req_header(r, cgi_name) req_env(r, cgi_name)

/*
 * req_body: read the body (at most MAX_BODY_BYTES). Returns 0, or the HTTP
 * status to answer (413 too large without reading it all, 400 short body).
 */
int req_body(struct req *r);

/*
 * req_catalog: the worker's open catalog (reopened when a sync renamed a new
 * one in), or NULL: then open one with catalog_open. Never close it.
 */
struct catalog *req_catalog(struct req *r);
/* req_sub_env: the worker's catalog and rate table for bis_subscribe (once per request). */
struct sub_env *req_sub_env(struct req *r);

/* req_settings: the settings snapshot for this request; NULL on error. */
const struct settings *req_settings(struct req *r);

/* Response building. */
void req_set_status(struct req *r, int status);
void req_add_header(struct req *r, const char *name, const char *value);
void req_json(struct req *r, int status, const char *body);	/* sets content type */
/* req_send: write status, headers and body to the client. */
void req_send(struct req *r);

/*
 * Streaming (large downloads): req_stream_begin sends the status and headers
 * now (no Content-Length); req_write sends body bytes (none for HEAD),
 * returning 0 or -1. req_send is then a no-op.
 */
#define REQ_HAS_STREAM 1
void req_stream_begin(struct req *r);
int req_write(struct req *r, const void *data, size_t len);

/* req_reason: the reason phrase of an HTTP status. */
const char *req_reason(int status);

#endif
