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
#include <time.h>

#include "accesslog.h"
#include "escape.h"
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

/*
 * The JSON line: each string field is escaped straight into the line,
 * within its own cap; the caps and the fixed text together fit
 * ACCESSLOG_JSON_MAX, so no field can push another out of the line.
 */
#define JSON_PATH_CAP 2048 /* DL_PATH_MAX cut; \u00XX is 6 bytes */
#define JSON_FIELD_CAP 256 /* range, reason, request id */
#define JSON_CLIENT_CAP 192
#define JSON_METHOD_CAP 96
#define JSON_NAME_CAP 64 /* reason_kind, reason_code: fixed names */
/* keys, punctuation, time and six numbers of at most 20 digits */
#define JSON_FIXED 512
_Static_assert(JSON_PATH_CAP + 3 * JSON_FIELD_CAP + JSON_CLIENT_CAP +
	    JSON_METHOD_CAP + 2 * JSON_NAME_CAP + JSON_FIXED <=
	ACCESSLOG_JSON_MAX,
    "the fields of a JSON access-log line fit ACCESSLOG_JSON_MAX");

struct jline {
	char *b;
	size_t len, n;
};

static void
jl_raw(struct jline *j, const char *s)
{
	size_t l = strlen(s);

	if (l >= j->len - j->n) /* cannot happen: the caps fit */
		l = j->len - j->n - 1;
	memcpy(j->b + j->n, s, l);
	j->n += l;
	j->b[j->n] = '\0';
}

/* ,"key":"value" (escaped, at most cap bytes), or null */
static void
jl_str(struct jline *j, const char *key, const char *v, size_t cap)
{
	size_t room;

	jl_raw(j, j->n > 1 ? ",\"" : "\"");
	jl_raw(j, key);
	if (v == NULL) {
		jl_raw(j, "\":null");
		return;
	}
	jl_raw(j, "\":\"");
	room = j->len - j->n - 2; /* the closing quote and the NUL */
	escape_json(v, j->b + j->n, cap < room ? cap : room);
	j->n += strlen(j->b + j->n);
	jl_raw(j, "\"");
}

/* ,"key":number, or null when null is true */
static void
jl_num(struct jline *j, const char *key, intmax_t v, bool null)
{
	char num[32];

	snprintf(num, sizeof(num), "%jd", v);
	jl_raw(j, ",\"");
	jl_raw(j, key);
	jl_raw(j, "\":");
	jl_raw(j, null ? "null" : num);
}

size_t
accesslog_format_json(const struct access_entry *e,
    const struct access_detail *d, int64_t unix_ms, char *buf, size_t len)
{
	struct jline j = {buf, len, 0};
	char ts[96];
	struct tm tm;
	time_t sec = (time_t)(unix_ms / 1000);

	buf[0] = '\0';
	jl_raw(&j, "{");
	if (gmtime_r(&sec, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	snprintf(ts, sizeof(ts), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
	    tm.tm_sec, (int)(unix_ms % 1000));
	jl_str(&j, "time", ts, sizeof(ts));
	jl_str(&j, "client", e->client, JSON_CLIENT_CAP);
	jl_str(&j, "method", e->method, JSON_METHOD_CAP);
	jl_str(&j, "path", e->path, JSON_PATH_CAP);
	jl_num(&j, "status", e->status, e->status == 0);
	jl_str(&j, "range", e->range, JSON_FIELD_CAP);
	jl_num(&j, "bytes_sent", (intmax_t)e->sent, false);
	jl_num(&j, "body_length", (intmax_t)d->body_len, d->body_len < 0);
	jl_raw(&j, d->complete ? ",\"complete\":true" : ",\"complete\":false");
	jl_num(&j, "duration_ms", e->ms, false);
	jl_num(&j, "ttfb_ms", d->ttfb_ms, d->ttfb_ms < 0);
	jl_str(&j, "reason", e->reason, JSON_FIELD_CAP);
	jl_str(&j, "reason_kind", d->reason_kind, JSON_NAME_CAP);
	jl_str(&j, "reason_code", d->reason_code, JSON_NAME_CAP);
	jl_num(&j, "pid", (intmax_t)d->pid, false);
	jl_str(&j, "request_id", d->request_id, JSON_FIELD_CAP);
	jl_raw(&j, "}\n");
	return j.n;
}

void
accesslog_write_json(
    const struct access_entry *e, const struct access_detail *d)
{
	char line[ACCESSLOG_JSON_MAX];
	struct timespec now;
	size_t n;

	if (access_file.fd == -1)
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	n = accesslog_format_json(e, d,
	    (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000, line,
	    sizeof(line));
	logfile_write(&access_file, line, n);
}
