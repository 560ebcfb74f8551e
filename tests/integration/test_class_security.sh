#!/bin/bash
# test_class_security.sh — `pqsh serve --class` refuses, clearly: a wrong class code, a wrong
# teacher token, server file paths (over HTTP and from the browser shell), a student over
# quota, another student's table name; and an idle session ends (class_security.py).
# Usage: bash test_class_security.sh PQSH_BINARY
set -u
PQSH=${1:?usage: test_class_security.sh PQSH_BINARY}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/class_lib.sh"
serve_setup

class_start --class-quota items=3,rate=20
python3 "$HERE/class_security.py" "$CLASS_URL" "$CLASS_CODE" "$TEACHER_TOKEN" "$WORK" ||
    fails=$((fails+1))
serve_stop || { echo "FAIL: server exit status $?"; fails=$((fails+1)); }

# Idle sessions end (here after 2 s), and say so.
class_start --class-idle 2
HERE="$HERE" python3 - "$CLASS_URL" "$CLASS_CODE" <<'PY' || fails=$((fails+1))
import sys, time
sys.path.insert(0, sys.argv[0] and __import__("os").environ["HERE"])
from class_client import Student
s = Student(sys.argv[1], "sleepy", sys.argv[2])
s.wait(b"pqsh local> ")
s.wait(b"never", timeout=6)
ok = s.ended == "the session ended after 2 seconds without input"
print(("ok   " if ok else "FAIL ") + "an idle session ends: " + repr(s.ended))
sys.exit(0 if ok else 1)
PY
serve_stop || { echo "FAIL: server exit status $?"; fails=$((fails+1)); }
serve_finish
