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

# A student with pqsh at hand joins natively (name as access key id): on the
# teacher page with their tables and items, reset there, nobody else touched.
carol() { AWS_ACCESS_KEY_ID=carol "$PQSH" --endpoint-url "$SERVE_URL" -X --no-history "$@" 2>&1; }
carol -c "CREATE TABLE CarolNotes (k STRING PRIMARY KEY); INSERT INTO CarolNotes VALUE {'k': 'c'};" >/dev/null
state=$(curl -s "$CLASS_URL/api/teacher/state?token=$TEACHER_TOKEN")
row=$(python3 -c 'import json,sys; print([(n["tables"], n["items"]) for n in json.loads(sys.argv[1])["native"] if n["name"] == "carol"])' "$state")
if [ "$row" = "[(1, 1)]" ]; then echo "ok   the native student shows on the teacher page"; else
    echo "FAIL the native student shows on the teacher page: $state"; fails=$((fails+1)); fi
csv=$(curl -s "$CLASS_URL/api/teacher/results.csv?token=$TEACHER_TOKEN")
if grep -q '^"carol",.*"native: 1 tables, 1 items"' <<<"$csv"; then echo "ok   and in the CSV"; else
    echo "FAIL and in the CSV: $csv"; fails=$((fails+1)); fi
other=$(AWS_ACCESS_KEY_ID=dave "$PQSH" --endpoint-url "$SERVE_URL" -X -c "SELECT * FROM CarolNotes;" 2>&1)
if grep -q "ResourceNotFoundException" <<<"$other"; then echo "ok   another key does not see carol's tables"; else
    echo "FAIL another key does not see carol's tables: $other"; fails=$((fails+1)); fi
reset=$(curl -s -XPOST "$CLASS_URL/api/teacher/reset?token=$TEACHER_TOKEN&name=carol")
tables=$(carol -c "SHOW TABLES;")
if [ "$reset" = '{"reset":"carol"}' ] && ! grep -q CarolNotes <<<"$tables"; then
    echo "ok   the teacher's reset empties the native student's database"; else
    echo "FAIL the teacher's reset empties the native student's database: $reset / $tables"; fails=$((fails+1)); fi
serve_stop || { echo "FAIL: server exit status $?"; fails=$((fails+1)); }

# The statement-rate quota, at 1 a second: ten statements typed at once, the
# first runs (an error: there is no such table), the next ones come within
# the second and are refused. Only a statement taking a whole second could
# let all ten through, so a loaded machine cannot; at 20 a second it could.
class_start --class-quota rate=1
HERE="$HERE" python3 - "$CLASS_URL" "$CLASS_CODE" <<'PY' || fails=$((fails+1))
import os, sys
sys.path.insert(0, os.environ["HERE"])
from class_client import Student
s = Student(sys.argv[1], "quick", sys.argv[2])
s.wait(b"pqsh local> ", timeout=60)
start = len(s.out)
s.type("SELECT * FROM Nothing;\r" * 10)
s.wait_prompts(10, start, 60)
text = s.text(start)
refused = text.count("quota: this class allows 1 statement per second; wait a moment and run it again")
ran = text.count("ResourceNotFoundException")
ok = ran >= 1 and refused >= 1 and ran + refused == 10
print(("ok   " if ok else "FAIL ") + "10 statements at once: the rate quota refuses some, clearly "
      "(%d ran, %d refused)" % (ran, refused))
if not ok:
    print(text[-1500:])
sys.exit(0 if ok else 1)
PY
serve_stop || { echo "FAIL: server exit status $?"; fails=$((fails+1)); }

# Idle sessions end (here after 2 s), and say so.
class_start --class-idle 2
HERE="$HERE" python3 - "$CLASS_URL" "$CLASS_CODE" <<'PY' || fails=$((fails+1))
import sys, time
sys.path.insert(0, sys.argv[0] and __import__("os").environ["HERE"])
from class_client import Student
s = Student(sys.argv[1], "sleepy", sys.argv[2])
s.wait(b"pqsh local> ", timeout=60)
s.wait(b"never", timeout=60)  # returns when the session ends
ok = s.ended == "the session ended after 2 seconds without input"
print(("ok   " if ok else "FAIL ") + "an idle session ends: " + repr(s.ended))
sys.exit(0 if ok else 1)
PY
serve_stop || { echo "FAIL: server exit status $?"; fails=$((fails+1)); }
serve_finish
