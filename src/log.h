#ifndef DLFCGI_LOG_H
#define DLFCGI_LOG_H

#include <stdarg.h>

enum log_dest {
	LOG_DEST_STDERR,
	LOG_DEST_SYSLOG,
};

/* Sends log lines to stderr or syslog; safe to call again at any time. */
void log_init(enum log_dest dest);
/* Names the process role printed on every line ("main", "worker[3]"). */
void log_procinit(const char *role);
/* Lowest priority that is printed (LOG_INFO by default, LOG_DEBUG -v). */
void log_setlevel(int prio);

/* log_warn appends ": strerror(errno)"; the x forms do not. */
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
