#!/bin/bash
# test_js_dynamoose_features.sh — tests/js/dynamoose_features.mjs (dynamoose's
# documented features: attribute types, indexes, conditions, query/scan,
# batch, transactions, TTL, table updates) against a fresh `pqsh serve`, in
# its phases (one node process each, one server with --clock for all).
# Usage: bash test_js_dynamoose_features.sh PQSH_BINARY
set -u
PQSH=${1:?usage: test_js_dynamoose_features.sh PQSH_BINARY}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/serve_lib.sh"
serve_setup
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true

serve_start --local :memory: --clock
for phase in create expire update ondemand; do
    node "$HERE/../js/dynamoose_features.mjs" "$SERVE_URL" "$phase" || fails=$((fails+1))
done
serve_stop || { echo "FAIL: server exit status $?"; fails=$((fails+1)); }
serve_finish
