/*
 * libFuzzer target for fcgi_guard_scan: the bytes a hostile FastCGI
 * peer sends. Checks the contract of fcgi_guard.h: a verdict for every
 * input, DONE only with 0 < used <= len and used <= max, a reason with
 * every REJECT, and every prefix of an accepted request being MORE.
 */
#include "autoconfig.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fcgi_guard.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum fcgi_guard_result r, rp;
	const char *why;
	size_t used, pused, max = 4096;
	unsigned char *buf;

	if (size > 0) {
		/* the first byte picks a limit, the rest is the stream */
		max = 16 + (size_t)data[0] * 64;
		data++;
		size--;
	}
	/* an exact-size copy: any read past size is an ASan error */
	if ((buf = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	r = fcgi_guard_scan(buf, size, max, &used, &why);
	switch (r) {
	case FCGI_GUARD_DONE:
		if (used == 0 || used > size || used > max)
			abort();
		rp = fcgi_guard_scan(buf, used - 1, max, &pused, &why);
		if (rp != FCGI_GUARD_MORE)
			abort();
		break;
	case FCGI_GUARD_REJECT:
		if (why == NULL)
			abort();
		break;
	case FCGI_GUARD_MORE:
		break;
	default:
		abort();
	}
	free(buf);
	return 0;
}
