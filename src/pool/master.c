/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * The master: supervises workers, reloads, never serves. Signal
 * handlers only set flags; the loop sleeps in sigsuspend(2) with the
 * signals blocked everywhere else, so no wake-up is lost. Workers report
 * through their scoreboard record, then SIGUSR2: the loop looks at
 * every record after each wake-up, so a coalesced signal loses nothing.
 */
#include "autoconfig.h"

#include <sys/prctl.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "accesslog.h"
#include "bounds.h"
#include "count.h"
#include "listen.h"
#include "log.h"
#include "master.h"
#include "request.h"
#include "slowlog.h"
#include "worker.h"

static volatile sig_atomic_t m_chld, m_term, m_quit, m_hup, m_usr1, m_usr2,
    m_alrm;

static void
master_sig(int sig)
{
	switch (sig) {
	case SIGCHLD:
		m_chld = 1;
		break;
	case SIGTERM:
	case SIGINT:
		m_term = 1;
		break;
	case SIGQUIT:
		m_quit = 1;
		break;
	case SIGHUP:
		m_hup = 1;
		break;
	case SIGUSR1:
		m_usr1 = 1;
		break;
	case SIGUSR2:
		m_usr2 = 1;
		break;
	case SIGALRM:
		m_alrm = 1;
		break;
	}
}

/* Workers alive of generation gen (every generation if gen < 0). */
static int
master_alive(const struct master *m, int gen)
{
	int i, n = 0;

	for (i = 0; i < MASTER_CHILDREN_MAX; i++)
		if (m->children[i].pid != 0 &&
		    (gen < 0 || m->children[i].gen == gen))
			n++;
	return n;
}

/* Workers of older generations, or retired ones, still finishing. */
static int
master_draining(const struct master *m)
{
	int i, n = 0;

	for (i = 0; i < MASTER_CHILDREN_MAX; i++)
		if (m->children[i].pid != 0 &&
		    (m->children[i].gen != m->cur.id || m->children[i].retired))
			n++;
	return n;
}

/* Workers of the serving generation that still accept (or will). */
static int
master_serving(const struct master *m)
{
	int i, n = 0;

	for (i = 0; i < MASTER_CHILDREN_MAX; i++)
		if (m->children[i].pid != 0 &&
		    m->children[i].gen == m->cur.id && !m->children[i].retired)
			n++;
	return n;
}

static void
master_signal_children(const struct master *m, int sig, int gen)
{
	int i;

	for (i = 0; i < MASTER_CHILDREN_MAX; i++)
		if (m->children[i].pid != 0 &&
		    (gen < 0 || m->children[i].gen == gen) &&
		    kill(m->children[i].pid, sig) == -1 && errno != ESRCH)
			log_warn("kill %d", (int)m->children[i].pid);
}

/* The shared counters (stats.h): they outlive workers and reloads. */
static void
master_count_restart(struct master *m, enum stat_restart why, int n)
{
	stats_add(&scoreboard_stats(m->sb)->restarts[why], (uint64_t)n);
}

static void
master_count_reload(struct master *m, bool ok)
{
	struct dl_stats *s = scoreboard_stats(m->sb);

	stats_add(ok ? &s->reloads_ok : &s->reloads_failed, 1);
	atomic_store_explicit(&s->generation, m->cur.id, memory_order_relaxed);
}

/* The back-off after n failures in a row (bounds.h: MASTER_BACKOFF_*). */
static int
master_backoff_ms(int n)
{
	int delay;

	if (n <= 0)
		return 0;
	delay = MASTER_BACKOFF_FIRST_MS
	    << (n - 1 < MASTER_BACKOFF_SHIFT_MAX ? n - 1
						 : MASTER_BACKOFF_SHIFT_MAX);
	return delay > MASTER_BACKOFF_MAX_MS ? MASTER_BACKOFF_MAX_MS : delay;
}

/*
 * Starts a worker of generation gen (the serving one or, during a
 * reload, the next one): reserves its scoreboard slots, then forks.
 * Returns 0, or -1 (logged) if no entry, no slots or no fork.
 */
