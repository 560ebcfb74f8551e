#!/bin/bash
# test_aws_faults.sh — the real pqsh binary against the fault-injecting fake DynamoDB.
#
# tests/integration/fake_ddb.py answers each request with the next scripted
# action (500, 503, throttling, reset, slow, truncated JSON, bad CRC …) and
# logs what it received. Each case asserts the number of attempts the server
# saw, that the backoff ceiling grew (--debug prints it), the message the
# user sees, the exit status, and that pqsh did not crash (no signal, no
# sanitizer report). Also: .connect between targets, timeouts, TLS options.
# Usage: bash test_aws_faults.sh PQSH_BINARY
set -u
PQSH=${1:?usage: test_aws_faults.sh PQSH_BINARY}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d /tmp/pqsh-faults-XXXXXX)
fails=0
FAKE_PID=

stop_fake() {
    if [ -n "$FAKE_PID" ]; then exec 7>&-; wait "$FAKE_PID" 2>/dev/null; FAKE_PID=; fi
}
cleanup() { stop_fake; rm -rf "$WORK"; }
trap cleanup EXIT

# start_fake ACTIONS: a fresh fake server; sets PORT and URL.
start_fake() {
    stop_fake
    rm -f "$WORK/in" "$WORK/port"
    mkfifo "$WORK/in"
    python3 "$HERE/fake_ddb.py" "$1" <"$WORK/in" >"$WORK/port" 2>"$WORK/fake.err" &
    FAKE_PID=$!
    exec 7>"$WORK/in"
    local end=$((SECONDS + 90)) # a deadline: python starts slowly on a loaded machine
    until [ -s "$WORK/port" ]; do
        kill -0 "$FAKE_PID" 2>/dev/null && [ "$SECONDS" -lt "$end" ] || break
        sleep 0.1
    done
    PORT=$(head -1 "$WORK/port")
    URL="http://127.0.0.1:$PORT"
}
# Requests for the statement itself (the planner may also send DescribeTable
# to learn a table's keys; those are not the attempts under test).
attempts() {
    python3 -c "import json,sys,urllib.request; print(sum(1 for r in json.load(urllib.request.urlopen(sys.argv[1])) if not (r['target'] or '').endswith('.DescribeTable')))" "$URL/__log"
}

export HOME="$WORK/home" XDG_DATA_HOME="$WORK/data"
mkdir -p "$HOME" "$XDG_DATA_HOME"
export AWS_CONFIG_FILE="$WORK/none" AWS_SHARED_CREDENTIALS_FILE="$WORK/none"
export AWS_ACCESS_KEY_ID=AKIDFAULTS AWS_SECRET_ACCESS_KEY=fault-secret-key AWS_EC2_METADATA_DISABLED=true
export PQSH_TEST_RETRY_BASE_MS=20 AWS_MAX_ATTEMPTS=4
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL AWS_ENDPOINT_URL_DYNAMODB AWS_REGION AWS_RETRY_MODE

fail() { echo "FAIL $1"; cat "$WORK/out"; fails=$((fails+1)); }

# run NAME WANT_STATUS WANT_ATTEMPTS -- pqsh args  (stdout+stderr in $WORK/out)
run() {
    local name=$1 want_status=$2 want_attempts=$3
    shift 4
    "$PQSH" "$@" >"$WORK/out" 2>&1
    local status=$?
    if [ "$status" -ge 128 ] || grep -q "Sanitizer\|runtime error" "$WORK/out"; then
        fail "$name: crashed (status $status)"; return 1
    fi
    if [ "$status" != "$want_status" ]; then fail "$name: exit status $status, expected $want_status"; return 1; fi
    if [ "$want_attempts" != - ]; then
        local n; n=$(attempts)
        if [ "$n" != "$want_attempts" ]; then fail "$name: $n attempts, expected $want_attempts"; return 1; fi
    fi
    return 0
}
has() { grep -qF -- "$2" "$WORK/out" || { fail "$1: output lacks: $2"; return 1; }; }
hasnt() { ! grep -qF -- "$2" "$WORK/out" || { fail "$1: output has: $2"; return 1; }; }
# The backoff ceilings --debug printed, one per retry: must double each time.
grew() {
    local c; c=$(grep -o 'backoff ceiling [0-9]*' "$WORK/out" | awk '{print $3}' | tr '\n' ' ')
    [ "$c" = "$2" ] || { fail "$1: backoff ceilings '$c', expected '$2'"; return 1; }
}
ok() { echo "ok   $1"; }

