/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * The FastCGI connection. libfcgi 2.4 accepts blocking, closes with a
 * drain of up to 2 s, copies output through an 8 KiB buffer and breaks
 * on hostile records; so dlfcgi owns the socket's life, reads and checks
 * the request itself (fcgi_guard) and looks its parameters up in the
 * guard's copy, as libfcgi would (tests/fuzz/fuzz_fcgi_libfcgi.c checks
 * that against the real libfcgi): no pipe, no allocation, no copy per
 * request. A connection whose request asked for FCGI_KEEP_CONN is parked
 * after a clean end (park.c) for its next request.
 */
#include "autoconfig.h"

#include <sys/socket.h>
#include <sys/sendfile.h>
#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <poll.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "fcgi.h"
#include "fcgi_guard.h"
#include "peer.h"
#include "bounds.h"
#include "log.h"
#include "park.h"

/* FastCGI v1.0 §8: record header and types. */
#define FCGI_VERSION_1 1
#define FCGI_TYPE_END_REQUEST 3
#define FCGI_TYPE_STDOUT 6
#define FCGI_HEADER_LEN 8
/* FastCGI v1.0 §5.1: BEGIN_REQUEST flags. */
#define FCGI_KEEP_CONN 1

void
fcgi_conn_init(struct fcgi_conn *c)
{
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->listen_unix = -1;
}

void
fcgi_conn_destroy(struct fcgi_conn *c)
{
	/* Nothing: between requests c holds no descriptor of its own. */
	(void)c;
}

/*
 * Waits until the socket takes more bytes, for at most send_timeout.
 * Returns 0, or -1 with errno set (ETIMEDOUT when the time ran out).
 */
static int
fcgi_wait_writable(const struct fcgi_conn *c)
{
	struct pollfd pfd = {.fd = c->fd, .events = POLLOUT};
	int rc, prev = SBW_NONE, e;

	if (c->slot != NULL) {
		prev =
		    atomic_load_explicit(&c->slot->wait, memory_order_relaxed);
		scoreboard_wait(c->slot, SBW_SOCKET);
	}
	while ((rc = poll(&pfd, 1, c->send_timeout_ms)) == -1 && errno == EINTR)
		;
	e = errno;
	if (c->slot != NULL)
		scoreboard_wait(c->slot, (enum sb_wait)prev);
	errno = e;
	if (rc == 0)
		errno = ETIMEDOUT;
	/* POLLERR or POLLHUP: the next write reports the error. */
	return rc > 0 ? 0 : -1;
}

/*
 * After a wait for room on a connection whose send buffer is
 * auto-tuned: the buffer follows the pace measured (sndbuf.h). The
 * first raise of a worker checks that the kernel grants it.
 */
static void
fcgi_tune(struct fcgi_conn *c)
{
	static atomic_flag checked = ATOMIC_FLAG_INIT;
	socklen_t len = sizeof(int);
	int want, got;

	if ((want = sndbuf_after_wait(
		 &c->tune, scoreboard_now_ms(), c->sent)) == 0)
		return;
	if (setsockopt(c->fd, SOL_SOCKET, SO_SNDBUF, &want, sizeof(want)) ==
	    -1) {
		log_warn("setsockopt SO_SNDBUF %d (no more tuning on this "
			 "connection)",
		    want);
		c->tuned = 0;
		return;
	}
	if (want == c->tune.high && !atomic_flag_test_and_set(&checked) &&
	    getsockopt(c->fd, SOL_SOCKET, SO_SNDBUF, &got, &len) == 0 &&
	    got / 2 < want)
		log_info("send buffer %d is capped at %d by the kernel "
			 "(sysctl net.core.wmem_max)",
		    want, got / 2);
}

/*
 * The outcome of one non-blocking write on the socket: the bytes
 * written (w >= 0), 0 after EINTR or after waiting for room (EAGAIN),
 * or -1 with errno set.
 */
