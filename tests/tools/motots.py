#!/usr/bin/env python3
"""motots.py - moto's Timestream with a small SQL evaluator behind Query,
for the tests of tsload verify and --freshness on timestream+http://.

This is NOT Timestream. moto (5.x) stores what WriteRecords sends but its
Query answers canned results only. This tool runs moto's server in this
process and replaces two of its handlers:

  WriteRecords  moto's own store, with the CommonAttributes merged into
                each record as Timestream does (moto drops them).
  CreateDatabase, CreateTable
                ConflictException when it exists, as Timestream answers
                (moto replaces it, and the records with it).
  Query         the records moto holds for the table, loaded into an
                in-memory SQLite table (time in ms, the dimensions,
                measure_name, measure_value::double/::bigint/::varchar,
                multi-measure values as columns named by measure), and the
                query text translated token by token into SQLite: the few
                Timestream functions tsload sends (to_milliseconds,
                from_milliseconds, coalesce, length, CAST, count, sum,
                min, max). A query it cannot translate is answered with a
                ValidationException, never guessed at. Answers have
                Timestream's shape (ColumnInfo, Rows of Data with
                ScalarValue or NullValue, QueryId, QueryStatus) in pages of
                --page-rows rows chained by NextToken.

What Timestream does and this does not: its SQL beyond the above, its
types (a timestamp column comes back only through to_milliseconds), its
refusal of a second record at the same dimensions, measure and time (moto
appends everything: a duplicate made behind the API stays one), limits,
metering. --visible-after-ms hides records younger than that from Query:
a delay the test sets, not one Timestream has.

The control endpoints change the store behind tsload's back (the
Timestream API cannot delete a record):
  POST /motots/tamper {"db","table","op":"delete"|"duplicate"|"change",
                       "n","measure","time_ms"[,"add"][,"value"]}
       the first n records of measure (a multi-measure record's
       MeasureName) at time_ms, in instance_name order; "change" of a
       multi-measure record changes its MeasureValue named "value"
  POST /motots/config {"visible_after_ms"}  the delay of --visible-after-ms
  GET  /motots/stats  {"queries","pages","refused"}

usage:
  motots.py serve [--port N] [--port-file F] [--page-rows N]
                  [--visible-after-ms MS]
  motots.py tamper --port N --db D --table T OP N --measure M --time-ms T
                   [--add X] [--value NAME]
  motots.py config --port N --visible-after-ms MS
  motots.py stats --port N
"""
import argparse
import copy
import json
import os
import re
import sqlite3
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid

ARRIVAL = "_motots_arrival_ms"  # when a record was written (ours)
UNIT_MS = {"MILLISECONDS": (1, 1), "SECONDS": (1000, 1),
           "MICROSECONDS": (1, 1000), "NANOSECONDS": (1, 1000000)}
VALUE_COLS = {"DOUBLE": "measure_value::double",
              "BIGINT": "measure_value::bigint",
              "VARCHAR": "measure_value::varchar",
              "BOOLEAN": "measure_value::boolean"}
SQLITE_TYPE = {"DOUBLE": "REAL", "BIGINT": "INTEGER", "VARCHAR": "TEXT",
               "BOOLEAN": "INTEGER", "TIMESTAMP": "INTEGER"}


class Refused(Exception):
    """A query the evaluator does not translate."""
    code = "ValidationException"


class NoTable(Refused):
    code = "ResourceNotFoundException"


# ---- the store, as SQLite ----

def record_ms(r):
    t = int(r.get("Time", "0"))
    mul, div = UNIT_MS.get(r.get("TimeUnit", "MILLISECONDS"), (None, None))
    if mul is None:
        raise Refused("record TimeUnit %r" % r.get("TimeUnit"))
    return t * mul // div


def typed(typ, v):
    if typ == "DOUBLE":
        return float(v)
    if typ in ("BIGINT", "TIMESTAMP"):
        return int(v)
    if typ == "BOOLEAN":
        return 1 if str(v).lower() == "true" else 0
    return v


