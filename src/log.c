/*
 * Logging: one API, stderr or syslog, the process role on every line.
 */
#include "autoconfig.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "log.h"

static enum log_dest log_dest = LOG_DEST_STDERR;
static int log_level = LOG_INFO;
static char log_role[32] = "main";

void
log_init(enum log_dest dest)
{
	log_dest = dest;
	if (dest == LOG_DEST_SYSLOG)
		openlog("dlfcgi", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_procinit(const char *role)
{
	snprintf(log_role, sizeof(log_role), "%s", role);
}

void
log_setlevel(int prio)
{
	log_level = prio;
}

static void
log_vlog(int prio, int errnum, const char *fmt, va_list ap)
{
	char msg[1024];
	int n;

	if (prio > log_level)
		return;
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	if (n >= 0 && errnum != 0 && (size_t)n < sizeof(msg))
		snprintf(msg + n, sizeof(msg) - n, ": %s", strerror(errnum));
	if (log_dest == LOG_DEST_SYSLOG) {
		syslog(prio, "%s: %s", log_role, msg);
		return;
	}
	/* One fprintf per line: stdio locks the stream, lines never mix. */
	fprintf(stderr, "dlfcgi[%s]: %s\n", log_role, msg);
}

#define LOG_BODY(prio, errnum)                       \
	do {                                         \
		va_list ap;                          \
		va_start(ap, fmt);                   \
		log_vlog((prio), (errnum), fmt, ap); \
		va_end(ap);                          \
	} while (0)

void
log_warn(const char *fmt, ...)
{
	int e = errno;

	LOG_BODY(LOG_WARNING, e);
	errno = e;
}

void
log_warnx(const char *fmt, ...)
{
	LOG_BODY(LOG_WARNING, 0);
}

void
log_info(const char *fmt, ...)
{
	LOG_BODY(LOG_INFO, 0);
}

void
log_debug(const char *fmt, ...)
{
	LOG_BODY(LOG_DEBUG, 0);
}

void
fatal(const char *fmt, ...)
{
	int e = errno;

	LOG_BODY(LOG_CRIT, e);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	LOG_BODY(LOG_CRIT, 0);
	exit(1);
}
