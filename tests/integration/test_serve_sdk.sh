#!/bin/bash
# test_serve_sdk.sh — boto3 and the AWS CLI, clients this project did not write,
# run the tutorial and the item/table API against `pqsh serve`.
# Usage: bash test_serve_sdk.sh PQSH_BINARY
set -u
PQSH=${1:?usage: test_serve_sdk.sh PQSH_BINARY}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/serve_lib.sh"
serve_setup

serve_start --local :memory:
python3 "$HERE/serve_sdk.py" "$SERVE_URL" || fails=$((fails+1))
serve_stop || { echo "FAIL: server exit status $?"; fails=$((fails+1)); }

# The AWS CLI: the tutorial again on a fresh server, assertions on its JSON.
serve_start --local :memory:
aws() { command aws --endpoint-url "$SERVE_URL" --output json "$@"; }
# expect NAME PYTHON-EXPRESSION-ON-j -- aws args  (j = the parsed stdout; rc = exit status)
expect() {
    local name=$1 cond=$2; shift 3
    aws "$@" >"$WORK/cli.out" 2>"$WORK/cli.err"
    local rc=$?
    if python3 -c '
import json, sys
text = open(sys.argv[1]).read()
j = json.loads(text) if text.strip() else None
err = open(sys.argv[2]).read()
rc = int(sys.argv[3])
sys.exit(0 if eval(sys.argv[4]) else 1)' "$WORK/cli.out" "$WORK/cli.err" "$rc" "$cond"; then
        echo "ok   cli: $name"
    else
        echo "FAIL cli: $name (status $rc)"; cat "$WORK/cli.out" "$WORK/cli.err"; fails=$((fails+1))
    fi
}
expect "create-table" 'rc == 0 and j["TableDescription"]["TableName"] == "Orders"' -- \
    dynamodb create-table --table-name Orders \
    --attribute-definitions AttributeName=idempotency_token,AttributeType=S \
    --key-schema AttributeName=idempotency_token,KeyType=HASH --billing-mode PAY_PER_REQUEST
expect "wait table-exists" 'rc == 0' -- dynamodb wait table-exists --table-name Orders
expect "INSERT" 'rc == 0 and j["Items"] == []' -- dynamodb execute-statement --statement \
    "INSERT INTO Orders VALUE {'idempotency_token': 'token123', 'order_id': 'order001', 'customer_name': 'Alice', 'order_amount': 100}"
expect "SELECT with --parameters" \
    'rc == 0 and j["Items"][0]["order_amount"] == {"N": "100"} and len(j["Items"]) == 1' -- \
    dynamodb execute-statement --statement "SELECT * FROM Orders WHERE idempotency_token = ?" \
    --parameters '[{"S": "token123"}]'
expect "duplicate INSERT" \
    'rc != 0 and "DuplicateItemException" in err and "Duplicate primary key exists in table" in err' -- \
    dynamodb execute-statement --statement \
    "INSERT INTO Orders VALUE {'idempotency_token': 'token123', 'order_id': 'order001'}"
expect "put-item refused by attribute_not_exists" 'rc != 0 and "ConditionalCheckFailedException" in err' -- \
    dynamodb put-item --table-name Orders --item '{"idempotency_token": {"S": "token123"}}' \
    --condition-expression "attribute_not_exists(idempotency_token)"
expect "get-item" 'rc == 0 and j["Item"]["customer_name"] == {"S": "Alice"}' -- \
    dynamodb get-item --table-name Orders --key '{"idempotency_token": {"S": "token123"}}'
expect "describe-table" 'rc == 0 and j["Table"]["ItemCount"] == 1' -- dynamodb describe-table --table-name Orders
expect "list-tables" 'rc == 0 and j["TableNames"] == ["Orders"]' -- dynamodb list-tables
expect "delete-table" 'rc == 0 and j["TableDescription"]["TableName"] == "Orders"' -- \
    dynamodb delete-table --table-name Orders
expect "list-tables after delete" 'rc == 0 and j["TableNames"] == []' -- dynamodb list-tables
serve_stop || { echo "FAIL: server exit status $?"; fails=$((fails+1)); }

# Ctrl-C (SIGINT, which a script's background jobs start out ignoring) stops
# the server cleanly too.
serve_start --local "$WORK/int.db" --verbose
aws dynamodb list-tables >/dev/null
kill -INT "$SERVE_PID"
wait "$SERVE_PID"
status=$?
SERVE_PID=
[ $status = 0 ] && grep -q "interrupted, finishing requests in flight" "$SERVE_LOG" &&
    grep -q " POST ListTables 200 " "$SERVE_LOG" && echo "ok   SIGINT stops the server (status 0)" ||
    { echo "FAIL SIGINT: status $status"; cat "$SERVE_LOG"; fails=$((fails+1)); }

serve_finish
