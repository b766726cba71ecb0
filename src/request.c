/*
 * One request: method, resolve, headers, body, finish. Nothing here
 * allocates: the path, headers and body go through fixed buffers.
 */
#include "autoconfig.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "accesslog.h"
#include "client.h"
#include "cond.h"
#include "disposition.h"
#include "etag.h"
#include "httpdate.h"
#include "bounds.h"
#include "log.h"
#include "multipart.h"
#include "outq.h"
#include "path.h"
#include "range.h"
#include "request.h"
#include "scoreboard.h"

#define ALLOW_METHODS "GET, HEAD, OPTIONS"
#define REQUEST_416_BODY "416 Range Not Satisfiable\n"

_Static_assert(CLIENT_KEY_LEN <= SB_CLIENT_LEN,
    "a client key fits a scoreboard slot whole");

/*
 * The longest headers request_headers() can format, from the bounds of
 * what goes into them; DL_HEADER_MAX must hold them. Numbers are at
 * most 19 digits (off_t, intmax_t), a file name at most NAME_MAX bytes
 * (the kernel opened it), and in Content-Disposition every byte of the
 * name may take 1 byte in filename and 3 in filename*.
 */
#define REQUEST_NUM_MAX 19
#define REQUEST_DISPOSITION_MAX                                       \
	(sizeof("attachment; filename=\"\"; filename*=UTF-8''") - 1 + \
	    4 * NAME_MAX)
#define REQUEST_HEADERS_MAX                                                   \
	(sizeof("Status: 206 Partial Content\r\n") - 1 +                      \
	    sizeof("Content-Type: multipart/byteranges; boundary=\r\n") - 1 + \
	    MULTIPART_BOUNDARY_LEN + DL_MEDIA_TYPE_MAX +                      \
	    sizeof("Content-Length: \r\n") - 1 + REQUEST_NUM_MAX +            \
	    sizeof("Content-Range: bytes -/\r\n") - 1 + 3 * REQUEST_NUM_MAX + \
	    sizeof("Last-Modified: \r\n") - 1 + HTTPDATE_LEN +                \
	    sizeof("ETag: \r\nAccept-Ranges: bytes\r\n") - 1 + ETAG_LEN +     \
	    sizeof("Cache-Control: \r\n") - 1 + DL_HEADER_VALUE_MAX +         \
	    sizeof("Content-Disposition: \r\n") - 1 +                         \
	    REQUEST_DISPOSITION_MAX +                                         \
	    sizeof("X-Content-Type-Options: nosniff\r\n"                      \
		   "X-Accel-Buffering: no\r\n\r\n"))
_Static_assert(REQUEST_HEADERS_MAX <= DL_HEADER_MAX,
    "DL_HEADER_MAX holds the longest headers the configuration allows");