static int
master_spawn(struct master *m, int gen)
{
	bool next = m->pending && gen == m->next.id;
	struct request_env env = {
	    .cfg = next ? &m->next.cfg : &m->cur.cfg,
	    .mime = next ? m->next.mime : m->cur.mime,
	    .rootfd = next ? m->next.rootfd : m->cur.rootfd,
	    .sb = m->sb,
	    .stopping = &worker_stop,
	    .listen_queue = worker_listen_queue,
	};
	char role[32];
	pid_t pid, owner, master_pid = getpid();
	int i, slot = -1;

	for (i = 0; i < MASTER_CHILDREN_MAX && slot == -1; i++)
		if (m->children[i].pid == 0)
			slot = i;
	if (slot == -1) {
		log_warnx("too many workers alive; not starting another");
		return -1;
	}
	/* A placeholder owner until the pid is known (see scoreboard.h). */
	owner = -(pid_t)(slot + 1);
	if (scoreboard_reserve(m->sb, owner, gen, (size_t)env.cfg->threads) ==
	    -1) {
		log_warnx("no %d free scoreboard slots for a worker",
		    env.cfg->threads);
		return -1;
	}
	scoreboard_proc_set(m->sb, slot, SBP_STARTING);
	switch (pid = fork()) {
	case -1:
		log_warn("fork");
		scoreboard_reclaim(m->sb, owner);
		return -1;
	case 0:
		/*
		 * A worker whose master is gone (kill -9) stops as on TERM:
		 * it closes the listen socket, finishes its downloads and
		 * exits instead of serving on unsupervised. The check after
		 * prctl closes the race with a master that died first.
		 */
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) == -1)
			log_warn("prctl PR_SET_PDEATHSIG");
		if (getppid() != master_pid)
			_exit(0);
		signal(SIGCHLD, SIG_DFL);
		signal(SIGALRM, SIG_DFL);
		signal(SIGUSR2, SIG_DFL);
		/* The other generation's root is not this worker's. */
		if (m->pending)
			close(next ? m->cur.rootfd : m->next.rootfd);
		snprintf(
		    role, sizeof(role), "worker %d.%d", gen, (int)getpid());
		log_procinit(role);
		_exit(worker_run(&env, m->lfd, gen, slot) == 0 ? 0 : 1);
	default:
		scoreboard_reserve_assign(m->sb, owner, pid);
		m->children[slot].pid = pid;
		m->children[slot].gen = gen;
		m->children[slot].started_ms = scoreboard_now_ms();
		m->children[slot].ready = false;
		m->children[slot].retired = false;
		return 0;
	}
}

/* A serving worker could not be started: retry with the back-off. */
static void
master_start_failed(struct master *m)
{
	int delay;

	m->start_failures++;
	m->fork_streak++;
	delay = master_backoff_ms(m->fork_streak);
	m->respawn_at = scoreboard_now_ms() + delay;
	log_warnx("could not start a worker (%d of %d running); retrying in "
		  "%d ms",
	    master_serving(m), m->cur.cfg.workers, delay);
}

/*
 * A worker of the serving generation is gone or stopped accepting
 * (how): its replacement may start now, or after the back-off if it
 * failed soon after its start.
 */
static void
master_replace(struct master *m, const struct master_child *c, bool failed,
    const char *how)
{
	int64_t now = scoreboard_now_ms();
	int delay;

	if (failed && now - c->started_ms < MASTER_QUICK_DEATH_MS)
		m->streak++;
	else
		m->streak = 0;
	delay = master_backoff_ms(m->streak);
	m->respawn_at = now + delay;
	if (failed)
		log_warnx("worker %d %s; respawning in %d ms%s", (int)c->pid,
		    how, delay, m->streak > 1 ? ", dying in a loop" : "");
	else
		log_info("worker %d %s; respawning", (int)c->pid, how);
}

