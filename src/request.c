/*
 * One request: method, resolve, headers, body, finish. Nothing here
 * allocates: the path, headers and body go through fixed buffers.
 */
#include "autoconfig.h"

#include <sys/stat.h>

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "etag.h"
#include "httpdate.h"
#include "limits.h"
#include "log.h"
#include "path.h"
#include "request.h"

#define ALLOW_METHODS "GET, HEAD, OPTIONS"

/* What one request did, for its log line. */
struct request_log {
	const char *method;
	const char *path;
	const char *client;
	int status;
	off_t sent;
	const char *reason; /* why it was refused or aborted, or NULL */
};

static const char *
request_reason_phrase(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 204:
		return "No Content";
	case 400:
		return "Bad Request";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 414:
		return "URI Too Long";
	default:
		return "Internal Server Error";
	}
}

/* Appends to a header buffer; returns -1 once it would overflow. */
static int hdr_add(char *h, size_t *off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
hdr_add(char *h, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*off >= DL_HEADER_MAX)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(h + *off, DL_HEADER_MAX - *off, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= DL_HEADER_MAX - *off) {
		*off = DL_HEADER_MAX;
		return -1;
	}
	*off += (size_t)n;
	return 0;
}

/* A short text/plain answer for every status without a file body. */
static int
request_error(struct fcgi_conn *c, int status, bool head)
{
	char h[DL_HEADER_MAX], body[64];
	size_t off = 0;
	int blen;

	blen = snprintf(body, sizeof(body), "%d %s\n", status,
	    request_reason_phrase(status));
	hdr_add(h, &off, "Status: %d %s\r\n", status,
	    request_reason_phrase(status));
	if (status == 405 || status == 204)
		hdr_add(h, &off, "Allow: " ALLOW_METHODS "\r\n");
	if (status != 204)
		hdr_add(h, &off,
		    "Content-Type: text/plain; charset=utf-8\r\n"
		    "Content-Length: %d\r\n",
		    blen);
	hdr_add(h, &off,
	    "X-Content-Type-Options: nosniff\r\n"
	    "Cache-Control: no-store\r\n\r\n");
	if (fcgi_write(c, h, off) == -1)
		return -1;
	if (status == 204 || head)
		return 0;
	return fcgi_write(c, body, (size_t)blen);
}

static int
request_headers(const struct request_env *env, struct fcgi_conn *c,
    const char *path, const struct stat *st)
{
	char h[DL_HEADER_MAX], date[HTTPDATE_LEN], etag[ETAG_LEN];
	size_t off = 0;

	etag_make(st, etag);
	hdr_add(h, &off,
	    "Status: 200 OK\r\n"
	    "Content-Type: %s\r\n"
	    "Content-Length: %jd\r\n",
	    mime_lookup(env->mime, path, env->cfg->default_type),
	    (intmax_t)st->st_size);
	if (httpdate_format(st->st_mtim.tv_sec, date) == 0)
		hdr_add(h, &off, "Last-Modified: %s\r\n", date);
	if (hdr_add(h, &off,
		"ETag: %s\r\n"
		"Accept-Ranges: bytes\r\n"
		"X-Content-Type-Options: nosniff\r\n"
		"X-Accel-Buffering: no\r\n\r\n",
		etag) == -1) {
		errno = ENOBUFS;
		return -1;
	}
	return fcgi_write(c, h, off);
}

/*
 * Streams [off, off + len) of fd through buf. A read error, a file that
 * ends early or changes under us, or a failed write returns -1 with a
 * reason: the caller then aborts the request.
 */
static int
request_body(struct fcgi_conn *c, int fd, const struct stat *st, off_t off,
    off_t len, char *buf, size_t buflen, struct request_log *rl)
{
	struct stat now;
	size_t want;
	ssize_t n;

	while (len > 0) {
		want = (off_t)buflen < len ? buflen : (size_t)len;
		n = pread(fd, buf, want, off);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			rl->reason = "read error";
			log_warn("pread %s at %jd", rl->path, (intmax_t)off);
			return -1;
		}
		if (n == 0) {
			rl->reason = "file shrank during transfer";
			return -1;
		}
		if (fcgi_write(c, buf, (size_t)n) == -1) {
			rl->reason = errno == ETIMEDOUT
			    ? "send_timeout expired"
			    : "web server closed the connection";
			return -1;
		}
		off += n;
		len -= n;
		rl->sent += n;
	}
	/* Bytes of two versions of a file must never pass as one. */
	if (fstat(fd, &now) == -1 || now.st_size != st->st_size ||
	    now.st_mtim.tv_sec != st->st_mtim.tv_sec ||
	    now.st_mtim.tv_nsec != st->st_mtim.tv_nsec) {
		rl->reason = "file changed during transfer";
		return -1;
	}
	return 0;
}

