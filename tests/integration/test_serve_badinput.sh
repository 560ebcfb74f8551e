#!/bin/bash
# test_serve_badinput.sh — bad input against `pqsh serve`: malformed JSON, wrong
# member types, 17 MB bodies, stalled half requests, 10,000 random bodies,
# random bytes instead of HTTP; nothing crashes and the data stays intact.
# Usage: bash test_serve_badinput.sh PQSH_BINARY
set -u
PQSH=${1:?usage: test_serve_badinput.sh PQSH_BINARY}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/serve_lib.sh"
serve_setup

serve_start --local "$WORK/bad.db" --timeout 5 --threads 2 --verbose
python3 "$HERE/serve_badinput.py" "$SERVE_URL" || fails=$((fails+1))
kill -0 "$SERVE_PID" 2>/dev/null && echo "ok   the server process is alive" ||
    { echo "FAIL: the server died"; tail -20 "$SERVE_LOG"; fails=$((fails+1)); }
n=$(grep -c ' POST ' "$SERVE_LOG")
[ "$n" -ge 10000 ] && echo "ok   --verbose logged $n requests" ||
    { echo "FAIL: access log has $n lines"; fails=$((fails+1)); }
grep -q " 413 RequestEntityTooLargeException " "$SERVE_LOG" && echo "ok   oversized bodies were answered 413" ||
    { echo "FAIL: no 413 in the access log"; fails=$((fails+1)); }
serve_stop && echo "ok   exit status 0" || { echo "FAIL: server exit status $?"; fails=$((fails+1)); }
grep -E "runtime error|AddressSanitizer|LeakSanitizer" "$SERVE_LOG" && { echo "FAIL: sanitizer report"; fails=$((fails+1)); }

serve_finish
