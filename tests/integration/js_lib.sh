# js_lib.sh — sourced by the test_js_*.sh tests: a JavaScript client from npm
# (tests/js) against `pqsh serve`. Also sources serve_lib.sh.
#
# js_setup "$@" takes the test's one argument, the pqsh binary, into PQSH
# (else a usage line, status 2), runs serve_setup and quiets the AWS SDK's
# warning about the Node version; HERE is this folder, JS tests/js.
# js_run SCRIPT ARGS... runs node on tests/js/SCRIPT; a failure counts.
# js_admin_start starts dynamodb-admin in front of $SERVE_URL and sets
# ADMIN_URL; it is stopped when the test exits.

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
JS="$HERE/../js"
. "$HERE/serve_lib.sh"

js_setup() {
    PQSH=${1:?usage: $(basename "$0") PQSH_BINARY}
    serve_setup
    export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
}

js_run() {
    node "$JS/$1" "${@:2}" || fails=$((fails+1))
}

js_admin_start() {
    # Port 0: the system picks a free port and dynamodb-admin says which (a
    # port picked beforehand can be taken by another test before it binds).
    node "$JS/node_modules/dynamodb-admin/dist/dynamodb-admin.js" --host 127.0.0.1 --port 0 \
        --dynamo-endpoint "$SERVE_URL" >"$WORK/admin.log" 2>&1 &
    ADMIN_PID=$!
    trap 'kill "$ADMIN_PID" 2>/dev/null; wait "$ADMIN_PID" 2>/dev/null; serve_cleanup' EXIT
    # node takes seconds to start, many more on a loaded machine: a deadline.
    local end=$((SECONDS + 120)) port
    until grep -q 'listening on http://127.0.0.1:[0-9]' "$WORK/admin.log"; do
        kill -0 "$ADMIN_PID" 2>/dev/null && [ "$SECONDS" -lt "$end" ] || break
        sleep 0.1
    done
    port=$(sed -n 's#.*listening on http://127\.0\.0\.1:\([0-9]*\).*#\1#p' "$WORK/admin.log" | head -1)
    [ -n "$port" ] || { echo "FAIL: dynamodb-admin did not start"; tail -20 "$WORK/admin.log"; exit 1; }
    ADMIN_URL="http://127.0.0.1:$port"
}