/* Frees what a pending reload holds. */
static void
master_drop_next(struct master *m)
{
	generation_free(&m->next);
	m->pending = false;
}

/* A HUP that came during a reload is taken now. */
static void
master_undefer(struct master *m)
{
	if (m->hup_deferred) {
		m->hup_deferred = false;
		m_hup = 1;
	}
}

/*
 * The new generation cannot take over (why): it is stopped (killed if
 * it does not accept yet, drained otherwise), the old one serves on.
 */
static void
master_abort(struct master *m, const char *why)
{
	int i;

	m->reload_failures++;
	master_count_reload(m, false);
	log_warnx("reload failed: %s; generation %d stopped, generation %d "
		  "serves on with the previous configuration (%lu failed "
		  "reload%s)",
	    why, m->next.id, m->cur.id, m->reload_failures,
	    m->reload_failures == 1 ? "" : "s");
	for (i = 0; i < MASTER_CHILDREN_MAX; i++) {
		struct master_child *c = &m->children[i];

		if (c->pid != 0 && c->gen == m->next.id &&
		    kill(c->pid, c->ready ? SIGTERM : SIGKILL) == -1 &&
		    errno != ESRCH)
			log_warn("kill %d", (int)c->pid);
	}
	master_drop_next(m);
	master_undefer(m);
}

/* Every new worker is ready: the old generation drains and exits. */
static void
master_commit(struct master *m)
{
	char wbuf[512];
	const char *warn;
	int i, old = m->cur.id, replaced = 0;

	for (i = 0; i < MASTER_CHILDREN_MAX; i++)
		if (m->children[i].pid != 0 && m->children[i].gen == old &&
		    !m->children[i].retired)
			replaced++;
	master_count_restart(m, STAT_RESTART_RELOAD, replaced);
	master_signal_children(m, SIGTERM, old);
	generation_free(&m->cur);
	m->cur = m->next;
	/* Owned by cur now: emptied, not freed. */
	memset(&m->next, 0, sizeof(m->next));
	m->next.rootfd = -1;
	m->pending = false;
	m->streak = 0;
	m->fork_streak = 0;
	m->respawn_at = 0;
	m->reloads++;
	master_count_reload(m, true);
	log_info("reloaded %s: generation %d, %d workers x %d threads, is "
		 "ready; generation %d drains",
	    m->config_file, m->cur.id, m->cur.cfg.workers, m->cur.cfg.threads,
	    old);
	if ((warn = config_offload_warning(&m->cur.cfg, wbuf, sizeof(wbuf))) !=
	    NULL)
		log_warnx("%s", warn);
	master_undefer(m);
}

static void
master_reap(struct master *m)
{
	struct master_child *c;
	char how[96], why[160];
	size_t n;
	pid_t pid;
	int st, i;
	bool failed;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		for (c = NULL, i = 0; i < MASTER_CHILDREN_MAX; i++)
			if (m->children[i].pid == pid)
				c = &m->children[i];
		n = scoreboard_reclaim(m->sb, pid);
		if (c == NULL)
			continue;
		if (WIFSIGNALED(st))
			snprintf(how, sizeof(how), "was killed by signal %d",
			    WTERMSIG(st));
		else
			snprintf(how, sizeof(how), "exited with status %d",
			    WEXITSTATUS(st));
		failed = WIFSIGNALED(st) || WEXITSTATUS(st) != 0;
		if (m->pending && c->gen == m->next.id) {
			snprintf(why, sizeof(why),
			    "new worker %d %s before its generation was ready",
			    (int)pid, how);
			c->pid = 0;
			master_abort(m, why);
			continue;
		}
		if (c->gen != m->cur.id || m->stopping || c->retired) {
			log_info("worker %d %s", (int)pid, how);
			c->pid = 0;
			continue;
		}
		master_count_restart(m,
		    WIFSIGNALED(st) ? STAT_RESTART_CRASH : STAT_RESTART_EXIT,
		    1);
		snprintf(how + strlen(how), sizeof(how) - strlen(how),
		    " (%zu slots reclaimed)", n);
		master_replace(m, c, failed, how);
		c->pid = 0;
	}
	/* A reload that waited for slots tries again. */
	if (m->reload_waiting) {
		m->reload_waiting = false;
		m_hup = 1;
	}
}

