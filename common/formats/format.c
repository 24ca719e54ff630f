/* format.c - the registry of formats (format.h): one FORMAT() line per
 * format, in the order format_list() and format_names give them.
 */
#include "format.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* The registry: format x is `const struct format_ops format_x` in
 * common/formats/. A new format is its file plus one line here. */
#define FORMATS(FORMAT)                                                       \
	FORMAT(lp)                                                            \
	FORMAT(json)                                                          \
	FORMAT(csv)                                                           \
	FORMAT(pgcopy)                                                        \
	FORMAT(chtsv)                                                         \
	FORMAT(graphite)                                                      \
	FORMAT(opentsdb)                                                      \
	FORMAT(opentsdbtelnet)

#define FORMAT_DECLARE(x) extern const struct format_ops format_##x;
#define FORMAT_OPS(x) &format_##x,
#define FORMAT_NAME(x) #x,

FORMATS(FORMAT_DECLARE)

static const struct format_ops *const formats[] = { FORMATS(FORMAT_OPS) NULL };

/* The words of the format= parameters: each ops' name, which
 * format_ops_valid holds to the name of its object. */
const char *const format_names[] = { FORMATS(FORMAT_NAME) NULL };

const struct format_ops *
format_find(const char *name)
{
	const struct format_ops *const *f;

	for (f = formats; *f; f++)
		if (strcmp((*f)->name, name) == 0)
			return *f;
	return NULL;
}

const struct format_ops *const *
format_list(void)
{
	return formats;
}

int
format_names_join(char *s, size_t n, const char *sep)
{
	size_t len = 0;
	int    i, k;

	if (!n)
		return -ENOSPC;
	s[0] = '\0';
	for (i = 0; format_names[i]; i++) {
		k = snprintf(
		    s + len, n - len, "%s%s", i ? sep : "", format_names[i]);
		if (k < 0 || (size_t)k >= n - len)
			return -ENOSPC;
		len += (size_t)k;
	}
	return 0;
}

/* A name is a ?format= word: a-z, 0-9, starting with a letter. */
static bool
format_name_ok(const char *s)
{
	if (!s || !(*s >= 'a' && *s <= 'z'))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
			return false;
	return true;
}

bool
format_ops_valid(const struct format_ops *ops, char *err, size_t n)
{
	const char *name;

	if (!ops) {
		snprintf(err, n, "format: no ops");
		return false;
	}
	name = ops->name ? ops->name : "(unnamed)";
	if (ops->version != FORMAT_OPS_VERSION) {
		snprintf(err, n, "format %s: ops version %d, expected %d",
		    name, ops->version, FORMAT_OPS_VERSION);
		return false;
	}
	if (!format_name_ok(ops->name)) {
		snprintf(err, n,
		    "format %s: name is not a word of a-z and 0-9", name);
		return false;
	}
	if (!ops->desc || !*ops->desc) {
		snprintf(err, n, "format %s: no description", name);
		return false;
	}
	if (!ops->ctype || !*ops->ctype) {
		snprintf(err, n, "format %s: no content type", name);
		return false;
	}
	if (!ops->encode) {
		snprintf(err, n, "format %s: no encode", name);
		return false;
	}
	if (!ops->init != !ops->fini) {
		snprintf(err, n, "format %s: init and fini go together", name);
		return false;
	}
	return true;
}

int
format_init(
    const struct format_ops *f, const struct format_conf *conf, void **state)
{
	*state = NULL;
	return f->init ? f->init(state, conf) : 0;
}

void
format_fini(const struct format_ops *f, void *state)
{
	if (f->fini && state)
		f->fini(state);
}