INSERT="INSERT INTO Orders VALUE {'idempotency_token': 'token123', 'order_amount': 100}"
SELECT="SELECT * FROM Orders WHERE idempotency_token = 'token123'"

start_fake 500
run 500-read 1 4 -- --endpoint-url "$URL" --debug -c "SHOW TABLES" &&
    has 500-read "error: InternalServerError: Internal server error" &&
    grew 500-read "20 40 80 " && has 500-read "giving up on ListTables after 4 attempts" && ok 500-read

start_fake 503
run 503 1 4 -- --endpoint-url "$URL" --debug -c "$SELECT" &&
    has 503 "error: ServiceUnavailable: HTTP 503: Service Unavailable" && grew 503 "20 40 80 " && ok 503

start_fake throttle,throttle,ok
run throttle-recovers 0 3 -- --endpoint-url "$URL" --debug -c "SHOW TABLES" &&
    grew throttle-recovers "20 40 " && hasnt throttle-recovers "error:" && ok throttle-recovers

start_fake ptee
run ptee-write 1 4 -- --endpoint-url "$URL" --debug -c "$INSERT" &&
    has ptee-write "error: ProvisionedThroughputExceededException: The level of configured provisioned throughput for the table was exceeded." &&
    grew ptee-write "20 40 80 " && ok ptee-write

start_fake throttle
AWS_MAX_ATTEMPTS=2 run max-attempts 1 2 -- --endpoint-url "$URL" -c "$SELECT" &&
    has max-attempts "error: ThrottlingException: Rate of requests exceeds the allowed throughput." && ok max-attempts

# A write that may have reached the server is never retried nor called failed.
start_fake reset
run reset-write 4 1 -- --endpoint-url "$URL" -c "$INSERT" &&
    has reset-write "outcome unknown: the ExecuteStatement request may or may not have been applied (connection was closed before a valid response" &&
    ok reset-write
# The SELECT's first attempt goes over the connection kept alive after the
# planner's DescribeTable; libcurl itself sends a request once more on a fresh
# connection when a reused one dies before any answer, so the server may see
# 5 requests for pqsh's 4 attempts.
start_fake reset
run reset-read 3 - -- --endpoint-url "$URL" --debug -c "$SELECT" &&
    has reset-read "error: connection was closed before a valid response from endpoint URL" &&
    has reset-read "giving up on ExecuteStatement after 4 attempts" &&
    grew reset-read "20 40 80 " && ok reset-read
n=$(attempts); { [ "$n" = 4 ] || [ "$n" = 5 ]; } || fail "reset-read: $n requests reached the server"

start_fake reset,ok
run reset-then-ok 0 2 -- --endpoint-url "$URL" -c "$SELECT" && has reset-then-ok "(0 items)" && ok reset-then-ok

start_fake slow
start=$(date +%s.%N)
AWS_MAX_ATTEMPTS=2 run slow 3 2 -- --endpoint-url "$URL" --read-timeout 1 -c "SHOW TABLES" &&
    has slow "error: read timeout on endpoint URL" && ok slow
took=$(python3 -c "import sys; print(float(sys.argv[2]) - float(sys.argv[1]))" "$start" "$(date +%s.%N)")
# Two attempts (counted above) of 1 s each: at least 1.9 s. The fake answers
# after 3 s, so an ignored --read-timeout shows as a success (no "read
# timeout" above), not as time; the upper bound only says "not the 60 s
# default", with room for a loaded machine (6.6 s was seen at load 18).
python3 -c "import sys; sys.exit(not 1.9 <= float(sys.argv[1]) < 50)" "$took" || fail "slow: took $took s, expected two 1 s timeouts"
AWS_MAX_ATTEMPTS=1 run slow-write 4 - -- --endpoint-url "$URL" --read-timeout 0.5 -c "$INSERT" &&
    has slow-write "outcome unknown: the ExecuteStatement request" && has slow-write "read timeout" && ok slow-write

start_fake trunc
run trunc 3 4 -- --endpoint-url "$URL" -c "SHOW TABLES" && has trunc "error: invalid JSON in the response" && ok trunc

