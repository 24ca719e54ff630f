/* logfake.c - fake web-log fields (seed-behaviour-2 §1.4, §1.5, §1.7). */
#include "logfake.h"

#include <string.h>
#include <time.h>

#include "fmt.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

const char *const logf_segments[LOGF_N_SEGMENTS]
    = { "app", "main", "wp-content", "search", "category", "tag", "categories",
	      "tags", "blog", "posts", "list", "explore" };
const char *const logf_queries[LOGF_N_QUERIES]
    = { "", "?a=1,b=2,c=3", "?cat=lovely", "?e=two&f=1", "?end=1", "?q=2" };
const char *const logf_methods[LOGF_N_METHODS] = { "GET", "HEAD", "POST",
	"PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH" };
const char *const logf_protos[LOGF_N_PROTOS]   = { "HTTP/1.1", "HTTP/2.0" };
const uint16_t    logf_statuses[LOGF_N_STATUSES]
    = { 200, 201, 301, 302, 303, 400, 401, 404, 500, 502 };

/* Stand-ins for Faker's en_US person and company lists (lower case). */
static const char *const first_names[] = { "james", "mary", "john", "patricia",
	"robert", "jennifer", "michael", "linda", "william", "elizabeth",
	"david", "barbara", "richard", "susan", "joseph", "jessica", "thomas",
	"sarah", "charles", "karen", "amanda", "holly", "daniel", "nancy",
	"matthew", "lisa", "anthony", "betty", "mark", "sandra", "steven",
	"ashley", "paul", "kimberly", "andrew", "emily", "joshua", "donna",
	"kevin", "michelle" };
static const char *const last_names[]  = { "smith", "johnson", "williams",
	 "brown", "jones", "garcia", "miller", "davis", "rodriguez", "martinez",
	 "hernandez", "lopez", "gonzalez", "wilson", "anderson", "thomas",
	 "taylor", "moore", "jackson", "martin", "lee", "perez", "thompson",
	 "white", "harris", "sanchez", "clark", "ramirez", "lewis", "robinson",
	 "walker", "young", "allen", "king", "wright", "scott", "hall",
	 "barnes", "stein", "cox" };
static const char *const pages[] = { "index", "home", "search", "main", "post",
	"homepage", "category", "register", "login", "faq", "about", "terms",
	"privacy", "author" };
static const char *const exts[]
    = { ".html", ".html", ".htm", ".htm", ".php", ".php", ".jsp", ".asp" };
static const char *const tlds[] = { "com", "com", "com", "com", "com", "com",
	"biz", "info", "net", "org" };
static const char *const locales[] = { "en-US", "en-GB", "ur-PK", "tig-ER",
	"fr-FR", "de-DE", "es-ES", "it-IT", "pt-BR", "ja-JP", "zh-CN", "ru-RU",
	"nl-NL", "sv-SE", "pl-PL", "tr-TR", "ko-KR", "hi-IN", "ar-EG", "he-IL",
	"fa-IR", "el-GR", "da-DK", "fi-FI", "cs-CZ", "hu-HU", "ro-RO", "uk-UA",
	"vi-VN", "th-TH" };
static const char *const win_tokens[]
    = { "Windows 95", "Windows 98", "Windows 98; Win 9x 4.90", "Windows CE",
	      "Windows NT 4.0", "Windows NT 5.0", "Windows NT 5.01",
	      "Windows NT 5.1", "Windows NT 5.2", "Windows NT 6.0",
	      "Windows NT 6.1", "Windows NT 6.2", "Windows NT 10.0" };
static const char *const mac_cpus[] = { "Intel", "PPC", "U; Intel", "U; PPC" };
static const char *const android_versions[] = { "2.3.7", "4.0.4", "4.4",
	"5.1.1", "6.0", "7.0", "8.1.0", "9", "10", "11" };
static const char *const ios_devices[]      = { "iPhone", "iPad", "iPod" };
static const char *const ios_versions[]
    = { "3_1_3", "4_2_1", "5_1_1", "7_1_2", "9_3_5", "12_4", "14_2" };

