#!/bin/bash
# test_py_boto3_resource.sh — boto3's high-level layer (the Table resource,
# boto3.dynamodb.conditions, batch_writer, paginators, waiters, the type
# (de)serializers, errors as boto3 parses them) against a fresh `pqsh serve`.
# Usage: bash test_py_boto3_resource.sh PQSH_BINARY
set -u
PQSH=${1:?usage: test_py_boto3_resource.sh PQSH_BINARY}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/serve_lib.sh"
serve_setup

serve_start --local :memory:
python3 "$HERE/py/boto3_resource.py" "$SERVE_URL" || fails=$((fails+1))
serve_stop || { echo "FAIL: server exit status $?"; fails=$((fails+1)); }
serve_finish
