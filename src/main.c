/*
 * dlfcgi: command line, configuration, socket, then serve.
 */
#include "autoconfig.h"

#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "config.h"
#include "limits.h"
#include "listen.h"
#include "log.h"
#include "mime.h"
#include "request.h"
#include "worker.h"

static volatile sig_atomic_t main_stop;
static const char *main_listen; /* for the unix socket's removal */

static void __attribute__((noreturn)) usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: dlfcgi [-dfhtV] [-c file]\n"
	    "  -c file  configuration file (default %s)\n"
	    "  -t       check the configuration and exit\n"
	    "  -f       log to stderr, stay in the foreground\n"
	    "  -d       detach into the background\n"
	    "  -V       print the version and exit\n"
	    "  -h       print this help and exit\n",
	    DL_DEFAULT_CONFIG);
	exit(status);
}

/*
 * Signals are blocked in every thread and taken here, synchronously:
 * no handler runs, so nothing is async-signal-unsafe.
 */
static void *
main_signals(void *arg)
{
	sigset_t *set = arg;
	int sig;

	for (;;) {
		if (sigwait(set, &sig) != 0)
			continue;
		switch (sig) {
		case SIGTERM:
		case SIGINT:
			log_info(
			    "signal %d: stopping after running requests", sig);
			main_stop = 1;
			break;
		case SIGQUIT:
			log_info("SIGQUIT: stopping now");
			listen_cleanup(main_listen);
			_exit(0);
		default:
			log_info("signal %d ignored", sig);
			break;
		}
	}
	return NULL;
}

/* The FastCGI socket: `listen`, else the one inherited on fd 0. */
static int
main_socket(const struct dl_config *cfg)
{
	struct stat st;
	int type;
	socklen_t len = sizeof(type);

	if (cfg->listen != NULL)
		return listen_open(cfg->listen);
	if (fstat(0, &st) == -1 || !S_ISSOCK(st.st_mode) ||
	    getsockopt(0, SOL_SOCKET, SO_TYPE, &type, &len) == -1 ||
	    type != SOCK_STREAM) {
		log_warnx("no \"listen\" in the configuration and fd 0 is not "
			  "a FastCGI socket (start dlfcgi from spawn-fcgi or "
			  "the web server, or set listen)");
		return -1;
	}
	return 0;
}

int
main(int argc, char *argv[])
{
	struct dl_config cfg;
	struct mime_table *mime;
	struct request_env env;
	const char *file = DL_DEFAULT_CONFIG;
	pthread_t sigtid;
	sigset_t set;
	bool check = false, foreground_log = false, detach = false;
	int ch, lfd, rootfd, rc;

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

	if (config_load(file, &cfg, stderr) != 0)
		return 1;
	mime = mime_load(cfg.mime_types, stderr);
	if (mime == NULL) {
		/* Only the default may be missing (config checks the rest). */
		fprintf(stderr, "dlfcgi: %s: %s; every file gets %s\n",
		    cfg.mime_types, strerror(errno), cfg.default_type);
		if ((mime = mime_load(NULL, stderr)) == NULL)
			return 1;
	}
	if (check) {
		printf("dlfcgi: %s: syntax is ok\n", file);
		mime_free(mime);
		config_free(&cfg);
		return 0;
	}

	log_init(foreground_log ? LOG_DEST_STDERR : LOG_DEST_SYSLOG);
	log_procinit("main");
	signal(SIGPIPE, SIG_IGN);

	rootfd = open(cfg.root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd == -1)
		fatal("open root %s", cfg.root);
	if ((lfd = main_socket(&cfg)) == -1)
		return 1;
	main_listen = cfg.listen;
	if (detach && daemon(0, 0) == -1)
		fatal("daemon");

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGQUIT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	if ((rc = pthread_sigmask(SIG_BLOCK, &set, NULL)) != 0 ||
	    (rc = pthread_create(&sigtid, NULL, main_signals, &set)) != 0) {
		errno = rc;
		fatal("signal thread");
	}

	env.cfg = &cfg;
	env.mime = mime;
	env.rootfd = rootfd;
	log_info("dlfcgi %s serving %s on %s", PACKAGE_VERSION, cfg.root,
	    cfg.listen ? cfg.listen : "the inherited socket (fd 0)");
	rc = worker_run(&env, lfd, &main_stop);
	listen_cleanup(cfg.listen);
	log_info("stopped");
	/* The signal thread sleeps in sigwait: leave without joining it. */
	close(lfd);
	close(rootfd);
	mime_free(mime);
	config_free(&cfg);
	return rc == 0 ? 0 : 1;
}
