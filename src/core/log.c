/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * Logging: one API, stderr, syslog or a file, the process role on every
 * line. Every line is made of printable ASCII (log_sanitize), and no
 * write ever blocks the thread that logs: a line the reader has no room
 * for is dropped and counted, and the count is logged with the next line
 * that gets through.
 */
#include "autoconfig.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "logfile.h"

#define LOG_SYSLOG_PATH "/dev/log"

/* How lines reach a stream (stderr, or the syslog socket). */
enum log_how {
	LOG_HOW_WRITE, /* a descriptor of our own with O_NONBLOCK */
	LOG_HOW_SEND,  /* a socket: send(MSG_DONTWAIT) */
	LOG_HOW_POLL,  /* a shared descriptor: poll it first, then write */
};

static enum log_dest log_dest = LOG_DEST_STDERR;
static struct logfile log_file = LOGFILE_INIT;
static int log_level = LOG_INFO;
static char log_role[32] = "main";

static pthread_mutex_t log_err_lock = PTHREAD_MUTEX_INITIALIZER;
static int log_err_fd = -1; /* stderr, see log_stderr_open() */
static _Atomic int log_err_how = LOG_HOW_POLL; /* enum log_how */
static dev_t log_err_dev; /* what fd 2 was when log_err_fd was set */
static ino_t log_err_ino;

static pthread_mutex_t log_sys_lock = PTHREAD_MUTEX_INITIALIZER;
static int log_sys_fd = -1; /* the syslog socket, connected */
static int log_sys_stream;  /* SOCK_STREAM: lines end in NUL */

static atomic_ulong log_dropped; /* lines lost since the last note */

const char *
log_escape(const char *s, char *out, size_t outlen, unsigned flags)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	if (outlen == 0)
		return out;
	for (; *s != '\0' && o + 1 < outlen; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch > 0x20 && ch < 0x7f &&
		    ((flags & LOG_ESC_QUOTES) == 0 ||
			(ch != '"' && ch != '\\'))) {
			out[o++] = (char)ch;
			continue;
		}
		if (ch == ' ' && (flags & LOG_ESC_SPACE) == 0) {
			out[o++] = ' ';
			continue;
		}
		if (o + 5 > outlen)
			break;
		out[o++] = '\\';
		out[o++] = 'x';
		out[o++] = hex[ch >> 4];
		out[o++] = hex[ch & 15];
	}
	out[o] = '\0';
	return out;
}

const char *
log_sanitize(const char *s, char *out, size_t outlen)
{
	return log_escape(s, out, outlen, 0);
}

/*
 * stderr: a pipe, FIFO or terminal is reopened through /proc as a file
 * description of our own, set O_NONBLOCK (setting it on fd 2 would
 * change it for every process sharing it, the shell included); a socket
 * is written with MSG_DONTWAIT; a regular file does not block. Done
 * again when fd 2 changes (daemon(3) points it at /dev/null): dup2()
 * over the same descriptor, so a thread writing meanwhile never sees it
 * closed. Called with log_err_lock held, or before any thread exists.
 */
static void
log_stderr_open(mode_t mode, dev_t dev, ino_t ino)
{
	enum log_how how = LOG_HOW_POLL;
	int fd = -1;

	if (S_ISSOCK(mode))
		how = LOG_HOW_SEND;
	else if (S_ISREG(mode))
		how = LOG_HOW_WRITE;
	else if ((fd = open("/proc/self/fd/2",
		      O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)) != -1)
		how = LOG_HOW_WRITE;
	if (fd == -1 && (fd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3)) == -1)
		return;
	if (log_err_fd == -1)
		log_err_fd = fd;
	else {
		if (dup3(fd, log_err_fd, O_CLOEXEC) == -1) {
			close(fd);
			return;
		}
		close(fd);
	}
	atomic_store_explicit(&log_err_how, (int)how, memory_order_relaxed);
	log_err_dev = dev;
	log_err_ino = ino;
}

/* log_err_fd, set up again if fd 2 is no longer what it was. */
static void
log_stderr_check(void)
{
	struct stat st;

	if (fstat(STDERR_FILENO, &st) == -1)
		return;
	pthread_mutex_lock(&log_err_lock);
	if (log_err_fd == -1 || st.st_dev != log_err_dev ||
	    st.st_ino != log_err_ino)
		log_stderr_open(st.st_mode, st.st_dev, st.st_ino);
	pthread_mutex_unlock(&log_err_lock);
}

/* One line in one call that never waits; 0, or -1 if dropped. */
static int
log_put(int fd, enum log_how how, const char *line, size_t len)
{
	struct pollfd pfd = {.fd = fd, .events = POLLOUT};
	ssize_t n;

	if (how == LOG_HOW_POLL &&
	    (poll(&pfd, 1, 0) != 1 || (pfd.revents & POLLOUT) == 0))
		return -1;
	do {
		if (how == LOG_HOW_SEND)
			n = send(fd, line, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		else
			n = write(fd, line, len);
	} while (n == -1 && errno == EINTR);
	return n == (ssize_t)len ? 0 : -1;
}

static void
log_syslog_close(void)
{
	if (log_sys_fd != -1)
		close(log_sys_fd);
	log_sys_fd = -1;
}

/* Connects to /dev/log, datagram first, as syslog(3) does. */
static void
log_syslog_connect(void)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int types[] = {SOCK_DGRAM, SOCK_STREAM};
	size_t i;

	log_syslog_close();
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", LOG_SYSLOG_PATH);
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		log_sys_fd =
		    socket(AF_UNIX, types[i] | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (log_sys_fd == -1)
			return;
		if (connect(log_sys_fd, (struct sockaddr *)&sa, sizeof(sa)) ==
		    0) {
			log_sys_stream = types[i] == SOCK_STREAM;
			return;
		}
		log_syslog_close();
		if (errno != EPROTOTYPE)
			return;
	}
}

