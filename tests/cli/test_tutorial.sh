#!/usr/bin/env bash
# test_tutorial.sh PQSH — the seed tutorial through stdin, -f and -c gives the
# same results; exit status 1 with the duplicate INSERT and 0 without;
# --bail stops at the duplicate. The same for the golden tests/sql/tutorial.sql
# (which -f reproduces exactly), saved with CRLF and a BOM, and split over two
# -f files with a -c between them.
set -u
pqsh=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
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

# The golden tutorial itself (tests/sql/tutorial.sql, the four steps as worded,
# the duplicate, a token nobody used): stdin, -f and -c print the same, apart
# from the name of the input in the message.
src=${PQSH_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
tut="$src/tests/sql/tutorial.sql"
norm() { sed -E 's/^(tutorial\.sql|<stdin>|<command line>):([0-9]+:[0-9]+: )/INPUT:\2/' "$1"; }
(cd "$(dirname "$tut")" && "$pqsh" --local :memory: --echo -f tutorial.sql > "$tmp/t.file" 2>&1)
st_file=$?
"$pqsh" --local :memory: --echo < "$tut" > "$tmp/t.stdin" 2>&1
st_stdin=$?
"$pqsh" --local :memory: --echo -c "$(cat "$tut")" > "$tmp/t.command" 2>&1
st_command=$?
for how in file stdin command; do
  eval "st=\$st_$how"
  [ "$st" = 1 ] || fail "tutorial.sql via $how: exit status $st, expected 1"
done
grep -qxF "tutorial.sql:18:1: error: DuplicateItemException: Duplicate primary key exists in table" \
  "$tmp/t.file" || fail "tutorial.sql via -f: no duplicate error at 18:1"
grep -qxF "<stdin>:18:1: error: DuplicateItemException: Duplicate primary key exists in table" \
  "$tmp/t.stdin" || fail "tutorial.sql via stdin: no duplicate error at 18:1"
grep -qxF "<command line>:18:1: error: DuplicateItemException: Duplicate primary key exists in table" \
  "$tmp/t.command" || fail "tutorial.sql via -c: no duplicate error at 18:1"
cmp -s <(norm "$tmp/t.file") <(norm "$tmp/t.stdin") || fail "tutorial.sql: -f and stdin differ"
cmp -s <(norm "$tmp/t.file") <(norm "$tmp/t.command") || fail "tutorial.sql: -f and -c differ"
# ... and -f matches the golden output.
[ -f "$src/tests/sql/tutorial.out" ] &&
  { cat "$tmp/t.file"; echo "-- exit status: $st_file"; } | cmp -s - "$src/tests/sql/tutorial.out" ||
  fail "tutorial.sql via -f differs from tutorial.out"

# Without the duplicate (its line removed), each way exits 0.
grep -vxF "INSERT INTO Orders VALUE {'idempotency_token': 'token123', 'order_id': 'order001', 'customer_name': 'Alice', 'order_amount': 100};" "$tut" > "$tmp/nodup.sql"
printf '%s\n' "INSERT INTO Orders VALUE {'idempotency_token': 'token123', 'order_id': 'order001', 'customer_name': 'Alice', 'order_amount': 100};" > "$tmp/one.sql"
# (keep the first INSERT: put it back right after CREATE TABLE)
sed -i "/^CREATE TABLE Orders/r $tmp/one.sql" "$tmp/nodup.sql"
"$pqsh" --local :memory: -f "$tmp/nodup.sql" > "$tmp/n.file" 2>&1 || fail "no duplicate, -f: exit status $?"
"$pqsh" --local :memory: < "$tmp/nodup.sql" > "$tmp/n.stdin" 2>&1 || fail "no duplicate, stdin: exit status $?"
"$pqsh" --local :memory: -c "$(cat "$tmp/nodup.sql")" > "$tmp/n.command" 2>&1 || fail "no duplicate, -c: exit status $?"
grep -q error "$tmp/n.file" && fail "no duplicate: an error was printed: $(cat "$tmp/n.file")"
[ "$(grep -c '^(1 item)$' "$tmp/n.file")" = 1 ] || fail "no duplicate: the order was not found once"
cmp -s "$tmp/n.file" "$tmp/n.stdin" || fail "no duplicate: -f and stdin differ"
cmp -s "$tmp/n.file" "$tmp/n.command" || fail "no duplicate: -f and -c differ"

# --bail on the golden tutorial: the duplicate is the last thing that happens.
"$pqsh" --local :memory: --echo --bail < "$tut" > "$tmp/t.bail" 2>&1
[ $? = 1 ] || fail "tutorial.sql --bail: exit status not 1"
[ "$(tail -n 1 "$tmp/t.bail")" = "<stdin>:18:1: error: DuplicateItemException: Duplicate primary key exists in table" ] ||
  fail "tutorial.sql --bail: did not stop at the duplicate: $(tail -n 3 "$tmp/t.bail")"
grep -q token999 "$tmp/t.bail" && fail "tutorial.sql --bail: ran the statements after the duplicate"

# The same tutorial saved with CRLF line endings and a UTF-8 BOM prints the same.
printf '\xef\xbb\xbf' > "$tmp/crlf.sql"
sed 's/$/\r/' "$tut" >> "$tmp/crlf.sql"
"$pqsh" --local :memory: < "$tmp/crlf.sql" > "$tmp/t.crlf" 2>&1
[ $? = 1 ] || fail "CRLF+BOM tutorial: exit status not 1"
"$pqsh" --local :memory: < "$tut" > "$tmp/t.plain" 2>&1
cmp -s "$tmp/t.crlf" "$tmp/t.plain" || fail "CRLF+BOM tutorial differs: $(diff "$tmp/t.plain" "$tmp/t.crlf")"

# Split over two -f files (and a -c in between), the variable and the table carry over.
head -n 12 "$tut" > "$tmp/part1.sql"
tail -n +14 "$tut" > "$tmp/part2.sql"
"$pqsh" --local :memory: -f "$tmp/part1.sql" -c "SET token_to_check = 'token123';" -f "$tmp/part2.sql" \
  > "$tmp/t.split" 2> "$tmp/t.split.err"
[ $? = 1 ] || fail "split tutorial: exit status not 1"
[ "$(grep -c '^(1 item)$' "$tmp/t.split")" = 1 ] || fail "split tutorial: the order was not found: $(cat "$tmp/t.split")"
grep -q "part2.sql:5:1: error: DuplicateItemException" "$tmp/t.split.err" ||
  fail "split tutorial: the duplicate is not reported in part2.sql: $(cat "$tmp/t.split.err")"

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
