#!/bin/bash
# test_js_powertools_idempotency.sh — tests/js/powertools_idempotency.mjs (a real client library from npm,
# installed in tests/js by .ci/run) against a fresh `pqsh serve`; the
# program asserts on the data the library reads back (see its header).
# Usage: bash test_js_powertools_idempotency.sh PQSH_BINARY
set -u
. "$(cd "$(dirname "$0")" && pwd)/js_lib.sh"
js_setup "$@"

serve_start --local :memory:
js_run powertools_idempotency.mjs "$SERVE_URL"
serve_stop || { echo "FAIL: server exit status $?"; fails=$((fails+1)); }
serve_finish
