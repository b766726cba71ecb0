/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * Escaping for JSON, HTML and OpenMetrics label values. Pure.
 */
#include "autoconfig.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "escape.h"

enum esc_format { ESC_JSON, ESC_HTML, ESC_LABEL };

size_t
escape_utf8_len(const unsigned char *s)
{
	unsigned c = s[0];
	size_t n, i;
	unsigned cp;

	if (c < 0x80)
		return c != 0;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0; /* also stops at the NUL */
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/*
 * The escape of the character at s in format f into tmp (at least 16
 * bytes); *adv is set to the bytes of s it covers. Returns its length.
 */
static size_t
esc_one(enum esc_format f, const unsigned char *s, char *tmp, size_t *adv)
{
	static const char fffd[] = "\xef\xbf\xbd";
	unsigned c = s[0];
	size_t n = escape_utf8_len(s);

	*adv = n > 0 ? n : 1;
	if (n == 0) {
		/* not UTF-8 */
		if (f == ESC_JSON)
			return (size_t)snprintf(tmp, 16, "\\u%04x", c);
		memcpy(tmp, fffd, 4);
		return 3;
	}
	if (n > 1) {
		if (f == ESC_JSON && n == 3 && c == 0xe2 && s[1] == 0x80 &&
		    (s[2] == 0xa8 || s[2] == 0xa9))
			return (size_t)snprintf(
			    tmp, 16, "\\u%s", s[2] == 0xa8 ? "2028" : "2029");
		memcpy(tmp, s, n);
		return n;
	}
	switch (f) {
	case ESC_JSON:
		if (c == '"' || c == '\\')
			return (size_t)snprintf(tmp, 16, "\\%c", c);
		if (c == '\n')
			return (size_t)snprintf(tmp, 16, "\\n");
		if (c == '\r')
			return (size_t)snprintf(tmp, 16, "\\r");
		if (c == '\t')
			return (size_t)snprintf(tmp, 16, "\\t");
		if (c < 0x20 || c == 0x7f)
			return (size_t)snprintf(tmp, 16, "\\u%04x", c);
		break;
	case ESC_HTML:
		if (c == '&')
			return (size_t)snprintf(tmp, 16, "&amp;");
		if (c == '<')
			return (size_t)snprintf(tmp, 16, "&lt;");
		if (c == '>')
			return (size_t)snprintf(tmp, 16, "&gt;");
		if (c == '"')
			return (size_t)snprintf(tmp, 16, "&quot;");
		if (c == '\'')
			return (size_t)snprintf(tmp, 16, "&#39;");
		if (c < 0x20 || c == 0x7f) {
			memcpy(tmp, fffd, 4);
			return 3;
		}
		break;
	case ESC_LABEL:
		if (c == '"' || c == '\\')
			return (size_t)snprintf(tmp, 16, "\\%c", c);
		if (c == '\n')
			return (size_t)snprintf(tmp, 16, "\\n");
		if (c < 0x20 || c == 0x7f) {
			memcpy(tmp, fffd, 4);
			return 3;
		}
		break;
	}
	tmp[0] = (char)c;
	tmp[1] = '\0';
	return 1;
}

static const char *
esc_as(enum esc_format f, const char *s, char *out, size_t outlen)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	char tmp[16];
	size_t o = 0, n, adv;

	while (*p != '\0') {
		n = esc_one(f, p, tmp, &adv);
		if (o + n >= outlen)
			break;
		memcpy(out + o, tmp, n);
		o += n;
		p += adv;
	}
	out[o] = '\0';
	return out;
}

const char *
escape_json(const char *s, char *out, size_t outlen)
{
	return esc_as(ESC_JSON, s, out, outlen);
}

const char *
escape_html(const char *s, char *out, size_t outlen)
{
	return esc_as(ESC_HTML, s, out, outlen);
}

const char *
escape_label(const char *s, char *out, size_t outlen)
{
	return esc_as(ESC_LABEL, s, out, outlen);
}
