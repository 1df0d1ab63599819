#!/usr/bin/env python3
"""`rrdist simulate --report FILE` writes a well-formed, self-contained HTML
report whose per-agent counts match the run's summary, the same bytes on
every run, and leaves stdout exactly as it is without --report.

usage: report.py RRDIST SCENARIO_DIR POSTAL_CSV"""
import html.parser
import json
import pathlib
import subprocess
import sys
import tempfile

rrdist, folder, postal = sys.argv[1], pathlib.Path(sys.argv[2]), sys.argv[3]
scenario = folder / "dealership-day.json"
failed = 0


def check(ok, what):
    global failed
    if ok:
        print(f"ok   {what}")
    else:
        failed += 1
        print(f"FAIL {what}")


def run(*args, stdin=None):
    return subprocess.run([rrdist, "simulate", *map(str, args)], input=stdin,
                          capture_output=True, text=True)


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
        "source", "track", "wbr"}


class Page(html.parser.HTMLParser):
    """Checks that every element is closed in order and collects what the
    agent table and the text say."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.problems, self.seen = [], [], set()
        self.counts, self.row, self.cell = {}, None, None
        self.text = []

    def handle_starttag(self, tag, attrs):
        self.seen.add(tag)
        a = dict(attrs)
        if tag == "tr" and "data-agent" in a and self.stack[-1:] == ["tbody"]:
            self.row = a["data-agent"]
        if tag == "td" and self.row is not None and "assigned" in (a.get("class") or "").split():
            self.cell = ""
        if tag in ("script", "link", "img", "iframe", "object"):
            self.problems.append(f"<{tag}> in a self-contained page")
        for k, v in attrs:
            if k in ("src", "href") or (v and "url(" in v):
                self.problems.append(f"external reference {k}={v!r}")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.seen.add(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            return
        self.stack.pop()
        if tag == "td" and self.cell is not None:
            self.counts[self.row] = int(self.cell)
            self.cell = None
        if tag == "tr":
            self.row = None

    def handle_data(self, data):
        self.text.append(data)
        if self.cell is not None:
            self.cell += data


def parse(text):
    page = Page()
    try:
        page.feed(text)
        page.close()
    except Exception as e:  # html.parser raises only on what it cannot read at all
        page.problems.append(f"parser: {e}")
    if page.stack:
        page.problems.append(f"never closed: {page.stack}")
    return page


with tempfile.TemporaryDirectory() as tmp:
    tmp = pathlib.Path(tmp)
    plain = run("--postal", postal, scenario)
    check(plain.returncode == 0, f"plain run exits 0 ({plain.stderr.strip()})")
    summary = json.loads(plain.stdout.splitlines()[-1])
    check(summary.get("event") == "summary", "the last line is the summary")

    # --report before and after the scenario: it is accepted in any position.
    first = run("--report", tmp / "a.html", "--postal", postal, scenario)
    second = run("--postal", postal, scenario, "--report", tmp / "b.html")
    check(first.returncode == 0 and second.returncode == 0,
          f"runs with --report exit 0 ({first.stderr.strip()}{second.stderr.strip()})")
    check(first.stdout == plain.stdout and second.stdout == plain.stdout,
          "stdout with --report equals stdout without it")
    a, b = tmp / "a.html", tmp / "b.html"
    check(a.exists() and b.exists(), "the report files exist")
    if a.exists() and b.exists():
        check(a.read_bytes() == b.read_bytes(), "two runs write identical bytes")
        text = a.read_text(encoding="utf-8")
        page = parse(text)
        check(not page.problems, "well-formed: " + ("; ".join(page.problems[:5]) or "every tag closed"))
        main = {"html", "head", "body", "main", "section", "table", "svg"}
        check(main <= page.seen, f"has {sorted(main)}: missing {sorted(main - page.seen)}")
        check("<svg" in text, "contains an <svg")
        words = "".join(page.text)
        missing = [agent for agent in summary["assigned"] if agent not in words]
        check(not missing, f"names every agent of the summary (missing {missing})")
        check(page.counts == summary["assigned"],
              f"per-agent counts {page.counts} equal the summary's {summary['assigned']}")

    # Every other example (redistribution, draining, piranha, ...) reads too.
    for other in sorted(folder.glob("*.json")):
        if other == scenario:
            continue
        out = tmp / (other.stem + ".html")
        p = run("--postal", postal, other, "--report", out)
        if p.returncode != 0:
            check(not out.exists(), f"{other.name}: exit {p.returncode}, no report")
            continue
        page = parse(out.read_text(encoding="utf-8"))
        want = json.loads(p.stdout.splitlines()[-1])["assigned"]
        check(not page.problems and page.counts == want,
              f"{other.name}: well-formed, counts match the summary {page.problems[:3]}")

    # Ids are text: markup in them must come out escaped.
    odd = '<i>&"o\'neil"</i>'
    doc = {"format": "rrdist-scenario/1", "start": "2026-03-02T08:00:00Z",
           "agents": [{"id": odd}, {"id": "b"}],
           "pools": [{"id": "<web>", "kind": "lead", "members": [odd, "b"], "claim_window": "5m"}],
           "rules": [{"id": "r", "pool": "<web>"}],
           "events": [{"at": "+1m", "op": "lead", "id": "L&1"},
                      {"at": "+20m", "op": "lead", "id": "L<2>"}]}
    p = run("-", "--report", tmp / "odd.html", stdin=json.dumps(doc))
    text = (tmp / "odd.html").read_text(encoding="utf-8") if p.returncode == 0 else ""
    page = parse(text)
    check(p.returncode == 0 and "<i>" not in text and "<web>" not in text and not page.problems
          and page.counts.get(odd) == json.loads(p.stdout.splitlines()[-1])["assigned"][odd],
          "ids with markup are escaped")

    # A file that cannot be used gets no report; one that cannot be written fails.
    bad = run("-", "--report", tmp / "bad.html", stdin="{}")
    check(bad.returncode == 2 and not (tmp / "bad.html").exists(), "no report for an unusable file")
    nowhere = run("--postal", postal, scenario, "--report", tmp / "no" / "such" / "r.html")
    check(nowhere.returncode == 1 and "r.html" in nowhere.stderr and nowhere.stdout == plain.stdout,
          f"an unwritable report exits 1 and says so ({nowhere.stderr.strip()})")

print(f"{'ok' if not failed else f'{failed} failed'}")
sys.exit(1 if failed else 0)
