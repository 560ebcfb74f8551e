#!/bin/bash
# test_serve_clock.sh — pqsh serve --clock on the real clock: the clock moved
# over HTTP, expired TTL items deleted by the background sweep (indexes too),
# DescribeEndpoints' address; without --clock every admin request is refused.
# Usage: bash test_serve_clock.sh PQSH_BINARY
set -u
PQSH=${1:?usage: test_serve_clock.sh PQSH_BINARY}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/serve_lib.sh"
serve_setup
unset PQSH_TEST_FIXED_TIME

serve_start --local :memory: --clock
grep -q 'the clock can be moved' "$SERVE_LOG.out" || { echo "FAIL: banner does not say --clock"; fails=$((fails+1)); }
python3 "$HERE/serve_clock.py" "$SERVE_URL" || fails=$((fails+1))
serve_stop || { echo "FAIL: server exit status $?"; fails=$((fails+1)); }

serve_start --local :memory:
python3 "$HERE/serve_clock.py" "$SERVE_URL" refused || fails=$((fails+1))
serve_stop || { echo "FAIL: server exit status $?"; fails=$((fails+1)); }
serve_finish
