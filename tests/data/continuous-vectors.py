#!/usr/bin/env python3
"""Writes tests/data/continuous-vectors.h: test vectors of the continuous
model for tests/unit/test_continuous.c, computed by CPython (3.11).

    python3 tests/data/continuous-vectors.py > tests/data/continuous-vectors.h

The functions below are a literal transcription of the continuous
ingestor's formulas as shared/reference/seed-behaviour.md §5 describes them
(generateDimensions, the high/low shuffle, createRandomMetrics,
createRandomEvent, addSinSignal, addSawSignal): the same draws from
Python's `random` in the same order. task_end_state (numpy, unseeded in the
seed) is left out: the vectors hold None in its place and the test skips it.
Doubles are written as C hex literals, so they are exact.
"""
import math
import random
import string

regions = ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1",
           "ap-northeast-1", "eu-central-1"]
cellsPerRegion = {"us-east-1": 15, "us-east-2": 2, "us-west-1": 6,
                  "us-west-2": 2, "eu-west-1": 10, "ap-northeast-1": 5,
                  "eu-central-1": 1}
siloPerCell = {"us-east-1": 3, "us-east-2": 2, "us-west-1": 2,
               "us-west-2": 2, "eu-west-1": 2, "ap-northeast-1": 3,
               "eu-central-1": 1}
microservices = ["apollo", "athena", "demeter", "hercules", "zeus"]
instanceTypes = {"apollo": "r5.4xlarge", "athena": "m5.8xlarge",
                 "demeter": "c5.16xlarge", "hercules": "r5.4xlarge",
                 "zeus": "m5.4xlarge"}
osVersions = {"apollo": "AL2", "athena": "AL2012", "demeter": "AL2012",
              "hercules": "AL2012", "zeus": "AL2"}
instancesForMicroservice = {"apollo": 3, "athena": 1, "demeter": 1,
                            "hercules": 2, "zeus": 3}
processNames = {"apollo": ["server"], "athena": ["server", "host_manager"],
                "demeter": ["server", "host_manager"],
                "hercules": ["server"], "zeus": ["server"]}
jdkVersions = {"apollo": "JDK_11", "athena": "JDK_8", "demeter": "JDK_8",
               "hercules": "JDK_8", "zeus": "JDK_11"}


def prefix():
    rand = random.Random(12345)
    return "".join(rand.choice(string.ascii_letters + string.digits)
                   for _ in range(8))


def generate(myRegions, myMicroservices, scaleFactor):
    """Dimension lists; the region/microservice lists in built-in order
    (tsload's choice where the seed iterates a set)."""
    p = prefix()
    metrics, events = [], []
    for region in myRegions:
        for cell in range(1, cellsPerRegion[region] + 1):
            for silo in range(1, siloPerCell[region] + 1):
                for ms in myMicroservices:
                    cellName = "{}-cell-{}".format(region, cell)
                    siloName = "{}-cell-{}-silo-{}".format(region, cell, silo)
                    for instance in range(scaleFactor * instancesForMicroservice[ms]):
                        az = "{}-{}".format(region, (instance % 3) + 1)
                        name = "i-{}-{}-{:04}.amazonaws.com".format(p, ms, instance)
                        metrics.append((region, cellName, siloName, az, ms, name,
                                        instanceTypes[ms], osVersions[ms]))
                        for process in processNames[ms]:
                            events.append((region, cellName, siloName, az, ms, name,
                                           process, jdkVersions[ms]))
    return metrics, events


def high_low(n):
    hostIds = list(range(n))
    random.Random(12345).shuffle(hostIds)
    low = frozenset(hostIds[0:math.ceil(int(0.2 * len(hostIds)))])
    high = frozenset(hostIds[-int(0.2 * len(hostIds)):])
    return high, low


PERIODS = {"m": 60, "h": 60 * 60, "d": 60 * 60 * 24, "we": 60 * 60 * 24 * 7,
           "mo": 60 * 60 * 24 * 30.46, "qu": 60 * 60 * 24 * 30.46 * 3,
           "ye": 60 * 60 * 24 * 365.6}


