#!/usr/bin/env bash
# sql_over_http.sh PQSH FILE.sql — a golden script again, through real HTTP.
#
# Starts `pqsh serve --local :memory: --clock` (so .clock and .ttl-sweep
# answer as on the embedded engine) on a free loopback port (clock fixed
# with PQSH_TEST_FIXED_TIME as tests/sql/run.sh does), runs FILE.sql with
# `pqsh --endpoint-url http://127.0.0.1:PORT` and the same options run.sh
# uses, and compares with the same FILE.out. When the two targets differ on
# purpose, sql_over_http/NAME.diff holds the expected `diff FILE.out actual`
# output, after '#' lines that give the reasons.
set -u
if [ $# -ne 2 ]; then
  echo "usage: sql_over_http.sh PQSH FILE.sql" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
pqsh=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
dir=$(dirname "$2")
name=$(basename "$2" .sql)
cd "$dir" || exit 2

PQSH=$pqsh
. "$here/serve_lib.sh"
serve_setup
export PQSH_TEST_FIXED_TIME=1700000000
serve_start --local :memory: --clock
url=$SERVE_URL
work=$WORK

args=()
first=$(head -n 1 "$name.sql")
case "$first" in
  "-- pqsh-args:"*) read -r -a args <<< "${first#-- pqsh-args:}" ;;
esac

actual="$work/actual"
"$pqsh" --endpoint-url "$url" --echo "${args[@]}" -f "$name.sql" < /dev/null > "$actual" 2>&1
echo "-- exit status: $?" >> "$actual"

diff "$name.out" "$actual" > "$work/diff"
allowed="$here/sql_over_http/$name.diff"
if [ -f "$allowed" ]; then
  grep -v '^#' "$allowed" | diff -u - "$work/diff" && exit 0
  echo "sql_over_http: the differences from $name.out are not the allowed ones above" >&2
  exit 1
fi
[ -s "$work/diff" ] || exit 0
diff -u "$name.out" "$actual"
exit 1
