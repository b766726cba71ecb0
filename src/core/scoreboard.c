/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * The shared scoreboard: slots, per-client counting, request rates.
 */
#include "autoconfig.h"

#include <sys/mman.h>

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "scoreboard.h"

/*
 * A recent client: its rate_per_ip tokens and its refusals, under the
 * lock. A client whose probe window is full evicts the bucket seen
 * least recently (seen_ms), counts and all.
 */
struct sb_bucket {
	char client[SB_CLIENT_LEN];
	double tokens;
	int64_t last_ms; /* tokens were refilled */
	int64_t seen_ms; /* admitted or refused */
	uint64_t refused;
};

/* Atomics in a mapping shared by processes must not hide a lock. */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2 && ATOMIC_LONG_LOCK_FREE == 2 &&
	ATOMIC_LLONG_LOCK_FREE == 2,
    "lock-free atomics for the shared scoreboard");

struct scoreboard {
	pthread_mutex_t lock;
	size_t nslots;
	size_t maplen;
	/* enum sb_proc_state: release by the worker, acquire by the master,
	 * which reads the record after the worker's SIGUSR2. */
	_Atomic int procs[SB_PROCS];
	struct dl_stats stats;
	struct sb_bucket buckets[SB_BUCKETS];
	struct sb_slot slots[];
};

int64_t
scoreboard_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * The sequence lock of a slot's strings: odd while the owner writes
 * them. The release fence orders the odd count before the strings,
 * the release store the strings before the even count.
 */
static void
sb_write_begin(struct sb_slot *slot)
{
	unsigned s = atomic_load_explicit(&slot->seq, memory_order_relaxed);

	atomic_store_explicit(&slot->seq, s + 1, memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
}

static void
sb_write_end(struct sb_slot *slot)
{
	unsigned s = atomic_load_explicit(&slot->seq, memory_order_relaxed);

	atomic_store_explicit(&slot->seq, s + 1, memory_order_release);
}

/* A worker may die holding the lock: take it over, state is simple. */
static void
sb_lock(struct scoreboard *sb)
{
	if (pthread_mutex_lock(&sb->lock) == EOWNERDEAD)
		pthread_mutex_consistent(&sb->lock);
}

static void
sb_unlock(struct scoreboard *sb)
{
	pthread_mutex_unlock(&sb->lock);
}

struct scoreboard *
scoreboard_create(size_t nslots)
{
	pthread_mutexattr_t a;
	struct scoreboard *sb;
	size_t len = sizeof(*sb) + nslots * sizeof(struct sb_slot);

	sb = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
	    -1, 0);
	if (sb == MAP_FAILED)
		return NULL;
	sb->nslots = nslots;
	sb->maplen = len;
	sb->stats.start_time = (int64_t)time(NULL);
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&sb->lock, &a);
	pthread_mutexattr_destroy(&a);
	return sb;
}

void
scoreboard_destroy(struct scoreboard *sb)
{
	if (sb != NULL)
		munmap(sb, sb->maplen);
}

size_t
scoreboard_nslots(const struct scoreboard *sb)
{
	return sb->nslots;
}

struct dl_stats *
scoreboard_stats(struct scoreboard *sb)
{
	return &sb->stats;
}

struct sb_slot *
scoreboard_slot(struct scoreboard *sb, size_t i)
{
	return i < sb->nslots ? &sb->slots[i] : NULL;
}

int
scoreboard_reserve(struct scoreboard *sb, pid_t owner, int gen, size_t n)
{
	size_t i, got = 0;

	sb_lock(sb);
	for (i = 0; i < sb->nslots; i++)
		if (sb->slots[i].pid == 0 && sb->slots[i].state == SB_FREE)
			got++;
	if (got < n) {
		sb_unlock(sb);
		return -1;
	}
	for (i = 0, got = 0; i < sb->nslots && got < n; i++)
		if (sb->slots[i].pid == 0 && sb->slots[i].state == SB_FREE) {
			memset(&sb->slots[i], 0, sizeof(sb->slots[i]));
			sb->slots[i].pid = owner;
			sb->slots[i].gen = gen;
			atomic_store_explicit(&sb->slots[i].state, SB_RESERVED,
			    memory_order_relaxed);
			got++;
		}
	sb_unlock(sb);
	return 0;
}

