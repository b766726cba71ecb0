/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * dlfcgi-sign(1): prints a signed link for the file below root that a
 * path names, with the keys of dlfcgi's configuration and the server's
 * own canonical string and MAC (sign.c, signkeys.c). Before printing,
 * the link is verified as dlfcgi would verify it at the first second
 * it is good, so a link it prints is one the server accepts.
 */
#include "autoconfig.h"

#include <arpa/inet.h>

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "config.h"
#include "sign.h"
#include "signkeys.h"

static void usage(int) __attribute__((noreturn));

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: dlfcgi-sign [-hV] [-c file] [-k kid] -e seconds | -x time\n"
	    "                   [-n time] [-a address] [-p prefix] [-d name]\n"
	    "                   [-r rate] [-t time] [path]\n"
	    "  -c file     configuration file (default $DLFCGI_CONF, else "
	    "%s)\n"
	    "  -k kid      sign with this key of sign_keys (default: the "
	    "first)\n"
	    "  -e seconds  the link expires this many seconds from now\n"
	    "  -x time     the link expires at time (seconds since the "
	    "epoch)\n"
	    "  -n time     not valid before time (nbf)\n"
	    "  -a address  only for clients in the network of address (ip)\n"
	    "  -p prefix   good for every file below prefix (pfx); path is\n"
	    "              the one the link is written for (default: prefix)\n"
	    "  -d name     Content-Disposition file name (dl)\n"
	    "  -r rate     bandwidth cap in bytes per second (rate)\n"
	    "  -t time     sign as if the time were time (default: now)\n"
	    "  -V          print the version and exit\n"
	    "  -h          print this help and exit\n",
	    DL_DEFAULT_CONFIG);
	exit(status);
}

/* A decimal number of 1 to SIGN_NUM_DIGITS digits, no sign, or exit. */
static int64_t
number(const char *opt, const char *s, int64_t min)
{
	int64_t v = 0;
	size_t i, n = strlen(s);

	if (n == 0 || n > SIGN_NUM_DIGITS)
		goto bad;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9' ||
		    v > (INT64_MAX - (s[i] - '0')) / 10)
			goto bad;
		v = v * 10 + (s[i] - '0');
	}
	if (v < min)
		goto bad;
	return v;
bad:
	fprintf(stderr,
	    "dlfcgi-sign: -%s %s: expected a whole number from %" PRId64
	    " to %" PRId64 "\n",
	    opt, s, min, INT64_MAX);
	exit(1);
}

/* A path normalized as dlfcgi compares it, into out, or exit. */
static void
normalize(const char *what, const char *s, bool prefix, char *out, size_t len)
{
	if (s[0] != '/' ||
	    sign_normalize_path(s, strlen(s), prefix, out, len) == -1) {
		fprintf(stderr,
		    "dlfcgi-sign: %s %s: expected a path below root, "
		    "starting with '/', without \"..\", of at most %d bytes\n",
		    what, s, SIGN_VALUE_MAX);
		exit(1);
	}
}

/*
 * Verifies link (path and query) as dlfcgi would at now, from client:
 * SIGN_OK or why not.
 */
static enum sign_result
verify(const struct dl_config *cfg, const char *path, const char *link,
    int64_t now, const char *client)
{
	struct sign_policy pol = {
	    .keys = &cfg->sign_keys,
	    .now = now,
	    .max_lifetime = 0, /* checked by main() against the clock */
	    .skew = 0,
	    .prefix4 = cfg->sign_ip_prefix4,
	    .prefix6 = cfg->sign_ip_prefix6,
	};
	static struct sign_query q;
	const char *qs = strchr(link, '?');

	if (qs == NULL)
		return SIGN_MISSING;
	qs++;
	return sign_verify(&pol, path, qs, strlen(qs), client, &q);
}

