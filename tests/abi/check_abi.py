#!/usr/bin/env python3
"""The library is ABI compatible with the recorded baseline of release 1.0.

    check_abi.py BASELINE SUPPRESSIONS INCLUDE_DIR LIBRARY
    check_abi.py --record BASELINE INCLUDE_DIR LIBRARY   (scripts/abi-baseline)

The check has three parts, and fails if any does:

1. abidiff compares the baseline (abi/librrdist.so.1.abi) with the built
   library, reading the library's DWARF and taking as public only the
   types defined in INCLUDE_DIR. SUPPRESSIONS (abi/librrdist.abignore)
   lists the changes docs/ABI.md promises are compatible: new functions,
   versioned tables grown at their end, private types. Anything else it
   reports fails, whatever its exit code says of it: abidiff sets
   ABIDIFF_ABI_INCOMPATIBLE_CHANGE (8) only for a removed symbol, while a
   changed parameter type, a renumbered enumerator or a member inserted in
   the middle of a struct set only ABIDIFF_ABI_CHANGE (4), "compatible or
   not sure". So only exit status 0 passes.
2. Every struct of the public headers starts with the members it had in
   the baseline: same names, offsets and types. The suppression that lets
   a table grow at its end also hides a member of that table whose type
   changed, even when nothing was added; this part checks what abidiff
   then no longer does.
3. No symbol joined a version node the baseline already has. abidiff sees
   a symbol's version only as part of its name: a new function in an old
   node is an addition to it, but a released node is never edited.
"""
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

# How the baseline is recorded and the built library read for part 2.
# --headers-dir with --drop-private-types leaves the layout of types not
# defined in a public header out (libabigail tells them by base name, see
# abi/librrdist.abignore); --exported-interfaces-only leaves out functions
# that are not exported; the "no" options keep this machine's paths out of
# the file; hashed type ids change only where a type does.
ABIDW_OPTIONS = ["--drop-private-types", "--exported-interfaces-only",
                 "--no-corpus-path", "--no-comp-dir-path", "--type-id-style", "hash"]

# A type is public when the header that defines it is one of these.
PUBLIC_HEADER = re.compile(r"(^|/)include/rrdist(\.h$|/)")

STATUS_BITS = {
    1: "ABIDIFF_ERROR",
    2: "ABIDIFF_USAGE_ERROR",
    4: "ABIDIFF_ABI_CHANGE",
    8: "ABIDIFF_ABI_INCOMPATIBLE_CHANGE",
}


def fail(message):
    print(message)
    sys.exit(1)


def tool(name):
    path = shutil.which(name)
    if path is None:
        fail(f"{name} not found: install libabigail's tools "
             "(Debian: abigail-tools, see scripts/install-deps)")
    return path


def need_debug_info(library):
    sections = subprocess.run(["objdump", "-h", str(library)], capture_output=True,
                              text=True, check=True).stdout
    if ".debug_info" not in sections:
        # Without DWARF libabigail compares symbol names only and would
        # pass a changed signature or table layout.
        fail(f"{library.name} has no debug information: the ABI check needs a "
             "build with -g (buildtype debug or debugoptimized)")


def abidw(library, include, out):
    cmd = [tool("abidw"), "--headers-dir", str(include), *ABIDW_OPTIONS,
           "--out-file", str(out), str(library)]
    subprocess.run(cmd, check=True)
    return cmd