void
scoreboard_reserve_assign(struct scoreboard *sb, pid_t owner, pid_t pid)
{
	size_t i;

	sb_lock(sb);
	for (i = 0; i < sb->nslots; i++)
		if (sb->slots[i].pid == owner)
			sb->slots[i].pid = pid;
	sb_unlock(sb);
}

struct sb_slot *
scoreboard_claim(struct scoreboard *sb, pid_t owner, pid_t pid, int gen)
{
	struct sb_slot *s = NULL, *o;
	size_t i;

	sb_lock(sb);
	for (i = 0; i < sb->nslots && s == NULL; i++) {
		o = &sb->slots[i];
		if (owner == 0 ? o->pid == 0 && o->state == SB_FREE
			       : (o->pid == owner || o->pid == pid) &&
			    o->state == SB_RESERVED)
			s = o;
	}
	if (s != NULL) {
		memset(s, 0, sizeof(*s));
		s->pid = pid;
		s->gen = gen;
		atomic_store_explicit(
		    &s->state, SB_STARTING, memory_order_relaxed);
	}
	sb_unlock(sb);
	return s;
}

void
scoreboard_release(struct scoreboard *sb, struct sb_slot *slot)
{
	sb_lock(sb);
	memset(slot, 0, sizeof(*slot));
	sb_unlock(sb);
}

size_t
scoreboard_reclaim(struct scoreboard *sb, pid_t pid)
{
	size_t i, n = 0;

	sb_lock(sb);
	for (i = 0; i < sb->nslots; i++)
		if (sb->slots[i].pid == pid) {
			memset(&sb->slots[i], 0, sizeof(sb->slots[i]));
			n++;
		}
	sb_unlock(sb);
	return n;
}

void
scoreboard_retire(struct scoreboard *sb, pid_t pid)
{
	size_t i;

	sb_lock(sb);
	for (i = 0; i < sb->nslots; i++)
		if (sb->slots[i].pid == pid) {
			sb->slots[i].retired = 1;
			if (sb->slots[i].state == SB_IDLE ||
			    sb->slots[i].state == SB_STARTING)
				atomic_store_explicit(&sb->slots[i].state,
				    SB_STOPPING, memory_order_relaxed);
		}
	sb_unlock(sb);
}

void
scoreboard_proc_set(struct scoreboard *sb, int i, enum sb_proc_state st)
{
	if (i >= 0 && i < SB_PROCS)
		atomic_store_explicit(
		    &sb->procs[i], (int)st, memory_order_release);
}

enum sb_proc_state
scoreboard_proc_get(struct scoreboard *sb, int i)
{
	if (i < 0 || i >= SB_PROCS)
		return SBP_STARTING;
	return (enum sb_proc_state)atomic_load_explicit(
	    &sb->procs[i], memory_order_acquire);
}

size_t
scoreboard_count(struct scoreboard *sb, enum sb_state state)
{
	size_t i, n = 0;

	for (i = 0; i < sb->nslots; i++)
		if (atomic_load_explicit(&sb->slots[i].state,
			memory_order_relaxed) == (int)state)
			n++;
	return n;
}