/* What one request did, for its log line, and its transfer state. */
struct request_log {
	const char *method;
	const char *path;
	const char *client;
	int status;
	off_t sent;
	const char *range;  /* Range header of a 206, or NULL */
	const char *reason; /* why it was refused or aborted, or NULL */
	int retry_after;    /* seconds, for 429 and 503 */
	bool zerocopy;	    /* the body goes out by sendfile(2) */
	struct sb_slot *slot;
	const struct dl_config *cfg;
	int64_t start_ms;
	int64_t win_ms; /* min_rate: start of the current window */
	off_t win_sent; /* min_rate: bytes sent when it started */
	int64_t thr_ms; /* limit_rate: when throttling began, or 0 */
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
	case 413:
		return "Content Too Large";
	case 414:
		return "URI Too Long";
	case 206:
		return "Partial Content";
	case 304:
		return "Not Modified";
	case 412:
		return "Precondition Failed";
	case 416:
		return "Range Not Satisfiable";
	case 429:
		return "Too Many Requests";
	case 431:
		return "Request Header Fields Too Large";
	case 503:
		return "Service Unavailable";
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
request_error(struct fcgi_conn *c, int status, bool head, int retry_after)
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
	if (status == 429 || status == 503)
		hdr_add(h, &off, "Retry-After: %d\r\n", retry_after);
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

/* What the response will carry, decided before the first byte. */
struct request_plan {
	int status; /* 200, 206, 304 or 416 */
	const char *type;
	char etag[ETAG_LEN];
	char boundary[MULTIPART_BOUNDARY_LEN];
	struct range ranges[RANGE_PARSE_MAX];
	size_t nranges; /* 206: 1 single part, > 1 multipart */
	off_t length;	/* Content-Length */
};

/*
 * Formats the headers of a file response (200, 206, 304, 416) into h
 * (DL_HEADER_MAX bytes) and sets *len. Returns -1 with *why set if they
 * do not fit, which REQUEST_HEADERS_MAX rules out for every
 * configuration that `dlfcgi -t` accepts.
 */
static int
request_headers(const struct request_env *env, const char *path,
    const struct stat *st, const struct request_plan *pl, char *h, size_t *len,
    const char **why)
{
	char date[HTTPDATE_LEN], disp[REQUEST_DISPOSITION_MAX + 1];
	const struct dl_config *cfg = env->cfg;
	size_t off = 0;

	hdr_add(h, &off, "Status: %d %s\r\n", pl->status,
	    request_reason_phrase(pl->status));
	if (pl->status == 206 && pl->nranges > 1)
		hdr_add(h, &off,
		    "Content-Type: multipart/byteranges; boundary=%s\r\n",
		    pl->boundary);
	else if (pl->status == 416)
		hdr_add(h, &off, "Content-Type: text/plain; charset=utf-8\r\n");
	else if (pl->status != 304)
		hdr_add(h, &off, "Content-Type: %s\r\n", pl->type);
	if (pl->status != 304)
		hdr_add(
		    h, &off, "Content-Length: %jd\r\n", (intmax_t)pl->length);
	if (pl->status == 206 && pl->nranges == 1)
		hdr_add(h, &off, "Content-Range: bytes %jd-%jd/%jd\r\n",
		    (intmax_t)pl->ranges[0].first, (intmax_t)pl->ranges[0].last,
		    (intmax_t)st->st_size);
	else if (pl->status == 416)
		hdr_add(h, &off, "Content-Range: bytes */%jd\r\n",
		    (intmax_t)st->st_size);
	if (httpdate_format(st->st_mtim.tv_sec, date) == 0)
		hdr_add(h, &off, "Last-Modified: %s\r\n", date);
	hdr_add(h, &off, "ETag: %s\r\nAccept-Ranges: %s\r\n", pl->etag,
	    cfg->max_ranges > 0 ? "bytes" : "none");
	if (cfg->cache_control != NULL)
		hdr_add(h, &off, "Cache-Control: %s\r\n", cfg->cache_control);
	if (cfg->disposition_type != DISPOSITION_NONE && pl->status != 304 &&
	    pl->status != 416) {
		if (disposition_format(cfg->disposition_type, path, disp,
			sizeof(disp)) == -1) {
			*why = "Content-Disposition too long";
			return -1;
		}
		hdr_add(h, &off, "Content-Disposition: %s\r\n", disp);
	}
	if (hdr_add(h, &off,
		"X-Content-Type-Options: nosniff\r\n"
		"X-Accel-Buffering: no\r\n\r\n") == -1) {
		*why = "response headers too long";
		return -1;
	}
	*len = off;
	return 0;
}

/*
 * The per-download limits, checked after each buffer: max_duration,
 * min_rate over min_rate_window, and limit_rate after limit_rate_after
 * (by sleeping this thread: it serves only this download). Returns -1
 * with rl->reason set if the download must be aborted.
 */
static int
request_pace(struct request_log *rl)
{
	const struct dl_config *cfg = rl->cfg;
	int64_t now = scoreboard_now_ms(), due, end = INT64_MAX;
	struct timespec ts;

	scoreboard_progress(rl->slot, (int64_t)rl->sent, now);
	if (cfg->max_duration > 0)
		end = rl->start_ms + (int64_t)cfg->max_duration * 1000;
	if (now >= end) {
		rl->reason = "max_duration reached";
		return -1;
	}
	if (cfg->min_rate > 0 &&
	    now - rl->win_ms >= (int64_t)cfg->min_rate_window * 1000) {
		if (rl->sent - rl->win_sent <
		    cfg->min_rate * cfg->min_rate_window) {
			rl->reason = "slower than min_rate";
			return -1;
		}
		rl->win_ms = now;
		rl->win_sent = rl->sent;
	}
	if (cfg->limit_rate > 0 && rl->sent > cfg->limit_rate_after) {
		if (rl->thr_ms == 0)
			rl->thr_ms = now;
		due = rl->thr_ms +
		    (int64_t)((rl->sent - cfg->limit_rate_after) * 1000 /
			cfg->limit_rate);
		/* max_duration is a hard cap: never sleep past it */
		if (due > end)
			due = end;
		if (due > now) {
			ts.tv_sec = (due - now) / 1000;
			ts.tv_nsec = (long)((due - now) % 1000) * 1000000;
			while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
				;
		}
		if (due == end) {
			rl->reason = "max_duration reached";
			return -1;
		}
	}
	return 0;
}

/*
 * True if fd still has the size, mtime and ctime it had when opened.
 * ctime catches a rewrite that put the old mtime back (touch -d, rsync
 * --inplace -t); it also changes when the file is unlinked, as by the
 * rename of a replacement, which leaves these bytes alone: so a change
 * of ctime that comes with a change of the link count is let pass.
 */
static bool
request_unchanged(int fd, const struct stat *st)
{
	struct stat now;

	return fstat(fd, &now) == 0 && now.st_size == st->st_size &&
	    now.st_mtim.tv_sec == st->st_mtim.tv_sec &&
	    now.st_mtim.tv_nsec == st->st_mtim.tv_nsec &&
	    (now.st_nlink != st->st_nlink ||
		(now.st_ctim.tv_sec == st->st_ctim.tv_sec &&
		    now.st_ctim.tv_nsec == st->st_ctim.tv_nsec));
}

/*
 * Streams [off, off + len) of fd in steps: buflen bytes through buf, or
 * with sendfile whole records (fcgi_sendfile_step). A read error, a file
 * that ends early, a failed write or a limit returns -1 with a reason:
 * the caller then aborts the request.
 */
static int
request_copy(struct fcgi_conn *c, int fd, const struct stat *st, off_t off,
    off_t len, char *buf, size_t buflen, struct request_log *rl)
{
	size_t step = rl->zerocopy ? fcgi_sendfile_step(buflen) : buflen;
	char esc[512];
	size_t want;
	ssize_t n;

	while (len > 0) {
		want = (off_t)step < len ? step : (size_t)len;
		/*
		 * Checked before each piece goes out, so a file rewritten
		 * under us never completes a body that looks whole.
		 */
		if (!request_unchanged(fd, st)) {
			errno = ESTALE;
			goto fail;
		}
		if (rl->zerocopy) {
			if (fcgi_sendfile(c, fd, off, want) == -1)
				goto fail;
			n = (ssize_t)want;
		} else {
			n = pread(fd, buf, want, off);
			if (n == -1) {
				if (errno == EINTR)
					continue;
				goto fail;
			}
			if (n == 0) {
				errno = ENODATA;
				goto fail;
			}
			if (fcgi_write(c, buf, (size_t)n) == -1)
				goto fail;
		}
		off += n;
		len -= n;
		rl->sent += n;
		if (request_pace(rl) == -1)
			return -1;
	}
	return 0;
fail:
	switch (errno) {
	case ENODATA:
		rl->reason = "file shrank during transfer";
		break;
	case ESTALE:
		rl->reason = "file changed during transfer";
		break;
	case ETIMEDOUT:
		rl->reason = "send_timeout expired";
		break;
	case EPIPE:
	case ECONNRESET:
		rl->reason = "web server closed the connection";
		break;
	default:
		rl->reason = "read or write error";
		log_warn("sending %s at %jd",
		    accesslog_escape(rl->path, esc, sizeof(esc)),
		    (intmax_t)off);
		break;
	}
	return -1;
}

/* The body of a 200 or 206: whole file, one range, or multipart. */
static int
request_body(struct fcgi_conn *c, int fd, const struct stat *st,
    const struct request_plan *pl, char *buf, size_t buflen,
    struct request_log *rl)
{
	size_t i;
	int n;

