#!/usr/bin/env bash
# test_help_examples.sh PQSH — every example `.help TOPIC` shows parses and
# runs: the examples of all statement topics go through pqsh in order (after
# the tables they use are made) and none may be a syntax error.
set -u
pqsh=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

# The topics: the comma-separated names under "Statements" in .help.
"$pqsh" -X --local :memory: -c ".help" > "$tmp/help" 2>&1 || fail ".help failed"
mapfile -t topics < <(awk '/^Statements \(/ { on = 1; next } on && /^$/ { exit }
  on { gsub(/^ +| +$/, ""); n = split($0, t, /, */); for (i = 1; i <= n; i++) if (t[i] != "") print t[i] }' \
  "$tmp/help")
[ "${#topics[@]}" -ge 10 ] || fail "found ${#topics[@]} help topics, expected at least 10"

{
  echo "CREATE TABLE Files (name STRING PRIMARY KEY);"
  for topic in "${topics[@]}"; do
    "$pqsh" -X --local :memory: -c ".help $topic" |
      awk '/^Example:/ { on = 1; next } on && /^    / { sub(/^    /, ""); print; next } on { exit }'
  done
} > "$tmp/examples.sql"
grep -q "CREATE INDEX" "$tmp/examples.sql" || fail "no CREATE INDEX example found"
"$pqsh" -X --local :memory: --echo -f "$tmp/examples.sql" > "$tmp/out" 2> "$tmp/err"
if grep -q "error: unexpected\|error: .*expected" "$tmp/err"; then
  fail "an example does not parse:"
  grep -A2 "error:" "$tmp/err" >&2
fi
echo "${#topics[@]} topics, $(grep -c ';' "$tmp/examples.sql") example statements"
[ "$fails" = 0 ]