static ssize_t
fcgi_progress(struct fcgi_conn *c, ssize_t w)
{
	if (w >= 0) {
		c->sent += (uint64_t)w;
		return w;
	}
	if (errno == EINTR)
		return 0;
	if (errno == EAGAIN || errno == EWOULDBLOCK) {
		if (fcgi_wait_writable(c) == -1)
			return -1;
		if (c->tuned)
			fcgi_tune(c);
		return 0;
	}
	return -1;
}

/*
 * Sets SO_SNDBUF. The kernel caps it at net.core.wmem_max; the first
 * connection of a worker that gets less says so, once.
 */
static void
fcgi_set_send_buffer(int fd, int bytes)
{
	static atomic_flag checked = ATOMIC_FLAG_INIT;
	socklen_t len = sizeof(int);
	int got;

	if (bytes == 0)
		return;
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bytes, sizeof(bytes)) ==
	    -1) {
		log_warn("setsockopt SO_SNDBUF");
		return;
	}
	if (atomic_flag_test_and_set(&checked))
		return;
	/* Linux doubles the value for its own bookkeeping. */
	if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &got, &len) == 0 &&
	    got / 2 < bytes)
		log_info("send_buffer %d is capped at %d by the kernel "
			 "(sysctl net.core.wmem_max)",
		    bytes, got / 2);
}

/* A connection dropped before it became a request: counted as read. */
static void
fcgi_count_drop(struct fcgi_conn *c, enum stat_reject why)
{
	if (c->stats == NULL)
		return;
	stats_add(&c->stats->accepted, 1);
	stats_add(&c->stats->rejected[why], 1);
}

/*
 * Reads the whole request (up to the end of FCGI_STDIN) within
 * request_timeout seconds, feeding it to the guard as it arrives, and
 * keeps its parameters as strings in c->params. Returns 0 with a
 * request to answer (c->refuse_status may be set), or -1 (logged) if
 * the peer is to be dropped. A recv(2) comes first: the request is
 * usually there already when a thread takes the connection.
 */
static int
fcgi_read_request(struct fcgi_conn *c, int fd, int request_timeout)
{
	struct timespec now, end;
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	struct fcgi_guard *g = &c->guard;
	enum fcgi_guard_result r = FCGI_GUARD_MORE;
	const char *why = "timed out (request_timeout)";
	unsigned char chunk[FCGI_RECV_CHUNK];
	size_t used;
	ssize_t n;
	long ms;
	int rc, wait = 0;

	c->keep = 0;
	c->refuse_status = 0;
	c->refuse_reason = NULL;
	fcgi_guard_init(g, c->params, sizeof(c->params), DL_REQUEST_STDIN_MAX,
	    DL_REQUEST_HARD_MAX);
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += request_timeout;
	while (r == FCGI_GUARD_MORE) {
		if (wait) {
			clock_gettime(CLOCK_MONOTONIC, &now);
			ms = (end.tv_sec - now.tv_sec) * 1000 +
			    (end.tv_nsec - now.tv_nsec) / 1000000;
			if (ms <= 0)
				goto drop;
			rc = poll(&pfd, 1, (int)ms);
			if (rc == -1 && errno != EINTR) {
				why = "poll failed";
				goto drop;
			}
			if (rc <= 0)
				continue;
		}
		n = recv(fd, chunk, sizeof(chunk), MSG_DONTWAIT);
		if (n == -1) {
			wait = errno == EAGAIN || errno == EWOULDBLOCK;
			if (errno == EINTR || wait)
				continue;
			/*
			 * A kept connection the web server closed with bytes
			 * of ours unread (it gave up on it): its end, not a
			 * bad peer.
			 */
			if (errno == ECONNRESET && g->total == 0 &&
			    c->served > 0) {
				log_info("FastCGI connection reset by the web "
					 "server after %u requests",
				    c->served);
				return -1;
			}
			why = "read failed";
			goto drop;
		}
		wait = 0;
		if (n == 0) {
			if (g->total == 0) {
				/* a probe, or a kept connection's end */
				if (c->served > 0)
					log_info("FastCGI connection closed "
						 "by the web server after %u "
						 "requests",
					    c->served);
				return -1;
			}
			why = "connection closed inside the request";
			goto drop;
		}
		r = fcgi_guard_feed(g, chunk, (size_t)n, &used);
	}
	if (r == FCGI_GUARD_REJECT) {
		why = g->why;
		goto drop;
	}
	c->id = g->id;
	c->served++;
	/*
	 * Kept only if the peer asked (FastCGI v1.0 §5.1) and sent nothing
	 * past the request: such bytes are read and gone, so the next
	 * request could not be framed.
	 */
	c->keep = (g->flags & FCGI_KEEP_CONN) && used == (size_t)n;
	if (g->refuse == 431)
		c->refuse_reason = "request parameters larger than 32 KiB";
	else if (g->refuse == 413)
		c->refuse_reason = "request body larger than 32 KiB";
	c->refuse_status = g->refuse;
	fcgi_guard_strings(g);
	return 0;
drop:
	log_info("dropped a FastCGI connection: %s", why);
	fcgi_count_drop(c, STAT_REJ_MALFORMED);
	return -1;
}

