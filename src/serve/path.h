/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
#ifndef DLFCGI_PATH_H
#define DLFCGI_PATH_H

#include <sys/stat.h>

#include <limits.h>
#include <stdbool.h>

enum path_result {
	PATH_OK,	/* *fdp is an open regular file, *st its fstat */
	PATH_NOT_FOUND, /* 404 */
	PATH_FORBIDDEN, /* 403: hidden, symlink, escape, not a regular file */
	PATH_TOO_LONG,	/* 414 */
	PATH_BUSY,	/* 503: the open would block (a lease), errno EAGAIN */
	PATH_ERROR,	/* 500: errno says why */
};

struct path_policy {
	bool follow_symlinks; /* symlinks inside root are followed */
	bool serve_hidden;    /* components starting with '.' are allowed */
};

/*
 * Opens path (PATH_INFO, already percent-decoded by the web server)
 * beneath the directory rootfd, deciding on the opened descriptor,
 * never on the name: openat2(RESOLVE_BENEATH) where the kernel has it,
 * else a per-component O_NOFOLLOW walk. The file is opened
 * O_RDONLY|O_CLOEXEC|O_NONBLOCK|O_NOCTTY, so a FIFO never blocks, and
 * a file under a lease that the open would have to break is PATH_BUSY
 * at once (after a bounded retry). openat2 refused with ENOSYS or EPERM
 * (a seccomp filter) makes the process switch to the walk for good.
 * With follow_symlinks but not serve_hidden, a symlink whose target has
 * a component beginning with '.' is PATH_FORBIDDEN (this needs /proc:
 * without it, paths through symlinks are refused).
 * On PATH_OK the caller owns *fdp; on any other result nothing is open.
 */
enum path_result path_open(int rootfd, const char *path,
    const struct path_policy *pol, int *fdp, struct stat *st);

/*
 * Once after the resolver of the process was decided (at the first
 * path_open()) or changed: a sentence naming it, for the log. Else NULL.
 */
const char *path_resolver_news(void);

/*
 * Test hook: resolve with the fallback walk even if openat2 exists
 * (false: decide again at the next path_open()).
 */
void path_force_fallback(bool on);

/*
 * The path below rootfd of the open file fd, as the kernel names it
 * (/proc/self/fd): where any symlinks led. A pointer into buf, starting
 * with '/', or NULL if the names cannot be read or lie outside rootfd.
 */
const char *path_real(int rootfd, int fd, char buf[PATH_MAX]);

#endif
