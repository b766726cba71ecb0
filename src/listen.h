#ifndef DLFCGI_LISTEN_H
#define DLFCGI_LISTEN_H

#include <sys/socket.h>
#include <sys/un.h>

#include <stddef.h>

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
 * socket file is replaced, a live one is an error. Returns the socket
 * (SOCK_CLOEXEC) or -1 with errno set and a reason logged.
 */
int listen_open(const char *spec);

/* Removes the unix socket file of spec, if it is one. */
void listen_cleanup(const char *spec);

#endif
