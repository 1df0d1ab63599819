#!/usr/bin/env python3
"""Every example scenario's output equals its expected file, byte for
byte, and running it twice gives the same bytes.

usage: golden.py RRDIST SCENARIO_DIR POSTAL_CSV [--update]"""
import difflib
import pathlib
import subprocess
import sys

rrdist, folder, postal = sys.argv[1], pathlib.Path(sys.argv[2]), sys.argv[3]
update = "--update" in sys.argv[4:]
failed = 0
scenarios = sorted(folder.glob("*.json"))
if not scenarios:
    sys.exit(f"no scenarios in {folder}")
for scenario in scenarios:
    expected = scenario.with_suffix(".expected.jsonl")
    run = lambda: subprocess.run([rrdist, "simulate", "--postal", postal, str(scenario)],
                                 capture_output=True, text=True)
    first, second = run(), run()
    if first.returncode != 0:
        print(f"FAIL {scenario.name}: exit {first.returncode}: {first.stderr.strip()}")
        failed += 1
        continue
    if first.stdout != second.stdout:
        print(f"FAIL {scenario.name}: two runs differ")
        failed += 1
        continue
    if update:
        expected.write_text(first.stdout)
        print(f"updated {expected.name}")
        continue
    if not expected.exists():
        print(f"FAIL {scenario.name}: no {expected.name}")
        failed += 1
        continue
    want = expected.read_text()
    if first.stdout != want:
        diff = difflib.unified_diff(want.splitlines(), first.stdout.splitlines(),
                                    str(expected.name), "actual", lineterm="", n=1)
        print(f"FAIL {scenario.name}:")
        print("\n".join(list(diff)[:40]))
        failed += 1
    else:
        print(f"ok   {scenario.name}")
print(f"{len(scenarios) - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