class Loaded:
    """One moto table's records as a SQLite table, loaded as they come."""

    def __init__(self, db, name):
        self.db, self.name = db, name
        self.cols = ["time", "measure_name"] + list(VALUE_COLS.values())
        self.types = {c: "TEXT" for c in self.cols}
        self.types.update({"time": "INTEGER",
                           "measure_value::double": "REAL",
                           "measure_value::bigint": "INTEGER",
                           "measure_value::boolean": "INTEGER"})
        self.records = None  # moto's list, by identity
        self.n = 0
        cols = ", ".join('"%s" %s' % (c, self.types[c]) for c in self.cols)
        db.execute('DROP TABLE IF EXISTS "%s"' % name)
        db.execute('CREATE TABLE "%s" (%s)' % (name, cols))
        db.execute('CREATE INDEX "%s_t" ON "%s" (time)' % (name, name))

    def add_col(self, c, typ):
        if c in self.types:
            return
        self.cols.append(c)
        self.types[c] = typ
        self.db.execute('ALTER TABLE "%s" ADD COLUMN "%s" %s' % (self.name, c, typ))

    def load(self, records, visible_before_ms):
        """Loads records[self.n:] written before visible_before_ms."""
        end = self.n
        while end < len(records) and records[end].get(ARRIVAL, 0) <= visible_before_ms:
            end += 1
        rows = []
        for r in records[self.n:end]:
            row = {"time": record_ms(r), "measure_name": r.get("MeasureName")}
            for d in r.get("Dimensions", []):
                self.add_col(d["Name"], "TEXT")
                row[d["Name"]] = d["Value"]
            typ = r.get("MeasureValueType", "DOUBLE")
            if typ == "MULTI":
                for m in r.get("MeasureValues", []):
                    self.add_col(m["Name"], SQLITE_TYPE.get(m["Type"], "TEXT"))
                    row[m["Name"]] = typed(m["Type"], m["Value"])
            elif typ in VALUE_COLS:
                row[VALUE_COLS[typ]] = typed(typ, r["MeasureValue"])
            rows.append(row)
        if rows:
            q = 'INSERT INTO "%s" (%s) VALUES (%s)' % (
                self.name, ", ".join('"%s"' % c for c in self.cols),
                ", ".join("?" * len(self.cols)))
            self.db.executemany(q, [tuple(r.get(c) for c in self.cols) for r in rows])
        self.n = end


class Store:
    """The SQLite side of every table queried; one lock for all."""

    def __init__(self, page_rows, visible_after_ms):
        self.lock = threading.Lock()
        self.db = sqlite3.connect(":memory:", check_same_thread=False)
        for f in ("to_milliseconds", "from_milliseconds"):
            # time is held in ms: both conversions are the identity
            self.db.create_function(f, 1, lambda x: x, deterministic=True)
        self.tables = {}
        self.cursors = {}
        self.page_rows = page_rows
        self.visible_after_ms = visible_after_ms
        self.stats = {"queries": 0, "pages": 0, "refused": 0}

    def table(self, backend, db, table):
        """The loaded SQLite table of moto's db.table, up to date."""
        try:
            recs = backend.databases[db].tables[table].records
        except KeyError:
            raise NoTable("The table %s.%s does not exist." % (db, table))
        key = (backend.account_id, backend.region_name, db, table)
        t = self.tables.get(key)
        if t is None or t.records is not recs:  # new, or created again
            t = Loaded(self.db, "t%d" % len(self.tables))
            t.records = recs
            self.tables[key] = t
        t.load(recs, time.time() * 1000 - self.visible_after_ms)
        return t

    def forget(self):
        """Tampered: every table is loaded again at its next query."""
        self.tables.clear()


# ---- the query translator ----

TOKEN = re.compile(r"""\s*(?:
    (?P<str>'(?:[^']|'')*')
  | (?P<qid>"(?:[^"]|"")+")
  | (?P<mv>measure_value::[A-Za-z]+)
  | (?P<num>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<id>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op><>|!=|>=|<=|[=<>(),*/+\-.])
)""", re.X)
KEYWORDS = {"select", "from", "where", "and", "or", "not", "group", "by",
            "order", "asc", "desc", "limit", "as", "cast", "is", "null", "in"}
FUNCTIONS = {"count", "sum", "min", "max", "coalesce", "length",
             "to_milliseconds", "from_milliseconds"}
CAST_TYPES = {"double": "REAL", "bigint": "INTEGER", "varchar": "TEXT"}
COMPARE = {"=", "<", ">", "<=", ">=", "<>", "!="}


def tokenize(text):
    out, i = [], 0
    text = text.rstrip().rstrip(";")
    while i < len(text):
        m = TOKEN.match(text, i)
        if not m or m.end() == i:
            if text[i:].strip() == "":
                break
            raise Refused("cannot read the query at %r" % text[i:i + 20])
        kind = m.lastgroup
        out.append((kind, m.group(kind)))
        i = m.end()
    return out


