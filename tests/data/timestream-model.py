#!/usr/bin/env python3
"""Writes tests/data/timestream-model.txt: the shapes of the Timestream
operations tsload uses, from botocore's service models (service-2.json or
.json.gz), for test_timestream's field-by-field checks.

    python3 tests/data/timestream-model.py [BOTOCORE_DATA_DIR] > \
        tests/data/timestream-model.txt

Lines (fields split by one space; shape names carry a service prefix,
w. for timestream-write and q. for timestream-query):
    O <svc> <Operation> <input shape> <output shape or ->
    S <shape> structure
    M <shape> <member> <target shape> <required 0|1>
    L <shape> <element shape> <min or -> <max or ->
    T <shape> <type> <min or -> <max or ->     string, long, integer, ...
    E <shape> <enum value>
"""
import gzip
import json
import os
import sys

OPS = {
    "timestream-write": ("w", ["WriteRecords", "CreateDatabase", "CreateTable",
                              "DeleteTable", "DeleteDatabase",
                              "DescribeEndpoints"],
                         ["RejectedRecordsException", "ThrottlingException",
                          "ValidationException", "ConflictException",
                          "ResourceNotFoundException"]),
    "timestream-query": ("q", ["Query", "DescribeEndpoints"],
                         ["ThrottlingException", "ValidationException"]),
}


def load(base, svc):
    d = os.path.join(base, svc)
    ver = sorted(os.listdir(d))[-1]
    for name in ("service-2.json", "service-2.json.gz"):
        p = os.path.join(d, ver, name)
        if os.path.exists(p):
            op = gzip.open if p.endswith(".gz") else open
            with op(p, "rt") as f:
                return json.load(f), ver
    raise SystemExit("no model for " + svc)


def main():
    if len(sys.argv) > 1:
        base = sys.argv[1]
    else:
        import botocore
        base = os.path.join(os.path.dirname(botocore.__file__), "data")
    out = []
    for svc, (px, ops, errors) in OPS.items():
        m, ver = load(base, svc)
        shapes = m["shapes"]
        todo = []
        out.append("# %s %s (%s)" % (svc, ver, m["metadata"]["targetPrefix"]))
        for op in ops:
            o = m["operations"][op]
            i = o["input"]["shape"]
            r = o.get("output", {}).get("shape")
            out.append("O %s %s %s.%s %s" % (px, op, px, i,
                                             px + "." + r if r else "-"))
            todo += [i] + ([r] if r else [])
        todo += errors
        seen = set()
        while todo:
            n = todo.pop(0)
            if n in seen:
                continue
            seen.add(n)
            s = shapes[n]
            t = s["type"]
            q = px + "." + n
            if t == "structure":
                out.append("S %s structure" % q)
                req = set(s.get("required", []))
                for mn, mv in s["members"].items():
                    out.append("M %s %s %s.%s %d" % (q, mn, px, mv["shape"],
                                                     mn in req))
                    todo.append(mv["shape"])
            elif t == "list":
                out.append("L %s %s.%s %s %s" % (q, px, s["member"]["shape"],
                                                 s.get("min", "-"),
                                                 s.get("max", "-")))
                todo.append(s["member"]["shape"])
            else:
                out.append("T %s %s %s %s" % (q, t, s.get("min", "-"),
                                              s.get("max", "-")))
                for v in s.get("enum", []):
                    out.append("E %s %s" % (q, v))
    print("\n".join(out))


main()
