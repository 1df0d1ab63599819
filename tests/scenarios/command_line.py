#!/usr/bin/env python3
"""What rrdist says about the documents it refuses, and how it takes its
arguments: `check` and `simulate` refuse the same scenarios with the same
clean message, naming the JSON path; every command takes --help and
refuses what it does not know; a file over the size limit and a postal
table without codes are refused with a message; a build that is not
installed finds the bundled postal table, and without a table an unknown
postal code says so; --store takes memory, sqlite:PATH or
postgres:CONNINFO, for simulate only.

usage: command_line.py RRDIST SOURCE_ROOT"""
import json
import os
import pathlib
import subprocess
import sys
import tempfile

from tally import check, done

rrdist, root = sys.argv[1], pathlib.Path(sys.argv[2])
tmp = pathlib.Path(tempfile.mkdtemp(prefix="rrdist-cli-"))


def run(*args, text=None, env=None):
    return subprocess.run([rrdist, *map(str, args)], input=text, capture_output=True,
                          text=True, env=env)


def scenario(**over):
    d = {"format": "rrdist-scenario/1", "start": "2026-03-02T08:00:00Z",
         "agents": [{"id": "a"}],
         "pools": [{"id": "web", "kind": "lead", "members": ["a"]},
                   {"id": "deals", "kind": "deal", "members": ["a"]}],
         "rules": [{"id": "r", "pool": "web"}],
         "events": [{"at": "+1m", "op": "lead", "id": "L1"}]}
    d.update(over)
    return json.dumps(d)


def refused_alike(name, text, message):
    """simulate and check both exit 2, print nothing on stdout, and say
    exactly `message` (after "rrdist: scenario: ")."""
    want = f"rrdist: scenario: {message}\n"
    for cmd in ("simulate", "check"):
        p = run(cmd, "-", text=text)
        check(f"{cmd}: {name}", p.returncode == 2 and not p.stdout and p.stderr == want,
              f"exit {p.returncode}, stdout {p.stdout!r}, stderr {p.stderr!r}")


refused_alike("a rule whose kind is not its pool's",
              scenario(rules=[{"id": "r", "pool": "web"}, {"id": "s", "pool": "deals"},
                              {"id": "t", "match": {"kind": "deal"}, "pool": "web"}]),
              '$.rules[2].match.kind: pool "web" holds leads, not deals')

refused_alike("an imported offered record",
              scenario(records=[{"id": "R", "status": "offered", "owner": "a"}]),
              "$.records[0].status: an offered record cannot be imported: "
              "there is no offer to import")
refused_alike("an imported claimed record without an owner",
              scenario(records=[{"id": "R", "status": "claimed"}]),
              "$.records[0].status: a claimed record needs an owner")

closed = json.dumps({"format": "rrdist-config/1",
                     "calendars": [{"id": "night", "timezone": "UTC", "hours": {"sat": []}}]})
for cmd in ("check", "config"):
    p = run(cmd, "-", text=closed)
    check(f"{cmd}: a configuration calendar with no open hours",
          p.returncode == 2 and not p.stdout and p.stderr ==
          'rrdist: config: $.calendars[0].hours: calendar "night" has no open hours, '
          'so it would never open\n', f"exit {p.returncode}, stderr {p.stderr!r}")

# limits.redistribute_max 0 means what it says: no job may move a record.
# A job that would move one is refused, its preview too; one that would
# move none runs.
limited = scenario(limits={"redistribute_max": 0},
                   agents=[{"id": "a"}, {"id": "b"}],
                   records=[{"id": "R", "status": "pending", "owner": "a"}],
                   events=[{"at": "+1m", "op": "redistribute", "from": {"agent": "a"},
                            "to": {"agents": ["b"]}},
                           {"at": "+2m", "op": "redistribute", "from": {"agent": "a"},
                            "to": {"agents": ["b"]}, "preview": True},
                           {"at": "+3m", "op": "redistribute", "from": {"agent": "b"},
                            "to": {"agents": ["a"]}}])
p = run("simulate", "-", text=limited)
lines = [json.loads(l) for l in p.stdout.splitlines()] if p.returncode == 0 else []
errors = [(l["op"], l["code"]) for l in lines if l["event"] == "error"]
check("redistribute_max 0 refuses a job and a preview that would move a record",
      p.returncode == 0 and errors == [(0, "limit_exceeded"), (1, "limit_exceeded")],
      f"exit {p.returncode}, {p.stderr!r}, errors {errors}")
completed = [l for l in lines if l["event"] == "redistribution_completed"]
check("redistribute_max 0 lets a job that moves nothing run",
      len(completed) == 1 and completed[0]["moved"] == 0 and
      lines[-1]["event"] == "summary" and lines[-1]["open"] == {"a": 1, "b": 0},
      f"{lines}")

# Every command takes --help and -h, prints its usage on stdout and exits
# 0; an option it does not know is refused with the usage (exit 2), and
# so is an option without its value. "-" alone is standard input.
for cmd in ("simulate", "check", "config"):
    for flag in ("--help", "-h"):
        p = run(cmd, flag)
        check(f"{cmd} {flag} prints its usage", p.returncode == 0 and not p.stderr and
              p.stdout.startswith(f"usage: rrdist {cmd} "),
              f"exit {p.returncode}, stdout {p.stdout!r}, stderr {p.stderr!r}")
    p = run(cmd, "--frobnicate", "x.json")
    check(f"{cmd} refuses an unknown option", p.returncode == 2 and not p.stdout and
          p.stderr.startswith("rrdist: unknown option --frobnicate\nusage: rrdist "),
          f"exit {p.returncode}, stderr {p.stderr!r}")
    p = run(cmd, "-x")
    check(f"{cmd} refuses an unknown short option", p.returncode == 2 and not p.stdout and
          p.stderr.startswith("rrdist: unknown option -x\n"), f"stderr {p.stderr!r}")
