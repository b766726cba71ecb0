#ifndef DLFCGI_MIME_H
#define DLFCGI_MIME_H

#include <stdio.h>

struct mime_table;

/*
 * Reads a mime.types(5) file ("type ext ext ...", '#' comments). Lines
 * that do not parse are reported to errfp as "dlfcgi: FILE:LINE: ..."
 * and skipped. Returns a table (never NULL; empty when file is NULL),
 * or NULL with errno set if file cannot be read.
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
