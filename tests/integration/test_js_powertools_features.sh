#!/bin/bash
# test_js_powertools_features.sh — tests/js/powertools_features.mjs (Powertools idempotency in depth,
# installed in tests/js by .ci/run) against a fresh `pqsh serve`; the
# program asserts on the data the library reads back (see its header).
# Usage: bash test_js_powertools_features.sh PQSH_BINARY
set -u
. "$(cd "$(dirname "$0")" && pwd)/js_lib.sh"
js_setup "$@"

serve_start --local :memory:
js_run powertools_features.mjs "$SERVE_URL"
serve_stop || { echo "FAIL: server exit status $?"; fails=$((fails+1)); }
serve_finish