for cmd in ("simulate", "check"):
    p = run(cmd, "x.json", "--postal")
    check(f"{cmd} refuses --postal without a file", p.returncode == 2 and
          p.stderr.startswith("rrdist: --postal needs a FILE\nusage: rrdist "),
          f"stderr {p.stderr!r}")
# --store names where simulate keeps its state: memory, sqlite:PATH or
# postgres:CONNINFO, nothing else (named with what a terminal would act
# on escaped), and only for simulate.
kinds = "memory, sqlite:PATH or postgres:CONNINFO"
for store, says in [("bogus", f"rrdist: --store takes {kinds}, not bogus\n"),
                    ("sqlite:", "rrdist: --store sqlite:PATH needs a PATH\n"),
                    ("sqlite", f"rrdist: --store takes {kinds}, not sqlite\n"),
                    ("postgres", f"rrdist: --store takes {kinds}, not postgres\n"),
                    ("pg:x", f"rrdist: --store takes {kinds}, not pg:x\n"),
                    ("\x1b[2Jx:", f"rrdist: --store takes {kinds}, not \\u001b[2Jx:\n")]:
    p = run("simulate", "--store", store, "-", text=scenario())
    check(f"simulate refuses --store {store}", p.returncode == 2 and not p.stdout and
          p.stderr.startswith(says + "usage: rrdist simulate "), f"stderr {p.stderr!r}")
p = run("simulate", "-", "--store")
check("simulate refuses --store without a store", p.returncode == 2 and
      p.stderr.startswith("rrdist: --store needs a STORE\nusage: rrdist "), f"stderr {p.stderr!r}")
for cmd in ("check", "config"):
    p = run(cmd, "--store", "memory", "x.json")
    check(f"{cmd} does not take --store", p.returncode == 2 and
          p.stderr.startswith(f"rrdist: {cmd} does not take --store\n"), f"stderr {p.stderr!r}")
p = run("simulate", "--store", "memory", "-", text=scenario())
check("simulate --store memory runs", p.returncode == 0 and '"event":"summary"' in p.stdout,
      p.stderr)

p = run("check", "-", text=scenario())
check("check - reads standard input", p.returncode == 0 and p.stdout == "-: ok\n", p.stderr)
p = run("--help")
check("rrdist --help lists every command", p.returncode == 0 and
      all(f"rrdist {c} " in p.stdout for c in ("simulate", "check", "config")), p.stdout)
p = run("teleport", "x.json")
check("an unknown command is refused", p.returncode == 2 and
      p.stderr.startswith('rrdist: unknown command "teleport"\nusage: '), p.stderr)

# A file over the 256 MiB a document may have is refused before it is
# read, naming the limit (the file is sparse: it takes no room).
huge = tmp / "huge.json"
with open(huge, "wb") as f:
    f.truncate((256 << 20) + 1)
for cmd in ("check", "simulate", "config"):
    p = run(cmd, huge)
    check(f"{cmd} refuses a file over 256 MiB", p.returncode == 2 and not p.stdout and
          p.stderr == f"rrdist: {huge}: larger than 256 MiB, the most a document may be\n",
          f"exit {p.returncode}, stderr {p.stderr!r}")

# A postal table without a single code is refused, for check too.
empty = tmp / "empty.csv"
empty.write_text("zip,lat,lon\n")
dealership = root / "examples" / "scenarios" / "dealership-day.json"
for cmd in ("simulate", "check"):
    p = run(cmd, "--postal", empty, dealership)
    check(f"{cmd} refuses a postal table without codes", p.returncode == 2 and
          not p.stdout and f"no postal codes in {empty}" in p.stderr,
          f"exit {p.returncode}, stderr {p.stderr!r}")

# A build that is not installed finds the source tree's postal table.
env = {k: v for k, v in os.environ.items() if k != "RRDIST_POSTAL_CODES"}
p = run("simulate", dealership, env=env)
want = dealership.with_suffix(".expected.jsonl").read_text()
check("the uninstalled build finds the bundled postal table",
      p.returncode == 0 and p.stdout == want, f"exit {p.returncode}: {p.stderr!r}")
p = run("check", dealership, env=env)
check("check finds it too", p.returncode == 0, p.stderr)
# Without a table, an unknown code says that no table is loaded.
for cmd in ("simulate", "check"):
    p = run(cmd, "--no-postal", dealership, env=env)
    check(f"{cmd} --no-postal: the message says no table is loaded",
          p.returncode == 2 and not p.stdout and 'unknown postal code "' in p.stderr and
          "no postal table is loaded (give one with --postal FILE)" in p.stderr,
          f"exit {p.returncode}, stderr {p.stderr!r}")

p = run("check", "--postal", empty, "--no-postal", dealership)
check("--postal and --no-postal exclude each other", p.returncode == 2 and
      p.stderr.startswith("rrdist: --postal and --no-postal exclude each other\n"), p.stderr)

for f in tmp.iterdir():
    f.unlink()
tmp.rmdir()
done()
