/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * PATH_INFO to file descriptor, contained beneath the document root by
 * the kernel (openat2 RESOLVE_BENEATH) or by a walk that opens one
 * component at a time with O_NOFOLLOW. No string filtering of "..":
 * containment is a property of how the file is opened.
 */
#include "autoconfig.h"

#include <sys/stat.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifdef HAVE_LINUX_OPENAT2_H
#include <linux/openat2.h>
#endif

#include "bounds.h"
#include "path.h"

#define PATH_OPEN_FLAGS (O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)

/* The resolver of this process: decided at the first path_open(). */
enum path_mode {
	PATH_MODE_UNKNOWN,
	PATH_MODE_OPENAT2,
	PATH_MODE_WALK,
};

static _Atomic int path_mode = PATH_MODE_UNKNOWN;
/* What path_resolver_news() hands out once, or NULL. */
static _Atomic(const char *) path_news;

void
path_force_fallback(bool on)
{
	atomic_store(&path_mode, on ? PATH_MODE_WALK : PATH_MODE_UNKNOWN);
}

const char *
path_resolver_news(void)
{
	if (atomic_load_explicit(&path_news, memory_order_relaxed) == NULL)
		return NULL;
	return atomic_exchange(&path_news, NULL);
}

/* Switches the resolver, once per change, with news for the log. */
static void
path_set_mode(int from, int to, const char *news)
{
	if (atomic_compare_exchange_strong(&path_mode, &from, to))
		atomic_store(&path_news, news);
}

/* Maps the errno of a failed open to the HTTP outcome (one place). */
static enum path_result
path_errno(int e)
{
	switch (e) {
	case ENOENT:
	case ENOTDIR:
	case ENAMETOOLONG:
		return PATH_NOT_FOUND;
	case EXDEV: /* RESOLVE_BENEATH: would leave root */
	case ELOOP: /* a symlink where none is allowed */
	case EACCES:
	case EPERM:
	case ENXIO:  /* a socket file */
	case ENODEV: /* a device without a driver */
	case EISDIR:
		return PATH_FORBIDDEN;
	case EAGAIN: /* a lease (the walk's openat): never wait, never spin */
		return PATH_BUSY;
	default:
		errno = e;
		return PATH_ERROR;
	}
}

/*
 * openat2(2) beneath rootfd with flags, retrying EAGAIN and EINTR at
 * most PATH_OPEN_ATTEMPTS times. Returns -1 with errno ENOSYS where the
 * kernel (or the build) lacks openat2, EPERM where a seccomp filter
 * refuses it, EAGAIN if the file stayed busy.
 */
static int
path_openat2(int rootfd, const char *rel, int flags, bool follow)
{
#if defined(HAVE_LINUX_OPENAT2_H) && HAVE_DECL_SYS_OPENAT2
	struct open_how how;
	long fd = -1;
	int i;

	memset(&how, 0, sizeof(how));
	how.flags = (uint64_t)flags;
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
	if (!follow)
		how.resolve |= RESOLVE_NO_SYMLINKS;
	for (i = 0; i < PATH_OPEN_ATTEMPTS; i++) {
		fd = syscall(SYS_openat2, rootfd, rel, &how, sizeof(how));
		if (fd != -1 || (errno != EINTR && errno != EAGAIN))
			break;
	}
	return (int)fd;
#else
	(void)rootfd;
	(void)rel;
	(void)flags;
	(void)follow;
	errno = ENOSYS;
	return -1;
#endif
}

/*
 * After openat2 failed with e (ENOSYS or EPERM): true if openat2 itself
 * is unavailable, that is, it fails the same way on root itself; false
 * if only this file is refused (EPERM from a security module).
 */
static bool
path_openat2_unavailable(int rootfd)
{
	int fd =
	    path_openat2(rootfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC, false);

	if (fd != -1) {
		close(fd);
		return false;
	}
	return errno == ENOSYS || errno == EPERM;
}

static bool path_has_hidden(const char *path);

const char *
path_real(int rootfd, int fd, char buf[PATH_MAX])
{
	char link[64], top[PATH_MAX];
	ssize_t tn, gn;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", rootfd);
	if ((tn = readlink(link, top, sizeof(top) - 1)) <= 0)
		return NULL;
	top[tn] = '\0';
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	if ((gn = readlink(link, buf, PATH_MAX - 1)) <= 0)
		return NULL;
	buf[gn] = '\0';
	if (tn == 1) /* root is "/" */
		tn = 0;
	if (gn <= tn || memcmp(buf, top, (size_t)tn) != 0 || buf[tn] != '/')
		return NULL;
	return buf + tn;
}

/*
 * With follow_symlinks and not serve_hidden, for a path that went
 * through a symlink: true unless fd lies beneath rootfd without a
 * component beginning with '.'. Fails closed (true) if the names
 * cannot be read.
 */
static bool
path_target_hidden(int rootfd, int fd)
{
	char buf[PATH_MAX];
	const char *real = path_real(rootfd, fd, buf);

	return real == NULL || path_has_hidden(real + 1);
}

static bool
path_is_symlink(int dir, const char *name)
{
	struct stat st;

	return fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISLNK(st.st_mode);
}

/*
 * The fallback: open each directory with O_NOFOLLOW|O_DIRECTORY and the
 * last component with O_NOFOLLOW, keeping the chain of directory fds so
 * that ".." pops one level and can never climb above rootfd. Symlinks
 * are refused (ELOOP) even with follow_symlinks: without openat2 the
 * kernel cannot contain where they point.
 */
