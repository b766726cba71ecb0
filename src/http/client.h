/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
#ifndef DLFCGI_CLIENT_H
#define DLFCGI_CLIENT_H

#include <stdbool.h>

/* A client key and its NUL: INET6_ADDRSTRLEN. */
#define CLIENT_KEY_LEN 46

/* The key of every REMOTE_ADDR that is not an IP address. */
#define CLIENT_KEY_OTHER "-"

/*
 * The key by which the per-client limits count the client REMOTE_ADDR
 * names: the address in the canonical text form of inet_ntop(3), so
 * that one address always gives the same key, which always fits the
 * scoreboard. An IPv6 zone ("fe80::1%eth0") is dropped and an
 * IPv4-mapped IPv6 address (::ffff:192.0.2.1) counts as the IPv4
 * address. Anything else (NULL, empty, "unix:", a name, garbage) gives
 * CLIENT_KEY_OTHER: all such requests count as one client. Returns
 * true for an address. Pure.
 */
bool client_key(const char *remote_addr, char key[CLIENT_KEY_LEN]);

#endif
