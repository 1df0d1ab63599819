#!/usr/bin/env python3
"""rrdist config prints a configuration in canonical form (a fixed point:
its output printed again is the same), rrdist check accepts it, and a bad
document exits 2 naming the JSON path, with nothing on stdout; rrdist
check names every fault, a line each, the first being the one rrdist
config reports.

usage: config_cli.py RRDIST"""
import json
import subprocess
import sys

from tally import check, done

rrdist = sys.argv[1]
doc = json.dumps({
    "format": "rrdist-config/1",
    "calendars": [{"id": "east", "timezone": "America/New_York",
                   "hours": {"mon": [["09:00", "17:00"]]}}],
    "agents": [{"id": "a", "calendar": "east", "capacity": {"open": 3}},
               {"id": "b", "weight": 2, "location": {"lat": 40.75, "lon": -73.99}}],
    "pools": [{"id": "web", "kind": "lead", "members": ["a", "b"], "claim_window": "90s"}],
    "rules": [{"id": "r", "match": {"source": ["web"]}, "pool": "web", "calendar": "east"}],
})
run = lambda cmd, text: subprocess.run([rrdist, cmd, "-"], input=text, capture_output=True,
                                       text=True)

first = run("config", doc)
check("config exits 0", first.returncode == 0, first.stderr)
second = run("config", first.stdout)
check("canonical form is a fixed point", second.stdout == first.stdout,
      f"{first.stdout!r} != {second.stdout!r}")
check("check accepts it", run("check", first.stdout).returncode == 0)
parsed = json.loads(first.stdout)
check("rules survive", parsed["rules"][0]["pool"] == "web" and
      parsed["rules"][0]["calendar"] == "east")
bad = run("config", json.dumps({"format": "rrdist-config/1",
                                "rules": [{"id": "r", "pool": "west"}]}))
check("bad document exits 2", bad.returncode == 2, str(bad.returncode))
check("nothing on stdout", bad.stdout == "", bad.stdout)
check("path on stderr", '$.rules[0].pool: unknown pool "west"' in bad.stderr, bad.stderr)

# Two agents that cannot be read (left out, so the pool naming one faults
# too), a pool naming nobody, a rule naming no pool.
many = json.dumps({
    "format": "rrdist-config/1",
    "agents": [{"id": "a", "weight": 0}, {"id": "b"}, {"id": "c", "capacity": "lots"}],
    "pools": [{"id": "web", "kind": "lead", "members": ["b", "a"]},
              {"id": "east", "kind": "lead", "members": ["zed"]}],
    "rules": [{"id": "r", "pool": "west"}],
})
want = ['$.agents[0].weight: expected an integer from 1 to 1000000',
        '$.agents[2].capacity: expected an object',
        '$.pools[0].members[1]: unknown agent "a"',
        '$.pools[1].members[0]: unknown agent "zed"',
        '$.rules[0].pool: unknown pool "west"']
every = run("check", many)
lines = every.stderr.splitlines()
check("check exits 2 on faults", every.returncode == 2, str(every.returncode))
check("check writes nothing on stdout", every.stdout == "", every.stdout)
check("check names every fault in order", lines == ["rrdist: config: " + w for w in want],
      every.stderr)
# The first line is what loading the document reports, for faults of
# either kind in either order.
for name, text in [
        ("many faults", many),
        ("a reference before a bad field",
         json.dumps({"format": "rrdist-config/1", "agents": [{"id": "x", "calendar": "no"}],
                     "pools": [{"id": "p", "kind": "lead", "claim_window": "-5m"}]})),
        ("not JSON", '{"format": "rrdist-config/1",'),
        ("wrong section type", json.dumps({"format": "rrdist-config/1", "agents": {}}))]:
    loaded, checked_doc = run("config", text), run("check", text)
    check(f"check's first line is the loader's: {name}",
          checked_doc.stderr.splitlines()[:1] == loaded.stderr.splitlines()[:1] and
          checked_doc.returncode == 2, f"{checked_doc.stderr!r} vs {loaded.stderr!r}")
# A rule may name an attribute once: an object naming a key twice is
# refused at the second.
twice = run("check", '{"format": "rrdist-config/1", "pools": [{"id": "p", "kind": "lead"}], '
            '"rules": [{"id": "r", "pool": "p", "match": {"attrs": {"zip": "1", "zip": "2"}}}]}')
check("a repeated attribute is a fault", twice.returncode == 2 and
      '$.rules[0].match.attrs.zip: the object already has this key (line 1, column 138)'
      in twice.stderr, twice.stderr)
badcal = run("config", '{"format": "rrdist-config/1", "pools": [{"id": "p", "kind": "lead"}], '
             '"rules": [{"id": "r", "pool": "p", "calendar": "a\\u0001b"}]}')
check("a bad calendar id in a rule is a fault with its path", badcal.returncode == 2 and
      "$.rules[0].calendar: calendar id contains a control character" in badcal.stderr,
      f"exit {badcal.returncode}: {badcal.stderr}")
again = run("check", json.dumps({
    "format": "rrdist-config/1",
    "calendars": [{"id": "c", "timezone": "UTC", "hours": {"mon": [["09:00", "17:00"]]}},
                  {"id": "c", "timezone": "UTC", "hours": {"tue": [["09:00", "17:00"]]}}],
    "pools": [{"id": "p", "kind": "lead"}, {"id": "p", "kind": "deal"}]}))
check("repeated calendar and pool ids are faults", again.returncode == 2 and
      again.stderr.splitlines() == ['rrdist: config: $.calendars[1].id: repeats "c"',
                                    'rrdist: config: $.pools[1].id: repeats "p"'],
      again.stderr)
# A window that is not whole seconds keeps its milliseconds ("ms", which
# only configuration documents take); whole seconds are written as ever.
ms = run("config", json.dumps({
    "format": "rrdist-config/1",
    "pools": [{"id": "p", "kind": "lead", "claim_window": "1500ms"},
              {"id": "q", "kind": "lead", "claim_window": "90s"}],
    "rules": [{"id": "r", "pool": "p", "claim_window": "2m0s7ms"}]}))
out = json.loads(ms.stdout or "null") or {}
check("a millisecond window survives", ms.returncode == 0 and
      [p["claim_window"] for p in out.get("pools", [])] == ["1s500ms", "1m30s"] and
      out["rules"][0]["claim_window"] == "2m7ms", f"exit {ms.returncode}: {ms.stdout}{ms.stderr}")
check("check accepts a millisecond window", run("check", ms.stdout).returncode == 0)
scen = subprocess.run([rrdist, "check", "--no-postal", "-"], capture_output=True, text=True,
                      input=json.dumps({"format": "rrdist-scenario/1",
                                        "start": "2026-03-02T08:00:00Z",
                                        "pools": [{"id": "p", "kind": "lead",
                                                   "claim_window": "500ms"}]}))
check("a scenario takes no milliseconds", scen.returncode == 2 and
      '$.pools[0].claim_window: "500ms" is not a duration of at most 36600d, such as "90s" '
      'or "1h30m"' in scen.stderr, f"exit {scen.returncode}: {scen.stderr}")
# A document wrong throughout stops at 100 faults and says so.
lots = run("check", json.dumps({"format": "rrdist-config/1",
                                "agents": [{"id": "a", "weight": 0}] * 300}))
lines = lots.stderr.splitlines()
check("check stops at 100 faults", lots.returncode == 2 and len(lines) == 101 and
      lines[-1] == "rrdist: config: $: too many faults; the rest is not checked",
      f"exit {lots.returncode}, {len(lines)} lines")
done()
