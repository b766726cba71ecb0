/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * slowclient: many slow HTTP/1.1 downloads from one process, for
 * contrib/bench/scale.sh.
 *
 * Opens N connections to HOST:PORT (a few hundred per 10 ms, so the
 * listen queue never overflows), asks each for PATH, and reads each at
 * RATE bytes per second: CHUNK bytes per read, the next read due
 * CHUNK / RATE seconds after the previous one (a timer wheel of 10 ms
 * slots; a read that finds nothing waits for EPOLLIN). One epoll set,
 * one buffer, nothing per connection but 48 bytes: the client costs
 * little next to the servers it measures.
 *
 * Once every connection has its first byte (or after -w seconds), it
 * waits -s seconds, creates the file -f (the moment to measure the
 * servers: every queue on the way has filled), and ends -d seconds
 * after the start. It prints one line of key=value pairs:
 *
 *   clients connected served closed failed ttfb_p50_ms ttfb_p99_ms
 *   ttfb_max_ms bytes bytes_ready mbps
 *
 * bytes_ready: body bytes read by the moment -f was created; bytes -
 * bytes_ready is what the steady state (every queue full) delivered.
 *
 * served: a "200" status line and at least one byte of body, and the
 * connection still open at the end; closed: the same but the server
 * closed it (a body shorter than the test, or an abort); failed: the
 * rest (no connection, another status, nothing received).
 * TTFB: from the start of connect(2) to the first byte of the response.
 *
 *   cc -O2 -o slowclient slowclient.c
 *   slowclient -p 8080 -u /b/huge.bin -n 2000 -r 32768 -d 30 -f ready
 */
#define _GNU_SOURCE
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SLOTS 1024 /* timer wheel: 10.24 s ahead at most */
#define SLOT_MS 10
#define OPEN_PER_SLOT 200
#define NONE UINT32_MAX

enum cstate { C_IDLE, C_CONNECTING, C_HEAD, C_BODY, C_DONE, C_FAILED };

struct conn {
	int fd;
	uint8_t state;
	uint8_t waiting; /* armed for EPOLLIN */
	uint16_t hdrpos; /* bytes of "\r\n\r\n" matched, or status bytes */
	uint32_t next;	 /* in the wheel slot's list */
	int64_t start_us;
	int64_t first_us; /* first byte of the response, 0: none yet */
	int64_t due_us;
	int64_t body; /* body bytes read */
};

static struct conn *conns;
static uint32_t wheel[SLOTS];
static char buf[1 << 20];
static char req[1024];
static size_t reqlen;
static int epfd;
static size_t chunk = 16384;
static double rate = 32768;

static int64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: slowclient [-h host] -p port -u path -n N "
	    "[-r bytes/s] [-c chunk] [-d s] [-w s] [-s s] "
	    "[-f file]\n");
	exit(2);
}

static void
schedule(uint32_t i, int64_t due, int64_t base)
{
	int64_t ahead = (due - base) / (SLOT_MS * 1000);
	uint32_t s;

	if (ahead < 0)
		ahead = 0;
	if (ahead >= SLOTS)
		ahead = SLOTS - 1;
	s = (uint32_t)((base / (SLOT_MS * 1000) + ahead) % SLOTS);
	conns[i].due_us = due;
	conns[i].next = wheel[s];
	wheel[s] = i;
}

static void
fail(struct conn *c)
{
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
	c->state = c->state == C_BODY && c->body > 0 ? C_DONE : C_FAILED;
}

static int
arm(uint32_t i, uint32_t events)
{
	struct epoll_event ev = {
	    .events = events | EPOLLONESHOT, .data.u32 = i};

	if (epoll_ctl(epfd, EPOLL_CTL_MOD, conns[i].fd, &ev) == -1)
		return -1;
	conns[i].waiting = 1;
	return 0;
}

static void
open_one(uint32_t i, const struct sockaddr_in *sa)
{
	struct conn *c = &conns[i];
	struct epoll_event ev = {
	    .events = EPOLLOUT | EPOLLONESHOT, .data.u32 = i};

	c->start_us = now_us();
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd == -1) {
		c->state = C_FAILED;
		return;
	}
	if (connect(c->fd, (const struct sockaddr *)sa, sizeof(*sa)) == -1 &&
	    errno != EINPROGRESS) {
		fail(c);
		return;
	}
	c->state = C_CONNECTING;
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &ev) == -1)
		fail(c);
	c->waiting = 1;
}

