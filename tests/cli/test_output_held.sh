#!/usr/bin/env bash
# test_output_held.sh PQSH — a script's results on the embedded engine, going
# to a pipe or file, are written in blocks rather than one write(2) per
# statement (shell_output_holding, src/shell/input.c), and nothing a user
# can see changes:
#   - 1,000 statements' results take far fewer than 1,000 writes;
#   - a program feeding one statement at a time still gets each result
#     before it sends the next (held results are written before pqsh waits
#     for input);
#   - stdout and stderr on the same file keep their order;
#   - a write error is reported at the first statement whose results were
#     held, and the script stops there.
set -u
pqsh=$1
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

# wait_for FILE COUNT PATTERN: until FILE has COUNT lines matching PATTERN
# (a deadline, not a count of polls; false when it passes).
wait_for() {
  local deadline=$((SECONDS + 120))
  while [ "$(grep -c -- "$3" "$1" 2>/dev/null)" -lt "$2" ]; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.05
  done
}

# 1,000 reads fed through a FIFO that stays open: pqsh answers them all,
# then waits for more input with everything written. Reads write nothing
# to the database, so the process's write(2) count is its output's.
mkfifo "$tmp/in"
"$pqsh" --local :memory: < "$tmp/in" > "$tmp/out" 2> "$tmp/err" &
pid=$!
exec 3> "$tmp/in"
{
  echo "CREATE TABLE Orders (idempotency_token STRING PRIMARY KEY);"
  echo "INSERT INTO Orders VALUE {'idempotency_token': 'token123', 'customer_name': 'Alice'};"
  for i in $(seq 1 1000); do
    echo "SELECT customer_name FROM Orders WHERE idempotency_token = 'token123';"
  done
} >&3
if ! wait_for "$tmp/out" 1000 '^(1 item)'; then
  fail "1,000 results not written while pqsh waits for input: $(grep -c '(1 item)' "$tmp/out") of them; $(cat "$tmp/err")"
else
  writes=$(awk '$1 == "syscw:" { print $2 }' "/proc/$pid/io")
  # One write per statement was 1,002; a 4 KB block holds ~30 results.
  [ -n "$writes" ] && [ "$writes" -lt 200 ] ||
    fail "1,000 results took ${writes:-?} write(2) calls (held output writes blocks)"
fi

# One statement at a time, as a coprocess would: each answer arrives
# before the next statement is sent.
for i in 1 2 3; do
  echo "INSERT INTO Orders VALUE {'idempotency_token': 'one$i'};" >&3
  wait_for "$tmp/out" "$i" '^INSERT 1$' ||
    fail "statement $i sent alone: no result while pqsh waits for the next ($(tail -2 "$tmp/out"))"
done
exec 3>&-
wait "$pid"
st=$?
pid=
[ $st = 0 ] || fail "fed run: exit status $st: $(cat "$tmp/err")"
[ -s "$tmp/err" ] && fail "fed run wrote to stderr: $(cat "$tmp/err")"

# Both on /dev/null (> /dev/null 2>&1), where no order can be seen: held
# too. 1,000 reads through a FIFO kept open; once pqsh has read them all
# and waits in the FIFO's read (wchan pipe_read or anon_pipe_read, by the
# kernel; a kernel that hides wchan only makes this wait its deadline), its
# write(2) count is its output's.
mkfifo "$tmp/in2"
{
  echo "CREATE TABLE Orders (idempotency_token STRING PRIMARY KEY);"
  for i in $(seq 1 1000); do
    echo "SELECT customer_name FROM Orders WHERE idempotency_token = 'token123';"
  done
} > "$tmp/reads.sql"
"$pqsh" --local :memory: < "$tmp/in2" > /dev/null 2>&1 &
pid=$!
exec 3> "$tmp/in2"
cat "$tmp/reads.sql" >&3
size=$(wc -c < "$tmp/reads.sql")
deadline=$((SECONDS + 60))
until [ "$(awk '$1 == "rchar:" { print $2 }' "/proc/$pid/io")" -ge "$size" ] &&
  [[ "$(cat "/proc/$pid/wchan")" == *pipe_read* ]]; do
  [ $SECONDS -lt $deadline ] || break
  sleep 0.05
done
writes=$(awk '$1 == "syscw:" { print $2 }' "/proc/$pid/io")
[ -n "$writes" ] && [ "$writes" -lt 200 ] ||
  fail "> /dev/null 2>&1: 1,000 results took ${writes:-?} write(2) calls"
exec 3>&-
wait "$pid"
pid=

# stdout and stderr on one file (2>&1, to a file and to a pipe): results
# and errors in statement order.
cat > "$tmp/mixed.sql" <<'SQL'
CREATE TABLE Orders (idempotency_token STRING PRIMARY KEY);
INSERT INTO Orders VALUE {'idempotency_token': 'a'};
INSERT INTO Nowhere VALUE {'idempotency_token': 'b'};
INSERT INTO Orders VALUE {'idempotency_token': 'c'};
SQL
"$pqsh" --local :memory: -f "$tmp/mixed.sql" > "$tmp/merged" 2>&1
"$pqsh" --local :memory: -f "$tmp/mixed.sql" 2>&1 | cat > "$tmp/piped"
for f in merged piped; do
  order=$(grep -oE '^(CREATE TABLE|INSERT 1|.*mixed.sql:3:[0-9]+: error)' "$tmp/$f" | sed 's/.*mixed.sql:/mixed.sql:/')
  expected=$'CREATE TABLE\nINSERT 1\nmixed.sql:3:1: error\nINSERT 1'
  [ "$order" = "$expected" ] || fail "2>&1 ($f): out of order: $(cat "$tmp/$f")"
