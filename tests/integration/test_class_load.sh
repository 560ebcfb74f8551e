#!/bin/bash
# test_class_load.sh — 30 students typing the tutorial at once into `pqsh serve --class`
# (bench/class/load.py, over the browser's transport): no cross-talk, all complete, the
# teacher page shows 30 at 4 / 4, p99 statement latency under 50 ms. Under a sanitizer
# (ASAN_OPTIONS / TSAN_OPTIONS set, as .ci/run does) the build is 3-10 times slower and
# its p99 (560 ms seen on a loaded machine) says nothing about the release build: the
# latency is only reported then, with a 5 s bound that still catches a stuck session.
# Usage: bash test_class_load.sh PQSH_BINARY
set -u
PQSH=${1:?usage: test_class_load.sh PQSH_BINARY}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/class_lib.sh"
serve_setup
limit=50
if [ -n "${ASAN_OPTIONS:-}${TSAN_OPTIONS:-}" ]; then limit=5000; fi
class_start
python3 "$HERE/../../bench/class/load.py" "$CLASS_URL" "$CLASS_CODE" "$TEACHER_TOKEN" \
    "$SERVE_PID" 30 "$limit" || fails=$((fails+1))
serve_stop || { echo "FAIL: server exit status $?"; fails=$((fails+1)); }
serve_finish