/* Bad pools (§1.7). */
static const char *const bad_ips[]
    = { "", "NOT-AN-IP", "256.500.301.9000", "1" };
static const char *const bad_methods[] = { "THROW", "EAT", "DRINK", "BLAH" };
static const char *const bad_locs[]    = { "", "100", "123" };
static const char *const bad_hosts[]   = { "", "123", "!\xc2\xa3$%^&*()-_",
	  "www.example.long.url.co.uk.org.biz.tv" };
static const char        bad_uri_prefix[] = "!?\xc2\xa3$%^&*()-_";
static const char        bad_ua_prefix[]  = "!\xc2\xa3$%^&*()-_+";
static const char        long_user[]      = "a-really-long-username";

static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

static uint32_t
pick(struct xrng *r, uint32_t n)
{
	return (uint32_t)xrng_below(r, n);
}

static uint32_t
between(struct xrng *r, uint32_t lo, uint32_t hi)
{
	return lo + pick(r, hi - lo + 1);
}

static char *
put(char *o, const char *s)
{
	size_t n = strlen(s);

	memcpy(o, s, n);
	return o + n;
}

static char *
putu(char *o, uint64_t u)
{
	return o + fmt_u64(o, u);
}

/* Two decimal digits. */
static char *
put2(char *o, unsigned u)
{
	o[0] = (char)('0' + u / 10 % 10);
	o[1] = (char)('0' + u % 10);
	return o + 2;
}

/* Excluded ranges of ipv4_public (§1.4): first address and prefix. */
static const struct {
	uint32_t net;
	unsigned bits;
} excluded[] = {
	{ 0x00000000u, 8 },
	{ 0x0a000000u, 8 },
	{ 0x64400000u, 10 },
	{ 0x7f000000u, 8 },
	{ 0xa9fe0000u, 16 },
	{ 0xac100000u, 12 },
	{ 0xc0000000u, 24 },
	{ 0xc0000200u, 24 },
	{ 0xc01fc400u, 24 },
	{ 0xc034c100u, 24 },
	{ 0xc0586300u, 24 },
	{ 0xc0a80000u, 16 },
	{ 0xc0af3000u, 24 },
	{ 0xc6120000u, 15 },
	{ 0xc6336400u, 24 },
	{ 0xcb007100u, 24 },
};

static bool
ip_excluded(uint32_t a)
{
	for (size_t i = 0; i < N(excluded); i++)
		if ((a >> (32 - excluded[i].bits))
		    == (excluded[i].net >> (32 - excluded[i].bits)))
			return true;
	return false;
}

size_t
logf_ipv4(struct xrng *r, char *out)
{
	/* class A 0/1, B 128/2, C 192/3, 1/3 each; uniform among the
	 * class's allowed addresses by rejection */
	static const uint32_t base[3]
	    = { 0x00000000u, 0x80000000u, 0xc0000000u };
	static const uint32_t size[3]
	    = { 0x80000000u, 0x40000000u, 0x20000000u };
	unsigned c = pick(r, 3);
	uint32_t a;
	char    *o = out;

	do
		a = base[c] + (uint32_t)xrng_below(r, size[c]);
	while (ip_excluded(a));
	for (int i = 3; i >= 0; i--) {
		o = putu(o, (a >> (8 * i)) & 0xff);
		if (i)
			*o++ = '.';
	}
	return (size_t)(o - out);
}

size_t
logf_user_name(struct xrng *r, char *out)
{
	const char *first = first_names[pick(r, N(first_names))];
	const char *last  = last_names[pick(r, N(last_names))];
	char       *o     = out;

	/* {last}.{first}, {first}.{last}, {first}##, ?{last}; slugify drops
	 * the dot */
	switch (pick(r, 4)) {
	case 0:
		o = put(put(o, last), first);
		break;
	case 1:
		o = put(put(o, first), last);
		break;
	case 2:
		o = put2(put(o, first), pick(r, 100));
		break;
	default:
		*o++ = (char)('a' + pick(r, 26));
		o    = put(o, last);
		break;
	}
	return (size_t)(o - out);
}

