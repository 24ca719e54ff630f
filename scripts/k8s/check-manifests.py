#!/usr/bin/env python3
"""check-manifests.py - checks tsload's Kubernetes manifests (scripts/k8s).

  check-manifests.py --tsload BIN FILE.yaml...   check; exit 1 on a fault
  check-manifests.py --env FILE.yaml... JOB       the env of JOB's container
                                                  as KEY=VALUE lines for sh
                                                  (quoted; Secret references
                                                  resolved)

Checked: every document parses and is a known kind with a name and the
app labels; every Job's pod has restartPolicy Never, requests and limits,
the Prometheus scrape annotations for /metrics on port 8000 and that
container port; an Indexed Job's completions equal its parallelism and
its shard count (TSLOAD_SHARD_COUNT for ingest pods, the coordinator's
TSLOAD_REMOTE_WORKERS for worker pods, whose --connect names the
coordinator's Service and port, which selects the coordinator's pod); a
worker Job is Indexed and gives its pods no one --shard-index (each asks
for remote slot JOB_COMPLETION_INDEX);
every secretKeyRef names a key of a Secret in the files; and every
environment variable set is one tsload reads: TSLOAD_<NAME> of an option
of that subcommand (from BIN's --help), the data generator's variables
(from the --help paragraph), JOB_COMPLETION_INDEX, libpq's PGPASSWORD.
"""
import re
import shlex
import subprocess
import sys

import yaml

KINDS = {"Secret", "ConfigMap", "Service", "Job"}
# Read by tsload but not through its option table.
OTHER_VARS = {
    "JOB_COMPLETION_INDEX",  # the default of --shard-index
    "PGPASSWORD",  # libpq, in the postgres: target
}

faults = []


def fault(where, what):
    faults.append(f"{where}: {what}")


def load(files):
    docs = []
    for f in files:
        with open(f, encoding="utf-8") as fh:
            for i, d in enumerate(yaml.safe_load_all(fh)):
                if d is not None:
                    docs.append((f"{f}#{i}", d))
    return docs


def env_names(tsload, cmd):
    """TSLOAD_<NAME> of every long option of `tsload CMD --help`, and the
    data generator's variables its help lists."""
    out = subprocess.run([tsload, cmd, "--help"], capture_output=True,
                         text=True, check=False).stdout
    names = set()
    for m in re.finditer(r"^\s+(?:-\w, )?--([a-z][a-z0-9-]*)", out, re.M):
        names.add("TSLOAD_" + m.group(1).upper().replace("-", "_"))
    para = re.search(r"THE DATA GENERATOR'S ENVIRONMENT:(.*?)\n\n", out, re.S)
    if para:
        names |= set(re.findall(r"\b[A-Z][A-Z_]{2,}\b", para.group(1)))
    return names


def pod(job):
    return job.get("spec", {}).get("template", {})


def container(job):
    cs = pod(job).get("spec", {}).get("containers") or [{}]
    return cs[0]


def subcommand(c):
    args = c.get("args") or c.get("command") or []
    if args and not str(args[0]).startswith("-"):
        return str(args[0])
    return "ingest"  # the entrypoint's default


def env_of(c):
    return {e["name"]: e for e in c.get("env", [])}