/* Parses what came of the head; returns body bytes in p[0..n). */
static ssize_t
head(struct conn *c, const char *p, ssize_t n)
{
	static const char end[] = "\r\n\r\n";
	static const char ok[] = "HTTP/1.1 200";
	ssize_t k;

	for (k = 0; k < n; k++) {
		if (c->hdrpos & 0x8000) { /* status checked: look for the end */
			uint16_t m = c->hdrpos & 0x7fff;

			if (p[k] == end[m])
				m++;
			else
				m = p[k] == '\r';
			if (m == 4) {
				c->state = C_BODY;
				return n - k - 1;
			}
			c->hdrpos = 0x8000 | m;
		} else {
			if (p[k] != ok[c->hdrpos])
				return -1;
			if (++c->hdrpos == sizeof(ok) - 1)
				c->hdrpos = 0x8000;
		}
	}
	return 0;
}

/* The read that is due; reschedules or arms EPOLLIN. */
static void
do_read(uint32_t i, int64_t t)
{
	struct conn *c = &conns[i];
	ssize_t n, b;

	n = recv(
	    c->fd, buf, c->state == C_HEAD ? sizeof(req) : chunk, MSG_DONTWAIT);
	if (n == -1 && (errno == EAGAIN || errno == EINTR)) {
		if (arm(i, EPOLLIN) == -1)
			fail(c);
		return;
	}
	if (n <= 0) {
		fail(c);
		return;
	}
	if (c->first_us == 0)
		c->first_us = t;
	b = n;
	if (c->state == C_HEAD) {
		b = head(c, buf, n);
		if (b == -1) {
			c->state = C_BODY; /* counted as failed below */
			c->body = 0;
			fail(c);
			return;
		}
		if (c->state == C_HEAD) { /* more head to come: at once */
			schedule(i, t, t);
			return;
		}
	}
	c->body += b;
	schedule(i,
	    (c->due_us > t - 1000000 ? c->due_us : t) +
		(int64_t)((double)n * 1e6 / rate),
	    t);
}