	/*
	 * With sendfile, only bodies larger than the buffer: a smaller one
	 * costs one copy, and then its end need not wait for the web
	 * server to have read it (request_settle).
	 */
	rl->zerocopy = rl->cfg->sendfile &&
	    (pl->status == 200
		    ? st->st_size
		    : range_total(pl->ranges, pl->nranges)) > (off_t)buflen;
	/* Sequential read-ahead: the kernel reads larger chunks ahead. */
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	if (pl->status == 200)
		return request_copy(c, fd, st, 0, st->st_size, buf, buflen, rl);
	for (i = 0; i < pl->nranges; i++) {
		const struct range *r = &pl->ranges[i];

		if (pl->nranges > 1) {
			n = multipart_part_header(buf, buflen, pl->boundary,
			    pl->type, r, st->st_size);
			if (n == -1 || fcgi_write(c, buf, (size_t)n) == -1) {
				rl->reason = "web server closed the connection";
				return -1;
			}
		}
		if (request_copy(c, fd, st, r->first, r->last - r->first + 1,
			buf, buflen, rl) == -1)
			return -1;
	}
	if (pl->nranges > 1) {
		n = multipart_part_header(
		    buf, buflen, pl->boundary, pl->type, NULL, st->st_size);
		if (n == -1 || fcgi_write(c, buf, (size_t)n) == -1) {
			rl->reason = "web server closed the connection";
			return -1;
		}
	}
	return 0;
}

/*
 * After the last byte of a body: the file must still be the one the
 * headers describe, or the response is aborted, so that bytes of two
 * versions never pass as one (with the old strong ETag). Bytes sent by
 * sendfile(2) are page-cache pages still referenced from the socket's
 * send queue until the web server has read them (or, on TCP, they are
 * acknowledged): a rewrite in that time would change them. So first
 * wait for the queue to empty, as a blocked write would wait
 * (send_timeout without progress) and within max_duration. Bytes sent
 * by pread(2) and write are copies, checked once the last is read.
 */
static int
request_settle(
    struct fcgi_conn *c, int fd, const struct stat *st, struct request_log *rl)
{
	const struct dl_config *cfg = rl->cfg;
	int64_t end = 0;