def translate(text, table_of):
    """The SQLite text of a Timestream query; table_of("db", "t") gives
    the loaded table. Raises Refused for anything outside the subset."""
    tok = tokenize(text)
    out, i, t = [], 0, None
    cast_depth = []  # paren depths of the open CASTs
    depth = 0
    low = [v.lower() if k == "id" else v for k, v in tok]
    if not tok or low[0] != "select" or low.count("select") != 1:
        raise Refused("one SELECT, no subquery")
    if low.count("from") != 1:
        raise Refused("one FROM")
    f = low.index("from")
    if not (f + 3 < len(tok) and tok[f + 1][0] == "qid" and tok[f + 2][1] == "."
            and tok[f + 3][0] == "qid"):
        raise Refused('FROM must name "database"."table"')
    t = table_of(tok[f + 1][1][1:-1].replace('""', '"'), tok[f + 3][1][1:-1].replace('""', '"'))
    while i < len(tok):
        kind, v = tok[i]
        lv = low[i]
        nxt = low[i + 1] if i + 1 < len(tok) else None
        if i == f + 1:
            out.append('"%s"' % t.name)
            i += 3
            continue
        if kind in ("str", "num"):
            out.append(v)
        elif kind == "op":
            if v == "(":
                depth += 1
            elif v == ")":
                if cast_depth and cast_depth[-1] == depth:
                    cast_depth.pop()
                depth -= 1
            elif v == ".":
                raise Refused("a qualified name outside FROM")
            out.append(v)
        elif kind in ("mv", "qid") or (kind == "id" and lv not in KEYWORDS and nxt != "("):
            name = v[1:-1].replace('""', '"') if kind == "qid" else v
            prev = low[i - 1] if i else None
            if prev == "as" and not cast_depth:
                out.append('"%s"' % name)  # an alias
            elif prev == "as":
                if name.lower() not in CAST_TYPES:
                    raise Refused("CAST to %s" % name)
                out.append(CAST_TYPES[name.lower()])
            elif name == "time":
                # only to_milliseconds(time) or time <op> from_milliseconds(...)
                ok = (low[i - 2:i] == ["to_milliseconds", "("] and nxt == ")") or (
                    nxt in COMPARE and low[i + 2:i + 4] == ["from_milliseconds", "("])
                if not ok:
                    raise Refused("time outside to_milliseconds(time) or a comparison with from_milliseconds(...)")
                out.append('"time"')
            elif name in t.types:
                out.append('"%s"' % name)
            else:
                raise Refused("Column '%s' does not exist" % name)
        elif kind == "id" and nxt == "(" and lv not in KEYWORDS:
            if lv not in FUNCTIONS:
                raise Refused("function %s" % v)
            out.append(lv)
        elif lv == "cast":
            if nxt != "(":
                raise Refused("CAST without (")
            cast_depth.append(depth + 1)
            out.append("CAST")
        elif lv in KEYWORDS:
            out.append(lv.upper())
        else:
            raise Refused("cannot translate %r" % v)
        i += 1
    if depth:
        raise Refused("unbalanced parentheses")
    return " ".join(out)


# ---- the answers ----

def col_type(vals):
    kinds = {type(v) for v in vals if v is not None}
    if float in kinds:
        return "DOUBLE"
    if kinds == {int}:
        return "BIGINT"
    return "VARCHAR"


def scalar(v, typ):
    if v is None:
        return {"NullValue": True}
    if typ == "DOUBLE":
        return {"ScalarValue": repr(float(v))}
    return {"ScalarValue": str(v)}


def col_name(n, i):
    return n if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_:]*", n or "") else "_col%d" % i


def page(store, cur_id):
    c = store.cursors[cur_id]
    rows = c["rows"][c["at"]:c["at"] + store.page_rows]
    c["at"] += len(rows)
    store.stats["pages"] += 1
    ans = {"QueryId": c["id"], "ColumnInfo": c["info"],
           "Rows": [{"Data": [scalar(v, c["types"][j]) for j, v in enumerate(r)]} for r in rows],
           "QueryStatus": {"ProgressPercentage": 100.0, "CumulativeBytesScanned": 0,
                           "CumulativeBytesMetered": 0}}
    if c["at"] < len(c["rows"]):
        tok = uuid.uuid4().hex
        store.cursors[tok] = store.cursors.pop(cur_id)
        ans["NextToken"] = tok
    else:
        store.cursors.pop(cur_id)
    return ans


