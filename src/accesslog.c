/*
 * The access log: one line per request, written with one write(2) on
 * an O_APPEND descriptor so the lines of many threads and processes
 * never interleave.
 */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "accesslog.h"
#include "log.h"

static int access_fd = -1;
static char access_path[4096];

int
accesslog_open(const char *path)
{
	int fd;

	if (path == NULL)
		return 0;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd == -1)
		return -1;
	if (access_fd != -1)
		close(access_fd);
	access_fd = fd;
	snprintf(access_path, sizeof(access_path), "%s", path);
	return 0;
}

int
accesslog_reopen(void)
{
	int fd;

	if (access_fd == -1)
		return 0;
	fd = open(access_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd == -1) {
		log_warn("reopen %s", access_path);
		return -1;
	}
	if (dup2(fd, access_fd) == -1) {
		log_warn("dup2");
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

bool
accesslog_enabled(void)
{
	return access_fd != -1;
}

const char *
accesslog_escape(const char *s, char *out, size_t outlen)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	for (; *s != '\0' && o + 5 < outlen; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch < 0x20 || ch >= 0x7f || ch == '"' || ch == '\\') {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[ch >> 4];
			out[o++] = hex[ch & 15];
		} else
			out[o++] = (char)ch;
	}
	out[o] = '\0';
	return out;
}

void
accesslog_write(const struct access_entry *e)
{
	char line[1024], path[512], range[128], ts[32];
	struct timespec now;
	struct tm tm;
	int len;

	if (access_fd == -1)
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	len = snprintf(line, sizeof(line), "%s %s \"%s %s\" %d %s %jd %ld %s\n",
	    ts, e->client, e->method,
	    accesslog_escape(e->path, path, sizeof(path)), e->status,
	    e->range ? accesslog_escape(e->range, range, sizeof(range)) : "-",
	    (intmax_t)e->sent, e->ms, e->reason ? e->reason : "-");
	if (len < 0)
		return;
	if ((size_t)len >= sizeof(line)) {
		len = sizeof(line) - 1;
		line[len - 1] = '\n';
	}
	if (write(access_fd, line, (size_t)len) == -1 && errno != EINTR) {
		/* a full disk must not stop downloads */
	}
}
