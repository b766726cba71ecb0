/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
#ifndef DLFCGI_CONFIG_H
#define DLFCGI_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "disposition.h"
#include "bounds.h"
#include "peer.h"
#include "signkeys.h"

/*
 * The whole configuration. Strings are owned by the struct (never by
 * libconfig) and released by config_free().
 */
struct dl_config {
	char *file;	    /* the file it was read from */
	char *root;	    /* directory served */
	char *listen;	    /* NULL: FastCGI socket inherited on fd 0 */
	int threads;	    /* concurrent requests per process */
	int buffer_size;    /* bytes per transfer buffer */
	char *mime_types;   /* extension table, mime.types(5) format */
	char *default_type; /* Content-Type of unknown extensions */
	bool follow_symlinks;
	bool serve_hidden;
	bool hide_forbidden;
	int request_timeout; /* seconds to receive the FastCGI request */
	int send_timeout;    /* seconds a single write may stall */
	int send_buffer;     /* SO_SNDBUF; 0: kernel's; -1: by family */
	int max_ranges;	     /* ranges served as 206; 0 disables Range */
	char *disposition;   /* "none", "attachment" or "inline" */
	enum disposition_type disposition_type; /* derived from the above */
	char *cache_control; /* Cache-Control value, NULL for none */
	bool sendfile;	     /* zero-copy body, else pread + write */
	char *etag_format;   /* "dlfcgi" or "nginx" (etag.h) */
	bool etag_nginx;     /* derived: etag_format is "nginx" */

	/* offload mode (dlfcgi(8) OFFLOAD) */
	char *offload;	      /* "none", "x-accel-redirect", "x-sendfile" */
	int offload_mode;     /* derived: enum offload_mode */
	char *offload_prefix; /* nginx internal location, NULL: none */
	bool offload_encode;  /* X-Sendfile percent-encoded, else raw */
	long long offload_min_size; /* bytes; smaller files are sent directly */

	/* the pool (doc/DESIGN.md §1) */
	int workers;	       /* 0: serve in the calling process */
	int max_requests;      /* recycle a worker after this many; 0 never */
	int shutdown_timeout;  /* seconds TERM waits for running downloads */
	int queue_timeout;     /* seconds a request waits for a free thread */
	int keepalive_timeout; /* seconds a kept connection waits, idle */
	int keepalive_max;     /* kept connections per worker; 0: none */
	char *listen_mode;     /* octal string */
	unsigned listen_mode_bits;
	char *listen_owner, *listen_group; /* NULL: unchanged */
	char *user, *group;		   /* privileges after binding */
	struct peer_net allowed_peers[DL_PEERS_MAX];
	size_t nallowed_peers;

	/* limits (doc/DESIGN.md §4); 0 turns each off */
	int max_clients_per_ip; /* not set: config_fair_share() */
	int max_conns_per_file_per_ip;
	int rate_per_ip; /* new requests per second per client */
	int rate_burst;
	long long limit_rate;	    /* bytes per second per download */
	long long limit_rate_after; /* bytes sent before limit_rate */
	long long min_rate;	    /* bytes per second, over the window */
	int min_rate_window;	    /* seconds */
	int max_duration;	    /* seconds per download */

	/* signed links (dlfcgi(8) SIGNED LINKS) */
	bool sign_required; /* every file needs a signed link */
	char *sign_paths[DL_SIGN_PATHS_MAX]; /* normalized, ending in '/' */
	size_t nsign_paths;
	struct signkeys sign_keys; /* read at load; the first one signs */
	int sign_max_lifetime;	   /* seconds; 0: no limit */
	int sign_clock_skew;	   /* seconds */
	int sign_status;	   /* the answer to every failure */
	int sign_ip_prefix4, sign_ip_prefix6; /* bits compared by ip= */

	/* monitoring (dlfcgi(8) MONITORING); NULL paths are off */
	char *status_path;   /* PATH_INFO of the status page */
	char *metrics_path;  /* PATH_INFO of the metrics */
	char *ping_path;     /* PATH_INFO of the health check */
	char *ping_response; /* body of its 200 */
	struct peer_net status_allowed[DL_PEERS_MAX];
	size_t nstatus_allowed;

	char *error_log;	 /* "syslog", "stderr" or a file */
	char *access_log;	 /* a file, or NULL for none */
	char *access_log_format; /* "text" or "json" */
	bool access_log_json;	 /* access_log_format is "json" */
	char *slowlog;		 /* a file, or NULL for none */
	int slowlog_ttfb;	 /* seconds to the first byte; 0 off */
	int slowlog_stall;	 /* seconds without progress; 0 off */
	char *request_id_param;	 /* FastCGI parameter of the request id */
};

/* Fills cfg with the built-in defaults; strings are allocated. */
void config_defaults(struct dl_config *cfg);

/*
 * Reads and validates file into cfg. Every problem is printed to errfp
 * as "dlfcgi: FILE:LINE: message" (or "dlfcgi: FILE: message" when no
 * line applies). Returns the number of errors; on a non-zero return cfg
 * holds nothing and needs no config_free().
 */
int config_load(const char *file, struct dl_config *cfg, FILE *errfp);

/*
 * max_clients_per_ip when the file does not set it: workers x threads
 * (workers = 0 counts as 1) / DL_CLIENT_SHARE, at least 1. config_load()
 * applies it; config_defaults() leaves DL_MAX_CLIENTS_PER_IP_AUTO.
 */
int config_fair_share(const struct dl_config *cfg);

/* True if a request for the decoded path needs a signed link. */
bool config_sign_needed(const struct dl_config *cfg, const char *path);

/*
 * With offload on, the limits that hold a thread for the length of a
 * transfer (max_clients_per_ip, max_conns_per_file_per_ip, min_rate,
 * max_duration) end when dlfcgi answers, not when the web server has
 * sent the file: a sentence saying so for the log, into buf, or NULL
 * when none of them is set or offload is off.
 */
const char *config_offload_warning(
    const struct dl_config *cfg, char *buf, size_t len);

/* Releases what config_defaults() or config_load() allocated. */
void config_free(struct dl_config *cfg);

#endif