size_t
logf_uri_path(struct xrng *r, char *out)
{
	unsigned n = between(r, 1, 3);
	char    *o = out;

	for (unsigned i = 0; i < n; i++) {
		if (i)
			*o++ = '/';
		o = put(o, logf_segments[pick(r, LOGF_N_SEGMENTS)]);
	}
	return (size_t)(o - out);
}

/* The extension: the 8-entry table uniformly (html, htm and php twice).
 * §1.5 writes the weights as ninths, which sum to 8/9: the table is the
 * shape we follow. */
static const char *
uri_ext(struct xrng *r)
{
	return exts[pick(r, N(exts))];
}

size_t
logf_uri(struct xrng *r, char *out)
{
	char *o = out;

	o = put(o, pick(r, 2) ? "https://" : "http://");
	if (pick(r, 2))
		o = put(o, "www.");
	/* company "{last} {suffix}", "{last}-{last}", "{last}, {last} and
	 * {last}": the first word, slugified */
	o = put(o, last_names[pick(r, N(last_names))]);
	if (pick(r, 3) == 1) {
		*o++ = '-';
		o    = put(o, last_names[pick(r, N(last_names))]);
	}
	*o++ = '.';
	o    = put(o, tlds[pick(r, N(tlds))]);
	*o++ = '/';
	switch (pick(r, 5)) {
	case 0:
		break;
	case 1:
		o    = put(o, pages[pick(r, N(pages))]);
		*o++ = '/';
		break;
	case 2:
		o = put(o, pages[pick(r, N(pages))]);
		o = put(o, uri_ext(r));
		break;
	case 3:
		o += logf_uri_path(r, o);
		*o++ = '/';
		o    = put(o, pages[pick(r, N(pages))]);
		*o++ = '/';
		break;
	default:
		o += logf_uri_path(r, o);
		*o++ = '/';
		o    = put(o, pages[pick(r, N(pages))]);
		o    = put(o, uri_ext(r));
		break;
	}
	return (size_t)(o - out);
}

static char *
win_token(struct xrng *r, char *o)
{
	return put(o, win_tokens[pick(r, N(win_tokens))]);
}

static char *
mac_token(struct xrng *r, char *o)
{
	o    = put(o, "Macintosh; ");
	o    = put(o, mac_cpus[pick(r, N(mac_cpus))]);
	o    = put(o, " Mac OS X 10 ");
	o    = putu(o, between(r, 5, 12));
	*o++ = '_';
	return putu(o, between(r, 0, 9));
}

static char *
linux_token(struct xrng *r, char *o)
{
	return put(o, pick(r, 2) ? "X11; Linux x86_64" : "X11; Linux i686");
}

static char *
ios_token(struct xrng *r, char *o)
{
	const char *d = ios_devices[pick(r, N(ios_devices))];

	o = put(put(put(put(o, d), "; CPU "), d), " OS ");
	o = put(o, ios_versions[pick(r, N(ios_versions))]);
	return put(o, " like Mac OS X");
}

static char *
locale(struct xrng *r, char *o)
{
	return put(o, locales[pick(r, N(locales))]);
}

/* "535.2": the WebKit build of the Chrome templates. */
static char *
webkit(struct xrng *r, char *o)
{
	o    = putu(o, between(r, 531, 536));
	*o++ = '.';
	return putu(o, between(r, 0, 2));
}

/* "8B115"-style mobile build: 2 digits, a letter, 3 digits. */
static char *
mobile_build(struct xrng *r, char *o)
{
	o    = put2(o, pick(r, 100));
	*o++ = (char)('A' + pick(r, 26));
	o    = putu(o, between(r, 100, 999));
	return o;
}