	if (rl->zerocopy) {
		if (cfg->max_duration > 0)
			end = rl->start_ms + (int64_t)cfg->max_duration * 1000;
		switch (outq_drain(c->fd, c->send_timeout_ms, end)) {
		case OUTQ_EMPTY:
			break;
		case OUTQ_STALLED:
			rl->reason = "send_timeout expired";
			return -1;
		case OUTQ_DEADLINE:
			rl->reason = "max_duration reached";
			return -1;
		case OUTQ_ERROR:
			log_warn("ioctl SIOCOUTQ");
			rl->reason = "read or write error";
			return -1;
		}
	}
	if (!request_unchanged(fd, st)) {
		rl->reason = "file changed during transfer";
		return -1;
	}
	return 0;
}

/*
 * Decides status, ranges and length from the conditional and Range
 * headers (RFC 9110 §13.2.2 order, then §14.2; doc/DESIGN.md §3).
 */
static int
request_plan(const struct request_env *env, const struct fcgi_conn *c,
    const char *path, const struct stat *st, struct request_plan *pl,
    const char **why)
{
	struct cond_request rq = {
	    .if_match = fcgi_param(c, "HTTP_IF_MATCH"),
	    .if_none_match = fcgi_param(c, "HTTP_IF_NONE_MATCH"),
	    .if_modified_since = fcgi_param(c, "HTTP_IF_MODIFIED_SINCE"),
	    .if_unmodified_since = fcgi_param(c, "HTTP_IF_UNMODIFIED_SINCE"),
	    .if_range = fcgi_param(c, "HTTP_IF_RANGE"),
	    .get_or_head = true,
	};
	struct cond_resource rs;
	const char *range = fcgi_param(c, "HTTP_RANGE");
	time_t now = time(NULL);

	etag_make(st, pl->etag);
	pl->type = mime_lookup(env->mime, path, env->cfg->default_type);
	pl->nranges = 0;
	pl->length = st->st_size;
	rs.etag = pl->etag;
	rs.mtime = st->st_mtim.tv_sec;
	switch (cond_evaluate(&rq, &rs, now)) {
	case COND_FAILED:
		return pl->status = 412;
	case COND_NOT_MODIFIED:
		return pl->status = 304;
	case COND_PROCEED:
		break;
	}
	pl->status = 200;
	if (range == NULL || !cond_if_range(rq.if_range, &rs, now))
		return pl->status;
	switch (range_parse(range, strlen(range), st->st_size,
	    (size_t)env->cfg->max_ranges, pl->ranges, &pl->nranges)) {
	case RANGE_IGNORE:
		break;
	case RANGE_UNSATISFIABLE:
		pl->status = 416;
		pl->length = sizeof(REQUEST_416_BODY) - 1;
		break;
	case RANGE_OK:
		pl->status = 206;
		if (pl->nranges == 1) {
			pl->length = range_total(pl->ranges, 1);
			break;
		}
		if (multipart_boundary(pl->boundary) == -1) {
			*why = "no random bytes for a multipart boundary";
			return pl->status = 500;
		}
		pl->length = multipart_length(pl->boundary, pl->type,
		    pl->ranges, pl->nranges, st->st_size);
		if (pl->length == -1) {
			*why = "multipart part header too long";
			return pl->status = 500;
		}
		break;
	}
	return pl->status;
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
	case PATH_BUSY:
		return 503;
	case PATH_ERROR:
		break;
	}
	return 500;
}

