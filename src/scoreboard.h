#ifndef DLFCGI_SCOREBOARD_H
#define DLFCGI_SCOREBOARD_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

/*
 * The scoreboard: one shared mapping (MAP_SHARED | MAP_ANONYMOUS,
 * created by the master before forking) with a slot per serving thread
 * and a token bucket per recent client. Slots are claimed by a thread
 * for its whole life; the master frees the slots of a dead worker. The
 * per-client limits are counted over the slots under one robust,
 * process-shared mutex; progress fields are written by the owner only.
 */
#define SB_CLIENT_LEN 46 /* INET6_ADDRSTRLEN */
#define SB_PATH_LEN 128
#define SB_BUCKETS 4096

enum sb_state {
	SB_FREE,    /* no thread */
	SB_IDLE,    /* a thread waiting for a request */
	SB_READING, /* a request being read and checked */
	SB_SENDING, /* a response being sent */
};

struct sb_slot {
	pid_t pid; /* owning worker process, 0 when free */
	int gen;   /* its generation (reloads) */
	int state; /* enum sb_state */
	char client[SB_CLIENT_LEN];
	char path[SB_PATH_LEN]; /* truncated, for the status page */
	dev_t dev;		/* the file being sent (SB_SENDING) */
	ino_t ino;
	int64_t sent;	     /* body bytes of the current request */
	int64_t start_ms;    /* CLOCK_MONOTONIC, request start */
	int64_t progress_ms; /* last time bytes went out */
	uint64_t requests;   /* served by this slot's thread */
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

/* Claims a free slot for a thread of pid; NULL if none is free. */
struct sb_slot *scoreboard_claim(struct scoreboard *sb, pid_t pid, int gen);
/* Gives a slot back (thread exit). */
void scoreboard_release(struct scoreboard *sb, struct sb_slot *slot);
/* Frees every slot of a dead pid; returns how many were held. */
size_t scoreboard_reclaim(struct scoreboard *sb, pid_t pid);
/* Free slots, and slots whose thread waits for a request. */
size_t scoreboard_count(struct scoreboard *sb, enum sb_state state);

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

/* Ends a request on slot: back to SB_IDLE. */
void scoreboard_done(struct scoreboard *sb, struct sb_slot *slot);

/* CLOCK_MONOTONIC in milliseconds. */
int64_t scoreboard_now_ms(void);

#endif