def run_query(store, backend, text):
    sql = translate(text, lambda db, t: store.table(backend, db, t))
    try:
        cur = store.db.execute(sql)
    except sqlite3.Error as e:
        raise Refused("%s (as SQLite: %s)" % (e, sql))
    rows = cur.fetchall()
    names = [col_name(d[0], i) for i, d in enumerate(cur.description)]
    types = [col_type([r[j] for r in rows]) for j in range(len(names))]
    cid = uuid.uuid4().hex
    store.cursors[cid] = {"id": "motots-" + cid[:12], "rows": rows, "at": 0, "types": types,
                          "info": [{"Name": n, "Type": {"ScalarType": ty}} for n, ty in zip(names, types)]}
    return page(store, cid)


# ---- moto, patched ----

def install(store):
    from moto.core.exceptions import JsonRESTError
    from moto.timestreamwrite.responses import TimestreamWriteResponse

    def write_records(self):
        db = self._get_param("DatabaseName")
        table = self._get_param("TableName")
        common = self._get_param("CommonAttributes") or {}
        now = time.time() * 1000
        recs = []
        for r in self._get_param("Records"):
            m = dict(common)
            m.update(r)
            m["Dimensions"] = list(common.get("Dimensions", [])) + list(r.get("Dimensions", []))
            if not m["Dimensions"]:
                del m["Dimensions"]
            m[ARRIVAL] = now
            recs.append(m)
        with store.lock:
            self.timestreamwrite_backend.write_records(db, table, recs)
        n = len(recs)
        return json.dumps({"RecordsIngested": {"Total": n, "MemoryStore": n, "MagneticStore": 0}})

    def query(self):
        token = self._get_param("NextToken")
        with store.lock:
            try:
                if token:
                    if token not in store.cursors:
                        raise Refused("unknown NextToken")
                    return json.dumps(page(store, token))
                store.stats["queries"] += 1
                return json.dumps(run_query(store, self.timestreamwrite_backend,
                                            self._get_param("QueryString")))
            except Refused as e:
                store.stats["refused"] += 1
                raise JsonRESTError(e.code, "motots: %s" % e)

    def refuse_existing(create, exists):
        def handler(self):
            with store.lock:
                if exists(self.timestreamwrite_backend, self._get_param("DatabaseName"),
                          self._get_param("TableName")):
                    raise JsonRESTError("ConflictException", "motots: it already exists")
                return create(self)
        return handler

    TimestreamWriteResponse.create_database = refuse_existing(
        TimestreamWriteResponse.create_database, lambda b, d, t: d in b.databases)
    TimestreamWriteResponse.create_table = refuse_existing(
        TimestreamWriteResponse.create_table,
        lambda b, d, t: d in b.databases and t in b.databases[d].tables)
    TimestreamWriteResponse.write_records = write_records
    TimestreamWriteResponse.query = query


def find_table(db, table):
    from moto.timestreamwrite.models import timestreamwrite_backends
    for _, regions in timestreamwrite_backends.items():
        for _, backend in regions.items():
            d = backend.databases.get(db)
            if d and table in d.tables:
                return d.tables[table]
    return None


def tamper(store, req):
    """Deletes, duplicates or changes the first n records of a measure at
    a time (instance_name order)."""
    with store.lock:
        t = find_table(req["db"], req["table"])
        if t is None:
            return 404, {"error": "no table %s.%s" % (req["db"], req["table"])}

        def inst(r):
            return [d["Value"] for d in r.get("Dimensions", []) if d["Name"] == "instance_name"]

        sel = sorted((r for r in t.records if r.get("MeasureName") == req["measure"]
                      and record_ms(r) == int(req["time_ms"])), key=inst)
        n = int(req["n"])
        if len(sel) < n:
            return 409, {"error": "%d records match, %d asked" % (len(sel), n)}
        sel = sel[:n]
        if req["op"] == "delete":
            ids = {id(r) for r in sel}
            t.records[:] = [r for r in t.records if id(r) not in ids]
        elif req["op"] == "duplicate":
            t.records.extend(copy.deepcopy(r) for r in sel)
        elif req["op"] == "change":
            add = float(req.get("add", 0.5))
            for r in sel:
                if r["MeasureValueType"] == "MULTI":
                    mv = [m for m in r["MeasureValues"] if m["Name"] == req.get("value")]
                    if not mv:
                        return 409, {"error": "no MeasureValue %r in a MULTI record" % req.get("value")}
                    changed(mv[0], "Type", "Value", add)
                else:
                    changed(r, "MeasureValueType", "MeasureValue", add)
        else:
            return 400, {"error": "op %r" % req["op"]}
        store.forget()
        return 200, {"done": n}


