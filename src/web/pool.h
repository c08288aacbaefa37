/* pool: systemd socket activation and a preforked pool of workers accepting on that socket. */
#ifndef RESTOCK_WEB_POOL_H
#define RESTOCK_WEB_POOL_H

/*
 * pool_adopt_listen_fd: when systemd (or systemd-socket-activate) passed a
 * listening socket (LISTEN_FDS, LISTEN_PID = this process), move it to fd 0,
 * where libfcgi accepts. Returns 1 when adopted, 0 when there was none, -1
 * when the passed descriptor is unusable.
 */
int pool_adopt_listen_fd(void);

/* pool_workers: RESTOCK_WORKERS from the environment (1 when unset), capped at POOL_MAX_WORKERS. */
int pool_workers(void);

/*
 * pool_run: fork WORKERS processes that return 0 from this call and go on to
 * accept; the parent restarts a worker that dies, and on SIGTERM/SIGINT/SIGHUP
 * stops them all (each finishes its request in flight) and returns 1.
 */
int pool_run(int workers);

#endif