static int
path_walk(int rootfd, const char *rel)
{
	int stack[DL_PATH_DEPTH_MAX];
	char comp[256];
	const char *p = rel, *end;
	size_t len;
	int last;
	int depth = 0, dir = rootfd, fd = -1, e = 0;

	for (;;) {
		while (*p == '/')
			p++;
		end = strchrnul(p, '/');
		len = (size_t)(end - p);
		last = *end == '\0' ? O_NOFOLLOW : O_NOFOLLOW | O_DIRECTORY;
		while (*end == '/')
			end++;
		if (len >= sizeof(comp)) {
			e = ENAMETOOLONG;
			break;
		}
		memcpy(comp, p, len);
		comp[len] = '\0';
		if (*end == '\0') {
			/* the last component */
			if (len == 0 || strcmp(comp, ".") == 0 ||
			    strcmp(comp, "..") == 0) {
				e = EISDIR;
				break;
			}
			do
				fd = openat(dir, comp, PATH_OPEN_FLAGS | last);
			while (fd == -1 && errno == EINTR);
			if (fd == -1) {
				e = errno;
				/* "link/": a symlink, refused as openat2 does */
				if (e == ENOTDIR && path_is_symlink(dir, comp))
					e = ELOOP;
			}
			break;
		}
		p = end;
		if (len == 0 || strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0) {
			if (depth == 0) {
				e = EXDEV;
				break;
			}
			close(stack[--depth]);
			dir = depth > 0 ? stack[depth - 1] : rootfd;
			continue;
		}
		if (depth == DL_PATH_DEPTH_MAX) {
			e = ENAMETOOLONG;
			break;
		}
		do
			fd = openat(dir, comp,
			    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		while (fd == -1 && errno == EINTR);
		if (fd == -1) {
			e = errno;
			/* a symlink to a directory: refused like openat2 does */
			if (e == ENOTDIR && path_is_symlink(dir, comp))
				e = ELOOP;
			break;
		}
		stack[depth++] = dir = fd;
		fd = -1;
	}
	while (depth > 0)
		close(stack[--depth]);
	if (fd == -1)
		errno = e;
	return fd;
}

/* True if some component of path begins with '.'. */
static bool
path_has_hidden(const char *path)
{
	const char *p;

	for (p = path; *p != '\0'; p++)
		if (*p == '.' && (p == path || p[-1] == '/'))
			return true;
	return false;
}

/*
 * openat2 under the policy. With follow_symlinks but not serve_hidden,
 * the name check of the request is not enough: a symlink may lead to a
 * dotfile. So the path is first opened without symlinks, and only one
 * that has some (ELOOP) is opened again following them and its target
 * checked.
 */
static int
path_open_beneath(int rootfd, const char *rel, const struct path_policy *pol)
{
	int fd;

	if (!pol->follow_symlinks || pol->serve_hidden)
		return path_openat2(
		    rootfd, rel, PATH_OPEN_FLAGS, pol->follow_symlinks);
	fd = path_openat2(rootfd, rel, PATH_OPEN_FLAGS, false);
	if (fd != -1 || errno != ELOOP)
		return fd;
	if ((fd = path_openat2(rootfd, rel, PATH_OPEN_FLAGS, true)) == -1)
		return -1;
	if (path_target_hidden(rootfd, fd)) {
		close(fd);
		errno = EPERM;
		return -1;
	}
	return fd;
}

enum path_result
path_open(int rootfd, const char *path, const struct path_policy *pol, int *fdp,
    struct stat *st)
{
	const char *rel = path;
	int fd = -1, e, mode;

	*fdp = -1;
	if (strlen(path) > DL_PATH_MAX)
		return PATH_TOO_LONG;
	if (!pol->serve_hidden && path_has_hidden(path))
		return PATH_FORBIDDEN;
	while (*rel == '/')
		rel++;
	if (*rel == '\0')
		return PATH_FORBIDDEN; /* the root directory itself */

	mode = atomic_load(&path_mode);
	if (mode != PATH_MODE_WALK) {
		fd = path_open_beneath(rootfd, rel, pol);
		e = errno;
		if (fd == -1 && (e == ENOSYS || e == EPERM) &&
		    path_openat2_unavailable(rootfd)) {
			path_set_mode(mode, PATH_MODE_WALK,
			    e == ENOSYS
				? "openat2 is not available (ENOSYS): paths "
				  "are "
				  "resolved by the component walk, symlinks "
				  "refused"
				: "openat2 is refused (EPERM, a seccomp "
				  "filter?): "
				  "paths are resolved by the component walk, "
				  "symlinks refused");
			mode = PATH_MODE_WALK;
		} else if (mode == PATH_MODE_UNKNOWN)
			path_set_mode(mode, PATH_MODE_OPENAT2,
			    "paths are resolved by openat2 (RESOLVE_BENEATH)");
		errno = e;
	}
	if (mode == PATH_MODE_WALK)
		fd = path_walk(rootfd, rel);
	if (fd == -1)
		return path_errno(errno);

	if (fstat(fd, st) == -1) {
		e = errno;
		close(fd);
		errno = e;
		return PATH_ERROR;
	}
	if (!S_ISREG(st->st_mode)) {
		close(fd);
		return PATH_FORBIDDEN;
	}
	*fdp = fd;
	return PATH_OK;
}