def check(tsload, files):
    docs = load(files)
    secrets = {}
    services = []
    jobs = []
    for where, d in docs:
        kind = d.get("kind")
        name = d.get("metadata", {}).get("name")
        labels = d.get("metadata", {}).get("labels") or {}
        if kind not in KINDS:
            fault(where, f"kind {kind!r} is not one of {sorted(KINDS)}")
            continue
        if not name:
            fault(where, f"{kind} without metadata.name")
        if not (labels.get("app.kubernetes.io/name") or labels.get("k8s-app")):
            fault(where, f"{kind} {name}: no app.kubernetes.io/name label")
        if kind == "Secret":
            secrets[name] = set((d.get("stringData") or {})) | set(
                (d.get("data") or {}))
        elif kind == "Service":
            services.append((where, d))
        elif kind == "Job":
            jobs.append((where, d))
    names = {}
    for where, j in jobs:
        name = j["metadata"]["name"]
        spec = j.get("spec", {})
        p = pod(j)
        ann = p.get("metadata", {}).get("annotations") or {}
        c = container(j)
        at = f"{where} Job {name}"
        if p.get("spec", {}).get("restartPolicy") != "Never":
            fault(at, "restartPolicy is not Never")
        if ann.get("prometheus.io/scrape") != "true" \
                or ann.get("prometheus.io/port") != "8000" \
                or ann.get("prometheus.io/path") != "/metrics":
            fault(at, "no prometheus.io scrape/port 8000/path /metrics annotations")
        if 8000 not in [x.get("containerPort") for x in c.get("ports", [])]:
            fault(at, "no containerPort 8000 (/metrics)")
        res = c.get("resources") or {}
        for k in ("requests", "limits"):
            if not (res.get(k) or {}).get("cpu") or not (res.get(k) or {}).get("memory"):
                fault(at, f"no resources.{k} cpu and memory")
        cmd = subcommand(c)
        if cmd not in names:
            names[cmd] = env_names(tsload, cmd)
        # tsload worker --help lists the three it reads (--connect,
        # --token, --shard-index): the rest comes from the coordinator
        known = names[cmd] | OTHER_VARS
        for var, e in env_of(c).items():
            if var not in known:
                fault(at, f"env {var} is not a variable tsload {cmd} reads")
            ref = (e.get("valueFrom") or {}).get("secretKeyRef")
            if ref and ref.get("key") not in secrets.get(ref.get("name"), ()):
                fault(at, f"env {var}: no Secret {ref.get('name')} with key {ref.get('key')}")
        if cmd == "worker" and spec.get("completionMode") != "Indexed":
            fault(at, "worker Job not Indexed: each pod takes remote slot JOB_COMPLETION_INDEX")
        if cmd == "worker" and ("TSLOAD_SHARD_INDEX" in env_of(c)
                                or "--shard-index" in [str(a) for a in c.get("args", [])]):
            fault(at, "worker pods given one --shard-index: each takes its own, JOB_COMPLETION_INDEX")
        if spec.get("completionMode") == "Indexed":
            n = spec.get("completions")
            if spec.get("parallelism") != n:
                fault(at, f"parallelism {spec.get('parallelism')} != completions {n}")
            if cmd == "worker":
                check_workers(at, c, n, jobs, services)
            else:
                sc = (env_of(c).get("TSLOAD_SHARD_COUNT") or {}).get("value")
                if str(sc) != str(n):
                    fault(at, f"TSLOAD_SHARD_COUNT {sc} != completions {n}: each pod's JOB_COMPLETION_INDEX must be one shard")
    for f in faults:
        print(f"FAULT {f}")
    print(f"{len(docs)} documents, {len(jobs)} jobs, {len(faults)} faults")
    return 1 if faults else 0


def check_workers(at, c, n, jobs, services):
    args = [str(a) for a in c.get("args", [])]
    url = args[args.index("--connect") + 1] if "--connect" in args else ""
    m = re.fullmatch(r"tcp://([a-z0-9-]+):(\d+)", url)
    if not m:
        fault(at, f"worker without --connect tcp://SERVICE:PORT ({url!r})")
        return
    svc = [d for _, d in services if d["metadata"]["name"] == m.group(1)]
    if not svc:
        fault(at, f"--connect names no Service {m.group(1)}")
        return
    ports = [p.get("port") for p in svc[0]["spec"].get("ports", [])]
    if int(m.group(2)) not in ports:
        fault(at, f"Service {m.group(1)} has no port {m.group(2)}")
    sel = svc[0]["spec"].get("selector") or {}
    coord = [j for _, j in jobs
             if sel and all(pod(j).get("metadata", {}).get("labels", {}).get(k) == v
                            for k, v in sel.items())]
    if len(coord) != 1:
        fault(at, f"Service {m.group(1)} selects {len(coord)} Jobs' pods, not the coordinator's alone")
        return
    ce = env_of(container(coord[0]))
    rw = (ce.get("TSLOAD_REMOTE_WORKERS") or {}).get("value")
    if str(rw) != str(n):
        fault(at, f"completions {n} != the coordinator's TSLOAD_REMOTE_WORKERS {rw}")
    listen = (ce.get("TSLOAD_LISTEN") or {}).get("value", "")
    if not listen.endswith(":" + m.group(2)):
        fault(at, f"the coordinator listens on {listen!r}, not port {m.group(2)}")


def print_env(files, job):
    docs = [d for _, d in load(files)]
    secrets = {d["metadata"]["name"]: d.get("stringData") or {}
               for d in docs if d.get("kind") == "Secret"}
    for d in docs:
        if d.get("kind") == "Job" and d["metadata"]["name"] == job:
            for var, e in env_of(container(d)).items():
                if "value" in e:
                    val = str(e["value"])
                else:
                    ref = e["valueFrom"]["secretKeyRef"]
                    val = str(secrets[ref["name"]][ref["key"]])
                print(f"{var}={shlex.quote(val)}")
            return 0
    print(f"no Job {job}", file=sys.stderr)
    return 1


def main(argv):
    if len(argv) >= 3 and argv[1] == "--tsload":
        return check(argv[2], argv[3:])
    if len(argv) >= 4 and argv[1] == "--env":
        return print_env(argv[2:-1], argv[-1])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
