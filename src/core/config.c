/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * Configuration: libconfig syntax, flat keys, validated against one
 * schema table. Every error is reported with FILE:LINE before failing,
 * so one run of `dlfcgi -t` shows them all.
 */
#include "autoconfig.h"

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <libconfig.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "bounds.h"
#include "listen.h"
#include "offload.h"
#include "range.h"

enum conf_type {
	CONF_INT,
	CONF_INT64,
	CONF_PEERS,
	CONF_PATHS,
	CONF_SIGNKEYS,
	CONF_BOOL,
	CONF_STRING,
};

struct conf_key {
	const char *name;
	enum conf_type type;
	size_t offset;
	long long min, max; /* CONF_INT only */
	/*
	 * CONF_STRING only: returns NULL or why the value of key is
	 * refused, a message that names key (one check may serve two).
	 */
	const char *(*check)(
	    const char *key, const char *value, char *buf, size_t buflen);
};

static const char *check_root(const char *, const char *, char *, size_t);
static const char *check_listen(const char *, const char *, char *, size_t);
static const char *check_readable(const char *, const char *, char *, size_t);
static const char *check_media_type(const char *, const char *, char *, size_t);
static const char *check_disposition(
    const char *, const char *, char *, size_t);
static const char *check_header_value(
    const char *, const char *, char *, size_t);
static const char *check_etag_format(
    const char *, const char *, char *, size_t);
static const char *check_offload(const char *, const char *, char *, size_t);
static const char *check_offload_prefix(
    const char *, const char *, char *, size_t);
static const char *check_mode(const char *, const char *, char *, size_t);
static const char *check_user(const char *, const char *, char *, size_t);
static const char *check_group(const char *, const char *, char *, size_t);
static const char *check_log(const char *, const char *, char *, size_t);
static const char *check_path(const char *, const char *, char *, size_t);
static const char *check_log_format(const char *, const char *, char *, size_t);
static const char *check_param_name(const char *, const char *, char *, size_t);
static const char *check_admin_path(const char *, const char *, char *, size_t);
static const char *check_ping_response(
    const char *, const char *, char *, size_t);
