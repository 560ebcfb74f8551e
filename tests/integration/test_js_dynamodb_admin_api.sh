#!/bin/bash
# test_js_dynamodb_admin_api.sh — dynamodb-admin's HTTP API (its create-table,
# items, add/edit/delete item, purge and delete-table routes, from npm:
# tests/js) in front of a fresh `pqsh serve`, driven by
# tests/js/dynamodb_admin_api.mjs, which asserts on every answer.
# Usage: bash test_js_dynamodb_admin_api.sh PQSH_BINARY
set -u
. "$(cd "$(dirname "$0")" && pwd)/js_lib.sh"
js_setup "$@"

serve_start --local :memory:
js_admin_start

node "$JS/dynamodb_admin_api.mjs" "$ADMIN_URL" || {
    fails=$((fails+1)); echo "--- dynamodb-admin log"; tail -20 "$WORK/admin.log"; }
serve_stop || { echo "FAIL: server exit status $?"; fails=$((fails+1)); }
serve_finish
