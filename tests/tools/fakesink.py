#!/usr/bin/env python3
"""fakesink.py - receivers that misbehave on purpose, for
tests/integration/graphite.sh (stdlib only).

  fakesink.py lines --port-file F --stats-file S [--idle-close MS]
                    [--gap-at N --gap SECS]
      A plaintext line receiver (Graphite, OpenTSDB telnet): counts the
      lines it reads and the connections it accepts. --idle-close closes a
      connection that has been quiet for MS ms (the client must notice and
      connect again); --gap-at N closes every connection and stops
      listening once N lines are in and the connections are quiet (between
      two batches), for SECS seconds (connections refused meanwhile), then
      listens again on the same port. S holds "lines connections" after every change.

  fakesink.py otsdb --port-file F --stats-file S --refuse SUFFIX
      An OpenTSDB /api/put?details endpoint: stores every point but those
      whose metric ends with SUFFIX, which it refuses the way OpenTSDB
      does (400, {"success":N,"failed":M,"errors":[...]}); 204 when none
      is refused. S holds "stored refused requests".

It writes its port to F once it listens (a free loopback port).
"""
import argparse
import gzip
import http.server
import json
import os
import select
import socket
import sys
import threading
import time


def write_stats(path, *nums):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(" ".join(str(n) for n in nums) + "\n")
    os.replace(tmp, path)


def listen(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(64)
    return s


def lines(a):
    srv = listen(0)
    port = srv.getsockname()[1]
    with open(a.port_file, "w") as f:
        f.write(f"{port}\n")
    conns = {}  # socket -> [partial bytes, last read time]
    total = accepted = 0
    gapped = False
    write_stats(a.stats_file, total, accepted)
    while True:
        rl = [c for c in conns] + ([srv] if srv else [])
        r, _, _ = select.select(rl, [], [], 0.05)
        now = time.monotonic()
        for s in r:
            if s is srv:
                c, _ = srv.accept()
                conns[c] = [b"", now]
                accepted += 1
                write_stats(a.stats_file, total, accepted)
                continue
            data = s.recv(1 << 16)
            if not data:
                s.close()
                del conns[s]
                continue
            st = conns[s]
            st[1] = now
            buf = st[0] + data
            n = buf.count(b"\n")
            st[0] = buf[buf.rfind(b"\n") + 1:]
            if n:
                total += n
                write_stats(a.stats_file, total, accepted)
        if a.idle_close:
            for s, st in list(conns.items()):
                if (now - st[1]) * 1000 >= a.idle_close and not st[0]:
                    s.close()
                    del conns[s]
        # the gap starts between two batches: every connection quiet for
        # 200 ms with no part line, so no batch is cut in two
        quiet = all((now - st[1]) >= 0.2 and not st[0]
                    for st in conns.values())
        if a.gap_at and not gapped and total >= a.gap_at and quiet:
            gapped = True
            srv.close()
            for s in list(conns):
                s.close()
            conns.clear()
            srv = None
            time.sleep(a.gap)
            srv = listen(port)


def otsdb(a):
    state = {"stored": 0, "refused": 0, "requests": 0}
    lock = threading.Lock()

    class H(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_POST(self):
            n = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(n)
            if self.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            if not self.path.startswith("/api/put"):
                return self.answer(404, b'{"error":"not found"}')
            try:
                pts = json.loads(body)
            except ValueError as e:
                return self.answer(400, json.dumps(
                    {"error": {"code": 400, "message": str(e)}}).encode())
            if isinstance(pts, dict):
                pts = [pts]
            bad = [p for p in pts if p["metric"].endswith(a.refuse)]
            with lock:
                state["stored"] += len(pts) - len(bad)
                state["refused"] += len(bad)
                state["requests"] += 1
                write_stats(a.stats_file, state["stored"], state["refused"],
                            state["requests"])
            if not bad:
                return self.answer(204, b"")
            errs = [{"datapoint": p, "error": "refused by fakesink"}
                    for p in bad[:10]]
            self.answer(400, json.dumps({"success": len(pts) - len(bad),
                                         "failed": len(bad),
                                         "errors": errs}).encode())

        def answer(self, code, body):
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
    write_stats(a.stats_file, 0, 0, 0)
    with open(a.port_file, "w") as f:
        f.write(f"{srv.server_address[1]}\n")
    srv.serve_forever()


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    l = sub.add_parser("lines")
    l.add_argument("--port-file", required=True)
    l.add_argument("--stats-file", required=True)
    l.add_argument("--idle-close", type=int, default=0)
    l.add_argument("--gap-at", type=int, default=0)
    l.add_argument("--gap", type=float, default=0)
    o = sub.add_parser("otsdb")
    o.add_argument("--port-file", required=True)
    o.add_argument("--stats-file", required=True)
    o.add_argument("--refuse", required=True)
    a = p.parse_args()
    lines(a) if a.cmd == "lines" else otsdb(a)


if __name__ == "__main__":
    sys.exit(main())
