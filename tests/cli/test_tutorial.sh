#!/usr/bin/env bash
# test_tutorial.sh PQSH — the seed tutorial through stdin, -f and -c gives the
# same results; exit status 1 with the duplicate INSERT and 0 without;
# --bail stops at the duplicate.
set -u
pqsh=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

steps="CREATE TABLE Orders (idempotency_token STRING PRIMARY KEY);
INSERT INTO Orders VALUE {'idempotency_token': 'token123', 'order_id': 'order001', 'customer_name': 'Alice', 'order_amount': 100};
SET token_to_check = 'token123';
SELECT * FROM Orders WHERE idempotency_token = token_to_check;"
dup="INSERT INTO Orders VALUE {'idempotency_token': 'token123', 'order_id': 'order001', 'customer_name': 'Alice', 'order_amount': 100};"
after="SELECT * FROM Orders WHERE idempotency_token = 'token999';"
printf '%s\n' "$steps" > "$tmp/ok.sql"
printf '%s\n%s\n%s\n' "$steps" "$dup" "$after" > "$tmp/dup.sql"

expected=" idempotency_token | customer_name | order_amount | order_id
-------------------+---------------+--------------+------------
 'token123'        | 'Alice'       | 100          | 'order001'
(1 item)"

# Without the duplicate: exit 0 and the order found, whichever way it comes in.
for how in stdin file command; do
  case $how in
    stdin) "$pqsh" --local :memory: < "$tmp/ok.sql" > "$tmp/out.$how" 2> "$tmp/err.$how" ;;
    file) "$pqsh" --local :memory: -f "$tmp/ok.sql" > "$tmp/out.$how" 2> "$tmp/err.$how" ;;
    command) "$pqsh" --local :memory: -c "$steps" > "$tmp/out.$how" 2> "$tmp/err.$how" ;;
  esac
  status=$?
  [ "$status" = 0 ] || fail "$how: exit status $status, expected 0"
  [ ! -s "$tmp/err.$how" ] || fail "$how: unexpected stderr: $(cat "$tmp/err.$how")"
  grep -qxF "(1 item)" "$tmp/out.$how" || fail "$how: no '(1 item)' line"
  [ "$(tail -n 4 "$tmp/out.$how")" = "$expected" ] || fail "$how: the SELECT printed
$(cat "$tmp/out.$how")"
done
cmp -s "$tmp/out.stdin" "$tmp/out.file" || fail "stdin and -f differ"
cmp -s "$tmp/out.stdin" "$tmp/out.command" || fail "stdin and -c differ"

# With the duplicate: exit 1, the error names the input and the line, and the
# statement after it still runs.
for how in stdin file command; do
  case $how in
    stdin) label="<stdin>"; "$pqsh" --local :memory: < "$tmp/dup.sql" > "$tmp/out.$how" 2> "$tmp/err.$how" ;;
    file) label="$tmp/dup.sql"; "$pqsh" --local :memory: -f "$tmp/dup.sql" > "$tmp/out.$how" 2> "$tmp/err.$how" ;;
    command) label="<command line>"; "$pqsh" --local :memory: -c "$(cat "$tmp/dup.sql")" > "$tmp/out.$how" 2> "$tmp/err.$how" ;;
  esac
  status=$?
  [ "$status" = 1 ] || fail "$how: exit status $status with the duplicate, expected 1"
  want="$label:5:1: error: DuplicateItemException: Duplicate primary key exists in table"
  [ "$(cat "$tmp/err.$how")" = "$want" ] || fail "$how: stderr is '$(cat "$tmp/err.$how")', expected '$want'"
  [ "$(tail -n 1 "$tmp/out.$how")" = "(0 items)" ] || fail "$how: the statement after the error did not run"
done
cmp -s "$tmp/out.stdin" "$tmp/out.file" || fail "stdin and -f differ (duplicate)"
cmp -s "$tmp/out.stdin" "$tmp/out.command" || fail "stdin and -c differ (duplicate)"

# --bail: stop at the duplicate; nothing after it runs.
"$pqsh" --local :memory: --bail -f "$tmp/dup.sql" > "$tmp/out.bail" 2> "$tmp/err.bail"
status=$?
[ "$status" = 1 ] || fail "--bail: exit status $status, expected 1"
[ "$(tail -n 1 "$tmp/out.bail")" = "(1 item)" ] || fail "--bail: ran past the duplicate:
$(cat "$tmp/out.bail")"
grep -q DuplicateItemException "$tmp/err.bail" || fail "--bail: no error message"
# .bail on inside the script does the same.
printf '.bail on\n' | cat - "$tmp/dup.sql" | "$pqsh" --local :memory: > "$tmp/out.bail2" 2>/dev/null
status=$?
[ "$status" = 1 ] || fail ".bail on: exit status $status, expected 1"
cmp -s "$tmp/out.bail" "$tmp/out.bail2" || fail ".bail on and --bail differ"

# A file engine keeps the table between runs; -v gives the variable.
db="$tmp/data/pqsh.db"
mkdir -p "$tmp/data"
"$pqsh" --local "$db" -c "CREATE TABLE Orders (idempotency_token STRING PRIMARY KEY);
INSERT INTO Orders VALUE {'idempotency_token': 'token123', 'order_id': 'order001'};" > /dev/null 2>&1 ||
  fail "file engine: first run failed"
out=$("$pqsh" --local "$db" -v token_to_check=token123 -c "SELECT order_id FROM Orders WHERE idempotency_token = token_to_check;" 2>&1)
[ "$(printf '%s\n' "$out" | tail -n 1)" = "(1 item)" ] || fail "file engine: second run found '$out'"

[ "$fails" = 0 ] && echo "ok"
exit $((fails > 0))
