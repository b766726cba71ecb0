/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * The STDOUT record writers: fcgi_write, fcgi_sendfile and
 * fcgi_sendfile_step. A writer gets one end of a connected pair,
 * non-blocking like the sockets fcgi_accept() hands out; a reader thread
 * drains the other end, and the test parses what arrived.
 *
 * - Step: fcgi_sendfile_step rounds up to whole records.
 * - Framing: STDOUT records of the request, none empty, none padded, all
 *   but the last of DL_FCGI_RECORD_PAYLOAD bytes, payloads = the input.
 * - Identity: fcgi_sendfile from a file and fcgi_write of the same bytes
 *   put the same bytes on the wire, headers included.
 * - Pressure: a tiny send buffer and a slow reader (short writes, EAGAIN,
 *   poll) on a socketpair and on TCP loopback; send_timeout bounds one
 *   stall, not the whole transfer.
 * - Short: write(2), writev(2) and sendfile(2) wrapped (-Wl,--wrap in
 *   Makefile.am, for check_fcgi_io alone) to fail with EINTR and EAGAIN
 *   and to take a few bytes at a time, so that headers and payloads are
 *   split at every offset, which a real socket hardly ever does.
 * - Errors: a reader that never reads (ETIMEDOUT), a peer that closed
 *   before or during the transfer (EPIPE, ECONNRESET), a file that
 *   shrank (ENODATA, and nothing but the file's bytes sent).
 */
#include "autoconfig.h"

#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check_suites.h"
#include "check_util.h"
#include "fcgi.h"
#include "bounds.h"

#define REC ((size_t)DL_FCGI_RECORD_PAYLOAD)
#define HDR ((size_t)8)
#define ID 0x1234
#define MIB ((size_t)1024 * 1024)

/* The reader's longest wait for one read(2): a hung writer ends it. */
#define READ_TIMEOUT_S 10
/* Reads of the slow reader followed by a pause of PAUSE_NS. */
#define PAUSE_NS 1000000L
#define PAUSES_MAX 2000
/* Bytes the reader asks for per read(2) when it is not slow. */
#define CHUNK_MAX 65536

enum { UNIX_PAIR, TCP_LOOP };
enum { BY_WRITE, BY_SENDFILE };

static const char *const how_name[] = {"fcgi_write", "fcgi_sendfile"};
static const char *const kind_name[] = {"socketpair", "tcp"};

/* Lengths of the framing and identity tests. */
static const size_t lens[] = {0, 1, 8, 4095, 4096, REC - 1, REC, REC + 1, 65535,
    65536, 2 * REC, 2 * REC + 1, MIB + 17};
/* File offsets of the identity test. */
static const off_t offs[] = {0, 1, 4096, 12345};

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Bytes of a check_rand stream: no period that could line up with a
 * record, so a payload sent twice or from the wrong offset shows.
 */
static unsigned char *
mkdata(size_t n, uint32_t seed)
{
	unsigned char *b = malloc(n > 0 ? n : 1);
	uint64_t x = seed | 1;
	size_t i;

	ck_assert_ptr_nonnull(b);
	for (i = 0; i < n; i++)
		b[i] = (unsigned char)(check_rand(&x) >> 56);
	return b;
}

/* Records and wire bytes of a response of len bytes. */
static size_t
nrecords(size_t len)
{
	return (len + REC - 1) / REC;
}

static size_t
wire_size(size_t len)
{
	return len + HDR * nrecords(len);
}

/* In the test's process: a write to a closed peer raises SIGPIPE. */
static void
sig_setup(void)
{
	signal(SIGPIPE, SIG_IGN);
}

struct file {
	char path[128];
	int fd;
};

/* A file in check_case_dir holding the n bytes of data. */
static void
file_make(struct file *f, const unsigned char *data, size_t n)
{
	size_t done;
	ssize_t w;

	snprintf(f->path, sizeof(f->path), "%s/f-XXXXXX", check_case_dir);
	f->fd = mkstemp(f->path);
	ck_assert_int_ge(f->fd, 0);
	for (done = 0; done < n; done += (size_t)w) {
		w = write(f->fd, data + done, n - done);
		ck_assert_int_gt(w, 0);
	}
}

static void
file_free(struct file *f)
{
	ck_assert_int_eq(close(f->fd), 0);
	ck_assert_int_eq(unlink(f->path), 0);
	f->fd = -1;
}

/*
 * The end of a test: the file (if any) and data freed, and no
 * descriptor left open that was not open at the start (fds).
 */
static void
test_end(struct file *f, unsigned char *data, int fds)
{
	if (f != NULL && f->fd != -1)
		file_free(f);
	free(data);
	ck_assert_int_eq(check_open_fds(), fds);
}

/* One call of the writer under test: fcgi_write or fcgi_sendfile. */
static int
send_by(int how, struct fcgi_conn *c, const unsigned char *data, int filefd,
    size_t len)
{
	return how == BY_WRITE ? fcgi_write(c, data, len)
			       : fcgi_sendfile(c, filefd, 0, len);
}

static void
set_buf(int fd, int opt, int bytes)
{
	ck_assert_int_eq(
	    setsockopt(fd, SOL_SOCKET, opt, &bytes, sizeof(bytes)), 0);
}

/*
 * A connected pair: sv[0] the writer's end, non-blocking like the
 * connections fcgi_accept() hands out (for TCP, the accepted end);
 * sv[1] the reader's, blocking, each read bounded by READ_TIMEOUT_S.
 */
static void
mkpair(int kind, int sv[2])
{
	struct timeval tv = {.tv_sec = READ_TIMEOUT_S, .tv_usec = 0};
	struct sockaddr_in sa;
	socklen_t slen = sizeof(sa);
	int l, fl;

	if (kind == UNIX_PAIR) {
		ck_assert_int_eq(
		    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
		fl = fcntl(sv[0], F_GETFL);
		ck_assert_int_ne(fl, -1);
		ck_assert_int_eq(fcntl(sv[0], F_SETFL, fl | O_NONBLOCK), 0);
	} else {
		l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		ck_assert_int_ge(l, 0);
		memset(&sa, 0, sizeof(sa));
		sa.sin_family = AF_INET;
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		ck_assert_int_eq(
		    bind(l, (struct sockaddr *)&sa, sizeof(sa)), 0);
		ck_assert_int_eq(listen(l, 1), 0);
		ck_assert_int_eq(
		    getsockname(l, (struct sockaddr *)&sa, &slen), 0);
		sv[1] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		ck_assert_int_ge(sv[1], 0);
		ck_assert_int_eq(
		    connect(sv[1], (struct sockaddr *)&sa, sizeof(sa)), 0);
		sv[0] = accept4(l, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		ck_assert_int_ge(sv[0], 0);
		close(l);
	}
	ck_assert_int_eq(
	    setsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
}

static void
conn_init(struct fcgi_conn *c, int fd, int timeout_ms)
{
	fcgi_conn_init(c);
	c->fd = fd;
	c->id = ID;
	c->send_timeout_ms = timeout_ms;
}

/*
 * The wrappers: calls on any descriptor but short_fd go through as they
 * are. On short_fd each call takes the next entry of the script, from
 * short_step on: fail with EINTR or EAGAIN (the socket has room, so the
 * writer's poll returns at once), or move at most that many bytes.
 */
ssize_t __real_write(int fd, const void *buf, size_t len);
ssize_t __wrap_write(int fd, const void *buf, size_t len);
ssize_t __real_writev(int fd, const struct iovec *iov, int iovcnt);
ssize_t __wrap_writev(int fd, const struct iovec *iov, int iovcnt);
ssize_t __real_sendfile(int out, int in, off_t *off, size_t len);
ssize_t __wrap_sendfile(int out, int in, off_t *off, size_t len);

#define S_EINTR ((size_t)0)
#define S_EAGAIN ((size_t)-1)
#define S_ALL ((size_t)-2)

static const size_t script[] = {1, S_EINTR, 2, 3, S_EAGAIN, 5, 7, 1, 8, 9,
    S_ALL, 6, 4, 4097, S_EINTR, 1, S_ALL, 13};

static int short_fd = -1;
static size_t short_step;
/* Calls that failed on purpose, and that moved fewer bytes than asked. */
static size_t short_fails, short_cuts;

/* How many of len bytes the call may move, or 0 after failing it. */
static size_t
short_cap(size_t len)
{
	size_t s = script[short_step++ % (size_t)NELEM(script)];

	if (s == S_EINTR || s == S_EAGAIN) {
		short_fails++;
		errno = s == S_EINTR ? EINTR : EAGAIN;
		return 0;
	}
	if (s == S_ALL || s >= len)
		return len;
	short_cuts++;
	return s;
}

ssize_t
__wrap_write(int fd, const void *buf, size_t len)
{
	if (fd != short_fd || len == 0)
		return __real_write(fd, buf, len);
	if ((len = short_cap(len)) == 0)
		return -1;
	return __real_write(fd, buf, len);
}

ssize_t
__wrap_writev(int fd, const struct iovec *iov, int iovcnt)
{
	struct iovec cut[8];
	size_t len = 0, cap;
	int i, n;

	for (i = 0; i < iovcnt; i++)
		len += iov[i].iov_len;
	if (fd != short_fd || len == 0 || iovcnt > NELEM(cut))
		return __real_writev(fd, iov, iovcnt);
	if ((cap = short_cap(len)) == 0)
		return -1;
	for (n = 0; n < iovcnt && cap > 0; n++) {
		cut[n] = iov[n];
		if (cut[n].iov_len > cap)
			cut[n].iov_len = cap;
		cap -= cut[n].iov_len;
	}
	return __real_writev(fd, cut, n);
}

ssize_t
__wrap_sendfile(int out, int in, off_t *off, size_t len)
{
	if (out != short_fd || len == 0)
		return __real_sendfile(out, in, off, len);
	if ((len = short_cap(len)) == 0)
		return -1;
	return __real_sendfile(out, in, off, len);
}

/*
 * The reader thread: reads until EOF (the writer closed its end), a
 * read error (READ_TIMEOUT_S included) or close_after bytes. It keeps
 * the first cap bytes and counts all of them; it asserts nothing, the
 * test does once it is joined.
 */
struct reader {
	int fd;		    /* closed by the reader if close_after */
	size_t chunk;	    /* bytes per read(2), at most CHUNK_MAX */
	int pauses;	    /* reads followed by a pause */
	size_t close_after; /* 0: never */
	unsigned char *buf; /* cap bytes */
	size_t cap, len;
	size_t total; /* bytes read, those past cap included */
	int err;      /* errno of a failed read, or 0 */
	pthread_t tid;
};

static void *
reader_main(void *arg)
{
	struct reader *r = arg;
	struct timespec nap = {.tv_sec = 0, .tv_nsec = PAUSE_NS};
	unsigned char sink[CHUNK_MAX];
	unsigned char *dst;
	size_t want;
	ssize_t n;
	int paused = 0;

	/* Each pass takes at least a byte: the writer's bytes bound it. */
	for (;;) {
		want = r->chunk;
		dst = sink;
		if (r->len < r->cap) {
			dst = r->buf + r->len;
			if (want > r->cap - r->len)
				want = r->cap - r->len;
		}
		n = read(r->fd, dst, want);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			r->err = errno;
			break;
		}
		if (n == 0)
			break;
		if (dst != sink)
			r->len += (size_t)n;
		r->total += (size_t)n;
		if (r->close_after > 0 && r->total >= r->close_after) {
			close(r->fd);
			r->fd = -1;
			break;
		}
		if (paused < r->pauses) {
			paused++;
			nanosleep(&nap, NULL);
		}
	}
	return NULL;
}

/* What a transfer is run with. */
struct xfer {
	int kind;	    /* UNIX_PAIR or TCP_LOOP */
	int how;	    /* BY_WRITE or BY_SENDFILE */
	int sndbuf;	    /* SO_SNDBUF of the writer, 0: the default */
	int rcvbuf;	    /* SO_RCVBUF of the reader, 0: the default */
	size_t chunk;	    /* the reader's bytes per read */
	int pauses;	    /* the reader's paused reads */
	size_t close_after; /* the reader closes after that many bytes */
	int timeout_ms;	    /* send_timeout_ms */
	bool short_calls;   /* the writer's calls follow the script */
};

/* What came of it. */
struct result {
	int rc, err; /* the writer's return value and errno */
	long ms;     /* the writer's time */
	int sndbuf;  /* SO_SNDBUF the writer got */
	struct reader r;
};

/*
 * Sends len bytes, data (fcgi_write) or those of filefd from off
 * (fcgi_sendfile), while the reader thread drains the other end; then
 * closes the writer's end, joins the reader and closes its end.
 */
static void
xfer_run(const struct xfer *x, const unsigned char *data, int filefd, off_t off,
    size_t len, struct result *res)
{
	struct fcgi_conn c;
	socklen_t slen = sizeof(res->sndbuf);
	int sv[2];
	long t0;

	memset(res, 0, sizeof(*res));
	mkpair(x->kind, sv);
	if (x->sndbuf > 0)
		set_buf(sv[0], SO_SNDBUF, x->sndbuf);
	if (x->rcvbuf > 0)
		set_buf(sv[1], SO_RCVBUF, x->rcvbuf);
	ck_assert_int_eq(
	    getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &res->sndbuf, &slen), 0);
	conn_init(&c, sv[0], x->timeout_ms);

	res->r.fd = sv[1];
	res->r.chunk = x->chunk;
	res->r.pauses = x->pauses;
	res->r.close_after = x->close_after;
	/* Room for more than is due: too many bytes must show. */
	res->r.cap = wire_size(len) + 2 * (HDR + REC);
	res->r.buf = malloc(res->r.cap);
	ck_assert_ptr_nonnull(res->r.buf);
	ck_assert_uint_le(x->chunk, CHUNK_MAX);
	ck_assert_int_eq(
	    pthread_create(&res->r.tid, NULL, reader_main, &res->r), 0);

	t0 = now_ms();
	if (x->short_calls)
		short_fd = sv[0];
	errno = 0;
	if (x->how == BY_WRITE)
		res->rc = fcgi_write(&c, data, len);
	else
		res->rc = fcgi_sendfile(&c, filefd, off, len);
	res->err = errno;
	short_fd = -1;
	res->ms = now_ms() - t0;

	/* EOF for the reader, which then ends. */
	fcgi_conn_destroy(&c);
	close(sv[0]);
	ck_assert_int_eq(pthread_join(res->r.tid, NULL), 0);
	if (res->r.fd != -1)
		close(res->r.fd);
	res->r.fd = -1;
}

static void
result_free(struct result *res)
{
	free(res->r.buf);
	res->r.buf = NULL;
}

/* The reader got everything without an error and kept all of it. */
static void
check_drained(const struct result *res, const char *what)
{
	ck_assert_msg(
	    res->r.err == 0, "%s: reader: %s", what, strerror(res->r.err));
	ck_assert_msg(res->r.total == res->r.len,
	    "%s: %zu bytes on the wire, more than the %zu due", what,
	    res->r.total, res->r.cap - 2 * (HDR + REC));
}

/*
 * w holds FCGI_STDOUT records of request ID carrying want (len bytes):
 * version 1, no padding, reserved 0, no empty record, every record but
 * the last of exactly REC bytes, and nothing after the last.
 */
static void
check_records(const unsigned char *w, size_t wlen, const unsigned char *want,
    size_t len, const char *what)
{
	const unsigned char *h;
	size_t pos = 0, got = 0, clen = REC;
	size_t i;

	/* Each pass moves pos by at least HDR + 1 or fails. */
	for (i = 0; pos < wlen; i++) {
		ck_assert_msg(wlen - pos >= HDR,
		    "%s: record %zu: %zu bytes left, less than a header", what,
		    i, wlen - pos);
		ck_assert_msg(clen == REC,
		    "%s: record %zu follows a short record of %zu bytes", what,
		    i, clen);
		h = w + pos;
		ck_assert_msg(
		    h[0] == 1, "%s: record %zu: version %u", what, i, h[0]);
		ck_assert_msg(h[1] == 6, "%s: record %zu: type %u, not STDOUT",
		    what, i, h[1]);
		ck_assert_msg((h[2] << 8 | h[3]) == ID,
		    "%s: record %zu: request id %#x", what, i,
		    h[2] << 8 | h[3]);
		ck_assert_msg(
		    h[6] == 0, "%s: record %zu: padding %u", what, i, h[6]);
		ck_assert_msg(
		    h[7] == 0, "%s: record %zu: reserved %u", what, i, h[7]);
		clen = (size_t)h[4] << 8 | h[5];
		ck_assert_msg(clen >= 1 && clen <= REC,
		    "%s: record %zu: contentLength %zu", what, i, clen);
		ck_assert_msg(wlen - pos - HDR >= clen,
		    "%s: record %zu: %zu of %zu bytes", what, i,
		    wlen - pos - HDR, clen);
		ck_assert_msg(got + clen <= len,
		    "%s: record %zu: payload past the %zu bytes sent", what, i,
		    len);
		ck_assert_msg(memcmp(h + HDR, want + got, clen) == 0,
		    "%s: record %zu: payload differs from bytes %zu..%zu", what,
		    i, got, got + clen);
		got += clen;
		pos += HDR + clen;
	}
	ck_assert_msg(got == len, "%s: %zu of %zu bytes", what, got, len);
	ck_assert_msg(i == nrecords(len), "%s: %zu records, not %zu", what, i,
	    nrecords(len));
}

/* The header of a STDOUT record of n bytes of request ID. */
static void
mkhdr(unsigned char *h, size_t n)
{
	h[0] = 1;
	h[1] = 6;
	h[2] = ID >> 8;
	h[3] = ID & 0xff;
	h[4] = (unsigned char)(n >> 8);
	h[5] = (unsigned char)n;
	h[6] = 0;
	h[7] = 0;
}

/* ---- Step ---- */

static const struct {
	size_t in, out;
} steps[] = {
    {1, REC}, {4096, REC}, {REC - 1, REC}, {REC, REC}, {REC + 1, 2 * REC},
    {65536, 2 * REC}, /* the documented example */
    {2 * REC, 2 * REC}, {1024 * 1024, 18 * REC},
    {16 * MIB, 274 * REC}, /* DL_BUFFER_SIZE_MAX: 273.07 records */
};

START_TEST(test_step)
{
	size_t got = fcgi_sendfile_step(steps[_i].in);

	ck_assert_msg(got == steps[_i].out, "step(%zu) = %zu, not %zu",
	    steps[_i].in, got, steps[_i].out);
}
END_TEST

/* Over every buffer_size the configuration accepts (sampled). */
START_TEST(test_step_range)
{
	size_t b, got;

	ck_assert_uint_eq(16 * MIB, DL_BUFFER_SIZE_MAX);
	for (b = DL_BUFFER_SIZE_MIN; b <= DL_BUFFER_SIZE_MAX; b += 997) {
		got = fcgi_sendfile_step(b);
		ck_assert_msg(got % REC == 0 && got >= b && got - b < REC,
		    "step(%zu) = %zu", b, got);
	}
}
END_TEST

/* ---- Framing ---- */

START_TEST(test_framing)
{
	const struct xfer x = {.kind = UNIX_PAIR,
	    .how = BY_WRITE,
	    .chunk = CHUNK_MAX,
	    .timeout_ms = 10000};
	size_t len = lens[_i];
	unsigned char *data = mkdata(len, 0x9e3779b9u + (uint32_t)len);
	struct result res;
	char what[64];
	int fds = check_open_fds();

	snprintf(what, sizeof(what), "fcgi_write %zu", len);
	xfer_run(&x, data, -1, 0, len, &res);
	ck_assert_msg(res.rc == 0, "%s: %s", what, strerror(res.err));
	check_drained(&res, what);
	check_records(res.r.buf, res.r.len, data, len, what);
	result_free(&res);
	test_end(NULL, data, fds);
}
END_TEST

/* ---- Identity ---- */

START_TEST(test_identity)
{
	const struct xfer xw = {.kind = UNIX_PAIR,
	    .how = BY_WRITE,
	    .chunk = CHUNK_MAX,
	    .timeout_ms = 10000};
	struct xfer xs = xw;
	size_t len = lens[_i / NELEM(offs)], i;
	off_t off = offs[_i % NELEM(offs)];
	unsigned char *data =
	    mkdata((size_t)off + len, 0x7f4a7c15u ^ (uint32_t)_i);
	struct result rw, rs;
	struct file f;
	char what[64];
	int fds = check_open_fds();

	xs.how = BY_SENDFILE;
	snprintf(what, sizeof(what), "len %zu off %lld", len, (long long)off);
	file_make(&f, data, (size_t)off + len);
	xfer_run(&xw, data + off, -1, 0, len, &rw);
	ck_assert_msg(rw.rc == 0, "%s: fcgi_write: %s", what, strerror(rw.err));
	check_drained(&rw, what);
	xfer_run(&xs, NULL, f.fd, off, len, &rs);
	ck_assert_msg(
	    rs.rc == 0, "%s: fcgi_sendfile: %s", what, strerror(rs.err));
	check_drained(&rs, what);

	ck_assert_msg(rs.r.len == rw.r.len,
	    "%s: fcgi_sendfile sent %zu bytes, fcgi_write %zu", what, rs.r.len,
	    rw.r.len);
	for (i = 0; i < rw.r.len && rs.r.buf[i] == rw.r.buf[i]; i++)
		;
	ck_assert_msg(
	    i == rw.r.len, "%s: the wire bytes differ at %zu", what, i);
	check_records(rs.r.buf, rs.r.len, data + off, len, what);

	result_free(&rw);
	result_free(&rs);
	test_end(&f, data, fds);
}
END_TEST

/* ---- Pressure ---- */

/*
 * A send buffer of a few KiB and a reader taking 1000 bytes a time with
 * a pause after each read: the writer meets EAGAIN and short writes
 * again and again (the kernel hardly ever cuts a header: Short does).
 * _i: transport * 2 + how. SO_RCVBUF is 16 KiB: a TCP window of 4 KiB
 * stalls for delayed ACKs, 20 s for the MiB (a socketpair ignores it).
 */
START_TEST(test_slow_reader)
{
	struct xfer x = {.kind = _i / 2,
	    .how = _i % 2,
	    .sndbuf = 4096,
	    .rcvbuf = 16384,
	    .chunk = 1000,
	    .pauses = PAUSES_MAX,
	    .timeout_ms = 10000};
	size_t len = MIB + 17;
	unsigned char *data = mkdata(len, 0x51ed270bu);
	struct result res;
	struct file f = {.fd = -1};
	char what[64];
	int fds = check_open_fds();

	snprintf(what, sizeof(what), "%s over %s", how_name[x.how],
	    kind_name[x.kind]);
	if (x.how == BY_SENDFILE)
		file_make(&f, data, len);
	xfer_run(&x, data, f.fd, 0, len, &res);
	/* Else nothing pushed back. */
	ck_assert_msg(
	    (size_t)res.sndbuf < len / 8, "%s: SO_SNDBUF %d", what, res.sndbuf);
	ck_assert_msg(res.rc == 0, "%s: %s after %ld ms", what,
	    strerror(res.err), res.ms);
	check_drained(&res, what);
	check_records(res.r.buf, res.r.len, data, len, what);
	result_free(&res);
	test_end(&f, data, fds);
}
END_TEST

/*
 * send_timeout bounds one wait for room, not the transfer: a reader
 * that keeps reading, if slowly, is served for longer than that.
 */
START_TEST(test_timeout_per_stall)
{
	struct xfer x = {.kind = UNIX_PAIR,
	    .how = _i,
	    .sndbuf = 4096,
	    .chunk = 1000,
	    .pauses = PAUSES_MAX,
	    .timeout_ms = 1000};
	/* a second per stall: a loaded machine may starve the reader */
	size_t len = 3 * MIB;
	unsigned char *data = mkdata(len, 0x2545f491u);
	struct result res;
	struct file f = {.fd = -1};
	int fds = check_open_fds();

	if (x.how == BY_SENDFILE)
		file_make(&f, data, len);
	xfer_run(&x, data, f.fd, 0, len, &res);
	ck_assert_msg(res.rc == 0, "%s: %s after %ld ms", how_name[x.how],
	    strerror(res.err), res.ms);
	/* 2000 of > 3000 reads paused for 1 ms: well over send_timeout */
	ck_assert_msg(res.ms > 3 * x.timeout_ms / 2,
	    "%s: %ld ms, too quick to tell", how_name[x.how], res.ms);
	check_drained(&res, how_name[x.how]);
	check_records(res.r.buf, res.r.len, data, len, how_name[x.how]);
	result_free(&res);
	test_end(&f, data, fds);
}
END_TEST

/* ---- Short ---- */

/*
 * Every call cut or failed by the script, from each of its entries on:
 * the records must come out whole all the same. _i: phase * 2 + how.
 */
START_TEST(test_short_calls)
{
	const struct xfer x = {.kind = UNIX_PAIR,
	    .how = _i % 2,
	    .chunk = CHUNK_MAX,
	    .timeout_ms = 10000,
	    .short_calls = true};
	size_t len = 2 * REC + 7;
	unsigned char *data = mkdata(len, 0x6a09e667u + (uint32_t)_i);
	struct result res;
	struct file f = {.fd = -1};
	char what[64];
	int fds = check_open_fds();

	snprintf(
	    what, sizeof(what), "%s, script from %d", how_name[x.how], _i / 2);
	if (x.how == BY_SENDFILE)
		file_make(&f, data, len);
	short_step = (size_t)_i / 2;
	short_fails = short_cuts = 0;
	xfer_run(&x, data, f.fd, 0, len, &res);
	ck_assert_msg(res.rc == 0, "%s: %s", what, strerror(res.err));
	/* Else the --wrap did not take: the test would prove nothing. */
	ck_assert_msg(short_fails > 0 && short_cuts > 0,
	    "%s: %zu calls failed, %zu cut", what, short_fails, short_cuts);
	check_drained(&res, what);
	check_records(res.r.buf, res.r.len, data, len, what);
	result_free(&res);
	test_end(&f, data, fds);
}
END_TEST

/* ---- Errors ---- */

/* A reader that never reads: ETIMEDOUT after send_timeout. */
START_TEST(test_timeout)
{
	size_t len = 8 * MIB;
	unsigned char *data = NULL;
	struct fcgi_conn c;
	struct file f = {.fd = -1};
	long t0, ms;
	int sv[2], rc, err;
	int fds = check_open_fds();

	if (_i == BY_WRITE) {
		data = mkdata(len, 1);
	} else {
		file_make(&f, NULL, 0);
		ck_assert_int_eq(ftruncate(f.fd, (off_t)len), 0);
	}
	mkpair(UNIX_PAIR, sv);
	conn_init(&c, sv[0], 200);
	t0 = now_ms();
	errno = 0;
	rc = send_by(_i, &c, data, f.fd, len);
	err = errno;
	ms = now_ms() - t0;
	fcgi_conn_destroy(&c);
	close(sv[0]);
	close(sv[1]);

	ck_assert_msg(rc == -1, "%s: returned %d", how_name[_i], rc);
	ck_assert_msg(err == ETIMEDOUT, "%s: %s, not ETIMEDOUT", how_name[_i],
	    strerror(err));
	ck_assert_msg(ms >= 150 && ms < 5000, "%s: timed out after %ld ms",
	    how_name[_i], ms);
	test_end(&f, data, fds);
}
END_TEST

/* The peer closed before the response: EPIPE (or ECONNRESET), at once. */
START_TEST(test_peer_closed)
{
	unsigned char *data = mkdata(100, 2);
	struct fcgi_conn c;
	struct file f = {.fd = -1};
	int sv[2], rc, err;
	int fds = check_open_fds();

	if (_i == BY_SENDFILE)
		file_make(&f, data, 100);
	mkpair(UNIX_PAIR, sv);
	close(sv[1]);
	conn_init(&c, sv[0], 10000);
	errno = 0;
	rc = send_by(_i, &c, data, f.fd, 100);
	err = errno;
	fcgi_conn_destroy(&c);
	close(sv[0]);

	ck_assert_msg(rc == -1, "%s: returned %d", how_name[_i], rc);
	ck_assert_msg(err == EPIPE || err == ECONNRESET, "%s: %s", how_name[_i],
	    strerror(err));
	test_end(&f, data, fds);
}
END_TEST

/*
 * The peer reads a little, then closes while the writer waits for room:
 * the error comes at once, not after send_timeout.
 */
START_TEST(test_peer_closes_midway)
{
	struct xfer x = {.kind = UNIX_PAIR,
	    .how = _i,
	    .chunk = 4096,
	    .close_after = 128 * 1024,
	    .timeout_ms = 10000};
	size_t len = 8 * MIB;
	unsigned char *data = mkdata(len, 3);
	struct result res;
	struct file f = {.fd = -1};
	int fds = check_open_fds();

	if (x.how == BY_SENDFILE)
		file_make(&f, data, len);
	xfer_run(&x, data, f.fd, 0, len, &res);
	ck_assert_msg(res.rc == -1, "%s: returned %d", how_name[x.how], res.rc);
	ck_assert_msg(res.err == EPIPE || res.err == ECONNRESET,
	    "%s: %s after %ld ms", how_name[x.how], strerror(res.err), res.ms);
	ck_assert_msg(res.ms < 5000, "%s: %ld ms", how_name[x.how], res.ms);
	ck_assert_msg(res.r.err == 0, "reader: %s", strerror(res.r.err));
	result_free(&res);
	test_end(&f, data, fds);
}
END_TEST

/*
 * The file shrank after its size was taken: fcgi_sendfile fails with
 * ENODATA, and what went out before is the file's bytes, not filler.
 */
static const struct {
	size_t size;   /* the file's size when the request was sized */
	size_t shrunk; /* then */
	size_t off, len;
} shrinks[] = {
    {1000, 500, 0, 1000},
    {3 * REC, REC + 100, 0, 3 * REC}, /* in the second record */
    {2 * REC, REC, 0, 2 * REC},	      /* at a record's start */
    {5000, 0, 4096, 904},	      /* empty now: off past the end */
    {5000, 4096, 4096, 904},	      /* off at the end */
    {REC + 10, 5, 1, REC + 9},
};

START_TEST(test_file_shrank)
{
	const struct xfer x = {.kind = UNIX_PAIR,
	    .how = BY_SENDFILE,
	    .chunk = CHUNK_MAX,
	    .timeout_ms = 10000};
	size_t size = shrinks[_i].size, shrunk = shrinks[_i].shrunk;
	size_t off = shrinks[_i].off, len = shrinks[_i].len;
	unsigned char *data = mkdata(size, 4 + (uint32_t)_i);
	unsigned char *want = malloc(wire_size(len));
	size_t wlen = 0, sent, n, avail;
	struct result res;
	struct file f;
	int fds = check_open_fds();

	ck_assert_ptr_nonnull(want);
	file_make(&f, data, size);
	ck_assert_int_eq(ftruncate(f.fd, (off_t)shrunk), 0);
	xfer_run(&x, NULL, f.fd, (off_t)off, len, &res);
	ck_assert_msg(res.rc == -1, "returned %d", res.rc);
	ck_assert_msg(res.err == ENODATA, "%s, not ENODATA", strerror(res.err));
	check_drained(&res, "fcgi_sendfile");

	/*
	 * Whole records up to the one the file ended in (its header and the
	 * bytes the file still had), then nothing.
	 */
	for (sent = 0; sent < len; sent += n) {
		n = len - sent < REC ? len - sent : REC;
		mkhdr(want + wlen, n);
		wlen += HDR;
		avail = shrunk > off + sent ? shrunk - off - sent : 0;
		if (avail < n) {
			memcpy(want + wlen, data + off + sent, avail);
			wlen += avail;
			break;
		}
		memcpy(want + wlen, data + off + sent, n);
		wlen += n;
	}
	ck_assert_uint_lt(sent, len);
	ck_assert_msg(res.r.len == wlen, "%zu bytes on the wire, not %zu",
	    res.r.len, wlen);
	ck_assert_msg(memcmp(res.r.buf, want, wlen) == 0, "wrong bytes");
	result_free(&res);
	free(want);
	test_end(&f, data, fds);
}
END_TEST

Suite *
suite_fcgi(void)
{
	Suite *s = suite_create("fcgi");
	TCase *tstep = tcase_create("Step");
	TCase *tframe = tcase_create("Framing");
	TCase *tid = tcase_create("Identity");
	TCase *tpress = tcase_create("Pressure");
	TCase *tshort = tcase_create("Short");
	TCase *terr = tcase_create("Errors");

	tcase_add_loop_test(tstep, test_step, 0, NELEM(steps));
	tcase_add_test(tstep, test_step_range);
	suite_add_tcase(s, tstep);

	tcase_add_checked_fixture(tframe, sig_setup, NULL);
	tcase_set_timeout(tframe, 30);
	tcase_add_loop_test(tframe, test_framing, 0, NELEM(lens));
	suite_add_tcase(s, tframe);

	tcase_add_unchecked_fixture(tid, check_case_setup, check_case_teardown);
	tcase_add_checked_fixture(tid, sig_setup, NULL);
	tcase_set_timeout(tid, 30);
	tcase_add_loop_test(tid, test_identity, 0, NELEM(lens) * NELEM(offs));
	suite_add_tcase(s, tid);

	tcase_add_unchecked_fixture(
	    tpress, check_case_setup, check_case_teardown);
	tcase_add_checked_fixture(tpress, sig_setup, NULL);
	tcase_set_timeout(tpress, 60);
	tcase_add_loop_test(tpress, test_slow_reader, 0, 4);
	tcase_add_loop_test(tpress, test_timeout_per_stall, 0, 2);
	suite_add_tcase(s, tpress);

	tcase_add_unchecked_fixture(
	    tshort, check_case_setup, check_case_teardown);
	tcase_add_checked_fixture(tshort, sig_setup, NULL);
	tcase_set_timeout(tshort, 30);
	tcase_add_loop_test(tshort, test_short_calls, 0, 2 * NELEM(script));
	suite_add_tcase(s, tshort);

	tcase_add_unchecked_fixture(
	    terr, check_case_setup, check_case_teardown);
	tcase_add_checked_fixture(terr, sig_setup, NULL);
	tcase_set_timeout(terr, 30);
	tcase_add_loop_test(terr, test_timeout, 0, 2);
	tcase_add_loop_test(terr, test_peer_closed, 0, 2);
	tcase_add_loop_test(terr, test_peer_closes_midway, 0, 2);
	tcase_add_loop_test(terr, test_file_shrank, 0, NELEM(shrinks));
	suite_add_tcase(s, terr);
	return s;
}
