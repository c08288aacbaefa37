/* restock.fcgi: the FastCGI (or plain CGI) program — accept loop, one struct req per request. */
#include <curl/curl.h>
#include <errno.h>
#include <fcgiapp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/log.h"
#include "web/handlers.h"
#include "web/pool.h"

#define DEFAULT_HOME "/var/lib/restock"

static volatile sig_atomic_t stopping;

static void on_term(int sig)
{
	(void)sig;
	stopping = 1;
	FCGX_ShutdownPending();
}

static void handle(struct req *r)
{
	route_dispatch(r);
	req_send(r);
}

/* home_dir: RESTOCK_HOME from the server's environment (read-only configuration). */
static const char *home_dir(void)
{
	const char *h = getenv("RESTOCK_HOME");
	return h && *h ? h : DEFAULT_HOME;
}

/*
 * use_request_home: on shared hosting the home is set with SetEnv in
 * .htaccess, which mod_fcgid passes as a FastCGI parameter, not in the
 * environment. Only the web server sets such parameters (client headers
 * arrive as HTTP_*). A different home drops the per-process caches.
 */
static void use_request_home(struct app *app, char **owned, const char *param)
{
	if (!param || param[0] != '/' || !strcmp(param, app->home))
		return;
	app_release(app);
	free(*owned);
	*owned = xstrdup(param);
	app->home = *owned;
}

/*
 * use_request_templates: SetEnv RESTOCK_TEMPLATES (shared hosting) also
 * arrives as a parameter; the template lookup reads the environment, so it
 * is set for the process (configuration from the server, not the client).
 */
static void use_request_templates(const char *param)
{
	const char *cur = getenv("RESTOCK_TEMPLATES");
	if (param && param[0] == '/' && (!cur || strcmp(cur, param)))
		setenv("RESTOCK_TEMPLATES", param, 1);
}

static int run_cgi(struct app *app)
{
	struct req r;
	req_init(&r, app, NULL, NULL);
	handle(&r);
	req_release(&r);
	app_release(app);
	return 0;
}

int main(void)
{
	struct app app;
	char *home_param = NULL;
	FCGX_Request fr;
	struct sigaction sa;

	signal(SIGPIPE, SIG_IGN);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	/* restock.socket: a pool of workers of our own on the socket systemd passed */
	switch (pool_adopt_listen_fd()) {
	case -1:
		return 1;
	case 1:
		if (pool_workers() > 1 && pool_run(pool_workers()))
			return 0;	/* the pool's parent, after stopping its workers */
		break;
	}
	app_init(&app, home_dir());
	if (FCGX_IsCGI())
		return run_cgi(&app);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;	/* no SA_RESTART: accept() returns EINTR */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);	/* mod_fcgid's graceful stop */

	FCGX_Init();
	FCGX_InitRequest(&fr, 0, FCGI_FAIL_ACCEPT_ON_INTR);
	while (!stopping) {
		struct req r;
		if (FCGX_Accept_r(&fr) < 0) {
			if (stopping || errno != EINTR)
				break;
			continue;
		}
		use_request_home(&app, &home_param, FCGX_GetParam("RESTOCK_HOME", fr.envp));
		use_request_templates(FCGX_GetParam("RESTOCK_TEMPLATES", fr.envp));
		req_init(&r, &app, &fr, fr.envp);
		handle(&r);
		req_release(&r);
		FCGX_Finish_r(&fr);
	}
	FCGX_Free(&fr, 1);
	app_release(&app);
	free(home_param);
	return 0;
}
