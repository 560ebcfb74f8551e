#!/usr/bin/env bash
# test_csv_columns.sh PQSH — a result longer than one rendering block (1,000
# items) in csv and tsv modes: one header row, every row in the header's
# columns, and an attribute that first appears in a later block named once
# on stderr instead of re-heading or shifting the rows.
set -u
pqsh=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

{
    echo "CREATE TABLE Tbl (pk STRING, sk NUMBER, PRIMARY KEY (pk, sk));"
    for i in $(seq 1 1200); do
        if [ "$i" -gt 1100 ]; then
            echo "INSERT INTO Tbl VALUE {'pk': 'p', 'sk': $i, 'a': 'x$i', 'late': $i};"
        else
            echo "INSERT INTO Tbl VALUE {'pk': 'p', 'sk': $i, 'a': 'x$i'};"
        fi
    done
} > "$tmp/load.sql"
"$pqsh" --local "$tmp/db" -q -f "$tmp/load.sql" >/dev/null || fail "loading the table"

for mode in csv tsv; do
    "$pqsh" --local "$tmp/db" -q --mode "$mode" -c "SELECT * FROM Tbl WHERE pk = 'p';" \
        > "$tmp/$mode.out" 2> "$tmp/$mode.err" || fail "$mode: exit status $?"
    sep=','; [ "$mode" = tsv ] && sep=$'\t'
    head=$(head -n 1 "$tmp/$mode.out" | tr -d '\r')
    [ "$head" = "pk${sep}sk${sep}a" ] || fail "$mode: header is '$head'"
    n=$(grep -c "^pk${sep}sk" "$tmp/$mode.out")
    [ "$n" = 1 ] || fail "$mode: $n header rows"
    rows=$(($(wc -l < "$tmp/$mode.out") - 1))
    [ "$rows" = 1200 ] || fail "$mode: $rows rows"
    bad=$(tr -d '\r' < "$tmp/$mode.out" | awk -F"$sep" 'NF != 3' | wc -l)
    [ "$bad" = 0 ] || fail "$mode: $bad rows not in the header's 3 columns"
    tr -d '\r' < "$tmp/$mode.out" | grep -q "^p${sep}1200${sep}x1200$" || fail "$mode: last row"
    want="pqsh: warning: attribute 'late' first appears after item 1100, past the ${mode^^} header: its values are left out (with --sort the whole result is read first and every attribute gets a column)"
    [ "$(cat "$tmp/$mode.err")" = "$want" ] || { fail "$mode: stderr"; cat "$tmp/$mode.err" >&2; }
done

# With --sort the whole result is one block: the late attribute has its column.
"$pqsh" --local "$tmp/db" -q --sort --mode csv -c "SELECT sk, late FROM Tbl WHERE pk = 'p';" \
    > "$tmp/sorted.out" 2> "$tmp/sorted.err"
[ -s "$tmp/sorted.err" ] && fail "sorted: stderr not empty: $(cat "$tmp/sorted.err")"
[ "$(head -n 1 "$tmp/sorted.out" | tr -d '\r')" = "sk,late" ] || fail "sorted: header"
tr -d '\r' < "$tmp/sorted.out" | grep -q "^1200,1200$" || fail "sorted: the late column"

[ "$fails" = 0 ] && echo "all passed" || echo "$fails failed"
exit $((fails > 0))
