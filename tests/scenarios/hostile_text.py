#!/usr/bin/env python3
"""Files written to fool the command line: messages quoting their text
carry no control character a terminal would act on, and `rrdist check`
tells scenarios from configurations by their parsed `format`, not by
text found anywhere in the file.

usage: hostile_text.py RRDIST"""
import json
import os
import re
import subprocess
import sys
import tempfile

from tally import check, done

rrdist = sys.argv[1]

def run(args, text):
    return subprocess.run([rrdist] + args, input=text.encode(), capture_output=True)

# A byte a terminal acts on: C0 but the newline ending each line, DEL,
# and the C1 controls (U+0080 to U+009F, C2 80 to C2 9F in UTF-8).
ACTIVE = re.compile(rb"[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]")

def inert(name, out, want):
    check(f"{name}: nothing a terminal acts on", not ACTIVE.search(out), repr(out))
    check(f"{name}: the input is quoted escaped", want.encode() in out, repr(out))

def scenario(**over):
    d = {"format": "rrdist-scenario/1", "start": "2026-03-02T08:00:00Z",
         "agents": [{"id": "a"}],
         "pools": [{"id": "web", "kind": "lead", "members": ["a"]}],
         "rules": [{"id": "r", "pool": "web"}],
         "events": [{"at": "+1m", "op": "lead", "id": "L1", "source": "web"}]}
    d.update(over)
    return json.dumps(d)

def config(**over):
    d = {"format": "rrdist-config/1", "agents": [{"id": "a"}],
         "pools": [{"id": "web", "kind": "lead", "members": ["a"]}]}
    d.update(over)
    return json.dumps(d)

# The kind that erased `rrdist check`'s own error line and printed "ok".
forged = "\x1b[2K\rx.json: ok"
bad_kind = scenario(records=[{"id": "C-1", "kind": forged}])
for cmd in ("check", "simulate"):
    p = run([cmd, "-"], bad_kind)
    check(f"{cmd}: a forged kind exits 2 with nothing on stdout",
          p.returncode == 2 and p.stdout == b"", f"exit {p.returncode}, {p.stdout!r}")
    inert(f"{cmd}: a forged kind", p.stderr, "\\u001b[2K\\rx.json: ok")

# DEL, a C1 control (CSI) and a line break, in values that are quoted.
p = run(["check", "-"], scenario(pools=[{"id": "web", "kind": "lead", "members": ["a"],
                                         "claim_window": "5m\x7f"}]))
inert("check: DEL in a duration", p.stderr, '"5m\\u007f"')
p = run(["check", "-"], scenario(pools=[{"id": "web", "kind": "lead\x9b31m",
                                         "members": ["a"]}]))
inert("check: CSI in a kind", p.stderr, '"lead\\u009b31m"')
# An id may hold no control character, C1 ones neither.
p = run(["check", "-"], scenario(pools=[{"id": "web", "kind": "lead",
                                         "members": ["a", "b\x9b31m"]}]))
inert("check: CSI in an id", p.stderr,
      "$.pools[0].members[1]: agent id contains a control character")
p = run(["check", "-"], scenario(events=[{"at": "+1m", "op": "teleport\nrrdist: ok"}]))
inert("check: a line break in an op", p.stderr, "teleport\\nrrdist: ok")
for cmd in ("check", "config"):
    p = run([cmd, "-"], config(pools=[{"id": "web", "kind": forged, "members": ["a"]}]))
    check(f"{cmd}: a forged pool kind exits 2", p.returncode == 2, str(p.returncode))
    inert(f"{cmd}: a forged pool kind", p.stderr, "\\u001b[2K\\rx.json: ok")

# rrdist's own lines quote the file's name.
with tempfile.TemporaryDirectory() as tmp:
    name = os.path.join(tmp, "a\x1b[2K\rb.json")
    with open(name, "w") as f:
        f.write(scenario())
    p = subprocess.run([rrdist, "check", name], capture_output=True)
    check("check: a good file with a forged name exits 0", p.returncode == 0,
          f"{p.returncode}: {p.stderr!r}")
    inert("check: the ok line", p.stdout, "a\\u001b[2K\\rb.json: ok")
    p = subprocess.run([rrdist, "check", name + "\x7f"], capture_output=True)
    inert("check: a missing file's name", p.stderr, "b.json\\u007f")

# What `check` takes a file for is its parsed `format`.
lead_says_config = scenario(events=[{"at": "+1m", "op": "lead", "id": "L1",
                                     "source": "\"rrdist-config/1"}])
p = run(["check", "-"], lead_says_config)
check("a scenario whose lead names the config format is checked as a scenario",
      p.returncode == 0 and p.stdout == b"-: ok\n", f"exit {p.returncode}: {p.stderr!r}")
p = run(["check", "-"], scenario(records=[{"id": "C-1", "kind": "customer",
                                           "attrs": {"note": "\"rrdist-config/"}}],
                                 seed="x"))
check("a scenario quoting the config format faults as a scenario",
      p.returncode == 2 and p.stderr.startswith(b"rrdist: scenario: $.seed:"), repr(p.stderr))
escaped = config().replace('"rrdist-config/1"', '"rrdist\\u002dconfig/1"')
assert escaped != config()
p = run(["config", "-"], escaped)
check("config takes a format written with an escape", p.returncode == 0, repr(p.stderr))
p = run(["check", "-"], escaped)
check("check takes it for a configuration too",
      p.returncode == 0 and p.stdout == b"-: ok\n", f"exit {p.returncode}: {p.stderr!r}")
p = run(["check", "-"], '{"agents": [], "\\u0066ormat": "rrdist-config/1"}')
check("an escaped `format` key names the format", p.returncode == 0, repr(p.stderr))
p = run(["check", "-"], '{"formats": "rrdist-config/1"}')
check("only `format` names the format",
      p.returncode == 2 and p.stderr.startswith(b"rrdist: scenario: $.format:"), repr(p.stderr))
p = run(["check", "-"], '{"format": "rrdist-config/1", "agents": [')
check("a configuration cut short is checked as one",
      p.returncode == 2 and p.stderr.startswith(b"rrdist: config: $: not JSON"), repr(p.stderr))
p = run(["check", "-"], '{"format": "rrdist-config/2"}')
check("another configuration version faults as a configuration",
      p.returncode == 2 and b"rrdist: config: $.format:" in p.stderr, repr(p.stderr))
p = run(["check", "-"], '{"format": "rrdist-config/1", "format": "rrdist-scenario/1"}')
check("a format named twice is refused", p.returncode == 2 and
      b"$.format: the object already has this key" in p.stderr, repr(p.stderr))

done()
