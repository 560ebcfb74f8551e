"""serve_check.py — the one check helper the serve_*.py tests share.

check(name, cond, detail) prints "ok   name" or "FAIL name detail" and counts
failures; finish() exits 1 when any check failed.
"""
import sys

failures = 0


def check(name, cond, detail=""):
    global failures
    if cond:
        print("ok   " + name)
    else:
        failures += 1
        print("FAIL %s %s" % (name, str(detail)[:2000]))


def finish():
    sys.exit(1 if failures else 0)