/* Reads what the workers reported (SIGUSR2 or not: it is cheap). */
static void
master_scan(struct master *m)
{
	struct master_child *c;
	enum sb_proc_state st;
	char why[128];
	int i;

	for (i = 0; i < MASTER_CHILDREN_MAX; i++) {
		c = &m->children[i];
		if (c->pid == 0)
			continue;
		st = scoreboard_proc_get(m->sb, i);
		if (st == SBP_READY)
			c->ready = true;
		if ((st != SBP_STOPPED && st != SBP_FAILED) || c->retired)
			continue;
		c->retired = true;
		if (m->pending && c->gen == m->next.id) {
			snprintf(why, sizeof(why),
			    "new worker %d stopped accepting%s before its "
			    "generation was ready",
			    (int)c->pid, st == SBP_FAILED ? " (failed)" : "");
			master_abort(m, why);
		} else if (c->gen == m->cur.id && !m->stopping) {
			/* not told to stop: max_requests, or a failure */
			master_count_restart(m,
			    st == SBP_FAILED ? STAT_RESTART_EXIT
					     : STAT_RESTART_MAX_REQUESTS,
			    1);
			master_replace(m, c, st == SBP_FAILED,
			    st == SBP_FAILED
				? "failed and stopped accepting"
				: "stopped accepting, its requests finish");
		}
	}
}

/* A pending reload: take over once ready, give up after the bound. */
static void
master_check_pending(struct master *m)
{
	char why[96];
	int i, ready = 0;

	if (!m->pending)
		return;
	for (i = 0; i < MASTER_CHILDREN_MAX; i++)
		if (m->children[i].pid != 0 &&
		    m->children[i].gen == m->next.id && m->children[i].ready)
			ready++;
	if (ready >= m->next.cfg.workers)
		master_commit(m);
	else if (scoreboard_now_ms() >= m->ready_deadline) {
		snprintf(why, sizeof(why),
		    "%d of %d new workers ready after %d ms", ready,
		    m->next.cfg.workers, MASTER_READY_TIMEOUT_MS);
		master_abort(m, why);
	}
}

/* Arms SIGALRM for the next respawn, readiness or shutdown deadline. */
static void
master_arm(const struct master *m)
{
	struct itimerval it = {{0, 0}, {0, 0}};
	int64_t now = scoreboard_now_ms(), due = 0;

	if (m->stopping)
		due = m->deadline;
	else {
		if (master_serving(m) < m->cur.cfg.workers &&
		    m->respawn_at > now)
			due = m->respawn_at;
		if (m->pending && (due == 0 || m->ready_deadline < due))
			due = m->ready_deadline;
	}
	if (due > now) {
		it.it_value.tv_sec = (due - now) / 1000;
		it.it_value.tv_usec = (suseconds_t)((due - now) % 1000) * 1000;
	} else if (due > 0) /* due already: wake at once */
		it.it_value.tv_usec = 1000;
	/* the slow log's look at the scoreboard, once a second */
	if (m->slow_due > now &&
	    (due == 0 || (due > now && m->slow_due < due))) {
		it.it_value.tv_sec = (m->slow_due - now) / 1000;
		it.it_value.tv_usec =
		    (suseconds_t)((m->slow_due - now) % 1000) * 1000;
	}
	if (setitimer(ITIMER_REAL, &it, NULL) == -1)
		log_warn("setitimer");
}

/* Logs every line of a config error report. */
static void
master_log_lines(char *text)
{
	char *line, *save = NULL;

	for (line = strtok_r(text, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save))
		log_warnx("reload: %s", line);
}

static bool
master_str_differs(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a != b;
	return strcmp(a, b) != 0;
}

