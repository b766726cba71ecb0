/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
#ifndef DLFCGI_LOG_H
#define DLFCGI_LOG_H

#include <sys/types.h>

#include <stdarg.h>
#include <stddef.h>

enum log_dest {
	LOG_DEST_STDERR,
	LOG_DEST_SYSLOG,
	LOG_DEST_FILE,
};

/* Sends log lines to stderr or syslog; safe to call again at any time. */
void log_init(enum log_dest dest);

/*
 * Sends log lines where error_log says: "syslog", "stderr" or a file
 * (opened O_APPEND, mode 0640). Returns 0, or -1 with errno set (the
 * previous destination stays).
 */
int log_open(const char *error_log);

/* Reopens the log file (SIGUSR1, after logrotate). Returns 0 or -1. */
int log_reopen(void);
/* Gives a log file to uid:gid, before root is dropped (logfile_chown). */
int log_chown(uid_t uid, gid_t gid);
/* Names the process role printed on every line ("main", "worker[3]"). */
void log_procinit(const char *role);
/* Lowest priority that is printed (LOG_INFO by default). */
void log_setlevel(int prio);

/*
 * Copies s to out (outlen bytes, always terminated), every byte that is
 * not printable ASCII (controls, DEL, bytes >= 0x80) written as \xHH,
 * so that a line holds no CR, LF or terminal escape whatever a peer
 * sent. Pure. Every log line goes through it; fields of a request are
 * escaped first with accesslog_escape(), which also escapes quotes and
 * backslashes. Returns out.
 */
const char *log_sanitize(const char *s, char *out, size_t outlen);

/* log_sanitize() that also escapes what flags name. Pure. */
#define LOG_ESC_QUOTES 0x1 /* '"' and '\\' */
#define LOG_ESC_SPACE 0x2  /* ' ': for a field that ends at a space */
const char *log_escape(const char *s, char *out, size_t outlen, unsigned flags);

/*
 * Lines are never waited for: a line the destination has no room for
 * (stderr a pipe nobody reads, syslog daemon stalled) is dropped and
 * counted, and the count is logged before the next line that passes.
 * log_warn appends ": strerror(errno)"; the x forms do not. */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* For start-up only: log and exit(1). Never called on peer input. */
void fatal(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

#endif