static void conf_error(FILE *, const char *, const config_setting_t *,
    const char *, ...) __attribute__((format(printf, 4, 5)));

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
    {"sendfile", CONF_BOOL, OFF(sendfile), 0, 0, NULL},
    {"request_timeout", CONF_INT, OFF(request_timeout), 1, DL_TIMEOUT_MAX,
	NULL},
    {"send_timeout", CONF_INT, OFF(send_timeout), 1, DL_TIMEOUT_MAX, NULL},
    {"send_buffer", CONF_INT, OFF(send_buffer), 0, DL_SEND_BUFFER_MAX, NULL},
    {"max_ranges", CONF_INT, OFF(max_ranges), 0, RANGE_PARSE_MAX, NULL},
    {"disposition", CONF_STRING, OFF(disposition), 0, 0, check_disposition},
    {"cache_control", CONF_STRING, OFF(cache_control), 0, 0,
	check_header_value},
    {"etag_format", CONF_STRING, OFF(etag_format), 0, 0, check_etag_format},
    {"offload", CONF_STRING, OFF(offload), 0, 0, check_offload},
    {"offload_prefix", CONF_STRING, OFF(offload_prefix), 0, 0,
	check_offload_prefix},
    {"offload_encode", CONF_BOOL, OFF(offload_encode), 0, 0, NULL},
    {"offload_min_size", CONF_INT64, OFF(offload_min_size), 0, LLONG_MAX, NULL},
    {"workers", CONF_INT, OFF(workers), 0, DL_WORKERS_MAX, NULL},
    {"max_requests", CONF_INT, OFF(max_requests), 0, INT_MAX, NULL},
    {"shutdown_timeout", CONF_INT, OFF(shutdown_timeout), 0, DL_TIMEOUT_MAX,
	NULL},
    {"queue_timeout", CONF_INT, OFF(queue_timeout), 1, DL_QUEUE_TIMEOUT_MAX,
	NULL},
    {"keepalive_timeout", CONF_INT, OFF(keepalive_timeout), 1, DL_TIMEOUT_MAX,
	NULL},
    {"keepalive_max", CONF_INT, OFF(keepalive_max), 0, DL_KEEPALIVE_MAX_MAX,
	NULL},
    {"listen_mode", CONF_STRING, OFF(listen_mode), 0, 0, check_mode},
    {"listen_owner", CONF_STRING, OFF(listen_owner), 0, 0, check_user},
    {"listen_group", CONF_STRING, OFF(listen_group), 0, 0, check_group},
    {"user", CONF_STRING, OFF(user), 0, 0, check_user},
    {"group", CONF_STRING, OFF(group), 0, 0, check_group},
    {"allowed_peers", CONF_PEERS, OFF(allowed_peers), 0, DL_PEERS_MAX, NULL},
    {"max_clients_per_ip", CONF_INT, OFF(max_clients_per_ip), 0, INT_MAX, NULL},
    {"max_conns_per_file_per_ip", CONF_INT, OFF(max_conns_per_file_per_ip), 0,
	INT_MAX, NULL},
    {"rate_per_ip", CONF_INT, OFF(rate_per_ip), 0, DL_RATE_PER_IP_MAX, NULL},
    {"rate_burst", CONF_INT, OFF(rate_burst), 1, DL_RATE_BURST_MAX, NULL},
    {"limit_rate", CONF_INT64, OFF(limit_rate), 0, DL_RATE_MAX, NULL},
    {"limit_rate_after", CONF_INT64, OFF(limit_rate_after), 0, LLONG_MAX, NULL},
    {"min_rate", CONF_INT64, OFF(min_rate), 0, DL_RATE_MAX, NULL},
    {"min_rate_window", CONF_INT, OFF(min_rate_window), 1, DL_TIMEOUT_MAX,
	NULL},
    {"max_duration", CONF_INT, OFF(max_duration), 0, INT_MAX, NULL},
    {"sign_required", CONF_BOOL, OFF(sign_required), 0, 0, NULL},
    {"sign_paths", CONF_PATHS, OFF(sign_paths), 0, DL_SIGN_PATHS_MAX, NULL},
    {"sign_keys", CONF_SIGNKEYS, OFF(sign_keys), 0, DL_SIGN_KEYS_MAX, NULL},
    {"sign_max_lifetime", CONF_INT, OFF(sign_max_lifetime), 0,
	DL_SIGN_MAX_LIFETIME_MAX, NULL},
    {"sign_clock_skew", CONF_INT, OFF(sign_clock_skew), 0,
	DL_SIGN_CLOCK_SKEW_MAX, NULL},
    {"sign_status", CONF_INT, OFF(sign_status), 400, 599, NULL},
    {"sign_ip_prefix4", CONF_INT, OFF(sign_ip_prefix4), 1, 32, NULL},
    {"sign_ip_prefix6", CONF_INT, OFF(sign_ip_prefix6), 1, 128, NULL},
    {"status_path", CONF_STRING, OFF(status_path), 0, 0, check_admin_path},
    {"metrics_path", CONF_STRING, OFF(metrics_path), 0, 0, check_admin_path},
    {"ping_path", CONF_STRING, OFF(ping_path), 0, 0, check_admin_path},
    {"ping_response", CONF_STRING, OFF(ping_response), 0, 0,
	check_ping_response},
    {"status_allowed", CONF_PEERS, OFF(status_allowed), 0, DL_PEERS_MAX, NULL},
    {"error_log", CONF_STRING, OFF(error_log), 0, 0, check_log},
    {"access_log", CONF_STRING, OFF(access_log), 0, 0, check_path},
    {"access_log_format", CONF_STRING, OFF(access_log_format), 0, 0,
	check_log_format},
    {"slowlog", CONF_STRING, OFF(slowlog), 0, 0, check_path},
    {"slowlog_ttfb", CONF_INT, OFF(slowlog_ttfb), 0, DL_TIMEOUT_MAX, NULL},
    {"slowlog_stall", CONF_INT, OFF(slowlog_stall), 0, DL_TIMEOUT_MAX, NULL},
    {"request_id_param", CONF_STRING, OFF(request_id_param), 0, 0,
	check_param_name},
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
	static const char *const peers[] = DL_ALLOWED_PEERS_DEFAULT;
	static const char *const admins[] = DL_STATUS_ALLOWED_DEFAULT;
	size_t i;

	_Static_assert(sizeof(peers) / sizeof(peers[0]) <= DL_PEERS_MAX,
	    "DL_ALLOWED_PEERS_DEFAULT fits allowed_peers");
	_Static_assert(sizeof(admins) / sizeof(admins[0]) <= DL_PEERS_MAX,
	    "DL_STATUS_ALLOWED_DEFAULT fits status_allowed");

	memset(cfg, 0, sizeof(*cfg));
	cfg->threads = DL_THREADS_DEFAULT;
	cfg->buffer_size = DL_BUFFER_SIZE_DEFAULT;
	cfg->mime_types = xstrdup(DL_MIME_TYPES_DEFAULT);
	cfg->default_type = xstrdup(DL_DEFAULT_TYPE_DEFAULT);
	cfg->request_timeout = DL_REQUEST_TIMEOUT_DEFAULT;
	cfg->send_timeout = DL_SEND_TIMEOUT_DEFAULT;
	cfg->send_buffer = DL_SEND_BUFFER_AUTO;
	cfg->max_ranges = DL_MAX_RANGES_DEFAULT;
	cfg->disposition = xstrdup(DL_DISPOSITION_DEFAULT);
	cfg->disposition_type = DISPOSITION_NONE;
	cfg->sendfile = true;
	cfg->etag_format = xstrdup(DL_ETAG_FORMAT_DEFAULT);
	cfg->offload = xstrdup(DL_OFFLOAD_DEFAULT);
	cfg->offload_mode = OFFLOAD_NONE;
	cfg->offload_min_size = DL_OFFLOAD_MIN_SIZE_DEFAULT;
	cfg->offload_encode = true;
	cfg->workers = DL_WORKERS_DEFAULT;
	cfg->shutdown_timeout = DL_SHUTDOWN_TIMEOUT_DEFAULT;
	cfg->queue_timeout = DL_QUEUE_TIMEOUT_DEFAULT;
	cfg->keepalive_timeout = DL_KEEPALIVE_TIMEOUT_DEFAULT;
	cfg->keepalive_max = DL_KEEPALIVE_MAX_DEFAULT;
	cfg->listen_mode = xstrdup(DL_LISTEN_MODE_DEFAULT);
	cfg->listen_mode_bits =
	    (unsigned)strtoul(DL_LISTEN_MODE_DEFAULT, NULL, 8);
	for (i = 0; i < sizeof(peers) / sizeof(peers[0]); i++)
		if (peer_parse(peers[i], &cfg->allowed_peers[i]) == 0)
			cfg->nallowed_peers++;
	cfg->max_clients_per_ip = DL_MAX_CLIENTS_PER_IP_AUTO;
	cfg->rate_burst = DL_RATE_BURST_DEFAULT;
	cfg->min_rate_window = DL_MIN_RATE_WINDOW_DEFAULT;
	cfg->sign_max_lifetime = DL_SIGN_MAX_LIFETIME_DEFAULT;
	cfg->sign_clock_skew = DL_SIGN_CLOCK_SKEW_DEFAULT;
	cfg->sign_status = DL_SIGN_STATUS_DEFAULT;
	cfg->sign_ip_prefix4 = DL_SIGN_IP_PREFIX4_DEFAULT;
	cfg->sign_ip_prefix6 = DL_SIGN_IP_PREFIX6_DEFAULT;
	cfg->error_log = xstrdup(DL_ERROR_LOG_DEFAULT);
	cfg->access_log_format = xstrdup("text");
	cfg->slowlog_ttfb = DL_SLOWLOG_TTFB_DEFAULT;
	cfg->slowlog_stall = DL_SLOWLOG_STALL_DEFAULT;
	cfg->request_id_param = xstrdup(DL_REQUEST_ID_PARAM_DEFAULT);
	cfg->ping_response = xstrdup(DL_PING_RESPONSE_DEFAULT);
	for (i = 0; i < sizeof(admins) / sizeof(admins[0]); i++)
		if (peer_parse(admins[i], &cfg->status_allowed[i]) == 0)
			cfg->nstatus_allowed++;
}

