#!/bin/bash
# test_class_load.sh — 30 students typing the tutorial at once into `pqsh serve --class`
# (bench/class/load.py, over the browser's transport): no cross-talk, all complete, the
# teacher page shows 30 at 4 / 4, and no statement is stuck (p99 under 2 s; 5 s under a
# sanitizer, as .ci/run sets ASAN_OPTIONS / TSAN_OPTIONS). The latency target itself (p99
# under 50 ms) is a benchmark's claim, measured by bench/class/run.sh on a quiet machine:
# a wall-clock bound that tight here failed whenever the machine was busy.
# Usage: bash test_class_load.sh PQSH_BINARY
set -u
PQSH=${1:?usage: test_class_load.sh PQSH_BINARY}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/class_lib.sh"
serve_setup
limit=2000
if [ -n "${ASAN_OPTIONS:-}${TSAN_OPTIONS:-}" ]; then limit=5000; fi
class_start
python3 "$HERE/../../bench/class/load.py" "$CLASS_URL" "$CLASS_CODE" "$TEACHER_TOKEN" \
    "$SERVE_PID" 30 "$limit" || fails=$((fails+1))
serve_stop || { echo "FAIL: server exit status $?"; fails=$((fails+1)); }
serve_finish
