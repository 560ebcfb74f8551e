# moto_lib.sh — sourced by the tests that talk to moto_server with signature
# checking on: a private work folder, moto_auth.py started (it creates an IAM
# user, a dynamodb:* policy and an access key, then every request must be
# signed), and an environment in which only what the test sets is AWS
# configuration. After `moto_setup PREFIX`: WORK, PORT, URL, SECRET,
# AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY exported, `fails=0`; moto stops
# when the test exits (closing fd 7 ends moto_auth.py).
# moto_check runs pqsh against moto and checks its status and output (below).
moto_setup() {
    WORK=$(mktemp -d "/tmp/$1-XXXXXX")
    fails=0
    trap moto_cleanup EXIT
    mkfifo "$WORK/in"
    python3 "$HERE/moto_auth.py" <"$WORK/in" >"$WORK/moto.out" 2>"$WORK/moto.err" &
    local moto=$!
    exec 7>"$WORK/in"
    # Importing moto takes seconds on a quiet machine and many more on a
    # loaded one: wait until it has printed its line or died, up to 3 minutes.
    local end=$((SECONDS + 180))
    until [ -s "$WORK/moto.out" ]; do
        kill -0 "$moto" 2>/dev/null && [ "$SECONDS" -lt "$end" ] || break
        sleep 0.1
    done
    INFO=$(head -1 "$WORK/moto.out")
    PORT=$(moto_field port) || { echo "moto did not start"; cat "$WORK/moto.err"; exit 1; }
    SECRET=$(moto_field secret_key)
    export HOME="$WORK/home" XDG_DATA_HOME="$WORK/data" XDG_CONFIG_HOME="$WORK/config"
    mkdir -p "$HOME" "$XDG_DATA_HOME" "$XDG_CONFIG_HOME"
    export AWS_CONFIG_FILE="$WORK/none" AWS_SHARED_CREDENTIALS_FILE="$WORK/none"
    AWS_ACCESS_KEY_ID=$(moto_field access_key)
    export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY="$SECRET"
    unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL AWS_ENDPOINT_URL_DYNAMODB AWS_REGION
    URL="http://127.0.0.1:$PORT"
    : >"$WORK/stdin"
}

# moto_check NAME EXPECTED_STATUS EXPECTED_TEXT... -- PQSH_ARGS: runs
# "$PQSH" --endpoint-url "$URL" PQSH_ARGS with stdin from $WORK/stdin (empty
# unless the test writes it); the exit status must be EXPECTED_STATUS and the
# output must hold every text, else the failure is shown and counted. The
# output is left in $WORK/out and added to $WORK/all-output.
moto_check() {
    local name=$1 want_status=$2
    shift 2
    local -a want=()
    while [ "$1" != "--" ]; do want+=("$1"); shift; done
    shift
    "$PQSH" --endpoint-url "$URL" "$@" <"$WORK/stdin" >"$WORK/out" 2>&1
    local status=$?
    cat "$WORK/out" >>"$WORK/all-output"
    if [ "$status" != "$want_status" ]; then
        echo "FAIL $name: exit status $status, expected $want_status"; cat "$WORK/out"; fails=$((fails+1)); return
    fi
    for w in "${want[@]}"; do
        if ! grep -qF -- "$w" "$WORK/out"; then
            echo "FAIL $name: output lacks: $w"; cat "$WORK/out"; fails=$((fails+1)); return
        fi
    done
    echo "ok   $name"
}

moto_field() { python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$INFO" "$1"; }

moto_cleanup() {
    exec 7>&- 2>/dev/null
    wait 2>/dev/null
    rm -rf "$WORK"
}
