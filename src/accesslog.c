/*
 * The access log: one line per request, written with one write(2) on
 * an O_APPEND descriptor so the lines of many threads and processes
 * never interleave.
 */
#include "autoconfig.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "accesslog.h"
#include "log.h"
#include "logfile.h"

static struct logfile access_file = LOGFILE_INIT;

int
accesslog_open(const char *path)
{
	return path == NULL ? 0 : logfile_open(&access_file, path);
}

int
accesslog_reopen(void)
{
	if (logfile_reopen(&access_file) == -1) {
		log_warn("reopen %s", access_file.path);
		return -1;
	}
	return 0;
}

bool
accesslog_enabled(void)
{
	return access_file.fd != -1;
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
	int len;

	if (access_file.fd == -1)
		return;
	logfile_timestamp(ts);
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
	logfile_write(&access_file, line, (size_t)len);
}