bool
config_sign_needed(const struct dl_config *cfg, const char *path)
{
	char norm[SIGN_VALUE_MAX + 2];
	size_t i;

	if (cfg->sign_required)
		return true;
	if (cfg->nsign_paths == 0)
		return false;
	/* a path that does not normalize is refused as if it needed one */
	if (sign_normalize_path(path, strlen(path), true, norm, sizeof(norm)) ==
	    -1)
		return true;
	for (i = 0; i < cfg->nsign_paths; i++)
		if (sign_path_below(norm, cfg->sign_paths[i]))
			return true;
	return false;
}

int
config_fair_share(const struct dl_config *cfg)
{
	long long pool =
	    (long long)(cfg->workers > 0 ? cfg->workers : 1) * cfg->threads;

	return pool / DL_CLIENT_SHARE > 0 ? (int)(pool / DL_CLIENT_SHARE) : 1;
}

void
config_free(struct dl_config *cfg)
{
	size_t i;

	free(cfg->file);
	free(cfg->root);
	free(cfg->listen);
	free(cfg->mime_types);
	free(cfg->default_type);
	free(cfg->disposition);
	free(cfg->cache_control);
	free(cfg->etag_format);
	free(cfg->offload);
	free(cfg->offload_prefix);
	free(cfg->listen_mode);
	free(cfg->listen_owner);
	free(cfg->listen_group);
	free(cfg->user);
	free(cfg->group);
	free(cfg->error_log);
	free(cfg->access_log);
	free(cfg->access_log_format);
	free(cfg->slowlog);
	free(cfg->request_id_param);
	free(cfg->status_path);
	free(cfg->metrics_path);
	free(cfg->ping_path);
	free(cfg->ping_response);
	for (i = 0; i < cfg->nsign_paths; i++)
		free(cfg->sign_paths[i]);
	signkeys_clear(&cfg->sign_keys);
	memset(cfg, 0, sizeof(*cfg));
}