class Corpus:
    """An abidw document, with a spelling of each type that does not depend
    on its type id, so that two documents' types can be compared."""

    def __init__(self, path):
        self.types = {}
        self.structs = {}
        for node in ET.parse(path).getroot().iter():
            tid = node.get("id")
            if tid is not None:
                self.types.setdefault(tid, node)
            if (node.tag == "class-decl" and node.get("is-declaration-only") != "yes"
                    and PUBLIC_HEADER.search(node.get("filepath", ""))):
                self.structs[node.get("name")] = node

    def spell(self, tid):
        node = self.types.get(tid)
        if node is None:
            return f"<unknown {tid}>"
        tag = node.tag
        if tag == "type-decl":
            return f"{node.get('name')}:{node.get('size-in-bits', '?')}"
        if tag == "typedef-decl":
            return f"{node.get('name')}={self.spell(node.get('type-id'))}"
        if tag == "pointer-type-def":
            return f"{self.spell(node.get('type-id'))}*"
        if tag == "qualified-type-def":
            quals = [q for q in ("const", "volatile", "restrict") if node.get(q) == "yes"]
            return f"{' '.join(quals)} {self.spell(node.get('type-id'))}"
        if tag == "array-type-def":
            return f"{self.spell(node.get('type-id'))}[{node.get('size-in-bits')}]"
        if tag == "enum-decl":
            values = ",".join(f"{e.get('name')}={e.get('value')}"
                              for e in node.findall("enumerator"))
            return f"enum {node.get('name')}{{{values}}}"
        if tag == "function-type":
            params = ",".join("..." if p.get("is-variadic") == "yes"
                              else self.spell(p.get("type-id"))
                              for p in node.findall("parameter"))
            return f"({params})->{self.spell(node.find('return').get('type-id'))}"
        if tag in ("class-decl", "union-decl"):
            # By name: a public struct's own layout is checked member by
            # member, and a private one's may change.
            return f"{tag.split('-')[0]} {node.get('name')}"
        return f"<{tag} {tid}>"

    def members(self, struct):
        return [(m.get("layout-offset-in-bits"), v.get("name"), self.spell(v.get("type-id")))
                for m in struct.findall("data-member") for v in m.findall("var-decl")]


def check_abidiff(baseline, suppressions, include, library):
    cmd = [tool("abidiff"), "--no-default-suppression", "--fail-no-debug-info",
           "--suppressions", str(suppressions),
           "--headers-dir2", str(include), "--drop-private-types",
           str(baseline), str(library)]
    result = subprocess.run(cmd, capture_output=True, text=True)
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    if result.returncode == 0:
        return []
    bits = [name for bit, name in STATUS_BITS.items() if result.returncode & bit]
    return [f"abidiff exited with {result.returncode} ({' | '.join(bits) or 'unknown'}): "
            f"the library's ABI differs from {baseline.name} beyond what "
            f"{suppressions.name} allows"]


def check_struct_prefixes(old, new):
    problems = []
    for name, struct in sorted(old.structs.items()):
        if name not in new.structs:
            problems.append(f"struct {name} is no longer defined in a public header")
            continue
        before = old.members(struct)
        after = new.members(new.structs[name])
        if after[:len(before)] != before:
            problems.append(f"struct {name} does not start with its members of the baseline:")
            for i, member in enumerate(before):
                now = after[i] if i < len(after) else None
                if now != member:
                    problems.append(f"  was {member}")
                    problems.append(f"  now {now}")
                    break
    return problems


def check_version_nodes(old_path, library):
    recorded = {sym.get("name"): sym.get("version")
                for sym in ET.parse(old_path).getroot().iter("elf-symbol")}
    released = set(recorded.values())
    nm = subprocess.run(["nm", "-D", "--defined-only", "--with-symbol-versions", str(library)],
                        capture_output=True, text=True, check=True).stdout
    problems = []
    for line in nm.splitlines():
        parts = line.split()
        if len(parts) != 3 or parts[1] == "A" or "@@" not in parts[2]:
            continue
        name, version = parts[2].split("@@", 1)
        if version in released and recorded.get(name) != version:
            problems.append(f"{name} was added to the released version node {version}: "
                            "a new function goes into a node of its own release")
    return problems, recorded


def main(argv):
    if argv[:1] == ["--record"]:
        out, include, library = map(pathlib.Path, argv[1:4])
        need_debug_info(library)
        print(" ".join(abidw(library, include, out)))
        return 0

    baseline, suppressions, include, library = map(pathlib.Path, argv[0:4])
    need_debug_info(library)
    problems = check_abidiff(baseline, suppressions, include, library)
    with tempfile.TemporaryDirectory() as tmp:
        current = pathlib.Path(tmp) / "current.abi"
        abidw(library, include, current)
        problems += check_struct_prefixes(Corpus(baseline), Corpus(current))
    version_problems, recorded = check_version_nodes(baseline, library)
    problems += version_problems

    for p in problems:
        print(p)
    print(f"{len(recorded)} symbols in the baseline, "
          f"version nodes {', '.join(sorted(set(recorded.values())))}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
