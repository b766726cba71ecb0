/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
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
/* Gives the access log to uid:gid, before root is dropped. */
int accesslog_chown(uid_t uid, gid_t gid);
bool accesslog_enabled(void);

/*
 * Writes one line: ISO time, client, "METHOD path", status, range,
 * bytes, duration in ms, reason ("-" for none). Every field that
 * comes from the peer (client, method, path, range) and the reason go
 * through accesslog_escape(): control characters, bytes >= 0x7f,
 * quotes and backslashes are shown as \xHH, so a line is one line and
 * a quoted field cannot be closed early; the fields separated by spaces
 * (client, method, range) through accesslog_escape_token(), which
 * escapes spaces too. Fields too long are cut.
 */
void accesslog_write(const struct access_entry *e);

/*
 * The same escaping, into out (outlen bytes, always terminated; a value
 * that does not fit is cut at a whole character). Pure. Returns out.
 * Use it for every peer-supplied field of an error log line too.
 */
const char *accesslog_escape(const char *s, char *out, size_t outlen);
/* The same, spaces too (\x20): for a field that ends at a space. */
const char *accesslog_escape_token(const char *s, char *out, size_t outlen);

#endif
