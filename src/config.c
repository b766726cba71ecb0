/*
 * Configuration: libconfig syntax, flat keys, validated against one
 * schema table. Every error is reported with FILE:LINE before failing,
 * so one run of `dlfcgi -t` shows them all.
 */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <libconfig.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "limits.h"
#include "listen.h"
#include "range.h"

enum conf_type {
	CONF_INT,
	CONF_BOOL,
	CONF_STRING,
};

struct conf_key {
	const char *name;
	enum conf_type type;
	size_t offset;
	long long min, max; /* CONF_INT only */
	/* CONF_STRING only: returns NULL or why the value is refused. */
	const char *(*check)(const char *value, char *buf, size_t buflen);
};

static const char *check_root(const char *, char *, size_t);
static const char *check_listen(const char *, char *, size_t);
static const char *check_readable(const char *, char *, size_t);
static const char *check_media_type(const char *, char *, size_t);
static const char *check_disposition(const char *, char *, size_t);
static const char *check_header_value(const char *, char *, size_t);

#define OFF(m) offsetof(struct dl_config, m)
static const struct conf_key conf_keys[] = {
    {"root", CONF_STRING, OFF(root), 0, 0, check_root},
    {"listen", CONF_STRING, OFF(listen), 0, 0, check_listen},
    {"threads", CONF_INT, OFF(threads), 1, DL_THREADS_MAX, NULL},
    {"buffer_size", CONF_INT, OFF(buffer_size), DL_BUFFER_SIZE_MIN,
	DL_BUFFER_SIZE_MAX, NULL},
    {"mime_types", CONF_STRING, OFF(mime_types), 0, 0, check_readable},
    {"default_type", CONF_STRING, OFF(default_type), 0, 0, check_media_type},
    {"follow_symlinks", CONF_BOOL, OFF(follow_symlinks), 0, 0, NULL},
    {"serve_hidden", CONF_BOOL, OFF(serve_hidden), 0, 0, NULL},
    {"hide_forbidden", CONF_BOOL, OFF(hide_forbidden), 0, 0, NULL},
    {"request_timeout", CONF_INT, OFF(request_timeout), 1, DL_TIMEOUT_MAX,
	NULL},
    {"send_timeout", CONF_INT, OFF(send_timeout), 1, DL_TIMEOUT_MAX, NULL},
    {"max_ranges", CONF_INT, OFF(max_ranges), 0, RANGE_PARSE_MAX, NULL},
    {"disposition", CONF_STRING, OFF(disposition), 0, 0, check_disposition},
    {"cache_control", CONF_STRING, OFF(cache_control), 0, 0,
	check_header_value},
};
#undef OFF

static char *
xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		abort(); /* out of memory at start-up: nothing sane to do */
	return p;
}

void
config_defaults(struct dl_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->threads = DL_THREADS_DEFAULT;
	cfg->buffer_size = DL_BUFFER_SIZE_DEFAULT;
	cfg->mime_types = xstrdup(DL_MIME_TYPES_DEFAULT);
	cfg->default_type = xstrdup(DL_DEFAULT_TYPE_DEFAULT);
	cfg->request_timeout = DL_REQUEST_TIMEOUT_DEFAULT;
	cfg->send_timeout = DL_SEND_TIMEOUT_DEFAULT;
	cfg->max_ranges = DL_MAX_RANGES_DEFAULT;
	cfg->disposition = xstrdup("none");
	cfg->disposition_type = DISPOSITION_NONE;
}

void
config_free(struct dl_config *cfg)
{
	free(cfg->file);
	free(cfg->root);
	free(cfg->listen);
	free(cfg->mime_types);
	free(cfg->default_type);
	free(cfg->disposition);
	free(cfg->cache_control);
	memset(cfg, 0, sizeof(*cfg));
}

static const char *
check_root(const char *v, char *buf, size_t len)
{
	int fd;

	if (v[0] != '/')
		return "root must be an absolute path";
	fd = open(v, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1) {
		snprintf(buf, len, "root \"%s\": %s", v, strerror(errno));
		return buf;
	}
	close(fd);
	return NULL;
}

static const char *
check_listen(const char *v, char *buf, size_t len)
{
	struct listen_addr a;
	char why[128];

	if (listen_parse(v, &a, why, sizeof(why)) == -1) {
		snprintf(buf, len, "listen \"%s\": %s", v, why);
		return buf;
	}
	return NULL;
}

static const char *
check_readable(const char *v, char *buf, size_t len)
{
	int fd = open(v, O_RDONLY | O_CLOEXEC);

	if (fd == -1) {
		snprintf(buf, len, "mime_types \"%s\": %s", v, strerror(errno));
		return buf;
	}
	close(fd);
	return NULL;
}