/* A Gecko date "YYYY-MM-DD HH:MM:SS" in 2010..2020 (stand-in bound). */
static char *
gecko_date(struct xrng *r, char *o, unsigned from_year)
{
	time_t    t = (time_t)(1262304000 + (from_year - 2010) * 31536000LL
            + (int64_t)xrng_below(r, 10ULL * 31536000));
	struct tm tm;

	gmtime_r(&t, &tm);
	o    = putu(o, (uint64_t)tm.tm_year + 1900);
	*o++ = '-';
	o    = put2(o, (unsigned)tm.tm_mon + 1);
	*o++ = '-';
	o    = put2(o, (unsigned)tm.tm_mday);
	*o++ = ' ';
	o    = put2(o, (unsigned)tm.tm_hour);
	*o++ = ':';
	o    = put2(o, (unsigned)tm.tm_min);
	*o++ = ':';
	return put2(o, (unsigned)tm.tm_sec);
}

static char *
ua_chrome(struct xrng *r, char *o)
{
	unsigned plat = pick(r, 5);
	char     saf[16], *s = webkit(r, saf);
	unsigned major = between(r, 13, 63), build = between(r, 800, 899);

	*s = '\0';
	o  = put(o, "Mozilla/5.0 (");
	switch (plat) {
	case 0:
		o = linux_token(r, o);
		break;
	case 1:
		o = win_token(r, o);
		break;
	case 2:
		o = mac_token(r, o);
		break;
	case 3:
		o = put(put(o, "Linux; Android "),
		    android_versions[pick(r, N(android_versions))]);
		break;
	default:
		o = ios_token(r, o);
		break;
	}
	o = put(put(put(o, ") AppleWebKit/"), saf), " (KHTML, like Gecko) ");
	o = put(o, plat == 4 ? "CriOS/" : "Chrome/");
	o = put(putu(o, major), ".0.");
	o = put(putu(o, build), ".0 ");
	if (plat == 4)
		o = put(mobile_build(r, put(o, "Mobile/")), " ");
	return put(put(o, "Safari/"), saf);
}

static char *
ua_firefox(struct xrng *r, char *o)
{
	unsigned plat = pick(r, 5), ver = pick(r, 3);
	char     tail[96], *t           = tail;

	if (ver == 0) {
		t = gecko_date(r, put(t, "Gecko/"), 2011);
		t = put(putu(put(t, " Firefox/"), between(r, 4, 15)), ".0");
	} else if (ver == 1) {
		t = gecko_date(r, put(t, "Gecko/"), 2010);
		t = putu(put(t, " Firefox/3.6."), between(r, 1, 20));
	} else {
		t = gecko_date(r, put(t, "Gecko/"), 2010);
		t = put(t, " Firefox/3.8");
	}
	*t = '\0';
	o  = put(o, "Mozilla/5.0 (");
	switch (plat) {
	case 0:
		o = locale(r, put(win_token(r, o), "; "));
		o = putu(put(o, "; rv:1.9."), between(r, 0, 2));
		return put(put(o, ".20) "), tail);
	case 1:
		o = putu(
		    put(linux_token(r, o), "; rv:1.9."), between(r, 0, 2));
		return put(put(o, ".20) "), tail);
	case 2:
		o = putu(put(mac_token(r, o), "; rv:1.9."), between(r, 0, 2));
		return put(put(o, ".20) "), tail);
	case 3: {
		unsigned v = between(r, 5, 68);

		o = put(put(o, "Android "),
		    android_versions[pick(r, N(android_versions))]);
		o = put(putu(put(o, "; Mobile; rv:"), v), ".0) Gecko/");
		o = put(putu(o, v), ".0 Firefox/");
		return put(putu(o, v), ".0");
	}
	default: {
		char saf[16], *s = webkit(r, saf);

		*s   = '\0';
		o    = put(put(put(ios_token(r, o), ") AppleWebKit/"), saf),
		       " (KHTML, like Gecko) FxiOS/");
		o    = putu(o, between(r, 1, 8));
		*o++ = '.';
		o    = put(putu(o, between(r, 0, 3)), ".0 Mobile/");
		o    = put(mobile_build(r, o), " Safari/");
		return put(o, saf);
	}
	}
}

