/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * FastCGI v1.0 request parser and canonical re-framing (spec §3.3
 * records, §3.4 name-value pairs, §5.1 BEGIN_REQUEST). A state machine
 * over the bytes as they arrive: every byte is examined once, so a peer
 * that sends one byte per segment costs linear time.
 */
#include "autoconfig.h"

#include <string.h>

#include "fcgi_guard.h"

#define FG_HEADER_LEN 8
#define FG_VERSION_1 1
#define FG_BEGIN_REQUEST 1
#define FG_ABORT_REQUEST 2
#define FG_PARAMS 4
#define FG_STDIN 5
#define FG_RESPONDER 1

/* What libfcgi puts before the pairs it read (FCGX_Accept_r). */
static const char fg_role_entry[] = "FCGI_ROLE=RESPONDER";

/* Where the pairs start in buf: BEGIN_REQUEST and a PARAMS header. */
#define FG_PAIRS_AT 24

enum { FG_ST_HEADER, FG_ST_CONTENT, FG_ST_PADDING, FG_ST_DONE, FG_ST_REJECT };
enum { FG_PS_NAMELEN, FG_PS_VALUELEN, FG_PS_DATA };

/* The last record: its padding is read, then the request is done. */
#define FG_TYPE_END (-1)

void
fcgi_guard_init(struct fcgi_guard *g, unsigned char *buf, size_t buflen,
    uint64_t stdin_max, uint64_t hard_max)
{
	memset(g, 0, sizeof(*g));
	if (buflen > FCGI_GUARD_BUF_MAX)
		buflen = FCGI_GUARD_BUF_MAX;
	g->buf = buf;
	g->cap =
	    buflen > FCGI_GUARD_OVERHEAD ? buflen - FCGI_GUARD_OVERHEAD : 0;
	g->stdin_max = stdin_max;
	g->hard_max = hard_max;
	g->st = FG_ST_HEADER;
}

static enum fcgi_guard_result
fg_reject(struct fcgi_guard *g, const char *why)
{
	g->why = why;
	g->st = FG_ST_REJECT;
	return FCGI_GUARD_REJECT;
}

/* Bytes of a length in the shortest encoding of §3.4. */
static size_t
fg_len_size(uint32_t n)
{
	return n < 128 ? 1 : 4;
}

static unsigned char *
fg_put_len(unsigned char *p, uint32_t n)
{
	if (n < 128) {
		*p++ = (unsigned char)n;
		return p;
	}
	*p++ = (unsigned char)(0x80 | n >> 24);
	*p++ = (unsigned char)(n >> 16);
	*p++ = (unsigned char)(n >> 8);
	*p++ = (unsigned char)n;
	return p;
}

/* Judges a complete record header. */
static enum fcgi_guard_result
fg_header(struct fcgi_guard *g)
{
	const unsigned char *h = g->hdr;
	unsigned rid = (unsigned)h[2] << 8 | h[3];

	if (h[0] != FG_VERSION_1)
		return fg_reject(g, "record version is not 1");
	g->type = h[1];
	g->clen = (uint32_t)h[4] << 8 | h[5];
	g->plen = h[6];
	if (rid == 0)
		return fg_reject(g, "management record");
	if (g->nrec++ == 0) {
		if (g->type != FG_BEGIN_REQUEST || g->clen != 8)
			return fg_reject(
			    g, "first record is not BEGIN_REQUEST");
		g->id = rid;
	} else if (rid != g->id)
		return fg_reject(g, "second request id on one connection");
	else if (g->type == FG_ABORT_REQUEST)
		return fg_reject(g, "request aborted by the peer");
	else if (g->type != (g->params_done ? FG_STDIN : FG_PARAMS))
		return fg_reject(g, "unexpected record type");
	if (g->total + g->clen + g->plen > g->hard_max)
		return fg_reject(g, "request larger than the hard limit");
	if (g->type == FG_PARAMS && g->clen == 0) {
		if (g->ps != FG_PS_NAMELEN || g->nlb != 0)
			return fg_reject(
			    g, "PARAMS end inside a name-value pair");
		g->params_done = 1;
	} else if (g->type == FG_STDIN && g->clen == 0)
		g->type = FG_TYPE_END;
	else if (g->type == FG_STDIN) {
		g->stdin_len += g->clen;
		if (g->stdin_len > g->stdin_max && g->refuse == 0)
			g->refuse = 413;
	}
	if (g->clen > 0)
		g->st = FG_ST_CONTENT;
	else if (g->plen > 0)
		g->st = FG_ST_PADDING;
	else if (g->type == FG_TYPE_END)
		g->st = FG_ST_DONE;
	return FCGI_GUARD_MORE;
}