/* RFC 9110 §8.3.1: type "/" subtype, tokens; parameters are allowed. */
static const char *
check_media_type(const char *v, char *buf, size_t len)
{
	const char *slash = strchr(v, '/');
	const unsigned char *p;

	if (slash == NULL || slash == v || slash[1] == '\0')
		goto bad;
	for (p = (const unsigned char *)v; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			goto bad;
	return NULL;
bad:
	snprintf(buf, len,
	    "default_type \"%s\" is not a media type such as "
	    "\"application/octet-stream\"",
	    v);
	return buf;
}

static const char *
check_disposition(const char *v, char *buf, size_t len)
{
	if (strcmp(v, "none") == 0 || strcmp(v, "attachment") == 0 ||
	    strcmp(v, "inline") == 0)
		return NULL;
	snprintf(buf, len,
	    "disposition must be \"none\", \"attachment\" or \"inline\", "
	    "not \"%s\"",
	    v);
	return buf;
}

/* A header field value of our own: visible ASCII and spaces only. */
static const char *
check_header_value(const char *v, char *buf, size_t len)
{
	const unsigned char *p;

	for (p = (const unsigned char *)v; *p != '\0'; p++)
		if ((*p < 0x20 && *p != '\t') || *p >= 0x7f) {
			snprintf(buf, len,
			    "cache_control must be printable ASCII on one "
			    "line");
			return buf;
		}
	if (*v == '\0' || strlen(v) > DL_HEADER_VALUE_MAX) {
		snprintf(buf, len, "cache_control must be 1 to %d characters",
		    DL_HEADER_VALUE_MAX);
		return buf;
	}
	return NULL;
}

static const char *
conf_type_name(enum conf_type t)
{
	switch (t) {
	case CONF_INT:
		return "an integer";
	case CONF_BOOL:
		return "true or false";
	case CONF_STRING:
		return "a string";
	}
	return "?";
}

static void conf_error(FILE *errfp, const char *file, const config_setting_t *s,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
conf_error(FILE *errfp, const char *file, const config_setting_t *s,
    const char *fmt, ...)
{
	va_list ap;
	const char *f = NULL;

	if (s != NULL)
		f = config_setting_source_file(s);
	if (f == NULL)
		f = file;
	if (s != NULL)
		fprintf(
		    errfp, "dlfcgi: %s:%u: ", f, config_setting_source_line(s));
	else
		fprintf(errfp, "dlfcgi: %s: ", f);
	va_start(ap, fmt);
	vfprintf(errfp, fmt, ap);
	va_end(ap);
	fputc('\n', errfp);
}

/* Stores one setting into cfg; returns 0 or 1 (errors counted). */
static int
conf_apply(const struct conf_key *k, config_setting_t *s, struct dl_config *cfg,
    FILE *errfp)
{
	char *base = (char *)cfg + k->offset;
	char why[512];
	const char *msg;
	long long v;
	int t = config_setting_type(s);

	switch (k->type) {
	case CONF_INT:
		if (t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64)
			break;
		v = config_setting_get_int64(s);
		if (v < k->min || v > k->max) {
			conf_error(errfp, cfg->file, s,
			    "%s must be between %lld and %lld, not %lld",
			    k->name, k->min, k->max, v);
			return 1;
		}
		*(int *)(void *)base = (int)v;
		return 0;
	case CONF_BOOL:
		if (t != CONFIG_TYPE_BOOL)
			break;
		*(bool *)(void *)base = config_setting_get_bool(s) != 0;
		return 0;
	case CONF_STRING:
		if (t != CONFIG_TYPE_STRING)
			break;
		if (k->check != NULL &&
		    (msg = k->check(config_setting_get_string(s), why,
			 sizeof(why))) != NULL) {
			conf_error(errfp, cfg->file, s, "%s", msg);
			return 1;
		}
		free(*(char **)(void *)base);
		*(char **)(void *)base = xstrdup(config_setting_get_string(s));
		return 0;
	}
	conf_error(errfp, cfg->file, s, "%s must be %s", k->name,
	    conf_type_name(k->type));
	return 1;
}

int
config_load(const char *file, struct dl_config *cfg, FILE *errfp)
{
	config_t lc;
	config_setting_t *top, *s;
	const struct conf_key *k;
	FILE *fp;
	int errors = 0, i, n, seen_root = 0;
	size_t j;

	config_defaults(cfg);
	cfg->file = xstrdup(file);
	if ((fp = fopen(file, "re")) == NULL) {
		fprintf(errfp, "dlfcgi: %s: %s\n", file, strerror(errno));
		config_free(cfg);
		return 1;
	}
	config_init(&lc);
	if (config_read(&lc, fp) != CONFIG_TRUE) {
		fprintf(errfp, "dlfcgi: %s:%d: %s\n",
		    config_error_file(&lc) ? config_error_file(&lc) : file,
		    config_error_line(&lc), config_error_text(&lc));
		errors++;
		goto done;
	}
	top = config_root_setting(&lc);
	n = config_setting_length(top);
	for (i = 0; i < n; i++) {
		s = config_setting_get_elem(top, i);
		k = NULL;
		for (j = 0; j < sizeof(conf_keys) / sizeof(conf_keys[0]); j++)
			if (strcmp(config_setting_name(s), conf_keys[j].name) ==
			    0)
				k = &conf_keys[j];
		if (k == NULL) {
			conf_error(errfp, file, s, "unknown key \"%s\"",
			    config_setting_name(s));
			errors++;
			continue;
		}
		if (strcmp(k->name, "root") == 0)
			seen_root = 1;
		errors += conf_apply(k, s, cfg, errfp);
	}
	if (!seen_root) {
		conf_error(errfp, file, NULL,
		    "root is not set (the directory to serve)");
		errors++;
	}
	if (strcmp(cfg->disposition, "attachment") == 0)
		cfg->disposition_type = DISPOSITION_ATTACHMENT;
	else if (strcmp(cfg->disposition, "inline") == 0)
		cfg->disposition_type = DISPOSITION_INLINE;
done:
	config_destroy(&lc);
	fclose(fp);
	if (errors > 0)
		config_free(cfg);
	return errors;
}