/* One line per request: the access log, and refusals to the error log. */
static void
request_log_line(const struct request_log *rl)
{
	struct access_entry e = {
	    .client = rl->client,
	    .method = rl->method,
	    .path = rl->path,
	    .status = rl->status,
	    .range = rl->range,
	    .sent = rl->sent,
	    .ms = (long)(scoreboard_now_ms() - rl->start_ms),
	    .reason = rl->reason,
	};
	char path[512], client[192], method[96];

	accesslog_write(&e);
	/* Peer-supplied fields escaped as in the access log. */
	accesslog_escape_token(rl->client, client, sizeof(client));
	accesslog_escape_token(rl->method, method, sizeof(method));
	if (rl->reason != NULL)
		log_info("%s \"%s %s\" %d: %s", client, method,
		    accesslog_escape(rl->path, path, sizeof(path)), rl->status,
		    rl->reason);
	else if (!accesslog_enabled())
		log_debug("%s \"%s %s\" %d %jd", client, method,
		    accesslog_escape(rl->path, path, sizeof(path)), rl->status,
		    (intmax_t)rl->sent);
}

int
request_handle(const struct request_env *env, struct fcgi_conn *c, char *buf,
    size_t buflen, struct sb_slot *slot)
{
	const struct dl_config *cfg = env->cfg;
	struct path_policy pol = {
	    .follow_symlinks = cfg->follow_symlinks,
	    .serve_hidden = cfg->serve_hidden,
	};
	struct request_log rl = {0};
	struct request_plan plan, *pl = &plan;
	char esc[512], key[CLIENT_KEY_LEN], h[DL_HEADER_MAX];
	const char *news;
	struct stat st;
	enum path_result pr;
	size_t hlen;
	bool head;
	int fd = -1;

	rl.cfg = cfg;
	rl.slot = slot;
	rl.start_ms = rl.win_ms = scoreboard_now_ms();
	rl.method = fcgi_param(c, "REQUEST_METHOD");
	rl.path = fcgi_param(c, "PATH_INFO");
	rl.client = fcgi_param(c, "REMOTE_ADDR");
	if (rl.method == NULL)
		rl.method = "-";
	if (rl.path == NULL)
		rl.path = "";
	/* Known before admission: a HEAD refused by a limit gets no body. */
	head = strcmp(rl.method, "HEAD") == 0;
	/* The limits count canonical addresses, which fit a slot whole. */
	client_key(rl.client, key);
	if (rl.client == NULL)
		rl.client = "-";

	/* Read but refused by fcgi_accept() (too large, no pipe): fcgi.h */
	if (c->refuse_status != 0) {
		rl.status = c->refuse_status;
		rl.reason = c->refuse_reason;
		rl.retry_after = DL_RETRY_AFTER;
		goto answer;
	}
	switch (scoreboard_admit(env->sb, slot, key, cfg->max_clients_per_ip,
	    cfg->rate_per_ip, cfg->rate_burst, rl.start_ms, &rl.retry_after)) {
	case SB_GATE_OK:
		break;
	case SB_GATE_BUSY:
		rl.status = 503;
		rl.retry_after = DL_RETRY_AFTER;
		rl.reason = "max_clients_per_ip reached";
		goto answer;
	case SB_GATE_RATE:
		rl.status = 429;
		rl.reason = "rate_per_ip exceeded";
		goto answer;
	}

	if (strcmp(rl.method, "OPTIONS") == 0) {
		rl.status = 204;
		goto answer;
	} else if (!head && strcmp(rl.method, "GET") != 0) {
		rl.status = 405;
		goto answer;
	}

	pr = path_open(env->rootfd, rl.path, &pol, &fd, &st);
	if ((news = path_resolver_news()) != NULL)
		log_info("%s", news);
	rl.status = request_status(pr, cfg->hide_forbidden);
	if (pr == PATH_ERROR) {
		log_warn(
		    "open %s", accesslog_escape(rl.path, esc, sizeof(esc)));
		rl.reason = "open failed";
	} else if (pr == PATH_BUSY) {
		/* a lease being broken: the holder has lease-break-time */
		rl.retry_after = DL_RETRY_AFTER;
		rl.reason = "file busy (a lease): open would block";
	}
	if (rl.status != 200)
		goto answer;
	if (scoreboard_admit_file(env->sb, slot, st.st_dev, st.st_ino, rl.path,
		cfg->max_conns_per_file_per_ip) != SB_GATE_OK) {
		rl.status = 503;
		rl.retry_after = DL_RETRY_AFTER;
		rl.reason = "max_conns_per_file_per_ip reached";
		goto answer;
	}
	rl.status = request_plan(env, c, rl.path, &st, pl, &rl.reason);
	if (rl.status == 412 || rl.status == 500)
		goto answer;
	if (request_headers(env, rl.path, &st, pl, h, &hlen, &rl.reason) ==
	    -1) {
		rl.status = 500;
		goto answer;
	}
	rl.range = pl->status == 206 ? fcgi_param(c, "HTTP_RANGE") : NULL;
	if (fcgi_write(c, h, hlen) == -1) {
		rl.reason = "could not send headers";
		goto abort;
	}
	if (!head && (rl.status == 200 || rl.status == 206) &&
	    (request_body(c, fd, &st, pl, buf, buflen, &rl) == -1 ||
		request_settle(c, fd, &st, &rl) == -1))
		goto abort;
	if (!head && rl.status == 416 &&
	    fcgi_write(c, REQUEST_416_BODY, sizeof(REQUEST_416_BODY) - 1) == -1)
		goto abort;
	goto finish;

answer:
	if (request_error(c, rl.status, head, rl.retry_after) == -1) {
		rl.reason = "could not send the answer";
		goto abort;
	}
finish:
	if (fd != -1)
		close(fd);
	/* Params live until the request is freed: log first. */
	request_log_line(&rl);
	scoreboard_done(env->sb, slot);
	if (fcgi_finish(c) == -1)
		log_warnx("could not end the request cleanly");
	return rl.status;
abort:
	if (fd != -1)
		close(fd);
	request_log_line(&rl);
	scoreboard_done(env->sb, slot);
	fcgi_abort(c);
	return 0;
}

int
request_refuse(
    const struct request_env *env, struct fcgi_conn *c, const char *reason)
{
	struct request_log rl = {0};

	rl.start_ms = scoreboard_now_ms();
	rl.method = fcgi_param(c, "REQUEST_METHOD");
	rl.path = fcgi_param(c, "PATH_INFO");
	rl.client = fcgi_param(c, "REMOTE_ADDR");
	rl.method = rl.method ? rl.method : "-";
	rl.path = rl.path ? rl.path : "";
	rl.client = rl.client ? rl.client : "-";
	rl.status = 503;
	rl.reason = reason;
	(void)env;
	if (request_error(
		c, 503, strcmp(rl.method, "HEAD") == 0, DL_RETRY_AFTER) == -1) {
		request_log_line(&rl);
		fcgi_abort(c);
		return 0;
	}
	request_log_line(&rl);
	fcgi_finish(c);
	return 503;
}
