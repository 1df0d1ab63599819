#!/usr/bin/env python3
"""The durable stores beside the CRM-style baseline, in one run.

usage: durable.py BENCH_DURABLE PEER_BIN [FLOOR_SQLITE]
    run through tests/pg/cluster.sh, which starts the throwaway PostgreSQL
    cluster and sets RRD_TEST_PG (scripts/bench --suite durable does both)

Builds the baseline's programs from ../shared/bench/peer (RRD_PEER_DIR)
into the folder PEER_BIN, then runs RRD_BENCH_ROUNDS rounds (5). Each round
runs, on SQLite and then on PostgreSQL, the baseline's round robin and
bench_durable's, then the baseline's redistribution and bench_durable's,
one after the other (RRD_BENCH_KINDS, "sqlite,pg", may name fewer
stores), the baseline first in odd rounds and last in even ones, so that whatever else the machine does falls on both alike. Each
program makes one timed run a figure (PEER_RUNS=1), of about
RRD_BENCH_RUN_SECONDS seconds (1.5; given to both as their run length).

Prints each figure's median over the rounds as `bench NAME VALUE UNIT`,
the baseline's included, then for each of ours the median over the rounds
of its ratio to its baseline figure of the same round, as
`bench NAME.vs_peer RATIO x` (above 1 is better, for times too).

FLOOR_SQLITE (bench/floor_sqlite.c) is SQLite doing the store's writes
with no library around it; given, it runs in each round after the SQLite
pairs, and its figures get a ratio to the baseline's too: the most any
SQLite layout of the store could reach.
"""
import os
import re
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
LINE = re.compile(r"^bench (\S+) (\S+) (\S+)$")

# Ours, the baseline's figure it is held against, and whether more is better.
PAIRS = [
    ("durable.sqlite.submit.teams1", "peer.rr.sqlite.wal_normal.teams1", True),
    ("durable.sqlite.submit.teams100", "peer.rr.sqlite.wal_normal.teams100", True),
    ("durable.sqlite.submit_many1000.teams1", "peer.rr.sqlite.wal_normal.teams1", True),
    ("durable.sqlite.redistribute15000", "peer.redistribute.sqlite.set_based", False),
    ("floor.sqlite.submit", "peer.rr.sqlite.wal_normal.teams1", True),
    ("floor.sqlite.submit_many1000", "peer.rr.sqlite.wal_normal.teams1", True),
    ("floor.sqlite.rewrite15000", "peer.redistribute.sqlite.set_based", False),
    ("durable.pg.submit.conn1.teams1", "peer.rr.pg.conn1.teams1", True),
    ("durable.pg.submit.conn1.teams100", "peer.rr.pg.conn1.teams100", True),
    ("durable.pg.submit.procs4.teams1", "peer.rr.pg.procs4.teams1", True),
    ("durable.pg.submit.procs4.teams100", "peer.rr.pg.procs4.teams100", True),
    ("durable.pg.submit_many1000.conn1.teams1", "peer.rr.pg.conn1.teams1", True),
    ("durable.pg.redistribute15000", "peer.redistribute.pg.set_based", False),
]


def log(text):
    print("# " + text, file=sys.stderr, flush=True)


def run(cmd, env):
    log(" ".join(cmd))
    out = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, check=True, text=True).stdout
    figures = {}
    for line in out.splitlines():
        m = LINE.match(line.strip())
        if m:
            figures[m.group(1)] = (float(m.group(2)), m.group(3))
    if not figures:
        sys.exit("durable.py: %s printed no figures" % cmd[0])
    return figures


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    ours = os.path.abspath(sys.argv[1])
    peer_bin = os.path.abspath(sys.argv[2])
    floor = os.path.abspath(sys.argv[3]) if len(sys.argv) == 4 else None
    conninfo = os.environ.get("RRD_TEST_PG")
    if not conninfo:
        sys.exit("durable.py: RRD_TEST_PG is not set: run it through tests/pg/cluster.sh")
    peer_dir = os.environ.get("RRD_PEER_DIR",
                              os.path.join(ROOT, "..", "shared", "bench", "peer"))
    env = dict(os.environ, PEER_BIN=peer_bin, PEER_RUNS="1")
    seconds = os.environ.get("RRD_BENCH_RUN_SECONDS", "1.5")
    env["PEER_RUN_SECONDS"] = env["RRD_BENCH_RUN_SECONDS"] = seconds
    subprocess.run([os.path.join(peer_dir, "build.sh")], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    rounds = int(os.environ.get("RRD_BENCH_ROUNDS", "5"))
    seen = {}  # name -> list of (value, unit), one a round
    kinds = []

    with tempfile.TemporaryDirectory(prefix="rrd-durable.") as work:
        lite = os.path.join(work, "sqlite")
        os.mkdir(lite)
        pairs = [
            ([os.path.join(peer_bin, "peer_rr_sqlite"), lite], [ours, "sqlite", lite, "rr"]),
            ([os.path.join(peer_bin, "peer_redistribute_sqlite"), lite],
             [ours, "sqlite", lite, "redistribute"]),
            ([os.path.join(peer_bin, "peer_rr_pg"), conninfo], [ours, "pg", conninfo, "rr"]),
            ([os.path.join(peer_bin, "peer_redistribute_pg"), conninfo],
             [ours, "pg", conninfo, "redistribute"]),
        ]
        kinds = os.environ.get("RRD_BENCH_KINDS", "sqlite,pg").split(",")
        pairs = [p for p in pairs if p[1][1] in kinds]
        floor_env = dict(env, RRD_BENCH_ROUNDS="1")
        for r in range(rounds):
            log("round %d of %d" % (r + 1, rounds))
            for peer, mine in pairs:
                order = (peer, mine) if r % 2 == 0 else (mine, peer)
                for cmd in order:
                    for name, fig in run(cmd, env).items():
                        seen.setdefault(name, []).append(fig)
                if floor and mine[1] == "sqlite" and mine[3] == "redistribute":
                    for name, fig in run([floor, lite], floor_env).items():
                        seen.setdefault(name, []).append(fig)

    for name in sorted(seen):
        values = [v for v, _ in seen[name]]
        print("bench %s %g %s" % (name, round(statistics.median(values), 1), seen[name][0][1]))
    for mine, peer, more_is_better in PAIRS:
        if mine.split(".")[1] not in kinds or (mine.startswith("floor.") and not floor):
            continue
        if mine not in seen or peer not in seen:
            sys.exit("durable.py: no figure %s or %s" % (mine, peer))
        ratios = [(a[0] / b[0]) if more_is_better else (b[0] / a[0])
                  for a, b in zip(seen[mine], seen[peer])]
        print("bench %s.vs_peer %.2f x" % (mine, statistics.median(ratios)))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
