#!/usr/bin/env python3
"""Check the layering of lib/: every #include "folder/header.h" in
lib/<folder>/ names its own folder or a folder of a lower layer, no
folders include each other in a cycle, and no file outside lib/core
names a step of the transaction runner (rrd__txn_*): every transaction
runs through rrd__run.

Usage: check_layers.py LIB_DIR LAYER...
Each LAYER is a comma-separated list of folders, lowest layer first, as
lib/meson.build lists them."""
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
RUNNER_STEP = re.compile(r'\brrd__txn_(begin|commit|abort|end_read|config_next|config_done)\b')


def includes(path):
    with open(path, encoding='utf-8') as f:
        return INCLUDE.findall(f.read())


def folder_edges(lib):
    """(folder, file, included folder) for every include of another folder."""
    for folder in sorted(os.listdir(lib)):
        base = os.path.join(lib, folder)
        if not os.path.isdir(base):
            continue
        for name in sorted(os.listdir(base)):
            if not name.endswith(('.c', '.h')):
                continue
            for inc in includes(os.path.join(base, name)):
                if inc == 'rrdist.h':
                    continue  # the public API, below every layer
                if '/' not in inc:
                    yield folder, name, None, inc
                    continue
                target = inc.split('/', 1)[0]
                if target != 'rrdist' and target != folder:
                    yield folder, name, target, inc


def cycles(edges):
    """Strongly connected components with more than one folder (Tarjan)."""
    graph = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
        graph.setdefault(b, set())
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    lib = argv[1]
    rank = {}
    for r, layer in enumerate(argv[2:]):
        for folder in layer.split(','):
            rank[folder] = r
    problems = []
    for folder in sorted(os.listdir(lib)):
        if os.path.isdir(os.path.join(lib, folder)) and folder not in rank:
            problems.append(f'lib/{folder}/ is in no layer of lib/meson.build')
    edges = set()
    for folder, name, target, inc in folder_edges(lib):
        where = f'lib/{folder}/{name}'
        if target is None:
            problems.append(f'{where}: #include "{inc}" names no folder')
            continue
        edges.add((folder, target))
        if folder not in rank:
            continue
        if target not in rank:
            problems.append(f'{where}: #include "{inc}": lib/{target}/ is in no layer')
        elif rank[target] >= rank[folder]:
            if rank[target] == rank[folder]:
                how = f'reaches sideways: {target} is in the same layer as {folder}'
            else:
                how = f'reaches up: {target} is in a higher layer than {folder}'
            problems.append(f'{where}: #include "{inc}" {how}')
    for folder in sorted(os.listdir(lib)):
        base = os.path.join(lib, folder)
        if folder == 'core' or not os.path.isdir(base):
            continue
        for name in sorted(os.listdir(base)):
            if name.endswith(('.c', '.h')):
                with open(os.path.join(base, name), encoding='utf-8') as f:
                    for n, line in enumerate(f, 1):
                        m = RUNNER_STEP.search(line)
                        if m:
                            problems.append(f'lib/{folder}/{name}:{n}: {m.group(0)} runs a '
                                            'transaction by hand: use rrd__run')
    for comp in cycles(edges):
        problems.append('folders include each other in a cycle: ' + ', '.join(comp))
    for p in problems:
        print(p)
    print(f'{len(edges)} folder dependencies checked, {len(problems)} problems')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
