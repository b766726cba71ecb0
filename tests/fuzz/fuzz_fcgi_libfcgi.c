/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * Differential libFuzzer target: fcgi_guard against the real libfcgi.
 * For every input the guard accepts (as fcgi.c sets it up, 32 KiB
 * buffer), its canonical request goes through a pipe to libfcgi's
 * FCGX_Accept_r, which must accept it and yield exactly
 * the parameters the guard kept: FCGI_ROLE=RESPONDER, then one
 * "name=value" per kept pair, in order, equal as C strings (what any
 * FCGX_GetParam caller can see), the same request id, an empty STDIN;
 * and fcgi_guard_param() (the lookup the daemon uses: fcgi.c no
 * longer calls libfcgi) must agree with FCGX_GetParam() for every name.
 * Never a
 * crash: libfcgi only ever sees canonical bytes.
 */
#include "autoconfig.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "fcgi_guard.h"

#define BUF 32768
#define STDIN_MAX 32768
#define HARD_MAX (16 * 1024 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned char buf[BUF], expect[BUF + 2];
static char name[BUF];

static void
write_all(int fd, const unsigned char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, p, n)) <= 0)
			abort(); /* the pipe holds 64 KiB: never short */
		p += w;
		n -= (size_t)w;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int inited;
	struct fcgi_guard g;
	FCGX_Request req;
	const unsigned char *c, *n, *v;
	const char *lib, *own, *eq;
	char sink[256];
	size_t used, clen, off = 0, e, i;
	uint32_t nl, vl;
	int p[2];

	if (!inited) {
		if (FCGX_Init() != 0)
			abort();
		inited = 1;
	}
	fcgi_guard_init(&g, buf, sizeof(buf), STDIN_MAX, HARD_MAX);
	if (fcgi_guard_feed(&g, data, size, &used) != FCGI_GUARD_DONE)
		return 0;
	c = fcgi_guard_canonical(&g, &clen);
	if (pipe2(p, O_CLOEXEC) == -1)
		abort();
	write_all(p[1], c, clen);
	close(p[1]);
	FCGX_InitRequest(&req, -1, 0);
	req.ipcFd = p[0];
	req.keepConnection = 1;
	if (FCGX_Accept_r(&req) != 0)
		abort(); /* libfcgi refused a canonical request */
	if (req.requestId != (int)g.id || req.role != 1 ||
	    strcmp(req.envp[0], "FCGI_ROLE=RESPONDER") != 0)
		abort();
	for (i = 1; fcgi_guard_pair(&g, &off, &n, &nl, &v, &vl); i++) {
		if (req.envp[i] == NULL)
			abort();
		/* "name=value" as a C string: up to its first NUL */
		memcpy(expect, n, nl);
		expect[nl] = '=';
		memcpy(expect + nl + 1, v, vl);
		expect[nl + 1 + vl] = '\0';
		e = strlen((const char *)expect);
		if (strlen(req.envp[i]) != e || memcmp(req.envp[i], expect, e))
			abort();
	}
	if (req.envp[i] != NULL)
		abort();
	if (FCGX_GetStr(sink, sizeof(sink), req.in) != 0 ||
	    FCGX_GetError(req.in) != 0)
		abort();
	/* The guard's own lookup agrees with libfcgi's, name by name. */
	fcgi_guard_strings(&g);
	for (i = 1; req.envp[i] != NULL; i++) {
		/* a NUL before any '=': no name to look up */
		if ((eq = strchr(req.envp[i], '=')) == NULL)
			continue;
		memcpy(name, req.envp[i], (size_t)(eq - req.envp[i]));
		name[eq - req.envp[i]] = '\0';
		lib = FCGX_GetParam(name, req.envp);
		own = fcgi_guard_param(&g, name);
		if (lib == NULL || own == NULL || strcmp(lib, own) != 0)
			abort();
	}
	close(p[0]);
	req.ipcFd = -1;
	FCGX_Free(&req, 0);
	return 0;
}