done

# A full disk: the error names the first statement whose results were
# held (line 1), exit 1, and the script stops instead of running blind.
{
  echo "CREATE TABLE Orders (idempotency_token STRING PRIMARY KEY);"
  for i in $(seq 1 5000); do echo "INSERT INTO Orders VALUE {'idempotency_token': 't$i'};"; done
} > "$tmp/many.sql"
"$pqsh" --local "$tmp/full.db" -f "$tmp/many.sql" > /dev/full 2> "$tmp/err"
st=$?
[ $st = 1 ] || fail "/dev/full: exit status $st"
[ "$(head -1 "$tmp/err")" = "$tmp/many.sql:1:1: error: results were lost: cannot write to standard output: No space left on device" ] ||
  fail "/dev/full: not reported at the first held statement: $(head -3 "$tmp/err")"
n=$("$pqsh" -q --local "$tmp/full.db" --mode csv -c "SELECT idempotency_token FROM Orders;" | grep -c '^t')
[ "$n" -lt 5000 ] || fail "/dev/full: $n of 5,000 INSERTs ran (it should stop soon after the error)"

# Killed mid-script (SIGTERM, as `timeout` sends; Ctrl-C is SIGINT, the
# same path): the results held for statements that ran are written before
# pqsh dies of the signal, so the output accounts for every committed
# INSERT (one may commit as the signal lands, before its line is made).
{
  echo "CREATE TABLE Orders (idempotency_token STRING PRIMARY KEY);"
  for i in $(seq 1 200000); do echo "INSERT INTO Orders VALUE {'idempotency_token': 't$i'};"; done
} > "$tmp/long.sql"
"$pqsh" --local "$tmp/long.db" -f "$tmp/long.sql" > "$tmp/out" 2> "$tmp/err" &
pid=$!
if wait_for "$tmp/out" 100 '^INSERT 1$'; then
  kill -TERM "$pid"
  wait "$pid"
  st=$?
  pid=
  [ $st = 143 ] || fail "SIGTERM: exit status $st (not killed by the signal): $(cat "$tmp/err")"
  lines=$(grep -c '^INSERT 1$' "$tmp/out")
  items=$("$pqsh" -q --local "$tmp/long.db" --mode csv -c "SELECT idempotency_token FROM Orders;" | grep -c '^t')
  [ "$lines" -lt 200000 ] || fail "SIGTERM: the script ran to its end before the signal"
  [ $((items - lines)) -ge 0 ] && [ $((items - lines)) -le 1 ] ||
    fail "SIGTERM: $items INSERTs committed but $lines results written"
else
  fail "long script: no result within the deadline: $(cat "$tmp/err")"
fi

# One statement of many calls (INSERT … VALUES of 200,000 rows, sent 25
# at a time): SIGTERM stops it at the call running, not at its end; every
# row committed is reported (none of the calls after the signal is made).
awk 'BEGIN { print "CREATE TABLE big (pk NUMBER PRIMARY KEY);"
  printf "INSERT INTO big (pk) VALUES (0)"; for (i = 1; i < 200000; i++) printf ", (%d)", i; print ";" }' \
  > "$tmp/values.sql"
"$pqsh" --local "$tmp/values.db" -f "$tmp/values.sql" > "$tmp/out" 2> "$tmp/err" &
pid=$!
if wait_for "$tmp/out" 100 'INSERT 1$'; then
  kill -TERM "$pid"
  wait "$pid"
  st=$?
  pid=
  [ $st = 143 ] || fail "VALUES, SIGTERM: exit status $st: $(head -3 "$tmp/err")"
  lines=$(grep -c 'INSERT 1$' "$tmp/out")
  items=$("$pqsh" -q --local "$tmp/values.db" --mode csv -c "SELECT pk FROM big;" | grep -c '^[0-9]')
  [ "$items" -lt 200000 ] || fail "VALUES, SIGTERM: all 200,000 rows were written after the signal"
  [ "$items" = "$lines" ] || fail "VALUES, SIGTERM: $items rows committed but $lines reported"
  [ "$(grep -c 'interrupted' "$tmp/err")" -le 1 ] ||
    fail "VALUES, SIGTERM: one error per call left: $(grep -c interrupted "$tmp/err") lines"
else
  fail "VALUES: no result within the deadline: $(head -3 "$tmp/err")"
fi

# Results going to a pipe nobody reads: pqsh waits in write(2); SIGTERM
# still ends it (after a grace of two seconds), while the reader lives on.
mkfifo "$tmp/stalled"
sleep 120 < "$tmp/stalled" &
reader=$!
{ echo "CREATE TABLE big (pk NUMBER PRIMARY KEY);"
  printf "INSERT INTO big (pk) VALUES (0)"; for i in $(seq 1 5000); do printf ", (%d)" "$i"; done; echo ";"
  echo "SELECT * FROM big;"; } > "$tmp/stall.sql"
"$pqsh" --local :memory: -f "$tmp/stall.sql" > "$tmp/stalled" 2> "$tmp/err" &
pid=$!
deadline=$((SECONDS + 60))
until [[ "$(cat "/proc/$pid/wchan" 2>/dev/null)" == *pipe_write* ]] || [ $SECONDS -ge $deadline ]; do sleep 0.1; done
kill -TERM "$pid"
deadline=$((SECONDS + 30))
while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then
  fail "a write to a pipe nobody reads: SIGTERM did not end pqsh in 30 s"
  kill -KILL "$pid"
fi
wait "$pid" 2>/dev/null
pid=
kill "$reader" 2>/dev/null
wait "$reader" 2>/dev/null

[ $fails = 0 ] && echo "ok" || exit 1
