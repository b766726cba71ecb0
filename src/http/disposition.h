/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
#ifndef DLFCGI_DISPOSITION_H
#define DLFCGI_DISPOSITION_H

#include <stddef.h>

enum disposition_type {
	DISPOSITION_NONE,
	DISPOSITION_ATTACHMENT,
	DISPOSITION_INLINE,
};

/*
 * Formats a Content-Disposition value (RFC 6266) for the file name
 * name (the last component of a path) into out: the type, a quoted
 * ASCII `filename` fallback in which every byte that is not printable
 * ASCII, and every '"', '\\', '%' and ';', becomes '_', and, when the
 * name is not plain ASCII, `filename*=UTF-8''` with every byte outside
 * RFC 8187 attr-char percent-encoded. The result never holds a control
 * character, CR or LF. Returns 0, or -1 if out (outlen) is too small.
 * Pure.
 */
int disposition_format(
    enum disposition_type type, const char *name, char *out, size_t outlen);

#endif
