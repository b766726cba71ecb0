#ifndef DLFCGI_MASTER_H
#define DLFCGI_MASTER_H

#include "config.h"
#include "mime.h"
#include "scoreboard.h"

/* What the master owns; reload replaces cfg, mime and rootfd. */
struct master {
	const char *config_file;
	struct dl_config cfg;
	struct mime_table *mime;
	int rootfd;
	int lfd;
	struct scoreboard *sb;
};

/*
 * Runs the pool: forks cfg.workers workers, respawns the dead (at once,
 * with back-off when they die in a loop), and acts on signals, which
 * the caller has blocked: TERM/INT graceful stop within
 * shutdown_timeout, QUIT immediate stop, HUP reload, USR1 log reopen.
 * Never serves. Returns the process exit status.
 */
int master_run(struct master *m);

#endif
