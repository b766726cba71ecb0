/*
 * The master: supervises workers, reloads, never serves. Signal
 * handlers only set flags; the loop sleeps in sigsuspend(2) with the
 * signals blocked everywhere else, so no wake-up is lost.
 */
#include "autoconfig.h"

#include <sys/prctl.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "accesslog.h"
#include "limits.h"
#include "listen.h"
#include "log.h"
#include "master.h"
#include "request.h"
#include "worker.h"

/* Workers of all generations alive at once. */
#define MASTER_CHILDREN_MAX 1024
/* A worker that dies sooner than this after its start, failing, counts
 * towards the back-off. */
#define MASTER_QUICK_DEATH_MS 1000
#define MASTER_BACKOFF_FIRST_MS 100
#define MASTER_BACKOFF_MAX_MS 10000

static volatile sig_atomic_t m_chld, m_term, m_quit, m_hup, m_usr1, m_alrm;

struct child {
	pid_t pid; /* 0: an empty entry */
	int gen;
	int64_t started_ms;
};

static struct child children[MASTER_CHILDREN_MAX];
static int master_gen;
static int master_streak;	  /* failing quick deaths in a row */
static int64_t master_respawn_at; /* when missing workers may start */
static int64_t master_deadline;	  /* shutdown_timeout, 0 if none */
static bool master_stopping;

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
	case SIGALRM:
		m_alrm = 1;
		break;
	}
}

static int
master_alive(int gen)
{
	int i, n = 0;

	for (i = 0; i < MASTER_CHILDREN_MAX; i++)
		if (children[i].pid != 0 && (gen < 0 || children[i].gen == gen))
			n++;
	return n;
}

static void
master_signal_children(int sig, int gen)
{
	int i;

	for (i = 0; i < MASTER_CHILDREN_MAX; i++)
		if (children[i].pid != 0 && (gen < 0 || children[i].gen == gen))
			kill(children[i].pid, sig);
}

static int
master_spawn(struct master *m)
{
	struct request_env env = {
	    .cfg = &m->cfg,
	    .mime = m->mime,
	    .rootfd = m->rootfd,
	    .sb = m->sb,
	};
	char role[32];
	pid_t pid, master_pid = getpid();
	int i, slot = -1;

	for (i = 0; i < MASTER_CHILDREN_MAX && slot == -1; i++)
		if (children[i].pid == 0)
			slot = i;
	if (slot == -1) {
		log_warnx("too many workers alive; not starting another");
		return -1;
	}
	switch (pid = fork()) {
	case -1:
		log_warn("fork");
		return -1;
	case 0:
		/*
		 * A worker whose master is gone (kill -9) stops as on TERM:
		 * it finishes its downloads and exits instead of serving on
		 * unsupervised. The check after prctl closes the race with a
		 * master that died first.
		 */
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) == -1)
			log_warn("prctl PR_SET_PDEATHSIG");
		if (getppid() != master_pid)
			_exit(0);
		signal(SIGCHLD, SIG_DFL);
		signal(SIGALRM, SIG_DFL);
		snprintf(role, sizeof(role), "worker %d.%d", master_gen,
		    (int)getpid());
		log_procinit(role);
		_exit(worker_run(&env, m->lfd, master_gen) == 0 ? 0 : 1);
	default:
		children[slot].pid = pid;
		children[slot].gen = master_gen;
		children[slot].started_ms = scoreboard_now_ms();
		return 0;
	}
}

static void
master_reap(struct master *m)
{
	struct child *c;
	int64_t now = scoreboard_now_ms();
	char how[64];
	size_t n;
	pid_t pid;
	int st, i, delay;
	bool failed;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		for (c = NULL, i = 0; i < MASTER_CHILDREN_MAX; i++)
			if (children[i].pid == pid)
				c = &children[i];
		n = scoreboard_reclaim(m->sb, pid);
		if (c == NULL)
			continue;
		c->pid = 0;
		if (WIFSIGNALED(st))
			snprintf(how, sizeof(how), "was killed by signal %d",
			    WTERMSIG(st));
		else
			snprintf(how, sizeof(how), "exited with status %d",
			    WEXITSTATUS(st));
		failed = WIFSIGNALED(st) || WEXITSTATUS(st) != 0;
		if (c->gen != master_gen || master_stopping) {
			log_info("worker %d %s", (int)pid, how);
			continue;
		}
		if (failed && now - c->started_ms < MASTER_QUICK_DEATH_MS)
			master_streak++;
		else
			master_streak = 0;
		delay = 0;
		if (master_streak > 0) {
			delay = MASTER_BACKOFF_FIRST_MS
			    << (master_streak - 1 < 7 ? master_streak - 1 : 7);
			if (delay > MASTER_BACKOFF_MAX_MS)
				delay = MASTER_BACKOFF_MAX_MS;
		}
		master_respawn_at = now + delay;
		if (failed)
			log_warnx("worker %d %s (%zu slots reclaimed); "
				  "respawning in %d ms%s",
			    (int)pid, how, n, delay,
			    master_streak > 1 ? ", dying in a loop" : "");
		else
			log_info("worker %d %s; respawning", (int)pid, how);
	}
}

