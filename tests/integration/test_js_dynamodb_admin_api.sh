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
# Port 0: the system picks a free port and dynamodb-admin says which (a
# port picked beforehand can be taken by another test before it binds).
node "$JS/node_modules/dynamodb-admin/dist/dynamodb-admin.js" --host 127.0.0.1 --port 0 \
    --dynamo-endpoint "$SERVE_URL" >"$WORK/admin.log" 2>&1 &
ADMIN_PID=$!
trap 'kill "$ADMIN_PID" 2>/dev/null; wait "$ADMIN_PID" 2>/dev/null; serve_cleanup' EXIT
# node takes seconds to start, many more on a loaded machine: a deadline.
end=$((SECONDS + 120))
until grep -q 'listening on http://127.0.0.1:[0-9]' "$WORK/admin.log"; do
    kill -0 "$ADMIN_PID" 2>/dev/null && [ "$SECONDS" -lt "$end" ] || break
    sleep 0.1
done
port=$(sed -n 's#.*listening on http://127\.0\.0\.1:\([0-9]*\).*#\1#p' "$WORK/admin.log" | head -1)
[ -n "$port" ] || { echo "FAIL: dynamodb-admin did not start"; tail -20 "$WORK/admin.log"; exit 1; }

node "$JS/dynamodb_admin_api.mjs" "http://127.0.0.1:$port" || {
    fails=$((fails+1)); echo "--- dynamodb-admin log"; tail -20 "$WORK/admin.log"; }
serve_stop || { echo "FAIL: server exit status $?"; fails=$((fails+1)); }
serve_finish