static const char *
check_root(const char *key, const char *v, char *buf, size_t len)
{
	int fd;

	if (v[0] != '/') {
		snprintf(buf, len, "%s must be an absolute path", key);
		return buf;
	}
	fd = open(v, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1) {
		snprintf(buf, len, "%s \"%s\": %s", key, v, strerror(errno));
		return buf;
	}
	close(fd);
	return NULL;
}

static const char *
check_listen(const char *key, const char *v, char *buf, size_t len)
{
	struct listen_addr a;
	char why[128];

	if (listen_parse(v, &a, why, sizeof(why)) == -1) {
		snprintf(buf, len, "%s \"%s\": %s", key, v, why);
		return buf;
	}
	return NULL;
}

static const char *
check_readable(const char *key, const char *v, char *buf, size_t len)
{
	struct stat st;
	int fd = open(v, O_RDONLY | O_CLOEXEC);

	if (fd != -1 && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))
		errno = EISDIR;
	else if (fd != -1) {
		close(fd);
		return NULL;
	}
	if (fd != -1)
		close(fd);
	snprintf(buf, len, "%s \"%s\": %s", key, v, strerror(errno));
	return buf;
}

/* RFC 9110 §8.3.1: type "/" subtype, tokens; parameters are allowed. */
static const char *
check_media_type(const char *key, const char *v, char *buf, size_t len)
{
	const char *slash = strchr(v, '/');
	const unsigned char *p;

	if (slash == NULL || slash == v || slash[1] == '\0')
		goto bad;
	for (p = (const unsigned char *)v; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			goto bad;
	/* It goes into Content-Type and every multipart part header. */
	if (strlen(v) > DL_MEDIA_TYPE_MAX) {
		snprintf(buf, len, "%s is %zu characters long, at most %d", key,
		    strlen(v), DL_MEDIA_TYPE_MAX);
		return buf;
	}
	return NULL;
bad:
	snprintf(buf, len,
	    "%s \"%s\" is not a media type such as "
	    "\"application/octet-stream\"",
	    key, v);
	return buf;
}

static const char *
check_disposition(const char *key, const char *v, char *buf, size_t len)
{
	if (strcmp(v, "none") == 0 || strcmp(v, "attachment") == 0 ||
	    strcmp(v, "inline") == 0)
		return NULL;
	snprintf(buf, len,
	    "%s must be \"none\", \"attachment\" or \"inline\", "
	    "not \"%s\"",
	    key, v);
	return buf;
}

static const char *
check_etag_format(const char *key, const char *v, char *buf, size_t len)
{
	if (strcmp(v, "dlfcgi") == 0 || strcmp(v, "nginx") == 0)
		return NULL;
	snprintf(
	    buf, len, "%s must be \"dlfcgi\" or \"nginx\", not \"%s\"", key, v);
	return buf;
}

static const char *
check_offload(const char *key, const char *v, char *buf, size_t len)
{
	if (strcmp(v, "none") == 0 || strcmp(v, "x-accel-redirect") == 0 ||
	    strcmp(v, "x-sendfile") == 0)
		return NULL;
	snprintf(buf, len,
	    "%s must be \"none\", \"x-accel-redirect\" or "
	    "\"x-sendfile\", not \"%s\"",
	    key, v);
	return buf;
}

/*
 * An nginx URI prefix: "/", then segments of RFC 3986 unreserved bytes,
 * ending in "/"; never "." or ".." (nginx refuses those in the header).
 */
static const char *
check_offload_prefix(const char *key, const char *v, char *buf, size_t len)
{
	size_t n = strlen(v), i;

	if (n < 2 || n > DL_OFFLOAD_PREFIX_MAX || v[0] != '/' ||
	    v[n - 1] != '/' || strstr(v, "//") != NULL ||
	    strstr(v, "/./") != NULL || strstr(v, "/../") != NULL)
		goto bad;
	for (i = 0; i < n; i++)
		if (!((v[i] >= 'a' && v[i] <= 'z') ||
			(v[i] >= 'A' && v[i] <= 'Z') ||
			(v[i] >= '0' && v[i] <= '9') || v[i] == '-' ||
			v[i] == '.' || v[i] == '_' || v[i] == '~' ||
			v[i] == '/'))
			goto bad;
	return NULL;
bad:
	snprintf(buf, len,
	    "%s must be a URI prefix such as \"/_dlfcgi/\": '/', "
	    "segments of letters, digits, '-', '.', '_', '~', a final "
	    "'/', at most %d bytes",
	    key, DL_OFFLOAD_PREFIX_MAX);
	return buf;
}

const char *
config_offload_warning(const struct dl_config *cfg, char *buf, size_t len)
{
	if (cfg->offload_mode == OFFLOAD_NONE ||
	    (cfg->max_clients_per_ip == 0 &&
		cfg->max_conns_per_file_per_ip == 0 && cfg->min_rate == 0 &&
		cfg->max_duration == 0))
		return NULL;
	snprintf(buf, len,
	    "offload = %s: max_clients_per_ip (%d), "
	    "max_conns_per_file_per_ip (%d), min_rate (%lld) and "
	    "max_duration (%d) end when dlfcgi answers, not when the web "
	    "server has sent the file; limit the transfer in the web server "
	    "(nginx limit_conn, send_timeout) or set them to 0",
	    cfg->offload, cfg->max_clients_per_ip,
	    cfg->max_conns_per_file_per_ip, cfg->min_rate, cfg->max_duration);
	return buf;
}

/* A header field value of our own: visible ASCII and spaces only. */
static const char *
check_header_value(const char *key, const char *v, char *buf, size_t len)
{
	const unsigned char *p;

	for (p = (const unsigned char *)v; *p != '\0'; p++)
		if ((*p < 0x20 && *p != '\t') || *p >= 0x7f) {
			snprintf(buf, len,
			    "%s must be printable ASCII on one line", key);
			return buf;
		}
	if (*v == '\0' || strlen(v) > DL_HEADER_VALUE_MAX) {
		snprintf(buf, len, "%s must be 1 to %d characters", key,
		    DL_HEADER_VALUE_MAX);
		return buf;
	}
	return NULL;
}

static const char *
check_mode(const char *key, const char *v, char *buf, size_t len)
{
	char *end;
	unsigned long m;

	errno = 0;
	m = strtoul(v, &end, 8);
	if (*v < '0' || *v > '7' || errno != 0 || *end != '\0' || m > 0777) {
		snprintf(buf, len,
		    "%s must be an octal mode such as \"0660\", "
		    "not \"%s\"",
		    key, v);
		return buf;
	}
	return NULL;
}

static const char *
check_user(const char *key, const char *v, char *buf, size_t len)
{
	if (getpwnam(v) == NULL) {
		snprintf(buf, len, "%s \"%s\": no such user", key, v);
		return buf;
	}
	return NULL;
}

static const char *
check_group(const char *key, const char *v, char *buf, size_t len)
{
	if (getgrnam(v) == NULL) {
		snprintf(buf, len, "%s \"%s\": no such group", key, v);
		return buf;
	}
	return NULL;
}

/*
 * A log file that exists must be a regular file: opening a FIFO blocks
 * until a reader comes, and writing to a FIFO, a terminal or a device
 * can block every thread that logs. Whether it can be opened is found
 * out when it is opened, at start-up (a reload, running as `user`,
 * keeps the logs).
 */
static const char *
check_log_file(const char *key, const char *v, char *buf, size_t len)
{
	struct stat st;

	if (stat(v, &st) == -1 || S_ISREG(st.st_mode))
		return NULL;
	snprintf(buf, len,
	    "%s \"%s\" is %s, not a regular file (a log that is not a "
	    "regular file could block dlfcgi)",
	    key, v,
	    S_ISFIFO(st.st_mode)       ? "a FIFO"
		: S_ISDIR(st.st_mode)  ? "a directory"
		: S_ISSOCK(st.st_mode) ? "a socket"
		: S_ISCHR(st.st_mode)  ? "a character device"
				       : "a special file");
	return buf;
}

/* access_log: an absolute path of a regular file (key names it). */
static const char *
check_path(const char *key, const char *v, char *buf, size_t len)
{
	if (v[0] != '/') {
		snprintf(buf, len, "%s must be an absolute path, not \"%s\"",
		    key, v);
		return buf;
	}
	return check_log_file(key, v, buf, len);
}

/*
 * status_path, metrics_path, ping_path: a PATH_INFO compared whole, so
 * "/" and then visible ASCII only (no space, no control, nothing that
 * a web server would have decoded differently: no '%').
 */
static const char *
check_admin_path(const char *key, const char *v, char *buf, size_t len)
{
	const unsigned char *p;

	if (v[0] != '/' || v[1] == '\0' || strlen(v) > DL_ADMIN_PATH_MAX) {
		snprintf(buf, len,
		    "%s must be a path such as \"/_status\" of 2 to %d "
		    "characters",
		    key, DL_ADMIN_PATH_MAX);
		return buf;
	}
	for (p = (const unsigned char *)v; *p != '\0'; p++)
		if (*p <= 0x20 || *p >= 0x7f || *p == '%' || *p == '?') {
			snprintf(buf, len,
			    "%s must be visible ASCII without '%%' or '?'",
			    key);
			return buf;
		}
	return NULL;
}

/* ping_response: the body of a 200, printable ASCII, one line. */
static const char *
check_ping_response(const char *key, const char *v, char *buf, size_t len)
{
	const unsigned char *p;

	for (p = (const unsigned char *)v; *p != '\0'; p++)
		if (*p < 0x20 || *p >= 0x7f) {
			snprintf(buf, len,
			    "%s must be printable ASCII on one line", key);
			return buf;
		}
	if (strlen(v) > DL_PING_RESPONSE_MAX) {
		snprintf(buf, len, "%s must be at most %d characters", key,
		    DL_PING_RESPONSE_MAX);
		return buf;
	}
	return NULL;
}

/* access_log_format: "text" or "json". */
static const char *
check_log_format(const char *key, const char *v, char *buf, size_t len)
{
	if (strcmp(v, "text") == 0 || strcmp(v, "json") == 0)
		return NULL;
	snprintf(
	    buf, len, "%s must be \"text\" or \"json\", not \"%s\"", key, v);
	return buf;
}

/* request_id_param: a FastCGI parameter name, [A-Za-z0-9_]. */
static const char *
check_param_name(const char *key, const char *v, char *buf, size_t len)
{
	size_t i, n = strlen(v);

	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)v[i]) && v[i] != '_')
			break;
	if (n > 0 && n <= DL_REQUEST_ID_PARAM_MAX && i == n)
		return NULL;
	snprintf(buf, len,
	    "%s must be a parameter name of 1 to %d letters, digits or "
	    "'_' (as HTTP_X_REQUEST_ID)",
	    key, DL_REQUEST_ID_PARAM_MAX);
	return buf;
}

