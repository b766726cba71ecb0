/*
 * Logging: one API, stderr or syslog, the process role on every line.
 */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "log.h"
#include "logfile.h"

static enum log_dest log_dest = LOG_DEST_STDERR;
static struct logfile log_file = LOGFILE_INIT;
static int log_level = LOG_INFO;
static char log_role[32] = "main";

void
log_init(enum log_dest dest)
{
	log_dest = dest;
	if (dest == LOG_DEST_SYSLOG)
		openlog("dlfcgi", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

int
log_open(const char *error_log)
{
	if (strcmp(error_log, "stderr") == 0) {
		log_init(LOG_DEST_STDERR);
		return 0;
	}
	if (strcmp(error_log, "syslog") == 0) {
		log_init(LOG_DEST_SYSLOG);
		return 0;
	}
	if (logfile_open(&log_file, error_log) == -1)
		return -1;
	log_dest = LOG_DEST_FILE;
	return 0;
}

int
log_reopen(void)
{
	if (log_dest != LOG_DEST_FILE)
		return 0;
	if (logfile_reopen(&log_file) == -1) {
		log_warn("reopen %s", log_file.path);
		return -1;
	}
	return 0;
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

static void log_vlog(int, int, const char *, va_list)
    __attribute__((format(printf, 3, 0)));

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
	if (log_dest == LOG_DEST_FILE) {
		char line[1200], ts[32];
		int len;

		logfile_timestamp(ts);
		len = snprintf(line, sizeof(line), "%s dlfcgi[%s]: %s\n", ts,
		    log_role, msg);
		if (len > 0 && (size_t)len >= sizeof(line)) {
			len = sizeof(line) - 1;
			line[len - 1] = '\n';
		}
		if (len > 0)
			logfile_write(&log_file, line, (size_t)len);
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
