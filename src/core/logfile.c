/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * Log files shared by the error log and the access log.
 */
#include "autoconfig.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "logfile.h"

/*
 * O_NONBLOCK: open(2) of a FIFO without a reader fails (ENXIO) instead
 * of waiting for one; a regular file ignores the flag.
 */
#define LOGFILE_FLAGS (O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NONBLOCK)

/* Opens path; only a regular file is kept (else EINVAL). */
static int
logfile_open_fd(const char *path)
{
	struct stat st;
	int fd = open(path, LOGFILE_FLAGS, 0640);

	if (fd == -1) {
		if (errno == ENXIO) /* a FIFO without a reader */
			errno = EINVAL;
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	return fd;
}

int
logfile_chown(const struct logfile *lf, uid_t uid, gid_t gid)
{
	if (lf->fd == -1)
		return 0;
	return fchown(lf->fd, uid, gid);
}

const char *
logfile_strerror(int err)
{
	return err == EINVAL ? "not a regular file" : strerror(err);
}

int
logfile_open(struct logfile *lf, const char *path)
{
	int fd = logfile_open_fd(path);

	if (fd == -1)
		return -1;
	if (lf->fd != -1)
		close(lf->fd);
	lf->fd = fd;
	snprintf(lf->path, sizeof(lf->path), "%s", path);
	return 0;
}

int
logfile_reopen(struct logfile *lf)
{
	int fd, e;

	if (lf->fd == -1)
		return 0;
	if ((fd = logfile_open_fd(lf->path)) == -1)
		return -1;
	if (dup2(fd, lf->fd) == -1) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	close(fd);
	return 0;
}

void
logfile_write(const struct logfile *lf, const char *line, size_t len)
{
	if (lf->fd != -1 && write(lf->fd, line, len) == -1) {
		/* a full disk must not stop downloads: nowhere to report */
	}
}

void
logfile_timestamp(char ts[32])
{
	struct timespec now;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(ts, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
