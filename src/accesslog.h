#ifndef DLFCGI_ACCESSLOG_H
#define DLFCGI_ACCESSLOG_H

#include <sys/types.h>

#include <stdbool.h>

/* One finished (or refused, or aborted) request. */
struct access_entry {
	const char *client;
	const char *method;
	const char *path;
	int status;	    /* 0 when aborted before any answer */
	const char *range;  /* Range header of a 206, or NULL */
	off_t sent;	    /* body bytes */
	long ms;	    /* duration */
	const char *reason; /* why refused or aborted, or NULL */
};

/* Opens (O_APPEND, 0640) the access log; NULL path: none. 0 or -1. */
int accesslog_open(const char *path);
/* Reopens it after logrotate (SIGUSR1). */
int accesslog_reopen(void);
bool accesslog_enabled(void);

/*
 * Writes one line: ISO time, client, "METHOD path", status, range,
 * bytes, duration in ms, reason ("-" for none). Control characters,
 * quotes and backslashes of the path and range are shown as \xHH.
 */
void accesslog_write(const struct access_entry *e);

/* The same escaping, into out (outlen bytes). Returns out. */
const char *accesslog_escape(const char *s, char *out, size_t outlen);

#endif