/*
 * HUP: checks the new configuration, then starts the new generation
 * next to the serving one; master_check_pending() lets it take over.
 */
static void
master_reload(struct master *m)
{
	struct generation ng;
	const struct dl_config *nc = &ng.cfg;
	char *report = NULL;
	size_t len = 0, need, avail, serving;
	FILE *ef;
	int errors, i;

	m->reload_waiting = false;
	if (m->pending) {
		log_info("reload: generation %d is still starting; this "
			 "reload follows once it is ready or has failed",
		    m->next.id);
		m->hup_deferred = true;
		return;
	}
	if ((ef = open_memstream(&report, &len)) == NULL) {
		log_warn("reload: open_memstream");
		return;
	}
	/* As main() loaded the serving one. */
	errors = generation_load(&ng, m->config_file, ef);
	fclose(ef);
	if (errors) {
		master_log_lines(report);
		log_warnx("reload: %d error(s) in %s; still serving the "
			  "previous configuration",
		    errors, m->config_file);
		master_count_reload(m, false);
		free(report);
		return;
	}
	if (len > 0)
		master_log_lines(report);
	free(report);
	/* Reserved slots (workers being started) are not free. */
	need = (size_t)nc->workers * (size_t)nc->threads;
	avail = scoreboard_count(m->sb, SB_FREE);
	serving = (size_t)master_serving(m) * (size_t)m->cur.cfg.threads;
	if (nc->workers > 0 && need > avail &&
	    need + serving <= scoreboard_nslots(m->sb) &&
	    master_draining(m) > 0) {
		/* Fits once the draining workers are gone: retried on exit. */
		log_info("reload: %zu scoreboard slots needed, %zu free; "
			 "waiting for %d draining workers",
		    need, avail, master_draining(m));
		m->reload_waiting = true;
		generation_free(&ng);
		return;
	}
	if (nc->workers == 0 || need > avail) {
		if (nc->workers == 0)
			log_warnx("reload: workers = 0 needs a restart; still "
				  "serving the previous configuration");
		else
			log_warnx("reload: %zu scoreboard slots needed for "
				  "workers x threads, %zu free of %zu (older "
				  "generations still drain, or restart for a "
				  "bigger pool); still serving the previous "
				  "configuration",
			    need, avail, scoreboard_nslots(m->sb));
		master_count_reload(m, false);
		generation_free(&ng);
		return;
	}
	if (master_str_differs(nc->listen, m->cur.cfg.listen) ||
	    master_str_differs(nc->user, m->cur.cfg.user) ||
	    master_str_differs(nc->group, m->cur.cfg.group) ||
	    master_str_differs(nc->error_log, m->cur.cfg.error_log) ||
	    master_str_differs(nc->access_log, m->cur.cfg.access_log) ||
	    master_str_differs(nc->slowlog, m->cur.cfg.slowlog))
		log_warnx("reload: listen, user, group and the logs change "
			  "only on restart");
	/* What only a restart changes is kept from the serving one. */
	ng.cfg.listen_mode_bits = m->cur.cfg.listen_mode_bits;
	free(ng.cfg.listen);
	ng.cfg.listen = m->cur.cfg.listen ? strdup(m->cur.cfg.listen) : NULL;
	ng.id = ++m->last_gen;
	m->next = ng;
	m->pending = true;
	m->ready_deadline = scoreboard_now_ms() + MASTER_READY_TIMEOUT_MS;
	log_info("reload: starting generation %d (%d workers x %d threads); "
		 "generation %d serves until it is ready",
	    m->next.id, m->next.cfg.workers, m->next.cfg.threads, m->cur.id);
	for (i = 0; i < m->next.cfg.workers; i++)
		if (master_spawn(m, m->next.id) == -1) {
			master_abort(m, "a new worker could not be started");
			return;
		}
}

