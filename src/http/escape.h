/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
#ifndef DLFCGI_ESCAPE_H
#define DLFCGI_ESCAPE_H

#include <stddef.h>

/*
 * Escaping of strings that came from outside (paths, clients, methods,
 * ranges, request ids) for each format dlfcgi writes: whatever bytes s
 * holds, the output is valid in its format. Each writes into out
 * (outlen bytes, at least 1, always terminated); a value that does not
 * fit is cut before a whole character or escape, never inside one.
 * Pure. Each returns out.
 *
 * Bytes that are not valid UTF-8 (RFC 3629: no overlongs, surrogates or
 * code points above U+10FFFF) are never passed through:
 *   JSON   a JSON string's contents (RFC 8259 §7): " \ and controls
 *          escaped (\" \\ \n \r \t \u00XX), U+2028/U+2029 as \u2028
 *          \u2029 (so the text is also a JavaScript literal), each
 *          invalid byte as \u00XX (lossless: a valid non-ASCII
 *          character is never escaped, so \u0080-\u00ff names a byte).
 *   HTML   text or a quoted attribute value: & < > " ' as entities,
 *          controls and invalid bytes as U+FFFD.
 *   label  an OpenMetrics / Prometheus label value: \ " and newline as
 *          \\ \" \n, other controls and invalid bytes as U+FFFD (the
 *          exposition must be UTF-8 and has no other escapes).
 */
const char *escape_json(const char *s, char *out, size_t outlen);
const char *escape_html(const char *s, char *out, size_t outlen);
const char *escape_label(const char *s, char *out, size_t outlen);

/*
 * The length of the valid UTF-8 sequence at s (1-4), or 0 if s[0]
 * does not start one. s is NUL-terminated.
 */
size_t escape_utf8_len(const unsigned char *s);

#endif
