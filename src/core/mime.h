/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
#ifndef DLFCGI_MIME_H
#define DLFCGI_MIME_H

#include <stdio.h>

struct mime_table;

/*
 * Reads a mime.types(5) file ("type ext ext ...", '#' comments). Lines
 * that do not parse, and types longer than DL_MEDIA_TYPE_MAX, are
 * reported to errfp as "dlfcgi: FILE:LINE: ..." and skipped. The first
 * DL_MIME_ENTRIES_MAX extensions are kept; where the file has more, the
 * line of the first one left out is reported and the rest ignored.
 * Returns a table (never NULL; empty when file is NULL), or NULL with
 * errno set if file cannot be read.
 */
struct mime_table *mime_load(const char *file, FILE *errfp);

/*
 * Content-Type for the file name name (the extension after the last
 * '.' of the last component, compared case-insensitively), or deftype.
 * The returned string lives as long as the table. Thread-safe.
 */
const char *mime_lookup(
    const struct mime_table *t, const char *name, const char *deftype);

/* Number of extensions in the table. */
size_t mime_count(const struct mime_table *t);

void mime_free(struct mime_table *t);

#endif