def sin_signal(timestamp, snr, frq, notes, hostId):
    tf = 2 * math.pi / PERIODS[frq]
    valueMax = 100.0
    sigValue = round(valueMax * ((math.sin(timestamp * tf) + 1) / 2), 2)
    if snr >= 100:
        return sigValue
    noiseValue = valueMax * random.random() - valueMax / 2
    newValue = sigValue + (noiseValue / snr)
    newValue = max(min(round(newValue, 4), valueMax), 0)
    notes.append("{}Hz => {} + {} = {} ==> SNR {} => N={} on hostId {}".format(
        round(tf, 4), sigValue, noiseValue / snr, newValue, snr, noiseValue, hostId))
    return newValue


def saw_signal(timestamp, snr, frq, notes, hostId):
    tf = PERIODS[frq]
    valueMax = 100.0
    sigValue = round(valueMax * ((timestamp % tf) / tf), 2)
    if snr >= 100:
        return sigValue
    noiseValue = valueMax * random.random() - valueMax / 2
    newValue = sigValue + (noiseValue / snr)
    newValue = max(min(round(newValue, 4), valueMax), 0)
    notes.append("{}Hz => {} + {} = {} ==> SNR {} => N={} on hostId {}".format(
        round(tf, 4), sigValue, noiseValue / snr, newValue, snr, noiseValue, hostId))
    return newValue


def metrics(hostId, timestamp, a, high, low, notes):
    """createRandomMetrics: the 20 values in sending order and whether the
    8 CPU values were dropped."""
    if a["sin"] > 0:
        cpuUser = sin_signal(timestamp, a["sin"], a["sinfrq"], notes, hostId)
    elif a["saw"] > 0:
        cpuUser = saw_signal(timestamp, a["saw"], a["sawfrq"], notes, hostId)
    elif hostId in high:
        cpuUser = random.gauss(85.0, 10.0)
    elif hostId in low:
        cpuUser = random.gauss(15.0, 10.0)
    else:
        cpuUser = 100.0 * random.random()
    cpuUser = abs(round(min(100, cpuUser), 2))
    vals = [cpuUser]
    total = 0
    for _ in range(6):
        value = round(random.random(), 2)
        total += value
        vals.append(value)
    vals.append(round(max([100 - cpuUser - total, 0]), 2))
    missing = False
    if a["missing"] > 0:
        rnd = 100.0 * random.random()
        if a["missing"] > rnd:
            missing = True
    memUsed = 8000.0 * random.random()
    vals += [8000.0 - memUsed, memUsed, 4000.0 * random.random()]
    d = random.gauss(5.0, 5.0)
    vals += [hostId * 30.0 + d, 15.0 - d, random.gauss(2200.0, 500.0),
             25000.0 * random.random(), 25000.0 * random.random()]
    vals += [random.gauss(8.0, 4.0), random.gauss(12.0, 8.0),
             1000.0 * random.random(), 5000.0 * random.random()]
    return [float(v) for v in vals], missing


def event():
    v = [random.randint(0, 500), None]
    for _ in range(3):
        v.append(100.0 * random.random())
    return v


def chex(x):
    return x.hex() if x is not None else "0.0 /* numpy: skipped */"


def run(name, seed, hosts, ts, a):
    """seed -> the samples of `hosts` (metric sets) at ts, then one event
    sample, from one random.seed(seed) stream."""
    random.seed(seed)
    m, _ = generate(regions, microservices, 1)
    high, low = high_low(len(m))
    notes = []
    out = []
    print("/* {}: random.seed({}), t = {}, settings {} */".format(name, seed, ts, a))
    print("static const struct cv_run {} = {{ {}, {}, {}, {}, {}, {}, {}, {},".format(
        name, seed, ts, a["missing"], repr(float(a["sin"])),
        PERIODS[a["sinfrq"]] if isinstance(PERIODS[a["sinfrq"]], int) else
        int(round(PERIODS[a["sinfrq"]])),
        repr(float(a["saw"])),
        PERIODS[a["sawfrq"]] if isinstance(PERIODS[a["sawfrq"]], int) else
        int(round(PERIODS[a["sawfrq"]])), len(hosts)))
    print("  {")
    for h in hosts:
        v, missing = metrics(h, ts, a, high, low, notes)
        cls = "high" if h in high else "low" if h in low else "normal"
        print("    { %d, %d, /* %s */ {" % (h, 1 if missing else 0, cls))
        for x in v:
            print("      %s, /* %r */" % (chex(x), x))
        print("    } },")
    print("  },")
    ev = event()
    print("  { %s }," % ", ".join(chex(float(x)) if x is not None else chex(None) for x in ev))
    print("  {")
    for n in notes:
        print("    \"%s\"," % n)
    if not notes:
        print("    NULL,")  # ISO C has no empty initialiser braces
    print("  } };")
    print()


