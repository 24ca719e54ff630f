#!/usr/bin/env python3
"""logcheck.py TYPE FILE [--dist] [--bad N]: checks tsload generate's lines.

Every record is matched field by field against the good-line pattern of
seed-behaviour-2 §1.6; a record that fails is counted as bad.
  --bad N   exactly N records must fail (N = the bad count tsload reports;
            every bad line must fail the good pattern, every good one pass)
  --dist    the good records' field distributions (§1.4, §1.5) must be
            within 5 binomial standard deviations of the expected shares
Prints one line per failure and exits 1 when any; else "ok ...".
"""
import ipaddress
import json
import math
import re
import sys

SEG = r"(?:app|main|wp-content|search|category|tag|categories|tags|blog|posts|list|explore)"
PATH = rf"({SEG}(?:/{SEG}){{0,2}})"
QUERY = r"(|\?a=1,b=2,c=3|\?cat=lovely|\?e=two&f=1|\?end=1|\?q=2)"
METHOD = r"(GET|HEAD|POST|PUT|DELETE|CONNECT|OPTIONS|TRACE|PATCH)"
PROTO = r"(HTTP/1\.1|HTTP/2\.0)"
STATUS = r"(200|201|301|302|303|400|401|404|500|502)"
SIZE = r"(-|\d{1,4})"
USER = r"(-|[a-z]+\d{0,2})"
IP = r"(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})"
PAGE = r"(?:index|home|search|main|post|homepage|category|register|login|faq|about|terms|privacy|author)"
EXT = r"(?:\.html|\.htm|\.php|\.jsp|\.asp)"
URI = (rf"(https?)://(www\.)?[a-z]+(?:-[a-z]+)?\.(com|biz|info|net|org)/"
       rf"(?:|{PAGE}/|{PAGE}{EXT}|{SEG}(?:/{SEG}){{0,2}}/{PAGE}/|{SEG}(?:/{SEG}){{0,2}}/{PAGE}{EXT})")
UA = (r"(Mozilla/5\.0 \([^()]*\) AppleWebKit/\S+ \(KHTML, like Gecko\) (?:Chrome|CriOS)/.*"
      r"|Mozilla/5\.0 \([^()]*\) Gecko/.*|Mozilla/5\.0 \([^()]*\) AppleWebKit/\S+ \(KHTML, like Gecko\) FxiOS/.*"
      r"|Mozilla/5\.0 \(compatible; MSIE [5-9]\.0; [^()]*; Trident/[3-5]\.[01]\)"
      r"|Opera/[89]\.\d\d\.\([^()]*\) Presto/2\.9\.\d{3} Version/1[0-2]\.00"
      r"|Mozilla/5\.0 \([^()]*\) AppleWebKit/\S+ \(KHTML, like Gecko\) Version/.*)")
TS_APACHE = r"(\d\d/(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)/\d{4}:\d\d:\d\d:\d\d) \+0000"
TS_SPACE = r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)"
RT = r"(-|0\.\d{1,3}|0\.1)"

APACHE = re.compile(rf'^{IP} - {USER} \[{TS_APACHE}\] "{METHOD} /{PATH}{QUERY} {PROTO}" {STATUS} {SIZE} "({URI})" "{UA}"$')
CLOUDFRONT = re.compile(
    rf"^{TS_SPACE} Casdf3-C1 {SIZE} {IP} {METHOD} d1yn713\.cloudfront\.net {PATH} {STATUS} ({URI}) {UA} {QUERY} {USER} "
    r"Miss S7rh9sTk8_hC6HUOjWRywP4s5Leyg9q_JZd-8P49wQ== sports\.dummydomain\.com "
    rf"{PROTO} {SIZE} {RT} - \(ssl_protocol\) ECDHE-RSA-AES128-GCM-SHA256 Miss {PROTO} - -$")
