/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * Extension to Content-Type, from a mime.types(5) file read once at
 * start-up into a sorted array searched with bsearch(3).
 */
#include "autoconfig.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bounds.h"
#include "mime.h"

struct mime_entry {
	char ext[DL_MIME_EXT_MAX];
	char type[DL_MIME_TYPE_MAX];
	size_t seq; /* line order, so that the first mapping wins */
};

struct mime_table {
	struct mime_entry *v;
	size_t n, cap;
};

static int
mime_cmp(const void *a, const void *b)
{
	return strcasecmp(((const struct mime_entry *)a)->ext,
	    ((const struct mime_entry *)b)->ext);
}

static int
mime_cmp_seq(const void *a, const void *b)
{
	const struct mime_entry *x = a, *y = b;
	int c = mime_cmp(a, b);

	if (c != 0)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Adds one mapping: 0, 1 if the table is full, -1 with errno. */
static int
mime_add(struct mime_table *t, const char *type, const char *ext)
{
	struct mime_entry *nv;

	if (t->n == DL_MIME_ENTRIES_MAX)
		return 1;
	if (t->n == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 256;

		if (ncap > DL_MIME_ENTRIES_MAX)
			ncap = DL_MIME_ENTRIES_MAX;
		if ((nv = reallocarray(t->v, ncap, sizeof(*nv))) == NULL)
			return -1;
		t->v = nv;
		t->cap = ncap;
	}
	snprintf(t->v[t->n].ext, sizeof(t->v[t->n].ext), "%s", ext);
	snprintf(t->v[t->n].type, sizeof(t->v[t->n].type), "%s", type);
	t->v[t->n].seq = t->n;
	t->n++;
	return 0;
}

/* A media type as mime.types writes it: printable, "type/subtype". */
static int
mime_type_ok(const char *s)
{
	const char *slash = strchr(s, '/');

	if (slash == NULL || slash == s || slash[1] == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!isgraph((unsigned char)*s) || *s == ';' || *s == '"')
			return 0;
	return 1;
}

struct mime_table *
mime_load(const char *file, FILE *errfp)
{
	struct mime_table *t;
	char line[DL_MIME_LINE_MAX], *save, *type, *ext, *hash;
	FILE *fp = NULL;
	unsigned lineno = 0;
	size_t i, j;
	int e, full = 0;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	if (file == NULL)
		return t;
	if ((fp = fopen(file, "re")) == NULL)
		goto fail;
	while (!full && fgets(line, sizeof(line), fp) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(fp)) {
			fprintf(errfp,
			    "dlfcgi: %s:%u: line too long, skipped\n", file,
			    lineno);
			while (fgets(line, sizeof(line), fp) != NULL &&
			    strchr(line, '\n') == NULL)
				;
			continue;
		}
		if ((hash = strchr(line, '#')) != NULL)
			*hash = '\0';
		if ((type = strtok_r(line, " \t\r\n", &save)) == NULL)
			continue;
		if (!mime_type_ok(type)) {
			fprintf(errfp,
			    "dlfcgi: %s:%u: \"%s\" is not a media type, "
			    "skipped\n",
			    file, lineno, type);
			continue;
		}
		/* It goes into Content-Type headers: DL_HEADER_MAX counts it. */
		if (strlen(type) > DL_MEDIA_TYPE_MAX) {
			fprintf(errfp,
			    "dlfcgi: %s:%u: media type of %zu characters, at "
			    "most %d, skipped\n",
			    file, lineno, strlen(type), DL_MEDIA_TYPE_MAX);
			continue;
		}
		while ((ext = strtok_r(NULL, " \t\r\n", &save)) != NULL) {
			if (strlen(ext) >= DL_MIME_EXT_MAX)
				continue;
			if ((full = mime_add(t, type, ext)) == -1)
				goto fail;
			/* Keep what fits rather than lose the whole table. */
			if (full) {
				fprintf(errfp,
				    "dlfcgi: %s:%u: more than %d extensions: "
				    "\"%s\" and the rest of the file are "
				    "ignored\n",
				    file, lineno, DL_MIME_ENTRIES_MAX, ext);
				break;
			}
		}
	}
	if (ferror(fp))
		goto fail;
	fclose(fp);
	/* Stable order, then drop later duplicates: the first line wins. */
	if (t->n > 1)
		qsort(t->v, t->n, sizeof(*t->v), mime_cmp_seq);
	for (i = j = 0; i < t->n; i++)
		if (j == 0 || mime_cmp(&t->v[j - 1], &t->v[i]) != 0)
			t->v[j++] = t->v[i];
	t->n = j;
	return t;
fail:
	e = errno;
	if (fp != NULL)
		fclose(fp);
	mime_free(t);
	errno = e;
	return NULL;
}

const char *
mime_lookup(const struct mime_table *t, const char *name, const char *deftype)
{
	struct mime_entry key, *hit;
	const char *base, *dot;

	base = strrchr(name, '/');
	base = base != NULL ? base + 1 : name;
	dot = strrchr(base, '.');
	if (dot == NULL || dot == base || dot[1] == '\0' ||
	    strlen(dot + 1) >= sizeof(key.ext) || t->n == 0)
		return deftype;
	memcpy(key.ext, dot + 1, strlen(dot + 1) + 1);
	hit = bsearch(&key, t->v, t->n, sizeof(*t->v), mime_cmp);
	return hit != NULL ? hit->type : deftype;
}

size_t
mime_count(const struct mime_table *t)
{
	return t->n;
}

void
mime_free(struct mime_table *t)
{
	if (t == NULL)
		return;
	free(t->v);
	free(t);
}