/*
 * After a failed accept(2): logs the first of a burst (the rest of it
 * only counts) and backs off, longer the more failures in a row, so
 * that a lasting error never spins. Returns 0, or -1 if the error is
 * not one to retry.
 */
static atomic_int fcgi_accept_burst; /* failures since the last accept */

static int
fcgi_accept_failed(struct fcgi_conn *c, int err)
{
	int ms;

	switch (err) {
	case EAGAIN: /* another thread took it */
	case EINTR:
	case ECONNABORTED:
		return 0;
	/*
	 * accept(2): network errors pending on the new connection, to be
	 * treated like EAGAIN; EPERM: a firewall rule refused it.
	 */
	case ENETDOWN:
	case EPROTO:
	case ENOPROTOOPT:
	case EHOSTDOWN:
	case ENONET:
	case EHOSTUNREACH:
	case EOPNOTSUPP:
	case ENETUNREACH:
	case EPERM:
	case ETIMEDOUT:
	case ECONNRESET:
		ms = c->accept_errors == 0 ? 0 : 1 << (c->accept_errors - 1);
		break;
	/* Out of descriptors or memory: let them free up. */
	case EMFILE:
	case ENFILE:
	case ENOBUFS:
	case ENOMEM:
		ms = DL_ACCEPT_POLL_MS;
		break;
	default:
		return -1;
	}
	if (atomic_fetch_add(&fcgi_accept_burst, 1) == 0) {
		errno = err;
		log_warn("accept on the FastCGI socket (retrying)");
	}
	if (c->accept_errors < FCGI_ACCEPT_ERRORS_MAX)
		c->accept_errors++;
	if (ms > FCGI_ACCEPT_BACKOFF_MAX_MS && ms != DL_ACCEPT_POLL_MS)
		ms = FCGI_ACCEPT_BACKOFF_MAX_MS;
	if (ms > 0)
		poll(NULL, 0, ms);
	return 0;
}

/* After a successful accept(2): the end of a burst of failures. */
static void
fcgi_accept_ok(struct fcgi_conn *c)
{
	int n;

	c->accept_errors = 0;
	if (atomic_load_explicit(&fcgi_accept_burst, memory_order_relaxed) >
		0 &&
	    (n = atomic_exchange(&fcgi_accept_burst, 0)) > 0)
		log_info("accept on the FastCGI socket works again after %d "
			 "failures",
		    n);
}

/*
 * One non-blocking accept4(2) on listen_fd, the peer vetted, the send
 * buffer set. Returns the connection, or -1 (nothing to serve: EAGAIN,
 * a refused peer, a transient error after its back-off; errno is 0
 * then) with errno set for an error of the listen socket.
 */