CF_KEYS = ("CacheCacheStatus CacheResponseBytes CacheResponseStatus CacheTieredFill ClientASN ClientCountry "
           "ClientDeviceType ClientIP ClientIPClass ClientRequestBytes ClientRequestHost ClientRequestMethod "
           "ClientRequestProtocol ClientRequestReferer ClientRequestURI ClientRequestUserAgent ClientSSLCipher "
           "ClientSSLProtocol ClientSrcPort EdgeColoID EdgeEndTimestamp EdgePathingOp EdgePathingSrc "
           "EdgePathingStatus EdgeRateLimitAction EdgeRateLimitID EdgeRequestHost EdgeResponseBytes "
           "EdgeResponseCompressionRatio EdgeResponseContentType EdgeResponseStatus EdgeServerIP "
           "EdgeStartTimestamp OriginIP OriginResponseBytes OriginResponseHTTPExpires "
           "OriginResponseHTTPLastModified OriginResponseStatus OriginResponseTime OriginSSLProtocol RayID "
           "SecurityLevel WAFAction WAFFlags WAFMatchedVar WAFProfile WAFRuleID WAFRuleMessage ZoneID").split()


def public_ip(s):
    try:
        a = ipaddress.IPv4Address(s)
    except ValueError:
        return False
    return a.is_global and int(a) < 0xE0000000


def full(rx, s):
    return re.fullmatch(rx, s) is not None


def apache(line):
    m = APACHE.match(line)
    if not m or not public_ip(m.group(1)):
        return None
    return dict(ip=m.group(1), user=m.group(2), ts=m.group(3), method=m.group(4), path=m.group(5),
                query=m.group(6), proto=m.group(7), status=m.group(8), size=m.group(9), uri=m.group(10),
                scheme=m.group(11), www=m.group(12), tld=m.group(13), ua=m.group(14))


def cloudfront(line):
    m = CLOUDFRONT.match(line)
    if not m or not public_ip(m.group(3)) or m.group(2) != m.group(15) or m.group(14) != m.group(17):
        return None
    return dict(ts=m.group(1), size=m.group(2), ip=m.group(3), method=m.group(4), path=m.group(5),
                status=m.group(6), uri=m.group(7), scheme=m.group(8), www=m.group(9), tld=m.group(10),
                ua=m.group(11), query=m.group(12), user=m.group(13), proto=m.group(14), rt=m.group(16))


