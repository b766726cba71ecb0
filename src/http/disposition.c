/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * Content-Disposition, RFC 6266 with RFC 8187 ext-value encoding.
 */
#include "autoconfig.h"

#include <stdbool.h>
#include <string.h>

#include "disposition.h"

/* RFC 8187 §3.2.1 attr-char */
static bool
disposition_attr_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || strchr("!#$&+-.^_`|~", c) != NULL;
}

/* Printable ASCII that may stand in a quoted-string as is. */
static bool
disposition_plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '%' &&
	    c != ';';
}

int
disposition_format(
    enum disposition_type type, const char *name, char *out, size_t outlen)
{
	static const char hex[] = "0123456789ABCDEF";
	const char *base = strrchr(name, '/'), *t;
	const unsigned char *p;
	size_t o = 0;
	bool ext = false;

	base = base != NULL ? base + 1 : name;
	t = type == DISPOSITION_INLINE ? "inline" : "attachment";

#define PUT(c)                       \
	do {                         \
		if (o + 1 >= outlen) \
			return -1;   \
		out[o++] = (c);      \
	} while (0)

	for (; *t != '\0'; t++)
		PUT(*t);
	if (*base == '\0') {
		out[o] = '\0';
		return 0;
	}
	for (t = "; filename=\""; *t != '\0'; t++)
		PUT(*t);
	for (p = (const unsigned char *)base; *p != '\0'; p++) {
		if (disposition_plain(*p))
			PUT((char)*p);
		else
			PUT('_');
		if (!disposition_plain(*p))
			ext = true;
	}
	PUT('"');
	if (ext) {
		for (t = "; filename*=UTF-8''"; *t != '\0'; t++)
			PUT(*t);
		for (p = (const unsigned char *)base; *p != '\0'; p++) {
			if (disposition_attr_char(*p))
				PUT((char)*p);
			else {
				PUT('%');
				PUT(hex[*p >> 4]);
				PUT(hex[*p & 15]);
			}
		}
	}
#undef PUT
	out[o] = '\0';
	return 0;
}