static int
request_status(enum path_result r, bool hide)
{
	switch (r) {
	case PATH_OK:
		return 200;
	case PATH_NOT_FOUND:
		return 404;
	case PATH_FORBIDDEN:
		return hide ? 404 : 403;
	case PATH_TOO_LONG:
		return 414;
	case PATH_ERROR:
		break;
	}
	return 500;
}

/* Control characters and quotes of a path are shown as \xHH. */
static const char *
request_log_escape(const char *s, char *out, size_t outlen)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	for (; *s != '\0' && o + 5 < outlen; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch < 0x20 || ch == 0x7f || ch == '"' || ch == '\\') {
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

static void
request_log_line(const struct request_log *rl, const struct timespec *t0)
{
	struct timespec t1;
	char path[512];
	long ms;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0->tv_sec) * 1000 +
	    (t1.tv_nsec - t0->tv_nsec) / 1000000;
	log_info("%s \"%s %s\" %d %jd %ld ms%s%s", rl->client, rl->method,
	    request_log_escape(rl->path, path, sizeof(path)), rl->status,
	    (intmax_t)rl->sent, ms, rl->reason ? " " : "",
	    rl->reason ? rl->reason : "");
}

int
request_handle(const struct request_env *env, struct fcgi_conn *c, char *buf,
    size_t buflen)
{
	struct path_policy pol = {
	    .follow_symlinks = env->cfg->follow_symlinks,
	    .serve_hidden = env->cfg->serve_hidden,
	};
	struct request_log rl = {0};
	struct timespec t0;
	struct stat st;
	enum path_result pr;
	bool head = false;
	int fd = -1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	rl.method = fcgi_param(c, "REQUEST_METHOD");
	rl.path = fcgi_param(c, "PATH_INFO");
	rl.client = fcgi_param(c, "REMOTE_ADDR");
	if (rl.method == NULL)
		rl.method = "-";
	if (rl.path == NULL)
		rl.path = "";
	if (rl.client == NULL)
		rl.client = "-";

	if (fcgi_discard_input(c, DL_DISCARD_MAX) == -1) {
		rl.reason = "request body too large or broken";
		rl.status = 400;
		if (request_error(c, 400, false) == -1)
			goto abort;
		goto finish;
	}
	if (strcmp(rl.method, "HEAD") == 0)
		head = true;
	else if (strcmp(rl.method, "OPTIONS") == 0) {
		rl.status = 204;
		goto answer;
	} else if (strcmp(rl.method, "GET") != 0) {
		rl.status = 405;
		goto answer;
	}

	pr = path_open(env->rootfd, rl.path, &pol, &fd, &st);
	rl.status = request_status(pr, env->cfg->hide_forbidden);
	if (pr == PATH_ERROR) {
		log_warn("open %s", rl.path);
		rl.reason = "open failed";
	}
	if (rl.status != 200)
		goto answer;

	if (request_headers(env, c, rl.path, &st) == -1) {
		rl.reason = "could not send headers";
		goto abort;
	}
	if (!head &&
	    request_body(c, fd, &st, 0, st.st_size, buf, buflen, &rl) == -1)
		goto abort;
	close(fd);
	fd = -1;
	goto finish;

answer:
	if (request_error(c, rl.status, head) == -1) {
		rl.reason = "could not send the answer";
		goto abort;
	}
finish:
	/* Params live until the request is freed: log first. */
	request_log_line(&rl, &t0);
	if (fcgi_finish(c) == -1)
		log_warnx("could not end the request cleanly");
	return rl.status;
abort:
	if (fd != -1)
		close(fd);
	/* The log line must be written before the params are freed. */
	request_log_line(&rl, &t0);
	fcgi_abort(c);
	return 0;
}