static int
fcgi_accept_one(struct fcgi_conn *c, int listen_fd, const struct dl_config *cfg)
{
	struct sockaddr_storage sa;
	socklen_t salen = sizeof(sa);
	char who[64];
	int fd, sndbuf;

	fd = accept4(listen_fd, (struct sockaddr *)&sa, &salen,
	    SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd == -1) {
		if (fcgi_accept_failed(c, errno) == 0)
			errno = 0;
		return -1;
	}
	fcgi_accept_ok(c);
	if (!peer_allowed(cfg->allowed_peers, cfg->nallowed_peers,
		(struct sockaddr *)&sa)) {
		peer_format((struct sockaddr *)&sa, who, sizeof(who));
		log_warnx("refused a FastCGI connection from %s: not in "
			  "allowed_peers",
		    who);
		fcgi_count_drop(c, STAT_REJ_PEER);
		close(fd);
		errno = 0;
		return -1;
	}
	/* Every write goes out non-blocking, with poll(2) for send_timeout. */
	sndbuf = cfg->send_buffer;
	c->tuned = 0;
	if (sndbuf == DL_SEND_BUFFER_AUTO) {
		/* unix: tuned from DL_SEND_BUFFER_LOW; TCP: the kernel's */
		c->listen_unix = sa.ss_family == AF_UNIX;
		c->tuned = c->listen_unix;
		sndbuf = c->tuned ? DL_SEND_BUFFER_LOW : 0;
	}
	fcgi_set_send_buffer(fd, sndbuf);
	c->served = 0;
	c->added = 0;
	return fd;
}

/* Reads the request on fd, c's now: 1 to serve it, 0 if dropped. */
static int
fcgi_begin(struct fcgi_conn *c, int fd, const struct dl_config *cfg)
{
	c->send_timeout_ms = cfg->send_timeout * 1000;
	if (c->tuned)
		sndbuf_start(&c->tune, DL_SEND_BUFFER_LOW, DL_SEND_BUFFER_UNIX,
		    scoreboard_now_ms(), c->sent);
	if (fcgi_read_request(c, fd, cfg->request_timeout) == -1) {
		close(fd);
		return 0;
	}
	c->fd = fd;
	return 1;
}

int
fcgi_accept_now(
    struct fcgi_conn *c, struct fcgi_park *park, const struct dl_config *cfg)
{
	int fd;

	c->park = park;
	if ((fd = fcgi_accept_one(c, park->listen_fd, cfg)) == -1)
		return errno == 0 ? 0 : -1;
	return fcgi_begin(c, fd, cfg);
}

/* 1 if listen_fd is a unix socket, else 0 (a thread learns it once). */
static int
fcgi_listen_unix(int listen_fd)
{
	socklen_t len = sizeof(int);
	int domain;

	return getsockopt(listen_fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) ==
	    0 &&
	    domain == AF_UNIX;
}

int
fcgi_take_parked(struct fcgi_conn *c, struct fcgi_park *park, int fd,
    unsigned served, const struct dl_config *cfg)
{
	c->park = park;
	c->served = served;
	c->added = 1; /* in the park's set, disarmed */
	/* Parked at DL_SEND_BUFFER_LOW if tuned (fcgi_finish). */
	if (cfg->send_buffer == DL_SEND_BUFFER_AUTO && c->listen_unix == -1)
		c->listen_unix = fcgi_listen_unix(park->listen_fd);
	c->tuned =
	    cfg->send_buffer == DL_SEND_BUFFER_AUTO && c->listen_unix == 1;
	return fcgi_begin(c, fd, cfg);
}

int
fcgi_next(struct fcgi_conn *c, struct fcgi_park *park, const atomic_bool *stop,
    const struct dl_config *cfg)
{
	unsigned served;
	int fd, rc;

	if (atomic_load(stop))
		return 0;
	if ((rc = fcgi_park_wait(park, -1, &fd, &served)) <= 0)
		return rc;
	if (atomic_load(stop)) {
		/* Stopping: a kept connection's next request goes elsewhere
		 * (the web server retries a kept connection that closed);
		 * the listen socket stays disarmed: other workers take it. */
		if (fd != -1)
			close(fd);
		return 0;
	}
	if (fd != -1)
		return fcgi_take_parked(c, park, fd, served, cfg);
	c->park = park;
	fd = fcgi_accept_one(c, park->listen_fd, cfg);
	rc = errno;
	if (fcgi_park_rearm(park) == -1) {
		if (fd != -1)
			close(fd);
		return -1;
	}
	if (fd == -1) {
		errno = rc;
		return rc == 0 ? 0 : -1;
	}
	return fcgi_begin(c, fd, cfg);
}