static char *
ua_ie(struct xrng *r, char *o)
{
	o = put(
	    putu(put(o, "Mozilla/5.0 (compatible; MSIE "), between(r, 5, 9)),
	    ".0; ");
	o    = put(win_token(r, o), "; Trident/");
	o    = putu(o, between(r, 3, 5));
	*o++ = '.';
	return put(putu(o, between(r, 0, 1)), ")");
}

static char *
ua_opera(struct xrng *r, char *o)
{
	o    = putu(put(o, "Opera/"), between(r, 8, 9));
	*o++ = '.';
	o    = put(putu(o, between(r, 10, 99)), ".(");
	o    = pick(r, 2) ? linux_token(r, o) : win_token(r, o);
	o    = put(locale(r, put(o, "; ")), ") Presto/2.9.");
	o    = put(putu(o, between(r, 160, 190)), " Version/");
	return put(putu(o, between(r, 10, 12)), ".00");
}

static char *
ua_safari(struct xrng *r, char *o)
{
	char saf[24], ver[16], *s = saf, *v = ver;

	s    = putu(s, between(r, 531, 535));
	*s++ = '.';
	s    = putu(s, between(r, 1, 50));
	*s++ = '.';
	s    = putu(s, between(r, 1, 7));
	*s   = '\0';
	v    = putu(v, between(r, 4, 5));
	if (pick(r, 2)) {
		v = putu(put(v, ".0."), between(r, 1, 5));
	} else {
		*v++ = '.';
		v    = putu(v, between(r, 0, 1));
	}
	*v = '\0';
	o  = put(o, "Mozilla/5.0 (");
	switch (pick(r, 3)) {
	case 0:
		o = put(
		    win_token(r, put(o, "Windows; U; ")), ") AppleWebKit/");
		o = put(
		    put(put(o, saf), " (KHTML, like Gecko) Version/"), ver);
		return put(put(o, " Safari/"), saf);
	case 1:
		o = put(mac_token(r, o), " rv:");
		o = put(putu(o, between(r, 2, 6)), ".0; ");
		o = put(locale(r, o), ") AppleWebKit/");
		o = put(
		    put(put(o, saf), " (KHTML, like Gecko) Version/"), ver);
		return put(put(o, " Safari/"), saf);
	default:
		o = putu(put(o, "iPod; U; CPU iPhone OS "), between(r, 3, 4));
		*o++ = '_';
		o    = put(
		       locale(
		           r, put(putu(o, between(r, 0, 3)), " like Mac OS X; ")),
		       ") AppleWebKit/");
		o = put(put(o, saf), " (KHTML, like Gecko) Version/");
		o = putu(o, between(r, 3, 4));
		o = putu(put(o, ".0.5 Mobile/8B"), between(r, 111, 119));
		return put(put(o, " Safari/6"), saf);
	}
}

size_t
logf_user_agent(struct xrng *r, char *out)
{
	char *o;

	switch (pick(r, 5)) {
	case 0:
		o = ua_chrome(r, out);
		break;
	case 1:
		o = ua_firefox(r, out);
		break;
	case 2:
		o = ua_ie(r, out);
		break;
	case 3:
		o = ua_opera(r, out);
		break;
	default:
		o = ua_safari(r, out);
		break;
	}
	return (size_t)(o - out);
}

/* Room in v's arena for a field of up to max bytes; the field is what
 * the caller writes there, then keep() records it. */
static char *
room(struct logf_visitor *v)
{
	return v->arena + v->used;
}

static struct logf_str
keep(struct logf_visitor *v, size_t n)
{
	struct logf_str s = { v->arena + v->used, (uint32_t)n };

	v->used += n;
	return s;
}

static struct logf_str
cstr(const char *s)
{
	return (struct logf_str) { s, (uint32_t)strlen(s) };
}

