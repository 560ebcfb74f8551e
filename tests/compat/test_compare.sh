#!/usr/bin/env bash
# test_compare.sh PQSH — `pqsh --compare TARGET`: the embedded engine against
# moto_server on the tutorial (tests/sql/tutorial.sql) and on
# compare_moto.sql, one statement per kind of report; output (moto's URL
# written MOTO) and exit status must be exactly compare_NAME.out
# (PQSH_GOLDEN_UPDATE=1 writes them). Then the
# tutorial (and DESCRIBE, SHOW TABLES, an index made and read) against a
# second embedded engine and against pqsh serve: no report, exit status 0
# although a statement was refused (by both alike).
set -u
PQSH=${1:?usage: test_compare.sh PQSH_BINARY}
here=$(cd "$(dirname "$0")" && pwd)
PQSH=$(cd "$(dirname "$PQSH")" && pwd)/$(basename "$PQSH")
work=$(mktemp -d /tmp/pqsh-compare-XXXXXX)
fails=0
serve_pid=
cleanup() {
    exec 7>&- 2>/dev/null
    [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null
    wait 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
export HOME="$work" XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/config"
export AWS_CONFIG_FILE="$work/none" AWS_SHARED_CREDENTIALS_FILE="$work/none"
export AWS_ACCESS_KEY_ID=AKIDPQSHCOMPARE AWS_SECRET_ACCESS_KEY=pqsh-compare-secret
export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 AWS_MAX_ATTEMPTS=1
export PQSH_TEST_FIXED_TIME=1700000000
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL AWS_ENDPOINT_URL_DYNAMODB

mkfifo "$work/in"
python3 "$here/../integration/moto_auth.py" noauth <"$work/in" >"$work/moto.out" 2>"$work/moto.err" &
moto_pid=$!
exec 7>"$work/in"
# Importing moto takes seconds, many more on a loaded machine: a deadline.
end=$((SECONDS + 180))
until [ -s "$work/moto.out" ]; do
    kill -0 "$moto_pid" 2>/dev/null && [ "$SECONDS" -lt "$end" ] || break
    sleep 0.1
done
port=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["port"])' <"$work/moto.out") ||
    { echo "moto did not start"; cat "$work/moto.err"; exit 1; }
moto="http://127.0.0.1:$port"

# golden NAME DIR SCRIPT: SCRIPT run from DIR against the engine and moto.
golden() {
    local name=$1 dir=$2 script=$3
    curl -s -X POST "$moto/moto-api/reset" >/dev/null
    (cd "$dir" && "$PQSH" --local :memory: --compare "$moto" --echo -f "$script" \
        </dev/null >"$work/out" 2>&1
     echo "-- exit status: $?" >>"$work/out")
    sed -i "s#$moto#MOTO#g" "$work/out"
    if [ "${PQSH_GOLDEN_UPDATE:-}" = 1 ]; then cp "$work/out" "$here/compare_$name.out"; fi
    if diff -u "$here/compare_$name.out" "$work/out"; then
        echo "ok   $name"
    else
        echo "FAIL $name"; fails=$((fails + 1))
    fi
}
golden tutorial "$here/../sql" tutorial.sql
golden moto "$here" compare_moto.sql

# alike TARGET: the tutorial against TARGET gives no report and exits 0.
alike() {
    (cd "$here/../sql" && "$PQSH" --local :memory: --compare "$1" -f tutorial.sql \
        -c "DESCRIBE Orders; SHOW TABLES; CREATE INDEX byName ON Orders (customer_name);" \
        -c "DESCRIBE Orders; SELECT * FROM \"Orders\".\"byName\" WHERE customer_name = 'Alice';" \
        </dev/null >"$work/out" 2>&1)
    local status=$?
    if [ "$status" = 0 ] && ! grep -q "differ:" "$work/out" &&
       grep -q "DuplicateItemException" "$work/out"; then
        echo "ok   alike $2"
    else
        echo "FAIL alike $2: exit status $status"; cat "$work/out"; fails=$((fails + 1))
    fi
}
alike local::memory: "embedded engine"
"$PQSH" serve --port 0 --local :memory: >"$work/serve.out" 2>"$work/serve.err" &
serve_pid=$!
end=$((SECONDS + 90))
until grep -q "Ctrl-C stops" "$work/serve.out"; do
    kill -0 "$serve_pid" 2>/dev/null && [ "$SECONDS" -lt "$end" ] || break
    sleep 0.05
done
url=$(grep -o 'http://[0-9.]*:[0-9]*' "$work/serve.out" | head -1)
alike "$url" "pqsh serve"

# A target that is none: a usage error before anything runs.
"$PQSH" --local :memory: --compare nowhere -c "SHOW TABLES;" >"$work/out" 2>&1
status=$?
if [ "$status" = 2 ] && grep -q "is no target" "$work/out"; then
    echo "ok   bad target"
else
    echo "FAIL bad target: exit status $status"; cat "$work/out"; fails=$((fails + 1))
fi

# A second target that cannot be reached: every statement is reported as
# differing, and the exit status is 3 (cannot connect), as it would be
# for the first target; without --compare the same script exits 0.
closed=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$PQSH" --local :memory: --compare "http://127.0.0.1:$closed" --connect-timeout 5 \
    -c "CREATE TABLE T (pk STRING PRIMARY KEY); INSERT INTO T VALUE {'pk': 'a'};" >"$work/out" 2>&1
status=$?
if [ "$status" = 3 ] && [ "$(grep -c "differ" "$work/out")" -ge 2 ]; then
    echo "ok   unreachable second target"
else
    echo "FAIL unreachable second target: exit status $status"; cat "$work/out"; fails=$((fails + 1))
fi

[ "$fails" = 0 ] && echo "all passed" || echo "$fails failed"
exit $((fails > 0))
