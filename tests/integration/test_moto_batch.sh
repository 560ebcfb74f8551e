#!/bin/bash
# test_moto_batch.sh — batches, transactions, indexes and capacity over HTTP against moto_server.
#
# moto (with signature checking, see moto_auth.py) accepts BatchExecuteStatement,
# ExecuteTransaction (ClientRequestToken included) and UpdateTable in the forms
# pqsh sends. moto does not enforce atomicity or idempotency; the embedded
# engine is the judge of those semantics (tests/sql/txn.sql). Checked here:
# the requests are accepted, the data arrives, per-slot results are read, and
# EXPLAIN's Query/Scan note and .scanwarn work on a remote backend.
# Usage: bash test_moto_batch.sh PQSH_BINARY
set -u
PQSH=${1:?usage: test_moto_batch.sh PQSH_BINARY}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/moto_lib.sh"
moto_setup pqsh-moto-batch


moto_check create 0 "CREATE TABLE" -- -c "CREATE TABLE Orders (customer STRING, placed NUMBER, PRIMARY KEY (customer, placed))"

# INSERT … VALUES: one BatchExecuteStatement per 25 rows, one line per row.
rows=$(for i in $(seq 1 30); do printf "('c%d', %d, 'new')\n" "$((i % 3))" "$i"; done | paste -sd, -)
moto_check batch-insert 0 "row 1: INSERT 1" "row 30: INSERT 1" "BATCH 30: 30 succeeded" -- \
    -c "INSERT INTO Orders (customer, placed, status) VALUES $rows"
moto_check batch-count 0 "(10 items)" -- -c "SELECT * FROM Orders WHERE customer = 'c1'"

# BEGIN BATCH: slot errors at HTTP 200 are per statement, the rest succeed.
moto_check batch-slots 1 "statement 1: INSERT 1" "statement 2: ResourceNotFound: Requested resource not found" \
    "BATCH 2: 1 succeeded, 1 failed" -- -c "BEGIN BATCH;
INSERT INTO Orders VALUE {'customer': 'b', 'placed': 1};
INSERT INTO Nowhere VALUE {'id': 'x'};
END BATCH;"
moto_check batch-data 0 "(1 item)" -- -c "SELECT * FROM Orders WHERE customer = 'b'"

# Transactions of writes, with a given token and with a random one. (moto
# 5.2 answers HTTP 500 for UPDATE and DELETE with quoted names, the form
# pqsh sends, and has no atomicity or idempotency window: tests/sql/txn.sql
# and the engine judge those.)
moto_check txn-write 0 "COMMIT 3" -- -c "BEGIN;
INSERT INTO Orders VALUE {'customer': 't', 'placed': 1};
INSERT INTO Orders VALUE {'customer': 't', 'placed': 2};
INSERT INTO Orders (customer, placed) VALUES ('t', 3);
COMMIT WITH TOKEN 'moto-token-1';"
moto_check txn-random-token 0 "COMMIT 1" -- --debug -c "BEGIN; INSERT INTO Orders VALUE {'customer': 't', 'placed': 4}; COMMIT;"
# The token on the wire: a random UUID version 4.
if ! grep -qE '"ClientRequestToken": ?"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"' "$WORK/out"; then
    echo "FAIL txn-token-wire: no UUID v4 ClientRequestToken in the traced request"; grep -i token "$WORK/out"; fails=$((fails+1))
else
    echo "ok   txn-token-wire"
fi
moto_check txn-rollback 0 "ROLLBACK" -- -c "BEGIN; INSERT INTO Orders VALUE {'customer': 't', 'placed': 5}; ROLLBACK;"
moto_check txn-data 0 "(4 items)" -- -c "SELECT * FROM Orders WHERE customer = 't'"

# Indexes through UpdateTable (waiting for ACTIVE), shown by DESCRIBE.
moto_check create-index 0 "CREATE INDEX" -- -c "CREATE INDEX byStatus ON Orders (status)"
moto_check describe-index 0 "byStatus (global): status S (partition key)" -- -c "DESCRIBE Orders"
moto_check explain-index 0 "Query on index \"Orders\".\"byStatus\": key condition \"status\" = 'new'" -- \
    -c "EXPLAIN SELECT * FROM \"Orders\".\"byStatus\" WHERE status = 'new'"
moto_check drop-index 0 "DROP INDEX" -- -c "DROP INDEX byStatus ON Orders"
moto_check dropped-index 0 "Indexes:   none" -- -c "DESCRIBE Orders"

# EXPLAIN's note comes from DescribeTable over HTTP.
moto_check explain-query 0 "Query on table \"Orders\": key condition \"customer\" = 'c1'" -- \
    -c "EXPLAIN SELECT * FROM Orders WHERE customer = 'c1'"
moto_check explain-scan 0 "Scan of the whole table \"Orders\"" -- -c "EXPLAIN SELECT * FROM Orders WHERE status = 'new'"

# .scanwarn on asks before a full scan on an HTTP target; "n" stops it.
echo n >"$WORK/stdin"
moto_check scanwarn-no 1 "not run: the SELECT would scan the whole table" -- \
    -c ".scanwarn on" -c "SELECT * FROM Orders WHERE status = 'new'"
echo y >"$WORK/stdin"
moto_check scanwarn-yes 0 "items)" -- -c ".scanwarn on" -c "SELECT * FROM Orders WHERE status = 'new'"
: >"$WORK/stdin"
moto_check scanwarn-query 0 "(10 items)" -- -c ".scanwarn on" -c "SELECT * FROM Orders WHERE customer = 'c1'"

# .capacity on asks for ReturnConsumedCapacity and prints what comes back.
moto_check capacity 0 "Consumed capacity:" -- -c ".capacity on" -c "SELECT * FROM Orders WHERE customer = 'c1'"

if [ $fails -ne 0 ]; then echo "$fails check(s) failed"; exit 1; fi
echo "all checks passed"