def cloudflare(line):
    try:
        d = json.loads(line)
    except ValueError:
        return None
    if list(d) != CF_KEYS or '": ' in line or '", "' in line:
        return None
    sz = d["CacheResponseBytes"]
    um = re.fullmatch(URI, d["ClientRequestReferer"])
    if not (isinstance(sz, int) and 0 <= sz <= 9999 and sz == d["ClientRequestBytes"] == d["EdgeResponseBytes"]
            and d["ClientCountry"] == "gb" and public_ip(d["ClientIP"])
            and d["ClientRequestHost"] == d["EdgeRequestHost"] == "example.com"
            and full(METHOD, d["ClientRequestMethod"]) and full(PROTO, d["ClientRequestProtocol"])
            and um and full(PATH, d["ClientRequestURI"]) and full(UA, d["ClientRequestUserAgent"])
            and str(d["CacheResponseStatus"]) == str(d["EdgeResponseStatus"])
            and full(STATUS, str(d["EdgeResponseStatus"]))
            and full(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", d["EdgeStartTimestamp"])
            and d["EdgeStartTimestamp"] == d["EdgeEndTimestamp"] and d["ZoneID"] == "24067324"):
        return None
    return dict(ip=d["ClientIP"], method=d["ClientRequestMethod"], proto=d["ClientRequestProtocol"],
                status=str(d["EdgeResponseStatus"]), path=d["ClientRequestURI"], uri=d["ClientRequestReferer"],
                scheme=um.group(1), www=um.group(2), tld=um.group(3), ua=d["ClientRequestUserAgent"],
                size=str(sz), ts=d["EdgeStartTimestamp"])


def records(kind, text):
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if kind != "cloudfront":
        return lines, []
    errs = []
    if len(lines) % 2:
        errs.append("cloudfront: odd number of lines")
    for i in range(1, len(lines), 2):
        if lines[i] != "":
            errs.append(f"cloudfront: line {i + 1} is not the empty line after a record")
            break
    return lines[0::2], errs


def share_ok(errs, name, got, n, p):
    sd = math.sqrt(n * p * (1 - p)) or 1
    if abs(got - n * p) > 5 * sd:
        errs.append(f"{name}: {got} of {n}, expected {n * p:.0f} +- {5 * sd:.0f}")


def dist(kind, good, errs):
    n = len(good)
    if n < 1000:
        errs.append(f"--dist needs >= 1000 good records, got {n}")
        return
    cat = lambda key, vals: [share_ok(errs, f"{key}={v}", sum(1 for g in good if g[key] == v), n, 1 / len(vals))
                             for v in vals]
    cat("method", "GET HEAD POST PUT DELETE CONNECT OPTIONS TRACE PATCH".split())
    cat("status", "200 201 301 302 303 400 401 404 500 502".split())
    cat("proto", ["HTTP/1.1", "HTTP/2.0"])
    cat("scheme", ["http", "https"])
    if kind != "cloudflare":
        cat("query", ["", "?a=1,b=2,c=3", "?cat=lovely", "?e=two&f=1", "?end=1", "?q=2"])
        share_ok(errs, "user=-", sum(1 for g in good if g["user"] == "-"), n, 0.5)
        share_ok(errs, "size=-", sum(1 for g in good if g["size"] == "-"), n, 0.5)
    share_ok(errs, "www", sum(1 for g in good if g["www"]), n, 0.5)
    share_ok(errs, "tld=com", sum(1 for g in good if g["tld"] == "com"), n, 0.6)
    for t in ("biz", "info", "net", "org"):
        share_ok(errs, f"tld={t}", sum(1 for g in good if g["tld"] == t), n, 0.1)
    for k in (1, 2, 3):
        share_ok(errs, f"path segments={k}", sum(1 for g in good if g["path"].count("/") == k - 1), n, 1 / 3)
    for lo, hi, name in ((0, 0x80000000, "A"), (0x80000000, 0xC0000000, "B"), (0xC0000000, 0xE0000000, "C")):
        share_ok(errs, f"ip class {name}",
                 sum(1 for g in good if lo <= int(ipaddress.IPv4Address(g["ip"])) < hi), n, 1 / 3)
    fam = lambda ua: ("opera" if ua.startswith("Opera/") else "ie" if "MSIE" in ua else
                      "chrome" if "Chrome/" in ua or "CriOS/" in ua else
                      "firefox" if "Gecko/" in ua.replace("like Gecko", "") or "FxiOS" in ua else "safari")
    for f in ("chrome", "firefox", "ie", "opera", "safari"):
        share_ok(errs, f"user agent {f}", sum(1 for g in good if fam(g["ua"]) == f), n, 0.2)
    if kind == "cloudfront":
        share_ok(errs, "request_time=-", sum(1 for g in good if g["rt"] == "-"), n, 0.5)
        rts = [float(g["rt"]) for g in good if g["rt"] != "-"]
        if rts and not (0.04 < sum(rts) / len(rts) < 0.06):
            errs.append(f"request_time mean {sum(rts) / len(rts):.4f}, expected ~0.05")


def main():
    kind, path = sys.argv[1], sys.argv[2]
    args = sys.argv[3:]
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        recs, errs = records(kind, f.read())
    parse = {"apache": apache, "cloudfront": cloudfront, "cloudflare": cloudflare}[kind]
    good, nbad, first_bad = [], 0, None
    for r in recs:
        g = parse(r)
        if g is None:
            nbad += 1
            first_bad = first_bad or r
        else:
            good.append(g)
    if "--bad" in args:
        want = int(args[args.index("--bad") + 1])
        if nbad != want:
            errs.append(f"{nbad} records fail the good pattern, tsload says {want} bad; first: {str(first_bad)[:300]}")
    if "--dist" in args:
        dist(kind, good, errs)
    for e in errs:
        print("logcheck: " + e)
    if errs:
        sys.exit(1)
    print(f"ok {kind}: {len(recs)} records, {nbad} fail the good pattern")


main()
