/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * A fault-injection shim for the tests: preloaded into the real daemon
 * (LD_PRELOAD), it makes chosen calls fail on demand.
 *
 * While the file $FAULT_DIR/NAME exists, the call NAME fails with the
 * errno named by the first word of that file ("EAGAIN", "EMFILE", ...).
 * For malloc a second word is the smallest size that fails, so that the
 * daemon's small allocations go on working. Each injected failure
 * appends one byte to $FAULT_DIR/NAME.hits: a test waits for that file
 * instead of sleeping, and removes NAME to clear the fault.
 *
 * NAME is one of fork, pipe2, accept4, openat2 (syscall(SYS_openat2)),
 * fstat, malloc. Without FAULT_DIR every call goes straight through.
 *
 * "DELAY MS" instead of an errno makes the call wait MS milliseconds and
 * then go through (a slow disk or file system), counted as a hit too.
 */
#define _GNU_SOURCE
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Allocations smaller than this are never checked: no file lookup. */
#define FAULT_MALLOC_MIN 65536

static const struct {
	const char *name;
	int value;
} fault_errnos[] = {
    {"EAGAIN", EAGAIN},
    {"ENOMEM", ENOMEM},
    {"EMFILE", EMFILE},
    {"ENFILE", ENFILE},
    {"EPERM", EPERM},
    {"EACCES", EACCES},
    {"ENOSYS", ENOSYS},
    {"EINTR", EINTR},
    {"ENOBUFS", ENOBUFS},
    {"ENETDOWN", ENETDOWN},
    {"EPROTO", EPROTO},
    {"ENOPROTOOPT", ENOPROTOOPT},
    {"EHOSTDOWN", EHOSTDOWN},
    {"ENONET", ENONET},
    {"EHOSTUNREACH", EHOSTUNREACH},
    {"EOPNOTSUPP", EOPNOTSUPP},
    {"ENETUNREACH", ENETUNREACH},
    {"ECONNABORTED", ECONNABORTED},
    {"EBADF", EBADF},
    {"EINVAL", EINVAL},
    {"EIO", EIO},
};

/* Appends a byte to dir/name.hits. */
static void
fault_hit(const char *dir, const char *name)
{
	char path[4096];
	int fd;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s.hits", dir, name) <
		sizeof(path) &&
	    (fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
		 0644)) != -1) {
		if (write(fd, "x", 1) == -1) {
			/* the count is a convenience only */
		}
		close(fd);
	}
}

/* Sleeps ms milliseconds (EINTR: the rest). */
static void
fault_delay(unsigned long long ms)
{
	struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000};

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/*
 * Returns the errno to inject for name, or 0. size is the allocation
 * size for malloc, 0 otherwise. Uses only system calls: it may run
 * inside malloc.
 */
static int
fault_check(const char *name, size_t size)
{
	const char *dir = getenv("FAULT_DIR");
	char path[4096], text[128], word[32];
	unsigned long long min = 0;
	ssize_t n;
	size_t i;
	int fd, e = 0, saved = errno;

	if (dir == NULL || *dir == '\0')
		return 0;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path))
		return 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		errno = saved;
		return 0;
	}
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0) {
		errno = saved;
		return 0;
	}
	text[n] = '\0';
	word[0] = '\0';
	if (sscanf(text, "%31s %llu", word, &min) < 1)
		min = 0;
	if (strcmp(word, "DELAY") == 0) {
		fault_hit(dir, name);
		fault_delay(min);
		errno = saved;
		return 0;
	}
	if (size < min) {
		errno = saved;
		return 0;
	}
	for (i = 0; i < sizeof(fault_errnos) / sizeof(fault_errnos[0]); i++)
		if (strcmp(word, fault_errnos[i].name) == 0)
			e = fault_errnos[i].value;
	if (e == 0)
		e = EIO;
	fault_hit(dir, name);
	return e;
}

#define FAULT_NEXT(type, name) ((type)dlsym(RTLD_NEXT, name))

pid_t
fork(void)
{
	pid_t (*next)(void) = FAULT_NEXT(pid_t(*)(void), "fork");
	int e;

	if ((e = fault_check("fork", 0)) != 0) {
		errno = e;
		return -1;
	}
	return next();
}

int
pipe2(int fds[2], int flags)
{
	int (*next)(int[2], int) = FAULT_NEXT(int (*)(int[2], int), "pipe2");
	int e;

	if ((e = fault_check("pipe2", 0)) != 0) {
		errno = e;
		return -1;
	}
	return next(fds, flags);
}

int
accept4(int fd, struct sockaddr *sa, socklen_t *len, int flags)
{
	int (*next)(int, struct sockaddr *, socklen_t *, int) = FAULT_NEXT(
	    int (*)(int, struct sockaddr *, socklen_t *, int), "accept4");
	int e;

	if ((e = fault_check("accept4", 0)) != 0) {
		errno = e;
		return -1;
	}
	return next(fd, sa, len, flags);
}

int
fstat(int fd, struct stat *st)
{
	int (*next)(int, struct stat *) =
	    FAULT_NEXT(int (*)(int, struct stat *), "fstat");
	int e;

	if ((e = fault_check("fstat", 0)) != 0) {
		errno = e;
		return -1;
	}
	return next(fd, st);
}

long
syscall(long number, ...)
{
	long (*next)(long, ...) = FAULT_NEXT(long (*)(long, ...), "syscall");
	long a[6];
	va_list ap;
	int i, e;

	va_start(ap, number);
	for (i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
#ifdef SYS_openat2
	if (number == SYS_openat2 && (e = fault_check("openat2", 0)) != 0) {
		errno = e;
		return -1;
	}
#else
	(void)e;
#endif
	return next(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}

/* glibc's own allocator, exported for exactly this use. */
extern void *__libc_malloc(size_t);

void *
malloc(size_t size)
{
	int e;

	if (size >= FAULT_MALLOC_MIN &&
	    (e = fault_check("malloc", size)) != 0) {
		errno = e;
		return NULL;
	}
	return __libc_malloc(size);
}