def full_pass(name, seed, ts, a, hs):
    """One whole pass as the seed's loop makes it with one thread: every
    metric set in order (series id = host id), then every event set, from
    one random.seed(seed) stream. Written: the number of samples without
    CPU, a running sum of every value (metrics: the 20, dropped or not;
    events: task_completed and the three doubles) in that order, and the
    last metric sample."""
    random.seed(seed)
    m, e = generate(regions, microservices, hs)
    high, low = high_low(len(m))
    total, missing, last = 0.0, 0, None
    for h in range(len(m)):
        v, miss = metrics(h, ts, a, high, low, [])
        missing += miss
        for x in v:
            total += x
        last = v
    for _ in range(len(e)):
        ev = event()
        for x in (ev[0], ev[2], ev[3], ev[4]):
            total += x
    print("/* %s: random.seed(%d), t = %d, host scale %d, %s */" % (name, seed, ts, hs, a))
    print("static const struct cv_pass %s = { %d, %d, %d, %d, %s, %s, %d, %s, %d, %s, {" % (
        name, seed, ts, hs, a["missing"], repr(float(a["sin"])), 
        int(round(PERIODS[a["sinfrq"]])), missing, total.hex(), len(m),
        repr(float(a["saw"]))))
    for x in last:
        print("  %s, /* %r */" % (x.hex(), x))
    print("}, %d };" % int(round(PERIODS[a["sawfrq"]])))
    print()


