#!/usr/bin/env bash
# test_options.sh PQSH — command-line options, exit statuses, the default data folder.
set -u
pqsh=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

# expect STATUS STDOUT-PATTERN STDERR-PATTERN -- ARGS…  (patterns are grep -E, "" = empty)
expect() {
  local want=$1 out_re=$2 err_re=$3
  shift 4
  "$pqsh" "$@" < /dev/null > "$tmp/out" 2> "$tmp/err"
  local got=$?
  [ "$got" = "$want" ] || fail "pqsh $*: exit status $got, expected $want"
  if [ -z "$out_re" ]; then
    [ ! -s "$tmp/out" ] || fail "pqsh $*: unexpected stdout: $(cat "$tmp/out")"
  else
    grep -qE -- "$out_re" "$tmp/out" || fail "pqsh $*: stdout lacks /$out_re/: $(cat "$tmp/out")"
  fi
  if [ -z "$err_re" ]; then
    [ ! -s "$tmp/err" ] || fail "pqsh $*: unexpected stderr: $(cat "$tmp/err")"
  else
    grep -qE -- "$err_re" "$tmp/err" || fail "pqsh $*: stderr lacks /$err_re/: $(cat "$tmp/err")"
  fi
}

expect 0 '^usage: pqsh' '' -- --help
expect 0 '^usage: pqsh' '' -- -h
expect 0 '^pqsh [0-9]+\.[0-9]+\.[0-9]+$' '' -- --version
# Usage errors: exit 2, nothing run.
expect 2 '' "unknown option '--frobnicate'" -- --frobnicate
expect 2 '' "unknown option '-Z'" -- -Z
expect 2 '' "option '-f' needs a value" -- -f
expect 2 '' "unknown mode 'xml'" -- --mode xml
expect 2 '' "NAME=VALUE" -- -v novalue
expect 2 '' "NAME=VALUE" -- -v 9x=1
expect 2 '' "Number overflow" -- -v n=1e999 --local :memory:
expect 2 '' "unexpected argument 'script.sql'" -- script.sql
expect 2 '' "cannot be combined" -- --local :memory: --region us-east-1

# Statements from several -c and -f, in the order given; exit 0 when all succeed.
printf 'SET b = 2;\n' > "$tmp/b.sql"
expect 0 '^a = 1$' '' -- --local :memory: -c "SET a = 1;" -f "$tmp/b.sql" -c ".vars"
grep -qx 'b = 2' "$tmp/out" || fail "-f between -c did not run in order"
# -v values are literals, or strings when they are no literal.
expect 0 "^s = 'two words'$" '' -- --local :memory: -v "s=two words" -v n=12.50 -v q="'x'" -c .vars
grep -qx 'n = 12.5' "$tmp/out" || fail "-v n=12.50 is not the number 12.5"
grep -qx "q = 'x'" "$tmp/out" || fail "-v q='x' is not the string x"
# --echo prints each statement with its ';', --mode json prints JSON lines
# (status lines go to stderr).
expect 0 '^\{"k": 1, "v": "x"\}$' '^INSERT 1$' -- --local :memory: --echo --mode json -c \
  "CREATE TABLE Things (k NUMBER PRIMARY KEY); INSERT INTO Things VALUE {'k': 1, 'v': 'x'}; SELECT * FROM Things;"
grep -qxF 'SELECT * FROM Things;' "$tmp/out" || fail "--echo did not print the statement"
# A statement without ';' at the end of the input still runs.
expect 0 '^\(0 items\)$' '' -- --local :memory: -c "CREATE TABLE Things (k NUMBER PRIMARY KEY); SELECT * FROM Things"
# A missing script is an error (exit 1), the rest still runs.
expect 1 '^a = 1$' "cannot open '$tmp/none.sql'" -- --local :memory: -f "$tmp/none.sql" -c "SET a = 1;" -c .vars
# .read runs another file; .quit stops everything.
printf 'SET inner = 1;\n.quit\nSET after = 1;\n' > "$tmp/inner.sql"
expect 0 '^SET$' '' -- --local :memory: -c ".read $tmp/inner.sql" -c "SET outer = 1;"
[ "$(cat "$tmp/out")" = SET ] || fail ".quit did not stop everything: $(cat "$tmp/out")"

# The default engine file lives in $XDG_DATA_HOME/pqsh (else ~/.local/share/pqsh),
# in a folder only the user can enter.
mkdir -p "$tmp/home"
HOME="$tmp/home" XDG_DATA_HOME= "$pqsh" -c "CREATE TABLE Things (k NUMBER PRIMARY KEY);" > /dev/null 2>&1 ||
  fail "default engine under HOME failed"
[ -f "$tmp/home/.local/share/pqsh/local.db" ] || fail "no ~/.local/share/pqsh/local.db"
[ "$(stat -c %a "$tmp/home/.local/share/pqsh")" = 700 ] || fail "~/.local/share/pqsh is not 0700"
HOME="$tmp/home" XDG_DATA_HOME="$tmp/xdg" "$pqsh" -c "SHOW TABLES;" > "$tmp/out" 2>&1 ||
  fail "default engine under XDG_DATA_HOME failed"
[ -f "$tmp/xdg/pqsh/local.db" ] || fail "no \$XDG_DATA_HOME/pqsh/local.db"
[ "$(stat -c %a "$tmp/xdg/pqsh")" = 700 ] || fail "\$XDG_DATA_HOME/pqsh is not 0700"
[ "$(cat "$tmp/out")" = "(0 tables)" ] || fail "a new XDG_DATA_HOME should have no tables: $(cat "$tmp/out")"
# The same file again: the table made through HOME is there.
out=$(HOME="$tmp/home" XDG_DATA_HOME= "$pqsh" -c "SHOW TABLES;" 2>&1)
[ "$out" = "Things
(1 table)" ] || fail "the default engine file did not keep the table: '$out'"

[ "$fails" = 0 ] && echo "ok"
exit $((fails > 0))
