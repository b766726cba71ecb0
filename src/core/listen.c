/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * The listening socket: parse the `listen` value, bind, listen.
 */
#include "autoconfig.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bounds.h"
#include "listen.h"
#include "log.h"

static int
parse_port(const char *s, unsigned short *port)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v == 0 || v > 65535)
		return -1;
	*port = (unsigned short)v;
	return 0;
}

int
listen_parse(
    const char *spec, struct listen_addr *out, char *err, size_t errlen)
{
	const char *colon, *host;
	size_t hlen;

	memset(out, 0, sizeof(*out));
	if (strncmp(spec, "unix:", 5) == 0) {
		out->kind = LISTEN_UNIX;
		if (spec[5] != '/') {
			snprintf(err, errlen,
			    "a unix socket path must be "
			    "absolute");
			return -1;
		}
		if (strlen(spec + 5) >= sizeof(out->path)) {
			snprintf(err, errlen,
			    "a unix socket path is limited to %zu bytes",
			    sizeof(out->path) - 1);
			return -1;
		}
		memcpy(out->path, spec + 5, strlen(spec + 5) + 1);
		return 0;
	}
	out->kind = LISTEN_TCP;
	if (spec[0] == '[') {
		const char *rb = strchr(spec, ']');

		if (rb == NULL || rb[1] != ':')
			goto syntax;
		host = spec + 1;
		hlen = (size_t)(rb - host);
		colon = rb + 1;
	} else {
		colon = strrchr(spec, ':');
		if (colon == NULL || memchr(spec, ':', colon - spec) != NULL)
			goto syntax;
		host = spec;
		hlen = (size_t)(colon - spec);
	}
	if (hlen == 0 || hlen >= sizeof(out->host))
		goto syntax;
	memcpy(out->host, host, hlen);
	out->host[hlen] = '\0';
	if (parse_port(colon + 1, &out->port) == -1) {
		snprintf(err, errlen, "port must be a number from 1 to 65535");
		return -1;
	}
	return 0;
syntax:
	snprintf(err, errlen,
	    "expected \"unix:/path\", \"HOST:PORT\" or \"[V6]:PORT\"");
	return -1;
}

/* The unix socket file this process created (for removal at exit). */
static char listen_created[sizeof(((struct sockaddr_un *)0)->sun_path)];

static int
listen_unix(const struct listen_addr *a, unsigned mode, uid_t uid, gid_t gid)
{
	struct sockaddr_un sun;
	struct stat st;
	mode_t old;
	int fd, probe, rc, ce;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, a->path, sizeof(sun.sun_path));

	/* Refuse to steal the socket of a running server. */
	probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (probe == -1) {
		log_warn("socket");
		return -1;
	}
	rc = connect(probe, (struct sockaddr *)&sun, sizeof(sun));
	ce = errno;
	close(probe);
	if (rc == 0) {
		log_warnx("listen unix:%s: another server is listening there",
		    a->path);
		errno = EADDRINUSE;
		return -1;
	}
	/* Only a stale socket is replaced, never another kind of file. */
	if (lstat(a->path, &st) == 0 && !S_ISSOCK(st.st_mode)) {
		log_warnx(
		    "listen unix:%s: exists and is not a socket", a->path);
		errno = EEXIST;
		return -1;
	}
	if (ce == ECONNREFUSED && unlink(a->path) == -1 && errno != ENOENT)
		log_warn("unlink %s", a->path);

	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		log_warn("socket");
		return -1;
	}
	/* Nobody may connect before the mode and owner are right. */
	old = umask(0177);
	rc = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (rc == -1) {
		log_warn("bind unix:%s", a->path);
		goto fail;
	}
	if ((uid != (uid_t)-1 || gid != (gid_t)-1) &&
	    chown(a->path, uid, gid) == -1) {
		log_warn("chown unix:%s", a->path);
		unlink(a->path);
		goto fail;
	}
	if (chmod(a->path, mode) == -1) {
		log_warn("chmod unix:%s", a->path);
		unlink(a->path);
		goto fail;
	}
	if (listen(fd, DL_LISTEN_BACKLOG) == -1) {
		log_warn("listen unix:%s", a->path);
		unlink(a->path);
		goto fail;
	}
	memcpy(listen_created, a->path, sizeof(listen_created));
	return fd;
fail:
	rc = errno;
	close(fd);
	errno = rc;
	return -1;
}

static int
listen_tcp(const struct listen_addr *a)
{
	struct addrinfo hints, *res = NULL, *ai;
	char port[8];
	int fd = -1, on = 1, rc, e = EADDRNOTAVAIL;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	snprintf(port, sizeof(port), "%u", a->port);
	if ((rc = getaddrinfo(a->host, port, &hints, &res)) != 0) {
		log_warnx("listen %s:%s: %s", a->host, port, gai_strerror(rc));
		errno = EADDRNOTAVAIL;
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (fd == -1) {
			e = errno;
			continue;
		}
		if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) ==
			0 &&
		    bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
		    listen(fd, DL_LISTEN_BACKLOG) == 0)
			break;
		e = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd == -1) {
		errno = e;
		log_warn("listen %s:%u", a->host, a->port);
	}
	return fd;
}

