#!/usr/bin/env bash
# test_no_loss.sh PQSH — bad input loses nothing: a script that mixes good
# writes with many bad statements (syntax errors, undefined variables,
# DynamoDB errors, unknown commands) runs against a --local FILE; every bad
# statement is reported once, every good write is there when a second pqsh
# reads the file back, and no failed write left a trace.
set -u
pqsh=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
db="$tmp/orders.db"

# 60 rounds of: two good INSERTs, one good UPDATE, and eight bad statements.
{
  echo "CREATE TABLE Orders (idempotency_token STRING PRIMARY KEY);"
  for i in $(seq 1 60); do
    echo "INSERT INTO Orders VALUE {'idempotency_token': 'tok$i', 'n': $i};"
    echo "SELEC * FROM Orders;"                                                # syntax
    echo "INSERT INTO Orders VALUE {'idempotency_token': 'tok$i', 'n': -1};"  # duplicate
    echo "INSERT INTO Orders VALUE {'idempotency_token': 'bad$i', 'n': 1e999};" # number
    echo "UPDATE Orders SET n = 0 WHERE idempotency_token = 'none$i';"          # conditional
    echo "INSERT INTO Orders"
    echo "  VALUE {'idempotency_token': :undefined_$i};"                        # variable
    echo "INSERT INTO Orders VALUE {'idempotency_token': 'tok$i-b',"
    echo "  'n': $i, 'half': TRUE};"
    echo "INSERT INTO Orders VALUE {'idempotency_token': $i};"                  # key type
    echo ".nosuchcommand"                                                       # command
    echo "UPDATE Orders SET n = n + 1000 WHERE idempotency_token = 'tok$i' AND n = $i;"
    echo "UPDATE Orders SET n = 5 WHERE idempotency_token = 'tok$i' AND n = $i;" # condition now false
  done
  echo "SELECT * FROM Orders WHERE idempotency_token = 'tok1'"                  # last, no ';'
} > "$tmp/mixed.sql"
bad_per_round=8
"$pqsh" --local "$db" < "$tmp/mixed.sql" > "$tmp/out" 2> "$tmp/err"
status=$?
[ "$status" = 1 ] || fail "mixed script: exit status $status, expected 1"
nerr=$(grep -c ': error: ' "$tmp/err")
[ "$nerr" = $((60 * bad_per_round)) ] || fail "expected $((60 * bad_per_round)) errors, got $nerr"
for what in "DuplicateItemException" "ConditionalCheckFailedException" "Number overflow" \
  "undefined variable" "unknown command" "data type should match" "unexpected"; do
  n=$(grep -c "$what" "$tmp/err")
  [ "$n" -ge 60 ] || fail "'$what' reported $n times, expected at least 60"
done
grep -q "^ 'tok1' *| 1001$" "$tmp/out" || fail "the last statement (no ';') did not run"

# A second pqsh reads the file: 120 good items, UPDATEs applied once, no bad ones.
"$pqsh" --local "$db" --mode json -c "SELECT * FROM Orders;" > "$tmp/items" 2> "$tmp/err2" ||
  fail "reading back failed: $(cat "$tmp/err2")"
[ "$(wc -l < "$tmp/items")" = 120 ] || fail "expected 120 items, found $(wc -l < "$tmp/items")"
for i in $(seq 1 60); do
  grep -qxF "{\"idempotency_token\": \"tok$i\", \"n\": $((i + 1000))}" "$tmp/items" ||
    fail "tok$i missing or wrong: $(grep "\"tok$i\"" "$tmp/items")"
  grep -qxF "{\"idempotency_token\": \"tok$i-b\", \"half\": true, \"n\": $i}" "$tmp/items" ||
    fail "tok$i-b missing or wrong"
done
grep -q '"bad\|"none' "$tmp/items" && fail "a failed write left an item: $(grep '"bad\|"none' "$tmp/items")"

# The same script with --bail stops at the first error and keeps what came before.
rm -f "$db"*
"$pqsh" --local "$db" --bail -f "$tmp/mixed.sql" > /dev/null 2> "$tmp/err3"
[ $? = 1 ] || fail "--bail: exit status not 1"
[ "$(grep -c ': error: ' "$tmp/err3")" = 1 ] || fail "--bail: more than one error: $(cat "$tmp/err3")"
out=$("$pqsh" --local "$db" --mode csv -c "SELECT idempotency_token FROM Orders;" | tr -d "\r")
[ "$out" = "idempotency_token
tok1" ] || fail "--bail: the table holds '$out', expected just tok1"

[ "$fails" = 0 ] && echo "ok"
exit $((fails > 0))
