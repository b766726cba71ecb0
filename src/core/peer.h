/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
#ifndef DLFCGI_PEER_H
#define DLFCGI_PEER_H

#include <sys/socket.h>

#include <stdbool.h>
#include <stddef.h>

/* One allowed_peers entry: an address and a prefix length. */
struct peer_net {
	int family; /* AF_INET or AF_INET6 */
	unsigned char addr[16];
	int prefix; /* 0..32 or 0..128 */
};

/*
 * Parses "ADDR" or "ADDR/PREFIX" (IPv4 or IPv6, numeric). Pure apart
 * from inet_pton. Returns 0, or -1 if s is not such a value.
 */
int peer_parse(const char *s, struct peer_net *out);

/*
 * True if sa (an AF_INET or AF_INET6 peer; IPv4-mapped IPv6 addresses
 * are compared as IPv4) is inside one of nets[0..n). Other families
 * (unix sockets) are always allowed: the socket file's mode guards them.
 */
bool peer_allowed(
    const struct peer_net *nets, size_t n, const struct sockaddr *sa);

/* Formats sa's address (no port) into out; "-" for unix peers. */
void peer_format(const struct sockaddr *sa, char *out, size_t outlen);

#endif