/* TERM or QUIT: nothing more is accepted, the address is free at once. */
static void
master_unlisten(struct master *m)
{
	if (m->lfd != -1 && close(m->lfd) == -1)
		log_warn("close the FastCGI socket");
	m->lfd = -1;
	listen_unlink_created();
	if (m->pending) /* its workers got the signal too */
		master_drop_next(m);
	m->hup_deferred = false;
	m->reload_waiting = false;
}

int
master_run(struct master *m)
{
	struct sigaction sa;
	sigset_t waitset;
	int sigs[] = {SIGCHLD, SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1,
	    SIGUSR2, SIGALRM};
	size_t i;

	log_procinit("master");
	m->next.rootfd = -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = master_sig;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigaction(sigs[i], &sa, NULL) == -1)
			fatal("sigaction %d", sigs[i]);
	/* The caller blocked them; sigsuspend opens this set alone. */
	sigprocmask(SIG_SETMASK, NULL, &waitset);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigdelset(&waitset, sigs[i]);

	atomic_store_explicit(&scoreboard_stats(m->sb)->generation, m->cur.id,
	    memory_order_relaxed);
	log_info("dlfcgi %s: %d workers x %d threads", PACKAGE_VERSION,
	    m->cur.cfg.workers, m->cur.cfg.threads);
	for (;;) {
		master_scan(m);
		master_check_pending(m);
		if (!m->stopping && scoreboard_now_ms() >= m->respawn_at)
			while (master_serving(m) < m->cur.cfg.workers) {
				if (master_spawn(m, m->cur.id) == -1) {
					master_start_failed(m);
					break;
				}
				if (m->fork_streak > 0)
					log_info("worker started again");
				m->fork_streak = 0;
			}
		if (m->stopping && master_alive(m, -1) == 0)
			break;
		m->slow_due = slowlog_scan(m->sb, m->cur.cfg.slowlog_ttfb,
		    m->cur.cfg.slowlog_stall, scoreboard_now_ms());
		master_arm(m);
		while (!m_chld && !m_term && !m_quit && !m_hup && !m_usr1 &&
		    !m_usr2 && !m_alrm)
			sigsuspend(&waitset);
		m_usr2 = 0; /* master_scan() reads every record */
		if (m_chld) {
			m_chld = 0;
			master_reap(m);
		}
		if (m_alrm) {
			m_alrm = 0;
			if (m->stopping && m->deadline > 0 &&
			    scoreboard_now_ms() >= m->deadline) {
				log_warnx("shutdown_timeout (%d s) expired: "
					  "killing %d workers",
				    m->cur.cfg.shutdown_timeout,
				    master_alive(m, -1));
				count_shutdown(m->sb, 0);
				master_signal_children(m, SIGKILL, -1);
				m->deadline = 0;
			}
		}
		if (m_quit) {
			m_quit = 0;
			log_info("SIGQUIT: stopping now");
			count_shutdown(m->sb, 0);
			master_signal_children(m, SIGKILL, -1);
			m->stopping = true;
			m->deadline = 0;
			master_unlisten(m);
		}
		if (m_term) {
			m_term = 0;
			if (!m->stopping) {
				log_info("stopping: %d workers finish their "
					 "downloads (shutdown_timeout %d s)",
				    master_alive(m, -1),
				    m->cur.cfg.shutdown_timeout);
				m->stopping = true;
				/* shutdown_timeout 0: wait as long as it takes */
				m->deadline = m->cur.cfg.shutdown_timeout == 0
				    ? 0
				    : scoreboard_now_ms() +
					(int64_t)m->cur.cfg.shutdown_timeout *
					    1000;
				master_signal_children(m, SIGTERM, -1);
				master_unlisten(m);
			}
		}
		if (m_hup) {
			m_hup = 0;
			if (!m->stopping)
				master_reload(m);
		}
		if (m_usr1) {
			m_usr1 = 0;
			if ((log_reopen() | accesslog_reopen() |
				slowlog_reopen()) == 0)
				log_info("logs reopened");
			master_signal_children(m, SIGUSR1, -1);
		}
	}
	listen_unlink_created();
	log_info("stopped");
	return 0;
}
