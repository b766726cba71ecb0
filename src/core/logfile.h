/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
#ifndef DLFCGI_LOGFILE_H
#define DLFCGI_LOGFILE_H

#include <sys/types.h>

#include <stddef.h>

/*
 * A log file opened O_APPEND: each line goes out in one write(2), so
 * the lines of many threads and processes never mix, and reopening
 * (after logrotate) dup2()s over the same descriptor, so a thread
 * writing meanwhile never sees it closed.
 */
struct logfile {
	int fd; /* -1: not open */
	char path[4096];
};

#define LOGFILE_INIT   \
	{              \
		-1, "" \
	}

/*
 * Opens (creating, mode 0640) path, never blocking: a FIFO, a terminal
 * or a device is refused (EINVAL), since writing to one could block
 * every thread that logs. Returns 0, or -1 with errno.
 */
int logfile_open(struct logfile *lf, const char *path);
/*
 * Reopens lf->path onto lf->fd (SIGUSR1), with the same checks; on an
 * error lf->fd still writes to the previous file. 0, or -1 with errno.
 */
int logfile_reopen(struct logfile *lf);
/*
 * Gives an open log file to uid:gid (before root is dropped), so that
 * the unprivileged processes can reopen it on SIGUSR1. 0, or -1 with
 * errno; a closed lf is left alone.
 */
int logfile_chown(const struct logfile *lf, uid_t uid, gid_t gid);
/* strerror(err), naming the refusal of a file that is not regular. */
const char *logfile_strerror(int err);
/* Writes one line (len bytes, ending in '\n'); errors are dropped. */
void logfile_write(const struct logfile *lf, const char *line, size_t len);
/* The current UTC time as "2026-11-28T06:25:48Z" (21 bytes + NUL). */
void logfile_timestamp(char ts[32]);

#endif
