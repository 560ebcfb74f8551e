#!/usr/bin/env bash
# .tail TABLE at a real prompt: each change made by another client appears
# as it happens (INSERT, MODIFY, REMOVE and the TTL sweep's "REMOVE (TTL)"),
# in the current output mode; Ctrl-C stops it and the prompt comes back.
# Once on the embedded engine (a database file that a second pqsh writes
# to) and once against pqsh serve (the streams API over HTTP).
set -euo pipefail
pqsh=${1:?usage: test_tail_tmux.sh PQSH}
. "$(dirname "$0")/lib.sh"
export HOME="$tmp" XDG_DATA_HOME="$tmp/data" XDG_CONFIG_HOME="$tmp/config"
export AWS_CONFIG_FILE="$tmp/none" AWS_SHARED_CREDENTIALS_FILE="$tmp/none"
export AWS_ACCESS_KEY_ID=AKIDPQSHTEST AWS_SECRET_ACCESS_KEY=pqsh-test-secret AWS_REGION=us-east-1
db="$tmp/tail.db"
# A second client: one statement through its own pqsh.
other() { "$pqsh" -X -q --no-history "$@"; }

# ---- the embedded engine ----
other --local "$db" -c "CREATE TABLE Orders (id STRING PRIMARY KEY);"
start "env TERM=xterm '$pqsh' -X --no-history --local '$db'"
wait_for '^Enter \.help for help'
type_line ".tail Orders"
wait_for 'has no stream to follow: \.stream Orders NEW_AND_OLD_IMAGES enables one'
type_line ".stream Orders NEW_AND_OLD_IMAGES"
wait_for '^stream of Orders: ENABLED \(NEW_AND_OLD_IMAGES\), arn:aws:dynamodb:'
other --local "$db" -c "INSERT INTO Orders VALUE {'id': 'before'};"
type_line ".mode line"
type_line ".tail Orders"
wait_for '^following Orders \(NEW_AND_OLD_IMAGES\); Ctrl-C stops$'
other --local "$db" -c "INSERT INTO Orders VALUE {'id': 'o1', 'qty': 1};"
wait_for "eventName \\| 'INSERT'"
other --local "$db" -c "UPDATE Orders SET qty = 2 WHERE id = 'o1';"
wait_for "eventName \\| 'MODIFY'"
wait_for 'qty +\| 2$'
other --local "$db" -c "DELETE FROM Orders WHERE id = 'o1';"
wait_for "eventName \\| 'REMOVE'"
# what was there before .tail started is not shown
screen | grep -q "before" && fail "a change from before .tail was shown"
keys C-c
wait_for 'stopped: 3 changes$'
wait_for '^pqsh.*> $'
type_line "SELECT id FROM Orders;"
wait_for "^id +\\| 'before'$"
type_line ".quit"
sleep 0.3

# ---- pqsh serve: the streams API over HTTP, TTL deletions ----
tmux -L "$sock" kill-server 2>/dev/null || true
port_file="$tmp/serve.out"
PQSH_TEST_FIXED_TIME=1700000000 "$pqsh" serve --port 0 --clock --local :memory: >"$port_file" 2>"$tmp/serve.err" &
serve_pid=$!
trap 'kill $serve_pid 2>/dev/null || true; cleanup' EXIT
wait_until "grep -q 'http://' '$port_file'" || true
url=$(grep -o 'http://[0-9.:]*' "$port_file" | head -1)
[ -n "$url" ] || fail "serve did not start"
other --endpoint-url "$url" -c "CREATE TABLE Tokens (token STRING PRIMARY KEY);"
other --endpoint-url "$url" -c ".ttl Tokens expires_at" >/dev/null
other --endpoint-url "$url" -c ".stream Tokens KEYS_ONLY" >/dev/null
start "env TERM=xterm '$pqsh' -X --no-history --endpoint-url '$url'"
wait_for '^Enter \.help for help'
type_line ".mode json"
type_line ".tail Tokens"
wait_for '^following Tokens \(KEYS_ONLY\); Ctrl-C stops$'
other --endpoint-url "$url" -c "INSERT INTO Tokens VALUE {'token': 't1', 'expires_at': 1700000600};"
wait_for '^\{"token": "t1", "eventName": "INSERT"\}$'
other --endpoint-url "$url" -c ".clock +11m" >/dev/null
other --endpoint-url "$url" -c ".ttl-sweep" >/dev/null
wait_for '^\{"token": "t1", "eventName": "REMOVE \(TTL\)"\}$'
keys C-c
wait_for 'stopped: 2 changes$'
type_line ".quit"
echo "ok: .tail follows a table's changes on the embedded engine and over HTTP; Ctrl-C stops"
