#!/bin/bash
# test_js_powertools_features.sh — tests/js/powertools_features.mjs (Powertools idempotency in depth,
# installed in tests/js by .ci/run) against a fresh `pqsh serve`; the
# program asserts on the data the library reads back (see its header).
# Usage: bash test_js_powertools_features.sh PQSH_BINARY
set -u
PQSH=${1:?usage: test_js_powertools_features.sh PQSH_BINARY}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/serve_lib.sh"
serve_setup
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true

serve_start --local :memory:
node "$HERE/../js/powertools_features.mjs" "$SERVE_URL" || fails=$((fails+1))
serve_stop || { echo "FAIL: server exit status $?"; fails=$((fails+1)); }
serve_finish
