#!/usr/bin/env bash
# test_data_sample.sh PQSH — .sample lists the data sets; .sample NAME makes
# the tables (with their index) and loads the same items on every run
# (two databases dump byte-identically); the index answers queries; a
# second .sample into the same database fails on the existing table.
set -u
pqsh=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
cd "$tmp" || exit 1
export HOME="$tmp" XDG_DATA_HOME="$tmp/data"
"$pqsh" --local :memory: -c ".sample" >list.out 2>&1 || fail ".sample: $(cat list.out)"
grep -q "^  orders " list.out && grep -q "^  music " list.out || fail "list: $(cat list.out)"
for db in a b; do
  "$pqsh" --local $db.db -c ".sample orders" -c ".sample music" >load.$db 2>&1 || fail "load: $(cat load.$db)"
  "$pqsh" --local $db.db -c ".dump" >dump.$db 2>&1
done
grep -q "^IMPORT Orders: 3,000 written, 0 retried, 0 skipped" load.a || fail "orders: $(cat load.a)"
grep -q "^IMPORT Customers: 200 written" load.a || fail "customers: $(cat load.a)"
grep -q "^IMPORT Music: 416 written" load.a || fail "music: $(cat load.a)"
cmp -s dump.a dump.b || fail "two loads differ"
grep -q 'GLOBAL INDEX "ByGenre" ("Genre", "Year")' dump.a || fail "Music has no ByGenre index"
"$pqsh" --local a.db -c "SELECT * FROM Orders.\"ByCustomer\" WHERE customer_id = 'C0007';" >q.out 2>&1 ||
  fail "index query: $(cat q.out)"
grep -q "^([1-9][0-9]* items)" q.out || fail "no orders for C0007: $(tail -2 q.out)"
"$pqsh" --local a.db -c ".sample music" >again.out 2>&1 && fail "second .sample music succeeded"
grep -q "ResourceInUseException" again.out || fail "second load: $(cat again.out)"
"$pqsh" --local a.db -c ".sample nope" >nope.out 2>&1 && fail ".sample nope succeeded"
grep -q "no sample data set 'nope'" nope.out || fail "unknown sample: $(cat nope.out)"
[ "$fails" = 0 ] && echo "all passed"
exit $((fails > 0))