/* A pair's lengths are known: keep it if it fits. */
static enum fcgi_guard_result
fg_pair_start(struct fcgi_guard *g, uint32_t vlen)
{
	uint64_t need;
	unsigned char *p;

	g->left = (uint64_t)g->nlen + vlen;
	if (g->total + g->left > g->hard_max)
		return fg_reject(g, "request larger than the hard limit");
	need = fg_len_size(g->nlen) + fg_len_size(vlen) + g->left;
	g->keep = g->refuse == 0 && need <= g->cap - g->kept;
	if (g->keep) {
		p = g->buf + FG_PAIRS_AT + g->kept;
		p = fg_put_len(p, g->nlen);
		p = fg_put_len(p, vlen);
		g->kept = (size_t)(p - (g->buf + FG_PAIRS_AT));
	} else if (g->refuse == 0)
		g->refuse = 431;
	g->ps = g->left > 0 ? FG_PS_DATA : FG_PS_NAMELEN;
	return FCGI_GUARD_MORE;
}

/* n content bytes of a PARAMS record. */
static enum fcgi_guard_result
fg_params(struct fcgi_guard *g, const unsigned char *p, size_t n)
{
	uint32_t v;
	size_t k;

	while (n > 0) {
		if (g->ps == FG_PS_DATA) {
			k = g->left < n ? (size_t)g->left : n;
			if (g->keep) {
				memcpy(g->buf + FG_PAIRS_AT + g->kept, p, k);
				g->kept += k;
			}
			g->left -= k;
			p += k;
			n -= k;
			if (g->left == 0)
				g->ps = FG_PS_NAMELEN;
			continue;
		}
		g->lb[g->nlb++] = *p++;
		n--;
		if (g->nlb == 1 && (g->lb[0] & 0x80) == 0)
			v = g->lb[0];
		else if (g->nlb == 4)
			v = ((uint32_t)(g->lb[0] & 0x7f) << 24) |
			    ((uint32_t)g->lb[1] << 16) |
			    ((uint32_t)g->lb[2] << 8) | g->lb[3];
		else
			continue;
		g->nlb = 0;
		if (g->ps == FG_PS_NAMELEN) {
			g->nlen = v;
			g->ps = FG_PS_VALUELEN;
		} else if (fg_pair_start(g, v) == FCGI_GUARD_REJECT)
			return FCGI_GUARD_REJECT;
	}
	return FCGI_GUARD_MORE;
}

/* n content bytes of the current record. */
static enum fcgi_guard_result
fg_content(struct fcgi_guard *g, const unsigned char *p, size_t n)
{
	unsigned role;

	switch (g->type) {
	case FG_BEGIN_REQUEST:
		memcpy(g->body + g->nbody, p, n);
		g->nbody += (unsigned)n;
		if (g->nbody < sizeof(g->body))
			break;
		role = (unsigned)g->body[0] << 8 | g->body[1];
		if (role != FG_RESPONDER)
			return fg_reject(g, "role is not RESPONDER");
		g->flags = g->body[2];
		break;
	case FG_PARAMS:
		return fg_params(g, p, n);
	default: /* STDIN: counted in fg_header, not kept */
		break;
	}
	return FCGI_GUARD_MORE;
}

enum fcgi_guard_result
fcgi_guard_feed(
    struct fcgi_guard *g, const unsigned char *p, size_t n, size_t *used)
{
	size_t i = 0, k;

	while (i < n && g->st < FG_ST_DONE) {
		switch (g->st) {
		case FG_ST_HEADER:
			k = FG_HEADER_LEN - g->nhdr;
			k = k < n - i ? k : n - i;
			memcpy(g->hdr + g->nhdr, p + i, k);
			g->nhdr += (unsigned)k;
			i += k;
			g->total += k;
			if (g->nhdr < FG_HEADER_LEN)
				break;
			g->nhdr = 0;
			if (fg_header(g) == FCGI_GUARD_REJECT)
				goto out;
			break;
		case FG_ST_CONTENT:
			k = g->clen < n - i ? g->clen : n - i;
			if (fg_content(g, p + i, k) == FCGI_GUARD_REJECT)
				goto out;
			i += k;
			g->total += k;
			g->clen -= (uint32_t)k;
			if (g->clen > 0)
				break;
			if (g->plen > 0)
				g->st = FG_ST_PADDING;
			else
				g->st = g->type == FG_TYPE_END ? FG_ST_DONE
							       : FG_ST_HEADER;
			break;
		case FG_ST_PADDING:
			k = g->plen < n - i ? g->plen : n - i;
			i += k;
			g->total += k;
			g->plen -= (uint32_t)k;
			if (g->plen == 0)
				g->st = g->type == FG_TYPE_END ? FG_ST_DONE
							       : FG_ST_HEADER;
			break;
		}
	}
out:
	*used = i;
	if (g->st == FG_ST_DONE)
		return FCGI_GUARD_DONE;
	return g->st == FG_ST_REJECT ? FCGI_GUARD_REJECT : FCGI_GUARD_MORE;
}

