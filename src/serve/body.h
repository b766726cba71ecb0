/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
#ifndef DLFCGI_BODY_H
#define DLFCGI_BODY_H

#include <sys/stat.h>
#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>

#include "decide.h"
#include "fcgi.h"
#include "pace.h"
#include "stats.h"

/* One body on its way: the file, the buffer, the pacing, the count. */
struct body {
	struct fcgi_conn *c;
	int fd;
	const struct stat *st; /* as opened: the file must keep it */
	const char *path;      /* for the log of a read error */
	char *buf;	       /* the thread's transfer buffer */
	size_t buflen;	       /* at least MULTIPART_HEADER_MAX */
	bool sendfile;	       /* the configuration allows zero-copy */
	struct pace *pace;
	struct dl_stats *stats; /* sent_bytes counted as they leave, or NULL */
	bool zerocopy;		/* set by body_send: it went by sendfile(2) */
	bool hold_last;		/* set by body_send: its last piece is held */
	off_t sent;		/* the file's bytes sent */
	const char *why;	/* set when it fails */
	int abort_why;		/* and its enum stat_abort */
};

/*
 * Sends the body pl describes, piece by piece as decide_piece() lists
 * them (nothing for HEAD or 304): framing through buf, the file's bytes
 * with sendfile(2) in whole records if the file's part is larger than
 * the buffer, else by pread(2) and write; the file is checked before
 * each piece goes out, and the pace before each one. The last buffer of
 * a single piece (200, 206) is copied, checked and held to leave with
 * END_REQUEST (fcgi_hold), after the web server has read what sendfile
 * queued. Returns 0, or -1 with b->why set: the request must then be
 * aborted.
 */
int body_send(struct body *b, const struct decide_plan *pl);

/*
 * After the last byte of a 200 or 206: waits (bounded) until bytes sent
 * by sendfile have left the socket, then checks that the file is still
 * the one the headers describe. Returns 0, or -1 with b->why set.
 */
int body_settle(struct body *b);

#endif
