/* pool: systemd socket activation and a preforked pool of workers accepting on that socket. */
#include "web/pool.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/limits.h"
#include "core/log.h"

#define SD_LISTEN_FDS_START 3

static volatile sig_atomic_t pool_stopping;

static void on_pool_term(int sig)
{
	(void)sig;
	pool_stopping = 1;
}

/* env_long: a positive decimal environment variable, else 0. */
static long env_long(const char *name)
{
	const char *s = getenv(name);
	char *end;
	long v;
	if (!s || !*s)
		return 0;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v <= 0)
		return 0;
	return v;
}

int pool_adopt_listen_fd(void)
{
	long fds = env_long("LISTEN_FDS"), pid = env_long("LISTEN_PID");
	int type = 0;
	socklen_t len = sizeof(type);

	if (fds < 1 || pid != (long)getpid())
		return 0;
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDNAMES");
	if (getsockopt(SD_LISTEN_FDS_START, SOL_SOCKET, SO_TYPE, &type, &len) < 0 ||
	    type != SOCK_STREAM) {
		log_error("socket activation: fd %d is not a stream socket", SD_LISTEN_FDS_START);
		return -1;
	}
	if (fds > 1)
		log_warn("socket activation: %ld sockets passed, using the first", fds);
	if (dup2(SD_LISTEN_FDS_START, 0) < 0) {
		log_error("socket activation: dup2: %s", strerror(errno));
		return -1;
	}
	close(SD_LISTEN_FDS_START);
	return 1;
}

int pool_workers(void)
{
	long n = env_long("RESTOCK_WORKERS");
	if (n < 1)
		return 1;
	return n > POOL_MAX_WORKERS ? POOL_MAX_WORKERS : (int)n;
}

/* spawn: fork one worker; returns 0 in the child, the pid in the parent, -1 on error. */
static pid_t spawn(void)
{
	pid_t p = fork();
	if (p == 0) {
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
	} else if (p < 0) {
		log_error("pool: fork: %s", strerror(errno));
	}
	return p;
}

static int slot_of(const pid_t *pids, int n, pid_t p)
{
	for (int i = 0; i < n; i++)
		if (pids[i] == p)
			return i;
	return -1;
}

/* stop_children: SIGTERM every worker, wait up to POOL_STOP_SECONDS, then SIGKILL. */
static void stop_children(pid_t *pids, int n)
{
	time_t deadline = time(NULL) + POOL_STOP_SECONDS;
	int left = 0;

	for (int i = 0; i < n; i++)
		if (pids[i] > 0 && kill(pids[i], SIGTERM) == 0)
			left++;
	while (left > 0) {
		pid_t p = waitpid(-1, NULL, WNOHANG);
		if (p > 0) {
			int s = slot_of(pids, n, p);
			if (s >= 0) {
				pids[s] = 0;
				left--;
			}
			continue;
		}
		if (p < 0 && errno == ECHILD)
			break;
		if (time(NULL) >= deadline) {
			for (int i = 0; i < n; i++)
				if (pids[i] > 0)
					kill(pids[i], SIGKILL);
			while (waitpid(-1, NULL, 0) > 0)
				;
			break;
		}
		usleep(20000);
	}
}

int pool_run(int workers)
{
	pid_t pids[POOL_MAX_WORKERS];
	time_t born[POOL_MAX_WORKERS];
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_pool_term;	/* no SA_RESTART: waitpid() returns EINTR */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	for (int i = 0; i < workers; i++) {
		pid_t p = spawn();
		if (p == 0)
			return 0;
		pids[i] = p > 0 ? p : 0;
		born[i] = time(NULL);
	}
	log_info("pool: %d workers on the inherited socket", workers);
	while (!pool_stopping) {
		int status, s;
		pid_t p = waitpid(-1, &status, 0);
		if (p < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		s = slot_of(pids, workers, p);
		if (s < 0)
			continue;
		pids[s] = 0;
		if (pool_stopping)
			break;
		if (WIFSIGNALED(status))
			log_warn("pool: worker %d died of signal %d; restarting", (int)p, WTERMSIG(status));
		/* a worker that dies at once (a broken home?) is restarted at most once a second */
		if (time(NULL) - born[s] < 1)
			sleep(1);
		p = spawn();
		if (p == 0)
			return 0;
		pids[s] = p > 0 ? p : 0;
		born[s] = time(NULL);
	}
	stop_children(pids, workers);
	return 1;
}
