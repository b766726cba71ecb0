/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * The access log: one line per request, written with one write(2) on
 * an O_APPEND descriptor so the lines of many threads and processes
 * never interleave.
 */
#include "autoconfig.h"

#include <errno.h>
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
accesslog_chown(uid_t uid, gid_t gid)
{
	if (logfile_chown(&access_file, uid, gid) == -1) {
		log_warn("chown %s", access_file.path);
		return -1;
	}
	return 0;
}

int
accesslog_reopen(void)
{
	if (logfile_reopen(&access_file) == -1) {
		log_warnx("reopen %s: %s; still writing to the previous file",
		    access_file.path, logfile_strerror(errno));
		return -1;
	}
	return 0;
}

bool
accesslog_enabled(void)
{
	return access_file.fd != -1;
}

static const char *
accesslog_escape_as(const char *s, char *out, size_t outlen, bool token)
{
	return log_escape(
	    s, out, outlen, LOG_ESC_QUOTES | (token ? LOG_ESC_SPACE : 0));
}

const char *
accesslog_escape(const char *s, char *out, size_t outlen)
{
	return accesslog_escape_as(s, out, outlen, false);
}

const char *
accesslog_escape_token(const char *s, char *out, size_t outlen)
{
	return accesslog_escape_as(s, out, outlen, true);
}

void
accesslog_write(const struct access_entry *e)
{
	char line[1280], path[512], range[128], client[192], method[96];
	char reason[160], ts[32];
	int len;

	if (access_file.fd == -1)
		return;
	logfile_timestamp(ts);
	/* Every field a peer can set is escaped: one line per request. */
	len = snprintf(line, sizeof(line), "%s %s \"%s %s\" %d %s %jd %ld %s\n",
	    ts, accesslog_escape_token(e->client, client, sizeof(client)),
	    accesslog_escape_token(e->method, method, sizeof(method)),
	    accesslog_escape(e->path, path, sizeof(path)), e->status,
	    e->range ? accesslog_escape_token(e->range, range, sizeof(range))
		     : "-",
	    (intmax_t)e->sent, e->ms,
	    e->reason ? accesslog_escape(e->reason, reason, sizeof(reason))
		      : "-");
	if (len < 0)
		return;
	if ((size_t)len >= sizeof(line)) {
		len = sizeof(line) - 1;
		line[len - 1] = '\n';
	}
	logfile_write(&access_file, line, (size_t)len);
}
