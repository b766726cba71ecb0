/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
#ifndef DLFCGI_LISTEN_H
#define DLFCGI_LISTEN_H

#include <sys/socket.h>
#include <sys/un.h>

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

enum listen_kind {
	LISTEN_UNIX,
	LISTEN_TCP,
};

/* A parsed `listen` value. */
struct listen_addr {
	enum listen_kind kind;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)]; /* unix */
	char host[64];	     /* TCP: numeric address or name, no brackets */
	unsigned short port; /* TCP */
};

/*
 * Parses "unix:/abs/path", "HOST:PORT" or "[V6]:PORT". Pure. Returns 0,
 * or -1 with a reason in err (errlen bytes).
 */
int listen_parse(
    const char *spec, struct listen_addr *out, char *err, size_t errlen);

/*
 * Creates, binds and listens on the socket spec names; a stale unix
 * socket file is replaced, a live one is an error. A unix socket gets
 * mode (e.g. 0660) and, unless -1, owner uid and group gid. Returns the
 * socket (SOCK_CLOEXEC) or -1 with errno set and a reason logged.
 */
int listen_open(const char *spec, unsigned mode, uid_t uid, gid_t gid);

/*
 * The accept queue of the listening socket fd, as the kernel tells it
 * (Linux): *queue connections waiting to be accepted, *backlog the most
 * it holds. TCP: getsockopt TCP_INFO on the listener (tcpi_unacked,
 * tcpi_sacked); unix: sock_diag's UNIX_DIAG_RQLEN, looked up by the
 * socket's inode. Returns 0, or -1 (both set to -1: unknown).
 */
int listen_queue(int fd, int64_t *queue, int64_t *backlog);

/* Removes the unix socket file this process created, if any. */
void listen_unlink_created(void);

/*
 * The socket handed over by systemd (LISTEN_PID, LISTEN_FDS: fd 3), if
 * any; the variables are removed so children do not see them. -1 if
 * none.
 */
int listen_systemd(void);

#endif