int
main(int argc, char *argv[])
{
	static struct dl_config cfg;
	static char link[SIGN_LINK_MAX];
	char path[SIGN_VALUE_MAX + 1] = "", pfx[SIGN_VALUE_MAX + 2] = "";
	unsigned char addr[16];
	const char *file = NULL, *kid = NULL, *ip = "", *dl = "",
		   *arg_pfx = NULL;
	const struct sign_key *k;
	struct sign_params p;
	int64_t now, exp = -1, life = -1, nbf = -1, rate = -1, ts = -1;
	enum sign_result r;
	int ch, n, rc = 1;

	while ((ch = getopt(argc, argv, "a:c:d:e:hk:n:p:r:t:Vx:")) != -1) {
		switch (ch) {
		case 'a':
			ip = optarg;
			break;
		case 'c':
			file = optarg;
			break;
		case 'd':
			dl = optarg;
			break;
		case 'e':
			life = number("e", optarg, 1);
			break;
		case 'k':
			kid = optarg;
			break;
		case 'n':
			nbf = number("n", optarg, 0);
			break;
		case 'p':
			arg_pfx = optarg;
			break;
		case 'r':
			rate = number("r", optarg, 1);
			break;
		case 't':
			ts = number("t", optarg, 0);
			break;
		case 'x':
			exp = number("x", optarg, 0);
			break;
		case 'V':
			printf("dlfcgi-sign %s\n", PACKAGE_VERSION);
			return 0;
		case 'h':
			usage(0);
		default:
			usage(1);
		}
	}
	argc -= optind;
	argv += optind;
	if ((life == -1) == (exp == -1) || argc > 1 ||
	    (argc == 0 && arg_pfx == NULL)) {
		fprintf(stderr,
		    "dlfcgi-sign: give a path (or -p), and one "
		    "of -e and -x\n");
		usage(1);
	}
	now = ts != -1 ? ts : (int64_t)time(NULL);
	if (life != -1) {
		if (life > INT64_MAX - now) {
			fprintf(stderr,
			    "dlfcgi-sign: -e %" PRId64 ": too far ahead\n",
			    life);
			return 1;
		}
		exp = now + life;
	}
	if (arg_pfx != NULL)
		normalize("-p", arg_pfx, true, pfx, sizeof(pfx));
	if (argc == 1)
		normalize("path", argv[0], false, path, sizeof(path));
	if (pfx[0] != '\0' && path[0] != '\0' && !sign_path_below(path, pfx)) {
		fprintf(
		    stderr, "dlfcgi-sign: %s is not below -p %s\n", path, pfx);
		return 1;
	}
	if (ip[0] != '\0' && inet_pton(AF_INET, ip, addr) != 1 &&
	    inet_pton(AF_INET6, ip, addr) != 1) {
		fprintf(stderr,
		    "dlfcgi-sign: -a %s: not an IPv4 or IPv6 "
		    "address\n",
		    ip);
		return 1;
	}
	if (strlen(dl) > SIGN_DL_MAX || strchr(dl, '/') != NULL) {
		fprintf(stderr,
		    "dlfcgi-sign: -d %s: a file name of at most %d "
		    "bytes, without '/'\n",
		    dl, SIGN_DL_MAX);
		return 1;
	}
	if (exp < now) {
		fprintf(
		    stderr, "dlfcgi-sign: -x %" PRId64 ": already past\n", exp);
		return 1;
	}
	if (nbf > exp) {
		fprintf(stderr,
		    "dlfcgi-sign: -n %" PRId64
		    " is after the expiry: the link would never "
		    "be good\n",
		    nbf);
		return 1;
	}

	if (file == NULL)
		file = getenv("DLFCGI_CONF");
	if (file == NULL)
		file = DL_DEFAULT_CONFIG;
	if (config_load(file, &cfg, stderr) != 0)
		return 1;
	if (cfg.sign_keys.n == 0) {
		fprintf(stderr,
		    "dlfcgi-sign: %s: no sign_keys: nothing to "
		    "sign with\n",
		    file);
		goto done;
	}
	k = kid == NULL ? &cfg.sign_keys.k[0]
			: signkeys_find(&cfg.sign_keys, kid);
	if (k == NULL) {
		fprintf(stderr, "dlfcgi-sign: %s: no key \"%s\" in sign_keys\n",
		    file, kid);
		goto done;
	}
	if (cfg.sign_max_lifetime > 0 && exp - now > cfg.sign_max_lifetime) {
		fprintf(stderr,
		    "dlfcgi-sign: the link would live %" PRId64
		    " s, more than sign_max_lifetime (%d s) allows: dlfcgi "
		    "would refuse it\n",
		    exp - now, cfg.sign_max_lifetime);
		goto done;
	}
	if (rate != -1 && cfg.limit_rate > 0 && rate > cfg.limit_rate)
		fprintf(stderr,
		    "dlfcgi-sign: warning: -r %" PRId64
		    " is above limit_rate (%lld): the download gets "
		    "limit_rate\n",
		    rate, cfg.limit_rate);

	memset(&p, 0, sizeof(p));
	p.path = pfx[0] != '\0' ? "" : path;
	p.pfx = pfx;
	p.exp = exp;
	p.has_nbf = nbf != -1;
	p.nbf = nbf;
	p.kid = k->id;
	p.ip = ip;
	p.dl = dl;
	p.has_rate = rate != -1;
	p.rate = rate;
	if ((n = sign_make(k, &p, path[0] != '\0' ? path : NULL, link,
		 sizeof(link))) == -1) {
		fprintf(
		    stderr, "dlfcgi-sign: cannot sign: %s\n", strerror(errno));
		goto done;
	}
	/* At the first second it is good, from the address it is bound to. */
	r = verify(&cfg, path[0] != '\0' ? path : pfx, link,
	    nbf > now ? nbf : now, ip[0] != '\0' ? ip : NULL);
	/* a prefix link without a file is checked on the prefix itself */
	if (r != SIGN_OK && !(r == SIGN_SCOPE && path[0] == '\0')) {
		fprintf(stderr,
		    "dlfcgi-sign: the link would be refused (%s): not "
		    "printed\n",
		    sign_result_reason(r));
		goto done;
	}
	if (printf("%.*s\n", n, link) < 0 || fflush(stdout) == EOF) {
		fprintf(stderr, "dlfcgi-sign: stdout: %s\n", strerror(errno));
		goto done;
	}
	rc = 0;
done:
	config_free(&cfg);
	return rc;
}
