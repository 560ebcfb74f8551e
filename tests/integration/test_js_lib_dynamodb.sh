#!/bin/bash
# test_js_lib_dynamodb.sh — tests/js/lib_dynamodb.mjs (the SDK's DocumentClient,
# installed in tests/js by .ci/run) against a fresh `pqsh serve`; the
# program asserts on the data the library reads back (see its header).
# Usage: bash test_js_lib_dynamodb.sh PQSH_BINARY
set -u
. "$(cd "$(dirname "$0")" && pwd)/js_lib.sh"
js_setup "$@"

serve_start --local :memory:
js_run lib_dynamodb.mjs "$SERVE_URL"
serve_stop || { echo "FAIL: server exit status $?"; fails=$((fails+1)); }
serve_finish
