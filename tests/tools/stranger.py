#!/usr/bin/env python3
"""stranger.py HOST PORT: a peer without the token that speaks for worker 0.

Connects to a coordinator's --listen with nng's REQ protocol over TCP (the
SP header, then 8-byte big-endian lengths and a request id) and sends a
tsload ERROR message (proto.h: 16-byte little-endian header) claiming to
be slot 0. Prints the type of the reply: 9 (REFUSE) is what a coordinator
must answer; it must not fail its run on such a message.
"""
import socket
import struct
import sys

host, port = sys.argv[1], int(sys.argv[2])
s = socket.create_connection((host, port), timeout=10)
s.sendall(b"\x00SP\x00" + struct.pack(">HH", 0x30, 0))  # SP header, REQ0
s.recv(8)
why = b"forged by a stranger"
body = struct.pack("<HHHHII", 0x5453, 3, 6, 0, 0, 4 + len(why))  # PROTO_VERSION 3
body += struct.pack("<I", len(why)) + why
msg = struct.pack(">I", 0x80000001) + body
s.sendall(struct.pack(">Q", len(msg)) + msg)
n = struct.unpack(">Q", s.recv(8))[0]
r = b""
while len(r) < n:
    r += s.recv(n - len(r))
print(struct.unpack("<H", r[8:10])[0])
