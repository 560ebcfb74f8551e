# serve_lib.sh — sourced by the test_serve_*.sh tests: start and stop `pqsh serve`.
#
# serve_start ARGS... starts "$PQSH serve --port 0 ARGS..." in the background
# and sets SERVE_PID, SERVE_PORT and SERVE_URL from the URL it prints.
# serve_stop sends SIGTERM and waits; its status is the server's exit status.
# wait_file FILE [PID] waits for a helper's first output (see below).
# A private HOME and dummy credentials keep real AWS settings out.
# serve_setup also installs the cleanup trap and the failure counter `fails`;
# serve_finish prints the summary and exits with the tests' status.
# serve_golden PROG PQSH FILE.sql starts a script that runs a golden
# tests/sql script over HTTP (below).

serve_setup() {
    WORK=$(mktemp -d /tmp/pqsh-serve-XXXXXX)
    fails=0
    trap serve_cleanup EXIT
    export HOME="$WORK/home" XDG_DATA_HOME="$WORK/data" XDG_CONFIG_HOME="$WORK/config"
    mkdir -p "$HOME" "$XDG_DATA_HOME" "$XDG_CONFIG_HOME"
    export AWS_CONFIG_FILE="$WORK/none" AWS_SHARED_CREDENTIALS_FILE="$WORK/none"
    export AWS_ACCESS_KEY_ID=AKIDPQSHTEST AWS_SECRET_ACCESS_KEY=pqsh-test-secret
    export AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1
    unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL AWS_ENDPOINT_URL_DYNAMODB
    if ! "$PQSH" serve --help 2>/dev/null | grep -q "usage: pqsh serve"; then
        echo "FAIL: $PQSH has no 'serve' command (main.c must call pq_shell_serve)"
        exit 1
    fi
}

serve_start() {
    SERVE_LOG="$WORK/serve.$RANDOM.log"
    "$PQSH" serve --port 0 "$@" >"$SERVE_LOG.out" 2>"$SERVE_LOG" &
    SERVE_PID=$!
    # Until the banner's last line (everything is set up, the classroom too)
    # or the server has died: a deadline, not a count of polls (a sanitizer
    # build on a loaded machine starts slowly).
    local end=$((SECONDS + ${PQSH_TEST_WAIT:-90}))
    until grep -q "Ctrl-C stops" "$SERVE_LOG.out" 2>/dev/null; do
        kill -0 "$SERVE_PID" 2>/dev/null && [ "$SECONDS" -lt "$end" ] || break
        sleep 0.05
    done
    SERVE_URL=$(grep -o 'http://[0-9.]*:[0-9]*' "$SERVE_LOG.out" 2>/dev/null | head -1)
    if [ -z "$SERVE_URL" ] || ! grep -q "Ctrl-C stops" "$SERVE_LOG.out"; then
        echo "FAIL: pqsh serve did not start"; cat "$SERVE_LOG.out" "$SERVE_LOG"; exit 1
    fi
    SERVE_PORT=${SERVE_URL##*:}
}

# wait_file FILE [PID]: waits until FILE is not empty (a helper's port line),
# for as long as PID (when given) is alive, up to a generous deadline; the
# status says whether FILE got there. A deadline, not a count of polls:
# python helpers start slowly on a loaded machine.
wait_file() {
    local end=$((SECONDS + ${PQSH_TEST_WAIT:-90}))
    until [ -s "$1" ]; do
        if [ -n "${2:-}" ] && ! kill -0 "$2" 2>/dev/null; then [ -s "$1" ]; return; fi
        [ "$SECONDS" -lt "$end" ] || return 1
        sleep 0.05
    done
}

serve_stop() {
    [ -n "${SERVE_PID:-}" ] || return 0
    kill -TERM "$SERVE_PID" 2>/dev/null
    wait "$SERVE_PID"
    local status=$?
    SERVE_PID=
    return $status
}

serve_cleanup() {
    if [ -n "${SERVE_PID:-}" ]; then kill -KILL "$SERVE_PID" 2>/dev/null; wait "$SERVE_PID" 2>/dev/null; fi
    rm -rf "$WORK"
}

serve_finish() {
    [ "$fails" = 0 ] && echo "all passed" || echo "$fails failed"
    exit $((fails > 0))
}

# serve_golden PROG PQSH FILE.sql: the start that sql_over_http.sh and
# jobs_over_http.sh (PROG) share: their two arguments (else usage, status
# 2), FILE's folder as the working one, serve_setup, the clock fixed as
# tests/sql/run.sh fixes it; sets PQSH (absolute), NAME (FILE without .sql)
# and ARGS (the options of the script's first line `-- pqsh-args: …`).
serve_golden() {
    if [ $# -ne 3 ]; then
        echo "usage: $1 PQSH FILE.sql" >&2
        exit 2
    fi
    PQSH=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
    NAME=$(basename "$3" .sql)
    cd "$(dirname "$3")" || exit 2
    serve_setup
    export PQSH_TEST_FIXED_TIME=1700000000
    ARGS=()
    local first
    first=$(head -n 1 "$NAME.sql")
    case "$first" in
        "-- pqsh-args:"*) read -r -a ARGS <<<"${first#-- pqsh-args:}" ;;
    esac
}
