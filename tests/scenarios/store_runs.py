#!/usr/bin/env python3
"""Every scenario of the given folders, run on a durable store
(`rrdist simulate --store sqlite:PATH` or `--store postgres:CONNINFO`,
each run on an empty store), prints the same bytes as on the memory
store, on stdout and on stderr, and exits alike; the store then holds
the run, read back with the database's own client. A store that holds a
run already is refused, with nothing on stdout, and so is one that
cannot be opened, with a message that names it.

usage: store_runs.py RRDIST sqlite|postgres POSTAL_CSV SCENARIO_DIR...
postgres connects with $RRD_TEST_PG (tests/pg/cluster.sh sets it) and
keeps the store in the schema rrdist, emptied before each run."""
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

from tally import check, done

rrdist, kind, postal = sys.argv[1], sys.argv[2], sys.argv[3]
folders = [pathlib.Path(f) for f in sys.argv[4:]]
tmp = pathlib.Path(tempfile.mkdtemp(prefix="rrdist-store-runs-"))


def simulate(scenario, *store):
    return subprocess.run([rrdist, "simulate", "--postal", postal, *store, str(scenario)],
                          capture_output=True)


def client(*args):
    """What the database's own client prints, or None when it failed."""
    p = subprocess.run(args, capture_output=True, text=True)
    if p.returncode != 0:
        print(f"{args[0]}: {p.stderr.strip()}")
        return None
    return p.stdout.strip()


class SQLite:
    def __init__(self):
        self.made = 0

    def fresh(self, name):
        self.made += 1
        self.path = tmp / f"{self.made}-{name}.db"
        return f"sqlite:{self.path}"

    def again(self):
        return f"sqlite:{self.path}"

    def entries(self):
        """How many entries the file holds, once SQLite finds it intact."""
        sql = "PRAGMA integrity_check; SELECT count(*) FROM rrd_entry;"
        out = client("sqlite3", "-batch", str(self.path), sql)
        return int(out.split("\n")[1]) if out and out.startswith("ok\n") else None

    def unusable(self):
        notes = tmp / "notes.txt"
        notes.write_bytes(b"not a database, only some notes\n" * 64)
        return [("a directory", f"sqlite:{tmp}", f"rrdist: sqlite:{tmp}: ", "is a directory"),
                ("a file that is not a database", f"sqlite:{notes}", f"rrdist: sqlite:{notes}: ",
                 "is not a SQLite database"),
                ("a folder that does not exist", f"sqlite:{tmp}/none/x.db",
                 f"rrdist: sqlite:{tmp}/none/x.db: ", "cannot open")]


class Postgres:
    def __init__(self):
        self.conninfo = os.environ.get("RRD_TEST_PG")
        if not self.conninfo:
            sys.exit("RRD_TEST_PG is not set: run this through tests/pg/cluster.sh")

    def psql(self, sql):
        return client("psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                      "-d", self.conninfo, "-c", sql)

    def fresh(self, name):
        check(f"{name}: the schema is dropped",
              self.psql("SET client_min_messages = warning; "
                        "DROP SCHEMA IF EXISTS rrdist CASCADE") is not None)
        return self.again()

    def again(self):
        return f"postgres:{self.conninfo}"

    def entries(self):
        out = self.psql("SELECT count(*) FROM rrdist.kv")
        return int(out) if out else None

    def unusable(self):
        # A connection string may hold a password: the message names the
        # store without it.
        return [("a server that is not there",
                 "postgres:host=/nonexistent port=1 password=hunter2",
                 "rrdist: --store postgres: ", "connecting")]


store = {"sqlite": SQLite, "postgres": Postgres}[kind]()
try:
    scenarios = sorted(s for f in folders for s in f.glob("*.json"))
    check("the scenarios are there", all(any(f.glob("*.json")) for f in folders) and folders,
          f"no scenarios in one of {folders}")
    ran = None
    for scenario in scenarios:
        name = f"{scenario.parent.name}/{scenario.name}"
        memory = simulate(scenario)
        durable = simulate(scenario, "--store", store.fresh(scenario.stem))
        check(f"{name}: the same bytes on {kind}",
              durable.returncode == memory.returncode and durable.stdout == memory.stdout
              and durable.stderr == memory.stderr,
              f"exit {durable.returncode} against {memory.returncode}, "
              f"{len(durable.stdout)} bytes against {len(memory.stdout)}: "
              f"{durable.stderr.decode(errors='replace')}")
        if memory.returncode == 0:
            n = store.entries()
            check(f"{name}: the store is read back", n is not None, "its client failed")
            if n:
                ran = scenario

    # The store keeps the run; running again on it would mix two runs.
    check("a scenario left entries in its store", ran is not None)
    again = simulate(ran, "--store", store.again())
    check("a store that holds a run is refused",
          again.returncode == 2 and not again.stdout
          and b"holds entries already" in again.stderr,
          f"exit {again.returncode}, stderr {again.stderr!r}")

    # What cannot be a store is refused before the run, naming it.
    for what, spec, starts, says in store.unusable():
        p = simulate(ran, "--store", spec)
        check(f"--store on {what} is refused", p.returncode == 2 and not p.stdout
              and p.stderr.startswith(starts.encode()) and says.encode() in p.stderr
              and b"hunter2" not in p.stderr,
              f"exit {p.returncode}, stderr {p.stderr!r}")
finally:
    shutil.rmtree(tmp, ignore_errors=True)
done()
