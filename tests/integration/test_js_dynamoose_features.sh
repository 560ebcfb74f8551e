#!/bin/bash
# test_js_dynamoose_features.sh — tests/js/dynamoose_features.mjs (dynamoose's
# documented features: attribute types, indexes, conditions, query/scan,
# batch, transactions, TTL, table updates) against a fresh `pqsh serve`, in
# its phases (one node process each, one server with --clock for all).
# Usage: bash test_js_dynamoose_features.sh PQSH_BINARY
set -u
. "$(cd "$(dirname "$0")" && pwd)/js_lib.sh"
js_setup "$@"

serve_start --local :memory: --clock
for phase in create expire update ondemand; do
    js_run dynamoose_features.mjs "$SERVE_URL" "$phase"
done
serve_stop || { echo "FAIL: server exit status $?"; fails=$((fails+1)); }
serve_finish
