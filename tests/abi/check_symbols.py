#!/usr/bin/env python3
"""The exported ABI is exactly the public API: every RRD_API function the
headers declare is listed in the version script and exported by the
library, and nothing else is exported."""
import pathlib
import re
import subprocess
import sys

include, symfile, library = map(pathlib.Path, sys.argv[1:4])

declared = set()
for header in sorted(include.rglob("*.h")):
    for m in re.finditer(r"RRD_API\s+[^;(]*?\b(rrd_\w+)\s*\(", header.read_text()):
        declared.add(m.group(1))

text = re.sub(r"/\*.*?\*/", "", symfile.read_text(), flags=re.S)
listed = set(re.findall(r"^\s*(rrd_\w+);", text, flags=re.M))

nm = subprocess.run(["nm", "-D", "--defined-only", str(library)],
                    capture_output=True, text=True, check=True).stdout
exported = set()
for line in nm.splitlines():
    parts = line.split()
    if len(parts) == 3 and parts[1] in "TtWwDdBbRr" and parts[1].isupper():
        exported.add(parts[2].split("@")[0])

problems = []
for name in sorted(declared - listed):
    problems.append(f"declared in a header but not in {symfile.name}: {name}")
for name in sorted(listed - declared):
    problems.append(f"listed in {symfile.name} but declared in no header: {name}")
for name in sorted(listed - exported):
    problems.append(f"listed but not defined by the library: {name}")
for name in sorted(exported - listed):
    problems.append(f"exported but not listed: {name}")
for name in sorted(exported):
    if not name.startswith("rrd_"):
        problems.append(f"exported without the rrd_ prefix: {name}")

dyn = subprocess.run(["objdump", "-p", str(library)], capture_output=True, text=True,
                     check=True).stdout
soname = re.search(r"^\s*SONAME\s+(\S+)", dyn, flags=re.M)
if not soname or soname.group(1) != "librrdist.so.1":
    problems.append(f"SONAME is {soname.group(1) if soname else 'missing'}, not librrdist.so.1")

for p in problems:
    print(p)
print(f"{len(declared)} declared, {len(listed)} listed, {len(exported)} exported")
sys.exit(1 if problems else 0)
