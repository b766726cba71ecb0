/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * dlfcgi: command line, configuration, socket, then serve.
 */
#include "autoconfig.h"

#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "accesslog.h"
#include "config.h"
#include "generation.h"
#include "bounds.h"
#include "listen.h"
#include "log.h"
#include "logfile.h"
#include "mime.h"
#include "request.h"
#include "master.h"
#include "scoreboard.h"
#include "slowlog.h"
#include "worker.h"

static void usage(int) __attribute__((noreturn));

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: dlfcgi [-dfhtV] [-c file]\n"
	    "  -c file  configuration file (default $DLFCGI_CONF, else %s)\n"
	    "  -t       check the configuration and exit\n"
	    "  -f       log to stderr, stay in the foreground\n"
	    "  -d       detach into the background\n"
	    "  -V       print the version and exit\n"
	    "  -h       print this help and exit\n",
	    DL_DEFAULT_CONFIG);
	exit(status);
}

/*
 * Drops root for user and group (all supplementary groups too), as the
 * generation resolved them, after binding and opening logs, before
 * serving; then makes sure root cannot be had back.
 */
static void
main_drop_privileges(const struct generation *g)
{
	const struct dl_config *cfg = &g->cfg;
	uid_t uid = g->drop_uid ? g->uid : 0;
	gid_t gid = g->gid;

	if (!g->drop_gid)
		return;
	if (geteuid() != 0) {
		log_warnx("not started as root: user and group are ignored");
		return;
	}
	/*
	 * Log files opened (and perhaps created) as root go to the user, so
	 * that a SIGUSR1 without a rotation first can still reopen them.
	 */
	log_chown(uid, gid);
	accesslog_chown(uid, gid);
	slowlog_chown(uid, gid);
	if (setgroups(1, &gid) == -1 || setresgid(gid, gid, gid) == -1 ||
	    (g->drop_uid && setresuid(uid, uid, uid) == -1))
		fatal("unable to drop privileges to %s:%s",
		    cfg->user ? cfg->user : "root",
		    cfg->group ? cfg->group : "-");
	/* A uid other than root must not get root back (OpenBSD does so). */
	if (uid != 0 &&
	    (setuid(0) != -1 || seteuid(0) != -1 || getuid() != uid ||
		geteuid() != uid))
		fatalx("dropped privileges to uid %d, but root can be "
		       "regained; refusing to serve",
		    (int)uid);
	log_info("running as uid %d gid %d", (int)getuid(), (int)getgid());
}

/* The FastCGI socket: `listen`, else the one inherited on fd 0. */
static int
main_socket(const struct generation *g)
{
	const struct dl_config *cfg = &g->cfg;
	struct stat st;
	socklen_t len;
	int fd, type;

	if (cfg->listen != NULL)
		return listen_open(cfg->listen, cfg->listen_mode_bits,
		    g->listen_uid, g->listen_gid);
	if ((fd = listen_systemd()) != -1)
		return fd;
	len = sizeof(type);
	if (fstat(0, &st) == -1 || !S_ISSOCK(st.st_mode) ||
	    getsockopt(0, SOL_SOCKET, SO_TYPE, &type, &len) == -1 ||
	    type != SOCK_STREAM) {
		log_warnx("no \"listen\" in the configuration and fd 0 is not "
			  "a FastCGI socket (start dlfcgi from spawn-fcgi or "
			  "the web server, or set listen)");
		return -1;
	}
	/* Off fd 0, which daemon(3) (-d) points at /dev/null. */
	if ((fd = fcntl(0, F_DUPFD_CLOEXEC, 3)) == -1)
		log_warn("fcntl F_DUPFD on fd 0");
	return fd;
}