start_fake badcrc,ok
run badcrc-read 0 2 -- --endpoint-url "$URL" --debug -c "SHOW TABLES" &&
    has badcrc-read "response checksum mismatch: x-amz-crc32 12345" && ok badcrc-read
start_fake badcrc
run badcrc-write 4 1 -- --endpoint-url "$URL" -c "$INSERT" &&
    has badcrc-write "outcome unknown: the ExecuteStatement request may or may not have been applied (response checksum mismatch" &&
    ok badcrc-write

start_fake validate
run not-retried 1 1 -- --endpoint-url "$URL" -c "SHOW TABLES" &&
    has not-retried "error: ValidationException: bad input" && ok not-retried

# The server applies a write, then closes the kept-alive connection without
# answering. libcurl would send the request again on a fresh connection by
# itself and meet the echo of the first attempt (DuplicateItemException);
# pqsh does not let it (a write's body cannot be rewound): one attempt, and
# the outcome is reported as unknown, exit 4.
start_fake ok,closeafter,dup
run closed-after-write 4 2 -- --endpoint-url "$URL" -c "$SELECT; $INSERT" &&
    has closed-after-write "outcome unknown: the ExecuteStatement request may or may not have been applied" &&
    hasnt closed-after-write "error: DuplicateItemException" && ok closed-after-write

# Credentials the service does not know: exit 3 (not reached as who we
# are), not 1 (the statement refused).
start_fake badcreds
run badcreds 3 1 -- --endpoint-url "$URL" -c "SHOW TABLES" &&
    has badcreds "error: UnrecognizedClientException: The security token included in the request is invalid." &&
    ok badcreds

# Several failures: the exit status is the worst one (a refused statement,
# then a write of unknown outcome → 4).
start_fake validate,reset
run worst-wins 4 2 -- --endpoint-url "$URL" -c "$INSERT; $INSERT" &&
    has worst-wins "ValidationException: bad input" && has worst-wins "outcome unknown" && ok worst-wins

# Nothing listening: the request never left, so even a write is simply an error.
run refused 3 - -- --endpoint-url http://127.0.0.1:9 --connect-timeout 2 -c "$INSERT" &&
    has refused "could not connect to the endpoint URL" && hasnt refused "outcome unknown" && ok refused

# .connect switches targets inside one session and keeps the old one on failure.
start_fake ok
cat >"$WORK/connect.sql" <<SQL
CREATE TABLE T (k STRING PRIMARY KEY);
.connect $URL
.connect
SHOW TABLES;
.connect nowhere
.connect
.connect local::memory:
SHOW TABLES;
.connect aws:eu-west-3
.connect
SQL
run connect 1 1 -- --local "$WORK/data/a.db" -f "$WORK/connect.sql" &&
    has connect "connected to Amazon DynamoDB ($URL)" &&
    has connect "usage: .connect local[:PATH] | aws[:REGION] | URL" &&
    has connect "connected to local engine in memory (nothing is kept)" &&
    has connect "connected to Amazon DynamoDB (eu-west-3)" && ok connect
# The label lines .connect printed without an argument: the endpoint, kept
# after the failed .connect, then the region.
labels=$(grep -E '^(http://127|eu-west-3$)' "$WORK/out" | tr '\n' ' ')
[ "$labels" = "$URL $URL eu-west-3 " ] || fail "connect: labels '$labels'"

run no-verify 3 - -- --endpoint-url http://127.0.0.1:9 --connect-timeout 1 --no-verify-ssl -c "SHOW TABLES" &&
    has no-verify "warning: --no-verify-ssl: TLS certificates are not verified" && ok no-verify
run bad-timeout 2 - -- --endpoint-url "$URL" --read-timeout soon -c "SHOW TABLES" &&
    has bad-timeout "--read-timeout needs a number of seconds (0 for none), not 'soon'" && ok bad-timeout
run bad-ca 3 - -- --endpoint-url https://127.0.0.1:$PORT --ca-bundle "$WORK/none.pem" -c "SHOW TABLES" &&
    has bad-ca "could not connect to the endpoint URL" && ok bad-ca

[ "$fails" = 0 ] && echo "all passed" || echo "$fails failed"
[ "$fails" = 0 ]