def main():
    print("/* continuous-vectors.h - written by tests/data/continuous-vectors.py")
    print(" * (CPython %s); do not edit. */" % ".".join(map(str, __import__("sys").version_info[:3])))
    print("#define CV_PREFIX \"%s\"" % prefix())
    m, e = generate(regions, microservices, 1)
    print("#define CV_HS1_METRICS %d" % len(m))
    print("#define CV_HS1_EVENTS %d" % len(e))
    m3, e3 = generate(regions, microservices, 3)
    print("#define CV_HS3_METRICS %d" % len(m3))
    print("#define CV_HS3_EVENTS %d" % len(e3))
    for label, dims in (("CV_METRIC0", m[0]), ("CV_METRIC_LAST", m[-1]),
                        ("CV_EVENT1", e[1]), ("CV_EVENT_LAST", e[-1]),
                        ("CV_HS3_METRIC29", m3[29])):
        print("static const char *const %s[8] = { %s };" % (
            label, ", ".join('"%s"' % d for d in dims)))
    # high/low at hs 1 (1010 hosts): the first ten of each, sorted
    high, low = high_low(len(m))
    print("static const unsigned CV_HIGH_FIRST[10] = { %s };" %
          ", ".join(str(x) for x in sorted(high)[:10]))
    print("static const unsigned CV_LOW_FIRST[10] = { %s };" %
          ", ".join(str(x) for x in sorted(low)[:10]))
    print("#define CV_N_HIGH %d" % len(high))
    print("#define CV_N_LOW %d" % len(low))
    # filtered: us-west-2,eu-central-1 x athena,zeus at hs 1 (5 silos of 4
    # hosts: 20 hosts, low 4, high 4)
    mf, ef = generate(["us-west-2", "eu-central-1"], ["athena", "zeus"], 1)
    hf, lf = high_low(len(mf))
    print("#define CV_F_METRICS %d" % len(mf))
    print("#define CV_F_EVENTS %d" % len(ef))
    print("static const unsigned CV_F_HIGH[%d] = { %s };" % (len(hf), ", ".join(str(x) for x in sorted(hf))))
    print("static const unsigned CV_F_LOW[%d] = { %s };" % (len(lf), ", ".join(str(x) for x in sorted(lf))))
    print("static const char *const CV_F_METRIC5[8] = { %s };" % ", ".join('"%s"' % d for d in mf[5]))
    # signals without noise: (code, t, sine, saw)
    print("static const struct cv_sig CV_SIGNALS[] = {")
    for code in ("m", "h", "d", "we", "mo", "qu", "ye"):
        for t in (0, 15, 1700000000, 1765432109, 1799999999):
            notes = []
            s = sin_signal(t, 100, code, notes, 0)
            w = saw_signal(t, 100, code, notes, 0)
            print("  { \"%s\", %d, %s, %s }, /* %r %r */" % (code, t, s.hex(), w.hex(), s, w))
    print("};")
    # CPython's round(x, n) on ties and near-ties
    print("static const struct cv_round CV_ROUNDS[] = {")
    rng = random.Random(5)
    xs = [(2.675, 2), (0.125, 2), (0.375, 2), (1.005, 2), (2.5, 0), (0.5, 0),
          (1.5, 0), (-2.675, 2), (-0.125, 2), (-0.001, 2), (0.0049999, 2),
          (99.995, 2), (100.0, 2), (1e-9, 4), (12.34565, 4), (0.00005, 4),
          (0.00015, 4), (8.5e8, 2), (123456.785, 2)]
    xs += [(rng.random() * 100, 2) for _ in range(40)]
    xs += [(rng.randint(0, 10000) / 100 + 0.005, 2) for _ in range(40)]
    xs += [(rng.randint(0, 1000000) / 10000 + 0.00005, 4) for _ in range(40)]
    for x, n in xs:
        r = round(x, n)
        print("  { %s, %d, %s }, /* round(%r, %d) = %r */" % (x.hex(), n, float(r).hex(), x, n, r))
    print("};")
    T = 1765432109
    run("CV_RUN_PLAIN", 42, [0, 1, 2, 3, 4, 5, 6, 7], T,
        {"missing": 0, "sin": 0.0, "sinfrq": "m", "saw": 0.0, "sawfrq": "m"})
    run("CV_RUN_SINE", 7, [0, 1, 2, 3], T,
        {"missing": 50, "sin": 20.0, "sinfrq": "h", "saw": 5.0, "sawfrq": "m"})
    run("CV_RUN_SAW", 1, [1009, 17, 3], T,
        {"missing": 0, "sin": 0.0, "sinfrq": "m", "saw": 0.5, "sawfrq": "ye"})
    run("CV_RUN_SAW_MO", 2, [5, 900], T + 7,
        {"missing": 0, "sin": 0.0, "sinfrq": "m", "saw": 50.0, "sawfrq": "mo"})
    run("CV_RUN_SAW_M", 3, [6], T + 8,
        {"missing": 10, "sin": 0.0, "sinfrq": "m", "saw": 99.5, "sawfrq": "m"})
    # High and low hosts whose gauss goes above 100 and below 0 (the
    # min(100, v) and abs() of cpu_user): the first seed from 1 that has
    # both among these 8 samples.
    hosts = [3, 4, 6, 8, 9, 21, 10, 33]
    m, _ = generate(regions, microservices, 1)
    high, low = high_low(len(m))
    for seed in range(1, 10000):
        random.seed(seed)
        raw = []
        for h in hosts:
            st = random.getstate()
            raw.append(random.gauss(85.0, 10.0) if h in high else random.gauss(15.0, 10.0))
            random.setstate(st)
            metrics(h, T, {"missing": 0, "sin": 0.0, "saw": 0.0}, high, low, [])
        if max(raw) > 100 and min(raw) < 0:
            break
    run("CV_RUN_CLAMP", seed, hosts, T,
        {"missing": 0, "sin": 0.0, "sinfrq": "m", "saw": 0.0, "sawfrq": "m"})
    full_pass("CV_PASS_PLAIN", 2024, T, {"missing": 25, "sin": 0.0, "sinfrq": "m",
              "saw": 0.0, "sawfrq": "m"}, 1)
    full_pass("CV_PASS_SINE", 99, T + 1, {"missing": 0, "sin": 3.0, "sinfrq": "d",
              "saw": 0.0, "sawfrq": "m"}, 2)


main()
