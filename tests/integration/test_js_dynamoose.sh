#!/bin/bash
# test_js_dynamoose.sh — tests/js/dynamoose.mjs (a real client library from npm,
# installed in tests/js by .ci/run) against a fresh `pqsh serve`; the
# program asserts on the data the library reads back (see its header).
# Usage: bash test_js_dynamoose.sh PQSH_BINARY
set -u
. "$(cd "$(dirname "$0")" && pwd)/js_lib.sh"
js_setup "$@"

serve_start --local :memory:
js_run dynamoose.mjs "$SERVE_URL"
serve_stop || { echo "FAIL: server exit status $?"; fails=$((fails+1)); }
serve_finish
