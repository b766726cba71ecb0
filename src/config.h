#ifndef DLFCGI_CONFIG_H
#define DLFCGI_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "disposition.h"

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
	int max_ranges;	     /* ranges served as 206; 0 disables Range */
	char *disposition;   /* "none", "attachment" or "inline" */
	enum disposition_type disposition_type; /* derived from the above */
	char *cache_control; /* Cache-Control value, NULL for none */
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

/* Releases what config_defaults() or config_load() allocated. */
void config_free(struct dl_config *cfg);

#endif
