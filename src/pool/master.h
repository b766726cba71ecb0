/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
#ifndef DLFCGI_MASTER_H
#define DLFCGI_MASTER_H

#include <sys/types.h>

#include <stdbool.h>
#include <stdint.h>

#include "bounds.h"
#include "generation.h"
#include "scoreboard.h"

/* Workers of all generations alive at once (one scoreboard record each). */
#define MASTER_CHILDREN_MAX SB_PROCS

struct master_child {
	pid_t pid; /* 0: an empty entry */
	int gen;
	int64_t started_ms;
	bool ready;   /* reported SBP_READY */
	bool retired; /* stopped accepting: replaced, no longer counted */
};

/*
 * Everything the master owns (its file statics are the signal flags
 * alone). cur is the serving generation; a reload loads next
 * (generation_load(), as main() loaded cur) and next replaces cur once
 * every worker of the new generation has reported ready.
 */
struct master {
	const char *config_file;
	struct generation cur;
	struct generation next; /* valid while pending */
	int lfd;		/* -1 once closed (stopping) */
	struct scoreboard *sb;

	int last_gen;	     /* the newest generation number handed out */
	bool pending;	     /* a reload waits for its workers */
	bool hup_deferred;   /* a HUP during a reload: taken after it */
	bool reload_waiting; /* a HUP waits for draining workers' slots */
	int64_t ready_deadline;

	struct master_child children[MASTER_CHILDREN_MAX];
	int streak;	    /* failing quick deaths in a row */
	int fork_streak;    /* failed starts in a row */
	int64_t respawn_at; /* when missing workers may start */
	int64_t deadline;   /* shutdown_timeout, 0 if none */
	int64_t slow_due;   /* the slow log's next look, 0 if none */
	bool stopping;

	/* Counted for the logs (and a later status page). */
	unsigned long reloads;	       /* generations that took over */
	unsigned long reload_failures; /* new generations that could not */
	unsigned long start_failures;  /* fork or slot reservation failed */
};

/*
 * Runs the pool: forks cfg.workers workers, starts a replacement as
 * soon as one stops accepting or dies (with back-off when they die in a
 * loop, and when fork() fails), and acts on signals, which the caller
 * has blocked (SIGUSR2 included: workers use it to report): TERM/INT
 * graceful stop within shutdown_timeout, QUIT immediate stop, HUP
 * reload, USR1 log reopen. A reload starts the new generation next to
 * the old one and tells the old one to drain only once every new
 * worker is ready; if one fails or is not ready within
 * MASTER_READY_TIMEOUT_MS, the new generation is stopped and the old
 * one serves on. Never serves. Returns the process exit status.
 */
int master_run(struct master *m);

#endif