/* The three timestamp shapes of time_s (UTC: +0000 and Z are true). */
static void
stamp(struct logf_visitor *v, int64_t time_s)
{
	time_t    t = (time_t)time_s;
	struct tm tm;
	char     *o;
	unsigned  y;

	gmtime_r(&t, &tm);
	y           = (unsigned)tm.tm_year + 1900;
	v->time_s   = time_s;
	o           = put2(v->ts_apache, (unsigned)tm.tm_mday);
	*o++        = '/';
	o           = put(o, months[tm.tm_mon]);
	*o++        = '/';
	o           = putu(o, y);
	*o++        = ':';
	o           = put2(o, (unsigned)tm.tm_hour);
	*o++        = ':';
	o           = put2(o, (unsigned)tm.tm_min);
	*o++        = ':';
	o           = put(put2(o, (unsigned)tm.tm_sec), " +0000");
	v->n_apache = (size_t)(o - v->ts_apache);
	o           = putu(v->ts_space, y);
	*o++        = '-';
	o           = put2(o, (unsigned)tm.tm_mon + 1);
	*o++        = '-';
	o           = put2(o, (unsigned)tm.tm_mday);
	*o++        = ' ';
	o           = put2(o, (unsigned)tm.tm_hour);
	*o++        = ':';
	o           = put2(o, (unsigned)tm.tm_min);
	*o++        = ':';
	o           = put2(o, (unsigned)tm.tm_sec);
	v->n_space  = (size_t)(o - v->ts_space);
	memcpy(v->ts_iso, v->ts_space, v->n_space);
	v->ts_iso[10]         = 'T';
	v->ts_iso[v->n_space] = 'Z';
	v->n_iso              = v->n_space + 1;
}

void
logf_visitor_good(struct logf_visitor *v, struct xrng *r, int64_t time_s)
{
	char   name[48];
	size_t n;

	v->used = 0;
	stamp(v, time_s);
	v->ip = keep(v, logf_ipv4(r, room(v)));
	/* the name is drawn first and always consumes randomness (§1.4) */
	n = logf_user_name(r, name);
	if (pick(r, 2)) {
		memcpy(room(v), name, n);
		v->user = keep(v, n);
	} else {
		v->user = cstr("-");
	}
	v->proto   = cstr(logf_protos[pick(r, LOGF_N_PROTOS)]);
	v->method  = cstr(logf_methods[pick(r, LOGF_N_METHODS)]);
	v->referer = keep(v, logf_uri(r, room(v)));
	v->ua      = keep(v, logf_user_agent(r, room(v)));
	v->loc     = cstr("gb"); /* en_US bank_country falls back to en_GB */
	v->host    = cstr("example.com");
}

void
logf_visitor_bad(struct logf_visitor *v, struct xrng *r, int64_t time_s)
{
	char *o;

	v->used = 0;
	stamp(v, time_s);
	v->ip = cstr(bad_ips[pick(r, N(bad_ips))]);
	switch (pick(r, 3)) {
	case 0:
		v->user = cstr("-");
		break;
	case 1:
		v->user = cstr("bad-username");
		break;
	default: /* 256 times: 5,632 bytes */
		o = room(v);
		for (int i = 0; i < 256; i++)
			o = put(o, long_user);
		v->user = keep(v, (size_t)(o - room(v)));
		break;
	}
	v->proto  = cstr(logf_protos[pick(r, LOGF_N_PROTOS)]); /* unused */
	v->method = cstr(bad_methods[pick(r, N(bad_methods))]);
	o         = put(room(v), bad_uri_prefix);
	o += logf_uri(r, o);
	v->referer = keep(v, (size_t)(o - room(v)));
	o          = put(room(v), bad_ua_prefix);
	o += logf_user_agent(r, o);
	v->ua   = keep(v, (size_t)(o - room(v)));
	v->loc  = cstr(bad_locs[pick(r, N(bad_locs))]);
	v->host = cstr(bad_hosts[pick(r, N(bad_hosts))]);
}