const char *
fcgi_param(const struct fcgi_conn *c, const char *name)
{
	return fcgi_guard_param(&c->guard, name);
}

/* FastCGI v1.0 §3.3: the 8-byte header of a STDOUT record of n bytes. */
static void
fcgi_stdout_header(const struct fcgi_conn *c, size_t n, unsigned char *hdr)
{
	hdr[0] = FCGI_VERSION_1;
	hdr[1] = FCGI_TYPE_STDOUT;
	hdr[2] = (unsigned char)(c->id >> 8);
	hdr[3] = (unsigned char)c->id;
	hdr[4] = (unsigned char)(n >> 8);
	hdr[5] = (unsigned char)n;
	hdr[6] = 0; /* no padding */
	hdr[7] = 0;
}

/*
 * iovecs of one writev(2) in fcgi_out(): what is held, one record of
 * the caller's bytes (a 64 KiB step is two records, and a second
 * writev costs nothing next to the copy), the tail.
 */
#define FCGI_IOV_MAX (2 * FCGI_HELD_MAX + 2 + 1)

/*
 * Writes iov[0..n) whole, non-blocking with poll for send_timeout,
 * advancing over short writes. Returns 0, or -1 with errno set.
 */
static int
fcgi_writev_all(struct fcgi_conn *c, struct iovec *iov, int n)
{
	ssize_t w;
	size_t k;

	while (n > 0) {
		if ((w = fcgi_progress(c, writev(c->fd, iov, n))) == -1)
			return -1;
		for (k = (size_t)w; n > 0 && k >= iov->iov_len; n--, iov++)
			k -= iov->iov_len;
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + k;
			iov->iov_len -= k;
		}
	}
	return 0;
}

/*
 * Sends what fcgi_hold() kept back, then len bytes of buf as STDOUT
 * records, then tail_len raw bytes of tail (whole records of our own):
 * one writev(2) per record, the held bytes with the first and the tail
 * with the last, so a small response is one call. Returns 0, or -1
 * with errno set.
 */
static int
fcgi_out(struct fcgi_conn *c, const char *buf, size_t len,
    const unsigned char *tail, size_t tail_len)
{
	unsigned char hdr[FCGI_HELD_MAX + 1][FCGI_HEADER_LEN];
	struct iovec iov[FCGI_IOV_MAX];
	int i, n, h;
	size_t k;

	do {
		n = h = 0;
		for (i = 0; i < c->nheld; i++) {
			fcgi_stdout_header(c, c->held_len[i], hdr[h]);
			iov[n++] = (struct iovec){hdr[h++], FCGI_HEADER_LEN};
			iov[n++] =
			    (struct iovec){(void *)c->held[i], c->held_len[i]};
		}
		c->nheld = 0;
		if (len > 0) {
			k = len < DL_FCGI_RECORD_PAYLOAD
			    ? len
			    : DL_FCGI_RECORD_PAYLOAD;
			fcgi_stdout_header(c, k, hdr[h]);
			iov[n++] = (struct iovec){hdr[h++], FCGI_HEADER_LEN};
			iov[n++] = (struct iovec){(void *)buf, k};
			buf += k;
			len -= k;
		}
		if (len == 0 && tail_len > 0)
			iov[n++] = (struct iovec){(void *)tail, tail_len};
		if (fcgi_writev_all(c, iov, n) == -1)
			return -1;
	} while (len > 0);
	return 0;
}

int
fcgi_write(struct fcgi_conn *c, const void *buf, size_t len)
{
	return fcgi_out(c, buf, len, NULL, 0);
}

int
fcgi_hold(struct fcgi_conn *c, const void *buf, size_t len)
{
	size_t now;

	if (len == 0)
		return 0;
	if (c->nheld == FCGI_HELD_MAX)
		return fcgi_out(c, buf, len, NULL, 0);
	/* longer than a record: all but the last record goes now */
	if (len > DL_FCGI_RECORD_PAYLOAD) {
		now = len - DL_FCGI_RECORD_PAYLOAD;
		if (fcgi_out(c, buf, now, NULL, 0) == -1)
			return -1;
		buf = (const char *)buf + now;
		len = DL_FCGI_RECORD_PAYLOAD;
	}
	c->held[c->nheld] = buf;
	c->held_len[c->nheld++] = len;
	return 0;
}