/* "syslog", "stderr" or an absolute path. */
static const char *
check_log(const char *key, const char *v, char *buf, size_t len)
{
	if (strcmp(v, "syslog") == 0 || strcmp(v, "stderr") == 0)
		return NULL;
	if (v[0] != '/') {
		snprintf(buf, len,
		    "%s must be \"syslog\", \"stderr\" or an absolute "
		    "path, not \"%s\"",
		    key, v);
		return buf;
	}
	return check_log_file(key, v, buf, len);
}

/* allowed_peers = [ "127.0.0.1", "10.0.0.0/8", ... ]; (status_allowed) */
static int
conf_peers(const struct conf_key *k, config_setting_t *s, struct dl_config *cfg,
    FILE *errfp)
{
	const char *key = k->name;
	struct peer_net *nets =
	    (struct peer_net *)(void *)((char *)cfg + k->offset);
	size_t *count = k->offset == offsetof(struct dl_config, status_allowed)
	    ? &cfg->nstatus_allowed
	    : &cfg->nallowed_peers;
	config_setting_t *e;
	int i, n = config_setting_length(s), errors = 0;

	if (n > DL_PEERS_MAX) {
		conf_error(errfp, cfg->file, s, "%s has %d entries, at most %d",
		    key, n, DL_PEERS_MAX);
		return 1;
	}
	*count = 0;
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(s, i);
		if (config_setting_type(e) != CONFIG_TYPE_STRING ||
		    peer_parse(config_setting_get_string(e), &nets[*count]) ==
			-1) {
			conf_error(errfp, cfg->file, e,
			    "%s entries must be addresses or networks such as "
			    "\"10.0.0.0/8\"",
			    key);
			errors++;
			continue;
		}
		(*count)++;
	}
	return errors;
}

