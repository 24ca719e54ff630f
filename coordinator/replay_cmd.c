/* replay_cmd.c - `tsload stream --replay DIR`: sends what is left in a
 * spool directory to its target(s) and exits.
 *
 * The spool holds samples that name their series by their place in the
 * model (common/stages/spool.c), so the replay is an ingest run that
 * generates nothing (--replay) over the same model, workers, threads and
 * targets. Those are read from the spool: -p and -c from the names of
 * DIR/w<W>-t<T>[-k<K>], the model settings and each target's URL from the
 * identity text of the segments (opts_spool_ident). An option given on
 * the command line wins over the spool's (a target's password, which the
 * spool does not keep; --table-name, which it does not name). A target
 * of a fan-out with nothing left in its spools is null: (nothing is sent
 * to it, and its URL is nowhere to read). The ingest
 * then checks every spool against the run's settings as any run on a
 * --spool-dir does, and refuses a mismatch in one line.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdutil.h"
#include "coord.h"
#include "log.h"
#include "opts.h"
#include "spool.h"
#include "xalloc.h"

/* What the spool directory says about the run that wrote it. */
struct replay_src {
	unsigned workers, threads, targets; /* from the directory names */
	bool     fan;                       /* w<W>-t<T>-k<K> names */
	bool     found;                     /* a segment with data */
	char     ident[1024];               /* one segment's identity */
	char    *url[OPTS_TARGETS_MAX];     /* target k's, NULL: unknown */
};

/* The value of key in an identity text ("... key=value ..."), into out;
 * target= takes the rest of the text. false when it is not there. */
static bool
ident_value(const char *ident, const char *key, char *out, size_t n)
{
	size_t      kl = strlen(key);
	const char *p  = ident;

	while ((p = strstr(p, key))) {
		if ((p == ident || p[-1] == ' ') && p[kl] == '=') {
			const char *v = p + kl + 1;
			size_t len    = strcmp(key, "target") ? strcspn(v, " ")
			                                      : strlen(v);

			snprintf(out, n, "%.*s", (int)len, v);
			return true;
		}
		p += kl;
	}
	return false;
}

/* Reads DIR's spool directories into s. 0, or -errno with a line in
 * err. */
static int
replay_scan(const char *dir, struct replay_src *s, char *err, size_t errlen)
{
	DIR           *d = opendir(dir);
	struct dirent *e;

	if (!d) {
		snprintf(err, errlen, "--replay %s: %s", dir, strerror(errno));
		return -errno;
	}
	while ((e = readdir(d))) {
		unsigned w, t, k = 0;
		char     sub[4096], ident[1024], url[1024], tail;
		bool     fan
		    = sscanf(e->d_name, "w%u-t%u-k%u%c", &w, &t, &k, &tail)
		    == 3;

		if (!fan && sscanf(e->d_name, "w%u-t%u%c", &w, &t, &tail) != 2)
			continue;
		if (k >= OPTS_TARGETS_MAX)
			continue;
		s->fan |= fan;
		s->workers = w + 1 > s->workers ? w + 1 : s->workers;
		s->threads = t + 1 > s->threads ? t + 1 : s->threads;
		s->targets = k + 1 > s->targets ? k + 1 : s->targets;
		snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name);
		if (spool_ident(sub, ident, sizeof(ident)))
			continue; /* empty: the ingest says if damaged */
		s->found = true;
		snprintf(s->ident, sizeof(s->ident), "%s", ident);
		if (!s->url[k]
		    && ident_value(ident, "target", url, sizeof(url)))
			s->url[k] = xstrdup(url);
	}
	closedir(d);
	if (!s->workers) {
		snprintf(err, errlen,
		    "--replay %s: no spool in it (no w<worker>-t<thread> directory, as --spool-dir makes)",
		    dir);
		return -ENOENT;
	}
	return 0;
}

struct argv_buf {
	char **v;
	int    n, cap;
};

static void
arg_add(struct argv_buf *a, const char *s)
{
	if (a->n + 1 >= a->cap) {
		a->cap = a->cap ? 2 * a->cap : 32;
		a->v   = xrealloc(a->v, (size_t)a->cap * sizeof(*a->v));
	}
	a->v[a->n++] = xstrdup(s);
	a->v[a->n]   = NULL;
}

/* --name=value from the identity's key, unless the command line gave
 * --name or the value is the option's "none" (skip). */
