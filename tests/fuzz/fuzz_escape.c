/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * libFuzzer target for escape.h. Input: any bytes (up to the first
 * NUL), escaped into a buffer of a length the first byte chooses. Every
 * output must be valid UTF-8 and valid in its format; JSON must decode
 * back to a prefix of the input (whole input when the buffer was large
 * enough), byte for byte.
 */
#include "autoconfig.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define IN_MAX 512

static void
valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	while (*p != '\0') {
		if ((n = escape_utf8_len(p)) == 0)
			abort();
		p += n;
	}
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	abort();
}

/* Decodes JSON string contents; returns the decoded length. */
static size_t
json_decode(const char *s, char *dec)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0;
	unsigned cp;
	int i;

	while (*p != '\0') {
		if (*p < 0x20 || *p == '"')
			abort();
		if (*p != '\\') {
			dec[o++] = (char)*p++;
			continue;
		}
		switch (p[1]) {
		case '"':
		case '\\':
			dec[o++] = (char)p[1];
			p += 2;
			break;
		case 'n':
			dec[o++] = '\n';
			p += 2;
			break;
		case 'r':
			dec[o++] = '\r';
			p += 2;
			break;
		case 't':
			dec[o++] = '\t';
			p += 2;
			break;
		case 'u':
			for (cp = 0, i = 2; i < 6; i++)
				cp = cp * 16 + (unsigned)hexval((char)p[i]);
			p += 6;
			if (cp == 0x2028 || cp == 0x2029) {
				memcpy(dec + o,
				    cp == 0x2028 ? "\xe2\x80\xa8"
						 : "\xe2\x80\xa9",
				    3);
				o += 3;
			} else if (cp < 0x100)
				dec[o++] = (char)cp; /* a control or a byte */
			else
				abort();
			break;
		default:
			abort();
		}
	}
	return o;
}

static void
check_html(const char *s)
{
	static const char *const ents[] = {
	    "&amp;", "&lt;", "&gt;", "&quot;", "&#39;"};
	size_t i;

	valid_utf8(s);
	for (; *s != '\0'; s++) {
		if (*s == '<' || *s == '>' || *s == '"' || *s == '\'' ||
		    (unsigned char)*s < 0x20 || *s == 0x7f)
			abort();
		if (*s != '&')
			continue;
		for (i = 0; i < 5; i++)
			if (strncmp(s, ents[i], strlen(ents[i])) == 0)
				break;
		if (i == 5)
			abort();
	}
}

static void
check_label(const char *s)
{
	valid_utf8(s);
	for (; *s != '\0'; s++) {
		if (*s == '"' || (unsigned char)*s < 0x20 || *s == 0x7f)
			abort();
		if (*s == '\\') {
			if (s[1] != '\\' && s[1] != '"' && s[1] != 'n')
				abort();
			s++;
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char in[IN_MAX + 1], out[IN_MAX * 6 + 16], dec[IN_MAX * 6 + 16];
	size_t n, outlen, len;

	if (size < 1)
		return 0;
	outlen = data[0] == 0 ? sizeof(out) : data[0];
	n = size - 1 > IN_MAX ? IN_MAX : size - 1;
	memcpy(in, data + 1, n);
	in[n] = '\0';
	n = strlen(in);

	escape_json(in, out, outlen);
	if (strlen(out) >= outlen)
		abort();
	valid_utf8(out);
	len = json_decode(out, dec);
	if (len > n || memcmp(dec, in, len) != 0)
		abort();
	if (outlen == sizeof(out) && len != n)
		abort();

	escape_html(in, out, outlen);
	if (strlen(out) >= outlen)
		abort();
	check_html(out);

	escape_label(in, out, outlen);
	if (strlen(out) >= outlen)
		abort();
	check_label(out);
	return 0;
}
