#!/usr/bin/env python3
"""Every example scenario run on a SQLite file (`rrdist simulate --store
sqlite:PATH`, a fresh file each) prints the same bytes as on the memory
store, and exits alike; a file that holds a run already is refused, with
nothing on stdout.

usage: sqlite_store.py RRDIST SCENARIO_DIR POSTAL_CSV"""
import pathlib
import shutil
import subprocess
import sys
import tempfile

from tally import check, done

rrdist, folder, postal = sys.argv[1], pathlib.Path(sys.argv[2]), sys.argv[3]
tmp = pathlib.Path(tempfile.mkdtemp(prefix="rrdist-sqlite-store-"))


def simulate(scenario, *store):
    return subprocess.run([rrdist, "simulate", "--postal", postal, *store, str(scenario)],
                          capture_output=True)


try:
    scenarios = sorted(folder.glob("*.json"))
    check("the examples are there", len(scenarios) > 0, f"no scenarios in {folder}")
    for scenario in scenarios:
        memory = simulate(scenario)
        named = simulate(scenario, "--store", "memory")
        db = tmp / (scenario.stem + ".db")
        sqlite = simulate(scenario, "--store", f"sqlite:{db}")
        check(f"{scenario.name}: runs on memory", memory.returncode == 0 and memory.stdout,
              f"exit {memory.returncode}: {memory.stderr.decode(errors='replace')}")
        check(f"{scenario.name}: --store memory is the default",
              named.returncode == 0 and named.stdout == memory.stdout, "output differs")
        check(f"{scenario.name}: the same bytes on sqlite",
              sqlite.returncode == memory.returncode and sqlite.stdout == memory.stdout
              and sqlite.stderr == memory.stderr,
              f"exit {sqlite.returncode}, {len(sqlite.stdout)} bytes against "
              f"{len(memory.stdout)}: {sqlite.stderr.decode(errors='replace')}")

    # The file keeps the run; running again on it would mix two runs.
    scenario = scenarios[0]
    db = tmp / "again.db"
    first = simulate(scenario, "--store", f"sqlite:{db}")
    again = simulate(scenario, "--store", f"sqlite:{db}")
    check("a file that holds a run is refused",
          first.returncode == 0 and again.returncode == 2 and not again.stdout
          and b"holds entries already" in again.stderr,
          f"exit {again.returncode}, stderr {again.stderr!r}")

    # What cannot be a store is refused before the run, naming it.
    notes = tmp / "notes.txt"
    notes.write_bytes(b"not a database, only some notes\n" * 64)
    for name, spec, says in [
            ("a directory", f"sqlite:{tmp}", b"is a directory"),
            ("a file that is not a database", f"sqlite:{notes}", b"is not a SQLite database"),
            ("a folder that does not exist", f"sqlite:{tmp}/none/x.db", b"cannot open")]:
        p = simulate(scenario, "--store", spec)
        check(f"--store on {name} is refused", p.returncode == 2 and not p.stdout
              and p.stderr.startswith(b"rrdist: " + spec.encode() + b": ") and says in p.stderr,
              f"exit {p.returncode}, stderr {p.stderr!r}")
finally:
    shutil.rmtree(tmp, ignore_errors=True)
done()
