#!/usr/bin/env python3
"""Writes tests/data/float-repr.txt: doubles and Python's repr() of them,
the text the seed sends for a value, for test_fmt's exact checks.

    python3 tests/data/float-repr.py > tests/data/float-repr.txt

One value a line: the 16 hex digits of its IEEE bits, a space, repr().
The values: the model's ranges (0..100, cpu_idle a little outside), any
bit pattern, powers of two and their neighbours (where the gap below is
half the gap above), short decimals across the range, large integers,
subnormals and the special values.
"""
import random
import struct


def bits(v):
    return struct.unpack("<Q", struct.pack("<d", v))[0]


def from_bits(b):
    return struct.unpack("<d", struct.pack("<Q", b & (2**64 - 1)))[0]


def values(rng):
    out = []
    out += [rng.random() * 100 for _ in range(600)]
    out += [rng.random() for _ in range(200)]
    out += [100 - rng.random() * 95 - sum(rng.random() for _ in range(6))
            for _ in range(200)]
    for _ in range(600):
        v = from_bits(rng.getrandbits(64))
        if v == v and abs(v) != float("inf"):
            out.append(v)
    for e in range(-1074, 1024, 7):
        p = bits(2.0 ** e)
        out += [from_bits(p + k) for k in (-1, 0, 1)]
    out += [rng.randint(0, 10**6) / 10**rng.randint(0, 25)
            * 10**rng.randint(0, 25) for _ in range(300)]
    out += [float(rng.randint(0, 2**60)) for _ in range(100)]
    out += [rng.randint(0, 2**52) * 2.0**-1074 for _ in range(50)]
    out += [0.0, -0.0, 5e-324, 1.7976931348623157e308,
            2.2250738585072014e-308, float("inf"), -float("inf"),
            float("nan"), 1e16, 1e15, 2.0**53, 2.0**53 - 1, 0.1, 0.3,
            0.1 + 0.2, 1e-5, 1e-4, 9.999999999999999e-05, 50.0, 1e22,
            1e23, 123456789012345678.0, 1234567890123456.0, -2.5]
    return out


def main():
    rng = random.Random(20261124)
    for v in values(rng):
        print("%016x %r" % (bits(v), v))


main()