def changed(r, type_key, value_key, add):
    """Adds add to r's value (a text gets an "x")."""
    if r[type_key] == "DOUBLE":
        r[value_key] = repr(float(r[value_key]) + add)
    elif r[type_key] == "BIGINT":
        r[value_key] = str(int(r[value_key]) + int(add))
    else:
        r[value_key] = r[value_key] + "x"


def control(store, environ):
    path = environ.get("PATH_INFO", "")
    if path == "/motots/stats":
        with store.lock:
            st = dict(store.stats)
        return 200, st
    if environ["REQUEST_METHOD"] != "POST" or path not in ("/motots/tamper", "/motots/config"):
        return 404, {"error": "no such control endpoint"}
    n = int(environ.get("CONTENT_LENGTH") or 0)
    try:
        req = json.loads(environ["wsgi.input"].read(n))
        if path == "/motots/tamper":
            return tamper(store, req)
        with store.lock:
            store.visible_after_ms = float(req["visible_after_ms"])
        return 200, {"visible_after_ms": store.visible_after_ms}
    except (KeyError, ValueError, TypeError) as e:
        return 400, {"error": repr(e)}


def serve(a):
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server

    store = Store(a.page_rows, a.visible_after_ms)
    install(store)
    moto_app = DomainDispatcherApplication(create_backend_app)

    def app(environ, start_response):
        if environ.get("PATH_INFO", "").startswith("/motots/"):
            code, body = control(store, environ)
            start_response("%d %s" % (code, "OK" if code == 200 else "Error"),
                           [("Content-Type", "application/json")])
            return [json.dumps(body).encode()]
        return moto_app(environ, start_response)

    srv = make_server("127.0.0.1", a.port, app, threaded=True)
    if a.port_file:
        with open(a.port_file + ".tmp", "w") as f:
            f.write("%d\n" % srv.server_port)
        os.rename(a.port_file + ".tmp", a.port_file)
    srv.serve_forever()


def call(port, path, body=None):
    req = urllib.request.Request("http://127.0.0.1:%d%s" % (port, path),
                                 data=None if body is None else json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req) as r:
            return json.load(r)
    except urllib.error.HTTPError as e:
        sys.exit("motots: %s" % e.read().decode())


def main():
    p = argparse.ArgumentParser(description="moto's Timestream with a small SQL evaluator behind Query (tests only; not Timestream)")
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("serve")
    s.add_argument("--port", type=int, default=0)
    s.add_argument("--port-file")
    s.add_argument("--page-rows", type=int, default=1000)
    s.add_argument("--visible-after-ms", type=float, default=0)
    t = sub.add_parser("tamper")
    t.add_argument("--port", type=int, required=True)
    t.add_argument("--db", required=True)
    t.add_argument("--table", required=True)
    t.add_argument("op", choices=["delete", "duplicate", "change"])
    t.add_argument("n", type=int)
    t.add_argument("--measure", required=True)
    t.add_argument("--time-ms", type=int, required=True)
    t.add_argument("--add", type=float, default=0.5)
    t.add_argument("--value", help="the MeasureValue a change of a multi-measure record changes")
    c = sub.add_parser("config")
    c.add_argument("--port", type=int, required=True)
    c.add_argument("--visible-after-ms", type=float, required=True)
    st = sub.add_parser("stats")
    st.add_argument("--port", type=int, required=True)
    a = p.parse_args()
    if a.cmd == "serve":
        serve(a)
    elif a.cmd == "tamper":
        print(json.dumps(call(a.port, "/motots/tamper", {
            "db": a.db, "table": a.table, "op": a.op, "n": a.n,
            "measure": a.measure, "time_ms": a.time_ms, "add": a.add,
            "value": a.value})))
    elif a.cmd == "config":
        print(json.dumps(call(a.port, "/motots/config", {"visible_after_ms": a.visible_after_ms})))
    else:
        print(json.dumps(call(a.port, "/motots/stats")))


if __name__ == "__main__":
    main()
