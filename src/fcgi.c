/*
 * libfcgi glue. libfcgi 2.4 parses records well enough but accepts
 * blocking, closes with a drain of up to 2 s, and copies output through
 * an 8 KiB buffer; so dlfcgi owns the socket's life and uses libfcgi
 * only to parse the request. This is the one file that touches
 * FCGX_Request's ipcFd and keepConnection (stable since libfcgi 2.4.0).
 */
#include "autoconfig.h"

#include <sys/epoll.h>
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

#include <fcgiapp.h>

#include "fcgi.h"
#include "fcgi_guard.h"
#include "peer.h"
#include "limits.h"
#include "log.h"

/* FastCGI v1.0 §8: record header and types. */
#define FCGI_VERSION_1 1
#define FCGI_TYPE_STDOUT 6

int
fcgi_global_init(void)
{
	return FCGX_Init() == 0 ? 0 : -1;
}

void
fcgi_conn_init(struct fcgi_conn *c)
{
	memset(c, 0, sizeof(*c));
	/* No listen socket: libfcgi must never accept on its own. */
	FCGX_InitRequest(&c->req, -1, 0);
	c->fd = -1;
	c->epfd = -1;
}

void
fcgi_conn_destroy(struct fcgi_conn *c)
{
	if (c->epfd != -1)
		close(c->epfd);
	c->epfd = -1;
}

/*
 * Waits up to DL_ACCEPT_POLL_MS for a connection. Each thread waits in
 * its own epoll set with EPOLLEXCLUSIVE, so a connection wakes one idle
 * thread of the pool, not all of them (poll(2) on a shared listen
 * socket wakes every waiter: with 64 threads on 2 cores that halved
 * the small-file request rate). Returns 1 if one may be pending, 0
 * after the timeout, -1 on error.
 */
static int
fcgi_wait(struct fcgi_conn *c, int listen_fd)
{
	struct epoll_event ev = {.events = EPOLLIN | EPOLLEXCLUSIVE};
	struct pollfd pfd = {.fd = listen_fd, .events = POLLIN};
	int rc;

	if (c->epfd == -1 && (c->epfd = epoll_create1(EPOLL_CLOEXEC)) != -1 &&
	    epoll_ctl(c->epfd, EPOLL_CTL_ADD, listen_fd, &ev) == -1) {
		close(c->epfd);
		c->epfd = -1;
	}
	if (c->epfd != -1)
		rc = epoll_wait(c->epfd, &ev, 1, DL_ACCEPT_POLL_MS);
	else
		rc = poll(&pfd, 1, DL_ACCEPT_POLL_MS);
	if (rc == -1)
		return errno == EINTR ? 0 : -1;
	return rc > 0;
}

/* Reads FCGI_STDIN to its end (the guard bounded it). */
static int
fcgi_drain_stdin(struct fcgi_conn *c)
{
	char sink[1024];

	while (FCGX_GetStr(sink, sizeof(sink), c->req.in) > 0)
		;
	return FCGX_GetError(c->req.in) == 0 ? 0 : -1;
}

