/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
#ifndef DLFCGI_SCOREBOARD_H
#define DLFCGI_SCOREBOARD_H

#include <sys/types.h>

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "bounds.h"
#include "stats.h"

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
/* SB_PATH_LEN, SB_METHOD_LEN, SB_RANGE_LEN, SB_BUCKETS, SB_PROCS,
 * SB_PROBE: bounds.h */

enum sb_state {
	SB_FREE,     /* no thread */
	SB_IDLE,     /* a thread waiting for a request */
	SB_READING,  /* a request being read and checked */
	SB_SENDING,  /* a response being sent */
	SB_RESERVED, /* held by the master for a worker being started */
	SB_STARTING, /* a thread waiting for its worker to be ready */
	SB_STOPPING, /* a thread of a worker that stopped accepting */
};

/* What a busy slot waits on (status page, slow log). */
enum sb_wait {
	SBW_NONE,
	SBW_REQUEST, /* the rest of the request */
	SBW_OPEN,    /* opening the file */
	SBW_FILE,    /* reading the file */
	SBW_SOCKET,  /* room in the socket to the web server */
	SBW_PACE,    /* limit_rate: sleeping on purpose */
	SBW_DRAIN,   /* the send queue to empty (end of the body) */
	SBW_COUNT
};

/*
 * The one name of w, for the status page (every format) and the slow
 * log alike: none, request, open, file, socket, limit_rate, drain;
 * "unknown" out of range. Pure.
 */
const char *scoreboard_wait_name(enum sb_wait w);

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

	/*
	 * What a status page shows of the request, written by the owner.
	 * The strings (client, path, method, range) change only while seq
	 * is odd (a sequence lock: a reader copies them and retries if seq
	 * moved, and never blocks the owner); the figures are relaxed
	 * atomics, stored on their own.
	 */
	_Atomic unsigned seq;
	char method[SB_METHOD_LEN];
	char range[SB_RANGE_LEN];     /* the Range of a 206, truncated */
	_Atomic int status;	      /* decided status, 0 before */
	_Atomic int wait;	      /* enum sb_wait */
	_Atomic int64_t total;	      /* body bytes to send, -1 unknown */
	_Atomic int64_t limit_rate;   /* bytes per second, 0 none */
	_Atomic int64_t first_ms;     /* first byte out, 0 before */
	_Atomic int64_t mark_ms[2];   /* rate samples, a second apart: */
	_Atomic int64_t mark_sent[2]; /* [0] older, [1] newer */
};

/* A consistent copy of a slot, for a reader (scoreboard_snapshot). */
struct sb_snapshot {
	pid_t pid;
	int gen;
	enum sb_state state;
	enum sb_wait wait;
	char client[SB_CLIENT_LEN];
	char path[SB_PATH_LEN];
	char method[SB_METHOD_LEN];
	char range[SB_RANGE_LEN];
	int status;
	int64_t sent, total, limit_rate;
	int64_t start_ms, first_ms, progress_ms; /* CLOCK_MONOTONIC */
	int64_t rate;	   /* bytes per second over the last 1-2 s */
	uint64_t requests; /* served by the slot's thread */
	int torn;	   /* the strings changed under every try */
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
/* The pool's counters, in the same shared mapping. */
struct dl_stats *scoreboard_stats(struct scoreboard *sb);
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
 * Counts a refusal of client (any status that refused it: a limit, a
 * full pool, status_allowed), in its bucket of the client table, under
 * the lock. The table is bounded (SB_BUCKETS, a probe window of
 * SB_PROBE): a new client whose window is full takes the bucket seen
 * least recently, and that client's count starts again from 0.
 */
void scoreboard_refused(
    struct scoreboard *sb, const char *client, int64_t now_ms);
/* The refusals counted for client (0 if it has no bucket). */
uint64_t scoreboard_client_refused(struct scoreboard *sb, const char *client);
/*
 * Bucket i (< SB_BUCKETS) of the client table: its refusals, and its
 * client copied into client (len bytes) if there are any. One bucket
 * per call under the lock, for a reader that walks the table.
 */
uint64_t scoreboard_bucket_refused(
    struct scoreboard *sb, size_t i, char *client, size_t len);

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

/*
 * What the slot's request is, once known (any string may be NULL: kept
 * as it was): method, the Range of a 206, its status, the body bytes
 * to send (-1 unknown) and its limit_rate. Owner only, no lock.
 */
void scoreboard_describe(struct sb_slot *slot, const char *method,
    const char *range, int status, int64_t total, int64_t limit_rate);
/*
 * The path of the slot's request (cut at SB_PATH_LEN), before its file
 * is admitted: a slow open shows what it opens. Owner only, no lock.
 */
void scoreboard_set_path(struct sb_slot *slot, const char *path);
/* What the slot's request waits on now. Owner only, no lock. */
void scoreboard_wait(struct sb_slot *slot, enum sb_wait w);
/* The first byte of the response went out at now_ms. Owner only. */
void scoreboard_first_byte(struct sb_slot *slot, int64_t now_ms);
/*
 * Copies slot into out, with its current rate at now_ms. Takes no
 * lock: the owner is never held up by a reader.
 */
void scoreboard_snapshot(
    const struct sb_slot *slot, int64_t now_ms, struct sb_snapshot *out);

/* Ends a request on slot: back to SB_IDLE (SB_STOPPING if retired). */
void scoreboard_done(struct scoreboard *sb, struct sb_slot *slot);

/* CLOCK_MONOTONIC in milliseconds. */
int64_t scoreboard_now_ms(void);

#endif
