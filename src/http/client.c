/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * REMOTE_ADDR to the key of the per-client limits.
 */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <string.h>

#include "client.h"

bool
client_key(const char *remote_addr, char key[CLIENT_KEY_LEN])
{
	struct in6_addr a6;
	struct in_addr a4;
	char addr[CLIENT_KEY_LEN];
	const char *zone;
	size_t len;

	if (remote_addr == NULL)
		goto other;
	if (inet_pton(AF_INET, remote_addr, &a4) == 1)
		goto v4;
	zone = strchr(remote_addr, '%');
	len = zone != NULL ? (size_t)(zone - remote_addr) : strlen(remote_addr);
	if (len >= sizeof(addr) || (zone != NULL && zone[1] == '\0'))
		goto other;
	memcpy(addr, remote_addr, len);
	addr[len] = '\0';
	if (inet_pton(AF_INET6, addr, &a6) != 1)
		goto other;
	if (IN6_IS_ADDR_V4MAPPED(&a6)) {
		memcpy(&a4, &a6.s6_addr[12], sizeof(a4));
		goto v4;
	}
	if (inet_ntop(AF_INET6, &a6, key, CLIENT_KEY_LEN) == NULL)
		goto other;
	return true;
v4:
	if (inet_ntop(AF_INET, &a4, key, CLIENT_KEY_LEN) == NULL)
		goto other;
	return true;
other:
	memcpy(key, CLIENT_KEY_OTHER, sizeof(CLIENT_KEY_OTHER));
	return false;
}
