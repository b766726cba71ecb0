/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * A generation: one configuration file made ready to serve. Start-up
 * (main.c) and reload (master.c) load it the same way, here.
 */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

#include "generation.h"

static void
generation_clear(struct generation *g)
{
	memset(g, 0, sizeof(*g));
	g->rootfd = -1;
	g->listen_uid = (uid_t)-1;
	g->listen_gid = (gid_t)-1;
}

/* A user name to its ids; 0, or -1 reported (key names the setting). */
static int
generation_user(const char *file, const char *key, const char *name, uid_t *uid,
    gid_t *gid, FILE *errfp)
{
	struct passwd *pw;

	if ((pw = getpwnam(name)) == NULL) {
		fprintf(errfp, "dlfcgi: %s: %s \"%s\": no such user\n", file,
		    key, name);
		return -1;
	}
	*uid = pw->pw_uid;
	if (gid != NULL)
		*gid = pw->pw_gid;
	return 0;
}

static int
generation_group(const char *file, const char *key, const char *name,
    gid_t *gid, FILE *errfp)
{
	struct group *gr;

	if ((gr = getgrnam(name)) == NULL) {
		fprintf(errfp, "dlfcgi: %s: %s \"%s\": no such group\n", file,
		    key, name);
		return -1;
	}
	*gid = gr->gr_gid;
	return 0;
}

/*
 * user and group as main.c drops to them: user's uid and group, group
 * (if set) instead of user's group; and the socket's owner and group.
 */
static int
generation_ids(struct generation *g, const char *file, FILE *errfp)
{
	const struct dl_config *cfg = &g->cfg;
	int errors = 0;

	g->drop_uid = cfg->user != NULL;
	g->drop_gid = cfg->user != NULL || cfg->group != NULL;
	if (cfg->user != NULL &&
	    generation_user(file, "user", cfg->user, &g->uid, &g->gid, errfp) ==
		-1)
		errors++;
	if (cfg->group != NULL &&
	    generation_group(file, "group", cfg->group, &g->gid, errfp) == -1)
		errors++;
	if (cfg->listen_owner != NULL &&
	    generation_user(file, "listen_owner", cfg->listen_owner,
		&g->listen_uid, NULL, errfp) == -1)
		errors++;
	if (cfg->listen_group != NULL &&
	    generation_group(file, "listen_group", cfg->listen_group,
		&g->listen_gid, errfp) == -1)
		errors++;
	return errors;
}

int
generation_load(struct generation *g, const char *file, FILE *errfp)
{
	int errors;

	generation_clear(g);
	if ((errors = config_load(file, &g->cfg, errfp)) != 0)
		return errors;
	if ((g->mime = mime_load(g->cfg.mime_types, errfp)) == NULL) {
		/* Only the default may be missing (config checks the rest). */
		fprintf(errfp, "dlfcgi: %s: %s; every file gets %s\n",
		    g->cfg.mime_types, strerror(errno), g->cfg.default_type);
		if ((g->mime = mime_load(NULL, errfp)) == NULL) {
			fprintf(
			    errfp, "dlfcgi: mime table: %s\n", strerror(errno));
			errors++;
		}
	}
	g->rootfd = open(g->cfg.root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (g->rootfd == -1) {
		fprintf(errfp, "dlfcgi: %s: root \"%s\": %s\n", file,
		    g->cfg.root, strerror(errno));
		errors++;
	}
	errors += generation_ids(g, file, errfp);
	if (errors > 0)
		generation_free(g);
	return errors;
}

void
generation_free(struct generation *g)
{
	config_free(&g->cfg);
	mime_free(g->mime);
	if (g->rootfd != -1)
		close(g->rootfd);
	generation_clear(g);
}
