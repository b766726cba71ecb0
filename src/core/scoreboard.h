/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
#ifndef DLFCGI_SCOREBOARD_H
#define DLFCGI_SCOREBOARD_H

#include <sys/types.h>

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "bounds.h"

/*
 * The scoreboard: one shared mapping (MAP_SHARED | MAP_ANONYMOUS,
 * created by the master before forking) with a slot per serving thread
 * and a token bucket per recent client. The master reserves a worker's
 * slots before it forks it (so a reload counts exactly what is free),
 * each thread of the worker claims one of them for its whole life, and
 * the master frees the slots of a dead worker. The per-client limits are
 * counted over the slots under one robust, process-shared mutex;
 * progress fields are written by the owner only. A record per worker
 * (indexed like the master's table of children) tells the master that
 * the worker is ready or has stopped accepting.
 */
#define SB_CLIENT_LEN 46 /* INET6_ADDRSTRLEN */
/* SB_PATH_LEN, SB_BUCKETS, SB_PROCS, SB_PROBE: bounds.h */

enum sb_state {
	SB_FREE,     /* no thread */
	SB_IDLE,     /* a thread waiting for a request */
	SB_READING,  /* a request being read and checked */
	SB_SENDING,  /* a response being sent */
	SB_RESERVED, /* held by the master for a worker being started */
	SB_STARTING, /* a thread waiting for its worker to be ready */
	SB_STOPPING, /* a thread of a worker that stopped accepting */
};

/* What a worker tells the master (scoreboard_proc_set). */
enum sb_proc_state {
	SBP_STARTING, /* forked, allocating */
	SBP_READY,    /* every thread up: accepting */
	SBP_STOPPED,  /* stopped accepting (TERM, max_requests, orphaned) */
	SBP_FAILED,   /* stopped accepting after a failure */
};

/*
 * state and the progress fields are read without the lock (counting
 * idle threads, a status page): _Atomic, and lock-free (scoreboard.c
 * checks it when compiled), so they work across processes in the
 * shared mapping.
 * They are figures, not guards of other data: stored and loaded
 * relaxed; state is changed under the lock.
 */
struct sb_slot {
	pid_t pid;	   /* owning worker process, 0 when free */
	int gen;	   /* its generation (reloads) */
	_Atomic int state; /* enum sb_state */
	char client[SB_CLIENT_LEN];
	char path[SB_PATH_LEN]; /* truncated, for the status page */
	dev_t dev;		/* the file being sent (SB_SENDING) */
	ino_t ino;
	_Atomic int64_t sent;	     /* body bytes of the current request */
	int64_t start_ms;	     /* CLOCK_MONOTONIC, request start */
	_Atomic int64_t progress_ms; /* last time bytes went out */
	uint64_t requests;	     /* served by this slot's thread */
	int retired;		     /* its worker stopped accepting */
};

struct scoreboard;

enum sb_gate {
	SB_GATE_OK,
	SB_GATE_BUSY, /* 503: a concurrency limit */
	SB_GATE_RATE, /* 429: the request rate */
};

/* Maps a scoreboard of nslots slots. NULL with errno on failure. */
struct scoreboard *scoreboard_create(size_t nslots);
void scoreboard_destroy(struct scoreboard *sb);

size_t scoreboard_nslots(const struct scoreboard *sb);
struct sb_slot *scoreboard_slot(struct scoreboard *sb, size_t i);

/*
 * Reserves n free slots (SB_RESERVED) of generation gen for owner, a
 * placeholder (negative) until the worker's pid is known: all or none.
 * Returns 0, or -1 if fewer than n are free.
 */
int scoreboard_reserve(struct scoreboard *sb, pid_t owner, int gen, size_t n);
/* Hands the slots reserved for owner to pid (after fork). */
void scoreboard_reserve_assign(struct scoreboard *sb, pid_t owner, pid_t pid);
/*
 * Claims a slot for a thread of pid (state SB_STARTING until the
 * thread calls scoreboard_done): one reserved for owner or pid, or,
 * with owner 0 (no master), any free slot. NULL if none is left.
 */
struct sb_slot *scoreboard_claim(
    struct scoreboard *sb, pid_t owner, pid_t pid, int gen);
/* Gives a slot back (thread exit). */
void scoreboard_release(struct scoreboard *sb, struct sb_slot *slot);
/* Frees every slot of a dead pid (or owner); returns how many were held. */
size_t scoreboard_reclaim(struct scoreboard *sb, pid_t pid);
/*
 * Marks the slots of pid as those of a worker that stopped accepting:
 * idle ones become SB_STOPPING at once, busy ones when their request
 * ends, so that no other worker counts them as idle.
 */
void scoreboard_retire(struct scoreboard *sb, pid_t pid);
/* Slots in a state (SB_FREE: free and not reserved). */
size_t scoreboard_count(struct scoreboard *sb, enum sb_state state);

/* The record of worker i (< SB_PROCS), written by the worker. */
void scoreboard_proc_set(struct scoreboard *sb, int i, enum sb_proc_state st);
enum sb_proc_state scoreboard_proc_get(struct scoreboard *sb, int i);

/*
 * Admits a new request from client on slot (state becomes SB_READING),
 * unless it exceeds rate_per_ip (token bucket, burst rate_burst; then
 * *retry_after is set) or max_per_ip concurrent requests from client.
 * 0 turns a limit off. now_ms is CLOCK_MONOTONIC.
 */
enum sb_gate scoreboard_admit(struct scoreboard *sb, struct sb_slot *slot,
    const char *client, int max_per_ip, int rate_per_ip, int rate_burst,
    int64_t now_ms, int *retry_after);

/*
 * Admits the download of file (dev, ino) on slot (state SB_SENDING),
 * unless the client already has max_per_file connections on it.
 */
enum sb_gate scoreboard_admit_file(struct scoreboard *sb, struct sb_slot *slot,
    dev_t dev, ino_t ino, const char *path, int max_per_file);

/*
 * The progress of the download on slot: sent body bytes so far, at
 * now_ms. Written by the slot's thread only, without the lock.
 */
void scoreboard_progress(struct sb_slot *slot, int64_t sent, int64_t now_ms);

/* Ends a request on slot: back to SB_IDLE (SB_STOPPING if retired). */
void scoreboard_done(struct scoreboard *sb, struct sb_slot *slot);

/* CLOCK_MONOTONIC in milliseconds. */
int64_t scoreboard_now_ms(void);

#endif