/* sign_paths = [ "/private/", "/paid/" ]; kept normalized. */
static int
conf_paths(
    const char *key, config_setting_t *s, struct dl_config *cfg, FILE *errfp)
{
	char norm[SIGN_VALUE_MAX + 2];
	const char *v;
	config_setting_t *e;
	int i, n = config_setting_length(s), errors = 0;

	if (n > DL_SIGN_PATHS_MAX) {
		conf_error(errfp, cfg->file, s, "%s has %d entries, at most %d",
		    key, n, DL_SIGN_PATHS_MAX);
		return 1;
	}
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(s, i);
		v = config_setting_type(e) == CONFIG_TYPE_STRING
		    ? config_setting_get_string(e)
		    : NULL;
		if (v == NULL || v[0] != '/' ||
		    sign_normalize_path(
			v, strlen(v), true, norm, sizeof(norm)) == -1) {
			conf_error(errfp, cfg->file, e,
			    "%s entries must be paths below root such as "
			    "\"/private/\" (no \"..\")",
			    key);
			errors++;
			continue;
		}
		cfg->sign_paths[cfg->nsign_paths++] = xstrdup(norm);
	}
	return errors;
}

/* sign_keys = ( { id = "k2"; file = "/etc/dlfcgi/keys/k2"; }, ... ); */
static int
conf_signkeys(
    const char *key, config_setting_t *s, struct dl_config *cfg, FILE *errfp)
{
	struct signkeys *ks = &cfg->sign_keys;
	config_setting_t *e;
	const char *id, *file, *why;
	char buf[512];
	int i, n = config_setting_length(s), errors = 0;

	if (n > DL_SIGN_KEYS_MAX) {
		conf_error(errfp, cfg->file, s, "%s has %d entries, at most %d",
		    key, n, DL_SIGN_KEYS_MAX);
		return 1;
	}
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(s, i);
		id = file = NULL;
		if (config_setting_type(e) != CONFIG_TYPE_GROUP ||
		    config_setting_length(e) != 2 ||
		    config_setting_lookup_string(e, "id", &id) != CONFIG_TRUE ||
		    config_setting_lookup_string(e, "file", &file) !=
			CONFIG_TRUE) {
			conf_error(errfp, cfg->file, e,
			    "%s entries must be groups { id = \"k1\"; "
			    "file = \"/path\"; }",
			    key);
			errors++;
			continue;
		}
		if (strlen(id) == 0 || strlen(id) > SIGN_KID_MAX ||
		    strspn(id,
			"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVW"
			"XYZ0123456789-_") != strlen(id)) {
			conf_error(errfp, cfg->file, e,
			    "%s: id \"%s\" must be 1 to %d of A-Z a-z 0-9 - _",
			    key, id, SIGN_KID_MAX);
			errors++;
			continue;
		}
		if (signkeys_find(ks, id) != NULL) {
			conf_error(errfp, cfg->file, e,
			    "%s: id \"%s\" appears twice", key, id);
			errors++;
			continue;
		}
		if ((why = signkeys_read(
			 id, file, &ks->k[ks->n], buf, sizeof(buf))) != NULL) {
			conf_error(errfp, cfg->file, e, "%s: %s", key, why);
			errors++;
			continue;
		}
		ks->n++;
	}
	return errors;
}