static int
cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	const char *host = "127.0.0.1", *path = NULL, *ready = NULL;
	struct epoll_event evs[256];
	struct sockaddr_in sa;
	struct rlimit rl;
	int64_t t0, t, last, dur = 30, waitmax = 20, settle = 3, ready_at = 0;
	int64_t bytes = 0, bytes_ready = 0, *tt;
	uint32_t i, n = 0, opened = 0, s, nx;
	int port = 0, ch, k, ne;
	unsigned served = 0, connected = 0, got = 0, failed = 0, closed = 0;

	while ((ch = getopt(argc, argv, "h:p:u:n:r:c:d:w:s:f:")) != -1) {
		switch (ch) {
		case 'h':
			host = optarg;
			break;
		case 'p':
			port = atoi(optarg);
			break;
		case 'u':
			path = optarg;
			break;
		case 'n':
			n = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case 'r':
			rate = atof(optarg);
			break;
		case 'c':
			chunk = strtoul(optarg, NULL, 10);
			break;
		case 'd':
			dur = atoll(optarg);
			break;
		case 'w':
			waitmax = atoll(optarg);
			break;
		case 's':
			settle = atoll(optarg);
			break;
		case 'f':
			ready = optarg;
			break;
		default:
			usage();
		}
	}
	if (port <= 0 || path == NULL || n == 0 || rate <= 0 || chunk == 0 ||
	    chunk > sizeof(buf) || dur <= 0)
		usage();
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < n + 16) {
		rl.rlim_cur = rl.rlim_max < n + 16 ? rl.rlim_max : n + 16;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1)
		usage();
	reqlen = (size_t)snprintf(req, sizeof(req),
	    "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: slowclient\r\n"
	    "Connection: close\r\n\r\n",
	    path, host);
	if (reqlen >= sizeof(req) ||
	    (conns = calloc(n, sizeof(*conns))) == NULL ||
	    (epfd = epoll_create1(EPOLL_CLOEXEC)) == -1) {
		perror("slowclient");
		return 1;
	}
	for (i = 0; i < n; i++)
		conns[i].fd = -1;
	for (s = 0; s < SLOTS; s++)
		wheel[s] = NONE;
	t0 = last = now_us();
	for (;;) {
		t = now_us();
		if (t - t0 >= dur * 1000000)
			break;
		/* OPEN_PER_SLOT connections per 10 ms at most */
		while (opened < n &&
		    opened < ((t - t0) / (SLOT_MS * 1000) + 1) * OPEN_PER_SLOT)
			open_one(opened++, &sa);
		/* the wheel: every slot from the last look to now */
		for (; last / (SLOT_MS * 1000) <= t / (SLOT_MS * 1000);
		     last += SLOT_MS * 1000) {
			s = (uint32_t)((last / (SLOT_MS * 1000)) % SLOTS);
			i = wheel[s];
			wheel[s] = NONE;
			while (i != NONE) {
				nx = conns[i].next;
				if (conns[i].fd == -1)
					;
				else if (conns[i].due_us > t)
					schedule(i, conns[i].due_us, t);
				else
					do_read(i, t);
				i = nx;
			}
		}
		last = t - t % (SLOT_MS * 1000);
		if (ready != NULL && ready_at == 0) {
			for (got = 0, i = 0; i < opened; i++)
				got += conns[i].first_us != 0 ||
				    conns[i].state == C_FAILED;
			if ((got == n || t - t0 >= waitmax * 1000000))
				ready_at = t + settle * 1000000;
		}
		if (ready != NULL && ready_at != 0 && t >= ready_at) {
			int fd =
			    open(ready, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

			if (fd != -1)
				close(fd);
			ready = NULL;
			for (i = 0; i < opened; i++)
				bytes_ready += conns[i].body;
		}
		ne = epoll_wait(epfd, evs, 256, SLOT_MS);
		t = now_us();
		for (k = 0; k < ne; k++) {
			struct conn *c = &conns[evs[k].data.u32];

			i = evs[k].data.u32;
			c->waiting = 0;
			if (c->fd == -1)
				continue;
			if (c->state == C_CONNECTING) {
				int err = 0;
				socklen_t len = sizeof(err);

				if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR,
					&err, &len) == -1 ||
				    err != 0 ||
				    send(c->fd, req, reqlen, MSG_NOSIGNAL) !=
					(ssize_t)reqlen) {
					fail(c);
					continue;
				}
				connected++;
				c->state = C_HEAD;
				if (arm(i, EPOLLIN) == -1)
					fail(c);
			} else
				do_read(i, t);
		}
	}
	tt = calloc(n ? n : 1, sizeof(*tt));
	for (got = 0, i = 0; i < n; i++) {
		struct conn *c = &conns[i];

		bytes += c->body;
		if (c->state == C_BODY && c->body > 0)
			served++;
		else if (c->state == C_DONE)
			closed++;
		else
			failed++;
		if (c->first_us != 0 && tt != NULL)
			tt[got++] = c->first_us - c->start_us;
		if (c->fd != -1)
			close(c->fd);
	}
	if (tt != NULL && got > 0)
		qsort(tt, got, sizeof(*tt), cmp64);
	printf("clients=%u connected=%u served=%u closed=%u failed=%u "
	       "ttfb_p50_ms=%.1f ttfb_p99_ms=%.1f ttfb_max_ms=%.1f "
	       "bytes=%lld bytes_ready=%lld mbps=%.2f\n",
	    n, connected, served, closed, failed,
	    got ? tt[got / 2] / 1000.0 : -1.0,
	    got ? tt[(got * 99) / 100 < got ? (got * 99) / 100 : got - 1] /
		    1000.0
		: -1.0,
	    got ? tt[got - 1] / 1000.0 : -1.0, (long long)bytes,
	    (long long)bytes_ready,
	    (double)bytes / ((double)(now_us() - t0) / 1e6) / 1e6);
	return 0;
}
