/*
 * FastCGI v1.0 request framing check (spec §3.3 records, §3.4
 * name-value pairs, §5.1 BEGIN_REQUEST).
 */
#include "autoconfig.h"

#include <stdint.h>

#include "fcgi_guard.h"

#define FG_HEADER_LEN 8
#define FG_VERSION_1 1
#define FG_BEGIN_REQUEST 1
#define FG_ABORT_REQUEST 2
#define FG_PARAMS 4
#define FG_STDIN 5
#define FG_RESPONDER 1

/* Name-value pair decoder state, fed content bytes across records. */
struct fg_pairs {
	int state;	     /* 0 name length, 1 value length, 2 skip bytes */
	unsigned char lb[4]; /* length bytes seen */
	int nlb;
	uint32_t nlen;
	uint64_t skip;
};

/*
 * Feeds n content bytes; returns -1 if a pair claims more than max
 * bytes in all (which also rules out sums past INT_MAX).
 */
static int
fg_pairs_feed(struct fg_pairs *pp, const unsigned char *p, size_t n, size_t max)
{
	uint32_t v;

	while (n > 0) {
		if (pp->state == 2) {
			uint64_t k = pp->skip < n ? pp->skip : n;

			pp->skip -= k;
			p += k;
			n -= (size_t)k;
			if (pp->skip == 0)
				pp->state = 0;
			continue;
		}
		pp->lb[pp->nlb++] = *p++;
		n--;
		if (pp->nlb == 1 && (pp->lb[0] & 0x80) == 0)
			v = pp->lb[0];
		else if (pp->nlb == 4)
			v = ((uint32_t)(pp->lb[0] & 0x7f) << 24) |
			    ((uint32_t)pp->lb[1] << 16) |
			    ((uint32_t)pp->lb[2] << 8) | pp->lb[3];
		else
			continue;
		pp->nlb = 0;
		if (pp->state == 0) {
			pp->nlen = v;
			pp->state = 1;
			continue;
		}
		pp->skip = (uint64_t)pp->nlen + v;
		if (pp->skip > max)
			return -1;
		pp->state = pp->skip > 0 ? 2 : 0;
	}
	return 0;
}

enum fcgi_guard_result
fcgi_guard_scan(const unsigned char *buf, size_t len, size_t max, size_t *used,
    const char **why)
{
	struct fg_pairs pp = {0};
	size_t pos = 0, clen, plen;
	unsigned id = 0, rid;
	int type, params_done = 0;

	*used = 0;
	*why = NULL;
	for (;;) {
		if (pos > max) {
			*why = "request larger than the limit";
			return FCGI_GUARD_REJECT;
		}
		if (len - pos < FG_HEADER_LEN)
			return FCGI_GUARD_MORE;
		if (buf[pos] != FG_VERSION_1) {
			*why = "record version is not 1";
			return FCGI_GUARD_REJECT;
		}
		type = buf[pos + 1];
		rid = (unsigned)buf[pos + 2] << 8 | buf[pos + 3];
		clen = (size_t)buf[pos + 4] << 8 | buf[pos + 5];
		plen = buf[pos + 6];
		if (rid == 0) {
			*why = "management record";
			return FCGI_GUARD_REJECT;
		}
		if (pos == 0) {
			if (type != FG_BEGIN_REQUEST || clen != 8) {
				*why = "first record is not BEGIN_REQUEST";
				return FCGI_GUARD_REJECT;
			}
			id = rid;
		} else if (rid != id) {
			*why = "second request id on one connection";
			return FCGI_GUARD_REJECT;
		} else if (type == FG_ABORT_REQUEST) {
			*why = "request aborted by the peer";
			return FCGI_GUARD_REJECT;
		} else if (type != (params_done ? FG_STDIN : FG_PARAMS)) {
			*why = "unexpected record type";
			return FCGI_GUARD_REJECT;
		}
		if (pos + FG_HEADER_LEN + clen + plen > max) {
			*why = "request larger than the limit";
			return FCGI_GUARD_REJECT;
		}
		/* Content must be complete before it is judged. */
		if (len - pos < FG_HEADER_LEN + clen + plen)
			return FCGI_GUARD_MORE;
		if (type == FG_BEGIN_REQUEST) {
			unsigned role =
			    (unsigned)buf[pos + 8] << 8 | buf[pos + 9];

			if (role != FG_RESPONDER) {
				*why = "role is not RESPONDER";
				return FCGI_GUARD_REJECT;
			}
		} else if (type == FG_PARAMS && clen > 0) {
			if (fg_pairs_feed(&pp, buf + pos + FG_HEADER_LEN, clen,
				max) == -1) {
				*why = "name-value pair longer than the limit";
				return FCGI_GUARD_REJECT;
			}
		} else if (type == FG_PARAMS) {
			if (pp.state != 0 || pp.nlb != 0) {
				*why = "PARAMS end inside a name-value pair";
				return FCGI_GUARD_REJECT;
			}
			params_done = 1;
		} else if (type == FG_STDIN && clen == 0) {
			*used = pos + FG_HEADER_LEN + plen;
			return FCGI_GUARD_DONE;
		}
		pos += FG_HEADER_LEN + clen + plen;
	}
}
