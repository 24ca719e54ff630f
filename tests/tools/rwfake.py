#!/usr/bin/env python3
"""rwfake.py DIR MODE - a fake remote write receiver on a free loopback port
for the promrw tests and make bench.

Writes its port to DIR/port once it listens; every POST is counted in
DIR/count (one line a request: its answer code). MODE says what it
answers each POST:
  ok        204
  400       400 "out of order sample" (text/plain, as Prometheus)
  500       500 "internal error"
  429:N     429 to the first N requests, then 204
  save      204, and the body kept as DIR/bodies/NNNNNNNN (make bench)
An empty WriteRequest (snappy of nothing, tsload's setup) is answered
204 in every mode. A request without the headers remote write 1.0 requires (Content-Encoding:
snappy, Content-Type: application/x-protobuf, X-Prometheus-Remote-Write-
Version: 0.1.0, a User-Agent) is answered 415 naming the header, whatever
the mode. Stops on SIGTERM.
"""
import http.server
import os
import signal
import sys
import threading

NEED = {
    "Content-Encoding": "snappy",
    "Content-Type": "application/x-protobuf",
    "X-Prometheus-Remote-Write-Version": "0.1.0",
}


def main():
    d, mode = sys.argv[1], sys.argv[2]
    lock = threading.Lock()
    state = {"n": 0}
    if mode == "save":
        os.makedirs(os.path.join(d, "bodies"), exist_ok=True)
    log = open(os.path.join(d, "count"), "a", buffering=1)

    class H(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def answer(self, code, text=""):
            body = (text + "\n").encode() if text else b""
            self.send_response(code)
            if body:
                self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            n = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(n)
            code, text = 204, ""
            with lock:
                if body != b"\x00":
                    state["n"] += 1
                k = state["n"]
            for h, v in NEED.items():
                if self.headers.get(h) != v:
                    code, text = 415, "missing header %s: %s" % (h, v)
            if code == 204 and not self.headers.get("User-Agent", "").startswith("tsload/"):
                code, text = 415, "missing header User-Agent"
            if code == 204 and body == b"\x00":
                pass  # an empty WriteRequest (tsload's setup): accepted
            elif code == 204:
                if mode == "400":
                    code, text = 400, "out of order sample"
                elif mode == "500":
                    code, text = 500, "internal error"
                elif mode.startswith("429:") and k <= int(mode[4:]):
                    code, text = 429, "too many requests"
                elif mode == "save":
                    with open(os.path.join(d, "bodies", "%08d" % k), "wb") as f:
                        f.write(body)
            log.write("%d\n" % code)
            self.answer(code, text)

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
    signal.signal(signal.SIGTERM, lambda *a: threading.Thread(target=srv.shutdown).start())
    with open(os.path.join(d, "port.tmp"), "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(os.path.join(d, "port.tmp"), os.path.join(d, "port"))
    srv.serve_forever()


if __name__ == "__main__":
    main()