int
listen_open(const char *spec, unsigned mode, uid_t uid, gid_t gid)
{
	struct listen_addr a;
	char why[128];

	if (listen_parse(spec, &a, why, sizeof(why)) == -1) {
		log_warnx("listen \"%s\": %s", spec, why);
		errno = EINVAL;
		return -1;
	}
	return a.kind == LISTEN_UNIX ? listen_unix(&a, mode, uid, gid)
				     : listen_tcp(&a);
}

void
listen_unlink_created(void)
{
	if (listen_created[0] != '\0' && unlink(listen_created) == -1 &&
	    errno != ENOENT)
		log_warn("unlink %s", listen_created);
	listen_created[0] = '\0';
}

int
listen_systemd(void)
{
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
	int rc = -1;

	if (pid != NULL && fds != NULL && strtol(pid, NULL, 10) == getpid() &&
	    strtol(fds, NULL, 10) >= 1) {
		rc = 3; /* SD_LISTEN_FDS_START */
		if (fcntl(rc, F_SETFD, FD_CLOEXEC) == -1) {
			log_warn("socket activation: fd 3");
			rc = -1;
		}
	}
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	return rc;
}

/* A unix listener's queue by sock_diag: one request, one reply. */
static int
listen_queue_unix(int fd, int64_t *queue, int64_t *backlog)
{
	struct {
		struct nlmsghdr nlh;
		struct unix_diag_req udr;
	} req;
	union {
		struct nlmsghdr nlh;
		char buf[1024];
	} rep;
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
	struct unix_diag_msg *m;
	struct unix_diag_rqlen rq;
	struct rtattr *a;
	struct stat st;
	ssize_t n;
	int nl, len, rc = -1;

	if (fstat(fd, &st) == -1)
		return -1;
	memset(&req, 0, sizeof(req));
	req.nlh.nlmsg_len = sizeof(req);
	req.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	req.nlh.nlmsg_flags = NLM_F_REQUEST;
	req.udr.sdiag_family = AF_UNIX;
	req.udr.udiag_states = 1u << 10; /* TCP_LISTEN */
	req.udr.udiag_ino = (unsigned)st.st_ino;
	req.udr.udiag_show = UDIAG_SHOW_RQLEN;
	req.udr.udiag_cookie[0] = req.udr.udiag_cookie[1] = ~0u;
	if ((nl = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC,
		 NETLINK_SOCK_DIAG)) == -1)
		return -1;
	/* the kernel answers within sendto: the reply never blocks */
	if (sendto(nl, &req, sizeof(req), 0, (struct sockaddr *)&sa,
		sizeof(sa)) != (ssize_t)sizeof(req))
		goto out;
	do
		n = recv(nl, &rep, sizeof(rep), MSG_DONTWAIT);
	while (n == -1 && errno == EINTR);
	if (n < (ssize_t)NLMSG_LENGTH(sizeof(*m)) ||
	    !NLMSG_OK(&rep.nlh, (unsigned)n) ||
	    rep.nlh.nlmsg_type != SOCK_DIAG_BY_FAMILY)
		goto out;
	m = NLMSG_DATA(&rep.nlh);
	a = (struct rtattr *)(m + 1);
	len = (int)rep.nlh.nlmsg_len - (int)NLMSG_LENGTH(sizeof(*m));
	for (; RTA_OK(a, len); a = RTA_NEXT(a, len))
		if (a->rta_type == UNIX_DIAG_RQLEN &&
		    RTA_PAYLOAD(a) >= (int)sizeof(rq)) {
			memcpy(&rq, RTA_DATA(a), sizeof(rq));
			*queue = rq.udiag_rqueue;
			*backlog = rq.udiag_wqueue;
			rc = 0;
			break;
		}
out:
	close(nl);
	return rc;
}

int
listen_queue(int fd, int64_t *queue, int64_t *backlog)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct tcp_info ti;
	socklen_t tl = sizeof(ti);

	*queue = *backlog = -1;
	if (fd < 0 || getsockname(fd, (struct sockaddr *)&ss, &sl) == -1)
		return -1;
	if (ss.ss_family == AF_UNIX) {
		if (listen_queue_unix(fd, queue, backlog) == 0)
			return 0;
		*queue = *backlog = -1;
		return -1;
	}
	/* a listener's tcp_info: unacked is the accept queue, sacked
	 * the backlog (Linux tcp_get_info) */
	memset(&ti, 0, sizeof(ti));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &tl) == -1 ||
	    ti.tcpi_state != 10 /* TCP_LISTEN */)
		return -1;
	*queue = ti.tcpi_unacked;
	*backlog = ti.tcpi_sacked;
	return 0;
}
