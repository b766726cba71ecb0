/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
#ifndef DLFCGI_ACCESSLOG_H
#define DLFCGI_ACCESSLOG_H

#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/* What the JSON format says of the request besides. */
struct access_detail {
	off_t body_len;		 /* body bytes the answer promised, -1 */
	bool complete;		 /* ended cleanly (END_REQUEST), not cut */
	long ttfb_ms;		 /* start to the first byte, -1: none */
	const char *reason_kind; /* "refused", "aborted" or NULL */
	const char *reason_code; /* its label (stats.h names), or NULL */
	pid_t pid;		 /* the worker */
	const char *request_id;	 /* the front end's request id, or NULL */
};

/* The longest JSON line accesslog_format_json() writes, '\n' included. */
#define ACCESSLOG_JSON_MAX 4096

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
 * The same request (e and d) as one JSON object on one line (JSON Lines): time
 * (RFC 3339, UTC, milliseconds, from unix_ms), client, method, path,
 * status (null when aborted before any), range, bytes_sent, body_length
 * (null unknown), complete, duration_ms, ttfb_ms (null: no byte went
 * out), reason, reason_kind, reason_code, pid, request_id (null when
 * absent). Every string through escape_json(), so the line is valid
 * JSON whatever bytes the fields hold; a field too long is cut at a
 * whole character or escape. Writes at most ACCESSLOG_JSON_MAX bytes
 * into buf (len bytes, at least that), ending in '\n', and returns
 * their count. Pure.
 */
size_t accesslog_format_json(const struct access_entry *e,
    const struct access_detail *d, int64_t unix_ms, char *buf, size_t len);
/* Writes accesslog_format_json() of e, d at the current time, one write. */
void accesslog_write_json(
    const struct access_entry *e, const struct access_detail *d);

/*
 * The same escaping, into out (outlen bytes, always terminated; a value
 * that does not fit is cut at a whole character). Pure. Returns out.
 * Use it for every peer-supplied field of an error log line too.
 */
const char *accesslog_escape(const char *s, char *out, size_t outlen);
/* The same, spaces too (\x20): for a field that ends at a space. */
const char *accesslog_escape_token(const char *s, char *out, size_t outlen);

#endif
