#!/bin/bash
# test_py_aws_cli.sh — the AWS CLI's dynamodb and dynamodbstreams commands
# against a fresh `pqsh serve`: tables and pagination, items, batch and
# transaction writes, PartiQL with NextToken, TTL, tags, stream records,
# waiters, errors, --output json|text|table.
# Usage: bash test_py_aws_cli.sh PQSH_BINARY
set -u
PQSH=${1:?usage: test_py_aws_cli.sh PQSH_BINARY}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/serve_lib.sh"
serve_setup

serve_start --local :memory:
# Most commands run in one interpreter (py/aws_cli.py); the `aws` command
# itself once, to show it is the same CLI.
python3 "$HERE/py/aws_cli.py" "$SERVE_URL" || fails=$((fails+1))
out=$(aws --endpoint-url "$SERVE_URL" --output text dynamodb list-tables 2>&1)
if [ "$out" = "$(printf 'TABLENAMES\tCliB\nTABLENAMES\tCliC\nTABLENAMES\tCliSongs')" ]; then
    echo "ok   the aws command: list-tables --output text"
else
    echo "FAIL the aws command: list-tables --output text: $out"; fails=$((fails+1))
fi
serve_stop || { echo "FAIL: server exit status $?"; fails=$((fails+1)); }
serve_finish
