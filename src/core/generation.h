/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
#ifndef DLFCGI_GENERATION_H
#define DLFCGI_GENERATION_H

#include <sys/types.h>

#include <stdbool.h>
#include <stdio.h>

#include "config.h"
#include "mime.h"

/*
 * Everything a configuration file gives the workers that serve it,
 * loaded by one function at start-up and at every reload (nginx's
 * ngx_init_cycle): the configuration, the mime table, the root
 * directory, the user and group names resolved to ids. A load that
 * fails leaves nothing behind, so a reload that fails keeps the
 * serving generation as it was.
 */
struct generation {
	int id; /* generation number: 0 at start-up, then one per reload */
	struct dl_config cfg;
	struct mime_table *mime;
	int rootfd; /* O_DIRECTORY descriptor of cfg.root, -1 if none */

	/* user and group: the ids dlfcgi runs as after binding. */
	bool drop_uid, drop_gid; /* user, group (or user's group) set */
	uid_t uid;
	gid_t gid;
	/* listen_owner and listen_group: -1 leaves them unchanged. */
	uid_t listen_uid;
	gid_t listen_gid;
};

/*
 * Loads file into g: configuration (checked), mime table (the built-in
 * empty one, with a warning, when the default mime_types file is
 * missing), root directory, users and groups. Every problem is printed
 * to errfp as "dlfcgi: FILE[:LINE]: message". Returns the number of
 * errors; on a non-zero return g holds nothing (as generation_free()
 * leaves it). g->id is 0.
 */
int generation_load(struct generation *g, const char *file, FILE *errfp);

/* Releases what generation_load() set up; g is empty afterwards. */
void generation_free(struct generation *g);

#endif