static void
fg_record(unsigned char *p, int type, unsigned id, size_t clen)
{
	p[0] = FG_VERSION_1;
	p[1] = (unsigned char)type;
	p[2] = (unsigned char)(id >> 8);
	p[3] = (unsigned char)id;
	p[4] = (unsigned char)(clen >> 8);
	p[5] = (unsigned char)clen;
	p[6] = 0;
	p[7] = 0;
}

const unsigned char *
fcgi_guard_canonical(struct fcgi_guard *g, size_t *len)
{
	unsigned char *start, *p;

	/* Without pairs, no PARAMS record but the empty one. */
	start = g->kept > 0 ? g->buf : g->buf + FG_HEADER_LEN;
	p = start;
	fg_record(p, FG_BEGIN_REQUEST, g->id, 8);
	memset(p + FG_HEADER_LEN, 0, 8);
	p[FG_HEADER_LEN + 1] = FG_RESPONDER;
	/* No FCGI_KEEP_CONN: dlfcgi ends the connection with the request. */
	p += 2 * FG_HEADER_LEN;
	if (g->kept > 0) {
		fg_record(p, FG_PARAMS, g->id, g->kept);
		p += FG_HEADER_LEN + g->kept;
	}
	fg_record(p, FG_PARAMS, g->id, 0);
	fg_record(p + FG_HEADER_LEN, FG_STDIN, g->id, 0);
	p += 2 * FG_HEADER_LEN;
	*len = (size_t)(p - start);
	return start;
}

/* Decodes one length of the kept pairs (always well formed). */
static uint32_t
fg_get_len(const unsigned char **pp)
{
	const unsigned char *p = *pp;
	uint32_t v;

	if ((p[0] & 0x80) == 0) {
		*pp = p + 1;
		return p[0];
	}
	v = ((uint32_t)(p[0] & 0x7f) << 24) | ((uint32_t)p[1] << 16) |
	    ((uint32_t)p[2] << 8) | p[3];
	*pp = p + 4;
	return v;
}

int
fcgi_guard_pair(const struct fcgi_guard *g, size_t *off,
    const unsigned char **name, uint32_t *nlen, const unsigned char **value,
    uint32_t *vlen)
{
	const unsigned char *base = g->buf + FG_PAIRS_AT, *p;

	if (*off >= g->kept)
		return 0;
	p = base + *off;
	*nlen = fg_get_len(&p);
	*vlen = fg_get_len(&p);
	*name = p;
	*value = p + *nlen;
	*off = (size_t)(*value + *vlen - base);
	return 1;
}

void
fcgi_guard_strings(struct fcgi_guard *g)
{
	unsigned char *base = g->buf + FG_PAIRS_AT, *w = base;
	const unsigned char *name, *value;
	uint32_t nlen, vlen;
	size_t off = 0, n;

	if (g->strings)
		return;
	/*
	 * Each string is libfcgi's "name=value" up to its first NUL: all
	 * that a lookup can see of it. It takes at most the bytes of its
	 * encoded pair, so w never passes the pair being read.
	 */
	while (fcgi_guard_pair(g, &off, &name, &nlen, &value, &vlen)) {
		if ((n = strnlen((const char *)name, nlen)) < nlen) {
			memmove(w, name, n); /* "name" ends at the NUL */
			w[n] = '\0';
			w += n + 1;
			continue;
		}
		n = strnlen((const char *)value, vlen);
		memmove(w, name, nlen);
		w[nlen] = '=';
		memmove(w + nlen + 1, value, n);
		w[nlen + 1 + n] = '\0';
		w += nlen + n + 2;
	}
	g->kept = (size_t)(w - base);
	g->strings = 1;
}

const char *
fcgi_guard_param(const struct fcgi_guard *g, const char *name)
{
	const char *p, *end;
	size_t n = strlen(name);

	if (!g->strings)
		return NULL;
	/* libfcgi's first entry, before the peer's: the role can't be set */
	if (strncmp(fg_role_entry, name, n) == 0 && fg_role_entry[n] == '=')
		return &fg_role_entry[n + 1];
	p = (const char *)g->buf + FG_PAIRS_AT;
	end = p + g->kept;
	for (; p < end; p += strlen(p) + 1)
		if (strncmp(p, name, n) == 0 && p[n] == '=')
			return p + n + 1;
	return NULL;
}