/*
 * The syslog(3) line format ("<PRI>Mmm dd hh:mm:ss dlfcgi[PID]: ..."),
 * facility daemon, sent without waiting: syslog(3) blocks every thread
 * that logs while the syslog daemon does not read.
 */
static int
log_syslog(int prio, const char *msg)
{
	char line[1280], ts[32];
	struct tm tm;
	time_t now = time(NULL);
	int len, rc = -1, again;

	localtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%b %e %T", &tm);
	len = snprintf(line, sizeof(line), "<%d>%s dlfcgi[%d]: %s%c",
	    LOG_DAEMON | prio, ts, (int)getpid(), msg, '\0');
	if (len < 0)
		return -1;
	if ((size_t)len > sizeof(line))
		len = sizeof(line);
	pthread_mutex_lock(&log_sys_lock);
	for (again = 0; again < 2; again++) {
		if (log_sys_fd == -1)
			log_syslog_connect();
		if (log_sys_fd == -1)
			break;
		/* a datagram carries no NUL; a stream is framed by it */
		if (log_put(log_sys_fd, LOG_HOW_SEND, line,
			(size_t)len - (log_sys_stream ? 0 : 1)) == 0) {
			rc = 0;
			break;
		}
		if (errno == EAGAIN || errno == ENOBUFS)
			break; /* the daemon is behind: drop, keep the socket */
		log_syslog_close(); /* restarted: connect again, once */
	}
	pthread_mutex_unlock(&log_sys_lock);
	return rc;
}

void
log_init(enum log_dest dest)
{
	log_dest = dest;
	if (dest == LOG_DEST_STDERR)
		log_stderr_check();
	if (dest == LOG_DEST_SYSLOG) {
		/* now, as openlog(LOG_NDELAY) did: before privileges drop */
		pthread_mutex_lock(&log_sys_lock);
		if (log_sys_fd == -1)
			log_syslog_connect();
		pthread_mutex_unlock(&log_sys_lock);
	}
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
log_chown(uid_t uid, gid_t gid)
{
	if (log_dest != LOG_DEST_FILE)
		return 0;
	if (logfile_chown(&log_file, uid, gid) == -1) {
		log_warn("chown %s", log_file.path);
		return -1;
	}
	return 0;
}

int
log_reopen(void)
{
	if (log_dest != LOG_DEST_FILE)
		return 0;
	if (logfile_reopen(&log_file) == -1) {
		log_warnx("reopen %s: %s; still writing to the previous file",
		    log_file.path, logfile_strerror(errno));
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

/* Sends one message (no newline) where log_dest says; -1 if dropped. */
static int
log_emit(int prio, const char *msg)
{
	char line[1280], ts[32];
	int len;

	if (log_dest == LOG_DEST_SYSLOG) {
		snprintf(line, sizeof(line), "%s: %s", log_role, msg);
		return log_syslog(prio, line);
	}
	if (log_dest == LOG_DEST_FILE) {
		logfile_timestamp(ts);
		len = snprintf(line, sizeof(line), "%s dlfcgi[%s]: %s\n", ts,
		    log_role, msg);
	} else
		len = snprintf(
		    line, sizeof(line), "dlfcgi[%s]: %s\n", log_role, msg);
	if (len < 0)
		return -1;
	if ((size_t)len >= sizeof(line)) {
		len = sizeof(line) - 1;
		line[len - 1] = '\n';
	}
	if (log_dest == LOG_DEST_FILE) {
		logfile_write(&log_file, line, (size_t)len);
		return 0;
	}
	log_stderr_check();
	if (log_err_fd == -1)
		return -1;
	return log_put(log_err_fd,
	    (enum log_how)atomic_load_explicit(
		&log_err_how, memory_order_relaxed),
	    line, (size_t)len);
}

static void log_vlog(int, int, const char *, va_list)
    __attribute__((format(printf, 3, 0)));

static void
log_vlog(int prio, int errnum, const char *fmt, va_list ap)
{
	char raw[1024], msg[1024], note[96];
	unsigned long lost;
	int n;

	if (prio > log_level)
		return;
	n = vsnprintf(raw, sizeof(raw), fmt, ap);
	if (n >= 0 && errnum != 0 && (size_t)n < sizeof(raw))
		snprintf(raw + n, sizeof(raw) - n, ": %s", strerror(errnum));
	/* One line of printable ASCII, whatever a peer slipped in. */
	log_sanitize(raw, msg, sizeof(msg));
	/* Counts and a mode flag, ordering nothing: relaxed. */
	lost = atomic_exchange_explicit(&log_dropped, 0, memory_order_relaxed);
	if (lost > 0) {
		snprintf(note, sizeof(note),
		    "%lu log lines dropped: the log reader was too slow", lost);
		if (log_emit(LOG_WARNING, note) == -1) {
			atomic_fetch_add_explicit(
			    &log_dropped, lost + 1, memory_order_relaxed);
			return;
		}
	}
	if (log_emit(prio, msg) == -1)
		atomic_fetch_add_explicit(
		    &log_dropped, 1, memory_order_relaxed);
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