int
fcgi_sendfile(struct fcgi_conn *c, int fd, off_t off, size_t len)
{
	unsigned char hdr[8];
	size_t n, done;
	ssize_t w;

	while (len > 0) {
		n = len < DL_FCGI_RECORD_PAYLOAD ? len : DL_FCGI_RECORD_PAYLOAD;
		fcgi_stdout_header(c, n, hdr);
		/* the record header, after what is held: one writev */
		if (fcgi_out(c, NULL, 0, hdr, sizeof(hdr)) == -1)
			return -1;
		for (done = 0; done < n; done += (size_t)w) {
			w = sendfile(c->fd, fd, &off, n - done);
			if (w == 0) {
				/* The file ended early: it shrank. */
				errno = ENODATA;
				return -1;
			}
			if ((w = fcgi_progress(c, w)) == -1)
				return -1;
		}
		len -= n;
	}
	return 0;
}

size_t
fcgi_sendfile_step(size_t buffer_size)
{
	size_t n =
	    (buffer_size + DL_FCGI_RECORD_PAYLOAD - 1) / DL_FCGI_RECORD_PAYLOAD;

	return (n > 0 ? n : 1) * DL_FCGI_RECORD_PAYLOAD;
}

/* Ends the request's state; returns the socket. */
static int
fcgi_release(struct fcgi_conn *c)
{
	int fd = c->fd;

	c->nheld = 0; /* an abort drops what was held */
	c->refuse_status = 0;
	c->refuse_reason = NULL;
	c->fd = -1;
	return fd;
}

/* A connection that carried kept requests ends: say so, for the count. */
static void
fcgi_conn_ended(const struct fcgi_conn *c, const char *why)
{
	if (c->served > 1 || c->keep)
		log_info("FastCGI connection ended after %u requests: %s",
		    c->served, why);
}

int
fcgi_end(struct fcgi_conn *c)
{
	/* FastCGI v1.0 §5.3, §5.5: end of STDOUT, then END_REQUEST. */
	unsigned char end[3 * FCGI_HEADER_LEN] = {FCGI_VERSION_1,
	    FCGI_TYPE_STDOUT, 0, 0, 0, 0, 0, 0, FCGI_VERSION_1,
	    FCGI_TYPE_END_REQUEST, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, /* appStatus */
	    0, /* FCGI_REQUEST_COMPLETE */
	    0, 0, 0};

	end[2] = end[FCGI_HEADER_LEN + 2] = (unsigned char)(c->id >> 8);
	end[3] = end[FCGI_HEADER_LEN + 3] = (unsigned char)c->id;
	/* after what is held: a small response's one writev */
	return fcgi_out(c, NULL, 0, end, sizeof(end));
}

void
fcgi_finish(struct fcgi_conn *c)
{
	int fd, keep = c->keep, low = DL_SEND_BUFFER_LOW;

	fd = fcgi_release(c);
	/* Parked tuned connections sit at the low buffer (fcgi_next). */
	if (keep && c->tuned && c->tune.cur != low &&
	    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &low, sizeof(low)) == -1) {
		log_warn("setsockopt SO_SNDBUF %d (not kept)", low);
		keep = 0;
	}
	/* FCGI_KEEP_CONN: the connection waits for its next request. */
	if (keep && c->park != NULL &&
	    fcgi_park_put(c->park, fd, c->served, &c->added) == 0)
		return;
	shutdown(fd, SHUT_WR);
	fcgi_conn_ended(c,
	    !c->keep ? "not to be kept"
		     : "not parked (keepalive_max, or stopping)");
	close(fd);
}

void
fcgi_abort(struct fcgi_conn *c)
{
	fcgi_conn_ended(c, "response aborted");
	close(fcgi_release(c));
}