static uint32_t
sb_hash(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/*
 * The client's bucket, or (create) the stalest of its probe window made
 * its own, or NULL. A new bucket's tokens are full: the first refill
 * caps them at the burst.
 */
static struct sb_bucket *
sb_bucket_find(
    struct scoreboard *sb, const char *client, int64_t now, bool create)
{
	struct sb_bucket *b, *victim = NULL;
	uint32_t h = sb_hash(client);
	int i;

	for (i = 0; i < SB_PROBE; i++) {
		b = &sb->buckets[(h + (uint32_t)i) % SB_BUCKETS];
		if (strcmp(b->client, client) == 0)
			return b;
		if (victim == NULL || b->seen_ms < victim->seen_ms)
			victim = b;
	}
	if (!create)
		return NULL;
	snprintf(victim->client, sizeof(victim->client), "%s", client);
	victim->tokens = 1e300;
	victim->last_ms = victim->seen_ms = now;
	victim->refused = 0;
	return victim;
}

/* The client's bucket, refilled. */
static struct sb_bucket *
sb_bucket(
    struct scoreboard *sb, const char *client, int rate, int burst, int64_t now)
{
	struct sb_bucket *b = sb_bucket_find(sb, client, now, true);

	b->tokens += (double)(now - b->last_ms) * rate / 1000.0;
	if (b->tokens > burst)
		b->tokens = burst;
	b->last_ms = b->seen_ms = now;
	return b;
}

void
scoreboard_refused(struct scoreboard *sb, const char *client, int64_t now_ms)
{
	struct sb_bucket *b;

	if (client[0] == '\0')
		return;
	sb_lock(sb);
	b = sb_bucket_find(sb, client, now_ms, true);
	b->refused++;
	b->seen_ms = now_ms;
	sb_unlock(sb);
}

uint64_t
scoreboard_client_refused(struct scoreboard *sb, const char *client)
{
	struct sb_bucket *b;
	uint64_t n;

	sb_lock(sb);
	b = sb_bucket_find(sb, client, 0, false);
	n = b != NULL ? b->refused : 0;
	sb_unlock(sb);
	return n;
}

uint64_t
scoreboard_bucket_refused(
    struct scoreboard *sb, size_t i, char *client, size_t len)
{
	uint64_t n = 0;

	client[0] = '\0';
	if (i >= SB_BUCKETS)
		return 0;
	sb_lock(sb);
	if ((n = sb->buckets[i].refused) > 0)
		snprintf(client, len, "%s", sb->buckets[i].client);
	sb_unlock(sb);
	return n;
}

enum sb_gate
scoreboard_admit(struct scoreboard *sb, struct sb_slot *slot,
    const char *client, int max_per_ip, int rate_per_ip, int rate_burst,
    int64_t now_ms, int *retry_after)
{
	struct sb_bucket *b;
	enum sb_gate g = SB_GATE_OK;
	size_t i;
	int n = 0;

	sb_lock(sb);
	if (rate_per_ip > 0) {
		b = sb_bucket(sb, client, rate_per_ip, rate_burst, now_ms);
		if (b->tokens < 1.0) {
			/* whole seconds until one token has grown back */
			*retry_after =
			    (int)((1.0 - b->tokens) / rate_per_ip) + 1;
			g = SB_GATE_RATE;
			goto out;
		}
		b->tokens -= 1.0;
	}
	if (max_per_ip > 0) {
		for (i = 0; i < sb->nslots; i++)
			if ((sb->slots[i].state == SB_READING ||
				sb->slots[i].state == SB_SENDING) &&
			    &sb->slots[i] != slot &&
			    strcmp(sb->slots[i].client, client) == 0)
				n++;
		if (n >= max_per_ip) {
			g = SB_GATE_BUSY;
			goto out;
		}
	}
out:
	sb_write_begin(slot);
	snprintf(slot->client, sizeof(slot->client), "%s", client);
	slot->path[0] = '\0';
	slot->method[0] = '\0';
	slot->range[0] = '\0';
	slot->start_ms = now_ms;
	sb_write_end(slot);
	slot->sent = 0;
	slot->progress_ms = now_ms;
	slot->status = 0;
	slot->wait = SBW_REQUEST;
	slot->total = -1;
	slot->limit_rate = 0;
	slot->first_ms = 0;
	slot->mark_ms[0] = slot->mark_ms[1] = now_ms;
	slot->mark_sent[0] = slot->mark_sent[1] = 0;
	slot->requests++;
	atomic_store_explicit(&slot->state,
	    g == SB_GATE_OK ? SB_READING
			    : (slot->retired ? SB_STOPPING : SB_IDLE),
	    memory_order_relaxed);
	sb_unlock(sb);
	return g;
}

enum sb_gate
scoreboard_admit_file(struct scoreboard *sb, struct sb_slot *slot, dev_t dev,
    ino_t ino, const char *path, int max_per_file)
{
	enum sb_gate g = SB_GATE_OK;
	size_t i;
	int n = 0;

	sb_lock(sb);
	if (max_per_file > 0) {
		for (i = 0; i < sb->nslots; i++) {
			const struct sb_slot *o = &sb->slots[i];

			if (o != slot && o->state == SB_SENDING &&
			    o->dev == dev && o->ino == ino &&
			    strcmp(o->client, slot->client) == 0)
				n++;
		}
		if (n >= max_per_file)
			g = SB_GATE_BUSY;
	}
	if (g == SB_GATE_OK) {
		slot->dev = dev;
		slot->ino = ino;
		sb_write_begin(slot);
		snprintf(slot->path, sizeof(slot->path), "%s", path);
		sb_write_end(slot);
		atomic_store_explicit(
		    &slot->state, SB_SENDING, memory_order_relaxed);
	}
	sb_unlock(sb);
	return g;
}

void
scoreboard_progress(struct sb_slot *slot, int64_t sent, int64_t now_ms)
{
	/* Figures for a reader, ordering nothing: relaxed. */
	atomic_store_explicit(&slot->sent, sent, memory_order_relaxed);
	atomic_store_explicit(&slot->progress_ms, now_ms, memory_order_relaxed);
	/* A rate sample a second: [0] is 1-2 s old, [1] under 1 s. */
	if (now_ms -
		atomic_load_explicit(&slot->mark_ms[1], memory_order_relaxed) >=
	    1000) {
		atomic_store_explicit(&slot->mark_ms[0],
		    atomic_load_explicit(
			&slot->mark_ms[1], memory_order_relaxed),
		    memory_order_relaxed);
		atomic_store_explicit(&slot->mark_sent[0],
		    atomic_load_explicit(
			&slot->mark_sent[1], memory_order_relaxed),
		    memory_order_relaxed);
		atomic_store_explicit(
		    &slot->mark_ms[1], now_ms, memory_order_relaxed);
		atomic_store_explicit(
		    &slot->mark_sent[1], sent, memory_order_relaxed);
	}
}

void
scoreboard_describe(struct sb_slot *slot, const char *method, const char *range,
    int status, int64_t total, int64_t limit_rate)
{
	if (method != NULL || range != NULL) {
		sb_write_begin(slot);
		if (method != NULL)
			snprintf(
			    slot->method, sizeof(slot->method), "%s", method);
		if (range != NULL)
			snprintf(slot->range, sizeof(slot->range), "%s", range);
		sb_write_end(slot);
	}
	atomic_store_explicit(&slot->status, status, memory_order_relaxed);
	atomic_store_explicit(&slot->total, total, memory_order_relaxed);
	atomic_store_explicit(
	    &slot->limit_rate, limit_rate, memory_order_relaxed);
}

void
scoreboard_set_path(struct sb_slot *slot, const char *path)
{
	sb_write_begin(slot);
	snprintf(slot->path, sizeof(slot->path), "%s", path);
	sb_write_end(slot);
}

/* Indexed by enum sb_wait: the names dlfcgi(8) and dlfcgi.conf(5) give. */
static const char *const wait_names[] = {
    [SBW_NONE] = "none",
    [SBW_REQUEST] = "request",
    [SBW_OPEN] = "open",
    [SBW_FILE] = "file",
    [SBW_SOCKET] = "socket",
    [SBW_PACE] = "limit_rate",
    [SBW_DRAIN] = "drain",
};
_Static_assert(sizeof(wait_names) / sizeof(wait_names[0]) == SBW_COUNT,
    "a name for every enum sb_wait");

const char *
scoreboard_wait_name(enum sb_wait w)
{
	if ((unsigned)w >= SBW_COUNT || wait_names[w] == NULL)
		return "unknown";
	return wait_names[w];
}

void
scoreboard_wait(struct sb_slot *slot, enum sb_wait w)
{
	atomic_store_explicit(&slot->wait, (int)w, memory_order_relaxed);
}

void
scoreboard_first_byte(struct sb_slot *slot, int64_t now_ms)
{
	if (atomic_load_explicit(&slot->first_ms, memory_order_relaxed) == 0)
		atomic_store_explicit(
		    &slot->first_ms, now_ms, memory_order_relaxed);
}

void
scoreboard_snapshot(
    const struct sb_slot *slot, int64_t now_ms, struct sb_snapshot *out)
{
	unsigned s0, s1;
	int64_t t0, b0;
	int i;

	out->torn = 1;
	for (i = 0; i < SB_SNAPSHOT_TRIES; i++) {
		s0 = atomic_load_explicit(&slot->seq, memory_order_acquire);
		memcpy(out->client, slot->client, sizeof(out->client));
		memcpy(out->path, slot->path, sizeof(out->path));
		memcpy(out->method, slot->method, sizeof(out->method));
		memcpy(out->range, slot->range, sizeof(out->range));
		out->start_ms = slot->start_ms;
		atomic_thread_fence(memory_order_acquire);
		s1 = atomic_load_explicit(&slot->seq, memory_order_relaxed);
		if (s0 == s1 && (s0 & 1) == 0) {
			out->torn = 0;
			break;
		}
	}
	/* Torn or not, every string ends inside its array. */
	out->client[sizeof(out->client) - 1] = '\0';
	out->path[sizeof(out->path) - 1] = '\0';
	out->method[sizeof(out->method) - 1] = '\0';
	out->range[sizeof(out->range) - 1] = '\0';
	out->pid = slot->pid;
	out->gen = slot->gen;
	out->requests = slot->requests;
	out->state = (enum sb_state)atomic_load_explicit(
	    &slot->state, memory_order_relaxed);
	out->wait = (enum sb_wait)atomic_load_explicit(
	    &slot->wait, memory_order_relaxed);
	out->status = atomic_load_explicit(&slot->status, memory_order_relaxed);
	out->sent = atomic_load_explicit(&slot->sent, memory_order_relaxed);
	out->total = atomic_load_explicit(&slot->total, memory_order_relaxed);
	out->limit_rate =
	    atomic_load_explicit(&slot->limit_rate, memory_order_relaxed);
	out->first_ms =
	    atomic_load_explicit(&slot->first_ms, memory_order_relaxed);
	out->progress_ms =
	    atomic_load_explicit(&slot->progress_ms, memory_order_relaxed);
	t0 = atomic_load_explicit(&slot->mark_ms[0], memory_order_relaxed);
	b0 = atomic_load_explicit(&slot->mark_sent[0], memory_order_relaxed);
	/*
	 * Over a second at least: in its first milliseconds a download
	 * fills the socket buffers at memory speed, which is no rate.
	 */
	out->rate = out->sent >= b0 ? (out->sent - b0) * 1000 /
		(now_ms - t0 > 1000 ? now_ms - t0 : 1000)
				    : 0;
}

void
scoreboard_done(struct scoreboard *sb, struct sb_slot *slot)
{
	/* Under the lock: scoreboard_retire() may run at the same time. */
	sb_lock(sb);
	atomic_store_explicit(&slot->state,
	    slot->retired ? SB_STOPPING : SB_IDLE, memory_order_relaxed);
	sb_unlock(sb);
}
