#!/usr/bin/env python3
"""Files that cannot be used exit 2, write nothing on stdout, and name the
JSON path of the fault on stderr.

usage: bad_files.py RRDIST"""
import json
import subprocess
import sys

rrdist = sys.argv[1]

def doc(**over):
    d = {"format": "rrdist-scenario/1", "start": "2026-03-02T08:00:00Z",
         "agents": [{"id": "a"}],
         "pools": [{"id": "web", "kind": "lead", "members": ["a"]}],
         "rules": [{"id": "r", "pool": "web"}],
         "events": [{"at": "+1m", "op": "lead", "id": "L1"}]}
    d.update(over)
    return json.dumps(d)

cases = [
    ("truncated JSON", doc()[:-7], "$"),
    ("not JSON", "hello", "$"),
    ("unknown format", doc(format="rrdist-scenario/2"), "$.format"),
    ("wrong type", doc(seed="seven"), "$.seed"),
    ("unknown reference", doc(rules=[{"id": "r", "pool": "west"}]), "$.rules[0].pool"),
    ("unknown member", doc(pools=[{"id": "web", "kind": "lead", "members": ["zed"]}]),
     "$.pools[0].members"),
    ("negative duration", doc(pools=[{"id": "web", "kind": "lead", "claim_window": "-5m"}]),
     "$.pools[0].claim_window"),
    ("unknown strategy", doc(pools=[{"id": "web", "kind": "lead", "strategy": "fastest"}]),
     "$.pools[0].strategy"),
    ("times going backwards", doc(events=[{"at": "+2m", "op": "advance"},
                                          {"at": "+1m", "op": "advance"}]), "$.events[1].at"),
    ("repeated id", doc(agents=[{"id": "a"}, {"id": "a"}]), "$.agents[1].id"),
    ("unknown op", doc(events=[{"at": "+1m", "op": "teleport"}]), "$.events[0].op"),
    ("absurd weight", doc(agents=[{"id": "a", "weight": 1e300}]), "$.agents[0].weight"),
    ("over-long id", doc(agents=[{"id": "x" * 300}]), "$.agents[0].id"),
    ("end before last event", doc(end="2026-03-02T07:00:00Z"), "$.end"),
]
failed = 0
for name, text, path in cases:
    p = subprocess.run([rrdist, "simulate", "-"], input=text, capture_output=True, text=True)
    problems = []
    if p.returncode != 2:
        problems.append(f"exit {p.returncode}, not 2")
    if p.stdout:
        problems.append("wrote to stdout")
    if path not in p.stderr:
        problems.append(f"stderr does not name {path}: {p.stderr.strip()!r}")
    if problems:
        failed += 1
        print(f"FAIL {name}: " + "; ".join(problems))
    else:
        print(f"ok   {name}: {p.stderr.strip()}")
# `check` explains every fault, one line each, in document order; each
# case above is also a fault that check reports.
checked = 0
for name, text, path in cases:
    p = subprocess.run([rrdist, "check", "-"], input=text, capture_output=True, text=True)
    checked += 1
    if p.returncode != 2 or p.stdout or path not in p.stderr:
        failed += 1
        print(f"FAIL check {name}: exit {p.returncode}, stderr {p.stderr.strip()!r}")

many = doc(agents=[{"id": "a"}, {"id": "a"}, {"id": "b", "weight": 0}],
           pools=[{"id": "web", "kind": "lead", "members": ["zed"]},
                  {"id": "west", "kind": "lead", "strategy": "fastest"}],
           rules=[{"id": "r", "pool": "east"}],
           events=[{"at": "+2m", "op": "advance"}, {"at": "+1m", "op": "advance"},
                   {"at": "+3m", "op": "teleport"}])
want = ["$.agents[1].id", "$.agents[2].weight", "$.pools[0].members[0]",
        "$.pools[1].strategy", "$.rules[0].pool", "$.events[1].at", "$.events[2].op"]
p = subprocess.run([rrdist, "check", "-"], input=many, capture_output=True, text=True)
lines = p.stderr.strip().split("\n")
checked += 1
if p.returncode != 2 or p.stdout or len(lines) != len(want) or \
        any(not l.startswith(f"rrdist: scenario: {w}:") for l, w in zip(lines, want)):
    failed += 1
    print(f"FAIL check lists every fault: exit {p.returncode}, stderr {p.stderr!r}")
else:
    print(f"ok   check lists every fault: {len(lines)} lines")

# A document wrong throughout stops at 100 faults and says so.
p = subprocess.run([rrdist, "check", "-"], capture_output=True, text=True,
                   input=doc(agents=[{"id": "a", "weight": 0} for _ in range(300)]))
lines = p.stderr.strip().split("\n")
checked += 1
if p.returncode != 2 or len(lines) != 101 or "too many faults" not in lines[-1]:
    failed += 1
    print(f"FAIL check stops at 100 faults: exit {p.returncode}, {len(lines)} lines")
else:
    print("ok   check stops at 100 faults")

print(f"{len(cases) + checked - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
