#!/bin/bash
# test_js_dynamodb_admin_api.sh — dynamodb-admin's HTTP API (its create-table,
# items, add/edit/delete item, purge and delete-table routes, from npm:
# tests/js) in front of a fresh `pqsh serve`, driven by
# tests/js/dynamodb_admin_api.mjs, which asserts on every answer.
# Usage: bash test_js_dynamodb_admin_api.sh PQSH_BINARY
set -u
PQSH=${1:?usage: test_js_dynamodb_admin_api.sh PQSH_BINARY}
HERE=$(cd "$(dirname "$0")" && pwd)
JS="$HERE/../js"
. "$HERE/serve_lib.sh"
serve_setup
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true

serve_start --local :memory:
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
node "$JS/node_modules/dynamodb-admin/dist/dynamodb-admin.js" --host 127.0.0.1 --port "$port" \
    --dynamo-endpoint "$SERVE_URL" >"$WORK/admin.log" 2>&1 &
ADMIN_PID=$!
trap 'kill "$ADMIN_PID" 2>/dev/null; wait "$ADMIN_PID" 2>/dev/null; serve_cleanup' EXIT
for _ in $(seq 100); do
    curl -s -o /dev/null "http://127.0.0.1:$port/" && break
    kill -0 "$ADMIN_PID" 2>/dev/null || break
    sleep 0.1
done

node "$JS/dynamodb_admin_api.mjs" "http://127.0.0.1:$port" || {
    fails=$((fails+1)); echo "--- dynamodb-admin log"; tail -20 "$WORK/admin.log"; }
serve_stop || { echo "FAIL: server exit status $?"; fails=$((fails+1)); }
serve_finish
