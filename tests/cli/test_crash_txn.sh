#!/usr/bin/env bash
# test_crash_txn.sh PQSH — transactions survive SIGKILL whole or not at all.
#
# Twenty times: a script runs transactions against `--local FILE` (each one
# inserts three items and adds 1 to its round's counter), and the process is
# killed with SIGKILL at a random moment. After every kill the database must
# open, `PRAGMA integrity_check` must say ok, and, read back through pqsh,
# every transaction must be wholly present or wholly absent: three items or
# none, and the round's counter equal to the number of whole transactions.
set -u
if [ $# -ne 1 ]; then
  echo "usage: test_crash_txn.sh PQSH" >&2
  exit 2
fi
pqsh=$1
command -v sqlite3 > /dev/null || { echo "SKIP: no sqlite3 command"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db=$tmp/crash.db
export HOME=$tmp XDG_DATA_HOME=$tmp/data
rounds=20
per_round=2000
fail=0

"$pqsh" --local "$db" -c "CREATE TABLE Ledger (id STRING PRIMARY KEY);" > /dev/null || {
  echo "FAIL: cannot create the table"
  exit 1
}

# The script of round r: a counter item, then transactions r<r>-t<i>.
write_script() {
  local r=$1 i
  {
    echo "INSERT INTO Ledger VALUE {'id': 'counter-r$r', 'n': 0};"
    for ((i = 0; i < per_round; i++)); do
      echo "BEGIN;"
      echo "INSERT INTO Ledger VALUE {'id': 'r$r-t$i-a', 'round': $r};"
      echo "INSERT INTO Ledger VALUE {'id': 'r$r-t$i-b', 'round': $r};"
      echo "INSERT INTO Ledger VALUE {'id': 'r$r-t$i-c', 'round': $r};"
      echo "UPDATE Ledger SET n = n + 1 WHERE id = 'counter-r$r';"
      echo "COMMIT;"
    done
  } > "$tmp/round$r.sql"
}

# Checks the database after round r; prints what is wrong.
check() {
  local r=$1 ok
  ok=$(sqlite3 "$db" 'PRAGMA integrity_check' 2>&1)
  if [ "$ok" != ok ]; then
    echo "FAIL: round $r: integrity_check says: $ok"
    return 1
  fi
  if ! "$pqsh" --local "$db" --mode json -c "SELECT id, n FROM Ledger" > "$tmp/items" 2> "$tmp/err"; then
    echo "FAIL: round $r: the database does not open or read: $(cat "$tmp/err")"
    return 1
  fi
  # Every transaction has 3 items or none; each counter equals the number
  # of whole transactions of its round.
  awk -v round="$r" '
    match($0, /"id": "[^"]*"/) {
      id = substr($0, RSTART + 7, RLENGTH - 8)
      if (id ~ /^counter-r/) {
        match($0, /"n": [0-9]+/)
        counter[substr(id, 10)] = substr($0, RSTART + 5, RLENGTH - 5)
        next
      }
      split(id, p, "-")
      items[p[1] "-" p[2]]++
    }
    END {
      bad = 0
      for (t in items) {
        if (items[t] != 3) { print "FAIL: round " round ": transaction " t " has " items[t] " of 3 items"; bad = 1 }
        split(t, q, "-"); whole[substr(q[1], 2)]++
      }
      for (k in whole) if (!(k in counter)) {
        print "FAIL: round " round ": counter-r" k " is " counter[k] " but " whole[k] " transactions are whole"; bad = 1
      }
      for (k in counter) if (counter[k] + 0 != whole[k] + 0) {
        print "FAIL: round " round ": counter-r" k " is " counter[k] " but " whole[k] + 0 " transactions are whole"; bad = 1
      }
      exit bad
    }' "$tmp/items"
}

killed=0
for ((r = 1; r <= rounds; r++)); do
  write_script "$r"
  "$pqsh" --local "$db" -f "$tmp/round$r.sql" > "$tmp/out" 2>&1 &
  pid=$!
  # Once a transaction has committed (its COMMIT is in the output), 5 to
  # 300 ms more: well inside the run. A delay counted from the start alone
  # could end before a loaded machine had committed anything, in every
  # round, and leave nothing to check.
  end=$((SECONDS + 120))
  until grep -q '^COMMIT' "$tmp/out" 2> /dev/null || ! kill -0 "$pid" 2> /dev/null ||
    [ "$SECONDS" -ge "$end" ]; do
    sleep 0.01
  done
  sleep "0.$(printf '%03d' $((5 + RANDOM % 296)))"
  if kill -9 "$pid" 2> /dev/null; then killed=$((killed + 1)); fi
  wait "$pid" 2> /dev/null
  check "$r" || fail=1
done

whole=$("$pqsh" --local "$db" --mode json -c "SELECT id FROM Ledger" | grep -c -- '-a"')
echo "$rounds rounds, $killed killed mid-run, $whole transactions committed whole"
if [ "$killed" -lt 10 ]; then
  echo "FAIL: only $killed of $rounds runs were still going when killed"
  fail=1
fi
if [ "$whole" -eq 0 ]; then
  echo "FAIL: no transaction committed at all"
  fail=1
fi
exit $fail
