"""Named checks for the command-line tests: each prints "ok" or "FAIL"
with what went wrong, and `done` prints the totals and exits 1 when any
failed."""
import sys

failed = 0
checked = 0


def check(name, ok, detail=""):
    global failed, checked
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else ": " + detail))
    failed += not ok
    checked += 1


def done():
    print(f"{checked - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
