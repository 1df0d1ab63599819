#!/usr/bin/env python3
"""rrdist config prints a configuration in canonical form (a fixed point:
its output printed again is the same), rrdist check accepts it, and a bad
document exits 2 naming the JSON path, with nothing on stdout.

usage: config_cli.py RRDIST"""
import json
import subprocess
import sys

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
failed = 0

def check(name, ok, detail=""):
    global failed
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else ": " + detail))
    failed += not ok

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
print(f"{7 - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