int
main(int argc, char *argv[])
{
	struct master m;
	struct request_env env;
	const char *file = NULL;
	sigset_t set;
	char wbuf[512];
	const char *warn;
	bool check = false, foreground_log = false, detach = false;
	int ch, rc;
	size_t nslots;

	while ((ch = getopt(argc, argv, "c:dfhtV")) != -1) {
		switch (ch) {
		case 'c':
			file = optarg;
			break;
		case 'd':
			detach = true;
			break;
		case 'f':
			foreground_log = true;
			break;
		case 't':
			check = true;
			break;
		case 'V':
			printf("dlfcgi %s\n", PACKAGE_VERSION);
			return 0;
		case 'h':
			usage(0);
		default:
			usage(1);
		}
	}
	if (optind != argc)
		usage(1);
	/* mod_fcgid starts programs without arguments: FcgidInitialEnv. */
	if (file == NULL)
		file = getenv("DLFCGI_CONF");
	if (file == NULL)
		file = DL_DEFAULT_CONFIG;

	memset(&m, 0, sizeof(m));
	m.config_file = file;
	m.lfd = -1;
	m.next.rootfd = -1;
	/* As every reload does (master.c). */
	if (generation_load(&m.cur, file, stderr) != 0)
		return 1;
	if (check) {
		printf("dlfcgi: %s: syntax is ok\n", file);
		generation_free(&m.cur);
		return 0;
	}

	if (foreground_log)
		log_init(LOG_DEST_STDERR);
	else if (log_open(m.cur.cfg.error_log) == -1) {
		fprintf(stderr, "dlfcgi: error_log %s: %s\n",
		    m.cur.cfg.error_log, strerror(errno));
		goto fail;
	}
	if (accesslog_open(m.cur.cfg.access_log) == -1) {
		fprintf(stderr, "dlfcgi: access_log %s: %s\n",
		    m.cur.cfg.access_log, strerror(errno));
		goto fail;
	}
	if (slowlog_open(m.cur.cfg.slowlog) == -1) {
		fprintf(stderr, "dlfcgi: slowlog %s: %s\n", m.cur.cfg.slowlog,
		    logfile_strerror(errno));
		goto fail;
	}
	log_procinit(m.cur.cfg.workers == 0 ? "main" : "master");
	signal(SIGPIPE, SIG_IGN);

	if ((m.lfd = main_socket(&m.cur)) == -1)
		goto fail;
	main_drop_privileges(&m.cur);
	/* Twice the pool, so a reload can start a whole new generation. */
	nslots = (size_t)m.cur.cfg.threads *
	    (m.cur.cfg.workers == 0
		    ? 1
		    : DL_POOL_GENERATIONS * (size_t)m.cur.cfg.workers);
	if ((m.sb = scoreboard_create(nslots)) == NULL)
		fatal("scoreboard of %zu slots", nslots);
	if (slowlog_watch_init(nslots) == -1)
		fatal("slowlog: %zu slot marks", nslots);
	if (detach && daemon(0, 0) == -1)
		fatal("daemon");

	/* Taken by sigsuspend (master) or sigwait (worker), never async. */
	worker_sigset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGALRM);
	sigaddset(&set, SIGUSR2); /* workers report to the master */
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1)
		fatal("sigprocmask");

	log_info("dlfcgi %s serving %s on %s", PACKAGE_VERSION, m.cur.cfg.root,
	    m.cur.cfg.listen ? m.cur.cfg.listen : "an inherited socket");
	if ((warn = config_offload_warning(&m.cur.cfg, wbuf, sizeof(wbuf))) !=
	    NULL)
		log_warnx("%s", warn);
	if (m.cur.cfg.workers > 0)
		rc = master_run(&m);
	else {
		env.cfg = &m.cur.cfg;
		env.mime = m.cur.mime;
		env.rootfd = m.cur.rootfd;
		env.sb = m.sb;
		env.stopping = &worker_stop;
		env.listen_queue = worker_listen_queue;
		/* worker_run closes the socket once it stops accepting */
		rc = worker_run(&env, m.lfd, 0, -1) == 0 ? 0 : 1;
		m.lfd = -1;
		listen_unlink_created();
		log_info("stopped");
	}
	if (m.lfd != -1)
		close(m.lfd);
	scoreboard_destroy(m.sb);
	generation_free(&m.cur);
	return rc;
fail:
	generation_free(&m.cur);
	return 1;
}