/* write(2) all of buf, retrying EINTR and short writes. */
static int
fcgi_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t w;

	while (len > 0) {
		w = write(fd, p, len);
		if (w == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/*
 * Waits until the socket takes more bytes, for at most send_timeout.
 * Returns 0, or -1 with errno set (ETIMEDOUT when the time ran out).
 */
static int
fcgi_wait_writable(const struct fcgi_conn *c)
{
	struct pollfd pfd = {.fd = c->fd, .events = POLLOUT};
	int rc;

	while ((rc = poll(&pfd, 1, c->send_timeout_ms)) == -1 && errno == EINTR)
		;
	if (rc == 0)
		errno = ETIMEDOUT;
	/* POLLERR or POLLHUP: the next write reports the error. */
	return rc > 0 ? 0 : -1;
}

/*
 * The outcome of one non-blocking write on the socket: the bytes
 * written (w >= 0), 0 after EINTR or after waiting for room (EAGAIN),
 * or -1 with errno set.
 */
static ssize_t
fcgi_progress(const struct fcgi_conn *c, ssize_t w)
{
	if (w >= 0)
		return w;
	if (errno == EINTR)
		return 0;
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		return fcgi_wait_writable(c) == -1 ? -1 : 0;
	return -1;
}

static void
fcgi_set_timeout(int fd, int opt, int seconds)
{
	struct timeval tv = {.tv_sec = seconds, .tv_usec = 0};

	if (setsockopt(fd, SOL_SOCKET, opt, &tv, sizeof(tv)) == -1)
		log_warn("setsockopt %s",
		    opt == SO_RCVTIMEO ? "SO_RCVTIMEO" : "SO_SNDTIMEO");
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

/*
 * Reads the whole request (up to the end of FCGI_STDIN) into buf within
 * request_timeout seconds, checking its framing with fcgi_guard_scan()
 * as it arrives, then lets libfcgi parse it from a pipe that holds just
 * those bytes: libfcgi never reads from the peer, so it can neither
 * block on it nor see a record the guard did not accept. Returns 0 with
 * c->req ready, or -1 (logged) if the peer is to be dropped.
 */
static int
fcgi_read_request(struct fcgi_conn *c, int fd, unsigned char *buf,
    size_t buflen, int request_timeout)
{
	struct timespec now, end;
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	enum fcgi_guard_result r = FCGI_GUARD_MORE;
	const char *why = "timed out (request_timeout)";
	size_t have = 0, used = 0;
	size_t cap = buflen < DL_REQUEST_MAX ? buflen : DL_REQUEST_MAX;
	ssize_t n;
	long ms;
	int p[2], rc;

	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += request_timeout;
	while (r == FCGI_GUARD_MORE) {
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
		n = recv(fd, buf + have, cap - have, MSG_DONTWAIT);
		if (n == -1) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			why = "read failed";
			goto drop;
		}
		if (n == 0) {
			if (have == 0)
				return -1; /* a probe: connect and close */
			why = "connection closed inside the request";
			goto drop;
		}
		have += (size_t)n;
		r = fcgi_guard_scan(buf, have, cap, &used, &why);
	}
	if (r == FCGI_GUARD_REJECT)
		goto drop;

	/* used <= DL_REQUEST_MAX < a pipe's 64 KiB: the write cannot block. */
	if (pipe2(p, O_CLOEXEC) == -1) {
		log_warn("pipe2");
		return -1;
	}
	if (fcgi_write_all(p[1], buf, used) == -1) {
		log_warn("write to pipe");
		close(p[0]);
		close(p[1]);
		return -1;
	}
	close(p[1]);
	/*
	 * With keepConnection set, the FCGX_Finish_r() that starts
	 * FCGX_Accept_r() leaves ipcFd open, and since ipcFd >= 0 it reads
	 * the request from it instead of accepting.
	 */
	c->req.ipcFd = p[0];
	c->req.keepConnection = 1;
	if (FCGX_Accept_r(&c->req) != 0 || fcgi_drain_stdin(c) == -1) {
		/* cannot happen for input the guard accepted */
		log_warnx("libfcgi refused a request the guard accepted");
		if (c->req.ipcFd >= 0)
			close(c->req.ipcFd);
		c->req.ipcFd = -1;
		FCGX_Free(&c->req, 0);
		return -1;
	}
	close(p[0]);
	c->req.ipcFd = fd;
	return 0;
drop:
	log_info("dropped a FastCGI connection: %s", why);
	return -1;
}

int
fcgi_accept(struct fcgi_conn *c, int listen_fd,
    const volatile sig_atomic_t *stop, const struct dl_config *cfg,
    unsigned char *buf, size_t buflen)
{
	struct sockaddr_storage sa;
	socklen_t salen;
	char who[64];
	int fd, rc, sndbuf;

	if (*stop)
		return 0;
	/*
	 * Accept also after a quiet wait: EPOLLEXCLUSIVE wakes one thread,
	 * and if that one was stopping (reload, TERM) the wake-up is gone;
	 * a non-blocking accept every DL_ACCEPT_POLL_MS picks up such a
	 * connection (EAGAIN otherwise).
	 */
	if ((rc = fcgi_wait(c, listen_fd)) == -1)
		return -1;
	if (*stop)
		return 0;
	salen = sizeof(sa);
	fd = accept4(listen_fd, (struct sockaddr *)&sa, &salen,
	    SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd == -1) {
		switch (errno) {
		case EAGAIN: /* another thread took it */
		case EINTR:
		case ECONNABORTED:
		case EPROTO:
		case ENETDOWN:
		case EHOSTUNREACH:
		case ENETUNREACH:
			return 0;
		case EMFILE:
		case ENFILE:
		case ENOBUFS:
		case ENOMEM:
			log_warn("accept");
			/* Let descriptors free up instead of spinning. */
			poll(NULL, 0, DL_ACCEPT_POLL_MS);
			return 0;
		default:
			return -1;
		}
	}
	if (!peer_allowed(cfg->allowed_peers, cfg->nallowed_peers,
		(struct sockaddr *)&sa)) {
		peer_format((struct sockaddr *)&sa, who, sizeof(who));
		log_warnx("refused a FastCGI connection from %s: not in "
			  "allowed_peers",
		    who);
		close(fd);
		return 0;
	}
	/*
	 * The body goes out with non-blocking writes and poll(2) for
	 * send_timeout; SO_SNDTIMEO bounds libfcgi's closing records,
	 * written after the socket is made blocking again.
	 */
	fcgi_set_timeout(fd, SO_SNDTIMEO, cfg->send_timeout);
	sndbuf = cfg->send_buffer;
	if (sndbuf == DL_SEND_BUFFER_AUTO) /* TCP: the kernel's sizing */
		sndbuf = sa.ss_family == AF_UNIX ? DL_SEND_BUFFER_UNIX : 0;
	fcgi_set_send_buffer(fd, sndbuf);
	c->send_timeout_ms = cfg->send_timeout * 1000;
	if (fcgi_read_request(c, fd, buf, buflen, cfg->request_timeout) == -1) {
		close(fd);
		return 0;
	}
	c->fd = fd;
	return 1;
}

const char *
fcgi_param(const struct fcgi_conn *c, const char *name)
{
	return FCGX_GetParam(name, c->req.envp);
}

/* FastCGI v1.0 §3.3: the 8-byte header of a STDOUT record of n bytes. */
static void
fcgi_stdout_header(const struct fcgi_conn *c, size_t n, unsigned char *hdr)
{
	hdr[0] = FCGI_VERSION_1;
	hdr[1] = FCGI_TYPE_STDOUT;
	hdr[2] = (unsigned char)(c->req.requestId >> 8);
	hdr[3] = (unsigned char)c->req.requestId;
	hdr[4] = (unsigned char)(n >> 8);
	hdr[5] = (unsigned char)n;
	hdr[6] = 0; /* no padding */
	hdr[7] = 0;
}

int
fcgi_write(struct fcgi_conn *c, const void *buf, size_t len)
{
	const char *p = buf;
	unsigned char hdr[8];
	struct iovec iov[2];
	size_t n, off;
	ssize_t w;

	while (len > 0) {
		n = len < DL_FCGI_RECORD_PAYLOAD ? len : DL_FCGI_RECORD_PAYLOAD;
		fcgi_stdout_header(c, n, hdr);
		for (off = 0; off < sizeof(hdr) + n; off += (size_t)w) {
			if (off < sizeof(hdr)) {
				iov[0].iov_base = hdr + off;
				iov[0].iov_len = sizeof(hdr) - off;
				iov[1].iov_base = (void *)p;
				iov[1].iov_len = n;
				w = writev(c->fd, iov, 2);
			} else
				w = write(c->fd, p + (off - sizeof(hdr)),
				    n - (off - sizeof(hdr)));
			if ((w = fcgi_progress(c, w)) == -1)
				return -1;
		}
		p += n;
		len -= n;
	}
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
		for (done = 0; done < sizeof(hdr); done += (size_t)w)
			if ((w = fcgi_progress(c,
				 write(c->fd, hdr + done,
				     sizeof(hdr) - done))) == -1)
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

/* Takes the socket back from libfcgi and frees its request state. */
static int
fcgi_release(struct fcgi_conn *c)
{
	int fd = c->fd;

	c->req.ipcFd = -1;
	FCGX_Free(&c->req, 1); /* ipcFd -1: frees, closes nothing */
	c->fd = -1;
	return fd;
}

int
fcgi_finish(struct fcgi_conn *c)
{
	int fd, fl, rc = 0;

	/*
	 * libfcgi writes the closing records: blocking, bounded by
	 * SO_SNDTIMEO. If that cannot be set up, no END_REQUEST goes out.
	 * stderr first: its close only counts writers down.
	 */
	if ((fl = fcntl(c->fd, F_GETFL)) == -1 ||
	    fcntl(c->fd, F_SETFL, fl & ~O_NONBLOCK) == -1 ||
	    FCGX_FClose(c->req.err) != 0 || FCGX_FClose(c->req.out) != 0)
		rc = -1;
	fd = fcgi_release(c);
	if (rc == 0)
		shutdown(fd, SHUT_WR);
	close(fd);
	return rc;
}

void
fcgi_abort(struct fcgi_conn *c)
{
	close(fcgi_release(c));
}
