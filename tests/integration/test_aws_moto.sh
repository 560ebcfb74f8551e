#!/bin/bash
# test_aws_moto.sh — pqsh against moto_server over HTTP with signature checking on.
#
# moto_auth.py creates an IAM user, a dynamodb:* policy and an access key with
# its first unauthenticated calls; after that every pqsh request must carry a
# valid SigV4 signature. Covers CREATE TABLE / DESCRIBE / SHOW TABLES (several
# pages) / DROP, INSERT and SELECT by key with a variable bound as a parameter,
# ResourceNotFound, ResourceInUse, a wrong secret, and that no secret reaches
# the output or any file pqsh wrote.
# Usage: bash test_aws_moto.sh PQSH_BINARY
set -u
PQSH=${1:?usage: test_aws_moto.sh PQSH_BINARY}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/moto_lib.sh"
moto_setup pqsh-moto


moto_check create 0 "CREATE TABLE" -- -c "CREATE TABLE Orders (idempotency_token STRING PRIMARY KEY)"
moto_check in-use 1 "ResourceInUseException" -- -c "CREATE TABLE Orders (idempotency_token STRING PRIMARY KEY)"
moto_check describe 0 "Orders" "idempotency_token" -- -c "DESCRIBE Orders"
moto_check missing 1 "ResourceNotFoundException" -- -c "DESCRIBE Nope"
moto_check insert 0 "INSERT 1" -- -c "INSERT INTO Orders VALUE {'idempotency_token': 'token123', 'order_id': 'order001', 'customer_name': 'Alice', 'order_amount': 100}"
moto_check select-var 0 "'token123'" "'Alice'" "(1 item)" -- -c "SET token_to_check = 'token123'; SELECT * FROM Orders WHERE idempotency_token = token_to_check"
moto_check select-none 0 "(0 items)" -- -v "t='token999'" -c "SELECT * FROM Orders WHERE idempotency_token = :t"
moto_check select-map 0 "(1 item)" -- -c "INSERT INTO Orders VALUE {'idempotency_token': 'm1', 'meta': {'by': 'ann', 'n': 2}}; SELECT * FROM Orders WHERE idempotency_token = 'm1'"

# More tables than one ListTables page (100) holds.
{
    for i in $(seq 1 104); do echo "CREATE TABLE page_$i (k STRING PRIMARY KEY);"; done
} >"$WORK/many.sql"
moto_check many-tables 0 -- -f "$WORK/many.sql"
moto_check show-pages 0 "page_1" "page_104" "Orders" -- -c "SHOW TABLES"
n=$(grep -c '^page_' "$WORK/out" || true)
if [ "$n" != 104 ]; then echo "FAIL show-pages: $n page_ tables listed, expected 104"; fails=$((fails+1)); fi

moto_check drop 0 "DROP TABLE" -- -c "DROP TABLE Orders"
moto_check dropped 1 "ResourceNotFoundException" -- -c "DESCRIBE Orders"

AWS_SECRET_ACCESS_KEY="wrong-secret-value" moto_check wrong-secret 1 "SignatureDoesNotMatch" -- -c "SHOW TABLES"

# Leak check: neither the secret nor a whole signature in any output or file pqsh wrote.
if grep -rqF -- "$SECRET" "$WORK/all-output" "$HOME" "$XDG_DATA_HOME" "$XDG_CONFIG_HOME"; then
    echo "FAIL leak: the secret key appears in output or files"; fails=$((fails+1))
else
    echo "ok   no-leak"
fi

[ "$fails" = 0 ] && echo "all passed" || echo "$fails failed"
[ "$fails" = 0 ]