static const char *
conf_type_name(enum conf_type t)
{
	switch (t) {
	case CONF_INT:
	case CONF_INT64:
		return "an integer";
	case CONF_PEERS:
	case CONF_PATHS:
		return "a list of strings";
	case CONF_SIGNKEYS:
		return "a list of groups";
	case CONF_BOOL:
		return "true or false";
	case CONF_STRING:
		return "a string";
	}
	return "?";
}

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
	case CONF_INT64:
		if (t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64)
			break;
		v = config_setting_get_int64(s);
		if (v < k->min || v > k->max) {
			conf_error(errfp, cfg->file, s,
			    "%s must be between %lld and %lld, not %lld",
			    k->name, k->min, k->max, v);
			return 1;
		}
		if (k->type == CONF_INT64)
			*(long long *)(void *)base = v;
		else
			*(int *)(void *)base = (int)v;
		return 0;
	case CONF_PEERS:
		if (t != CONFIG_TYPE_ARRAY && t != CONFIG_TYPE_LIST)
			break;
		return conf_peers(k, s, cfg, errfp);
	case CONF_PATHS:
		if (t != CONFIG_TYPE_ARRAY && t != CONFIG_TYPE_LIST)
			break;
		return conf_paths(k->name, s, cfg, errfp);
	case CONF_SIGNKEYS:
		if (t != CONFIG_TYPE_LIST)
			break;
		return conf_signkeys(k->name, s, cfg, errfp);
	case CONF_BOOL:
		if (t != CONFIG_TYPE_BOOL)
			break;
		*(bool *)(void *)base = config_setting_get_bool(s) != 0;
		return 0;
	case CONF_STRING:
		if (t != CONFIG_TYPE_STRING)
			break;
		if (k->check != NULL &&
		    (msg = k->check(k->name, config_setting_get_string(s), why,
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

/* status_path, metrics_path and ping_path name three different pages. */
static int
conf_admin_paths(const struct dl_config *cfg, const char *file, FILE *errfp)
{
	const char *p[] = {cfg->status_path, cfg->metrics_path, cfg->ping_path};
	const char *name[] = {"status_path", "metrics_path", "ping_path"};
	int i, j, errors = 0;

	for (i = 0; i < 3; i++)
		for (j = i + 1; j < 3; j++)
			if (p[i] != NULL && p[j] != NULL &&
			    strcmp(p[i], p[j]) == 0) {
				conf_error(errfp, file, NULL,
				    "%s and %s are both \"%s\": each page "
				    "needs its own path",
				    name[i], name[j], p[i]);
				errors++;
			}
	return errors;
}

int
config_load(const char *file, struct dl_config *cfg, FILE *errfp)
{
	struct stat st;
	config_t lc;
	config_setting_t *top, *s;
	const struct conf_key *k;
	FILE *fp;
	int errors = 0, i, n, seen_root = 0;
	size_t j;

	config_defaults(cfg);
	cfg->file = xstrdup(file);
	/* libconfig exits the process on a directory: refuse it first */
	if ((fp = fopen(file, "re")) != NULL && fstat(fileno(fp), &st) == 0 &&
	    !S_ISREG(st.st_mode)) {
		fclose(fp);
		fp = NULL;
		errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
	}
	if (fp == NULL) {
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
	if ((cfg->sign_required || cfg->nsign_paths > 0) &&
	    cfg->sign_keys.n == 0 && errors == 0) {
		conf_error(errfp, file, NULL,
		    "sign_required or sign_paths is set but sign_keys "
		    "names no key: no link could be verified");
		errors++;
	}
	errors += conf_admin_paths(cfg, file, errfp);
	cfg->etag_nginx = strcmp(cfg->etag_format, "nginx") == 0;
	if (strcmp(cfg->offload, "x-accel-redirect") == 0)
		cfg->offload_mode = OFFLOAD_X_ACCEL;
	else if (strcmp(cfg->offload, "x-sendfile") == 0)
		cfg->offload_mode = OFFLOAD_X_SENDFILE;
	/* the line of the offload key: what the admin has to change */
	s = config_lookup(&lc, "offload");
	if (cfg->offload_mode == OFFLOAD_X_ACCEL &&
	    cfg->offload_prefix == NULL) {
		conf_error(errfp, file, s,
		    "offload = \"x-accel-redirect\" needs offload_prefix, "
		    "the URI of nginx's internal location (\"/_dlfcgi/\")");
		errors++;
	}
	if (cfg->offload_mode == OFFLOAD_X_ACCEL && !cfg->etag_nginx) {
		conf_error(errfp, file, s,
		    "offload = \"x-accel-redirect\" needs etag_format = "
		    "\"nginx\": nginx replaces the ETag of an offloaded "
		    "answer by its own, and validators must not change when "
		    "offload is turned on or off");
		errors++;
	}
	cfg->listen_mode_bits = (unsigned)strtoul(cfg->listen_mode, NULL, 8);
	if (cfg->max_clients_per_ip == DL_MAX_CLIENTS_PER_IP_AUTO)
		cfg->max_clients_per_ip = config_fair_share(cfg);
	cfg->access_log_json = strcmp(cfg->access_log_format, "json") == 0;
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