/* Arms SIGALRM for the next respawn or the shutdown deadline. */
static void
master_arm(struct master *m)
{
	struct itimerval it = {{0, 0}, {0, 0}};
	int64_t now = scoreboard_now_ms(), due = 0;

	if (master_stopping)
		due = master_deadline;
	else if (master_alive(master_gen) < m->cfg.workers &&
	    master_respawn_at > now)
		due = master_respawn_at;
	if (due > now) {
		it.it_value.tv_sec = (due - now) / 1000;
		it.it_value.tv_usec = (suseconds_t)((due - now) % 1000) * 1000;
	}
	setitimer(ITIMER_REAL, &it, NULL);
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

static void
master_reload(struct master *m)
{
	struct dl_config nc;
	struct mime_table *mime;
	char *report = NULL;
	size_t len = 0, need, avail;
	FILE *ef;
	int errors, rootfd;

	if ((ef = open_memstream(&report, &len)) == NULL) {
		log_warn("reload: open_memstream");
		return;
	}
	errors = config_load(m->config_file, &nc, ef);
	mime = errors ? NULL : mime_load(nc.mime_types, ef);
	fclose(ef);
	if (errors) {
		master_log_lines(report);
		log_warnx("reload: %d error(s) in %s; still serving the "
			  "previous configuration",
		    errors, m->config_file);
		free(report);
		return;
	}
	if (len > 0)
		master_log_lines(report);
	free(report);
	if (mime == NULL && (mime = mime_load(NULL, stderr)) == NULL) {
		log_warn("reload: mime table");
		config_free(&nc);
		return;
	}
	need = (size_t)nc.workers * (size_t)nc.threads;
	avail = scoreboard_count(m->sb, SB_FREE);
	if (nc.workers == 0 || need > avail) {
		log_warnx("reload: %s; still serving the previous "
			  "configuration",
		    nc.workers == 0 ? "workers = 0 needs a restart"
				    : "not enough free scoreboard slots for "
				      "workers x threads (restart instead)");
		mime_free(mime);
		config_free(&nc);
		return;
	}
	if ((rootfd = open(nc.root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1) {
		log_warn("reload: open root %s", nc.root);
		mime_free(mime);
		config_free(&nc);
		return;
	}
	if (master_str_differs(nc.listen, m->cfg.listen) ||
	    master_str_differs(nc.user, m->cfg.user) ||
	    master_str_differs(nc.group, m->cfg.group) ||
	    master_str_differs(nc.error_log, m->cfg.error_log) ||
	    master_str_differs(nc.access_log, m->cfg.access_log))
		log_warnx("reload: listen, user, group and the logs change "
			  "only on restart");
	/* The new generation takes over; the old one finishes and exits. */
	master_signal_children(SIGTERM, master_gen);
	nc.listen_mode_bits = m->cfg.listen_mode_bits;
	free(nc.listen);
	nc.listen = m->cfg.listen ? strdup(m->cfg.listen) : NULL;
	config_free(&m->cfg);
	mime_free(m->mime);
	close(m->rootfd);
	m->cfg = nc;
	m->mime = mime;
	m->rootfd = rootfd;
	master_gen++;
	master_streak = 0;
	master_respawn_at = 0;
	log_info("reloaded %s: generation %d, %d workers x %d threads",
	    m->config_file, master_gen, m->cfg.workers, m->cfg.threads);
}

int
master_run(struct master *m)
{
	struct sigaction sa;
	sigset_t waitset;
	int64_t now;
	int sigs[] = {
	    SIGCHLD, SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1, SIGALRM};
	size_t i;

	log_procinit("master");
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = master_sig;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	/* The caller blocked them; sigsuspend opens this set alone. */
	sigprocmask(SIG_SETMASK, NULL, &waitset);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigdelset(&waitset, sigs[i]);

	log_info("dlfcgi %s: %d workers x %d threads", PACKAGE_VERSION,
	    m->cfg.workers, m->cfg.threads);
	for (;;) {
		now = scoreboard_now_ms();
		if (!master_stopping && now >= master_respawn_at)
			while (master_alive(master_gen) < m->cfg.workers &&
			    master_spawn(m) == 0)
				;
		if (master_stopping && master_alive(-1) == 0)
			break;
		master_arm(m);
		while (!m_chld && !m_term && !m_quit && !m_hup && !m_usr1 &&
		    !m_alrm)
			sigsuspend(&waitset);
		if (m_chld) {
			m_chld = 0;
			master_reap(m);
		}
		if (m_alrm) {
			m_alrm = 0;
			if (master_stopping && master_deadline > 0 &&
			    scoreboard_now_ms() >= master_deadline) {
				log_warnx("shutdown_timeout (%d s) expired: "
					  "killing %d workers",
				    m->cfg.shutdown_timeout, master_alive(-1));
				master_signal_children(SIGKILL, -1);
				master_deadline = 0;
			}
		}
		if (m_quit) {
			m_quit = 0;
			log_info("SIGQUIT: stopping now");
			master_signal_children(SIGKILL, -1);
			master_stopping = true;
			master_deadline = 0;
		}
		if (m_term) {
			m_term = 0;
			if (!master_stopping) {
				log_info("stopping: %d workers finish their "
					 "downloads (shutdown_timeout %d s)",
				    master_alive(-1), m->cfg.shutdown_timeout);
				master_stopping = true;
				/* shutdown_timeout 0: wait as long as it takes */
				master_deadline = m->cfg.shutdown_timeout == 0
				    ? 0
				    : scoreboard_now_ms() +
					(int64_t)m->cfg.shutdown_timeout * 1000;
				master_signal_children(SIGTERM, -1);
			}
		}
		if (m_hup) {
			m_hup = 0;
			if (!master_stopping)
				master_reload(m);
		}
		if (m_usr1) {
			m_usr1 = 0;
			log_reopen();
			accesslog_reopen();
			master_signal_children(SIGUSR1, -1);
			log_info("logs reopened");
		}
	}
	listen_unlink_created();
	log_info("stopped");
	return 0;
}