static void
arg_from_ident(struct argv_buf *a, const struct tsl_opts *given,
    const char *ident, const char *key, const char *name, const char *skip)
{
	char v[512], opt[600];

	if (opts_given(given, name) || !ident_value(ident, key, v, sizeof(v))
	    || (skip && !strcmp(v, skip)))
		return;
	snprintf(opt, sizeof(opt), "--%s=%s", name, v);
	arg_add(a, opt);
}

/* The ingest options the spool names, for those the command line does
 * not give. 0, or -EINVAL with a line in err. */
static int
replay_args(struct argv_buf *a, const struct tsl_opts *given,
    const struct replay_src *s, const char *dir, char *err, size_t errlen)
{
	const char *id = s->ident;
	char        v[64], opt[1200];

	if (!opts_given(given, "processes")) {
		snprintf(opt, sizeof(opt), "--processes=%u", s->workers);
		arg_add(a, opt);
	}
	if (!opts_given(given, "concurrency")) {
		snprintf(opt, sizeof(opt), "--concurrency=%u", s->threads);
		arg_add(a, opt);
	}
	arg_from_ident(a, given, id, "model", "model", NULL);
	arg_from_ident(a, given, id, "host-scale", "host-scale", NULL);
	arg_from_ident(
	    a, given, id, "instance-name-seed", "instance-name-seed", NULL);
	arg_from_ident(a, given, id, "include-region", "include-region", "");
	arg_from_ident(a, given, id, "include-ms", "include-ms", "");
	arg_from_ident(a, given, id, "region-scale", "region-scale", "0");
	arg_from_ident(a, given, id, "ms-scale", "ms-scale", "0");
	if (!opts_given(given, "multi") && ident_value(id, "multi", v, 64))
		arg_add(a, strcmp(v, "0") ? "--multi=true" : "--multi=false");
	if (!opts_given(given, "add-req-id")
	    && ident_value(id, "req-id", v, 64) && strcmp(v, "0")) {
		arg_add(a, "--add-req-id");
		if (!opts_given(given, "req-id-dim") && !strcmp(v, "2"))
			arg_add(a, "--req-id-dim");
	}
	if (opts_given(given, "target"))
		return 0;
	for (unsigned k = 0; k < s->targets; k++) {
		if (!s->url[k]) {
			/* nothing left for it: its lane has nothing to send */
			log_info(
			    "--replay %s: nothing left for target %u: null: in its place",
			    dir, k + 1);
			arg_add(a, "--target=null:");
			continue;
		}
		if (strstr(s->url[k], "***")) {
			snprintf(err, errlen,
			    "--replay %s: the spool names target %u as %s, its password not kept: give every --target of the run that wrote it, with the password",
			    dir, k + 1, s->url[k]);
			return -EINVAL;
		}
		snprintf(opt, sizeof(opt), "--target=%s", s->url[k]);
		arg_add(a, opt);
	}
	return 0;
}

int
coord_replay(int argc, char **argv)
{
	struct tsl_opts   given;
	struct replay_src s = { 0 };
	struct argv_buf   a = { 0 };
	char              err[2048];
	int               rc;

	/* what the command line gives (checked for real by the ingest) */
	opts_defaults(&given);
	rc = opts_parse(&given, CMD_INGEST, argc, (const char *const *)argv,
	    err, sizeof(err));
	if (rc) {
		log_err("%s", err);
		return 2;
	}
	if (given.help) {
		opts_free(&given);
		cmd_usage(CMD_STREAM, stdout);
		return 0;
	}
	rc = replay_scan(given.replay, &s, err, sizeof(err));
	if (!rc && !s.found) {
		log_info(
		    "--replay %s: nothing left in the spool", given.replay);
		goto out;
	}
	arg_add(&a, argv[0]);
	if (!rc)
		rc = replay_args(
		    &a, &given, &s, given.replay, err, sizeof(err));
	if (rc) {
		log_err("%s", err);
		rc = 2;
		goto out;
	}
	for (int i = 1; i < argc; i++)
		arg_add(&a, argv[i]);
	rc = coord_ingest(a.n, a.v);
out:
	for (int i = 0; i < a.n; i++)
		free(a.v[i]);
	free(a.v);
	for (unsigned k = 0; k < OPTS_TARGETS_MAX; k++)
		free(s.url[k]);
	opts_free(&given);
	return rc;
}
