#!/usr/bin/env python3
"""rwpush.py URL LABELS T:V... - sends one series by Prometheus remote
write 1.0, for the tests that change a server's data behind tsload's back
(tests/integration/verify-prom.sh).

LABELS is a JSON object of the series' labels (__name__ included); each
T:V is a sample, T in epoch milliseconds. The WriteRequest is written by
hand (protobuf fields 1 and 2 only) and framed as snappy literals, which
every snappy decoder reads. Prints the HTTP status and the answer's body;
exits 0 on a 2xx, else 1.
"""
import json
import struct
import sys
import urllib.error
import urllib.request


def varint(n):
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def field(key, data):
    """A length-delimited protobuf field."""
    return bytes([key]) + varint(len(data)) + data


def write_request(labels, samples):
    ts = b""
    for name in sorted(labels):
        lab = field(0x0A, name.encode()) + field(0x12, labels[name].encode())
        ts += field(0x0A, lab)
    for t, v in samples:
        ts += field(0x12, b"\x09" + struct.pack("<d", v) + b"\x10" + varint(t))
    return field(0x0A, ts)


def snappy_literals(data):
    """Snappy's block format: the length, then literals of <= 64 KiB."""
    out = bytearray(varint(len(data)))
    for i in range(0, len(data), 65536):
        chunk = data[i:i + 65536]
        out += bytes([61 << 2]) + struct.pack("<H", len(chunk) - 1) + chunk
    return bytes(out)


def main():
    if len(sys.argv) < 4:
        sys.exit("usage: rwpush.py URL LABELS-JSON T:V...")
    labels = json.loads(sys.argv[2])
    samples = []
    for a in sys.argv[3:]:
        t, v = a.split(":", 1)
        samples.append((int(t), float(v)))
    req = urllib.request.Request(
        sys.argv[1],
        data=snappy_literals(write_request(labels, samples)),
        headers={
            "Content-Encoding": "snappy",
            "Content-Type": "application/x-protobuf",
            "X-Prometheus-Remote-Write-Version": "0.1.0",
            "User-Agent": "tsload-tests-rwpush",
        },
    )
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            print(r.status, r.read().decode(errors="replace").strip())
            return 0
    except urllib.error.HTTPError as e:
        print(e.code, e.read().decode(errors="replace").strip())
        return 1


if __name__ == "__main__":
    sys.exit(main())
