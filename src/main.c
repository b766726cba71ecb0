/*
 * dlfcgi: command line, configuration, socket, then serve.
 */
#include "autoconfig.h"

#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "accesslog.h"
#include "config.h"
#include "bounds.h"
#include "listen.h"
#include "log.h"
#include "mime.h"
#include "request.h"
#include "master.h"
#include "scoreboard.h"
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
 * Drops root for cfg->user and cfg->group (all supplementary groups
 * too), after binding and opening logs, before serving.
 */
static void
main_drop_privileges(const struct dl_config *cfg)
{
	struct passwd *pw = NULL;
	struct group *gr;
	uid_t uid;
	gid_t gid;

	if (cfg->user == NULL && cfg->group == NULL)
		return;
	if (geteuid() != 0) {
		log_warnx("not started as root: user and group are ignored");
		return;
	}
	if (cfg->user != NULL && (pw = getpwnam(cfg->user)) == NULL)
		fatalx("no such user %s", cfg->user);
	uid = pw ? pw->pw_uid : 0;
	gid = pw ? pw->pw_gid : 0;
	if (cfg->group != NULL) {
		if ((gr = getgrnam(cfg->group)) == NULL)
			fatalx("no such group %s", cfg->group);
		gid = gr->gr_gid;
	}
	if (setgroups(1, &gid) == -1 || setresgid(gid, gid, gid) == -1 ||
	    (pw != NULL && setresuid(uid, uid, uid) == -1))
		fatal("unable to drop privileges to %s:%s",
		    cfg->user ? cfg->user : "root",
		    cfg->group ? cfg->group : "-");
	log_info("running as uid %d gid %d", (int)getuid(), (int)getgid());
}

/* Owner and group of the unix socket, or -1 for "unchanged". */
static void
main_socket_owner(const struct dl_config *cfg, uid_t *uid, gid_t *gid)
{
	struct passwd *pw;
	struct group *gr;

	*uid = (uid_t)-1;
	*gid = (gid_t)-1;
	if (cfg->listen_owner != NULL && (pw = getpwnam(cfg->listen_owner)))
		*uid = pw->pw_uid;
	if (cfg->listen_group != NULL && (gr = getgrnam(cfg->listen_group)))
		*gid = gr->gr_gid;
}

/* The FastCGI socket: `listen`, else the one inherited on fd 0. */
static int
main_socket(const struct dl_config *cfg)
{
	struct stat st;
	socklen_t len;
	uid_t uid;
	gid_t gid;
	int fd, type;

	if (cfg->listen != NULL) {
		main_socket_owner(cfg, &uid, &gid);
		return listen_open(
		    cfg->listen, cfg->listen_mode_bits, uid, gid);
	}
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
	if (config_load(file, &m.cfg, stderr) != 0)
		return 1;
	m.mime = mime_load(m.cfg.mime_types, stderr);
	if (m.mime == NULL) {
		/* Only the default may be missing (config checks the rest). */
		fprintf(stderr, "dlfcgi: %s: %s; every file gets %s\n",
		    m.cfg.mime_types, strerror(errno), m.cfg.default_type);
		if ((m.mime = mime_load(NULL, stderr)) == NULL) {
			config_free(&m.cfg);
			return 1;
		}
	}
	if (check) {
		printf("dlfcgi: %s: syntax is ok\n", file);
		mime_free(m.mime);
		config_free(&m.cfg);
		return 0;
	}

	if (foreground_log)
		log_init(LOG_DEST_STDERR);
	else if (log_open(m.cfg.error_log) == -1) {
		fprintf(stderr, "dlfcgi: error_log %s: %s\n", m.cfg.error_log,
		    strerror(errno));
		goto fail;
	}
	if (accesslog_open(m.cfg.access_log) == -1) {
		fprintf(stderr, "dlfcgi: access_log %s: %s\n", m.cfg.access_log,
		    strerror(errno));
		goto fail;
	}
	log_procinit(m.cfg.workers == 0 ? "main" : "master");
	signal(SIGPIPE, SIG_IGN);

	m.rootfd = open(m.cfg.root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (m.rootfd == -1)
		fatal("open root %s", m.cfg.root);
	if ((m.lfd = main_socket(&m.cfg)) == -1) {
		close(m.rootfd);
		goto fail;
	}
	main_drop_privileges(&m.cfg);
	/* Twice the pool, so a reload can start a whole new generation. */
	nslots = (size_t)m.cfg.threads *
	    (m.cfg.workers == 0 ? 1
				: DL_POOL_GENERATIONS * (size_t)m.cfg.workers);
	if ((m.sb = scoreboard_create(nslots)) == NULL)
		fatal("scoreboard of %zu slots", nslots);
	if (detach && daemon(0, 0) == -1)
		fatal("daemon");

	/* Taken by sigsuspend (master) or sigwait (worker), never async. */
	worker_sigset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGALRM);
	sigaddset(&set, SIGUSR2); /* workers report to the master */
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1)
		fatal("sigprocmask");

	log_info("dlfcgi %s serving %s on %s", PACKAGE_VERSION, m.cfg.root,
	    m.cfg.listen ? m.cfg.listen : "an inherited socket");
	if (m.cfg.workers > 0)
		rc = master_run(&m);
	else {
		env.cfg = &m.cfg;
		env.mime = m.mime;
		env.rootfd = m.rootfd;
		env.sb = m.sb;
		/* worker_run closes the socket once it stops accepting */
		rc = worker_run(&env, m.lfd, 0, -1) == 0 ? 0 : 1;
		m.lfd = -1;
		listen_unlink_created();
		log_info("stopped");
	}
	if (m.lfd != -1)
		close(m.lfd);
	close(m.rootfd);
	scoreboard_destroy(m.sb);
	mime_free(m.mime);
	config_free(&m.cfg);
	return rc;
fail:
	mime_free(m.mime);
	config_free(&m.cfg);
	return 1;
}
